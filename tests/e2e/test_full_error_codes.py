"""Q-GR-1: the plan's warning of a target full of members no file declares names the code
AWS refuses each add over the maximum with in a batch (``LimitExceeded`` for a meeting,
``ResourceLimitExceeded`` for a channel), and README said apply then prints that code.
Where AWS refuses the whole BatchCreateAttendee or BatchCreateChannelMembership instead
(the models allow it: the emulator's ``whole_call_limit``), apply prints the call's code,
``LimitExceededException`` or ``ResourceLimitExceededException`` (the bare code from an
answer without the ``x-amzn-ErrorType`` header). The same adds are refused either way;
README now says which code apply prints in each form, and these tests hold it to what
apply prints.

The CLI in process, the real boto3 client, the emulator over HTTP."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ACCOUNT, UNPACED, Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

README = " ".join((Path(__file__).parents[2] / "README.md").read_text().split())
# README's passage on the warnings of a full target and the codes apply then prints
START = "The warnings name the error code"
PASSAGE = README[README.index(START) : README.index("**At most 1,000 rooms", README.index(START))]

# and its passage on a full meeting's swap, which showed the per-item line for both forms
SWAP = README[README.index("**A full meeting** whose") : README.index("The botocore models list")]
SWAP_SAYS = {
    "per-item": "in bridge: LimitExceeded: The meeting ... already has the maximum",
    "whole-call": "(apply then prints the call's code, `LimitExceededException: ...`",
}

# (whole_call_limit, error_type_header) of each form of AWS's answer
FORMS = {
    "per-item": (False, True),
    "whole-call": (True, True),
    "whole-call-no-header": (True, False),
}
MEETING_CODES = {
    "per-item": "LimitExceeded",
    "whole-call": "LimitExceededException",
    "whole-call-no-header": "LimitExceeded",
}
CHANNEL_CODES = {
    "per-item": "ResourceLimitExceeded",
    "whole-call": "ResourceLimitExceededException",
    "whole-call-no-header": "ResourceLimitExceeded",
}
# what README says apply prints, per form, for (a channel, a meeting)
README_SAYS = {
    "per-item": "`ResourceLimitExceeded` for a room or a channel, `LimitExceeded` for a meeting",
    "whole-call": "the call's code: `ResourceLimitExceededException` for a channel, "
    "`LimitExceededException` for a meeting",
    "whole-call-no-header": "(`ResourceLimitExceeded`, `LimitExceeded` from an answer without "
    "the `x-amzn-ErrorType` header",
}

MEETING = "6f1c2a9e-0000-4000-8000-000000000021"
INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"


def failed_codes(run_stdout: str, where: str) -> list[str]:
    """The error code of each ``! +`` line of apply's ``Failed:`` list in ``where``."""
    return re.findall(rf"^  ! \+ .* in {where}: (\w+): ", run_stdout, flags=re.MULTILINE)


@pytest.mark.parametrize("form", FORMS)
def test_a_full_meetings_refused_adds_print_the_code_readme_names(
    form: str, emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    """The report's case: MaxCount 3, 2 attendees no file declares, prune off, 3 adds."""
    emulator.reset(
        {
            "accounts": [{"id": ACCOUNT, "name": "X"}],
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "m0",
                    "features": {"attendee": {"max_count": 3}},
                    "attendees": [{"external_user_id": f"x{i}@example.com"} for i in (0, 1)],
                }
            ],
        }
    )
    whole_call, header = FORMS[form]
    emulator.set_faults(whole_call_limit=whole_call, error_type_header=header)
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\nprune: false\n",
            "m.yaml": f"meetings:\n  m0:\n    meeting_id: {MEETING}\n    attendees: "
            "{a@example.com: viewer, b@example.com: viewer, c@example.com: viewer}\n",
        }
    )
    planned = cli(*UNPACED, "plan")
    assert "AWS will refuse 2 of the plan's 3 adds to it (LimitExceeded) on this" in planned.stdout
    applied = cli(*UNPACED, "apply", "--auto-approve")
    assert applied.exit_code == 1, applied.stdout + applied.stderr
    assert failed_codes(applied.stdout, "m0") == [MEETING_CODES[form]] * 2, applied.stdout
    assert README_SAYS[form] in PASSAGE  # was: LimitExceeded only, whatever the form
    assert SWAP_SAYS.get(form, "") in SWAP


def full_channel(emulator: EmulatorServer) -> None:
    """The bearer r0 (it created the channel) and m00000..m09998: 10,000 members (AWS's
    maximum); user m09999 is in no channel."""
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": INSTANCE,
                    "name": "chat",
                    "admins": ["r0"],
                    "users": [{"id": "r0"}] + [{"id": f"m{i:05d}"} for i in range(10_000)],
                    "channels": [
                        {
                            "name": "full",
                            "id": "full",
                            "privacy": "PRIVATE",
                            "mode": "RESTRICTED",
                            "created_by": "r0",
                            "members": [f"m{i:05d}" for i in range(9_999)],
                        }
                    ],
                }
            ]
        }
    )


@pytest.mark.parametrize("form", ["per-item", "whole-call"])
def test_a_full_channels_refused_add_prints_the_code_readme_names(
    form: str, emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    """10,000 members no file declares, prune off, m09999 declared."""
    full_channel(emulator)
    whole_call, header = FORMS[form]
    emulator.set_faults(whole_call_limit=whole_call, error_type_header=header)
    write_desired(
        {
            "settings.yaml": f"app_instances:\n  chat:\n    arn: {INSTANCE}\n    bearer: user:r0\n",
            "chat.yaml": "channels:\n  full:\n    members: [user:m09999]\n",
        }
    )
    planned = cli(*UNPACED, "plan")
    assert "AWS will refuse 1 of the plan's 1 add to it (ResourceLimitExceeded) on this" in (
        planned.stdout
    )
    applied = cli(*UNPACED, "apply", "--auto-approve")
    assert applied.exit_code == 1, applied.stdout + applied.stderr
    assert failed_codes(applied.stdout, "full") == [CHANNEL_CODES[form]], applied.stdout
    assert README_SAYS[form] in PASSAGE
