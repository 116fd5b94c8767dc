"""One name-folding key, for matching names in text and for players stored by name."""

from __future__ import annotations

import pytest

from nba_tracker.domain._fold import fold_key


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Luka Dončić", "luka doncic"),
        ("Łukasz Kisiel", "lukasz kisiel"),  # NFKD leaves "Ł" whole; the table folds it
        ("Nikola Jokić", "nikola jokic"),
        ("P.J. Washington", "pj washington"),
        ("D'Angelo Russell", "dangelo russell"),
        ("Shai Gilgeous-Alexander", "shai gilgeous alexander"),
        ("Jaren Jackson Jr.", "jaren jackson jr"),
        ("  Jaylen   Brown ", "jaylen brown"),
    ],
)
def test_spellings_of_a_name_share_one_key(written: str, key: str) -> None:
    assert fold_key(written) == key
