""".github/scripts/run-step.sh, the step the workflows and the composite action run: the
command line it builds, the outputs and job summary it writes, when it fails the step.

A stand-in ``chime-reconciler`` records its arguments and exits with a chosen code; the
real tool against the emulator is exercised in tests/e2e/test_drift_e2e.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[3] / ".github" / "scripts" / "run-step.sh"
STUB = """#!/bin/sh
for arg in "$@"; do printf '%s\\n' "$arg" >> "$STUB_ARGS"; done
echo "stdout of the stub"
if [ -n "${STUB_STDERR:-}" ]; then printf '%s\n' "$STUB_STDERR" >&2; fi
exit "$STUB_EXIT"
"""


def run_step(
    tmp_path: Path, exit_code: int, stub_text: str = STUB, cwd: Path | None = None, **inputs: str
) -> tuple[int, list[str], dict[str, str]]:
    stub = tmp_path / "chime-reconciler"
    stub.write_text(stub_text)
    stub.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INPUT_", "GITHUB_", "AWS_"))}
    env.update(
        CHIME_BIN=str(stub),
        PYTHON=sys.executable,
        STUB_ARGS=str(tmp_path / "args"),
        STUB_EXIT=str(exit_code),
        OUT_DIR=str(tmp_path / "out"),
        GITHUB_OUTPUT=str(tmp_path / "github_output"),
        GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"),
    )
    env.update(inputs)  # (may replace the ones above)
    done = subprocess.run(
        ["bash", str(SCRIPT)],
        env=env,
        cwd=cwd or tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )
    (tmp_path / "stdout.txt").write_text(done.stdout)
    (tmp_path / "stderr.txt").write_text(done.stderr)
    args = (tmp_path / "args").read_text().splitlines() if (tmp_path / "args").exists() else []
    outputs = (
        dict(line.split("=", 1) for line in (tmp_path / "github_output").read_text().splitlines())
        if (tmp_path / "github_output").exists()
        else {}
    )
    return done.returncode, args, outputs


def test_plan_runs_with_markdown_detailed_exitcode_and_a_saved_plan(tmp_path: Path) -> None:
    code, args, outputs = run_step(
        tmp_path,
        2,
        INPUT_COMMAND="plan",
        INPUT_DESIRED="state",
        INPUT_ENDPOINT_URL="http://127.0.0.1:4566",
        AWS_REGION="eu-west-1",
        INPUT_ARGS='--target "incident response" --target sre',
    )

    out = tmp_path / "out"
    assert code == 0
    assert args == [
        "--no-color", "--desired", "state", "--endpoint-url", "http://127.0.0.1:4566",
        "--region", "eu-west-1",
        "plan", "--format", "markdown", "--detailed-exitcode", "--out", f"{out}/plan.json",
        "--target", "incident response", "--target", "sre",
    ]  # fmt: skip
    assert outputs == {"plan-markdown": f"{out}/plan.md", "exit-code": "2"}
    assert (out / "plan.md").read_text() == "stdout of the stub\n"
    assert (tmp_path / "summary.md").read_text() == "stdout of the stub\n"


@pytest.mark.parametrize(("exit_code", "fail", "step_code"), [
    (0, "true", 0), (2, "true", 0), (1, "true", 1), (1, "false", 0),
])  # fmt: skip
def test_plan_fails_the_step_only_on_an_error(
    tmp_path: Path, exit_code: int, fail: str, step_code: int
) -> None:
    code, _, outputs = run_step(tmp_path, exit_code, INPUT_COMMAND="plan", INPUT_FAIL=fail)

    assert code == step_code
    assert outputs["exit-code"] == str(exit_code)


def test_other_commands_pass_their_arguments_and_fail_on_any_non_zero(tmp_path: Path) -> None:
    code, args, outputs = run_step(
        tmp_path, 2, INPUT_COMMAND="apply", INPUT_ARGS="--auto-approve", INPUT_REGION="us-east-1"
    )

    assert code == 1
    assert args == ["--no-color", "--region", "us-east-1", "apply", "--auto-approve"]
    assert outputs == {"output-file": f"{tmp_path}/out/output.txt", "exit-code": "2"}
    assert (tmp_path / "summary.md").read_text() == (
        "### chime-reconciler apply (exit 2)\n\n```text\nstdout of the stub\n```\n"
    )


def test_arguments_are_not_expanded(tmp_path: Path) -> None:
    _, args, _ = run_step(tmp_path, 0, INPUT_COMMAND="audit", INPUT_ARGS="'$(touch pwned)' *")

    assert args[-2:] == ["$(touch pwned)", "*"]
    assert not (tmp_path / "pwned").exists()


def test_a_command_that_is_not_a_name_is_refused(tmp_path: Path) -> None:
    code, args, _ = run_step(tmp_path, 0, INPUT_COMMAND="--help; rm -rf /")

    assert code == 1
    assert args == []


INVALID = (
    "desired-state/teams/sre.yaml:10: rooms.ops: unknown key 'administrator' "
    "(did you mean 'administrators'?)\nDesired state is invalid: 1 error."
)


def test_the_summary_of_a_failed_command_shows_its_error_messages(tmp_path: Path) -> None:
    (tmp_path / "desired-state/teams").mkdir(parents=True)
    (tmp_path / "desired-state/teams/sre.yaml").write_text("rooms: {}\n")
    code, _, outputs = run_step(tmp_path, 1, INPUT_COMMAND="validate", STUB_STDERR=INVALID)

    assert code == 1
    assert outputs["exit-code"] == "1"
    assert (tmp_path / "out/output.txt").read_text() == "stdout of the stub\n"
    assert (tmp_path / "summary.md").read_text() == (
        f"### chime-reconciler validate (exit 1)\n\n```text\nstdout of the stub\n{INVALID}\n```\n"
    )
    stdout = (tmp_path / "stdout.txt").read_text()
    # the messages stay in the log, and FILE:LINE ones become annotations on the file
    assert INVALID in (tmp_path / "stderr.txt").read_text()
    assert (
        "::error file=desired-state/teams/sre.yaml,line=10::rooms.ops: unknown key "
        "'administrator' (did you mean 'administrators'?)\n"
    ) in stdout
    assert "::error file=Desired state is invalid" not in stdout


def test_a_plan_that_fails_before_planning_puts_its_errors_in_the_markdown(
    tmp_path: Path,
) -> None:
    """Exit 1 with no Markdown (invalid desired state, AWS unreachable): the plan file the
    PR comment and the job summary show says why, instead of nothing."""
    stub = STUB.replace('echo "stdout of the stub"\n', "")
    code, _, outputs = run_step(
        tmp_path, 1, INPUT_COMMAND="plan", INPUT_FAIL="false", STUB_STDERR=INVALID, stub_text=stub
    )

    assert (code, outputs["exit-code"]) == (0, "1")
    markdown = (tmp_path / "out/plan.md").read_text()
    assert markdown == (
        "<!-- chime-reconciler-plan -->\n### Chime membership plan\n\n"
        "**Error:** `chime-reconciler plan` exited 1 before it could make a plan:\n\n"
        f"```text\n{INVALID}\n```\n"
    )
    assert (tmp_path / "summary.md").read_text() == markdown
    assert INVALID in (tmp_path / "stderr.txt").read_text()


def test_a_plan_with_markdown_is_left_as_the_tool_wrote_it(tmp_path: Path) -> None:
    """An unsafe plan (exit 1) has its own Markdown, which says why: nothing is added."""
    _, _, outputs = run_step(
        tmp_path, 1, INPUT_COMMAND="plan", INPUT_FAIL="false", STUB_STDERR="Saved the plan"
    )

    assert outputs["exit-code"] == "1"
    assert (tmp_path / "out/plan.md").read_text() == "stdout of the stub\n"


def test_arguments_that_do_not_split_fail_the_step_without_running_the_command(
    tmp_path: Path,
) -> None:
    """An unclosed quote must not drop every argument (`--auto-approve`, `--target`) and
    run the command anyway."""
    code, args, outputs = run_step(
        tmp_path, 0, INPUT_COMMAND="apply", INPUT_ARGS='--auto-approve --target "ops'
    )

    assert (code, args) == (1, [])
    assert outputs == {"output-file": str(tmp_path / "out/output.txt"), "exit-code": "1"}
    assert (tmp_path / "stdout.txt").read_text() == (
        "::error::chime-reconciler action: args: No closing quotation in "
        "'--auto-approve --target \"ops'\n"
    )
    assert (tmp_path / "stderr.txt").read_text() == ""


def test_an_empty_quoted_argument_is_passed_on(tmp_path: Path) -> None:
    _, args, _ = run_step(tmp_path, 0, INPUT_COMMAND="audit", INPUT_ARGS="x ''")

    assert args[-2:] == ["x", ""]


def test_annotations_name_the_file_relative_to_the_repository(tmp_path: Path) -> None:
    """The action's working-directory: the tool names files relative to it, GitHub wants
    them relative to the checkout ($GITHUB_WORKSPACE)."""
    (tmp_path / "infra/desired-state").mkdir(parents=True)
    (tmp_path / "infra/desired-state/a.yaml").write_text("rooms: {}\n")
    run_step(
        tmp_path,
        1,
        cwd=tmp_path / "infra",
        INPUT_COMMAND="validate",
        GITHUB_WORKSPACE=str(tmp_path),
        STUB_STDERR="desired-state/a.yaml:3: rooms: bad, very bad: 100%",
    )

    assert (tmp_path / "stdout.txt").read_text().splitlines()[-2] == (
        "::error file=infra/desired-state/a.yaml,line=3::rooms: bad, very bad: 100%25"
    )


def test_a_plan_usage_error_is_an_error_not_changes(tmp_path: Path) -> None:
    """click exits 2 on a bad option (`args: --taget ops`), the code that means "changes"
    with --detailed-exitcode: without a plan it must not open a drift issue."""
    stub = STUB.replace('echo "stdout of the stub"\n', "")
    usage = "Error: No such option: --taget"
    code, _, outputs = run_step(
        tmp_path, 2, INPUT_COMMAND="plan", INPUT_FAIL="true", STUB_STDERR=usage, stub_text=stub
    )

    assert (code, outputs["exit-code"]) == (1, "1")
    assert "plan-file" not in outputs
    markdown = (tmp_path / "out/plan.md").read_text()
    assert f"exited 2 before it could make a plan:\n\n```text\n{usage}\n```\n" in markdown


ENV_STUB = """#!/bin/sh
printf '%s|%s|%s\\n' "${INCIDENT_MEETING_ID-unset}" "${OTHER-unset}" "${SPACED-unset}" \\
    > "$STUB_ARGS"
