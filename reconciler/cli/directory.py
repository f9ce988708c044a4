"""Helpers `audit` and `import` share: the rooms directory (look-ups through the rooms
provider, never its boto3 client), the default account of a desired-state directory, and
writing import's files (rooms and channels alike)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import click

from reconciler import atomic_file, interrupt, link_out, path_checks
from reconciler.cli.context import AppContext
from reconciler.desired import files as source_files
from reconciler.desired.files import SETTINGS
from reconciler.desired.loader import not_a_mapping
from reconciler.desired.messages import located
from reconciler.desired.model import DesiredState
from reconciler.desired.yamlpos import Document, parse
from reconciler.errors import UsageError
from reconciler.importer import listed
from reconciler.prose import listed_first
from reconciler.providers.base import RoomsDirectory
from reconciler.providers.channel_directory import ChannelDirectory, channel_directory
from reconciler.providers.registry import ProviderOptions
from reconciler.providers.rooms import RoomsProvider
from reconciler.put_back import NotPutBack, put_back, restorable
from reconciler.render.safe import shown

SHOW_FILES = 5  # existing files named in the refusal to overwrite


def open_directory(app: AppContext) -> RoomsDirectory:
    """The rooms directory of this run (one boto3 client, paced as plan and apply are)."""
    return RoomsProvider(app.client(), parallelism=app.parallelism, pacer=app.pacer())


def open_channels(app: AppContext, desired: DesiredState) -> ChannelDirectory:
    """The channel directory of this run for ``desired``'s app instances and bearers
    (paced by its ``rates:``, as plan and apply are)."""
    return channel_directory(provider_options(app, desired))


def provider_options(app: AppContext, desired: DesiredState | None) -> ProviderOptions:
    """The providers' options of a reading command (audit, import) for ``desired``: the
    run's client and parallelism, paced by its ``rates:`` as plan and apply are."""
    return ProviderOptions(
        client=app.client,
        regional=app.client,
        parallelism=app.parallelism,
        pacer=app.pacer(desired.rates if desired is not None else None),
        desired=desired,
    )


def settings_account(directory: Path) -> tuple[Path | None, str | None]:
    """The settings file of a desired-state directory (if any) and its ``account``."""
    found = _settings(directory)
    if found is not None:
        path, doc = found
        if doc.data is not None and not isinstance(doc.data, dict):
            # a list: never read as "no account" either (QA-CF Q-CF-2)
            line = doc.positions.value_line(())
            raise _unreadable(located(str(path), line, (), not_a_mapping(doc.data)))
        account = doc.data.get("account") if doc.data is not None else None
        if account is None:
            return path, None
        if not isinstance(account, str) or not account.strip():
            # a number, an empty string, a list: validate refuses it; never read as "no
            # account" (every account's rooms) (QA-AK Q-AK-5)
            line = doc.positions.value_line(("account",))
            raise _unreadable(located(str(path), line, ("account",), "is not an account id"))
        return path, account.strip()
    return None, None


def settings_has(directory: Path, key: str) -> bool:
    """Whether the settings file of a desired-state directory has ``key`` at its top level
    (read as ``settings_account`` reads it: one it cannot read is a UsageError at its
    line)."""
    found = _settings(directory)
    return found is not None and isinstance(found[1].data, dict) and key in found[1].data


def _settings(directory: Path) -> tuple[Path, Document] | None:
    """The settings file of a desired-state directory and what it holds (None: none). One
    that is there but is no regular file (a directory, a FIFO, a link out) is a
    UsageError, as one that cannot be read is: never read as no settings (QA-CF Q-CF-2)."""
    for name in SETTINGS:
        path = directory / name
        if os.path.lexists(path):
            return path, _settings_doc(directory, name)
    return None


def _settings_doc(directory: Path, name: str) -> Document:
    """What settings file ``name`` holds, read as the loader reads it, with the same
    refusals (a link out of ``directory``, bytes not UTF-8, a line break only YAML sees,
    bad YAML): a UsageError naming the file and line (QA-AF Q-AF-3: a plain YAML read took
    an ``account:`` written in a comment after a U+2028)."""
    text, problem = source_files.read_text(directory, name)
    if text is not None:
        doc = parse(text)
        if not doc.issues:
            return doc
        issue = doc.issues[0]
        problem = located(str(directory / name), issue.line, issue.path, issue.message)
    raise _unreadable(problem)


def _unreadable(problem: object) -> UsageError:
    """The error of a settings file whose account cannot be read: what is wrong, where."""
    return UsageError(
        f"cannot read the default account: {problem} "
        "(run `chime-reconciler validate`, or give --account)"
    )


