"""Bounds every integer that comes from outside is checked against before it reaches a
database: ids are signed 64-bit on both PostgreSQL (BIGINT) and SQLite (INTEGER), so a
larger number is no id at all — "not found", never an overflow inside a driver."""

from __future__ import annotations

__all__ = ["MAX_ID", "is_id"]

MAX_ID = 2**63 - 1


def is_id(value: int) -> bool:
    """Whether ``value`` can name a stored row (ids start at 1)."""
    return 0 < value <= MAX_ID
