"""The texts the workflows post: the PR plan comment, the drift issue, its closing comment.

Pure functions. Every body starts with a hidden marker (an HTML comment, invisible on
GitHub) by which the next run finds it again, and fits GitHub's limit of 65,536
characters per comment or issue body: an oversized plan is cut at a line boundary, an
open code fence is closed, and a note says where the full plan is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from reconciler.gitops.plan_facts import NO_PLAN, PlanFacts, Refusal
from reconciler.gitops.plan_keys import (
    check_key,
    key_of,
    name_plan,
    plan_marker,
    without_plan_marker,
)
from reconciler.render.markdown import EXPIRING_MARKER, MARKER, UNDECLARED_ONLY_MARKER

PLAN_MARKER = MARKER  # the first line of every Markdown plan
DRIFT_MARKER = "<!-- chime-reconciler-drift -->"
MAX_BODY_CHARS = 65_536  # GitHub refuses longer issue and comment bodies

DRIFT_TITLE = "Drift: live Chime memberships differ from desired-state"
EXPIRING_TITLE = "Chime memberships end soon (no drift)"  # the same issue, nothing drifted
# the same issue, when the plan was made but exited 1 and shows no drift (Q-BH-1)
FAILED_PLAN_TITLE = "Drift check failed: the plan has errors or was refused as unsafe"
# the same, when its only errors are governance errors: every target was planned (Q-FR-2)
GOVERNANCE_TITLE = "Drift check failed: desired-state breaks its governance rules"


def drift_marker(key: str | None) -> str:
    """The marker of the drift issue of the plans keyed ``key`` (the composite action's
    ``comment-key``: one issue per desired state, as one PR comment); None: the plain
    marker, which a keyed marker never starts with (QA-FN Q-FN-4)."""
    return DRIFT_MARKER if key is None else f"<!-- chime-reconciler-drift key={check_key(key)} -->"


def keyed_title(title: str, key: str | None) -> str:
    """The drift issue's ``title``, naming the key (``[staging] Drift: ...``)."""
    return title if key is None else f"[{check_key(key)}] {title}"


FULL_PLAN_HINT = "the full plan is in the workflow run's job summary"
_FENCE = "```"
NO_OUTPUT = "_The plan produced no output._"


def truncate_markdown(text: str, budget: int, hint: str = FULL_PLAN_HINT) -> str:
    """``text`` if it fits in ``budget`` characters, else its head cut at a line boundary,
    with an open code fence and open ``<details>`` blocks closed, and a note naming what
    was left out."""
    if len(text) <= budget:
        return text
    total = len(text)
    # The note's length depends on the number of characters kept; reserve room for the
    # longest it can be (both numbers as long as the total).
    note_room = len(_truncation_note(total, total, hint)) + len(_FENCE) + 2
    keep = max(0, budget - note_room)
    head = text[:keep]
    cut = head.rfind("\n")
    if cut >= 0:
        head = head[: cut + 1]
    # Room to close the <details> blocks (the plan renderer folds each room in one).
    while head and len(head) + note_room + _CLOSE_DETAILS * _open_details(head) > budget:
        head = head[: head.rfind("\n", 0, len(head) - 1) + 1]
    if head.count(_FENCE) % 2 == 1:
        head = (head if head.endswith("\n") or not head else head + "\n") + _FENCE + "\n"
    head += "\n</details>\n" * _open_details(head)
    return head + _truncation_note(len(head), total, hint)


_CLOSE_DETAILS = len("\n</details>\n")


def _open_details(text: str) -> int:
    return max(0, text.count("<details") - text.count("</details>"))


def _truncation_note(kept: int, total: int, hint: str) -> str:
    return f"\n**Truncated:** {kept:,} of {total:,} characters shown; {hint}.\n"


def strip_marker(markdown: str, marker: str) -> str:
    """``markdown`` without a leading ``marker`` line (the plan renderer writes one)."""
    stripped = markdown.lstrip()
    if stripped.startswith(marker):
        return stripped[len(marker) :].lstrip("\n")
    return markdown


def has_marker(body: str | None, marker: str) -> bool:
    """Whether a comment or issue body is ours: it starts with ``marker``."""
    return body is not None and body.lstrip().startswith(marker)


