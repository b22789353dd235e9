"""`backrelief learn [TOPIC]`: the short education pages."""

from __future__ import annotations

import click

from backrelief.cli.common import fail, print_json


@click.command()
@click.argument("topic", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def learn(topic: str | None, as_json: bool) -> None:
    """Read a short education page; without TOPIC, list them."""
    from backrelief.core.catalog import default_catalog
    from backrelief.core.catalog_json import education_to_json

    catalog = default_catalog()
    if topic is None:
        if as_json:
            print_json([education_to_json(p, catalog) for p in catalog.education.values()])
            return
        click.echo("Topics (backrelief learn TOPIC):")
        width = max(len(key) for key in catalog.education)
        for page in catalog.education.values():
            click.echo(f"  {page.id:<{width}}  {page.title}: {page.summary}")
        return
    if topic not in catalog.education:
        fail("TOPIC", f"unknown topic {topic!r}; valid topics: {', '.join(catalog.education)}")
    page = catalog.education[topic]
    if as_json:
        print_json(education_to_json(page, catalog))
        return
    from rich.console import Console
    from rich.markdown import Markdown

    citations = "\n".join(f"- {c['citation']}" for c in catalog.cite(page.sources))
    Console().print(Markdown(f"# {page.title}\n\n{page.body}\n\n**Sources**\n\n{citations}"))
