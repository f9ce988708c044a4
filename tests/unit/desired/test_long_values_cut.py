"""Values a message quotes back, cut to their first 80 characters and their length
(QA-GE): a long capability profile and a long ARN region were quoted whole (Q-GE-1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner

from reconciler.cli.main import cli

X = "x" * 300


def validate(root: Path) -> Any:
    return CliRunner().invoke(cli, ["--desired", str(root), "validate"], catch_exceptions=False)


def test_a_long_profile_and_a_long_arn_region_are_quoted_cut_short(tmp_path: Path) -> None:
    """Q-GE-1: lines of 409 and 477 characters, the 300 x's whole; now the first 80 and
    the length, as for until: and meeting_id."""
    (tmp_path / "settings.yaml").write_text(
        f'app_instances:\n  c2: {{arn: "arn:aws:chime:{X}:111122223333:app-instance/c", '
        "bearer: user:r}\n"
    )
    (tmp_path / "m.yaml").write_text(
        "meetings:\n  m1:\n    meeting_id: 3b8c3c4e-1111-2222-3333-444455556666\n"
        f'    attendees:\n      alice@example.com: "{X}"\n'
        f'      bob@example.com: {{profile: "{X}", until: 2027-01-01}}\n'
    )
    result = validate(tmp_path)
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert not [e for e in errors if "x" * 81 in e]  # none quoted whole
    known = "(known: participant, presenter, viewer; add yours under capability_profiles"
    assert errors[:3] == [
        f"{tmp_path}/m.yaml:5: meetings.m1.attendees.alice@example.com: unknown capability "
        f"profile {X[:80]!r}…(300 characters) {known} in settings.yaml)",
        f"{tmp_path}/m.yaml:6: meetings.m1.attendees.bob@example.com: unknown capability "
        f"profile {X[:80]!r}…(300 characters) {known} in settings.yaml)",
        f"{tmp_path}/settings.yaml:2: app_instances.c2.arn: Chime SDK messaging exists only "
        f"in us-east-1 and eu-central-1, not {X[:80]}…(300 characters)",
    ]


def test_a_short_profile_and_region_are_quoted_whole(tmp_path: Path) -> None:
    """Below 80 characters nothing changes: 'Viewer' and us-west-2 as written."""
    (tmp_path / "settings.yaml").write_text(
        'app_instances:\n  c2: {arn: "arn:aws:chime:us-west-2:111122223333:app-instance/c", '
        "bearer: user:r}\n"
    )
    (tmp_path / "m.yaml").write_text(
        "meetings:\n  m1:\n    meeting_id: 3b8c3c4e-1111-2222-3333-444455556666\n"
        "    attendees:\n      alice@example.com: Viewer\n"
    )
    errors = validate(tmp_path).stderr.splitlines()
    assert errors[:2] == [
        f"{tmp_path}/m.yaml:5: meetings.m1.attendees.alice@example.com: unknown capability "
        "profile 'Viewer' (did you mean 'viewer'?)",
        f"{tmp_path}/settings.yaml:2: app_instances.c2.arn: Chime SDK messaging exists only "
        "in us-east-1 and eu-central-1, not us-west-2",
    ]


def test_a_long_number_too_large_to_be_a_float_is_quoted_cut_short(tmp_path: Path) -> None:
    """Q-GE-2: a plain decimal of 400 digits is infinity as 1e400 is, but over 256
    characters its text was dropped and the message said ``the number inf (not
    finite)``, a text the file does not hold. Now every number field says it is too
    large, its text cut to the first 80 and its length; so does a whole number of 401
    digits (quoted whole before), and until: (``got the number …``)."""
    big = "1" + "0" * 400 + ".0"
    head = big[:80]
    (tmp_path / "settings.yaml").write_text(
        "account: 11111111-2222-3333-4444-555555555555\n"
        f"safety: {{max_removal_fraction: {big}, max_removals: -{big}}}\n"
        f"rates: {{meetings: {big}, chime: 1{'0' * 400}}}\n"
    )
    (tmp_path / "x.yaml").write_text(
        "rooms:\n  w:\n    members:\n"
        f"      - {{member: a@example.com, until: {big}, reason: {big}}}\n"
    )
    result = validate(tmp_path)
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert errors[-1] == "Desired state is invalid: 6 errors."
    assert "inf (" not in result.stderr  # never Python's spelling
    assert not [e for e in errors if "0" * 81 in e]  # none quoted whole
    large = f"the number {head}…(403 characters) (too large: YAML reads it as infinity"
    assert sorted(e.replace(f"{tmp_path}/", "") for e in errors[:-1]) == sorted(
        [
            f"settings.yaml:2: safety.max_removal_fraction: expected a number from 0 to 1, "
            f"got {large})",
            "settings.yaml:2: safety.max_removals: expected a whole number, got the number "
            f"-{head[:79]}…(404 characters) (too large: YAML reads it as minus infinity)",
            "settings.yaml:3: rates.meetings: a rate is a positive number of requests per "
            f"second or null, not {large.removeprefix('the number ')})",
            # no "expected a number, got the number" (Q-GV-14): over the one bound (Q-GV-1)
            f"settings.yaml:3: rates.chime: invalid YAML value: the number {head}…(401 "
            "characters) is too large (more than 100 digits)",
            "x.yaml:4: rooms.w.members[0].until: expected a date (2027-03-31) or a date and "
            f"time with a zone (2027-03-31T18:00:00Z), got {large})",
            f"x.yaml:4: rooms.w.members[0].reason: expected a string, got {large}; quote it)",
        ]
    )


def test_a_long_whole_number_given_for_text_keeps_its_length_apart_from_the_hint(
    tmp_path: Path,
) -> None:
    """A member of 100 digits: the "quote it" hint went inside the length's parenthesis,
    ``…(100 characters; quote it)``, a merge meant for ``1e400 (too large: ...)`` only."""
    digits = "1" * 100
    (tmp_path / "settings.yaml").write_text("account: 11111111-2222-3333-4444-555555555555\n")
    (tmp_path / "x.yaml").write_text(f"rooms:\n  w:\n    members: [{digits}]\n")
    result = validate(tmp_path)
    assert result.exit_code == 1
    said = [e for e in result.stderr.splitlines() if "expected a string" in e]
    assert said == [
        f"{tmp_path}/x.yaml:3: rooms.w.members[0]: expected a string, got the number "
        f"{digits[:80]}…(100 characters) (quote it)"
    ], result.stderr


def test_a_webhook_in_a_channel_and_a_long_user_id_in_a_room_say_why(tmp_path: Path) -> None:
    """QA-GN Q-GN-3: `webhook:Deploys` among a channel's members said "malformed email
    address", where a room says "webhooks are never managed"; Q-GN-2: a `user:ID` in a
    room was quoted whole in "names a channel user"."""
    user = "user:" + "u" * 120
    (tmp_path / "settings.yaml").write_text(
        "account: 11111111-2222-3333-4444-555555555555\n"
        "app_instances:\n  chat: {arn: 'arn:aws:chime:us-east-1:111122223333:app-instance/"
        "chat', bearer: user:reconciler}\n"
    )
    (tmp_path / "c.yaml").write_text("channels:\n  lobby:\n    members: ['webhook:Deploys']\n")
    (tmp_path / "r.yaml").write_text(f"rooms:\n  ops:\n    members: ['{user}']\n")
    result = validate(tmp_path)
    assert result.exit_code == 1
    errors = [e.replace(f"{tmp_path}/", "") for e in result.stderr.splitlines()]
    assert (
        "c.yaml:3: channels.lobby.members[0]: webhooks are never managed: "
        "'webhook:Deploys'" in errors
    ), errors
    said = [e for e in errors if e.startswith("r.yaml:3:")]
    assert len(said) == 1 and said[0].startswith(
        f"r.yaml:3: rooms.ops.members[0]: {user!r} names a channel user"
    ), errors  # a reference is a name: whole up to 256 characters (QA-LF Q-LF-4)


def test_a_reference_in_a_list_is_quoted_whole_up_to_256_characters(tmp_path: Path) -> None:
    """QA-LF Q-LF-4: a malformed e-mail address, a webhook and a user:ID in a room's list
    were cut at 80 characters, a value's limit; a reference is a name, whole up to 256 as
    the README's quoting rule says (a longer one is refused as too long, not quoted)."""
    email, webhook, user = "a" * 150 + "@example", "webhook:" + "w" * 200, "user:" + "u" * 250
    (tmp_path / "settings.yaml").write_text("account: 11111111-2222-3333-4444-555555555555\n")
    (tmp_path / "r.yaml").write_text(
        f"rooms:\n  ops:\n    members: ['{email}', '{webhook}', '{user}', '{'b' * 300}@x.io']\n"
    )
    result = validate(tmp_path)
    assert result.exit_code == 1
    errors = [e.replace(f"{tmp_path}/", "") for e in result.stderr.splitlines()]
    where = "r.yaml:3: rooms.ops.members"
    assert errors[:3] == [
        f"{where}[0]: malformed email address {email!r}",
        f"{where}[1]: webhooks are never managed: {webhook!r}",
        f"{where}[2]: {user!r} names a channel user: only a channel's own lists and "
        "settings.yaml's `protected:` take user:ID and AppInstanceUser ARNs (a room and a "
        "group, shared by every kind, take e-mail addresses and bot:NAME)",
    ]
    assert errors[3] == f"{where}[3]: the member reference is too long: 305 characters, at most 256"


