"""The command line as people type it, made into the one click parses.

* Global options are accepted after the command too: ``plan --desired DIR`` is
  ``--desired DIR plan`` (a command's own option of the same name keeps it: ``plan -v``),
  and after a sub-group or its sub-command: ``gitops drift --no-color``.
* Terraform's single-dash spelling of long options is understood: ``-out=FILE``,
  ``-auto-approve``, ``-target=NAME``, ``-detailed-exitcode``, ``-no-color``. A single-dash
  word that is no option of ours is refused with the right spelling, when there is one.
* An option typed where it is none (before the command, or after another command) is
  refused naming the commands that have it. Typed before a command that has it, the
  message gives the command line with the option after the command, every other word
  kept: ``-auto-approve apply`` says ``--auto-approve is an option of apply, not a global
  one: put it after the command: chime-reconciler apply --auto-approve``. Never a command
  line of another command: ``plan --auto-approve`` says ``--auto-approve is an option of
  apply; plan has no --auto-approve``. Another command option typed before the command
  (and its value) is no command, and is moved after it too: ``--auto-approve --target
  ops apply`` says ``... chime-reconciler apply --auto-approve --target ops``. A short
  alias is its long option: ``-q apply`` says ``-q (--quiet) is an option of apply, ...``
  (QA-DP Q-DP-2). One-letter flags typed together before the command are each placed:
  ``-qv apply`` gives ``chime-reconciler -v apply -q`` (QA-FK Q-FK-9).
* A misspelt command gets a suggestion, as a misspelt option does (``unknown_command``).

Pure functions over lists of strings; ``ReconcilerGroup.parse_args`` calls ``normalise``.
"""

from __future__ import annotations

import difflib
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import click

# Terraform spellings with another form here (hints only: nothing is translated silently)
TERRAFORM_HINTS = {
    "-json": "use --format json",
    "-var": "there are no variables: edit the desired-state files",
    "-var-file": "use --desired DIR",
    "-lock": "there is no state lock to take",
    "-input": "use --auto-approve, or apply a saved plan",
    "-refresh": "every plan reads the live memberships",
}
ROOT = "chime-reconciler"
_SINGLE_DASH_LONG = re.compile(r"^-[a-z][a-z0-9-]+$")
_VERBOSE = re.compile(r"^-v+$")


class ArgvError(click.UsageError):
    """A word of the command line that is no option, with the right spelling if any.
    ``command``: the command (``plan``, ``gitops drift``, ``chime-reconciler``) whose
    Usage and Try lines go with it, as with click's own ``No such option``; None: none."""

    exit_code = 1

    def __init__(self, message: str, command: str | None = None) -> None:
        super().__init__(message)
        self.command = command


@dataclass(frozen=True)
class Options:
    """The options of one command: each spelling, whether it takes a value, and its long
    spelling (``-q``: ``--quiet``; a long one is its own)."""

    takes_value: Mapping[str, bool]
    long: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, command: click.Command, ctx: click.Context) -> Options:
        table: dict[str, bool] = {}
        long: dict[str, str] = {}
        for param in command.get_params(ctx):
            if isinstance(param, click.Option):
                names = (*param.opts, *param.secondary_opts)
                first = next((n for n in param.opts if n.startswith("--")), None)
                for name in names:
                    table[name] = not (param.is_flag or param.count)
                    long[name] = name if name.startswith("--") or first is None else first
        return cls(table, long)

    def __contains__(self, name: object) -> bool:
        return name in self.takes_value


@dataclass
class Holders:
    """Which commands have an option: to say where one typed in the wrong place belongs.
    The commands are loaded (their modules imported) only when a word needs it."""

    group: click.Group
    ctx: click.Context
    _table: dict[str, Options] | None = field(default=None, init=False)

    def _commands(self) -> dict[str, Options]:
        if self._table is None:
            self._table = {}
            for command_name in self.group.list_commands(self.ctx):
                command = self.group.get_command(self.ctx, command_name)
                if command is not None and not isinstance(command, click.Group):
                    self._table[command_name] = Options.of(command, self.ctx)
        return self._table

    def of(self, name: str) -> list[str]:
        """The commands (not groups) that have the option ``name``, sorted."""
        return sorted(c for c, options in self._commands().items() if name in options)

    def takes_value(self, name: str) -> bool:
        """Whether ``name`` takes a value, in the commands that have it."""
        return any(options.takes_value.get(name) for options in self._commands().values())

    def spelled(self, name: str) -> str:
        """``name`` as messages name it: a short alias with its long option, ``-q
        (--quiet)``; a long option as it is."""
        longs = {o.long[name] for o in self._commands().values() if name in o.long}
        return name if longs in (set(), {name}) else f"{name} ({', '.join(sorted(longs))})"

    def options_of(self, command: str) -> Options:
        """The options of ``command`` (none for a group or an unknown name)."""
        return self._commands().get(command, Options({}))

    def option(self, word: str) -> str | None:
        """The option ``word`` (``--out=F``, ``-target``, ``-q``) names, as some command
        spells it; None when it is no command's."""
        name = word.partition("=")[0]
        for spelling in (name, "-" + name) if _SINGLE_DASH_LONG.match(name) else (name,):
            if self.of(spelling):
                return spelling
        return None