def is_drift_issue_of(body: str | None, key: str | None) -> bool:
    """Whether an issue body is the drift issue of the plans keyed ``key`` (None: the
    unkeyed ones): it starts with that key's marker (``drift_marker``); or, written before
    drift issues were keyed (QA-FN Q-FN-4), with the plain marker and holding, on a line of
    its own outside code blocks, the plan marker of the key that wrote it (a keyed plan's
    first line, which that version left in the body): that key's issue, not the unkeyed
    check's (QA-FR Q-FR-3)."""
    if body is None:
        return False
    if key is not None and has_marker(body, drift_marker(key)):
        return True
    if not has_marker(body, DRIFT_MARKER):
        return False
    written_by = _legacy_key(body)
    return written_by == key


def _legacy_key(body: str) -> str | None:
    """The key of the first keyed plan marker on a line of its own outside code blocks
    in a plain-marker drift issue's body (None: there is none)."""
    for line in _outside_code(body):
        if (found := key_of(line)) is not None:
            return found
    return None


def _plan_text(plan_markdown: str, key: str | None = None) -> str:
    """The plan without the renderer's marker line and outer blank lines, or a placeholder
    when nothing is left; with a ``key``, without its keyed marker and its heading naming
    the key (as the PR comment's)."""
    if key is None:
        return strip_marker(plan_markdown, PLAN_MARKER).strip("\n") or NO_OUTPUT
    return name_plan(without_plan_marker(plan_markdown).strip("\n") or NO_OUTPUT, key)


def _compose(header: str, markdown: str, footer: str, limit: int) -> str:
    """``header``, ``markdown`` (cut to fit) ending in one newline, ``footer``."""
    budget = limit - len(header) - len(footer) - 1
    if budget < 0:
        raise ValueError(f"header and footer alone exceed {limit} characters")
    return header + truncate_markdown(markdown, budget).rstrip("\n") + "\n" + footer


def pr_comment_body(
    plan_markdown: str,
    *,
    exit_code: int | None = None,
    run_url: str | None = None,
    commit: str | None = None,
    artifact: str | None = None,
    key: str | None = None,
    limit: int = MAX_BODY_CHARS,
) -> str:
    """The PR comment: marker, a warning when the plan failed (exit 1), the Markdown plan,
    and a footer naming the run, the ``artifact`` holding the saved plan (only when one
    was uploaded: a plan that failed before planning saved none) and the commit. With a
    ``key`` (``staging``: one comment per desired state) the marker carries it and the
    plan's heading names it (``plan_keys``)."""
    if key is None:
        markdown = _plan_text(plan_markdown)
    else:
        markdown = without_plan_marker(plan_markdown).strip("\n") or NO_OUTPUT
    printed = markdown != NO_OUTPUT
    if key is not None:
        markdown = name_plan(markdown, key)
    header = plan_marker(key) + "\n"
    if exit_code not in (None, 0, 2):
        where = f"the [workflow run]({run_url})" if run_url else "the workflow run's log"
        # below: the plan's error or safety callouts, or the errors of a plan not made
        pointer = "below" if printed else f"in {where}"
        header += (
            "> [!CAUTION]\n"
            f"> `chime-reconciler plan` exited {exit_code}: the plan failed or was refused "
            f"as unsafe. Details are {pointer}.\n\n"
        )
    footer = ""
    details = []
    run = f"[this run]({run_url})" if run_url else ""
    if artifact:
        details.append(f"saved plan: artifact `{artifact}`" + (f" of {run}" if run else ""))
    elif run:
        details.append(f"no saved plan; {run}")
    if commit:
        details.append(f"commit `{commit[:12]}`")
    if details:
        footer = "\n---\n<sub>" + " · ".join(details) + "</sub>\n"
    return _compose(header, markdown, footer, limit)


