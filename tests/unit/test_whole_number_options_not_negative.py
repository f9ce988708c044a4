"""Q-GY-2: README says every whole-number option refuses `-1` (`'-1' is less than 0.`),
but `emulator --fault-seed` and `gitops drift/pr-comment --exit-code` took any whole
number: `--exit-code -1` was read as a plan that exited -1. Every whole-number option of
every command now has a lower bound of 0 or more (`--exit-code` is an exit code, 0 to
255), so `-1` is refused in the one check's words, before the command runs."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest

from reconciler.cli.main import cli
from reconciler.cli.number_types import WordedIntRange


def whole_number_options(
    command: click.Command, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, click.Parameter]]:
    """Every option typed as a whole number, named by its command words."""
    for param in command.params:
        if isinstance(param.type, WordedIntRange):
            yield " ".join((*path, param.opts[0])), param
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None
            yield from whole_number_options(sub, (*path, name))


OPTIONS = dict(whole_number_options(cli))


def test_the_walk_finds_the_options_the_readme_names() -> None:
    assert {
        "--parallelism",
        "emulator --port",
        "emulator --latency-ms",
        "emulator --retry-after",
        "emulator --fault-seed",
        "gitops pr-comment --pr",
        "gitops pr-comment --exit-code",
        "gitops drift --exit-code",
    } <= set(OPTIONS)


@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_every_whole_number_option_refuses_minus_one(name: str) -> None:
    param = OPTIONS[name]
    assert isinstance(param.type, WordedIntRange)
    low = param.type.min
    assert low is not None and low >= 0, f"{name} takes any whole number"
    with pytest.raises(click.BadParameter) as refused:
        param.type.convert("-1", param, None)
    assert refused.value.message == f"'-1' is less than {low}."
