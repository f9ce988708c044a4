"""Applying a saved plan (``apply PLAN_FILE``): the --desired, --endpoint-url and --region
it was made with, and the plan made again now (as of the clock: ``reconciler.cli.moment``),
refused unless it is exactly the saved plan (``plancheck``): stale when the desired state
or the live state moved on, made as of another moment when an ``until:`` falls between its
--now (or when it was made) and the clock, edited when it says what they do not. A target
that ended since on its own (a meeting: ``Kind.ends``) is no staleness: its changes are
left out (``Plan.left_out``), reported not applied."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import click

from reconciler.cli.context import AppContext
from reconciler.cli.pipeline import Session
from reconciler.cli.plan_again import plan_again
from reconciler.errors import ReconcilerError, UsageError
from reconciler.governance.expiry import Expiring, ended_between, ending_between, passed_words
from reconciler.governance.grant import moment_text, parse_moment
from reconciler.loopback import is_loopback_url
from reconciler.os_text import os_form, text_of
from reconciler.path_checks import is_dir
from reconciler.plan import Plan, TargetPlan
from reconciler.plancheck import compare
from reconciler.plandecode import origin_differs
from reconciler.planfile import PlanFileError, read_origin
from reconciler.planner import expiry_notes
from reconciler.prose import counted
from reconciler.providers import EnvironmentIds
from reconciler.redact import check_endpoint_url, has_secrets, redact_url
from reconciler.refs import TargetKey
from reconciler.render.safe import shown

CHECKING = "Checking the saved plan is current"
ExpiredSince = tuple[dt.datetime | None, tuple[Expiring, ...]]


class StalePlanError(ReconcilerError):
    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"Saved plan is stale: {'; '.join(self.reasons)}; run plan again."


class SavedPlanErrorsError(ReconcilerError):
    """A saved plan with errors (``plan --out`` said apply would refuse it): never applied,
    as plain ``apply`` never applies a plan with errors, whatever its targets change."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = list(errors)
        super().__init__(str(self))

    def __str__(self) -> str:
        n = len(self.errors)
        lines = [f"Nothing was applied: the saved plan has {counted(n, 'error')}:"]
        lines += [f"  {e}" for e in self.errors]
        return "\n".join([*lines, f"Fix {'them' if n > 1 else 'it'}, then run plan again."])


class EnvironmentChangedError(ReconcilerError):
    """A target named through an environment variable (``meeting_id: ${VAR}``) that the
    variable no longer names: neither stale nor edited, and nothing was read."""

    def __init__(self, reasons: Sequence[str]) -> None:
        self.reasons = list(reasons)
        super().__init__(str(self))

    def __str__(self) -> str:
        if len(self.reasons) == 1:
            what, were, them = "an environment variable the desired state reads is", "it was", "it"
        else:
            what, were, them = (
                "environment variables the desired state reads are",
                "they were",
                "them",
            )
        head = f"Nothing was applied: {what} not what {were} when the plan was made:"
        tail = f"Set {them} as {were}, or run plan again."
        return "\n".join([head, *(f"  {r}" for r in self.reasons), tail])


class EditedPlanError(ReconcilerError):
    """A saved plan that says what the desired state and the live state do not."""

    def __init__(self, reasons: Sequence[str]) -> None:
        self.reasons = list(reasons)
        super().__init__(str(self))

    def __str__(self) -> str:
        lines = [
            "Saved plan does not match the plan the desired state and the live state make "
            "now (was it edited?); nothing was applied:"
        ]
        return "\n".join([*lines, *(f"  {r}" for r in self.reasons), "Run plan again."])


class NotYetError(ReconcilerError):
    """A saved plan made with a --now that has not come yet, whose expiries then call for
    changes the clock does not: applied now, it would end access before its ``until:``
    (QA3 Q23). Not an edited file."""

    def __init__(
        self,
        made_at: dt.datetime,
        now: dt.datetime,
        pending: Sequence[Expiring],
        reasons: Sequence[str],
    ):
        self.made_at = made_at
        self.now = now
        self.pending = list(pending)
        self.reasons = list(reasons)
        super().__init__(str(self))

    def __str__(self) -> str:
        made = moment_text(self.made_at)
        head = (
            f"Saved plan was made as of --now {made}, which has not come yet (it is "
            f"{moment_text(self.now.replace(microsecond=0))}): applied now it would end "
            "access before its `until:`, so nothing was applied:"
        )
        return "\n".join(
            [
                head,
                *(f"  not ended yet: {e.message()}" for e in self.pending),
                *(f"  {r}" for r in self.reasons),
                f"Apply it once {made} has come, or run plan again (without --now).",
            ]
        )


