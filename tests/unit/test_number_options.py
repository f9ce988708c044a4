"""The number options' one check (``reconciler.cli.number_types``) quotes a value by the
one rule (its first 80 characters and its length: QA-GV Q-GV-5), says a number that reads
as another in ``--rate``'s words (QA-GV Q-GV-6), and calls a whole number too long for
``int()`` too large, not "not a whole number"."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli
from reconciler.cli.number_types import FiniteFloatRange, WordedIntRange

X300 = "x" * 300
NINES = "9" * 4301


@click.command()
@click.option("--seconds", type=FiniteFloatRange(min=0.1))
@click.option("--share", type=FiniteFloatRange(min=0.0, max=1.0))
@click.option("--tps", type=FiniteFloatRange(min=0.0, min_open=True))
@click.option("--seed", type=WordedIntRange())
@click.option("--jobs", type=WordedIntRange(1, 64))
def numbers(**_: object) -> None:
    """Options of each number type."""


def refusal(*args: str) -> str:
    result = CliRunner().invoke(numbers, list(args))
    assert result.exit_code == 2
    return result.output.splitlines()[-1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--seconds", X300), f"'{'x' * 80}'…(300 characters) is not a number."),
        (("--seed", X300), f"'{'x' * 80}'…(300 characters) is not a whole number."),
        (("--jobs", "-" + X300), f"'-{'x' * 79}'…(301 characters) is not a whole number."),
        # a whole number int() cannot read (4,301 digits) is one, too large
        (("--jobs", NINES), f"'{'9' * 80}'…(4,301 characters) is more than 64."),
        (("--jobs", "-" + NINES), f"'-{'9' * 79}'…(4,302 characters) is less than 1."),
        (
            ("--seed", NINES),
            f"'{'9' * 80}'…(4,301 characters) is too large (more than 100 digits).",
        ),
        (
            ("--seed", "1" * 101),
            f"'{'1' * 80}'…(101 characters) is too large (more than 100 digits).",
        ),
        # as --rate says it: not "is not a finite number", nor "is not more than 0"
        (("--seconds", "1e400"), "'1e400' is too large: it reads as infinity."),
        (("--tps", "1e-400"), "'1e-400' is too small: it reads as 0."),
        (("--share", "-1e-400"), "'-1e-400' is too small: it reads as 0."),  # not 0, used
        (("--seconds", "inf"), "'inf' is not a finite number."),
    ],
)
def test_a_number_option_refuses_in_one_wording_cut_when_long(
    args: tuple[str, ...], message: str
) -> None:
    assert refusal(*args).endswith(f"'--{args[0][2:]}': {message}")


def test_a_real_option_quotes_a_long_value_cut() -> None:
    result = CliRunner().invoke(cli, ["--parallelism", X300, "validate"])
    assert result.exit_code == 1  # this tool's usage errors
    assert result.output.splitlines()[-1] == (
        f"Error: Invalid value for '--parallelism': '{'x' * 80}'…(300 characters) is not a "
        "whole number."
    )


def test_the_largest_whole_number_is_taken() -> None:
    assert CliRunner().invoke(numbers, ["--seed", "9" * 100]).exit_code == 0
