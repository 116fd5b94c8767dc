"""Articles per second through classification and extraction on one core.

Builds a few thousand varied articles from the labelled set by swapping in other
players and teams from the full static lists (so player matching sees names it has
not seen in the set), then times ``analyze`` over all of them. The last line is the
figures as one JSON object.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from nba_api.stats.static import players as static_players  # noqa: E402
from nba_api.stats.static import teams as static_teams  # noqa: E402

from nba_tracker.domain.analysis import analyze  # noqa: E402

DATA = ROOT / "tests" / "data" / "understanding_eval.jsonl"
ARTICLES = 5000
GOAL = 3000


def corpus(n: int, seed: int = 2025) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    rows = [json.loads(line) for line in DATA.open(encoding="utf-8") if line.strip()]
    names = [p["full_name"] for p in static_players.get_players()]
    nicknames = [t["nickname"] for t in static_teams.get_teams()]
    out = []
    for i in range(n):
        row = rows[i % len(rows)]
        title, summary = row["title"], row["summary"]
        for name in row["players"]:
            other = rng.choice(names)
            title, summary = title.replace(name, other), summary.replace(name, other)
        for nick in nicknames:
            if nick in title and rng.random() < 0.5:
                title = title.replace(nick, rng.choice(nicknames))
        out.append((title, summary))
    return out


def main() -> None:
    articles = corpus(ARTICLES)
    analyze(*articles[0])  # indexes are built at import; warm the regex caches too
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for title, summary in articles:
            analyze(title, summary)
        best = min(best, time.perf_counter() - start)
    rate = len(articles) / best
    print(f"articles: {len(articles)}")
    print(f"best of 5: {best:.3f} s  ->  {rate:,.0f} articles/s  (goal {GOAL:,}/s, one core)")
    print(
        json.dumps(
            {
                "articles": len(articles),
                "seconds": round(best, 4),
                "articles_per_second": round(rate),
                "goal": GOAL,
            }
        )
    )


if __name__ == "__main__":
    main()
