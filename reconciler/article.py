"""The indefinite article of a noun phrase, so that no message writes "a " before a word
it did not choose: "a room", "an app instance", "an attendee"."""

from __future__ import annotations


def article(phrase: str) -> str:
    """ "an" before a vowel, else "a" (by spelling: a noun that sounds otherwise, "a user"
    or "an hour", is given its article as data, ``Words.article``)."""
    return "an" if phrase[:1].lower() in "aeiou" else "a"


def with_article(phrase: str) -> str:
    """``phrase`` after its indefinite article: "an app instance"."""
    return f"{article(phrase)} {phrase}"


def capitalized(phrase: str) -> str:
    """``phrase`` with its first letter upper-case, the rest as written ("A SIP rule")."""
    return phrase[:1].upper() + phrase[1:]
