"""`backrelief screen` (a file of answers) and `backrelief check` (the screen, interactively).

Both are thin shells over :mod:`backrelief.core.screening`; no rule lives here. The interactive
flow asks the emergency questions first, as one "do any of these apply?" list with a way to read
about each item, and ends as soon as the answers so far give an emergency or same-day result:
nobody who should be calling 999 is kept answering questions about their age.

Prompts are plain text read line by line, so piped input works (tests drive it that way). With
``--json`` every prompt goes to stderr and stdout carries only the result document.
"""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import click

from backrelief.cli.common import fail, print_json
from backrelief.core.screen_flow import Flow, Step
from backrelief.core.screening import (
    AnswerError,
    Question,
    ScreenResult,
    default_screen,
    evaluate,
    evaluate_recheck,
)
from backrelief.core.vocabulary import is_ascii_number

_WIDTH = 78
_BANNER_STYLE: dict[str, dict[str, Any]] = {
    "emergency": {"fg": "red", "bold": True},
    "same_day": {"fg": "yellow", "bold": True},
}


# ---- showing a result ------------------------------------------------------------------------------


def show_result(result: ScreenResult, *, err: bool = False) -> None:
    """Print a result for people: a prominent banner when urgent, the advice, why, and sources."""
    screen = default_screen()
    urgent = result.urgent
    rule_char = "!" if result.tier == "emergency" else "=" if urgent else "-"
    style = _BANNER_STYLE.get(result.tier, {"bold": True})
    line = rule_char * _WIDTH
    click.echo("", err=err)
    click.echo(click.style(line, **style), err=err)
    title = result.title.upper() if urgent else result.title
    click.echo(click.style(f"{rule_char * 2} {title}", **style), err=err)
    click.echo(click.style(line, **style), err=err)
    for paragraph in result.advice.split("\n"):
        if paragraph.startswith("- "):
            click.echo(textwrap.fill(paragraph, _WIDTH, subsequent_indent="  "), err=err)
        else:
            click.echo("\n" + textwrap.fill(paragraph, _WIDTH), err=err)
    if result.reasons:
        click.echo("", err=err)
        click.echo(click.style("Based on your answers:", bold=True), err=err)
        for reason in result.reasons:
            labels = "; ".join(screen.question(qid).label for qid in reason.questions)
            tier = reason.tier.replace("_", " ")
            if urgent:  # the why is already in the advice above; keep the urgent screen short
                click.echo(textwrap.fill(f"- {labels} [{tier}]", _WIDTH, subsequent_indent="  "),
                           err=err)
            else:
                text = f"- {reason.text} ({labels}) [{tier}]"
                click.echo(textwrap.fill(text, _WIDTH, subsequent_indent="  "), err=err)
    cited = list(dict.fromkeys(s for reason in result.reasons for s in reason.sources))
    if cited:
        click.echo("", err=err)
        click.echo(click.style("Sources:", bold=True), err=err)
        for source_id, citation in zip(cited, screen.cite(cited), strict=True):
            click.echo(textwrap.fill(f"[{source_id}] {citation}", _WIDTH, subsequent_indent="  "),
                       err=err)
    if result.exercise_allowed:
        click.echo("", err=err)
        hint = "gentle techniques only today. " if result.gentle_only else ""
        click.echo(f"Next: {hint}`backrelief plan` suggests a routine; `backrelief session` "
                   "guides you through one.", err=err)


# ---- `backrelief screen` -----------------------------------------------------------------------------


def _read_answers(source: str) -> dict[str, object]:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        fail("--answers", f"cannot read {source!r}: {reason}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        fail("--answers", f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")
    if not isinstance(data, dict):
        fail("--answers", f"expected a JSON object of question id -> answer, got {_json_kind(data)}")
    return data


