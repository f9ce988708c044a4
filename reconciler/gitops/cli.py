"""``python -m reconciler.gitops`` (and ``chime-reconciler gitops``): the steps the
workflows run after ``plan``. Wiring only: environment in, outcome line out."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

import click

from reconciler.cli.number_types import WordedIntRange
from reconciler.cli.system_path import SystemPath
from reconciler.errors import UsageError
from reconciler.gitops.apply_runs import DEFAULT_WORKFLOW, check_apply, check_apply_during
from reconciler.gitops.bodies import pr_comment_body, run_url_from_env
from reconciler.gitops.comment import upsert_pr_comment
from reconciler.gitops.drift import (
    DEFAULT_LABEL,
    PlanFailedError,
    PlanReportedError,
    report_failed_plan,
    sync_drift_issue,
)
from reconciler.gitops.github import GitHub
from reconciler.gitops.plan_facts import facts_of
from reconciler.gitops.plan_keys import (
    KEY_RULE,
    check_key,
    key_of,
    names_a_rejected_key,
    plan_marker,
)
from reconciler.planfile import load_plan, plan_made_at
from reconciler.runner import on_interrupt, run

# a process's exit code, as the plan step's `exit-code` output gives it
EXIT_CODE = WordedIntRange(0, 255)

ENV_HELP = (
    "Environment: GITHUB_TOKEN, GITHUB_REPOSITORY (OWNER/NAME), GITHUB_API_URL "
    "(default https://api.github.com); GITHUB_SERVER_URL and GITHUB_RUN_ID name the run; "
    "apply-check (and drift --apply-workflow) append to GITHUB_STEP_SUMMARY when it is set."
)


def _read_body(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read --body-file {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:  # QA4 R8: bad input, never an internal error
        raise UsageError(
            f"cannot read --body-file {path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} "
            f"at offset {exc.start}); give the Markdown plan as plan --format markdown writes it"
        ) from None


class Outputs:
    """$GITHUB_OUTPUT, when a workflow provides it: opened (for appending) before any
    GitHub call, so that a path that cannot be written is a usage error before the comment
    or issue is written, not an internal error after it."""

    def __init__(self, env: Mapping[str, str]):
        self.target = env.get("GITHUB_OUTPUT") or None
        self._file: TextIO | None = None
        if self.target is not None:
            try:
                self._file = open(self.target, "a", encoding="utf-8")  # noqa: SIM115
            except OSError as exc:
                raise self._error(exc) from None

    def __enter__(self) -> Outputs:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._file is not None:
            self._file.close()

    def write(self, outputs: Mapping[str, str]) -> None:
        """Append ``name=value`` lines."""
        if self._file is None:
            return
        try:
            for name, value in outputs.items():
                self._file.write(f"{name}={value}\n")
            self._file.flush()
        except OSError as exc:
            raise self._error(exc) from None

    def _error(self, exc: OSError) -> UsageError:
        return UsageError(f"cannot write GITHUB_OUTPUT {self.target}: {exc.strerror or exc}")


def append_summary(env: Mapping[str, str], markdown: str) -> None:
    """Append to $GITHUB_STEP_SUMMARY, when a workflow provides it."""
    target = env.get("GITHUB_STEP_SUMMARY") or None
    if target is None:
        return
    try:
        with open(target, "a", encoding="utf-8") as summary:
            summary.write(markdown)
    except OSError as exc:
        raise UsageError(
            f"cannot write GITHUB_STEP_SUMMARY {target}: {exc.strerror or exc}"
        ) from None


body_file_option = click.option(
    "--body-file",
    type=SystemPath(dir_okay=False, path_type=Path),
    help="The Markdown plan (plan --format markdown).",
)


@click.group("gitops", context_settings={"help_option_names": ["-h", "--help"]}, epilog=ENV_HELP)
def gitops() -> None:
    """GitHub glue for the plan and drift workflows.

    \b
    Examples (as the workflows run them):
      chime-reconciler gitops pr-comment --pr 42 --body-file plan.md
      chime-reconciler gitops drift --exit-code 2 --body-file plan.md
      chime-reconciler gitops apply-check --workflow apply.yml
    """


@gitops.command("pr-comment", epilog=ENV_HELP)
@click.option("--pr", "pr", required=True, type=WordedIntRange(min=1), help="PR number.")
@body_file_option
@click.option(
    "--exit-code",
    type=EXIT_CODE,
    default=None,
    help="The plan's exit code; 1 adds a warning that the plan failed or was refused.",
)
@click.option("--commit", default=None, help="The commit planned, named in the footer.")
@click.option(
    "--artifact",
    default=None,
    help="The run's artifact holding the saved plan, named in the footer; leave it out "
    "when none was uploaded.",
)
@click.option(
    "--key",
    default=None,
    metavar="NAME",
    help="Names the plan (e.g. staging) when one pull request gets several (a staging and "
    "a production desired-state): one comment per key, its heading naming it. Default: "
    "the key the plan's first line names (the composite action's comment-key), else none "
    f"(the one plan comment). A key is {KEY_RULE} characters.",
)
@on_interrupt(
    "gitops pr-comment",
    "nothing in Chime was changed (gitops never calls it); run it again to post the plan "
    "comment or update it in place",
)
def pr_comment(
    pr: int,
    body_file: Path | None,
    exit_code: int | None,
    commit: str | None,
    artifact: str | None,
    key: str | None,
) -> None:
    """Post the plan as the pull request's plan comment, or update it in place.

    With --key, the plan has a comment of its own, found again by that key:
    two plans (staging, production) never overwrite each other.

    \b
    Examples:
      chime-reconciler gitops pr-comment --pr 42 --body-file plan.md
      chime-reconciler gitops pr-comment --pr 42 --body-file plan.md \\
          --exit-code 2 --commit "$GITHUB_SHA" --artifact chime-plan-pr42
      chime-reconciler gitops pr-comment --pr 42 --body-file staging.md \\
          --key staging
    """
    if body_file is None:  # before any GitHub call: never blank out the plan comment
        raise UsageError("pr-comment needs --body-file: the Markdown plan to post")
    if key is not None:
        try:
            check_key(key)
        except ValueError as exc:
            raise UsageError(f"--key: {exc}") from None
    env = dict(os.environ)
    markdown = _read_body(body_file)
    if names_a_rejected_key(markdown):  # posted under any marker, it would take another's
        raise UsageError(
            f"{body_file} is the error of a plan step whose comment-key was refused (see "
            "that step's log): it is not posted, so that no other plan's comment is replaced"
        )
    if key is None:
        key = key_of(markdown)
    body = pr_comment_body(
        markdown,
        exit_code=exit_code,
        run_url=run_url_from_env(env),
        commit=commit,
        artifact=artifact,
        key=key,
    )
    with Outputs(env) as outputs:
        outcome = upsert_pr_comment(GitHub.from_env(env), pr, body, plan_marker(key))
        click.echo(str(outcome))
        outputs.write({"comment-url": outcome.url})


@gitops.command("drift", epilog=ENV_HELP)
@click.option(
    "--exit-code",
    required=True,
    type=EXIT_CODE,
    help="The exit code of plan --detailed-exitcode: 2 drift, 0 none, else failure.",
)
@body_file_option
@click.option(
    "--plan-file",
    default="",
    metavar="FILE",
    type=SystemPath(),  # "" stays "": no plan
    help="The saved plan (plan --out, merge-plans --out), when one was made. With "
    "--exit-code 1 it means the plan was made (errors, or refused as unsafe): the issue is "
    "written from --body-file, then exit 1. Empty or left out: no plan was made.",
)
@click.option("--label", default=DEFAULT_LABEL, show_default=True, help="The issue's label.")
@click.option(
    "--key",
    default=None,
    metavar="NAME",
    help="Names the desired state (e.g. staging) when one repository checks several: one "
    "drift issue per key, its title and heading naming it; a check never updates or "
    "closes another key's issue. Default: the key the plan's first line names (the "
    "composite action's comment-key), else none (the one unkeyed drift issue). A key is "
    f"{KEY_RULE} characters.",
)
@click.option(
    "--apply-workflow",
    default=None,
    metavar="WORKFLOW",
    help="Before writing, ask GitHub again: leave the issue as it is when a run of this "
    "workflow (e.g. apply.yml) is in progress, or was created or started, or ended, "
    "since this run (GITHUB_RUN_ID) started, or since --plan-file was made when earlier "
    "(a re-run).",
)
@on_interrupt(
    "gitops drift",
    "nothing in Chime was changed (gitops never calls it); run it again to bring the drift "
    "issue up to date",
)
def drift(
    exit_code: int,
    body_file: Path | None,
    plan_file: str,
    label: str,
    key: str | None,
    apply_workflow: str | None,
) -> None:
    """Open, update or close the drift issue after a scheduled plan.

    \b
    exit 2: open the issue labelled drift with the plan, or update the open one
    exit 0: close the open one with a comment; but when the plan (--body-file)
            lists memberships that end soon, open or update it listing them
    exit 1 with --plan-file (the plan was made: errors, or refused as
            unsafe): open or update it with the plan, a caution at its top,
            then exit 1 (the job fails, so the error is seen)
    else:   drift is unknown: change nothing and exit 1 (the job fails)

    \b
    With --apply-workflow, exit 0 or 2 first asks whether an apply ran
    during this check (drift.yml's plans): when a run of that workflow is
    in progress, or was created or started, or ended, since this run
    (GITHUB_RUN_ID) started, or since --plan-file was made when that is
    earlier (a re-run merging its first attempt's plans), the issue is
    left as it is, and the log and the job summary say so (exit 0; exit 1
    after a plan made with exit 1).
    When GitHub cannot tell (an API error), it warns and writes the issue
    as usual.

    \b
    Examples:
      chime-reconciler gitops drift --exit-code 2 --body-file plan.md
      chime-reconciler gitops drift --exit-code 0
      chime-reconciler gitops drift --exit-code "$CODE" --body-file plan.md \\
          --apply-workflow apply.yml
      chime-reconciler gitops drift --exit-code 1 --body-file plan.md \\
          --plan-file plan.json
    """
    env = dict(os.environ)
    made = Path(plan_file) if plan_file else None
    if exit_code not in (0, 2) and (exit_code != 1 or made is None):
        raise PlanFailedError(exit_code)  # before any GitHub call: no token needed
    if exit_code in (1, 2) and body_file is None:
        raise UsageError(
            f"--body-file is required when the plan {_MADE[exit_code]} (--exit-code {exit_code})"
        )
    # exit 1 with a plan: its drift as plan --detailed-exitcode would have said (Q-BH-1)
    read = exit_code in (1, 2) and made is not None
    facts = facts_of(load_plan(made) if read and made is not None else None, exit_code)
    run_id = env.get("GITHUB_RUN_ID") or None
    if apply_workflow is not None and run_id is None:
        raise UsageError("--apply-workflow needs GITHUB_RUN_ID: the drift run to compare with")
    # a re-run's plans may be its first attempt's: an apply since them counts (Q-FA-1)
    plans_made = plan_made_at(made) if apply_workflow is not None and made is not None else None
    # exit 0 reads it too: a plan without drift may list memberships that end soon
    markdown = _read_body(body_file) if body_file is not None else ""
    if key is not None:
        try:
            check_key(key)
        except ValueError as exc:
            raise UsageError(f"--key: {exc}") from None
    key = key if key is not None else key_of(markdown)  # one issue per key (Q-FN-4)
    with Outputs(env) as outputs:
        github = GitHub.from_env(env)
        if apply_workflow is not None and run_id is not None:
            recheck = check_apply_during(github, apply_workflow, run_id, plans_made)
            if recheck.skip:
                _say_skipped(env, str(recheck))
                if facts.failed:
                    raise PlanReportedError(exit_code, None)
                return
            if recheck.error is not None:
                _warn_check_runs(env, str(recheck))
            else:
                click.echo(str(recheck))
        if facts.failed:
            outcome = report_failed_plan(
                github, markdown, facts, run_url=run_url_from_env(env), label=label, key=key
            )
        else:
            outcome = sync_drift_issue(
                github,
                exit_code,
                markdown,
                run_url=run_url_from_env(env),
                label=label,
                key=key,
                facts=facts,
            )
        click.echo(str(outcome))
        if outcome.issues:
            outputs.write({"issue-url": outcome.issues[0].url})
        if facts.failed:
            raise PlanReportedError(exit_code, outcome)


_MADE = {1: "was made (--plan-file)", 2: "found drift"}


@gitops.command("apply-check", epilog=ENV_HELP)
@click.option(
    "--workflow",
    default=DEFAULT_WORKFLOW,
    show_default=True,
    help="The apply workflow's file name under .github/workflows.",
)
@on_interrupt(
    "gitops apply-check",
    "nothing was changed (it only reads the apply workflow's runs); run it again",
)
def apply_check(workflow: str) -> None:
    """Tell the drift check to skip itself while an apply is in progress.

    \b
    Writes skip=true to $GITHUB_OUTPUT when a run of the apply workflow
    is in progress (its half-done changes are no drift), and says so in
    the log and the job summary; skip=false otherwise, also while a run
    has not started (queued, pending, requested, or waiting for the
    environment's reviewers: it has changed nothing). When GitHub cannot
    tell (an API error), it warns and writes skip=false: the check runs
    as usual. Exit 0.

    \b
    Example (drift.yml's first job):
      chime-reconciler gitops apply-check --workflow apply.yml
    """
    env = dict(os.environ)
    with Outputs(env) as outputs:
        check = check_apply(GitHub.from_env(env), workflow)
        if check.skip:
            _say_skipped(env, str(check))
        elif check.error is not None:
            _warn_check_runs(env, str(check))
        else:
            click.echo(str(check))
        outputs.write({"skip": "true" if check.skip else "false"})


def _say_skipped(env: Mapping[str, str], said: str) -> None:
    """The drift check skipped itself (an apply): a notice in the log, and the summary."""
    click.echo(f"::notice title=Drift check skipped::{_command_data(said)}")
    append_summary(env, f"### chime-reconciler drift (skipped)\n\n{said}\n")


def _warn_check_runs(env: Mapping[str, str], said: str) -> None:
    """GitHub could not tell whether an apply runs: a warning, and the check goes on."""
    click.echo(f"::warning title=Drift check runs::{_command_data(said)}")
    append_summary(env, f"### chime-reconciler drift\n\nWarning: {said}\n")


def _command_data(text: str) -> str:
    """``text`` as a workflow command's message (``::warning::...``): one line."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of ``python -m reconciler.gitops``, with the CLI's error handling."""
    run(gitops, args=argv, prog_name="python -m reconciler.gitops")
