"""An unknown profile's error names where its name came from and the files looked in
(QA-FK Q-FK-3): botocore's defaults, or the files the variables name."""

from __future__ import annotations

import pytest

from reconciler.awsclient.setup_errors import profile_not_found


def test_the_default_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_CONFIG_FILE", raising=False)
    monkeypatch.delenv("AWS_SHARED_CREDENTIALS_FILE", raising=False)
    assert profile_not_found("nope", "AWS_PROFILE") == (
        "AWS_PROFILE: no AWS profile 'nope' in ~/.aws/config or ~/.aws/credentials"
    )


def test_a_file_a_variable_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", "/ci/aws-config")
    monkeypatch.delenv("AWS_SHARED_CREDENTIALS_FILE", raising=False)
    assert profile_not_found("nope", "--profile") == (
        "--profile: no AWS profile 'nope' in /ci/aws-config (AWS_CONFIG_FILE) or ~/.aws/credentials"
    )
