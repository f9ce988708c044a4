"""The mapping form of entries, groups with owners and the governance settings, as the
loader reads them: values, provenance with the grant, and located errors."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from reconciler.desired.loader import load_desired
from reconciler.desired.model import DesiredState, Policy
from reconciler.errors import DesiredStateError
from reconciler.governance.codeowners import Ownership
from reconciler.governance.expiry import as_of
from reconciler.refs import Location, MemberRef

ACCOUNT = "acct-1"


def write(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return tmp_path


def load(tmp_path: Path, files: dict[str, str]) -> DesiredState:
    return load_desired(write(tmp_path, files))


def problems(tmp_path: Path, files: dict[str, str]) -> list[str]:
    with pytest.raises(DesiredStateError) as caught:
        load(tmp_path, files)
    return [str(p).replace(f"{tmp_path}/", "") for p in caught.value.problems]


def test_mapping_entries_carry_until_reason_and_ticket_with_their_line(tmp_path: Path) -> None:
    state = load(
        tmp_path,
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "rooms.yaml": """
                rooms:
                  ops:
                    administrators:
                      - member: alice@example.com
                        until: 2027-03-31
                        reason: incident commander rotation
                        ticket: OPS-12
                    members:
                      - bob@example.com
                      - {member: bot:PagerBot, until: "2027-03-31T18:00:00+02:00"}
            """,
        },
    )
    (room,) = state.targets
    by_ref = {m.ref: m for m in room.members}
    (alice,) = by_ref[MemberRef.user("alice@example.com")].provenance
    assert alice.declared_at == Location(f"{tmp_path}/rooms.yaml", 4)
    assert alice.grant is not None
    assert alice.grant.describe() == (
        "until 2027-03-31, reason: incident commander rotation, ticket OPS-12"
    )
    assert alice.grant.until is not None
    assert alice.grant.until.location == Location(f"{tmp_path}/rooms.yaml", 4)
    (bot,) = by_ref[MemberRef.bot("PagerBot")].provenance
    assert bot.grant is not None and bot.grant.until is not None
    assert bot.grant.until.instant == dt.datetime(2027, 3, 31, 16, tzinfo=dt.UTC)
    (bob,) = by_ref[MemberRef.user("bob@example.com")].provenance
    assert bob.grant is not None and bob.grant.empty


def test_a_group_entrys_until_reaches_every_room_using_the_group(tmp_path: Path) -> None:
    state = load(
        tmp_path,
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "groups.yaml": """
                groups:
                  contractors:
                    owners: [example-org/vendor-managers]
                    members:
                      - {member: carol@example.com, until: 2027-01-31, reason: audit}
                  everyone: ["@contractors", dave@example.com]
            """,
            "rooms.yaml": """
                rooms:
                  ops: {members: ["@everyone"]}
                  web:
                    owners: [alice, "@example-org/web"]
                    members: [{member: "@contractors", until: 2027-06-30, ticket: WEB-1}]
            """,
        },
    )
    ops, web = state.targets
    carol = MemberRef.user("carol@example.com")
    ops_path = next(m for m in ops.members if m.ref == carol).provenance[0]
    web_path = next(m for m in web.members if m.ref == carol).provenance[0]
    assert ops_path.via == ("everyone", "contractors")
    assert ops_path.grant is not None and ops_path.grant.describe() == (
        "until 2027-01-31, reason: audit"
    )
    assert web_path.grant is not None and web_path.grant.describe() == (
        "until 2027-01-31, reason: audit, ticket WEB-1"
    )
    assert web.owners == ("@alice", "@example-org/web")
    groups, rooms = Location(f"{tmp_path}/groups.yaml", 2), Location(f"{tmp_path}/rooms.yaml", 3)
    assert state.owned == (
        Ownership("group contractors", groups, ("@example-org/vendor-managers",)),
        Ownership("room web", rooms, ("@alice", "@example-org/web")),
    )


def test_an_until_on_a_group_entry_inside_a_group_ends_the_access_of_its_members(
    tmp_path: Path,
) -> None:
    # The `until:` is on `@contractors` inside `everyone`, not on carol's entry nor on the
    # room's `@everyone`: it still ends carol's access to every room using `everyone`.
    state = load(
        tmp_path,
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "groups.yaml": """
                groups:
                  contractors:
                    members: [carol@example.com]
                  everyone:
                    members:
                      - {member: "@contractors", until: 2027-01-31, ticket: OPS-7}
                      - dave@example.com
            """,
            "rooms.yaml": """
                rooms:
                  ops: {members: ["@everyone"]}
            """,
        },
    )
    (ops,) = state.targets
    carol = MemberRef.user("carol@example.com")
    (path,) = next(m for m in ops.members if m.ref == carol).provenance
    assert path.via == ("everyone", "contractors")
    assert path.grant is not None
    assert path.grant.describe() == "until 2027-01-31, ticket OPS-7"
    (before,) = as_of(state, dt.datetime(2027, 1, 31, 23, tzinfo=dt.UTC)).targets
    assert {m.ref for m in before.members} == {carol, MemberRef.user("dave@example.com")}
    (after,) = as_of(state, dt.datetime(2027, 2, 1, tzinfo=dt.UTC)).targets
    assert [m.ref for m in after.members] == [MemberRef.user("dave@example.com")]


def test_governance_settings(tmp_path: Path) -> None:
    state = load(
        tmp_path,
        {
            "settings.yaml": f"""
                account: {ACCOUNT}
                require_reason: true
                expiry_warning_days: 30
                max_grant_days: {{administrators: 30, members: 365}}
            """
        },
    )
    assert state.policy == Policy(True, 30, (("administrators", 30), ("members", 365)))
    state = load(tmp_path, {"settings.yaml": f"account: {ACCOUNT}\nmax_grant_days: 90\n"})
    assert state.policy == Policy(False, 14, (("*", 90),))


def test_bad_mapping_entries_are_located_at_their_key(tmp_path: Path) -> None:
    assert problems(
        tmp_path,
        {
            "settings.yaml": f"account: {ACCOUNT}\nexpiry_warning_days: -1\n",
            "rooms.yaml": """
                rooms:
                  ops:
                    owners: ["not a user"]
                    administrators:
                      - member: alice@example.com
                        until: 2027-03-31 18:00:00
                      - {member: bob@, reason: x}
                      - {memebr: carol@example.com}
                      - {member: dave@example.com, until: soon, reson: why}
                      - {member: erin@example.com, reason: ""}
                groups:
                  g: {members: [frank@example.com], owner: [alice]}
            """,
        },
    ) == [
        "rooms.yaml:3: rooms.ops.owners[0]: owner 'not a user' is not a GitHub user "
        "(alice or @alice), a team (org/team) or an e-mail address",
        "rooms.yaml:6: rooms.ops.administrators[0].until: '2027-03-31 18:00:00' has no time "
        "zone: add one (2027-03-31T18:00:00Z or +02:00), or give a date",
        "rooms.yaml:7: rooms.ops.administrators[1].member: malformed email address 'bob@'",
        "rooms.yaml:8: rooms.ops.administrators[2]: unknown key 'memebr' (did you mean 'member'?)",
        "rooms.yaml:9: rooms.ops.administrators[3].until: expected a date (2027-03-31) or a "
        "date and time with a zone (2027-03-31T18:00:00Z), got 'soon'",
        "rooms.yaml:9: rooms.ops.administrators[3]: unknown key 'reson' (did you mean 'reason'?)",
        "rooms.yaml:10: rooms.ops.administrators[4].reason: must not be blank",
        "rooms.yaml:12: groups.g: unknown key 'owner' (did you mean 'owners'?)",
        "settings.yaml:2: expiry_warning_days: must be at least 0, got -1",
    ]


def test_protected_takes_plain_references_only(tmp_path: Path) -> None:
    assert problems(
        tmp_path,
        {"settings.yaml": f"account: {ACCOUNT}\nprotected: [{{member: a@example.com}}]\n"},
    ) == [
        "settings.yaml:2: protected[0]: expected a string, got a mapping: `protected:` takes "
        "plain references and groups only (a@example.com)"
    ]


def test_protected_says_a_meeting_attendee_of_another_id_cannot_be_protected(
    tmp_path: Path,
) -> None:
    """QA-GD Q-GD-2: ``dial-in-7`` (a meeting attendee's ExternalUserId) was only "malformed
    email address": the error says what `protected:` takes and that such an attendee is
    out of reach; a slip of an address is told as before."""
    assert problems(
        tmp_path,
        {"settings.yaml": f"account: {ACCOUNT}\nprotected: [dial-in-7, bob@example]\n"},
    ) == [
        "settings.yaml:2: protected[0]: malformed email address 'dial-in-7' (`protected:` "
        "takes e-mail addresses, bot:NAME, @group, and channel users as user:ID or "
        "AppInstanceUser ARNs; a meeting attendee whose ExternalUserId is none of these "
        "cannot be protected)",
        "settings.yaml:2: protected[1]: malformed email address 'bob@example'",
    ]


def test_protected_with_until_says_how_a_protection_is_made_to_end(tmp_path: Path) -> None:
    """Q-CJ-7: it said only "expected a string, got a mapping"."""
    settings = "protected:\n  - {member: bob@example.com, until: 2027-01-01}\n  - '@ok'\n"
    groups = "groups:\n  ok: [carol@example.com]\n"
    assert problems(
        tmp_path, {"settings.yaml": f"account: {ACCOUNT}\n{settings}", "g.yaml": groups}
    ) == [
        "settings.yaml:3: protected[0]: expected a string, got a mapping with `until:`: "
        "`protected:` takes plain references and groups only; to make a protection expire, "
        "put the `until:` on an entry of a group and protect the group (`groups: {oncall: "
        '[{member: bob@example.com, until: 2027-01-01}]}` and `protected: ["@oncall"]`)'
    ]


def test_an_entry_with_an_error_does_not_hide_the_others(tmp_path: Path) -> None:
    assert problems(
        tmp_path,
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "rooms.yaml": """
                rooms:
                  ops:
                    members:
                      - {member: a@example.com, until: never}
                      - b@example.com
                      - b@example.com
            """,
        },
    ) == [
        "rooms.yaml:4: rooms.ops.members[0].until: expected a date (2027-03-31) or a date and "
        "time with a zone (2027-03-31T18:00:00Z), got 'never'",
        "rooms.yaml:6: rooms.ops.members[2]: 'b@example.com' is listed twice (first at line 5)",
    ]
