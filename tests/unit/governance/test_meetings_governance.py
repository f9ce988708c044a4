"""Governance for meetings, as for rooms and channels: an attendee's mapping form
``{profile, until, reason, ticket}``, ``owners:``, expiry with a fixed clock (removed or
demoted where pruning is on, and the plan says why), warnings, and located errors."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from reconciler.capabilities import Capabilities
from reconciler.desired.loader import load_desired
from reconciler.desired.model import DesiredState
from reconciler.errors import DesiredStateError
from reconciler.governance.codeowners import Ownership
from reconciler.governance.grant import Grant
from reconciler.kinds import MEETING
from reconciler.kinds.meetings import meeting_member
from reconciler.live import LiveMember, LiveState, LiveTarget
from reconciler.planner import plan
from reconciler.refs import Location
from reconciler.render.text import render_text

MEETING_ID = "6f1c2a9e-0000-4000-8000-000000000001"
PRESENTER = Capabilities("SendReceive", "SendReceive", "SendReceive")
PARTICIPANT = Capabilities("SendReceive", "SendReceive", "Receive")
VIEWER = Capabilities("Receive", "Receive", "Receive")
UTC = dt.UTC

BRIDGE = f"""
groups:
  sre:
    - alice@example.com
    - {{member: bob@example.com, until: 2027-03-10, reason: on call}}
meetings:
  bridge:
    meeting_id: {MEETING_ID}
    prune: PRUNE
    owners: [alice, example-org/sre]
    attendees:
      "@sre": participant
      alice@example.com:
        profile: presenter
        until: 2027-03-31
        reason: runs the review
        ticket: OPS-12
      carol@example.com: {{profile: viewer, until: 2027-03-15}}
      dave@example.com: viewer
