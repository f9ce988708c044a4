"""Small pieces of English for messages built from a kind's words: the indefinite article
of a noun phrase, so that no message writes "a " before a word it did not choose ("a room",
"an app instance"), and a list joined with "and"."""

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


def listed(items: Sequence[str]) -> str:
    """``items`` joined as prose: "rooms", "rooms and groups", "rooms, channels and groups"."""
    return ", ".join(items[:-1]) + f" and {items[-1]}" if len(items) > 1 else "".join(items)