def _json_kind(value: object) -> str:
    names = {list: "an array", str: "a string", bool: "a boolean", int: "a number",
             float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


@click.command("screen")
@click.option("--answers", "answers_path", required=True, metavar="FILE",
              help="A JSON object of answers (question id -> answer); '-' reads standard input.")
@click.option("--recheck", is_flag=True,
              help="Only the re-check questions (emergency and same-day) are required.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON document.")
def screen(answers_path: str, recheck: bool, as_json: bool) -> None:
    """Evaluate a file of safety-screen answers.

    Prints the tier (emergency, same_day, see_professional, self_care or incomplete), whether
    exercise is allowed, every reason with the questions and sources behind it, and the advice.
    """
    answers = _read_answers(answers_path)
    try:
        result = evaluate_recheck(answers) if recheck else evaluate(answers)
    except AnswerError as exc:
        fail(exc.field, exc.problem)
    if as_json:
        print_json(result.to_json())
    else:
        show_result(result)


# ---- `backrelief check` -------------------------------------------------------------------------------


class _Prompter:
    """Plain line-by-line prompts; everything goes to stderr when stdout is kept for JSON."""

    def __init__(self, err: bool) -> None:
        self.err = err

    def say(self, text: str = "", indent: str = "", **style: Any) -> None:
        wrapped = "\n".join(
            textwrap.fill(p, _WIDTH, subsequent_indent=indent) if p else "" for p in text.split("\n")
        )
        click.echo(click.style(wrapped, **style) if style else wrapped, err=self.err)

    def read(self, prompt: str) -> str:
        click.echo(prompt + " ", nl=False, err=self.err)
        try:
            line = input()
        except EOFError:
            click.echo("", err=self.err)
            raise click.Abort() from None
        if not sys.stdin.isatty():  # echo piped answers so the transcript reads naturally
            click.echo(line, err=self.err)
        return line.strip()


class _Terminal:
    """Asks the steps :class:`~backrelief.core.screen_flow.Flow` gives, as terminal prompts."""

    def __init__(self, flow: Flow, err: bool) -> None:
        self.flow = flow
        self.screen = flow.screen
        self.io = _Prompter(err)

    def run(self) -> ScreenResult:
        if self.flow.mode == "recheck":
            self.io.say(self.screen.recheck_intro, bold=True)
        step = self.flow.first()
        while step is not None:
            if step.name == "finish":
                self.io.say("")
                self.io.say("Your answers mean you should see a doctor today. A last question or "
                            "two, to check whether you need emergency care instead:", bold=True)
                self._ask_each(step, until="emergency")
            elif step.as_list:
                self._ask_list(step)
            else:
                self._ask_each(step)
            step = self.flow.after(step.name)
        return self.flow.result()

    def _ask_list(self, step: Step) -> None:
        """One "do any of these apply?" list."""
        questions = list(step.questions)
        texts = self.screen.groups[step.group]
        self.io.say("")
        self.io.say(texts.title, bold=True)
        self.io.say(texts.intro)
        for number, question in enumerate(questions, start=1):
            self.io.say(f"  {number}. {question.label}", indent="     ")
        hint = (f"Type n if none of these apply, y if any do, 1-{len(questions)} to read more "
                "about one, or o to go through them one by one.")
        self.io.say(hint)
        while True:
            reply = self.io.read(f"Do any of these apply? [n/y/1-{len(questions)}/o]:").lower()
            if reply in {"n", "no"}:
                self.flow.none_apply(questions)
                return
            if reply in {"y", "yes", "o"}:
                if reply != "o":
                    self.io.say("Let's go through them one at a time, so we know which.")
                self._ask_each(step, intro=False)
                return
            if is_ascii_number(reply, 3) and 1 <= int(reply) <= len(questions):
                question = questions[int(reply) - 1]
                self.io.say(f"{reply}. {question.text}")
                self.io.say(question.help, dim=True)
                continue
            self.io.say(hint)

    def _ask_each(self, step: Step, until: Literal["urgent", "emergency"] = "urgent",
                  intro: bool = True) -> None:
        """One question at a time, as the flow gives them; stops as soon as the answers so far
        are urgent (``until="emergency"``: keeps asking through a same-day result)."""
        if intro and step.name != "finish" and not step.as_list:
            self.io.say("")
            self.io.say(self.screen.groups[step.group].title, bold=True)
            self.io.say(self.screen.groups[step.group].intro)
        while (question := self.flow.next_question(step.name)) is not None:
            self.flow.answer(question, self._ask_one(question))
            if self.flow.urgent(until):
                return

    def _ask_one(self, question: Question) -> object | None:
        self.io.say("")
        self.io.say(question.text)
        if question.parts:
            return self._ask_parts(question)
        if question.type == "bool":
            prompt = "[y/n, ? for help]:"
        elif question.type == "enum":
            for number, choice in enumerate(question.choices, start=1):
                self.io.say(f"  {number}. {choice.label}", indent="     ")
            prompt = f"[1-{len(question.choices)}, ? for help]:"
        else:
            unit = f" {question.unit}" if question.unit else ""
            prompt = f"[{question.minimum}-{question.maximum}{unit}, ? for help]:"
        if not question.required:
            prompt = prompt.replace(", ? for help]", ", Enter to skip, ? for help]")
        return self._read_answer(question, prompt, question.required)

    def _read_answer(self, question: Question, prompt: str, required: bool) -> object | None:
        """Read replies until one is a valid answer (``?`` shows the help)."""
        while True:
            reply = self.io.read(prompt)
            if reply == "?":
                self.io.say(question.help, dim=True)
                continue
            try:
                value = question.parse(reply)
            except AnswerError as exc:
                self.io.say(f"Sorry, {exc.problem}. Please try again.")
                continue
            if value is None and required:
                self.io.say("Please answer this one; type ? to read more about it.")
                continue
            return value

    def _ask_parts(self, question: Question) -> bool:
        """A question asked in plain parts: stops at the first no (the answer is then no)."""
        parts: dict[str, bool | None] = {}
        for part in question.parts:
            self.io.say(f"- {part.text}", indent="  ")
            parts[part.id] = self._read_answer(question, "[y/n, ? for help]:", True) is True
            combined = question.combine(parts)
            if combined is not None:
                return combined
        return False  # unreachable: every part answered gives yes or no


def ask_screen(
    recheck: bool = False,
    known: Mapping[str, object] | None = None,
    *,
    err: bool = False,
    show: bool = True,
) -> tuple[ScreenResult, dict[str, object]]:
    """Ask the screen in the terminal; return the result and every answer it rests on.

    ``recheck`` asks only the emergency and same-day questions ("anything new since last
    time?"). ``known`` are earlier answers: skipped in a full check, and kept in a re-check so that
    combination rules still apply. ``err`` sends every prompt to stderr; ``show`` prints the
    result (prominently when urgent). Raises :class:`click.Abort` if input ends early.
    """
    flow = Flow.start("recheck" if recheck else "full", known)
    result = _Terminal(flow, err).run()
    if show:
        show_result(result, err=err)
    return result, dict(flow.answers)


def run_interactive_screen(
    recheck: bool = False,
    known: Mapping[str, object] | None = None,
    *,
    err: bool = False,
    show: bool = True,
) -> ScreenResult:
    """Ask the screen in the terminal and return the result (see :func:`ask_screen`)."""
    return ask_screen(recheck, known, err=err, show=show)[0]


#: ``backrelief check`` exit statuses, so scripts can act on an urgent result.
EXIT_EMERGENCY = 3
EXIT_SAME_DAY = 4


def exit_status(result: ScreenResult) -> int:
    """3 for an emergency result, 4 for same day, 0 otherwise."""
    return {"emergency": EXIT_EMERGENCY, "same_day": EXIT_SAME_DAY}.get(result.tier, 0)


@click.command("check")
@click.option("--recheck", is_flag=True,
              help="The short re-check before a later session: anything new since last time?")
@click.option("--json", "as_json", is_flag=True,
              help="Print the result as one JSON document on stdout; questions go to stderr.")
def check(recheck: bool, as_json: bool) -> None:
    """Answer the safety screen interactively.

    The warning signs that need emergency care come first. If your answers mean you need
    emergency or same-day care, the check ends there and tells you what to do.

    \b
    Exit status:
      0  no emergency or same-day result (see the tier for what to do)
      2  bad input
      3  emergency: call your emergency number now
      4  same day: contact a doctor today
    """
    result = run_interactive_screen(recheck=recheck, err=as_json)
    if as_json:
        print_json(result.to_json())
    status = exit_status(result)
    if status:
        sys.exit(status)  # not click's Exit: the group runs without standalone mode
