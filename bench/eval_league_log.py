"""`make eval`: how well stories are matched to the league's transaction log.

Population: the labelled corpus items (../shared/corpus, labels in tests/data/labels)
published inside a league-log snapshot's period (../shared/league-log): the full log
(2015-07-01 to 2025-07-16) for every item of those dates, and the later Memphis-only
capture (to 2026-09-08) for the items whose labels name Memphis, the only team it covers.

Gold: an item reports a transaction when its *labels* say it is a reported or official
move of the transaction's category, a labelled player is part of it, and it was
published within the matching window of the league's date (``domain.league_match``).
Predicted: the tracker's own reading of the item (``analyze``) matched by
``match_transactions`` as the collector does (each item a story of its own). A predicted
pair is a confirmed match; contradicted pairs are counted apart.

Prints precision and recall of the (item, transaction) pairs, what the misses were made
of, and one JSON line with every figure. Skips with a one-line reason when the corpus or
the log is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from nba_tracker.domain.analysis import analyze  # noqa: E402
from nba_tracker.domain.labels import Category  # noqa: E402
from nba_tracker.domain.league_log import LogTransaction, parse_log  # noqa: E402
from nba_tracker.domain.league_match import (  # noqa: E402
    StoryFacts,
    Window,
    match_transactions,
    same_category,
)
from nba_tracker.domain.players import find_players  # noqa: E402
from nba_tracker.ingest.parse import parse_feed  # noqa: E402
from training import corpus  # noqa: E402

LOGS = ROOT.parent / "shared" / "league-log"
FULL = LOGS / "najicham_2025-07-17_raw_1ecdb80d.json"
LATER = LOGS / "wmentrekin_mem-subset_2025-26_nba_player_movement_mem_2025_26.json"
MATCHED = {"Trade", "Signing", "Extension", "Waiver"}


def published_dates() -> dict[str, datetime]:
    fetched = datetime(2026, 12, 1, tzinfo=UTC)
    dates: dict[str, datetime] = {}
    for path in sorted(corpus.CORPUS.glob("*.xml")):
        for item in parse_feed(path.read_bytes(), fetched, max_items=10_000).items:
            if item.guid:
                dates[item.guid] = item.published_at
    return dates


def player_ids(names: frozenset[str]) -> frozenset[int]:
    ids = set()
    for name in names:
        for mention in find_players(name):
            if mention.nba_id is not None:
                ids.add(mention.nba_id)
    return frozenset(ids)


def gold_pairs(row: corpus.Row, at: datetime, log: list[LogTransaction]) -> set[tuple[str, str]]:
    if row.category not in MATCHED or row.status not in {"reported", "official"}:
        return set()
    ids = player_ids(row.players)
    window = Window()
    return {
        (row.guid, tx.group_id)
        for tx in log
        if ids & tx.player_ids
        and same_category(Category(row.category), tx.category)
        and window.covers(tx.day, at, at)
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every wrong pair")
    args = parser.parse_args()
    if not corpus.available() or not FULL.exists() or not LATER.exists():
        print("league-log match: skipped (../shared/corpus or ../shared/league-log absent)")
        return 0
    full = parse_log(FULL.read_bytes()).transactions
    later = parse_log(LATER.read_bytes()).transactions
    full_end = max(t.day for t in full)
    # The later capture is only Memphis's; its days after the full log's end are new.
    later = [t for t in later if t.day > full_end]
    dates = published_dates()
    window = Window()
    periods = [
        (min(t.day for t in full) - window.after, full_end + window.before, full, None),
        (full_end + timedelta(days=1), max(t.day for t in later) + window.before, later, "MEM"),
    ]
    gold: set[tuple[str, str]] = set()
    predicted: set[tuple[str, str]] = set()
    contradicted: list[tuple[str, str, str]] = []
    population = 0
    titles: dict[str, str] = {}
    for start, end, log, team in periods:
        stories: list[StoryFacts] = []
        for row in corpus.load_rows():
            at = dates.get(row.guid)
            if at is None or not (start <= at.date() <= end):
                continue
            if team and team not in row.teams:
                continue
            population += 1
            titles[row.guid] = row.title
            gold |= gold_pairs(row, at, log)
            reading = analyze(row.title, row.summary)
            stories.append(
                StoryFacts(
                    id=row.guid,
                    category=reading.category,
                    status=reading.status,
                    teams=frozenset(reading.teams),
                    player_ids=frozenset(p.nba_id for p in reading.players if p.nba_id),
                    first_reported_at=at,
                    last_reported_at=at,
                )
            )
        result = match_transactions(log, stories, window)
        predicted |= {(str(s), g) for g, s in result.confirmed}
        contradicted += [(str(s), g, why) for g, s, why in result.contradicted]
    tp = len(gold & predicted)
    precision = tp / len(predicted) if predicted else None
    recall = tp / len(gold) if gold else None
    flagged_gold = sum(1 for s, g, _ in contradicted if (s, g) in gold)
    print(f"league-log match on {population} labelled corpus items of the log's period")
    print(f"  gold pairs {len(gold)}, predicted {len(predicted)}, correct {tp}")
    print(f"  precision {precision:.3f}" if precision is not None else "  precision n/a")
    print(f"  recall    {recall:.3f}" if recall is not None else "  recall n/a")
    print(f"  contradicted (flagged) {len(contradicted)}, of them gold pairs {flagged_gold}")
    reasons = Counter(
        "missed" if pair in gold else "spurious" for pair in gold ^ predicted
    )  # fmt: skip
    print(f"  errors: {dict(reasons)}")
    if args.misses:
        for guid, group in sorted(gold ^ predicted):
            kind = "missed" if (guid, group) in gold else "spurious"
            print(f"    {kind:8} {group:18} {titles.get(guid, guid)[:90]}")
    print(
        json.dumps(
            {
                "league_log_items": population,
                "league_log_gold_pairs": len(gold),
                "league_log_predicted_pairs": len(predicted),
                "league_log_match_precision": round(precision, 4) if precision else precision,
                "league_log_match_recall": round(recall, 4) if recall else recall,
                "league_log_contradicted": len(contradicted),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
