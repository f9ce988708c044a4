"""Credentials never reach a terminal or a log: an endpoint URL such as
``https://user:password@proxy.example/?token=…`` may be given, and botocore, urllib3 and
``ValueError`` all quote the URL they were given in their messages.

``redact(text)`` replaces the user and password of every URL in ``text`` with ``***`` (the
whole user info, up to the last ``@`` before the host), and every value of a query
parameter of an endpoint registered with ``register_endpoint`` (the one given with
``--endpoint-url``), and every AWS credential registered with
``register_credentials`` when a client is made (the secret access key, the session token,
the access key id: an AWS error that echoes the signed request, a log line or a message
quoting a header would otherwise show them). ``check_endpoint_url`` refuses a URL that botocore
would choke on (a bad scheme, no host, a port out of range, a query string or fragment) with a
message that quotes the URL redacted.
"""

from __future__ import annotations

import os
import re
import threading
import unicodedata
import urllib.parse

from reconciler.errors import UsageError

MASK = "***"
# a URL's user info: up to the LAST "@" before the host (RFC 3986, as ``urlsplit`` reads
# it), so a user holding an "@" (``http://a@b.io@host/``) is masked whole, not half. A
# scheme starts only where a run of scheme characters starts (not at each letter after a
# ``.`` or ``-``, as ``\b`` let it): one scan per run, linear in ``a.a.a…`` (QA-HD Q-HD-4).
# A scheme starts with a letter: the run's head of other scheme characters (``-``, ``+``,
# ``.``, digits: ``-https://``, ``1.https://``) is taken with it, still one scan per run
# (QA-HI Q-HI-3)
_USERINFO = re.compile(r"(?i)(?<![a-z0-9+.-])([0-9+.-]*[a-z][a-z0-9+.-]*://)[^\s/?#\"'<>]*@")
MIN_CREDENTIAL = 8  # a real key or token is far longer; a short test value masks nothing
_secrets: set[str] = set()
_lock = threading.Lock()


_url_users: set[str] = set()  # short endpoint users: masked where a URL's ``@`` follows


def redact(text: str) -> str:
    """``text`` with URL credentials and the registered secrets replaced by ``***``."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
        users = sorted(_url_users, key=len, reverse=True)
    for user in users:  # before _USERINFO, which stops at a space or a quote in it
        text = text.replace(f"//{user}@", f"//{MASK}@")
    text = _USERINFO.sub(lambda m: f"{m.group(1)}{MASK}@", text)
    for secret in secrets:
        text = text.replace(secret, MASK)
    return text


def redact_url(url: str) -> str:
    """The URL as it may be shown: no user, password or query values."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:  # "Invalid IPv6 URL": show only what is surely not a secret
        return redact(url.split("?", 1)[0].split("#", 1)[0])
    netloc = parts.netloc.rpartition("@")[2]
    if "@" in parts.netloc:
        netloc = f"{MASK}@{netloc}"
    query = "&".join(
        f"{name}={MASK}" if value else name
        for name, value in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    )
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def has_secrets(url: str) -> bool:
    """Whether ``url`` holds anything ``redact_url`` hides (a user, a password, a query
    value, a fragment), or is already masked: then it is never stored as it is."""
    if MASK in url:
        return True
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return True  # shown only in part (``redact_url``): never stored either
    values = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    return "@" in parts.netloc or bool(parts.fragment) or any(v for _, v in values)


def stored_url(url: str) -> str:
    """``url`` as a file may keep it (a saved plan's origin): masked when it has secrets."""
    return redact_url(url) if has_secrets(url) else url


