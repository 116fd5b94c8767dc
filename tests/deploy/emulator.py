"""``moto_server`` with two gaps filled that the environments run into.

1. Tags on Application Auto Scaling targets. The AWS provider reads a scalable target's tags after every create and refresh
(``ListTagsForResource``); moto answers that with a 500, which the provider retries for
minutes and then fails the apply. Tags are kept per ARN, as AWS does, and those given to
``RegisterScalableTarget`` are stored too, so the second plan sees what the first applied.
2. The master-user secret RDS manages (``manage_master_user_password``): AWS stores the
   cluster's master user name in it and rotates it every 7 days from the start; moto
   writes ``admin`` and no rotation, which ``ops doctor db`` and ``ops audit`` rightly
   report as a credentials mismatch and an unrotated secret.
3. Restoring a snapshot of such a cluster (``ops db restore``): moto copies the source
   cluster's settings and fails on the password it never had.
4. Emptying a versioned bucket that holds delete markers (``force_destroy`` on destroy):
   moto tries to free a marker's data, which it has none of, and answers 500 — retried
   by the provider for minutes.

Nothing else of moto is changed.

Usage: python tests/deploy/emulator.py -H 127.0.0.1 -p PORT   (the arguments of moto_server)
"""

from __future__ import annotations

import json
from typing import Any

from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
from moto.rds.models import DBCluster, MasterUserSecret
from moto.s3.models import FakeDeleteMarker
from moto.server import main

_TAGS: dict[str, dict[str, str]] = {}
_register = ApplicationAutoScalingResponse.register_scalable_target


def _register_with_tags(self: Any) -> str:
    body = _register(self)
    arn = json.loads(body)["ScalableTargetARN"]
    _TAGS.setdefault(arn, {}).update(self._get_param("Tags") or {})
    return body


def _list_tags_for_resource(self: Any) -> str:
    return json.dumps({"Tags": _TAGS.get(self._get_param("ResourceARN"), {})})


def _tag_resource(self: Any) -> str:
    _TAGS.setdefault(self._get_param("ResourceARN"), {}).update(self._get_param("Tags") or {})
    return "{}"


def _untag_resource(self: Any) -> str:
    tags = _TAGS.get(self._get_param("ResourceARN"), {})
    for key in self._get_param("TagKeys") or []:
        tags.pop(key, None)
    return "{}"


ApplicationAutoScalingResponse.register_scalable_target = _register_with_tags  # type: ignore[method-assign]
ApplicationAutoScalingResponse.list_tags_for_resource = _list_tags_for_resource  # type: ignore[attr-defined]
ApplicationAutoScalingResponse.tag_resource = _tag_resource  # type: ignore[attr-defined]
ApplicationAutoScalingResponse.untag_resource = _untag_resource  # type: ignore[attr-defined]


def _secret_string(self: Any) -> str:
    # A generated password as RDS would make; the user is the cluster's own.
    return json.dumps({"username": self.resource.master_username, "password": "Gen3rated-by-RDS"})


_create_secret = MasterUserSecret._create_secret


def _create_rotating_secret(self: Any, kms_key_id: str | None) -> Any:
    secret = _create_secret(self, kms_key_id)
    secret.rotation_requested = True
    secret.rotation_enabled = True
    secret.auto_rotate_after_days = 7
    return secret


MasterUserSecret._generate_secret_string = _secret_string  # type: ignore[method-assign]
MasterUserSecret._create_secret = _create_rotating_secret  # type: ignore[method-assign]

_get_cfg = DBCluster.get_cfg


def _get_cfg_without_password(self: Any) -> dict[str, Any]:
    if not hasattr(self, "_master_user_password"):
        self._master_user_password = None
    return dict(_get_cfg(self))


DBCluster.get_cfg = _get_cfg_without_password  # type: ignore[method-assign]


def _nothing_to_free(self: Any) -> None:
    return None


FakeDeleteMarker.dispose = _nothing_to_free  # type: ignore[attr-defined]

if __name__ == "__main__":
    main()
