"""`backrelief serve`: start the web app on this computer, its network, or behind a proxy.

Who can reach the server decides what it asks of them:

- On loopback (the default, ``127.0.0.1``) only this computer can, and the app stays as simple
  as ever: no login unless ``BACKRELIEF_ACCOUNTS=on``.
- ``--lan`` listens on this computer's address on the local network (``web.lan``), so a phone
  on the same Wi-Fi can open it, and ``--host`` listens on any address given. Beyond loopback,
  anyone on the network could read and change the diary, so accounts are switched on
  automatically; ``BACKRELIEF_ACCOUNTS=off`` with such an address is refused (exit 2, the
  bad-input contract) with a message saying why. ``--lan`` prints a pairing link and its QR
  code: opening it on the phone signs that device in to the owner's account.
- ``--tls`` serves HTTPS with a self-signed certificate (``web.tls``) and prints its
  fingerprint; ``--cert/--key`` use one's own. A phone needs HTTPS for offline play and the
  screen wake lock.
- ``--workers N`` starts N processes (uvicorn's supervisor, the app built by a factory in each
  from the environment). Several workers need PostgreSQL: the SQLite store serialises writers
  with a lock inside one process (``store.db.Database._write_lock``, issue 16), which a second
  process would not share, so writers of different processes would meet in SQLite's busy
  handler again, the 2-second p99 that lock was made to end, for no gain in throughput (SQLite
  has one writer at a time anyway). One process already serves a household; ``--workers 2``
  or more with SQLite is refused with a message naming ``--workers``.

The app refuses any request whose Host header is not a name it is served under
(``web.security``); ``serve`` tells the app (and its workers) which names those are through
``BACKRELIEF_SERVED_HOSTS``. Proxy headers are believed only from ``BACKRELIEF_TRUSTED_PROXIES``.

uvicorn, FastAPI and cryptography are imported inside the function so that ``backrelief --help``
stays fast.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from backrelief.cli.common import fail

if TYPE_CHECKING:
    from backrelief.web.tls import TLSFiles

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
MAX_WORKERS = 32
ALL_ADDRESSES = frozenset({"0.0.0.0", "::", "[::]"})


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and any loopback IP address (127.0.0.0/8, ::1)."""
    name = host.strip().lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


