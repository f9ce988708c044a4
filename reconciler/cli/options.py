"""Options shared by several commands, defined once (pip-tools style) and stacked."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from reconciler.cli.completion import complete_targets
from reconciler.cli.context import AppContext, empty_option
from reconciler.cli.kind_help import id_keys, target_nouns
from reconciler.desired.model import minimum_defaults
from reconciler.errors import UsageError
from reconciler.render import FORMATS
from reconciler.shard import Shard

F = TypeVar("F", bound=Callable[..., Any])


class FiniteFloatRange(click.FloatRange):
    """``click.FloatRange`` without ``nan`` and ``inf``: ``nan`` passes every range check
    (no comparison with it holds) and ``inf`` is no number of seconds. Its refusals quote
    the value as typed and say the bound in words (``'-1' is less than 0.1.``), not
    click's ``-1.0 is not in the range x>=0.1.`` (QA-GM Q-GM-5)."""

    name = "finite float range"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            number = float(_no_underscore(value))
        except (TypeError, ValueError):
            # click's own words, 'is not a valid finite float range', name its type (Q-GI-5)
            self.fail(f"{value!r} is not a number.", param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        low, high = self.min, self.max
        if low is not None and (number < low or (self.min_open and number == low)):
            words = "is not more than" if self.min_open else "is less than"
            self.fail(f"{value!r} {words} {low:g}.", param, ctx)
        if high is not None and (number > high or (self.max_open and number == high)):
            words = "is not less than" if self.max_open else "is more than"
            self.fail(f"{value!r} {words} {high:g}.", param, ctx)
        return super().convert(value, param, ctx)


class WordedIntRange(click.IntRange):
    """``click.IntRange`` refusing as ``FiniteFloatRange`` does: the value quoted as typed,
    the bound in words (``'-1' is less than 0.``), not click's ``-1 is not in the range
    0<=x<=60000.``; a value that is no whole number says so (QA-GO Q-GO-1)."""

    name = "whole number range"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            number = int(_no_underscore(value))
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a whole number.", param, ctx)
        low, high = self.min, self.max
        if low is not None and number < low:
            self.fail(f"{value!r} is less than {low}.", param, ctx)
        if high is not None and number > high:
            self.fail(f"{value!r} is more than {high}.", param, ctx)
        return super().convert(number, param, ctx)


def _no_underscore(value: Any) -> Any:
    """``value``, refused (ValueError) where it is text with an underscore: Python's
    ``int()`` and ``float()`` read ``1_0`` as 10, which no user means (QA-GO Q-GO-1)."""
    if isinstance(value, str) and "_" in value:
        raise ValueError(value)
    return value


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
        "give its name. Default: every declared target.",
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
            "--out", type=click.Path(dir_okay=False, path_type=Path), help=out_help
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
        type=click.Choice(FORMATS),
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
