"""The regions where Chime SDK messaging and identity exist, read at run time from
botocore's own endpoint data (never a list of ours): an app instance lives in one of them,
and every call about it goes to its ARN's region (QA-AL Q-AL-2). Both ``validate`` (the
settings' ``arn``) and the emulator's seed refuse an app instance elsewhere, with the
same words.

botocore is imported only when the regions are first needed (an app instance's ARN is
checked), through the run's own session (``awsclient.aws.data_session``, which the run's
clients are then made from): the planner, the renderers and a desired state without an app
instance never import it (QA-AM Q-AM-8)."""

from __future__ import annotations

from functools import cache

from reconciler.quoted import cut

SERVICES = ("chime-sdk-messaging", "chime-sdk-identity")
FIRST = "us-east-1"  # named first: the emulator's default region


@cache
def sdk_regions() -> tuple[str, ...]:
    """The regions with an endpoint of every service of ``SERVICES``, us-east-1 first
    (botocore's ``get_available_regions``, which boto3's session calls: a plan of rooms
    never imports boto3)."""
    from reconciler.awsclient.aws import data_session  # botocore: only when needed

    session = data_session()
    each = [set(session.get_available_regions(service)) for service in SERVICES]
    return tuple(sorted(set.intersection(*each), key=lambda r: (r != FIRST, r)))


def region_problem(region: str) -> str | None:
    """Why an app instance cannot be in ``region``, or None when it can."""
    regions = sdk_regions()
    if region in regions:
        return None
    return f"Chime SDK messaging exists only in {' and '.join(regions)}, not {cut(region)}"
