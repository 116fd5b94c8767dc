"""Every failure the tracker raises on purpose, and how each interface shows it.

The hierarchy (``code`` is what GraphQL clients read in ``extensions.code``; ``exit`` is
the CLI's exit status)::

    TrackerError                  a message meant for a person            INTERNAL_ERROR      exit 1
    ├── InvalidInput              the caller asked for something wrong    BAD_USER_INPUT      exit 2
    │   ├── ConfigurationError    settings, the feeds file or a feed location cannot be used
    │   └── QueryError            a reader's filter or cursor cannot be answered as asked
    ├── Unavailable               a dependency did not answer; retry      SERVICE_UNAVAILABLE exit 1
    │   ├── DatabaseUnavailable   the database is away or overloaded
    │   ├── StorageUnavailable    the disk is full or refuses us (permissions)  STORAGE_UNAVAILABLE
    │   └── CollectionInProgress  another process is collecting           COLLECTION_IN_PROGRESS
    ├── FeedError                 one feed cannot be read; the run goes on  FEED_FAILED
    │   ├── FeedParseError        the body is not a feed we can read
    │   └── FeedTooLarge          the body is over the size cap
    ├── TranslationError          one text could not be translated (kept on the article)
    └── OpsError                  an AWS operation failed                 OPS_FAILED          exit 1
        └── Aborted               the operator declined a change                              exit 3

``scrapeRss`` reports each feed that failed and a collection already running as entries
of ``errors`` with the matching ``errorCodes`` (FEED_FAILED, COLLECTION_IN_PROGRESS): a
busy collection is an answer, not a failed request.

One handler per interface renders them: GraphQL in ``api.graphql.errors`` (a
:class:`TrackerError` becomes an error with its ``code``; anything else is masked),
HTTP in ``api.app`` (``Unavailable`` → 503), and the CLI in :mod:`nba_tracker.terminal`
(one ``error:`` line on stderr and ``exit_code``). Code raising an error picks the class
by what the caller should do about it, not by where it happened.

Not in this tree on purpose: the scheduler Lambda's ``ConfigError`` and the Airflow DAGs'
errors live in deployables that ship without this package.
"""

from __future__ import annotations

__all__ = [
    "Aborted",
    "CollectionInProgress",
    "ConfigurationError",
    "DatabaseUnavailable",
    "FeedError",
    "FeedParseError",
    "FeedTooLarge",
    "InvalidInput",
    "OpsError",
    "QueryError",
    "StorageUnavailable",
    "TrackerError",
    "TranslationError",
    "Unavailable",
]

EXIT_FAILURE = 1
EXIT_INVALID_INPUT = 2
EXIT_ABORTED = 3


class TrackerError(Exception):
    """A failure explained in one line; subclasses say what kind and how it is shown."""

    code = "INTERNAL_ERROR"
    exit_code = EXIT_FAILURE

    @property
    def message(self) -> str:
        return str(self) or type(self).__name__


class InvalidInput(TrackerError, ValueError):
    """Rejected before any work: retrying the same request cannot succeed."""

    code = "BAD_USER_INPUT"
    exit_code = EXIT_INVALID_INPUT


class ConfigurationError(InvalidInput):
    """Settings, the feeds file or a feed location cannot be used; says which and why."""


class QueryError(InvalidInput):
    """A reader's request that cannot be answered as asked (bad cursor, bad filter)."""


class Unavailable(TrackerError):
    """Something the tracker depends on did not answer; the same request may work later."""

    code = "SERVICE_UNAVAILABLE"


class DatabaseUnavailable(Unavailable):
    """The database did not answer; readers get a clean message, never a stack trace."""

    def __init__(self, message: str = "") -> None:
        super().__init__(
            message or "The news database is unavailable right now — retrying shortly."
        )


class StorageUnavailable(Unavailable):
    """Local storage (the SQLite file, the lock file) is full or not writable."""

    code = "STORAGE_UNAVAILABLE"


class CollectionInProgress(Unavailable):
    """Only one collection runs at a time, across every process."""

    code = "COLLECTION_IN_PROGRESS"

    def __init__(self, message: str = "") -> None:
        super().__init__(
            message or "a collection is already in progress; try again when it finishes"
        )


class FeedError(TrackerError):
    """One feed could not be read. The collection goes on; the source records why."""

    code = "FEED_FAILED"


class FeedParseError(FeedError):
    """The body is not a feed we can read; the message says why in one line."""


class FeedTooLarge(FeedError):
    """The body grew past the configured cap while it was read."""


class TranslationError(TrackerError):
    """A text could not be translated; the message says why in one line."""


class OpsError(TrackerError):
    """An operation on AWS failed; the message is one line for the operator."""

    code = "OPS_FAILED"


class Aborted(OpsError):
    """The operator answered no to a confirmation; nothing was changed."""

    exit_code = EXIT_ABORTED
