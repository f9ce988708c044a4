"""Where an option's value came from, as an error about the value names it: the flag
typed, or the environment variable that supplied it (click's ``ParameterSource``). A
CI job that inherits a bad AWS_REGION is not told to check a --region it never gave, nor
a user who typed --api-process ON to look for a variable that is not set (Q-EV-1,
Q-EV-2)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

import click
from click.core import ParameterSource

F = TypeVar("F", bound=Callable[..., Any])


def given_as(ctx: click.Context, param: click.Parameter) -> str:
    """``AWS_REGION`` when that variable gave ``param`` its value, else its flag
    (``--region``): the variable is the first one set non-empty, as click reads them."""
    source = ctx.get_parameter_source(param.name) if param.name else None
    if param.envvar and source is ParameterSource.ENVIRONMENT:
        names = [param.envvar] if isinstance(param.envvar, str) else list(param.envvar)
        supplied = next((n for n in names if os.environ.get(n)), None)
        if supplied is not None:
            return supplied
    return " / ".join(param.opts) or param.human_readable_name


class SourcedOption(click.Option):
    """An option whose bad value (click's ``Invalid value for ...``) names where it came
    from, not click's flag plus every variable it could have come from (``show_envvar``:
    the variables are still listed in --help)."""

    def get_error_hint(self, ctx: click.Context | None) -> str:
        if ctx is None:
            return super().get_error_hint(ctx)
        return f"'{given_as(ctx, self)}'"


def option(*decls: str, **attrs: Any) -> Callable[[F], F]:
    """``click.option`` of a ``SourcedOption``."""
    return click.option(*decls, cls=SourcedOption, **attrs)
