"""Errors the store raises, shaped for the bad-input contract (DESIGN.md "Contracts")."""

from __future__ import annotations


class StoreError(Exception):
    """Base class of every error the store raises on purpose."""


class StoreInputError(StoreError, ValueError):
    """A value the store refused; ``field`` names it. Nothing was written.

    The CLI turns this into exit status 2 with one line naming the field; the web app into a
    400 response. Validation happens before any write, and every write runs in a transaction,
    so a refusal never leaves half a change behind.
    """

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class DatabaseUnavailable(StoreError):
    """The database cannot be opened or reached (message is one line, password hidden)."""


class SchemaError(StoreError):
    """The database schema cannot be brought to this version of backrelief."""
