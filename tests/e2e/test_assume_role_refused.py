"""A role the credentials come from that cannot be assumed (QA-DL Q-DL-1): a profile with
``role_arn`` and ``source_profile`` whose AssumeRole STS refuses, a web identity (EKS,
an OIDC CI runner) whose token file is missing or whose token STS refuses, an STS that
answers a page instead. A local STS stand-in (``AWS_ENDPOINT_URL_STS``) answers; the CLI
runs in process with the real botocore client against the emulator.

Each is one ``Error: AWS credentials: ...`` line naming the call and STS's answer, exit 1:
it was "Internal error (this is a bug in chime-reconciler ...): ClientError: ...", in
every AWS command.
"""

from __future__ import annotations

from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, Cli, local_server

pytestmark = pytest.mark.e2e

CREDENTIALS_HINT = " (check --profile (or AWS_PROFILE), the AWS_* variables and ~/.aws)"
ROLE = "arn:aws:iam::111122223333:role/chime-admin"
ROLE_PROFILE = f"""[default]
role_arn = {ROLE}
source_profile = keys
[profile keys]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = secret
"""
REFUSED = (
    '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error>'
    "<Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
    "<RequestId>1</RequestId></ErrorResponse>"
)
DENIED = "User: arn:aws:iam::111122223333:user/me is not authorized to perform: sts:AssumeRole"


def sts(status: int, body: str, content_type: str = "text/xml") -> type[BaseHTTPRequestHandler]:
    """An STS that answers every call with ``status`` and ``body``."""

    class Sts(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", 0)))
            data = body.encode()
            self.send_response(status)
            self.send_header("content-type", content_type)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_: Any) -> None:
            pass

    return Sts


@pytest.fixture
def estate(seed: Callable[..., Any], write_desired: Callable[..., Any]) -> None:
    seed(users=("alice",), rooms={"ops": [("alice", "Administrator")]})
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "rooms.yaml": "rooms:\n  ops:\n    administrators: [alice@example.com]\n",
        }
    )


@pytest.mark.parametrize(
    ("status", "body", "content_type", "said"),
    [
        (
            403,
            REFUSED.format(code="AccessDenied", message=DENIED),
            "text/xml",
            f"AssumeRole: AccessDenied: {DENIED}",
        ),
        (
            502,
            "<html><head><title>502 Bad Gateway</title></head></html>",
            "text/html",
            "AssumeRole: 502: Bad Gateway",
        ),
        (
            200,
            "<html><head><title>Sign in</title></head></html>",
            "text/html",
            "no credentials in the answer to botocore's call for them (no 'AssumeRoleResult')",
        ),
    ],
    ids=["refused", "gateway-page", "page-for-an-answer"],
)
def test_a_role_sts_does_not_let_assume_is_one_line_naming_it(
    estate: None,
    cli: Cli,
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    status: int,
    body: str,
    content_type: str,
    said: str,
) -> None:
    (workdir / "no-aws-config").write_text(ROLE_PROFILE)  # AWS_CONFIG_FILE
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")  # botocore's STS client: no retries
    with local_server(sts(status, body, content_type)) as url:
        monkeypatch.setenv("AWS_ENDPOINT_URL_STS", url)
        for command in (["plan"], ["apply", "--auto-approve"], ["audit", "alice@example.com"]):
            run = cli(*command)
            assert run.err_lines == [f"Error: AWS credentials: {said}{CREDENTIALS_HINT}"], command
            assert (run.exit_code, run.stdout) == (1, ""), command


def test_a_web_identity_token_file_missing_or_refused_is_one_line(
    estate: None, cli: Cli, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ROLE_ARN", ROLE)
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(workdir / "no-token"))
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    run = cli("plan")
    assert run.err_lines == [
        f"Error: AWS credentials: [Errno 2] No such file or directory: "
        f"'{workdir / 'no-token'}'{CREDENTIALS_HINT}"
    ]
    assert run.exit_code == 1

    (workdir / "no-token").write_text("token")
    refused = REFUSED.format(code="InvalidIdentityToken", message="No OpenIDConnect provider")
    with local_server(sts(400, refused)) as url:
        monkeypatch.setenv("AWS_ENDPOINT_URL_STS", url)
        run = cli("plan")
    assert run.err_lines == [
        "Error: AWS credentials: AssumeRoleWithWebIdentity: InvalidIdentityToken: "
        f"No OpenIDConnect provider{CREDENTIALS_HINT}"
    ]
    assert run.exit_code == 1
