"""AWS resources the way Terraform creates them, on the session's moto server over HTTP,
and a runner for the real ``nba-tracker ops`` app.

Each resource fixture depends on ``aws`` (a reset moto), so a test asks only for what
it touches. ``requests_sent`` proves that rejected input never reached AWS.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import boto3
import pytest
from botocore.endpoint import Endpoint
from click.testing import Result
from typer.testing import CliRunner

from nba_tracker.ops.cli import app
from nba_tracker.ops.naming import ResourceNames, resource_names

pytestmark = pytest.mark.aws

REGION = "ap-northeast-1"
DB_PASSWORD = "s3cret-Pa55word-never-printed"
SECURE_VALUE = "api-key-never-printed"


@pytest.fixture
def names() -> ResourceNames:
    return resource_names("dev", REGION)


@pytest.fixture
def client(aws: str) -> Callable[[str], Any]:
    """boto3 clients for the moto server (fixtures and assertions, not the code under test)."""
    session = boto3.session.Session(region_name=REGION)
    made: dict[str, Any] = {}

    def get(service: str) -> Any:
        if service not in made:
            made[service] = session.client(service)  # type: ignore[call-overload]
        return made[service]

    return get


Run = Callable[..., Result]


@pytest.fixture
def run(aws: str) -> Run:
    """``nba-tracker ops ARGS…`` in-process; stdin is not a TTY, so confirmations refuse."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def requests_sent(monkeypatch: pytest.MonkeyPatch) -> Callable[[], Any]:
    """``with requests_sent() as sent:`` collects every HTTP request botocore sends."""
    original = Endpoint._send

    @contextmanager
    def recording() -> Iterator[list[str]]:
        sent: list[str] = []

        def send(self: Endpoint, request: Any) -> Any:
            sent.append(f"{request.method} {request.url}")
            return original(self, request)

        monkeypatch.setattr(Endpoint, "_send", send)
        try:
            yield sent
        finally:
            monkeypatch.setattr(Endpoint, "_send", original)

    return recording


# --- Resources, as infra/terraform would create them ---------------------------------


@pytest.fixture
def network(client: Callable[[str], Any]) -> dict[str, Any]:
    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{i}.0/24", AvailabilityZone=f"{REGION}{az}")[
            "Subnet"
        ]["SubnetId"]
        for i, az in ((1, "a"), (2, "c"))
    ]
    db_sg = ec2.create_security_group(GroupName="nba-tracker-dev-db", Description="db", VpcId=vpc)
    return {"vpc": vpc, "subnets": subnets, "db_sg": db_sg["GroupId"]}


@pytest.fixture
def aurora(
    client: Callable[[str], Any], names: ResourceNames, network: dict[str, Any]
) -> dict[str, Any]:
    rds = client("rds")
    rds.create_db_subnet_group(
        DBSubnetGroupName=f"{names.prefix}-db",
        DBSubnetGroupDescription="tracker db",
        SubnetIds=network["subnets"],
    )
    cluster = rds.create_db_cluster(
        DBClusterIdentifier=names.db_cluster,
        Engine="aurora-postgresql",
        EngineVersion="16.4",
        DatabaseName="tracker",
        MasterUsername="tracker",
        MasterUserPassword=DB_PASSWORD,
        DBSubnetGroupName=f"{names.prefix}-db",
        VpcSecurityGroupIds=[network["db_sg"]],
        ServerlessV2ScalingConfiguration={"MinCapacity": 0.5, "MaxCapacity": 2.0},
    )["DBCluster"]
    rds.create_db_instance(
        DBInstanceIdentifier=f"{names.db_cluster}-1",
        DBClusterIdentifier=names.db_cluster,
        DBInstanceClass="db.serverless",
        Engine="aurora-postgresql",
    )
    return dict(cluster)


@pytest.fixture
def ecs_service(client: Callable[[str], Any], names: ResourceNames) -> dict[str, Any]:
    ecs = client("ecs")
    ecs.create_cluster(clusterName=names.cluster)
    task = ecs.register_task_definition(
        family=names.prefix,
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "tracker:latest", "essential": True}],
    )["taskDefinition"]["taskDefinitionArn"]
    service = ecs.create_service(
        cluster=names.cluster,
        serviceName=names.service,
        taskDefinition=task,
        desiredCount=2,
        launchType="FARGATE",
    )["service"]
    return dict(service)


