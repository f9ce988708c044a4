"""The credentials a client is made with are registered for ``redact`` as it is made: a
-vv line or an error message that quotes one shows ``***``. The emulator's dummy keys are
no secret and stay as they are."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from reconciler import logs
from reconciler.awsclient.aws import DUMMY_ACCESS_KEY, DUMMY_SECRET_KEY, make_client
from reconciler.awsclient.signing import CachedSigV4Auth
from reconciler.redact import redact, register_endpoint

KEY_ID = "AKIAUNITTESTKEYID0001"
SECRET = "unit/test/secret/access/key/value/0001"
TOKEN = "unit-test-session-token-value-0001"


@pytest.fixture
def debug_lines(capsys: pytest.CaptureFixture[str]) -> Iterator[None]:
    logs.configure(2)
    yield
    logs.configure(0)


def test_a_clients_credentials_are_masked_in_debug_lines_and_messages(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], debug_lines: None
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", TOKEN)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    make_client("chime", endpoint_url="http://127.0.0.1:9")
    logging.getLogger(logs.LOGGER).debug("headers %s", {"X-Amz-Security-Token": TOKEN})
    logging.getLogger(logs.LOGGER).debug(f"signed with {KEY_ID}:{SECRET}")
    err = capsys.readouterr().err
    assert "'X-Amz-Security-Token': '***'" in err and "signed with ***:***" in err
    assert redact(f"{KEY_ID} {SECRET} {TOKEN}") == "*** *** ***"


def test_the_dummy_keys_of_an_emulator_are_no_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    make_client("chime", endpoint_url="http://127.0.0.1:9")
    assert redact(f"key {DUMMY_ACCESS_KEY}") == f"key {DUMMY_ACCESS_KEY}"


def test_a_three_character_password_of_the_endpoint_url_is_masked() -> None:
    """Q-AN-4: `--endpoint-url http://u:Zq9@proxy:8080`: a message quoting the password
    on its own (not inside the URL) shows ``***``; only one- and two-character values are
    too common to mask."""
    register_endpoint("http://u:Zq9@127.0.0.1:8080")  # "u": too short to mask
    assert redact("proxy said: password Zq9 refused") == "proxy said: password *** refused"


def test_a_short_endpoint_user_is_masked_in_urls_but_not_as_a_word() -> None:
    """Every Error: line is redacted: an endpoint user that is a common word (`user`)
    masked everywhere made "whose user, password and query values" read "whose ***,
    password ..."; its password, and the user inside a URL, are still masked."""
    register_endpoint("http://user:Kw7pq@127.0.0.1:8080")
    assert redact("whose user, password and query values") == (
        "whose user, password and query values"
    )
    assert redact("see http://user:Kw7pq@127.0.0.1:8080/ and Kw7pq") == (
        "see http://***@127.0.0.1:8080/ and ***"
    )
    register_endpoint("http://service-account-7:x@127.0.0.1:8080")  # credential-long
    assert redact("as service-account-7") == "as ***"


def test_a_credential_of_exactly_eight_characters_is_masked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Eight characters (``MIN_CREDENTIAL``) is long enough to be masked."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "Zq9xW2e7")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "unit/test/secret/eight/0002")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    make_client("chime", endpoint_url="http://127.0.0.1:9")
    assert redact("signed with Zq9xW2e7") == "signed with ***"


def test_the_environments_credentials_are_masked_when_botocore_makes_none_of_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A secret key and a token with no key id: botocore makes no credentials of them,
    but a message quoting them still shows ``***``."""
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env/only/secret/value/0003")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "env-only-session-token-0003")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    make_client("chime")  # AWS's endpoint: no dummy keys
    shown = redact("x env/only/secret/value/0003 env-only-session-token-0003 y")
    assert shown == "x *** *** y"


def test_the_dummy_keys_a_request_is_signed_with_stay_shown() -> None:
    """The signer registers the keys of every request it signs: the emulator's dummy keys
    stay shown in -vv lines after the first request (a Credential= scope reads as sent)."""
    request = AWSRequest(method="GET", url="http://127.0.0.1:9/accounts", data=b"")
    keys = Credentials(DUMMY_ACCESS_KEY, DUMMY_SECRET_KEY)
    CachedSigV4Auth(keys, "chime", "us-east-1").add_auth(request)
    line = f"Credential={DUMMY_ACCESS_KEY}/20261203/us-east-1/chime/aws4_request"
    assert DUMMY_ACCESS_KEY in request.headers["Authorization"]
    assert redact(line) == line
    assert redact(f"secret {DUMMY_SECRET_KEY}") == f"secret {DUMMY_SECRET_KEY}"


def test_a_short_endpoint_user_with_a_space_is_masked_in_its_url() -> None:
    """The userinfo pattern stops at a space or a quote: a short user holding one (`u b`),
    no longer masked as a word, is masked where the URL's `@` follows it (QA-AZ Q-AZ-1)."""
    register_endpoint("http://u b@127.0.0.1:1")
    register_endpoint("http://o'k@127.0.0.1:1")
    assert redact("cannot reach http://u b@127.0.0.1:1/rooms") == (
        "cannot reach http://***@127.0.0.1:1/rooms"
    )
    assert redact("at http://o'k@127.0.0.1:1/") == "at http://***@127.0.0.1:1/"
    assert redact("a u b c") == "a u b c"


def test_an_endpoint_user_of_exactly_eight_characters_is_masked_as_a_word() -> None:
    """An ``--endpoint-url`` user of eight characters (``MIN_CREDENTIAL``) is
    credential-long: a message quoting it on its own, outside its URL, shows ``***``."""
    register_endpoint("http://svc8chrs@127.0.0.1:1")
    assert redact("proxy refused svc8chrs") == "proxy refused ***"


def test_a_short_percent_encoded_endpoint_user_is_masked_where_a_url_quotes_it_decoded() -> None:
    """A short user given percent-encoded (``q%27z``) is masked in a message whose URL
    quotes it decoded (``q'z``), which the userinfo pattern stops at."""
    register_endpoint("http://q%27z@127.0.0.1:1")
    assert redact("at http://q'z@127.0.0.1:1/") == "at http://***@127.0.0.1:1/"
