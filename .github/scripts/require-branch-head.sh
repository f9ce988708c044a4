#!/usr/bin/env bash
# Refuses (exit 1) to go on when the checked-out commit's desired state is no longer the
# branch head's: apply.yml runs it before `apply`. A re-run ("Re-run jobs") of an older
# apply run keeps that run's commit (GITHUB_SHA); applying it would undo every merge
# applied since. Runs queued by pushes apply in order, and the newest waiting one is the
# branch head, so only re-runs (and a run whose head moved on meanwhile) are refused.
# A head that moved on without changing the desired state (a README commit) is no reason
# to refuse: that commit's desired state is the head's.
#   GITHUB_SHA     the commit checked out (the run's)
#   BRANCH         the branch (default main)       DESIRED  desired-state directory
#   REMOTE         where to fetch the head (default origin)   (default desired-state)
#   GITHUB_TOKEN   optional: sent as git's HTTP authorization header (env, never argv)
# Writes the refusal to the log (::error::) and the job summary.
set -euo pipefail

: "${GITHUB_SHA:?}"
BRANCH="${BRANCH:-main}"
DESIRED="${DESIRED:-desired-state}"
REMOTE="${REMOTE:-origin}"
GITHUB_STEP_SUMMARY="${GITHUB_STEP_SUMMARY:-/dev/null}"

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
    exit 0
fi
ours="$(git rev-parse --verify --quiet "$GITHUB_SHA:$DESIRED" || true)"
theirs="$(git rev-parse --verify --quiet "$head:$DESIRED" || true)"
if [[ -n "$ours" && "$ours" == "$theirs" ]]; then
    echo "$BRANCH has moved on to $head, with the same $DESIRED/ as $GITHUB_SHA: applying it."
    exit 0
fi
refuse "this run is for commit $GITHUB_SHA, an older commit of $BRANCH, whose $DESIRED/ differs from $BRANCH's head $head: applying it would undo what was merged since (a re-run of an older apply run keeps that run's commit). Nothing was applied. To apply $BRANCH as it is, run the apply workflow (Actions > apply > Run workflow) instead."
