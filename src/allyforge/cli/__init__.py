"""The command line: a thin Typer face over the Python API.

Each verb lives in its own module under `allyforge.cli`; this file builds the app
and maps errors to DESIGN's exit codes (0 ok, 1 our failure or no solution, 2 bad input).
"""

from __future__ import annotations

import sys
from importlib import import_module

import typer

from allyforge import __version__

app = typer.Typer(
    name="allyforge",
    help="Plan allied defense-industrial co-production and the critical-mineral supply chains behind it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

# Verb modules; each registers its commands on `app` when imported.
COMMAND_MODULES = ["allyforge.cli.pack_commands", "allyforge.cli.run_command", "allyforge.cli.store_commands"]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"allyforge {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """allyforge: an open-source planner for allied co-production."""
    from allyforge.cli.output import refresh_width

    refresh_width()


for _m in COMMAND_MODULES:
    import_module(_m)


def main() -> None:
    try:
        app(standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)
