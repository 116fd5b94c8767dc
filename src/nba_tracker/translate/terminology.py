"""The custom terminology that makes Amazon Translate write NBA names the way Japanese
outlets do (ロサンゼルス・レイカーズ, レブロン・ジェームズ …).

The file is Amazon Translate's CSV format: a header row of language codes (``en,ja``),
then one term per row.
"""

from __future__ import annotations

import csv
import io
from importlib import resources
from typing import Any

TERMINOLOGY_RESOURCE = ("nba_tracker.data.terminology", "nba-terms.csv")


def terminology_bytes() -> bytes:
    package, name = TERMINOLOGY_RESOURCE
    return resources.files(package).joinpath(name).read_bytes()


def load_terms() -> dict[str, str]:
    reader = csv.reader(io.StringIO(terminology_bytes().decode("utf-8")))
    header = next(reader)
    if header != ["en", "ja"]:
        raise ValueError(f"terminology header must be 'en,ja', found {','.join(header)!r}")
    return {row[0]: row[1] for row in reader if row}


def import_terminology(
    client: Any, name: str, description: str = "NBA teams, players and terms"
) -> dict[str, Any]:
    """Create or overwrite the terminology in Amazon Translate; returns its properties."""
    response = client.import_terminology(
        Name=name,
        MergeStrategy="OVERWRITE",
        Description=description,
        TerminologyData={"File": terminology_bytes(), "Format": "CSV", "Directionality": "UNI"},
    )
    return dict(response.get("TerminologyProperties", {}))