class ExpiredSincePlanError(ReconcilerError):
    """A saved plan made as of the clock (or of a --now that has passed: ``given``), some
    ``until:`` of whose targets has passed since: the desired state calls for other
    changes now; the file was not edited."""

    def __init__(
        self,
        made: dt.datetime,
        ended: Sequence[Expiring],
        reasons: Sequence[str],
        given: bool = False,
    ):
        self.made = made
        self.ended = list(ended)
        self.reasons = list(reasons)
        self.given = given
        super().__init__(str(self))

    def __str__(self) -> str:
        what = passed_words(self.ended)
        made = (
            f"as of --now {moment_text(self.made)}"
            if self.given
            else f"at {moment_text(self.made)}"
        )
        head = (
            f"Saved plan was made {made}; since then {what}, so the "
            "desired state calls for other changes, and nothing was applied:"
        )
        return "\n".join(
            [
                head,
                *(f"  ended: {e.ended_message()}" for e in self.ended),
                *(f"  {r}" for r in self.reasons),
                "Run plan again: a plan made now leaves out what ended (review it again).",
            ]
        )


def use_origin(app: AppContext, plan_file: Path) -> dt.datetime | None:
    """The --desired, --endpoint-url and --region the saved plan was made with, unless
    given now (on the command line or in the environment; a --region other than the
    recorded one is refused: ``_refuse_other_region``). Returns the --now it was made
    with (None: as of the clock then): never used to apply it (apply evaluates `until:`
    at the clock, ``reconciler.cli.moment``), only to say why a plan made now differs."""
    origin = read_origin(plan_file)
    made_at = _recorded_now(origin, plan_file)
    _refuse_unknown_origin(app, plan_file, origin_differs(origin))
    used = []
    desired = origin.get("desired")  # text: the system's form of it is another (Q-HE-2)
    if desired and "desired_dir" not in app.explicit:
        desired = os_form(desired)
        if not is_dir(desired):  # not "Desired state is invalid" (QA3 Q19)
            here = "" if Path(desired).is_absolute() else f" (from {shown(str(Path.cwd()))})"
            raise UsageError(  # one line: a line break in the file's text escaped (Q-CZ-9),
                # in the plan's name or the current directory's (Q-DM-3)
                f"{shown(str(plan_file))} was made with --desired {shown(desired)}, which is not a "
                f"directory here{here}; give --desired DIR: the directory the plan was made from"
            )
        if not _same_directory(desired, app):
            app.desired_dir = _near(desired)
            used.append(f"--desired {text_of(str(app.desired_dir))}")
    endpoint = origin.get("endpoint_url")
    if endpoint and "endpoint_url" not in app.explicit and endpoint != app.endpoint_url:
        if not is_loopback_url(endpoint):
            # a plan file is data anyone could edit: it never sends the caller's AWS
            # credentials to an endpoint by itself (only a local emulator is taken from it)
            raise UsageError(
                f"{plan_file} was made against --endpoint-url {redact_url(endpoint)}; give "
                "--endpoint-url to apply it there (a saved plan never chooses a remote "
                "endpoint by itself)"
            )
        if has_secrets(endpoint):  # stored masked (``AppContext.origin``): not usable
            raise UsageError(
                f"{plan_file} was made against --endpoint-url {redact_url(endpoint)}, whose "
                "user, password and query values a plan file never stores; give "
                "--endpoint-url to apply it"
            )
        # checked before it is named: the note would name it reparsed (urllib drops a line
        # break), the refusal as recorded, two URLs (Q-DM-4)
        app.endpoint_url = check_endpoint_url(endpoint)
        used.append(f"--endpoint-url {redact_url(endpoint)}")
    region = origin.get("region")
    if region and region != app.region:
        if "region" in app.explicit:  # a meeting answers only its region: elsewhere "ended"
            _refuse_other_region(app, plan_file, region)
        app.region = region
        used.append(f"--region {region}")
    if used:
        click.echo(
            shown(f"Using the saved plan's {', '.join(used)} (give the option to override)."),
            err=True,
        )
    return made_at


# an origin key, its option, and the option's parameter (``AppContext.explicit``)
OPTIONS = {
    "desired": ("--desired", "desired_dir"),
    "endpoint_url": ("--endpoint-url", "endpoint_url"),
    "region": ("--region", "region"),
}


