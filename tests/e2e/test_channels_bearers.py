"""Several bearers for one app instance (settings.yaml `bearers:`), end to end: the CLI, the
real boto3 clients and the emulator over HTTP with AWS's quotas on. Each channel is read
and written by exactly one bearer, the channels are divided evenly among the bearers, no
call is throttled, the calls stay at the lower bound, and the bearers' quotas add up."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler.desired.loader import load_desired
from reconciler.emulator import EmulatorServer
from reconciler.pacing import Pacer, QuotaKey, Ticket, resolve_rates
from reconciler.providers import make_client
from reconciler.providers.channel_directory import channel_directory
from reconciler.providers.channel_moderators import ModeratorsProvider
from reconciler.providers.channels import ChannelsProvider
from reconciler.providers.registry import ProviderOptions

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat-1"
BEARERS = [f"r{i}" for i in range(4)]
CHANNELS = 20  # 5 calls each to read + 2 ListChannels: 102, >= 10 s for one bearer at 10/s


def channel_arn(i: int) -> str:
    return f"{INSTANCE}/channel/c{i:02d}"


def bearer_arn(name: str) -> str:
    return f"{INSTANCE}/user/{name}"


def seed(emulator: EmulatorServer) -> None:
    """Channels c00..c19, each with two members; r1 (a bearer) is also in c01, undeclared."""
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": INSTANCE,
                    "admins": BEARERS,
                    "users": [{"id": u} for u in BEARERS]
                    + [{"id": f"u{i:02d}"} for i in range(CHANNELS + 1)]
                    + [{"id": "new"}],
                    "channels": [
                        {
                            "name": f"c{i:02d}",
                            "id": f"c{i:02d}",
                            "members": [f"u{i:02d}", f"u{i + 1:02d}"] + (["r1"] if i == 1 else []),
                        }
                        for i in range(CHANNELS)
                    ],
                }
            ]
        }
    )


def desired(write_desired: Callable[..., Path], bearers: str) -> Path:
    """Each channel keeps its first member and gains new (an add and a removal each)."""
    body = "\n".join(
        f"  c{i:02d}: {{prune: true, members: [user:u{i:02d}, user:new]}}" for i in range(CHANNELS)
    )
    return write_desired(
        {
            "settings.yaml": f"""
                app_instances:
                  chat:
                    arn: {INSTANCE}
                    {bearers}
                safety: {{max_removals: 100, max_removal_fraction: 1.0}}
                """,
            "chat.yaml": "channels:\n" + body + "\n",
        }
    )


# reading every channel at the lower bound: one ListChannels page per Privacy (PUBLIC,
# PRIVATE); per channel one
# DescribeChannel, two membership scans, the bans and the moderators; and user:new, whom no
# listing shows, checked to exist once (one lookup: fewer than a page of users)
READ_ALL = {
    "DescribeAppInstanceUser": 1,
    "ListChannels": 2,
    "DescribeChannel": CHANNELS,
    "ListChannelMemberships": 2 * CHANNELS,
    "ListChannelBans": CHANNELS,
    "ListChannelModerators": CHANNELS,
}
MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
FOUR = f"bearers: [{', '.join(f'user:{b}' for b in BEARERS)}]"


def owners(by_bearer: dict[str, dict[str, int]]) -> dict[str, set[str]]:
    """Channel ARN -> the bearers that made a call on it."""
    found: dict[str, set[str]] = {}
    for bearer, counts in by_bearer.items():
        for on in counts:
            found.setdefault(on, set()).add(bearer)
    return found


def test_each_channel_is_read_by_one_bearer_and_the_work_is_split_evenly(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, calls: Any
) -> None:
    seed(emulator)
    desired(write_desired, FOUR)
    emulator.set_faults(quotas=True)
    started = time.perf_counter()
    run = cli("plan", "--detailed-exitcode")
    elapsed = time.perf_counter() - started
    assert run.exit_code == 2, run.stdout + run.stderr
    served = calls()
    assert "Throttled" not in served
    assert served == READ_ALL
    by_bearer = emulator.bearer_calls()
    assert set(by_bearer) == {bearer_arn(b) for b in BEARERS}
    channels = {on: who for on, who in owners(by_bearer).items() if on != INSTANCE}
    assert set(channels) == {channel_arn(i) for i in range(CHANNELS)}
    assert all(len(who) == 1 for who in channels.values()), channels
    per_bearer = [sum(1 for who in channels.values() if b in who) for b in by_bearer]
    assert per_bearer == [CHANNELS // len(BEARERS)] * len(BEARERS)
    # ListChannels (per app instance) is the first bearer's
    assert owners(by_bearer)[INSTANCE] == {bearer_arn("r0")}
    # one bearer at 10 requests/s could not have made these 102 calls in under 10 s
    assert elapsed < (sum(served.values()) - 1) / 10, elapsed
    # every bearer is protected: r1 stays in c01 although prune is on and no file names it,
    # and the plan does not list it on every run (the tool's own identity: no news)
    assert "user:r1" not in run.stdout


def test_apply_writes_each_channel_as_the_bearer_that_read_it(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, calls: Any
) -> None:
    seed(emulator)
    desired(write_desired, FOUR)
    emulator.set_faults(quotas=True)
    run = cli("apply", "--auto-approve")
    assert run.exit_code == 0, run.stdout + run.stderr
    served = calls()
    assert "Throttled" not in served
    assert served["BatchCreateChannelMembership"] == CHANNELS
    assert served["DeleteChannelMembership"] == CHANNELS
    channels = owners(emulator.bearer_calls())
    assert all(len(who) == 1 for who in channels.values()), channels
    for i in range(CHANNELS):
        want = {bearer_arn(b) for b in BEARERS if b == "r1" and i == 1}
        members = set(emulator.messaging.channel_members(channel_arn(i)))
        assert members - want == {f"{INSTANCE}/user/u{i:02d}", f"{INSTANCE}/user/new"}
    assert cli("plan", "--detailed-exitcode").exit_code == 0


def test_one_bearer_still_works_alone(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    seed(emulator)
    desired(write_desired, "bearer: user:r2")
    run = cli("--rate", "messaging.bearer=200", "plan", "--detailed-exitcode")
    assert run.exit_code == 2, run.stdout + run.stderr
    assert set(emulator.bearer_calls()) == {bearer_arn("r2")}


class SchedulePacer(Pacer):
    """A pacer whose clock never moves: each call is granted the earliest moment the
    quotas allow, so the last grant is how long the calls take under the quotas when the
    network and the machine cost nothing."""

    def __init__(self) -> None:
        super().__init__(resolve_rates("us-east-1"), clock=lambda: 0.0, sleep=lambda _: None)
        self.last = 0.0

    def acquire(self, *keys: QuotaKey) -> Ticket:
        ticket = super().acquire(*keys)
        self.last = max(self.last, ticket.at)
        return ticket


def paced_read(emulator: EmulatorServer, directory: Path) -> float:
    """Seconds the quotas make a read of both channel kinds take."""
    state = load_desired(directory)
    pacer = SchedulePacer()
    options = ProviderOptions(
        client=lambda service: make_client(service, endpoint_url=emulator.url),
        pacer=pacer,
        desired=state,
    )
    found = channel_directory(options)
    for provider in (ChannelsProvider(found), ModeratorsProvider(found)):
        live = provider.read(state)
        assert len(live.targets) == CHANNELS, live.problems
    return pacer.last


@pytest.mark.parametrize("count", [2, 4])
def test_n_bearers_read_an_app_instance_n_times_faster_under_the_quotas(
    emulator: EmulatorServer, write_desired: Callable[..., Path], count: int
) -> None:
    seed(emulator)
    one = paced_read(emulator, desired(write_desired, "bearer: user:r0"))
    names = ", ".join(f"user:{b}" for b in BEARERS[:count])
    several = paced_read(emulator, desired(write_desired, f"bearers: [{names}]"))
    assert one == pytest.approx(101 / 10)  # 102 calls 0.1 s apart
    # the first bearer also makes the two ListChannels calls: 27 calls, 2.6 s, a ratio of 3.9
    assert one / several >= count * 0.875, (one, several)


def test_shards_run_at_once_never_share_a_bearer(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, calls: Any
) -> None:
    """With 4 bearers and --shard K/2, shard 1 calls as r0 and r2, shard 2 as r1 and r3:
    two CI jobs at once stay each within its own bearers' quotas."""
    seed(emulator)
    desired(write_desired, FOUR)
    emulator.set_faults(quotas=True)
    used = []
    for k in (1, 2):
        emulator.reset_calls()
        run = cli("plan", "--shard", f"{k}/2")
        assert run.exit_code == 0, run.stdout + run.stderr
        assert "Throttled" not in calls()
        used.append(set(emulator.bearer_calls()))
    assert used == [{bearer_arn("r0"), bearer_arn("r2")}, {bearer_arn("r1"), bearer_arn("r3")}]


