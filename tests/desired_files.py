"""Desired-state directories written and loaded by unit tests (restrictions' tests share
them): the files written under a root, and the problems loading it reports."""

from __future__ import annotations

from pathlib import Path

from reconciler.desired.loader import load_desired
from reconciler.errors import DesiredStateError


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def problems(root: Path) -> list[str]:
    try:
        load_desired(root)
    except DesiredStateError as exc:
        return [str(p) for p in exc.problems]
    return []
