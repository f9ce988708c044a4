"""`chime-reconciler audit MEMBER`'s channels part as a user reads it, against the
emulator: two app instances with a channel of the same name, a user of only one of them,
an elastic channel, an AppInstanceUserId with capitals, a protected member in a channel
without prune, names with control characters."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from conftest import UNPACED

from reconciler.emulator import EmulatorServer

CHAT = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
OPS = "arn:aws:chime:eu-central-1:444455556666:app-instance/ops"
ELASTIC = {
    "maximum_sub_channels": 10,
    "target_memberships_per_sub_channel": 100,
    "minimum_membership_percentage": 10,
}
SEED = {
    "app_instances": [
        {
            "arn": CHAT,
            "name": "chat",
            "admins": ["r0"],
            "users": [
                {"id": "r0"},
                {"id": "alice@example.com"},
                {"id": "auditor"},
                {"id": "Zed@Example.com"},
                {"id": "u1"},
            ],
            "channels": [
                {
                    "name": "incident-chat",
                    "id": "incident-chat",
                    "members": ["alice@example.com", "Zed@Example.com", "r0"],
                    "hidden": ["auditor"],
                },
                {"name": "town-hall", "id": "town-hall", "elastic": ELASTIC},
                {"name": "ops\x1b[2J\u202eevil", "id": "c1", "members": ["u1"]},
                {"name": "line\nbreak", "id": "c2", "members": ["u1"]},
            ],
        },
        {
            "arn": OPS,
            "name": "ops",
            "admins": ["r9"],
            "users": [{"id": "r9"}, {"id": "alice@example.com"}],
            "channels": [
                {
                    "name": "incident-chat",
                    "id": "incident-chat-eu",
                    "members": ["alice@example.com"],
                }
            ],
        },
    ]
}
SETTINGS = f"""
    app_instances:
      chat: {{arn: "{CHAT}", bearer: user:r0}}
      ops: {{arn: "{OPS}", bearer: user:r9}}
    """
PROTECTING = SETTINGS + "protected: [user:auditor]\n"


def test_a_user_of_one_app_instance_is_audited_there_and_an_unknown_one_is_named(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any
) -> None:
    """Q-H-3: `ops` refuses `auditor` (no such AppInstanceUser): it is in no channel there,
    not an AWS error; a user no app instance has is a clear error."""
    emulator.reset(SEED)
    write_desired({"settings.yaml": SETTINGS})
    run = cli(*UNPACED, "audit", "user:auditor")
    assert (run.exit_code, run.stderr) == (0, ""), run.stdout + run.stderr
    assert run.lines == [
        "user:auditor in Chime SDK messaging channels:",
        "CHANNEL        CHANNEL ID     LIVE    DECLARED  NOTE                              WHERE",
        "incident-chat  incident-chat  HIDDEN  -         channel not in the desired state  -",
    ]
    gone = cli(*UNPACED, "audit", "user:nobody")
    assert gone.exit_code == 1
    assert gone.err_lines == [
        "Error: no AppInstanceUser 'nobody' in any app instance of settings.yaml (chat, ops)"
    ]


def test_same_named_channels_are_told_apart_by_app_instance_and_id(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any
) -> None:
    """Q-H-5: the table names each row's app instance (settings.yaml's label) and channel id,
    as the rooms' table has ROOM ID."""
    emulator.reset(SEED)
    write_desired({"settings.yaml": SETTINGS})
    run = cli(*UNPACED, "audit", "alice@example.com")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.lines[-3:] == [
        "APP INSTANCE  CHANNEL        CHANNEL ID        LIVE     DECLARED  "
        "NOTE                              WHERE",
        # by the label shown, not by ARN (QA-FP Q-FP-8: ops's is eu-central-1's)
        "chat          incident-chat  incident-chat     DEFAULT  -         "
        "channel not in the desired state  -",
        "ops           incident-chat  incident-chat-eu  DEFAULT  -         "
        "channel not in the desired state  -",
    ]


