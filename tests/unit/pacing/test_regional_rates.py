"""The run's pacer paces an app instance's calls at the defaults of the app instance's own
region (its ARN's), not --region's: AWS documents lower messaging quotas in eu-central-1
(5 requests/s per bearer, 10/s per channel for writes) than in us-east-1 (10/s, 15/s).
settings.yaml's ``rates:`` and ``--rate`` still win, in every region."""

from __future__ import annotations

import pytest

from reconciler.cli.context import AppContext
from reconciler.cli.main import cli
from reconciler.pacing import Pacer, QuotaKey

EAST = "arn:aws:chime:us-east-1:111122223333:app-instance/east"
EU = "arn:aws:chime:eu-central-1:111122223333:app-instance/eu"


def run_pacer(args: list[str], settings: dict[str, float | None] | None = None) -> Pacer:
    """The pacer of a run with these global options and settings.yaml ``rates:``."""
    with cli.make_context("chime-reconciler", [*args, "validate"]) as ctx:
        return AppContext.from_options(**ctx.params).pacer(settings)


def rates(p: Pacer, instance: str) -> dict[str, float | None]:
    """The rates of the buckets of one bearer, one channel, one user and the app instance
    itself, keyed as the messaging calls key them (by ARN)."""
    bearer, channel = f"{instance}/user/admin", f"{instance}/channel/c1"
    keys = [
        QuotaKey("messaging.bearer", bearer),
        QuotaKey("messaging.channel-batch", channel),
        QuotaKey("messaging.channel-write", channel),
        QuotaKey("messaging.channel-list", channel),
        QuotaKey("messaging.user-list", f"{instance}/user/u1"),
        QuotaKey("messaging.list-channels", instance),
    ]
    return {k.quota: p.rate(k) for k in keys}


US_EAST_1 = {
    "messaging.bearer": 10.0,
    "messaging.channel-batch": 1.0,
    "messaging.channel-write": 15.0,
    "messaging.channel-list": 15.0,
    "messaging.user-list": 15.0,
    "messaging.list-channels": 10.0,
}
EU_CENTRAL_1 = {**US_EAST_1, "messaging.bearer": 5.0, "messaging.channel-write": 10.0}


@pytest.mark.parametrize("region", ["us-east-1", "eu-central-1"])
def test_each_app_instance_is_paced_at_its_own_regions_defaults(region: str) -> None:
    p = run_pacer(["--region", region])
    assert rates(p, EAST) == US_EAST_1
    assert rates(p, EU) == EU_CENTRAL_1


def test_settings_and_rate_option_win_in_every_region() -> None:
    p = run_pacer(
        ["--region", "us-east-1", "--rate", "messaging.channel-write=4"],
        {"messaging.bearer": 3.0, "messaging.channel-write": 7.0},
    )
    for instance in (EAST, EU):
        assert rates(p, instance)["messaging.bearer"] == 3.0  # settings.yaml
        assert rates(p, instance)["messaging.channel-write"] == 4.0  # --rate, over settings
    off = run_pacer(["--region", "us-east-1", "--rate", "messaging.bearer=off"])
    assert rates(off, EU)["messaging.bearer"] is None


def test_account_and_operation_quotas_follow_the_runs_rates() -> None:
    # identity (the account), ListAppInstanceUsers and meetings (an operation) are not
    # scoped by an ARN: documented the same in both regions, paced at the run's rates
    p = run_pacer(["--region", "eu-central-1", "--rate", "identity=20"])
    assert p.rate(QuotaKey("identity")) == 20.0
    assert p.rate(QuotaKey("identity.list-users")) == 10.0
    assert p.rate(QuotaKey("meetings", "CreateAttendee")) == 10.0
