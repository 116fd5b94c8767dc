"""What the alert dispatcher may do on AWS: publish to the module's own alert topics
(nothing else on SNS), and read the VAPID key only when Web Push is on."""

from __future__ import annotations

import re

from tests.infra.conftest import TERRAFORM_DIR
from tests.infra.test_terraform import hcl

ECS = TERRAFORM_DIR / "modules" / "ecs_service" / "main.tf"


def _statement(text: str, sid: str) -> str:
    body = text[text.index(f'sid = "{sid}"') :]
    return body[: body.index("}")]


def test_sns_publish_only_on_the_alert_topics() -> None:
    ecs = hcl(ECS)
    publish = _statement(ecs, "PublishAlerts")
    assert 'actions = ["sns:Publish"]' in publish
    assert "resources = [for t in aws_sns_topic.alerts : t.arn]" in publish
    # The task role's module grants nothing else on SNS.
    assert set(re.findall(r'"sns:[^"]*"', ecs)) == {'"sns:Publish"'}
    assert not re.search(r'"sns:\*"|"sns:Publish"[^\]]*\]\s*\n\s*resources\s*=\s*\["\*"\]', ecs)
    topic = ecs[ecs.index('resource "aws_sns_topic" "alerts"') :]
    assert "kms_master_key_id = var.kms_key_arn" in topic[: topic.index("\n}")]


def test_vapid_key_is_a_secret_without_a_value_in_terraform() -> None:
    ecs = hcl(ECS)
    secret = ecs[ecs.index('resource "aws_secretsmanager_secret" "vapid"') :]
    secret = secret[: secret.index("\n}")]
    assert "kms_key_id = var.kms_key_arn" in secret
    assert "aws_secretsmanager_secret_version" not in ecs
    # Injected through the same path as every other secret, so task_exec may read it.
    assert "secrets = merge(var.secrets, local.vapid_secret)" in ecs
    assert "NBA_TRACKER_VAPID_PRIVATE_KEY" in ecs
