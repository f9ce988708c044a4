"""The "did you mean" of a name Chime lists none of: a room's (plan, import) and a
channel's (QA REREAD 9), one wording."""

from __future__ import annotations

from collections.abc import Collection

from reconciler.quoted import named


def did_you_mean(name: str, listed: Collection[str]) -> str:
    """``"did you mean 'Ops' or 'OPS'?"``: the names of ``listed`` that differ from
    ``name`` in case only, else the closest (``target_select.close_match``), each quoted
    as every "did you mean" is; ``""`` when none is close."""
    near = sorted(n for n in listed if n.casefold() == name.casefold() and n != name)
    if not near:
        from reconciler.target_select import close_match  # only for this error (perf-start)

        hint = close_match(name, listed)
        near = [hint] if hint else []
    return f"did you mean {' or '.join(named(n) for n in near)}?" if near else ""
