"""Where an option's value came from, as an error about the value names it: the flag
typed, or the environment variable that supplied it (click's ``ParameterSource``). A
CI job that inherits a bad AWS_REGION is not told to check a --region it never gave
(Q-EV-1)."""

from __future__ import annotations

import os

import click
from click.core import ParameterSource


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
