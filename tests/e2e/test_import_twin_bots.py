"""import of a channel with a bot whose name another AppInstanceBot of the app instance
has, where that other bot is in none of the channels written (QA-BS Q-BS-2): the bot is
left out with its comment and the channel gets `prune: false`, so that the plan right
after says `No changes.` (it said `2 AppInstanceBots named 'Twin' …`, exit 1). The real
CLI against the emulator over HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import UNPACED
from jsonschema import Draft202012Validator

from reconciler.emulator import EmulatorServer
from reconciler.render.json import load_schema

pytestmark = pytest.mark.e2e

CHAT = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
# the bot left out is drift the file keeps (prune: false), as import's own comment says
NO_CHANGES = "No changes, but Chime has 1 member the desired state does not declare."


def _seed(channels: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "app_instances": [
            {
                "arn": CHAT,
                "name": "chat",
                "admins": ["reconciler"],
                "users": [{"id": "reconciler"}, {"id": "alice@example.com"}],
                "bots": [{"id": "bot-t1", "name": "Twin"}, {"id": "bot-t2", "name": "Twin"}],
                "channels": channels,
            }
        ]
    }


@pytest.fixture
def settings(write_desired: Callable[..., Path]) -> Path:
    return write_desired(
        {"settings.yaml": f'app_instances:\n  chat: {{arn: "{CHAT}", bearer: user:reconciler}}\n'}
    )


def test_import_leaves_out_a_bot_whose_twin_is_in_no_channel_and_plan_says_no_changes(
    emulator: EmulatorServer, settings: Path, cli: Any
) -> None:
    emulator.reset(
        _seed([{"name": "ops", "id": "ops", "members": ["alice@example.com", "bot-t1"]}])
    )
    run = cli(*UNPACED, "import", "--out", "desired-state")
    assert run.exit_code == 0, run.stderr
    text = (settings / "channels" / "chat.yaml").read_text(encoding="utf-8")
    ops = yaml.safe_load(text)["channels"]["ops"]
    assert ops["members"] == ["alice@example.com"]
    assert ops["prune"] is False
    assert f"Left out: bot Twin ({CHAT}/bot/bot-t1): several AppInstanceBots" in text
    plan = cli(*UNPACED, "plan")
    assert plan.exit_code == 0, plan.stderr
    assert plan.lines[-1] == NO_CHANGES


def test_import_leaves_out_a_bot_whose_twin_is_in_a_channel_left_as_it_is(
    emulator: EmulatorServer, settings: Path, write_desired: Callable[..., Path], cli: Any
) -> None:
    emulator.reset(
        _seed(
            [
                {"name": "ops", "id": "ops", "members": ["alice@example.com", "bot-t1"]},
                {"name": "old", "id": "old", "members": ["alice@example.com", "bot-t2"]},
            ]
        )
    )
    write_desired(
        {
            "old.yaml": "channels:\n  old: {app_instance: chat, prune: false, "
            "members: [alice@example.com]}\n"
        }
    )
    run = cli(*UNPACED, "import", "--out", "desired-state")
    assert run.exit_code == 0, run.stderr
    ops = yaml.safe_load((settings / "channels" / "chat.yaml").read_text(encoding="utf-8"))
    assert ops["channels"]["ops"]["members"] == ["alice@example.com"]
    plan = cli(*UNPACED, "plan")
    assert plan.exit_code == 0, plan.stderr
    assert plan.lines[-1] == NO_CHANGES.replace("1 member", "2 members")


def test_adopt_of_only_a_bot_whose_name_another_bot_has_warns_and_writes_nothing(
    emulator: EmulatorServer, settings: Path, write_desired: Callable[..., Path], cli: Any
) -> None:
    """`import --adopt` wrote `bot:Twin` (exit 0), and the next plan failed on it; then it
    refused everything (QA-BZ Q-BZ-1): the bot is skipped with a warning, and with no other
    drift nothing is adopted, the file untouched, as for any member it cannot write."""
    emulator.reset(
        _seed([{"name": "ops", "id": "ops", "members": ["alice@example.com", "bot-t1"]}])
    )
    text = "channels:\n  ops: {app_instance: chat, members: [alice@example.com]}\n"
    write_desired({"ops.yaml": text})
    adopt = cli(*UNPACED, "import", "--adopt")
    assert adopt.exit_code == 1
    assert "Warning: bot:Twin in channel ops: 2 AppInstanceBots named 'Twin'" in adopt.stderr
    assert (
        "Error: Nothing was adopted: 1 member not in the desired state cannot be adopted "
        "(above)." in adopt.stderr
    )
    assert "by hand" not in adopt.stderr
    assert (settings / "ops.yaml").read_text(encoding="utf-8") == text
    plan = cli(*UNPACED, "plan")
    assert plan.exit_code == 0, plan.stdout


def test_adopt_skips_a_bot_whose_name_another_bot_has_and_adopts_the_rest(
    emulator: EmulatorServer, settings: Path, write_desired: Callable[..., Path], cli: Any
) -> None:
    """One drifted bot whose name another bot shares, and other drift (bob in ops, the
    uniquely named bot Uniq in dev): adopt refused all of it (QA-BZ Q-BZ-1). Now it warns
    about the twin, adopts the rest, and the next plan has only the twin left."""
    seed = _seed(
        [
            {
                "name": "ops",
                "id": "ops",
                "members": ["alice@example.com", "bot-t1", "bob@example.com"],
            },
            {"name": "dev", "id": "dev", "members": ["alice@example.com", "bot-u"]},
        ]
    )
    seed["app_instances"][0]["users"].append({"id": "bob@example.com"})
    seed["app_instances"][0]["bots"].append({"id": "bot-u", "name": "Uniq"})
    emulator.reset(seed)
    write_desired(
        {
            "ch.yaml": "channels:\n  ops: {app_instance: chat, members: [alice@example.com]}\n"
            "  dev: {app_instance: chat, members: [alice@example.com]}\n"
        }
    )
    adopt = cli(*UNPACED, "import", "--adopt")
    assert adopt.exit_code == 0, adopt.stderr
    assert (
        "Warning: bot:Twin in channel ops: 2 AppInstanceBots named 'Twin' in "
        f"{CHAT} ({CHAT}/bot/bot-t1, {CHAT}/bot/bot-t2)"
    ) in adopt.stderr
    assert adopt.stderr.rstrip().endswith("; not adopted")
    assert "Adopted 2 members into 1 file (2 to members):" in adopt.stdout
    channels = yaml.safe_load((settings / "ch.yaml").read_text(encoding="utf-8"))["channels"]
    assert channels["ops"]["members"] == ["alice@example.com", "bob@example.com"]
    assert channels["dev"]["members"] == ["alice@example.com", "bot:Uniq"]
    plan = cli(*UNPACED, "plan")
    assert plan.exit_code == 0, plan.stdout
    assert plan.lines[-1] == NO_CHANGES


def test_adopt_of_two_same_named_bots_in_one_channel_writes_neither_by_its_arn(
    emulator: EmulatorServer, settings: Path, write_desired: Callable[..., Path], cli: Any
) -> None:
    """Both Twins in one channel: the plan shows each by its ARN (`bot:arn:…`), and adopt
    wrote those ARNs into the file (exit 0), which the plan refuses once one of them leaves
    (`no AppInstanceBot named 'arn:…'`; QA-CC Q-CC-1). Each is skipped with the twins'
    warning; bob, beside them, is adopted."""
    seed = _seed(
        [
            {
                "name": "ops",
                "id": "ops",
                "members": ["alice@example.com", "bot-t1", "bot-t2", "bob@example.com"],
            }
        ]
    )
    seed["app_instances"][0]["users"].append({"id": "bob@example.com"})
    emulator.reset(seed)
    write_desired(
        {"ops.yaml": "channels:\n  ops: {app_instance: chat, members: [alice@example.com]}\n"}
    )
    adopt = cli(*UNPACED, "import", "--adopt")
    assert adopt.exit_code == 0, adopt.stderr
    for bot in ("bot-t1", "bot-t2"):
        assert (
            f"Warning: bot:{CHAT}/bot/{bot} in channel ops: 2 AppInstanceBots named 'Twin'"
        ) in adopt.stderr
    channels = yaml.safe_load((settings / "ops.yaml").read_text(encoding="utf-8"))["channels"]
    assert channels["ops"]["members"] == ["alice@example.com", "bob@example.com"]
    assert "arn:" not in (settings / "ops.yaml").read_text(encoding="utf-8")
    plan = cli(*UNPACED, "plan")
    assert plan.exit_code == 0, plan.stdout


def test_a_twin_bot_left_out_as_a_moderator_is_counted_and_named_as_one(
    emulator: EmulatorServer, settings: Path, cli: Any
) -> None:
    """QA-FS Q-FS-2: the summary said "3 members left out" where one is a moderator entry
    (the Next line and the plan right after say "2 members and 1 moderator"), and the
    moderator's comment did not say it was one."""
    emulator.reset(
        _seed(
            [
                {
                    "name": "solo",
                    "id": "solo",
                    "members": ["reconciler", "alice@example.com", "bot-t1", "bot-t2"],
                    "moderators": ["reconciler", "bot-t1", "alice@example.com"],
                }
            ]
        )
    )
    run = cli(*UNPACED, "import", "--out", "desired-state")
    assert run.exit_code == 0, run.stderr
    assert "2 members and 1 moderator left out: see the comments" in run.stdout
    assert "members left out" not in run.stdout.replace("2 members and 1 moderator left", "")
    assert "Chime has 2 members and 1 moderator the desired state does not declare" in (run.stdout)
    text = (settings / "channels" / "chat.yaml").read_text(encoding="utf-8")
    assert f"Left out: bot Twin ({CHAT}/bot/bot-t1): several" in text  # the membership
    assert f"Left out: bot Twin ({CHAT}/bot/bot-t2): several" in text
    assert f"Left out: bot Twin ({CHAT}/bot/bot-t1, Moderator): several" in text
    plan = cli(*UNPACED, "plan")
    assert plan.lines[-1] == (
        "No changes, but Chime has 2 members and 1 moderator the desired state does not declare."
    )
    # to stdout, the same summary
    preview = cli(*UNPACED, "--desired", "desired-state", "import")
    assert "2 members and 1 moderator left out" in preview.stdout + preview.stderr


