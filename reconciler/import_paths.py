"""Where ``import --out DIR`` may write a file without dropping what DIR declares (QA-FY
Q-FY-1, Q-FY-7): a file there is written over only when every target it declares is one
this import writes into it again (``--force``'s refresh) and it holds nothing but targets;
one that declares another target (another account's room of the same name, a hand-edited
channel file) or groups (``groups:``, their ``owners:``: QA-LD Q-LD-11) is never
replaced, and the import takes another name beside it; nor, with ``--force``, one that
holds what import cannot read from Chime (``hand_edits``: ``owners:``, ``until:``, ...:
QA-LE Q-LE-7), whose targets are left as they are, with a note (``not_refreshed``). What
each file declares is the loader's reading of it (``by_file``), never a second one."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reconciler import kinds
from reconciler.desired.model import DesiredState, DesiredTarget
from reconciler.governance.grant import Grant
from reconciler.os_text import path_text
from reconciler.prose import listed, listed_first
from reconciler.render.safe import shown
from reconciler.target_yaml import HELD, Refresh

# the longest file name import makes of a name (a room's, an account's, a label)
SLUG_MAX = 80
# the hand edits a note of a file --force keeps names, before "and N more"
EDITS_SHOWN = 4
_SLUG_DROP = re.compile(r"[^a-z0-9._-]+")


def slug(text: str, empty: str = "room") -> str:
    """A file-name-safe, lower-case form of ``text`` (``Incident Response`` → ``incident-
    response``; never a path: no ``/``, no ``..``); ``empty`` when nothing is left."""
    s = _SLUG_DROP.sub("-", text.casefold()).strip("-._")
    return s[:SLUG_MAX].rstrip("-._") or empty


def numbered(base: str) -> Iterator[str]:
    """The names import tries for a file, in turn, until one is free: ``base``, then
    ``base-2``, ``base-3`` ... (the rooms' and the channels' alike)."""
    yield base
    for n in itertools.count(2):
        yield f"{base}-{n}"


@dataclass(frozen=True)
class InDir:
    """What DIR declares, by file (its path as loaded), as the loader read it: the targets
    of each file, and the files that define groups (``groups:``). Never read a second way
    (QA-LE Q-LE-6: a second reading with PyYAML's YAML 1.1 took a file the loader reads
    for another, one with a tab after a ``:``, as no file of targets)."""

    targets: Mapping[str, Sequence[DesiredTarget]] = field(default_factory=dict)
    grouped: frozenset[str] = frozenset()

    def get(self, file: str, default: Sequence[DesiredTarget] = ()) -> Sequence[DesiredTarget]:
        return self.targets.get(file, default)


def by_file(state: DesiredState | None) -> InDir:
    """What a desired state (DIR's before the import; None: no files) declares, by file."""
    if state is None:
        return InDir()
    found: dict[str, list[DesiredTarget]] = {}
    for t in state.targets:
        found.setdefault(t.location.file, []).append(t)
    return InDir(found, state.grouped)


def kept(path: Path, declared: InDir, again: Collection[object]) -> bool:
    """Whether ``import --out`` must leave the file at ``path`` as it is and take another
    name beside it, for every kind alike: the file declares a target not in ``again`` (those
    this import writes into it again: none without ``--force``, as the targets DIR declares
    are then left as they are), or defines groups. Any other file at ``path`` (one whose
    every declaration is written again, or an empty one) is in the way: written over with
    ``--force``, refused without it ("1 file exists already ... use --force")."""
    return is_there(path) and declares_others(path, declared, again)


def declares_others(path: Path, declared: InDir, own: Collection[object]) -> bool:
    """Whether the file at ``path`` declares a target not in ``own`` (those written into it
    again), or defines groups: writing over it would drop that declaration without a
    word."""
    file = path_text(path)  # as the loader names it
    return any(t not in own for t in declared.get(file)) or file in declared.grouped


HAND_EDITS = (
    "owners:",
    "a member's until:, reason: or ticket:",
    "safety:",
    "a group entry",
    # import's own prune: is told by its line, not by what the refresh writes (``_own_prune``:
    # a hand prune: false is kept where import writes one too, QA-LF Q-LF-2)
    "a prune: false without import's comment",
    "a prune: true without --prune",
    "an id: (arn:) the refresh would not write under that key",
)
"""The hand edits ``hand_edits`` finds, as ``import --help`` lists them (one list: a new
kind of edit goes here and in ``hand_edits``, QA-RR Q-RR-19)."""


def hand_edits(target: DesiredTarget, refresh: Refresh) -> list[str]:
    """What the declaration of ``target`` holds that import cannot read from Chime, so that
    writing its file again from Chime (``--force``'s refresh, writing ``refresh``) would
    drop it (QA-LE Q-LE-7): each of ``HAND_EDITS``. Said of every kind alike, in the words
    of the entry that declares it (``channel ops``); [] for what import wrote."""
    return [text for text, _ in _edits(target, refresh)]


def _edits(target: DesiredTarget, refresh: Refresh) -> list[tuple[str, str | None]]:
    """``hand_edits``, each with what to do before a refresh writes the file again (None:
    remove its lines). An ``id:`` (``arn:``) counts when the refresh does not write it
    under that key (QA-GT Q-GT-1: the room then followed settings.yaml's prune, or was
    declared by name), and is not a line to remove on its own: under a label it is what
    ties the entry to the target (QA-GZ Q-GZ-2); a ``prune:`` only when import would not
    have written it (``_own_prune``); a group entry as import writes each member itself;
    an ended ``until:`` too (written again, the member would have the role for good)."""
    kind = kinds.get(target.key.kind)
    of = f"{kind.words.entry_noun} {shown(target.key.name)}"
    found: list[tuple[str, str | None]] = []
    if target.owners:
        found.append((f"the owners: of {of}", None))
    if target.safety:
        found.append((f"the safety: of {of}", None))
    if target.own_prune is not None and not _own_prune(target, refresh):
        # a prune: true --prune writes again, if given (unless a member is left out now);
        # but in every entry it writes, which the step says (QA-HB Q-HB-4: offered as the
        # way to keep this one, it turned pruning on in every other room unasked)
        again = target.own_prune and refresh.prune is None
        step = (
            f"remove the prune: of {of} (or refresh with --force --prune, which writes "
            "prune: true in this entry and in every other one it writes)"
            if again
            else None
        )
        found.append((f"the prune: of {of}", step))
    by_id = refresh.with_id and refresh.key == target.key.name
    if target.target_id is not None and kind.id_field is not None and not by_id:
        found.append((f"the {kind.id_field}: of {of}", _unpin(target, refresh, kind.id_field)))
    paths = [(m.ref, p) for m in (*target.members, *target.expired) for p in m.provenance]
    paths += [(m.ref, p) for m in target.members for p in m.expired]
    groups = sorted({p.via[0] for _, p in paths if p.via})
    found += [(f"the group entry @{shown(g)} in {of}", None) for g in groups]
    dated: dict[str, list[str]] = {}
    for ref, p in paths:
        if not p.via and p.grant is not None and not p.grant.empty:
            keys = dated.setdefault(str(ref), [])
            keys += [k for k in _grant_keys(p.grant) if k not in keys]
    found += [
        (f"the {'/'.join(k)} of {shown(ref)} in {of}", None) for ref, k in sorted(dated.items())
    ]
    return found


def _unpin(target: DesiredTarget, refresh: Refresh, id_field: str) -> str:
    """What makes an entry pinned by ``id:`` (``arn:``) one the refresh writes again in the
    same file (QA-GZ Q-GZ-2: "remove those lines" left an entry by a label no room has,
    and the refresh wrote the room into a second file): its key as import writes it, with
    the id only where import writes one too."""
    rename = f"rename the entry {shown(target.key.name)} to {shown(refresh.key)}"
    if refresh.with_id:
        return f"{rename} (as import names it), keeping its {id_field}:"
    drop = f"remove its {id_field}: line"
    if refresh.key == target.key.name:
        return f"{drop} ({shown(target.key.name)})"
    return f"{rename} (its name in Chime) and {drop}"


_IMPORT_HELD = re.compile(rf"\s+prune:\s*false\s+#.*{re.escape(HELD)}\s*")


def _own_prune(target: DesiredTarget, refresh: Refresh) -> bool:
    """Whether the ``prune:`` of ``target``'s entry is one import wrote itself, so a
    refresh may write in its place what import writes now (QA-GZ Q-GZ-1): the ``prune:
    false`` import writes for members it left out, with its comment (``HELD``), those
    members gone or not; ``import --prune``'s ``prune: true``, ``--prune`` given again.
    Told by its line, never by its value alone (QA-HB Q-HB-1: a hand-written ``prune:
    false`` in a room where import still left a member out was taken for the one the
    refresh writes, replaced by import's, and dropped by the next refresh once that
    member had gone)."""
    if _held_by_import(target):
        return True
    return bool(target.own_prune) and refresh.pruning


def _held_by_import(target: DesiredTarget) -> bool:
    """Whether ``target``'s entry has the ``prune: false`` line import writes, comment and
    all: the loader keeps no comments, so the entry's lines are read for it (any doubt,
    a file that does not read as UTF-8, a line written otherwise: no, a hand edit)."""
    try:
        lines = target.location.path().read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeError):
        return False
    start = target.location.line - 1
    if not 0 <= start < len(lines):
        return False
    indent = len(lines[start]) - len(lines[start].lstrip())
    for line in lines[start + 1 :]:
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if len(line) - len(line.lstrip()) <= indent:  # the next entry
            return False
        if _IMPORT_HELD.fullmatch(line):
            return True
    return False