"""


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def load(root: Path, prune: bool = True) -> DesiredState:
    text = BRIDGE.replace("PRUNE", "true" if prune else "false")
    return load_desired(write(root, {"m.yaml": text}))


def everyone_live(state: DesiredState) -> LiveState:
    [target] = state.targets
    listed = (
        ("alice@example.com", PRESENTER),
        ("bob@example.com", PARTICIPANT),
        ("carol@example.com", VIEWER),
        ("dave@example.com", VIEWER),
    )
    members = tuple(
        sorted(
            LiveMember(meeting_member(w), f"a-{w[:3]}", meeting_member(w).kind, c)
            for w, c in listed
        )
    )
    return LiveState(targets={target.key: LiveTarget(target.key, MEETING_ID, members)})


def changes(state: DesiredState, now: str) -> list[str]:
    return render_text(plan(state, everyone_live(state), now=at(now))).splitlines()


def test_attendees_mapping_form_carries_until_reason_ticket_and_the_meeting_its_owners(
    tmp_path: Path,
) -> None:
    state = load(tmp_path)
    [target] = state.targets
    alice = target.member(meeting_member("alice@example.com"))
    assert alice is not None and alice.role == PRESENTER  # presenter joined with participant
    grants = {(str(p.declared_at), p.grant) for p in alice.provenance}
    until = next(g.until for _, g in grants if g is not None and g.until is not None)
    assert (str(until), until.location) == ("2027-03-31", Location(f"{tmp_path}/m.yaml", 12))
    assert (f"{tmp_path}/m.yaml:12", Grant(until, "runs the review", "OPS-12")) in grants
    assert target.owners == ("@alice", "@example-org/sre")
    assert state.owned == (
        Ownership(
            "meeting bridge", Location(f"{tmp_path}/m.yaml", 6), ("@alice", "@example-org/sre")
        ),
    )


def test_bad_attendee_mappings_are_located_at_their_line(tmp_path: Path) -> None:
    files = {
        "m.yaml": f"""
        meetings:
          bridge:
            meeting_id: {MEETING_ID}
            owners: ["not a user"]
            attendees:
              alice@example.com: {{until: 2027-03-31}}
              bob@example.com:
                profile: viewer
                until: soon
              carol@example.com: {{profile: viewer, reson: why}}
              dave@example.com: {{profile: viewer, until: "2027-03-31T18:00:00"}}
              erin@example.com: {{profile: viewer, ticket: ""}}
            """
    }
    with pytest.raises(DesiredStateError) as caught:
        load_desired(write(tmp_path, files))
    assert [str(p).replace(f"{tmp_path}/", "") for p in caught.value.problems] == [
        "m.yaml:4: meetings.bridge.owners[0]: owner 'not a user' is not a GitHub user "
        "(alice or @alice), a team (org/team) or an e-mail address",
        "m.yaml:6: meetings.bridge.attendees.alice@example.com: expected a capability "
        "profile, or a mapping with `profile:` (and `until:`, `reason:`, `ticket:`), got a "
        "mapping with keys: until",
        "m.yaml:9: meetings.bridge.attendees.bob@example.com.until: expected a date "
        "(2027-03-31) or a date and time with a zone (2027-03-31T18:00:00Z), got 'soon'",
        "m.yaml:10: meetings.bridge.attendees.carol@example.com: unknown key 'reson' (did "
        "you mean 'reason'?)",
        "m.yaml:11: meetings.bridge.attendees.dave@example.com.until: '2027-03-31T18:00:00' "
        "has no time zone: add one (2027-03-31T18:00:00Z or +02:00), or give a date",
        "m.yaml:12: meetings.bridge.attendees.erin@example.com.ticket: must not be blank",
    ]


def test_an_unknown_profile_in_the_mapping_form_is_located_at_its_attendee(
    tmp_path: Path,
) -> None:
    files = {
        "m.yaml": f"""
        meetings:
          bridge:
            meeting_id: {MEETING_ID}
            attendees:
              alice@example.com: viewer
              frank@example.com: {{profile: nobody, until: 2027-03-31}}
        """
    }
    with pytest.raises(DesiredStateError) as caught:
        load_desired(write(tmp_path, files))
    assert [str(p).replace(f"{tmp_path}/", "") for p in caught.value.problems] == [
        "m.yaml:6: meetings.bridge.attendees.frank@example.com: unknown capability profile "
        "'nobody' (known: participant, presenter, viewer; add yours under "
        "capability_profiles in settings.yaml)",
    ]


def test_an_attendee_value_that_is_no_name_is_told_what_it_may_be(tmp_path: Path) -> None:
    # QA-FL Q-FL-7: "expected a string, got the number 5 (quote it)", and quoted, '5' is
    # no profile either; a case slip in a profile's name is suggested its known spelling
    files = {
        "m.yaml": f"""
        meetings:
          m:
            meeting_id: {MEETING_ID}
            attendees:
              bob@example.com: 5
              d@example.com: yes
              c@example.com: [viewer]
              e@example.com:
              f@example.com: {{profile: 5}}
              g@example.com: Viewer
              h@example.com: {{profile: Presenter, until: 2027-03-31}}
              i@example.com: viewer
        """
    }
    with pytest.raises(DesiredStateError) as caught:
        load_desired(write(tmp_path, files))
    either = (
        "expected a capability profile, or a mapping with `profile:` (and `until:`, "
        "`reason:`, `ticket:`), got"
    )
    assert [str(p).replace(f"{tmp_path}/", "") for p in caught.value.problems] == [
        f"m.yaml:5: meetings.m.attendees.bob@example.com: {either} the number 5",
        f"m.yaml:6: meetings.m.attendees.d@example.com: {either} true",
        f"m.yaml:7: meetings.m.attendees.c@example.com: {either} a list",
        f"m.yaml:8: meetings.m.attendees.e@example.com: {either} nothing",
        "m.yaml:9: meetings.m.attendees.f@example.com.profile: expected a capability "
        "profile, got the number 5",
        "m.yaml:10: meetings.m.attendees.g@example.com: unknown capability profile "
        "'Viewer' (did you mean 'viewer'?)",
        "m.yaml:11: meetings.m.attendees.h@example.com: unknown capability profile "
        "'Presenter' (did you mean 'presenter'?)",
    ]


def test_a_broken_attendee_does_not_hide_the_other_attendees_problems(tmp_path: Path) -> None:
    # QA D21: an unknown key in one attendee's mapping dropped every attendee of the
    # meeting, so the unknown profile of another came only in a second run.
    files = {
        "m.yaml": """
        meetings:
          b:
            meeting_id: ${X}
            attendees: {alice@example.com: {profle: presenter}, dan@example.com: presentr}
          c:
            meeting_id: ${Y}
            attendees:
              erin@example.com: {profile: viewer, until: someday}
              frank@example.com: nobody
              grace@example.com: viewer
              grace@Example.com: viewer
        """
    }
    with pytest.raises(DesiredStateError) as caught:
        load_desired(write(tmp_path, files))
    known = "(known: participant, presenter, viewer; add yours under capability_profiles in "
    known += "settings.yaml)"
    assert [str(p).replace(f"{tmp_path}/", "") for p in caught.value.problems] == [
        "m.yaml:4: meetings.b.attendees.alice@example.com: unknown key 'profle' "
        "(did you mean 'profile'?)",
        "m.yaml:4: meetings.b.attendees.dan@example.com: unknown capability profile "
        "'presentr' (did you mean 'presenter'?)",
        "m.yaml:8: meetings.c.attendees.erin@example.com.until: expected a date (2027-03-31) "
        "or a date and time with a zone (2027-03-31T18:00:00Z), got 'someday'",
        "m.yaml:9: meetings.c.attendees.frank@example.com: unknown capability profile "
        f"'nobody' {known}",
        "m.yaml:11: meetings.c.attendees.grace@Example.com: 'grace@Example.com' is listed "
        "twice (first at line 10)",
    ]


def test_before_any_until_the_meeting_is_in_sync(tmp_path: Path) -> None:
    state = load(tmp_path)
    assert plan(state, everyone_live(state), now=at("2027-03-01T00:00:00")).changes == ()


def test_an_expired_attendee_is_removed_where_pruning_is_on_and_the_plan_says_why(
    tmp_path: Path,
) -> None:
    state = load(tmp_path)
    assert changes(state, "2027-03-16T00:00:00")[:4] == [
        f"# meeting bridge (meeting_id {MEETING_ID}, id {MEETING_ID})",
        "  - bob@example.com (audio SendReceive, video SendReceive, content Receive): "
        f"expired 2027-03-10, declared at {tmp_path}/m.yaml:4",
        "  - carol@example.com (audio Receive, video Receive, content Receive): expired "
        f"2027-03-15, declared at {tmp_path}/m.yaml:17",
        "",
    ]


def test_an_expired_presenter_is_demoted_to_the_profile_of_its_other_paths(
    tmp_path: Path,
) -> None:
    state = load(tmp_path)
    assert changes(state, "2027-04-01T00:00:00")[1] == (
        "  ~ alice@example.com: audio SendReceive, video SendReceive, content SendReceive -> "
        "audio SendReceive, video SendReceive, content Receive: expired 2027-03-31, declared "
        f"at {tmp_path}/m.yaml:12"
    )


def test_an_expired_attendee_where_pruning_is_off_stays_and_is_a_warning(tmp_path: Path) -> None:
    state = load(tmp_path, prune=False)
    result = plan(state, everyone_live(state), now=at("2027-03-16T00:00:00"))
    assert result.changes == ()
    assert [e.kept_message() for e in result.expired_kept] == [
        "bob@example.com in meeting bridge: audio SendReceive, video SendReceive, content "
        f"Receive expired 2027-03-10, declared at {tmp_path}/m.yaml:4; still an attendee: this "
        "meeting does not prune",
        "carol@example.com in meeting bridge: audio Receive, video Receive, content Receive "
        f"expired 2027-03-15, declared at {tmp_path}/m.yaml:17; still an attendee: this meeting "
        "does not prune",
    ]


def test_attendees_ending_within_the_warning_window_are_listed(tmp_path: Path) -> None:
    state = load(tmp_path)
    result = plan(state, everyone_live(state), now=at("2027-03-05T08:00:00"))
    assert [e.message() for e in result.expiring] == [
        "bob@example.com in meeting bridge: audio SendReceive, video SendReceive, content "
        f"Receive until 2027-03-10 (5 days left), declared at {tmp_path}/m.yaml:4",
        "carol@example.com in meeting bridge: audio Receive, video Receive, content Receive "
        f"until 2027-03-15 (10 days left), declared at {tmp_path}/m.yaml:17",
    ]


def test_presenters_are_the_meetings_elevated_role() -> None:
    assert MEETING.is_elevated(PRESENTER)
    assert MEETING.is_elevated(Capabilities("None", "None", "Send"))
    assert not MEETING.is_elevated(PARTICIPANT) and not MEETING.is_elevated(VIEWER)
    assert MEETING.limit_keys(PRESENTER) == ("presenters", "attendees")
    assert MEETING.limit_keys(VIEWER) == ("attendees",)
