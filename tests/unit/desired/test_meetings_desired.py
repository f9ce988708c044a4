"""The meeting kind in the desired state and the planner: profiles (built-in and custom),
per-capability joins across paths, located errors, and plans from plain values."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reconciler.capabilities import VALUES, Capabilities, join, problem
from reconciler.desired.loader import load_desired
from reconciler.desired.meeting_spec import ATTENDEE_PATTERN, attendee_problem
from reconciler.desired.model import DesiredState
from reconciler.errors import DesiredStateError
from reconciler.kinds import MEETING, ROOM
from reconciler.kinds.meetings import live_attendee, meeting_member
from reconciler.live import LiveMember, LiveState, LiveTarget
from reconciler.plan import Action
from reconciler.planner import plan
from reconciler.refs import MemberKind, MemberRef

MEETING_ID = "6f1c2a9e-0000-4000-8000-000000000001"
PRESENTER = Capabilities("SendReceive", "SendReceive", "SendReceive")
PARTICIPANT = Capabilities("SendReceive", "SendReceive", "Receive")
VIEWER = Capabilities("Receive", "Receive", "Receive")


def load(tmp_path: Path, files: dict[str, str]) -> DesiredState:
    root = tmp_path / "desired-state"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return load_desired(root)


def problems(tmp_path: Path, files: dict[str, str]) -> list[str]:
    with pytest.raises(DesiredStateError) as info:
        load(tmp_path, files)
    return [str(p).replace(str(tmp_path) + "/", "") for p in info.value.problems]


def roles(state: DesiredState) -> dict[str, Capabilities]:
    [target] = [t for t in state.targets if t.key.kind == MEETING.id]
    return {str(m.ref): m.role for m in target.members}  # type: ignore[misc]


def test_built_in_profiles_and_per_capability_joins_across_groups(tmp_path: Path) -> None:
    state = load(
        tmp_path,
        {
            "settings.yaml": """
            capability_profiles:
              talker: {audio: Send, video: None, content: None}
              listener: {audio: Receive, video: Receive, content: None}
            """,
            "team.yaml": """
            groups:
              sre: [alice@example.com, bob@example.com]
              execs: [bob@example.com, carol@example.com]
              radio: [dan@example.com]
              audience: [dan@example.com]
            meetings:
              bridge:
                meeting_id: 6f1c2a9e-0000-4000-8000-000000000001
                attendees:
                  alice@example.com: presenter
                  "@sre": participant
                  "@execs": viewer
                  "@radio": talker
                  "@audience": listener
                  dial-in-7: viewer
            """,
        },
    )
    assert roles(state) == {
        "alice@example.com": PRESENTER,  # presenter joined with participant
        "bob@example.com": PARTICIPANT,  # participant joined with viewer: the larger per axis
        "carol@example.com": VIEWER,
        "dan@example.com": Capabilities("SendReceive", "Receive", "None"),  # Send + Receive
        "dial-in-7": VIEWER,
    }
    [target] = state.targets
    assert target.key.scope == MEETING_ID and target.target_id == MEETING_ID
    dan = next(m for m in target.members if m.ref.key == "dan@example.com")
    assert [p.via for p in dan.provenance] == [("audience",), ("radio",)]


def test_meeting_id_may_name_an_environment_variable(tmp_path: Path) -> None:
    state = load(
        tmp_path,
        {"m.yaml": "meetings:\n  bridge:\n    meeting_id: ${INCIDENT_MEETING_ID}\n"},
    )
    assert state.targets[0].target_id == "${INCIDENT_MEETING_ID}"


def test_located_errors_for_meetings(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        {
            "settings.yaml": """
            capability_profiles:
              broken: {audio: None, video: None, content: Receive}
              fine: {audio: Send, video: Send, content: Send}
              typo: {audio: Loud, video: None, content: None}
            """,
            "m.yaml": """
            meetings:
              bridge:
                meeting_id: incident-42
              standup:
                meeting_id: 6f1c2a9e-0000-4000-8000-000000000002
                attendees:
                  alice@example.com: presenterr
                  "aws:bot": viewer
                  x: viewer
              empty:
                attendees: {bob@example.com: viewer}
            """,
        },
    )
    assert found == [
        "desired-state/m.yaml:3: meetings.bridge.meeting_id: expected a meeting id (a UUID) "
        "or ${ENVIRONMENT_VARIABLE}, got 'incident-42'",
        "desired-state/m.yaml:7: meetings.standup.attendees.alice@example.com: unknown "
        "capability profile 'presenterr' (did you mean 'presenter'?)",
        "desired-state/m.yaml:8: meetings.standup.attendees.aws:bot: ExternalUserIds "
        "starting with 'aws:' are reserved by AWS",
        "desired-state/m.yaml:9: meetings.standup.attendees.x: an ExternalUserId has 2 to 64 "
        "characters, 'x' has 1",
        "desired-state/m.yaml:10: meetings.empty: missing required key 'meeting_id'",
        "desired-state/settings.yaml:2: capability_profiles.broken: AWS refuses this "
        "combination: content Receive needs video SendReceive or Receive, got video None",
        "desired-state/settings.yaml:4: capability_profiles.typo.audio: expected "
        "SendReceive, Send, Receive or None, got the string 'Loud'",
    ]


def test_a_long_external_user_id_is_quoted_cut_short(tmp_path: Path) -> None:
    """QA-GG Q-GG-2: the key was cut, then the message quoted the whole value again."""
    long = "x" * 300
    found = problems(
        tmp_path,
        {
            "m.yaml": f"""
            meetings:
              m:
                meeting_id: 6f1c2a9e-0000-4000-8000-000000000001
                attendees: {{"{long}": viewer}}
            """
        },
    )
    assert found == [
        f"desired-state/m.yaml:4: meetings.m.attendees.{long[:80]}…(300 characters): an "
        f"ExternalUserId has 2 to 64 characters, {long[:80]!r}…(300 characters) has 300"
    ]


def test_a_long_malformed_email_is_quoted_as_a_name(tmp_path: Path) -> None:
    """QA-GG Q-GG-2: an e-mail member too malformed to read, quoted by the one rule; a
    reference is a name, whole up to 256 characters (QA-LF Q-LF-4: it was cut at 80)."""
    long = "x" * 200
    rooms = f"rooms:\n  ops:\n    account: a1\n    members: [{long}]\n"
    (found,) = problems(tmp_path, {"r.yaml": rooms})
    assert found.endswith(f"malformed email address {long!r}"), found


def test_a_custom_profile_cannot_take_a_built_in_name(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        {
            "settings.yaml": """
            capability_profiles:
              presenter: {audio: Send, video: Send, content: Send}
            """
        },
    )
    assert found == [
        "desired-state/settings.yaml:2: capability_profiles.presenter: 'presenter' is a "
        "built-in profile (presenter, participant, viewer): give yours another name",
    ]


def test_a_profile_named_as_a_built_in_leaves_the_other_custom_profiles_known(
    tmp_path: Path,
) -> None:
    """QA-E Q-E-1: the error is at the profile, once; the attendees naming a valid custom
    profile beside it are not told it is unknown, and another broken profile is reported
    in the same run."""
    found = problems(
        tmp_path,
        {
            "settings.yaml": """
            capability_profiles:
              reviewer: {audio: SendReceive, video: Receive, content: Receive}
              listener: {audio: Receive, video: None, content: Receive}
              viewer: {audio: Receive, video: Receive, content: None}
            """,
            "m.yaml": """
            meetings:
              bridge:
                meeting_id: 6f1c2a9e-0000-4000-8000-000000000002
                attendees:
                  alice@example.com: reviewer
                  bob@example.com: listener
                  carol@example.com: viewer
            """,
        },
    )
    assert found == [
        "desired-state/settings.yaml:3: capability_profiles.listener: AWS refuses this "
        "combination: content Receive needs video SendReceive or Receive, got video None",
        "desired-state/settings.yaml:4: capability_profiles.viewer: 'viewer' is a built-in "
        "profile (presenter, participant, viewer): give yours another name",
    ]


def test_a_custom_profile_named_as_another_in_another_case_is_refused(tmp_path: Path) -> None:
    """QA-GD Q-GD-1: ``Viewer: {...SendReceive}`` was a new profile, so ``alice: Viewer``
    made alice a presenter where a review reads a viewer. A name that is a built-in's, or a
    custom profile's before it, in another case is refused at its key; the others stay
    known, and an attendee naming it is told which profile it is not."""
    found = problems(
        tmp_path,
        {
            "settings.yaml": """
            capability_profiles:
              reviewer: {audio: SendReceive, video: Receive, content: Receive}
              Viewer: {audio: SendReceive, video: SendReceive, content: SendReceive}
              PARTICIPANT: {audio: Receive, video: Receive, content: Receive}
              Reviewer: {audio: SendReceive, video: SendReceive, content: SendReceive}
            """,
            "m.yaml": """
            meetings:
              bridge:
                meeting_id: 6f1c2a9e-0000-4000-8000-000000000002
                attendees:
                  alice@example.com: Viewer
                  dial-in-7: viewer
                  bob@example.com: reviewer
            """,
        },
    )
    assert found == [
        "desired-state/m.yaml:5: meetings.bridge.attendees.alice@example.com: unknown "
        "capability profile 'Viewer' (did you mean 'viewer'?)",
        "desired-state/settings.yaml:3: capability_profiles.Viewer: 'Viewer' is the "
        "built-in profile 'viewer' in another case: give yours another name",
        "desired-state/settings.yaml:4: capability_profiles.PARTICIPANT: 'PARTICIPANT' is "
        "the built-in profile 'participant' in another case: give yours another name",
        "desired-state/settings.yaml:5: capability_profiles.Reviewer: 'Reviewer' is the "
        "profile 'reviewer' in another case: give one of them another name",
    ]


@pytest.mark.parametrize("name", ["1on1", "1", "_x", "-x"])
def test_a_profile_name_against_the_rule_is_one_error_that_states_it_and_keeps_the_others(
    tmp_path: Path, name: str
) -> None:
    """QA-J Q-J-2: the message says a name starts with a letter (``1on1`` is letters and
    digits), and the attendees naming a valid profile beside it are not told it is
    unknown."""
    found = problems(
        tmp_path,
        {
            "settings.yaml": f"""
            capability_profiles:
              "{name}": {{audio: SendReceive, video: SendReceive, content: Receive}}
              reviewer: {{audio: SendReceive, video: Receive, content: Receive}}
            """,
            "m.yaml": """
            meetings:
              bridge:
                meeting_id: 6f1c2a9e-0000-4000-8000-000000000002
                attendees:
                  dial-in-7: reviewer
            """,
        },
    )
    assert found == [
        f"desired-state/settings.yaml:2: capability_profiles.{name}: a profile name starts "
        f"with a letter, then letters, digits, '-' and '_', got {name!r}",
    ]


def test_a_profile_name_against_the_rule_is_not_one_more_error_at_its_attendees(
    tmp_path: Path,
) -> None:
    """Q-CH-5: the attendees naming it are not told the rule again (it is reported at the
    profile); one naming such a name that no profile has still is."""
    found = problems(
        tmp_path,
        {
            "settings.yaml": """
            capability_profiles:
              1on1: {audio: Receive, video: Receive, content: None}
            """,
            "m.yaml": """
            meetings:
              bridge:
                meeting_id: 6f1c2a9e-0000-4000-8000-000000000002
                attendees:
                  a1@example.com: 1on1
                  a2@example.com: {profile: 1on1, reason: pairs}
                  a3@example.com: 2on2
            """,
        },
    )
    assert found == [
        "desired-state/m.yaml:7: meetings.bridge.attendees.a3@example.com: a profile name "
        "starts with a letter, then letters, digits, '-' and '_', got '2on2'",
        "desired-state/settings.yaml:2: capability_profiles.1on1: a profile name starts "
        "with a letter, then letters, digits, '-' and '_', got '1on1'",
    ]


def test_two_meetings_with_one_name_in_two_files_are_a_validate_error(tmp_path: Path) -> None:
    """QA-J Q-J-4: as two rooms or channels with one name are, though their ids differ
    (``--target bridge`` and the plan could not tell them apart)."""
    found = problems(
        tmp_path,
        {
            "a.yaml": """
            meetings:
              bridge:
                meeting_id: 6f1c2a9e-0000-4000-8000-000000000001
                attendees: {alice@example.com: viewer}
            """,
            "b.yaml": """
            meetings:
              bridge:
                meeting_id: 6f1c2a9e-0000-4000-8000-000000000002
                attendees: {bob@example.com: presenter}
            """,
        },
    )
    assert found == [
        "desired-state/b.yaml:2: meetings.bridge: meeting 'bridge' is already declared at "
        "desired-state/a.yaml:2",
    ]


def test_an_unknown_profile_is_located_at_its_attendee(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        {
            "m.yaml": """
            meetings:
              standup:
                meeting_id: 6f1c2a9e-0000-4000-8000-000000000002
                attendees:
                  alice@example.com: presenterr
            """,
        },
    )
    assert found == [
        "desired-state/m.yaml:5: meetings.standup.attendees.alice@example.com: unknown "
        "capability profile 'presenterr' (did you mean 'presenter'?)"
    ]


def test_attendee_references_are_emails_bots_or_any_external_user_id() -> None:
    assert meeting_member("Alice@Example.com") == MemberRef.user("alice@example.com")
    assert meeting_member("bot:PagerBot") == MemberRef.bot("PagerBot")
    dial = meeting_member("Dial-In-7")
    assert (dial.kind, dial.key, str(dial)) == (MemberKind.EXTERNAL, "Dial-In-7", "Dial-In-7")
    assert meeting_member("dial-in-7") != dial  # compared as written


@pytest.mark.parametrize("text", ["user:bob@example.com", "dial-in-7 ", " x", " bob@example.com"])
def test_explain_and_audit_read_member_as_the_live_attendee_it_names(text: str) -> None:
    """MEMBER of explain and audit is the ExternalUserId as written, the one plan compares
    a live attendee by (QA-EQ Q-EQ-1, Q-EQ-2); the rooms read user:EMAIL as the e-mail."""
    assert MEETING.lookup_member(text) == live_attendee(text)
    assert MEETING.lookup_member(text) == MemberRef(MemberKind.EXTERNAL, text, text)
    assert ROOM.lookup_member("user:bob@example.com") == MemberRef.user("bob@example.com")


CAPS = st.builds(Capabilities, *(st.sampled_from(VALUES) for _ in range(3))).filter(
    lambda c: problem(c) is None
)


@given(CAPS, CAPS, CAPS)
def test_join_is_a_valid_per_axis_least_upper_bound(
    a: Capabilities, b: Capabilities, c: Capabilities
) -> None:
    assert problem(join(a, b)) is None
    assert join(a, b) == join(b, a)
    assert join(join(a, b), c) == join(a, join(b, c))
    assert join(a, a) == a
    assert MEETING.combine([a, b, c]) == join(join(a, b), c)


def test_roles_round_trip_through_json() -> None:
    assert MEETING.parse_role(MEETING.role_json(PARTICIPANT)) == PARTICIPANT
    with pytest.raises(ValueError, match="content Receive needs video"):
        MEETING.parse_role({"audio": "None", "video": "None", "content": "Receive"})
    assert MEETING.role_text(VIEWER) == "audio Receive, video Receive, content Receive"


def live(state: DesiredState, *members: tuple[str, str, Capabilities]) -> LiveState:
    [target] = state.targets
    listed = tuple(
        sorted(
            LiveMember(meeting_member(w), aid, meeting_member(w).kind, c) for w, aid, c in members
        )
    )
    ids = {(target.key.scope, m.ref): str(m.ref) for m in target.members}
    return LiveState(
        targets={target.key: LiveTarget(target.key, MEETING_ID, listed)},
        scoped_member_ids=ids,
    )


def test_plan_creates_updates_in_place_and_prunes(tmp_path: Path) -> None:
    files = {
        "m.yaml": f"""
        meetings:
          bridge:
            meeting_id: {MEETING_ID}
            prune: true
            attendees: {{alice@example.com: presenter, bob@example.com: viewer}}
        """,
    }
    state = load(tmp_path, files)
    now = live(
        state,
        ("bob@example.com", "a-bob", PRESENTER),
        ("mallory@example.com", "a-mal", VIEWER),
    )
    result = plan(state, now)
    got = [
        (c.action, str(c.member), c.member_id, c.role_before, c.role_after) for c in result.changes
    ]
    assert got == [
        (Action.CREATE, "alice@example.com", "alice@example.com", None, PRESENTER),
        (Action.UPDATE, "bob@example.com", "a-bob", PRESENTER, VIEWER),
        (Action.DELETE, "mallory@example.com", "a-mal", VIEWER, None),
    ]
    files["m.yaml"] = files["m.yaml"].replace("prune: true", "prune: false")
    kept = plan(load(tmp_path / "again", files), now)
    assert [c.action for c in kept.changes] == [Action.CREATE, Action.UPDATE]
    assert [str(m.ref) for m in kept.targets[0].unmanaged] == ["mallory@example.com"]


def test_attendees_naming_a_broken_custom_profile_are_not_said_to_name_an_unknown_one(
    tmp_path: Path,
) -> None:
    found = problems(
        tmp_path,
        {
            "settings.yaml": """
            capability_profiles:
              reviewer: {audio: sendreceive, video: None, content: None}
              listener: {audio: Receive, video: None}
            """,
            "m.yaml": """
            meetings:
              bridge:
                meeting_id: 6f1c2a9e-0000-4000-8000-000000000002
                attendees:
                  alice@example.com: reviewer
                  bob@example.com: reviewer
                  carol@example.com: listener
                  dan@example.com: speaker
            """,
        },
    )
    assert found == [  # each broken profile once, at itself; only a truly unknown name
        "desired-state/m.yaml:8: meetings.bridge.attendees.dan@example.com: unknown capability "
        "profile 'speaker' (known: listener, participant, presenter, reviewer, viewer; add "
        "yours under capability_profiles in settings.yaml)",
        "desired-state/settings.yaml:2: capability_profiles.reviewer.audio: expected "
        "SendReceive, Send, Receive or None, got the string 'sendreceive'",
        "desired-state/settings.yaml:3: capability_profiles.listener: missing required key "
        "'content'",
    ]


def test_an_attendee_aws_would_refuse_for_a_character_is_an_error_at_its_line(
    tmp_path: Path,
) -> None:
    """QA-G Q-G-1: o~neil@example.com is a legal e-mail address, but not a legal
    ExternalUserId: AWS would refuse it part-way through an apply."""
    found = problems(
        tmp_path,
        {
            "m.yaml": """
            meetings:
              bridge:
                meeting_id: 6f1c2a9e-0000-4000-8000-000000000002
                attendees:
                  Ünal@example.com: viewer
                  o~neil@example.com: viewer
            """,
        },
    )
    assert found == [
        'desired-state/m.yaml:6: meetings.bridge.attendees."o~neil@example.com": AWS refuses '
        "'~' in an ExternalUserId (it allows letters a-z, A-Z and À-ÿ, digits, spaces and "
        "- _ & @ + = , ( ) { } [ ] / « » . : | ' \" #)"
    ]


@given(st.text(min_size=1, max_size=70))
def test_the_schemas_attendee_pattern_accepts_what_validate_accepts(text: str) -> None:
    """Editors (JSON Schema) and validate agree on every attendee name."""
    if text.strip().startswith("@"):
        return  # groups: their own rules
    assert (re.match(ATTENDEE_PATTERN, text) is not None) == (attendee_problem(text) is None)
