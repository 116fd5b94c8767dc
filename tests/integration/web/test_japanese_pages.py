"""The Japanese edition over HTTP: which requests get it, that error pages speak it, and
that the read cache never serves one edition for the other."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from nba_tracker.api.app import create_app
from nba_tracker.settings import Settings
from tests.conftest import free_port

JA = {"Accept-Language": "ja-JP,ja;q=0.9"}


def test_the_edition_follows_the_request_and_is_cached_apart(client: TestClient) -> None:
    english = client.get("/", headers={"Accept-Language": "en-US"})
    japanese = client.get("/", headers=JA)
    again = client.get("/", headers=JA)
    assert english.headers["content-language"] == "en"
    assert japanese.headers["content-language"] == "ja" == again.headers["content-language"]
    assert "Accept-Language" in japanese.headers["vary"]
    assert '<option value="">すべて</option>' in japanese.text
    assert '<option value="">All categories</option>' in english.text
    assert japanese.headers["etag"] != english.headers["etag"]
    assert "set-cookie" not in japanese.headers  # the browser's language is not a choice

    chosen = client.get("/", params={"lang": "ja"}, headers={"Accept-Language": "en"})
    assert "nbt-lang=ja" in chosen.headers["set-cookie"]
    # The client now sends the cookie: remembered over its Accept-Language.
    remembered = client.get("/team/LAL", headers={"Accept-Language": "en"})
    assert "<h1>ロサンゼルス・レイカーズ</h1>" in remembered.text
    times = re.findall(r'<time class="when" datetime="[^"]+" title="([^"]+)"', remembered.text)
    assert times and all(t.endswith("日本時間") for t in times)
    assert re.search(r'<h2 class="day-label">\d{4}\.\d{2}\.\d{2}（.）</h2>', remembered.text)
    back = client.get("/", params={"lang": "en"})
    assert back.headers["content-language"] == "en"


def test_error_pages_in_japanese(client: TestClient) -> None:
    for path, status, message in (
        ("/team/XYZ", 404, "該当する NBA チームはありません。"),
        ("/story/999999", 404, "該当する出来事はありません。"),
        ("/no/such/page", 404, "ページが見つかりません。"),
        ("/?status=bogus", 400, "この条件では絞り込めません。"),
    ):
        response = client.get(path, headers={**JA, "Accept": "text/html"})
        assert response.status_code == status, path
        assert message in response.text, path
        assert "bogus" not in response.text.split("<main")[1].split("</main>")[0]
    english = client.get("/?status=bogus", headers={"Accept": "text/html"})
    assert "unknown status" in english.text  # English keeps the store's reason


def test_unavailable_page_in_japanese() -> None:
    url = f"postgresql://tracker:secret@127.0.0.1:{free_port()}/nba_tracker"
    with TestClient(create_app(Settings(database_url=url))) as client:  # type: ignore[arg-type]
        response = client.get("/", headers=JA)
        assert response.status_code == 503
        assert "ニュースのデータベースに接続できません。まもなく再試行します。" in response.text
        assert "30 秒後に自動で再読み込みされます" in response.text
        assert "<title>一時的に利用できません · NBA トレードトラッカー</title>" in response.text