def test_adopt_counts_a_channels_moderators_as_moderators_as_the_plan_does(
    emulator: EmulatorServer, settings: Path, write_desired: Callable[..., Path], cli: Any
) -> None:
    """Plan said `1 member and 1 moderator`, adopt `Adopted 2 members` (QA-FX Q-FX-1):
    a channel's moderator is no member; adopt now counts each kind in the plan's word."""
    seed = _seed(
        [
            {
                "name": "ops",
                "id": "ops",
                "members": ["alice@example.com", "bob@example.com"],
                "moderators": ["alice@example.com"],
            }
        ]
    )
    seed["app_instances"][0]["users"].append({"id": "bob@example.com"})
    emulator.reset(seed)
    write_desired(
        {
            "ops.yaml": "channels:\n  ops:\n    app_instance: chat\n    prune: false\n"
            "    members: [alice@example.com]\n"
        }
    )
    plan = cli(*UNPACED, "plan")
    assert plan.lines[-1] == (
        "No changes, but Chime has 1 member and 1 moderator the desired state does not declare."
    )
    adopt = cli(*UNPACED, "import", "--adopt")
    assert adopt.exit_code == 0, adopt.stderr
    assert adopt.lines[0] == (
        "Adopted 1 member and 1 moderator into 1 file (1 to members, 1 to moderators):"
    )


