"""QA REREAD item 2: the command line is text (``ReconcilerGroup.parse_args``), and a
path is given back to the system by ``SystemPath`` (``os_form``). ``gitops drift
--plan-file FILE`` was a plain string, so in ``LC_ALL=C PYTHONUTF8=0`` opening
``dé/plan.json`` was an Internal error. Every option or argument that names a file or
folder (a ``click.Path``, or a metavar saying FILE, DIR or PATH) is a ``SystemPath``."""

from __future__ import annotations

from collections.abc import Iterator

import click

from reconciler.cli.main import cli
from reconciler.cli.system_path import SystemPath


def _params(cmd: click.Command, ctx: click.Context) -> Iterator[tuple[str, click.Parameter]]:
    for param in cmd.params:
        yield ctx.command_path, param
    if isinstance(cmd, click.Group):
        for name in cmd.list_commands(ctx):
            sub = cmd.get_command(ctx, name)
            assert sub is not None
            yield from _params(sub, click.Context(sub, parent=ctx, info_name=name))


def _names_a_path(param: click.Parameter) -> bool:
    metavar = (getattr(param, "metavar", None) or "").upper()
    return isinstance(param.type, click.Path) or any(w in metavar for w in ("FILE", "DIR", "PATH"))


def test_every_path_option_is_given_to_the_system_in_its_form() -> None:
    found = list(_params(cli, click.Context(cli, info_name="chime-reconciler")))
    paths = [(where, p) for where, p in found if _names_a_path(p)]
    assert len(paths) > 10  # the walk reached the subcommands
    plain = [f"{where} {p.name}" for where, p in paths if not isinstance(p.type, SystemPath)]
    assert plain == []
