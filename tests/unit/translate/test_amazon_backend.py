"""Amazon Translate backend.

moto has no Amazon Translate, so these tests use botocore's Stubber with response shapes
taken from the Amazon Translate API reference (TranslateText, ImportTerminology) —
the request each call makes is checked against the real service model by the Stubber.
"""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import ANY, Stubber

from nba_tracker.translate.backends import (
    MAX_REQUEST_BYTES,
    AmazonTranslator,
    TranslationError,
    clip_utf8,
)
from nba_tracker.translate.terminology import import_terminology, load_terms, terminology_bytes


@pytest.fixture
def client() -> object:
    return boto3.client(
        "translate",
        region_name="ap-northeast-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )


def translated(text: str) -> dict[str, object]:
    # Shape of TranslateText's response in the API reference.
    return {
        "TranslatedText": text,
        "SourceLanguageCode": "en",
        "TargetLanguageCode": "ja",
        "AppliedTerminologies": [
            {
                "Name": "nba-tracker-terms",
                "Terms": [
                    {"SourceText": "Los Angeles Lakers", "TargetText": "ロサンゼルス・レイカーズ"}
                ],
            }
        ],
    }


def test_every_call_uses_the_terminology(client: object) -> None:
    stub = Stubber(client)
    stub.add_response(
        "translate_text",
        translated("ロサンゼルス・レイカーズがガードと契約"),
        {
            "Text": "Los Angeles Lakers sign guard",
            "SourceLanguageCode": "en",
            "TargetLanguageCode": "ja",
            "TerminologyNames": ["nba-tracker-terms"],
        },
    )
    with stub:
        out = AmazonTranslator(client).translate("Los Angeles Lakers sign guard")
    assert out == "ロサンゼルス・レイカーズがガードと契約"
    stub.assert_no_pending_responses()


def test_throttling_is_retried_with_backoff(client: object) -> None:
    stub = Stubber(client)
    for _ in range(2):
        stub.add_client_error(
            "translate_text",
            service_error_code="ThrottlingException",
            service_message="Rate exceeded",
            http_status_code=400,
        )
    stub.add_response(
        "translate_text",
        translated("トレード"),
        {
            "Text": "trade",
            "SourceLanguageCode": "en",
            "TargetLanguageCode": "ja",
            "TerminologyNames": ANY,
        },
    )
    sleeps: list[float] = []
    with stub:
        out = AmazonTranslator(client, sleep=sleeps.append).translate("trade")
    assert out == "トレード"
    assert len(sleeps) == 2 and sleeps[1] > sleeps[0] * 0.5


def test_persistent_throttling_gives_up_with_the_reason(client: object) -> None:
    stub = Stubber(client)
    for _ in range(3):
        stub.add_client_error(
            "translate_text",
            service_error_code="ThrottlingException",
            service_message="Rate exceeded",
            http_status_code=400,
        )
    with stub, pytest.raises(TranslationError, match="ThrottlingException: Rate exceeded"):
        AmazonTranslator(client, retries=2, sleep=lambda _s: None).translate("trade")


def test_a_client_error_fails_at_once(client: object) -> None:
    stub = Stubber(client)
    stub.add_client_error(
        "translate_text",
        service_error_code="ResourceNotFoundException",
        service_message="Terminology nba-tracker-terms not found",
        http_status_code=404,
    )
    with stub, pytest.raises(TranslationError, match="not found"):
        AmazonTranslator(client, sleep=lambda _s: None).translate("Lakers")
    stub.assert_no_pending_responses()


def test_long_text_is_clipped_to_the_service_limit() -> None:
    text = ("ドンチッチ " * 4000).strip()
    clipped = clip_utf8(text)
    assert len(clipped.encode("utf-8")) <= MAX_REQUEST_BYTES
    assert text.startswith(clipped) and not clipped.endswith(" ")


def test_terminology_file_is_valid_for_amazon_translate() -> None:
    raw = terminology_bytes()
    assert raw.decode("utf-8").splitlines()[0] == "en,ja"
    terms = load_terms()
    from nba_api.stats.static import teams

    for team in teams.get_teams():
        assert team["full_name"] in terms, team["full_name"]
        assert (
            terms[team["full_name"]].count("・") >= 1
        )  # city・nickname, as Japanese outlets write
        assert team["nickname"] in terms
    assert terms["Los Angeles Lakers"] == "ロサンゼルス・レイカーズ"
    assert terms["LeBron James"] == "レブロン・ジェームズ"
    for term in ("trade", "draft pick", "waived"):
        assert term in terms
    assert len(raw) < 10 * 1024 * 1024  # the service's terminology size limit


def test_import_terminology_sends_the_csv(client: object) -> None:
    stub = Stubber(client)
    stub.add_response(
        "import_terminology",
        {
            "TerminologyProperties": {
                "Name": "nba-tracker-terms",
                "SourceLanguageCode": "en",
                "TargetLanguageCodes": ["ja"],
                "TermCount": 139,
                "SizeBytes": 5000,
            }
        },
        {
            "Name": "nba-tracker-terms",
            "MergeStrategy": "OVERWRITE",
            "Description": ANY,
            "TerminologyData": {
                "File": terminology_bytes(),
                "Format": "CSV",
                "Directionality": "UNI",
            },
        },
    )
    with stub:
        props = import_terminology(client, "nba-tracker-terms")
    assert props["TermCount"] == 139
