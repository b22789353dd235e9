"""Small helpers every command shares: JSON output and the bad-input contract."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import click


class InputError(click.ClickException):
    """Bad user input: exit status 2 and one line on stderr that names the field."""

    exit_code = 2

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field


def fail(field: str, problem: str) -> NoReturn:
    """Stop with the bad-input contract (DESIGN.md): exit 2, one line naming ``field``."""
    raise InputError(field, problem)


def print_json(document: Any) -> None:
    """Write one JSON document to stdout."""
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
