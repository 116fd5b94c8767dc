"""The dev environment applied by Terraform to a moto server of this suite's own, once
per run, destroyed at the end; prod planned beside it.

terraform and the provider mirror are found as tests/infra finds them; on CI a missing
one is a failure, elsewhere the suite skips and says what is missing.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.deploy.harness import (
    OVERRIDE_NAME,
    PARALLELISM,
    REPO,
    TIMINGS,
    AbsentMwaa,
    Deployed,
    MotoServer,
    Terraform,
    TerraformFailed,
    copy_infra,
    emulator_env,
    override_text,
    switch_args,
    terraform_env,
)
from tests.infra.conftest import find_mirror, unavailable

pytestmark = pytest.mark.deploy


def _build_lambda(root: Path) -> None:
    """The scheduler's package where the dev environment's default path expects it."""
    spec = importlib.util.spec_from_file_location(
        "build_lambda_zip", REPO / "infra" / "scripts" / "build_lambda_zip.py"
    )
    assert spec and spec.loader
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    builder.build(root / "build" / "lambda" / "scheduler.zip")


@pytest.fixture(scope="session")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployed]:
    exe = shutil.which("terraform")
    mirror = find_mirror()
    if exe is None:
        unavailable("terraform is not on PATH")
    if mirror is None:
        unavailable("no filesystem mirror of hashicorp/aws (set NBA_TRACKER_TF_MIRROR)")
    assert exe is not None and mirror is not None
    root = tmp_path_factory.mktemp("deploy")
    started = time.monotonic()
    moto = MotoServer(root / "moto.log")
    mwaa = AbsentMwaa()
    try:
        copy_infra(root)
        _build_lambda(root)
        env = terraform_env(mirror, root, moto.url)
        tfs = {}
        for name in ("dev", "prod"):
            workdir = root / "infra" / "terraform" / "environments" / name
            (workdir / OVERRIDE_NAME).write_text(override_text(moto.url))
            tfs[name] = Terraform(exe, workdir, env, TIMINGS)
            tfs[name].check("init", "-backend=false", "-input=false")
        dev = tfs["dev"]
        # prod is only planned, and its plan reads nothing dev's apply writes: both at once.
        pool = ThreadPoolExecutor(max_workers=1)
        prod_plan = pool.submit(
            tfs["prod"].check, "plan", "-out=prod.plan", f"-parallelism={PARALLELISM}"
        )
        pool.shutdown(wait=False)
        dev.check("apply", "-auto-approve", f"-parallelism={PARALLELISM}", *switch_args())
        outputs_file = root / "outputs.json"
        outputs_file.write_text(dev.check("output", "-json"))
        outputs = {k: v["value"] for k, v in json.loads(outputs_file.read_text()).items()}
        ops_env = {**emulator_env(moto.url), "AWS_ENDPOINT_URL_MWAA": mwaa.url, "COLUMNS": "200"}
        deployed = Deployed(
            root, dev, tfs["prod"], prod_plan, moto.url, ops_env, outputs_file, outputs
        )
        TIMINGS["setup (moto, copy, init, apply)"] = time.monotonic() - started
        yield deployed
        if not deployed.destroyed:
            dev.check("destroy", "-auto-approve", f"-parallelism={PARALLELISM}", *switch_args())
    except TerraformFailed as exc:
        pytest.fail(str(exc), pytrace=False)
    finally:
        mwaa.stop()
        moto.stop()
        TIMINGS["total"] = time.monotonic() - started


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if TIMINGS:
        terminalreporter.section("deployment timings")
        for step, seconds in TIMINGS.items():
            terminalreporter.write_line(f"{step:<40} {seconds:7.1f} s")