def test_nothing_adopted_counts_twin_bots_moderator_as_a_moderator(
    emulator: EmulatorServer, settings: Path, write_desired: Callable[..., Path], cli: Any
) -> None:
    """Two twin bots as members, one as moderator: plan counts `2 members and 1
    moderator`, and adopt's refusal now says the same, not `3 members` (QA-FX Q-FX-1)."""
    emulator.reset(
        _seed(
            [
                {
                    "name": "ops",
                    "id": "ops",
                    "members": ["alice@example.com", "bot-t1", "bot-t2"],
                    "moderators": ["bot-t1"],
                }
            ]
        )
    )
    write_desired(
        {
            "ops.yaml": "channels:\n  ops:\n    app_instance: chat\n    prune: false\n"
            "    members: [alice@example.com]\n"
        }
    )
    plan = cli(*UNPACED, "plan")
    assert "2 members and 1 moderator the desired state" in plan.lines[-1]
    adopt = cli(*UNPACED, "import", "--adopt")
    assert adopt.exit_code == 1
    assert (
        "Error: Nothing was adopted: 2 members and 1 moderator not in the desired state "
        "cannot be adopted (above)."
    ) in adopt.stderr


def test_drift_hint_does_not_offer_adopt_for_twin_bots_adopt_refuses(
    emulator: EmulatorServer, settings: Path, write_desired: Callable[..., Path], cli: Any
) -> None:
    """The plan said `Resolve with import --adopt` for two bots of one name, and adopt then
    ended `Nothing was adopted` (QA-FX Q-FX-5): the hint now uses adopt's own rule, in
    text and Markdown; other drift beside them is still offered to adopt."""
    emulator.reset(
        _seed(
            [
                {
                    "name": "ops",
                    "id": "ops",
                    "members": ["alice@example.com", "bot-t1", "bot-t2"],
                    "moderators": ["bot-t1"],
                }
            ]
        )
    )
    alice = "channels:\n  ops: {app_instance: chat, members: [alice@example.com]}\n"
    write_desired({"ops.yaml": alice})
    plan = cli(*UNPACED, "plan")
    assert plan.exit_code == 0, plan.stderr
    hint = next(line for line in plan.lines if line.startswith("Resolve"))
    assert hint == (
        "Resolve with `prune: true` (removes them), or in Chime (rename one of two bots of a "
        "name); `import --adopt` cannot write them: a file cannot name them alone (its "
        "warnings say why)."
    )
    markdown = cli(*UNPACED, "plan", "--format", "markdown").stdout
    assert f"> {hint}" in markdown
    # alice is drift adopt can write: offered, the twins named as not
    write_desired({"ops.yaml": "channels:\n  ops: {app_instance: chat, members: []}\n"})
    plan = cli(*UNPACED, "plan")
    hint = next(line for line in plan.lines if line.startswith("Resolve"))
    assert hint == (
        "Resolve with `import --adopt` (into the files; not the 3 a file cannot name alone: "
        "its warnings say why) or `prune: true` (removes them)."
    )


