"""--region as botocore and the AWS CLI read it: the option, else AWS_REGION, else
AWS_DEFAULT_REGION, else us-east-1; --help says so."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from reconciler.cli.context import AppContext
from reconciler.cli.main import cli


def region(args: list[str]) -> str:
    with cli.make_context("chime-reconciler", [*args, "validate"]) as ctx:
        return AppContext.from_options(**ctx.params).region


@pytest.mark.parametrize(
    ("env", "args", "expected"),
    [
        ({}, [], "us-east-1"),
        ({"AWS_DEFAULT_REGION": "eu-west-1"}, [], "eu-west-1"),
        ({"AWS_REGION": "eu-central-1"}, [], "eu-central-1"),
        ({"AWS_REGION": "eu-central-1", "AWS_DEFAULT_REGION": "eu-west-1"}, [], "eu-central-1"),
        ({"AWS_REGION": "", "AWS_DEFAULT_REGION": "eu-west-1"}, [], "eu-west-1"),
        ({"AWS_REGION": "eu-central-1"}, ["--region", "ap-south-1"], "ap-south-1"),
    ],
)
def test_region_precedence_is_flag_then_aws_region_then_aws_default_region(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], args: list[str], expected: str
) -> None:
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert region(args) == expected


def test_help_names_the_region_variables() -> None:
    text = " ".join(CliRunner().invoke(cli, ["--help"], terminal_width=200).output.split())
    assert (
        "AWS region: this option, else AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1." in text
    )
    assert "AWS_REGION --region AWS_DEFAULT_REGION --region, when AWS_REGION is not set" in text
