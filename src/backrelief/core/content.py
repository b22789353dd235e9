"""One loader for every content file: YAML in, strict models out, validated once and cached.

Content is data (STYLE.md habit 3). Every content file (techniques, education, sources, the
screen, stop rules, conditions, poses) goes through this module:

* :func:`read_yaml` parses with libyaml's ``CSafeLoader`` (several times faster than the
  pure-Python loader; the fallback is only for a PyYAML built without libyaml) and turns every
  failure into a :class:`ContentError` naming the file;
* the models are plain frozen dataclasses, so the code that *uses* content imports neither
  pydantic nor YAML. :func:`validate` checks raw data against them with pydantic, imported only
  then; the dataclass fields carry their constraints as :class:`Rules` markers, so each model is
  written once, for validation and for use alike;
* :func:`cached` keeps the validated objects in the user's cache directory, keyed by a hash of
  the content files each part reads (:func:`part_inputs`: a changed technique renews the
  catalogue only) and of the modules that define the models. Only the first run after a
  change validates (a few hundred milliseconds); every other run unpickles plain dataclasses in
  a few milliseconds, which is what keeps `plan` and `screen` near `--help` (issue 16).

Why pickle, kept simple on purpose: the objects are our own dataclasses, the file sits in the
user's own cache directory (``BACKRELIEF_CACHE_DIR`` or the platform's, via platformdirs), and
anything that can write there can already run code as that user. A file that will not load
(damaged, another Python) is simply rebuilt. When the directory cannot be written, content is
validated on every run: slower, never wrong.
"""

from __future__ import annotations

import os
import pickle
import sys
import time
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import fields, is_dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler
    from pydantic_core import CoreSchema

    from backrelief.core.catalog import Catalog
    from backrelief.core.conditions import Condition
    from backrelief.core.screening import ScreenDefinition
    from backrelief.core.stop_rules import StopRules
    from backrelief.core.vocabulary import ConditionId

T = TypeVar("T")

CACHE_DIR_ENV = "BACKRELIEF_CACHE_DIR"
#: Bump when the cache's own layout changes (the models' source is hashed anyway).
CACHE_FORMAT = 1
STALE_SECONDS = 7 * 24 * 3600


class ContentError(ValueError):
    """A content file is broken: says which file, which field and what was expected."""

    def __init__(self, path: str, field_path: str, problem: str) -> None:
        self.path = path
        self.field_path = field_path
        self.problem = problem
        where = f"{path}: {field_path}" if field_path else path
        super().__init__(f"{where}: {problem}")


# ---- reading YAML ----------------------------------------------------------------------------


def parse_yaml(text: str, label: str) -> Any:
    """Parse YAML text with the C loader; :class:`ContentError` naming ``label`` if invalid."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        raise ContentError(label, "", f"not valid YAML: {exc}") from None


def read_yaml(path: Path, label: str) -> Any:
    """Read and parse one YAML file; a missing or invalid file names ``label``."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(label, "", "file is missing") from None
    return parse_yaml(text, label)


# ---- strict models ---------------------------------------------------------------------------


class Rules:
    """Constraints on one field, applied by pydantic when content is validated.

    ``Annotated[str, Rules(min_length=3, pattern=...)]``; the keywords are pydantic-core's
    (``min_length``, ``max_length``, ``pattern``, ``gt``, ``ge``, ``le``, ``strict``). At run time
    it is an inert marker: nothing imports pydantic to read a field.
    """

    __slots__ = ("constraints",)

    def __init__(self, **constraints: object) -> None:
        self.constraints = constraints

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        schema: dict[str, Any] = dict(handler(source))
        schema.update(self.constraints)
        return cast("CoreSchema", schema)


#: Unknown keys are errors: a typo in a content file must not pass silently. Set on every model
#: as ``__pydantic_config__``; pydantic reads it from plain dataclasses.
STRICT: Mapping[str, object] = {"extra": "forbid"}

# pydantic's words for plain dataclasses differ from its words for models; content errors keep
# the clearer ones, the same for every file.
_MESSAGES = {
    "unexpected_keyword_argument": "Extra inputs are not permitted",
    "missing_argument": "Field required",
}


@cache
def _adapter(model: Any) -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(model)


def validate(model: type[T], data: Any, label: str,
             where: Callable[[tuple[int | str, ...]], str] | None = None) -> T:
    """``data`` checked against ``model`` (a dataclass): :class:`ContentError` naming the field.

    ``where`` turns pydantic's error location into the field path shown (default: dotted, with
    ``[n]`` for list positions).
    """
    from pydantic import ValidationError

    where = where or format_loc
    if is_dataclass(model) and not isinstance(data, dict):
        raise ContentError(label, where(()), f"expected a mapping of fields, got {type(data).__name__}")
    try:
        value: T = _adapter(cast("Any", model)).validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        message = _MESSAGES.get(first["type"], first["msg"])
        raise ContentError(label, where(first["loc"]), message) from None
    return value


def format_loc(loc: Iterable[int | str]) -> str:
    """``("steps", 0, "seconds")`` -> ``steps[0].seconds``."""
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + item)
    return "".join(parts)


def check_sources(label: str, field_path: str, ids: Iterable[str], known: Mapping[str, object]) -> None:
    """Every source id must be in sources.yaml: :class:`ContentError` on the first that is not."""
    for index, source_id in enumerate(ids):
        if source_id not in known:
            raise ContentError(
                label, f"{field_path}[{index}]", f"unknown source {source_id!r} (see sources.yaml)"
            )


