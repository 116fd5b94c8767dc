"""The one way a time is written out: UTC, ISO 8601, with a ``Z``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

__all__ = ["utc_z"]


def utc_z(value: datetime, timespec: Literal["auto", "seconds"] = "auto") -> str:
    """``2026-02-05T12:00:00Z``. A naive value is taken as UTC already (SQLite hands
    times back without their zone)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec=timespec).replace("+00:00", "Z")
