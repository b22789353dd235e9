"""Settings of the web app, read once from the environment when the app is created."""

from __future__ import annotations

import os
from dataclasses import dataclass

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


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
        accounts = _choice(env, "BACKRELIEF_ACCOUNTS", {"on": True, "off": False}, False)
        signup = _choice(env, "BACKRELIEF_SIGNUP", {"open": True, "invite": False}, False)
        return cls(time_scale=scale, accounts=accounts, signup_open=signup)


def _choice(env: dict[str, str], variable: str, values: dict[str, bool], default: bool) -> bool:
    raw = env.get(variable, "").strip().lower()
    if not raw:
        return default
    if raw not in values:
        raise ConfigError(variable, f"must be {' or '.join(values)}, got {raw!r}")
    return values[raw]
