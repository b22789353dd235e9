"""Rich renderables for catalogue content (imported only by commands that print them)."""

from __future__ import annotations

from rich.console import Group
from rich.markdown import Markdown
from rich.panel import Panel
from rich.text import Text

from backrelief.core.catalog import Catalog, Technique
from backrelief.core.conditions import effective_contraindications


def _bullets(title: str, items: list[str]) -> Markdown:
    return Markdown(f"**{title}**\n\n" + "\n".join(f"- {item}" for item in items))


def technique_markup(technique: Technique, catalog: Catalog) -> Group:
    """A technique in full: steps with doses, mistakes, cautions, variants, sources."""
    kit = (" or " if technique.equipment_needs == "any" else ", ").join(technique.equipment)
    header = Text.assemble(
        (technique.name, "bold"),
        f"  ({technique.id})\n",
        technique.summary + "\n",
        ("Why: ", "bold"),
        technique.benefit + "\n",
        ("Position: ", "bold"),
        technique.position.replace("_", " "),
        ("   Equipment: ", "bold"),
        (kit.replace("_", " ") or "floor only"),
        ("   Intensity: ", "bold"),
        technique.intensity,
    )
    parts: list[object] = [header]
    if technique.safety_note:
        parts.append(
            Panel(technique.safety_note, title="Why we teach it this way", border_style="yellow")
        )
    steps = Text()
    for number, step in enumerate(technique.steps, start=1):
        steps.append(f"{number}. ", style="bold")
        steps.append(step.text)
        steps.append(f"  [{step.dose_text()}]\n", style="cyan")
        if step.tip:
            steps.append(f"   Tip: {step.tip}\n", style="dim")
    parts.append(Panel(steps, title="Steps", border_style="green"))
    parts.append(_bullets("Common mistakes", technique.common_mistakes))
    parts.append(_bullets("Cautions", technique.cautions))
    excluded = effective_contraindications(technique)
    if excluded:
        names = ", ".join(c.replace("_", " ") for c in excluded)
        parts.append(Text(f"Standard form not offered with: {names}", style="red"))
    for variant in technique.variants:
        conditions = ", ".join(c.replace("_", " ") for c in variant.for_conditions)
        heading = f"**Safer variant: {variant.name}** (for {conditions})"
        parts.append(Markdown(f"{heading}  \n{variant.summary}"))
    citations = "\n".join(f"- {c['citation']}" for c in catalog.cite(technique.sources))
    parts.append(Markdown("**Sources**\n\n" + citations))
    return Group(*parts)  # type: ignore[arg-type]
