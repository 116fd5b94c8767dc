"""Structured logs (one JSON object per line on stdout, which ECS ships to CloudWatch)
and CloudWatch Embedded Metric Format lines that become metrics without API calls."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Mapping, MutableMapping
from typing import Any, TextIO

import structlog

EMF_NAMESPACE = "NBATracker"
# Where metric lines go: stdout beside JSON logs (what ECS ships to CloudWatch), stderr
# when a person reads the console, so `scrape --json` keeps stdout for its own output.
_metrics_stream: TextIO = sys.stderr

# Values that must never reach a log line, whatever a caller passes.
_SECRET_KEYS = re.compile(r"(password|secret|token|authorization|api[_-]?key|credential)", re.I)
_URL_PASSWORD = re.compile(r"(://[^:/@\s]+:)[^@\s]+@")


def redact(value: Any) -> Any:
    if isinstance(value, str):
        return _URL_PASSWORD.sub(r"\1***@", value)
    if isinstance(value, Mapping):
        return {
            k: "***" if isinstance(k, str) and _SECRET_KEYS.search(k) else redact(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    return value


def _redact_processor(_logger: Any, _name: str, event: MutableMapping[str, Any]) -> Any:
    return redact(event)


def configure_logging(level: str = "INFO", json_output: bool = True) -> None:
    """Route stdlib logging and structlog through one renderer; ``message`` is the key the
    CloudWatch Insights queries read."""
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if json_output
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="timestamp"),
        _redact_processor,
    ]
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            _uppercase_level,
            structlog.processors.format_exc_info,
            structlog.processors.EventRenamer("message"),
            renderer,
        ],
    )
    global _metrics_stream
    stream = sys.stdout if json_output else sys.stderr
    _metrics_stream = stream
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("httpx", "httpcore", "uvicorn.access", "alembic.runtime.migration"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def _uppercase_level(_logger: Any, _name: str, event: MutableMapping[str, Any]) -> Any:
    if "level" in event:
        event["level"] = str(event["level"]).upper()
    return event


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)


def emf_line(
    metrics: Mapping[str, tuple[float, str]],
    dimensions: Mapping[str, str],
    properties: Mapping[str, Any] | None = None,
) -> str:
    """One CloudWatch Embedded Metric Format record: ``metrics`` maps name → (value, unit)."""
    record: dict[str, Any] = {
        "_aws": {
            "Timestamp": int(time.time() * 1000),
            "CloudWatchMetrics": [
                {
                    "Namespace": EMF_NAMESPACE,
                    "Dimensions": [list(dimensions)],
                    "Metrics": [{"Name": n, "Unit": unit} for n, (_, unit) in metrics.items()],
                }
            ],
        },
        **dimensions,
        **{n: value for n, (value, _) in metrics.items()},
        **(properties or {}),
    }
    return json.dumps(record, separators=(",", ":"), default=str)


def emit_emf(line: str) -> None:
    # Written straight to stdout: the CloudWatch agent / awslogs driver parses EMF
    # only when the record is the whole line.
    _metrics_stream.write(line + "\n")
    _metrics_stream.flush()