def test_a_long_label_in_a_path_and_a_long_id_in_an_arn_are_cut_by_the_one_rule(
    tmp_path: Path,
) -> None:
    """QA-LE Q-LE-3: an AppInstanceUser ARN was quoted whole in "malformed
    AppInstanceUserId": by its id now, the end that is wrong (whole up to 256 characters,
    a name: QA-LF Q-LF-4). A 250-character `app_instances:` label is a key, whole in the
    line's key path (under the 256 of a name, as every key: Q-RR-3); its message quotes it
    as written, a value, cut (QA-GL Q-GL-6: whole twice it made a line of 914 characters)."""
    label, user = "l" * 250, "u" * 120 + "/x"
    instance = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
    (tmp_path / "settings.yaml").write_text(
        f'app_instances:\n  " {label} ": {{arn: "{instance}", bearer: user:r}}\n'
    )
    (tmp_path / "c.yaml").write_text(
        f'channels:\n  x:\n    app_instance: " {label} "\n    members: ["{instance}/user/{user}"]\n'
    )
    result = validate(tmp_path)
    assert result.exit_code == 1
    errors = [e.replace(f"{tmp_path}/", "") for e in result.stderr.splitlines()]
    assert not [e for e in errors if instance + "/user/" in e]  # not the whole ARN
    assert (  # the id, a name: whole up to 256 characters (QA-LF Q-LF-4)
        "c.yaml:4: channels.x.members[0]: malformed AppInstanceUserId "
        f"{user!r} at the end of the AppInstanceUser ARN"
    ) in errors
    assert [e for e in errors if e.startswith("settings.yaml:2: ")] == [
        f'settings.yaml:2: app_instances." {label} ": an app '
        "instance's label may not start or end with white space (a channel's "
        f"`app_instance:` is read without it): {' ' + label[:79]!r}…(252 characters); "
        f"write {label[:80]!r}…(250 characters)"
    ]


