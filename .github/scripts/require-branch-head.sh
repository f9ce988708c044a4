#!/usr/bin/env bash
# Refuses (exit 1) to go on when the checked-out commit's desired state is no longer the
# branch head's: apply.yml runs it before `apply`. A re-run ("Re-run jobs") of an older
# apply run keeps that run's commit (GITHUB_SHA); applying it would undo every merge
# applied since. Runs queued by pushes apply in order, and the newest waiting one is the
# branch head's, so a run whose head moved on meanwhile (two merges a minute apart) is
# superseded: it says so in a notice, applies nothing and succeeds (apply=false), since
# the run of the newer push applies the branch as it is. That is so only for a run's first
# attempt (GITHUB_RUN_ATTEMPT 1) of a push, a workflow_dispatch or a schedule (apply.yml's
# optional one), and only when git shows that a newer push started a run: every commit
# after GITHUB_SHA up to the head is fetched (at most DEPTH commits back from the head)
# and none may say to skip CI ([skip ci], [ci skip], [no ci], [skip actions], [actions
# skip], skip-checks: true; any case, in any commit, not only the head: a skipped
# desired-state commit followed by a README commit starts no run, as apply.yml's paths
# filter ignores the README one), nor be made by github-actions[bot] (a push with a
# workflow's GITHUB_TOKEN starts no run). Anything else (the run's commit not found within
# DEPTH, a fetch that fails) is refused as before, as is a re-run (attempt 2 on). What git
# cannot show is not seen: a push made with GITHUB_TOKEN under another committer name, a
# newer run cancelled by hand, a disabled workflow. There, too, the run says superseded;
# the notice says so.
# A head that moved on without changing the desired state (a README commit) is no reason
# to refuse: that commit's desired state is the head's.
#   GITHUB_SHA     the commit checked out (the run's)
#   GITHUB_EVENT_NAME, GITHUB_RUN_ATTEMPT   as GitHub sets them (push, 1: a push's own run)
#   GITHUB_REF     the run's ref: a run of another ref whose desired state is not the
#                  head's is refused (no run of BRANCH is queued to apply it); unset: BRANCH
#   BRANCH         the branch (default main)       DESIRED  desired-state directory
#   REMOTE         where to fetch the head (default origin)   (default desired-state)
#   DEPTH          how many commits back from the head to look for GITHUB_SHA (default 200)
#   GITHUB_TOKEN   optional: sent as git's HTTP authorization header (env, never argv)
# Writes apply=true (go on: apply) or apply=false (superseded) to $GITHUB_OUTPUT, and the
# refusal or the notice to the log and the job summary.
set -euo pipefail

: "${GITHUB_SHA:?}"
BRANCH="${BRANCH:-main}"
DESIRED="${DESIRED:-desired-state}"
REMOTE="${REMOTE:-origin}"
DEPTH="${DEPTH:-200}"
GITHUB_STEP_SUMMARY="${GITHUB_STEP_SUMMARY:-/dev/null}"
GITHUB_OUTPUT="${GITHUB_OUTPUT:-/dev/null}"

refuse() {
    echo "::error::$1"
    printf '### chime-reconciler apply (not run)\n\n%s\n' "$1" >>"$GITHUB_STEP_SUMMARY"
    exit 1
}

if [[ -n "${GITHUB_TOKEN:-}" ]]; then
    basic="$(printf 'x-access-token:%s' "$GITHUB_TOKEN" | base64 | tr -d '\n')"
    echo "::add-mask::$basic"
    export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=http.extraheader
    export GIT_CONFIG_VALUE_0="AUTHORIZATION: basic $basic"
fi
if ! git fetch --quiet --no-tags --depth=1 "$REMOTE" "+refs/heads/$BRANCH:refs/chime-reconciler/head"; then
    refuse "cannot fetch the head of $BRANCH, so cannot tell whether commit $GITHUB_SHA is still what $BRANCH says; nothing was applied"
fi
head="$(git rev-parse refs/chime-reconciler/head)"
if [[ "$head" == "$GITHUB_SHA" ]]; then
    echo "Commit $GITHUB_SHA is the head of $BRANCH."
    echo "apply=true" >>"$GITHUB_OUTPUT"
    exit 0
