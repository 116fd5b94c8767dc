"""The command line's one error handler: a :class:`~nba_tracker.errors.TrackerError`
becomes one ``error:`` line on stderr and the error's exit code, never a traceback.

Every ``nba-tracker`` command runs inside it, the ``ops`` commands too (their AWS
failures are turned into :class:`~nba_tracker.errors.OpsError` first). Anything else is a
bug and keeps its traceback.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from nba_tracker.errors import TrackerError

err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


def print_error(message: str) -> None:
    err_console.print(f"[red]error:[/] {escape(message)}", soft_wrap=True, highlight=False)


@contextmanager
def cli_errors() -> Iterator[None]:
    try:
        yield
    except TrackerError as exc:
        print_error(exc.message)
        raise typer.Exit(exc.exit_code) from None


def guarded(fn: F) -> F:
    """Run a Typer command inside :func:`cli_errors`; the signature Typer reads is kept."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with cli_errors():
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
