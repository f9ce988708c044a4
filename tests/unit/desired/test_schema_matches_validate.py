"""`schema` refuses what `validate` refuses in settings.yaml's `rates:` and
`max_grant_days:` and in a meeting's `meeting_id` (QA3 Q21: editors showed these files as
fine), in `protected:` and an app instance's `bearer:`/`bearers:` (QA5 Q5-9), and accepts
what it accepts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from reconciler.cli.main import cli
from reconciler.desired.loader import load_desired
from reconciler.errors import DesiredStateError

ACCOUNT = "11111111-2222-3333-4444-555555555555"
MEETING_ID = "6f1c2a9e-0000-4000-8000-000000000001"
D64, D65 = "d" * 64, "d" * 65  # ExternalUserIds of AWS's longest, and one longer
PROFILE = {"audio": "SendReceive", "video": "Receive", "content": "Receive"}


def schema(kind: str) -> jsonschema.Draft202012Validator:
    result = CliRunner().invoke(cli, ["schema", "--file", kind])
    return jsonschema.Draft202012Validator(json.loads(result.stdout))


def validate_accepts(tmp_path: Path, settings: dict[str, Any], meetings: str) -> bool:
    (tmp_path / "settings.yaml").write_text(yaml.safe_dump({"account": ACCOUNT, **settings}))
    (tmp_path / "m.yaml").write_text(
        f"meetings:\n  m:\n    meeting_id: {meetings!r}\n    attendees: {{a@x.com: viewer}}\n"
    )
    try:
        load_desired(tmp_path)
    except DesiredStateError:
        return False
    return True


@pytest.mark.parametrize(
    ("settings", "valid"),
    [
        ({"rates": {"bogus": 1}}, False),
        ({"rates": {"chime": 0}}, False),
        ({"rates": {"meetings": -2.5}}, False),
        ({"rates": {"chime": 1.0e-300}}, False),  # QA4 R15: below the minimum rate
        ({"rates": {"chime": 0.0009}}, False),
        ({"rates": {"chime": 0.001}}, True),
        # QA4 R11: a built-in profile's name for a custom profile
        ({"capability_profiles": {"presenter": dict(PROFILE)}}, False),
        ({"capability_profiles": {"Presenter": dict(PROFILE)}}, True),
        ({"max_grant_days": {"admins": 3}}, False),
        ({"max_grant_days": {"administrators": 0}}, False),
        ({"rates": {"chime": None, "meetings": 0.5}}, True),
        ({"max_grant_days": {"administrators": 30, "*": 90}}, True),
        ({"max_grant_days": 90}, True),
    ],
)
def test_settings_schema_and_validate_agree(
    tmp_path: Path, settings: dict[str, Any], valid: bool
) -> None:
    assert validate_accepts(tmp_path, settings, MEETING_ID) is valid
    assert schema("settings").is_valid({"account": ACCOUNT, **settings}) is valid


@pytest.mark.parametrize(
    ("meeting_id", "valid"),
    [
        ("not-uuid", False),
        ("${1X}", False),
        ("$INCIDENT_MEETING_ID", False),
        ("${INCIDENT_MEETING_ID}", True),
        # QA-AA Q-AA-1: variables that may carry credentials are not read
        ("${AWS_SESSION_TOKEN}", False),
        ("${aws_secret_access_key}", False),
        ("${GITHUB_TOKEN}", False),
        ("${ACTIONS_ID_TOKEN_REQUEST_TOKEN}", False),
        ("${RUNNER_TEMP}", False),
        ("${Deploy_Secret}", False),
        ("${MY_API_KEY}", False),
        ("${AWSOME_MEETING_ID}", True),
        ("${MEETING_AWS_ID}", True),
        (MEETING_ID, True),
        (MEETING_ID.upper(), True),
    ],
)
def test_meeting_id_schema_and_validate_agree(tmp_path: Path, meeting_id: str, valid: bool) -> None:
    assert validate_accepts(tmp_path, {}, meeting_id) is valid
    document = {"meetings": {"m": {"meeting_id": meeting_id, "attendees": {"a@x.com": "viewer"}}}}
    assert schema("rooms").is_valid(document) is valid


def validate_accepts_file(tmp_path: Path, document: str) -> bool:
    (tmp_path / "settings.yaml").write_text(f"account: '{ACCOUNT}'\n")
    (tmp_path / "a.yaml").write_text(document)
    try:
        load_desired(tmp_path)
    except DesiredStateError:
        return False
    return True


@pytest.mark.parametrize(
    ("document", "valid"),
    [
        # QA4 R11: single values the schema accepted and validate refused
        ('rooms: {r: {id: "", members: []}}', False),
        ('rooms: {r: {id: "  ", members: []}}', False),
        ('rooms: {r: {id: "room-1", members: []}}', True),
        ('rooms: {r: {account: "", members: []}}', False),
        # QA-CF Q-CF-6: ids are read trimmed
        ('rooms: {r: {id: " room-1\\t", account: "1111 ", members: []}}', True),
        ('rooms: {r: {owners: ["a b"], members: []}}', False),
        ('rooms: {r: {owners: ["-alice"], members: []}}', False),
        ('rooms: {r: {owners: ["alice", "@example-org/sre", "a@example.com"], members: []}}', True),
        ('rooms: {r: {owners: [" @alice "], members: []}}', True),
        (f'meetings: {{m: {{meeting_id: "{MEETING_ID}", attendees: {{"x": viewer}}}}}}', False),
        (f'meetings: {{m: {{meeting_id: "{MEETING_ID}", attendees: {{"aws:x": viewer}}}}}}', False),
        (f'meetings: {{m: {{meeting_id: "{MEETING_ID}", attendees: {{"AWS:x": viewer}}}}}}', False),
        (f'meetings: {{m: {{meeting_id: "{MEETING_ID}", attendees: {{"{D65}": viewer}}}}}}', False),
        (f'meetings: {{m: {{meeting_id: "{MEETING_ID}", attendees: {{"{D64}": viewer}}}}}}', True),
        (
            f'meetings: {{m: {{meeting_id: "{MEETING_ID}", attendees: {{"dial in 42": viewer}}}}}}',
            True,
        ),
        (
            "groups: {sre: [a@example.com]}\n"
            f'meetings: {{m: {{meeting_id: "{MEETING_ID}", attendees: {{" @sre": viewer}}}}}}',
            True,
        ),
        (f'meetings: {{m: {{meeting_id: "{MEETING_ID}", attendees: {{"xy": viewer}}}}}}', True),
    ],
)
def test_single_values_schema_and_validate_agree(
    tmp_path: Path, document: str, valid: bool
) -> None:
    assert schema("rooms").is_valid(yaml.safe_load(document)) is validate_accepts_file(
        tmp_path, document
    )
    assert validate_accepts_file(tmp_path, document) is valid


INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"


@pytest.mark.parametrize(
    ("settings", "valid"),
    [
        # QA5 Q5-9: a malformed e-mail address in `protected:`
        ({"protected": ["notanemail"]}, False),
        ({"protected": ["a b@example.com"]}, False),
        ({"protected": ["webhook:x"]}, False),
        ({"protected": [" "]}, False),
        ({"protected": ["alice@example.com", " bot:PagerBot ", "BOT:x", "@sre"]}, True),
        ({"protected": ["user:auditor", "USER:x", f"{INSTANCE}/user/other"]}, True),
        # QA5 Q5-9: an app instance with both `bearer` and `bearers`, or with neither
        (
            {"app_instances": {"c": {"arn": INSTANCE, "bearer": "user:r", "bearers": ["user:x"]}}},
            False,
        ),
        ({"app_instances": {"c": {"arn": INSTANCE}}}, False),
        ({"app_instances": {"c": {"arn": INSTANCE, "bearer": None, "bearers": None}}}, False),
        ({"app_instances": {"c": {"arn": INSTANCE, "bearer": "user:r"}}}, True),
        ({"app_instances": {"c": {"arn": INSTANCE, "bearer": " bot:Reconciler "}}}, True),
        ({"app_instances": {"c": {"arn": INSTANCE, "bearer": "r@example.com"}}}, True),
        ({"app_instances": {"c": {"arn": INSTANCE, "bearer": f"{INSTANCE}/user/r"}}}, True),
        # a bearer that is a group, a webhook, no e-mail address, blank
        ({"app_instances": {"c": {"arn": INSTANCE, "bearer": "@sre"}}}, False),
        ({"app_instances": {"c": {"arn": INSTANCE, "bearer": "webhook:x"}}}, False),
        ({"app_instances": {"c": {"arn": INSTANCE, "bearers": ["user:x", "notanemail"]}}}, False),
        ({"app_instances": {"c": {"arn": INSTANCE, "bearer": " "}}}, False),
        ({"app_instances": {"c": {"arn": INSTANCE, "bearers": ["user:x", "user:y"]}}}, True),
        ({"app_instances": {"c": {"arn": INSTANCE, "bearer": "user:r", "bearers": None}}}, True),
        ({"app_instances": {"c": {"arn": INSTANCE, "bearer": None, "bearers": ["user:x"]}}}, True),
    ],
)
def test_protected_and_bearers_schema_and_validate_agree(
    tmp_path: Path, settings: dict[str, Any], valid: bool
) -> None:
    groups = {"groups": {"sre": ["a@example.com"]}} if "protected" in settings else {}
    (tmp_path / "g.yaml").write_text(yaml.safe_dump(groups))
    assert validate_accepts(tmp_path, settings, MEETING_ID) is valid
    assert schema("settings").is_valid({"account": ACCOUNT, **settings}) is valid


def test_the_readme_names_every_key_a_file_other_than_settings_takes(tmp_path: Path) -> None:
    # QA M Q-M-4: the README's format section said any other file holds "`groups:` and
    # `rooms:` only"; it takes `channels:` and `meetings:` too, as the schema says
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    said = next(line for line in readme.splitlines() if "(any other file: " in line)
    keys = list(json.loads(CliRunner().invoke(cli, ["schema"]).stdout)["properties"])
    assert keys == ["groups", "rooms", "channels", "meetings"]
    assert said.endswith(f"(any other file: {', '.join(f'`{k}:`' for k in keys)})")
    (tmp_path / "settings.yaml").write_text(
        f"account: {ACCOUNT}\napp_instances:\n  c: {{arn: {INSTANCE}, bearer: 'user:r'}}\n"
    )
    (tmp_path / "team.yaml").write_text(
        "groups: {sre: [a@example.com]}\n"
        "rooms: {ops: {members: ['@sre']}}\n"
        "channels: {chat: {members: ['@sre']}}\n"
        f"meetings: {{bridge: {{meeting_id: {MEETING_ID}, attendees: {{'@sre': viewer}}}}}}\n"
    )
    assert {t.key.name for t in load_desired(tmp_path).targets} == {"ops", "chat", "bridge"}
