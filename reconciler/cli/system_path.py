"""A path option or argument: the command line is text (``ReconcilerGroup.parse_args``
reads its words' bytes as UTF-8, ``reconciler.os_text``), and a path is given back to
the operating system in the form its calls take. In a UTF-8 locale that is the same
string; in a C locale without UTF-8 mode (``LC_ALL=C PYTHONUTF8=0``) the text
``/tmp/dé`` could not be opened at all (ASCII cannot encode ``é``)."""

from __future__ import annotations

from typing import Any

import click

from reconciler.os_text import os_form


class SystemPath(click.Path):
    """``click.Path``, whose value is in the form the system's calls take (``os_form``)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str):
            value = os_form(value)
        return super().convert(value, param, ctx)