def _refuse_unknown_origin(app: AppContext, plan_file: Path, differs: list[str]) -> None:
    """A merged plan whose shards were made with different --endpoint-url (or --desired,
    --region) records none: applied without the option, it went to the default, AWS's own
    endpoint (Q-CE-2). Refused, before any call, unless the option is given now."""
    missing = [OPTIONS[k][0] for k in differs if OPTIONS[k][1] not in app.explicit]
    if missing:
        options = " and ".join([", ".join(missing[:-1]), missing[-1]] if missing[1:] else missing)
        neither = {1: "none", 2: "neither"}.get(len(missing), "none of them")
        raise UsageError(
            f"{plan_file} merges shards planned with different {options}, so it records "
            f"{neither}: give {options} to apply it"
        )


def _refuse_other_region(app: AppContext, plan_file: Path, region: str) -> None:
    """A saved plan applied in another region than it was made in: the live state it was
    compared with is not there (a meeting answers only its control region, so apply called
    every live meeting ended and left it out: QA-FV Q-FV-2). Refused, before any call."""
    raise UsageError(
        f"{plan_file} was made with --region {region}, and this run has "
        f"{app.given_as('region')} {app.region}: a saved plan applies where it was made (in "
        f"another region a meeting is not found, as if it had ended); give --region {region} "
        f"to apply it, or plan again in {app.region}"
    )


def _same_directory(desired: str, app: AppContext) -> bool:
    """Whether the recorded --desired is the one this run has (given or the default)."""
    return os.path.abspath(desired) == os.path.abspath(app.desired_dir)


def _near(desired: str) -> Path:
    """The recorded (absolute) directory, relative when it is below this one: the files'
    locations are then written as when the plan was made there (``fut/r.yaml:4``)."""
    relative = os.path.relpath(desired) if os.path.isabs(desired) else desired
    return Path(desired if relative.startswith("..") else relative)


def _recorded_now(
    origin: Mapping[str, str], plan_file: Path, key: str = "now"
) -> dt.datetime | None:
    text = origin.get(key)
    if text is None:
        return None
    try:
        return parse_moment(text)
    except ValueError as exc:
        raise PlanFileError(plan_file, f"origin.{key}: {exc}") from None


def _ended_since_made(
    session: Session,
    plan_file: Path,
    keys: set[TargetKey],
    saved: Sequence[TargetPlan] | None = None,
) -> ExpiredSince:
    """When a plan made as of the clock was made (its ``made_at``), and the ``until:`` of
    the targets ``keys`` that passed since (none: the file has no ``made_at``); ``saved``:
    the plan's targets, whose protected members are those a protection's end changes
    (``ended_between``)."""
    made = _recorded_now(read_origin(plan_file), plan_file, "made_at")
    if made is None:
        return None, ()
    return made, ended_between(session.desired, keys, made, session.app.now, saved)


def load_fresh(
    session: Session, saved: Plan, plan_file: Path, made_at: dt.datetime | None = None
) -> Plan:
    """The plan to apply for a saved plan: made again now from the desired state and the
    live state (protected members and safety rules included), for the targets the saved
    plan changes and those in which an ``until:`` falls between the moment it was made as
    of and the clock (``_dated_since``: an empty plan too), and refused unless it is
    exactly the saved plan (``plancheck``): the desired-state digest, and per target its
    id, live fingerprint and changes (those it leaves unchanged: their id and changes).
    Its notes on ``until:`` are the clock's. A saved plan with errors is refused before
    any call. ``made_at``: the --now it was made with (``use_origin``), to say so when
    another --now makes other changes. ``saved``: the
    plan ``plan_file`` holds (``load_plan``, read before the desired state is loaded, so
    that a file that is no plan is reported as such)."""
    if saved.errors:  # before any call: its other targets' changes are not applied either
        raise SavedPlanErrorsError(saved.errors)
    if saved.desired_digest != session.desired.digest:
        raise StalePlanError(["the desired-state files changed since the plan was made"])
    declared = {t.key: t.target_id for t in session.desired.targets}
    undeclared = compare(saved, Plan(()), declared).mismatches
    if undeclared:
        raise EditedPlanError(undeclared)
    # planned again: the targets it changes, and those in which an `until:` falls between
    # the moment it was made as of and the clock (an empty plan's too: Q-AB-1)
    changed = [t for t in saved.targets if t.changes]
    moved = _environment_moved(session, changed)
    if moved:  # before any call: what it names now is another target, or none
        raise EnvironmentChangedError(moved)
    keys = {t.key for t in changed}
    # an unchanged target whose variable names another id now (or none, as in a CI job
    # that does not set it) is not planned again: nothing is applied to it (Q-AE-1)
    dated = _dated_since(session, saved, plan_file, made_at) - keys
    keys |= {t.key for t in saved.targets if t.key in dated and _moved(session, t) is None}
    if not keys:  # the clock's plan is the file's: its notes as of the clock
        return _noted_now(session, saved)
    # the targets planned again as planned now; the others as the file has them
    again = plan_again(session, saved, keys, declared, CHECKING)
    if again.moved_on:  # a member or a room changed or is gone since
        raise StalePlanError(again.moved_on)
    mismatches = again.comparison.mismatches
    if mismatches:
        _other_moment(
            session, plan_file, keys, made_at, mismatches, again.fresh.targets, saved.targets
        )
        raise EditedPlanError(mismatches)
    # a target that ended since (a meeting): its changes left out, reported not applied
    left_out = tuple(c for t in again.comparison.ended for c in t.changes)
    fresh = dataclasses.replace(again.fresh, shard=saved.shard, left_out=left_out)
    return _noted_now(session, fresh)


