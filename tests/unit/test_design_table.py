"""README's "Design in short" maps the code as it is (Q-CY-8): every package of
reconciler/ has its row in the module table, every module a row names exists, and the
kinds row names every kind module."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def design_rows() -> dict[str, str]:
    """The module table's rows: first cell -> second cell."""
    section = README[README.index("## Design in short\n") :]
    section = section[: section.index("\n## ", 1)]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {row.split(" | ")[0]: row.split(" | ", 1)[1] for row in rows}


def test_every_package_of_reconciler_has_a_row() -> None:
    packages = sorted(
        p.parent.name for p in (ROOT / "reconciler").glob("*/__init__.py") if p.parent.is_dir()
    )
    named = {m for cell in design_rows() for m in re.findall(r"`reconciler/(\w+)/`", cell)}
    assert [p for p in packages if p not in named] == []


def test_every_module_a_row_names_exists() -> None:
    for cell, job in design_rows().items():
        first = re.findall(r"`(reconciler/[\w/.]*)`", cell)[0]
        folder = ROOT / first if first.endswith("/") else (ROOT / first).parent
        for name in re.findall(r"`(\w+\.py)`", cell + job):
            found = list(folder.glob(name)) + list((ROOT / "reconciler").glob(name))
            assert found, f"{name} (row {first})"


def test_the_kinds_row_names_every_kind() -> None:
    kinds = {p.name for p in (ROOT / "reconciler" / "kinds").glob("*.py")}
    (row,) = [job for cell, job in design_rows().items() if "`reconciler/kinds/`" in cell]
    assert sorted(k for k in kinds - {"__init__.py"} if f"`{k}`" not in row) == []
