"""Each channel against a real receiver: loopback HTTP for webhook, Discord, Slack and
Web Push (the receiver decrypts RFC 8291 and verifies VAPID), a moto server for SNS
(the message read back from an SQS queue subscribed to the topic). And the receiver is
untrusted: redirects, timeouts, huge bodies, Retry-After, addresses the guard refuses."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import os
import time

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid, Vapid02

from nba_tracker.alerts.channels import Message, Outcome, Sender
from nba_tracker.alerts.guard import make_client
from tests.support.receivers import Answer, Received, Receiver

PAYLOAD = {
    "story": {
        "id": 7,
        "headline": "Grizzlies officially trade Ja Morant to Warriors <@everyone>",
        "category": "Trade",
        "teams": ["GSW", "MEM"],
        "players": ["Ja Morant"],
        "path": "/story/7",
    },
    "status": "official",
    "previous_status": "reported",
    "now_official": True,
    "text": "Now official: Grizzlies officially trade Ja Morant to Warriors <@everyone>",
}


def send(message: Message, loopback: bool = True, timeout: float = 2.0, **kw: object) -> Outcome:
    async def run() -> Outcome:
        sender = Sender(make_client(timeout, 4, loopback), **kw)  # type: ignore[arg-type]
        try:
            return await sender.send(message)
        finally:
            await sender.aclose()

    return asyncio.run(run())


def msg(channel: str, target: str) -> Message:
    return Message(41, 3, channel, target, "s3cret", PAYLOAD)


def test_webhook_signed_json_with_timestamp() -> None:
    with Receiver() as r:
        assert send(msg("webhook", r.url())).delivered
    [got] = r.requests
    expected = "sha256=" + hmac.new(b"s3cret", got.body, hashlib.sha256).hexdigest()
    assert got.headers["x-signature"] == expected
    assert got.headers["content-type"] == "application/json"
    doc = json.loads(got.body)
    assert doc["id"] == 41 and doc["type"] == "nba-tracker.alert"
    assert abs(doc["sent_at"] - time.time()) < 5
    assert str(doc["sent_at"]) == got.headers["x-timestamp"]
    assert doc["story"]["headline"].startswith("Grizzlies officially")
    # The signature covers the body: one changed byte and it no longer verifies.
    tampered = got.body.replace(b'"official"', b'"reported"', 1)
    assert hmac.new(b"s3cret", tampered, hashlib.sha256).hexdigest() not in expected


def test_discord_format_without_mentions() -> None:
    with Receiver() as r:
        assert send(
            msg("discord", r.url("/api/webhooks/1/tok")), base_url="https://t.example"
        ).delivered
    body = json.loads(r.requests[0].body)
    assert body["content"] == PAYLOAD["text"]
    assert body["allowed_mentions"] == {"parse": []}
    assert body["embeds"][0]["url"] == "https://t.example/story/7"
    assert body["embeds"][0]["description"] == "Trade · official · GSW, MEM"


def test_slack_format_escapes_markup() -> None:
    with Receiver(lambda _r: Answer(200, body=b"ok")) as r:
        assert send(msg("slack", r.url("/services/T/B/x"))).delivered
    body = json.loads(r.requests[0].body)
    assert body["text"] == PAYLOAD["text"]
    section = body["blocks"][0]["text"]
    assert section["type"] == "mrkdwn" and "&lt;@everyone&gt;" in section["text"]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_web_push_encrypted_to_the_browser_and_vapid_signed() -> None:
    browser_key = ec.generate_private_key(ec.SECP256R1())
    auth = os.urandom(16)
    p256dh = browser_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    vapid = Vapid()
    vapid.generate_keys()
    with Receiver(lambda _r: Answer(201)) as r:
        subscription = json.dumps(
            {"endpoint": r.url("/push/abc"), "keys": {"p256dh": _b64(p256dh), "auth": _b64(auth)}}
        )
        outcome = send(
            msg("webpush", subscription),
            vapid_private_key=vapid.private_pem().decode(),
            vapid_subject="mailto:ops@example.com",
        )
        assert outcome.delivered, outcome
    got: Received = r.requests[0]
    assert got.headers["content-encoding"] == "aes128gcm"
    assert int(got.headers["ttl"]) > 0
    plain = http_ece.decrypt(
        got.body, private_key=browser_key, auth_secret=auth, version="aes128gcm"
    )
    data = json.loads(plain)
    assert data["body"] == PAYLOAD["text"] and data["data"]["id"] == 41
    assert Vapid02.verify(got.headers["authorization"])
    token = got.headers["authorization"].split("t=", 1)[1].split(",", 1)[0]
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert (
        claims["aud"] == f"http://127.0.0.1:{r.port}" and claims["sub"] == "mailto:ops@example.com"
    )
    # The receiver's key is the only one that opens it.
    with pytest.raises(Exception):  # noqa: B017, PT011
        http_ece.decrypt(
            got.body,
            private_key=ec.generate_private_key(ec.SECP256R1()),
            auth_secret=auth,
            version="aes128gcm",
        )


@pytest.mark.aws
def test_sns_publish_read_back_from_a_subscribed_queue(moto_server: str) -> None:
    import boto3

    sns = boto3.client("sns", region_name="ap-northeast-1")
    sqs = boto3.client("sqs", region_name="ap-northeast-1")
    topic = sns.create_topic(Name="nba-tracker-alerts")["TopicArn"]
    queue = sqs.create_queue(QueueName="alerts-reader")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    assert send(msg("sns", topic)).delivered
    [received] = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=2)["Messages"]
    envelope = json.loads(received["Body"])
    doc = json.loads(envelope["Message"])
    assert doc["id"] == 41 and doc["status"] == "official"
    assert envelope["Subject"].startswith("Now official: Grizzlies")
    assert envelope["MessageAttributes"]["status"]["Value"] == "official"
    missing = send(msg("sns", topic.replace("nba-tracker-alerts", "no-such-topic")))
    assert not missing.delivered and not missing.retry and "NotFound" in (missing.error or "")


def test_redirects_are_not_followed() -> None:
    with Receiver() as target, Receiver(lambda _r: Answer(302, {"Location": target.url()})) as r:
        outcome = send(msg("webhook", r.url()))
    assert outcome == Outcome(False, error="HTTP 302: redirects are not followed")
    assert target.requests == []


def test_retry_after_is_read_and_a_slow_receiver_times_out() -> None:
    with Receiver(lambda _r: Answer(429, {"Retry-After": "7"})) as r:
        outcome = send(msg("webhook", r.url()))
    assert outcome.retry and outcome.retry_after == 7.0
    with Receiver(lambda _r: Answer(200, delay=3)) as r:
        started = time.monotonic()
        outcome = send(msg("webhook", r.url()), timeout=0.5)
    assert outcome == Outcome(False, retry=True, error="timed out")
    assert time.monotonic() - started < 2


def test_a_huge_answer_is_read_to_the_cap_only() -> None:
    with Receiver(lambda _r: Answer(200, body=b"x" * 20_000_000)) as r:
        started = time.monotonic()
        assert send(msg("webhook", r.url())).delivered
    assert time.monotonic() - started < 2


def test_outside_loopback_mode_this_machine_is_refused_at_connection() -> None:
    with Receiver() as r:
        outcome = send(msg("webhook", r.url().replace("http://", "https://")), loopback=False)
    assert not outcome.delivered and not outcome.retry
    assert "refused" in (outcome.error or "")
    assert r.requests == []
