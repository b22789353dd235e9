"""The session player's screen in the terminal: one fixed-height Rich panel."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from backrelief.cli.planning import clock

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.live import Live

    from backrelief.cli.player import Controls, PlayerView

PANEL_HEIGHT = 16
_KEYS_HELP = "[space] pause  [n] skip  [b] back  [h] this hurts  [q] quit"


def _bar(fraction: float, width: int) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "█" * filled + "░" * (width - filled)


def render_view(view: PlayerView, controls: Controls, names: Mapping[str, str],
                intros: Mapping[str, str] | None = None) -> RenderableType:
    """The player's screen: technique, step, hold countdown, reps, breath, next, progress, keys."""
    from rich.console import Group
    from rich.layout import Layout
    from rich.panel import Panel
    from rich.text import Text

    intros = intros or {}
    lines: list[RenderableType] = []
    title = "backrelief"
    if view.technique is not None:
        title = f"{view.number}/{view.count}  {view.technique.text}"
    if controls.mode == "menu":
        menu = Text("What are you feeling?\n\n", style="bold")
        for number, (_, label) in enumerate(controls.menu, start=1):
            menu.append(f"  [{number}] {label}\n")
        menu.append("\n  [Esc] back to the session", style="dim")
        return Panel(menu, title="This hurts: paused", border_style="red", height=PANEL_HEIGHT)
    if controls.mode in ("choose", "rest") and controls.message:
        tail = "   ".join(f"[{key}] {label}" for key, label in controls.choices)
        title = "Resting: paused" if controls.mode == "rest" else "This hurts: paused"
        return Panel(Group(Text(controls.message), Text("\n" + tail, style="bold")),
                     title=title, border_style="yellow", height=PANEL_HEIGHT)
    if controls.mode == "advice" and controls.message:
        tail = "[c] carry on   [q] end the session"
        return Panel(Group(Text(controls.message), Text("\n" + tail, style="bold")),
                     title="Paused", border_style="yellow", height=PANEL_HEIGHT)

    if view.step is None and view.technique is not None:
        lines.append(Text("Get into position", style="dim"))
        lines.append(Text(intros.get(view.technique.technique or "", view.technique.text),
                          style="bold"))
        lines.append(Text(""))
        lines.append(Text(f"Ready   {_bar(view.fraction(view.technique), 30)}  "
                          f"{view.remaining(view.technique):4.0f} s", style="cyan"))
    if view.step is not None:
        where = f"Step {view.step.step}"
        if view.step.round is not None and "Round " in view.step.text:
            where += f", round {view.step.round}"
        lines.append(Text(where, style="dim"))
        text = view.step.text.split(". ", 1)[1] if view.step.text.startswith("Round ") else view.step.text
        lines.append(Text(text, style="bold"))
        lines.append(Text(""))
        if view.remaining(view.step) > 0:
            lines.append(Text(f"Ready   {_bar(view.fraction(view.step), 30)}  "
                              f"{view.remaining(view.step):4.0f} s", style="cyan"))
    if view.rep is not None:
        side = f", {view.rep.side} side" if view.rep.side else ""
        lines.append(Text(f"Rep {view.rep.rep} of {view.rep.reps}{side}", style="green"))
    if view.hold is not None:
        left = view.remaining(view.hold)
        lines.append(Text(f"Hold  {_bar(view.fraction(view.hold), 30)}  {left:4.0f} s",
                          style="cyan"))
    if view.breath is not None:
        grow = view.fraction(view.breath)
        size = grow if view.breath.kind == "breathe_in" else 1 - grow
        word = "Breathe in " if view.breath.kind == "breathe_in" else "Breathe out"
        dots = round(size * 10)
        lines.append(Text(f"{word}  " + "●" * dots + "·" * (10 - dots), style="magenta"))
    if view.phase is not None:
        left = view.remaining(view.phase)
        if view.phase.kind == "check_in":
            lines.append(Text(f"{view.phase.text}  [1] better  [2] the same  [3] worse",
                              style="bold yellow"))
        else:
            lines.append(Text(f"{view.phase.text}  ({left:.0f} s)", style="yellow"))
    footer_next = Text("Next: the end of the session", style="dim")
    if view.next_technique is not None:
        upcoming = names.get(view.next_technique.technique or "", view.next_technique.text)
        footer_next = Text(f"Next: {upcoming}", style="dim")
    status = "PAUSED  " if view.paused else ""
    progress = view.elapsed / view.total if view.total else 1.0
    footer = [footer_next, Text(f"{status}Session {_bar(progress, 30)} "
                   f"{clock(int(view.elapsed))} / {clock(view.total)}")]
    if controls.notice:
        footer.append(Text(controls.notice, style="dim"))
    footer.append(Text(_KEYS_HELP, style="dim"))
    # A fixed height keeps the panel still as lines come and go (no jumping, no leftovers),
    # with progress and keys pinned to the bottom.
    layout = Layout()
    layout.split_column(Layout(Group(*lines)), Layout(Group(*footer), size=len(footer)))
    return Panel(layout, title=title, title_align="left", height=PANEL_HEIGHT,
                 border_style="yellow" if view.paused else "green")


class RichScreen:
    """Shows the player's view in a Rich live display, at most every ``FRAME`` seconds."""

    def __init__(self, live: Live, names: Mapping[str, str], intros: Mapping[str, str]) -> None:
        self._live = live
        self._names = names
        self._intros = intros

    def show(self, view: PlayerView, controls: Controls) -> None:
        self._live.update(render_view(view, controls, self._names, self._intros), refresh=True)