exit "$STUB_EXIT"
"""


def test_variables_reach_the_command_as_its_environment(tmp_path: Path) -> None:
    # What the workflows pass from the repository variable CHIME_RECONCILER_VARIABLES, so
    # that meeting_id: ${INCIDENT_MEETING_ID} resolves in CI (QA D12).
    code, args, outputs = run_step(
        tmp_path,
        0,
        ENV_STUB,
        INPUT_COMMAND="plan",
        INPUT_VARIABLES=(
            "# meeting ids\r\n"
            "INCIDENT_MEETING_ID=6f1c2a9e-0000-4000-8000-000000000001\r\n"
            "\n"
            "  SPACED=a $b `c` = d\n"
            "OTHER="
        ),
    )

    assert code == 0
    assert args == ["6f1c2a9e-0000-4000-8000-000000000001||a $b `c` = d"]
    assert outputs["exit-code"] == "0"


@pytest.mark.parametrize("bad", ["INCIDENT_MEETING_ID 6f1c", "1ID=x", "ID-2=x", "=x"])
def test_a_variables_line_that_is_not_name_value_fails_without_running_the_command(
    tmp_path: Path, bad: str
) -> None:
    code, args, outputs = run_step(
        tmp_path, 0, ENV_STUB, INPUT_COMMAND="apply", INPUT_VARIABLES=f"OK=1\n{bad}\n"
    )

    assert code == 1
    assert args == [] and outputs["exit-code"] == "1"
    stdout = (tmp_path / "stdout.txt").read_text()
    assert stdout == (
        "::error::chime-reconciler action: variables line 2 is not NAME=value"
        " (NAME: letters, digits and _, not starting with a digit)\n"
    )
    assert "6f1c" not in stdout


def test_a_bad_variables_line_with_fail_false_still_gives_the_plan_comment_its_error(
    tmp_path: Path,
) -> None:
    """plan.yml runs the plan with INPUT_FAIL=false to comment first and fail after: the
    step must succeed with exit-code 1 and a plan.md saying why, or the PR keeps the plan
    comment of an earlier commit (QA Q-I-5)."""
    code, args, outputs = run_step(
        tmp_path,
        0,
        ENV_STUB,
        INPUT_COMMAND="plan",
        INPUT_FAIL="false",
        INPUT_VARIABLES="INCIDENT_MEETING_ID=6f1c\nnot a pair\n",
    )

    assert (code, args) == (0, [])  # the command was not run
    plan_md = tmp_path / "out/plan.md"
    assert outputs == {"plan-markdown": str(plan_md), "exit-code": "1"}
    message = (
        "chime-reconciler action: variables line 2 is not NAME=value (NAME: letters, "
        "digits and _, not starting with a digit)"
    )
    assert plan_md.read_text() == (
        "<!-- chime-reconciler-plan -->\n### Chime membership plan\n\n"
        "**Error:** `chime-reconciler plan` was not run: the step's inputs are wrong:\n\n"
        f"```text\n{message}\n```\n"
    )
    assert (tmp_path / "summary.md").read_text() == plan_md.read_text()
    assert f"::error::{message}\n" in (tmp_path / "stdout.txt").read_text()
    assert "6f1c" not in (tmp_path / "stdout.txt").read_text() + plan_md.read_text()


def test_args_that_do_not_split_with_fail_false_give_the_error_as_the_plan(
    tmp_path: Path,
) -> None:
    code, args, outputs = run_step(
        tmp_path, 0, INPUT_COMMAND="plan", INPUT_FAIL="false", INPUT_ARGS='--target "ops'
    )

    assert (code, args, outputs["exit-code"]) == (0, [], "1")
    error = "chime-reconciler action: args: No closing quotation in '--target \"ops'"
    assert (tmp_path / "out/plan.md").read_text().endswith(f"```text\n{error}\n```\n")
    assert not (tmp_path / "out/plan.json").exists()


# prints the value of the variable STUB_NAME names, as the command sees it
NAMED_STUB = """#!/bin/sh
eval "printf '%s\\\\n' \\"\\${$STUB_NAME-unset}\\"" > "$STUB_ARGS"
echo "stdout of the stub"
exit "$STUB_EXIT"
"""


@pytest.mark.parametrize(
    "name",
    ["cancelled", "not_run", "stderr_file", "tool_env", "OUT_DIR", "CHIME_BIN", "PYTHON",
     "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "INPUT_COMMAND", "PATH"],
)  # fmt: skip
def test_a_variable_named_as_the_steps_own_reaches_the_command_only(
    tmp_path: Path, name: str
) -> None:
    """Q-EO-2: the lines were exported in run-step.sh's own shell, so that a name it uses
    itself changed the step: `cancelled=INT` gave a false "cancelled (SIGINT)" with exit
    130, `OUT_DIR=...` no outputs at all. Now they are the command's environment only."""
    value = str(tmp_path / "elsewhere") if name != "cancelled" else "INT"
    code, args, outputs = run_step(
        tmp_path,
        0,
        NAMED_STUB,
        INPUT_COMMAND="apply",
        INPUT_ARGS="--auto-approve",
        INPUT_VARIABLES=f"{name}={value}\n",
        STUB_NAME=name,
    )

    assert args == [value]  # the command sees it
    assert code == 0
    assert outputs == {"output-file": f"{tmp_path}/out/output.txt", "exit-code": "0"}
    assert (tmp_path / "summary.md").read_text() == (
        "### chime-reconciler apply (exit 0)\n\n```text\nstdout of the stub\n```\n"
    )
    assert (tmp_path / "stdout.txt").read_text() == "stdout of the stub\n"
    assert (tmp_path / "stderr.txt").read_text() == ""


