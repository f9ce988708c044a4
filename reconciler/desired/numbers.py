"""Numbers in the desired-state files, as JSON Schema can say them (QA-ET Q-ET-2).

JSON has one kind of number: to a JSON Schema validator (and to an editor's, which reads
YAML into JavaScript numbers) ``1.0`` is the integer 1, and NaN passes every ``minimum``
and ``maximum`` (each comparison with it is false). So that the schema refuses what
``validate`` refuses, and accepts what it accepts:

- ``whole_number``: a setting that is a whole number (``Count``, and ``max_grant_days``'s
  days) reads a YAML float with no fractional part (``1.0``) as that number, as
  ``"type": "integer"`` accepts it; ``1.5``, ``.nan``, ``.inf`` and ``true`` stay refused
  (``expected a whole number, got ...``).
- ``Fraction``: a share from 0 to 1 (``max_removal_fraction``); ``.nan`` is refused as
  the number that is not finite it is, not as above 1 (QA-FL Q-FL-4: NaN fails every
  bound, so pydantic's ``le`` said ``must be at most 1.0, got nan``).
- ``finite_numbers``: the schema of every other number refuses NaN and the infinities, as
  ``validate`` does (``reconciler.desired.schema_export`` applies it to each file's schema).
"""

from __future__ import annotations

import math
import sys
from typing import Annotated, Any

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from reconciler.desired.written import WrittenFloat, the_number
from reconciler.typed_number import LIMIT, TOO_LARGE

# NaN, the one number both at least 0 and below 0 to a validator (it compares false)
_NAN = {"type": "number", "minimum": 0, "exclusiveMaximum": 0}
_LARGEST = sys.float_info.max  # beyond it, only the infinities


def whole_number(value: Any) -> Any:
    """A float with no fractional part (``1.0``) as the whole number it is; any other
    value as it is, for the field's own check. One read as a number it does not say
    (``1e-400``, 0 to Python) is refused in the words of ``1.5``. One of more than
    ``MAX_DIGITS`` digits (``1e100``) is refused, as the loader refuses such an integer:
    a saved plan holding it would not be read back (QA-GV Q-GV-1)."""
    if isinstance(value, WrittenFloat):  # 1e-400, 0 to Python but not in the file, and
        # 1e400: refused as 1e-300 is, quoting the text (QA-GV Q-GV-3: it was 0, the rule off)
        message = f"expected a whole number, got {the_number(value)}"
        raise PydanticCustomError("whole_number", "{message}", {"message": message})
    if isinstance(value, float) and value.is_integer():
        if abs(value) >= LIMIT:
            message = f"{the_number(value)} is {TOO_LARGE}"
            raise PydanticCustomError("whole_number", "{message}", {"message": message})
        return int(value)
    return value


# the bounds before the validator: the integer's own, so the JSON Schema has them as
# `minimum` and `exclusiveMaximum` (after it, or on an optional field's union, pydantic
# writes a `ge` no validator reads); `lt` is the one bound of every whole number read
Count = Annotated[int, Field(ge=0, lt=LIMIT), BeforeValidator(whole_number)]


def finite_fraction(value: Any) -> Any:
    """``value`` as it is, unless it is a float that is not finite (``.nan``, ``.inf``)."""
    if isinstance(value, float) and not math.isfinite(value):
        message = f"expected a number from 0 to 1, got {the_number(value)}"
        raise PydanticCustomError("fraction", "{message}", {"message": message})
    return value


Fraction = Annotated[float, Field(ge=0.0, le=1.0), BeforeValidator(finite_fraction)]


def finite_numbers(schema: Any) -> None:
    """Every ``"type": "number"`` in ``schema`` (in place) refuses NaN and the infinities."""
    if isinstance(schema, list):
        for value in schema:
            finite_numbers(value)
    if not isinstance(schema, dict):
        return
    for value in schema.values():
        finite_numbers(value)
    if schema.get("type") == "number":
        if "minimum" not in schema and "exclusiveMinimum" not in schema:
            schema["minimum"] = -_LARGEST
        if "maximum" not in schema and "exclusiveMaximum" not in schema:
            schema["maximum"] = _LARGEST
        schema["not"] = {"$comment": "NaN", **_NAN}
