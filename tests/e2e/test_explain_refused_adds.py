"""An add the plan itself warns AWS will refuse (QA-FO Q-FO-4): `explain` and `audit` say
the plan adds the member, but AWS will refuse it, with the plan's warning, never a bare
`plan adds it` an access reviewer would take for the answer. A full meeting two ways: full
of members no file declares that the plan keeps (``crowded``), and one whose only
presenter is swapped for a new one (``full_swap``, README "A full meeting"). The CLI in
process, the real boto3 client, the emulator over HTTP."""

from __future__ import annotations

import json

import pytest
from conftest import ACCOUNT, UNPACED, Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

MEETING = "6f1c2a9e-0000-4000-8000-000000000031"
CAPS = "audio SendReceive, video SendReceive, content SendReceive"
CROWDED = (
    f"meeting 'capped' (id {MEETING}) would have 4 attendees after this apply, more than the "
    "meeting's own maximum of 3: 1 of them no file declares and the plan keeps; AWS will "
    "refuse 1 of the plan's 2 adds to it (LimitExceeded) on this apply and every later one "
    "while they stay. To converge: declare fewer, or remove some of them in Chime."
)
SWAPPED = (
    f"meeting 'capped' (id {MEETING}) has no place for its add (1 attendee now, the "
    "meeting's own maximum of 1) and the plan swaps its last presenter that stays: apply "
    "keeps 1 presenter while it changes the meeting, so it removes alice@example.com only "
    "after the adds, and AWS will refuse bob@example.com (LimitExceeded), "
    "alice@example.com kept, on this apply and every later one: running it again will not "
    "help. To converge: make a place first (apply with 1 attendee fewer), or keep another "
    "attendee a presenter meanwhile."
)


def _meeting(
    emulator: EmulatorServer,
    write_desired: WriteDesired,
    max_count: int,
    live: list[str],
    declared: list[str],
) -> None:
    emulator.reset(
        {
            "accounts": [{"id": ACCOUNT, "name": "X"}],
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "m31",
                    "features": {"attendee": {"max_count": max_count}},
                    "attendees": [{"external_user_id": a} for a in live],
                }
            ],
        }
    )
    attendees = ", ".join(f"{a}: presenter" for a in declared)
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "m.yaml": f"meetings:\n  capped:\n    meeting_id: {MEETING}\n    prune: true\n"
            f"    attendees: {{{attendees}}}\n",
        }
    )


def _answers(cli: Cli, member: str) -> tuple[str, str, str]:
    """explain's plan line, audit's NOTE in JSON, and audit's text."""
    explain = cli(*UNPACED, "explain", member, "--format", "json")
    assert explain.exit_code == 0, explain.stdout + explain.stderr
    (target,) = json.loads(explain.stdout)["targets"]
    audit = cli(*UNPACED, "audit", member, "--format", "json")
    assert audit.exit_code == 0, audit.stdout + audit.stderr
    (row,) = json.loads(audit.stdout)["meetings"]
    text = cli(*UNPACED, "audit", member)
    return target["plan"]["note"], row["note"], text.stdout


def test_an_add_to_a_meeting_full_of_undeclared_attendees(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    _meeting(
        emulator,
        write_desired,
        3,
        ["aws:MediaPipeline-4ae1f", "a@example.com"],
        ["a@example.com", "b@example.com", "c@example.com"],
    )
    assert CROWDED in cli(*UNPACED, "plan").stdout
    but = f"but AWS will refuse 1 of the plan's 2 adds there: {CROWDED}"
    explained, noted, text = _answers(cli, "c@example.com")
    assert explained == f"the plan adds it as {CAPS}, {but}"
    assert noted == f"declared, not in the meeting: plan adds it, {but}"
    assert f"plan adds it, {but}" in text
    # in sync: nothing refused, nothing said
    explained, noted, _ = _answers(cli, "a@example.com")
    assert (explained, noted) == ("in sync: no change", "declared")


def test_an_add_a_full_swap_cannot_make(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    _meeting(emulator, write_desired, 1, ["alice@example.com"], ["bob@example.com"])
    assert SWAPPED in cli(*UNPACED, "plan").stdout
    explained, noted, _ = _answers(cli, "bob@example.com")
    assert explained == f"the plan adds it as {CAPS}, but AWS will refuse it: {SWAPPED}"
    assert noted == f"declared, not in the meeting: plan adds it, but AWS will refuse it: {SWAPPED}"
    # the removal it waits for is no add: said as before
    explained, noted, _ = _answers(cli, "alice@example.com")
    assert (explained, noted) == (
        "the plan removes it (prune is on)",
        "not declared: plan removes it (prune)",
    )
