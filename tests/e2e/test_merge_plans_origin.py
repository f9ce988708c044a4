"""`merge-plans --out`: the merged plan records the shards' origin (where and when they
were made), so that `apply FILE` uses it as it uses any saved plan's. The real CLI, boto3
and the emulator (the shard scenario of test_cli_shard)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import UNPACED
from test_cli_shard import N, scenario
from test_closed_output import piped

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e
__all__ = ["scenario"]  # the fixture, imported for these tests

FILES = [f"plan-{k}.json" for k in range(1, N + 1)]


def origin_of(workdir: Path, name: str) -> dict[str, Any]:
    origin: dict[str, Any] = json.loads((workdir / name).read_text())["origin"]
    return origin


def plan_shards(cli: Any, *options: str) -> None:
    """The N shards' plans; unpaced (``UNPACED``), as test_cli_shard makes them: the
    emulator enforces no rate here, and what these tests check is the plans' origin."""
    for k in range(1, N + 1):
        run = cli(*UNPACED, *options, "plan", "--shard", f"{k}/{N}", "--out", f"plan-{k}.json")
        assert run.exit_code == 0, run.stderr


def test_a_merged_plan_has_the_shards_origin_and_apply_file_uses_it(
    scenario: EmulatorServer, cli: Any, workdir: Path
) -> None:
    plan_shards(cli)
    merged = cli.raw("merge-plans", *FILES, "--out", "merged.json")
    assert merged.exit_code == 0, merged.stderr
    # as after plan --out, the command that applies it (QA-FK Q-FK-5), with the options
    # the shards' files record (Q-FV-2): not the merge run's
    assert merged.err_lines == [
        "Saved the merged plan to merged.json. Apply exactly this plan with:",
        f"  chime-reconciler --desired desired-state --endpoint-url {cli.endpoint_url} "
        "--region us-east-1 apply merged.json",
    ]
    shards = [origin_of(workdir, f) for f in FILES]
    assert origin_of(workdir, "merged.json") == {
        "desired": str(workdir / "desired-state"),
        "endpoint_url": cli.endpoint_url,
        "region": "us-east-1",
        "now": None,
        "made_at": min(shards, key=lambda o: o["made_at"])["made_at"],  # the first shard's
    }
    # no --endpoint-url given: the merged plan's own, as for any saved plan
    applied = cli.raw(*UNPACED, "apply", "merged.json")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert applied.err_lines[0] == (
        f"Using the saved plan's --endpoint-url {cli.endpoint_url} (give the option to override)."
    )
    assert applied.lines[-1].startswith("Apply complete!")
    assert cli(*UNPACED, "plan", "--detailed-exitcode").exit_code == 0


def test_shards_made_with_different_endpoints_merge_with_none_and_say_so(
    scenario: EmulatorServer, cli: Any, workdir: Path
) -> None:
    plan_shards(cli)
    data = json.loads((workdir / "plan-2.json").read_text())
    data["origin"]["endpoint_url"] = "http://127.0.0.1:9"  # another runner's emulator
    (workdir / "plan-2.json").write_text(json.dumps(data))
    merged = cli("merge-plans", *FILES, "--out", "merged.json")
    assert merged.exit_code == 0, merged.stderr
    assert merged.err_lines == [
        "Note: the shards' plans were made with different --endpoint-url (plan-1.json, "
        f"plan-3.json: {cli.endpoint_url}; plan-2.json: http://127.0.0.1:9): the merged plan "
        "records none; give --endpoint-url to apply it.",
        "Saved the merged plan to merged.json. Apply exactly this plan with:",
        f"  chime-reconciler --desired desired-state --endpoint-url {cli.endpoint_url} "
        "--region us-east-1 apply merged.json",
    ]
    assert origin_of(workdir, "merged.json")["endpoint_url"] is None
    applied = cli(*UNPACED, "apply", "merged.json")  # --endpoint-url given
    assert applied.exit_code == 0, applied.stdout + applied.stderr


def test_a_merged_plan_of_shards_with_different_endpoints_needs_the_option_to_apply(
    scenario: EmulatorServer, cli: Any, workdir: Path
) -> None:
    # Q-CE-2: the note said "give --endpoint-url to apply it", but `apply merged.json`
    # without it went to AWS's own endpoint (the merged origin's none read as "AWS")
    plan_shards(cli)
    for name, key, value in [
        ("plan-2.json", "endpoint_url", "http://localhost:9"),  # another runner's emulator
        ("plan-3.json", "region", "eu-west-1"),
    ]:
        data = json.loads((workdir / name).read_text())
        data["origin"][key] = value
        (workdir / name).write_text(json.dumps(data))
    assert cli("merge-plans", *FILES, "--out", "merged.json").exit_code == 0
    origin = origin_of(workdir, "merged.json")
    assert (origin["endpoint_url"], origin["region"]) == (None, None)
    assert origin["differs"] == ["endpoint_url", "region"]
    schema = json.loads(cli("schema", "--file", "plan").stdout)
    merged = json.loads((workdir / "merged.json").read_text())
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(merged)) == []
    before = scenario.state()
    refused = cli.raw("apply", "--auto-approve", "merged.json")
    assert (refused.exit_code, refused.stdout, refused.err_lines) == (
        1,
        "",
        [
            "Error: merged.json merges shards planned with different --endpoint-url and "
            "--region, so it records neither: give --endpoint-url and --region to apply it"
        ],
    )
    refused = cli.raw("--region", "us-east-1", "apply", "--auto-approve", "merged.json")
    assert refused.err_lines == [
        "Error: merged.json merges shards planned with different --endpoint-url, so it "
        "records none: give --endpoint-url to apply it"
    ]
    assert scenario.state() == before
    applied = cli(*UNPACED, "--region", "us-east-1", "apply", "--auto-approve", "merged.json")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert applied.lines[-1].startswith("Apply complete!")


