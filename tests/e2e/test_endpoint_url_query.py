"""An endpoint URL with a query string or a fragment is refused before any call: botocore
puts the endpoint's query after each call's own (a batch add then reaches Chime as
``?operation=batch-create?token=x`` and fails with 'MemberId is required'), and its
fragment before each call's query parameters (a list call then sends none)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.e2e

QUERY_REFUSED = (
    "an endpoint URL cannot have a query string: botocore sends it in the wrong place and "
    "batch calls fail ('MemberId is required'); give the URL without '?...'"
)


class Stop(Exception):
    pass


def test_botocore_still_sends_an_endpoint_query_after_the_operation_query(
    chime_client: Any,
) -> None:
    # why the refusal exists: if botocore ever joins the two queries right, this fails
    client = chime_client(endpoint_url="http://127.0.0.1:1/?token=x")
    sent: list[str] = []

    def capture(request: Any, **_: Any) -> None:
        sent.append(request.url)
        raise Stop  # before the network

    client.meta.events.register("before-send.chime.BatchCreateRoomMembership", capture)
    with pytest.raises(Stop):
        client.batch_create_room_membership(
            AccountId="a", RoomId="r", MembershipItemList=[{"MemberId": "m"}]
        )
    assert sent == [
        "http://127.0.0.1:1/accounts/a/rooms/r/memberships?operation=batch-create?token=x"
    ]


@pytest.mark.parametrize("command", [("plan",), ("apply", "--auto-approve")])
def test_an_endpoint_url_with_a_query_is_refused_before_any_call(
    ops: Any, cli: Any, command: tuple[str, ...]
) -> None:
    host = cli.endpoint_url.removeprefix("http://")
    before = ops.emulator.state()
    ops.emulator.reset_calls()
    run = cli.raw(
        "--endpoint-url",
        f"http://u:s3cr3t@{host}/?token=topsecret",
        "--desired",
        "desired-state",
        *command,
    )
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines == [f"Error: --endpoint-url http://***@{host}/?token=***: {QUERY_REFUSED}"]
    assert "s3cr3t" not in run.stderr and "topsecret" not in run.stderr
    assert ops.emulator.calls() == {}
    assert ops.emulator.state() == before


def test_the_environment_variable_is_refused_the_same_way(
    ops: Any, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    host = cli.endpoint_url.removeprefix("http://")
    monkeypatch.setenv("CHIME_RECONCILER_ENDPOINT_URL", f"http://{host}?flag")
    ops.emulator.reset_calls()
    run = cli.raw("--desired", "desired-state", "plan")
    assert (run.exit_code, run.err_lines) == (  # the variable named, not the flag (Q-EV-1)
        1,
        [f"Error: CHIME_RECONCILER_ENDPOINT_URL=http://{host}?flag: {QUERY_REFUSED}"],
    )
    assert ops.emulator.calls() == {}


def test_an_endpoint_url_with_a_fragment_is_refused(ops: Any, cli: Any) -> None:
    host = cli.endpoint_url.removeprefix("http://")
    ops.emulator.reset_calls()
    run = cli.raw("--endpoint-url", f"http://{host}/#frag", "--desired", "desired-state", "plan")
    assert (run.exit_code, run.err_lines) == (
        1,
        [
            f"Error: --endpoint-url http://{host}/: an endpoint URL cannot have a fragment: "
            "botocore sends it in the wrong place and list calls lose their parameters; give "
            "the URL without '#...'"
        ],
    )
    assert ops.emulator.calls() == {}


def test_the_same_endpoint_without_the_query_applies(ops: Any, cli: Any) -> None:
    host = cli.endpoint_url.removeprefix("http://")
    run = cli.raw(
        "--endpoint-url",
        f"http://u:s3cr3t@{host}/?",
        "--desired",
        "desired-state",
        "apply",
        "--auto-approve",
    )
    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.lines[-1] == "Apply complete! Memberships: 3 added, 1 changed, 1 removed."