def _grant_keys(grant: Grant) -> list[str]:
    keys = [("until:", grant.until), ("reason:", grant.reason), ("ticket:", grant.ticket)]
    return [key for key, value in keys if value is not None]


def edits_named(targets: Sequence[tuple[DesiredTarget, Refresh]]) -> str:
    """The ``hand_edits`` of ``targets`` (each with what the refresh writes of it), each
    once (a channel and its moderators share an entry), the first few ("" for none)."""
    edits = list(dict.fromkeys(e for t, r in targets for e in hand_edits(t, r)))
    return listed_first(edits, EDITS_SHOWN)


def not_refreshed(path: Path, targets: Sequence[tuple[DesiredTarget, Refresh]]) -> str:
    """The note for a file ``--force`` keeps as it holds ``hand_edits`` of ``targets``
    (each with what the refresh writes of it): named, each once (a channel and its
    moderators share an entry), the first few; then what to do for a refresh: remove
    their lines, but for an ``id:`` (``arn:``) or a ``prune:`` that takes another step
    (``_edits``: QA-GZ Q-GZ-2)."""
    edits = dict(e for t, r in targets for e in _edits(t, r))
    steps = list(dict.fromkeys(step for step in edits.values() if step is not None))
    lines = [text for text, step in edits.items() if step is None]
    if lines:
        steps.insert(
            0, f"remove {listed_first(lines, EDITS_SHOWN)}" if steps else "remove those lines"
        )
    return (
        f"Note: {path} is not written again (--force): it holds {edits_named(targets)}, "
        "which import cannot read from Chime and a refresh would drop: it is kept as it "
        "is. `chime-reconciler import --adopt` writes the members Chime has that it lacks "
        f"into it; to refresh it from Chime, {listed(steps)} first."
    )


def is_there(path: Path) -> bool:
    """Whether anything is at ``path`` (a dangling symbolic link too)."""
    return os.path.lexists(path)
