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
5. Settings moto accepts and then forgets, so that a second ``terraform plan`` would
   change them again although nothing changed: Performance Insights on a cluster
   instance, the description of a security-group rule that references a group, three
   ECS service settings (health-check grace period, managed tags, AZ rebalancing) and a
   Lambda function's dead-letter queue. moto also describes every Aurora cluster with
   an empty Serverless v1 scaling block, which AWS shows only for v1 clusters. Each is
   now kept and described as AWS describes it.

Nothing else of moto is changed.

Usage: python tests/deploy/emulator.py -H 127.0.0.1 -p PORT   (the arguments of moto_server)
"""

from __future__ import annotations

import json
from typing import Any, cast

from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
from moto.awslambda.models import LambdaFunction
from moto.ec2.models.security_groups import SecurityGroupRule
from moto.ecs.responses import EC2ContainerServiceResponse
from moto.rds.models import DBCluster, DBInstance, MasterUserSecret
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


# --- 5. Settings kept as AWS keeps them ------------------------------------------------

_db_instance_init = DBInstance.__init__


def _db_instance_keeping_insights(self: Any, *args: Any, **kwargs: Any) -> None:
    _db_instance_init(self, *args, **kwargs)
    enabled = bool(kwargs.get("enable_performance_insights"))
    self.performance_insights_enabled = enabled
    self.performance_insights_kms_key_id = (
        kwargs.get("performance_insights_kms_key_id") if enabled else None
    )
    # AWS keeps 7 days (the free tier) unless told otherwise.
    self.performance_insights_retention_period = (
        kwargs.get("performance_insights_retention_period") or 7 if enabled else None
    )


DBInstance.__init__ = _db_instance_keeping_insights  # type: ignore[method-assign]


_scaling_info = DBCluster.scaling_configuration_info


def _v1_scaling_only(self: Any) -> dict[str, Any] | None:
    # AWS describes ScalingConfigurationInfo only for Serverless v1 clusters.
    if self.engine_mode != "serverless" or not self.scaling_configuration:
        return None
    return cast(dict[str, Any], _scaling_info.fget(self))


DBCluster.scaling_configuration_info = property(_v1_scaling_only)  # type: ignore[assignment,method-assign]


def _rule_description(self: Any) -> str | None:
    # A rule that references a group carries its description beside the group.
    return self.ip_range.get("Description") or self.source_group.get("Description")


SecurityGroupRule.description = property(_rule_description)  # type: ignore[assignment,method-assign]

_create_service = EC2ContainerServiceResponse.create_service
_SERVICE_SETTINGS = {
    "healthCheckGracePeriodSeconds": ("health_check_grace_period_seconds", None),
    "enableECSManagedTags": ("enable_ecs_managed_tags", False),
    "availabilityZoneRebalancing": ("availability_zone_rebalancing", "DISABLED"),
}


def _create_service_keeping_settings(self: Any) -> Any:
    result = _create_service(self)
    service = self.ecs_backend._get_service(
        self._get_param("cluster", "default"), self._get_param("serviceName")
    )
    for param, (attribute, default) in _SERVICE_SETTINGS.items():
        value = self._get_param(param)
        setattr(service, attribute, default if value is None else value)
    return result


EC2ContainerServiceResponse.create_service = _create_service_keeping_settings  # type: ignore[method-assign]

_function_init = LambdaFunction.__init__
_function_configuration = LambdaFunction.get_configuration
_function_update = LambdaFunction.update_configuration


def _function_keeping_dead_letters(
    self: Any, account_id: str, spec: dict[str, Any], *args: Any, **kwargs: Any
) -> None:
    _function_init(self, account_id, spec, *args, **kwargs)
    self.dead_letter_config = spec.get("DeadLetterConfig")


def _configuration_with_dead_letters(self: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    config = _function_configuration(self, *args, **kwargs)
    target = (getattr(self, "dead_letter_config", None) or {}).get("TargetArn")
    if target:
        config["DeadLetterConfig"] = {"TargetArn": target}
    return config


def _update_keeping_dead_letters(self: Any, config_updates: dict[str, Any]) -> dict[str, Any]:
    if "DeadLetterConfig" in config_updates:
        self.dead_letter_config = config_updates["DeadLetterConfig"]
    return _function_update(self, config_updates)


LambdaFunction.__init__ = _function_keeping_dead_letters  # type: ignore[method-assign]
LambdaFunction.get_configuration = _configuration_with_dead_letters  # type: ignore[method-assign]
LambdaFunction.update_configuration = _update_keeping_dead_letters  # type: ignore[method-assign]

if __name__ == "__main__":
    main()
