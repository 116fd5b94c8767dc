"""Names of AWS resources that the application itself uses, not only the runbook: defined
here, importable anywhere (no dependencies: the ops package runs in Airflow with boto3,
typer and rich alone). Every other resource name is derived in ``ops/naming.py``."""

from __future__ import annotations

__all__ = ["TERMINOLOGY"]

# The Amazon Translate terminology of the Japanese edition: what the task may use (the
# ecs_service module's translate_terminology default, compared in tests) and what
# `ops translate import-terminology` creates.
TERMINOLOGY = "nba-tracker-terms"