def test_saved_json_and_merged_plans_keep_which_drift_adopt_refuses(
    emulator: EmulatorServer, settings: Path, write_desired: Callable[..., Path], cli: Any
) -> None:
    """QA-LD Q-LD-5 (Q-FX-5's saved side): `show` of a plan saved with --out, and
    `merge-plans` of its shards, said `Resolve with import --adopt` for two bots of one name
    (adopt refuses them), as the plan file did not say which drift adopt refuses. It now
    marks them (`"unadoptable": true` on their `unmanaged` items), so show and merge-plans
    give the live plan's hint, in text and Markdown."""
    seed = _seed(
        [
            {
                "name": "ops",
                "id": "ops",
                "members": ["alice@example.com", "bot-t1", "bot-t2"],
                "moderators": ["bot-t1"],
            },
            # bob: drift adopt can write, in the other shard
            {"name": "dev", "id": "dev", "members": ["alice@example.com", "bob@example.com"]},
        ]
    )
    seed["app_instances"][0]["users"].append({"id": "bob@example.com"})
    emulator.reset(seed)
    write_desired(
        {
            "ops.yaml": "channels:\n  ops: {app_instance: chat, members: [alice@example.com]}\n"
            "  dev: {app_instance: chat, members: [alice@example.com]}\n"
        }
    )
    for fmt in ("text", "markdown"):
        live = cli(*UNPACED, "plan", "--format", fmt, "--out", f"whole-{fmt}.json")
        assert live.exit_code == 0, live.stderr
        assert "`import --adopt` (into the files; not the 3 a file cannot name alone" in (
            live.stdout
        )
        shown = cli(*UNPACED, "show", f"whole-{fmt}.json", "--format", fmt)
        assert shown.exit_code == 0, shown.stderr
        assert _hint(shown.stdout) == _hint(live.stdout)
    document = json.loads(cli(*UNPACED, "plan", "--format", "json").stdout)
    flagged = {
        (t["kind"], t["name"], m["member"])
        for t in document["targets"]
        for m in t["unmanaged"]
        if m.get("unadoptable")
    }
    assert flagged == {
        ("channel", "ops", f"bot:{CHAT}/bot/bot-t1"),
        ("channel", "ops", f"bot:{CHAT}/bot/bot-t2"),
        ("channel-moderator", "ops", f"bot:{CHAT}/bot/bot-t1"),
    }
    Draft202012Validator(load_schema()).validate(document)
    # the shards: ops (the twins) in one, dev (bob) in the other; merged, the whole hint
    files = []
    for k in (1, 2):
        run = cli(*UNPACED, "plan", "--shard", f"{k}/2", "--out", f"part-{k}.json")
        assert run.exit_code == 0, run.stderr
        files.append(f"part-{k}.json")
    whole = cli(*UNPACED, "show", "whole-text.json").stdout
    for fmt in ("text", "markdown"):
        merged = cli(*UNPACED, "merge-plans", *files, "--format", fmt)
        assert merged.exit_code == 0, merged.stderr
        one = cli(*UNPACED, "show", "whole-text.json", "--format", fmt)
        assert merged.stdout == one.stdout
    assert _hint(whole) == (
        "Resolve with `import --adopt` (into the files; not the 3 a file cannot name alone: "
        "its warnings say why) or `prune: true` (removes them)."
    )


def _hint(output: str) -> str:
    """The drift hint's line (`Resolve ...`, a Markdown callout's `> Resolve ...`)."""
    return next(line for line in output.splitlines() if line.lstrip("> ").startswith("Resolve"))