def _dated_since(
    session: Session, saved: Plan, plan_file: Path, made_at: dt.datetime | None
) -> set[TargetKey]:
    """The saved plan's targets in which an ``until:`` falls between the moment it was
    made as of (its --now, ``made_at``, or the clock then) and the clock: the plan made
    now may differ there, whatever the file changes."""
    now = session.app.now
    keys = {t.key for t in saved.targets}
    if made_at is not None and made_at > now:
        between = ending_between(session.desired, keys, now, made_at)
    elif made_at is not None:
        between = ended_between(session.desired, keys, made_at, now)
    else:
        between = _ended_since_made(session, plan_file, keys)[1]
    return {e.target for e in between}


def _noted_now(session: Session, plan: Plan) -> Plan:
    """``plan`` with its notes on `until:` (ending soon, expired but kept) as of the
    clock, for every target in it: not the days left when the file was made."""
    expiring, kept = expiry_notes(session.desired, plan.targets, session.app.now)
    return dataclasses.replace(plan, expiring=expiring, expired_kept=kept)


def _other_moment(
    session: Session,
    plan_file: Path,
    keys: set[TargetKey],
    made_at: dt.datetime | None,
    mismatches: Sequence[str],
    fresh: Sequence[TargetPlan],
    saved: Sequence[TargetPlan],
) -> None:
    """Raise when the saved plan differs from the plan made now (``fresh``: its
    targets) because it evaluated `until:` at another moment: its --now (``made_at``)
    that has not come yet (naming the ends that change ``fresh``), or one (or the clock
    when it was made) some ``until:`` passed since (naming the ends that change
    ``saved``, the saved plan's targets: a protection only where it kept the member)."""
    now = session.app.now  # the clock: apply takes no --now (``moment``)
    targets = session.desired
    if made_at is not None and made_at > now:
        # the ends that change the plan made now; failing those (never expected), every
        # end in between: still not "was it edited?"
        pending = ending_between(targets, keys, now, made_at, planned=fresh) or ending_between(
            targets, keys, now, made_at
        )
        if pending:
            raise NotYetError(made_at, now, pending, mismatches)
        return
    if made_at is not None:
        ended = ended_between(targets, keys, made_at, now, saved)
        if ended:
            raise ExpiredSincePlanError(made_at, ended, mismatches, given=True)
        return
    made, ended = _ended_since_made(session, plan_file, keys, saved)
    if made is not None and ended:
        raise ExpiredSincePlanError(made, ended, mismatches)


def _environment_moved(session: Session, changed: Sequence[TargetPlan]) -> list[str]:
    """The targets the saved plan changes whose id the desired state takes from an
    environment variable that now holds another id (or none)."""
    return [m for m in (_moved(session, t) for t in changed) if m is not None]


def _moved(session: Session, t: TargetPlan) -> str | None:
    """Why the saved target ``t`` is not the one the desired state names now: its id comes
    from an environment variable that now holds another id (or none). None: it is."""
    target = next((d for d in session.desired.targets if d.key == t.key), None)
    provider = session.provider(t.key.kind)
    if target is None or not isinstance(provider, EnvironmentIds):
        return None
    named = provider.environment_id(target)
    if named is None or named.value == t.target_id:
        return None
    return (
        f"{target.location}: {t.kind.words.noun} {t.key.name}: {named.written} is "
        f"{named.shown} now; the plan was made for {t.target_id}"
    )
