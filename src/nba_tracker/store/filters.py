"""What a reader may ask for: the news filter, checked before any SQL is built, and the
opaque cursor of a page."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from nba_tracker.domain.labels import Status, normalize_category
from nba_tracker.domain.limits import is_id
from nba_tracker.errors import QueryError

__all__ = ["NewsFilter", "clean", "decode_cursor", "encode_cursor"]

_STATUSES = [str(s) for s in Status]


def clean(value: str) -> str:
    """Reader-supplied text as the database can take it: no NUL characters."""
    return value.replace("\x00", "").strip()


@dataclass(frozen=True)
class NewsFilter:
    category: str | None = None
    status: str | None = None
    team: str | None = None
    player: str | None = None
    source: str | None = None
    text: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def checked(self) -> NewsFilter:
        """The filter with its text cleaned, its category in the tracker's spelling and its
        status lower-case; :class:`QueryError` names what cannot be answered."""
        texts = {k: clean(v) for k, v in vars(self).items() if isinstance(v, str)}
        flt = replace(self, **texts)  # type: ignore[arg-type]
        if flt.category:
            category = normalize_category(flt.category)
            if category is None:
                raise QueryError(f"unknown category {flt.category!r}")
            flt = replace(flt, category=str(category))
        if flt.status:
            if flt.status.lower() not in _STATUSES:
                raise QueryError(
                    f"unknown status {flt.status!r}; use "
                    f"{', '.join(_STATUSES[:-1])} or {_STATUSES[-1]}"
                )
            flt = replace(flt, status=flt.status.lower())
        return flt


def encode_cursor(published_at: datetime, article_id: int) -> str:
    raw = f"{published_at.astimezone(UTC).isoformat()}|{article_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        stamp, _, ident = base64.urlsafe_b64decode(padded.encode()).decode().partition("|")
        if not is_id(int(ident)):
            raise ValueError("id out of range")
        return datetime.fromisoformat(stamp), int(ident)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise QueryError("invalid cursor") from exc
