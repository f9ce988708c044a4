"""README "Commands" says its environment variables are "all listed in
`chime-reconciler --help`": the two lists name the same variables (QA-FK Q-FK-6: --help
had AWS_DATA_PATH, AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE and
CHIME_RECONCILER_TIMINGS, the README's table AWS_DEFAULT_PROFILE, each without the
other)."""

from __future__ import annotations

import re
from pathlib import Path

from reconciler.cli.main import ENVIRONMENT

README = Path(__file__).parents[2] / "README.md"
HEADING = "Environment variables (all listed in `chime-reconciler --help`):"


def _names(cell: str) -> set[str]:
    """``AWS_REGION, AWS_DEFAULT_REGION`` / ``NO_COLOR=1``: the variables' names."""
    return {n.strip(" `").split("=")[0] for n in cell.split(",") if n.strip(" `")}


def _readme_table() -> set[str]:
    table = README.read_text(encoding="utf-8").split(HEADING, 1)[1]
    rows = [ln for ln in table.strip().split("\n\n", 1)[0].splitlines() if ln.startswith("| `")]
    return {name for row in rows for name in _names(row.split(" | ", 1)[0].lstrip("| "))}


def _help() -> set[str]:
    names: set[str] = set()
    for line in ENVIRONMENT.splitlines():
        if line.startswith("  ") and not line.startswith("   "):  # a variable's line
            names |= _names(re.split(r"\s{2,}", line.strip())[0])
    return names


def test_the_readme_table_lists_the_variables_help_lists() -> None:
    assert _readme_table() == _help()
