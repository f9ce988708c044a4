"""`plan --shard K/N`, `apply --shard K/N` and `merge-plans` through the real CLI, boto3 and
the emulator: the shards partition the targets (rooms and channels alike), merged they are
the plan of the whole, and an apply of one shard changes only that shard's targets."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import UNPACED
from jsonschema import Draft202012Validator

from reconciler.emulator import EmulatorServer
from reconciler.refs import TargetKey
from reconciler.render.json import load_schema
from reconciler.shard import shard_of

ACCOUNT = "11111111-2222-3333-4444-555555555555"
INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat-1"
ROOMS = [f"r{i}" for i in range(8)]  # ids room-r0 ...
CHANNELS = ["ops", "lobby", "news"]
N = 3
ADMIN = "administrators: [alice@example.com]"


def seed(emulator: EmulatorServer) -> None:
    """Each room has alice as administrator; each channel has alice as member."""
    emulator.reset(
        {
            "accounts": [
                {
                    "id": ACCOUNT,
                    "name": "Example Corp",
                    "users": [
                        {"id": f"uid-{u}", "email": f"{u}@example.com", "name": u}
                        for u in ("alice", "bob")
                    ],
                    "rooms": [
                        {
                            "id": f"room-{r}",
                            "name": r,
                            "memberships": [
                                {"member": "alice@example.com", "role": "Administrator"}
                            ],
                        }
                        for r in ROOMS
                    ],
                }
            ],
            "app_instances": [
                {
                    "arn": INSTANCE,
                    "admins": ["reconciler"],
                    "users": [{"id": u} for u in ("reconciler", "alice", "bob")],
                    "channels": [{"name": c, "id": c, "members": ["alice"]} for c in CHANNELS],
                }
            ],
        }
    )


DESIRED = {
    "settings.yaml": f"""
        account: {ACCOUNT}
        app_instances:
          chat: {{arn: {INSTANCE}, bearer: user:reconciler}}
        """,
    "rooms.yaml": "rooms:\n"
    + "".join(
        f"  {r}: {{administrators: [alice@example.com], members: [bob@example.com]}}\n"
        for r in ROOMS
    ),
    "chat.yaml": "channels:\n"
    + "".join(
        f"  {c}: {{members: [user:alice, user:bob], moderators: [user:bob]}}\n" for c in CHANNELS
    ),
}


def shard(kind: str, name: str) -> int:
    scope = ACCOUNT if kind == "room" else INSTANCE
    return shard_of(TargetKey(kind, scope, name), N)


@pytest.fixture
def scenario(emulator: EmulatorServer, write_desired: Callable[..., Path]) -> EmulatorServer:
    seed(emulator)
    write_desired(DESIRED)
    return emulator


def targets_of(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [(t["kind"], t["name"]) for t in document["targets"]]


def test_the_shards_partition_the_targets_and_merge_into_the_whole_plan(
    scenario: EmulatorServer, cli: Any, workdir: Path
) -> None:
    whole = cli(*UNPACED, "plan", "--format", "json", "--out", "whole.json")
    assert whole.exit_code == 0, whole.stderr
    parts = []
    for k in range(1, N + 1):
        run = cli(
            *UNPACED, "plan", "--shard", f"{k}/{N}", "--format", "json", "--out", f"plan-{k}.json"
        )
        assert run.exit_code == 0, run.stderr
        document = json.loads(run.stdout)
        assert document["shard"] == {
            "index": k,
            "count": N,
            "unmanaged_is_drift": True,
            "max_removals": 10,  # settings.yaml's (the default), for merge-plans to check
            "own_max_removals": [],
        }
        assert all(shard(kind, name) == k for kind, name in targets_of(document))
        parts.append(document)
    every = json.loads(whole.stdout)
    assert sorted(t for p in parts for t in targets_of(p)) == sorted(targets_of(every))
    assert all(p["targets"] for p in parts)  # 14 targets over 3 shards: none is empty
    # a channel and its moderators are in one shard
    for p in parts:
        names = {n for kind, n in targets_of(p) if kind == "channel"}
        assert names == {n for kind, n in targets_of(p) if kind == "channel-moderator"}

    files = [f"plan-{k}.json" for k in (3, 1, 2)]
    merged = cli(*UNPACED, "merge-plans", *files, "--format", "json", "--out", "merged.json")
    assert merged.exit_code == 0, merged.stderr
    assert json.loads(merged.stdout) == every
    # the Markdown for the drift issue and the text are the whole plan's too
    for fmt in ("text", "markdown"):
        one = cli(*UNPACED, "show", "whole.json", "--format", fmt)
        assert cli(*UNPACED, "merge-plans", *files, "--format", fmt).stdout == one.stdout
    detailed = cli(*UNPACED, "merge-plans", *files, "--detailed-exitcode", "--format", "markdown")
    assert detailed.exit_code == 2
    # the merged file is a plan like any other: apply FILE takes it
    applied = cli(*UNPACED, "apply", "merged.json")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert cli(*UNPACED, "plan", "--detailed-exitcode").exit_code == 0


def test_the_plan_says_which_shard(scenario: EmulatorServer, cli: Any) -> None:
    run = cli(*UNPACED, "plan", "--shard", f"2/{N}")
    assert run.exit_code == 0, run.stderr
    assert run.lines[-1].endswith(f"to remove (shard 2/{N} of the targets).")
    markdown = cli(*UNPACED, "plan", "--shard", f"2/{N}", "--format", "markdown")
    assert f"(shard 2/{N} of the targets).**" in markdown.stdout


def test_apply_of_one_shard_changes_only_its_targets(
    scenario: EmulatorServer, cli: Any, members: Callable[[str], dict[str, str]]
) -> None:
    run = cli(*UNPACED, "apply", "--shard", f"1/{N}", "--auto-approve")
    assert run.exit_code == 0, run.stdout + run.stderr
    for room in ROOMS:
        changed = "uid-bob" in members(room)
        assert changed == (shard("room", room) == 1), room
    for c in CHANNELS:
        arn = f"{INSTANCE}/channel/{c}"
        has_bob = f"{INSTANCE}/user/bob" in scenario.messaging.channel_members(arn)
        moderated = f"{INSTANCE}/user/bob" in scenario.messaging.channel_moderators(arn)
        assert has_bob == moderated == (shard("channel", c) == 1), c
    # the other shards still have their changes; shard 1 has none left
    assert cli(*UNPACED, "plan", "--shard", f"1/{N}", "--detailed-exitcode").exit_code == 0
    assert cli(*UNPACED, "plan", "--shard", f"2/{N}", "--detailed-exitcode").exit_code == 2


def test_apply_of_a_saved_shard_plan_keeps_to_its_shard(
    scenario: EmulatorServer, cli: Any, members: Callable[[str], dict[str, str]]
) -> None:
    assert cli(*UNPACED, "plan", "--shard", f"3/{N}", "--out", "p3.json").exit_code == 0
    run = cli(*UNPACED, "apply", "p3.json")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert f"(shard 3/{N} of the targets)" in run.stdout
    assert {r for r in ROOMS if "uid-bob" in members(r)} == {
        r for r in ROOMS if shard("room", r) == 3
    }
    refused = cli(*UNPACED, "apply", "p3.json", "--shard", f"3/{N}")
    assert refused.exit_code == 1
    assert refused.err_lines == [
        "Error: --shard cannot be combined with a saved plan, which applies exactly what it "
        f"planned: run `apply --shard 3/{N}` without p3.json, or `plan --shard 3/{N} --out "
        "FILE` and then `apply FILE`"
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0/3", "--shard '0/3': the shard K must be 1 to 3 (K/N, from 1)\n"),
        ("4/3", "--shard '4/3': the shard K must be 1 to 3 (K/N, from 1)\n"),
        # QA-HI Q-HI-2: a CR or VT about it (a CRLF file's value) split the line in two
        ("0/3\r", "Error: --shard '0/3\\r': the shard K must be 1 to 3 (K/N, from 1)\n"),
        ("4/3\x0b", "Error: --shard '4/3\\x0b': the shard K must be 1 to 3 (K/N, from 1)\n"),
        ("a/b", "--shard takes K/N, shard K of N counted from 1 (e.g. --shard 2/3), not 'a/b'"),
        # QA-LF Q-LF-7: quoted whole (a 10,000-character line), now cut as every value
        (
            "x" * 10_000,
            "--shard takes K/N, shard K of N counted from 1 (e.g. --shard 2/3), not "
            f"{'x' * 80!r}…(10,000 characters)\n",
        ),
    ],
)
@pytest.mark.parametrize("command", ["plan", "apply"])
def test_a_bad_shard_is_a_usage_error_exit_1(
    scenario: EmulatorServer, cli: Any, calls: Any, command: str, value: str, message: str
) -> None:
    run = cli(*UNPACED, command, "--shard", value)
    assert run.exit_code == 1
    assert message in run.stderr
    assert len(run.stderr.splitlines()) == 1, run.stderr  # one Error: line
    assert len(run.stderr) < 300
    assert calls() == {}  # refused before any call


def test_a_shard_is_read_as_any_whole_number_option(scenario: EmulatorServer, cli: Any) -> None:
    """QA-LF Q-LF-7: `--parallelism +8` is taken, `--shard +1/3` was refused; one rule."""
    signed = cli(*UNPACED, "--parallelism", "+8", "plan", "--shard", f"+2/+{N}")
    assert signed.exit_code == 0, signed.stderr
    assert signed.stdout == cli(*UNPACED, "plan", "--shard", f"2/{N}").stdout
    assert f"(shard 2/{N} of the targets)" in signed.stdout


def test_shard_and_target_together_are_refused(scenario: EmulatorServer, cli: Any) -> None:
    run = cli(*UNPACED, "plan", "--shard", "1/2", "--target", "r1")
    assert run.exit_code == 1
    assert "--shard and --target cannot be combined" in run.stderr


def test_merge_refuses_a_missing_or_repeated_shard(scenario: EmulatorServer, cli: Any) -> None:
    for k in (1, 2):
        assert (
            cli(*UNPACED, "plan", "--shard", f"{k}/{N}", "--out", f"plan-{k}.json").exit_code == 0
        )
    missing = cli(*UNPACED, "merge-plans", "plan-1.json", "plan-2.json")
    assert missing.exit_code == 1
    assert missing.stdout == ""
    assert f"shard 3/{N} is missing" in missing.stderr
    twice = cli(*UNPACED, "merge-plans", "plan-1.json", "plan-2.json", "plan-2.json")
    assert twice.exit_code == 1
    assert f"shard 2/{N} is given twice: plan-2.json and plan-2.json" in twice.stderr
    assert cli(*UNPACED, "plan", "--out", "whole.json").exit_code == 0
    unsharded = cli(*UNPACED, "merge-plans", "whole.json")
    assert unsharded.exit_code == 1
    assert "whole.json was not made with --shard K/N" in unsharded.stderr


def test_merged_shards_are_refused_when_the_whole_plan_breaks_max_removals(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, workdir: Path
) -> None:
    # Q-I-1: 7 removals over 3 shards, limit 6: every shard is under it, the whole is not;
    # merge-plans said "safe" and exited 2, where plan (and apply merged.json) refuse it.
    # r7's removal counts against its own limit only, in whichever shard it is.
    seed(emulator)
    state = emulator.state()
    for room in state["accounts"][0]["rooms"]:
        room["memberships"].append({"member": "bob@example.com", "role": "Member"})
    emulator.reset(state)
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\nsafety: {{max_removals: 6}}\n",
            "rooms.yaml": "rooms:\n"
            + "".join(f"  {r}: {{prune: true, {ADMIN}}}\n" for r in ROOMS[:-1])
            + f"  {ROOMS[-1]}: {{prune: true, {ADMIN}, safety: {{max_removals: 1}}}}\n",
        }
    )
    refusal = "Too many removals: 7 is over the limit of 6 (safety.max_removals)"
    whole = cli(*UNPACED, "plan", "--detailed-exitcode", "--format", "json", "--out", "whole.json")
    assert whole.exit_code == 1
    assert [v["message"] for v in json.loads(whole.stdout)["safety"]["violations"]] == [refusal]
    for k in range(1, N + 1):
        part = cli(
            *UNPACED, "plan", "--shard", f"{k}/{N}", "--detailed-exitcode", "--out", f"p-{k}.json"
        )
        assert part.exit_code == 2, part.stderr  # each shard alone is under the limit
    files = [f"p-{k}.json" for k in range(1, N + 1)]
    merged = cli(
        *UNPACED,
        "merge-plans",
        *files,
        "--detailed-exitcode",
        "--format",
        "json",
        "--out",
        "m.json",
    )
    assert merged.exit_code == 1
    assert json.loads(merged.stdout) == json.loads(whole.stdout)
    assert json.loads((workdir / "m.json").read_text())["safety"]["safe"] is False
    for fmt in ("text", "markdown"):
        assert (
            cli(*UNPACED, "merge-plans", *files, "--format", fmt).stdout
            == cli(*UNPACED, "show", "whole.json", "--format", fmt).stdout
        )
    before = emulator.state()
    applied = cli(*UNPACED, "apply", "m.json")
    assert applied.exit_code == 1
    assert f"Error: refusing this plan: {refusal}" in applied.lines
    assert emulator.state() == before


def test_a_shard_that_holds_no_target_says_nothing_was_compared(
    scenario: EmulatorServer, cli: Any
) -> None:
    """QA-FS Q-FS-5: a shard with none of the 14 targets closed with "No changes. Chime
    memberships match the desired state", though it read and compared nothing."""
    count = 40
    taken = {shard_of(TargetKey("room", ACCOUNT, r), count) for r in ROOMS}
    taken |= {shard_of(TargetKey("channel", INSTANCE, c), count) for c in CHANNELS}
    empty = min(set(range(1, count + 1)) - taken)
    said = (
        f"No changes, but nothing was compared: shard {empty}/{count} holds no target "
        "(every target declared is in another shard)."
    )
    run = cli(*UNPACED, "plan", "--shard", f"{empty}/{count}", "--detailed-exitcode")
    assert run.exit_code == 0, run.stderr  # no change is due, nothing failed
    assert run.lines[-1] == said
    assert "match" not in run.stdout
    markdown = cli(*UNPACED, "plan", "--shard", f"{empty}/{count}", "--format", "markdown")
    assert f"**{said}**" in markdown.stdout
    applied = cli(*UNPACED, "apply", "--shard", f"{empty}/{count}", "--auto-approve")
    assert applied.exit_code == 0, applied.stderr
    assert said in applied.stdout
    # a shard that holds targets still says what it found
    full = min(taken)
    assert (
        cli(*UNPACED, "plan", "--shard", f"{full}/{count}")
        .lines[-1]
        .endswith(f"(shard {full}/{count} of the targets).")
    )


