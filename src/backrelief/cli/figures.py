"""`backrelief figures`: write every step illustration as an SVG file."""

from __future__ import annotations

from pathlib import Path

import click

from backrelief.cli.common import fail


@click.command("figures")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory to write the SVG files into (created if missing).")
@click.option("--technique", "technique_id", metavar="ID", help="Only this technique.")
@click.option("--static", "static", is_flag=True, help="Still figures instead of animated loops.")
def figures(out_dir: Path, technique_id: str | None, static: bool) -> None:
    """Write one SVG per step: <technique>-<step>.svg, and <technique>-<variant>-<step>.svg
    for the steps of safer variants (steps count from 1)."""
    from backrelief.core.catalog import default_catalog
    from backrelief.figures import FigureError, every_step, figure_for_step, render_step_svg

    catalog = default_catalog()
    if technique_id is not None and technique_id not in catalog.techniques:
        valid = ", ".join(sorted(catalog.techniques))
        fail("--technique", f"unknown technique {technique_id!r}; valid ids: {valid}")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail("--out", f"cannot create {str(out_dir)!r}: {exc.strerror}")
    written, missing = 0, []
    for tech, variant, index in every_step(catalog):
        if technique_id is not None and tech != technique_id:
            continue
        try:
            figure = figure_for_step(tech, index, catalog, variant)
        except FigureError as exc:
            missing.append(str(exc))
            continue
        svg = render_step_svg(tech, index, catalog, animated=not static, variant_id=variant)
        (out_dir / f"{figure.slug}.svg").write_text(svg, encoding="utf-8")
        written += 1
    click.echo(f"wrote {written} figure{'s' if written != 1 else ''} to {out_dir}")
    if missing:
        for problem in missing:
            click.echo(f"backrelief: no figure: {problem}", err=True)
        raise SystemExit(1)
