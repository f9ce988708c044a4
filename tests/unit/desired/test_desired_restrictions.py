"""Ownership restrictions: which files may define which rooms and groups."""

from __future__ import annotations

from pathlib import Path

import pytest
from desired_files import problems, write

from reconciler.desired.restrictions import glob_to_regex


@pytest.fixture
def d(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return Path("ds")


SRE_RULES = (
    "restrictions:\n"
    "  - path: 'teams/sre/*.yaml'\n"
    "    rooms: ['^sre-', '^incident-response$']\n"
    "    groups: ['^sre']\n"
)


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("teams/sre/*.yaml", "teams/sre/a.yaml", True),
        ("teams/sre/*.yaml", "teams/sre/deep/a.yaml", False),
        ("teams/sre/**", "teams/sre/deep/a.yaml", True),
        ("teams/**/*.yaml", "teams/a.yaml", True),
        ("teams/**/*.yaml", "teams/x/y/a.yaml", True),
        ("**", "anything/at/all.yml", True),
        ("?.yaml", "a.yaml", True),
        ("?.yaml", "ab.yaml", False),
        ("./common.yaml", "common.yaml", True),
        ("common.yaml", "teams/common.yaml", False),
        ("a+b.yaml", "a+b.yaml", True),
    ],
)
def test_path_globs_match_like_doublestar(glob: str, path: str, matches: bool) -> None:
    assert glob_to_regex(glob).fullmatch(path) is matches


def test_without_restrictions_any_file_defines_anything(d: Path) -> None:
    write(d, {"teams/sre/x.yaml": "groups: {web: [a@x.io]}\nrooms: {web-1: {account: a}}\n"})
    assert problems(d) == []


def test_files_may_define_matching_rooms_and_groups(d: Path) -> None:
    write(
        d,
        {
            "restrictions.yaml": SRE_RULES,
            "teams/sre/x.yaml": (
                "groups: {sre-leads: [a@x.io]}\n"
                "rooms:\n  incident-response: {account: a}\n  sre-chat: {account: a}\n"
            ),
        },
    )
    assert problems(d) == []


def test_room_outside_the_rule_is_refused_naming_file_room_and_rule(d: Path) -> None:
    write(
        d,
        {
            "restrictions.yaml": SRE_RULES,
            "teams/sre/x.yaml": "rooms:\n  incident-response-2: {account: a}\n",
        },
    )
    assert problems(d) == [
        "ds/teams/sre/x.yaml:2: rooms.incident-response-2: room 'incident-response-2' may "
        "not be defined in teams/sre/x.yaml: the rule at ds/restrictions.yaml:2 "
        "(path 'teams/sre/*.yaml') allows rooms matching '^sre-', '^incident-response$'"
    ]


def test_files_matching_no_rule_are_unrestricted(d: Path) -> None:
    write(d, {"restrictions.yaml": SRE_RULES, "company.yaml": "rooms: {web-1: {account: a}}\n"})
    assert problems(d) == []


def test_a_catch_all_rule_without_lists_allows_nothing(d: Path) -> None:
    write(
        d,
        {
            "restrictions.yaml": SRE_RULES + "  - path: '**'\n",
            "company.yaml": "groups: {all: [a@x.io]}\n",
        },
    )
    assert problems(d) == [
        "ds/company.yaml:1: groups.all: group 'all' may not be defined in company.yaml: the "
        "rule at ds/restrictions.yaml:5 (path '**') allows no groups"
    ]


def test_the_first_matching_rule_decides(d: Path) -> None:
    rules = (
        "restrictions:\n"
        "  - path: 'teams/**'\n    rooms: ['^team-']\n"
        "  - path: 'teams/sre/**'\n    rooms: ['^sre-']\n"
    )
    write(d, {"restrictions.yaml": rules, "teams/sre/x.yaml": "rooms: {sre-1: {account: a}}\n"})
    assert problems(d) == [
        "ds/teams/sre/x.yaml:1: rooms.sre-1: room 'sre-1' may not be defined in "
        "teams/sre/x.yaml: the rule at ds/restrictions.yaml:2 (path 'teams/**') "
        "allows rooms matching '^team-'"
    ]


