"""What every ``nba-tracker ops`` command shares: the AWS context, dry-run, confirmation,
output, and turning AWS failures into one clear line and an exit code.

A command is a plain function taking an :class:`OpsContext` first; :func:`ops_command`
adds the common options (``--env --region --profile --tf-outputs --json --dry-run
--yes``) to its signature so each command declares only its own.
"""

from __future__ import annotations

import functools
import inspect
import json
import os
import sys
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import boto3
import typer
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    WaiterError,
)
from botocore.parsers import ResponseParserError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from nba_tracker.aws_errors import error_code, error_message
from nba_tracker.errors import Aborted, InvalidInput, OpsError
from nba_tracker.ops.naming import (
    DEFAULT_REGION,
    ResourceNames,
    resource_names,
    with_terraform_outputs,
)
from nba_tracker.terminal import cli_errors, err_console  # noqa: F401 - the ops modules' console

console = Console()

REDACTED = "<redacted>"


_BOTO_CONFIG = Config(retries={"max_attempts": 5, "mode": "adaptive"}, connect_timeout=10)


class Severity(StrEnum):
    """How much a finding of ``ops doctor`` or ``ops audit`` asks of the operator."""

    OK = "ok"
    INFO = "info"  # worth knowing, nothing to do
    LOW = "low"  # expected, e.g. the ALB open on 80/443
    WARNING = "warning"  # look at it soon
    MEDIUM = "medium"
    HIGH = "high"  # broken or exposed: act now

    @property
    def rank(self) -> int:
        """``ops doctor``'s exit code for it."""
        return {Severity.WARNING: 1, Severity.MEDIUM: 1, Severity.HIGH: 2}.get(self, 0)


@dataclass(frozen=True)
class Finding:
    """One thing ``ops doctor`` or ``ops audit`` saw, and what to do about it."""

    area: str
    severity: Severity
    seen: str
    action: str

    def as_dict(self) -> dict[str, str]:
        return {k: str(v) for k, v in asdict(self).items()}


