"""Where protection and `until:` meet, with a fixed clock:

- a protection that comes through a `protected:` group entry with `until:` is warned
  about before it ends (text and JSON `expiring`, where its end removes a member the plan
  keeps), and the removal after it says why (`protection expired D, declared at
  FILE:LINE`; JSON provenance `"protection": true`), read back from a plan file too
  (QA-K Q-K-1), with the entry's reason and ticket (QA-AO Q-AO-3); so is one whose end
  demotes a member the files declare with a lower role (QA-AO Q-AO-4);
- protection keeps a member in, not a grant past its end: a protected member's elevated
  role given by an entry with `until:` ends then, like anyone's, and its membership is
  kept: demoted in a room that declares it Member, removed from a channel's moderators
  only (QA-K Q-K-2), a meeting's presenter no file declares made a non-presenter
  (QA-AO Q-AO-2)."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

from reconciler.capabilities import Capabilities
from reconciler.channel_refs import parse_channel_member
from reconciler.desired.loader import load_desired
from reconciler.desired.model import DesiredState
from reconciler.governance.expiry import as_of, ended_between, ending_between, passed_words
from reconciler.kinds import MEETING
from reconciler.kinds.channels import CHANNEL, CHANNEL_MODERATOR, DEFAULT, MODERATOR
from reconciler.kinds.meetings import meeting_member
from reconciler.live import LiveMember, LiveState, LiveTarget
from reconciler.plandecode import plan_from_document
from reconciler.plandoc import FORMAT_VERSION, plan_to_data
from reconciler.planner import plan
from reconciler.refs import MemberRef, Role
from reconciler.render.markdown import render_markdown
from reconciler.render.text import render_text

UTC = dt.UTC
ACCOUNT = "acct-1"
INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat-1"


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def load(root: Path, files: dict[str, str]) -> DesiredState:
    for name, text in files.items():
        (root / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return load_desired(root)


def room_live(state: DesiredState, **roles: Role) -> LiveState:
    [ops] = [t for t in state.targets if t.key.kind == "room"]
    members = tuple(
        sorted(
            LiveMember(MemberRef.user(e), f"id-{e}", MemberRef.user(e).kind, role)
            for e, role in ((f"{name}@example.com", r) for name, r in roles.items())
        )
    )
    return LiveState({ops.key: LiveTarget(ops.key, "room-ops", members)})


ONCALL = {
    "settings.yaml": f"""
        account: {ACCOUNT}
        protected: ["@oncall"]
        """,
    "ops.yaml": """
        groups:
          oncall:
            - {member: dave@example.com, until: 2027-03-03, reason: on-call week}
        rooms:
          ops:
            prune: true
            administrators: [alice@example.com]
        """,
}


def test_a_protection_that_ends_is_warned_about_then_named_as_the_removals_reason(
    tmp_path: Path,
) -> None:
    state = load(tmp_path, ONCALL)
    live = room_live(state, alice=Role.ADMINISTRATOR, dave=Role.ADMINISTRATOR)
    where = f"{tmp_path}/ops.yaml:3"

    last_day = plan(state, live, now=at("2027-03-03T12:00:00"))
    assert last_day.changes == ()
    text = render_text(last_day)
    assert "    protected: dave@example.com (Administrator), left unchanged" in text
    assert (
        "Warning: 1 membership ends within 14 days:\n"
        f"  dave@example.com in room ops: protected until 2027-03-03 (ends today), "
        f"declared at {where}\n"
    ) in text
    [item] = plan_to_data(last_day)["expiring"]
    assert (item["member"], item["role"], item["until"], item["protection"]) == (
        "dave@example.com",
        "Administrator",
        "2027-03-03",
        True,
    )

    after = plan(state, live, now=at("2027-03-04T00:00:00"))
    assert [(c.action.value, str(c.member)) for c in after.changes] == [
        ("delete", "dave@example.com")
    ]
    line = (
        f"  - dave@example.com (Administrator): protection expired 2027-03-03, declared at {where}"
    )
    assert line in render_text(after).splitlines()
    document = plan_to_data(after)
    [why] = document["targets"][0]["changes"][0]["provenance"]
    assert (why["expired"], why["protection"], why["until"]) == (True, True, "2027-03-03")
    # a plan file read back (show, apply FILE) says the same
    again = plan_from_document(json.loads(json.dumps(document)), FORMAT_VERSION)
    assert line in render_text(again).splitlines()


def test_the_removal_after_a_protection_ends_carries_its_reason_and_ticket(
    tmp_path: Path,
) -> None:
    """As any expired path's: plan -v, the Markdown details, the JSON provenance (QA-AO
    Q-AO-3)."""
    files = dict(ONCALL)
    files["ops.yaml"] = files["ops.yaml"].replace(
        "reason: on-call week}", "reason: on-call week, ticket: ONC-1}"
    )
    state = load(tmp_path, files)
    live = room_live(state, alice=Role.ADMINISTRATOR, dave=Role.ADMINISTRATOR)
    after = plan(state, live, now=at("2027-03-04T00:00:00"))
    assert (
        f"      expired 2027-03-03, protected (a `protected:` group entry) via @oncall at "
        f"{tmp_path}/ops.yaml:3, "
        "reason: on-call week, ticket ONC-1"
    ) in render_text(after, verbose=True).splitlines()
    assert (
        f"  # expired 2027-03-03, protected (a `protected:` group entry) via @oncall at "
        f"{tmp_path}/ops.yaml:3, "
        "reason: on-call week, ticket ONC-1"
    ) in render_markdown(after).splitlines()
    [why] = plan_to_data(after)["targets"][0]["changes"][0]["provenance"]
    assert (why["protection"], why["reason"], why["ticket"]) == (True, "on-call week", "ONC-1")


def test_a_protection_whose_end_demotes_a_member_declared_lower_is_warned_about(
    tmp_path: Path,
) -> None:
    """dave: declared Member, live Administrator, kept so by @oncall until 2027-03-03: the
    plan warns before the end demotes him, as it does before one removes (QA-AO Q-AO-4)."""
    files = dict(ONCALL)
    files["ops.yaml"] = files["ops.yaml"].replace(
        "administrators: [alice@example.com]",
        "administrators: [alice@example.com]\n" + " " * 12 + "members: [dave@example.com]",
    )
    state = load(tmp_path, files)
    live = room_live(state, alice=Role.ADMINISTRATOR, dave=Role.ADMINISTRATOR)
    before = plan(state, live, now=at("2027-03-01T00:00:00"))
    assert before.changes == ()
    assert (
        "Warning: 1 membership ends within 14 days:\n"
        "  dave@example.com in room ops: protected until 2027-03-03 (2 days left), "
        f"declared at {tmp_path}/ops.yaml:3\n"
    ) in render_text(before)
    [item] = plan_to_data(before)["expiring"]
    assert (item["member"], item["role"], item["protection"]) == (
        "dave@example.com",
        "Administrator",
        True,
    )
    after = plan(state, live, now=at("2027-03-04T00:00:00"))
    assert [(c.action.value, str(c.member), c.role_after) for c in after.changes] == [
        ("update", "dave@example.com", Role.MEMBER)
    ]
    assert after.expiring == ()
    # a saved plan made as of after the end: the protection's end is why it differs
    [pending] = ending_between(state, [after.targets[0].key], at("2027-03-01T00:00:00"),
                               at("2027-03-04T00:00:00"))  # fmt: skip
    assert (str(pending.member), pending.protection) == ("dave@example.com", True)


def test_a_protected_members_elevated_room_grant_ends_and_its_membership_stays(
    tmp_path: Path,
) -> None:
    state = load(
        tmp_path,
        {
            "settings.yaml": f"""
                account: {ACCOUNT}
                protected: [glass@example.com]
                """,
            "ops.yaml": """
                rooms:
                  ops:
                    prune: true
                    administrators:
                      - alice@example.com
                      - {member: glass@example.com, until: 2027-03-03, reason: audit window}
                    members: [glass@example.com]
                """,
        },
    )
    live = room_live(state, alice=Role.ADMINISTRATOR, glass=Role.ADMINISTRATOR)
    assert plan(state, live, now=at("2027-03-03T12:00:00")).changes == ()
    after = plan(state, live, now=at("2027-03-04T00:00:00"))
    assert [(c.action.value, str(c.member), c.role_after) for c in after.changes] == [
        ("update", "glass@example.com", Role.MEMBER)
    ]
    assert (
        "  ~ glass@example.com: Administrator -> Member: expired 2027-03-03, declared at "
        f"{tmp_path}/ops.yaml:6"
    ) in render_text(after).splitlines()
    # a Member the files declare that someone made Administrator by hand stays protected
    by_hand = load(
        tmp_path,
        {
            "ops.yaml": """
                rooms:
                  ops:
                    prune: true
                    administrators: [alice@example.com]
                    members: [glass@example.com]
                """
        },
    )
    assert plan(by_hand, live, now=at("2027-03-04T00:00:00")).changes == ()


def test_a_protected_members_moderator_grant_ends_and_its_channel_membership_stays(
    tmp_path: Path,
) -> None:
    state = load(
        tmp_path,
        {
            "settings.yaml": f"""
                account: {ACCOUNT}
                protected: [dave@example.com]
                app_instances:
                  chat: {{arn: "{INSTANCE}", bearer: "user:reconciler"}}
                """,
            "chat.yaml": """
                channels:
                  ops:
                    prune: true
                    members: [alice@example.com]
                    moderators:
                      - alice@example.com
                      - {member: dave@example.com, until: 2027-03-03, reason: cover}
                """,
        },
    )
    keys = {t.key.kind: t.key for t in state.targets}

    def listed(kind_id: str, role: object) -> LiveTarget:
        found = [
            LiveMember(ref, f"{INSTANCE}/user/{m}", ref.kind, role)
            for m in ("user:reconciler", "alice@example.com", "dave@example.com")
            for ref in [parse_channel_member(m)]
        ]
        return LiveTarget(keys[kind_id], f"{INSTANCE}/channel/ops", tuple(sorted(found)))

    live = LiveState(
        {
            keys[CHANNEL.id]: listed(CHANNEL.id, DEFAULT),
            keys[CHANNEL_MODERATOR.id]: listed(CHANNEL_MODERATOR.id, MODERATOR),
        }
    )
    assert plan(state, live, now=at("2027-03-03T12:00:00")).changes == ()
    after = plan(state, live, now=at("2027-03-04T00:00:00"))
    # the moderator right ends; dave stays in the channel, which does not declare him
    assert [(c.target.kind, c.action.value, str(c.member)) for c in after.changes] == [
        (CHANNEL_MODERATOR.id, "delete", "dave@example.com")
    ]
    [channel] = [t for t in after.targets if t.key.kind == CHANNEL.id]
    assert [str(m.ref) for m in channel.protected] == ["dave@example.com"]


def test_a_protected_admin_no_file_declares_after_its_grant_ends_stays_a_member(
    tmp_path: Path,
) -> None:
    state = load(
        tmp_path,
        {
            "settings.yaml": f"""
                account: {ACCOUNT}
                protected: [glass@example.com]
                """,
            "ops.yaml": """
                rooms:
                  ops:
                    prune: true
                    administrators:
                      - alice@example.com
                      - {member: glass@example.com, until: 2027-03-03, reason: audit window}
                """,
        },
    )
    live = room_live(state, alice=Role.ADMINISTRATOR, glass=Role.ADMINISTRATOR)
    after = plan(state, live, now=at("2027-03-04T00:00:00"))
    assert [(c.action.value, str(c.member), c.role_after) for c in after.changes] == [
        ("update", "glass@example.com", Role.MEMBER)
    ]
    assert (
        "  ~ glass@example.com: Administrator -> Member: expired 2027-03-03, declared at "
        f"{tmp_path}/ops.yaml:6"
    ) in render_text(after).splitlines()
    # as Member, it is kept (protected), and listed as such
    kept = plan(state, room_live(state, alice=Role.ADMINISTRATOR, glass=Role.MEMBER),
                now=at("2027-03-04T00:00:00"))  # fmt: skip
    assert kept.changes == ()
    assert [str(m.ref) for m in kept.targets[0].protected] == ["glass@example.com"]


MEETING_ID = "6f1c2a9e-0000-4000-8000-000000000001"
PRESENTER = Capabilities("SendReceive", "SendReceive", "SendReceive")


def meeting_live(state: DesiredState, **caps: Capabilities) -> LiveState:
    [bridge] = [t for t in state.targets if t.key.kind == MEETING.id]
    members = tuple(
        sorted(
            LiveMember(meeting_member(e), f"a-{name}", meeting_member(e).kind, c)
            for name, c in caps.items()
            for e in [f"{name}@example.com"]
        )
    )
    return LiveState({bridge.key: LiveTarget(bridge.key, MEETING_ID, members)})


def test_a_protected_presenter_no_file_declares_after_its_grant_ends_stays_an_attendee(
    tmp_path: Path,
) -> None:
    """In a meeting as in a room: the presenter grant ends (content Send is taken away),
    the attendee stays (QA-AO Q-AO-2)."""
    state = load(
        tmp_path,
        {
            "settings.yaml": """
                protected: [carol@example.com]
                """,
            "m.yaml": f"""
                meetings:
                  bridge:
                    meeting_id: {MEETING_ID}
                    prune: true
                    attendees:
                      alice@example.com: presenter
                      carol@example.com: {{profile: presenter, until: 2027-03-03, reason: demo}}
                """,
        },
    )
    live = meeting_live(state, alice=PRESENTER, carol=PRESENTER)
    assert plan(state, live, now=at("2027-03-03T12:00:00")).changes == ()
    after = plan(state, live, now=at("2027-03-04T00:00:00"))
    lowered = Capabilities("SendReceive", "SendReceive", "Receive")
    assert [(c.action.value, str(c.member), c.role_after) for c in after.changes] == [
        ("update", "carol@example.com", lowered)
    ]
    assert (
        "  ~ carol@example.com: audio SendReceive, video SendReceive, content SendReceive -> "
        "audio SendReceive, video SendReceive, content Receive: expired 2027-03-03, "
        f"declared at {tmp_path}/m.yaml:7"
    ) in render_text(after).splitlines()
    # no longer a presenter, it is kept (protected) as it is
    kept = plan(state, meeting_live(state, alice=PRESENTER, carol=lowered),
                now=at("2027-03-04T00:00:00"))  # fmt: skip
    assert kept.changes == ()
    assert [str(m.ref) for m in kept.targets[0].protected] == ["carol@example.com"]
    # content Send alone, with video off: the content goes (Receive would need video)
    sender = Capabilities("SendReceive", "None", "Send")
    assert MEETING.without_elevation(sender) == Capabilities("SendReceive", "None", "None")


def test_an_ended_protection_is_named_only_where_the_plan_made_before_kept_the_member(
    tmp_path: Path,
) -> None:
    """What a saved plan refused after an `until:`, or a confirmation that waited past
    one, lists (QA-EE Q-EE-6): dave's protection ended; web does not declare him either,
    but he is not there, so its end changed nothing there."""
    state = load(
        tmp_path,
        {
            **ONCALL,
            "ops.yaml": """
                groups:
                  oncall:
                    - {member: dave@example.com, until: 2027-03-03, reason: on-call week}
                rooms:
                  ops:
                    prune: true
                    administrators: [alice@example.com]
                  web:
                    prune: true
                    administrators: [alice@example.com]
                """,
        },
    )
    ops, web = (t.key for t in state.targets)

    def member(name: str) -> LiveMember:
        ref = MemberRef.user(f"{name}@example.com")
        return LiveMember(ref, f"id-{name}", ref.kind, Role.ADMINISTRATOR)

    live = LiveState(
        {
            ops: LiveTarget(ops, "room-ops", (member("alice"), member("dave"))),
            web: LiveTarget(web, "room-web", (member("alice"),)),
        }
    )
    since, now = at("2027-03-02T00:00:00"), at("2027-03-05T00:00:00")
    before = plan(state, live, now=since)
    ended = ended_between(as_of(state, now), (ops, web), since, now, before.targets)
    assert [e.ended_message() for e in ended] == [
        "dave@example.com in room ops: protected until 2027-03-03, declared at "
        f"{tmp_path}/ops.yaml:3"
    ]
    assert passed_words(ended) == "an `until:` has passed"


def test_expiring_declared_at_is_the_entry_and_until_at_the_line_the_warning_names(
    tmp_path: Path,
) -> None:
    """QA-EE Q-EE-7: JSON ``expiring[].declared_at`` is the entry that puts the member in
    the target, as in the provenance: the room's list entry for a path (here through
    groups), the ``protected:`` entry for a protection (it was the member's line in the
    group); ``until_at`` is where the ``until:`` is written, the line the text's
    "declared at" names."""
    state = load(
        tmp_path,
        {
            **ONCALL,
            "ops.yaml": """
                groups:
                  oncall:
                    - {member: dave@example.com, until: 2027-03-03, reason: on-call week}
                  outer:
                    - {member: "@inner", until: 2027-03-04}
                  inner: [carol@example.com]
                rooms:
                  ops:
                    prune: true
                    administrators: [alice@example.com]
                    members: ["@outer"]
                """,
        },
    )
    live = room_live(state, alice=Role.ADMINISTRATOR, carol=Role.MEMBER, dave=Role.MEMBER)
    made = plan(state, live, now=at("2027-03-01T12:00:00"))
    lines = render_text(made).splitlines()
    assert (
        "  dave@example.com in room ops: protected until 2027-03-03 (2 days left), declared at "
        f"{tmp_path}/ops.yaml:3"
    ) in lines
    assert (
        "  carol@example.com in room ops: Member until 2027-03-04 (3 days left), declared at "
        f"{tmp_path}/ops.yaml:5"
    ) in lines
    items = {e["member"]: (e["declared_at"], e["until_at"]) for e in plan_to_data(made)["expiring"]}
    assert items == {
        "dave@example.com": (f"{tmp_path}/settings.yaml:2", f"{tmp_path}/ops.yaml:3"),
        "carol@example.com": (f"{tmp_path}/ops.yaml:11", f"{tmp_path}/ops.yaml:5"),
    }
    # as the provenance of the removals once they have ended
    after = plan_to_data(plan(state, live, now=at("2027-03-05T00:00:00")))
    paths = {
        c["member"]: (p["declared_at"], p["until_at"])
        for c in after["targets"][0]["changes"]
        for p in c["provenance"]
    }
    assert paths == items