def plain(value: Any, exclude: Sequence[str] = ()) -> Any:
    """A model as JSON-ready data (dicts, lists, scalars), leaving out the ``exclude`` fields."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)
                if f.name not in exclude}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


# ---- the shipped content, validated once -----------------------------------------------------


def content_root() -> Path:
    """The content/ directory shipped inside the package (always unpacked on disk: the package
    is installed as files, and importlib.resources would cost more than the rest of loading)."""
    return Path(__file__).resolve().parent.parent / "content"


def cache_dir() -> Path:
    """Where validated content is kept: ``BACKRELIEF_CACHE_DIR`` or the user's cache directory."""
    given = os.environ.get(CACHE_DIR_ENV, "").strip()
    if given:
        return Path(given).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("backrelief", appauthor=False))


def fingerprint(paths: Iterable[Path]) -> str:
    """A hash of these files' names and bytes, with the Python version and the cache format.

    CRC-32 and Adler-32 side by side, with the total size: enough to tell an edited file from
    the one cached (nobody forges a cache key: whoever could would write the cache itself), and
    zlib is already loaded where hashlib's OpenSSL would cost a few milliseconds per run.
    """
    head = f"{CACHE_FORMAT} {sys.version_info[:2]}".encode()
    crc, adler, size = zlib.crc32(head), zlib.adler32(head), 0
    for path in paths:
        data = path.name.encode() + b"\0" + path.read_bytes() + b"\0"
        crc, adler, size = zlib.crc32(data, crc), zlib.adler32(data, adler), size + len(data)
    return f"{crc:08x}{adler:08x}{size:x}"


def cached(name: str, inputs: Iterable[Path], build: Callable[[], T]) -> T:
    """``build()``'s result, kept in the cache directory under a hash of ``inputs``.

    ``inputs`` must list every file the result depends on: the content files and the source of
    the modules whose classes are pickled. A missing, damaged or stale file is rebuilt.
    """
    path = cache_dir() / f"{name}-{fingerprint(inputs)}.pickle"
    try:
        with path.open("rb") as stream:
            value: T = pickle.load(stream)
        return value
    except Exception:  # missing, damaged or written by other code: rebuilt, never half-trusted
        pass
    value = build()
    _store(path, name, value)
    return value


def _store(path: Path, name: str, value: object) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _forget_old(path.parent, name)
        import tempfile

        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{name}-")
        try:
            with os.fdopen(handle, "wb") as stream:
                pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)  # atomic: a concurrent reader sees the old file or the new
        finally:
            with suppress(FileNotFoundError):
                os.unlink(temporary)  # only left when the write failed
    except OSError:
        return  # a read-only cache only costs speed


def _forget_old(directory: Path, name: str) -> None:
    # Files for earlier content, left a week: checkouts of other versions may share the directory.
    now = time.time()
    for old in directory.glob(f"{name}-*.pickle"):
        with suppress(OSError):
            if now - old.stat().st_mtime > STALE_SECONDS:
                old.unlink()


def model_modules() -> list[Path]:
    """The source files of the modules that define content models (part of every cache key)."""
    core = Path(__file__).parent
    names = ("content.py", "catalog.py", "screening.py", "stop_rules.py", "conditions.py",
             "vocabulary.py")
    return [core / name for name in names]


def content_files(root: Path) -> list[Path]:
    """Every file under a content/ directory, in a stable order."""
    return sorted(path for path in root.rglob("*") if path.is_file())


# What each part is built from, besides the model modules: a change to one file validates only
# the parts that read it (editing a technique leaves the screen's cache alone). The catalogue
# reads everything that is not another part's own file (sources.yaml, techniques/, education/),
# so a new file under content/ renews it.
_OWN_FILES = {"screen": "screening.yaml", "stop-rules": "stop_rules.yaml",
              "conditions": "conditions.yaml"}


def part_inputs(part: str, root: Path) -> list[Path]:
    """The content files the part ``part`` is built from (see :data:`_OWN_FILES`)."""
    if part in _OWN_FILES:
        return [root / _OWN_FILES[part], root / "sources.yaml"]
    others = {root / name for name in _OWN_FILES.values()}
    return [path for path in content_files(root) if path not in others]


def _shipped(part: str, build: Callable[[Path], T]) -> T:
    # One file per part, so that `plan` unpickles (and imports the classes of) only what it
    # reads, and validates again only the parts whose files changed.
    root = content_root()
    return cached(f"content-{part}", [*part_inputs(part, root), *model_modules()],
                  lambda: build(root))


@cache
def shipped_catalog() -> Catalog:
    """The shipped techniques, education pages and sources (validated once, then cached)."""
    from backrelief.core.catalog import load_catalog

    return _shipped("catalog", load_catalog)


@cache
def shipped_screen() -> ScreenDefinition:
    """The shipped safety screen (validated once, then cached)."""
    from backrelief.core.screening import load_screen

    return _shipped("screen", lambda root: load_screen(root / "screening.yaml"))


@cache
def shipped_stop_rules() -> StopRules:
    """The shipped stop rules (validated once, then cached)."""
    from backrelief.core.stop_rules import load_stop_rules

    return _shipped("stop-rules", lambda root: load_stop_rules(root / "stop_rules.yaml"))


@cache
def shipped_conditions() -> dict[ConditionId, Condition]:
    """The shipped condition rules (validated once, then cached)."""
    from backrelief.core.conditions import load_conditions

    return _shipped("conditions", lambda root: load_conditions(root / "conditions.yaml"))
