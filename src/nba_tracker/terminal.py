"""The command line's one error handler: a :class:`~nba_tracker.errors.TrackerError`
becomes one ``error:`` line on stderr and the error's exit code, never a traceback.

Every ``nba-tracker`` command runs inside it, the ``ops`` commands too (their AWS
failures are turned into :class:`~nba_tracker.errors.OpsError` first). Anything else is a
bug and keeps its traceback.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from nba_tracker.errors import DatabaseUnavailable, StorageUnavailable, TrackerError
from nba_tracker.store import faults

err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


def print_error(message: str) -> None:
    err_console.print(f"[red]error:[/] {escape(message)}", soft_wrap=True, highlight=False)


def _report(message: str, code: str, json_output: bool) -> None:
    if json_output:
        # With --json the caller parses stdout: the error is one JSON object there too.
        sys.stdout.write(json.dumps({"error": {"code": code, "message": message}}) + "\n")
    print_error(message)


@contextmanager
def cli_errors(json_output: bool = False) -> Iterator[None]:
    try:
        yield
    except TrackerError as exc:
        _report(exc.message, exc.code, json_output)
        raise typer.Exit(exc.exit_code) from None
    except Exception as exc:
        # A full or read-only disk, a permission refused, an unreachable database, met
        # outside code that raises a TrackerError (migrations, opening the database):
        # one line too. Anything unclassified is a bug and keeps its traceback.
        fault = faults.classify(exc)
        if fault is faults.FAILED:
            raise
        error: TrackerError = (
            StorageUnavailable(f"cannot store news: {fault.reason}")
            if fault.storage
            else DatabaseUnavailable(f"database: {fault.reason}")
        )
        _report(error.message, error.code, json_output)
        raise typer.Exit(error.exit_code) from None


def guarded(fn: F) -> F:
    """Run a Typer command inside :func:`cli_errors`; the signature Typer reads is kept.
    A command's ``json_output`` parameter (``--json``) makes the error JSON too."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with cli_errors(bool(kwargs.get("json_output"))):
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
