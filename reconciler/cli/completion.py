"""Shell completion: ``chime-reconciler completion bash|zsh|fish`` prints the script, and
``--target`` completes the names (and ids) of the targets the desired state declares."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click
from click.shell_completion import CompletionItem, get_completion_class

from reconciler.cli.completion_shells import NoLine, completion_words
from reconciler.os_text import os_form
from reconciler.runner import on_interrupt

PROG = "chime-reconciler"
COMPLETE_VAR = "_CHIME_RECONCILER_COMPLETE"
SHELLS = ("bash", "zsh", "fish")
DEFAULT_DESIRED = "desired-state"


def complete_targets(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[Any]:
    """The declared target names (and ``id:``s; ``KIND:NAME`` for a name several kinds
    share, and any once ``KIND:`` is typed) starting with ``incomplete`` (a shared name's
    ``KIND:NAME`` where its NAME does: ``_completes``), from the
    --desired directory given on the command line being completed (or its default). A
    directory that does not load completes nothing: completion never prints errors."""
    from reconciler.desired.loader import load_desired  # only when completing
    from reconciler.desired.meeting_spec import env_name
    from reconciler.errors import ReconcilerError
    from reconciler.target_select import offered

    directory = _desired_dir(ctx)
    try:
        targets = load_desired(directory).targets
    except (ReconcilerError, OSError):
        return []
    # an id read from the environment (a meeting's ``${VARIABLE}``) is not offered: the
    # shell would expand it, and the target is completed by its name
    ids = {t.target_id for t in targets if t.target_id and env_name(t.target_id) is None}
    # a name several kinds share is offered as each kind's WORD:NAME, the value --target
    # takes for it; every WORD:NAME once WORD: is typed (QA-HJ Q-HJ-5)
    plain, forms = offered(targets)
    declared = {t.key.name for t in targets} | ids
    names = (declared & plain) | (plain & forms) | (forms if ":" in incomplete else set())
    return [CompletionItem(n) for n in sorted(names) if _completes(n, incomplete, plain & forms)]


def _completes(value: str, incomplete: str, shared: set[str]) -> bool:
    """Whether ``value`` is offered for ``incomplete``: it starts so; or it is the
    ``WORD:NAME`` of a name several kinds share (``shared``) whose NAME starts so, as the
    start of that name is typed (``inc``: ``room:incident-chat``, ...: QA-HL Q-HL-1)."""
    if value.startswith(incomplete):
        return True
    return value in shared and value.partition(":")[2].startswith(incomplete)


def _desired_dir(ctx: click.Context) -> Path:
    # what the command line says (before or after the command; after the word being
    # completed too: the last one, as when the command runs), else the environment
    after = _desired_after_cursor()
    if after:
        return Path(os_form(after))
    for c in (ctx, *_parents(ctx)):
        value = c.params.get("desired_dir")
        if value:
            return Path(value)
    return Path(os.environ.get("CHIME_RECONCILER_DESIRED") or DEFAULT_DESIRED)


def _desired_after_cursor() -> str | None:
    """The last ``--desired DIR`` after the word being completed, which click does not
    parse (only the words before it). bash and zsh pass the whole line (``COMP_WORDS``)
    and the word's index (``COMP_CWORD``), an empty word at the cursor kept in its place
    (bash's ``--desired``, ``=``, ``DIR`` joined back into ``--desired=DIR``).
    fish passes only the words up to the cursor: nothing after it to read."""
    shell = os.environ.get(COMPLETE_VAR, "").removesuffix("_complete")
    if shell not in ("bash", "zsh"):
        return None
    try:
        words, cword = completion_words(shell)
    except NoLine:
        return None
    words = words[cword + 1 :]
    found = None
    for i, word in enumerate(words):
        if word == "--desired":
            found = words[i + 1] if i + 1 < len(words) else None
        elif word.startswith("--desired="):
            found = word.partition("=")[2]
    return found or None


def _parents(ctx: click.Context) -> list[click.Context]:
    out = []
    while ctx.parent is not None:
        ctx = ctx.parent
        out.append(ctx)
    return out


@click.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
@on_interrupt("completion", "nothing was changed (completion only prints a script)")
def completion(shell: str) -> None:
    """Print the shell completion script for SHELL (bash, zsh or fish).

    Commands, options and --target names (from the desired state) are completed.

    \b
    Examples:
      eval "$(chime-reconciler completion bash)"         # in ~/.bashrc
      eval "$(chime-reconciler completion zsh)"          # in ~/.zshrc
      chime-reconciler completion fish | source          # in config.fish
    """
    from reconciler.cli.main import cli  # the root group: what the script completes

    cls = get_completion_class(shell)
    if cls is None:  # pragma: no cover - click knows every shell of SHELLS
        raise click.UsageError(f"no completion for {shell}")
    click.echo(cls(cli, {}, PROG, COMPLETE_VAR).source())


COMMANDS = [completion]
