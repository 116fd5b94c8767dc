"""Terraform: formatting, validation of both environments with the real AWS provider,
the module conventions, and what the environments must expose."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.infra.conftest import ENVIRONMENTS, TERRAFORM_DIR, Terraform

pytestmark = pytest.mark.terraform

MODULES = sorted(p for p in (TERRAFORM_DIR / "modules").iterdir() if p.is_dir())
MODULE_FILES = ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md")
# The outputs docs/deploy.md and the ops commands (naming.with_terraform_outputs) read.
REQUIRED_OUTPUTS = {
    "ecr_repository_url",
    "alb_dns_name",
    "cluster_name",
    "service_name",
    "db_cluster_id",
    "mwaa_dag_bucket",
    "sns_topic_arn",
    "db_secret_arn",
    "logs_bucket",
    "alb_target_group_arn_suffix",
    "alb_arn_suffix",
    "ecs_security_group_id",
    "db_security_group_id",
}

_BLOCK = re.compile(r'^(variable|output) "([^"]+)" \{\n(.*?)^\}', re.M | re.S)


def hcl(path: Path) -> str:
    """A Terraform file with its alignment spaces collapsed, so a check reads what the
    code says, not how `terraform fmt` lined it up."""
    return re.sub(r"[ \t]+", " ", path.read_text())


def blocks(path: Path, kind: str) -> dict[str, str]:
    return {name: body for k, name, body in _BLOCK.findall(path.read_text()) if k == kind}


def test_fmt(terraform: Terraform) -> None:
    result = terraform.run(
        "fmt", "-check", "-recursive", "-diff", "-no-color", ".", cwd=TERRAFORM_DIR
    )
    assert result.returncode == 0, f"terraform fmt would change:\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_validate(terraform: Terraform, infra_copy: Path, env: str) -> None:
    workdir = infra_copy / "infra" / "terraform" / "environments" / env
    data_dir = terraform.home / f"data-{env}"
    init = terraform.run(
        "init", "-backend=false", "-input=false", "-no-color", cwd=workdir, data_dir=data_dir
    )
    assert init.returncode == 0, init.stdout + init.stderr
    result = terraform.run("validate", "-json", "-no-color", cwd=workdir, data_dir=data_dir)
    report = json.loads(result.stdout)
    problems = [
        f"{d['severity']}: {d['summary']} {d.get('detail', '')} ({d.get('range', {}).get('filename')})"
        for d in report["diagnostics"]
    ]
    assert report["valid"], "\n".join(problems)
    assert not [p for p in problems if p.startswith("warning")], "\n".join(problems)


def test_provider_pins_accept_the_mirrored_version(terraform: Terraform) -> None:
    for versions in TERRAFORM_DIR.rglob("versions.tf"):
        text = versions.read_text()
        assert 'version = "~> 5.100"' in text, versions
        for provider in re.findall(r'source\s*=\s*"hashicorp/(\w+)"', text):
            assert terraform.has_provider(provider), f"{versions}: {provider} is not mirrored"


def test_archive_provider_only_when_mirrored(terraform: Terraform) -> None:
    uses_archive = any("archive_file" in p.read_text() for p in TERRAFORM_DIR.rglob("*.tf"))
    assert not uses_archive or terraform.has_provider("archive")


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_module_layout(module: Path) -> None:
    for name in MODULE_FILES:
        assert (module / name).is_file(), f"{module.name} lacks {name}"
    readme = (module / "README.md").read_text()
    for name, body in blocks(module / "variables.tf", "variable").items():
        assert re.search(r"^\s+type\s+=", body, re.M), f"{module.name}: variable {name} has no type"
        assert re.search(r'^\s+description\s+=\s+"\S', body, re.M), (
            f"{module.name}: {name} undescribed"
        )
        assert f"`{name}`" in readme, f"{module.name}/README.md does not list input {name}"
    for name, body in blocks(module / "outputs.tf", "output").items():
        assert "description" in body, f"{module.name}: output {name} has no description"
        assert f"`{name}`" in readme, f"{module.name}/README.md does not list output {name}"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_environment_files(env: str) -> None:
    root = TERRAFORM_DIR / "environments" / env
    for name in (
        "main.tf",
        "variables.tf",
        "outputs.tf",
        "versions.tf",
        "backend.tf.example",
        "terraform.tfvars.example",
    ):
        assert (root / name).is_file(), f"{env} lacks {name}"
    outputs = blocks(root / "outputs.tf", "output")
    assert outputs.keys() >= REQUIRED_OUTPUTS, REQUIRED_OUTPUTS - outputs.keys()
    variables = blocks(root / "variables.tf", "variable")
    assert "enable_mwaa" in variables
    assert 'backend "s3"' in (root / "backend.tf.example").read_text()
    for name, body in variables.items():
        assert "type" in body and "description" in body, f"{env}: variable {name}"


def test_prod_differs_where_it_must() -> None:
    dev = hcl(TERRAFORM_DIR / "environments" / "dev" / "main.tf")
    prod = hcl(TERRAFORM_DIR / "environments" / "prod" / "main.tf")
    assert 'module "scheduler"' in dev
    assert 'module "scheduler"' not in prod, "prod must not be stopped at night"
    assert re.search(r"instance_count\s+=\s+2", prod)
    assert len(re.findall(r"deletion_protection\s+=\s+true", prod)) == 2  # ALB and Aurora
    assert 'dashboard = "NBATracker-Prod"' in prod


def test_guide_names_and_schedules() -> None:
    scheduler = hcl(TERRAFORM_DIR / "modules" / "scheduler" / "variables.tf")
    assert '"cron(0 13 * * ? *)"' in scheduler and '"cron(0 23 * * ? *)"' in scheduler
    aurora = hcl(TERRAFORM_DIR / "modules" / "aurora" / "variables.tf")
    assert '"sun:15:00-sun:16:00"' in aurora
    aurora_main = hcl(TERRAFORM_DIR / "modules" / "aurora" / "main.tf")
    assert "manage_master_user_password = true" in aurora_main
    assert "master_password" not in aurora_main.replace("manage_master_user_password", "")
    ecs = hcl(TERRAFORM_DIR / "modules" / "ecs_service" / "main.tf")
    assert 'log_group_name = "/aws/ecs/${var.name}"' in ecs


def test_task_role_translate_is_scoped_to_the_terminology() -> None:
    ecs = hcl(TERRAFORM_DIR / "modules" / "ecs_service" / "main.tf")
    statement = ecs[ecs.index('sid = "TranslateWithTerminology"') :]
    statement = statement[: statement.index("}")]
    assert '["translate:TranslateText", "translate:GetTerminology"]' in statement
    assert "resources = [local.terminology_arn]" in statement
    assert ":terminology/${var.translate_terminology}" in ecs
    actions = [
        a
        for p in TERRAFORM_DIR.rglob("*.tf")
        for a in re.findall(r'"translate:[^"]*"', p.read_text())
    ]
    assert sorted(actions) == ['"translate:GetTerminology"', '"translate:TranslateText"'], actions


def test_no_plain_secret_variables_or_outputs() -> None:
    for path in TERRAFORM_DIR.rglob("*.tf"):
        for kind in ("variable", "output"):
            for name in blocks(path, kind):
                assert "password" not in name.lower(), f"{path}: {kind} {name}"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_monitoring_module_renders_what_python_renders(
    terraform: Terraform, infra_copy: Path, env: str
) -> None:
    """Terraform's dashboard body, alarm and filter names equal the Python renderer's."""
    from nba_tracker.ops.monitoring import definition as md

    names = {
        "region": "ap-northeast-1",
        "env": env,
        "project": "nba-tracker",
        "prefix": f"nba-tracker-{env}",
        "cluster": f"nba-tracker-{env}",
        "service": f"nba-tracker-{env}",
        "db_cluster": f"nba-tracker-{env}",
        "alb": f"app/nba-tracker-{env}/0123456789abcdef",
        "target_group": f"targetgroup/nba-tracker-{env}/fedcba9876543210",
        "mwaa_env": f"nba-tracker-{env}",
        "ecs_log_group": f"/aws/ecs/nba-tracker-{env}",
        "alarm_prefix": "nba-tracker" if env == "dev" else f"nba-tracker-{env}",
        "dashboard": f"NBATracker-{env.capitalize()}",
    }
    module = infra_copy / "infra" / "terraform" / "modules" / "monitoring"
    data_dir = terraform.home / "data-monitoring"
    init = terraform.run(
        "init", "-backend=false", "-input=false", "-no-color", cwd=module, data_dir=data_dir
    )
    assert init.returncode == 0, init.stdout + init.stderr
    tfvars = terraform.home / f"monitoring-{env}.tfvars.json"
    tfvars.write_text(
        json.dumps(
            {
                "definition_path": str(infra_copy / "infra" / "monitoring" / "monitoring.json"),
                "names": names,
                "topic_name": "alerts",
                "kms_key_arn": "arn:aws:kms:ap-northeast-1:123456789012:key/test",
            }
        )
    )
    expression = (
        "jsonencode({ dashboard = jsondecode(local.dashboard_body), name = local.definition.dashboard.name,"
        " alarms = keys(local.alarms), filters = keys(local.metric_filters),"
        " dimensions = { for k, a in local.alarms : k => [for d in try(a.Dimensions, []) :"
        ' replace(replace(d.Value, "@@alb@@", local.tokens["@@alb@@"]), "@@target_group@@", local.tokens["@@target_group@@"])] } })'
    )
    result = terraform.run(
        "console", f"-var-file={tfvars}", cwd=module, data_dir=data_dir, stdin=expression + "\n"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    rendered = json.loads(json.loads(result.stdout.strip()))

    defn = md.load_definition(infra_copy / "infra" / "monitoring" / "monitoring.json")
    assert rendered["dashboard"] == md.render_dashboard(defn, names)
    assert rendered["name"] == md.dashboard_name(defn, names)
    alarms = md.render_alarms(defn, names, "arn:aws:sns:ap-northeast-1:123456789012:alerts")
    assert sorted(rendered["alarms"]) == sorted(a["AlarmName"] for a in alarms)
    assert rendered["dimensions"] == {
        a["AlarmName"]: [d["Value"] for d in a.get("Dimensions", [])] for a in alarms
    }
    assert rendered["filters"] == [f["filterName"] for f in md.render_metric_filters(defn, names)]