def test_a_path_variable_leaves_the_tool_found_on_the_steps_own_path(tmp_path: Path) -> None:
    """Q-EX-1: the workflows call the tool by its name (no CHIME_BIN), found on the
    runner's PATH; a variables line `PATH=...` made `env` look for it on the new PATH
    (exit 127, "env: 'chime-reconciler': No such file or directory"). The command is
    found on the step's PATH and sees the PATH the line gives."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    code, args, outputs = run_step(
        bin_dir,
        0,
        NAMED_STUB,
        INPUT_COMMAND="apply",
        INPUT_VARIABLES="PATH=/usr/bin:/bin\n",
        STUB_NAME="PATH",
        CHIME_BIN="",  # the workflows' way: the name, looked up on PATH
        PATH=f"{bin_dir}:{os.environ['PATH']}",
    )

    assert (code, args, outputs["exit-code"]) == (0, ["/usr/bin:/bin"], "0")


def test_a_variable_named_number_leaves_the_bad_lines_number_right(tmp_path: Path) -> None:
    code, args, outputs = run_step(
        tmp_path, 0, ENV_STUB, INPUT_COMMAND="apply", INPUT_VARIABLES="number=40\n1bad=2\n"
    )

    assert (code, args, outputs["exit-code"]) == (1, [], "1")
    assert (tmp_path / "stdout.txt").read_text() == (
        "::error::chime-reconciler action: variables line 2 is not NAME=value"
        " (NAME: letters, digits and _, not starting with a digit)\n"
    )


def test_an_error_on_stdout_or_after_error_is_annotated_once(tmp_path: Path) -> None:
    """Q-GS-1: apply says a plan's errors as `Error: FILE:LINE: message`, in its text plan
    (stdout) or on stderr (--quiet): each is an annotation, once; a bare `FILE:LINE:` on
    stdout (a command's own output) is not."""
    (tmp_path / "a.yaml").write_text("rooms: {}\n")
    stub = (
        "#!/bin/sh\n"
        "echo 'Error: a.yaml:2: no Chime room named x'\n"
        "echo 'a.yaml:5: a line of output'\n"
        "echo 'Error: a.yaml:2: no Chime room named x' >&2\n"
        "echo 'Error: a.yaml:3: no Chime room named y' >&2\n"
        "exit 1\n"
    )
    run_step(tmp_path, 1, stub_text=stub, INPUT_COMMAND="apply")

    annotations = [
        line
        for line in (tmp_path / "stdout.txt").read_text().splitlines()
        if line.startswith("::error file=")
    ]
    assert annotations == [
        "::error file=a.yaml,line=2::no Chime room named x",
        "::error file=a.yaml,line=3::no Chime room named y",
    ]


def _workflow_commands(tmp_path: Path) -> list[str]:
    return [line for line in (tmp_path / "stdout.txt").read_text().splitlines() if line[:2] == "::"]


def test_past_nine_located_errors_the_steps_own_error_says_how_many_are_in_the_log(
    tmp_path: Path,
) -> None:
    """Q-GX-3: GitHub keeps 10 error annotations per step, the first ones written: 9 errors
    are annotated, and the step's own error (the 10th) says how many more the log holds."""
    (tmp_path / "a.yaml").write_text("rooms: {}\n")
    errors = "\n".join(f"Error: a.yaml:{n}: no Chime room named r{n}" for n in range(1, 13))
    code, _, _ = run_step(
        tmp_path, 1, INPUT_COMMAND="apply", INPUT_FAIL="false", STUB_STDERR=errors
    )

    assert code == 0
    assert _workflow_commands(tmp_path) == [
        *(f"::error file=a.yaml,line={n}::no Chime room named r{n}" for n in range(1, 10)),
        "::error::chime-reconciler apply exited 1: 12 located errors, the first 9 annotated;"
        " the other 3 are in this step's log (GitHub shows 10 error annotations per step)",
    ]
    # every error is still in the log
    assert all(f"r{n}" in (tmp_path / "stderr.txt").read_text() for n in range(1, 13))


def test_ten_located_errors_the_steps_own_error_says_the_other_one(tmp_path: Path) -> None:
    """Q-HA-5: with 10 located errors, one is left for the log: 'the other one is', not
    'the other 1 are'."""
    (tmp_path / "a.yaml").write_text("rooms: {}\n")
    errors = "\n".join(f"Error: a.yaml:{n}: no Chime room named r{n}" for n in range(1, 11))
    run_step(tmp_path, 1, INPUT_COMMAND="plan", INPUT_FAIL="false", STUB_STDERR=errors)

    assert _workflow_commands(tmp_path)[-1] == (
        "::error::chime-reconciler plan exited 1: 10 located errors, the first 9 annotated;"
        " the other one is in this step's log (GitHub shows 10 error annotations per step)"
    )


def test_nine_located_errors_are_all_annotated_and_the_steps_error_is_as_always(
    tmp_path: Path,
) -> None:
    (tmp_path / "a.yaml").write_text("rooms: {}\n")
    errors = "\n".join(f"a.yaml:{n}: bad {n}" for n in range(1, 10))
    run_step(tmp_path, 1, INPUT_COMMAND="validate", INPUT_FAIL="false", STUB_STDERR=errors)

    assert _workflow_commands(tmp_path) == [
        *(f"::error file=a.yaml,line={n}::bad {n}" for n in range(1, 10)),
        "::error::chime-reconciler validate exited 1",
    ]


def test_a_located_error_in_a_file_whose_name_holds_colons_is_annotated(tmp_path: Path) -> None:
    """Q-GX-4: FILE is the part before a `:LINE: ` that is a file, not the part before the
    first colon; a message holding `:N: ` is left whole."""
    (tmp_path / "ds").mkdir()
    (tmp_path / "ds" / "team:web:2.yaml").write_text("rooms: {}\n")
    run_step(
        tmp_path,
        1,
        INPUT_COMMAND="apply",
        INPUT_FAIL="false",
        STUB_STDERR="Error: ds/team:web:2.yaml:7: no Chime room named a:1: b\nds/x:3: no file",
    )

    assert _workflow_commands(tmp_path) == [
        "::error file=ds/team%3Aweb%3A2.yaml,line=7::no Chime room named a:1: b",
        "::error::chime-reconciler apply exited 1",
    ]
