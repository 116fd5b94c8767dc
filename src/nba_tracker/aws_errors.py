"""What AWS said when a call failed: the one place that reads a botocore error.

Needs botocore alone, so the scheduler Lambda (packaged with boto3 only) can use it.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

__all__ = ["error_code", "error_message"]


def error_code(exc: ClientError) -> str:
    """``ParameterNotFound``, ``ThrottlingException``…; "" when AWS sent none."""
    return str(exc.response.get("Error", {}).get("Code") or "")


def error_message(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Message") or "")
