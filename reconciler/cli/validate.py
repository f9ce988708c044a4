"""`chime-reconciler validate`: offline checks of the desired state (no AWS call), with
the governance policy (longest grants, reasons) and whether CODEOWNERS is current."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import click

from reconciler import kinds
from reconciler.cli import codeowners
from reconciler.cli.codeowners import unchecked
from reconciler.cli.context import AppContext, pass_app
from reconciler.desired.loader import load_desired
from reconciler.desired.messages import closest
from reconciler.desired.model import DesiredState, DesiredTarget
from reconciler.errors import DesiredStateError, Problem, UsageError
from reconciler.governance import policy
from reconciler.governance.expiry import as_of, expiring
from reconciler.governance.grant import parse_duration
from reconciler.prose import counted
from reconciler.refs import Location
from reconciler.runner import on_interrupt


def plural(n: int, noun: str) -> str:
    return counted(n, noun)


@click.command()
@click.option(
    "--max-duration",
    "max_durations",
    multiple=True,
    metavar="[KEY=]DURATION",
    help="Refuse grants longer than this from today (90d, 12w), for every role or for one "
    "list key (administrators=30d; repeatable). Overrides settings.yaml max_grant_days.",
)
@pass_app
@on_interrupt("validate", "nothing was changed (validate only reads the desired-state files)")
def validate(app: AppContext, max_durations: tuple[str, ...]) -> None:
    """Check the desired-state files offline: no AWS call, no credentials needed.

    Prints what it read (`Desired state is valid: 4 rooms, 1 channel, 1 channel
    moderator list, 22 memberships in 6 files.`) and exits 0, or
    prints every problem as FILE:LINE: PATH: MESSAGE on stderr, then
    `Desired state is invalid: N errors.`, and exits 1.

    Besides the files' own errors: grants longer than settings.yaml `max_grant_days`
    (or --max-duration), paths to elevated roles without a reason when
    `require_reason: true`, and a CODEOWNERS out of date with `owners:`. Entries that
    have expired, or end within `expiry_warning_days`, are listed as warnings.

    \b
    Examples:
      chime-reconciler validate                       # ./desired-state
      chime-reconciler --desired DIR validate         # or: validate --desired DIR
      chime-reconciler -v validate                    # also list each target
      chime-reconciler validate --max-duration 90d    # no grant beyond 90 days
      chime-reconciler validate --max-duration administrators=30d
    """
    try:
        loaded = load_desired(app.desired_dir, app.now)  # reported by the CLI's one handler
    except DesiredStateError as invalid:
        # with the members groups bring into targets that refuse them: every problem in
        # one run (the policy and CODEOWNERS checks need the whole state: they wait)
        more = reached_problems(invalid.targets)
        if more:
            raise DesiredStateError([*invalid.problems, *more]) from None
        raise
    state = as_of(loaded, app.now)
    limits = _limits(max_durations, state.policy.max_grant_days)
    problems: list[Problem] = policy.check(
        state.targets, app.now, limits, state.policy.require_reason
    )
    problems += reached_problems(state.targets)
    problems += codeowners.problems(state, app.desired_dir)
    # before the errors, as plan prints them: a grant that ends today is news to whoever
    # fixes a policy error (QA-HE Q-HE-4: they were dropped while any error stood)
    for line in _warnings(state, app):
        click.echo(f"Warning: {line}", err=True)
    if problems:
        raise DesiredStateError(problems)
    no_repository = unchecked(state, app.desired_dir)
    if no_repository:
        click.echo(f"Warning: {no_repository}", err=True)
    if app.verbose:
        for target in state.targets:
            prune = ", prune" if target.prune else ""
            words = kinds.get(target.key.kind).words
            where = f"{words.scope} {target.key.scope}{prune}"
            n = len(target.members)
            members = counted(n, *words.member)
            name = f"{words.noun} {target.key.name}"
            click.echo(f"  {name} ({where}): {members}  [{target.location}]")
    click.echo(
        f"Desired state is valid: {_targets(state.targets)}, "
        f"{plural(state.membership_count, 'membership')} in {plural(len(state.files), 'file')}."
    )


def reached_problems(targets: Sequence[DesiredTarget]) -> list[Problem]:
    """Members a group brings into a target of a kind that would refuse them
    (``Kind.member_problem``: a meeting attendee's ExternalUserId over 64 characters), at
    the line where each is written, naming the target and the group; written directly in
    the target, the loader reports them already."""
    problems = []
    for t in targets:
        kind = kinds.get(t.key.kind)
        if kind.member_problem is None:
            continue
        for m in t.members:
            paths = [p for p in m.provenance if p.via]
            why = kind.member_problem(m.ref) if paths else None
            for p in paths if why else ():
                message = f"{kind.words.noun} {t.key.name}: {m.ref} (through {p.chain}): {why}"
                problems.append(Problem(p.where, message))
    return sorted(set(problems), key=lambda p: (p.location or Location("", 0), p.message))


def _targets(targets: Sequence[DesiredTarget]) -> str:
    """Each kind declared, counted alike (``4 rooms, 1 channel``), the kinds of one
    section together (a channel and its moderators); ``0 targets`` when none is."""
    counts = Counter(t.key.kind for t in targets)
    parts = []
    for section in kinds.sections().values():
        for kind in section:
            n = counts.get(kind.id, 0)
            if n:
                parts.append(kind.words.count(n))
    return ", ".join(parts) or "0 targets"


def _limits(given: tuple[str, ...], settings: tuple[tuple[str, int], ...]) -> policy.Limits:
    """--max-duration when given, keys checked (else the settings' limits: the loader
    checked their keys, at their lines)."""
    if not given:
        return policy.Limits(dict(settings))
    days: dict[str, int] = {}
    texts: dict[str, str] = {}  # the first text given for each key
    known = policy.list_keys()
    for text in given:
        key, equals, duration = text.rpartition("=")
        key = key.strip()
        if equals and not key:
            raise UsageError(f"--max-duration {text}: no list key before '=' (KEY=DAYS or DAYS)")
        try:
            limit = parse_duration(duration)
        except ValueError as exc:
            raise UsageError(f"--max-duration {text}: {exc}") from None
        if key and key not in known:
            suggestion = closest(key, known)
            hint = f"did you mean {suggestion!r}?" if suggestion else f"one of: {', '.join(known)}"
            raise UsageError(f"--max-duration {text}: unknown list key {key!r} ({hint})")
        key = key or policy.EVERY_ROLE
        if key in days and days[key] != limit:
            what = "for every role" if key == policy.EVERY_ROLE else f"for {key}"
            raise UsageError(
                f"--max-duration given twice {what}: {texts[key]} and {text}; give one"
            )
        days[key], texts[key] = limit, text
    return policy.Limits(days, source="--max-duration")


def _warnings(state: DesiredState, app: AppContext) -> list[str]:
    days = state.policy.expiry_warning_days
    lines = [f"{e.message()}" for e in expiring(state.targets, app.now, days)]
    lines += policy.expired_notes(state.targets)
    lines += policy.protection_notes(state, app.now, days)  # in no target (Q-CY-7)
    return lines


COMMANDS = [validate]
