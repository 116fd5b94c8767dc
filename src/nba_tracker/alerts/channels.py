"""Each channel's wire format, and what a receiver's answer means for the alert.

* ``webhook``: the alert as JSON; ``X-Signature: sha256=<hex HMAC-SHA256 of the body>``
  keyed by the subscription's secret. The body carries ``sent_at`` (also in
  ``X-Timestamp``) and the alert's ``id``, so a receiver refuses a replay by age and by
  id, and the signature covers both.
* ``discord``: an execute-webhook body (``content`` and one embed).
* ``slack``: an incoming-webhook body (``text`` and blocks).
* ``webpush``: RFC 8291 (aes128gcm) encryption to the browser's keys, RFC 8292 VAPID
  authorisation (pywebpush and py-vapid), ``TTL`` a day.
* ``sns``: ``Publish`` to the subscription's topic (the JSON body as the message).

An answer is one of: delivered (2xx), retry (408, 425, 429, 5xx, a timeout or a
connection failure; ``Retry-After`` honoured) or failed for good (any other status, a
redirect, an address the guard refuses).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import anyio

from nba_tracker.alerts.guard import AlertClient, Answer, SendFailed, SendTimedOut
from nba_tracker.domain.alerts import Channel
from nba_tracker.ingest.address_guard import AddressRefused

__all__ = ["Message", "Outcome", "Sender", "retry_after_seconds", "sign"]

_RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 3600.0
_SNS_RETRY_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "InternalError",
        "ServiceUnavailable",
    }
)


@dataclass(frozen=True)
class Message:
    """One alert on its way: enough for every channel."""

    id: int
    subscription_id: int
    channel: str
    target: str
    secret: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    retry: bool = False
    retry_after: float | None = None
    error: str | None = None


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds (delta or HTTP date), bounded; None when absent or bad."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def document(message: Message, sent_at: float) -> dict[str, Any]:
    """The JSON every JSON channel derives from (and what webhooks receive as is)."""
    return {
        "type": "nba-tracker.alert",
        "id": message.id,
        "subscription_id": message.subscription_id,
        "sent_at": int(sent_at),
        **message.payload,
    }


def _story_url(base_url: str | None, payload: dict[str, Any]) -> str | None:
    path = payload.get("story", {}).get("path")
    return f"{base_url.rstrip('/')}{path}" if base_url and path else None


def _discord(doc: dict[str, Any], base_url: str | None) -> dict[str, Any]:
    story = doc["story"]
    embed: dict[str, Any] = {
        "title": story["headline"][:256],
        "description": f"{story['category']} · {doc['status']}"
        + (f" · {', '.join(story['teams'])}" if story["teams"] else ""),
        "footer": {"text": "NBA Trade Tracker"},
    }
    url = _story_url(base_url, doc)
    if url:
        embed["url"] = url
    # No pings: a headline must never be able to @everyone a server.
    return {"content": doc["text"][:2000], "embeds": [embed], "allowed_mentions": {"parse": []}}


def _slack(doc: dict[str, Any], base_url: str | None) -> dict[str, Any]:
    story = doc["story"]
    url = _story_url(base_url, doc)
    # Slack's mrkdwn treats <, > and & as markup: escaped, as its documentation asks.
    safe = doc["text"].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    line = f"<{url}|{safe}>" if url else safe
    return {
        "text": doc["text"][:3000],
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": line[:3000]}},
            {
                "type": "context",
                "elements": [
                    {
                        "type": "plain_text",
                        "text": f"{story['category']} · {doc['status']}"
                        + (f" · {', '.join(story['teams'])}" if story["teams"] else ""),
                    }
                ],
            },
        ],
        "unfurl_links": False,
    }


class Sender:
    """Sends one :class:`Message` on its channel and says what happened."""

    def __init__(
        self,
        client: AlertClient,
        vapid_private_key: str | None = None,
        vapid_subject: str = "mailto:alerts@nba-tracker.invalid",
        base_url: str | None = None,
        sns_client: Callable[[str], Any] | None = None,
    ) -> None:
        self._client = client
        self._vapid_key = vapid_private_key
        self._vapid_subject = vapid_subject
        self._base_url = base_url
        self._sns_client = sns_client or _default_sns_client
        self._sns: dict[str, Any] = {}

    async def aclose(self) -> None:
        await self._client.aclose()

    async def send(self, message: Message) -> Outcome:
        now = time.time()
        doc = document(message, now)
        channel = Channel(message.channel)
        if channel == Channel.SNS:
            return await self._sns_publish(message, doc)
        headers = {"Content-Type": "application/json"}
        if channel == Channel.WEBHOOK:
            body = json.dumps(doc, separators=(",", ":")).encode()
            headers["X-Signature"] = sign(message.secret, body)
            headers["X-Timestamp"] = str(int(now))
            headers["X-Alert-Id"] = str(message.id)
            url = message.target
        elif channel == Channel.DISCORD:
            body = json.dumps(_discord(doc, self._base_url)).encode()
            url = message.target
        elif channel == Channel.SLACK:
            body = json.dumps(_slack(doc, self._base_url)).encode()
            url = message.target
        else:
            try:
                url, body, headers = self._webpush(message, doc)
            except Exception as exc:  # a bad key is this subscription's problem, not ours
                return Outcome(False, error=f"web push: cannot encrypt: {type(exc).__name__}")
        return await self._post(url, body, headers)

    async def _post(self, url: str, body: bytes, headers: dict[str, str]) -> Outcome:
        try:
            answer = await self._client.post(url, body, headers)
        except AddressRefused as exc:
            return Outcome(False, error=str(exc))
        except SendTimedOut:
            return Outcome(False, retry=True, error="timed out")
        except SendFailed as exc:
            return Outcome(False, retry=True, error=f"connection failed: {exc}")
        return self._judge(answer)

    @staticmethod
    def _judge(answer: Answer) -> Outcome:
        status = answer.status
        if 200 <= status < 300:
            return Outcome(True)
        if 300 <= status < 400:
            return Outcome(False, error=f"HTTP {status}: redirects are not followed")
        if status in _RETRY_STATUSES:
            return Outcome(
                False,
                retry=True,
                retry_after=retry_after_seconds(answer.retry_after),
                error=f"HTTP {status}",
            )
        return Outcome(False, error=f"HTTP {status}")

    def _webpush(self, message: Message, doc: dict[str, Any]) -> tuple[str, bytes, dict[str, str]]:
        from py_vapid import Vapid
        from pywebpush import WebPusher

        if not self._vapid_key:
            raise ValueError("no VAPID key configured (NBA_TRACKER_VAPID_PRIVATE_KEY)")
        subscription = json.loads(message.target)
        endpoint = subscription["endpoint"]
        data = json.dumps(
            {"title": "NBA Trade Tracker", "body": doc["text"], "data": doc},
            separators=(",", ":"),
        ).encode()
        body = WebPusher(subscription).encode(data, "aes128gcm")["body"]
        key = self._vapid_key.strip()
        vapid = Vapid.from_pem(key.encode()) if key.startswith("-----") else Vapid.from_string(key)
        parsed = urlsplit(endpoint)
        audience = f"{parsed.scheme}://{parsed.netloc}"
        claims = {"sub": self._vapid_subject, "aud": audience, "exp": int(time.time()) + 12 * 3600}
        headers = {
            **vapid.sign(claims),
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "TTL": "86400",
            "Urgency": "normal",
        }
        return endpoint, bytes(body), headers

    async def _sns_publish(self, message: Message, doc: dict[str, Any]) -> Outcome:
        from botocore.exceptions import BotoCoreError, ClientError

        region = message.target.split(":")[3]
        client = self._sns.get(region)
        if client is None:
            client = self._sns[region] = self._sns_client(region)
        try:
            await anyio.to_thread.run_sync(
                partial(
                    client.publish,
                    TopicArn=message.target,
                    Message=json.dumps(doc),
                    # SNS subjects are printable ASCII on one line.
                    Subject="".join(c if " " <= c <= "~" else "?" for c in doc["text"][:100]),
                    MessageAttributes={
                        "status": {"DataType": "String", "StringValue": str(doc["status"])},
                        "category": {
                            "DataType": "String",
                            "StringValue": str(doc["story"]["category"]),
                        },
                    },
                )
            )
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            return Outcome(False, retry=code in _SNS_RETRY_CODES, error=f"SNS {code}")
        except BotoCoreError as exc:
            return Outcome(False, retry=True, error=f"SNS: {type(exc).__name__}")
        return Outcome(True)


def _default_sns_client(region: str) -> Any:
    import boto3
    from botocore.config import Config

    # Short timeouts, our own retries (the dispatcher's backoff keeps the order).
    config = Config(
        connect_timeout=3, read_timeout=5, retries={"max_attempts": 1, "mode": "standard"}
    )
    return boto3.client("sns", region_name=region, config=config)
