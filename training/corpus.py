"""The labelled development corpus: real outlet items read from ``../shared/corpus`` and
our labels from ``tests/data/labels``, joined by guid.

The item text is third-party and never enters the repository: it is read from the
shared folder at the moment it is needed, through the product's own feed parser, so the
text scored is exactly the text the tracker would see in production.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from nba_tracker.domain.league_log import Rosters, parse_log
from nba_tracker.ingest.parse import parse_feed

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "tests" / "data" / "labels"
CORPUS = Path(os.environ.get("NBA_TRACKER_CORPUS", ROOT.parent / "shared" / "corpus"))
# The league's own transaction log since 2015 (a public snapshot; third-party, read in
# place): the players' teams a collection that has stored the log links by.
LEAGUE_LOG = Path(
    os.environ.get(
        "NBA_TRACKER_LEAGUE_LOG",
        ROOT.parent / "shared" / "league-log" / "najicham_2025-07-17_raw_1ecdb80d.json",
    )
)

# The corpus file prefix names the outlet and the snapshot it came from.
_SOURCES = (
    ("hoopshype-rumors_RoundSalmon4", "hoopshype-rss"),
    ("hoopshype-rumors-archive", "hoopshype-archive"),
    ("warriors-team-news", "warriors"),
    ("reddit-rnba_cobkenney", "rnba-2019"),
    ("reddit-rnba-links", "rnba-2020-links"),
)
SOURCES = tuple(name for _, name in _SOURCES)
CATEGORIES = ("Trade", "Signing", "Extension", "Waiver", "Draft", "Other")
STATUSES = ("rumor", "reported", "official")
# One row in four, chosen by its guid, is frozen: scored by `make eval`, never read when
# rules are written or a model is fitted, so its figures are a measurement.
TEST_BUCKETS = 4


@dataclass(frozen=True, slots=True)
class Row:
    guid: str
    source: str
    title: str
    summary: str
    category: str
    status: str | None
    teams: frozenset[str]
    players: frozenset[str]
    confidence: str
    published: date | None = None

    @property
    def frozen_test(self) -> bool:
        return is_frozen_test(self.guid)


def is_frozen_test(guid: str) -> bool:
    digest = hashlib.sha256(guid.encode("utf-8")).digest()
    return digest[0] % TEST_BUCKETS == 0


def source_of(filename: str) -> str:
    for prefix, name in _SOURCES:
        if filename.startswith(prefix):
            return name
    raise ValueError(f"unknown corpus file {filename}")


def available() -> bool:
    return CORPUS.is_dir() and any(CORPUS.glob("*.xml"))


def corpus_items(corpus: Path = CORPUS) -> dict[str, tuple[str, str, str, date | None]]:
    """guid → (source, title, summary, day published) for every corpus item, as the
    tracker parses it."""
    items: dict[str, tuple[str, str, str, date | None]] = {}
    fetched = datetime(2026, 12, 1, tzinfo=UTC)
    for path in sorted(corpus.glob("*.xml")):
        source = source_of(path.name)
        for item in parse_feed(path.read_bytes(), fetched, max_items=10_000).items:
            if item.guid:
                day = item.published_at.date() if item.published_at else None
                items[item.guid] = (source, item.title, item.summary, day)
    return items


def league_rosters(path: Path = LEAGUE_LOG) -> Rosters | None:
    """Players' teams by day from the league-log snapshot, or None without it."""
    if not path.is_file():
        return None
    return Rosters(parse_log(path.read_bytes()).rows)


def label_files(folder: Path = LABELS) -> list[Path]:
    return sorted(folder.glob("*.jsonl"))


def read_labels(paths: Iterable[Path]) -> dict[str, dict]:
    """Labels by guid; where two labellers labelled one item, the first file wins (the
    overlap exists to measure agreement, see ``bench/eval_understanding.py``)."""
    labels: dict[str, dict] = {}
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    row = json.loads(line)
                    labels.setdefault(row["guid"], row)
    return labels


HANDWRITTEN = ROOT / "tests" / "data" / "understanding_eval.jsonl"


def handwritten_rows(path: Path = HANDWRITTEN) -> list[Row]:
    """The 500 hand-written headlines in wire, insider and team-release styles the corpus
    has few of. They join the training rows; they are never part of a corpus figure."""
    rows = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if not line.strip():
                continue
            label = json.loads(line)
            rows.append(
                Row(
                    guid=f"handwritten-{n}",
                    source="handwritten",
                    title=label["title"],
                    summary=label["summary"],
                    category=label["category"],
                    status=label["status"],
                    teams=frozenset(label["teams"]),
                    players=frozenset(label["players"]),
                    confidence="high",
                )
            )
    return rows


def load_rows(corpus: Path = CORPUS, labels: Path = LABELS) -> list[Row]:
    items = corpus_items(corpus)
    rows = []
    for guid, label in read_labels(label_files(labels)).items():
        if guid not in items:
            continue
        source, title, summary, published = items[guid]
        rows.append(
            Row(
                guid=guid,
                source=source,
                title=title,
                summary=summary,
                category=label["category"],
                status=label["status"],
                teams=frozenset(label["teams"]),
                players=frozenset(label["players"]),
                confidence=label.get("confidence", "high"),
                published=published,
            )
        )
    rows.sort(key=lambda r: r.guid)
    return rows
