"""The dashboard, alarms and log metric filters, rendered from the one definition that
Terraform renders too (``infra/monitoring/monitoring.json``).

The file is CloudWatch's own shapes (dashboard widgets, ``put_metric_alarm`` and
``put_metric_filter`` arguments) with ``${name}`` placeholders; Terraform fills them with
``templatefile`` and this module with the same values, so both produce the same calls.
Each row, alarm and filter names the ``service`` it watches (ecs, alb, rds, mwaa, app)
so an environment without MWAA leaves the MWAA alarms out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = [
    "DEFINITION_RELPATH",
    "PLACEHOLDERS",
    "SERVICES",
    "dashboard_name",
    "default_definition_path",
    "load_definition",
    "placeholder_values",
    "render_alarms",
    "render_dashboard",
    "render_metric_filters",
]

DEFINITION_RELPATH = Path("infra/monitoring/monitoring.json")
SERVICES = ("ecs", "alb", "rds", "mwaa", "app")
PLACEHOLDERS = (
    "region",
    "env",
    "project",
    "prefix",
    "cluster",
    "service",
    "db_cluster",
    "alb",
    "target_group",
    "mwaa_env",
    "ecs_log_group",
    "alarm_prefix",
    "dashboard",
)
# Placeholder -> keys tried in order; the second spelling is ResourceNames' attribute.
_SOURCES: dict[str, tuple[str, ...]] = {
    "alb": ("alb", "alb_suffix"),
    "target_group": ("target_group", "target_group_suffix"),
}
_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")


def default_definition_path() -> Path:
    """The repository copy, found by walking up from this module; else the packaged copy."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent / DEFINITION_RELPATH
        if candidate.is_file():
            return candidate
    packaged = resources.files("nba_tracker").joinpath("data/monitoring.json")
    if packaged.is_file():
        return Path(str(packaged))
    raise FileNotFoundError(
        f"monitoring definition not found: no {DEFINITION_RELPATH} above {Path(__file__).parent} "
        "and no nba_tracker/data/monitoring.json in the package"
    )


def load_definition(path: Path | str | None = None) -> dict[str, Any]:
    source = Path(path) if path is not None else default_definition_path()
    try:
        defn = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read monitoring definition {source}: {exc}") from exc
    if not isinstance(defn, dict) or not {"dashboard", "alarms", "metric_filters"} <= defn.keys():
        raise ValueError(f"{source}: needs dashboard, alarms and metric_filters")
    unknown = _placeholders_in(defn) - set(PLACEHOLDERS)
    if unknown:
        raise ValueError(f"{source}: unknown placeholders {sorted(unknown)}")
    return defn


def placeholder_values(names: Mapping[str, str] | object) -> dict[str, str]:
    """Values for every placeholder from a mapping or an object with the same attributes
    (``ResourceNames``). ``prefix``, ``alarm_prefix`` and ``dashboard`` are derived when
    absent, by the rules of the resource names."""

    def get(key: str) -> str | None:
        for source in _SOURCES.get(key, (key,)):
            value = (
                names.get(source) if isinstance(names, Mapping) else getattr(names, source, None)
            )
            if value:
                return str(value)
        return None

    values = {key: get(key) for key in PLACEHOLDERS}
    env, project = values["env"], values["project"] or "nba-tracker"
    if not env:
        raise ValueError("resource names need 'env'")
    values["project"] = project
    values["prefix"] = values["prefix"] or f"{project}-{env}"
    values["alarm_prefix"] = values["alarm_prefix"] or (
        project if env == "dev" else f"{project}-{env}"
    )
    values["dashboard"] = values["dashboard"] or f"NBATracker-{env.capitalize()}"
    missing = sorted(key for key, value in values.items() if not value)
    if missing:
        raise ValueError(f"resource names lack {', '.join(missing)}")
    return {key: str(value) for key, value in values.items()}


def dashboard_name(defn: Mapping[str, Any], names: Mapping[str, str] | object) -> str:
    return str(_fill(defn["dashboard"]["name"], placeholder_values(names)))


def render_dashboard(
    defn: Mapping[str, Any],
    names: Mapping[str, str] | object,
    services: Collection[str] | None = None,
) -> dict[str, Any]:
    """The ``DashboardBody`` (as a dict): per row, a full-width heading and its widgets.
    Widgets carry no x/y, so CloudWatch lays them out in order."""
    values = placeholder_values(names)
    widgets: list[Any] = []
    for row in defn["dashboard"]["rows"]:
        if services is not None and row["service"] not in services:
            continue
        heading = {
            "type": "text",
            "width": 24,
            "height": 1,
            "properties": {"markdown": f"## {row['title']}"},
        }
        widgets.append(_fill(heading, values))
        widgets.extend(_fill(row["widgets"], values))
    return {"widgets": widgets}


def render_alarms(
    defn: Mapping[str, Any],
    names: Mapping[str, str] | object,
    topic_arn: str,
    services: Collection[str] | None = None,
) -> list[dict[str, Any]]:
    """Keyword arguments for ``cloudwatch.put_metric_alarm``, one dict per alarm."""
    values = placeholder_values(names)
    rendered = []
    for entry in defn["alarms"]:
        if services is not None and entry["service"] not in services:
            continue
        alarm = _fill(entry["alarm"], values)
        alarm["AlarmActions"] = [topic_arn]
        alarm["OKActions"] = [topic_arn]
        rendered.append(alarm)
    return rendered


def render_metric_filters(
    defn: Mapping[str, Any],
    names: Mapping[str, str] | object,
    services: Collection[str] | None = None,
) -> list[dict[str, Any]]:
    """Keyword arguments for ``logs.put_metric_filter``."""
    values = placeholder_values(names)
    return [
        {k: v for k, v in _fill(entry, values).items() if k != "service"}
        for entry in defn["metric_filters"]
        if services is None or entry["service"] in services
    ]


def _fill(node: Any, values: Mapping[str, str]) -> Any:
    if isinstance(node, str):
        return _PLACEHOLDER.sub(lambda m: values[m.group(1)], node)
    if isinstance(node, list):
        return [_fill(item, values) for item in node]
    if isinstance(node, dict):
        return {key: _fill(value, values) for key, value in node.items()}
    return node


def _placeholders_in(node: Any) -> set[str]:
    if isinstance(node, str):
        return set(_PLACEHOLDER.findall(node))
    if isinstance(node, list):
        return set().union(*(_placeholders_in(item) for item in node))
    if isinstance(node, dict):
        return set().union(*(_placeholders_in(value) for value in node.values()))
    return set()
