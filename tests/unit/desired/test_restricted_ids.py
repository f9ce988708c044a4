"""QA5 Q5-1: a target declared by id (a room's ``id:``, a channel's ``arn:``, a meeting's
``meeting_id``) is whichever target has that id, whatever its key says, so the name
patterns of restrictions.yaml cannot restrict it. In a file under a rule, such a target is
a validate error at its id's line unless the rule lists that id under ``ids:``."""

from __future__ import annotations

from pathlib import Path

import pytest
from desired_files import problems, write

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
SRE_PRIVATE = f"{INSTANCE}/channel/sre-private"
MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
SETTINGS = (
    f"account: acct\napp_instances:\n  chat: {{arn: '{INSTANCE}', bearer: 'user:reconciler'}}\n"
)
WEB_RULE = (
    "restrictions:\n"
    "  - path: 'teams/web/**'\n"
    "    rooms: ['^web-']\n"
    "    channels: ['^web-']\n"
    "    meetings: ['^web-']\n"
)
RULE_AT = "the rule at ds/restrictions.yaml:2 (path 'teams/web/**')"
WEB_FILE = (
    "rooms:\n"
    "  web-lounge:\n"
    "    id: room-watercooler\n"
    "    prune: true\n"
    "    administrators: [mallory@example.com]\n"
    "channels:\n"
    "  web-chat:\n"
    f"    arn: {SRE_PRIVATE}\n"
    "    members: [mallory@example.com]\n"
    "    moderators: [mallory@example.com]\n"
    "meetings:\n"
    "  web-bridge:\n"
    f"    meeting_id: {MEETING}\n"
    "    attendees: {mallory@example.com: presenter}\n"
    "  web-incident:\n"
    "    meeting_id: ${INCIDENT_MEETING_ID}\n"
    "    attendees: {mallory@example.com: presenter}\n"
)


