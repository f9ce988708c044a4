"""`chime-reconciler audit MEMBER`: every room, channel and declared meeting a member is
in, and what the desired state says about each. Wiring only: each provider that can find a
member (``MemberFinder``) looks, and the one join lives in ``reconciler.audit``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import NamedTuple

import click

from reconciler import kinds
from reconciler.audit import Audit, UnknownMemberError, audit, known
from reconciler.audit_refusals import (
    changed_targets,
    to_plan,
    with_refusals,
    with_refused_adds,
    with_unplanned,
)
from reconciler.channel_refs import (
    USER_PREFIX,
    bot_arn,
    parse_channel_member,
    user_instance,
)
from reconciler.cli.context import AppContext, pass_app
from reconciler.cli.directory import provider_options, settings_account
from reconciler.cli.options import accounts_given, text_or_json_option
from reconciler.cli.progress import ProgressBar
from reconciler.desired.loader import load_desired
from reconciler.desired.model import DesiredState
from reconciler.errors import UsageError
from reconciler.governance.expiry import as_of
from reconciler.governance.explaining import member_refs
from reconciler.kinds import Kind
from reconciler.kinds.rooms import ROOM
from reconciler.live import LiveState, merged
from reconciler.member_argument import refuse_long_member, shown_member
from reconciler.os_text import path_text
from reconciler.path_checks import exists
from reconciler.planner import plan as make_plan
from reconciler.providers import open_providers
from reconciler.providers.base import MemberFinder, Provider
from reconciler.providers.registry import ProviderOptions
from reconciler.refs import MemberRef, why_unread
from reconciler.refused_targets import refused_targets
from reconciler.render.audit import render_audit, render_section, section_json
from reconciler.render.audit_json import to_json
from reconciler.render.json import indented
from reconciler.render.safe import json_text, shown
from reconciler.runner import reads_only
from reconciler.unknown_attendee import refuse_unknown_attendee
from reconciler.whereabouts import Whereabouts

# the kind whose audit is the JSON document itself (``format_version`` 1 was the rooms'
# audit): every other kind's is a section after it (``channels`` in JSON)
DOCUMENT = ROOM.id


@click.command("audit")
@click.argument("member")
@click.option(
    "--account",
    "accounts",
    multiple=True,
    metavar="ID",
    callback=accounts_given("the accounts the desired state names, else every account"),
    help="Chime account to search (repeatable). Default: the accounts the desired state "
    "names; without them, the accounts ListAccounts shows (for an e-mail: those with the user).",
)
@text_or_json_option(
    "text: a table (plain aligned columns when not on a terminal); json for machines."
)
@pass_app
@reads_only("audit")
def audit_command(app: AppContext, member: str, accounts: tuple[str, ...], fmt: str) -> None:
    """List every room and channel MEMBER is in, its role, and what the desired state says.

    MEMBER is an e-mail address or bot:NAME. For each room Chime has the member in: the
    live role, the role the desired state declares there (or none), what a plan would
    do, and where it is declared (FILE:LINE, and through which @group). Rooms where the
    desired state declares the member but Chime does not have it are listed too.

    \b
    Examples (off-boarding someone):
      chime-reconciler audit alice@example.com  # where is she, where declared?
      # remove alice@example.com at every FILE:LINE under WHERE (groups too)
      chime-reconciler plan                     # shows her removals; then apply

    A room with prune off keeps undeclared members: the NOTE column says "kept (prune
    off)"; set `prune: true` on that room, or remove her from it in Chime.

    \b
    More examples:
      chime-reconciler audit bot:PagerBot --format json
      chime-reconciler audit bob@example.com --account 1111...

    Channels (Chime SDK messaging) too, when settings.yaml names `app_instances`: every
    channel MEMBER is in or moderates, and what the desired state says there (a second
    section; `channels` in JSON). MEMBER may then also be user:ID (channels only).

    Meetings (Chime SDK meetings) too, when the desired state declares some: the declared
    meetings MEMBER attends or is declared in (the meetings API has no ListMeetings: no
    other meeting can be found); `meetings` in JSON. MEMBER may then also be an attendee's
    ExternalUserId that is no e-mail address (audit dial-in-7).

    The desired state (--desired) is optional: without it, audit lists the live rooms
    and says the desired state was not read. Exit 0 when the member was found (in Chime
    or in the files); 1 for an unknown member or an error.

    API calls per account: ListUsers (UserEmail filter) once, or ListBots (pages of 99);
    ListRooms with MemberId (pages of 99); ListRoomMemberships for each of those rooms,
    for the role (pages of 99, read until the member is found). ListAccounts only when
    no account is known otherwise. Where a plan changes MEMBER, every declared target is
    then read in full and planned, as plan reads them, to ask the safety rules (a plan
    they refuse changes nothing: the NOTE says so).
    """
    refuse_long_member(member)  # before the desired state is read (Q-GE-3)
    desired, note = _desired(app)
    ref = _member_ref(member, desired)
    desired = _of_its_instance(member, desired)
    progress = ProgressBar(app.console(stderr=True))
    finders, readers, opened = _finders(app, member, desired)
    document = finders.pop(DOCUMENT, None)
    seen = [(its, finder.where(its, desired, (), progress)) for finder, its in finders.values()]
    sections = [audit(its, where, desired, desired_note=note) for its, where in seen]
    # what a finder read in full to find the member (the declared meetings): the plan's
    # read reuses it (Q-FO-6)
    opened = opened.reading(where for _, where in seen)
    # a kind whose provider is no finder, and that no finder looked in for it
    looked = {DOCUMENT, *(k for s in sections for k in s.kinds)}
    blind = [k for k in readers if k.id not in looked]
    sections = [s for s in sections if s.lookups or s.rows]  # something to look in
    if document is None:  # a member only the sections can take (user:ID, an attendee)
        if not blind:  # as explain refuses it: not declared, never was, not live
            live = any(s.rows for s in sections)
            refuse_unknown_attendee(member, [ref], desired.targets if desired else (), live)
        if not sections and not blind:
            what = "AppInstanceBot" if bot_arn(ref) else "AppInstanceUser"
            raise UsageError(
                f"MEMBER {shown_member(member)} is an {what}, and settings.yaml names no "
                "app_instances to look in"
            )
        _render(app, ref, fmt, None, _refused(app, desired, sections, opened), blind, desired, note)
        return
    finder, own = document
    try:
        found = finder.where(own, desired, _accounts(app, DOCUMENT, accounts, desired), progress)
        result = known(audit(own, found, desired, desired_note=note))
    except UnknownMemberError as exc:
        # in no room, nor in any account: the sections may still have it
        if not any(s.rows for s in sections):
            if blind:  # nor where audit could look: not "unknown" for a kind it cannot
                raise UsageError(f"{exc}, where audit can look; {_not_audited(blind)}") from None
            raise
        _render(app, ref, fmt, None, _refused(app, desired, sections, opened), blind, desired, note)
        return
    result, *sections = _refused(app, desired, [result, *sections], opened)
    if not sections and not blind and not (fmt == "json" and _section_keys(desired)):
        render_audit(result, fmt, app.console())
        return
    _render(app, ref, fmt, result, sections, blind, desired, note)


def _member_ref(member: str, desired: DesiredState | None) -> MemberRef:
    """MEMBER as audit reads it: an e-mail address or bot:NAME (rooms, channels), user:ID
    or an AppInstanceUser ARN (channels only), else what the kind of a declared target
    reads (a meeting attendee's ExternalUserId, when meetings are declared); a UsageError
    when none reads it."""
    # user:ID where channels are audited (settings.yaml's app_instances)
    forms = "an e-mail address, bot:NAME or user:ID"
    if desired is None or not desired.app_instances:
        forms = "an e-mail address or bot:NAME"
    try:
        return MemberRef.parse(member)
    except ValueError as exc:
        if member.strip().lower().startswith((USER_PREFIX, "arn:")):
            try:  # user:ID or an AppInstanceUser ARN: channels only
                return parse_channel_member(member)
            except ValueError as channel_exc:  # the hint too, as explain's (QA-GL Q-GL-6)
                why = f"{why_unread(channel_exc)} (give {forms})"
                raise UsageError(f"MEMBER {shown_member(member)}: {why}") from None
        declared = {t.key.kind for t in desired.targets} if desired is not None else set()
        refs = _refs(member)
        ref = next((refs[k] for k in refs if k in declared), None)
        if ref is None:
            raise UsageError(
                f"MEMBER {shown_member(member)}: {why_unread(exc)} (give {forms})"
            ) from None
        return ref


def _refs(member: str) -> dict[str, MemberRef]:
    try:
        return member_refs(member)
    except ValueError:
        return {}


def _finders(
    app: AppContext, member: str, desired: DesiredState | None
) -> tuple[dict[str, tuple[MemberFinder, MemberRef]], list[Kind], _Opened]:
    """The providers that can find MEMBER's memberships (``MemberFinder``), by kind id,
    each with MEMBER as its kind reads it (a kind that cannot read it is left out); and
    the kinds to audit that read MEMBER but whose own provider is no finder: audit cannot
    look there unless another kind's finder does (``Whereabouts.kinds``: the channels'
    looks for their moderators too), and then says so. And the finders' providers the
    plan's read (``_refused``) reuses (``plans_after_finding``), by kind id, so that what
    a finder listed (a room's bots) is not listed again (Q-EY-3), with the options they
    were opened with (what a run's providers share, a channel directory, is kept on them:
    Q-FP-5)."""
    options = provider_options(app, desired)
    opened: dict[str, Provider] = {}
    finders: dict[str, tuple[MemberFinder, MemberRef]] = {}
    readers: list[Kind] = []
    wanted = _kinds_to_audit(desired)
    for kind in kinds.all_kinds():
        if kind.id not in wanted:
            continue  # nothing to look in: no provider, no client
        try:
            ref = kind.lookup_member(member)
        except ValueError:
            continue
        provider = open_providers([kind.id], options)[kind.id]
        if isinstance(provider, MemberFinder):
            finders[kind.id] = (provider, ref)
            if getattr(provider, "plans_after_finding", False):
                opened[kind.id] = provider
        else:
            readers.append(kind)
    return finders, readers, _Opened(opened, options)


class _Opened(NamedTuple):
    """The finders' providers the plan's read reuses, by kind id, the options they were
    opened with, and what they read in full to find the member (``Whereabouts.read``: the
    declared meetings), with the kinds each read is of."""

    providers: Mapping[str, Provider]
    options: ProviderOptions
    reads: tuple[tuple[frozenset[str], LiveState], ...] = ()

    def reading(self, found: Iterable[Whereabouts]) -> _Opened:
        """These, with the full reads of ``found``."""
        reads = tuple((frozenset(w.kinds), w.read) for w in found if w.read is not None)
        return self._replace(reads=self.reads + reads)


def _not_audited(blind: Sequence[Kind]) -> str:
    """What audit says of the kinds it cannot look in (``_finders``)."""
    plurals = " and ".join(dict.fromkeys(k.words.listing or k.words.plural for k in blind))
    return (
        f"not audited: audit cannot look in {plurals} (the provider cannot find a member's "
        "memberships); `explain MEMBER` reads the declared ones"
    )


def _of_its_instance(member: str, desired: DesiredState | None) -> DesiredState | None:
    """For an AppInstanceUser ARN, the desired state of its own app instance's channels
    only (a user of the same id in another app instance is another user): a UsageError
    when settings.yaml names no app instance of that ARN. Else ``desired`` as it is."""
    instance = user_instance(member)
    if instance is None or desired is None or not desired.app_instances:
        return desired
    if not any(i.arn == instance for i in desired.app_instances):
        named = ", ".join(i.arn for i in desired.app_instances)
        raise UsageError(
            f"MEMBER {shown_member(member)} is a user of app instance {instance}, which "
            f"settings.yaml's app_instances does not name ({named})"
        )
    own = [
        t for t in desired.targets if kinds.get(t.key.kind).elsewhere(member, t.key.scope) is None
    ]
    mine = tuple(i for i in desired.app_instances if i.arn == instance)
    return replace(desired, app_instances=mine, targets=tuple(own))


def _kinds_to_audit(desired: DesiredState | None) -> set[str]:
    """The kinds with something to look in: the document's (looked for even without a
    desired state), the kinds declared, and those whose scopes settings.yaml names
    (``Kind.scope_setting``, as the desired state holds them: an app instance whose
    channels none declares yet)."""
    if desired is None:
        return {DOCUMENT}
    named = {k.id for k in kinds.all_kinds() if getattr(desired, k.scope_setting, None)}
    return {DOCUMENT, *named, *(t.key.kind for t in desired.targets)}


def _section_keys(desired: DesiredState | None, blind: Sequence[Kind] = ()) -> list[str]:
    """The JSON document's section keys for ``desired``: one for each section (``Kind.section``)
    of the kinds audited other than the document's, whatever the member (an empty list when
    the kind cannot read it or finds it nowhere); none without a desired state. A section
    of ``blind`` kinds only (audit cannot look there) has no key: ``[]`` would say "in
    none"."""
    wanted = _kinds_to_audit(desired) - {DOCUMENT} - {k.id for k in blind}
    return list(dict.fromkeys(k.section for k in kinds.all_kinds() if k.id in wanted))


