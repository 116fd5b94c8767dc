"""What the deployment test drives: its own moto server, a copy of infra/ with a test-only
provider override, terraform with the offline provider mirror, and the ops CLI as a
subprocess.

Everything here speaks to the emulator through explicit environments handed to child
processes: the rest of the suite shares ``os.environ`` and its own moto server, and this
run must neither disturb nor be disturbed by it (it may run beside the suite).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import Future
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
REGION = "ap-northeast-1"
NBA_TRACKER = Path(sys.executable).with_name("nba-tracker")

# The endpoints block of the override: every service the environments' resources and
# data sources call. A service missing here would go to real AWS and fail on the fake
# credentials, so the list is checked against the configuration (test_override_covers).
ENDPOINT_SERVICES = (
    "acm",
    "applicationautoscaling",
    "cloudtrail",
    "cloudwatch",
    "configservice",
    "ec2",
    "ecr",
    "ecs",
    "elbv2",
    "events",
    "iam",
    "kms",
    "lambda",
    "logs",
    "mwaa",
    "rds",
    "s3",
    "secretsmanager",
    "sns",
    "sqs",
    "ssm",
    "sts",
    "wafv2",
)

# The only file the test adds to an environment. Terraform merges *_override.tf into
# the provider block of versions.tf, so the committed files stay as production uses them.
OVERRIDE_NAME = "emulator_override.tf"


def override_text(endpoint: str) -> str:
    lines = "\n".join(f'    {s:<22} = "{endpoint}"' for s in ENDPOINT_SERVICES)
    return (
        "# Written by tests/deploy: points the AWS provider at a moto server.\n"
        'provider "aws" {\n'
        '  access_key                  = "testing"\n'
        '  secret_key                  = "testing"\n'
        "  skip_credentials_validation = true\n"
        "  skip_metadata_api_check     = true\n"
        "  s3_use_path_style           = true\n"
        "  endpoints {\n"
        f"{lines}\n"
        "  }\n"
        "}\n"
    )


def emulator_env(endpoint: str) -> dict[str, str]:
    """The environment of every child process: moto, fake credentials, no profile."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION=REGION,
        AWS_REGION=REGION,
        NBA_TRACKER_ENV="dev",
    )
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


EMULATOR = Path(__file__).with_name("emulator.py")


class MotoServer:
    """A moto server of this run's own (emulator.py: moto_server plus scalable-target
    tags). AWS-managed IAM policies are loaded (moto leaves them out by default), so the
    roles attach AmazonRDSEnhancedMonitoringRole and AWS_ConfigRole exactly as on AWS."""

    def __init__(self, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}
        self._log = log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, str(EMULATOR), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/moto-api/", timeout=1):
                    return
            except Exception:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"moto_server did not start (log: {log})")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self._log.close()


def copy_infra(dest: Path) -> Path:
    """infra/ and airflow/ (the MWAA module uploads the DAGs) copied out of the repo, so
    init's lock file, the state and the override never land in the working tree."""
    ignore = shutil.ignore_patterns(
        ".terraform", ".terraform.lock.hcl", "*.tfstate*", "__pycache__", "*_override.tf"
    )
    shutil.copytree(REPO / "infra", dest / "infra", ignore=ignore)
    shutil.copytree(REPO / "airflow", dest / "airflow", ignore=ignore)
    return dest


_WITH = re.compile(r"^with (\S+),$")


def summarize_errors(output: str) -> str:
    """Terraform's errors as one line each — the resource address and the message —
    instead of the whole provider output (boxed or, with -no-color, plain)."""
    errors: list[list[str]] = []
    for raw in output.splitlines():
        line = raw.removeprefix("│").strip()
        if line.startswith("Error: "):
            errors.append(["(configuration)", line.removeprefix("Error: ")])
        elif errors and errors[-1][0] == "(configuration)" and (found := _WITH.match(line)):
            errors[-1][0] = found.group(1)
    return "\n".join(f"{where}: {message}" for where, message in errors) or output[-3000:]