def test_a_room_given_only_by_id_is_checked_by_its_id_against_the_rules_ids(d: Path) -> None:
    """QA5 Q5-1: an id is no name (matching '^sre-' says nothing about the room it is):
    under a rule, a room declared by id needs its id listed in the rule's ``ids:``."""
    write(
        d,
        {
            "restrictions.yaml": SRE_RULES,
            "teams/sre/x.yaml": "rooms: {~: {account: a, id: sre-9}}\n",
        },
    )
    assert problems(d) == [
        "ds/teams/sre/x.yaml:1: rooms.\"\".id: room id 'sre-9' may not be declared in "
        "teams/sre/x.yaml: the rule at ds/restrictions.yaml:2 (path 'teams/sre/*.yaml') "
        "allows no room ids (a room declared by `id:` is whichever room has that id, "
        "whatever its key: list the ids this rule's files may declare under its "
        "`ids: {rooms: [...]}`)"
    ]
    write(d, {"restrictions.yaml": SRE_RULES + "    ids: {rooms: [sre-9]}\n"})
    assert problems(d) == []


def test_rooms_and_groups_are_not_allowed_in_restrictions_yaml(d: Path) -> None:
    write(d, {"restrictions.yaml": "restrictions: []\nrooms: {}\n"})
    assert problems(d) == [
        "ds/restrictions.yaml:2: unknown key 'rooms' (rooms, channels, meetings and groups "
        "belong in other files)"
    ]


def test_a_broken_restrictions_file_is_reported_and_restricts_nothing(d: Path) -> None:
    write(
        d,
        {
            "restrictions.yaml": "restrictions:\n  - path: '**'\n    room: ['^x$']\n",
            "company.yaml": "rooms: {y: {account: a}}\n",
        },
    )
    assert problems(d) == [
        "ds/restrictions.yaml:3: restrictions[0]: unknown key 'room' (did you mean 'rooms'?)"
    ]


INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
MEETING = "6f1c2a9e-0000-4000-8000-00000000000"
CHAT_SETTINGS = f"app_instances:\n  chat: {{arn: '{INSTANCE}', bearer: 'user:reconciler'}}\n"
TEAM_RULES = (
    "restrictions:\n"
    "  - path: 'teams/sre/**'\n"
    "    channels: ['^sre-']\n"
    "    meetings: ['^sre-']\n"
    f"    ids: {{meetings: [{MEETING}1, {MEETING}2]}}\n"  # names alone are checked here
    "  - path: 'teams/**'\n"
)


def test_channels_and_meetings_are_restricted_by_their_own_sections(d: Path) -> None:
    write(
        d,
        {
            "settings.yaml": CHAT_SETTINGS,
            "restrictions.yaml": TEAM_RULES,
            "teams/sre/chat.yaml": (
                "channels:\n"
                "  sre-oncall: {members: [user:a]}\n"
                "  web-chat: {members: [user:a]}\n"
                "meetings:\n"
                f"  sre-bridge: {{meeting_id: {MEETING}1, attendees: {{a@x.io: viewer}}}}\n"
                f"  all-hands: {{meeting_id: {MEETING}2, attendees: {{a@x.io: viewer}}}}\n"
            ),
            "teams/web/chat.yaml": "channels:\n  web-team: {members: [user:b]}\n",
        },
    )
    assert problems(d) == [
        "ds/teams/sre/chat.yaml:3: channels.web-chat: channel 'web-chat' may not be defined "
        "in teams/sre/chat.yaml: the rule at ds/restrictions.yaml:2 (path 'teams/sre/**') "
        "allows channels matching '^sre-'",
        "ds/teams/sre/chat.yaml:6: meetings.all-hands: meeting 'all-hands' may not be defined "
        "in teams/sre/chat.yaml: the rule at ds/restrictions.yaml:2 (path 'teams/sre/**') "
        "allows meetings matching '^sre-'",
        "ds/teams/web/chat.yaml:2: channels.web-team: channel 'web-team' may not be defined "
        "in teams/web/chat.yaml: the rule at ds/restrictions.yaml:6 (path 'teams/**') "
        "allows no channels",
    ]