@pytest.fixture
def alerts_topic(client: Callable[[str], Any], names: ResourceNames) -> str:
    return str(client("sns").create_topic(Name=names.sns_topic)["TopicArn"])


def put_events(
    client: Callable[[str], Any], group: str, messages: list[str], *, at_ms: int | None = None
) -> None:
    """Append events to stream ``app/1`` of ``group`` (created if missing), 1 ms apart."""
    logs = client("logs")
    existing = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    if not any(g["logGroupName"] == group for g in existing):
        logs.create_log_group(logGroupName=group)
        logs.create_log_stream(logGroupName=group, logStreamName="app/1")
    start = at_ms if at_ms is not None else int(time.time() * 1000)
    logs.put_log_events(
        logGroupName=group,
        logStreamName="app/1",
        logEvents=[{"timestamp": start + i, "message": m} for i, m in enumerate(messages)],
    )


@pytest.fixture
def log_groups(client: Callable[[str], Any], names: ResourceNames) -> dict[str, list[str]]:
    """The three groups of the guide, with a few minutes of typical lines."""
    now = int(time.time() * 1000)
    lines = {
        names.ecs_log_group: [
            "INFO Request completed path=/health status=200 duration=12.5",
            "ERROR database unavailable [pool exhausted]",
            "INFO Request completed path=/trades status=200 duration=48.0",
            "ERROR feed timeout source=espn",
        ],
        names.mwaa_task_log_group: ["INFO nba_rss_scraper collect: 14 new"],
        names.mwaa_scheduler_log_group: ["INFO scheduler heartbeat"],
    }
    for group, messages in lines.items():
        put_events(client, group, messages, at_ms=now - 120_000)
    return lines


@pytest.fixture
def app_config(client: Callable[[str], Any], names: ResourceNames) -> dict[str, Any]:
    """The DB secret and parameters under /nba-tracker/dev, nested like Terraform writes them."""
    secret = client("secretsmanager").create_secret(
        Name=names.db_secret,
        SecretString=f'{{"username": "tracker", "password": "{DB_PASSWORD}"}}',
        Description="Aurora master password",
    )
    ssm = client("ssm")
    params = {
        f"{names.ssm_path}/app/log_level": ("String", "INFO"),
        f"{names.ssm_path}/app/feeds": ("StringList", "espn,yahoo,nba"),
        f"{names.ssm_path}/translate/api_key": ("SecureString", SECURE_VALUE),
        f"{names.ssm_path}/scheduler/state": ("String", '{"desired": 2}'),
    }
    for name, (type_, value) in params.items():
        ssm.put_parameter(Name=name, Type=type_, Value=value)
    # Another environment's parameter must never leak into dev's export.
    ssm.put_parameter(Name="/nba-tracker/prod/app/log_level", Type="String", Value="WARN")
    return {"secret_arn": secret["ARN"], "parameters": params}


class _MwaaHandler(BaseHTTPRequestHandler):
    """GetEnvironment, answered in the shape of the MWAA REST API (restJson)."""

    environments: ClassVar[dict[str, str]] = {}

    def do_GET(self) -> None:
        name = self.path.rstrip("/").rsplit("/", 1)[-1]
        status = self.environments.get(name)
        if status is None:
            body, code = {"message": f"Environment {name} not found"}, 404
            headers = {"x-amzn-ErrorType": "ResourceNotFoundException"}
        else:
            body, code, headers = {"Environment": {"Name": name, "Status": status}}, 200, {}
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


@pytest.fixture
def mwaa(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """MWAA environments by name → status. moto has no MWAA, so a small HTTP peer
    answers GetEnvironment with the API's documented shapes (found / 404)."""
    environments: dict[str, str] = {}
    handler = type("Handler", (_MwaaHandler,), {"environments": environments})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("AWS_ENDPOINT_URL_MWAA", f"http://127.0.0.1:{server.server_address[1]}")
    try:
        yield environments
    finally:
        server.shutdown()
        server.server_close()