def normalise(args: Sequence[str], group: click.Group, ctx: click.Context) -> list[str]:
    """``args`` with global options after the command moved before it and Terraform's
    single-dash long options spelled with two dashes."""
    glob = Options.of(group, ctx)
    holders = Holders(group, ctx)
    out: list[str] = []
    i = 0
    while i < len(args):  # the global options before the command
        word = args[i]
        if word == "--" or not word.startswith("-") or word == "-":
            break
        grouped = _grouped_before(word, glob, holders)
        if grouped is not None and not ctx.resilient_parsing:  # ``-qv apply`` (Q-FK-9)
            ours, theirs = grouped
            _refuse_before(theirs, [*args[:i], *ours], args[i + 1 :], glob, holders)
        word = _two_dashes(word, glob, None, ROOT, ctx.resilient_parsing, holders)
        out.append(word)
        i += 1
        name = word.split("=", 1)[0]
        if name not in glob and not ctx.resilient_parsing:
            _refuse_before(word, args[: i - 1], args[i:], glob, holders)
        if glob.takes_value.get(name) and "=" not in word and i < len(args):
            out.append(args[i])
            i += 1
    if i >= len(args) or args[i] == "--":
        return [*out, *args[i:]]
    name = args[i]
    command = group.get_command(ctx, name)
    if command is None:
        return [*out, *args[i:]]  # click reports an unknown command
    moved, kept = _after(command, name, args[i + 1 :], glob, ctx, holders)
    return [*out, *moved, name, *kept]


def _after(
    command: click.Command,
    name: str,
    args: Sequence[str],
    glob: Options,
    ctx: click.Context,
    holders: Holders,
) -> tuple[list[str], list[str]]:
    """(global options, the rest) of the words after ``command``; for a sub-group
    (``gitops``), after it and after its sub-command (``gitops drift --no-color``)."""
    lenient = ctx.resilient_parsing
    if not isinstance(command, click.Group):
        return _split(args, Options.of(command, ctx), glob, name, lenient, holders)
    at = _command_at(args, glob, None)
    own = Options.of(command, ctx)
    if at is None:
        return _split(args, own, glob, name, lenient, holders)
    moved, kept = _split(args[:at], own, glob, name, lenient, holders)
    sub = command.get_command(ctx, args[at])
    if sub is None:  # click reports an unknown sub-command
        return moved, [*kept, *args[at:]]
    more, rest = _after(sub, f"{name} {args[at]}", args[at + 1 :], glob, ctx, holders)
    return [*moved, *more], [*kept, args[at], *rest]


def _split(
    args: Sequence[str],
    own: Options,
    glob: Options,
    command: str,
    lenient: bool,
    holders: Holders,
) -> tuple[list[str], list[str]]:
    """(global options with their values, the rest) of the words after the command."""
    moved: list[str] = []
    kept: list[str] = []
    i = 0
    while i < len(args):
        word = args[i]
        i += 1
        if word == "--":
            kept += [word, *args[i:]]
            break
        if not word.startswith("-") or word == "-":
            kept.append(word)
            continue
        word = _two_dashes(word, own, glob, command, lenient, holders)
        name = word.split("=", 1)[0]
        if name not in own and name not in glob and not _VERBOSE.match(name) and not lenient:
            _refuse_elsewhere(word, command, holders)
        if name in own:
            takes = own.takes_value[name] and "=" not in word
        elif name in glob or (_VERBOSE.match(name) and "-v" in glob):
            takes = glob.takes_value.get(name, False) and "=" not in word
            if takes and i >= len(args):
                if lenient:
                    continue
                raise ArgvError(f"Option '{name}' requires an argument.", command)
            moved += [word, *([args[i]] if takes else [])]
            i += 1 if takes else 0
            continue
        else:
            takes = False
        kept.append(word)
        if takes and i < len(args):
            kept.append(args[i])
            i += 1
    return moved, kept