def _section_key(section: Audit) -> str:
    return kinds.get(section.kinds[0]).section


def _render(
    app: AppContext,
    ref: MemberRef,
    fmt: str,
    document: Audit | None,
    sections: list[Audit],
    blind: Sequence[Kind],
    desired: DesiredState | None,
    note: str,
) -> None:
    """The document's audit (when there is one), then each section: a part of the text,
    a key of the JSON document (the kind's plural). Without the document's audit (user:ID,
    or a member no account has), the JSON has the same keys, with no account and no
    room. The kinds audit cannot look in (``blind``): a last line of the text, and the
    JSON's ``not_audited`` (their sections' keys), there only when there are some."""
    console = app.console()
    if fmt == "json":
        if document is None:
            document = Audit(ref, (DOCUMENT,), (), desired is not None, note, ())
        doc = to_json(document)  # exact values: the JSON encoder escapes what it must
        doc |= {key: [] for key in _section_keys(desired, blind)}
        for section in sections:
            doc[_section_key(section)] = section_json(section)
        if blind:
            doc["not_audited"] = list(dict.fromkeys(k.section for k in blind))
        console.out(json_text(indented(doc)), highlight=False)
        return
    if document is not None:
        render_audit(document, fmt, console)
    for i, section in enumerate(sections):
        if document is not None or i:
            console.out("", highlight=False)
        render_section(section, console)  # fitted to a terminal, as the document's
    if blind:
        if document is not None or sections:
            console.out("", highlight=False)
        console.out(shown(f"{ref}: {_not_audited(blind)}"), highlight=False)