def test_a_rules_meeting_ids_match_in_any_case(d: Path) -> None:
    """A meeting id is read in lower case (Q-CH-2): a rule listing it in upper case lets
    a file declare it in lower case, and the other way round; a ``${VARIABLE}``'s name
    keeps its case (``${bridge}`` is another variable than ``${BRIDGE}``)."""
    rules = (
        "restrictions:\n  - path: 'teams/**'\n    meetings: ['^sre-']\n"
        f"    ids: {{meetings: ['{MEETING.upper()}1', '{MEETING}2', '${{BRIDGE}}']}}\n"
    )
    meetings = "".join(
        f"  sre-{n}: {{meeting_id: '{i}', attendees: {{a@x.io: viewer}}}}\n"
        for n, i in enumerate((f"{MEETING}1", f"{MEETING.upper()}2", "${bridge}"))
    )
    write(d, {"restrictions.yaml": rules, "teams/sre/m.yaml": "meetings:\n" + meetings})
    assert problems(d) == [
        "ds/teams/sre/m.yaml:4: meetings.sre-2.meeting_id: meeting id '${bridge}' may not be "
        "declared in teams/sre/m.yaml: the rule at ds/restrictions.yaml:2 (path 'teams/**') "
        f"allows the meeting ids '{MEETING.upper()}1', '{MEETING}2', '${{BRIDGE}}' (a meeting "
        "declared by `meeting_id:` is whichever meeting has that id, whatever its key: list "
        "the ids this rule's files may declare under its `ids: {meetings: [...]}`)"
    ]


def test_every_kinds_section_can_be_named_by_a_rule() -> None:
    """A new kind's section needs its field in restrictions.yaml, or no restricted folder
    could ever declare it."""
    from reconciler.desired.restrictions_spec import rule_model
    from reconciler.kinds import registry

    assert set(registry.sections()) <= set(rule_model().model_fields)


@pytest.mark.parametrize(
    ("glob", "why"),
    [
        (
            "/teams/web/**",
            "paths are relative to the desired-state directory and never start with '/': "
            "write 'teams/web/**'",
        ),
        (
            "teams/web/",
            "it names a folder, and a rule matches files: write 'teams/web/**' for every "
            "file below it",
        ),
        (
            "teams/web",
            "it matches no file ending in .yaml or .yml, the only files the desired state "
            "is read from; for a folder, write 'teams/web/**'",
        ),
        (
            "teams/*.json",
            "it matches no file ending in .yaml or .yml, the only files the desired state "
            "is read from",
        ),
        (
            "teams//web/**",
            "paths hold no empty folder name ('//'): write 'teams/web/**'",
        ),
        (
            "../teams/**",
            "the desired state is read from no file or folder whose name starts with '.' "
            "(nor from '.' or '..')",
        ),
        (
            "teams/.hidden/**",
            "the desired state is read from no file or folder whose name starts with '.' "
            "(nor from '.' or '..')",
        ),
    ],
)
def test_a_rule_whose_path_can_never_match_is_an_error_at_its_line(
    d: Path, glob: str, why: str
) -> None:
    """QA4 R3: a rule written the CODEOWNERS / gitignore way governed nothing, silently:
    the folder it was meant to close stayed unrestricted and validate passed."""
    write(
        d,
        {
            "restrictions.yaml": f'restrictions:\n  - {{path: "{glob}", rooms: ["^web-"]}}\n',
            "teams/web/web.yaml": "rooms:\n  web-releases: {account: a}\n",
        },
    )
    assert problems(d) == [
        f"ds/restrictions.yaml:2: restrictions[0].path: path {glob!r} can never match a "
        f"desired-state file: {why}"
    ]


@pytest.mark.parametrize(
    "glob",
    [
        "teams/web/**",
        "./teams/web/**",
        "**",
        "*",
        "teams/*",
        "teams/**/*.yml",
        "x.yaml",
        "teams/?.yaml",
        "teams/*ml",
        "teams/*.y?ml",
        "teams/not-yet/**",
    ],
)
def test_a_rule_that_may_match_a_file_is_accepted_even_before_the_file_exists(
    d: Path, glob: str
) -> None:
    """README: files that match no rule are unrestricted, and a rule may close a folder
    before it has files (`teams/**`: "nothing until it has a rule"), so a rule matching no
    file yet is no error; only a path no desired-state file could ever have is."""
    write(d, {"restrictions.yaml": f'restrictions:\n  - {{path: "{glob}", rooms: ["^"]}}\n'})
    assert problems(d) == []
