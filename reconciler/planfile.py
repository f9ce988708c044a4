"""The saved-plan file: ``plan --out FILE`` writes it, ``show FILE`` and ``apply FILE`` read it.

The file is the plan's JSON document (``reconciler.plandoc``, format version 2, schema
``plan.schema.json``), which holds everything ``apply`` needs to execute exactly this
plan: per target its kind, scope, name, id and live fingerprint; per change the member's
id, type, display and key, and roles as the kind writes them; the desired-state digest.
``load_plan(save_plan(p, f)) == p``. Files of format version 1 (before kinds: ``rooms[]``
with ``account``) are still read. Reading the document back into a ``Plan`` is
``reconciler.plandecode``'s; this module is the file: writing it, reading it, and its errors.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from reconciler import atomic_file, interrupt, jsondoc
from reconciler.atomic_file import write_atomically
from reconciler.errors import UsageError
from reconciler.governance.grant import parse_moment
from reconciler.os_text import path_text
from reconciler.plan import Plan
from reconciler.plandecode import (
    ORIGIN_DIFFERS,
    ORIGIN_KEYS,
    CorruptPlan,
    OlderPlan,
    origin_from,
    plan_from_document,
)
from reconciler.plandoc import READABLE_VERSIONS, plan_to_data
from reconciler.regular_file import FileTooLarge, NotRegularFile, read_regular
from reconciler.render.json import indented
from reconciler.render.safe import json_text


class PlanFileError(UsageError):
    """A saved plan that cannot be used: missing, unreadable, corrupt or another version."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = path_text(path)  # shown as the text it is (``os_text``)
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"Cannot use the saved plan {self.path}: {self.reason}"


class NotAPlanError(PlanFileError):
    """A JSON document chime-reconciler writes that is no plan (an apply result, an audit...):
    named as what it is, not as a corrupt plan (QA-AY Q-AY-5)."""

    def __init__(self, path: Path | str, what: str) -> None:
        self.what = what
        super().__init__(path, f"{what}, not a plan")

    def __str__(self) -> str:
        return (
            f"{self.path} is {self.what}, not a plan: give the file `plan --out FILE` wrote "
            "(or make one with it)"
        )


# the other JSON documents chime-reconciler writes, each by the keys only it has together
# (in this order: a watch's record has an apply result's keys too), and what they are
OTHER_DOCUMENTS: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"watch"}), "a watch record (apply --watch --format json, apply --watch --out)"),
    (frozenset({"complete", "changes"}), "an apply result (apply --out)"),
    (frozenset({"member", "desired_state"}), "an audit (audit --format json)"),
    (frozenset({"member", "now"}), "an explanation (explain --format json)"),
)


def other_document(data: dict[str, Any]) -> str | None:
    """What ``data`` is when it is another of chime-reconciler's JSON documents, not a plan
    (``OTHER_DOCUMENTS``); None: none of them."""
    return next((what for keys, what in OTHER_DOCUMENTS if keys <= data.keys()), None)


