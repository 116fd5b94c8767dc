"""Static checks of the image definition (no Docker engine is needed to run them)."""

from __future__ import annotations

import fnmatch
import re
import shlex
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def instructions() -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    rows = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            rows.append((word.upper(), rest.strip()))
    return rows


def final_stage() -> list[tuple[str, str]]:
    rows = instructions()
    last_from = max(i for i, (word, _) in enumerate(rows) if word == "FROM")
    return rows[last_from:]


def test_base_image_is_python_311_slim() -> None:
    bases = [rest.split()[0] for word, rest in instructions() if word == "FROM"]
    assert bases and all(b == "python:3.11-slim" for b in bases), bases


def test_installs_with_the_makefiles_installer() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^\s+uv pip install .*-e '\.\[dev\]'", makefile, re.M), "Makefile changed"
    runs = [rest for word, rest in instructions() if word == "RUN"]
    assert any(
        re.search(r"\buv pip install (--compile-bytecode )?-p /opt/venv \.$", r) for r in runs
    ), runs


def test_ships_compiled_bytecode() -> None:
    # The image never writes bytecode (PYTHONDONTWRITEBYTECODE): it must carry it.
    runs = [rest for word, rest in instructions() if word == "RUN"]
    assert any("uv pip install --compile-bytecode" in r for r in runs), runs


def test_runs_as_a_non_root_user() -> None:
    users = [rest for word, rest in final_stage() if word == "USER"]
    assert users, "no USER in the final stage"
    assert users[-1] not in {"root", "0", "0:0"}
    words = [word for word, _ in final_stage()]
    assert words.index("USER") < words.index("CMD")


def test_healthcheck_uses_python_on_health() -> None:
    [check] = [rest for word, rest in final_stage() if word == "HEALTHCHECK"]
    assert "urllib.request" in check and "/health" in check
    assert "curl" not in check and "wget" not in check


def test_serves_without_collecting_on_port_from_env() -> None:
    envs = " ".join(rest for word, rest in final_stage() if word == "ENV")
    assert re.search(r"\bPORT=8000\b", envs)
    [cmd] = [rest for word, rest in final_stage() if word == "CMD"]
    command = " ".join(shlex.split(cmd.strip("[]").replace(",", " ")))
    assert 'nba-tracker serve --no-collect --host 0.0.0.0 --port "$PORT"' in command
    assert command.startswith("sh -c exec ")


def test_everything_the_wheel_needs_is_copied_and_not_ignored() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    forced = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"].get("force-include", {})
    needed = ["pyproject.toml", "README.md", "src", *forced]
    copies = " ".join(rest for word, rest in instructions() if word == "COPY")
    ignored = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for path in needed:
        assert path in copies, f"{path} is not copied into the build stage"
        assert (ROOT / path).exists(), path
        assert not any(
            fnmatch.fnmatch(path, pattern) or path.startswith(pattern.rstrip("/") + "/")
            for pattern in ignored
        ), f"{path} is excluded by .dockerignore"
    assert ".venv" in ignored and ".git" in ignored
