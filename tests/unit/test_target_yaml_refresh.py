"""Q-RR-5: what --force's refresh compares a declaration with (``TargetText.refresh``) is
what the import writes (``target_lines``), from one rule, for every prune/held/id case."""

from __future__ import annotations

import itertools

import pytest

from reconciler.kinds import ROOM
from reconciler.target_yaml import TargetText, target_lines


@pytest.mark.parametrize(
    ("held", "prune", "with_id"),
    list(itertools.product(["", "1 member(s) left out"], [False, True], [False, True])),
)
def test_the_refresh_is_what_the_lines_say(held: str, prune: bool, with_id: bool) -> None:
    text = TargetText(
        key="ops", name="Ops", target_id="r-1", with_id=with_id, listed=(), held=held, prune=prune
    )
    lines = target_lines(ROOM.section, text)
    written = {"    prune: true": True}
    said = [written.get(line, False) for line in lines if line.startswith("    prune:")]
    assert text.refresh.prune == (said[0] if said else None)
    assert text.refresh.with_id == any(line.startswith(f"    {ROOM.id_field}:") for line in lines)
    assert text.refresh.key == "ops"
