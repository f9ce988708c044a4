"""What ``import --out DIR`` checks of DIR's governance rules once it has written (QA-FY
Q-FY-4), and what it is not to blame for:

* the policy of settings.yaml (``require_reason``, ``max_grant_days``) is checked for the
  targets of the files written: those problems are the import's (exit 1). The targets
  of the files it did not write that break it were so before the import (QA-GF Q-GF-1):
  said apart, as DIR's, the import's exit code left alone;
* CODEOWNERS is the import's only where it changed DIR's ``owners:`` (a ``--force``
  refresh of a file that had some): the files import writes have none, so a CODEOWNERS
  out of date with DIR is not its doing: DIR's, said apart as the policy's (QA-GL
  Q-GL-4: said nowhere, and a plan promised that apply refused), or, where DIR owns
  nothing, another desired state's (``foreign``: DIR is a scratch folder of the
  repository, whose ``codeowners`` would empty the repository's CODEOWNERS, QA-GF Q-GF-7);
* the moment ``until:`` is evaluated at is asked for only where DIR evaluates one
  (``max_grant_days``, an ``until:``), before any API call, so a bad
  ``CHIME_RECONCILER_NOW`` fails no other import (QA-GF Q-GF-3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import click

from reconciler import importers, kinds
from reconciler.cli.context import AppContext
from reconciler.cli.directory import settings_has
from reconciler.cli.import_dir import load_at_run
from reconciler.cli.policy_errors import governance_problems
from reconciler.desired import files as source_files
from reconciler.desired.model import DesiredState
from reconciler.errors import DesiredStateError, Problem, UsageError
from reconciler.governance import policy
from reconciler.governance.expiry import as_of
from reconciler.path_checks import is_dir
from reconciler.prose import listed


def state_before(app: AppContext, out: Path) -> DesiredState | None:
    """DIR's desired state before the import, loaded once, before any call (None: it has
    no files yet); an invalid one stops the import before anything is read or written."""
    if not is_dir(out):
        return None
    sources, _ = source_files.discover(out)
    if not sources:
        return None
    try:
        return load_at_run(app, out)
    except DesiredStateError:
        click.echo(
            f"Nothing was written: {out} is not a valid desired state, so the "
            f"{_imported_kinds(out)} it declares are unknown. Fix the problems below (or "
            "import into another directory):",
            err=True,
        )
        raise


def _imported_kinds(out: Path) -> str:
    """What DIR declares that import compares with what it reads, in the kinds' words: the
    kinds import imports whose scope DIR's settings.yaml names (``Kind.scope_setting``:
    ``account``, ``app_instances``), or every one where it names none or cannot be read
    (QA-LE Q-LE-8: "the rooms it declares" of a DIR of channels only)."""
    importable = [k for k in kinds.all_kinds() if importers.importable(k.id)]
    try:
        named = [k for k in importable if settings_has(out, k.scope_setting)]
    except UsageError:  # said by validate's errors below
        named = []
    return listed([k.words.plural for k in named or importable])


def moment(app: AppContext, before: DesiredState | None) -> dt.datetime:
    """The moment DIR's ``until:`` and ``max_grant_days`` are evaluated at: the run's
    (``--now``, ``CHIME_RECONCILER_NOW``) where DIR has either, else this instant, which
    nothing of DIR depends on (the files import writes have neither)."""
    if before is not None and _dated(before):
        return app.now
    return app.moment if app.moment is not None else dt.datetime.now(dt.UTC)


def _dated(state: DesiredState) -> bool:
    return bool(
        state.policy.max_grant_days
        or state.protected_until
        or state.protection_ends
        or any(t.dated for t in state.targets)
    )


@dataclass(frozen=True)
class Judged:
    """DIR's governance problems after the import: those of the files it wrote (``made``:
    the import's), and those of the files it did not (``found``: DIR's before it)."""

    made: list[Problem]
    found: list[Problem]
    # CODEOWNERS's problems where DIR owns nothing: the repository's CODEOWNERS is made
    # for another desired state, so a plan of DIR finds it out of date
    foreign: list[Problem] = field(default_factory=list)


def judge(
    before: DesiredState | None,
    after: DesiredState,
    out: Path,
    now: dt.datetime,
    written: Collection[str],
) -> Judged:
    """``after``'s problems, told apart by ``written`` (the paths of the files written, as
    the loader names them)."""
    after = as_of(after, now)
    limits = policy.Limits(dict(after.policy.max_grant_days))
    mine = [t for t in after.targets if t.location.file in written]
    others = [t for t in after.targets if t.location.file not in written]
    made = policy.check(mine, now, limits, after.policy.require_reason)
    found = policy.check(others, now, limits, after.policy.require_reason)
    owners = governance_problems(after, now, out, keys=())  # CODEOWNERS's only
    if before is not None and _owners(before) != _owners(after):
        return Judged(made + owners, found)
    if _owners(after):
        return Judged(made, found + owners)
    return Judged(made, found, owners)


def _owners(state: DesiredState) -> set[tuple[str, tuple[str, ...]]]:
    """What CODEOWNERS is made from: each file's ``owners:``."""
    return {(o.location.file, o.owners) for o in state.owned if o.owners}
