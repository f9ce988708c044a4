#!/usr/bin/env bash
# The drift workflow's merge step: `merge-plans` over every shard's saved plan
# (OUT_DIR/shards/*/plan.json, one directory per downloaded artifact) ->
# OUT_DIR/plan.md (Markdown, as `plan --format markdown` writes it) and OUT_DIR/plan.json,
# with the exit code `plan --detailed-exitcode` would have had: 0 no drift, 2 drift,
# 1 refused (a shard missing or given twice, files of different runs) or the merged plan
# has errors. Outputs (to $GITHUB_OUTPUT): exit-code, plan-markdown, plan-file. The
# Markdown (or the error) goes to the job summary. A shard whose plan job made no plan is
# named (`plan K/N made no plan`), with the first line of the error its job uploaded
# (OUT_DIR/shards/chime-drift-shard-K/stderr.txt), when it uploaded one.
#   CHIME_BIN  the chime-reconciler executable (default: chime-reconciler on PATH)
#   SHARDS     the number of plan jobs (N), to name those that made no plan (optional)
set -euo pipefail

: "${OUT_DIR:?}"
CHIME_BIN="${CHIME_BIN:-chime-reconciler}"
GITHUB_OUTPUT="${GITHUB_OUTPUT:-/dev/null}"
GITHUB_STEP_SUMMARY="${GITHUB_STEP_SUMMARY:-/dev/null}"

shopt -s nullglob
files=("$OUT_DIR"/shards/*/plan.json)
rm -f "$OUT_DIR/plan.md" "$OUT_DIR/plan.json"

# The plan jobs that made no plan (Q-BH-5), each with the first line of its error
no_plans() {
    local k dir first
    [[ "${SHARDS:-}" =~ ^[1-9][0-9]*$ ]] || return 0
    for ((k = 1; k <= SHARDS; k++)); do
        dir="$OUT_DIR/shards/chime-drift-shard-$k"
        [[ -f "$dir/plan.json" ]] && continue
        first=""
        if [[ -s "$dir/stderr.txt" ]]; then
            first="$(head -n 1 "$dir/stderr.txt")"
            first="${first//"${GITHUB_WORKSPACE:-/nonexistent}/"/}" # paths as in the repository
        fi
        echo "plan $k/$SHARDS made no plan (its job's log has the errors)${first:+: $first}"
    done
}

code=0
if ((${#files[@]} == 0)); then
    {
        echo "no shard's plan was downloaded: no plan job made a plan"
        no_plans
    } >"$OUT_DIR/stderr.txt"
    code=1
else
    set +e
    "$CHIME_BIN" --no-color merge-plans "${files[@]}" --format markdown --detailed-exitcode \
        --out "$OUT_DIR/plan.json" 2>"$OUT_DIR/stderr.txt" >"$OUT_DIR/plan.md"
    code=$?
    set -e
    # drift (2) always comes with a plan; 2 without one is a usage error (click's code)
    if [[ "$code" == 2 && ! -s "$OUT_DIR/plan.md" ]]; then code=1; fi
    no_plans >>"$OUT_DIR/stderr.txt"
fi
cat "$OUT_DIR/stderr.txt" >&2
if [[ "$code" != 0 && "$code" != 2 ]]; then
    code=1
    if [[ ! -s "$OUT_DIR/plan.md" ]]; then
        {
            echo "### Chime membership plan"
            echo
            echo "**Error:** the shards' plans could not be merged:"
            echo
            echo '```text'
            cat "$OUT_DIR/stderr.txt"
            echo '```'
        } >"$OUT_DIR/plan.md"
    fi
fi
# A Markdown plan over 60,000 characters is cut, its note pointing at the job log for the
# whole plan: the log gets it, as text, from the merged saved plan
if [[ -f "$OUT_DIR/plan.json" ]] && grep -q '^> Truncated to stay under' "$OUT_DIR/plan.md"; then
    echo "The Markdown plan (job summary, drift issue) was cut; the whole plan (chime-reconciler show):"
    "$CHIME_BIN" --no-color show "$OUT_DIR/plan.json" || true
fi
cat "$OUT_DIR/plan.md" >>"$GITHUB_STEP_SUMMARY"
{
    echo "exit-code=$code"
    echo "plan-markdown=$OUT_DIR/plan.md"
    if [[ -f "$OUT_DIR/plan.json" ]]; then echo "plan-file=$OUT_DIR/plan.json"; fi
} >>"$GITHUB_OUTPUT"
exit 0
