"""`backrelief serve`: start the web app on this computer.

There are no accounts yet, so the app is single-user: whoever can reach the server can read and
change the diary. It therefore listens on a loopback address only and refuses anything else
with exit status 2 (the bad-input contract) and a message saying why and what to do. The web
app itself also refuses requests whose Host header is not a loopback name
(``backrelief.web.security``), which stops DNS-rebinding pages in the browser.

uvicorn and FastAPI are imported inside the function so that ``backrelief --help`` stays fast.
"""

from __future__ import annotations

import ipaddress
import socket

import click

from backrelief.cli.common import fail

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and any loopback IP address (127.0.0.0/8, ::1)."""
    name = host.strip().lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


def _port_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), port))
        except OSError:
            return False
    return True


@click.command("serve")
@click.option("--host", default=DEFAULT_HOST, show_default=True,
              help="Loopback address to listen on (127.0.0.1, ::1 or localhost).")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(1, 65535),
              help="Port to listen on.")
def serve(host: str, port: int) -> None:
    """Start the web app on this computer and print its address.

    Single-user, with no accounts yet: it only listens on this computer's loopback address.
    """
    host = host.strip()  # " localhost " from a script's quoting is localhost, not a bad port
    if not host:
        fail("--host", "is empty; use 127.0.0.1 (the default) or localhost")
    if not is_loopback(host):
        fail(
            "--host",
            f"{host!r} is not a loopback address. backrelief has no accounts yet, so anyone who "
            "could reach the server could read and change your pain diary. Use --host 127.0.0.1 "
            "(the default) or localhost, and open the address in a browser on this computer.",
        )
    if not _port_free(host, port):
        fail("--port", f"port {port} on {host} is already in use; choose another with --port")

    import uvicorn

    from backrelief.config import ConfigError
    from backrelief.store.errors import StoreError
    from backrelief.web.app import create_app
    from backrelief.web.config import LOOPBACK_HOSTS, WebConfig
    from backrelief.web.config import ConfigError as WebConfigError

    try:
        config = WebConfig.from_env()
        config = WebConfig(time_scale=config.time_scale,
                           allowed_hosts=(*LOOPBACK_HOSTS, host.strip().lower()))
        app = create_app(config)
    except WebConfigError as exc:
        fail(exc.variable, str(exc).split(": ", 1)[1])
    except ConfigError as exc:
        fail(exc.setting, exc.problem)
    except StoreError as exc:
        raise click.ClickException(f"cannot open the diary: {exc}") from None

    shown = f"[{host.strip('[]')}]" if ":" in host else host
    click.echo(f"backrelief is running at http://{shown}:{port}/ (press Ctrl+C to stop)")
    if config.time_scale != 1:
        click.echo(f"test mode: the player runs {config.time_scale:g}x faster "
                   "(BACKRELIEF_TEST_TIME_SCALE)", err=True)
    uvicorn.run(app, host=host.strip("[]"), port=port, log_level="warning", access_log=False,
                server_header=False, proxy_headers=False)
