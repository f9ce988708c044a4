"""The number options' one check, for every command (QA-LE Q-LE-4): a value quoted as
typed and the bound in words (``'-1' is less than 0.``), not click's ``-1 is not in the
range 0<=x<=60000.`` or ``'x' is not a valid integer.``. The text check (which digits a
number may be typed in) is ``typed_number.number_text``; its docstring says why. Pure."""

from __future__ import annotations

import math
from typing import Any

import click

from reconciler.desired.written import IT_READS, misread_words
from reconciler.quoted import quoted
from reconciler.typed_number import TOO_LARGE, number_text, too_many_digits, typed_whole


class FiniteFloatRange(click.FloatRange):
    """``click.FloatRange`` without ``nan`` and ``inf``: ``nan`` passes every range check
    (no comparison with it holds) and ``inf`` is no number of seconds. Its refusals quote
    the value as typed and say the bound in words (``'-1' is less than 0.1.``), not
    click's ``-1.0 is not in the range x>=0.1.`` (QA-GM Q-GM-5)."""

    name = "finite float range"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        shown = _shown(value)
        try:
            number = float(number_text(value))
        except (TypeError, ValueError):
            # click's own words, 'is not a valid finite float range', name its type (Q-GI-5)
            self.fail(f"{shown} is not a number.", param, ctx)
        # 1e400 and 1e-400, infinity and 0 to float(), in --rate's words (QA-GV Q-GV-6):
        # neither is used, 0 where 0 is allowed no more than infinity
        words = misread_words(value, number, IT_READS) if isinstance(value, str) else ""
        if words and words != "not finite":
            self.fail(f"{shown} is {words}.", param, ctx)
        if not math.isfinite(number):
            self.fail(f"{shown} is not a finite number.", param, ctx)
        low, high = self.min, self.max
        if low is not None and (number < low or (self.min_open and number == low)):
            words = "is not more than" if self.min_open else "is less than"
            self.fail(f"{shown} {words} {low:g}.", param, ctx)
        if high is not None and (number > high or (self.max_open and number == high)):
            words = "is not less than" if self.max_open else "is more than"
            self.fail(f"{shown} {words} {high:g}.", param, ctx)
        return super().convert(number, param, ctx)


class WordedIntRange(click.IntRange):
    """``click.IntRange`` refusing as ``FiniteFloatRange`` does; a value that is no whole
    number says so (QA-GO Q-GO-1). Without bounds, every whole number (no option: each
    has its bounds, none takes a negative number, QA-GY Q-GY-2): the one type of every
    integer option."""

    name = "whole number range"

    def __init__(self, min: int | None = None, max: int | None = None) -> None:
        super().__init__(min, max)
        if min is None and max is None:  # help shows WHOLE NUMBER, and no `[x<=None]`
            self.name = "whole number"

    def _describe_range(self) -> str:
        return "" if self.min is None and self.max is None else super()._describe_range()

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        shown = _shown(value)
        low, high = self.min, self.max
        if isinstance(value, str) and too_many_digits(value):  # int() refuses 4,301 digits
            negative = value.strip().startswith("-")  # as "not a whole number" (Q-GV-5)
            if negative and low is not None:
                self.fail(f"{shown} is less than {low}.", param, ctx)
            if not negative and high is not None:
                self.fail(f"{shown} is more than {high}.", param, ctx)
            self.fail(f"{shown} is {TOO_LARGE}.", param, ctx)  # the one bound (Q-GV-1)
        try:  # the one rule, --shard's too (QA-LF Q-LF-7)
            number = typed_whole(value) if isinstance(value, str) else int(value)
        except (TypeError, ValueError):
            self.fail(f"{shown} is not a whole number.", param, ctx)
        if low is not None and number < low:
            self.fail(f"{shown} is less than {low}.", param, ctx)
        if high is not None and number > high:
            self.fail(f"{shown} is more than {high}.", param, ctx)
        return super().convert(number, param, ctx)


def _shown(value: Any) -> str:
    """``value`` quoted as typed, cut when long (``reconciler.quoted``: QA-GV Q-GV-5)."""
    return quoted(value) if isinstance(value, str) else repr(value)
