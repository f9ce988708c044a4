"""The entries of member lists: ``@group`` or a member reference (``bot:NAME`` or an e-mail
address for rooms; each kind has its parser), parsed once per distinct text while a
desired state loads (``remembered_entries``), and the pydantic types that validate them
(``MemberReference``, ``MemberList``: a reference, or its mapping form with ``until:``,
``reason:`` and ``ticket:``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Discriminator,
    Field,
    Tag,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    create_model,
)

from reconciler.channel_refs import parse_protected
from reconciler.desired.spec_base import MAX_NAME_LENGTH, fail, too_long
from reconciler.governance.entries import MAPPING_TAG, TEXT_TAG, EntryBase, which_entry
from reconciler.refs import CONTROL, CONTROL_BMP, EMAIL_PATTERN, MemberRef

GROUP_PREFIX = "@"
# a group's name: no white space, no '@' first, no control or invisible character (refs)
_GROUP_NAME = rf"[^\s@{CONTROL_BMP}][^\s{CONTROL_BMP}]*"  # ECMA-262 safe, for JSON Schema
GROUP_NAME_PATTERN = rf"^{_GROUP_NAME}$"
GROUP_NAME_RE = re.compile(rf"^[^\s@{CONTROL}][^\s{CONTROL}]*\Z")  # \Z: not before a \n
ENTRY_PATTERN = rf"^\s*(?:@{_GROUP_NAME}|[Bb][Oo][Tt]:.*\S.*|{EMAIL_PATTERN})\s*$"  # ECMA-262 safe
# settings.yaml's ``protected:`` takes a channel user too (``user:ID``, an ARN: their form is
# left to validate, README says so); a malformed e-mail address is refused (QA5 Q5-9)
PROTECTED_PATTERN = (
    rf"^\s*(?:@{_GROUP_NAME}|[Bb][Oo][Tt]:.*\S.*|[Uu][Ss][Ee][Rr]:.*|[Aa][Rr][Nn]:.*"
    rf"|{EMAIL_PATTERN})\s*$"
)


@dataclass(frozen=True, order=True)
class GroupRef:
    """``@name`` in a member list: every member of the group, recursively."""

    name: str

    def __str__(self) -> str:
        return f"{GROUP_PREFIX}{self.name}"


Entry = MemberRef | GroupRef


Parser = Callable[[str], MemberRef]
_REMEMBERED: ContextVar[dict[Parser, dict[str, Entry]] | None] = ContextVar(
    "remembered_entries", default=None
)


@contextmanager
def remembered_entries() -> Iterator[None]:
    """Within: ``parse_entry`` parses each distinct text once per parser (the validators
    and the loader share the result; the same members are listed in many places). The
    memory is dropped on the way out."""
    token = _REMEMBERED.set({})
    try:
        yield
    finally:
        _REMEMBERED.reset(token)


def parse_entry(text: str, parse_member: Parser = MemberRef.parse) -> Entry:
    """An entry of a member list: ``@group``, or a member reference (``bot:NAME`` or an
    e-mail address for rooms; ``parse_member`` is the kind's parser). Raises ValueError
    with a user-facing message."""
    remembered = _REMEMBERED.get()
    known = remembered.get(parse_member) if remembered is not None else None
    entry = known.get(text) if known is not None else None  # parsed before: most entries
    return entry if entry is not None else entry_parser(parse_member)(text)


def remembered_parses(parse_member: Parser) -> dict[str, Entry]:
    """The entries ``parse_entry`` remembers for ``parse_member`` (text -> entry): for a
    loop that looks its texts up itself before it calls ``entry_parser``'s parse (empty
    outside ``remembered_entries``)."""
    remembered = _REMEMBERED.get()
    return {} if remembered is None else remembered.setdefault(parse_member, {})


def entry_parser(parse_member: Parser = MemberRef.parse) -> Callable[[str], Entry]:
    """``parse_entry`` with ``parse_member``, remembering (``remembered_entries``)."""
    remembered = _REMEMBERED.get()
    if remembered is None:
        return lambda text: _parse_entry(text, parse_member)
    known = remembered.setdefault(parse_member, {})

    def parse(text: str) -> Entry:
        entry = known.get(text)
        if entry is None:
            entry = known[text] = _parse_entry(text, parse_member)
        return entry

    return parse


def _parse_entry(text: str, parse_member: Parser) -> Entry:
    stripped = text.strip()
    if stripped.startswith(GROUP_PREFIX):
        name = stripped[len(GROUP_PREFIX) :].strip()
        if not name:
            raise ValueError(f"group reference {stripped!r} has no group name")
        if not GROUP_NAME_RE.match(name):
            raise ValueError(f"malformed group reference {stripped!r}")
        return GroupRef(name)
    return parse_member(text)  # e-mails: refs.EMAIL_RE, the one rule (no <a@b.c>, a@b.c; ...)


def entry_present(value: Any) -> Any:
    """A member list's entry before its type is checked: not empty, not too long (every
    kind's member reference: ``BeforeValidator``)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise fail("member_ref", "empty member reference")
    error = too_long(value, "the member reference") if isinstance(value, str) else None
    if error:
        raise error
    return value


