"""Services the suite talks to over real connections: a moto server and PostgreSQL.

On CI (``CI`` set) a missing service is a failure; on a laptop without it the tests
that need it are skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

IN_CI = bool(os.environ.get("CI"))
# The suite's feed servers listen on loopback, which the fetcher refuses by default;
# the address guard's own tests (tests/reliability/test_ssrf.py, unit tests) turn this
# off again for the processes they start.
os.environ.setdefault("NBA_TRACKER_FETCH_ALLOW_PRIVATE", "true")


def unavailable(reason: str) -> None:
    """Skip on a developer machine; fail on CI, where every service must run."""
    if IN_CI:
        pytest.fail(f"required service unavailable in CI: {reason}")
    pytest.skip(f"service unavailable on this machine: {reason}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_http(url: str, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return True
        except Exception:
            time.sleep(0.1)
    return False


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """A moto server over HTTP on loopback; boto3 reaches it through AWS_ENDPOINT_URL."""
    # The project's own moto first: another one on PATH may be an older version.
    beside = Path(sys.executable).with_name("moto_server")
    exe = str(beside) if beside.exists() else (shutil.which("moto_server") or str(beside))
    if not Path(exe).exists():
        unavailable("moto_server is not installed")
    port = free_port()
    proc = subprocess.Popen(
        [exe, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    if not wait_for_http(f"{url}/moto-api/"):
        proc.kill()
        unavailable("moto_server did not start")
    saved = {k: os.environ.get(k) for k in _AWS_ENV}
    os.environ.update(
        AWS_ENDPOINT_URL=url,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_SESSION_TOKEN="testing",
        AWS_DEFAULT_REGION="ap-northeast-1",
        AWS_REGION="ap-northeast-1",
    )
    os.environ.pop("AWS_PROFILE", None)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


_AWS_ENV = (
    "AWS_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_PROFILE",
)


@pytest.fixture
def aws(moto_server: str) -> Iterator[str]:
    """A clean moto state for each test."""
    req = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
    urllib.request.urlopen(req, timeout=10).close()
    return moto_server


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """Admin URL of the test PostgreSQL server (set by .ci/run / make test)."""
    url = os.environ.get("NBA_TRACKER_TEST_PG_URL")
    if not url:
        unavailable("NBA_TRACKER_TEST_PG_URL is not set (make test starts PostgreSQL)")
    return str(url)


# --- Databases: every store test runs on SQLite and on PostgreSQL -----------------

PG_TEMPLATE = "nbt_template"


@pytest.fixture(scope="session")
def prepared_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from nba_tracker.settings import Settings
    from nba_tracker.store.engine import make_engine
    from nba_tracker.store.migrate import prepare_database

    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    engine = make_engine(Settings(), f"sqlite:///{path}")
    prepare_database(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def prepared_postgres(postgres_url: str) -> str:
    """A migrated, seeded database used as the template for each test's database."""
    from sqlalchemy import create_engine, text

    from nba_tracker.settings import Settings
    from nba_tracker.store.engine import make_engine, normalize_url
    from nba_tracker.store.migrate import prepare_database

    admin = create_engine(normalize_url(postgres_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_TEMPLATE}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{PG_TEMPLATE}"'))
    except Exception as exc:
        unavailable(f"cannot reach PostgreSQL at the test URL: {type(exc).__name__}")
    finally:
        admin.dispose()
    from sqlalchemy.engine import make_url

    url = make_url(normalize_url(postgres_url)).set(database=PG_TEMPLATE)
    engine = make_engine(Settings(), url.render_as_string(hide_password=False))
    prepare_database(engine)
    engine.dispose()
    return PG_TEMPLATE


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, seeded, empty-of-news database on each backend."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("prepared_sqlite")
        target = tmp_path / "tracker.db"
        shutil.copyfile(template, target)
        yield f"sqlite:///{target}"
        return
    from tests.support.databases import postgres_from_template

    admin = request.getfixturevalue("postgres_url")
    template_name = request.getfixturevalue("prepared_postgres")
    with postgres_from_template(admin, template_name) as url:
        yield url


@pytest.fixture
def feed_server() -> Iterator[object]:
    from tests.support.feed_server import FeedServer

    with FeedServer() as server:
        yield server
