"""`backrelief export`, `import` and `forget`: the diary out, back in, and gone.

Formats (``--format``):

* ``json``: everything (screens, sessions, ratings, feedback, settings, programmes with their
  session links and check-ins, walks; not a programme's secret calendar token), re-importable
  with ``backrelief import``;
* ``csv``: the pain ratings, one row each, for a spreadsheet;
* ``fhir``: the pain ratings as a FHIR R4 Bundle of Observations (LOINC 72514-3), for health
  records.

An import is read as a stream (memory flat in the file's size) and validated in full before
the database is opened; a malformed file exits 2
naming the field (``ratings[3].pain``) and writes nothing. Files written with ``--out`` are
created readable by the owner only, and replaced atomically: the diary is health data.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, cast

import click

from backrelief.cli.common import fail, print_json
from backrelief.cli.diary import open_store, store_session

FORMATS = ("json", "csv", "fhir")


def _check_out_path(out: str) -> Path:
    path = Path(out).expanduser()
    if path.is_dir():
        fail("--out", f"{out} is a directory")
    if not path.parent.is_dir():
        fail("--out", f"the folder {path.parent} does not exist")
    return path


def write_private_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, readable by the owner only."""
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@click.command()
@click.option("--format", "fmt", default="json", show_default=True, metavar="json|csv|fhir",
              help="json: everything, re-importable; csv: ratings for a spreadsheet; "
                   "fhir: ratings as a FHIR R4 Bundle for health records.")
@click.option("--out", "out", metavar="FILE", help="Write to FILE instead of standard output.")
def export(fmt: str, out: str | None) -> None:
    """Export your diary as JSON, CSV or FHIR."""
    if fmt not in FORMATS:
        fail("--format", f"must be one of {', '.join(FORMATS)}; got {fmt!r}")
    path = _check_out_path(out) if out is not None else None

    from backrelief.store import export_diary, fhir_bundle, list_ratings, ratings_csv
    from backrelief.store.programme_fhir import add_programme_resources

    now = datetime.now(UTC)
    with store_session() as session:
        if fmt == "json":
            text = json.dumps(export_diary(session, now=now), indent=2, ensure_ascii=False) + "\n"
        elif fmt == "csv":
            text = ratings_csv(list_ratings(session))
        else:
            bundle = fhir_bundle(list_ratings(session), now=now)
            bundle = add_programme_resources(session, bundle)  # issue 14
            text = json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
    if path is None:
        sys.stdout.write(text)
        return
    try:
        write_private_file(path, text)
    except OSError as exc:
        fail("--out", f"cannot write {out}: {exc.strerror or exc}")
    click.echo(f"Wrote {fmt} export to {path}.", err=True)


def _open_import(file: str) -> IO[bytes]:
    """The file as a seekable binary stream; standard input is spooled to a temporary file
    (the import reads it twice: once to validate, once to write)."""
    if file == "-":
        spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
        shutil.copyfileobj(sys.stdin.buffer, spool)
        spool.seek(0)
        return cast(IO[bytes], spool)
    path = Path(file).expanduser()
    if not path.is_file():
        fail("FILE", f"{file}: no such file")
    try:
        return path.open("rb")
    except OSError as exc:
        fail("FILE", f"cannot read {file}: {exc.strerror or exc}")


@click.command("import")
@click.argument("file", metavar="FILE")
@click.option("--merge", is_flag=True,
              help="Add the file's records to a diary that already has some (records already "
                   "present are skipped; your settings are kept).")
@click.option("--json", "as_json", is_flag=True, help="Print what was added as JSON.")
def import_(file: str, merge: bool, as_json: bool) -> None:
    """Restore a JSON export (FILE, or - for standard input) into an empty diary."""
    from backrelief.store import StoreInputError
    from backrelief.store.transfer import check_export_file, import_export_file

    # Read as a stream (issue 15: memory flat in file size), validated whole before the
    # database is opened, then written in one transaction: a bad file touches nothing.
    with _open_import(file) as stream:
        try:
            check_export_file(stream)
        except StoreInputError as exc:
            fail("FILE" if exc.field == "file" else exc.field, exc.problem)
        try:
            with store_session(write=True) as session:
                summary = import_export_file(session, stream, merge=merge)
        except StoreInputError as exc:
            if exc.field == "diary":
                fail("diary", "already holds records; import into an empty diary, or pass --merge")
            fail(exc.field, exc.problem)
    if as_json:
        print_json({"added": summary.added, "skipped": summary.skipped})
        return
    added = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in summary.added.items()
                      if count or name in ("screens", "sessions", "ratings"))
    click.echo(f"Imported {added}.")
    skipped = sum(summary.skipped.values())
    if skipped:
        click.echo(f"Skipped {skipped} records the diary already had.")


@click.command()
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def forget(yes: bool) -> None:
    """Delete everything backrelief has stored (after confirmation)."""
    from backrelief.store import count_ratings, forget_everything, list_sessions
    from backrelief.store.db import describe_url

    database = open_store()
    try:
        with database.session() as session:
            ratings = count_ratings(session)
            sessions = len(list_sessions(session))
        where = describe_url(database.engine.url)
        if not yes:
            question = (
                f"Delete every pain rating ({ratings}), session ({sessions}), safety screen and "
                f"setting stored in {where}? This cannot be undone."
            )
            if not click.confirm(question, default=False):
                click.echo("Nothing deleted.")
                raise SystemExit(1)
        with database.session(write=True) as session:
            deleted = forget_everything(session)
        database.compact()
    finally:
        database.close()
    total = sum(deleted.values())
    click.echo(f"Deleted {total} records. Your diary is empty.")
