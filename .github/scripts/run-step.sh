#!/usr/bin/env bash
# Runs one chime-reconciler command the way the workflows and the composite action
# (action.yml) do, and reports its exit code. Inputs come as environment variables, never
# as ${{ }} in the script:
#   CHIME_BIN        the chime-reconciler executable (default: chime-reconciler on PATH)
#   PYTHON           a Python (default: python3), to split INPUT_ARGS
#   INPUT_COMMAND    validate | plan | apply | show | import | audit | ...
#   INPUT_DESIRED    desired-state directory        INPUT_ENDPOINT_URL  optional
#   INPUT_REGION     optional (else $AWS_REGION, else the tool's default)
#   INPUT_ARGS       extra arguments, split as a shell would (quotes honoured, nothing
#                    expanded)
#   INPUT_FAIL       "true": exit 1 when the command fails (for plan: exit code 1)
#   OUT_DIR          where plan.md / plan.json / output.txt go
# `plan` always runs as `plan --format markdown --detailed-exitcode --out OUT_DIR/plan.json`
# with the Markdown in OUT_DIR/plan.md. Outputs (to $GITHUB_OUTPUT): exit-code,
# plan-markdown, plan-file, output-file. The output also goes to the job summary.
set -euo pipefail

: "${INPUT_COMMAND:?}" "${OUT_DIR:?}"
CHIME_BIN="${CHIME_BIN:-chime-reconciler}"
PYTHON="${PYTHON:-python3}"
GITHUB_OUTPUT="${GITHUB_OUTPUT:-/dev/null}"
GITHUB_STEP_SUMMARY="${GITHUB_STEP_SUMMARY:-/dev/null}"

if [[ ! "$INPUT_COMMAND" =~ ^[a-z][a-z-]*$ ]]; then
    echo "::error::chime-reconciler action: command must be a command name, got: $INPUT_COMMAND"
    exit 1
fi

global=(--no-color)
if [[ -n "${INPUT_DESIRED:-}" ]]; then global+=(--desired "$INPUT_DESIRED"); fi
if [[ -n "${INPUT_ENDPOINT_URL:-}" ]]; then global+=(--endpoint-url "$INPUT_ENDPOINT_URL"); fi
region="${INPUT_REGION:-${AWS_REGION:-}}"
if [[ -n "$region" ]]; then global+=(--region "$region"); fi

extra=()
if [[ -n "${INPUT_ARGS:-}" ]]; then
    # shlex splits like a shell without expanding anything; NUL-separated for mapfile.
    mapfile -d '' -t extra < <(
        "$PYTHON" -c \
            'import shlex, sys; sys.stdout.write("\0".join(shlex.split(sys.argv[1])))' \
            "$INPUT_ARGS"
    )
fi

mkdir -p "$OUT_DIR"
code=0
if [[ "$INPUT_COMMAND" == plan ]]; then
    rm -f "$OUT_DIR/plan.md" "$OUT_DIR/plan.json"
    "$CHIME_BIN" "${global[@]}" plan --format markdown --detailed-exitcode \
        --out "$OUT_DIR/plan.json" "${extra[@]}" >"$OUT_DIR/plan.md" || code=$?
    cat "$OUT_DIR/plan.md"
    cat "$OUT_DIR/plan.md" >>"$GITHUB_STEP_SUMMARY"
    echo "plan-markdown=$OUT_DIR/plan.md" >>"$GITHUB_OUTPUT"
    if [[ -f "$OUT_DIR/plan.json" ]]; then
        echo "plan-file=$OUT_DIR/plan.json" >>"$GITHUB_OUTPUT"
    fi
    failed=true
    if [[ "$code" == 0 || "$code" == 2 ]]; then failed=false; fi
else
    set +e
    "$CHIME_BIN" "${global[@]}" "$INPUT_COMMAND" "${extra[@]}" | tee "$OUT_DIR/output.txt"
    code="${PIPESTATUS[0]}"
    set -e
    {
        echo "### chime-reconciler $INPUT_COMMAND (exit $code)"
        echo
        echo '```text'
        cat "$OUT_DIR/output.txt"
        echo '```'
    } >>"$GITHUB_STEP_SUMMARY"
    echo "output-file=$OUT_DIR/output.txt" >>"$GITHUB_OUTPUT"
    failed=true
    if [[ "$code" == 0 ]]; then failed=false; fi
fi
echo "exit-code=$code" >>"$GITHUB_OUTPUT"

if [[ "$failed" == true ]]; then
    echo "::error::chime-reconciler $INPUT_COMMAND exited $code"
    if [[ "${INPUT_FAIL:-true}" == true ]]; then exit 1; fi
fi
exit 0
