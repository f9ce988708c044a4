"""A value a message tells the user to type (``give --target 'room:x'``, ``--target
'room:x' applies this room alone``), quoted for a shell rather than with ``repr``: a name
holding ``'`` was written in double quotes, where a pasted ``$HOME`` expands, and a
control character as a ``\\x..`` escape no shell reads back (REREAD-8; QA-HE Q-HE-7 did
so for ``git add``). Names quoted in prose keep ``quoted.named``."""

from __future__ import annotations


def typed(text: str) -> str:
    """``text`` as one shell word, its control characters visible (``shown``), so the
    line pasted runs with that word: always in single quotes, as a name was quoted before
    (``'room:ops'``), a ``'`` in it closed, escaped and reopened (``shlex.quote``'s way):
    ``'room:O'"'"'Brien $HOME'``."""
    from reconciler.render.safe import shown  # rendering's modules: not at a plan's start

    return "'" + shown(text).replace("'", "'\"'\"'") + "'"