def entry_valid(parse_member: Parser = MemberRef.parse) -> Callable[[str], str]:
    """The check (``AfterValidator``) that an entry is ``@group`` or a member reference
    ``parse_member`` reads (a kind's parser)."""

    def valid(value: str) -> str:
        try:
            parse_entry(value, parse_member)
        except ValueError as exc:
            raise fail("member_ref", str(exc)) from None
        return value

    return valid


def _plain_references(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """A member list: a copy of it when every entry is a string that ``MemberReference``
    takes as it is (not blank, not too long, one that parses), checked here in one pass;
    otherwise (a mapping entry, a bad one) pydantic's validation of each entry, with its
    messages. Most lists, a million entries at the service maximums, are such names."""
    if type(value) is list and _all_plain(value):
        return list(value)
    return handler(value)


def _all_plain(entries: list[Any]) -> bool:
    parse = entry_parser()  # parse_entry's, remembering
    parsed = remembered_parses(MemberRef.parse)  # what it remembers
    for text in entries:
        if type(text) is not str or len(text) > MAX_NAME_LENGTH or not text.strip():
            return False
        if text in parsed:  # most entries: a name listed before, no call made
            continue
        try:
            parse(text)
        except ValueError:
            return False
    return True


MemberReference = Annotated[
    str,
    BeforeValidator(entry_present),
    AfterValidator(entry_valid()),
    Field(
        description="A user's e-mail address, `bot:NAME` for a bot, or `@group`.",
        examples=["alice@example.com", "bot:PagerBot", "@sre"],
        json_schema_extra={"pattern": ENTRY_PATTERN},  # for editors; the loader says why
    ),
]


def member_list(reference: Any, mapping: str, *checks: Any) -> Any:
    """The type of a member list whose entries are each a ``reference`` (an ``Annotated``
    str type: a kind's own reference syntax), or its mapping form ``{member: REF, until:,
    reason:, ticket:}`` (a model named ``mapping``, on ``EntryBase``); ``checks`` go on the
    list itself (a ``WrapValidator``). A kind with another reference syntax calls it again."""
    mapping_model = create_model(
        mapping,
        __base__=EntryBase,
        __doc__="A member with until when, why and which ticket (only `member` is required).",
        __module__=__name__,
        member=(reference, ...),
    )
    entry = Annotated[
        Annotated[reference, Tag(TEXT_TAG)] | Annotated[mapping_model, Tag(MAPPING_TAG)],
        Discriminator(which_entry),
    ]
    described = Field(description="Member references, or mappings {member, until, reason, ticket}.")
    return Annotated[(list[entry], *checks, described)]


# an entry of a member list: a reference, or {member: REF, until:, reason:, ticket:}
if TYPE_CHECKING:
    MemberList = list[Any]
else:
    MemberList = member_list(MemberReference, "MemberMapping", WrapValidator(_plain_references))


def protected_plain(value: Any) -> Any:
    """A ``protected:`` entry before its type is checked: a mapping is refused saying why
    (QA Q-CJ-7: `{member: bob@example.com, until: 2027-01-01}` got "expected a string, got
    a mapping"), and, with an ``until:``, how a protection is made to end."""
    if not isinstance(value, dict):
        return value
    member = value.get("member")
    name = member.strip() if isinstance(member, str) and member.strip() else "bob@example.com"
    plain = "`protected:` takes plain references and groups only"
    if "until" not in value:
        raise fail("protected_mapping", f"expected a string, got a mapping: {plain} ({name})")
    until = value["until"]
    until = until.isoformat() if hasattr(until, "isoformat") else str(until)
    raise fail(
        "protected_mapping",
        f"expected a string, got a mapping with `until:`: {plain}; to make a protection "
        "expire, put the `until:` on an entry of a group and protect the group (`groups: "
        f'{{oncall: [{{member: {name}, until: {until}}}]}}` and `protected: ["@oncall"]`)',
    )


# settings.yaml's ``protected:``: any kind's member, a channel user too (``parse_protected``)
ProtectedReference = Annotated[
    str,
    BeforeValidator(entry_present),
    BeforeValidator(protected_plain),
    AfterValidator(entry_valid(parse_protected)),
    Field(
        description="A user's e-mail address, `bot:NAME` for a bot, `@group`, or a channel "
        "user: `user:ID` or an AppInstanceUser ARN (that id in every app instance).",
        examples=["alice@example.com", "bot:PagerBot", "@sre", "user:auditor"],
        json_schema_extra={"pattern": PROTECTED_PATTERN},  # for editors; the loader says why
    ),
]
ReferenceList = Annotated[list[ProtectedReference], Field(description="Member references.")]
