"""Options shared by several commands, defined once (pip-tools style) and stacked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from reconciler.cli.completion import complete_targets
from reconciler.cli.context import AppContext, empty_option
from reconciler.cli.kind_help import id_keys, kind_examples, target_nouns
from reconciler.cli.number_types import FiniteFloatRange as FiniteFloatRange
from reconciler.cli.number_types import WordedIntRange as WordedIntRange
from reconciler.cli.system_path import SystemPath
from reconciler.desired.model import minimum_defaults
from reconciler.errors import UsageError
from reconciler.shard import Shard

F = TypeVar("F", bound=Callable[..., Any])

# a plan's formats, as ``reconciler.render.FORMATS`` (which renders them) names them: not
# imported from there, the renderers being no part of a plan's start (README "Start-up and
# exit"); tests/unit/test_plan_formats.py checks that the two agree
PLAN_FORMATS = ("text", "markdown", "json")


def accounts_given(default: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """The callback of a command's ``--account`` (repeatable): ``--account ""`` (a script's
    ``--account "$ACCOUNT"`` with ``ACCOUNT`` unset) is refused, as ``--desired ""`` is:
    left out, the default would read every account (Q-AQ-5). ``default``: what leaving
    the option out means, for the message."""

    def check(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if any(not a.strip() for a in value or ()):
            raise empty_option("--account", "account", "an account id", default)
        return value

    return check


def target_option(f: F) -> F:
    return click.option(
        "--target",
        "targets",
        multiple=True,
        metavar="NAME",
        shell_complete=complete_targets,
        help=f"Only this target ({target_nouns()}), by its name (the key in the YAML) or "
        f"the id written there ({', '.join(id_keys())}; for meeting_id: ${{VAR}}, the id "
        "the variable holds), repeatable. Not the id Chime gave a target declared by name: "
        "give its name. A name several kinds share is refused: qualify it with the kind, "
        f"{kind_examples()} (e.g. --target channel:incident-chat). Default: every declared "
        "target.",
    )(f)


def shard_option(f: F) -> F:
    """``--shard K/N`` as text: the command parses it (``shard_from``), so that a bad
    value is a usage error with this tool's exit code 1."""
    return click.option(
        "--shard",
        "shard_text",
        metavar="K/N",
        default=None,
        help="Only shard K of N of the declared targets (a stable hash of each target's "
        "scope and name; every kind), for a CI matrix: `merge-plans` joins the N plans.",
    )(f)


def shard_from(text: str | None, targets: tuple[str, ...] = ()) -> Shard | None:
    """The ``--shard`` given (None: every target); a usage error with --target."""
    if text is None:
        return None
    if targets:
        raise UsageError("--shard and --target cannot be combined: give one or the other")
    return Shard.parse(text)


DETAILED_EXITCODE_HELP = (
    "Exit 2 when there is drift: changes, or members no file declares (unless "
    "settings.yaml says `drift: changes-only`); 0 when there is none; 1 stays an error."
)


def saved_plan_options(out_help: str) -> Callable[[F], F]:
    """``--out FILE`` (``out_help``), ``--format`` and ``--detailed-exitcode``: the options
    of a command that prints a plan and may save it (plan, merge-plans)."""

    def stack(f: F) -> F:
        f = click.option("--detailed-exitcode", is_flag=True, help=DETAILED_EXITCODE_HELP)(f)
        f = format_option(f)
        return click.option(
            "--out", type=SystemPath(dir_okay=False, path_type=Path), help=out_help
        )(f)

    return stack


def allow_unsafe_option(f: F) -> F:
    return click.option(
        "--allow-unsafe",
        is_flag=True,
        help="Proceed even when the plan breaks a safety limit "
        f"({', '.join(['max_removals', 'max_removal_fraction', *minimum_defaults()])}).",
    )(f)


def format_option(f: F) -> F:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(PLAN_FORMATS),
        default="text",
        show_default=True,
        help="text for terminals, markdown for pull-request comments, json for machines.",
    )(f)


def text_or_json_option(help: str) -> Callable[[F], F]:
    """``--format text|json`` (commands without a Markdown form), with the command's words."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(("text", "json")),
        default="text",
        show_default=True,
        help=help,
    )


def verbose_option(f: F) -> F:
    """``-v`` after the command name too (``plan -v``), adding to the global ``-v``."""
    return verbose_option_for("More detail: provenance of each member (same as the global -v).")(f)


def verbose_option_for(help: str) -> Callable[[F], F]:
    """``verbose_option`` with the command's own words for what ``-v`` adds."""

    def more(ctx: click.Context, _param: click.Parameter, count: int) -> None:
        app = ctx.find_object(AppContext)
        if count and app is not None:
            app.verbose += count

    return click.option(
        "-v",
        "--verbose",
        count=True,
        expose_value=False,
        callback=more,
        help=help,
    )
