"""This computer's address on the local network, for ``backrelief serve --lan``.

Found without sending anything: "connecting" a UDP socket only asks the kernel which source
address its routing table would use for that destination, so no packet leaves and no network
access is needed. Private destinations are tried (a home router's usual ranges), so the answer
is the address a phone on the same Wi-Fi reaches, not a VPN's or a public one. When routing
gives nothing usable (no default route), the host name's addresses are listed instead.

Kept in the web package because only ``serve`` needs it, and free of heavy imports.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable

# One destination in each private range; the port is never contacted.
PROBE_DESTINATIONS = ("192.168.0.1", "10.0.0.1", "172.16.0.1")


class NoLanAddress(RuntimeError):
    """This computer has no usable address on a local network."""


def usable_lan_ip(address: str) -> bool:
    """True for an IPv4 address a phone on the same network could reach: private (home and
    office ranges) and neither loopback, link-local, multicast nor unspecified."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return (ip.version == 4 and ip.is_private and not ip.is_loopback and not ip.is_link_local
            and not ip.is_multicast and not ip.is_unspecified)


def _routed_source(destination: str) -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect((destination, 9))  # nothing is sent: UDP connect only picks a route
        except OSError:
            return None
        address: str = probe.getsockname()[0]
        return address


def _host_addresses() -> list[str]:
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return []
    return [str(info[4][0]) for info in infos]


def lan_address(
    routed: Callable[[str], str | None] = _routed_source,
    listed: Callable[[], Iterable[str]] = _host_addresses,
) -> str:
    """This computer's LAN IPv4 address; :class:`NoLanAddress` when it has none.

    ``routed`` and ``listed`` are the two ways of finding it, replaceable for tests.
    """
    for destination in PROBE_DESTINATIONS:
        address = routed(destination)
        if address is not None and usable_lan_ip(address):
            return address
    for address in listed():
        if usable_lan_ip(address):
            return address
    raise NoLanAddress(
        "this computer has no address on a local network (no Wi-Fi or Ethernet connection "
        "with a private address such as 192.168.x.x); connect it to the same network as the "
        "phone and try again"
    )


def host_names() -> tuple[str, ...]:
    """This computer's own names a phone might use: the host name and its ``.local`` form
    (mDNS), lower case. Empty names and ``localhost`` are left out."""
    name = socket.gethostname().strip().lower().rstrip(".")
    if not name or name == "localhost":
        return ()
    short = name.split(".", 1)[0]
    names = [name, f"{short}.local"] if "." not in name else [name, short, f"{short}.local"]
    return tuple(dict.fromkeys(names))


def terminal_qr(text: str) -> str:
    """``text`` as a QR code drawn with block characters, two modules per character row
    (segno's compact terminal output), with the quiet zone scanners need around it.

    Error correction M: survives a little glare on a screen and stays small (version 3 to 5
    for a pairing link), so it fits an 80-column terminal.
    """
    import io

    import segno

    code = segno.make(text, error="m", micro=False, boost_error=False)
    out = io.StringIO()
    code.terminal(out=out, compact=True)
    return out.getvalue().rstrip("\n")



def owner_pairing_link(base_url: str) -> tuple[str, int]:
    """A fresh single-use pairing link for the owner's account under ``base_url``
    (``https://192.168.1.20:8000``), and how many minutes it stays valid.

    Made through ``store.accounts`` like every pairing code, so only its hash is stored and the
    server that redeems it (any worker) finds it in the database.
    """
    from backrelief.store import accounts
    from backrelief.store.db import open_database

    database = open_database()
    try:
        with database.session(write=True) as session:
            code = accounts.create_pairing_code(session, accounts.owner_id(session))
    finally:
        database.close()
    minutes = int(accounts.PAIRING_LIFETIME.total_seconds() // 60)
    return f"{base_url}/pair/{code}", minutes
