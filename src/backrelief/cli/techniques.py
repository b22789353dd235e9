"""`backrelief techniques`: the library as a table, as JSON, or one technique in full."""

from __future__ import annotations

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
def show(technique_id: str, as_json: bool) -> None:
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

    Console().print(technique_markup(technique, catalog))
