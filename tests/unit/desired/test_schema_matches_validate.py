"""`schema` refuses what `validate` refuses in settings.yaml's `rates:` and
`max_grant_days:` and in a meeting's `meeting_id` (QA3 Q21: editors showed these files as
fine), in `protected:` and an app instance's `bearer:`/`bearers:` (QA5 Q5-9), in a
capability profile's name and in every number (QA-ET Q-ET-1, Q-ET-2), and accepts what it
accepts; and suggests no value it then refuses (its `examples`)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from reconciler.cli.main import cli
from reconciler.desired.loader import load_desired
from reconciler.desired.schema_export import KINDS
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
        # QA-GD Q-GD-1: in another case too
        ({"capability_profiles": {"Presenter": dict(PROFILE)}}, False),
        ({"capability_profiles": {"vIEWER": dict(PROFILE)}}, False),
        ({"capability_profiles": {"viewers": dict(PROFILE)}}, True),
        # QA-ET Q-ET-1: a name against the rule (a letter, then letters, digits, - and _)
        ({"capability_profiles": {"1on1": dict(PROFILE)}}, False),
        ({"capability_profiles": {"a b": dict(PROFILE)}}, False),
        ({"capability_profiles": {"é": dict(PROFILE)}}, False),
        ({"capability_profiles": {"-x": dict(PROFILE)}}, False),
        ({"capability_profiles": {"on-call_2": dict(PROFILE)}}, True),
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


class _Yaml12(yaml.SafeLoader):
    """An editor's reading (yaml-language-server: YAML 1.2's core schema) of numbers,
    written here from the spec, not taken from the loader under test (QA-EW Q-EW-1:
    fed PyYAML's YAML 1.1 reading, the schema could never disagree with ``validate``)."""

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in entries if not tag.endswith((":int", ":float"))]
        for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def _core_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = str(node.value)
    base = {"0o": 8, "0x": 16}.get(text[:2], 10)
    return int(text[2:] if base != 10 else text, base)


def _core_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> float:
    text = str(node.value).lower()
    return float(text.replace(".inf", "inf").replace(".nan", "nan"))


_Yaml12.add_constructor("tag:yaml.org,2002:int", _core_int)
_Yaml12.add_constructor("tag:yaml.org,2002:float", _core_float)
for _tag, _pattern, _firsts in (  # YAML 1.2.2, 10.3.2 (the core schema's tag resolution)
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+.0123456789",
    ),
):
    for _first in _firsts:
        _Yaml12.yaml_implicit_resolvers.setdefault(_first, []).append(
            (f"tag:yaml.org,2002:{_tag}", re.compile(_pattern))
        )


