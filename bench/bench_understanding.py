"""Articles per second through classification and extraction on one core.

Builds a few thousand varied articles from the labelled set by swapping in other
players and teams from the full static lists (so player matching sees names it has
not seen in the set), then times ``analyze`` (rules + the shipped model) over all of
them, and the rules alone in the same run as the baseline. Times are CPU seconds of
this process (``time.process_time``), so other work on a shared machine inflates them
less than wall time would. The last line is the figures as one JSON object.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from nba_api.stats.static import players as static_players  # noqa: E402
from nba_api.stats.static import teams as static_teams  # noqa: E402

from nba_tracker.domain.analysis import analyze, analyze_with  # noqa: E402

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


def _best(articles: list[tuple[str, str]], run: Callable[[str, str], object]) -> float:
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        for title, summary in articles:
            run(title, summary)
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    articles = corpus(ARTICLES)
    analyze(*articles[0])  # indexes and the model load at first use; warm the caches too
    shipped = _best(articles, analyze)
    rules = _best(articles, lambda t, s: analyze_with(None, t, s))
    rate, rules_rate = len(articles) / shipped, len(articles) / rules
    print(f"articles: {len(articles)}")
    print(
        f"rules + model: best of 5 {shipped:.3f} CPU s -> {rate:,.0f} articles/s (goal {GOAL:,}/s, one core)"
    )
    print(f"rules alone:   best of 5 {rules:.3f} CPU s -> {rules_rate:,.0f} articles/s")
    print(f"model cost: {rate / rules_rate:.2f}x the rules' rate")
    print(
        json.dumps(
            {
                "articles": len(articles),
                "seconds": round(shipped, 4),
                "articles_per_second": round(rate),
                "rules_only_articles_per_second": round(rules_rate),
                "ratio_to_rules_only": round(rate / rules_rate, 3),
                "goal": GOAL,
            }
        )
    )


if __name__ == "__main__":
    main()