def drift_issue_body(
    plan_markdown: str,
    *,
    run_url: str | None = None,
    limit: int = MAX_BODY_CHARS,
    key: str | None = None,
    facts: PlanFacts = NO_PLAN,
) -> str:
    """The drift issue: marker, what happened and what to do, then the Markdown plan. When
    the only drift is members no file declares (the plan has no changes), apply does not
    resolve it, and the header says what does. ``key``: the plan's (``drift_marker``).
    ``facts``: the saved plan's (``plan_facts``): its ``undeclared`` says those members
    are its only drift even when the Markdown cut at its limit lost the note (and marker)
    that says so (QA-GX Q-GX-2); without it, that is read from the Markdown's marker.
    Its ``refusal``: why apply refuses the plan (a failed plan's, under the caution)."""
    markdown = _plan_text(plan_markdown, key)
    detected = f"The [scheduled plan]({run_url})" if run_url else "The scheduled plan"
    partial = facts.refusal.partial  # its errors left targets unplanned (QA-GS Q-GS-2)
    where = " in what it could plan" if partial else ""
    unknown = (
        "; the targets its errors name could not be planned, so drift there is unknown"
        if partial
        else ""
    )
    noted = lists_undeclared_only(plan_markdown)  # the plan below names them
    undeclared = facts.undeclared
    if undeclared is not None or noted:
        if facts.governance:  # every target planned: nothing else to change, but apply refuses
            where = (
                " in Chime, but `desired-state/` breaks its governance rules (the caution above)"
            )
        cut = (
            ""
            if noted
            else " (the plan below was cut before its warning naming them; the job log has "
            "the whole plan)"
        )
        found = (
            f"{detected} found {undeclared or 'members'} in Chime that no file in "
            f"`desired-state/` declares{cut}, and nothing else to change{where}{unknown}.\n"
            + ("Fix the errors in a pull request. " if partial else "")
            + (
                "Fix the errors in a pull request: apply refuses this plan until then. "
                if facts.governance
                else ""
            )
            + "Running the apply workflow does not resolve "
            + ("the undeclared members" if partial or facts.governance else "this")
            + ": apply leaves members that no "
            "file declares alone unless `prune: true` is set. Resolve it"
            + (" as the warning below says" if noted else "")
            + ": declare them in a pull request (`chime-reconciler import --adopt` writes "
            "them into the files, where it can), or remove them (`prune: true` in a pull "
            "request, then apply; or in Chime)."
        )
    else:
        then = _THEN[facts.refusal]
        found = (
            f"{detected} found live Chime memberships that differ from `desired-state/`"
            f"{where}{unknown}.\n"
            f"{then}{'either' if then else 'Either'} change the desired state in a pull "
            "request to accept the live state, or run the apply workflow to restore the "
            "desired state."
        )
    # a failed plan: a check finding no drift but the same errors fails too (QA-GY Q-GY-3)
    closed = "no drift and no error" if facts.failed else "no drift"
    header = (
        f"{drift_marker(key)}\n{found} This issue is updated by every drift check and closed by "
        f"the first one that finds {closed}.\n\n"
    )
    return _compose(header, markdown, "", limit)


# what a drift issue says to do first, by why apply refuses the plan: the refusal is in
# the plan's callouts (its first sections, below the caution), for each alike
_REFUSED = "the callouts below"
_THEN = {
    Refusal.NONE: "",
    Refusal.SAFETY: f"Apply refuses this plan as it stands ({_REFUSED}); once that is fixed, ",
    Refusal.GOVERNANCE: "Apply refuses this plan until the errors are fixed in a pull request; "
    "then ",
    Refusal.ERRORS: "Apply refuses this plan until the errors are fixed in a pull request; then ",
    Refusal.ERRORS_AND_SAFETY: "Apply refuses this plan until the errors are fixed in a pull "
    f"request and its safety refusal ({_REFUSED}) is resolved; then ",
}


