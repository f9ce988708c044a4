"""Small pieces of English for messages built from a kind's words: the indefinite article
of a noun phrase, so that no message writes "a " before a word it did not choose ("a room",
"an app instance"), a list joined with "and", and a count as every message writes it
("1,200 members")."""

from __future__ import annotations

from collections.abc import Sequence


def article(phrase: str) -> str:
    """The indefinite article before ``phrase``: "an" before a vowel, else "a" (by
    spelling: a noun that sounds otherwise, "a user" or "an hour", is given its article as
    data, ``Words.article``)."""
    return "an" if phrase[:1].lower() in "aeiou" else "a"


def with_article(phrase: str) -> str:
    """``phrase`` after its indefinite article: "an app instance"."""
    return f"{article(phrase)} {phrase}"


def capitalized(phrase: str) -> str:
    """``phrase`` with its first letter upper-case, the rest as written ("A SIP rule")."""
    return phrase[:1].upper() + phrase[1:]


def listed(items: Sequence[str], conjunction: str = "and") -> str:
    """``items`` joined as prose: "rooms", "rooms and groups", "rooms, channels and groups";
    with ``conjunction="or"``, alternatives: "room:NAME, channel:NAME or meeting:NAME"
    (one wording for every list of choices: REREAD-15)."""
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} {items[-1]}"


def listed_first(items: Sequence[str], most: int, total: int | None = None) -> str:
    """The first ``most`` of ``items`` joined as prose, the rest counted: "a, b and c",
    "a, b, c and 1,234 more" (QA-RR Q-RR-20: one wording for every list cut short).
    ``total``: how many there are in all, when ``items`` holds only the first ones."""
    n = len(items) if total is None else total
    if n <= most:
        return listed(items)
    return listed([*items[:most], f"{number(n - most)} more"])


def number(n: int) -> str:
    """A count as every message writes it: thousands separated ("1,200"), as a user
    compares the plan's ``Plan: 1,200 to add`` with the apply's ``1,200 added``."""
    return f"{n:,}"


def counted(n: int, one: str, many: str = "") -> str:
    """``n`` and its noun: "1 change", "1,200 changes" (``many``: the plural when it is
    not ``one`` + "s")."""
    return f"{number(n)} {one if n == 1 else many or one + 's'}"
