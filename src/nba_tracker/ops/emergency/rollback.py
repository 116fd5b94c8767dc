"""Releases and rollbacks by re-tagging images through the ECR API (no docker needed):
``latest`` is what the service runs, ``previous-version`` what it ran before."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from nba_tracker.aws_errors import error_code
from nba_tracker.ops.core import OpsContext, OpsError

LATEST = "latest"
PREVIOUS = "previous-version"


def _manifest(ctx: OpsContext, tag: str) -> dict[str, Any] | None:
    try:
        images = (
            ctx.client("ecr")
            .batch_get_image(repositoryName=ctx.names.ecr_repository, imageIds=[{"imageTag": tag}])
            .get("images", [])
        )
    except ClientError as exc:
        if error_code(exc) == "RepositoryNotFoundException":
            raise OpsError(f"ECR repository {ctx.names.ecr_repository} not found") from None
        raise
    return images[0] if images else None


def _tag(ctx: OpsContext, image: dict[str, Any], tag: str) -> None:
    try:
        ctx.change(
            "ecr",
            "put_image",
            repositoryName=ctx.names.ecr_repository,
            imageManifest=image["imageManifest"],
            imageTag=tag,
        )
    except ClientError as exc:
        # Tagging an image with the tag it already has is no change, not a failure.
        if error_code(exc) != "ImageAlreadyExistsException":
            raise


def _deploy(ctx: OpsContext, wait: bool) -> str:
    ctx.change(
        "ecs",
        "update_service",
        cluster=ctx.names.cluster,
        service=ctx.names.service,
        forceNewDeployment=True,
    )
    if ctx.dry_run or not wait:
        return "deployment started" if not ctx.dry_run else "planned"
    ctx.wait(
        "ecs",
        "services_stable",
        f"waiting for {ctx.names.service} to be stable",
        cluster=ctx.names.cluster,
        services=[ctx.names.service],
    )
    service = ctx.client("ecs").describe_services(
        cluster=ctx.names.cluster, services=[ctx.names.service]
    )["services"][0]
    return f"stable, {service.get('runningCount', 0)} of {service['desiredCount']} running"


def _pushed_before_latest(ctx: OpsContext) -> tuple[str, dict[str, Any]] | None:
    """The newest image pushed before the one tagged ``latest``: what ran before it when
    releases were pushed without ``ops release``."""
    details: list[dict[str, Any]] = []
    for page in (
        ctx.client("ecr")
        .get_paginator("describe_images")
        .paginate(repositoryName=ctx.names.ecr_repository)
    ):
        details += [d for d in page.get("imageDetails", []) if d.get("imageTags")]
    latest = next((d for d in details if LATEST in d.get("imageTags", [])), None)
    if latest is None:
        return None
    older = [d for d in details if d["imagePushedAt"] < latest["imagePushedAt"]]
    if not older:
        return None
    newest = max(older, key=lambda d: d["imagePushedAt"])
    tag = newest["imageTags"][0]
    image = _manifest(ctx, tag)
    return (tag, image) if image is not None else None


def rollback(ctx: OpsContext, to: str | None = None, wait: bool = True) -> dict[str, Any]:
    """Point ``latest`` at ``to`` (default ``previous-version``, else the newest image
    pushed before ``latest``) and redeploy. Refuses, changing nothing, when the target
    image does not exist."""
    target_tag = to or PREVIOUS
    target = _manifest(ctx, target_tag)
    if target is None and to is None:
        found = _pushed_before_latest(ctx)
        if found is not None:
            target_tag, target = found
    if target is None:
        raise OpsError(
            f"no image tagged {target_tag!r} in {ctx.names.ecr_repository}; nothing changed"
        )
    current = _manifest(ctx, LATEST)
    if (
        current is not None
        and current["imageId"]["imageDigest"] == target["imageId"]["imageDigest"]
    ):
        return {"latest": target["imageId"]["imageDigest"], "action": "no change: already latest"}
    _tag(ctx, target, LATEST)
    return {
        "latest": target["imageId"]["imageDigest"],
        "from_tag": target_tag,
        "deployment": _deploy(ctx, wait),
    }


def release(ctx: OpsContext, tag: str, wait: bool = True) -> dict[str, Any]:
    """Make ``tag`` the running image; ``previous-version`` keeps what was ``latest``."""
    target = _manifest(ctx, tag)
    if target is None:
        raise OpsError(f"no image tagged {tag!r} in {ctx.names.ecr_repository}; nothing changed")
    current = _manifest(ctx, LATEST)
    if current is not None:
        if current["imageId"]["imageDigest"] == target["imageId"]["imageDigest"]:
            return {"latest": tag, "action": "no change: already latest"}
        _tag(ctx, current, PREVIOUS)
    _tag(ctx, target, LATEST)
    return {
        "latest": tag,
        "previous_version": current["imageId"]["imageDigest"] if current else None,
        "deployment": _deploy(ctx, wait),
    }
