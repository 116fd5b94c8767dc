"""Translator backends: Amazon Translate with the NBA terminology, or none.

Throttling is retried with exponential backoff; anything else is a
:class:`TranslationError` whose message is kept on the article.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any, Protocol

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from nba_tracker.aws_errors import error_code, error_message
from nba_tracker.errors import TranslationError
from nba_tracker.resources import TERMINOLOGY

# Amazon Translate accepts at most 10,000 bytes of UTF-8 per request.
MAX_REQUEST_BYTES = 10_000
RETRYABLE = frozenset(
    {
        "ThrottlingException",
        "TooManyRequestsException",
        "ServiceUnavailableException",
        "LimitExceededException",
        "InternalServerException",
    }
)


class Translator(Protocol):
    name: str

    def translate(self, text: str) -> str: ...


class NoTranslator:
    """The laptop default: nothing is translated and articles stay ``pending``."""

    name = "none"

    def translate(self, text: str) -> str:
        raise TranslationError("no translator configured (set NBA_TRACKER_TRANSLATOR=amazon)")


def clip_utf8(text: str, limit: int = MAX_REQUEST_BYTES) -> str:
    """The longest prefix of ``text`` whose UTF-8 fits ``limit`` bytes, cut at a space."""
    raw = text.encode("utf-8")
    if len(raw) <= limit:
        return text
    clipped = raw[:limit].decode("utf-8", errors="ignore")
    head, _, _ = clipped.rpartition(" ")
    return head or clipped


class AmazonTranslator:
    name = "amazon"

    def __init__(
        self,
        client: Any,
        terminology: str | None = TERMINOLOGY,
        retries: int = 4,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.terminology = terminology
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep

    @classmethod
    def from_environment(
        cls, terminology: str | None, region: str | None = None
    ) -> AmazonTranslator:
        import boto3

        config = Config(retries={"max_attempts": 1, "mode": "standard"}, read_timeout=15)
        return cls(boto3.client("translate", region_name=region, config=config), terminology)

    def translate(self, text: str) -> str:
        if not text.strip():
            return ""
        params: dict[str, Any] = {
            "Text": clip_utf8(text),
            "SourceLanguageCode": "en",
            "TargetLanguageCode": "ja",
        }
        if self.terminology:
            params["TerminologyNames"] = [self.terminology]
        attempt = 0
        while True:
            try:
                return str(self.client.translate_text(**params)["TranslatedText"])
            except ClientError as exc:
                code = error_code(exc)
                message = error_message(exc)
                if code in RETRYABLE and attempt < self.retries:
                    attempt += 1
                    self.sleep(self.backoff * 2 ** (attempt - 1) * (0.5 + random.random()))
                    continue
                raise TranslationError(f"{code}: {message}".strip(": ")) from None
            except BotoCoreError as exc:
                raise TranslationError(f"{type(exc).__name__}: {exc}") from None


def make_translator(backend: str, terminology: str | None, region: str | None = None) -> Translator:
    if backend == "none":
        return NoTranslator()
    if backend == "amazon":
        return AmazonTranslator.from_environment(terminology, region)
    raise ValueError(f"unknown translator {backend!r}; choose 'none' or 'amazon'")
