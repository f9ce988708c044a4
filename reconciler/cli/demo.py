"""`chime-reconciler demo`: the whole job against an embedded emulator, no AWS needed."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from reconciler.cli.context import AppContext, pass_app
from reconciler.cli.execute import ApplyInterrupted, execute
from reconciler.cli.moment import refuse_for_apply
from reconciler.cli.pipeline import Session
from reconciler.cli.system_path import SystemPath
from reconciler.emulator.seed import load_seed
from reconciler.emulator.server import EmulatorServer
from reconciler.errors import UsageError
from reconciler.os_text import path_text
from reconciler.path_checks import is_dir
from reconciler.render import render_plan
from reconciler.runner import Interrupted, interrupted_message, on_interrupt

SAMPLE_SEED = "seed.yaml"
# its apply step, as a person would type it: the plan was printed just above, so --quiet,
# whose output (the outcome, or the plan's summary line when nothing changes) demo prints
APPLY = "chime-reconciler apply --auto-approve --quiet"
# what an interrupted demo did not change (its apply interrupted too: apply's own "run
# plan to see what is left" does not hold once the emulator is gone)
UNCHANGED = "nothing outside its own emulator was changed, and the emulator has stopped"


@click.command()
@click.option(
    "--seed",
    "seed_file",
    type=SystemPath(dir_okay=False, path_type=Path),  # a missing one: as emulator says
    help="Emulator seed YAML (default: the bundled sample that goes with desired-state/).",
)
@pass_app
@on_interrupt("demo", UNCHANGED)
def demo(app: AppContext, seed_file: Path | None) -> None:
    """Plan, apply and plan again against a local Chime API emulator.

    Starts the emulator on a free loopback port, seeded with sample rooms and a
    channel that differ from the example desired-state/ directory, then runs what a
    person would:

    \b
      1. plan                          shows the changes
      2. apply --auto-approve --quiet  makes them, in the fewest API calls
                                       (--quiet: the plan is the one above)
      3. plan                          no changes; the drift it leaves (members
                                       no file declares, in rooms without
                                       prune) is still listed

    and prints the API calls the emulator served. No AWS account or credentials needed.
    `until:` is evaluated at the current time: as apply, demo refuses --now (and
    CHIME_RECONCILER_NOW).
    Run it from the repository root (or point --desired at the example directory).

    \b
    Examples:
      chime-reconciler demo
      chime-reconciler demo --seed my-seed.yaml --desired my-desired-state
      chime-reconciler -v demo                  # plans with provenance
    """
    if "now" in app.explicit:  # its apply, as apply's own, evaluates `until:` at the clock
        # a bad CHIME_RECONCILER_NOW is said here too, before the emulator starts
        raise refuse_for_apply(app.now, app.now_from_env is not None, datetime.now(UTC), demo=True)
    if not is_dir(app.desired_dir):
        raise UsageError(
            f"demo plans the example desired state, and {path_text(app.desired_dir)}/ is not a "
            "directory here: run it from the repository root, or give --desired DIR"
        )
    out = app.console()
    seed = load_seed(seed_file) if seed_file else _sample_seed()
    with EmulatorServer(seed=seed) as emulator:
        # its clients read no AWS configuration: a machine's, broken or not, is not needed
        demo_app = dataclasses.replace(app, endpoint_url=emulator.url, isolated=True)
        click.get_current_context().call_on_close(demo_app.close)  # its clients, as app's
        source = seed_file if seed_file else "sample rooms"
        out.print(f"Chime API emulator listening on {emulator.url} (seeded with {source})")
        session = Session.open(demo_app)

        _step(out, "chime-reconciler plan")
        first = session.plan()
        render_plan(first, "text", verbose=app.verbose > 0, console=out)
        if first.errors or first.violations:
            click.get_current_context().exit(1)

        _step(out, APPLY, blank=False)  # execute prints one
        before = emulator.calls()
        try:
            converged = execute(session, first, out)
        except ApplyInterrupted:  # what was applied is listed; the emulator goes with it
            raise Interrupted(interrupted_message("demo", UNCHANGED)) from None
        applied_calls = _diff(emulator.calls(), before)

        _step(out, "chime-reconciler plan")
        again = Session.open(demo_app).plan()
        render_plan(again, "text", verbose=False, console=out)

        out.print()
        out.print(_calls_table(emulator.calls(), applied_calls))
    if not converged or again.has_changes:
        click.get_current_context().exit(1)


def _sample_seed() -> dict[str, object]:
    ref = resources.files("reconciler.demo").joinpath(SAMPLE_SEED)
    with resources.as_file(ref) as path:
        return load_seed(path)


def _step(out: Console, command: str, *, blank: bool = True) -> None:
    out.print()
    out.print(f"[bold]$ {command}[/bold]", highlight=False)
    if blank:
        out.print()


def _diff(after: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    return {k: v - before.get(k, 0) for k, v in after.items() if v - before.get(k, 0)}


def _calls_table(total: dict[str, int], applied: dict[str, int]) -> Table:
    table = Table(title="API calls served by the emulator", title_justify="left")
    table.add_column("operation")
    table.add_column("apply", justify="right")
    table.add_column("whole demo", justify="right")
    for op in sorted(k for k in total if k != "Throttled"):
        table.add_row(op, str(applied.get(op, 0)), str(total[op]))
    return table


COMMANDS = [demo]
