"""`audit` with several bearers (settings.yaml `bearers:`), end to end: the CLI, the real
boto3 clients and the emulator over HTTP with AWS's quotas on. Its listings are spread over
the bearers as plan spreads channels (one listing, one bearer), the result is the one a
single bearer gives, no call is throttled, and the calls are the same."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from test_channels_bearers import BEARERS, INSTANCE, bearer_arn

from reconciler.emulator import EmulatorServer

AUDITED = f"{INSTANCE}/user/u01"
CHANNELS = 120  # u01 is in all of them (3 pages of 50) and moderates the first 60 (2 pages)
MODERATED = 60
# the widest NOTE: c001's moderator row, whose removal the plan refuses (QA-CJ Q-CJ-2)
REFUSED = (
    "not declared: plan removes it (prune), but the plan is refused: [c001] Would leave 0 "
    "moderators (now 1), fewer than the minimum of 1 (safety.min_moderators)"
)
WIDTH = len(REFUSED)


def seed(emulator: EmulatorServer) -> None:
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": INSTANCE,
                    "admins": BEARERS,
                    "users": [{"id": u} for u in [*BEARERS, "u01", "u02"]],
                    "channels": [
                        {
                            "name": f"c{i:03d}",
                            "id": f"c{i:03d}",
                            "members" if i % 3 else "hidden": ["u01"],
                            "moderators": ["u01"] if i < MODERATED else [],
                        }
                        for i in range(CHANNELS)
                    ],
                }
            ]
        }
    )


def desired(write_desired: Callable[..., Path], bearers: list[str]) -> Path:
    listed = ", ".join(f"user:{b}" for b in bearers)
    return write_desired(
        {
            "settings.yaml": f"""
                app_instances:
                  chat:
                    arn: {INSTANCE}
                    bearers: [{listed}]
                """,
            "chat.yaml": """
                channels:
                  c000: {hidden: [user:u01]}
                  c001: {prune: true, members: [user:u02]}
                  c200: {moderators: [user:u01]}
                """,
        }
    )


def test_audit_spreads_its_listings_over_the_bearers_with_the_same_result(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, calls: Any
) -> None:
    seed(emulator)
    emulator.set_faults(quotas=True)
    runs = {}
    for count in (1, 2, 4):
        desired(write_desired, BEARERS[:count])
        emulator.reset_calls()
        text = cli("audit", "user:u01")
        as_json = cli("audit", "user:u01", "--format", "json")
        assert (text.exit_code, as_json.exit_code) == (0, 0), text.stdout + text.stderr
        runs[count] = (text.stdout, as_json.stdout, calls(), emulator.bearer_calls())
    one, two, four = runs[1], runs[2], runs[4]
    assert one[0].splitlines()[:4] == [
        "user:u01 in Chime SDK messaging channels:",
        f"CHANNEL  CHANNEL ID  LIVE       DECLARED   {'NOTE':{WIDTH}}  WHERE",
        f"c000     c000        HIDDEN     HIDDEN     {'declared':{WIDTH}}  "
        "HIDDEN at desired-state/chat.yaml:2",
        f"c000     c000        Moderator  -          {'not declared: kept':{WIDTH}}  -",
    ]
    assert len(one[0].splitlines()) == 2 + CHANNELS + MODERATED + 1  # and c200, not in Chime
    absent = "declared, but Chime has no channel of that name: plan reports it"
    assert one[0].splitlines()[-1] == (
        f"c200     -           -          Moderator  {absent:{WIDTH}}  "
        "Moderator at desired-state/chat.yaml:4"
    )
    # the same rows, the same document, the same calls (two runs each), none throttled
    assert two[:3] == one[:3] and four[:3] == one[:3]
    assert one[2] == {
        "ListChannelMembershipsForAppInstanceUser": 2 * 3,
        "ListChannelsModeratedByAppInstanceUser": 2 * 2,
        # c200 declares u01 and Chime has it in no such channel: looked for by name (QA
        # round two, D13: the note said "plan adds it"); it is in every other one
        # its PUBLIC channels' 3 pages, then the PRIVATE listing's one (QA-AL Q-AL-1)
        # the plan removes u01, c001's one moderator, which min_moderators refuses: audit
        # reads every declared channel in full and plans them, as `plan` would, to say so
        # (QA-CJ Q-CJ-2; all of them, for the plan-wide max_removals counts every
        # channel's removals: Q-EE-1): c000 and c001 by the ARN it found them by, c200
        # (which it did not find) by the rows' listing of the channels, not listed again
        # (QA-FP Q-FP-5); each one's description, memberships, moderators and bans, and
        # the bearer's own description
        "ListChannels": 2 * (3 + 1),  # the rows', which the plan's read reuses
        "DescribeChannel": 2 * 2,
        "ListChannelModerators": 2 * 2,
        "ListChannelMemberships": 2 * 4,
        "ListChannelBans": 2,
        "DescribeAppInstanceUser": 2,
    }
    # one bearer made every call; with two or more, the first listed the memberships and
    # the second the moderated channels (bearers beyond the listings have nothing to do);
    # the first lists the app instance's channels
    # (the plan's reads of c000 and c001 go to the bearers as `plan` spreads them, after
    # the listings)
    channels = {INSTANCE: 2 * (3 + 1), f"{INSTANCE}/channel/c000": 8}
    c001 = {f"{INSTANCE}/channel/c001": 10}
    assert one[3] == {bearer_arn("r0"): {AUDITED: 2 * (3 + 2)} | channels | c001}
    spread = {
        bearer_arn("r0"): {AUDITED: 2 * 3} | channels,
        bearer_arn("r1"): {AUDITED: 2 * 2} | c001,
    }
    assert two[3] == spread
    # the plan's read spreads its channels with the listings' spread (one a run, as plan's:
    # Q-FP-5): with four bearers, to the two the listings left idle
    assert four[3] == {
        bearer_arn("r0"): {AUDITED: 2 * 3, INSTANCE: 2 * (3 + 1)},
        bearer_arn("r1"): {AUDITED: 2 * 2},
        bearer_arn("r2"): {f"{INSTANCE}/channel/c000": 8},
        bearer_arn("r3"): c001,
    }


def test_a_bot_is_audited_by_the_bearers_as_well(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, calls: Any
) -> None:
    seed(emulator)
    state = emulator.app.state()
    state["app_instances"][0]["bots"] = [{"id": "bot-1", "name": "PagerBot"}]
    state["app_instances"][0]["channels"][5]["members"] = ["bot-1", "u01"]
    emulator.reset(state)
    desired(write_desired, BEARERS)
    run = cli("audit", "bot:PagerBot")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.stdout.splitlines()[-1].startswith(
        "c005     c005        DEFAULT  -         channel not in"
    )
    assert set(emulator.bearer_calls()) == {bearer_arn("r0"), bearer_arn("r1")}
