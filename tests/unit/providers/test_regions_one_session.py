"""The regions an app instance may be in are read through the session the run's clients
are then made from: a run makes one botocore session and reads ``endpoints.json`` and the
service models once (README, start-up), the settings check included (QA-AM Q-AM-8)."""

from __future__ import annotations

import subprocess
import sys

CODE = """
from reconciler.awsclient import aws
from reconciler.sdk_regions import region_problem
import botocore.session
made = []
real = botocore.session.get_session
botocore.session.get_session = lambda *a, **k: made.append(1) or real(*a, **k)
assert region_problem("us-east-1") is None
assert region_problem("eu-west-1").startswith("Chime SDK messaging exists only in us-east-1")
session = aws.make_session(None, "us-east-1")
aws.make_client("chime-sdk-messaging", session=session, endpoint_url="http://127.0.0.1:9")
print(len(made), session.get_config_variable("region"), aws.make_session() is session)
"""


def test_the_region_check_and_the_run_share_one_session() -> None:
    out = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["1", "us-east-1", "False"]