def _refused(
    app: AppContext,
    desired: DesiredState | None,
    audits: list[Audit],
    opened: _Opened,
) -> list[Audit]:
    """``audits`` with the safety rules that refuse the plan where it changes the member
    (QA-CJ Q-CJ-2, Q-EE-1): every declared target read in full (the rows' reads stop at
    the member) and planned, as `plan` plans them, for the plan-wide ``max_removals``
    counts the removals of all of them. A row in a target that plan refuses as a whole
    says ``not planned: WHY`` instead, with the plan's reason, by the rule ``explain``
    reads it by (``refused_targets``: a room naming a ``bot:NAME`` two bots share, Q-EY-1;
    a meeting over its maximum, Q-FO-3). A kind a finder read in full to find the member
    (the declared meetings) is not read again (Q-FO-6), and is planned even where the
    plan changes the member nowhere (its rows are then the plan's, at no cost); a kind's
    provider the finders ``opened`` reads it (its run's lists kept: a room's bots, listed
    once an account, Q-EY-3); another kind's is opened here."""
    if desired is None:
        return audits
    if changed_targets(audits):
        mine = to_plan(desired, audits)  # by the ids found: the scope is not listed again
        live = _read_all(mine, opened)
    elif opened.reads:  # the targets read in full already: planned, nothing read
        read = {k for kinds_of, _ in opened.reads for k in kinds_of}
        mine = replace(desired, targets=tuple(t for t in desired.targets if t.key.kind in read))
        live = merged(r for _, r in opened.reads)
    else:
        return audits
    plan = make_plan(mine, live, now=app.now)
    refused = refused_targets(mine.targets, live, plan)
    planned = {tp.key: tp for tp in plan.targets}
    return [
        with_refusals(
            with_refused_adds(with_unplanned(a, refused), planned),
            plan.violations,
            desired.targets,
        )
        for a in audits
    ]


