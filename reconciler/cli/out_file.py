"""An ``--out`` file that the desired state would read (QA-HD Q-HD-5): refused before any
work. ``plan --out desired-state/plan.yaml`` saved a plan (JSON, which is YAML) among the
files every later ``validate``, ``plan`` and ``apply`` reads, so that the ``apply FILE``
it printed could never work."""

from __future__ import annotations

from pathlib import Path

from reconciler.desired.files import would_read
from reconciler.errors import UsageError
from reconciler.os_text import os_form, path_text


def check_outside_desired(out: Path, desired: Path | str | None, what: str = "the plan") -> None:
    """UsageError when ``out`` is a file the desired state ``desired`` would read."""
    # a recorded --desired (a merged plan's origin) is text: given to the system in its form
    if desired and would_read(Path(os_form(str(desired))), out):
        raise UsageError(
            f"--out {path_text(out)} is inside the desired state ({path_text(desired)}), which "
            f"reads every *.yaml and *.yml file under it: save {what} elsewhere (or name it "
            ".json)"
        )
