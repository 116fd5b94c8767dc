"""Status handling on a real database: pending → translated | failed (error kept).

The Amazon Translate calls are answered by botocore's Stubber (moto has no Translate)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest
from botocore.stub import ANY, Stubber
from sqlalchemy import select

from nba_tracker.settings import Settings
from nba_tracker.store.engine import make_engine, make_sessionmaker, transaction
from nba_tracker.store.models import Article, DataVersion, Source
from nba_tracker.translate.backends import AmazonTranslator, NoTranslator
from nba_tracker.translate.service import retry_failed, translate_pending


def seed(factory: object, count: int) -> None:
    now = datetime.now(UTC)
    with transaction(factory) as session:  # type: ignore[arg-type]
        source = Source(name="ESPN", url="https://espn.example/rss")
        session.add(source)
        session.flush()
        for i in range(count):
            session.add(
                Article(
                    uid=f"u{i}",
                    source_id=source.id,
                    url=f"https://e.example/{i}",
                    title=f"Lakers sign player {i}",
                    summary=f"Summary {i}",
                    published_at=now - timedelta(minutes=i),
                    fetched_at=now,
                )
            )


def test_translated_and_failed_statuses(database_url: str) -> None:
    engine = make_engine(Settings(), database_url)
    factory = make_sessionmaker(engine)
    seed(factory, 3)
    client = boto3.client(
        "translate", region_name="ap-northeast-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    stub = Stubber(client)
    ok = {
        "TranslatedText": "レイカーズが契約",
        "SourceLanguageCode": "en",
        "TargetLanguageCode": "ja",
    }
    params = {
        "Text": ANY,
        "SourceLanguageCode": "en",
        "TargetLanguageCode": "ja",
        "TerminologyNames": ANY,
    }
    stub.add_response("translate_text", ok, params)  # newest: title
    stub.add_response("translate_text", ok, params)  # newest: summary
    stub.add_client_error(
        "translate_text",
        service_error_code="UnsupportedLanguagePairException",
        service_message="en to ja is not supported",
        http_status_code=400,
    )
    stub.add_response("translate_text", ok, params)
    stub.add_response("translate_text", ok, params)
    try:
        with stub:
            report = translate_pending(
                factory, AmazonTranslator(client, sleep=lambda _s: None), limit=10
            )
        assert (report.translated, report.failed) == (2, 1)
        with factory() as session:
            rows = {a.uid: a for a in session.scalars(select(Article))}
            version = session.get(DataVersion, 1)
        assert rows["u0"].translation_status == "translated"
        assert rows["u0"].title_ja == "レイカーズが契約" and rows["u0"].translated_at
        assert rows["u1"].translation_status == "failed"
        assert "not supported" in (rows["u1"].translation_error or "")
        assert rows["u1"].title_ja is None
        assert version is not None and version.version == 1
        assert retry_failed(factory) == 1
        with factory() as session:
            assert (
                session.scalars(select(Article.translation_status).where(Article.uid == "u1")).one()
                == "pending"
            )
    finally:
        engine.dispose()


def test_no_backend_leaves_everything_pending(database_url: str) -> None:
    engine = make_engine(Settings(), database_url)
    factory = make_sessionmaker(engine)
    seed(factory, 2)
    try:
        report = translate_pending(factory, NoTranslator())
        assert report.skipped and report.translated == 0
        with factory() as session:
            assert set(session.scalars(select(Article.translation_status))) == {"pending"}
    finally:
        engine.dispose()


@pytest.mark.parametrize("limit", [1, 2])
def test_limit_is_respected(database_url: str, limit: int) -> None:
    engine = make_engine(Settings(), database_url)
    factory = make_sessionmaker(engine)
    seed(factory, 3)
    client = boto3.client(
        "translate", region_name="ap-northeast-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    stub = Stubber(client)
    for _ in range(limit * 2):
        stub.add_response(
            "translate_text",
            {"TranslatedText": "訳", "SourceLanguageCode": "en", "TargetLanguageCode": "ja"},
        )
    try:
        with stub:
            report = translate_pending(factory, AmazonTranslator(client), limit=limit, batch=1)
        assert report.translated == limit
        stub.assert_no_pending_responses()
    finally:
        engine.dispose()
