"""``python -m reconciler.gitops``, run as the workflows run it: a process with GitHub's
environment variables, talking HTTP to the fake API."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from fake_github import FakeGitHub

from reconciler.gitops.bodies import DRIFT_MARKER, EXPIRING_MARKER, PLAN_MARKER

PLAN = f"{PLAN_MARKER}\n## chime-reconciler plan\n\nPlan: 1 to add, 0 to change, 0 to destroy.\n"


def run(
    fake: FakeGitHub,
    tmp_path: Path,
    *args: str,
    output: Path | None = None,
    api_url: str | None = None,
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "CHIME_RECONCILER"))}
    env.update(
        fake.env,
        GITHUB_SERVER_URL="https://github.com",
        GITHUB_RUN_ID="4242",
        GITHUB_OUTPUT=str(output or tmp_path / "github_output"),
    )
    if api_url is not None:
        env["GITHUB_API_URL"] = api_url
    return subprocess.run(
        [sys.executable, "-m", "reconciler.gitops", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_pr_comment_posts_the_plan_and_reports_the_url(fake: FakeGitHub, tmp_path: Path) -> None:
    pr = fake.add_issue("Add bob", "", pull_request=True)["number"]
    (tmp_path / "plan.md").write_text(PLAN)

    done = run(
        fake,
        tmp_path,
        "pr-comment",
        "--pr",
        str(pr),
        "--body-file",
        str(tmp_path / "plan.md"),
        "--exit-code",
        "2",
        "--commit",
        "cafebabe",
    )

    comment = fake.comments[pr][0]
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"PR comment created: {comment['html_url']}\n"
    assert comment["body"].startswith(PLAN)
    assert comment["body"].endswith(
        "[this run](https://github.com/octo-org/chime-config/actions/runs/4242)"
        " · commit `cafebabe`</sub>\n"
    )
    assert (tmp_path / "github_output").read_text() == f"comment-url={comment['html_url']}\n"


def test_drift_exit_2_then_0_opens_then_closes(fake: FakeGitHub, tmp_path: Path) -> None:
    (tmp_path / "plan.md").write_text(PLAN)

    opened = run(
        fake, tmp_path, "drift", "--exit-code", "2", "--body-file", str(tmp_path / "plan.md")
    )
    closed = run(fake, tmp_path, "drift", "--exit-code", "0")

    url = fake.issues[1]["html_url"]
    assert (opened.returncode, opened.stdout) == (0, f"Drift issue opened: #1 {url}\n")
    assert (closed.returncode, closed.stdout) == (0, f"Drift issue closed: #1 {url}\n")
    assert fake.issues[1]["body"].startswith(DRIFT_MARKER)
    assert fake.issues[1]["state"] == "closed"


def test_drift_exit_0_with_memberships_ending_soon_opens_the_issue(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    """The workflow passes the plan on exit 0 too: its expiring callout keeps the issue."""
    (tmp_path / "plan.md").write_text(
        f"{PLAN_MARKER}\n**No changes.**\n\n{EXPIRING_MARKER}\n> [!NOTE]\n> bob ends soon\n"
    )
    done = run(
        fake, tmp_path, "drift", "--exit-code", "0", "--body-file", str(tmp_path / "plan.md")
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"Drift issue opened: #1 {fake.issues[1]['html_url']}\n"
    assert "> bob ends soon" in fake.issues[1]["body"]
    assert fake.issues[1]["state"] == "open"


def test_drift_after_a_failed_plan_fails_without_calling_github(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    done = run(fake, tmp_path, "drift", "--exit-code", "1", "--body-file", "missing.md")

    assert done.returncode == 1
    assert done.stderr == (
        "Error: the plan exited 1 (error, or an unsafe plan) and no plan made was given "
        "(--plan-file: none when the desired state does not load or a shard is missing): "
        "drift is unknown and the drift issue is left as it is; the error is in the log of "
        "the step or job that planned\n"
    )
    assert fake.requests == []


def test_drift_without_a_body_file_is_a_usage_error(fake: FakeGitHub, tmp_path: Path) -> None:
    done = run(fake, tmp_path, "drift", "--exit-code", "2")

    assert (done.returncode, done.stderr) == (
        1,
        "Error: --body-file is required when the plan found drift (--exit-code 2)\n",
    )


def test_pr_comment_without_a_body_file_is_a_usage_error_and_touches_nothing(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    done = run(fake, tmp_path, "pr-comment", "--pr", "7")

    assert (done.returncode, done.stderr) == (
        1,
        "Error: pr-comment needs --body-file: the Markdown plan to post\n",
    )
    assert fake.requests == []


def test_unreadable_body_file_is_named(fake: FakeGitHub, tmp_path: Path) -> None:
    done = run(fake, tmp_path, "pr-comment", "--pr", "1", "--body-file", str(tmp_path / "nope.md"))

    assert (done.returncode, done.stderr) == (
        1,
        f"Error: cannot read --body-file {tmp_path / 'nope.md'}: No such file or directory\n",
    )


def test_a_body_file_that_is_not_utf8_is_named_and_nothing_is_called(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    # QA4 R8: it was "Internal error (this is a bug ...): UnicodeDecodeError"
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"plan \xff\xfe\n")
    pr = fake.add_issue("Add bob", "", pull_request=True)["number"]
    before = len(fake.requests)

    comment = run(fake, tmp_path, "pr-comment", "--pr", str(pr), "--body-file", str(bad))
    drift = run(fake, tmp_path, "drift", "--exit-code", "2", "--body-file", str(bad))

    for done in (comment, drift):
        assert (done.returncode, done.stdout, done.stderr) == (
            1,
            "",
            f"Error: cannot read --body-file {bad}: not UTF-8 text (byte 0xff at offset 5); "
            "give the Markdown plan as plan --format markdown writes it\n",
        )
    assert len(fake.requests) == before


def test_a_github_api_url_that_is_no_url_is_named(fake: FakeGitHub, tmp_path: Path) -> None:
    # QA4 R9: it was "Internal error (this is a bug ...): ValueError: unknown url type"
    (tmp_path / "plan.md").write_text(PLAN)
    plan = str(tmp_path / "plan.md")
    before = len(fake.requests)

    done = run(
        fake, tmp_path, "drift", "--exit-code", "2", "--body-file", plan, api_url="api.github.com"
    )

    assert (done.returncode, done.stdout, done.stderr) == (
        1,
        "",
        "Error: GITHUB_API_URL must be an http:// or https:// URL such as "
        "https://api.github.com, got 'api.github.com'\n",
    )
    assert len(fake.requests) == before


def test_a_github_api_url_with_a_password_is_refused_before_any_call(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    # QA-HD Q-HD-2: "user:password@host" was looked up as a host name (a resolver query
    # carrying the password), reported as "Name or service not known"
    (tmp_path / "plan.md").write_text(PLAN)
    api_url = fake.env["GITHUB_API_URL"].replace("://", "://apiuser:apipassw0rd@", 1)
    shown = fake.env["GITHUB_API_URL"].replace("://", "://***@", 1)
    before = len(fake.requests)

    done = run(
        fake,
        tmp_path,
        "pr-comment",
        "--pr",
        "1",
        "--body-file",
        str(tmp_path / "plan.md"),
        api_url=api_url,
    )

    assert (done.returncode, done.stdout, done.stderr) == (
        1,
        "",
        f"Error: GITHUB_API_URL '{shown}': an API URL cannot hold a user or password: GitHub "
        "is authenticated with GITHUB_TOKEN; give the URL without them\n",
    )
    assert len(fake.requests) == before


def test_github_failure_exits_1_with_the_api_message(fake: FakeGitHub, tmp_path: Path) -> None:
    (tmp_path / "plan.md").write_text(PLAN)

    done = run(fake, tmp_path, "pr-comment", "--pr", "7", "--body-file", str(tmp_path / "plan.md"))

    assert done.returncode == 1
    assert done.stderr.startswith(
        "Error: GitHub API GET /repos/octo-org/chime-config/issues/7/comments failed: "
        "HTTP 404: Not Found"
    )
    assert "Traceback" not in done.stderr


def test_an_unwritable_github_output_is_an_error_before_any_github_call(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    """Checked before the issue or comment is written: the step fails with the path named,
    not with an internal error after GitHub was changed."""
    pr = fake.add_issue("Add bob", "", pull_request=True)["number"]
    (tmp_path / "plan.md").write_text(PLAN)
    output = tmp_path / "missing" / "github_output"
    plan = str(tmp_path / "plan.md")
    before = len(fake.requests)

    drift = run(fake, tmp_path, "drift", "--exit-code", "2", "--body-file", plan, output=output)
    comment = run(fake, tmp_path, "pr-comment", "--pr", str(pr), "--body-file", plan, output=output)

    for done in (drift, comment):
        assert (done.returncode, done.stdout, done.stderr) == (
            1,
            "",
            f"Error: cannot write GITHUB_OUTPUT {output}: No such file or directory\n",
        )
    assert len(fake.requests) == before
    assert fake.comments[pr] == [] and len(fake.issues) == 1


def test_a_bad_command_line_exits_1_as_the_main_cli_does(fake: FakeGitHub, tmp_path: Path) -> None:
    # exit 2 means drift only (README, exit codes); the workflows call this spelling
    bad_value = run(fake, tmp_path, "drift", "--exit-code", "x", "--body-file", "/dev/null")
    no_such_command = run(fake, tmp_path, "nosuch")

    assert bad_value.returncode == no_such_command.returncode == 1
    assert "Invalid value for '--exit-code': 'x' is not a whole number." in bad_value.stderr
    assert "No such command 'nosuch'" in no_such_command.stderr
    assert fake.requests == []
