"""``import --adopt``: write the members no file declares (drift) into the desired-state
files that declare their targets, for a pull request. Wiring only: the text editing is
``reconciler.adopt``; the plan before and after is the planner's."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from pathlib import Path

import click

from reconciler import interrupt
from reconciler.adopt import AdoptError, Adoption, adopt_all
from reconciler.cli.context import AppContext
from reconciler.cli.pipeline import Session
from reconciler.desired.loader import load_desired
from reconciler.errors import DesiredStateError
from reconciler.plan import Plan
from reconciler.put_back import put_back
from reconciler.runner import Interrupted, interrupted_message

PUT_BACK = "nothing in Chime was changed, and the desired-state files are back as they were"


def adopt(app: AppContext, targets: Collection[str]) -> None:
    """Plan; add each target's drift to the list of its role in the file declaring the
    target; check that the files load and that a new plan finds no drift there; else, or
    when interrupted (Ctrl-C, SIGTERM) or failing meanwhile, put every file back as it was
    (it creates none: it edits only the files that declare the targets)."""
    session = Session.open(app)
    plan = session.plan(targets)
    if plan.errors:  # a room not read: what Chime has there is unknown (as plan: exit 1)
        n = len(plan.errors)
        raise AdoptError(
            "\n".join(plan.errors)
            + f"\nNothing was adopted: the plan has {n} error{'' if n == 1 else 's'} (above); "
            "fix them and run import --adopt again."
        )
    adoptions, skipped = _adoptions(session, plan)
    for line in skipped:
        click.echo(f"Warning: {line}", err=True)
    if not adoptions:
        click.echo("Nothing to adopt: Chime has no member the desired state does not declare.")
        return
    edits = _edits(adoptions)  # AdoptError: nothing written
    try:
        interrupt.raise_if_pressed()  # a Ctrl-C swallowed on its way writes nothing
        for path, (original, text) in edits.items():  # its line endings kept (CRLF too)
            path.write_text(text, encoding="utf-8", newline=_newline(original))
        load_desired(app.desired_dir, app.now)
        again = Session.open(app).plan(targets)
        interrupt.raise_if_pressed()  # ... nor one swallowed while they are checked
    except BaseException as exc:  # Ctrl-C included: every file back as it was
        _restore(edits)
        if isinstance(exc, KeyboardInterrupt):
            raise Interrupted(interrupted_message("import --adopt", PUT_BACK)) from None
        click.echo(f"{_failed(exc)}; they are back as they were.", err=True)
        raise
    adopted = {(a.file, a.key_line) for a in adoptions}
    left = [t for t in again.targets if t.drift and _declared_at(session, t.key) in adopted]
    if left:
        _restore(edits)
        raise AdoptError(
            "the edited files still leave members undeclared in "
            + ", ".join(t.key.name for t in left)
            + "; the files are back as they were: add them by hand"
        )
    _report(adoptions)


def _declared_at(session: Session, key: object) -> tuple[str, int] | None:
    for t in session.desired.targets:
        if t.key == key:
            return (t.location.file, t.location.line)
    return None


def _adoptions(session: Session, plan: Plan) -> tuple[list[Adoption], list[str]]:
    declared = {t.key: t for t in session.desired.targets}
    adoptions: list[Adoption] = []
    skipped: list[str] = []
    for tp in plan.targets:
        target = declared.get(tp.key)
        if not tp.drift or target is None:
            continue
        kind = tp.kind
        listed: set[object] = set()
        for rl in kind.role_lists:
            refs = []
            for m in tp.drift:
                if m.role != rl.role:
                    continue
                listed.add(m)
                try:
                    kind.parse_member(str(m.ref))
                except ValueError:
                    skipped.append(f"{m.ref} in {tp.key.name}: not a reference a file can hold")
                    continue
                refs.append(str(m.ref))
            if refs:
                location = target.location
                adoptions.append(
                    Adoption(location.file, location.line, kind.section, rl.key, tuple(refs))
                )
        for m in tp.drift:
            if m not in listed:
                role = kind.role_text(m.role)
                skipped.append(f"{m.ref} in {tp.key.name}: no list holds the role {role}")
    return adoptions, skipped


def _edits(adoptions: list[Adoption]) -> dict[Path, tuple[bytes, str]]:
    """Each file's bytes before, and its text after all its adoptions (nothing written)."""
    by_file: dict[str, list[Adoption]] = {}
    for a in adoptions:
        by_file.setdefault(a.file, []).append(a)
    edits: dict[Path, tuple[bytes, str]] = {}
    for file, items in by_file.items():
        path = Path(file)
        original = path.read_bytes()
        text = path.read_text(encoding="utf-8")
        edits[path] = (original, adopt_all(text, items))
    return edits


def _newline(original: bytes) -> str | None:
    """The file's line ending where it is CRLF (the text read has "\\n" only)."""
    return "\r\n" if b"\r\n" in original else None


def _failed(exc: BaseException) -> str:
    if isinstance(exc, DesiredStateError):
        return "The edited files did not load"
    return "Checking the edited files failed"


def _restore(edits: dict[Path, tuple[bytes, str]]) -> None:
    """Every file edited (or being edited) as it was (``put_back``)."""
    put_back((path, original) for path, (original, _) in edits.items())


def _report(adoptions: list[Adoption]) -> None:
    n = sum(len(a.refs) for a in adoptions)
    files = sorted({a.file for a in adoptions})
    roles = Counter(a.list_key for a in adoptions for _ in a.refs)
    counts = ", ".join(f"{roles[k]} to {k}" for k in sorted(roles))
    click.echo(
        f"Adopted {n} member{'' if n == 1 else 's'} into {len(files)} "
        f"file{'' if len(files) == 1 else 's'} ({counts}):"
    )
    for a in sorted(adoptions, key=lambda a: (a.file, a.key_line, a.list_key)):
        click.echo(f"  {a.file}:{a.key_line}: {a.list_key} += {', '.join(a.refs)}")
    click.echo(
        "Next: review the change (git diff), commit it and open a pull request; "
        "plan then finds no drift there."
    )
