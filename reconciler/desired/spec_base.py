"""What every desired-state file model shares: the strict base model, and the checks every
name gets (not blank, not too long: ``MAX_NAME_LENGTH``). The errors are pydantic's custom
errors, whose message is the user's text as given (``fail``)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

NON_BLANK = r".*\S.*"
MAX_NAME_LENGTH = 256  # characters of a member reference, group or room name, id or account:
# an e-mail address has at most 254 (RFC 5321); a 10 MB reference is a mistake or an attack


# a model built at run time gets its description wrapped as its docstring would be in the
# source (so the JSON Schema stays the one a written class gives)
_DOC_WIDTH = 87
_DOC_OPENING = "   "  # the docstring's opening quotes


def doc_text(text: str) -> str:
    """``text`` wrapped as a class docstring is in the source (at 4 spaces of indent)."""
    return textwrap.fill(text, width=_DOC_WIDTH, initial_indent=_DOC_OPENING)[len(_DOC_OPENING) :]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


def fail(kind: str, message: str) -> PydanticCustomError:
    """A validation error of type ``kind`` whose text is ``message``, as it is."""
    # the message is the template: pass it as context so braces in user text stay literal
    return PydanticCustomError(kind, "{message}", {"message": message})


def too_long(value: str, what: str) -> PydanticCustomError | None:
    """The error for a name longer than MAX_NAME_LENGTH (which never echoes it), or None."""
    if len(value) <= MAX_NAME_LENGTH:
        return None
    return fail("too_long", too_long_text(len(value), what))


def too_long_text(length: int, what: str) -> str:
    """``the name is too long: 1,100 characters, at most 256``."""
    return f"{what} is too long: {length:,} characters, at most {MAX_NAME_LENGTH}"


def short(value: str, what: str = "the name") -> str:
    """``value``, or the error of a ``what`` too long (``too_long``)."""
    error = too_long(value, what)
    if error:
        raise error
    return value


def at_most(what: str) -> Callable[[str], str]:
    """``short`` for a value that is no name: ``the id is too long`` (QA-GD Q-GD-3: an id,
    an account or a label was "the name")."""

    def check(value: str) -> str:
        return short(value, what)

    return check


# the pattern before the validator: so it is the string's own constraint, and the JSON
# Schema has it (after a validator it was checked but left out: QA4 R11)
NonBlank = Annotated[str, Field(pattern=NON_BLANK), AfterValidator(short)]


def trimmed(value: object) -> object:
    """A string without the white space at either end (anything else as it is: the type
    check refuses it)."""
    return value.strip() if isinstance(value, str) else value


def limited(what: str, trim: bool) -> tuple[Any, ...]:
    """What an ``Annotated[str, ...]`` of a ``what`` takes: not blank (the pattern first,
    so the JSON Schema keeps it), without the white space at either end if ``trim``, and
    at most ``MAX_NAME_LENGTH`` characters (``the id is too long``). One factory for the
    length-limited strings (QA-LE Q-LE-3: five hand-assembled alike)."""
    trimming = (BeforeValidator(trimmed),) if trim else ()
    return (Field(pattern=NON_BLANK), *trimming, AfterValidator(at_most(what)))


# an id (an account, a room's id, an ARN) is read without the white space at either end,
# as member references and import's settings account are: a stray space would otherwise
# name no room, with an invisible cause (QA-CF Q-CF-6)
Id = Annotated[str, *limited("the id", trim=True)]
Account = Annotated[str, *limited("the account", trim=True)]
Label = Annotated[str, *limited("the label", trim=True)]  # a channel's `app_instance:`
TargetName = Annotated[str, AfterValidator(short)]  # a room's (channel's, ...) key
# as written (not trimmed), and no name either (QA-GG Q-GG-4): settings.yaml's
# `app_instances:` keys, the labels channels name; restrictions.yaml's `ids:` entries
LabelKey = Annotated[str, *limited("the label", trim=False)]
IdEntry = Annotated[str, *limited("the id", trim=False)]
