"""The ``backrelief`` command line.

Commands are registered here by name only and imported on first use, so that
``backrelief --help`` starts fast and imports no web, database or terminal-UI code (DESIGN.md,
"Performance"). Each command module must keep its heavy imports inside its functions too.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

import click

from backrelief import __version__

# name -> (module under backrelief.cli, attribute, one-line help shown by --help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "techniques": ("techniques", "techniques", "List the technique library, or show one technique."),
    "learn": ("learn", "learn", "Read the short education pages."),
    "check": ("screening", "check", "Answer the safety screen interactively."),
    "screen": ("screening", "screen", "Evaluate a file of safety-screen answers."),
    "plan": ("planning", "plan", "Plan a routine for where it hurts, your kit and your time."),
    "timeline": ("planning", "timeline", "Print the timed cue list of a planned routine."),
    "session": ("session", "session", "Run a whole guided session in the terminal."),
    "diary": ("diary", "diary", "Record and list pain ratings."),
    "advice": ("diary", "advice", "Advice from your diary: keep going, or see a professional."),
    "history": ("diary", "history", "Chart your pain ratings with the trend and advice."),
    "export": ("transfer", "export", "Export your diary as JSON, CSV or FHIR."),
    "import": ("transfer", "import_", "Restore a JSON export into an empty diary."),
    "forget": ("transfer", "forget", "Delete everything backrelief has stored."),
    "programme": ("programme", "programme", "A programme of weeks that progresses with your pain response."),
    "report": ("programme", "report", "Write a PDF summary of your diary for a clinician."),
    "breaks": ("breaks", "breaks", "Remind you to take a short desk break every N minutes."),
    "serve": ("serve", "serve", "Start the web app on this computer."),
    "users": ("users", "users", "Accounts for the web app: invite, add, list, remove."),
    "figures": ("figures", "figures", "Write the step illustrations as SVG files."),
}


def _available(module: str) -> bool:
    return importlib.util.find_spec(f"backrelief.cli.{module}") is not None


class LazyGroup(click.Group):
    """A click group that imports a command's module only when that command runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, (module, _, _) in COMMANDS.items() if _available(module)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None or not _available(entry[0]):
            return None
        if ctx.resilient_parsing or _help_listing(ctx):
            # Listing commands for --help: a placeholder carries the help text without importing.
            return click.Command(cmd_name, help=entry[2], short_help=entry[2])
        module = importlib.import_module(f"backrelief.cli.{entry[0]}")
        command: click.Command = getattr(module, entry[1])
        return command


def _help_listing(ctx: click.Context) -> bool:
    return bool(ctx.meta.get("backrelief.listing"))


class _Main(LazyGroup):
    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Print usage errors as one line naming the field, exit 2 (DESIGN.md contract)."""
        kwargs["standalone_mode"] = False
        try:
            return super().main(*args, **kwargs)
        except click.exceptions.Exit as exc:
            raise SystemExit(exc.exit_code) from None
        except click.exceptions.Abort:
            click.echo("backrelief: aborted", err=True)
            raise SystemExit(130) from None
        except click.ClickException as exc:
            message = " ".join(exc.format_message().split())
            click.echo(f"backrelief: error: {message}", err=True)
            raise SystemExit(exc.exit_code) from None
        except Exception as exc:
            # A database that fails under a command (read-only, disk full, server gone) is
            # one line, not a traceback. store.errors imports nothing heavy.
            from backrelief.store.errors import DatabaseUnavailable

            if not isinstance(exc, DatabaseUnavailable):
                raise
            click.echo(f"backrelief: error: database: {' '.join(str(exc).split())}", err=True)
            raise SystemExit(1) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        ctx.meta["backrelief.listing"] = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            ctx.meta["backrelief.listing"] = False


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="backrelief")
def main() -> None:
    """backrelief: a self-guided back-relief coach that screens for red flags first.

    Not a diagnosis. If you have numbness between your legs or around your bottom, new trouble
    peeing or controlling your bowels, weakness in both legs, chest pain or a sudden tearing pain,
    call your emergency number (999 UK, 911 US, 112 EU) now.
    """


def run(*args: Any) -> None:  # pragma: no cover - convenience for python -m
    main(*args)
