"""The original tracker's GraphQL contract, as its clients (a Kotlin/JS page generated
from its schema, an HTML test page, scripts) still parse it.

The original knew three categories (Trade, Signing, Other), three sources named
"ESPN", "RealGM" and "HoopsHype", string ids, and called a finished translation
``completed``. Its fields keep those values here; ``Article`` (the new API) says what
the tracker knows now. Every mapping is documented in docs/api.md."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable
from datetime import datetime

import strawberry

from nba_tracker.api.graphql import types as t
from nba_tracker.domain.labels import Category, normalize_category
from nba_tracker.store import queries as q
from nba_tracker.store.engine import Session

# tradeNews returned the newest 100 in the original.
NEWEST = 100
# tradeNewsByCategory returned every item of the category: the original's database was
# small. A bound keeps one anonymous request from serialising the whole archive.
EVERY_ITEM_BOUND = q.MAX_UNPAGED

# The new categories, seen through the original's three. An extension is a new contract
# with the same team, so an old "Signing" filter includes it; waivers and draft moves
# had no category of their own and were "Other".
LEGACY_CATEGORY: dict[Category, str] = {
    Category.TRADE: "Trade",
    Category.SIGNING: "Signing",
    Category.EXTENSION: "Signing",
    Category.WAIVER: "Other",
    Category.DRAFT: "Other",
    Category.OTHER: "Other",
}

_OLD_NAME = {str(new): old for new, old in LEGACY_CATEGORY.items()}

# Our feeds that the original also read, under the names it gave them.
LEGACY_SOURCE: dict[str, str] = {
    "ESPN NBA": "ESPN",
    "RealGM Wiretap": "RealGM",
    "HoopsHype Rumors": "HoopsHype",
}

# pending and failed mean the same in both; the original said "completed".
LEGACY_TRANSLATION_STATUS: dict[str, str] = {"translated": "completed"}


def legacy_source(name: str) -> str:
    return LEGACY_SOURCE.get(name, name)


def categories_for(requested: str) -> list[Category]:
    """The categories an old client's filter means: "Signing" is Signing and Extension,
    "Other" is Other, Waiver and Draft; a new name means only itself; unknown: none."""
    category = normalize_category(requested)
    if category is None:
        return []
    if category in (Category.TRADE, Category.SIGNING, Category.OTHER):
        return [c for c, old in LEGACY_CATEGORY.items() if old == str(category)]
    return [category]


def sources_for(requested: str, names: Iterable[str]) -> list[str]:
    """Feeds whose original name or own name is ``requested``, in any case."""
    wanted = requested.strip().casefold()
    return [n for n in names if wanted in (n.casefold(), legacy_source(n).casefold())]


@strawberry.type(
    description="A news item in the original tracker's shape and vocabulary: string ids, "
    "categories Trade / Signing / Other, sources ESPN / RealGM / HoopsHype, translation "
    "status pending / completed / failed. `article` is the same item in the new API."
)
class TradeNews:
    id: str
    title: str
    description: str
    link: str
    source: str
    published_at: datetime
    category: str
    title_ja: str | None
    description_ja: str | None
    translation_status: str
    translated_at: datetime | None
    article: t.Article

    @classmethod
    def of(cls, a: q.ArticleView) -> TradeNews:
        return cls(
            id=a.uid,
            title=a.title,
            description=a.summary,
            link=a.url,
            source=legacy_source(a.source),
            published_at=a.published_at,
            category=_OLD_NAME.get(a.category, "Other"),
            title_ja=a.title_ja,
            description_ja=a.summary_ja,
            translation_status=LEGACY_TRANSLATION_STATUS.get(
                a.translation_status, a.translation_status
            ),
            translated_at=a.translated_at,
            article=t.Article.of(a),
        )


def merged(session: Session, filters: list[q.NewsFilter], limit: int) -> list[q.ArticleView]:
    """The union of several filters' articles, newest first, at most ``limit``."""
    streams = [q.newest(session, f, limit) for f in filters]
    ordered = heapq.merge(*streams, key=lambda a: (a.published_at, a.id), reverse=True)
    return list(itertools.islice(ordered, limit))
