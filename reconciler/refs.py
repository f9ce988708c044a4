"""Value types shared by every layer: who a member is, where a thing was declared, roles.

These are plain frozen values with no I/O. They are generic over membership kinds: a room,
a channel and a meeting are each a *target* with members and roles.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from reconciler.fastinit import slot_init
from reconciler.os_text import os_form
from reconciler.quoted import named

if TYPE_CHECKING:  # governance.grant imports Location from here
    from reconciler.governance.grant import Grant
    from reconciler.kinds.base import Kind

# set while the kinds are asked whether they take user:ID (``_user_id_lists``)
_PROBING: ContextVar[bool] = ContextVar("_PROBING", default=False)


class Role(StrEnum):
    """The room kind's roles (``reconciler.kinds.rooms``). Other kinds have their own role
    values; the core compares roles with ``==`` and asks the kind about them."""

    ADMINISTRATOR = "Administrator"
    MEMBER = "Member"


class MemberKind(StrEnum):
    """What a member is, as the Chime API names it (``Member.MemberType``); ``EXTERNAL``
    is a meeting attendee named by an ExternalUserId that is neither an e-mail address
    nor ``bot:NAME`` (compared as written); ``AWS`` is a meeting attendee AWS added itself
    (an ExternalUserId in its reserved ``aws:`` prefix, which no caller may create: a media
    capture, concatenation or live-connector pipeline's ``aws:MediaPipeline-...``)."""

    USER = "User"
    BOT = "Bot"
    WEBHOOK = "Webhook"
    EXTERNAL = "External"
    AWS = "AWS"


# Unicode's control (Cc) and format (Cf) characters, as a character class's ranges: NUL,
# DEL, ZERO WIDTH SPACE (U+200B), RIGHT-TO-LEFT OVERRIDE (U+202E), the tags (U+E0020-E007F)
# ... show as nothing, or as something else, in an editor and a diff: no name holds one.
# Those past U+FFFF apart: a JSON Schema's pattern (ECMA-262) cannot write them.
CONTROL_BMP = (
    r"\x00-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    r"\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
)
CONTROL = CONTROL_BMP + (
    r"\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    r"\U000e0001\U000e0020-\U000e007f"
)
CONTROL_RE = re.compile(f"[{CONTROL}]")


def _email_pattern(control: str) -> str:
    local = rf'[^@\s"(),:;<>\[\]\\{control}]+'
    label = rf'[^@\s"(),:;<>\[\]\\.{control}]+'  # one part of the domain
    return rf"{local}@{label}(?:\.{label})+"  # a@b.c


# The one e-mail rule (the loader, MemberRef.parse, the emulator's seeds): local@domain.tld
# with no brackets, quotes, separators or control characters (any script), and a dot in the
# domain. EMAIL_PATTERN is its JSON Schema form, without the controls past U+FFFF.
EMAIL_PATTERN = _email_pattern(CONTROL_BMP)
EMAIL_RE = re.compile(rf"^{_email_pattern(CONTROL)}\Z")  # \Z: not before a final \n


class MalformedMember(ValueError):
    """A member's text that cannot be read: ``str`` quotes the text (a file's value, the
    message names it); ``why`` says what is wrong without it, for a message that quoted
    the text already (``MEMBER 'aaa…'…(250 characters): malformed email address``: QA-GK
    Q-GK-6, where it was quoted twice in one line)."""

    def __init__(self, message: str, why: str) -> None:
        super().__init__(message)
        self.why = why


NO_BOT_NAME = "a bot reference with no bot name"
NO_WEBHOOKS = "webhooks are never managed"


def why_unread(exc: ValueError) -> str:
    """What is wrong with a member's text, without the text when the message can leave it
    out (``MalformedMember``); else the whole message."""
    return exc.why if isinstance(exc, MalformedMember) else str(exc)


def webhook_refused(text: str) -> MalformedMember:
    """A ``webhook:`` reference, which no kind manages: one message for every kind (a
    channel's list said "malformed email address": QA-GN Q-GN-1/3), the reference quoted
    as a name, whole up to 256 characters (QA-LF Q-LF-4: it was cut at 80)."""
    return MalformedMember(f"{NO_WEBHOOKS}: {named(text)}", NO_WEBHOOKS)


def malformed_email(text: str) -> MalformedMember:
    """What is said of ``text``, which ``EMAIL_RE`` refuses: the control or invisible
    character it holds, if any, by its escape (``\\u200b``: shown as nothing otherwise);
    ``text`` quoted as a name, whole up to 256 characters (QA-LF Q-LF-4)."""
    found = CONTROL_RE.search(text)
    why = f" ({found.group()!r} is a control or invisible character)" if found else ""
    return MalformedMember(
        f"malformed email address {named(text)}{why}", f"malformed email address{why}"
    )


BOT_PREFIX = "bot:"
WEBHOOK_PREFIX = "webhook:"
EMPTY_REFERENCE = "empty member reference"  # nothing given (after stripping)
CHANNEL_USER_PREFIXES = ("user:", "arn:")  # user:ID, AppInstanceUser ARNs (channel_refs)


def email_key(email: str) -> str:
    """An e-mail address's identity: stripped, in lower case. ``str.lower``, never
    ``casefold``: that maps ``ß`` to ``ss``, making ``straße@…`` and ``strasse@…``, two
    addresses (and two ExternalUserIds) to AWS, one member."""
    return email.strip().lower()


@dataclass(frozen=True, order=True, slots=True)
class MemberRef:
    """A member as people write it: ``alice@example.com`` or ``bot:PagerBot``.

    Equality, hashing and order use ``kind`` and ``key`` only. ``key`` is the identity
    (e-mail addresses are compared ignoring case: ``email_key``); ``display`` is kept as
    written.
    """

    kind: MemberKind
    key: str
    display: str = field(compare=False)

    @classmethod
    def user(cls, email: str) -> MemberRef:
        return cls(MemberKind.USER, email_key(email), email.strip())

    @classmethod
    def bot(cls, name: str) -> MemberRef:
        return cls(MemberKind.BOT, name.strip(), name.strip())

    @classmethod
    def webhook(cls, name: str) -> MemberRef:
        return cls(MemberKind.WEBHOOK, name.strip(), name.strip())

    @classmethod
    def external(cls, text: str) -> MemberRef:
        return cls(MemberKind.EXTERNAL, text.strip(), text.strip())

    @classmethod
    def aws(cls, text: str) -> MemberRef:
        """An attendee AWS added itself, by its ExternalUserId exactly as AWS gave it."""
        return cls(MemberKind.AWS, text, text)

    @classmethod
    def parse(cls, text: str) -> MemberRef:
        """Parse ``email`` or ``bot:NAME``. Raises ValueError with a user-facing message."""
        text = text.strip()
        if not text:
            raise ValueError(EMPTY_REFERENCE)
        if text.lower().startswith(BOT_PREFIX):
            name = text[len(BOT_PREFIX) :].strip()
            if not name:
                raise MalformedMember(f"bot reference {text!r} has no bot name", NO_BOT_NAME)
            return cls.bot(name)
        if text.lower().startswith(WEBHOOK_PREFIX):
            raise webhook_refused(text)
        if text.lower().startswith(CHANNEL_USER_PREFIXES):  # no e-mail has a ':' before '@'
            raise ValueError(
                f"{named(text)} names a channel user: only {_user_id_lists()} and settings.yaml's "
                "`protected:` take user:ID and AppInstanceUser ARNs (a room and a group, "
                "shared by every kind, take e-mail addresses and bot:NAME)"
            )
        if not EMAIL_RE.match(text):
            raise malformed_email(text)
        return cls.user(text)

    # Written out rather than generated: the generated ones build a (kind, key) tuple per
    # call, and members are hashed and compared millions of times at the service maximums.
    # Equal references have equal keys, so the key's (cached) hash is a valid hash.
    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not MemberRef:
            return NotImplemented
        return self.key == other.key and self.kind == other.kind

    def __str__(self) -> str:
        if self.kind is MemberKind.BOT:
            return f"{BOT_PREFIX}{self.display}"
        if self.kind is MemberKind.WEBHOOK:
            return f"{WEBHOOK_PREFIX}{self.display}"
        return self.display


@slot_init
@dataclass(frozen=True, order=True, slots=True)
class Location:
    """Where something was declared: a file path (relative to the desired-state dir's
    parent, as the user typed it) and a 1-based line number."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"

    def path(self) -> Path:
        """The file as the system's calls take it: ``file`` is text (``os_text``), which
        in a C locale without UTF-8 mode cannot be opened or resolved as it is (QA REREAD
        item 1: resolving the text was an Internal error)."""
        return Path(os_form(self.file))


@slot_init
@dataclass(frozen=True, order=True, slots=True)
class Provenance:
    """One path that put a member into a target with a role.

    ``via`` is the chain of groups, outermost first: ``("sre", "oncall")`` means the room
    lists ``@sre``, which includes ``@oncall``, which lists the member at ``location``.
    ``declared_at`` is where the room's list entry is.
    """

    role: Hashable  # a role of the target's kind (``reconciler.kinds``)
    declared_at: Location
    via: tuple[str, ...] = ()
    location: Location | None = None
    # until / reason / ticket of the path (the entries on the way, combined); expired:
    # the path ended before the moment the plan was made (``governance.expiry``)
    grant: Grant | None = field(default=None, compare=False)
    expired: bool = field(default=False, compare=False)
    # the path is settings.yaml's ``protected:`` through a group entry with an ``until``
    # (not a grant of the role): its end is why a member it kept is removed or demoted
    protection: bool = field(default=False, compare=False)

    @property
    def where(self) -> Location:
        """Where the member itself is written: in the innermost group, or in the room."""
        return self.location or self.declared_at

    @property
    def chain(self) -> str:
        """The groups on the way, outermost first: ``@sre > @oncall`` ("" when direct)."""
        return " > ".join(f"@{g}" for g in self.via)

    def describe(self, role_text: Callable[[Hashable], str] = str) -> str:
        role = role_text(self.role)
        if not self.via:
            return f"{role} at {self.declared_at}"
        return f"{role} via {self.chain} at {self.where}"


class TargetKind(StrEnum):
    """Ids of the registered built-in kinds (``reconciler.kinds``). A kind id is any
    string: a ``TargetKey`` holds it as ``str``; these members compare equal to those
    strings. Each kind's module defines its id; this enum is for older callers."""

    ROOM = "room"


@dataclass(frozen=True, order=True, slots=True)
class TargetKey:
    """Identifies one membership target: the kind's id (``reconciler.kinds``), the scope
    it lives in (a Chime account id for rooms, an AppInstance ARN for channels) and its
    declared name (or id)."""

    kind: str
    scope: str
    name: str

    def __str__(self) -> str:
        return self.name


def _user_id_lists() -> str:
    """Whose own lists take ``user:ID``, from the kinds registered now: each section one
    of whose kinds reads ``user:probe`` as a user ("a channel's own lists"). Asked only
    when a reference is refused; the kinds are imported here, since they read this module.
    A kind whose parser refuses the probe through ``MemberRef.parse`` comes back here while
    probing (``_PROBING``) and is answered at once: it does not take it."""
    if _PROBING.get():
        return ""
    from reconciler.kinds import sections
    from reconciler.prose import listed

    token = _PROBING.set(True)
    try:
        found = (ks[0].words.an_entry for ks in sections().values() if _takes_user_id(ks))
        takers = list(dict.fromkeys(found))  # two sections may call an entry alike
    finally:
        _PROBING.reset(token)
    if not takers:
        return "no kind's own lists"
    return listed([f"{t}'s" for t in takers]) + " own lists"


def _takes_user_id(section_kinds: Sequence[Kind]) -> bool:
    for kind in section_kinds:
        try:
            if kind.parse_member("user:probe").kind is MemberKind.USER:
                return True
        except ValueError:
            pass
    return False