def _two_dashes(
    word: str, own: Options, glob: Options | None, command: str, lenient: bool, holders: Holders
) -> str:
    """``-out=FILE`` -> ``--out=FILE`` when ``--out`` is an option here; a single-dash word
    that is no option at all is refused, naming the right spelling when there is one."""
    name, eq, value = word.partition("=")
    if name.startswith("--") or not _SINGLE_DASH_LONG.match(name) or _VERBOSE.match(name):
        return word
    if name in own or (glob is not None and name in glob):
        return word
    if not eq and _short_flags(name, own, glob):
        return word  # ``-qv``: -q and -v together, as click reads them (QA-EA Q-EA-2)
    long = "-" + name
    if long in own or (glob is not None and long in glob):
        return long + eq + value
    if lenient:
        return word  # completing a command line: never an error
    if name not in TERRAFORM_HINTS and holders.of(long):  # ``-auto-approve apply``
        return long + eq + value  # refused by ``_refuse_elsewhere``, naming the command
    known = [*own.takes_value, *(glob.takes_value if glob is not None else ())]
    raise ArgvError(_unknown(name, [k for k in known if k.startswith("--")]), command)


def _short_flags(name: str, own: Options, glob: Options | None) -> bool:
    """``-qv``: each letter a one-letter flag of the command or a global one."""
    if not re.fullmatch(r"-[a-zA-Z]{2,}", name):
        return False
    flags = [f"-{c}" for c in name[1:]]
    return all(
        (f in own and not own.takes_value[f])
        or (glob is not None and f in glob and not glob.takes_value.get(f, False))
        for f in flags
    )


def _grouped_before(word: str, glob: Options, holders: Holders) -> tuple[list[str], str] | None:
    """``-qv`` typed before the command, one-letter flags together, some a command's
    (``-q``: apply's) and the others global (``-v``): (the global ones, together, to keep
    before the command: ``["-v"]``, or none; the command's, together: ``-q``). None when
    ``word`` is not such a group (a global option, ``-vv``, a single-dash long option)."""
    if not re.fullmatch(r"-[a-zA-Z]{2,}", word) or word in glob or _VERBOSE.match(word):
        return None
    ours: list[str] = []
    theirs: list[str] = []
    for letter in word[1:]:
        flag = "-" + letter
        if flag in glob and not glob.takes_value[flag]:
            ours.append(letter)
        elif holders.of(flag) and not holders.takes_value(flag):
            theirs.append(letter)
        else:
            return None  # no group of flags: a word ``_two_dashes`` answers
    if not theirs:
        return None
    return (["-" + "".join(ours)] if ours else []), "-" + "".join(theirs)


def _refuse_before(
    word: str, before: Sequence[str], after: Sequence[str], glob: Options, holders: Holders
) -> None:
    """Refuse ``word``, typed before the command, when it is an option of some command.
    When the command typed has it, the message gives the command line with the option
    (and its value) moved after the command and every other word kept: ``-auto-approve
    apply`` says ``... put it after the command: chime-reconciler apply --auto-approve``.
    Otherwise it names the commands that have it, and no command line of another command
    (``--auto-approve plan`` is no ``apply --auto-approve``). An option no command has is
    left to click (its own "did you mean")."""
    name, eq, _ = word.partition("=")
    flags = _flags_of(name, glob, holders)
    having = sorted(set.intersection(*(set(holders.of(f)) for f in flags))) if flags else []
    if not having:
        return
    value: list[str] = []
    if not eq and holders.takes_value(name) and after and not after[0].startswith("-"):
        value, after = [after[0]], after[1:]  # ``--out plan.json plan``: its value too
    at = _command_at(after, glob, holders)
    spelled = _listed([holders.spelled(f) for f in flags])
    is_one = (
        f"{spelled} is an option of {_listed(having)}, not a global one: put it"
        if len(flags) == 1
        else f"{spelled} are options of {_listed(having)}, not global ones: put them"
    )
    if at is None:
        raise ArgvError(f"{is_one} after the command")
    typed = after[at]
    if typed not in having:
        raise ArgvError(_not_of(name, having, typed, holders))
    kept, moved = _misplaced(after[:at], typed, glob, holders)
    line = [ROOT, *before, *kept, typed, word, *value, *moved, *after[at + 1 :]]
    raise ArgvError(f"{is_one} after the command: {shlex.join(line)}")