class PlanWriteError(UsageError):
    """``plan --out FILE`` could not write FILE."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = path_text(path)  # shown as the text it is (``os_text``)
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"cannot save the plan to {self.path}: {self.reason}"


# The largest plan file read (1 GiB): a plan of 1,000 rooms x 1,000 members that adds
# every one (a first apply) is 523 MB as saved (524 bytes a change, 22-character
# addresses; measured), so twice that; a device, a FIFO or a socket is refused unread.
MAX_PLAN_BYTES = 1 << 30


def save_plan(plan: Plan, path: Path | str, origin: Mapping[str, Any] | None = None) -> Path:
    """Write ``plan`` to ``path`` (atomically: a reader never sees half a file), with
    ``origin``: the desired-state directory, endpoint, region and --now it was made with,
    and when (``made_at``); a merged plan's ``differs`` too, when its shards' differ. The
    text is ``plan --format json``'s: format characters and lone surrogates (a live name
    may hold one) escaped as ``\\uXXXX``."""
    path = Path(path)
    data = plan_to_data(plan, None if origin is None else _origin_data(origin))
    text = json_text(indented(data)) + "\n"
    interrupt.raise_if_pressed()  # a Ctrl-C swallowed on its way writes nothing
    try:
        write_atomically(path, text)
    except OSError as exc:
        raise PlanWriteError(path, str(exc.strerror or exc)) from exc
    return path


def _origin_data(origin: Mapping[str, Any]) -> dict[str, Any]:
    data = {k: origin.get(k) for k in ORIGIN_KEYS}
    if origin.get(ORIGIN_DIFFERS):  # a merged plan's only
        data[ORIGIN_DIFFERS] = list(origin[ORIGIN_DIFFERS])
    return data


def check_writable(path: Path | str) -> None:
    """``PlanWriteError`` now, before any work, when ``save_plan`` could not write ``path``
    (its folder is missing or not writable, it is a directory...)."""
    reason = atomic_file.problem(Path(path))
    if reason is not None:
        raise PlanWriteError(path, reason)


def read_origin(path: Path | str) -> dict[str, str]:
    """The ``origin`` a saved plan records (its non-empty strings), or nothing: a file
    that cannot be read, or is no plan of a version read here, is ``load_plan``'s to
    report. A corrupt origin is refused (``PlanFileError``) as ``load_plan`` refuses it."""
    try:
        data = json.loads(_read_text(path))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict) or data.get("format_version") not in READABLE_VERSIONS:
        return {}
    try:
        return origin_from(data)
    except CorruptPlan as exc:
        raise PlanFileError(path, f"the file is corrupt: {exc}") from None


def plan_made_at(path: Path | str) -> datetime | None:
    """When the saved plan at ``path`` was made (its ``origin.made_at``; a merged plan's is
    its earliest shard's), or None: it records none, or is no plan read here (``read_origin``)."""
    text = read_origin(path).get("made_at")
    return None if text is None else parse_moment(text)  # read_origin checked it


def load_plan(path: Path | str) -> Plan:
    """Read a saved plan. Raises PlanFileError with a clear message when it can't."""
    try:
        text = _read_text(path)
    except FileNotFoundError as exc:
        raise PlanFileError(path, "no such file") from exc
    except IsADirectoryError as exc:
        raise PlanFileError(path, "it is a directory, not a file") from exc
    except NotRegularFile as exc:
        if exc.what == "a directory":
            raise PlanFileError(path, "it is a directory, not a file") from None
        raise PlanFileError(path, f"it is {exc.what}, not a regular file") from None
    except FileTooLarge as exc:
        raise PlanFileError(
            path, f"too large for a plan file: {exc.size:,} bytes, at most {exc.limit:,}"
        ) from None
    except UnicodeDecodeError as exc:
        raise PlanFileError(path, "not a plan file (not UTF-8 text)") from exc
    except OSError as exc:
        raise PlanFileError(path, f"cannot read it: {exc.strerror or exc}") from exc
    try:
        data = jsondoc.loads(text)
    except jsondoc.JsonDocumentError as exc:
        what = _json_lines(text)
        if what is not None:
            raise NotAPlanError(path, what) from None
        raise PlanFileError(path, f"not a plan file ({exc})") from None
    return plan_from_data(data, path)


def _json_lines(text: str) -> str | None:
    """What ``text`` is when it is JSON Lines of one of chime-reconciler's documents (the
    records ``apply --watch --format json`` writes, one a line), else None."""
    first = text.lstrip().partition("\n")[0]
    try:
        record = jsondoc.loads(first)
    except jsondoc.JsonDocumentError:
        return None
    what = other_document(record) if isinstance(record, dict) else None
    return None if what is None else f"JSON Lines, each line {what}"


def _read_text(path: Path | str) -> str:
    """The plan file's text, read with a bound (``MAX_PLAN_BYTES``); a device, a FIFO or
    a socket is refused before anything is read (``NotRegularFile``)."""
    return read_regular(path, limit=MAX_PLAN_BYTES).decode("utf-8")


def plan_from_data(data: Any, path: Path | str = "<data>") -> Plan:
    """Decode the JSON document ``reconciler.plandoc`` writes (or a version-1 one)."""
    if not isinstance(data, dict) or "format_version" not in data:
        raise PlanFileError(path, "not a chime-reconciler plan (no format_version)")
    version = data["format_version"]
    if version not in READABLE_VERSIONS:
        readable = " or ".join(repr(v) for v in READABLE_VERSIONS)
        raise PlanFileError(
            path,
            f"format_version {version!r} is not supported; this chime-reconciler reads "
            f"version {readable} (make the plan again with this version)",
        )
    try:
        origin_from(data)  # what apply FILE uses (``read_origin``)
        return plan_from_document(data, version)
    except OlderPlan as exc:
        raise PlanFileError(
            path, f"made by an older chime-reconciler ({exc}); run plan again with this version"
        ) from exc
    except CorruptPlan as exc:
        what = other_document(data)  # a plan of its keys is read as one: only once refused
        if what is not None:
            raise NotAPlanError(path, what) from None
        raise PlanFileError(path, f"the file is corrupt: {exc}") from exc
