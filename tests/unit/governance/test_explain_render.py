"""The explain result rendered as text and JSON, compared line by line."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

from reconciler.governance.explain import Declaration, Explanation, Outcome, TargetExplanation
from reconciler.governance.grant import Grant, parse_until
from reconciler.refs import Location
from reconciler.render.explain import format_json, lines, summary_line

NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
SRE = "desired-state/teams/sre.yaml"
ACCOUNT = "1111"


def sample() -> Explanation:
    until = parse_until("2027-03-31", Location(SRE, 9))
    old = parse_until("2027-02-01", Location(SRE, 4))
    incident = TargetExplanation(
        kind="room",
        name="incident-response",
        scope=ACCOUNT,
        scope_label="account",
        target_id="room-1",
        location=Location(SRE, 7),
        owners=("@alice", "@org/sre"),
        prune=True,
        declared_role="Administrator",
        declarations=(
            Declaration(
                "Administrator",
                Location(SRE, 9),
                Location(SRE, 9),
                (),
                Grant(until, "on call", "OPS-12"),
                expired=False,
            ),
            Declaration("Member", Location(SRE, 10), Location(SRE, 3), ("sre",), Grant(), False),
            Declaration(
                "Member", Location(SRE, 11), Location(SRE, 4), ("old",), Grant(old), expired=True
            ),
        ),
        live_role="Member",
        outcome=Outcome.CHANGE,
    )
    lounge = TargetExplanation(
        kind="room",
        name="lounge",
        scope=ACCOUNT,
        scope_label="account",
        target_id=None,
        location=Location("desired-state/rooms.yaml", 2),
        owners=(),
        prune=False,
        declared_role=None,
        declarations=(),
        live_role="Member",
        outcome=Outcome.KEPT,
    )
    return Explanation("alice@example.com", NOW, (incident, lounge), audited=True)


def test_text_lists_every_path_with_until_reason_and_live_role() -> None:
    assert lines(sample()) == [
        "Explaining alice@example.com as of 2027-03-01T09:00:00Z.",
        "",
        "# room incident-response (account 1111, id room-1)",
        f"  declared in {SRE}:7; owners: @alice, @org/sre",
        "  role: Administrator",
        f"    Administrator at {SRE}:9, until 2027-03-31 (30 days left), reason: on call, "
        "ticket OPS-12",
        f"    Member via @sre at {SRE}:3 (from {SRE}:10)",
        f"    expired 2027-02-01: Member via @old at {SRE}:4 (from {SRE}:11)",
        "  live: Member",
        "  plan: the plan changes its role Member -> Administrator",
        "",
        "# room lounge (account 1111)",
        "  declared in desired-state/rooms.yaml:2",
        "  role: not declared",
        "  live: Member",
        "  plan: kept: not declared, and this target does not prune",
        "",
        (
            "Of the desired state's targets, alice@example.com is declared in 1 and live in 2 "
            "(audit reads the rooms and channels outside them too)."
        ),
    ]


def test_until_set_on_a_middle_group_entry_names_its_line() -> None:
    until = parse_until("2027-02-01", Location(SRE, 20))
    via = ("old", "older")
    d = Declaration("Member", Location(SRE, 11), Location(SRE, 4), via, Grant(until), True)
    assert d.describe(NOW) == (
        f"expired 2027-02-01: Member via @old > @older at {SRE}:4 (from {SRE}:11) "
        f"(until set at {SRE}:20)"
    )


def test_a_running_until_set_on_an_outer_group_entry_names_its_line() -> None:
    """QA-FZ Q-FZ-2: the line to edit to extend the grant, before its end too."""
    until = parse_until("2027-03-31", Location(SRE, 3))
    via = ("outer", "inner")
    d = Declaration("Member", Location(SRE, 11), Location(SRE, 6), via, Grant(until), False)
    assert d.describe(NOW) == (
        f"Member via @outer > @inner at {SRE}:6 (from {SRE}:11) (until set at {SRE}:3), "
        "until 2027-03-31 (30 days left)"
    )


def test_the_closing_count_points_where_the_other_targets_are_read() -> None:
    """Q-RR-16: "(audit reads the rooms and channels outside them too)" closed every
    explain: after a meeting's attendee too (audit reads the declared meetings only), and
    under --target, where the targets left out are the desired state's own."""
    e = sample()
    head = "Of the desired state's targets, alice@example.com is declared in 1 and live in 2"
    assert summary_line(e) == f"{head} (audit reads the rooms and channels outside them too)."
    assert summary_line(replace(e, audited=False)) == f"{head}."
    assert summary_line(replace(e, given=2, others=True)) == (
        "Of the 2 targets selected by --target, alice@example.com is declared in 1 and live in "
        "2 (explain without --target reads the others)."
    )
    # --target selected every target: no others; audit reads the rest (QA-HB Q-HB-5)
    assert summary_line(replace(e, given=2)) == (
        "Of the 2 targets selected by --target, alice@example.com is declared in 1 and live in "
        "2 (audit reads the rooms and channels outside them too)."
    )


def test_nothing_to_explain() -> None:
    assert lines(Explanation("zed@example.com", NOW, ())) == [
        "Explaining zed@example.com as of 2027-03-01T09:00:00Z.",
        "",
        "zed@example.com is neither declared nor live in any declared target.",
    ]
    # a member audit reads in all of Chime: where else it may be (QA-HB Q-HB-5)
    audited = Explanation("zed@example.com", NOW, (), audited=True)
    assert lines(audited)[-1] == (
        "zed@example.com is neither declared nor live in any declared target (audit reads "
        "the rooms and channels outside them too)."
    )


def test_json_document() -> None:
    doc = json.loads(format_json(sample()))
    assert doc["format_version"] == "2"
    assert "version" not in doc
    assert doc["now"] == "2027-03-01T09:00:00Z"
    assert doc["summary"] == {"declared": 1, "live": 2}
    first = doc["targets"][0]
    assert list(first) == [
        "kind", "name", "scope", "id", "declared_at", "owners", "prune", "declared", "role",
        "paths", "live", "plan",
    ]  # fmt: skip
    assert first["paths"][0] == {
        "role": "Administrator",
        "file": SRE,
        "line": 9,
        "entry": f"{SRE}:9",
        "via": [],
        "until": "2027-03-31",
        "ends_at": "2027-04-01T00:00:00Z",
        "until_at": f"{SRE}:9",
        "days_left": 30,
        "expired": False,
        "reason": "on call",
        "ticket": "OPS-12",
    }
    assert first["paths"][2]["expired"] is True
    assert first["paths"][2]["days_left"] is None
    assert first["live"] == {"role": "Member", "read": True}
    assert first["plan"] == {
        "outcome": "change",
        "note": "the plan changes its role Member -> Administrator",
        "refused_by": [],  # no safety rule refuses the plan there (QA-CJ Q-CJ-2)
        "refused_elsewhere": [],  # nor another target's rule (REREAD-7)
    }
    assert doc["targets"][1]["declared"] is False


def test_readme_lists_every_outcome_the_json_can_write() -> None:
    """A reader of ``--format json`` learns the outcomes from the README's explain section:
    one added to ``Outcome`` without the README (as ``refused`` and ``ended`` once were)
    fails here."""
    readme = (Path(__file__).parents[3] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### explain") :]
    listed = section[section.index("`outcome` one of") :][:400]
    missing = [o.value for o in Outcome if f"`{o.value}`" not in listed]
    assert missing == []
