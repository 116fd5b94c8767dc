"""Build the stop/start Lambda's deployment package from src/nba_tracker.

The Lambda Python runtime ships boto3, so the package holds only the project's own
modules. Entries are sorted and time-stamped 1980-01-01, so the same sources give the
same bytes and Terraform's source_code_hash changes only when the code does.

Usage: python infra/scripts/build_lambda_zip.py [OUTPUT]   (default build/lambda/scheduler.zip)
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "nba_tracker"
# What the handler imports: the package root and the lambdas subpackage, nothing that
# needs the application's dependencies.
INCLUDE = ("__init__.py", "aws_errors.py", "lambdas", "ops/__init__.py", "ops/lifecycle.py")
DEFAULT_OUTPUT = ROOT / "build" / "lambda" / "scheduler.zip"
EPOCH = (1980, 1, 1, 0, 0, 0)


def build(output: Path = DEFAULT_OUTPUT) -> Path:
    files: list[Path] = []
    for name in INCLUDE:
        path = PACKAGE / name
        files.extend([path] if path.is_file() else sorted(path.rglob("*.py")))
    if not files:
        raise SystemExit(f"nothing to package under {PACKAGE}")
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(str(path.relative_to(PACKAGE.parent)), date_time=EPOCH)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return output


if __name__ == "__main__":
    sys.stdout.write(f"{build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT)}\n")
