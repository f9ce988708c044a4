"""`chime-reconciler explain MEMBER`: why a member is (or is not) in each target. Wiring
only: the join lives in ``reconciler.governance.explaining``."""

from __future__ import annotations

from collections.abc import Mapping

import click

from reconciler.cli.context import AppContext, pass_app
from reconciler.cli.options import target_option, text_or_json_option
from reconciler.cli.pipeline import Session
from reconciler.errors import ReconcilerError, UsageError
from reconciler.governance.explaining import explain, read_member
from reconciler.live import LiveState
from reconciler.member_argument import refuse_long_member, shown_member
from reconciler.planner import plan as make_plan
from reconciler.providers.base import Spellings
from reconciler.refs import MemberRef, TargetKey, why_unread
from reconciler.render.explain import render_explain
from reconciler.render.safe import shown
from reconciler.runner import reads_only
from reconciler.target_select import select, target_errors
from reconciler.unicode_form import form_note, twin_in
from reconciler.unknown_attendee import refuse_unknown_attendee


@click.command("explain", short_help="Why MEMBER is (or is not) in each target, and until when.")
@click.argument("member")
@target_option
@text_or_json_option("text for people, json for machines (and access reviews).")
@pass_app
@reads_only("explain")
def explain_command(app: AppContext, member: str, targets: tuple[str, ...], fmt: str) -> None:
    """Why is MEMBER here? For each declared target where MEMBER is declared, was
    declared (expired) or is live: the role, every path that declares it (file, line,
    group chain, until when, reason, ticket), the live role, and what a plan does.

    MEMBER is written as in the desired state (an e-mail address, bot:NAME). `until:`
    is evaluated now, or at --now (a global option).

    \b
    Examples:
      chime-reconciler explain alice@example.com
      chime-reconciler explain alice@example.com --target incident-response
      chime-reconciler explain bot:PagerBot --format json
      chime-reconciler --now 2027-04-01 explain alice@example.com   # then

    Reads the live memberships of the declared targets (or those given with --target).
    Exit 0 with the answer (also "neither declared nor live"); 1 on an error, and for
    text that is no e-mail address, bot:NAME or user:ID and no declared meeting's
    attendee (an ExternalUserId) either.
    """
    refuse_long_member(member)  # Q-GE-3
    try:
        refs, why = read_member(member)
    except ValueError as exc:
        raise _unread(member, exc) from None
    session = Session.open(app)
    unknown = target_errors(session.desired.targets, targets)
    if unknown:
        raise UsageError(unknown[0])
    declared = {t.key.kind for t in session.desired.targets}
    if why is not None and declared.isdisjoint(refs):  # read only by kinds none declares
        raise _unread(member, why)  # as audit says it, before any call (QA-GP Q-GP-1)
    # a meeting declared twice is read all the same: where the member is live (Q-GM-4)
    live = session.read(session.scope(targets), twins=True)
    planned = make_plan(session.desired, live, targets=targets or None, now=app.now)
    result = explain(
        member,
        refs,
        session.desired,
        live,
        planned,
        app.now,
        targets=targets,
        spellings=_spellings(session, refs, targets, live),
    )
    # a target named with --target is shown anyway: whether MEMBER is there decides
    refuse_unknown_attendee(
        member,
        refs.values(),
        select(session.desired.targets, targets or None),
        live=any(t.live_role is not None for t in result.targets),
        meeting="meeting given with --target" if targets else "declared meeting",
    )
    render_explain(result, fmt, app.console())
    if not result.targets:  # "neither declared nor live": one spelled otherwise (Q-HE-10)
        declared_as = (str(m.ref) for t in session.desired.targets for m in t.members)
        if (twin := twin_in(member, declared_as)) is not None:
            note = form_note(member, twin, "typed", "declared")
            click.echo(f"Note: {shown(member)} differs from a declared member {note}.", err=True)
    # an error of the settings (a bearer not found): the answer, then the error, exit 1
    errors = dict.fromkeys(str(p) for p in live.problems if p.of_settings)
    if errors:
        raise ReconcilerError("\n".join(errors))


def _spellings(
    session: Session, refs: Mapping[str, MemberRef], targets: tuple[str, ...], live: LiveState
) -> dict[TargetKey, tuple[MemberRef, ...]]:
    """By declared target, the other references its provider's live state may name MEMBER
    by (``Spellings``: the bots of a ``bot:NAME``, by their ARNs; QA-FP Q-FP-2), asked only
    of a target read without MEMBER by its own reference but with a member the plan names
    by another kind of reference than a file's (``bot:arn:…``): no call otherwise."""
    out: dict[TargetKey, tuple[MemberRef, ...]] = {}
    for t in select(session.desired.targets, targets or None):
        provider = session.providers.get(t.key.kind)
        ref = refs.get(t.key.kind)
        unplanned = live.unplanned.get(t.key)
        lt = unplanned.target if unplanned is not None else live.targets.get(t.key)
        if ref is None or lt is None or not isinstance(provider, Spellings):
            continue
        refs_there = {m.ref for m in lt.members}
        if ref not in refs_there and any(r.kind is ref.kind and r != ref for r in refs_there):
            out[t.key] = provider.spellings(t.key, ref)
    return out


COMMANDS = [explain_command]


def _unread(member: str, why: ValueError) -> UsageError:
    """MEMBER that no kind declared reads: the first refusing kind's reason."""
    return UsageError(
        f"MEMBER {shown_member(member)}: {why_unread(why)} "
        "(give an e-mail address, bot:NAME or user:ID)"
    )
