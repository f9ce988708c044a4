"""`chime-reconciler validate`: offline checks of the desired state (no AWS call)."""

from __future__ import annotations

import click

from reconciler.cli.context import AppContext, pass_app
from reconciler.desired.loader import load_desired


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


@click.command()
@pass_app
def validate(app: AppContext) -> None:
    """Check the desired-state files offline: no AWS call, no credentials needed.

    Prints `Desired state is valid: N rooms, M memberships in K files.` and exits 0, or
    prints every problem as FILE:LINE: PATH: MESSAGE on stderr, then
    `Desired state is invalid: N errors.`, and exits 1.

    \b
    Examples:
      chime-reconciler validate                       # ./desired-state
      chime-reconciler --desired DIR validate         # global options go first
      chime-reconciler -v validate                    # also list each room
    """
    state = load_desired(app.desired_dir)  # errors: reported by the CLI's one handler
    if app.verbose:
        for target in state.targets:
            prune = ", prune" if target.prune else ""
            where = f"account {target.key.scope}{prune}"
            members = plural(len(target.members), "member")
            click.echo(f"  {target.key.name} ({where}): {members}  [{target.location}]")
    click.echo(
        f"Desired state is valid: {plural(len(state.targets), 'room')}, "
        f"{plural(state.membership_count, 'membership')} in {plural(len(state.files), 'file')}."
    )


COMMANDS = [validate]
