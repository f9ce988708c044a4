"""bash and zsh completion that keep the word being completed when it is empty.

Their scripts pass the line as ``COMP_WORDS``, its words joined by one separator (a
newline for bash, a space for zsh), and the cursor's word index as ``COMP_CWORD``. click
splits that line with shlex, which drops an empty word: with the cursor on an empty word
before others (``plan --target <TAB> --desired DIR``) every later word moved one place
left, and the word after the cursor was taken for the one being completed. Here each
separator outside quotes ends a word, so an empty word keeps its place."""

from __future__ import annotations

import os

from click.shell_completion import BashComplete, ZshComplete, add_completion_class, split_arg_string

SEPARATORS = " \t\n"


def completion_words() -> list[str]:
    """The words of the line being completed (``COMP_WORDS``), unquoted, an empty one
    kept in its place. KeyError when the shell passed no line."""
    return [_unquoted(word) for word in _raw_words(os.environ["COMP_WORDS"])]


def _raw_words(line: str) -> list[str]:
    # the words as typed (their quotes kept): a separator outside quotes, not escaped,
    # ends one; a last quote left open is the word being typed
    words, word, quote, escaped = [], "", "", False
    for char in line:
        if escaped:
            word, escaped = word + char, False
        elif char == "\\" and quote != "'":
            word, escaped = word + char, True
        elif quote:
            word += char
            quote = "" if char == quote else quote
        elif char in "'\"":
            word, quote = word + char, char
        elif char in SEPARATORS:
            words.append(word)
            word = ""
        else:
            word += char
    words.append(word)
    return words


def _unquoted(word: str) -> str:
    # as the shell would pass it (click's shlex, lenient with an open quote)
    return " ".join(split_arg_string(word))


def _args_and_incomplete() -> tuple[list[str], str]:
    words = completion_words()
    cword = int(os.environ["COMP_CWORD"])
    incomplete = words[cword] if cword < len(words) else ""
    return words[1:cword], incomplete


class Bash(BashComplete):
    def get_completion_args(self) -> tuple[list[str], str]:
        return _args_and_incomplete()


class Zsh(ZshComplete):
    def get_completion_args(self) -> tuple[list[str], str]:
        return _args_and_incomplete()


add_completion_class(Bash, "bash")
add_completion_class(Zsh, "zsh")
