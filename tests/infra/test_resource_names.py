"""Every AWS name the runbook uses (``ops.naming.resource_names``) is a name Terraform
gives that resource: the strings of the environments and modules, evaluated with the
environment's locals, must contain each one. Names only the runbook creates are listed
with the reason."""

from __future__ import annotations

import re
from dataclasses import fields

import pytest

from nba_tracker.ops.naming import ResourceNames, resource_names
from tests.infra.conftest import ENVIRONMENTS, TERRAFORM_DIR

# Not Terraform's: what the runbook itself creates, or no resource at all.
NOT_TERRAFORMS = {
    "env": "the environment's name, not a resource",
    "region": "not a resource",
    "project": "not a resource",
    "emergency_state_parameter": "written by `ops emergency stop` when no scheduler exists",
    "manual_snapshot_prefix": "snapshots `ops db snapshot create` takes",
    "restored_db_cluster": "the cluster `ops db restore` creates",
    "db_secret": "Aurora manages the master secret; ops finds it from the cluster",
    # MWAA names its log groups itself (airflow-<environment>-<Type>): checked below as
    # the prefix Terraform's MWAA policy grants.
    "mwaa_task_log_group": "named by MWAA",
    "mwaa_scheduler_log_group": "named by MWAA",
}
_STRING = re.compile(r'"((?:[^"\\$]|\\.|\$\{[^}]*\})*)"')
_BARE = re.compile(r"=\s*(local\.\w+|var\.name)\s*$", re.M)
_INTERPOLATION = re.compile(r"\$\{([^}]*)\}")


def _locals(env: str) -> dict[str, str]:
    main = (TERRAFORM_DIR / "environments" / env / "main.tf").read_text()
    block = main[main.index("locals {") :]
    values: dict[str, str] = {}
    for key, raw in re.findall(r'^\s+(\w+)\s*=\s*"([^"]*)"\s*$', block[: block.index("\n}")], re.M):
        values[f"local.{key}"] = _INTERPOLATION.sub(
            lambda m: values.get(m.group(1), m.group(0)), raw
        )
    values["var.name"] = values["local.name"]  # every module is given name = local.name
    return values


def _terraform_names(env: str) -> set[str]:
    context = _locals(env)
    texts = [(TERRAFORM_DIR / "environments" / env / "main.tf").read_text()]
    texts += [p.read_text() for p in sorted((TERRAFORM_DIR / "modules").rglob("*.tf"))]
    found: set[str] = set()
    for text in texts:
        for raw in _STRING.findall(text):
            value = _INTERPOLATION.sub(lambda m: context.get(m.group(1).strip(), "\x00"), raw)
            if "\x00" not in value:
                found.add(value)
        found |= {context[ref] for ref in _BARE.findall(text) if ref in context}
    return found


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_runbook_name_is_terraforms(env: str) -> None:
    names = resource_names(env)
    terraform = _terraform_names(env)
    checked = {
        f.name: getattr(names, f.name)
        for f in fields(ResourceNames)
        if f.name not in NOT_TERRAFORMS and getattr(names, f.name)
    }
    if 'module "scheduler"' not in (TERRAFORM_DIR / "environments" / env / "main.tf").read_text():
        checked.pop("scheduler_state_parameter")  # prod is never stopped at night
    missing = {field: value for field, value in checked.items() if value not in terraform}
    assert not missing, f"{env}: names Terraform does not give: {missing}"
    mwaa_prefix = f"airflow-{names.mwaa_env}-"
    assert names.mwaa_task_log_group.startswith(mwaa_prefix)
    assert names.mwaa_scheduler_log_group.startswith(mwaa_prefix)
    mwaa = (TERRAFORM_DIR / "modules" / "mwaa" / "main.tf").read_text()
    assert ":log-group:airflow-${var.name}-" in mwaa  # var.name is mwaa_env, checked above
    # The exemptions are real fields, so a renamed field cannot hide here.
    assert set(NOT_TERRAFORMS) <= {f.name for f in fields(ResourceNames)}