fi
ours="$(git rev-parse --verify --quiet "$GITHUB_SHA:$DESIRED" || true)"
theirs="$(git rev-parse --verify --quiet "$head:$DESIRED" || true)"
if [[ -n "$ours" && "$ours" == "$theirs" ]]; then
    echo "$BRANCH has moved on to $head, with the same $DESIRED/ as $GITHUB_SHA: applying it."
    echo "apply=true" >>"$GITHUB_OUTPUT"
    exit 0
fi
# Superseded holds only for a run of BRANCH itself: a run dispatched on another branch
# (one cut before BRANCH's last merge) has no run of BRANCH queued behind it.
ref="${GITHUB_REF:-refs/heads/$BRANCH}"
if [[ "$ref" != "refs/heads/$BRANCH" ]]; then
    if [[ "$ref" == refs/heads/* ]]; then on="branch ${ref#refs/heads/}"; else on="$ref"; fi
    refuse "this run is for $on, not $BRANCH: its commit $GITHUB_SHA's $DESIRED/ differs from $BRANCH's head $head, and no run of $BRANCH is known to apply $BRANCH. Nothing was applied. To apply $BRANCH as it is, run the apply workflow on $BRANCH (Actions > apply > Run workflow, branch $BRANCH)."
fi
event="${GITHUB_EVENT_NAME:-}"
attempt="${GITHUB_RUN_ATTEMPT:-}"
case "$event" in
push) this="this push's run" ;;
workflow_dispatch) this="this dispatched run" ;;
schedule) this="this scheduled run" ;;
*) this="this $event run" ;;
esac
if [[ "$attempt" =~ ^[0-9]+$ && "$attempt" -gt 1 ]]; then
    why="this is attempt $attempt: a re-run of an older apply run keeps that run's commit"
elif [[ "$attempt" != 1 || ( "$event" != push && "$event" != workflow_dispatch && "$event" != schedule ) ]]; then
    why="$this is not a push's, a dispatch's or a schedule's first attempt, so no newer run is known to apply $BRANCH"
elif ! [[ "$DEPTH" =~ ^[1-9][0-9]*$ ]] ||
    ! git fetch --quiet --no-tags --depth="$DEPTH" "$REMOTE" "+refs/heads/$BRANCH:refs/chime-reconciler/head" ||
    [[ "$(git rev-parse refs/chime-reconciler/head)" != "$head" ]] ||
    ! git merge-base --is-ancestor "$GITHUB_SHA" "$head" 2>/dev/null; then
    why="$this's commit was not found among the last $DEPTH commits of $BRANCH (or they could not be fetched), so whether a newer push started an apply run cannot be told"
elif skipped="$(git log --format='%H %s' -i -E --grep='\[(skip ci|ci skip|no ci|skip actions|actions skip)\]' --grep='skip-checks: ?true' "$GITHUB_SHA..$head")" && [[ -n "$skipped" ]]; then
    why="a newer commit says to skip CI in its message, so its push may have started no apply run: ${skipped%%$'\n'*}"
elif bot="$(git log --format='%H %an <%ae> / %cn <%ce>' "$GITHUB_SHA..$head" | grep -F 'github-actions[bot]' || true)" && [[ -n "$bot" ]]; then
    why="a newer commit was made by github-actions[bot], and a push with a workflow's GITHUB_TOKEN starts no apply run: ${bot%%$'\n'*}"
else
    said="superseded by $head: newer pushes to $BRANCH changed $DESIRED/ since $this's commit $GITHUB_SHA, and none of them says to skip CI, so the apply run of the newest push that changed it (queued behind this one) applies $BRANCH as it is then. Nothing was applied by this run, and nothing needs doing, unless that run was cancelled, the workflow is disabled, or the push was made with a workflow's GITHUB_TOKEN (which starts no run, and git cannot always tell): if no newer apply run shows in Actions, run the apply workflow (Actions > apply > Run workflow)."
    echo "::notice title=Apply superseded::$said"
    printf '### chime-reconciler apply (superseded)\n\n%s\n' "$said" >>"$GITHUB_STEP_SUMMARY"
    echo "apply=false" >>"$GITHUB_OUTPUT"
    exit 0
fi
refuse "this run is for commit $GITHUB_SHA, an older commit of $BRANCH, whose $DESIRED/ differs from $BRANCH's head $head: applying it would undo what was merged since ($why). Nothing was applied. To apply $BRANCH as it is, run the apply workflow (Actions > apply > Run workflow) instead."
