"""The line bash and zsh complete, as the command will read it.

Their scripts pass the line as ``COMP_WORDS``, its words joined by one separator (a
newline for bash, a space for zsh), and the cursor's word index as ``COMP_CWORD``. click
splits that line with shlex, which drops an empty word: with the cursor on an empty word
before others (``plan --target <TAB> --desired DIR``) every later word moved one place
left, and the word after the cursor was taken for the one being completed. Here each
separator outside quotes ends a word, so an empty word keeps its place.

bash also splits a word at the characters of its ``COMP_WORDBREAKS``: ``--desired=DIR``
arrives as ``--desired``, ``=``, ``DIR``, and an ``arn:...`` in pieces at each ``:``.
Those pieces are joined back into the word that was typed (the cursor's index follows),
and ``TypedLine.piece`` keeps the last one: the text bash replaces with a completion."""

from __future__ import annotations

import os
from dataclasses import dataclass

from click.shell_completion import (
    FishComplete,
    ShellComplete,
    ZshComplete,
    add_completion_class,
    split_arg_string,
)

from reconciler.cli.completion_globals import GlobalOptionValues
from reconciler.os_text import text_of
from reconciler.typed_number import number_text

SEPARATORS = " \t\n"
# the characters of bash's COMP_WORDBREAKS that a word typed for this tool holds: an
# option's `=`, an ARN's `:` (the others end a command, or are quotes)
BASH_WORD_BREAKS = "=:"


@dataclass(frozen=True)
class TypedLine:
    """The words of the line being completed as typed (their quotes kept), the index of
    the word at the cursor (``len(words)``: a new word after the last), and ``piece``: the
    end of that word the shell replaces with a completion (all of it, but for bash: its
    part after a ``=`` or ``:``, empty right after one)."""

    words: list[str]
    cword: int
    piece: str

    @property
    def word(self) -> str:
        """The word at the cursor, as typed."""
        return self.words[self.cword] if self.cword < len(self.words) else ""


class NoLine(ValueError):
    """The shell passed no line to complete: ``COMP_WORDS`` or ``COMP_CWORD`` unset, or a
    ``COMP_CWORD`` that is no word's index (``x``, empty, ``-1``, ``٨``: only a broken or
    hand-made script passes one). Nothing is completed (QA-GV Q-GV-13: an internal error,
    and ``٨`` read as 8)."""


def _cword(text: str) -> int:
    """``COMP_CWORD``: ASCII digits (``typed_number``'s check: Q-LE-4), 0 or more."""
    try:
        cword = int(number_text(text))
    except ValueError:
        raise NoLine(f"COMP_CWORD {text!r} is no word's index") from None
    if cword < 0:
        raise NoLine(f"COMP_CWORD {text!r} is no word's index")
    return cword


def typed_line(shell: str) -> TypedLine:
    """The line ``shell`` passed (``COMP_WORDS``, ``COMP_CWORD``); bash's pieces of one
    word joined back. NoLine (a ValueError) when the shell passed no line."""
    try:
        # text, as the command line is (``os_text``): a C locale's ``ö`` completes too
        words = _raw_words(text_of(os.environ["COMP_WORDS"]))
        cword = _cword(os.environ["COMP_CWORD"])
    except KeyError as exc:
        raise NoLine(f"{exc.args[0]} is not set") from None
    if shell == "bash":
        return _joined(words, cword)
    return TypedLine(words, cword, words[cword] if cword < len(words) else "")


def completion_words(shell: str) -> tuple[list[str], int]:
    """The words of the line being completed, unquoted, an empty one kept in its place
    (bash's ``--desired``, ``=``, ``DIR`` joined back into ``--desired=DIR``), and the
    index of the word at the cursor. NoLine (a ValueError) when the shell passed no
    line."""
    line = typed_line(shell)
    return [unquoted(word) for word in line.words], line.cword


def _is_break(piece: str) -> bool:
    return piece != "" and all(char in BASH_WORD_BREAKS for char in piece)


def _joined(pieces: list[str], cword: int) -> TypedLine:
    # a piece of break characters (`=`, `:`, `::`) is glued to the pieces on either side
    words: list[str] = []
    at = None
    for i, piece in enumerate(pieces):
        if words and (_is_break(piece) or _is_break(pieces[i - 1])):
            words[-1] += piece
        else:
            words.append(piece)
        if i == cword:
            at = len(words) - 1
    if at is None:  # a new word after the last
        return TypedLine(words, len(words) + cword - len(pieces), "")
    piece = pieces[cword]
    return TypedLine(words, at, "" if _is_break(piece) else piece)


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


def open_quote(word: str) -> int | None:
    """The index of the quote ``word`` leaves open (``"zz``: 0), if any."""
    start, quote, escaped = None, "", False
    for i, char in enumerate(word):
        if escaped:
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            start, quote = i, char
    return start if quote else None


def unquoted(word: str) -> str:
    """A word as the shell would pass it (click's shlex, lenient with an open quote)."""
    return " ".join(split_arg_string(word))


def args_and_incomplete(line: TypedLine) -> tuple[list[str], str]:
    """click's ``get_completion_args``: the words before the cursor's, and that one."""
    words = [unquoted(word) for word in line.words]
    return words[1 : line.cword], unquoted(line.word)


class WithLine(ShellComplete):
    """A shell's completion that completes nothing (prints nothing, exit 0) when the shell
    passed no line (``NoLine``), rather than an internal error."""

    def complete(self) -> str:
        try:
            return super().complete()
        except NoLine:
            return ""


class Zsh(WithLine, GlobalOptionValues, ZshComplete):
    def get_completion_args(self) -> tuple[list[str], str]:
        return args_and_incomplete(typed_line("zsh"))


add_completion_class(Zsh, "zsh")


class Fish(GlobalOptionValues, FishComplete):
    # click's script, but a candidate is split at its first comma only (``TYPE,VALUE``):
    # fish's ``string split ","`` cut a room named ``ops,night`` to ``ops`` (QA Q-FW-5)
    source_template = FishComplete.source_template.replace(
        'string split "," $completion', 'string split --max 1 "," $completion'
    )

    def get_completion_args(self) -> tuple[list[str], str]:
        args, incomplete = super().get_completion_args()
        return args, text_of(incomplete)


add_completion_class(Fish, "fish")
