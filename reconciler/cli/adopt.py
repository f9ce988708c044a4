"""``import --adopt``: write the members no file declares (drift) into the desired-state
files that declare their targets, for a pull request. Wiring only: the text editing is
``reconciler.adopt``; the plan before and after is the planner's."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path

import click

import reconciler.kinds as kinds
from reconciler import atomic_file, interrupt, prose
from reconciler.adopt import BUG, Adopted, AdoptError, Adoption, adopt_file
from reconciler.cli.context import AppContext
from reconciler.cli.pipeline import Session
from reconciler.closed_output import written as to_stdout
from reconciler.desired.loader import load_desired
from reconciler.desired.model import DesiredTarget
from reconciler.errors import DesiredStateError, UsageError
from reconciler.governance.expiry import Expiring
from reconciler.importer import listed
from reconciler.kinds import RoleValue
from reconciler.os_text import os_form
from reconciler.plan import Plan, counted_words, drift_words
from reconciler.prose import counted, number
from reconciler.put_back import NotPutBack, put_back
from reconciler.refs import MemberRef, TargetKey
from reconciler.render.safe import shown
from reconciler.runner import Interrupted, interrupted_message
from reconciler.target_select import select_any_kind, unknown_target_errors

PUT_BACK = "nothing in Chime was changed, and the desired-state files are back as they were"


def declared_nouns(targets: Iterable[DesiredTarget]) -> str:
    """What ``--room`` may name, in the words of the kinds declared (``room``, ``channel``,
    ``room or channel``): ``target`` when none is."""
    present = {t.key.kind for t in targets}
    declared = [k for section in kinds.sections().values() for k in section if k.id in present]
    nouns = list(dict.fromkeys(k.words.entry_noun for k in declared))
    if not nouns:
        return "target"
    return prose.listed(nouns, "or")


def _plan(session: Session, names: Collection[str], hint: bool = True) -> Plan:
    """The plan of the targets ``--room`` names, of any kind (README: a room, a channel
    and a meeting of one name all; ``room:NAME`` one kind's), every target without it:
    by their keys, so that a name several kinds share is not refused as an ambiguous
    ``--target`` would be (QA-HJ Q-HJ-2); a name no target has is refused before."""
    if not names:
        return session.plan(hint=hint)
    keys = {t.key for t in select_any_kind(session.desired.targets, names)}
    return session.plan(keys=keys, hint=hint)


def adopt(app: AppContext, targets: Collection[str]) -> None:
    """Plan; add each target's drift to the list of its role in the file declaring the
    target; check that the files load and that a new plan finds no drift there; else, or
    when interrupted (Ctrl-C, SIGTERM) or failing meanwhile, put every file back as it was
    (it creates none: it edits only the files that declare the targets)."""
    session = Session.open(app)
    noun = declared_nouns(session.desired.targets)
    unknown = unknown_target_errors(session.desired.targets, targets, "--room", noun, any_kind=True)
    if unknown:
        raise UsageError("\n".join(unknown))
    plan = _plan(session, targets)
    if plan.errors:  # a room not read: what Chime has there is unknown (as plan: exit 1)
        n = len(plan.errors)
        raise AdoptError(
            "\n".join(plan.errors)
            + f"\nNothing was adopted: the plan has {counted(n, 'error')} (above); "
            "fix them and run import --adopt again."
        )
    adoptions, skipped, kept = _adoptions(session, plan, session.undeclarable)
    for line in skipped:  # live names and file names: visible escapes, never raw
        click.echo(f"Warning: {shown(line)}", err=True)
    if not adoptions:
        if skipped:  # drift there is, and none of it could be adopted
            # counted as the plan counts drift: two bots of one name in a room are two
            # members, though their warning is said once; a moderator is no member
            declared = {t.key for t in session.desired.targets}
            drifted = drift_words(tp for tp in plan.targets if tp.key in declared)
            raise AdoptError(
                f"Nothing was adopted: {drifted} not in the desired state cannot be "
                "adopted (above)."
            )
        click.echo("Nothing to adopt: Chime has no member the desired state does not declare.")
        return
    edits, adopted_at = _edits(adoptions)  # AdoptError: nothing written
    # the files the loader read (never through a link out of the folder), written only
    # there: a link swapped in since is refused as the file is written
    within = atomic_file.Within(app.desired_dir, str(app.desired_dir))
    written: dict[Path, bytes] = {}  # each file written (or being written): its old bytes
    try:
        interrupt.raise_if_pressed()  # a Ctrl-C swallowed on its way writes nothing
        for path, (original, edited) in edits.items():
            written[path] = original
            try:
                atomic_file.write_atomically(path, edited, within)
            except OSError as exc:  # a link leading out too: this file was left as it was
                del written[path]
                why = exc if isinstance(exc, atomic_file.LeadsOut) else exc.strerror or exc
                raise WriteFailed(f"cannot write {shown(str(path))}: {why}") from None
        load_desired(app.desired_dir, app.now)
        again = _plan(Session.open(app), targets, hint=False)
        interrupt.raise_if_pressed()  # ... nor one swallowed while they are checked
    except BaseException as exc:  # Ctrl-C included: every file back as it was
        not_back = _restore(written, within)
        if isinstance(exc, KeyboardInterrupt):
            said = PUT_BACK if not not_back else f"nothing in Chime was changed; {not_back}"
            raise Interrupted(interrupted_message("import --adopt", said)) from None
        click.echo(f"{_failed(exc)}; {not_back or 'they are back as they were'}.", err=True)
        raise
    if again.errors:  # a safety net: what the plan refuses is skipped (_undeclarable)
        not_back = _restore(written, within)
        n = len(again.errors)
        raise AdoptError(  # their lines are the edited files', not the files put back
            "\n".join(again.errors) + f"\nNothing was adopted: the edited files gave the plan "
            f"{counted(n, 'error')} (above, at the lines of the files as edited); "
            f"{not_back or 'the files are back as they were'}."
        )
    adopted = {(a.file, a.key_line) for a in adoptions}
    left = [
        t
        for t in again.targets
        if _declared_at(session, t.key) in adopted
        and any((t.key, m.ref) not in kept for m in t.drift)
    ]
    if left:
        not_back = _restore(written, within)
        raise AdoptError(
            "the edited files still leave members undeclared in "
            + ", ".join(listed(t.key.name) for t in left)
            + f"; {not_back or 'the files are back as they were'}: add them by hand"
        )
    # the report is what says the files changed: when stdout does not take it (closed, a
    # full disk), they are put back, as when adopting fails (QA-FY Q-FY-12)
    reported = to_stdout(lambda: _report(adopted_at))
    if not reported:
        not_back = _restore(written, within)
        raise reported.error(
            f"nothing was adopted; {not_back or 'the files are back as they were'}."
        )


def _declared_at(session: Session, key: object) -> tuple[str, int] | None:
    for t in session.desired.targets:
        if t.key == key:
            return (t.location.file, t.location.line)
    return None


def _adoptions(
    session: Session, plan: Plan, undeclarable: Callable[[TargetKey, MemberRef], str]
) -> tuple[list[Adoption], list[str], set[tuple[TargetKey, MemberRef]]]:
    """What to add to which list; why each member not added is not; and the members not
    added (drift they stay, on purpose: their entry expired, say, or a file naming them
    would give the plan an error, ``undeclarable``)."""
    declared = {t.key: t for t in session.desired.targets}
    expired = {(e.target, e.member): e for e in plan.expired_kept}
    adoptions: list[Adoption] = []
    skipped: list[str] = []
    kept = set(expired)
    for tp in plan.targets:
        target = declared.get(tp.key)
        if not tp.drift or target is None:
            continue
        kind = tp.kind
        placed: set[object] = set()
        live: dict[Expiring, list[RoleValue]] = {}  # the roles Chime has them in
        for m in tp.drift:  # its entry expired: adding another would undo the expiry
            e = expired.get((tp.key, m.ref))
            if e is not None:
                placed.add(m)
                live.setdefault(e, []).append(m.role)
        for e, roles in live.items():  # a channel: once, not per role
            line = _expired_line(e, roles)
            if line not in skipped:
                skipped.append(line)
        for rl in kind.role_lists:
            refs = []
            for m in tp.drift:
                if m.role != rl.role or m in placed:
                    continue
                placed.add(m)
                # named as the report names them: a space at either end shows (Q-FD-5)
                who, where = listed(str(m.ref)), listed(tp.key.name)
                try:
                    kind.parse_member(str(m.ref))
                except ValueError:
                    skipped.append(f"{who} in {where}: not a reference a file can hold")
                    kept.add((tp.key, m.ref))
                    continue
                why = undeclarable(tp.key, m.ref)
                if why:  # e.g. a bot:NAME another bot of the app instance has (Q-BZ-1)
                    noun = kind.words.noun
                    line = f"{who} in {noun} {where}: {why}; not adopted"
                    if line not in skipped:  # two bots of one name in a room: said once
                        skipped.append(line)
                    kept.add((tp.key, m.ref))
                    continue
                if str(m.ref) not in refs:  # an entry is written once (Q-FD-2)
                    refs.append(str(m.ref))
            if refs:
                location = target.location
                adoptions.append(
                    Adoption(
                        location.file,
                        location.line,
                        kind.section,
                        rl.key,
                        tuple(refs),
                        kind.words.member,
                    )
                )
        for m in tp.drift:
            if m not in placed:
                role = kind.role_text(m.role)
                why = f"no list holds the role {role}"
                if not kind.role_lists:  # a meeting's attendees: a mapping, never edited
                    why = f"import --adopt does not write {kind.words.members} ({role})"
                skipped.append(f"{listed(str(m.ref))} in {listed(tp.key.name)}: {why}")
                kept.add((tp.key, m.ref))
    return adoptions, skipped, kept


def _expired_line(e: Expiring, live: Sequence[RoleValue]) -> str:
    """The warning for a member whose entry expired: ``live`` are the roles Chime has the
    member in (the drift's), not the role the expired entry declared."""
    kind = kinds.get(e.target.kind)
    roles = ", ".join(dict.fromkeys(kind.role_text(r) for r in live))
    return (
        f"{listed(str(e.member))} in {kind.words.noun} {listed(e.target.name)}: its entry "
        f"at {e.set_at} expired {e.until} and Chime still has it ({roles}): extend its "
        "until: to keep the access, or remove it from Chime (prune: true) to end it; "
        "not adopted"
    )


def _edits(adoptions: list[Adoption]) -> tuple[dict[Path, tuple[bytes, bytes]], list[Adopted]]:
    """Each file's bytes before and after all its adoptions (nothing written), and where
    each adoption went."""
    by_file: dict[str, list[Adoption]] = {}
    for a in adoptions:
        by_file.setdefault(a.file, []).append(a)
    edits: dict[Path, tuple[bytes, bytes]] = {}
    adopted: list[Adopted] = []
    for file, items in by_file.items():
        path = Path(os_form(file))  # a location is text (``os_text``)
        original = path.read_bytes()
        edited, made = adopt_file(original, items)
        edits[path] = (original, edited)
        adopted.extend(made)
    return edits, adopted


class WriteFailed(AdoptError):
    """An edited file could not be written (the files written before it are put back)."""


def _failed(exc: BaseException) -> str:
    if isinstance(exc, WriteFailed):
        return "Writing the edited files failed"
    if isinstance(exc, DesiredStateError):
        return f"The edited files did not load ({BUG})"
    return "Checking the edited files failed"


def _restore(written: dict[Path, bytes], within: atomic_file.Within) -> str:
    """Every file written (or being written) as it was (``put_back``): "" when all are, or
    which are not, and why (the others are)."""
    try:
        put_back(written.items(), (), within)
    except NotPutBack as exc:
        return f"{exc}, left as edited; the others are back as they were"
    return ""


def _report(adopted: list[Adopted]) -> None:
    """The report, in one write: where stdout's encoding cannot hold a line of it (a
    folder ``dé`` in an ASCII locale), none is written, not a first line saying the files
    changed that are then put back (QA-HK Q-HK-8)."""
    adoptions = [m.adoption for m in adopted]
    words: Counter[tuple[str, str]] = Counter()  # in the plan's order: the kinds'
    for a in adoptions:
        words[a.word] += len(a.refs)
    files = sorted({a.file for a in adoptions})
    roles = Counter(a.list_key for a in adoptions for _ in a.refs)
    counts = ", ".join(f"{number(roles[k])} to {k}" for k in sorted(roles))
    lines = [f"Adopted {counted_words(words)} into {counted(len(files), 'file')} ({counts}):"]
    for m in sorted(adopted, key=lambda m: (m.adoption.file, m.line, m.adoption.list_key)):
        a = m.adoption
        refs = ", ".join(listed(r) for r in a.refs)
        lines.append(f"  {shown(a.file)}:{m.line}: {a.list_key} += {refs}")
    lines.append(
        "Next: review the change (git diff), commit it and open a pull request; "
        "plan then finds no drift there."
    )
    click.echo("\n".join(lines))
