"""apply's outcome for machines and CI logs: --format json, --out RESULT.json, --quiet;
an incomplete apply lists what was done as well as what failed. Saved plans: the hint
after plan --out, and the directory and endpoint the plan file records."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"
APPLIED = "Apply complete! Memberships: 3 added, 1 changed, 1 removed."


def _change(target: str, action: str, member: str, member_id: str, before: Any, after: Any,
            outcome: str = "ok", error: Any = None) -> dict[str, Any]:  # fmt: skip
    return {
        "kind": "room",
        "target": target,
        "scope": ACCOUNT,
        "action": action,
        "member": member,
        "member_id": member_id,
        "role_before": before,
        "role_after": after,
        "outcome": outcome,
        "error": error,
        "left_absent": False,
        "verified": True if error is None else None,  # found when read after the apply
        "answer_lost": False,
    }


OPS_CHANGES = [
    _change("incident", "create", "bot:PagerBot", "bid-PagerBot", None, "Member"),
    _change("incident", "create", "dave@example.com", "uid-dave", None, "Member"),
    _change("incident", "update", "alice@example.com", "uid-alice", "Member", "Administrator"),
    _change("incident", "delete", "carol@example.com", "uid-carol", "Member", None),
    _change("releases", "create", "frank@example.com", "uid-frank", None, "Member"),
]


def _timings_are_seconds(document: dict[str, Any]) -> None:
    timings = document.pop("timings")
    assert list(timings) == ["plan_s", "apply_s", "verify_s", "total_s"]
    assert all(isinstance(v, float | int) and v >= 0 for v in timings.values())
    total = timings["plan_s"] + timings["apply_s"] + timings["verify_s"]
    assert abs(timings["total_s"] - total) < 0.01


def test_format_json_prints_only_the_result_with_every_outcome(ops: Any, cli: Any) -> None:
    run = cli("apply", "--auto-approve", "--format", "json")
    assert run.exit_code == 0
    document = json.loads(run.stdout)  # stdout is the document, nothing else
    _timings_are_seconds(document)
    assert document == {
        "format_version": "1",
        "complete": True,
        "verified": True,
        "verify_error": None,
        "summary": {
            "changes": 5,
            "ok": 5,
            "already": 0,
            "failed": 0,
            "skipped": 0,
            "added": 3,
            "changed": 1,
            "removed": 1,
        },
        "changes": OPS_CHANGES,
    }
    assert run.err_lines[: len(ops.plan)] == ops.plan  # the plan, for the log
    assert run.err_lines[-1] == APPLIED


def test_out_writes_the_result_beside_the_usual_text(ops: Any, cli: Any, workdir: Path) -> None:
    run = cli("apply", "--auto-approve", "--out", "result.json")
    assert (run.exit_code, run.lines) == (0, [*ops.plan, "", APPLIED])
    document = json.loads((workdir / "result.json").read_text())
    assert [c["outcome"] for c in document["changes"]] == ["ok"] * 5
    assert document["complete"] is True


def test_quiet_prints_only_the_outcome(ops: Any, cli: Any) -> None:
    run = cli("apply", "--auto-approve", "--quiet")
    assert (run.exit_code, run.lines, run.stderr) == (0, [APPLIED], "")


def test_nothing_to_do_is_a_complete_result(ops: Any, cli: Any, workdir: Path) -> None:
    cli("apply", "--auto-approve")
    run = cli("apply", "--auto-approve", "-q", "--format", "json")
    document = json.loads(run.stdout)
    assert (run.exit_code, document["complete"], document["verified"]) == (0, True, None)
    assert (document["summary"]["changes"], document["changes"]) == (0, [])


def test_quiet_with_nothing_to_do_prints_the_plans_closing_line(ops: Any, cli: Any) -> None:
    # QA5 Q5-6: with nothing to change, --quiet printed nothing at all: a CI log (apply
    # --auto-approve --quiet) showed no outcome. It is the plan's closing line, as without
    # --quiet (on stderr with --format json, whose stdout is the result document)
    assert cli("apply", "--auto-approve").exit_code == 0
    closing = cli("plan").lines[-1]
    assert closing.startswith("No changes")
    run = cli("apply", "--auto-approve", "--quiet")
    assert (run.exit_code, run.lines, run.stderr) == (0, [closing], "")
    run = cli("apply", "--auto-approve", "-q", "--format", "json")
    assert (run.exit_code, run.err_lines) == (0, [closing])
    assert json.loads(run.stdout)["summary"]["changes"] == 0
    assert cli("plan", "--out", "p.json").exit_code == 0
    run = cli("apply", "p.json", "--quiet")  # a saved plan with nothing to change
    assert (run.exit_code, run.lines, run.stderr) == (0, [closing], "")


def _without_frank(ops: Any) -> None:
    account = ops.emulator.state()["accounts"][0]
    without = {
        **account,
        "users": [u for u in account["users"] if u["id"] != "uid-frank"],
        "rooms": [
            {**r, "memberships": [m for m in r["memberships"] if m["member"] != "uid-frank"]}
            for r in account["rooms"]
        ],
    }
    ops.emulator.reset({"accounts": [without]})


def test_a_saved_plan_whose_member_left_is_refused_and_changes_nothing(
    ops: Any, cli: Any, workdir: Path
) -> None:
    # issue 14: apply FILE plans again; frank left the account since the plan was saved, so
    # the plan made now differs and nothing is applied (an incomplete apply's listing of
    # what was done is tested in tests/e2e/test_applier_rooms.py)
    assert cli("plan", "--out", "p.json").exit_code == 0
    _without_frank(ops)
    before = ops.emulator.state()
    run = cli("apply", "p.json", "--out", "result.json")
    assert (run.exit_code, run.lines) == (1, [])
    assert run.err_lines == [
        "Error: Saved plan is stale: a plan made now has errors: desired-state/rooms.yaml:8: "
        f"no Chime user with e-mail frank@example.com in account {ACCOUNT}; run plan again."
    ]
    assert ops.emulator.state() == before


def test_the_hint_after_plan_out_is_the_exact_command(ops: Any, cli: Any, workdir: Path) -> None:
    run = cli("--parallelism", "2", "plan", "--out", "saved plan.json")
    assert run.exit_code == 0
    assert run.err_lines == [
        "Saved the plan to saved plan.json. Apply exactly this plan with:",
        f"  chime-reconciler --desired desired-state --endpoint-url {cli.endpoint_url} "
        "--parallelism 2 apply 'saved plan.json'",
    ]
    origin = json.loads((workdir / "saved plan.json").read_text())["origin"]
    made_at = dt.datetime.fromisoformat(origin.pop("made_at").replace("Z", "+00:00"))
    assert abs(dt.datetime.now(dt.UTC) - made_at) < dt.timedelta(minutes=5)  # the clock's
    assert origin == {
        "desired": str(workdir / "desired-state"),  # absolute: apply FILE from anywhere (Q19)
        "endpoint_url": cli.endpoint_url,
        "region": "us-east-1",
        "now": None,  # as of the clock: no --now (QA D14)
    }


def test_apply_file_uses_the_directory_and_endpoint_the_plan_was_made_with(
    ops: Any, cli: Any, workdir: Path
) -> None:
    (workdir / "desired-state").rename(workdir / "team-state")
    made = cli.raw(
        "--desired", "team-state", "--endpoint-url", cli.endpoint_url, "plan", "-out=p.json"
    )
    assert made.exit_code == 0
    run = cli.raw("apply", "p.json")  # no --desired, no --endpoint-url
    assert run.err_lines[0] == (
        # recorded as an absolute path, shown relative below this directory
        f"Using the saved plan's --desired team-state, --endpoint-url {cli.endpoint_url} "
        "(give the option to override)."
    )
    assert (run.exit_code, run.lines[-1]) == (0, APPLIED)


def test_options_given_to_apply_override_the_plan_files(ops: Any, cli: Any) -> None:
    assert cli("plan", "--out", "p.json").exit_code == 0
    run = cli.raw("--endpoint-url", "http://127.0.0.1:9", "apply", "p.json")
    assert run.exit_code == 1
    assert "Using the saved plan's" not in run.stderr
    assert "http://127.0.0.1:9/" in run.stderr  # it went where it was told


def test_an_edited_plan_cannot_send_credentials_to_a_remote_endpoint(
    ops: Any, cli: Any, workdir: Path
) -> None:
    # issue 14: a plan file is data anyone could edit; the endpoint it records is taken only
    # when it is this machine (the emulator), never a remote host chosen by the file
    made = cli.raw("--endpoint-url", cli.endpoint_url, "plan", "-out=p.json")
    assert made.exit_code == 0
    document = json.loads((workdir / "p.json").read_text())
    document["origin"]["endpoint_url"] = "https://user:secret@chime.attacker.example/x?k=v"
    (workdir / "p.json").write_text(json.dumps(document))
    before = ops.emulator.state()
    run = cli.raw("apply", "p.json")  # no --endpoint-url: the file's would be used
    assert run.exit_code == 1
    assert run.err_lines == [
        "Error: p.json was made against --endpoint-url https://***@chime.attacker.example/x?k=***;"
        " give --endpoint-url to apply it there (a saved plan never chooses a remote endpoint "
        "by itself)"
    ]
    assert "secret" not in run.stdout + "\n".join(run.err_lines)
    assert ops.emulator.state() == before
