"""How ``import`` loads a desired-state directory (the --out DIR, or --desired for
stdout): at the run's moment, as validate and plan do, so that an entry whose ``until:``
has passed makes no role conflict there either (REREAD item 6)."""

from __future__ import annotations

from pathlib import Path

from reconciler.cli.context import AppContext
from reconciler.desired.loader import load_desired
from reconciler.desired.model import DesiredState
from reconciler.errors import DesiredStateError


def load_at_run(app: AppContext, directory: Path) -> DesiredState:
    """``directory`` loaded at the run's moment. A CHIME_RECONCILER_NOW is read only when
    the directory does not load with nothing expired (only then can its validity depend
    on the moment): a bad one fails no other import (QA-GF Q-GF-3)."""
    if app.moment is not None:
        return load_desired(directory, app.moment)
    try:
        return load_desired(directory)
    except DesiredStateError:
        return load_desired(directory, app.now)
