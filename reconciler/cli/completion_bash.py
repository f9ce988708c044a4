"""bash completion that inserts each completion as one shell word.

click's bash script added what the command offered as it was (``COMPREPLY+=($value)``):
bash puts a completion in place of the word being typed, unquoted, so ``--target zz<TAB>``
became ``--target zz top`` (two words), and ``--target web\\ r<TAB>`` kept ``web\\ r``
and added ``releases`` after it. Here the command offers the text to insert, quoted as
the word is being typed (``zz\\ top``; ``top`` after ``"zz``, bash closing the quote), less
what bash does not replace (the ``--target=`` of ``--target=web-``, an ARN's start before
its last ``:``), and the script adds it as one word, never split or expanded."""

from __future__ import annotations

import re
from typing import Any

from click.shell_completion import BashComplete, CompletionItem, add_completion_class

from reconciler.cli.completion_globals import GlobalOptionValues
from reconciler.cli.completion_shells import (
    TypedLine,
    WithLine,
    args_and_incomplete,
    open_quote,
    typed_line,
    unquoted,
)

# click's script, but each line of the answer is read whole (`read` would drop a trailing
# comma, and its backslashes) and each completion added as one word
SCRIPT = """\
%(complete_func)s() {
    local IFS=$'\\n'
    local response completion type value

    response=$(env COMP_WORDS="${COMP_WORDS[*]}" COMP_CWORD=$COMP_CWORD \
%(complete_var)s=bash_complete $1)

    while read -r completion; do
        type=${completion%%%%,*}
        value=${completion#*,}
        if [[ $type == 'dir' ]]; then
            COMPREPLY=()
            compopt -o dirnames
        elif [[ $type == 'file' ]]; then
            COMPREPLY=()
            compopt -o default
        elif [[ $type == 'plain' ]]; then
            COMPREPLY+=("$value")
        fi
    done <<< "$response"

    return 0
}

%(complete_func)s_setup() {
    complete -o nosort -F %(complete_func)s %(prog_name)s
}

%(complete_func)s_setup;
"""

# characters a backslash must keep literal outside quotes (bash's `printf %q` escapes them)
SPECIAL = re.compile(r"""([\s\\'"$`!&*()\[\]{};|<>?~#^])""")
IN_DOUBLE_QUOTES = re.compile(r'([\\"$`])')


def replacement(line: TypedLine, value: str) -> str:
    """What bash puts in place of ``line.piece`` to complete the word at the cursor to
    ``value`` (for ``--opt=...``: the option's value): the rest of the word after what
    stays, quoted as the piece is typed."""
    word = unquoted(line.word)
    head = word.partition("=")[0] + "=" if word.startswith("-") and "=" in word else ""
    complete = head + value
    typed = line.word[: len(line.word) - len(line.piece)]
    quote_at = open_quote(line.piece)
    quote = ""
    if quote_at is not None:  # bash replaces what follows the open quote, then closes it
        typed += line.piece[:quote_at]
        quote = line.piece[quote_at]
    kept = unquoted(typed)
    rest = complete[len(kept) :] if complete.startswith(kept) else value
    return quoted(rest, quote)


def quoted(text: str, quote: str = "") -> str:
    """``text`` as one word's part, after the open ``quote`` (``"``, ``'``) or outside
    quotes."""
    if quote == "'":
        return text.replace("'", "'\\''")
    if quote == '"':
        return IN_DOUBLE_QUOTES.sub(r"\\\1", text)
    return SPECIAL.sub(r"\\\1", text)


class Bash(WithLine, GlobalOptionValues, BashComplete):
    source_template = SCRIPT

    def get_completion_args(self) -> tuple[list[str], str]:
        self.line = typed_line("bash")
        return args_and_incomplete(self.line)

    def format_completion(self, item: CompletionItem[Any]) -> str:
        if item.type != "plain":
            return f"{item.type},{item.value}"
        return f"plain,{replacement(self.line, item.value)}"


add_completion_class(Bash, "bash")
