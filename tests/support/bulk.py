"""A large, realistic archive in seconds: N articles with teams, players and stories,
generated inside PostgreSQL (or SQLite) by one INSERT … SELECT each."""

from __future__ import annotations

from sqlalchemy import Engine, text

CATEGORIES = ("Trade", "Signing", "Extension", "Waiver", "Draft", "Other")
STATUSES = ("rumor", "reported", "official")


def seed_bulk_articles(engine: Engine, count: int) -> None:
    """Insert ``count`` articles spread over the last ~two years, two teams and one
    player each; the ``data_version`` is bumped once."""
    pg = engine.dialect.name == "postgresql"
    series = (
        "generate_series(1, :n) AS g(i)"
        if pg
        else "(WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < :n) SELECT i FROM g) AS g"
    )
    now = "now()" if pg else "CURRENT_TIMESTAMP"
    minus = (
        "now() - make_interval(mins => g.i * 10)"
        if pg
        else "datetime('now', '-' || (g.i * 10) || ' minutes')"
    )
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO sources (name, url, enabled, consecutive_failures, created_at) "
                f"SELECT 'Bulk ' || k, 'https://bulk' || k || '.example/rss', true, 0, {now} "
                "FROM (SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) s "
                "WHERE NOT EXISTS (SELECT 1 FROM sources WHERE name = 'Bulk ' || k)"
            )
        )
        first_source = conn.execute(
            text("SELECT min(id) FROM sources WHERE name LIKE 'Bulk %'")
        ).scalar()
        cats = "ARRAY['" + "','".join(CATEGORIES) + "']" if pg else None
        category = (
            f"({cats})[1 + (g.i % 6)]"
            if pg
            else "CASE g.i % 6 "
            + " ".join(f"WHEN {n} THEN '{c}'" for n, c in enumerate(CATEGORIES))
            + " END"
        )
        status = (
            "CASE WHEN g.i % 6 = 5 THEN NULL ELSE (ARRAY['rumor','reported','official'])[1 + (g.i % 3)] END"
            if pg
            else "CASE WHEN g.i % 6 = 5 THEN NULL WHEN g.i % 3 = 0 THEN 'rumor' WHEN g.i % 3 = 1 THEN 'reported' ELSE 'official' END"
        )
        conn.execute(
            text(
                "INSERT INTO articles (uid, source_id, url, title, summary, published_at, "
                "published_estimated, fetched_at, category, status, translation_status) "
                f"SELECT 'bulk-' || g.i, :src + (g.i % 4), 'https://bulk.example/n/' || g.i, "
                "'Team ' || (g.i % 30) || ' and player ' || (g.i % 500) || ' news item ' || g.i, "
                "'Summary of bulk item ' || g.i || ' about a trade, signing or waiver.', "
                f"{minus}, false, {now}, {category}, {status}, 'pending' FROM {series}"
            ),
            {"n": count, "src": first_source},
        )
        conn.execute(
            text(
                "INSERT INTO article_teams (article_id, team_id) "
                "SELECT a.id, t.id FROM articles a JOIN "
                "(SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM teams) t "
                "ON t.k = a.id % 30 OR t.k = (a.id * 7 + 3) % 30 WHERE a.uid LIKE 'bulk-%'"
            )
        )
        conn.execute(
            text(
                "INSERT INTO article_players (article_id, player_id) "
                "SELECT a.id, p.id FROM articles a JOIN "
                "(SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM players "
                " WHERE is_active) p ON p.k = a.id % 400 WHERE a.uid LIKE 'bulk-%'"
            )
        )
        conn.execute(text("UPDATE data_version SET version = version + 1 WHERE id = 1"))
        if pg:
            conn.execute(text("ANALYZE"))
