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
#   INPUT_VARIABLES  optional: lines NAME=value, each put in the command's environment
#                    (the ${NAME} of the desired state, e.g. meeting_id: ${INCIDENT_MEETING_ID}),
#                    never in this script's own variables (a NAME such as OUT_DIR changes
#                    nothing here); values taken as written; blank lines and # comments
#                    skipped; a line that is not NAME=value means the command does not run
#   INPUT_KEY        optional, plan only: names this plan (e.g. staging) when a job plans
#                    several desired states: plan.md's marker carries it and its heading
#                    names it, so that `gitops pr-comment` keeps one comment per key
#   OUT_DIR          where plan.md / plan.json / output.txt go; or, unset:
#   OUT_ROOT         a new directory below it is made for them (the composite action: one
#                    per use), here, after the traps below are set
# `plan` always runs as `plan --format markdown --detailed-exitcode --out OUT_DIR/plan.json`
# with the Markdown in OUT_DIR/plan.md; a plan that fails before it can plan (invalid
# desired state, AWS unreachable, a bad option: no Markdown) gets its error messages
# there instead, and exit code 1. Outputs (to $GITHUB_OUTPUT): exit-code, plan-markdown,
# plan-file, output-file. The output and the error messages (stderr, also in OUT_DIR/stderr.txt) go to the job
# summary; `FILE:LINE: message` errors become annotations on the file (the first 9: see
# annotate below): on stderr, bare or
# as `Error: FILE:LINE: message`; on stdout (not plan's Markdown), as `Error: FILE:LINE:
# message`, the way apply's text plan says a plan's errors (each annotation once).
# Inputs it cannot use (a variables line that is not NAME=value, args that do not split)
# mean the command is not run, and count as a command that failed (exit code 1): the same
# outputs, and for plan a plan.md that gives the error, so that with INPUT_FAIL=false the
# PR comment shows it instead of an older commit's plan.
set -euo pipefail

# The command runs in the background, in a process group of its own, and this script
# waits for it: a cancel (GitHub's runner sends SIGINT, then SIGTERM, to the step's shell
# only, which is this script when the step `exec`s it) is forwarded to the command, once,
# so that it stops as it does on Ctrl-C (apply: says what it applied, exit 130), and the
# outputs and job summary below are still written. The traps are set before anything
# else and kept to the end: a cancel that comes before the command starts means it is not
# started (exit 130); one that comes while it starts (after the fork, before its pid is
# known here) is forwarded as soon as the pid is known; one that comes after it ended
# changes nothing (its exit code, outputs and summary are written as they would be), but
# for the `show` of a cut plan below, which is forwarded it as the command is.
tool_pid=""
signals=0
cancelled="" # the first signal's name, once one came
forward() {
    signals=$((signals + 1))
    cancelled="${cancelled:-$1}"
    if [[ -n "$tool_pid" ]]; then kill -s "$1" "$tool_pid" 2>/dev/null || true; fi
}
trap 'forward INT' INT
trap 'forward TERM' TERM

: "${INPUT_COMMAND:?}"
if [[ -z "${OUT_DIR:-}" ]]; then
    : "${OUT_ROOT:?OUT_DIR or OUT_ROOT must be set}"
    mkdir -p "$OUT_ROOT"
    OUT_DIR="$(mktemp -d "$OUT_ROOT/run-XXXXXX")"
fi
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

mkdir -p "$OUT_DIR"
stderr_file="$OUT_DIR/stderr.txt"
not_run="" # why the command is not run: inputs it cannot be run with
not_started="" # why it was not started: cancelled before it started

