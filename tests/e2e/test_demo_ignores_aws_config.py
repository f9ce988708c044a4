"""`demo` talks only to its own emulator, so no AWS configuration is needed nor read
(QA-DL Q-DL-5): a profile this machine does not have, a key without its secret, a failing
``credential_process``, a config file that does not parse, a role STS would not let
assume. It stopped on each ("Error: AWS profile 'nosuch' not found", ...)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
ROLE = "[default]\nrole_arn = arn:aws:iam::111122223333:role/x\nsource_profile = keys\n"


@pytest.mark.parametrize(
    ("config", "variables", "api_process"),
    [
        ("", {"AWS_PROFILE": "nosuch"}, "off"),
        ("", {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE"}, "off"),
        ("[default]\ncredential_process = /bin/false\n", {}, "off"),
        ("[default]\nregion = us-east-1\n[profile x\n", {}, "off"),
        (
            ROLE + "[profile keys]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n",
            {"AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9"},  # nothing answers there
            "off",
        ),
        # the rooms' client made in a second process: isolated too
        ("[default]\ncredential_process = /bin/false\n", {"AWS_PROFILE": "nosuch"}, "on"),
    ],
    ids=[
        "missing-profile",
        "key-without-secret",
        "credential-process",
        "unparsable",
        "role",
        "api-process",
    ],
)
def test_demo_runs_whatever_the_aws_configuration(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    config: str,
    variables: dict[str, str],
    api_process: str,
) -> None:
    monkeypatch.chdir(REPO)
    for name in ("CHIME_RECONCILER_ENDPOINT_URL", "CHIME_RECONCILER_DESIRED", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_BASE_MS", "1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    (tmp_path / "config").write_text(config)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(cli, ["--api-process", api_process, "demo"])
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    assert "Apply complete! " in result.stdout
