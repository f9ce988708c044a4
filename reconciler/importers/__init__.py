"""Kinds that ``chime-reconciler import`` can import, by kind id: the import capability a
kind's provider side registers, as a provider registers its factory
(``reconciler.providers.registry``). ``import`` loops over ``kinds.all_kinds()`` and opens
the importer of each kind that has one; it names no kind.

An importer reads the live targets of its kind (``read``) and says what ``import`` writes
of them (``to_stdout``, ``to_directory``): the text (one document, or files under
``--out``), the lines said after it, and what the next plan is expected to show. What the
YAML of one target says is ``reconciler.target_yaml``'s, from the kind's data.

Each importer module is imported only when ``import`` runs (a plan loads none of them).
"""

from __future__ import annotations

import enum
import importlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from reconciler.desired.model import DesiredState, DesiredTarget
from reconciler.kinds import CHANNEL, ROOM
from reconciler.os_text import path_text
from reconciler.prose import counted

if TYPE_CHECKING:
    from reconciler.cli.context import AppContext


@dataclass(frozen=True)
class ImportRequest:
    """What was asked: ``--account`` (the scopes to read), ``--room`` (target names or
    ids: only those), ``--out``, ``--force``, ``--prune``; ``before``: the ``--out``
    directory's desired state as it is (None: no --out, or no files there yet), loaded
    once by ``import`` before any call."""

    scopes: tuple[str, ...]
    names: tuple[str, ...]
    out: Path | None
    force: bool
    prune: bool
    before: DesiredState | None = None


class Wanted(enum.Enum):
    """Whether a run imports a kind: ``NO``; ``YES``; ``FALLBACK``: only when no other kind
    is imported (rooms of every account ListAccounts shows, when no account is known)."""

    NO = "no"
    YES = "yes"
    FALLBACK = "fallback"


# up to this many files written of a kind are named, not said "under DIR" (QA-LD Q-LD-12)
NAMED_FILES = 3


def written_files(out: Path, files: Iterable[str], noun: str) -> str:
    """The files of a kind written (``noun``: ``room file``), for the summary line: named,
    where few, as one may be a new name beside a file kept (``channels/chat-2.yaml``,
    ``rooms/ops-r1.yaml``: QA-LD Q-LD-12, ``1 channel file under DIR`` did not say which);
    else counted under ``out``; "" for none (said of no kind: QA-FX Q-FX-4)."""
    names = sorted(files)
    n = len(names)
    if not n:
        return ""
    if n > NAMED_FILES:
        return f"{counted(n, noun)} under {out}"
    return f"{counted(n, noun)} ({', '.join(path_text(out / f) for f in names)})"


@dataclass(frozen=True)
class Imported:
    """What ``import`` writes of one kind, and says.

    ``document``: the text for stdout; ``files``: path under ``--out`` -> text; ``summary``:
    what was imported, for the one ``Imported ...`` line that counts every kind (``5 rooms
    (20 memberships) from account 1111...``; "": none); ``written``: the files under
    ``--out``, for its ``Wrote ...`` (``5 room files under DIR (kept DIR/settings.yaml)``;
    "": none);
    ``warnings``: lines said on stderr before the report; ``report``: lines said after that
    ``Imported ...`` line (for stdout: on stderr); ``wrote_targets``: the files under
    ``--out`` declare targets of this kind (not settings.yaml alone), which the ``Next:``
    line promises the next plan shows no changes of, weakened where ``--out`` declares
    targets left as they are (QA-FY Q-FY-6);
    ``left_out``: the live members the files written leave out with a comment, which that
    plan shows as members the desired state does not declare; ``unplannable``: the
    next plan of ``--out`` fails until an entry the report names is fixed (then the
    ``Next:`` line promises nothing, whatever ``wrote_targets``)."""

    document: str = ""
    files: Mapping[str, str] = field(default_factory=dict)
    summary: str = ""
    written: str = ""
    warnings: Sequence[str] = ()
    report: Sequence[str] = ()
    wrote_targets: bool = False
    left_out: int = 0
    unplannable: bool = False
    # ``left_out`` by the word of each one's kind where not all are members (the plan's
    # words for its drift: ``2 members and 1 moderator``)
    left_out_words: Mapping[tuple[str, str], int] = field(default_factory=dict)
    # some targets could not be read (each said in ``errors``): the rest is imported, and
    # import exits 1
    failed: bool = False
    # ``Error: ...`` lines, said on stderr after the report (with --out too: QA-LD Q-LD-6)
    errors: Sequence[str] = ()


class KindImport(Protocol):
    def wanted(self) -> Wanted: ...

    def read(self) -> None:
        """Read the live targets (the API calls)."""

    def to_stdout(self) -> Imported: ...

    def to_directory(self, out: Path, declared: Sequence[DesiredTarget]) -> Imported:
        """``declared``: what ``out`` declares already (left as it is)."""


# kind id -> "module:class"; the class is built with (app, request)
_IMPORTERS: dict[str, str] = {}


def register(kind_id: str, where: str) -> None:
    """``where``: ``"package.module:Class"``, imported when ``import`` opens it."""
    _IMPORTERS[kind_id] = where


def unregister(kind_id: str) -> None:
    _IMPORTERS.pop(kind_id, None)


def importable(kind_id: str) -> bool:
    return kind_id in _IMPORTERS


def open_importer(kind_id: str, app: AppContext, request: ImportRequest) -> KindImport:
    module, _, name = _IMPORTERS[kind_id].partition(":")
    factory = getattr(importlib.import_module(module), name)
    importer: KindImport = factory(app, request)
    return importer


register(ROOM.id, "reconciler.importers.rooms:RoomsImport")
register(CHANNEL.id, "reconciler.importers.channels:ChannelsImport")
