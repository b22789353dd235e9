"""docs/safety-rules.md: every screen question, triage rule and stop rule, with its sources.

Rendered from content/screening.yaml and content/stop_rules.yaml so that reviewers (and the
clinicians who must sign the rules off) read exactly what the code runs.
"""

from __future__ import annotations

from backrelief.core.screening import (
    TIER_ORDER,
    Leaf,
    Question,
    Rule,
    ScreenDefinition,
    default_screen,
)
from backrelief.core.stop_rules import StopRules, default_stop_rules


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _answer_kind(question: Question) -> str:
    if question.type == "bool":
        return "yes/no"
    if question.type == "int":
        unit = f" {question.unit}" if question.unit else ""
        return f"whole number {question.minimum}-{question.maximum}{unit}"
    return "one of " + ", ".join(f"`{value}`" for value in question.values)


def _questions(screen: ScreenDefinition) -> list[str]:
    lines = ["## Questions", ""]
    lines.append(
        "Asked in this order, group by group. The re-check before later sessions asks the "
        "emergency and same-day groups again."
    )
    for group in ("emergency", "same_day", "other"):
        texts = screen.groups[group]
        lines += ["", f"### {texts.title} (`{group}`)", "", f"*{texts.intro}*", ""]
        lines += ["| id | question | answer | required |", "|---|---|---|---|"]
        for question in screen.in_group(group):
            required = "yes" if question.required else "no"
            if question.ask_if is not None:
                required += f" (asked if {question.ask_if.describe()})"
            if question.skip_if is not None:
                required += f" (skipped and recorded as no if {question.skip_if.describe()})"
            text = _cell(question.text)
            if question.parts:
                text += "".join(f"<br>- `{part.id}`: {_cell(part.text)}" for part in question.parts)
                text += "<br>*Yes only when every part is yes.*"
            lines.append(
                f"| `{question.id}` | {text}<br>*Help:* {_cell(question.help)} "
                f"| {_answer_kind(question)} | {required} |"
            )
    return lines


def _rule(screen: ScreenDefinition, rule: Rule) -> list[str]:
    when = rule.when.describe()
    if not isinstance(rule.when, Leaf):
        when = when[1:-1]  # the outermost brackets add nothing
    lines = [
        "",
        f"#### `{rule.id}`",
        "",
        f"- **When:** {when}",
        f"- **Tier:** {rule.tier}",
        f"- **Exercise allowed:** {'yes' if rule.exercise_allowed else 'no'}"
        + (f" (yes if {rule.exercise_allowed_if.describe()})" if rule.exercise_allowed_if else ""),
    ]
    if rule.gentle_only:
        lines.append("- **Gentle techniques only:** yes")
    if rule.adds_conditions:
        lines.append("- **Adds conditions:** " + ", ".join(rule.adds_conditions))
    lines.append(f"- **Why (shown as the reason):** {_cell(rule.text)}")
    if rule.advice:
        lines.append(f"- **Advice:** {_cell(rule.advice)}")
    lines.append("- **Sources:**")
    lines += [
        f"  - `{source_id}`: {citation}"
        for source_id, citation in zip(rule.sources, screen.cite(rule.sources), strict=True)
    ]
    return lines


def _rules(screen: ScreenDefinition) -> list[str]:
    lines = [
        "",
        "## Rules",
        "",
        "The most urgent triggered rule sets the tier; every triggered rule is reported. Tiers, most "
        "urgent first: " + ", ".join(f"`{tier}`" for tier in TIER_ORDER) + ". `emergency`, "
        "`same_day` and `incomplete` never allow exercise. A missing required answer gives "
        "`incomplete` unless an emergency or same-day rule has already triggered.",
    ]
    for tier in TIER_ORDER:
        rules = [rule for rule in screen.rules if rule.tier == tier]
        if rules:
            lines += ["", f"### `{tier}` rules"]
            for rule in rules:
                lines += _rule(screen, rule)
    return lines


def _tier_advice(screen: ScreenDefinition) -> list[str]:
    lines = ["", "## Advice by tier", ""]
    for tier in TIER_ORDER:
        text = screen.tiers[tier]
        lines.append(f"- **`{tier}` ({text.title}):** {_cell(text.advice)}")
    notes = screen.exercise_notes
    lines += [
        f"- **While waiting to see a professional, exercise allowed:** {_cell(notes.allowed)}",
        f"- **While waiting to see a professional, exercise not allowed:** {_cell(notes.blocked)}",
        f"- **Safety net (self care and see a professional):** {_cell(screen.safety_net)}",
    ]
    return lines


def _stop_rules(screen: ScreenDefinition, stop_rules: StopRules) -> list[str]:
    lines = [
        "",
        "## Stop rules during a session",
        "",
        "What a check-in answer or the \"this hurts\" button leads to. *Re-screen* means the "
        "session asks the emergency and same-day questions again before anything else.",
        "",
        "| response | action | re-screen | advice | sources |",
        "|---|---|---|---|---|",
    ]
    for response in stop_rules.responses:
        advice = _cell(response.advice)
        for condition_id, extra in response.condition_advice.items():
            advice += f"<br>*With {condition_id}:* {_cell(extra)}"
        sources = ", ".join(f"`{source_id}`" for source_id in response.sources)
        lines.append(
            f"| `{response.id}`: {_cell(response.label)} | {response.action} "
            f"| {'yes' if response.rescreen else 'no'} | {advice} | {sources} |"
        )
    cited = sorted({s for response in stop_rules.responses for s in response.sources})
    lines += ["", "Stop-rule sources:", ""]
    lines += [f"- `{source_id}`: {screen.sources[source_id].citation}" for source_id in cited]
    return lines


def render(screen: ScreenDefinition | None = None, stop_rules: StopRules | None = None) -> str:
    """The whole safety-rules page as Markdown."""
    screen = screen or default_screen()
    stop_rules = stop_rules or default_stop_rules()
    lines = [
        "# Safety rules",
        "",
        "Generated by `make docs` from `src/backrelief/content/screening.yaml` and "
        "`src/backrelief/content/stop_rules.yaml`. Do not edit by hand.",
        "",
        "backrelief is not a diagnosis. These rules over-refer on purpose: an app hears only the "
        "history, never an examination, so any red flag sends the person to care (clinical "
        "brief, section 1.1). They must be reviewed by a registered clinician before release.",
        "",
    ]
    lines += _questions(screen)
    lines += _rules(screen)
    lines += _tier_advice(screen)
    lines += _stop_rules(screen, stop_rules)
    return "\n".join(lines) + "\n"