def test_a_merged_plan_without_changes_says_so_as_plan_out_does(
    scenario: EmulatorServer, cli: Any, workdir: Path
) -> None:
    plan_shards(cli)
    assert cli(*UNPACED, "apply", "--auto-approve").exit_code == 0
    plan_shards(cli)
    merged = cli.raw("merge-plans", *FILES, "--out", "merged.json")
    assert merged.err_lines == ["Saved the merged plan to merged.json; it has no changes to apply."]


def test_shards_made_as_of_different_moments_are_not_merged(
    scenario: EmulatorServer, cli: Any, workdir: Path
) -> None:
    plan_shards(cli)
    assert cli(*UNPACED, "--now", "2099-01-01", "plan", "--shard", f"2/{N}", "--out", "plan-2.json")
    merged = cli("merge-plans", *FILES, "--out", "merged.json")
    assert merged.exit_code == 1
    assert merged.stdout == ""
    assert merged.err_lines == [
        "Error: the shards' plans evaluated `until:` at different moments (plan-1.json, "
        "plan-3.json: as of the clock; plan-2.json: 2099-01-01): plan every shard with the "
        "same --now, or all without it"
    ]
    assert not (workdir / "merged.json").exists()


def test_merge_plans_out_into_a_closed_output_still_saves_the_merged_plan(
    scenario: EmulatorServer, cli: Any, workdir: Path
) -> None:
    plan_shards(cli)
    run = piped(cli, "merge-plans", *FILES, "--out", "merged.json")
    assert (run.code, run.err_lines[0]) == (
        141,
        "Saved the merged plan to merged.json. Apply exactly this plan with:",
    )
    assert origin_of(workdir, "merged.json")["endpoint_url"] == cli.endpoint_url


def test_the_merge_note_gives_the_shards_region_not_the_merge_runs(
    scenario: EmulatorServer, cli: Any, workdir: Path
) -> None:
    """QA-FV Q-FV-2 (b): merged by a job in another region, the printed command still
    applies the plan where it was made, and runs as printed."""
    plan_shards(cli)
    merged = cli.raw("--region", "eu-west-1", "merge-plans", *FILES, "--out", "merged.json")
    assert merged.exit_code == 0, merged.stderr
    command = merged.err_lines[1].split()
    assert command == [
        "chime-reconciler",
        *("--desired", "desired-state", "--endpoint-url", cli.endpoint_url),
        *("--region", "us-east-1", "apply", "merged.json"),
    ]
    applied = cli.raw(*UNPACED, *command[1:])
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert applied.lines[-1].startswith("Apply complete!")


def test_the_merge_note_names_the_options_the_file_does_not_record(
    scenario: EmulatorServer, cli: Any, workdir: Path
) -> None:
    """QA-FV Q-FV-2 (a): shards planned with different --endpoint-url, merged without
    it: the note does not claim an exact command apply would refuse."""
    plan_shards(cli)
    data = json.loads((workdir / "plan-2.json").read_text())
    data["origin"]["endpoint_url"] = "http://127.0.0.1:9"  # another runner's emulator
    (workdir / "plan-2.json").write_text(json.dumps(data))
    merged = cli.raw("merge-plans", *FILES, "--out", "merged.json")
    assert merged.exit_code == 0, merged.stderr
    assert merged.err_lines[1:] == [
        "Saved the merged plan to merged.json. Apply it with the --endpoint-url its shards "
        "were planned with (the file records none) added to:",
        "  chime-reconciler --desired desired-state --region us-east-1 apply merged.json",
    ]


def test_a_saved_plan_applied_in_another_region_is_refused(
    scenario: EmulatorServer, cli: Any, workdir: Path
) -> None:
    """QA-FV Q-FV-2 (b): applied with another --region than the file records, a plan's
    meetings are not found there, and apply called each "ended since the plan was made":
    refused, before any call, naming the plan's region."""
    plan_shards(cli)
    assert cli("merge-plans", *FILES, "--out", "merged.json").exit_code == 0
    assert cli(*UNPACED, "plan", "--out", "whole.json").exit_code == 0
    for name in ("merged.json", "whole.json"):
        applied = cli.raw("--region", "eu-west-1", "apply", name)
        assert applied.exit_code == 1
        assert applied.err_lines == [
            f"Error: {name} was made with --region us-east-1, and this run has --region "
            "eu-west-1: a saved plan applies where it was made (in another region a meeting "
            "is not found, as if it had ended); give --region us-east-1 to apply it, or plan "
            "again in eu-west-1"
        ]
    assert cli(*UNPACED, "plan", "--detailed-exitcode").exit_code == 2  # nothing applied
