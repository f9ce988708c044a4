"""A create whose answer was lost, its item sent again in a later batch (after a per-item
``Throttled``) and met by ``Conflict`` there, was made by this apply (QA-DW Q-DW-1): it was
counted ``already present`` (someone else's doing), as the mark of a lost answer lasted
only for the call that lost it.

The CLI in process, the real boto3 client, the emulator over HTTP behind the TCP proxy of
``test_lost_answer_rooms`` that throws away the answer to the first batch create (made);
the emulator's item faults (``item_error_rate``, from a fixed seed) answer some items of
each batch create ``Throttled``."""

from __future__ import annotations

import json

import pytest
from conftest import ACCOUNT, Cli, WriteDesired
from test_channels_e2e import INSTANCE, SETTINGS, UNPACED, arn, chat_seed, uid
from test_lost_answer_rooms import dropping

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

FOUR = (1, 2, 3, 4)
# not a test of pacing: the batch creates and their item retries go out unpaced
FAST = tuple(
    x for q in ("channel-batch", "channel-write") for x in ("--rate", f"messaging.{q}=off")
)


@pytest.fixture(autouse=True)
def _quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_ATTEMPTS", "2")
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_BASE_MS", "1")


def test_a_room_create_whose_answer_was_lost_is_this_applys_after_item_retries(
    emulator: EmulatorServer, seed, write_desired: WriteDesired, cli: Cli
) -> None:
    """The first batch create made u2 and u3 (u1, u4: item Throttled), its answer lost;
    its retry had every item Throttled; u2 and u3, sent again in a later batch, met
    Conflict: `2 added ... (2 already present)` though the room had none of them."""
    users = ("u0", "u1", "u2", "u3", "u4")
    seed(users=users, rooms={"small": [("u0", "Administrator")]})
    members = ", ".join(f"{u}@example.com" for u in users[1:])
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "rooms.yaml": "rooms:\n  small:\n    administrators: [u0@example.com]\n"
            f"    members: [{members}]\n",
        }
    )
    emulator.set_faults(item_error_rate=0.5, seed=4, operations=["BatchCreateRoomMembership"])
    with dropping(emulator, {b"POST": 1}) as port:
        run = Cli(f"http://127.0.0.1:{port}", cli.workdir)(
            "apply", "--auto-approve", "--out", "result.json"
        )
    assert run.exit_code == 0, run.stdout + run.stderr
    room = dict(emulator.backend.room_members(ACCOUNT, "room-small"))
    assert room == {"uid-u0": "Administrator"} | {f"uid-{u}": "Member" for u in users[1:]}
    assert run.lines[-1] == (
        "Apply complete! Memberships: 4 added, 0 changed, 0 removed "
        "(2 found made when tried again after a lost answer)."
    )
    result = json.loads((cli.workdir / "result.json").read_text())
    assert (result["summary"]["added"], result["summary"]["already"]) == (4, 0)
    lost = {c["member"] for c in result["changes"] if c["answer_lost"]}
    assert lost == {"u2@example.com", "u3@example.com"}


def test_a_channel_create_whose_answer_was_lost_is_this_applys_after_item_retries(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    """The same through BatchCreateChannelMembership: the first batch create made three
    of the four, its answer lost; they met Conflict in later batches: `1 added ... (3
    already present)`."""
    emulator.reset(chat_seed([{"name": "c1", "id": "c1", "members": []}]))
    members = ", ".join(f"user:{uid(i)}" for i in FOUR)
    write_desired(
        {"settings.yaml": SETTINGS, "chat.yaml": f"channels:\n  c1:\n    members: [{members}]\n"}
    )
    emulator.set_faults(item_error_rate=0.5, seed=7, operations=["BatchCreateChannelMembership"])
    with dropping(emulator, {b"POST": 1}) as port:
        run = Cli(f"http://127.0.0.1:{port}", cli.workdir)(
            *UNPACED, *FAST, "apply", "--auto-approve", "--out", "result.json"
        )
    assert run.exit_code == 0, run.stdout + run.stderr
    live = emulator.messaging.channel_members(f"{INSTANCE}/channel/c1")
    assert live == {arn(i): "DEFAULT" for i in FOUR}
    assert run.lines[-1] == (
        "Apply complete! Memberships: 4 added, 0 changed, 0 removed "
        "(3 found made when tried again after a lost answer)."
    )
    result = json.loads((cli.workdir / "result.json").read_text())
    assert (result["summary"]["added"], result["summary"]["already"]) == (4, 0)
    assert sum(c["answer_lost"] for c in result["changes"]) == 3
