"""The error hierarchy is the one its module's docstring draws, and each interface's
handler renders it."""

from __future__ import annotations

import re

import pytest
import typer
from graphql import GraphQLError

from nba_tracker import errors
from nba_tracker.api.app import http_status
from nba_tracker.api.graphql.errors import render, should_mask
from nba_tracker.terminal import cli_errors


def _drawn() -> dict[str, str]:
    """child -> parent, read from the tree in the docstring (four columns a level)."""
    lines = (errors.__doc__ or "").splitlines()
    root = next(line for line in lines if line.strip().startswith("TrackerError"))
    base = root.index("TrackerError")
    parents: dict[int, str] = {}
    tree: dict[str, str] = {}
    for line in lines[lines.index(root) :]:
        match = re.match(r"^[ │├└─]*([A-Z]\w+)", line)
        if not match or not line.startswith(" " * base):
            break
        depth = (match.start(1) - base) // 4
        parents[depth] = match.group(1)
        if depth:
            tree[match.group(1)] = parents[depth - 1]
    return tree


def _actual() -> dict[str, str]:
    tree: dict[str, str] = {}

    def walk(cls: type) -> None:
        for sub in cls.__subclasses__():
            if sub.__module__ == errors.__name__:
                tree[sub.__name__] = cls.__name__
                walk(sub)

    walk(errors.TrackerError)
    return tree


def test_docstring_draws_the_hierarchy_as_defined() -> None:
    assert _drawn() == _actual()
    assert set(errors.__all__) == {"TrackerError", *_actual()}


@pytest.mark.parametrize(
    ("error", "code", "exit_code", "status"),
    [
        (errors.QueryError("bad cursor"), "BAD_USER_INPUT", 2, 400),
        (errors.ConfigurationError("bad feeds file"), "BAD_USER_INPUT", 2, 400),
        (errors.DatabaseUnavailable(), "SERVICE_UNAVAILABLE", 1, 503),
        (errors.StorageUnavailable("disk full"), "STORAGE_UNAVAILABLE", 1, 503),
        (errors.CollectionInProgress(), "COLLECTION_IN_PROGRESS", 1, 503),
        (errors.OpsError("no cluster"), "OPS_FAILED", 1, 500),
        (errors.Aborted("cancelled"), "OPS_FAILED", 3, 500),
    ],
)
def test_each_interface_renders_an_error_by_its_kind(
    error: errors.TrackerError,
    code: str,
    exit_code: int,
    status: int,
    capsys: pytest.CaptureFixture[str],
) -> None:
    graphql = render(GraphQLError("raw", original_error=error))
    assert graphql.message == str(error)
    assert graphql.extensions == {"code": code}
    assert not should_mask(graphql)
    assert http_status(error) == status
    with pytest.raises(typer.Exit) as exited, cli_errors():
        raise error
    assert exited.value.exit_code == exit_code
    assert capsys.readouterr().err.strip() == f"error: {error}"


def test_anything_else_is_masked_and_keeps_its_traceback() -> None:
    bug = GraphQLError("raw", original_error=KeyError("driver internals"))
    assert should_mask(bug)
    assert render(bug) is bug
    with pytest.raises(KeyError), cli_errors():
        raise KeyError("bug")


def test_input_errors_stay_value_errors() -> None:
    # Callers written before the hierarchy catch ValueError for a bad filter or feeds file.
    assert issubclass(errors.QueryError, ValueError)
    assert issubclass(errors.ConfigurationError, ValueError)
