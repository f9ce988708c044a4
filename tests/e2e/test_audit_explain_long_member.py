"""`audit MEMBER` and `explain MEMBER` with a MEMBER longer than any member reference can be
(QA-GE Q-GE-3): it was looked up and quoted back whole, twice in one line (765 characters
for 312); now it is refused before any call, cut to its first 80 characters, as a desired
state's file refuses such a reference; one that can be a reference (up to 256 characters)
is a name, quoted whole once (QA-LF Q-LF-5). Over the emulator and the real boto3 client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conftest import ACCOUNT, Cli, WriteDesired

pytestmark = pytest.mark.e2e

LONG = "x" * 300 + "@example.com"  # 312 characters


@pytest.fixture
def ready(seed: Callable[..., Any], write_desired: WriteDesired) -> None:
    seed(users=("alice",), rooms={"ops": [("alice", "Member")]})
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "rooms.yaml": "rooms:\n  ops:\n    members: [alice@example.com]\n",
        }
    )


@pytest.mark.parametrize("command", ["audit", "explain"])
def test_a_member_too_long_to_be_one_is_refused_cut_short(
    cli: Cli, ready: None, calls: Callable[[], dict[str, int]], command: str
) -> None:
    before = calls()
    run = cli(command, LONG)
    assert run.exit_code == 1
    assert run.stdout == ""
    assert run.err_lines == [
        # quoted as every value is, with its length (QA-LE Q-LE-1: `'xxx…'…:`, no length),
        # in the words of a file's too-long reference (Q-RR-9: "too long, at most 256
        # characters" was its own)
        f"Error: MEMBER {LONG[:80]!r}…(312 characters): the member reference is too long: "
        "312 characters, at most 256"
    ]
    assert calls() == before  # refused before any call


@pytest.mark.parametrize("command", ["audit", "explain"])
def test_a_member_of_the_longest_length_is_still_looked_up(
    cli: Cli, ready: None, command: str
) -> None:
    """256 characters can be a reference: looked up as before (unknown, or not here)."""
    member = "y" * 244 + "@example.com"
    run = cli(command, member)
    if command == "audit":
        assert run.exit_code == 1
        # QA-LD Q-LD-14: quoted once (it was quoted whole, twice); QA-LF Q-LF-5: whole, a
        # name (it was cut at 80, a value's limit)
        assert run.err_lines == [
            f"Error: unknown member {member}: no Chime user with that "
            f"e-mail in account {ACCOUNT}, and the desired state does not declare it"
        ]
    else:
        assert run.exit_code == 0
        assert run.lines[-1] == (  # where else it may be (Q-HB-5)
            f"{member} is neither declared nor live in any declared target (audit reads the "
            "rooms and channels outside them too)."
        )


@pytest.mark.parametrize("command", ["audit", "explain"])
def test_a_long_malformed_member_is_quoted_once(cli: Cli, ready: None, command: str) -> None:
    """QA-GG Q-GG-2: 200 characters that are no e-mail address were quoted whole twice (a
    481-character line); QA-GK Q-GK-6: then cut, but still twice (and a user:ID whole,
    twice); now MEMBER is quoted once, as a name: whole up to 256 characters (QA-LF
    Q-LF-5: cut at 80, a value's limit, though a reference is a name)."""
    member = "x" * 200
    run = cli(command, member)
    assert run.exit_code == 1
    assert run.err_lines[0].startswith(
        f"Error: MEMBER {member!r}: malformed email address (give an e-mail address"
    )
    assert run.err_lines[0].count("x" * 200) == 1 and len(run.err_lines[0]) < 350
    user = "user:" + "u" * 250
    run = cli(command, user)
    assert run.exit_code == 1
    assert run.err_lines[0].startswith(f"Error: MEMBER {user!r}: malformed AppInstanceUserId")
    assert run.err_lines[0].count("u" * 250) == 1 and len(run.err_lines[0]) < 400


@pytest.mark.parametrize(
    ("command", "member", "why"),
    [
        ("audit", "user:" + "x" * 200 + " y", "malformed AppInstanceUserId (give "),
        ("explain", "user:" + "x" * 200 + " y", "malformed AppInstanceUserId (give "),
        ("audit", "webhook:" + "x" * 200, "webhooks are never managed"),
    ],
)
def test_a_long_user_id_or_webhook_is_quoted_once(
    cli: Cli, ready: None, command: str, member: str, why: str
) -> None:
    """QA-GL Q-GL-6: a malformed user:ID and a webhook were still quoted whole after the
    MEMBER (a 357- and a 401-character line); audit's user:ID refusal had no hint. The
    MEMBER is quoted once (Q-GK-6), whole as a name (Q-LF-5), and audit gives the hint
    explain gives."""
    run = cli(command, member)
    assert run.exit_code == 1
    assert run.err_lines[0].startswith(f"Error: MEMBER {member!r}: {why}"), run.stderr
    assert run.err_lines[0].count("x" * 200) == 1 and len(run.err_lines[0]) < 450


@pytest.mark.parametrize(
    ("member", "why"),
    [
        ("webhook:Deploys", "webhooks are never managed (give "),
        ("bot:", "a bot reference with no bot name"),
    ],
)
@pytest.mark.parametrize("command", ["audit", "explain"])
def test_a_member_no_declared_kind_reads_is_refused_alike_before_any_call(
    cli: Cli, ready: None, emulator: Any, command: str, member: str, why: str
) -> None:
    """QA-GP Q-GP-1: with no meeting declared, `explain webhook:Deploys` read every target
    (a meeting reads any ExternalUserId) and then blamed "no declared meeting", where audit
    said "webhooks are never managed" before any call. Now both say the rooms' reason."""
    before = emulator.calls()
    run = cli(command, member)
    assert run.exit_code == 1, run.stdout + run.stderr
    assert run.err_lines[0].startswith(f"Error: MEMBER {member!r}: "), run.stderr
    assert why in run.err_lines[0], run.stderr
    assert "meeting" not in run.err_lines[0], run.stderr
    assert emulator.calls() == before