@dataclass
class OpsContext:
    names: ResourceNames
    profile: str | None = None
    json_output: bool = False
    dry_run: bool = False
    assume_yes: bool = False
    planned_calls: list[dict[str, Any]] = field(default_factory=list)
    _session: boto3.session.Session | None = None
    _clients: dict[str, Any] = field(default_factory=dict)

    @property
    def session(self) -> boto3.session.Session:
        if self._session is None:
            self._session = boto3.session.Session(
                profile_name=self.profile, region_name=self.names.region
            )
        return self._session

    def client(self, service: str, /) -> Any:
        """A boto3 client; honours boto3's own configuration, AWS_ENDPOINT_URL included."""
        if service not in self._clients:
            config = _BOTO_CONFIG
            if self._custom_endpoint(service):
                # Host prefixes ("api." for MWAA) exist on AWS's own hostnames only;
                # prefixed onto an emulator's "127.0.0.1" they make an unreachable host.
                config = config.merge(Config(inject_host_prefix=False))
            self._clients[service] = self.session.client(service, config=config)  # type: ignore[call-overload]
        return self._clients[service]

    def _custom_endpoint(self, service: str) -> bool:
        specific = "AWS_ENDPOINT_URL_" + service.upper().replace("-", "_")
        return bool(
            os.environ.get("AWS_ENDPOINT_URL")
            or os.environ.get(specific)
            or self.session._session.get_config_variable("endpoint_url")
        )

    def change(
        self, service: str, operation: str, /, *, redact: Collection[str] = (), **params: Any
    ) -> Any:
        """Make a call that changes AWS — or, with ``--dry-run``, print exactly that call.

        Parameters named in ``redact`` (secret values) are shown as ``<redacted>``.
        """
        if self.dry_run:
            shown = {k: (REDACTED if k in redact else v) for k, v in params.items()}
            self.planned_calls.append({"service": service, "operation": operation, "params": shown})
            if not self.json_output:
                rendered = ", ".join(f"{k}={v!r}" for k, v in shown.items())
                console.print(
                    f"[yellow]dry-run[/] would call {service}.{operation}({escape(rendered)})",
                    highlight=False,
                    soft_wrap=True,  # one call per line, whatever the terminal width
                )
            return None
        return getattr(self.client(service), operation)(**params)

    def wait(
        self,
        service: str,
        waiter: str,
        text: str,
        /,
        *,
        delay: int = 15,
        max_attempts: int = 120,
        **params: Any,
    ) -> None:
        """Block on a boto3 waiter behind a spinner; a timeout is a :class:`WaiterError`."""
        with self.status(text):
            self.client(service).get_waiter(waiter).wait(
                WaiterConfig={"Delay": delay, "MaxAttempts": max_attempts}, **params
            )

    def confirm(self, action: str) -> None:
        """Ask before destroying; on prod the operator must type the environment's name."""
        if self.dry_run or self.assume_yes:
            return
        if not sys.stdin.isatty():
            raise Aborted(f"refusing to {action} without confirmation; pass --yes")
        if self.names.env == "prod":
            typed = typer.prompt(f"This will {action} in PROD. Type the environment name to go on")
            if typed.strip() != self.names.env:
                raise Aborted("confirmation did not match; nothing was changed")
        elif not typer.confirm(f"{action}?", default=False):
            raise Aborted("cancelled; nothing was changed")

    def emit(
        self,
        rows: Sequence[Mapping[str, Any]],
        columns: Sequence[str] | None = None,
        title: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        """Rows as a Rich table, or as JSON with ``--json``."""
        if self.json_output:
            payload: dict[str, Any] = {"items": list(rows)}
            if extra:
                payload.update(extra)
            if self.planned_calls:
                payload["dry_run_calls"] = self.planned_calls
            print_json(payload)
            return
        render_table(rows, columns, title)
        for key, value in (extra or {}).items():
            console.print(f"[bold]{key}[/]: {value}")

    def message(self, text: str) -> None:
        if not self.json_output:
            console.print(text)

    def status(self, text: str) -> Any:
        """A spinner while waiting (silent with --json)."""
        if self.json_output:
            return _NullStatus()
        return console.status(text)


class _NullStatus:
    def __enter__(self) -> _NullStatus:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def print_json(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, indent=2, default=str, ensure_ascii=False) + "\n")


def render_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str] | None = None,
    title: str | None = None,
) -> None:
    cols = list(columns) if columns else (list(rows[0].keys()) if rows else [])
    table = Table(title=title, show_lines=False)
    for col in cols:
        # Fold, never cut: an operator copies identifiers out of these cells.
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in cols))
    if not rows:
        console.print(f"[dim]{title + ': ' if title else ''}nothing found[/]")
    else:
        console.print(table)


