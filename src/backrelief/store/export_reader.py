"""Read a JSON export one record at a time, so an import's memory does not grow with the file.

Issue 15: a 50 MB export took 1.6 GB to import, because the whole file was parsed into one
document first. :func:`read_export` walks the file with ijson (the C backend) and yields each
top-level scalar, the settings object and each record of the record lists as it is
complete; nothing else of the file is held.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import ijson  # type: ignore[import-untyped]  # no stubs; used through 3 calls

from backrelief.store.errors import StoreInputError
from backrelief.store.import_models import SECTION_MODELS

RECORD_SECTIONS = tuple(SECTION_MODELS)
_OPEN = ("start_map", "start_array")
_CLOSE = ("end_map", "end_array")
_BOM = b"\xef\xbb\xbf"


class _SkipBom:
    """A binary stream without a leading UTF-8 byte-order mark (Windows editors write one)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._head = stream.read(3)
        if self._head == _BOM:
            self._head = b""

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""  # ijson probes with read(0) to tell bytes from text
        if self._head:
            head, self._head = self._head, b""
            if size < 0:
                return head + self._stream.read()
            return head + self._stream.read(max(0, size - len(head)))
        return self._stream.read(size)


def _build(first: tuple[str, str, Any], events: Iterator[tuple[str, str, Any]]) -> Any:
    """The value whose first event is ``first``, read to its end."""
    _, event, value = first
    if event not in _OPEN:
        return value
    builder = ijson.ObjectBuilder()
    builder.event(event, value)
    depth = 1
    for _, event, value in events:
        builder.event(event, value)
        if event in _OPEN:
            depth += 1
        elif event in _CLOSE:
            depth -= 1
            if depth == 0:
                break
    return builder.value


def read_export(stream: IO[bytes]) -> Iterator[tuple[str, int | str, Any]]:
    """``(section, index, value)`` in file order: ``("header", key, value)`` for a top-level
    field, ``("settings", "", object)``, and ``(section, index, record)`` for each record.

    Malformed JSON, a top level that is not an object, a key given twice or a record list that
    is not a list raise :class:`StoreInputError` (field ``file`` or the section's name).
    """
    events = iter(ijson.parse(_SkipBom(stream), use_float=True))
    seen: set[str] = set()
    try:
        first = next(events, None)
        if first is None or first[1] != "start_map":
            raise StoreInputError("file", "is not a backrelief JSON export (expected an object)")
        for prefix, event, value in events:
            if prefix != "" or event == "end_map":
                continue
            assert event == "map_key"
            key = str(value)
            if key in seen:
                raise StoreInputError(key, "appears twice in the file")
            seen.add(key)
            start = next(events)
            if key in RECORD_SECTIONS:
                if start[1] != "start_array":
                    raise StoreInputError(key, "must be a list")
                for index, item in enumerate(events):
                    if item[1] == "end_array" and item[0] == key:
                        break
                    yield key, index, _build(item, events)
            elif key == "settings":
                yield "settings", "", _build(start, events)
            else:
                yield "header", key, _build(start, events)
    except (ijson.JSONError, UnicodeDecodeError) as exc:
        detail = " ".join(str(exc).split())[:200]
        raise StoreInputError("file", f"is not valid JSON: {detail}") from None
