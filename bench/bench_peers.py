"""The tracker's collection beside the feed readers people already use, in one run.

40 real outlet feeds (built from ``../shared/corpus``: each file cut into 200-item
feeds, 100–200 KB each, about 8,000 items) are served over loopback by a server in its
own process that adds 200 ms to every response and sends no validators (no ETag, no
Last-Modified). Each tool starts from an empty database:

- newsboat (``-x reload``, 16 reload threads);
- the ``reader`` library (``update_feeds(workers=16)``), in its own virtualenv;
- ``nba-tracker scrape``: a first run, then a re-run where every item is already stored.

Every tool runs as a separate command, start-up included, with bytecode compiled as a
user has it. Prints a table, then one JSON object as the last line: each tool's seconds
and items stored, and the tracker's ratios to newsboat and to its own first run.

Usage: python bench/bench_peers.py [--reader-python PATH] [--newsboat PATH]
(``make bench-peers`` installs both peers and passes them.) With ``--import-only``, only
the CLI's import time (``--help`` and ``parse FILE``, the issue's 0.25 s budget), no peers.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
FEEDS = 40
ITEMS_PER_FEED = 200
LATENCY = 0.2
THREADS = 16

_ITEM = re.compile(rb"<item\b.*?</item\s*>", re.DOTALL | re.IGNORECASE)


def build_feeds(corpus: Path) -> list[bytes]:
    """40 RSS documents of 200 items: each corpus file cut in order into 200-item parts
    (each keeps its file's channel header), taken round-robin across the files so every
    outlet is represented."""
    parts_by_file: list[list[bytes]] = []
    for path in sorted(corpus.glob("*.xml")):
        body = path.read_bytes()
        items = _ITEM.findall(body)
        first = _ITEM.search(body)
        if not items or first is None:
            continue
        head = body[: first.start()]
        parts = [
            head + b"".join(items[i : i + ITEMS_PER_FEED]) + b"</channel></rss>\n"
            for i in range(0, len(items) - ITEMS_PER_FEED + 1, ITEMS_PER_FEED)
        ]
        parts_by_file.append(parts)
    feeds: list[bytes] = []
    depth = 0
    while len(feeds) < FEEDS and any(depth < len(p) for p in parts_by_file):
        feeds.extend(p[depth] for p in parts_by_file if depth < len(p))
        depth += 1
    if len(feeds) < FEEDS:
        raise SystemExit(f"{corpus}: only {len(feeds)} feeds of {ITEMS_PER_FEED} items")
    return feeds[:FEEDS]


def _serve(feeds: list[bytes], ready: multiprocessing.Queue) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.support.feed_server import FeedServer, Route

    # No ETag or Last-Modified: every run downloads and must re-read every feed.
    with FeedServer() as server:
        for index, body in enumerate(feeds):
            server.add(f"/feed{index}.xml", Route(body=body, delay=LATENCY))
        ready.put(server.port)
        while True:
            time.sleep(3600)


PEAK_RSS_MB: dict[str, float] = {}


def _timed(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, str]:
    """Wall time and stdout of one command; its peak RSS (the command's own process,
    from wait4) goes to PEAK_RSS_MB under the command's first argument."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode(errors="replace")
    PEAK_RSS_MB[" ".join(cmd[1:2])] = usage.ru_maxrss / 1024  # Linux: kilobytes
    if process.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed ({process.returncode}):\n{stderr[-2000:]}")
    return seconds, stdout


def run_newsboat(newsboat: str, urls: list[str], work: Path) -> tuple[float, int]:
    home = work / "newsboat-home"
    home.mkdir()
    (home / "urls").write_text("\n".join(urls) + "\n")
    (home / "config").write_text(f"reload-threads {THREADS}\nshow-read-feeds yes\n")
    cache = home / "cache.db"
    cmd = [newsboat, "-x", "reload", "-u", str(home / "urls"), "-C", str(home / "config")]
    cmd += ["-c", str(cache)]
    seconds, _ = _timed(cmd, {**os.environ, "HOME": str(home)}, home)
    with sqlite3.connect(cache) as db:
        (count,) = db.execute("SELECT count(*) FROM rss_item").fetchone()
    return seconds, int(count)


READER_SCRIPT = textwrap.dedent(
    """
    import sys
    from reader import make_reader
    reader = make_reader(sys.argv[1])
    for url in sys.argv[3:]:
        reader.add_feed(url)
    reader.update_feeds(workers=int(sys.argv[2]))
    print(reader.get_entry_counts().total)
    """
)


def run_reader(python: str, urls: list[str], work: Path) -> tuple[float, int]:
    script = work / "reader_update.py"
    script.write_text(READER_SCRIPT)
    db = work / "reader.sqlite"
    python = str(Path(python).absolute())  # the command runs in the work directory
    seconds, out = _timed(
        [python, str(script), str(db), str(THREADS), *urls], dict(os.environ), work
    )
    return seconds, int(out.strip())


def run_tracker(urls: list[str], db: Path, work: Path) -> tuple[float, dict[str, int]]:
    env = {
        **os.environ,
        "NBA_TRACKER_DATABASE_URL": f"sqlite:///{db}",
        "NBA_TRACKER_FETCH_ALLOW_PRIVATE": "true",
        "NBA_TRACKER_FETCH_CONCURRENCY": str(THREADS),
        "NBA_TRACKER_ENV": "bench",
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # users have bytecode
    cli = str(Path(sys.executable).parent / "nba-tracker")
    sources = [arg for url in urls for arg in ("-s", url)]
    seconds, out = _timed([cli, "scrape", "--json", *sources], env, work)
    PEAK_RSS_MB.setdefault("first scrape", PEAK_RSS_MB["scrape"])
    return seconds, json.loads(out.strip().splitlines()[-1])["totals"]


def import_seconds(args: list[str], work: Path) -> float:
    """Python import time of one CLI command (``-X importtime``, top-level modules
    summed), with bytecode as a user has it."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cli = str(Path(sys.executable).parent / "nba-tracker")
    best = float("inf")
    for _ in range(3):  # the least disturbed of three: the machine is shared
        done = subprocess.run(
            [sys.executable, "-X", "importtime", cli, *args],
            env=env,
            cwd=work,
            capture_output=True,
            text=True,
        )
        total = 0
        for line in done.stderr.splitlines():
            parts = line.split("|")
            top_level = len(parts) == 3 and parts[2][1:2] != " "
            if line.startswith("import time:") and top_level and parts[1].strip().isdigit():
                total += int(parts[1])
        best = min(best, total / 1e6)
    return best


def print_import_times(feed: bytes) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        work = Path(tmp)
        (work / "one.xml").write_bytes(feed)
        load = os.getloadavg()[0]
        help_import = import_seconds(["--help"], work)
        parse_import = import_seconds(["parse", str(work / "one.xml"), "--json"], work)
    figures = {
        "load_avg_1m_at_start": round(load, 2),
        "cpus": os.cpu_count(),
        "cli_help_import_s": round(help_import, 3),
        "cli_parse_import_s": round(parse_import, 3),
        "load_avg_1m_at_end": round(os.getloadavg()[0], 2),
    }
    print(f"load average at start {figures['load_avg_1m_at_start']} on {os.cpu_count()} CPUs")
    print(f"{'nba-tracker --help':<26} {help_import:7.3f} s of imports")
    print(f"{'nba-tracker parse FILE':<26} {parse_import:7.3f} s of imports")
    print(json.dumps(figures))


def stored_articles(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        (count,) = conn.execute("SELECT count(*) FROM articles").fetchone()
    return int(count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reader-python", default=str(ROOT / ".venvs" / "peers/bin/python"))
    parser.add_argument("--newsboat", default=shutil.which("newsboat") or "newsboat")
    parser.add_argument(
        "--import-only", action="store_true", help="only the CLI's import time, no peers"
    )
    args = parser.parse_args()
    if not CORPUS.is_dir():
        raise SystemExit(f"needs the real feeds of {CORPUS} (absent here)")
    feeds = build_feeds(CORPUS)
    sizes = [len(f) for f in feeds]
    items = sum(len(_ITEM.findall(f)) for f in feeds)
    # Compiled bytecode, as a user has it after installing (and as the image ships).
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True, env={}
    )
    if args.import_only:
        print_import_times(feeds[0])
        return
    ready: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=_serve, args=(feeds, ready), daemon=True)
    server.start()
    try:
        port = ready.get(timeout=30)
        urls = [f"http://127.0.0.1:{port}/feed{i}.xml" for i in range(len(feeds))]
        with tempfile.TemporaryDirectory(prefix="bench-peers-") as tmp:
            work = Path(tmp)
            load = os.getloadavg()
            newsboat_s, newsboat_items = run_newsboat(args.newsboat, urls, work)
            reader_s, reader_items = run_reader(args.reader_python, urls, work)
            db = work / "tracker.sqlite"
            first_s, first = run_tracker(urls, db, work)
            first_stored = stored_articles(db)
            again_s, again = run_tracker(urls, db, work)
            again_stored = stored_articles(db)
            (work / "one.xml").write_bytes(feeds[0])
            help_import = import_seconds(["--help"], work)
            parse_import = import_seconds(["parse", str(work / "one.xml"), "--json"], work)
    finally:
        server.terminate()
    figures = {
        "feeds": len(feeds),
        "items_served": items,
        "feed_kb_min": round(min(sizes) / 1024),
        "feed_kb_max": round(max(sizes) / 1024),
        "latency_ms": int(LATENCY * 1000),
        "load_avg_1m_at_start": round(load[0], 2),
        "cpus": os.cpu_count(),
        "newsboat_s": round(newsboat_s, 3),
        "newsboat_items": newsboat_items,
        "reader_s": round(reader_s, 3),
        "reader_items": reader_items,
        "tracker_first_s": round(first_s, 3),
        "tracker_first_new": first["new"],
        "tracker_items": first_stored,
        "tracker_rerun_s": round(again_s, 3),
        "tracker_rerun_new": again["new"],
        "tracker_items_after_rerun": again_stored,
        "tracker_vs_newsboat": round(first_s / newsboat_s, 3),
        "tracker_vs_reader": round(first_s / reader_s, 3),
        "rerun_vs_first": round(again_s / first_s, 3),
        "cli_help_import_s": round(help_import, 3),
        "cli_parse_import_s": round(parse_import, 3),
        "tracker_first_peak_rss_mb": round(PEAK_RSS_MB["first scrape"]),
        "tracker_rerun_peak_rss_mb": round(PEAK_RSS_MB["scrape"]),
        "load_avg_1m_at_end": round(os.getloadavg()[0], 2),
    }
    print(
        f"{len(feeds)} feeds, {items} items, {figures['feed_kb_min']}–{figures['feed_kb_max']} KB"
    )
    print(f"load average at start {figures['load_avg_1m_at_start']} on {os.cpu_count()} CPUs")
    rows = [
        ("newsboat -x reload", newsboat_s, newsboat_items),
        ("reader update_feeds", reader_s, reader_items),
        ("nba-tracker scrape", first_s, first_stored),
        ("nba-tracker scrape again", again_s, again_stored),
    ]
    for name, seconds, count in rows:
        print(f"{name:<26} {seconds:7.2f} s  {count:6d} items stored")
    print(
        f"tracker/newsboat {figures['tracker_vs_newsboat']}×  "
        f"tracker/reader {figures['tracker_vs_reader']}×  "
        f"re-run/first {figures['rerun_vs_first']}×"
    )
    print(
        f"import time: --help {figures['cli_help_import_s']} s, "
        f"parse FILE {figures['cli_parse_import_s']} s"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