@dataclass
class Terraform:
    """terraform in one environment directory of the copy, with the mirror's CLI config."""

    exe: str
    workdir: Path
    env: dict[str, str]
    timings: dict[str, float] = field(default_factory=dict)

    def run(self, *args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
        started = time.monotonic()
        result = subprocess.run(
            [self.exe, *args, "-no-color"],
            cwd=self.workdir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        self.timings[f"{self.workdir.name} {args[0]}"] = time.monotonic() - started
        return result

    def check(self, *args: str, timeout: float = 900) -> str:
        result = self.run(*args, timeout=timeout)
        if result.returncode != 0:
            raise TerraformFailed(
                f"terraform {args[0]} in {self.workdir.name} failed:\n"
                + summarize_errors(result.stdout + result.stderr)
            )
        return result.stdout

    def show_json(self, plan_file: str) -> dict[str, Any]:
        return json.loads(self.check("show", "-json", plan_file))


class TerraformFailed(AssertionError):
    pass


def terraform_env(mirror: Path, home: Path, endpoint: str) -> dict[str, str]:
    config = home / "terraformrc"
    config.write_text(
        "provider_installation {\n"
        f'  filesystem_mirror {{\n    path    = "{mirror}"\n'
        '    include = ["registry.terraform.io/*/*"]\n  }\n'
        '  direct {\n    exclude = ["registry.terraform.io/*/*"]\n  }\n'
        "}\n"
    )
    return {
        **emulator_env(endpoint),
        "TF_CLI_CONFIG_FILE": str(config),
        "TF_PLUGIN_CACHE_DIR": "",
        "CHECKPOINT_DISABLE": "1",
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
    }


@dataclass
class OpsResult:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        try:
            return json.loads(self.stdout)
        except json.JSONDecodeError as exc:
            raise AssertionError(
                f"{self.command}: not JSON ({exc}):\n{self.stdout[:2000]}"
            ) from exc

    @property
    def command(self) -> str:
        return "nba-tracker ops " + " ".join(self.args)


class Ops:
    """``nba-tracker ops …`` through the installed entry point, names either from
    Terraform's outputs (``--tf-outputs``) or from the Python naming alone."""

    def __init__(self, env: dict[str, str], tf_outputs: Path | None, cwd: Path) -> None:
        self.env = env
        self.tf_outputs = tf_outputs
        self.cwd = cwd
        self.log: list[OpsResult] = []

    @property
    def mode(self) -> str:
        return "tf-outputs" if self.tf_outputs else "naming"

    def __call__(
        self, *args: str, expect: int | tuple[int, ...] = 0, timeout: float = 300
    ) -> OpsResult:
        common = ["--tf-outputs", str(self.tf_outputs)] if self.tf_outputs else []
        # The common options belong to each command, so they follow its own arguments.
        argv = [str(NBA_TRACKER), "ops", *args, *common]
        proc = subprocess.run(
            argv, cwd=self.cwd, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        result = OpsResult(tuple(args), proc.returncode, proc.stdout, proc.stderr)
        self.log.append(result)
        # Every command and its answer, kept beside moto.log for a failed run.
        with (self.cwd / "ops.log").open("a") as log:
            log.write(f"$ [{self.mode}] {result.command}  -> exit {proc.returncode}\n")
            log.write(proc.stderr + proc.stdout[-4000:] + "\n")
        allowed = (expect,) if isinstance(expect, int) else expect
        if proc.returncode not in allowed:
            raise AssertionError(
                f"[{self.mode}] {result.command} exited {proc.returncode}, expected {expect}:\n"
                f"{proc.stderr.strip()[-2000:]}\n{proc.stdout.strip()[-2000:]}"
            )
        return result


class _AbsentMwaa(BaseHTTPRequestHandler):
    """The MWAA REST API of an account where the environment is switched off
    (``enable_mwaa = false``): every environment is not found, the list is empty."""

    def do_GET(self) -> None:
        if self.path.rstrip("/").endswith("/environments"):
            self._send(200, {"Environments": []}, {})
            return
        name = self.path.rstrip("/").rsplit("/", 1)[-1]
        self._send(
            404,
            {"Message": f"Environment {name} not found"},
            {"x-amzn-ErrorType": "ResourceNotFoundException"},
        )

    def _send(self, code: int, body: dict[str, Any], headers: dict[str, str]) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        return None


class AbsentMwaa:
    """moto has no MWAA at all; this peer answers as AWS does when there is none."""

    def __init__(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _AbsentMwaa)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# Variables of the environments that stand for real choices and are set here because
# moto cannot emulate the other side. docs/deploy.md lists each with its reason
# (test_switches_are_documented keeps the two in step).
SWITCHES = {
    # moto has no MWAA API; the guide's first apply is made without MWAA anyway.
    "enable_mwaa": "false",
    # moto refuses an S3 flow-log destination with a key prefix (it looks up
    # "bucket/prefix" as a bucket name); a log group is the other destination AWS offers.
    "flow_log_destination": "cloud-watch-logs",
    # moto accepts PutBucketLogging only with a policy naming the exact target prefix;
    # the logs bucket grants the whole s3-access/ prefix, which AWS accepts.
    "enable_s3_access_logging": "false",
}

PARALLELISM = os.environ.get("NBA_TRACKER_TF_PARALLELISM", "20")
TIMINGS: dict[str, float] = {}


@dataclass
class Deployed:
    root: Path
    dev: Terraform
    prod: Terraform
    prod_plan: Future[str]
    endpoint: str
    env: dict[str, str]
    outputs_file: Path
    outputs: dict[str, object]
    destroyed: list[bool] = field(default_factory=list)

    def ops(self, tf_outputs: bool) -> Ops:
        return Ops(self.env, self.outputs_file if tf_outputs else None, self.root)

    def output(self, name: str) -> str:
        value = self.outputs[name]
        assert isinstance(value, str), f"output {name} is {value!r}"
        return value


def switch_args() -> list[str]:
    return [f"-var={name}={value}" for name, value in SWITCHES.items()]