def _flags_of(name: str, glob: Options, holders: Holders) -> list[str]:
    """The options ``name`` stands for: itself, or, for one-letter flags typed together
    that no command has as one word (``-qq``), each flag once that is not a global one
    (``-vv``: none, it is the global -v twice)."""
    if holders.of(name) or not re.fullmatch(r"-[a-zA-Z]{2,}", name):
        return [name]
    flags = dict.fromkeys("-" + letter for letter in name[1:])
    return [f for f in flags if f not in glob]


def _misplaced(
    words: Sequence[str], typed: str, glob: Options, holders: Holders
) -> tuple[list[str], list[str]]:
    """(the global options with their values, the command options with theirs) of
    ``words``, typed between a misplaced option and the command ``typed``: those go
    before the command in the line to copy, these after it. One ``typed`` does not have
    is refused (``_not_of``), never moved into a line that fails again."""
    kept: list[str] = []
    moved: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        option = (
            holders.option(word) if word.startswith("-") and not _is_global(word, glob) else None
        )
        if option is None and _short_flags(word, holders.options_of(typed), glob):
            moved.append(word)  # ``-qv``: flags of the command, together
            continue
        if option is None:
            if word.startswith("-") and word not in ("-", "--") and not _is_global(word, glob):
                # no option of any command: never kept in a line that fails again (Q-EA-1)
                name = word.partition("=")[0]
                raise ArgvError(_unknown_anywhere(name), ROOT)
            kept.append(word)
            continue
        having = holders.of(option)
        if typed not in having:
            raise ArgvError(_not_of(word.partition("=")[0], having, typed, holders))
        moved.append(word)
        if "=" not in word and holders.takes_value(option) and i < len(words):
            moved.append(words[i])
            i += 1
    return kept, moved


def _is_global(word: str, glob: Options) -> bool:
    name = word.partition("=")[0]
    return name in glob or "-" + name in glob or bool(_VERBOSE.match(name))


def _refuse_elsewhere(word: str, command: str, holders: Holders) -> None:
    """Refuse ``word``, typed after ``command``, which does not have it, when another
    command has it: ``--auto-approve is an option of apply; validate has no
    --auto-approve``. An option no command has is left to click (its own "did you mean")."""
    name = word.partition("=")[0]
    having = holders.of(name)
    if having:
        raise ArgvError(_not_of(name, having, command, holders))


def _not_of(name: str, having: Sequence[str], command: str, holders: Holders) -> str:
    return f"{holders.spelled(name)} is an option of {_listed(having)}; {command} has no {name}"


def _command_at(words: Sequence[str], glob: Options, holders: Holders | None) -> int | None:
    """Where the command is in ``words`` (what follows an option typed before it): the
    first word that is neither an option (global, or with ``holders`` any command's) nor
    the value of one; None without one."""
    i = 0
    while i < len(words):
        word = words[i]
        if word == "--":
            return None
        if not word.startswith("-") or word == "-":
            return i
        name = word.split("=", 1)[0]
        if _is_global(word, glob):
            takes = glob.takes_value.get(name) or glob.takes_value.get("-" + name)
        elif holders is not None:
            option = holders.option(word)
            takes = option is not None and holders.takes_value(option)
        else:
            takes = False
        i += 2 if takes and "=" not in word else 1
    return None


def _listed(names: Sequence[str]) -> str:
    """``apply``; ``plan and show``; ``merge-plans, plan and show``."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _unknown(name: str, known: Sequence[str]) -> str:
    """Worded as click words an unknown option (``No such option '--bogus'. (Did you mean
    '--out'?)``); its Usage and Try lines come with it (``ArgvError.command``)."""
    if name in TERRAFORM_HINTS:
        return f"No such option '{name}'. (A Terraform option: {TERRAFORM_HINTS[name]}.)"
    close = difflib.get_close_matches("-" + name, known, n=1, cutoff=0.8)
    hint = f": did you mean '{close[0]}'?" if close else f", and there is no '-{name}' either."
    return f"No such option '{name}'. (Options are spelled with two dashes{hint})"


def _unknown_anywhere(name: str) -> str:
    """An option no command has, typed before the command: click's words, with the
    Terraform hint where there is one."""
    if name in TERRAFORM_HINTS:
        return _unknown(name, ())
    return f"No such option '{name}'."


def unknown_command(name: str, names: Sequence[str]) -> str:
    """``No such command 'plna'. Did you mean 'plan'?``, as click says of a misspelt
    option (``--taget``); without a close name, click's message alone."""
    close = difflib.get_close_matches(name, names, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return f"No such command {name!r}.{hint}"