def test_a_key_is_spelt_the_same_in_the_path_and_in_the_message(tmp_path: Path) -> None:
    """QA re-read Q-RR-3: a key of 81-256 characters was cut to its first 80 in the path a
    line starts with but whole in the message after it (duplicate key, unknown key), so
    one key was spelt two ways in consecutive lines. A key is a name: whole up to 256 in
    both (a room key, an attendee's reference)."""
    room, user = "r" * 100, "b" * 100
    (tmp_path / "settings.yaml").write_text("account: 11111111-2222-3333-4444-555555555555\n")
    (tmp_path / "rooms.yaml").write_text(
        f"rooms:\n  {room}:\n    members: [a@example.com]\n    bogus: 1\n"
        f"  {room}:\n    members: [a@example.com]\n"
    )
    (tmp_path / "m.yaml").write_text(
        "meetings:\n  m1:\n    meeting_id: 3b8c3c4e-1111-2222-3333-444455556666\n"
        f"    attendees:\n      {user}: viewer\n"
    )
    result = validate(tmp_path)
    assert result.exit_code == 1
    errors = sorted(e.replace(f"{tmp_path}/", "") for e in result.stderr.splitlines()[:-1])
    assert "…(" not in result.stderr  # no key of these is over 256: none is cut
    assert errors == [
        f"m.yaml:5: meetings.m1.attendees.{user}: an ExternalUserId has 2 to 64 "
        f"characters, {user!r} has 100",
        f"rooms.yaml:4: rooms.{room}: unknown key 'bogus' (expected one of: account, "
        "administrators, id, members, owners, prune, safety)",
        f"rooms.yaml:5: rooms: duplicate key {room!r} (first at line 2)",
    ]
