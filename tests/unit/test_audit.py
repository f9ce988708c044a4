"""The pure part of `audit`: a member's live rooms joined with the desired state, and how
the result reads (plain columns, a terminal table, JSON)."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import pytest
from rich.console import Console

from reconciler.audit import Status, UnknownMemberError, audit, known
from reconciler.desired.model import DesiredMember, DesiredState, DesiredTarget
from reconciler.kinds.channels import CHANNEL, DEFAULT
from reconciler.kinds.rooms import ROOM
from reconciler.live import LiveMember
from reconciler.refs import Location, MemberKind, MemberRef, Provenance, Role, TargetKey, TargetKind
from reconciler.render.audit import format_json, plain_lines, render_audit
from reconciler.render.audit_json import to_json
from reconciler.whereabouts import Found, ScopeLookup, Whereabouts

ACC = "acc-1"
ACC2 = "acc-2"
A, M = Role.ADMINISTRATOR, Role.MEMBER
ALICE = MemberRef.user("alice@example.com")
FILE = "desired-state/rooms.yaml"
NOTE = "read from desired-state (2 files)."


def declared(role: Role, line: int, via: tuple[str, ...] = ()) -> Provenance:
    if via:
        return Provenance(role, Location(FILE, line), via, Location("desired-state/g.yaml", 3))
    return Provenance(role, Location(FILE, line))


def target(
    name: str,
    *members: tuple[MemberRef, Role, tuple[Provenance, ...]],
    room_id: str | None = None,
    prune: bool = False,
    account: str = ACC,
) -> DesiredTarget:
    return DesiredTarget(
        key=TargetKey(TargetKind.ROOM, account, name),
        target_id=room_id,
        prune=prune,
        members=tuple(
            sorted((DesiredMember(r, role, tuple(sorted(p))) for r, role, p in members), key=str)
        ),
        location=Location(FILE, 1),
    )


def state(*targets: DesiredTarget) -> DesiredState:
    return DesiredState(targets=tuple(sorted(targets, key=lambda t: t.key)))


def live(name: str, role: Role, room_id: str = "", account: str = ACC) -> Found:
    member = LiveMember(ALICE, "uid-alice", MemberKind.USER, role)
    return Found(ROOM.id, account, name, room_id or f"r-{name}", member)


def where(lookups: list[ScopeLookup], found: list[Found]) -> Whereabouts:
    """What the rooms provider finds: ``lookups`` and the memberships ``found``."""
    return Whereabouts((ROOM.id,), tuple(lookups), tuple(found))


FOUND = [ScopeLookup(ACC, ("uid-alice",))]


def test_each_live_room_is_compared_with_the_declared_role() -> None:
    desired = state(
        target("same", (ALICE, M, (declared(M, 4),))),
        target("promoted", (ALICE, A, (declared(A, 8),))),
        target("pruned", prune=True),
        target("kept"),
    )
    rows = [
        live("same", M),
        live("promoted", M),
        live("pruned", M),
        live("kept", A),
        live("elsewhere", M),
    ]
    result = audit(ALICE, where(FOUND, rows), desired, desired_note=NOTE)
    assert [(r.name, r.status, r.note) for r in result.rows] == [
        ("elsewhere", Status.ROOM_NOT_DECLARED, "room not in the desired state"),
        ("kept", Status.NOT_DECLARED, "not declared: kept (prune off)"),
        ("promoted", Status.ROLE_DIFFERS, "plan changes the role to Administrator"),
        ("pruned", Status.NOT_DECLARED, "not declared: plan removes it (prune)"),
        ("same", Status.IN_SYNC, "declared"),
    ]
    assert (result.live_count, result.declared_count) == (5, 2)


def test_a_protected_member_is_never_said_to_be_removed_or_demoted() -> None:
    desired = replace(
        state(
            target("pruned", prune=True),
            target("kept"),
            target("lower", (ALICE, M, (declared(M, 4),)), prune=True),
            target("higher", (ALICE, A, (declared(A, 8),))),
        ),
        protected=frozenset({ALICE}),
    )
    rows = [live("pruned", M), live("kept", M), live("lower", A), live("higher", M)]
    result = audit(ALICE, where(FOUND, rows), desired, desired_note=NOTE)
    assert [(r.name, r.note) for r in result.rows] == [
        ("higher", "plan changes the role to Administrator"),  # a promotion happens
        # prune off, and protected: the planner counts it protected (``unmanaged_protected``)
        # and says so, as a channel's row always did (Q-AM-1: one join for every kind)
        ("kept", "not declared: kept, protected (never removed)"),
        ("lower", "declared Member: kept, protected (never demoted)"),
        ("pruned", "not declared: kept, protected (never removed)"),
    ]
    assert [r["protected"] for r in to_json(result)["rooms"]] == [True] * 4


def test_rooms_are_listed_by_name_whatever_their_case() -> None:
    """The audit's rows are in name order without regard to case: ``ops`` between
    ``Alpha`` and ``Zeta``, not after both."""
    found = where(FOUND, [live("Zeta", M), live("ops", M), live("Alpha", M)])
    assert [r.name for r in audit(ALICE, found, None).rows] == ["Alpha", "ops", "Zeta"]


def test_declared_rooms_without_the_member_in_chime_are_listed() -> None:
    desired = state(
        target("ops", (ALICE, M, (declared(M, 4),))),
        target("web", (MemberRef.user("bob@example.com"), M, (declared(M, 9),))),
    )
    result = audit(ALICE, where(FOUND, []), desired, desired_note=NOTE)
    assert [(r.name, r.live_role, r.declared_role, r.status) for r in result.rows] == [
        ("ops", None, M, Status.NOT_IN_CHIME)
    ]
    assert result.rows[0].note == "declared, not in the room: plan adds it"


def test_declared_member_that_chime_does_not_know_is_not_an_unknown_member() -> None:
    desired = state(target("ops", (ALICE, A, (declared(A, 4),))))
    result = audit(ALICE, where([ScopeLookup(ACC, ())], []), desired, desired_note=NOTE)
    assert [(r.name, r.status, r.note) for r in result.rows] == [
        ("ops", Status.NO_SUCH_MEMBER, "declared, but Chime has no such member: plan reports it")
    ]


def test_member_unknown_to_chime_and_to_the_files_is_an_error_naming_the_accounts() -> None:
    with pytest.raises(UnknownMemberError) as caught:
        known(audit(ALICE, where([ScopeLookup(ACC, ()), ScopeLookup(ACC2, ())], []), state()))
    assert str(caught.value) == (
        "unknown member alice@example.com: no Chime user with that e-mail in "
        "accounts acc-1, acc-2, and the desired state does not declare it"
    )
    bot = MemberRef.bot("PagerBot")
    with pytest.raises(UnknownMemberError) as caught:
        known(audit(bot, where([ScopeLookup(ACC, ())], []), None))
    assert str(caught.value) == (
        "unknown member bot:PagerBot: no Chime bot by that name in account acc-1, "
        "and the desired state does not declare it"
    )
    assert str(UnknownMemberError(ALICE, [])) == (
        "unknown member alice@example.com: no Chime user with that e-mail in any account"
    )


def test_member_in_no_room_is_not_an_error_when_chime_knows_it() -> None:
    result = audit(ALICE, where(FOUND, []), state(), desired_note=NOTE)
    assert result.rows == ()
    assert plain_lines(result) == [
        f"alice@example.com: user id uid-alice in account {ACC}",
        f"Desired state: {NOTE}",
        "",
        "No rooms.",
        "",
        "alice@example.com is in 0 rooms in Chime; the desired state declares it in 0 rooms.",
    ]


def test_a_room_declared_by_id_matches_whatever_its_name() -> None:
    desired = state(target("label", (ALICE, M, (declared(M, 4),)), room_id="r-7"))
    result = audit(ALICE, where(FOUND, [live("Renamed", M, room_id="r-7")]), desired)
    assert [(r.name, r.status) for r in result.rows] == [("Renamed", Status.IN_SYNC)]


def test_a_room_declared_by_name_in_another_account_does_not_match() -> None:
    desired = state(target("ops", (ALICE, M, (declared(M, 4),)), account=ACC2))
    lookups = [*FOUND, ScopeLookup(ACC2, ("uid-alice",))]
    result = audit(ALICE, where(lookups, [live("ops", M)]), desired)
    assert [(r.scope, r.name, r.status) for r in result.rows] == [
        (ACC, "ops", Status.ROOM_NOT_DECLARED),
        (ACC2, "ops", Status.NOT_IN_CHIME),
    ]


def test_declarations_in_accounts_not_audited_are_left_out() -> None:
    desired = state(target("ops", (ALICE, M, (declared(M, 4),)), account=ACC2))
    result = audit(ALICE, where(FOUND, [live("web", M)]), desired)
    assert [r.name for r in result.rows] == ["web"]


def test_without_a_desired_state_rows_have_no_declaration() -> None:
    result = audit(ALICE, where(FOUND, [live("ops", A)]), None, desired_note="not read (x).")
    assert [(r.status, r.declared_role, r.note) for r in result.rows] == [
        (Status.UNKNOWN, None, "")
    ]
    assert plain_lines(result)[-1] == "alice@example.com is in 1 room in Chime."


def test_plain_text_is_aligned_columns_with_where_each_role_is_declared() -> None:
    desired = state(
        target(
            "incident-response",
            (ALICE, A, (declared(A, 10), declared(M, 11, via=("sre", "oncall")))),
        ),
        target("ops", (ALICE, M, (declared(M, 20),))),
    )
    rows = [live("incident-response", M), live("watercooler", M, room_id="r-w")]
    lines = plain_lines(audit(ALICE, where(FOUND, rows), desired, desired_note=NOTE))
    assert lines == [
        f"alice@example.com: user id uid-alice in account {ACC}",
        f"Desired state: {NOTE}",
        "",
        "ROOM               ROOM ID              LIVE    DECLARED       "
        "NOTE                                     WHERE",
        "incident-response  r-incident-response  Member  Administrator  "
        "plan changes the role to Administrator   Administrator at desired-state/rooms.yaml:10; "
        "Member via @sre > @oncall at desired-state/g.yaml:3",
        "ops                -                    -       Member         "
        "declared, not in the room: plan adds it  Member at desired-state/rooms.yaml:20",
        "watercooler        r-w                  Member  -              "
        "room not in the desired state            -",
        "",
        "alice@example.com is in 2 rooms in Chime; the desired state declares it in 2 rooms.",
    ]


def test_plain_text_has_an_account_column_with_several_accounts() -> None:
    lookups = [*FOUND, ScopeLookup(ACC2, ())]
    lines = plain_lines(audit(ALICE, where(lookups, [live("ops", M)]), None, desired_note="x"))
    assert lines[:4] == [
        f"alice@example.com: user id uid-alice in account {ACC}",
        f"alice@example.com: no Chime user in account {ACC2}",
        "Desired state: x",
        "",
    ]
    assert lines[4].split() == [
        "ACCOUNT",
        "ROOM",
        "ROOM",
        "ID",
        "LIVE",
        "DECLARED",
        "NOTE",
        "WHERE",
    ]
    assert lines[5].split() == [ACC, "ops", "r-ops", "Member", "-", "-", "-"]


def test_on_a_terminal_text_is_a_table() -> None:
    desired = state(target("ops", (ALICE, M, (declared(M, 20),))))
    result = audit(ALICE, where(FOUND, [live("ops", A)]), desired, desired_note=NOTE)
    out = io.StringIO()
    render_audit(result, "text", Console(file=out, force_terminal=True, width=120, no_color=True))
    text = out.getvalue()
    assert "┃" in text and "ops" in text and "r-ops" in text
    assert "Member at desired-state/rooms.yaml:20" in text
    assert (
        text.rstrip()
        .splitlines()[-1]
        .endswith(
            "alice@example.com is in 1 room in Chime; the desired state declares it in 1 room."
        )
    )


def test_json_has_rooms_with_roles_status_and_declarations() -> None:
    desired = state(target("ops", (ALICE, A, (declared(M, 4), declared(A, 6, via=("sre",))))))
    result = audit(ALICE, where(FOUND, [live("ops", M)]), desired, desired_note=NOTE)
    assert (
        json.loads(format_json(result))
        == to_json(result)
        == {
            "format_version": "2",
            "member": "alice@example.com",
            "kind": "User",
            "accounts": [{"account": ACC, "member_ids": ["uid-alice"]}],
            "desired_state": {"read": True, "note": NOTE},
            "rooms": [
                {
                    "account": ACC,
                    "room": "ops",
                    "room_id": "r-ops",
                    "member_id": "uid-alice",
                    "live_role": "Member",
                    "declared_role": "Administrator",
                    "live": "Member",
                    "declared": "Administrator",
                    "where": ["desired-state/g.yaml:3", f"{FILE}:4"],
                    "status": "role-differs",
                    "note": "plan changes the role to Administrator",
                    "prune": False,
                    "protected": False,
                    "declared_at": [
                        {
                            "role": "Administrator",
                            "file": "desired-state/g.yaml",
                            "line": 3,
                            "via": ["sre"],
                            "room_entry": "desired-state/rooms.yaml:6",
                            "entry": "desired-state/rooms.yaml:6",
                        },
                        {
                            "role": "Member",
                            "file": FILE,
                            "line": 4,
                            "via": [],
                            "room_entry": "desired-state/rooms.yaml:4",
                            "entry": "desired-state/rooms.yaml:4",
                        },
                    ],
                }
            ],
            "summary": {"live_rooms": 1, "declared_rooms": 1},
        }
    )


def test_the_json_keys_of_a_channel_audit_have_no_spaces() -> None:
    """The words of a channel's scope ("app instance") are keys with ``_`` in the JSON, as
    the README documents them: ``app_instances``, ``app_instance``."""
    instance = "arn:aws:chime:us-east-1:111122223333:app-instance/i-1"
    arn = f"{instance}/channel/c-1"
    member = LiveMember(ALICE, f"{instance}/user/u-1", MemberKind.USER, DEFAULT)
    found = Whereabouts(
        (CHANNEL.id,),
        (ScopeLookup(instance, (f"{instance}/user/u-1",)),),
        (Found(CHANNEL.id, instance, "ops", arn, member),),
    )
    doc = json.loads(format_json(audit(ALICE, found, None)))
    assert doc["app_instances"] == [
        {"app_instance": instance, "member_ids": [f"{instance}/user/u-1"]}
    ]
    assert [(r["app_instance"], r["channel"], r["channel_id"]) for r in doc["channels"]] == [
        (instance, "ops", arn)
    ]
    assert all(" " not in key for r in doc["channels"] for key in r)


def test_the_old_names_of_a_rows_facts_go_at_format_version_3() -> None:
    """Q-RR-24: a room row says each of three facts twice within "2" (``live_role`` and
    ``live``, ...), for that version's consumers; the version after it drops the old
    names, so that no consumer sees two keys for one fact for good."""
    desired = state(target("ops", (ALICE, A, (declared(M, 4),))))
    doc = to_json(audit(ALICE, where(FOUND, [live("ops", M)]), desired, desired_note=NOTE))
    row = doc["rooms"][0]
    old = {"live_role", "declared_role"} & row.keys()
    old |= {"room_entry"} & row["declared_at"][0].keys()
    kept = {"live_role", "declared_role", "room_entry"}
    assert old == (kept if doc["format_version"] == "2" else set())
