"""Settings of the web app, read once from the environment when the app is created."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
#: Names a reverse proxy forwards to us (``backrelief.example.org``), comma-separated.
PUBLIC_HOST_ENV = "BACKRELIEF_PUBLIC_HOST"
#: Set by ``backrelief serve`` for its worker processes: the addresses it listens on.
SERVED_HOSTS_ENV = "BACKRELIEF_SERVED_HOSTS"
#: Proxies whose X-Forwarded-For/-Proto we believe: IP addresses or CIDR networks.
TRUSTED_PROXIES_ENV = "BACKRELIEF_TRUSTED_PROXIES"


class ConfigError(ValueError):
    """A setting from the environment is invalid; names the variable."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable


@dataclass(frozen=True)
class WebConfig:
    """What the app needs to know that is not in the request.

    ``time_scale`` speeds the browser player up for tests only: it comes from the server's
    environment (``BACKRELIEF_TEST_TIME_SCALE``), never from a URL, a form or a cookie, so a
    normal user of the app cannot reach it.
    """

    time_scale: float = 1.0
    allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS
    # Empty: no proxy is trusted and X-Forwarded-* headers are ignored (uvicorn's
    # proxy_headers off). Only ``serve`` reads it; the app never looks at those headers.
    trusted_proxies: tuple[str, ...] = ()
    # Accounts (issue 13): off on loopback unless BACKRELIEF_ACCOUNTS=on; ``serve`` turns them
    # on whenever it listens beyond loopback. Off, there is no login and every request acts as
    # the owner account, exactly as before accounts existed.
    accounts: bool = False
    # Anyone may register at /register (BACKRELIEF_SIGNUP=open); otherwise only with an invite.
    signup_open: bool = False

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> WebConfig:
        """Build the settings from ``environ`` (default: ``os.environ``)."""
        env = dict(os.environ if environ is None else environ)
        scale = 1.0
        raw = env.get("BACKRELIEF_TEST_TIME_SCALE")
        if raw:
            try:
                scale = float(raw)
            except ValueError:
                raise ConfigError("BACKRELIEF_TEST_TIME_SCALE", f"not a number: {raw!r}") from None
            if not 0.01 <= scale <= 1000:
                raise ConfigError("BACKRELIEF_TEST_TIME_SCALE", "must be between 0.01 and 1000")
        allowed_hosts = allowed_hosts_from_env(env)
        # Served beyond loopback (serve's LAN names, a proxy's public name).
        accounts = accounts_from_env(env, beyond=len(allowed_hosts) > len(LOOPBACK_HOSTS))
        signup = _choice(env, "BACKRELIEF_SIGNUP", {"open": True, "invite": False}, False)
        return cls(time_scale=scale, allowed_hosts=allowed_hosts,
                   trusted_proxies=trusted_proxies_from_env(env), accounts=accounts,
                   signup_open=signup)


def accounts_from_env(env: Mapping[str, str], *, beyond: bool) -> bool:
    """Whether accounts are on (``BACKRELIEF_ACCOUNTS``, on|off): off by default on loopback;
    served ``beyond`` this computer, on by default and never off, because without accounts
    anyone on the network could read the diary. The one rule: ``serve`` checks it before it
    binds, and the app (under ``serve`` or a bare uvicorn/gunicorn) when it is created."""
    accounts = _choice(env, "BACKRELIEF_ACCOUNTS", {"on": True, "off": False}, beyond)
    if beyond and not accounts:
        raise ConfigError("BACKRELIEF_ACCOUNTS", "is off, but the app is served beyond this "
                          "computer, and with BACKRELIEF_ACCOUNTS=off anyone on the network could "
                          "read and change your pain diary. Unset it (accounts then switch on), "
                          "or serve on 127.0.0.1 only.")
    return accounts


def _choice(env: Mapping[str, str], variable: str, values: dict[str, bool], default: bool) -> bool:
    raw = env.get(variable, "").strip().lower()
    if not raw:
        return default
    if raw not in values:
        raise ConfigError(variable, f"must be {' or '.join(values)}, got {raw!r}")
    return values[raw]


def _names(raw: str) -> list[str]:
    return [part.strip().lower() for part in raw.split(",") if part.strip()]


def host_header_name(name: str) -> str:
    """``name`` as it appears in a Host header: IPv6 addresses in brackets, lower case."""
    name = name.strip().lower()
    if ":" in name and not name.startswith("["):
        return f"[{name}]"
    return name


def allowed_hosts_from_env(env: dict[str, str]) -> tuple[str, ...]:
    """The Host names to answer: loopback, what ``serve`` listens on, and the public names.

    A public name is a bare host name or address (``backrelief.example.org``, no scheme, port
    or path): anything else is a mistake that would silently match nothing.
    """
    names = list(LOOPBACK_HOSTS)
    for variable in (SERVED_HOSTS_ENV, PUBLIC_HOST_ENV):
        for name in _names(env.get(variable, "")):
            if any(char in name for char in "/@ ?#") or name.count(":") == 1:
                raise ConfigError(variable, f"{name!r} is not a bare host name; give the name "
                                  "only, such as backrelief.example.org (no scheme, port or path)")
            names.append(host_header_name(name))
    return tuple(dict.fromkeys(names))


def trusted_proxies_from_env(env: dict[str, str]) -> tuple[str, ...]:
    """The proxy addresses of ``BACKRELIEF_TRUSTED_PROXIES``, each an IP address or a CIDR
    network. ``*`` (trust everyone) is refused: it would let any client claim any address and
    scheme."""
    proxies = []
    for item in _names(env.get(TRUSTED_PROXIES_ENV, "")):
        if item == "*":
            raise ConfigError(TRUSTED_PROXIES_ENV, "'*' would trust any client to say where it "
                              "comes from; list your proxy's addresses, such as 127.0.0.1")
        try:
            network = ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ConfigError(TRUSTED_PROXIES_ENV, f"{item!r} is not an IP address or a network "
                              "such as 10.0.0.0/8") from None
        proxies.append(str(network.network_address) if network.num_addresses == 1 else str(network))
    return tuple(proxies)