def test_every_shard_of_a_desired_state_declaring_no_target_says_so(
    scenario: EmulatorServer, write_desired: Callable[..., Path], workdir: Path, cli: Any
) -> None:
    """QA-LD Q-LD-1: with only settings.yaml (Chime has rooms and channels), each shard
    said "holds no target (every target declared is in another shard)", and there are
    none. Now each says what the unsharded plan says, in text, Markdown, `apply --shard`,
    `show` and `apply` of its saved plan; exit 0 (under --detailed-exitcode too)."""
    root = write_desired({})
    for name in ("rooms.yaml", "chat.yaml"):
        (root / name).unlink()
    nothing = "No changes, but nothing was compared: the desired state declares no target."
    assert cli(*UNPACED, "plan").lines[-1] == nothing  # the unsharded plan's (Q-FX-3)
    for k in (1, 2):
        run = cli(
            *UNPACED, "plan", "--shard", f"{k}/2", "--detailed-exitcode", "--out", f"{k}.json"
        )
        assert run.exit_code == 0, run.stderr
        assert run.lines[-1] == nothing
        assert "another shard" not in run.stdout
        markdown = cli(*UNPACED, "plan", "--shard", f"{k}/2", "--format", "markdown")
        assert f"**{nothing}**" in markdown.stdout
        applied = cli(*UNPACED, "apply", "--shard", f"{k}/2", "--auto-approve")
        assert applied.exit_code == 0, applied.stderr
        assert applied.lines[-1] == nothing
        for fmt in ("text", "markdown"):
            shown = cli(*UNPACED, "show", f"{k}.json", "--format", fmt)
            assert nothing in shown.stdout and "another shard" not in shown.stdout
        assert cli(*UNPACED, "apply", f"{k}.json").stdout.splitlines()[-1] == nothing
        document = json.loads((workdir / f"{k}.json").read_text())
        assert document["targets"] == [] and document["shard"]["none_declared"] is True
        Draft202012Validator(load_schema()).validate(document)
    merged = cli(*UNPACED, "merge-plans", "1.json", "2.json")
    assert merged.exit_code == 0 and merged.lines[-1] == nothing
    # a desired state that declares targets, none in this shard, keeps its line (Q-FS-5)
    write_desired({"rooms.yaml": "rooms:\n  r0: {administrators: [alice@example.com]}\n"})
    empty = 2 if shard_of(TargetKey("room", ACCOUNT, "r0"), 2) == 1 else 1
    run = cli(*UNPACED, "plan", "--shard", f"{empty}/2", "--out", "e.json")
    assert run.lines[-1] == (
        f"No changes, but nothing was compared: shard {empty}/2 holds no target "
        "(every target declared is in another shard)."
    )
    assert "none_declared" not in json.loads((workdir / "e.json").read_text())["shard"]