def _read_all(mine: DesiredState, opened: _Opened) -> LiveState:
    """Every target of ``mine`` read in full, as plan reads them: the finders' full reads
    as they are, the rest by the finders' providers or new ones on their options."""
    # the finders' options: what their run listed and described is not asked again (Q-FP-5)
    options = opened.options.of(mine)
    wanted = sorted({t.key.kind for t in mine.targets})
    # read in full by a finder (every declared meeting): not read again (Q-FO-6)
    reads = [r for kinds_of, r in opened.reads if kinds_of & set(wanted)]
    read = {k for kinds_of, _ in opened.reads for k in kinds_of}
    wanted = [k for k in wanted if k not in read]
    providers = open_providers([k for k in wanted if k not in opened.providers], options)
    providers |= {k: opened.providers[k] for k in wanted if k in opened.providers}
    return merged([*reads, *(providers[k].read(mine) for k in wanted)])


def _desired(app: AppContext) -> tuple[DesiredState | None, str]:
    directory = app.desired_dir
    if not exists(directory):
        return None, f"not read ({path_text(directory)}: no such directory); DECLARED is empty."
    # an invalid desired state is an error (exit 1); expired entries are not declared
    desired = as_of(load_desired(directory, app.now), app.now)
    n = len(desired.files)
    return desired, f"read from {path_text(directory)} ({n} file{'' if n == 1 else 's'})."


def _accounts(
    app: AppContext, kind_id: str, given: Iterable[str], desired: DesiredState | None
) -> list[str]:
    """The scopes to look in for targets of ``kind_id``: those given (``--account``),
    else those the desired state names for the kind and settings.yaml's ``account``; none
    (the provider finds the member's own) when there are none."""
    explicit = sorted({a.strip() for a in given if a.strip()})
    if explicit:
        return explicit
    declared = desired.targets if desired is not None else ()
    named = {t.key.scope for t in declared if t.key.kind == kind_id}
    if exists(app.desired_dir):
        _, default = settings_account(app.desired_dir)
        named |= {default} if default else set()
    return sorted(named)


COMMANDS = [audit_command]