tool_env=() # NAME=value words for `env`: the command's environment, never this script's
if [[ -n "${INPUT_VARIABLES:-}" ]]; then
    # NAME=value lines (a repository variable or the action's `variables` input): given to
    # the command as written, nothing expanded. A bad line means the command is not run: a plan without
    # the variable would fail on every ${NAME} anyway, with a message that hides the cause.
    # The line is named by number only (a value is never echoed).
    number=0
    while IFS= read -r line || [[ -n "$line" ]]; do
        number=$((number + 1))
        line="${line%$'\r'}"
        if [[ "$line" =~ ^[[:space:]]*(#.*)?$ ]]; then continue; fi
        if [[ "$line" =~ ^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]]; then
            tool_env+=("${BASH_REMATCH[1]}=${BASH_REMATCH[2]}")
        else
            not_run="variables line $number is not NAME=value (NAME: letters, digits and _, not starting with a digit)"
            break
        fi
    done <<<"$INPUT_VARIABLES"
fi

key="${INPUT_KEY:-}"
marker="<!-- chime-reconciler-plan -->" # the error plan's first line
if [[ "$INPUT_COMMAND" == plan && -n "$key" ]] && [[ ! "$key" =~ ^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$ || "$key" == *--* ]]; then
    # checked whatever else is wrong (a bad variables line too): the error plan must
    # never carry a key it refused, nor the plain marker
    key_error="comment-key must be letters, digits and . _ / - (no '--'), starting with a letter or digit, at most 100 characters"
    not_run="${not_run:+$not_run; }$key_error"
    # The error plan gets a marker of its own, which no plan comment has: `gitops
    # pr-comment` refuses to post it, so it never replaces the unkeyed plan's comment
    key=""
    marker="<!-- chime-reconciler-plan rejected-key -->"
fi

extra=()
if [[ -n "${INPUT_ARGS:-}" ]]; then # checked whatever else is wrong: every error named at once
    # shlex splits like a shell without expanding anything; each word NUL-terminated for
    # mapfile. Arguments that do not split (an unclosed quote) mean the command is not run:
    # running it without them (without --target, say) is never what was meant.
    # shellcheck disable=SC2016
    split='
import shlex, sys
try:
    words = shlex.split(sys.argv[1])
except ValueError as exc:
    print(f"args: {exc} in {sys.argv[1]!r}")
    sys.exit(1)
with open(sys.argv[2], "w", encoding="utf-8", errors="surrogateescape") as out:
    out.write("".join(word + "\0" for word in words))
'
    if split_error="$("$PYTHON" -c "$split" "$INPUT_ARGS" "$OUT_DIR/args")"; then
        mapfile -d '' -t extra <"$OUT_DIR/args"
    else
        not_run="${not_run:+$not_run; }${split_error:-args: cannot be split}"
    fi
fi

await() { # waits for process $1 to end, also through a forwarded signal; sets status
    local before
    while :; do
        before="$signals"
        status=0
        wait "$1" || status=$?
        if [[ "$signals" == "$before" ]]; then return; fi # else a trap ended the wait
    done
}
spawn() { # runs "$@" with the variables, in a process group of its own, forwarding signals; sets status
    local command
    # found on this script's PATH, not on a PATH the variables give the command (env
    # would look it up there); a name not found is left to env to report (exit 127)
    command="$(type -P -- "$1")" || command="$1"
    shift
    set -m # its own process group: a Ctrl-C in a terminal reaches it once, through forward
    env "${tool_env[@]}" "$command" "$@" &
    tool_pid=$!
    set +m
    # a signal whose trap ran after the fork but before tool_pid was set
    if [[ -n "$cancelled" ]]; then kill -s "$cancelled" "$tool_pid" 2>/dev/null || true; fi
    await "$tool_pid"
    tool_pid="" # ended: a later signal is no longer its
}
# The command's stdout and stderr go through FIFOs to `tee`, so that both stream to the
# log while it runs and are complete once it ends.
run_tool() { # stdout to $1, stderr to the log and stderr.txt; sets code
    local out="$1" fifo="$OUT_DIR/stderr.fifo" tee_pid
    shift
    rm -f "$fifo"
    mkfifo "$fifo"
    tee "$stderr_file" <"$fifo" >&2 &
    tee_pid=$!
    if [[ -n "$cancelled" ]]; then # cancelled before it started: not started
        not_started="cancelled (SIG$cancelled) before $INPUT_COMMAND started; it was not run"
        echo "chime-reconciler action: $not_started" >"$fifo"
        : >"$out" # (a FIFO's reader waits for a writer to open it)
        code=130
    else
        spawn "$CHIME_BIN" "$@" >"$out" 2>"$fifo"
        code="$status"
    fi
    await "$tee_pid"
    rm -f "$fifo"
}

code=0
status=0
set +e
if [[ "$INPUT_COMMAND" == plan ]]; then rm -f "$OUT_DIR/plan.md" "$OUT_DIR/plan.json"; fi
if [[ -n "$not_run" ]]; then
    echo "::error::chime-reconciler action: $not_run"
    echo "chime-reconciler action: $not_run" >"$stderr_file"
    : >"$OUT_DIR/output.txt"
    code=1
elif [[ "$INPUT_COMMAND" == plan ]]; then
    run_tool "$OUT_DIR/plan.md" "${global[@]}" plan --format markdown --detailed-exitcode \
        --out "$OUT_DIR/plan.json" "${extra[@]}"
    exited="$code"
    # Changes (2) always come with a plan; 2 without one is a usage error (click's exit
    # code for a bad option), which must not read as drift.
    if [[ "$code" == 2 && ! -s "$OUT_DIR/plan.md" ]]; then code=1; fi
else
    # stdout to the log and output.txt, through a FIFO too
    out_fifo="$OUT_DIR/stdout.fifo"
    rm -f "$out_fifo"
    mkfifo "$out_fifo"
    tee "$OUT_DIR/output.txt" <"$out_fifo" &
    out_tee_pid=$!
    run_tool "$out_fifo" "${global[@]}" "$INPUT_COMMAND" "${extra[@]}"
    await "$out_tee_pid"
    rm -f "$out_fifo"
fi
set -e # (the traps stay: a cancel from here on must not kill the step before its outputs)

# `FILE:LINE: message` (the desired-state errors) as annotations on the file, which
# GitHub wants relative to the checkout. On stderr bare (validate, plan) or after `Error: `
# (apply --quiet / --format json); on stdout after `Error: ` only (apply's text plan says
# a plan's errors so, Q-GS-1), never plan's stdout (Markdown, its errors on stderr too).
# The same error said on both is annotated once. GitHub keeps 10 error annotations per
# step (actions/toolkit docs/problem-matchers.md, "Limitations"), the first ones written:
# the first 9 errors are annotated, and the step's own error (written last, below) says
# how many more are in its log, so that none is dropped without a word (Q-GX-3).
ANNOTATED_MAX=9
located=0 # the located errors found (each once)
locate() { # FILE:LINE: message in $1, FILE one that exists (it may hold colons: Q-GX-4); sets where_file where_line where_message
    local head="" rest="$1"
    while [[ "$rest" =~ ^([^:]*):(.*)$ ]]; do
        head+="${BASH_REMATCH[1]}"
        rest="${BASH_REMATCH[2]}"
        if [[ -n "$head" && "$rest" =~ ^([0-9]+):\ (.+)$ && -f "$head" ]]; then
            where_file="$head"
            where_line="${BASH_REMATCH[1]}"
            where_message="${BASH_REMATCH[2]}"
            return 0
        fi
        head+=":"
    done
    return 1
}
annotate() {
    local line file message annotation stream where_file where_line where_message
    local -A relative=() # each file's path relative to the checkout: one realpath per file
    local -A said=()     # the annotations found
    local sources=("$stderr_file")
    if [[ "$INPUT_COMMAND" != plan && -f "$OUT_DIR/output.txt" ]]; then sources+=("$OUT_DIR/output.txt"); fi
    for stream in "${sources[@]}"; do
        while IFS= read -r line; do
            if [[ "$line" == "Error: "* ]]; then
                line="${line#Error: }"
            elif [[ "$stream" != "$stderr_file" ]]; then
                continue
            fi
            if locate "$line"; then
                file="$where_file"
                if [[ -n "${GITHUB_WORKSPACE:-}" && -z "${relative[$file]+set}" ]]; then
                    relative[$file]="$(realpath -m --relative-to="$GITHUB_WORKSPACE" "$file" 2>/dev/null)" \
                        || relative[$file]="$file" # no GNU realpath (macOS): as printed
                fi
                file="${relative[$file]:-$file}"
                file="${file//%/%25}"
                file="${file//,/%2C}"
                message="${where_message//%/%25}"
                annotation="::error file=${file//:/%3A},line=${where_line}::${message//$'\r'/%0D}"
                if [[ -z "${said[$annotation]+set}" ]]; then
                    said[$annotation]=1
                    located=$((located + 1))
                    if ((located <= ANNOTATED_MAX)); then echo "$annotation"; fi
                fi
            fi
        done <"$stream"
    done
}
if [[ "$code" != 0 && -z "$not_run" ]]; then annotate; fi

if [[ "$INPUT_COMMAND" == plan ]]; then
    if [[ "$code" != 0 && "$code" != 2 && ! -s "$OUT_DIR/plan.md" ]]; then
        {
            echo "$marker"
            echo "### Chime membership plan"
            echo
            if [[ -n "$not_run" ]]; then
                echo "**Error:** \`chime-reconciler plan\` was not run: the step's inputs are wrong:"
            elif [[ -n "$not_started" ]]; then
                echo "**Error:** \`chime-reconciler plan\` was not run: the run was cancelled before it started:"
            else
                echo "**Error:** \`chime-reconciler plan\` exited $exited before it could make a plan:"
            fi
            echo
            echo '```text'
            cat "$stderr_file"
            echo '```'
        } >"$OUT_DIR/plan.md"
    fi
    if [[ -n "$key" ]]; then
        # The key in the marker (gitops pr-comment finds this plan's own comment by it) and
        # in the heading (which plan this is, in the comment and the job summary)
        {
            IFS= read -r first || true
            IFS= read -r second || true
            if [[ "$first" == "<!-- chime-reconciler-plan -->" ]]; then
                first="<!-- chime-reconciler-plan key=$key -->"
            fi
            if [[ "$second" == "### Chime membership plan" ]]; then second+=": \`$key\`"; fi
            printf '%s\n%s\n' "$first" "$second"
            cat
        } <"$OUT_DIR/plan.md" >"$OUT_DIR/plan.md.keyed"
        mv "$OUT_DIR/plan.md.keyed" "$OUT_DIR/plan.md"
    fi
    cat "$OUT_DIR/plan.md"
    # A Markdown plan over 60,000 characters is cut, its note pointing at the job log for
    # the whole plan: the log gets it, as text, from the saved plan
    if [[ -f "$OUT_DIR/plan.json" ]] && grep -q '^> Truncated to stay under' "$OUT_DIR/plan.md"; then
        echo
        echo "The Markdown plan above was cut; the whole plan (chime-reconciler show):"
        if [[ -z "$cancelled" ]]; then # a cancel while it runs is forwarded to it
            spawn "$CHIME_BIN" --no-color show "$OUT_DIR/plan.json"
        else
            echo "(not shown: the run was cancelled)"
        fi
    fi
    cat "$OUT_DIR/plan.md" >>"$GITHUB_STEP_SUMMARY"
    echo "plan-markdown=$OUT_DIR/plan.md" >>"$GITHUB_OUTPUT"
    if [[ -f "$OUT_DIR/plan.json" ]]; then
        echo "plan-file=$OUT_DIR/plan.json" >>"$GITHUB_OUTPUT"
    fi
    failed=true
    if [[ "$code" == 0 || "$code" == 2 ]]; then failed=false; fi
else
    {
        if [[ -n "$not_run$not_started" ]]; then
            echo "### chime-reconciler $INPUT_COMMAND (not run)"
        else
            echo "### chime-reconciler $INPUT_COMMAND (exit $code)"
        fi
        echo
        echo '```text'
        cat "$OUT_DIR/output.txt" "$stderr_file"
        echo '```'
    } >>"$GITHUB_STEP_SUMMARY"
    echo "output-file=$OUT_DIR/output.txt" >>"$GITHUB_OUTPUT"
    failed=true
    if [[ "$code" == 0 ]]; then failed=false; fi
fi
echo "exit-code=$code" >>"$GITHUB_OUTPUT"

# the errors past GitHub's 10 per step, said in the step's own error (located errors come
# only with a failed step: plan prints them only for a plan with errors, exit 1)
unannotated=""
if ((located > ANNOTATED_MAX)); then
    others=$((located - ANNOTATED_MAX))
    the_others="the other $others are"
    if ((others == 1)); then the_others="the other one is"; fi
    unannotated=": $located located errors, the first $ANNOTATED_MAX annotated; $the_others in this step's log (GitHub shows 10 error annotations per step)"
fi

if [[ "$failed" == true ]]; then
    if [[ -n "$not_started" ]]; then
        echo "::error::chime-reconciler action: $not_started"
    elif [[ -z "$not_run" ]]; then
        echo "::error::chime-reconciler $INPUT_COMMAND exited $code$unannotated"
    fi
    if [[ "${INPUT_FAIL:-true}" == true ]]; then exit 1; fi
fi
exit 0
