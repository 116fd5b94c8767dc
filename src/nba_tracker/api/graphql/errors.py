"""Errors a reader may see. Anything else is masked as "Unexpected error." so no
internals ever reach a client."""

from __future__ import annotations

from graphql import GraphQLError


class UserError(GraphQLError):
    """A message meant for the client. ``code`` (in ``extensions``) tells clients and
    tools whether the request was wrong (BAD_USER_INPUT) or the service is unwell."""

    def __init__(self, message: str, code: str = "BAD_USER_INPUT") -> None:
        super().__init__(message, extensions={"code": code})


def should_mask(error: GraphQLError) -> bool:
    """Mask what the server did not mean to say: exceptions that are not GraphQL errors
    (a bug, a driver error). Validation, permission and UserErrors are the client's."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)