def left_as_they_are(noun: str, declared: Sequence[tuple[str, object]]) -> str:
    """``Left 2 rooms as they are, declared already: a (FILE:LINE), b (FILE:LINE).``: the
    (name, where declared) pairs in the order given, the first few named."""
    n = len(declared)
    named = listed_first(
        [f"{listed(name)} ({where})" for name, where in declared[:SHOW_FILES]], SHOW_FILES, n
    )
    return (
        f"Left {n} {noun}{'' if n == 1 else 's'} as {'it is' if n == 1 else 'they are'}, "
        f"declared already: {named}."
    )


def write_files(out: Path, files: dict[str, str], force: bool) -> None:
    """Write ``files`` (path under ``out`` -> text); without ``force``, none at all when
    any exists already (a UsageError naming them). Failing or interrupted part way, none:
    the files written so far are put back as they were (removed, or their old bytes), and
    the folders made for them (``out`` too) are removed again when empty (one that cannot
    be put back is named after the failure, which a Ctrl-C stays). Each file is
    written as ``atomic_file`` writes (whole or not at all; a link followed, the mode
    kept) unless the link, or a folder's on the way, leads out of ``out``: then none at
    all (a UsageError naming the link)."""
    for relative in files:
        if Path(relative).is_absolute() or ".." in Path(relative).parts:
            # a name made a path never leaves DIR, as a link may not (QA-FY Q-FY-9)
            raise UsageError(
                f"cannot write {out / relative}: it is not a path inside {out}; nothing was written"
            )
        why = link_out.refusal(out / relative, out, str(out))
        if why is not None:
            raise UsageError(f"cannot write {out / relative}: {why}; nothing was written")
    existing = [p for p in files if path_checks.exists(out / p)]  # too long: none (Q-DM-1)
    if existing and not force:
        n = len(existing)
        named = listed_first([str(out / p) for p in existing[:SHOW_FILES]], SHOW_FILES, n)
        raise UsageError(
            f"{n} file{'' if n == 1 else 's'} exist{'s' if n == 1 else ''} already: {named}; "
            "nothing was written (use --force to overwrite them)"
        )
    interrupt.raise_if_pressed()  # a Ctrl-C swallowed on its way writes nothing
    within = atomic_file.Within(out, str(out))  # checked again as each file is written
    written: list[tuple[Path, bytes | None]] = []  # each file written, and what it held
    made: list[Path] = []  # each folder created for them (``out`` too), outermost first
    try:
        for relative, text in files.items():
            path = out / relative
            try:
                try:
                    make_folders(path.parent, made)
                except FileExistsError as exc:  # a file where a folder goes (Q-FY-11)
                    there = Path(exc.filename or path.parent)
                    raise UsageError(
                        f"cannot write {path}: {_not_a_folder(there)}; nothing was written"
                    ) from None
                written.extend(restorable(path))
                atomic_file.write_atomically(path, text, within)
            except OSError as exc:
                reason = exc.strerror or exc
                raise UsageError(f"cannot write {path}: {reason}; nothing was written") from None
    except BaseException as exc:  # failed or interrupted (Ctrl-C) part way: as they were
        try:
            put_back(reversed(written), reversed(made), within)
        except NotPutBack as failed:  # the failure that started it is still the one said
            left = f"{failed}, left as written; the others are back as they were"
            if not isinstance(exc, UsageError):  # Ctrl-C: still an interrupt (exit 130)
                click.echo(f"Error: {left}.", err=True)
                raise exc from None
            said = str(exc).removesuffix("; nothing was written")
            raise UsageError(f"{said}; {left}") from None
        raise


def _not_a_folder(there: Path) -> str:
    """Why ``there`` (where a folder goes) cannot be made one: a file is there, or a
    symbolic link to nothing (QA-GF Q-GF-6: said "a file" of one, where `ls` finds none)."""
    if there.is_symlink() and not path_checks.exists(there):
        try:
            to = there.parent / os.readlink(there)  # as the link's folder reads it
        except OSError:
            return f"{there} is a symbolic link to nothing"
        return f"{there} is a symbolic link to {shown(str(to))}, which does not exist"
    return f"{there} is a file, not a folder"


def make_folders(folder: Path, made: list[Path]) -> None:
    """``folder`` and its missing parents, each added to ``made`` (outermost first) before
    it is created, so that an interrupt leaves none unlisted; one found made meanwhile by
    someone else is not listed."""
    missing = []
    while not path_checks.is_dir(folder) and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for new in reversed(missing):
        made.append(new)
        try:
            new.mkdir()
        except FileExistsError:
            made.remove(new)
            if not path_checks.is_dir(new):
                raise
