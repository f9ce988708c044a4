"""The width a console draws at (``reconciler.cli.context.sane_width``): COLUMNS or the
terminal's, within 20..1000 columns, 80 when it says 0 (QA CZ Q-CZ-3, Q-CZ-4)."""

from __future__ import annotations

import pytest

from reconciler.cli.context import sane_width


@pytest.mark.parametrize(
    ("given", "used"),
    [(0, 80), (1, 20), (19, 20), (20, 20), (80, 80), (1000, 1000), (99999999999, 1000)],
)
def test_a_width_is_drawn_within_20_to_1000_columns(given: int, used: int) -> None:
    assert sane_width(given) == used