def test_json_without_rooms_has_the_documents_keys_and_protected(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any
) -> None:
    """Q-H-6: `format_version` and the rest even when no room part was audited; Q-H-10:
    each channel row says whether the member is protected."""
    emulator.reset(SEED)
    write_desired({"settings.yaml": PROTECTING})
    run = cli(*UNPACED, "audit", "user:auditor", "--format", "json")
    assert run.exit_code == 0, run.stderr
    doc = json.loads(run.stdout)
    assert list(doc) == [
        "format_version",
        "member",
        "kind",
        "accounts",
        "desired_state",
        "rooms",
        "summary",
        "channels",
    ]
    assert (doc["format_version"], doc["member"], doc["rooms"]) == ("2", "user:auditor", [])
    assert [r["protected"] for r in doc["channels"]] == [True]


def test_a_protected_member_and_the_bearer_are_marked_without_prune(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any
) -> None:
    """Q-H-10: a channel without `prune` keeps them anyway; the note still says why they
    could never be removed, as README lists."""
    emulator.reset(SEED)
    write_desired(
        {
            "settings.yaml": PROTECTING,
            "chat.yaml": """
                channels:
                  incident-chat:
                    app_instance: chat
                    members: [alice@example.com]
                """,
        }
    )
    kept = "not declared: kept, protected (never removed)"
    auditor = cli(*UNPACED, "audit", "user:auditor")
    assert auditor.exit_code == 0, auditor.stderr
    assert kept in auditor.lines[-1]
    bearer = cli(*UNPACED, "audit", "user:r0")
    assert bearer.exit_code == 0, bearer.stderr
    row = next(line for line in bearer.lines if line.startswith("incident-chat "))
    assert kept in row


def test_a_member_declared_in_an_elastic_channel_is_not_said_to_be_added(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any
) -> None:
    """Q-H-4: the plan refuses an elastic channel; audit says so, not "plan adds it"."""
    emulator.reset(SEED)
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "chat.yaml": """
                channels:
                  town-hall:
                    app_instance: chat
                    members: [alice@example.com]
                """,
        }
    )
    assert cli(*UNPACED, "plan").exit_code == 1
    run = cli(*UNPACED, "audit", "alice@example.com")
    assert run.exit_code == 0, run.stderr
    row = next(line for line in run.lines if "town-hall" in line)
    assert "declared, but an elastic channel (not managed): plan reports it" in row
    assert "plan adds it" not in run.stdout


def test_an_app_instance_user_id_with_capitals_is_audited_as_the_plan_sees_it(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any
) -> None:
    """Q-H-8: `Zed@Example.com` is the AppInstanceUserId; the plan matches it (in sync),
    and so does audit, whichever case MEMBER is written in."""
    emulator.reset(SEED)
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "chat.yaml": """
                channels:
                  incident-chat:
                    app_instance: chat
                    members: [alice@example.com, Zed@Example.com]
                    hidden: [user:auditor]
                """,
        }
    )
    for member in ("Zed@Example.com", "zed@example.com"):
        run = cli(*UNPACED, "audit", member)
        assert run.exit_code == 0, run.stderr
        assert run.lines[-2:] == [
            "CHANNEL        CHANNEL ID     LIVE     DECLARED  NOTE      WHERE",
            "incident-chat  incident-chat  DEFAULT  DEFAULT   declared  "
            "DEFAULT at desired-state/chat.yaml:4",
        ]


def test_names_with_control_characters_are_shown_escaped(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any
) -> None:
    """Q-H-12: ESC, U+202E and a newline in a live channel name reach neither the
    terminal nor a forged row; the JSON has them as escapes too."""
    emulator.reset(SEED)
    write_desired({"settings.yaml": SETTINGS})
    run = cli(*UNPACED, "audit", "user:u1")
    assert run.exit_code == 0, run.stderr
    assert run.lines == [
        "user:u1 in Chime SDK messaging channels:",
        "CHANNEL               CHANNEL ID  LIVE     DECLARED  "
        "NOTE                              WHERE",
        "line\\nbreak           c2          DEFAULT  -         channel not in the desired state  -",
        "ops\\x1b[2J\\u202eevil  c1          DEFAULT  -         "
        "channel not in the desired state  -",
    ]
    as_json = cli(*UNPACED, "audit", "user:u1", "--format", "json")
    assert "\x1b" not in as_json.stdout and "\u202e" not in as_json.stdout
    names = [r["channel"] for r in json.loads(as_json.stdout)["channels"]]
    assert names == ["line\nbreak", "ops\x1b[2J\u202eevil"]


