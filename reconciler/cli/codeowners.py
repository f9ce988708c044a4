"""`chime-reconciler codeowners`: write the CODEOWNERS lines for `owners:`; and the check
`validate` runs. I/O only: the lines come from ``reconciler.governance.codeowners``."""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass
from pathlib import Path

import click

from reconciler import atomic_file, interrupt, link_out
from reconciler.atomic_file import LeadsOut, Within, write_atomically
from reconciler.cli.context import AppContext, pass_app
from reconciler.cli.system_path import SystemPath
from reconciler.desired.loader import load_desired
from reconciler.desired.model import DesiredState
from reconciler.errors import DesiredStateError, Problem, UsageError
from reconciler.git_tracked import tracked, unanswered, untracked
from reconciler.governance import codeowners
from reconciler.governance.codeowners import MarkerError, Ownership
from reconciler.os_text import path_text, text_of
from reconciler.prose import listed_first
from reconciler.refs import Location
from reconciler.regular_file import NotRegularFile, read_regular
from reconciler.render.safe import UNSAFE, shown
from reconciler.runner import on_interrupt

# where GitHub looks for the file, in its order; a new one goes to the first
CANDIDATES = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
FIX = "run `chime-reconciler codeowners`"
MOVE = f"{FIX} to move the block to the end of the file"


@dataclass(frozen=True)
class Target:
    root: Path  # the repository's root: CODEOWNERS paths are relative to it
    file: Path  # the CODEOWNERS file (may not exist yet)

    def shown(self) -> str:
        return _shown(self.file)


def repository_root(desired_dir: Path) -> Path | None:
    """The nearest folder with ``.git`` at or above ``desired_dir``; None outside any."""
    start = desired_dir.resolve()
    return next((p for p in (start, *start.parents) if (p / ".git").exists()), None)


def _root_of(file: Path) -> Path:
    """The repository root a CODEOWNERS file stands for: the folder above ``.github/`` or
    ``docs/``, else its own folder (where GitHub looks for it)."""
    folder = file.resolve().parent
    return folder.parent if folder.name in (".github", "docs") else folder


def locate(desired_dir: Path, given: Path | None = None) -> Target:
    """The repository root above ``desired_dir`` (the nearest folder with ``.git``) and the
    CODEOWNERS file in it; ``given`` (--file) is that file. Outside any repository the
    root is the one ``given`` stands for (``_root_of``); with no ``given`` there is no
    file GitHub would read, and that is a usage error (never a CODEOWNERS written into
    whatever the current directory is)."""
    root = repository_root(desired_dir)
    if given is not None:
        return Target(root or _root_of(given), given)
    if root is None:
        raise UsageError(
            f"no git repository above {path_text(desired_dir)} (no folder with .git): there is no "
            "CODEOWNERS that GitHub would read; give --file FILE (paths are then relative "
            "to its repository: the folder above .github/ or docs/, else its own folder) "
            "or --stdout (relative to the current directory)"
        )
    # the first that exists and is not a folder: a FIFO there is refused when read
    existing = next(
        (root / c for c in CANDIDATES if (root / c).exists() and not (root / c).is_dir()), None
    )
    return Target(root, existing or root / CANDIDATES[0])


def _relative(desired: DesiredState, root: Path) -> list[tuple[Ownership, str]]:
    """Each `owners:` and its file's path from ``root``, with '/'."""
    items = []
    for owned in desired.owned:
        path = owned.location.path().resolve()
        try:
            relative = text_of(path.relative_to(root).as_posix())  # as CODEOWNERS names it
        except ValueError:
            raise UsageError(
                f"{owned.location.file} is outside the repository at {root}: "
                "CODEOWNERS cannot name it"
            ) from None
        items.append((owned, relative))
    return items


def unwritable(desired: DesiredState, root: Path) -> list[Problem]:
    """The owned files whose names no CODEOWNERS line can hold (a line break, a control
    or format character: ``_unwritable``), each once, at the line of the first
    thing it declares with owners."""
    problems: dict[str, Problem] = {}
    for owned, relative in _relative(desired, root):
        why = _unwritable(relative)
        if why and owned.owners and relative not in problems:
            problems[relative] = Problem(owned.location, f"{owned.what}: {why}")
    return list(problems.values())


