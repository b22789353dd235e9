"""Accounts: users and passwords, login throttling, sign-in sessions, invites, pairing codes.

Security decisions, made here and explained here (docs/security.md maps them to OWASP ASVS):

* Passwords are hashed with Argon2id (argon2-cffi's ``PasswordHasher``, whose defaults are
  RFC 9106's second recommended profile: 3 passes, 64 MiB, 4 lanes). A password has at least
  12 characters (at most 256, so hashing stays bounded), is not in the shipped list of common
  passwords (``content/common-passwords.txt``, nor that with digits and symbols stuck on the
  end), and is not the user's name or the app's. Nothing else is demanded: no composition
  rules, which NIST SP 800-63B advises against.
* Logins are throttled per account and per address, counters in the database (so every worker
  process sees them): from the 5th failure in a row a lock-out that doubles each time (1, 2, 4
  ... minutes, at most an hour). An unknown name counts like a known one and costs a hash too,
  so neither the answer nor its timing says which names exist. Kept simple on purpose: a
  lock-out can be provoked by someone who knows a name; it lasts an hour at most.
* A sign-in session's id is the SHA-256 of a 256-bit random token: the cookie holds the token,
  the database only its hash, so a copy of the database lets nobody in. Every login makes a new
  one (no session fixation). A browser session ends after 12 hours unused or 7 days in all, a
  paired device's after 30 days; logging out deletes the row.
* Invites and pairing codes are single-use (an UPDATE that only the first redeemer wins, also
  across workers), expire, and are stored as hashes only.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from importlib import resources
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from backrelief.store.errors import StoreError, StoreInputError
from backrelief.store.models import AuthSession, Invite, LoginAttempt, PairingCode, User
from backrelief.store.types import utcnow
from backrelief.store.upsert import upsert
from backrelief.store.validation import aware_utc, short_text

Role = Literal["owner", "member"]
SessionKind = Literal["browser", "device"]
ROLES: tuple[Role, ...] = ("owner", "member")
OWNER_NAME = "owner"  # the account revision 0006 makes

NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9._-]{0,39}$")
PASSWORD_MIN = 12
PASSWORD_MAX = 256

FAILURES_BEFORE_LOCK = 5
LOCK_FIRST = timedelta(minutes=1)
LOCK_MAX = timedelta(hours=1)
# Failures further apart than this start the count again.
FAILURE_MEMORY = timedelta(hours=24)

BROWSER_IDLE = timedelta(hours=12)
BROWSER_ABSOLUTE = timedelta(days=7)
DEVICE_ABSOLUTE = timedelta(days=30)
# last_seen_at is written at most this often, so reading pages does not write on every request.
TOUCH_INTERVAL = timedelta(minutes=1)

INVITE_DAYS_DEFAULT = 7
INVITE_DAYS_MAX = 30
PAIRING_LIFETIME = timedelta(minutes=10)
LABEL_MAX = 80

_hasher = PasswordHasher()  # Argon2id, RFC 9106 low-memory profile


class LoginRefused(StoreError):
    """Wrong name or password, or too many failures: one message for all, so it tells an
    attacker nothing. ``retry_after`` (seconds) is set while a lock-out lasts."""

    def __init__(self, retry_after: int | None = None) -> None:
        super().__init__("wrong name or password" if retry_after is None else
                         f"too many failed logins; try again in {retry_after} seconds")
        self.retry_after = retry_after


@dataclass(frozen=True)
class UserRecord:
    """One account, without its password hash."""

    id: int
    name: str
    role: Role
    created_at: datetime
    has_password: bool

    def as_dict(self) -> dict[str, object]:
        """``users list --json``."""
        return {"id": self.id, "name": self.name, "role": self.role,
                "created_at": self.created_at.isoformat(), "has_password": self.has_password}


@dataclass(frozen=True)
class AuthSessionRecord:
    """A signed-in browser or paired device (``id`` is the token's hash, never the token)."""

    id: str
    user_id: int
    kind: SessionKind
    label: str | None
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime


def _now(now: datetime | None) -> datetime:
    return utcnow() if now is None else aware_utc("now", now)


def token_hash(token: str) -> str:
    """The SHA-256 (hex) under which a token, invite or pairing code is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _role(value: str) -> Role:
    for role in ROLES:
        if role == value:
            return role
    raise ValueError(f"unknown role {value!r}")  # pragma: no cover - CHECK constraint


def _kind(value: str) -> SessionKind:
    return "device" if value == "device" else "browser"


def _user(row: User) -> UserRecord:
    return UserRecord(row.id, row.name, _role(row.role), row.created_at,
                      row.password_hash is not None)


# Users ---------------------------------------------------------------------------------------

def valid_name(name: object) -> str:
    """A user name: a letter, then letters, digits, ``.``, ``_`` or ``-``; 40 at most."""
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise StoreInputError("name", "must be 1 to 40 letters, digits, '.', '_' or '-', "
                                      f"starting with a letter; got {name!r}")
    return name


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower case."""
    text = resources.files("backrelief.content").joinpath("common-passwords.txt").read_text(
        encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines()
                     if line.strip() and not line.startswith("# "))


def _is_repetition(text: str) -> bool:
    """``abcabcabcabc``, ``aaaaaaaaaaaa``: a short unit repeated."""
    return any(len(text) % size == 0 and text[:size] * (len(text) // size) == text
               for size in range(1, len(text) // 2 + 1))


def check_password(name: str, password: object) -> str:
    """``password`` if it is acceptable for ``name``; StoreInputError("password") if not."""
    if not isinstance(password, str):
        raise StoreInputError("password", "is required")
    if len(password) < PASSWORD_MIN:
        raise StoreInputError("password", f"must have at least {PASSWORD_MIN} characters")
    if len(password) > PASSWORD_MAX:
        raise StoreInputError("password", f"must have at most {PASSWORD_MAX} characters")
    folded = password.casefold()
    stem = folded.rstrip("0123456789!@#$%^&*?._-+= ")
    common = common_passwords()
    if folded in common or (len(stem) >= 4 and stem in common) or _is_repetition(folded):
        raise StoreInputError("password", "is one of the most common passwords; choose another")
    if name.casefold() in folded or "backrelief" in folded:
        raise StoreInputError("password", "must not contain your name or the app's")
    return password


def owner_id(db: Session) -> int:
    """The owner account's id: the one the CLI and the loopback web app act as."""
    found = db.scalar(select(User.id).where(User.role == "owner").order_by(User.id).limit(1))
    if found is None:
        raise StoreError("this database has no owner account; add one with "
                         "'backrelief users add NAME --owner'")
    return int(found)


def create_user(db: Session, name: str, password: str | None, *, role: str = "member",
                now: datetime | None = None) -> UserRecord:
    """Add an account; ``password`` None makes one that cannot log in with a password."""
    clean = valid_name(name)
    chosen = role if role in ROLES else None
    if chosen is None:
        raise StoreInputError("role", f"must be owner or member, got {role!r}")
    hashed = None if password is None else _hasher.hash(check_password(clean, password))
    if db.scalar(select(User.id).where(User.name_key == clean.casefold())) is not None:
        raise StoreInputError("name", f"{clean!r} is taken")
    row = User(name=clean, name_key=clean.casefold(), password_hash=hashed, role=chosen,
               created_at=_now(now))
    db.add(row)
    db.flush()
    return _user(row)


def set_password(db: Session, user_id: int, password: str) -> None:
    """Replace a user's password (and end every session they have: a changed password should
    lock out whoever knew the old one)."""
    row = db.get(User, user_id)
    if row is None:
        raise StoreInputError("user", f"no user {user_id}")
    row.password_hash = _hasher.hash(check_password(row.name, password))
    db.execute(delete(AuthSession).where(AuthSession.user_id == user_id))
    db.flush()


def find_user(db: Session, name: str) -> UserRecord | None:
    """The account called ``name`` (any case), or None."""
    if not isinstance(name, str):
        return None
    row = db.scalar(select(User).where(User.name_key == name.casefold()))
    return None if row is None else _user(row)


def get_user(db: Session, user_id: int) -> UserRecord | None:
    """The account with ``user_id``, or None."""
    row = db.get(User, user_id)
    return None if row is None else _user(row)


def list_users(db: Session) -> list[UserRecord]:
    """Every account, oldest first."""
    return [_user(row) for row in db.scalars(select(User).order_by(User.id))]


def remove_user(db: Session, name: str) -> UserRecord:
    """Delete an account and every row of its diary (ON DELETE CASCADE); the last owner
    cannot be removed."""
    row = db.scalar(select(User).where(User.name_key == valid_name(name).casefold()))
    if row is None:
        raise StoreInputError("name", f"no user called {name!r}")
    if row.role == "owner":
        owners = db.scalar(select(func.count()).select_from(User).where(User.role == "owner"))
        if int(owners or 0) <= 1:
            raise StoreInputError("name", f"{row.name!r} is the last owner; add another owner "
                                          "first")
    record = _user(row)
    db.delete(row)
    db.flush()
    return record


# Login and throttling ------------------------------------------------------------------------

_DUMMY_HASH = _hasher.hash("not a password anyone has " + secrets.token_hex(8))


def _lock_remaining(db: Session, scope: str, key: str, now: datetime) -> int | None:
    row = db.get(LoginAttempt, (scope, key))
    if row is None or row.locked_until is None or row.locked_until <= now:
        return None
    return max(1, int((row.locked_until - now).total_seconds() + 0.999))


def _count_failure(db: Session, scope: str, key: str, now: datetime) -> None:
    row = db.get(LoginAttempt, (scope, key))
    failures = 1
    if row is not None and now - row.last_failed_at < FAILURE_MEMORY:
        failures = row.failures + 1
    locked = None
    if failures >= FAILURES_BEFORE_LOCK:
        locked = now + min(LOCK_FIRST * 2 ** (failures - FAILURES_BEFORE_LOCK), LOCK_MAX)
    db.flush()
    # One statement: two workers counting at once both count.
    upsert(db, LoginAttempt, {"scope": scope, "key": key, "failures": failures,
                              "last_failed_at": now, "locked_until": locked},
           key=("scope", "key"))
    db.expire_all()


def _address_key(address: str | None) -> str:
    return (address or "unknown")[:64]


def verify_login(db: Session, name: str, password: str, *, address: str | None,
                 now: datetime | None = None) -> UserRecord:
    """The account if ``name`` and ``password`` match and neither the account nor the address
    is locked out; LoginRefused otherwise. Run it in a write session: failures are counted."""
    when = _now(now)
    name_key = name.casefold()[:64] if isinstance(name, str) else ""
    waits = [wait for wait in (_lock_remaining(db, "account", name_key, when),
                               _lock_remaining(db, "address", _address_key(address), when))
             if wait is not None]
    if waits:
        raise LoginRefused(retry_after=max(waits))
    row = db.scalar(select(User).where(User.name_key == name_key)) if name_key else None
    stored = row.password_hash if row is not None else None
    ok = False
    try:
        # A hash is checked even for an unknown name: the time taken says nothing.
        ok = _hasher.verify(stored or _DUMMY_HASH, password if isinstance(password, str) else "")
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or row is None or stored is None:
        _count_failure(db, "account", name_key, when)
        _count_failure(db, "address", _address_key(address), when)
        raise LoginRefused()
    db.execute(delete(LoginAttempt).where(LoginAttempt.scope == "account",
                                          LoginAttempt.key == name_key))
    if _hasher.check_needs_rehash(stored):
        row.password_hash = _hasher.hash(password)
    db.flush()
    return _user(row)


# Sign-in sessions ----------------------------------------------------------------------------

def _session_record(row: AuthSession) -> AuthSessionRecord:
    return AuthSessionRecord(row.id, row.user_id, _kind(row.kind), row.label, row.created_at,
                             row.last_seen_at, row.expires_at)


def create_auth_session(db: Session, user_id: int, *, kind: str = "browser",
                        label: str | None = None, now: datetime | None = None) -> str:
    """A new sign-in session for ``user_id``; returns its token (for the cookie), of which
    only the hash is stored. Always a fresh random id: a login never reuses one."""
    when = _now(now)
    if kind not in ("browser", "device"):
        raise StoreInputError("kind", f"must be browser or device, got {kind!r}")
    if db.get(User, user_id) is None:
        raise StoreInputError("user", f"no user {user_id}")
    token = secrets.token_urlsafe(32)
    lifetime = DEVICE_ABSOLUTE if kind == "device" else BROWSER_ABSOLUTE
    db.add(AuthSession(id=token_hash(token), user_id=user_id, kind=kind,
                       label=short_text("label", label, LABEL_MAX), created_at=when,
                       last_seen_at=when, expires_at=when + lifetime))
    db.flush()
    return token


def lookup_auth_session(db: Session, token: str, *, now: datetime | None = None
                        ) -> AuthSessionRecord | None:
    """The live session whose cookie holds ``token``: not revoked, not past its absolute end,
    and (a browser's) used within the idle timeout. None otherwise."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    when = _now(now)
    row = db.get(AuthSession, token_hash(token))
    if row is None or row.revoked_at is not None or row.expires_at <= when:
        return None
    if row.kind == "browser" and row.last_seen_at + BROWSER_IDLE <= when:
        return None
    return _session_record(row)


def needs_touch(record: AuthSessionRecord, *, now: datetime | None = None) -> bool:
    """Whether ``last_seen_at`` is old enough to be written again (see TOUCH_INTERVAL)."""
    return _now(now) - record.last_seen_at >= TOUCH_INTERVAL


def touch_auth_session(db: Session, session_id: str, *, now: datetime | None = None) -> None:
    """Record that the session was used now (the idle timeout counts from here)."""
    db.execute(update(AuthSession).where(AuthSession.id == session_id)
               .values(last_seen_at=_now(now)))


def end_auth_session(db: Session, token: str) -> bool:
    """Log out: delete the session whose cookie holds ``token``; True if there was one."""
    if not isinstance(token, str):
        return False
    result = db.execute(delete(AuthSession).where(AuthSession.id == token_hash(token)))
    return bool(getattr(result, "rowcount", 0))


def revoke_auth_session(db: Session, user_id: int, session_id: str, *,
                        now: datetime | None = None) -> bool:
    """End one of ``user_id``'s sessions or paired devices (someone else's is not found)."""
    result = db.execute(update(AuthSession)
                        .where(AuthSession.id == session_id, AuthSession.user_id == user_id,
                               AuthSession.revoked_at.is_(None))
                        .values(revoked_at=_now(now)))
    return bool(getattr(result, "rowcount", 0))


def list_auth_sessions(db: Session, user_id: int, *, now: datetime | None = None
                       ) -> list[AuthSessionRecord]:
    """``user_id``'s live browser sessions and paired devices, newest first."""
    when = _now(now)
    rows = db.scalars(select(AuthSession)
                      .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None),
                             AuthSession.expires_at > when)
                      .order_by(AuthSession.created_at.desc(), AuthSession.id))
    return [_session_record(row) for row in rows
            if row.kind == "device" or row.last_seen_at + BROWSER_IDLE > when]


def purge_expired(db: Session, *, now: datetime | None = None) -> int:
    """Delete sessions, invites and pairing codes that can no longer be used."""
    when = _now(now)
    counts = 0
    for statement in (
        delete(AuthSession).where((AuthSession.expires_at <= when)
                                  | AuthSession.revoked_at.is_not(None)),
        delete(PairingCode).where(PairingCode.expires_at <= when),
        delete(Invite).where(Invite.expires_at <= when),
    ):
        counts += int(getattr(db.execute(statement), "rowcount", 0) or 0)
    return counts


# Invites -------------------------------------------------------------------------------------

def create_invite(db: Session, *, days: int = INVITE_DAYS_DEFAULT, now: datetime | None = None
                  ) -> str:
    """A single-use registration token valid for ``days`` (1 to 30)."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= INVITE_DAYS_MAX:
        raise StoreInputError("days", f"must be a whole number from 1 to {INVITE_DAYS_MAX}, "
                                      f"got {days!r}")
    when = _now(now)
    token = secrets.token_urlsafe(24)
    db.add(Invite(token_hash=token_hash(token), created_at=when,
                  expires_at=when + timedelta(days=days)))
    db.flush()
    return token


def invite_is_valid(db: Session, token: str, *, now: datetime | None = None) -> bool:
    """Whether ``token`` is an unused, unexpired invite (the register page asks first)."""
    if not isinstance(token, str) or len(token) > 100:
        return False
    row = db.scalar(select(Invite).where(Invite.token_hash == token_hash(token)))
    return row is not None and row.used_at is None and row.expires_at > _now(now)


def _claim(db: Session, model: type[Invite] | type[PairingCode], hashed: str,
           when: datetime) -> bool:
    column = model.token_hash if model is Invite else PairingCode.code_hash
    result = db.execute(update(model).where(column == hashed, model.used_at.is_(None),
                                            model.expires_at > when).values(used_at=when))
    return bool(getattr(result, "rowcount", 0))


def redeem_invite(db: Session, token: str, name: str, password: str, *,
                  now: datetime | None = None) -> UserRecord:
    """Register ``name`` with an invite; the invite is then used up."""
    when = _now(now)
    valid_name(name)
    check_password(name, password)
    if not isinstance(token, str) or len(token) > 100 or not _claim(
            db, Invite, token_hash(token), when):
        raise StoreInputError("invite", "this invitation is unknown, used or expired")
    return create_user(db, name, password, now=when)


# Pairing codes -------------------------------------------------------------------------------

def create_pairing_code(db: Session, user_id: int, *, now: datetime | None = None) -> str:
    """A single-use code that signs a device in to ``user_id`` for 30 days; valid 10 minutes.
    Only its hash is stored."""
    when = _now(now)
    if db.get(User, user_id) is None:
        raise StoreInputError("user", f"no user {user_id}")
    code = secrets.token_urlsafe(16)  # 128 bits: it travels in a link and a QR code
    db.add(PairingCode(code_hash=token_hash(code), user_id=user_id, created_at=when,
                       expires_at=when + PAIRING_LIFETIME))
    db.flush()
    return code


def redeem_pairing_code(db: Session, code: str, label: str | None, *,
                        now: datetime | None = None) -> tuple[int, str]:
    """Use up ``code``: a new device session for its user. Returns (user id, session token);
    StoreInputError("code") if the code is unknown, used or expired."""
    when = _now(now)
    if not isinstance(code, str) or not 10 <= len(code) <= 100:
        raise StoreInputError("code", "this pairing code is unknown, used or expired")
    hashed = token_hash(code)
    if not _claim(db, PairingCode, hashed, when):
        raise StoreInputError("code", "this pairing code is unknown, used or expired")
    user_id = db.scalar(select(PairingCode.user_id).where(PairingCode.code_hash == hashed))
    assert user_id is not None  # claimed just now
    token = create_auth_session(db, int(user_id), kind="device", label=label or "paired device",
                                now=when)
    return int(user_id), token