def _check_bind(host: str, port: int) -> None:
    """Fail with a clear line when ``host:port`` cannot be listened on, before uvicorn would
    fail with a traceback."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), port))
        except socket.gaierror:
            fail("--host", f"{host!r} is not an address or a name this computer can resolve")
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                fail("--port", f"port {port} on {host} is already in use; choose another with "
                     "--port")
            if exc.errno == errno.EADDRNOTAVAIL:
                fail("--host", f"{host} is not an address of this computer; use --lan to find "
                     "it, or 0.0.0.0 for every address")
            fail("--port", f"cannot listen on {host} port {port}: {exc.strerror or exc}")


def _lan_ip() -> str:
    from backrelief.web.lan import NoLanAddress, lan_address

    try:
        return lan_address()
    except NoLanAddress as exc:
        fail("--lan", str(exc))


def served_names(bind: str, lan_ip: str | None) -> list[str]:
    """The Host names the app must answer to when listening on ``bind`` (besides loopback):
    the address itself, or for every address (``0.0.0.0``) the LAN address and host names."""
    from backrelief.web.lan import host_names

    if bind.lower() in ALL_ADDRESSES or lan_ip == bind:
        return [name for name in (lan_ip, *host_names()) if name]
    return [bind.strip("[]").lower()]


def _tls_files(tls: bool, cert: Path | None, key: Path | None, ip: str,
               names: list[str]) -> TLSFiles | None:
    from backrelief.web.tls import TLSFileError, check_pair, self_signed

    if tls and (cert or key):
        fail("--tls", "makes its own certificate; give either --tls or --cert with --key")
    if (cert is None) != (key is None):
        fail("--key" if key is None else "--cert",
             "is missing: --cert and --key are given together")
    try:
        if cert is not None and key is not None:
            return check_pair(cert, key)
        if tls:
            from backrelief.config import ConfigError, load_config

            try:
                data_dir = load_config().data_dir
            except ConfigError as exc:
                fail(exc.setting, exc.problem)
            try:
                return self_signed(data_dir, ip, tuple(name for name in names if name != ip))
            except OSError as exc:
                fail("--tls", f"cannot write the certificate in {data_dir}: "
                     f"{exc.strerror or exc}")
    except TLSFileError as exc:
        fail(exc.option, exc.problem)
    return None


@click.command("serve")
@click.option("--host", default=None,
              help="Address to listen on [default: 127.0.0.1]. Beyond loopback, accounts are "
                   "switched on.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(1, 65535),
              help="Port to listen on.")
@click.option("--lan", is_flag=True,
              help="Listen on this computer's local-network address and print a pairing link "
                   "and QR code for a phone.")
@click.option("--tls", is_flag=True,
              help="Serve HTTPS with a self-signed certificate (kept in the data directory); "
                   "prints its fingerprint.")
@click.option("--cert", type=click.Path(path_type=Path), default=None,
              help="Your own certificate (PEM) for HTTPS, with --key.")
@click.option("--key", type=click.Path(path_type=Path), default=None,
              help="The private key (PEM, unencrypted) of --cert.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, MAX_WORKERS),
              help="Worker processes; more than 1 needs PostgreSQL (BACKRELIEF_DATABASE_URL).")
def serve(host: str | None, port: int, lan: bool, tls: bool, cert: Path | None,
          key: Path | None, workers: int) -> None:
    """Start the web app and print its address.

    On 127.0.0.1 (the default) only this computer can open it. With --lan a phone on the same
    network can: open the printed link or scan the QR code. Add --tls for offline use on the
    phone.
    """
    if host is not None:
        host = host.strip()  # " localhost " from a script's quoting is localhost
        if not host:
            fail("--host", "is empty; use 127.0.0.1 (the default), or --lan for your network")
        if lan:
            fail("--host", "give either --host or --lan (which finds this computer's address)")
    lan_ip = _lan_ip() if lan else None
    bind = lan_ip or host or DEFAULT_HOST
    beyond = not is_loopback(bind)
    if bind.lower() in ALL_ADDRESSES:
        from backrelief.web.lan import NoLanAddress, lan_address

        try:
            lan_ip = lan_address()
        except NoLanAddress:
            lan_ip = None
    # Behind a proxy we listen on loopback, but the proxy brings the network in.
    proxied = bool(os.environ.get("BACKRELIEF_PUBLIC_HOST", "").strip())
    from backrelief.web.config import ConfigError as WebConfigError
    from backrelief.web.config import accounts_from_env

    try:  # before anything binds or a certificate is made; the app checks it again itself
        accounts_from_env(os.environ, beyond=beyond or proxied)
    except WebConfigError as exc:
        if not (beyond or proxied):  # on loopback only the value itself can be wrong
            fail(exc.variable, str(exc).split(": ", 1)[1])
        fail("--lan" if lan else "--host" if beyond else "BACKRELIEF_PUBLIC_HOST", str(exc))
    names = served_names(bind, lan_ip) if beyond else []
    public_ip = lan_ip or (bind.strip("[]") if beyond else "127.0.0.1")
    files = _tls_files(tls, cert, key, public_ip, names)
    _check_bind(bind, port)

    from backrelief.config import ConfigError
    from backrelief.store.errors import StoreError
    from backrelief.web.config import SERVED_HOSTS_ENV, WebConfig

    os.environ[SERVED_HOSTS_ENV] = ",".join(names)
    app: Any = "backrelief.web.app:create_app"
    try:
        config = WebConfig.from_env()
        if workers > 1:
            _check_workers_database()
        else:
            from backrelief.web.app import create_app

            app = create_app(config)
    except WebConfigError as exc:
        fail(exc.variable, str(exc).split(": ", 1)[1])
    except ConfigError as exc:
        fail(exc.setting, exc.problem)
    except StoreError as exc:
        raise click.ClickException(f"cannot open the diary: {exc}") from None

    scheme = "https" if files else "http"
    # The address as asked for: ``--host localhost`` prints localhost, the LAN's is its IP.
    address = lan_ip or bind.strip("[]")
    shown = f"[{address}]" if ":" in address else address
    base = f"{scheme}://{shown}:{port}"
    click.echo(f"backrelief is running at {base}/ (press Ctrl+C to stop)")
    if files is not None:
        # Two lines of 16 pairs: the whole of it fits an 80-column terminal and a phone screen.
        click.echo("certificate SHA-256 fingerprint (check that the phone shows the same):")
        click.echo(f"  {files.fingerprint[:47]}")
        click.echo(f"  {files.fingerprint[48:]}")
    if lan:
        _print_pairing(base)
        if files is None:
            click.echo("offline use on the phone needs HTTPS: add --tls")
    if config.time_scale != 1:
        click.echo(f"test mode: the player runs {config.time_scale:g}x faster "
                   "(BACKRELIEF_TEST_TIME_SCALE)", err=True)

    import uvicorn

    uvicorn.run(
        app, factory=workers > 1, workers=workers if workers > 1 else None,
        host=bind.strip("[]"), port=port, log_level="warning", access_log=False,
        server_header=False,
        # Off unless proxies are listed: X-Forwarded-For/-Proto from anyone else change nothing.
        proxy_headers=bool(config.trusted_proxies),
        forwarded_allow_ips=list(config.trusted_proxies) or None,
        ssl_certfile=str(files.cert_path) if files else None,
        ssl_keyfile=str(files.key_path) if files else None,
    )


def _check_workers_database() -> None:
    """Refuse several workers on SQLite (see the module docstring), and open (and migrate)
    the database once here so that workers start on the current schema and a bad URL is one
    line before any worker starts."""
    from backrelief.store.db import open_database

    database = open_database()
    try:
        if database.dialect == "sqlite":
            fail("--workers", "more than 1 needs PostgreSQL (set BACKRELIEF_DATABASE_URL); "
                 "with SQLite one worker serves every request (its writers queue in one "
                 "process)")
    finally:
        database.close()


def _print_pairing(base: str) -> None:
    """Print a one-use link that signs a phone in to the owner's account, and its QR code."""
    from backrelief.store.errors import StoreError
    from backrelief.web.lan import owner_pairing_link, terminal_qr

    try:
        link, minutes = owner_pairing_link(base)
    except StoreError as exc:
        raise click.ClickException(f"cannot make a pairing link: {exc}") from None
    click.echo(f"pair a phone: open {link}")
    click.echo(f"  or scan this code (single use, valid {minutes} minutes):")
    click.echo(terminal_qr(link))