def failed_plan_issue_body(
    plan_markdown: str,
    facts: PlanFacts,
    *,
    run_url: str | None = None,
    limit: int = MAX_BODY_CHARS,
    key: str | None = None,
) -> str:
    """The drift issue when the plan was made but exited 1 (errors, or refused as unsafe;
    ``facts``: its ``plan_facts.facts_of``): a caution first, pointing at the plan's own
    error and safety callouts (the first sections of the Markdown plan, so never cut off),
    then the drift issue as for exit 2 when the plan shows drift (saying why apply refuses
    the plan and, when its errors left targets unplanned, that drift is unknown there),
    else a note that drift is only partly known, or, its only errors governance errors,
    that every target was planned and the desired state breaks its rules."""
    detected = f"The [scheduled plan]({run_url})" if run_url else "The scheduled plan"
    why = (
        "`desired-state/` breaks its governance rules (the errors below: settings.yaml "
        "`max_grant_days`, `require_reason`, or CODEOWNERS, as `validate` checks them)"
        if facts.governance
        else f"it has errors or was refused as unsafe ({_REFUSED})"
    )
    caution = (
        "> [!CAUTION]\n"
        f"> {detected} exited 1: {why}, so apply refuses it as it stands, and every drift "
        "check fails until this is fixed.\n\n"
    )
    marker = drift_marker(key)
    if facts.drifted:
        body = drift_issue_body(
            plan_markdown, run_url=run_url, limit=limit - len(caution), key=key, facts=facts
        )
        return body.replace(f"{marker}\n", f"{marker}\n{caution}", 1)
    found = (
        f"{detected} planned every target and found no drift: Chime matches `desired-state/`. "
        "Fix the errors in a pull request; this issue is updated by every drift check and "
        "closed by the first one that finds no drift and no error.\n\n"
        if facts.governance
        else f"{detected} found no drift in what it could plan; the targets its errors name "
        "could not be planned, so drift there is unknown. This issue is updated by every "
        # this check found no drift and left it open (QA-HB Q-HB-3)
        "drift check and closed by the first one that finds no drift and no error.\n\n"
    )
    header = f"{marker}\n{caution}{found}"
    return _compose(header, _plan_text(plan_markdown, key), "", limit)


def lists_expiring(plan_markdown: str) -> bool:
    """Whether a Markdown plan lists memberships that end soon: its expiring callout's
    marker on a line of its own, where the renderer puts it, outside code blocks. A live
    name holding the marker's text (an attendee, a bot: shown raw in a diff block) is
    never taken for it."""
    return _has_marker_line(plan_markdown, EXPIRING_MARKER)


def lists_undeclared_only(plan_markdown: str) -> bool:
    """Whether a Markdown plan's only drift is members no file declares (no changes):
    its marker before the drift note, found as ``lists_expiring`` finds its own."""
    return _has_marker_line(plan_markdown, UNDECLARED_ONLY_MARKER)


def _has_marker_line(plan_markdown: str, marker: str) -> bool:
    """``marker`` on a line of its own, outside code blocks."""
    return any(line.rstrip() == marker for line in _outside_code(plan_markdown))


def _outside_code(text: str) -> Iterator[str]:
    """The lines of ``text`` outside its fenced code blocks (CommonMark's fences)."""
    fence: re.Pattern[str] | None = None  # the line that closes the open code block
    for line in text.splitlines():
        if fence is not None:
            if fence.fullmatch(line):
                fence = None
        elif opened := _OPEN_FENCE.match(line):
            run = opened.group(1)
            fence = re.compile(rf" {{0,3}}{re.escape(run[0])}{{{len(run)},}}[ \t]*")
        else:
            yield line


_OPEN_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")  # CommonMark: a fenced code block opens


def expiring_issue_body(
    plan_markdown: str,
    *,
    run_url: str | None = None,
    limit: int = MAX_BODY_CHARS,
    key: str | None = None,
) -> str:
    """The drift issue when nothing drifted but memberships end within the warning
    window: the same issue (marker), saying what to review before they expire."""
    markdown = _plan_text(plan_markdown, key)
    detected = f"The [scheduled plan]({run_url})" if run_url else "The scheduled plan"
    header = (
        drift_marker(key) + "\n"
        f"{detected} found no drift, but memberships listed below end soon (`until:` in "
        "`desired-state/`). Extend them in a pull request if they are still needed; "
        "otherwise the plan after they end removes them (where pruning is on). This issue "
        "is updated by every drift check and closed by the first one that finds no changes "
        "and nothing ending soon.\n\n"
    )
    return _compose(header, markdown, "", limit)


def drift_resolved_comment(run_url: str | None = None) -> str:
    """The comment left on the drift issue when it is closed."""
    check = f"[drift check]({run_url})" if run_url else "drift check"
    return f"No drift: the latest {check} found no changes (`No changes.`). Closing."


def run_url_from_env(env: Mapping[str, str] | None) -> str | None:
    """The URL of the current workflow run, from GitHub's default environment variables."""
    if not env:
        return None
    server = env.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    repository = env.get("GITHUB_REPOSITORY")
    run_id = env.get("GITHUB_RUN_ID")
    if not repository or not run_id:
        return None
    return f"{server}/{repository}/actions/runs/{run_id}"
