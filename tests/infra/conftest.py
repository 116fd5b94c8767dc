"""What the infrastructure tests run against: terraform with the offline AWS provider
mirror, checkov in its own virtualenv, and a moto server over HTTP.

On CI (``CI`` set) anything missing is a failure; elsewhere the tests that need it skip
and say what is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
INFRA = REPO / "infra"
TERRAFORM_DIR = INFRA / "terraform"
ENVIRONMENTS = ("dev", "prod")
IN_CI = bool(os.environ.get("CI"))

# Where an offline mirror of registry.terraform.io/hashicorp/aws may live.
MIRROR_ROOTS = (
    Path("/opt/tf-plugins"),
    Path("/usr/share/terraform/plugins"),
    Path("/usr/local/share/terraform/plugins"),
    Path.home() / ".terraform.d" / "plugins",
    Path.home() / ".local" / "share" / "terraform" / "plugins",
)
AWS_PROVIDER = Path("registry.terraform.io/hashicorp/aws")


def unavailable(reason: str) -> None:
    """Skip on a developer machine; fail on CI, where every tool must be present."""
    if IN_CI:
        pytest.fail(f"required for the infrastructure checks in CI: {reason}")
    pytest.skip(f"not available on this machine: {reason}")


def find_mirror() -> Path | None:
    configured = os.environ.get("NBA_TRACKER_TF_MIRROR")
    candidates = [Path(configured)] if configured else list(MIRROR_ROOTS)
    for root in candidates:
        if (root / AWS_PROVIDER).is_dir():
            return root
    return None


class Terraform:
    """terraform with a CLI config pointing at the mirror; all state lives in a temp dir."""

    def __init__(self, exe: str, mirror: Path, home: Path) -> None:
        self.exe = exe
        self.mirror = mirror
        self.home = home
        config = home / "terraformrc"
        config.write_text(
            "provider_installation {\n"
            f'  filesystem_mirror {{\n    path    = "{mirror}"\n'
            '    include = ["registry.terraform.io/*/*"]\n  }\n'
            '  direct {\n    exclude = ["registry.terraform.io/*/*"]\n  }\n'
            "}\n"
        )
        self.env = {
            **os.environ,
            "TF_CLI_CONFIG_FILE": str(config),
            "CHECKPOINT_DISABLE": "1",
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
        }

    def run(
        self, *args: str, cwd: Path, data_dir: Path | None = None, stdin: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        env = dict(self.env)
        if data_dir is not None:
            env["TF_DATA_DIR"] = str(data_dir)
        return subprocess.run(
            [self.exe, *args],
            cwd=cwd,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=600,
        )

    def has_provider(self, name: str) -> bool:
        return (self.mirror / "registry.terraform.io" / "hashicorp" / name).is_dir()


@pytest.fixture(scope="session")
def terraform(tmp_path_factory: pytest.TempPathFactory) -> Terraform:
    exe = shutil.which("terraform")
    mirror = find_mirror()
    if exe is None:
        unavailable("terraform is not on PATH")
    if mirror is None:
        where = os.environ.get("NBA_TRACKER_TF_MIRROR") or ", ".join(map(str, MIRROR_ROOTS))
        unavailable(f"no filesystem mirror of hashicorp/aws in {where} (set NBA_TRACKER_TF_MIRROR)")
    assert exe is not None and mirror is not None
    return Terraform(exe, mirror, tmp_path_factory.mktemp("terraform"))


@pytest.fixture(scope="session")
def infra_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """infra/ and airflow/ copied out of the repo: ``terraform init`` writes a lock file
    beside the configuration, and the repo must stay untouched."""
    root = tmp_path_factory.mktemp("repo")
    ignore = shutil.ignore_patterns(
        ".terraform", ".terraform.lock.hcl", "*.tfstate*", "__pycache__"
    )
    shutil.copytree(INFRA, root / "infra", ignore=ignore)
    shutil.copytree(REPO / "airflow", root / "airflow", ignore=ignore)
    return root


@pytest.fixture
def moto_endpoint(aws: str) -> str:
    """The suite's moto server (tests/conftest.py), reset for this test, passed to clients
    as endpoint_url."""
    return aws