def test_a_saved_shard_plan_is_applied_as_its_own_shards_bearers(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, calls: Any
) -> None:
    """QA-EF Q-EF-1: `apply plan-K.json` of a plan saved under --shard K/2 calls as shard
    K's bearers only (r0 and r2, r1 and r3), as `apply --shard K/2` does, not as all four:
    N jobs applying their shard plans at once never share a bearer's quota."""
    seed(emulator)
    desired(write_desired, FOUR)
    for k in (1, 2):
        run = cli("plan", "--shard", f"{k}/2", "--out", f"plan-{k}.json")
        assert run.exit_code == 0, run.stdout + run.stderr
    emulator.set_faults(quotas=True)
    used = []
    for k in (1, 2):
        emulator.reset_calls()
        run = cli("apply", f"plan-{k}.json", "-q")
        assert run.exit_code == 0, run.stdout + run.stderr
        assert run.stdout.startswith("Apply complete! Memberships: "), run.stdout
        assert "Throttled" not in calls()
        used.append(set(emulator.bearer_calls()))
    assert used == [{bearer_arn("r0"), bearer_arn("r2")}, {bearer_arn("r1"), bearer_arn("r3")}]
    assert cli("plan", "--detailed-exitcode").exit_code == 0  # both shards applied


def test_a_bearer_that_is_not_an_admin_is_named_in_the_error(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    seed(emulator)
    state = emulator.app.state()
    state["app_instances"][0]["admins"] = ["r0", "r1", "r2"]  # r3 is only a user
    emulator.reset(state)
    desired(write_desired, FOUR)
    run = cli("--rate", "messaging.bearer=200", "plan")
    assert run.exit_code == 1
    # QA-FP Q-FP-3: each channel r3 reads (a member of none: it may not list the HIDDEN
    # members) is an error at its line naming r3's; the others are planned
    errors = [line for line in run.stdout.splitlines() if line.startswith("Error: ")]
    assert [e.split(" (")[0] for e in errors] == [
        f"Error: desired-state/chat.yaml:{i + 2}: channel c{i:02d}" for i in (3, 7, 11, 15, 19)
    ]
    assert all(
        "its bearer user:r3 (desired-state/settings.yaml:4) may not list its HIDDEN members" in e
        and e.endswith("(every bearer must be an AppInstanceAdmin, CreateAppInstanceAdmin)")
        for e in errors
    ), errors
    assert run.stdout.count("+ user:new (DEFAULT)") == CHANNELS - 5
    assert "Traceback" not in run.stdout + run.stderr


def test_a_private_channel_hidden_from_a_bearer_that_is_not_an_admin_names_the_bearer(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """QA-J Q-J-3: ListChannels refuses a non-admin the PRIVATE listing, so a channel declared
    by name is not found; the error at the channel names the bearer and its line in
    settings.yaml, and says what it lacks, not only that the channel does not exist."""
    seed(emulator)
    state = emulator.app.state()
    state["app_instances"][0]["admins"] = ["r1"]  # r0 is only a user
    state["app_instances"][0]["channels"][0]["privacy"] = "PRIVATE"
    emulator.reset(state)
    write_desired(
        {
            "settings.yaml": f"""
                app_instances:
                  chat:
                    arn: {INSTANCE}
                    bearer: user:r0
                """,
            "chat.yaml": "channels:\n  c00: {members: [user:u00]}\n",
        }
    )
    run = cli("plan")
    assert run.exit_code == 1
    errors = [x for x in run.stdout.splitlines() if x.startswith("Error: ")]
    assert errors == [
        f"Error: desired-state/chat.yaml:2: no channel named 'c00' in app instance {INSTANCE}, "
        "or none its bearer user:r0 (desired-state/settings.yaml:4) may see: ListChannels shows "
        "PRIVATE channels to AppInstanceAdmins only (every bearer must be one, "
        "CreateAppInstanceAdmin)"
    ]


def test_a_channel_name_no_listing_has_is_unknown_for_an_admin_bearer(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """QA-CI Q-CI-4: the bearer is an AppInstanceAdmin, so the PRIVATE listing was not
    refused: the error says no channel has that name (matched exactly, case included,
    with the names that differ in case only), not to make the bearer an admin."""
    seed(emulator)
    write_desired(
        {
            "settings.yaml": f"app_instances:\n  chat: {{arn: {INSTANCE}, bearer: user:r0}}\n",
            "chat.yaml": "channels:\n  C00: {members: [user:u00]}\n  zz: {members: [user:u00]}\n",
        }
    )
    run = cli("plan")
    assert run.exit_code == 1
    errors = [x for x in run.stdout.splitlines() if x.startswith("Error: ")]
    assert errors == [
        f"Error: desired-state/chat.yaml:2: no channel named 'C00' in app instance {INSTANCE}: "
        "ListChannels lists none of that name, PUBLIC or PRIVATE (names are matched exactly, "
        "case included: did you mean 'c00'?)",
        f"Error: desired-state/chat.yaml:3: no channel named 'zz' in app instance {INSTANCE}: "
        "ListChannels lists none of that name, PUBLIC or PRIVATE (names are matched exactly, "
        "case included)",
    ]


@pytest.mark.parametrize("bearers", ["bearer: user:r9", "bearers: [user:r0, user:r9]"])
def test_a_mistyped_bearer_is_named_with_advice_to_check_its_id(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, bearers: str
) -> None:
    """QA-G Q-G-3: a bearer that is no user of the app instance (a typo in settings.yaml) is
    AWS's 401 UnauthorizedClientException; the error names the bearer and says to check
    its id, not to make it an AppInstanceAdmin (the advice for a 403)."""
    seed(emulator)
    desired(write_desired, bearers)
    run = cli("--rate", "messaging.bearer=200", "plan")
    assert run.exit_code == 1
    assert run.stdout == ""
    hint = (
        f"(called as the bearer {bearer_arn('r9')}, which is not an AppInstanceUser or "
        f"AppInstanceBot of app instance {INSTANCE}: check the id given in settings.yaml "
        "`bearer:` or `bearers:`)"
    )
    assert run.stderr.startswith("Error: ") and run.stderr.rstrip().endswith(hint), run.stderr
    assert "UnauthorizedClientException" in run.stderr
    assert "AppInstanceAdmin," not in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize(
    ("bearers", "line"), [("bearer: bot:NoBot", 4), ("bearers: [user:r0, bot:NoBot]", 4)]
)
def test_a_bot_bearer_that_names_no_bot_is_an_error_at_its_line_and_the_rest_is_planned(
    emulator: EmulatorServer,
    write_desired: Callable[..., Path],
    cli: Any,
    bearers: str,
    line: int,
) -> None:
    """QA-D Q-D-3: it was 'ListAppInstanceBots failed: BearerNotFound: ...', with no file
    or line, worded as an AWS failure, and nothing else was planned (a meeting neither)."""
    seed(emulator)
    emulator.reset(
        {**emulator.state(), "meetings": [{"id": MEETING, "external_meeting_id": "bridge"}]}
    )
    directory = desired(write_desired, bearers)
    (directory / "bridge.yaml").write_text(
        f"meetings:\n  bridge:\n    meeting_id: {MEETING}\n"
        "    attendees: {bob@example.com: presenter}\n"
    )
    run = cli("--rate", "messaging.bearer=200", "plan")
    assert run.exit_code == 1
    errors = [x for x in run.stdout.splitlines() if x.startswith("Error: ")]
    assert errors == [
        f"Error: desired-state/settings.yaml:{line}: bearer bot:NoBot: no AppInstanceBot named "
        f"'NoBot' in {INSTANCE}: check the name"
    ]
    assert "  + bob@example.com (audio SendReceive" in run.stdout  # the meeting is planned


@pytest.mark.parametrize(
    ("bearers", "line", "twice"),
    [
        (f"bearers: [bot:Reconciler, {INSTANCE}/bot/bot-r]", 4, ("bot:Reconciler", "ARN")),
        (
            f"bearers:\n      - {INSTANCE}/bot/bot-r\n      - user:r0\n      - bot:Reconciler",
            7,
            ("ARN", "bot:Reconciler"),
        ),
    ],
)
def test_a_bot_bearer_given_by_its_name_and_by_its_arn_is_an_error_at_its_line(
    emulator: EmulatorServer,
    write_desired: Callable[..., Path],
    cli: Any,
    bearers: str,
    line: int,
    twice: tuple[str, str],
) -> None:
    """QA-ED Q-ED-1: it was planned and applied silently as one bearer fewer than written.
    validate cannot know it (a bot's name is resolved by ListAppInstanceBots); plan does,
    at the second entry's line, and its app instance's channels are not planned."""
    seed(emulator)
    state = emulator.state()
    state["app_instances"][0]["bots"] = [{"id": "bot-r", "name": "Reconciler"}]
    state["app_instances"][0]["admins"] += ["bot-r"]
    emulator.reset(state)
    desired(write_desired, bearers.replace("\n", "\n" + " " * 16))
    assert cli("validate").exit_code == 0  # offline: the name is not the ARN's id
    for command in (("plan",), ("apply", "--auto-approve")):
        run = cli("--rate", "messaging.bearer=200", *command)
        assert run.exit_code == 1, run.stdout + run.stderr
        errors = [x for x in (run.stdout + run.stderr).splitlines() if x.startswith("Error: ")]
        names = " and ".join(f"{INSTANCE}/bot/bot-r" if t == "ARN" else t for t in twice)
        assert errors[0] == (
            f"Error: desired-state/settings.yaml:{line}: {names} are the same AppInstanceBot, "
            "listed twice in `bearers`: list it once"
        )
        assert "  + user:new" not in run.stdout  # the app instance's channels: not planned
    assert emulator.messaging.channel_members(channel_arn(0)).keys() == {
        bearer_arn("u00"),
        bearer_arn("u01"),
    }


def test_import_reads_each_channel_as_one_bearer_and_round_trips(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, calls: Any
) -> None:
    seed(emulator)
    directory = write_desired(
        {
            "settings.yaml": f"""
                app_instances:
                  chat:
                    arn: {INSTANCE}
                    {FOUR}
                """
        }
    )
    emulator.set_faults(quotas=True)
    run = cli("import", "--out", str(directory))
    assert run.exit_code == 0, run.stdout + run.stderr
    # no 429, the same lower bound as a plan, but for user:new and the bans (import
    # declares no one: no user to check, no one a ban could keep out)
    unread = ("DescribeAppInstanceUser", "ListChannelBans")
    assert calls() == {k: v for k, v in READ_ALL.items() if k not in unread}
    by_bearer = emulator.bearer_calls()
    channels = {on: who for on, who in owners(by_bearer).items() if on != INSTANCE}
    assert len(channels) == CHANNELS
    assert all(len(who) == 1 for who in channels.values()), channels
    assert sorted(sum(1 for who in channels.values() if b in who) for b in by_bearer) == [5] * 4
    assert cli("plan", "--detailed-exitcode").exit_code == 0
