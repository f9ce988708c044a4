"""README "Commands" says its environment variables are "all listed in
`chime-reconciler --help`": the two lists name the same variables (QA-FK Q-FK-6: --help
had AWS_DATA_PATH, AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE and
CHIME_RECONCILER_TIMINGS, the README's table AWS_DEFAULT_PROFILE, each without the
other)."""

from __future__ import annotations

import re
from pathlib import Path

from reconciler import env_flag
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


def _help_of(variable: str) -> str:
    """The help text of ``variable`` in --help's Environment: its line and those under it."""
    lines = ENVIRONMENT.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith(f"  {variable}"))
    rest = lines[start + 1 :]
    end = next((i for i, ln in enumerate(rest) if not ln.startswith("   ")), len(rest))
    return " ".join(ln.strip() for ln in [lines[start], *rest[:end]])


def test_help_lists_every_value_the_flags_accept_and_that_others_are_refused() -> None:
    """reread-20: --help said ``1/true/on, 0/false/off``, without the ``yes``/``no`` that
    env_flag accepts and README lists, and nothing of TIMINGS' values."""
    progress = _help_of(env_flag.PROGRESS)
    said = set(re.findall(r"[a-z0-9]+", progress.split("(", 1)[1]))
    assert (env_flag.ON | env_flag.OFF) - {""} <= said, progress
    assert "error" in progress
    timings = _help_of(env_flag.TIMINGS)
    assert "as for PROGRESS" in timings and "error" in timings, timings