def register_endpoint(url: str) -> None:
    """Remember the secrets of ``url`` (user, password, query values) for ``redact``.

    The user name alone is masked anywhere only when it is as long as a credential
    (``MIN_CREDENTIAL``): a short one (``user``, ``admin``) is a common word, and every
    ``Error:`` line is redacted ("whose user, password ..." read "whose ***, ..."). In a
    URL it is always masked, with the password (``user:pw@`` as a whole, and by
    ``_USERINFO``)."""
    parts = urllib.parse.urlsplit(url)
    found = {parts.password or ""}
    user = parts.username or ""
    userinfo = parts.netloc.rpartition("@")[0]
    found |= {userinfo, urllib.parse.unquote(userinfo)} - {user, urllib.parse.unquote(user)}
    if len(user) >= MIN_CREDENTIAL:
        found.add(user)
    elif user:
        with _lock:
            _url_users.update({user, urllib.parse.unquote(user)})
    for _, value in urllib.parse.parse_qsl(parts.query, keep_blank_values=True):
        found |= {value, urllib.parse.quote(value, safe="")}
    if parts.fragment:
        found.add(parts.fragment)
    with _lock:
        _secrets.update(s for s in found if len(s) >= 3)  # not "a" or "1": too common


CREDENTIAL_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


_public: set[str] = set()  # credentials that are no secret (an emulator's dummy keys)


def declare_public(*values: str) -> None:
    """Values ``register_credentials`` never masks: no secret (dummy keys for emulators)."""
    _public.update(values)


def register_credentials(*values: str | None) -> None:
    """Remember these credential values (a key id, a secret, a token) for ``redact``,
    with those of the environment's AWS variables. Cheap when they are known already (a
    signer registers the credentials of each request: refreshed ones are new)."""
    named = [*values, *(os.environ.get(name) for name in CREDENTIAL_VARIABLES)]
    found = {
        v
        for v in named
        if v and len(v) >= MIN_CREDENTIAL and v not in _secrets and v not in _public
    }
    if found:
        with _lock:
            _secrets.update(found)


def check_endpoint_url(url: str, given: str = "--endpoint-url") -> str:
    """``url`` if botocore can use it; else UsageError quoting it redacted, named as it
    was ``given``: ``--endpoint-url URL``, or ``CHIME_RECONCILER_ENDPOINT_URL=URL``."""

    def named(value: str) -> str:
        return f"{given} {value}" if given.startswith("-") else f"{given}={value}"

    if not url.strip().lower().startswith(("http://", "https://")):  # "not a url" too
        raise UsageError(f"{given} must start with http:// or https://")
    odd = sorted({c for c in url if _no_url_character(c)})
    if odd:  # a newline split the error into two lines; a space was sent as %20 (Q-CF-7)
        escaped = "".join(repr(c)[1:-1] if c in odd and c != " " else c for c in url)
        held = ", ".join(map(repr, odd))
        raise UsageError(
            f"{named(redact_url(escaped))}: it holds {held}, white space or a control "
            "character: give the URL without it"
        )
    shown = redact_url(url)
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port  # ValueError when out of range or not a number, or a bad IPv6
    except ValueError as exc:
        raise UsageError(f"{named(shown)}: {exc}") from None
    if not parts.hostname:
        raise UsageError(f"{named(shown)}: no host")
    if port == 0:
        raise UsageError(f"{named(shown)}: port 0 is not a port to connect to")
    for part, mark, value, breaks in _CUT_PARTS:
        if getattr(parts, value):
            raise UsageError(
                f"{named(shown)}: an endpoint URL cannot have a {part}: botocore "
                f"sends it in the wrong place and {breaks}; give the URL without '{mark}...'"
            )
    return url


def _no_url_character(c: str) -> bool:
    """White space, or a control, format or separator character: never part of a URL."""
    return c.isspace() or unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Cs")


# botocore (1.44) joins the endpoint's query after the operation's path, query included
# (".../memberships?operation=batch-create?token=x": AWS and the emulator then read
# operation "batch-create?token=x"), and its fragment before the call's query parameters
# (".../memberships#f?max-results=100": the parameters are then no query at all)
_CUT_PARTS = (
    ("query string", "?", "query", "batch calls fail ('MemberId is required')"),
    ("fragment", "#", "fragment", "list calls lose their parameters"),
)