def describe_aws_error(exc: BaseException) -> str:
    """One line an operator can act on, never a traceback."""
    if isinstance(exc, NoCredentialsError):
        return "no AWS credentials found: set AWS_PROFILE or pass --profile (see `aws configure`)"
    if isinstance(exc, NoRegionError):
        return "no AWS region: pass --region"
    if isinstance(exc, ClientError):
        code = error_code(exc) or "Error"
        msg = " ".join(error_message(exc).split())
        if msg.lower().startswith("<!doctype") or msg.lower().startswith("<html"):
            # Not an AWS error body: an emulator or proxy answered with a web page.
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "?")
            msg = f"the endpoint answered HTTP {status} with a web page, not an AWS error"
        op = getattr(exc, "operation_name", "call")
        if code in {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"}:
            return f"access denied for {op}: {msg} (check the IAM policy of your role)"
        if code in {"Throttling", "ThrottlingException", "TooManyRequestsException"}:
            return f"AWS throttled {op}; try again in a minute ({msg})"
        if (
            "NotFound" in code
            or code.endswith("NotFoundFault")
            or code == "ResourceNotFoundException"
        ):
            return f"not found ({op}): {msg or code}"
        return f"{op} failed: {code}: {msg}"
    if isinstance(exc, WaiterError):
        return f"gave up waiting: {exc.last_response.get('Error', {}).get('Message', exc)}"
    if isinstance(exc, ParamValidationError):
        return f"invalid parameters: {exc}"
    return f"AWS call failed: {exc}"


F = TypeVar("F", bound=Callable[..., Any])

EnvOpt = Annotated[
    str, typer.Option("--env", help="Environment: dev or prod.", envvar="NBA_TRACKER_ENV")
]
RegionOpt = Annotated[str, typer.Option("--region", help="AWS region.", envvar="AWS_REGION")]
ProfileOpt = Annotated[
    str | None, typer.Option("--profile", help="AWS profile name.", envvar="AWS_PROFILE")
]
TfOutputsOpt = Annotated[
    Path | None,
    typer.Option("--tf-outputs", help="JSON of `terraform output -json` to override names."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Print the AWS calls, make none.")]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]

_COMMON = {
    "env": (EnvOpt, "dev"),
    "region": (RegionOpt, DEFAULT_REGION),
    "profile": (ProfileOpt, None),
    "tf_outputs": (TfOutputsOpt, None),
    "json_output": (JsonOpt, False),
}
_CHANGING = {"dry_run": (DryRunOpt, False), "assume_yes": (YesOpt, False)}


def build_context(
    env: str = "dev",
    region: str = DEFAULT_REGION,
    profile: str | None = None,
    tf_outputs: Path | None = None,
    json_output: bool = False,
    dry_run: bool = False,
    assume_yes: bool = False,
) -> OpsContext:
    try:
        names = resource_names(env, region)
        if tf_outputs is not None:
            names = with_terraform_outputs(names, tf_outputs)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc
    return OpsContext(names, profile, json_output, dry_run, assume_yes)


@contextmanager
def aws_errors() -> Iterator[None]:
    """AWS failures as :class:`OpsError`: one line an operator can act on."""
    try:
        yield
    except (ClientError, BotoCoreError) as exc:
        raise OpsError(describe_aws_error(exc)) from exc
    except ResponseParserError as exc:
        # An endpoint (often an emulator behind AWS_ENDPOINT_URL) answered with
        # something that is not an AWS response, e.g. an HTML error page.
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise OpsError(f"unreadable answer from the AWS endpoint: {first}") from exc


def run_guarded(fn: Callable[[], Any]) -> Any:
    """Run a command body; AWS and input errors become one line on stderr and an exit code."""
    with cli_errors(), aws_errors():
        return fn()


def ops_command(changes_aws: bool = False) -> Callable[[F], F]:
    """Give a command ``(ctx: OpsContext, ...)`` the common options and error handling.

    ``changes_aws=True`` adds ``--dry-run`` and ``--yes``.
    """

    def decorate(fn: F) -> F:
        # eval_str: command modules use `from __future__ import annotations`, and Typer
        # reads the options from the (string) annotations of the signature set below.
        sig = inspect.signature(fn, eval_str=True)
        own = list(sig.parameters.values())[1:]
        extra = {**_COMMON, **(_CHANGING if changes_aws else {})}
        added = [
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=ann)
            for name, (ann, default) in extra.items()
        ]

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            common = {name: kwargs.pop(name) for name in extra if name in kwargs}

            def body() -> Any:
                ctx = build_context(**common)
                return fn(ctx, *args, **kwargs)

            return run_guarded(body)

        positional = [p for p in own if p.kind is not inspect.Parameter.KEYWORD_ONLY]
        keyword = [p for p in own if p.kind is inspect.Parameter.KEYWORD_ONLY]
        wrapper.__signature__ = sig.replace(  # type: ignore[attr-defined]
            parameters=[*positional, *keyword, *added]
        )
        return wrapper  # type: ignore[return-value]

    return decorate
