"""settings.yaml's ``max_grant_days``: a whole number of days for every role, or a mapping
of list keys to days (``{administrators: 30, moderators: 7}``), each at least 1.

One error for a wrong value, at its line and in the project's words: a value of another
type is ``expected a whole number of days or a mapping of list keys to days, got ...``
(not one error per form of the union), ``0`` or ``-5`` is ``must be at least 1``, over
``--max-duration``'s 99999 days ``must be at most 99999``, and a bad value in the
mapping is reported at its key (``max_grant_days.administrators``). The list keys
themselves are checked by ``reconciler.governance.policy.grant_key_problems``
(they are the registered kinds' keys, which the desired-state models cannot import).
The type itself is ``GrantDays`` in ``reconciler.desired.spec`` (its keys are names).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from reconciler.desired.messages import describe
from reconciler.desired.numbers import whole_number
from reconciler.desired.written import WrittenFloat
from reconciler.governance.entries import DAYS_MAPPING_TAG, DAYS_TAG
from reconciler.governance.grant import MAX_DURATION

MIN_DAYS = 1


def days_form(value: Any) -> str:
    """The discriminator: the mapping form, or days for every role (anything else is
    refused by ``either_form`` first)."""
    return DAYS_MAPPING_TAG if isinstance(value, dict) else DAYS_TAG


def either_form(value: Any) -> Any:
    """A whole number or a mapping goes on to its form's checks; anything else is one error
    naming both forms (a bool is YAML's true/false, not a number; ``30.0`` is 30, as the
    JSON Schema's integer is: ``reconciler.desired.numbers``)."""
    if not isinstance(value, WrittenFloat):  # 1e-400 is no 0 here either (QA-GV Q-GV-3)
        value = whole_number(value)
    if isinstance(value, dict) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    message = (
        f"expected a whole number of days or a mapping of list keys to days, got {describe(value)}"
    )
    raise PydanticCustomError("grant_days", "{message}", {"message": message})


# the bound before the validator: the integer's own, so the JSON Schema has it as `minimum`
# and at most `--max-duration`'s 99999 days, which means the same (QA-GV Q-GV-15: any
# number of up to 100 digits was taken, and printed whole in every grant's error)
Days = Annotated[int, Field(ge=MIN_DAYS, le=MAX_DURATION), BeforeValidator(whole_number)]
