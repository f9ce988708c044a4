"""``--format``'s choices (``cli.options.PLAN_FORMATS``, not imported from the renderers:
they are no part of a plan's start) are the formats the renderers render."""

from __future__ import annotations

from reconciler.cli.options import PLAN_FORMATS
from reconciler.render import FORMATS


def test_the_option_offers_the_formats_rendered() -> None:
    assert PLAN_FORMATS == FORMATS
