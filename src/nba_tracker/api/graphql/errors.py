"""How GraphQL shows a failure: the one handler for this interface.

A :class:`~nba_tracker.errors.TrackerError` reaches the client as its message with its
``code`` in ``extensions`` (BAD_USER_INPUT, SERVICE_UNAVAILABLE, …: see
:mod:`nba_tracker.errors`). Validation and permission errors are GraphQL's own. Anything
else is a bug or a driver error and is masked as "Unexpected error." so no internals ever
reach a client."""

from __future__ import annotations

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from nba_tracker.errors import TrackerError


def should_mask(error: GraphQLError) -> bool:
    """Mask what the server did not mean to say: exceptions that are neither GraphQL
    errors nor the tracker's own (a bug, a driver error)."""
    original = error.original_error
    return original is not None and not isinstance(original, (GraphQLError, TrackerError))


def render(error: GraphQLError) -> GraphQLError:
    """A resolver's :class:`TrackerError` as the client sees it: message and code."""
    original = error.original_error
    if not isinstance(original, TrackerError):
        return error
    return GraphQLError(
        original.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=original,
        extensions={"code": original.code},
    )


class RenderErrors(MaskErrors):
    """Renders the tracker's errors with their code and masks everything unexpected."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=should_mask)

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [render(e) for e in super()._process_errors(errors)]