def _unwritable(path: str) -> str | None:
    """Why no CODEOWNERS line can name the file at ``path`` (None: one can). A rule is
    one line, and the syntax has no escape for a line break: a newline would split the
    rule in two (the file owned by nobody, its tail a rule for another path), a CR or
    U+2028 reads back as a line break, and a control or format character (U+202E) is
    nothing a reviewer can see in the file or its diff. So every character ``shown``
    escapes (Unicode Cc, Cf, Zl, Zp, lone surrogates) is refused, tab included."""
    found = list(dict.fromkeys(UNSAFE.findall(path)))  # each once, in order
    if not found:
        return None
    return (
        f"CODEOWNERS cannot name this file: its name holds {', '.join(map(shown, found))} "
        "(a CODEOWNERS rule is one line, with no escape for control, format or "
        "line-separator characters); rename the file"
    )


def generated(desired: DesiredState, root: Path) -> list[str]:
    """The lines for CODEOWNERS; a file name they cannot hold is a located error (nothing
    is written, and validate never compares with a split rule)."""
    problems = unwritable(desired, root)
    if problems:
        raise DesiredStateError(problems)
    return codeowners.lines(
        codeowners.Owned(relative, owned.owners) for owned, relative in _relative(desired, root)
    )


def read(target: Target) -> str:
    """The file's text ("" when there is none). One that is not a regular file (a FIFO
    would block the read forever) is refused, and so nothing is written over it."""
    try:
        data = read_regular(target.file)
    except FileNotFoundError:
        return ""
    except NotRegularFile as exc:
        raise UsageError(
            f"cannot read {target.shown()}: it is {exc.what}, not a regular file; "
            "nothing was changed"
        ) from None
    except OSError as exc:
        raise UsageError(f"cannot read {target.shown()}: {exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"cannot read {target.shown()}: {exc}") from None
    return text  # line endings as they are: codeowners keeps them (QA5 Q5-13)


def problems(desired: DesiredState, desired_dir: Path) -> list[Problem]:
    """validate's CODEOWNERS errors: owned files whose names no CODEOWNERS line can hold
    (at their lines; checked outside a repository too, by their names in the desired
    state's folder), else why CODEOWNERS does not match the `owners:` of the desired
    state (none: it does, or nothing is owned and no generated block exists, or there is
    no repository above ``desired_dir`` and so no CODEOWNERS to check: see ``unchecked``)."""
    if repository_root(desired_dir) is None:
        return unwritable(desired, desired_dir.resolve())
    target = locate(desired_dir)
    bad = unwritable(desired, target.root)
    if bad:
        return bad
    linked = _link_refusal(target)  # read no file through a link the write refuses
    if linked is not None:
        return [Problem(None, f"cannot check {_shown_link(target.file)}: {linked}")]
    lines = generated(desired, target.root)
    text = read(target)
    try:
        codeowners.one_block(text)
        current = codeowners.is_current(text, lines)
    except MarkerError as exc:
        return [Problem(Location(target.shown(), exc.line), exc.message)]
    owned_untracked = untracked_owned(desired, target.root)
    if current:
        untracked = _untracked_path(target) if lines else None
        why = [Problem(None, _untracked(target.root, *untracked))] if untracked else []
        return why + owned_untracked
    return stale(target, text, lines) + owned_untracked


def untracked_owned(desired: DesiredState, root: Path) -> list[Problem]:
    """The files with `owners:` that git does not track (QA Q-FW-1), each once at the
    line of the first thing it declares with owners: CODEOWNERS names them, but a commit
    would not hold them, and CI's validate of that commit (a clean clone) finds CODEOWNERS
    out of date. None when git cannot tell."""
    first: dict[Path, Problem] = {}
    for owned in desired.owned:
        path = owned.location.path()
        if owned.owners and path.resolve() not in first:
            shown_path = _shown(path)
            why = (
                f"{owned.what}: the file is not tracked by git: CODEOWNERS names it "
                "(its `owners:`), but the commit will not have it, so CI's validate would "
                f"find CODEOWNERS out of date; stage it ({git_add(root, path, shown_path)})"
            )
            first[path.resolve()] = Problem(owned.location, why)
    missing = untracked(root, list(first)) or []
    return [first[p] for p in missing]


def stale(target: Target, text: str, lines: list[str]) -> list[Problem]:
    """Why ``text``, the file's, is not what `codeowners` would write (one block at
    most: ``codeowners.one_block``): validate's errors and `--check`'s, in the same words
    (QA Q-CJ-9: `--check` called a file that does not exist "out of date"). A block with
    rules of the repository's below it is out of date, each rule that matches a file
    of the block named at its line (QA Q-CJ-1: GitHub applies the last matching line,
    and `/desired-state/ @platform` below the block owned every file it named)."""
    if not text:
        why = f"{target.shown()} is missing the owners the desired state names: {FIX}"
        return [Problem(None, why)]
    problems = []
    if not codeowners.block_current(text, lines):
        why = f"{target.shown()} is out of date with the desired state's owners: {FIX}"
        problems.append(Problem(None, why))
    below = codeowners.later(text, lines)
    overriding = [rule for rule in below if rule.overrides]
    for rule in overriding or below[:1]:
        where = Location(target.shown(), rule.line)
        problems.append(Problem(where, _overrides(rule) if rule.overrides else _below(rule)))
    return problems


def _overrides(rule: codeowners.Later) -> str:
    files = listed_first([shown(f) for f in rule.overrides[:3]], 3, len(rule.overrides))
    return (
        f"`{shown(rule.rule)}` comes after the generated block and matches {files}: "
        "GitHub applies the last matching line, so it overrides the owners the desired "
        f"state names; {MOVE}"
    )


def _below(rule: codeowners.Later) -> str:
    return (
        f"`{shown(rule.rule)}` comes after the generated block, which belongs at the end "
        "of the file (GitHub applies the last matching line, so a line after the block "
        f"would override it for the files both match); {MOVE}"
    )


def _untracked_path(target: Target) -> tuple[Path, str] | None:
    """The CODEOWNERS path git does not track, and as shown; None when git tracks each one
    (or cannot tell). git knows no path through a link: a ``.github`` linked to
    ``config/github`` (inside the repository: ``_link_refusal``) holds
    ``config/github/CODEOWNERS`` for git, the file ``codeowners`` writes. So git is asked
    about the path with its folders' links resolved, and, when CODEOWNERS is a link
    itself, about the file it leads to as well."""
    real, link = target.file.resolve(), target.file.parent.resolve() / target.file.name
    if tracked(target.root, real) is False:
        return real, _shown(real)
    if link != real and tracked(target.root, link) is False:
        return link, _shown_link(link)
    return None


def _untracked(root: Path, path: Path, shown_path: str) -> str:
    return (
        f"{shown_path} is not tracked by git: GitHub reads only the committed file, so "
        f"the owners' reviews would not be required; stage it ({git_add(root, path, shown_path)})"
    )


def git_add(root: Path, path: Path, shown_path: str) -> str:
    """The command that stages ``path`` (shown as ``shown_path``), run from the current
    directory: ``git add PATH`` inside the repository at ``root``; outside it, git would
    find no repository there, so ``git -C ROOT add PATH-IN-ROOT`` (QA Q-FW-2). Paths
    quoted for a shell: ``git add 'ds/my team.yaml'`` (QA-HE Q-HE-7)."""
    here, top = Path.cwd().resolve(), root.resolve()
    if here == top or top in here.parents:
        return f"git add {_pathspec(shown_path)}"
    try:
        inside = Path(os.path.abspath(path)).relative_to(top).as_posix()
    except ValueError:
        inside = path.resolve().relative_to(top).as_posix()
    return f"git -C {shlex.quote(_shown(root))} add {_pathspec(text_of(inside))}"


def _pathspec(path: str) -> str:
    """``path`` as git add's argument, quoted for a shell; after ``--`` where it starts
    with ``-``, which git would take for an option (``git add -x.yaml``: unknown switch
    'x'; QA-HK Q-HK-3)."""
    quoted = shlex.quote(path)
    return f"-- {quoted}" if path.startswith("-") else quoted


def unchecked(desired: DesiredState, desired_dir: Path) -> str | None:
    """validate's warning when `owners:` are declared outside any git repository: no
    CODEOWNERS there to check (a checkout without .git, an image); or in one git cannot
    answer for (not on PATH, "dubious ownership"): whether CODEOWNERS and the owned files
    are tracked is not checked."""
    if not desired.owned:
        return None
    root = repository_root(desired_dir)
    if root is None:
        above = path_text(desired_dir)
        return f"owners: not checked against CODEOWNERS: no git repository above {above}"
    why = unanswered(root)  # QA Q-FW-6: the tracking checks were skipped silently
    if why is None:
        return None
    return (
        "owners: CODEOWNERS and the files with owners not checked to be tracked by git: "
        f"git could not tell ({why})"
    )


def _shown(path: Path) -> str:
    try:
        return text_of(str(path.resolve().relative_to(Path.cwd().resolve())))
    except ValueError:
        return text_of(str(path))


@click.command("codeowners", short_help="Write the CODEOWNERS lines for `owners:`.")
@click.option(
    "--file",
    "file",
    type=SystemPath(dir_okay=False, path_type=Path),
    help="CODEOWNERS file to write. Default: the one GitHub reads in the repository "
    "(.github/CODEOWNERS, CODEOWNERS or docs/CODEOWNERS), else .github/CODEOWNERS.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 when the file (or --file) is out of date.",
)
@click.option(
    "--stdout",
    "to_stdout",
    is_flag=True,
    help="Print the generated lines only; reads and writes no file, so it cannot be "
    "combined with --check or --file.",
)
@click.option(
    "--exit-code",
    is_flag=True,
    help="Exit 1 when the file was written (it was out of date or missing), as a "
    "formatter does in a pre-commit hook: the commit stops until the file is staged, "
    "a new, untracked file included.",
)
@pass_app
@on_interrupt(
    "codeowners",
    "nothing in Chime was changed (codeowners never calls it); run it again to write CODEOWNERS",
)
def codeowners_command(
    app: AppContext, file: Path | None, check: bool, to_stdout: bool, exit_code: bool
) -> None:
    """Make the `owners:` of every target and group the required reviewers of the files
    that declare them, in CODEOWNERS.

    Writes one line per owned file (`/desired-state/teams/sre.yaml @alice @org/sre`)
    between two marker comments at the end of the file (GitHub applies the last
    matching line: a block with rules below it is moved there, and --check fails on
    it); the rest of the file is kept as it is. The file is
    replaced whole and keeps its permissions; a symbolic link (.github/CODEOWNERS ->
    ../docs/CODEOWNERS) is followed: the file it points to is rewritten, the link stays
    (one that leads out of the repository, or into its .git, is refused). Paths are
    relative to the repository's root (the nearest folder above --desired with .git).
    Outside any repository, give --file (its repository: the folder above .github/ or
    docs/, else its own) or --stdout (paths relative to the current directory).

    \b
    Examples:
      chime-reconciler codeowners              # write .github/CODEOWNERS
      chime-reconciler codeowners --check      # exit 1 if it is out of date (CI)
      chime-reconciler codeowners --exit-code  # exit 1 if it wrote (pre-commit)
      chime-reconciler codeowners --stdout     # just print the lines
      chime-reconciler codeowners --check --file docs/CODEOWNERS

    --stdout with --check or --file is a usage error (exit 1): it reads no file, so
    there would be nothing to check or write.

    `validate` reports an out-of-date CODEOWNERS as an error too, and one git does not
    track (GitHub reads the committed file only), so the pre-commit hooks keep it
    current. Require code owner reviews in the branch protection of main.
    """
    if to_stdout and (check or file is not None):
        other = "--check" if check else "--file"
        raise UsageError(
            f"--stdout and {other} cannot be combined: --stdout prints the lines and reads "
            "no file; give one or the other"
        )
    if file is not None and not check:
        why = _output_problem(file)
        if why is not None:
            raise UsageError(f"cannot write {_shown(file)}: {why}; nothing was written")
    desired = load_desired(app.desired_dir, app.now)
    if to_stdout and repository_root(app.desired_dir) is None:
        target = Target(Path.cwd(), Path.cwd() / CANDIDATES[0])  # printed, never written
    else:
        target = locate(app.desired_dir, file)
    lines = generated(desired, target.root)
    if to_stdout:
        for line in lines:
            click.echo(line)
        return
    # refused before the file it leads to is read: a file in the repository is never
    # written outside it, nor checked there (--check reads what the write would write)
    _refuse_link_out(target, check)
    text = read(target)
    try:
        if check:
            codeowners.one_block(text)  # more than one block: out of date, said so
        count = codeowners.block_count(text)
        moved = codeowners.moves(text) and bool(lines)
        new = codeowners.update(text, lines)
    except MarkerError as exc:
        raise UsageError(
            f"{target.shown()}:{exc.line}: {exc.message}; nothing was written"
        ) from None
    owned = len({o.location.file for o in desired.owned if o.owners})
    forgotten = untracked_owned(desired, target.root) if file is None else []
    for problem in forgotten:  # named in CODEOWNERS, not in the commit (Q-FW-1)
        click.echo(f"Warning: {problem}", err=True)
    if not lines and not text and not os.path.lexists(target.file):
        click.echo(
            f"There is no {target.shown()}, and none is needed: the desired state has no `owners:`."
        )
        return
    if codeowners.is_current(text, lines):  # line endings alone are never rewritten
        click.echo(f"{target.shown()} is up to date ({_files(owned)} with owners).")
        if forgotten and exit_code:  # the commit stops until the files are staged
            click.get_current_context().exit(1)
        return
    if check:
        raise UsageError("\n".join(map(str, stale(target, text, lines))))
    interrupt.raise_if_pressed()  # a Ctrl-C swallowed on its way writes nothing
    why = _output_problem(Path(target.shown()))  # as --file, named as shown: a read-only
    if why is not None:  # checkout said `[Errno 30] ... .CODEOWNERS.968e558a.tmp` (QA-HE Q-HE-9)
        raise UsageError(f"cannot write {target.shown()}: {why}; nothing was written")
    try:
        target.file.parent.mkdir(parents=True, exist_ok=True)
        # never left half written; a link is followed, unless it leads out (checked again
        # as the file is written: a link swapped in since is refused too)
        write_atomically(target.file, new, _within(target))
    except LeadsOut as exc:
        shown = _shown_link(target.file)
        raise UsageError(f"cannot write {shown}: {exc}; nothing was written") from None
    except OSError as exc:
        raise UsageError(f"cannot write {target.shown()}: {exc}") from None
    click.echo(f"Wrote {target.shown()}: {_files(owned)} with owners{_made(count, moved)}.")
    if exit_code:
        click.echo(
            f"{target.shown()} was out of date and has been written: stage it "
            f"({git_add(target.root, target.file, target.shown())}) and commit again.",
            err=True,
        )
        click.get_current_context().exit(1)


def _output_problem(file: Path) -> str | None:
    """Why --file cannot be written, found before anything is read, as for plan --out
    (``atomic_file.problem``); None: it can. Its folder must exist, except a missing
    .github/ or docs/ (where GitHub reads CODEOWNERS), which is made as for the default
    file: a mistyped folder is never made."""
    folder = file.parent
    if folder.name in (".github", "docs") and not folder.exists() and folder.parent.is_dir():
        if os.access(folder.parent, os.W_OK | os.X_OK):  # where it is made
            return None
        return f"the folder {_shown(folder.parent)} is not writable"
    return atomic_file.problem(file)


def _within(target: Target) -> Within:
    """What a CODEOWNERS file in the repository is written inside of."""
    return Within(target.root, f"the repository at {target.root}")


def _refuse_link_out(target: Target, check: bool) -> None:
    """A usage error when the CODEOWNERS file in the repository (found, or --file), or a
    folder on its way, is a symbolic link that leads out of it (a committed
    ``.github/CODEOWNERS -> ../../x``) or into its ``.git`` (``-> ../.git/config``, a
    hook): writing it would change a file elsewhere, or git's own. A link inside the
    work tree is followed; a --file outside the repository is written where it leads.
    ``--check`` refuses the same link (it would check a file the write never writes)."""
    why = _link_refusal(target)
    if why is None:
        return
    if check:
        raise UsageError(f"cannot check {_shown_link(target.file)}: {why}")
    raise UsageError(f"cannot write {_shown_link(target.file)}: {why}; nothing was written")


def _link_refusal(target: Target) -> str | None:
    """Why the CODEOWNERS file is neither written nor read (``link_out.refusal``)."""
    within = _within(target)
    return link_out.refusal(target.file, within.root, within.named, _shown_link)


def _shown_link(link: Path) -> str:
    """``link`` relative to the current directory as ``_shown`` shows a path, but as
    written: no link on the way followed."""
    given, here = os.path.abspath(link), os.getcwd()
    return os.path.relpath(given, here) if os.path.commonpath([given, here]) == here else str(link)


def _made(count: int, moved: bool) -> str:
    """What became of the blocks, when more than their lines changed."""
    at = "at the end of the file" if moved else "where the last was"
    if count > 1:
        return f" (its {count} generated blocks made one, {at})"
    if moved:
        return (
            " (its generated block moved to the end of the file, below the repository's own "
            "rules: GitHub applies the last matching line)"
        )
    return ""


def _files(n: int) -> str:
    return f"{n} file{'' if n == 1 else 's'}"


COMMANDS = [codeowners_command]