def test_a_declared_channel_chime_has_is_named_by_its_id_though_the_member_is_not_in_it(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any
) -> None:
    """Q-M-7: `-` (JSON null) is for a channel declared by name that Chime does not have;
    incident-chat exists, so its id is shown whether or not the member is in it yet, and
    whether or not the member is a user of the app instance at all."""
    emulator.reset(SEED)
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "chat.yaml": """
                channels:
                  incident-chat:
                    app_instance: chat
                    members: [alice@example.com, user:u1, bob@example.com]
                  gone:
                    app_instance: chat
                    members: [user:u1]
                """,
        }
    )
    run = cli(*UNPACED, "audit", "user:u1")
    assert run.exit_code == 0, run.stderr
    rows = [re.split(r"  +", line) for line in run.lines if line.startswith(("inc", "gone"))]
    assert rows == [  # CHANNEL, CHANNEL ID, LIVE, DECLARED, NOTE, WHERE
        [
            "gone",
            "-",
            "-",
            "DEFAULT",
            "declared, but Chime has no channel of that name: plan reports it",
            "DEFAULT at desired-state/chat.yaml:7",
        ],
        [
            "incident-chat",
            "incident-chat",
            "-",
            "DEFAULT",
            "declared, not in Chime: plan adds it",
            "DEFAULT at desired-state/chat.yaml:4",
        ],
    ]
    as_json = cli(*UNPACED, "audit", "user:u1", "--format", "json")
    assert [
        (r["channel"], r["channel_arn"])
        for r in json.loads(as_json.stdout)["channels"]
        if r["live"] is None
    ] == [("gone", None), ("incident-chat", f"{CHAT}/channel/incident-chat")]
    nobody = cli(*UNPACED, "audit", "bob@example.com", "--format", "json")  # no AppInstanceUser
    assert nobody.exit_code == 0, nobody.stderr
    assert [(r["channel_arn"], r["note"]) for r in json.loads(nobody.stdout)["channels"]] == [
        (
            f"{CHAT}/channel/incident-chat",
            "declared, but no such user or bot in Chime: plan reports it",
        )
    ]


def test_json_where_is_a_list_of_paths_empty_when_nothing_declares_the_member(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any
) -> None:
    """Q-AH-2: a channel row's `where` is a list of FILE:LINE, as a room row's `declared_at`
    is a list: empty where no file declares the member (not the text's placeholder `-`),
    one item per path where several declare it (not one string joined with `, `)."""
    emulator.reset(SEED)
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "groups.yaml": "groups:\n  responders: [alice@example.com]\n",
            "chat.yaml": """
                channels:
                  incident-chat:
                    app_instance: chat
                    members: [alice@example.com, "@responders"]
                """,
        }
    )
    run = cli(*UNPACED, "audit", "alice@example.com", "--format", "json")
    assert run.exit_code == 0, run.stderr
    rows = {(r["app_instance"], r["channel"]): r for r in json.loads(run.stdout)["channels"]}
    undeclared = rows[(OPS, "incident-chat")]
    assert (undeclared["declared"], undeclared["where"]) == (None, [])
    declared = rows[(CHAT, "incident-chat")]
    assert declared["where"] == ["desired-state/chat.yaml:4", "desired-state/groups.yaml:2"]
    # each path as a room row's declared_at has it: role, group chain, the channel's entry
    # (Q-FK-1)
    assert declared["declared_at"] == [
        {
            "role": "DEFAULT",
            "file": "desired-state/chat.yaml",
            "line": 4,
            "via": [],
            "entry": "desired-state/chat.yaml:4",
        },
        {
            "role": "DEFAULT",
            "file": "desired-state/groups.yaml",
            "line": 2,
            "via": ["responders"],
            "entry": "desired-state/chat.yaml:4",
        },
    ]
    assert undeclared["declared_at"] == []
    # the text keeps its placeholder; each path as a room row's WHERE gives it (Q-FK-1)
    text = cli(*UNPACED, "audit", "alice@example.com")
    assert [line.split("  ")[-1] for line in text.lines[-2:]] == [
        "DEFAULT at desired-state/chat.yaml:4; DEFAULT via @responders at "
        "desired-state/groups.yaml:2",
        "-",
    ]
