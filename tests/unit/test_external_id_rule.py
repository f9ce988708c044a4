"""AWS's ExternalUserId rule, written once (``reconciler.external_ids``, Q-AM-10): the
desired state's check (``attendee_problem``) and the emulator's (``external_id_problem``)
refuse the same values, each in its own words."""

from __future__ import annotations

import pytest

from reconciler.desired.meeting_spec import attendee_problem
from reconciler.emulator.meetings.seed import external_id_problem

A64 = "a" * 64
A65 = "a" * 65


@pytest.mark.parametrize("value", ["ab", A64, "o'neil@example.com", "Zoë (guest)"])
def test_both_sites_accept_what_aws_accepts(value: str) -> None:
    assert attendee_problem(value) is None
    assert external_id_problem(value, "ExternalUserId") is None


@pytest.mark.parametrize(
    ("value", "desired", "emulator"),
    [
        (
            "x",
            "an ExternalUserId has 2 to 64 characters, 'x' has 1",
            "ExternalUserId must be 2 to 64 characters, got 1",
        ),
        (
            A65,
            f"an ExternalUserId has 2 to 64 characters, {A65!r} has 65",
            "ExternalUserId must be 2 to 64 characters, got 65",
        ),
        (
            "AWS:bot",
            "ExternalUserIds starting with 'aws:' are reserved by AWS",
            "ExternalUserId must not start with the reserved prefix 'aws:'",
        ),
        (
            "o~neil@example.com",
            "AWS refuses '~' in an ExternalUserId (it allows letters a-z",
            "ExternalUserId must match the pattern [",
        ),
    ],
)
def test_both_sites_refuse_what_aws_refuses(value: str, desired: str, emulator: str) -> None:
    assert (attendee_problem(value) or "").startswith(desired)
    assert (external_id_problem(value, "ExternalUserId") or "").startswith(emulator)


def test_the_emulator_names_the_refused_character() -> None:
    found = external_id_problem("o~neil@example.com", "ExternalUserId") or ""
    assert found.endswith(": '~' is not allowed")


@pytest.mark.parametrize("value", ["aws:bot", "AWS:bot", "Aws:bot", "aWs:bot"])
def test_the_reserved_prefix_is_refused_in_any_case(value: str) -> None:
    """AWS's CreateAttendee: "Values that begin with aws: are reserved ... Case
    insensitive": ``validate`` refuses ``AWS:bot`` as AWS would at apply, and so does the
    emulator (the e2e tests see what AWS does)."""
    assert attendee_problem(value) == "ExternalUserIds starting with 'aws:' are reserved by AWS"
    assert external_id_problem(value, "ExternalUserId") == (
        "ExternalUserId must not start with the reserved prefix 'aws:'"
    )
