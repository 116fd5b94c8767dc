"""A read cache for the whole HTTP surface (GraphQL queries, Atom, the page).

Data changes only when a collection or translation stores something, and each such
write bumps ``data_version`` in the database. Every process polls that one row about
twice a second, so a collection run by any process — another ECS task, the MWAA DAG
through any task — invalidates every process's cache within a second. Responses carry
an ETag derived from (data version, request), so browsers and a CDN revalidate cheaply.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True)
class CachedResponse:
    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    etag: str


class ResponseCache:
    def __init__(self, max_entries: int = 2048, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.version: int | None = None
        self._entries: OrderedDict[str, CachedResponse] = OrderedDict()
        self._size = 0
        self.hits = 0
        self.misses = 0

    def set_version(self, version: int) -> None:
        if version != self.version:
            self.version = version
            self._entries.clear()
            self._size = 0

    def key(self, method: str, path: str, query: bytes, body: bytes, variant: str = "") -> str:
        digest = hashlib.blake2b(digest_size=16)
        for part in (method.encode(), path.encode(), query, body, variant.encode()):
            digest.update(len(part).to_bytes(4, "big"))
            digest.update(part)
        return digest.hexdigest()

    def etag(self, key: str) -> str:
        return f'W/"{self.version}-{key[:16]}"'

    def get(self, key: str) -> CachedResponse | None:
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry

    def put(self, key: str, entry: CachedResponse) -> None:
        if len(entry.body) > self.max_bytes // 16:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self._size -= len(old.body)
        self._entries[key] = entry
        self._size += len(entry.body)
        while len(self._entries) > self.max_entries or self._size > self.max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self._size -= len(evicted.body)
