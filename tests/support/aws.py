"""AWS resources as Terraform would leave them, for tests on the moto server."""

from __future__ import annotations

import json
from typing import Any


def ecr_manifest(n: int) -> str:
    """A distinct image manifest (moto derives the image digest from its layers)."""
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": 7,
                "digest": f"sha256:{n:064x}",
            },
            "layers": [
                {
                    "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "size": 10,
                    "digest": f"sha256:{n + 1000:064x}",
                }
            ],
        }
    )


def create_aurora(rds: Any, identifier: str, **extra: Any) -> dict[str, Any]:
    cluster: dict[str, Any] = rds.create_db_cluster(
        DBClusterIdentifier=identifier,
        Engine="aurora-postgresql",
        MasterUsername="tracker",
        MasterUserPassword="not-a-real-password-1",
        **extra,
    )["DBCluster"]
    return cluster
