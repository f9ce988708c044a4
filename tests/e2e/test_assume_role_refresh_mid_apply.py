"""Assumed-role credentials whose refresh fails part way through an apply (QA-DL Q-DL-2):
a local STS stand-in (``AWS_ENDPOINT_URL_STS``) gives credentials that expire within
botocore's refresh window, so that a role is assumed again before every call, and answers
503 once the emulator has served a chosen call. The CLI in process, the real botocore
client, the emulator over HTTP.

The Chime call whose credentials could not be had was never sent: it fails for
``Credentials``, not tried again, and a replace whose create it was is absent now (it was
taken as the Chime write's own 503: "answered 503: the call may have been made", the
member said "added back ... or not", ``left_absent`` null, every such write retried).
"""

from __future__ import annotations

import datetime
import json
import threading
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, Cli, WriteDesired, local_server

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

ROLE_PROFILE = """[default]
role_arn = arn:aws:iam::111122223333:role/chime-admin
source_profile = keys
[profile keys]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = secret
"""
ASSUMED = (
    '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>'
    "<Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>secret"
    "</SecretAccessKey><SessionToken>token</SessionToken><Expiration>{expires}</Expiration>"
    "</Credentials><AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/chime-admin/s"
    "</Arn><AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId></AssumedRoleUser></AssumeRoleResult>"
    "<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>"
)
UNAVAILABLE = (
    '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Receiver'
    "</Type><Code>ServiceUnavailable</Code><Message>Service unavailable</Message></Error>"
    "<RequestId>1</RequestId></ErrorResponse>"
)


def sts(emulator: EmulatorServer, after: str, renewed: threading.Event) -> type[Any]:
    """An STS whose AssumeRole gives credentials expiring in 2 minutes, and answers 503
    once the emulator has served an ``after`` call, until ``renewed``."""
    calls = f"{emulator.url}/_emulator/calls"

    class Sts(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", 0)))
            with urllib.request.urlopen(calls, timeout=5) as answer:
                served = json.load(answer)
            if served.get(after, 0) and not renewed.is_set():
                status, body = 503, UNAVAILABLE
            else:
                soon = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=2)
                status, body = 200, ASSUMED.format(expires=soon.strftime("%Y-%m-%dT%H:%M:%SZ"))
            data = body.encode()
            self.send_response(status)
            self.send_header("content-type", "text/xml")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_: Any) -> None:
            pass

    return Sts


@pytest.mark.parametrize("api_process", ["off", "on"])  # on: the rooms' calls in a child
def test_a_role_not_assumed_again_mid_replace_leaves_the_member_absent_and_says_so(
    emulator: EmulatorServer,
    seed: Callable[..., Any],
    write_desired: WriteDesired,
    cli: Cli,
    workdir: Path,
    calls: Callable[[], dict[str, int]],
    monkeypatch: pytest.MonkeyPatch,
    api_process: str,
) -> None:
    # a bot's role change is a remove and an add: STS stops answering between the two
    seed(
        users=("u0",),
        bots=("B0",),
        rooms={"small": [("u0", "Administrator"), ("bot:B0", "Member")]},
    )
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "rooms.yaml": "rooms:\n  small:\n    administrators: [u0@example.com, bot:B0]\n",
        }
    )
    (workdir / "no-aws-config").write_text(ROLE_PROFILE)  # AWS_CONFIG_FILE
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")  # botocore's STS client: no retries
    renewed = threading.Event()
    with local_server(sts(emulator, "DeleteRoomMembership", renewed)) as url:
        monkeypatch.setenv("AWS_ENDPOINT_URL_STS", url)
        run = cli("--api-process", api_process, "apply", "--auto-approve", "--out", "result.json")
        assert "Internal error" not in run.stderr, run.stderr
        assert run.exit_code == 1, run.stdout + run.stderr
        (failed,) = [line for line in run.lines if line.startswith("  ! ~ bot:B0: ")]
        assert failed == (
            "  ! ~ bot:B0: Member -> Administrator (replace: bots cannot be updated in place) "
            "in small: removed as Member, not added back as Administrator "
            "(absent now: apply again adds it): Credentials: AssumeRole: ServiceUnavailable: "
            "Service unavailable (renew the credentials, then run again)"
        )
        assert calls().get("BatchCreateRoomMembership", 0) == 0  # never sent
        result = json.loads((workdir / "result.json").read_text())
        (change,) = result["changes"]
        assert (change["outcome"], change["left_absent"]) == ("failed", True)

        renewed.set()  # STS answers again: the same command converges
        again = cli("apply", "--auto-approve")
        assert again.exit_code == 0, again.stdout + again.stderr
        assert cli("plan").lines[-1].startswith("No changes")