def editor_reading(text: str) -> Any:
    return yaml.load(text, Loader=_Yaml12)


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
        # QA-ET Q-ET-1: an attendee's profile named against the rule
        (f'meetings: {{m: {{meeting_id: "{MEETING_ID}", attendees: {{"xy": 1on1}}}}}}', False),
        (f'meetings: {{m: {{meeting_id: "{MEETING_ID}", attendees: {{"xy": "a b"}}}}}}', False),
        (
            f'meetings: {{m: {{meeting_id: "{MEETING_ID}", '
            'attendees: {"xy": {profile: "-x"}}}}',
            False,
        ),
    ],
)
def test_single_values_schema_and_validate_agree(
    tmp_path: Path, document: str, valid: bool
) -> None:
    assert schema("rooms").is_valid(editor_reading(document)) is validate_accepts_file(
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


def resolved(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    return root["$defs"][ref.rsplit("/", 1)[1]] if ref else node


ANY = None  # a mapping's key of one's own (a room's name, a quota's), in a path below


def numbers(
    node: dict[str, Any], root: dict[str, Any], path: tuple[str | None, ...] = ()
) -> Iterator[tuple[tuple[str | None, ...], str]]:
    """Every number the schema takes: its path of keys, and "integer" or "number"."""
    node = resolved(node, root)
    if node.get("type") in ("integer", "number"):
        yield path, node["type"]
    for key, value in node.get("properties", {}).items():
        yield from numbers(value, root, (*path, key))
    for value in [*node.get("anyOf", []), *node.get("oneOf", [])]:
        yield from numbers(value, root, path)
    for value in [node.get("additionalProperties"), *node.get("patternProperties", {}).values()]:
        if isinstance(value, dict):
            yield from numbers(value, root, (*path, ANY))


def every_number() -> list[tuple[str, tuple[str | None, ...], str]]:
    found = []
    for kind in ("rooms", "settings"):
        document = json.loads(CliRunner().invoke(cli, ["schema", "--file", kind]).stdout)
        found += [(kind, path, type_) for path, type_ in numbers(document, document)]
    return found


# QA-ET Q-ET-2: JSON (and so JSON Schema, and an editor's check) has one kind of number,
# so "type": "integer" takes 1.0; and a minimum or maximum lets NaN by. Whole numbers
# (1.0) are read as such; NaN and infinities are refused by both.
INTEGER_CASES = [(1, True), (1.0, True), (2.5, False), (-1, False), (-1.0, False)]
INTEGER_CASES += [(float("nan"), False), (float("inf"), False), (True, False), ("1", False)]
NUMBER_CASES = [(0.5, True), (1, True), (-0.5, False), (float("nan"), False)]
NUMBER_CASES += [(float("inf"), False), (float("-inf"), False), (False, False), ("0.5", False)]
NUMBERS = every_number()


def test_every_number_the_schemas_take_is_checked_below() -> None:
    # a new number setting is checked by the test below without another line
    assert len(NUMBERS) >= 22
    assert ("settings", ("safety", "max_removals"), "integer") in NUMBERS
    assert ("rooms", ("rooms", ANY, "safety", "max_removals"), "integer") in NUMBERS
    assert ("rooms", ("meetings", ANY, "safety", "max_removal_fraction"), "number") in NUMBERS
    assert ("settings", ("rates", ANY), "number") in NUMBERS
    assert ("settings", ("max_grant_days",), "integer") in NUMBERS


def number_document(kind: str, path: tuple[str | None, ...], value: Any) -> dict[str, Any]:
    """The smallest file of ``kind`` with ``value`` at ``path`` (a room, channel or meeting
    as it must be besides)."""
    named = {"rates": "chime", "rooms": "r", "channels": "c", "meetings": "m"}
    keys = [named[path[i - 1]] if key is ANY else key for i, key in enumerate(path)]
    document: dict[str, Any] = {"account": ACCOUNT} if kind == "settings" else {}
    place = document
    for key in keys[:-1]:
        place = place.setdefault(key, {})
    place[keys[-1]] = value
    if keys[0] == "meetings":
        document["meetings"]["m"]["meeting_id"] = MEETING_ID
    return document


@pytest.mark.parametrize(
    ("kind", "path", "value", "valid"),
    [
        pytest.param(
            kind, path, value, valid, id=f"{kind}:{'.'.join(k or '*' for k in path)}={value!r}"
        )
        for kind, path, type_ in NUMBERS
        for value, valid in (INTEGER_CASES if type_ == "integer" else NUMBER_CASES)
    ],
)
def test_numbers_schema_and_validate_agree(
    tmp_path: Path, kind: str, path: tuple[str | None, ...], value: Any, valid: bool
) -> None:
    document = number_document(kind, path, value)
    instance = f"{{c: {{arn: {INSTANCE}, bearer: 'user:r'}}}}"
    settings = f"account: '{ACCOUNT}'\napp_instances: {instance}\n"
    (tmp_path / "settings.yaml").write_text(
        yaml.safe_dump(document) if kind == "settings" else settings
    )
    if kind == "rooms":
        (tmp_path / "a.yaml").write_text(yaml.safe_dump(document))
    try:
        load_desired(tmp_path)
        accepted = True
    except DesiredStateError:
        accepted = False
    assert (accepted, schema(kind).is_valid(document)) == (valid, valid)


# QA-EW Q-EW-1: a number as written, and what an editor (YAML 1.2) reads it as; YAML 1.1
# (PyYAML's own) read 017 as 15, 1:30 as 90, 0b11 as 3, 1_0 as 10, and 1e3 as text
SPELLINGS = [
    ("1e3", 1000.0),
    ("1.0e3", 1000.0),
    ("1.5e0", 1.5),
    ("017", 17),
    ("0o17", 15),
    ("0x10", 16),
    ("1:30", "1:30"),
    ("0b11", "0b11"),
    ("1_0", "1_0"),
    ("-.5", -0.5),
]


@pytest.mark.parametrize(("text", "value"), SPELLINGS)
def test_the_editor_reading_here_is_yaml_1_2s(text: str, value: Any) -> None:
    assert editor_reading(f"v: {text}") == {"v": value}


@pytest.mark.parametrize(
    ("kind", "path", "text"),
    [
        pytest.param(kind, path, text, id=f"{kind}:{'.'.join(k or '*' for k in path)}={text}")
        for kind, path, _ in NUMBERS
        for text, _ in SPELLINGS
    ],
)
def test_number_spellings_schema_and_validate_agree(
    tmp_path: Path, kind: str, path: tuple[str | None, ...], text: str
) -> None:
    """``validate`` reads the text; the schema gets what an editor reads in it."""
    written = yaml.safe_dump(number_document(kind, path, "NUMBER")).replace("NUMBER", text)
    instance = f"{{c: {{arn: {INSTANCE}, bearer: 'user:r'}}}}"
    settings = f"account: '{ACCOUNT}'\napp_instances: {instance}\n"
    (tmp_path / "settings.yaml").write_text(written if kind == "settings" else settings)
    if kind == "rooms":
        (tmp_path / "a.yaml").write_text(written)
    try:
        load_desired(tmp_path)
        accepted = True
    except DesiredStateError:
        accepted = False
    assert accepted is schema(kind).is_valid(editor_reading(written))


def suggested(node: Any, root: dict[str, Any]) -> Iterator[tuple[dict[str, Any], Any]]:
    """Each ``examples`` value of the schema, with the schema that offers it."""
    if isinstance(node, dict):
        for example in node.get("examples", []):
            yield node, example
        node = node.values()
    if isinstance(node, list | type({}.values())):
        for value in node:
            yield from suggested(value, root)


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_schema_suggests_no_value_it_refuses(kind: str) -> None:
    # QA-ET Q-ET-1: a custom profile's name offered presenter, participant and viewer,
    # which the same schema refuses there (editors complete `examples`)
    document = json.loads(CliRunner().invoke(cli, ["schema", "--file", kind]).stdout)
    refused = [
        example
        for offered, example in suggested(document, document)
        if not jsonschema.Draft202012Validator(
            {**offered, "$defs": document.get("$defs", {})}
        ).is_valid(example)
    ]
    assert refused == []


def test_a_custom_profile_name_is_described_as_one() -> None:
    names = json.loads(CliRunner().invoke(cli, ["schema", "--file", "settings"]).stdout)[
        "properties"
    ]["capability_profiles"]["propertyNames"]
    assert names["pattern"] == "^[A-Za-z][A-Za-z0-9_-]*$"
    assert "presenter" not in names["examples"]
    assert names["description"].startswith("A name of your own for a capability profile")


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