@pytest.fixture
def d(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return Path("ds")


def hint(section: str, noun: str, field: str, what: str = "id") -> str:
    return (
        f" (a {noun} declared by `{field}:` is whichever {noun} has that {what}, whatever "
        f"its key: list the {what}s this rule's files may declare under its "
        f"`ids: {{{section}: [...]}}`)"
    )


def test_a_restricted_file_may_not_declare_targets_by_id_unless_its_rule_lists_them(
    d: Path,
) -> None:
    write(
        d, {"settings.yaml": SETTINGS, "restrictions.yaml": WEB_RULE, "teams/web/w.yaml": WEB_FILE}
    )
    assert problems(d) == [
        "ds/teams/web/w.yaml:3: rooms.web-lounge.id: room id 'room-watercooler' may not be "
        f"declared in teams/web/w.yaml: {RULE_AT} allows no room ids" + hint("rooms", "room", "id"),
        f"ds/teams/web/w.yaml:8: channels.web-chat.arn: channel ARN '{SRE_PRIVATE}' may not "
        f"be declared in teams/web/w.yaml: {RULE_AT} allows no channel ARNs"
        + hint("channels", "channel", "arn", "ARN"),
        f"ds/teams/web/w.yaml:13: meetings.web-bridge.meeting_id: meeting id "
        f"'{MEETING}' may not be declared in teams/web/w.yaml: {RULE_AT} allows no meeting ids"
        + hint("meetings", "meeting", "meeting_id"),
        "ds/teams/web/w.yaml:16: meetings.web-incident.meeting_id: meeting id "
        "'${INCIDENT_MEETING_ID}' may not be declared in teams/web/w.yaml: "
        f"{RULE_AT} allows no meeting ids" + hint("meetings", "meeting", "meeting_id"),
    ]


def test_the_ids_a_rule_lists_may_be_declared_and_no_others(d: Path) -> None:
    rule = WEB_RULE + (
        "    ids:\n"
        "      rooms: [room-web-lounge, ' room-watercooler ']\n"
        f"      channels: ['{SRE_PRIVATE}']\n"
        "      meetings: ['${INCIDENT_MEETING_ID}', room-other]\n"
    )
    write(d, {"settings.yaml": SETTINGS, "restrictions.yaml": rule, "teams/web/w.yaml": WEB_FILE})
    assert problems(d) == [
        f"ds/teams/web/w.yaml:13: meetings.web-bridge.meeting_id: meeting id "
        f"'{MEETING}' may not be declared in teams/web/w.yaml: {RULE_AT} allows the meeting "
        "ids '${INCIDENT_MEETING_ID}', 'room-other'" + hint("meetings", "meeting", "meeting_id"),
    ]


def test_an_id_listed_for_another_section_allows_nothing_here(d: Path) -> None:
    rule = WEB_RULE + "    ids: {channels: [room-watercooler]}\n"
    web = "rooms:\n  web-lounge: {id: room-watercooler}\n"
    write(d, {"settings.yaml": SETTINGS, "restrictions.yaml": rule, "teams/web/w.yaml": web})
    assert problems(d) == [
        "ds/teams/web/w.yaml:2: rooms.web-lounge.id: room id 'room-watercooler' may not be "
        f"declared in teams/web/w.yaml: {RULE_AT} allows no room ids" + hint("rooms", "room", "id"),
    ]


def test_the_key_of_a_target_declared_by_id_is_still_checked_against_the_names(
    d: Path,
) -> None:
    rule = WEB_RULE + "    ids: {rooms: [room-watercooler]}\n"
    web = "rooms:\n  lounge: {id: room-watercooler}\n"
    write(d, {"settings.yaml": SETTINGS, "restrictions.yaml": rule, "teams/web/w.yaml": web})
    assert problems(d) == [
        "ds/teams/web/w.yaml:2: rooms.lounge: room 'lounge' may not be defined in "
        f"teams/web/w.yaml: {RULE_AT} allows rooms matching '^web-'"
    ]


def test_a_target_given_only_by_an_id_the_rule_lists_is_allowed(d: Path) -> None:
    rule = WEB_RULE + "    ids: {rooms: [room-watercooler]}\n"
    web = "rooms:\n  ~: {id: room-watercooler}\n"
    write(d, {"settings.yaml": SETTINGS, "restrictions.yaml": rule, "teams/web/w.yaml": web})
    assert problems(d) == []


def test_files_matching_no_rule_declare_targets_by_id_freely(d: Path) -> None:
    write(d, {"settings.yaml": SETTINGS, "restrictions.yaml": WEB_RULE, "company.yaml": WEB_FILE})
    assert problems(d) == []


def test_a_room_another_team_declares_by_name_is_refused_at_validate_not_at_plan(
    d: Path,
) -> None:
    """QA5's denial of service: aimed at a room another file declares, the id passed
    validate and then made every plan fail ("declared more than once")."""
    rules = (
        "restrictions:\n"
        "  - {path: 'teams/sre/**', rooms: ['^incident-response$']}\n"
        "  - {path: 'teams/web/**', rooms: ['^web-']}\n"
    )
    sre = "rooms:\n  incident-response: {members: [alice@example.com]}\n"
    web = "rooms:\n  web-x:\n    id: room-incident-response\n    members: [m@example.com]\n"
    write(
        d,
        {
            "settings.yaml": SETTINGS,
            "restrictions.yaml": rules,
            "teams/sre/sre.yaml": sre,
            "teams/web/web.yaml": web,
        },
    )
    assert problems(d) == [
        "ds/teams/web/web.yaml:3: rooms.web-x.id: room id 'room-incident-response' may not be "
        "declared in teams/web/web.yaml: the rule at ds/restrictions.yaml:3 (path "
        "'teams/web/**') allows no room ids" + hint("rooms", "room", "id"),
    ]


def test_a_misspelt_ids_section_is_an_error_at_its_line(d: Path) -> None:
    rule = WEB_RULE + "    ids: {room: [room-watercooler]}\n"
    write(d, {"settings.yaml": SETTINGS, "restrictions.yaml": rule})
    assert problems(d) == [
        "ds/restrictions.yaml:6: restrictions[0].ids: unknown key 'room' (did you mean 'rooms'?)"
    ]


@pytest.mark.parametrize("section", ["rooms", "channels", "meetings"])
def test_a_blank_id_under_ids_is_an_error_at_its_line(d: Path, section: str) -> None:
    """An id of spaces under a rule's ``ids:`` names no target: validate refuses it at its
    line, as it does a blank name pattern, rather than calling the state valid."""
    rule = f'restrictions:\n  - path: "teams/**"\n    ids:\n      {section}: ["  "]\n'
    write(d, {"settings.yaml": SETTINGS, "restrictions.yaml": rule})
    assert problems(d) == [
        f"ds/restrictions.yaml:4: restrictions[0].ids.{section}[0]: must not be blank"
    ]


def test_every_kinds_section_can_list_ids() -> None:
    """A new kind's section needs its field under ``ids:``, or no restricted folder could
    declare one of its targets by id (every kind with an ``id_field`` names its targets by
    id; one without, whose target is its scope, has no key there)."""
    from reconciler.desired.restrictions_spec import ids_model
    from reconciler.kinds import registry

    with_ids = {name for name, ks in registry.sections().items() if ks[0].id_field is not None}
    assert with_ids <= set(ids_model().model_fields)
