"""`backrelief techniques`: the library as a table, as JSON, or one technique in full."""

from __future__ import annotations

import sys

import click

from backrelief.cli.common import fail, print_json


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print the library as one JSON document.")
@click.pass_context
def techniques(ctx: click.Context, as_json: bool) -> None:
    """List the technique library, or show one technique with `show ID`."""
    if ctx.invoked_subcommand is not None:
        return
    from backrelief.core.catalog import default_catalog
    from backrelief.core.catalog_json import technique_to_json

    catalog = default_catalog()
    if as_json:
        print_json([technique_to_json(t, catalog) for t in catalog.ordered()])
        return
    _print_table()


def _print_table() -> None:
    from rich.console import Console
    from rich.table import Table

    from backrelief.core.catalog import default_catalog

    table = Table(title="backrelief technique library", title_justify="left")
    table.add_column("id", no_wrap=True, style="bold")
    for column in ("name", "back", "position", "equipment", "intensity"):
        table.add_column(column)
    for technique in default_catalog().ordered():
        kit = (" or " if technique.equipment_needs == "any" else ", ").join(technique.equipment)
        table.add_row(
            technique.id,
            technique.name,
            "/".join(technique.regions),
            technique.position.replace("_", " "),
            kit.replace("_", " ") or "floor only",
            technique.intensity,
        )
    console = Console()
    console.print(table)
    console.print("Show one in full: backrelief techniques show ID")


@techniques.command("show")
@click.argument("technique_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print the technique as JSON.")
@click.option("--figures", "figures_dir", type=click.Path(file_okay=False), default=None,
              metavar="DIR", help="Also write the step figures (SVG) to DIR and open the first.")
def show(technique_id: str, as_json: bool, figures_dir: str | None) -> None:
    """Show every step, caution, safer variant and source of one technique."""
    from backrelief.core.catalog import default_catalog
    from backrelief.core.catalog_json import technique_to_json

    catalog = default_catalog()
    if technique_id not in catalog.techniques:
        valid = ", ".join(sorted(catalog.techniques))
        fail("ID", f"unknown technique {technique_id!r}; valid ids: {valid}")
    technique = catalog.techniques[technique_id]
    if as_json:
        print_json(technique_to_json(technique, catalog))
        return
    from rich.console import Console

    from backrelief.cli.render import technique_markup

    console = Console()
    console.print(technique_markup(technique, catalog))
    if figures_dir is None:
        console.print(f"Figures of every step: backrelief techniques show {technique_id} --figures DIR")
        return
    paths = _write_figures(technique_id, len(technique.steps), figures_dir)
    console.print(f"Wrote {len(paths)} figures to {figures_dir}")
    if sys.stdout.isatty():
        click.launch(paths[0])


def _write_figures(technique_id: str, step_count: int, directory: str) -> list[str]:
    """Write one animated SVG per step as <technique>-<step>.svg; return their paths."""
    from pathlib import Path

    from backrelief.figures import render_step_svg

    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(step_count):
        path = out / f"{technique_id}-{index + 1}.svg"
        path.write_text(render_step_svg(technique_id, index), encoding="utf-8")
        paths.append(str(path))
    return paths
