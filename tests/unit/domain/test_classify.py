"""Categories and statuses a fan would notice getting wrong."""

from __future__ import annotations

import pytest

from nba_tracker.domain.classify import classify
from nba_tracker.domain.labels import Category, Status, normalize_category


@pytest.mark.parametrize(
    "title",
    [
        "Lakers' ideal lineup after the All-Star break",
        "Luka Doncic's new signature shoe design revealed",
        "Blazers' ball movement a good signal for rebuild",
        "Alex Sarr's defensive assignment on Wembanyama a learning moment",
        "Celtics trade baskets with Heat before pulling away late",
        "Lauri Markkanen, Deni Avdija trade blows in Jazz-Blazers duel",
        "Ben Simmons resigns himself to bench role",
        "Heat president Pat Riley signs autographs at fan fest",
        "Timberwolves assign Rob Dillingham to Iowa Wolves",
        "Rockets recall Reed Sheppard from Rio Grande Valley",
        "Knicks hire Mike Brown as head coach",
        "Pacers sign coach Rick Carlisle to multi-year extension",
        "Jayson Tatum suffers torn Achilles tendon",
        "Warriors' Steve Kerr: 'We're not making a trade just to make a trade'",
    ],
)
def test_non_transactions_are_other_without_status(title: str) -> None:
    assert classify(title, "") == (Category.OTHER, None)


@pytest.mark.parametrize(
    ("title", "summary", "expected"),
    [
        (
            "The Toronto Raptors signed Jamison Battle to a 10-day contract.",
            "",
            (Category.SIGNING, Status.OFFICIAL),
        ),
        (
            "Chris Paul is finalizing a deal with the Clippers, sources tell ESPN",
            "",
            (Category.SIGNING, Status.REPORTED),
        ),
        (
            "Knicks have interest in Giannis Antetokounmpo",
            "New York is monitoring the situation.",
            (Category.TRADE, Status.RUMOR),
        ),
        (
            "[Charania] The Heat are trading Jimmy Butler to the Warriors",
            "",
            (Category.TRADE, Status.REPORTED),
        ),
        (
            "Warriors acquire Jimmy Butler from Heat",
            "Golden State has acquired Butler, the team announced.",
            (Category.TRADE, Status.OFFICIAL),
        ),
        (
            "Thunder convert Ajay Mitchell's two-way contract to standard deal",
            "",
            (Category.SIGNING, Status.OFFICIAL),
        ),
        (
            "Grizzlies sign Jaren Jackson Jr. to contract extension",
            "The team announced the multi-year extension.",
            (Category.EXTENSION, Status.OFFICIAL),
        ),
        (
            "Trail Blazers, Deandre Ayton agree to contract buyout",
            "",
            (Category.WAIVER, Status.REPORTED),
        ),
        (
            "Suns claim Jared Butler off waivers",
            "",
            (Category.WAIVER, Status.OFFICIAL),
        ),
        (
            "Mavericks select Cooper Flagg with No. 1 pick in 2025 NBA Draft",
            "",
            (Category.DRAFT, Status.OFFICIAL),
        ),
        (
            "Kyle Lowry expected to re-sign with 76ers",
            "",
            (Category.SIGNING, Status.RUMOR),
        ),
        (
            "Hawks land Nickeil Alexander-Walker in sign-and-trade with Timberwolves",
            "",
            (Category.TRADE, Status.OFFICIAL),
        ),
    ],
)
def test_transactions(title: str, summary: str, expected: tuple[Category, Status]) -> None:
    assert classify(title, summary) == expected


def test_background_clause_does_not_make_a_signing_a_waiver() -> None:
    category, _ = classify("Jordan Clarkson to sign with Knicks after Jazz buyout", "")
    assert category is Category.SIGNING


def test_original_tracker_names_still_work() -> None:
    assert normalize_category("Trade") is Category.TRADE
    assert normalize_category("signing") is Category.SIGNING
    assert normalize_category("OTHER") is Category.OTHER
    assert normalize_category("Waivers") is Category.WAIVER
    assert normalize_category("gossip") is None
    assert str(Category.SIGNING) == "Signing"
    assert str(Status.REPORTED) == "reported"


def test_a_forum_flair_is_a_kind_of_post_not_a_source() -> None:
    from nba_tracker.domain.classify import rule_signals

    flair = rule_signals("[Highlight] Ja Morant with the poster dunk on Wembanyama", "")
    assert not flair.flags["attribution"] and "reported" not in flair.status_evidence
    source = rule_signals("[Wojnarowski] The Lakers are trading Russell to the Nets", "")
    assert source.flags["attribution"] and source.status_reason == "agreed"


def test_a_teams_own_account_is_its_announcement_unless_it_asks() -> None:
    from nba_tracker.domain.classify import rule_signals

    own = rule_signals("[Lakers] Welcome to the Lake Show, DeMarcus Cousins!", "")
    assert (own.status, own.status_reason) == (Status.OFFICIAL, "announced")
    assert own.status_evidence["official"] == "[Lakers]: the team's own account"
    asking = rule_signals("[Heat] Could Jimmy Butler be next?", "")
    assert asking.status is Status.RUMOR
    # A reporter's surname in brackets is a source, never a team's account.
    assert rule_signals("[Stein] Knicks sign Landry Shamet", "").status is not Status.OFFICIAL


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Stephen Curry signs shoe deal with Li-Ning", Category.OTHER),
        ("Anthony Edwards inks endorsement contract with Adidas", Category.OTHER),
        ("Clippers, Raptors finalizing deal to send Kawhi Leonard back to Toronto", Category.TRADE),
    ],
)
def test_endorsements_are_not_signings_and_a_player_sent_back_is_traded(
    title: str, expected: Category
) -> None:
    assert classify(title, "")[0] is expected
