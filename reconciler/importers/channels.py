"""The channels' importer (``reconciler.importers``; the text is made by
``reconciler.channel_import``).

Channels are imported when the settings.yaml that will govern the files names
``app_instances`` (the --out directory's, or the --desired directory's for stdout): one
file per app instance, ``channels/LABEL.yaml`` under --out (``_channel_file``: the label
made a file name, and a new file beside one there). Channels the --out directory
declares already (by name or by arn) are left as they are, as its rooms are; a preview to
stdout prints every channel, as it prints every room. To stdout, an invalid --desired
directory whose settings.yaml names ``app_instances`` stops the import before any call.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import click

from reconciler import import_paths
from reconciler.channel_import import (
    ImportedChannel,
    InstanceChannels,
    elastic_comment,
    left_out,
    refreshes,
    sections_document,
)
from reconciler.cli.context import AppContext
from reconciler.cli.directory import left_as_they_are, open_channels, settings_has
from reconciler.cli.import_dir import load_at_run
from reconciler.desired import files as source_files
from reconciler.desired.model import AppInstanceSetting, DesiredState, DesiredTarget
from reconciler.errors import DesiredStateError
from reconciler.import_declared import Declared, Unclear, namesakes
from reconciler.importers import Imported, ImportRequest, Wanted, written_files
from reconciler.kinds.channels import CHANNEL
from reconciler.os_text import path_text
from reconciler.path_checks import exists, is_dir
from reconciler.prose import counted, listed
from reconciler.providers.all_channels import ChannelsRead, read_channels
from reconciler.refs import Location
from reconciler.render.safe import shown
from reconciler.target_yaml import Refresh

CHANNELS_DIR = "channels"


def governing(app: AppContext, request: ImportRequest) -> DesiredState | None:
    """The desired state whose settings govern the imported files (None: none there):
    the --out directory's, as import loaded it before any call (``request.before``; an
    invalid one stopped the import there), where it has a settings.yaml; for stdout, the
    --desired directory's."""
    if request.out is not None:
        # without a settings.yaml, the one import writes names no app instance
        return request.before if exists(request.out / "settings.yaml") else None
    where = app.desired_dir
    sources, _ = source_files.discover(where) if is_dir(where) else ([], None)
    if not sources:
        return None
    try:
        return load_at_run(app, where)
    except DesiredStateError:
        if not settings_has(where, "app_instances"):
            return None
        # stdout: the channels wanted are unknown; never left out without a word (QA-CF
        # Q-CF-1)
        click.echo(
            f"Nothing was imported: {where} is not a valid desired state, so the channels "
            "of its settings.yaml's app_instances are unknown. Fix the problems below (or "
            "import rooms only with --room):",
            err=True,
        )
        raise


def read(app: AppContext, desired: DesiredState) -> dict[AppInstanceSetting, ChannelsRead]:
    found = open_channels(app, desired)
    return {s: read_channels(found, s.arn) for s in desired.app_instances}


@dataclass(frozen=True)
class ChannelImport:
    """What ``import`` writes for channels: a file per app instance with channels to write
    (none for one whose channels are all declared already, elastic or absent), the same
    channels as one document for stdout ("" when none), the channels left as they are
    because a file declares them (with where), and those deleted while import read them."""

    files: dict[str, str]  # channels/LABEL.yaml -> text
    document: str  # every file's channels under one `channels:` key, for stdout
    left: tuple[DesiredTarget, ...]  # their declarations, in key order
    gone: tuple[tuple[str, str], ...] = ()  # (name, arn): deleted while read, left out
    left_out: int = 0  # members of the channels written left out with a comment
    unclear: tuple[Unclear, ...] = ()  # entries by a name several channels have
    left_out_words: Mapping[tuple[str, str], int] = field(default_factory=dict)  # by kind
    counts: Counts = field(default_factory=lambda: Counts())
    unread: tuple[str, ...] = ()  # channels the bearer may not read, why: left out
    unlisted: tuple[str, ...] = ()  # app instances whose PRIVATE channels were not seen
    elastic: tuple[tuple[str, str], ...] = ()  # (name, arn): elastic, never written
    kept: tuple[str, ...] = ()  # notes: files --force kept, as they declare channels not read

    def summary(self, instances: int) -> str:
        """``1 channel (3 memberships, 1 moderator; the bearer left out) from 1 app
        instance``: what ``import`` says it imported, with the rooms (QA-FK Q-FK-4)."""
        c = self.counts
        counts = counted(c.memberships, "membership")
        if c.moderators:
            counts += f", {counted(c.moderators, 'moderator')}"
        notes = []
        if c.bearers:
            notes.append(
                "the bearer left out" if c.bearers == 1 else f"{c.bearers} bearers left out"
            )
        if self.left_out:  # in the words the plan counts them (QA-FS Q-FS-2)
            words = self.left_out_words or {("member", "members"): self.left_out}
            left = listed([counted(n, *word) for word, n in words.items() if n])
            notes.append(f"{left} left out: see the comments")
        extra = f"; {'; '.join(notes)}" if notes else ""
        where = "app instance" if instances == 1 else "app instances"
        return f"{counted(c.channels, 'channel')} ({counts}{extra}) from {instances} {where}"


@dataclass(frozen=True)
class Counts:
    """What the files (or the document) declare of the channels imported: channels,
    memberships and moderators written, and the app instances' bearers left out."""

    channels: int = 0
    memberships: int = 0
    moderators: int = 0
    bearers: int = 0

    @classmethod
    def of(cls, sections: Sequence[InstanceChannels]) -> Counts:
        channels = members = moderators = 0
        bearers: set[str] = set()
        for section in sections:
            for c in section.managed:
                left = len(left_out(c, section.ambiguous))
                left_members = len(left_out(replace(c, moderators=()), section.ambiguous))
                channels += 1
                members += len(c.members) - left_members
                moderators += len(c.moderators) - (left - left_members)
                bearers.update(b.member_id for b in c.bearers)
        return cls(channels, members, moderators, len(bearers))


def _split(
    desired: DesiredState,
    instance: str,
    channels: list[ImportedChannel],
    rewritten: str | None,
    new_file: str,
) -> tuple[list[ImportedChannel], list[DesiredTarget], list[Unclear]]:
    """The channels no file declares, those a file declares (with its declaration), and
    the declarations by a name several of ``channels`` have (each with their arns): such
    an entry declares none of them (the plan refuses it), so they are written with
    ``arn:``, into ``new_file``. One the file being rewritten declares (``--force``)
    counts as undeclared."""
    declared = Declared.of(CHANNEL, desired.targets, except_in=rewritten)
    names = Counter(c.name for c in channels)
    shared = namesakes(("", c.name, c.arn) for c in channels)  # one scope: the instance
    wanted, left = [], []
    # an entry by a shared name is named whether or not a channel is written now: the
    # plan refuses it (QA-GE Q-GE-4)
    unclear: dict[DesiredTarget, tuple[str, list[str], list[str]]] = {}
    for c in channels:
        target = declared.find(instance, c.arn, c.name, names[c.name])
        if target is not None:
            left.append(target)
        else:
            wanted.append(c)
        entry = declared.ambiguous(instance, c.name, names[c.name])
        if entry is not None:
            _, written, kept = unclear.setdefault(entry, (c.name, [], []))
            (written if target is None else kept).append(c.arn)
    return (
        wanted,
        left,
        [
            Unclear(
                CHANNEL,
                t,
                shared[("", name)],
                tuple(sorted(written)),
                tuple(sorted(kept)),
                new_file,
            )
            for t, (name, written, kept) in unclear.items()
        ],
    )


def documents(
    desired: DesiredState,
    read_: dict[AppInstanceSetting, ChannelsRead],
    prune: bool,
    out: Path | None = None,
    force: bool = False,
) -> ChannelImport:
    """For ``out``, a file (``_channel_file``) for each app instance with channels
    ``out`` does not declare yet (with ``force``, those of the file written are imported
    again over it); for stdout (no ``out``), one document with every channel, declared or
    not, as the preview has every room; no file, and no ``channels: {}`` document, for an
    app instance with none (elastic channels are never written)."""
    several = len(desired.app_instances) > 1
    in_files = import_paths.by_file(desired)
    taken: set[str] = set()  # the files of this import, case-folded
    files = {}
    written: list[InstanceChannels] = []
    left: list[DesiredTarget] = []
    unclear: list[Unclear] = []
    gone: list[tuple[str, str]] = []
    unread: list[str] = []
    unlisted: list[str] = []
    elastic: list[tuple[str, str]] = []
    kept: list[str] = []  # files --force does not write over: they declare a channel not read
    for s, got in read_.items():
        channels = got.channels
        gone.extend(got.gone)
        unread.extend(got.unread)
        if got.private_refused_to:
            unlisted.append(_private_unlisted(s, got.private_refused_to))
        names = Counter(c.name for c in channels)
        shared = frozenset(name for name, n in names.items() if n > 1)
        whole = InstanceChannels(s.arn, None, tuple(channels), got.several_bots, shared)
        refresh = refreshes(whole, prune)  # what --force writes in place of an entry
        relative, rewritten, not_read = _channel_file(
            s, out, force, in_files, taken, (channels, refresh)
        )
        if not_read is not None:
            kept.append(not_read)
        wanted: list[ImportedChannel] = channels  # a preview: every one, as every room
        declared: list[DesiredTarget] = []
        if out is not None:
            wanted, declared, ambiguous = _split(
                desired, s.arn, channels, rewritten, path_text(out / relative)
            )
            unclear.extend(ambiguous)
        left.extend(declared)
        # named unless a file of DIR names it already, as an import wrote it: a note on
        # every import again said what nothing changed (QA-LE Q-LE-8)
        theirs = {t.location.file for t in desired.targets if _ours(t, s)} if out else set()
        elastic.extend(
            sorted((c.name, c.arn) for c in wanted if c.elastic and not _commented(c, theirs))
        )
        section = InstanceChannels(
            s.arn, s.label if several else None, tuple(wanted), got.several_bots, shared
        )
        if section.managed:  # an elastic channel alone is no channel to write
            files[relative] = sections_document([section], prune=prune)
            written.append(section)
    document = sections_document(written, prune=prune) if written else ""
    ordered = sorted(left, key=lambda t: (t.key.name.casefold(), t.key.name, str(t.location)))
    omitted = sum(s.left_out for s in written)
    words: Counter[tuple[str, str]] = Counter()
    for section in written:
        words.update(section.left_out_words)
    return ChannelImport(
        files,
        document,
        tuple(ordered),
        tuple(gone),
        omitted,
        tuple(unclear),
        dict(words),
        Counts.of(written),
        tuple(unread),
        tuple(unlisted),
        tuple(elastic),
        tuple(kept),
    )


def _commented(channel: ImportedChannel, files: Iterable[str]) -> bool:
    """Whether one of ``files`` (DIR's, of the channel's app instance) has the comment an
    import writes of the elastic ``channel`` (``elastic_comment``): a comment, which no
    YAML reading sees, looked for as a line."""
    line = elastic_comment(channel)
    for file in sorted(files):
        try:
            text = Path(file).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if line in text.splitlines():
            return True
    return False


def _channel_file(
    instance: AppInstanceSetting,
    out: Path | None,
    force: bool,
    declared: import_paths.InDir,
    taken: set[str],
    read: tuple[Sequence[ImportedChannel], Mapping[ImportedChannel, Refresh]] = ((), {}),
) -> tuple[str, str | None, str | None]:
    """The file (relative to ``out``) of ``instance``'s channels, the path of the file
    written again (``--force``), whose declarations count as undeclared (None: none), and
    the note for a file ``--force`` keeps as it declares channels not read (None: none):
    ``channels/<slug of its label>.yaml``, never a path out of ``out`` (QA-FY Q-FY-9: a
    label ``../../x`` wrote ``../../x.yaml``), else ``channels/<slug>-2.yaml`` and so on.
    A file there that declares anything is never written over (QA-FY Q-FY-1: the
    channels created since the first import go into a new file, and the hand edits stay),
    but with ``--force`` one whose every declaration is of a channel of ``instance`` read
    now (``read``: with what the refresh writes of each), so written again (a refresh):
    one declaring a channel this import did not read (its bearer may not, or Chime has
    none of that name) is kept, as the refresh would drop that declaration (QA-GF
    Q-GF-2). A file declaring nothing (empty)
    is in the way, as a room's is: ``--force`` writes over it (``import_paths.kept``).
    A name this import takes for another app instance
    (``chat``, ``Chat``: one file where case is not told apart) is passed over too."""
    stem = f"{CHANNELS_DIR}/{import_paths.slug(instance.label, 'channels')}"
    note: str | None = None
    for name in import_paths.numbered(stem):
        relative = f"{name}.yaml"
        if relative.casefold() not in taken:
            path = out / relative if out is not None else None
            if path is None:
                break
            mine = [t for t in declared.get(path_text(path), ()) if _ours(t, instance)]
            read_again = _read_again(mine, instance, *read) if force else {}
            # one holding what import cannot read from Chime is kept (owners:, ...: Q-LE-7)
            own = [t for t, r in read_again.items() if not import_paths.hand_edits(t, r)]
            if not import_paths.kept(path, declared, own):  # the rule of every kind
                taken.add(relative.casefold())
                again = path_text(path) if force and import_paths.is_there(path) else None
                return relative, again, note  # the kept file's note too
            if force and note is None and not import_paths.declares_others(path, declared, mine):
                unread = [t for t in mine if t not in read_again]
                edited = [(t, r) for t, r in read_again.items() if t not in own]
                note = (
                    _not_read_note(path, unread, edited)
                    if unread
                    else import_paths.not_refreshed(path, edited)
                )
    taken.add(relative.casefold())
    return relative, None, note


def _read_again(
    targets: Sequence[DesiredTarget],
    instance: AppInstanceSetting,
    channels: Sequence[ImportedChannel],
    refresh: Mapping[ImportedChannel, Refresh],
) -> dict[DesiredTarget, Refresh]:
    """Those of ``targets`` (``instance``'s channels a file declares, and their
    moderators) that declare a channel read now and written again (``refresh``: each
    with what is written of its entry; an elastic one never is), or that declare by name
    channels read now that share it: each of those is written again with its ``arn:``
    (QA-GL Q-GL-2: such an entry was "not read", and the file kept, with a note saying
    so, where the refresh replaces it by them); each with what is written in its place."""
    found = Declared.of(CHANNEL, targets)
    names = Counter(c.name for c in channels)
    again: dict[Location, Refresh] = {}
    for c in channels:  # an entry by a shared name: as written in place of the first
        r = refresh.get(c, Refresh(c.name))
        if not c.elastic:
            entry = found.find(instance.arn, c.arn, c.name, names[c.name])
            if entry is not None:
                again.setdefault(entry.location, r)  # its moderators' target too
        entry = found.ambiguous(instance.arn, c.name, names[c.name])
        if entry is not None:
            again.setdefault(entry.location, r)
    return {t: again[t.location] for t in targets if t.location in again}


def _not_read_note(
    path: Path, unread: Sequence[DesiredTarget], edited: Sequence[tuple[DesiredTarget, Refresh]]
) -> str:
    """The note for a file ``--force`` does not write again: it declares ``unread``,
    channels this import did not read (QA-GF Q-GF-2), and holds the hand edits of
    ``edited`` too, if any, named as well (QA-RR Q-RR-18: else, the unread ones removed,
    the next refresh was refused again for edits no note had named)."""
    entries = {t.location: t.key.name for t in unread}  # a channel and its moderators: one
    named = listed([f"{shown(name)} ({where})" for where, name in entries.items()])
    edits = import_paths.edits_named(edited)
    also = (
        f"; it also holds {edits}, which import cannot read from Chime and a refresh would drop too"
        if edits
        else ""
    )
    return (
        f"Note: {path} is not written again (--force): it declares {named}, which this "
        "import did not read (not imported, or no such channel in Chime), and a refresh "
        f"would drop that declaration{also}: it is kept as it is, and a channel it does not "
        "declare goes into a new file beside it."
    )


def _ours(target: DesiredTarget, instance: AppInstanceSetting) -> bool:
    """Whether ``target`` is one of ``instance``'s (a channel, its moderator list)."""
    return target.key.scope == instance.arn


def _private_unlisted(instance: AppInstanceSetting, bearer: str) -> str:
    """The warning for an app instance whose PRIVATE channels its bearer may not list
    (ListChannels' ``Privacy=PRIVATE`` refused, ForbiddenException): AWS tells not how
    many there are, so import cannot say which it leaves out (QA-LD Q-LD-8)."""
    n = len(instance.bearers)
    # with several bearers, which one was refused: ListChannels is the first's (Q-LE-8)
    which = f", the first of its {n} bearers (ListChannels is called as it)," if n > 1 else ""
    return (
        f"Warning: app instance {shown(instance.label)} ({shown(instance.arn)}): its bearer "
        f"{shown(bearer)}{which} may not list its PRIVATE channels (ListChannels: "
        "ForbiddenException; AWS lists them to AppInstanceAdmins only), so none of them is "
        "imported, however many there are: only the PUBLIC channels are. Make every bearer "
        "an AppInstanceAdmin (CreateAppInstanceAdmin) and import again."
    )


def left_lines(channels: ChannelImport) -> list[str]:
    """The channels left as they are, declared already (as import says of rooms), and
    those left out: elastic, or deleted while import read them."""
    lines = []
    if channels.left:
        named = [(t.key.name, t.location) for t in channels.left]
        lines.append(left_as_they_are("channel", named))
    lines.extend(u.line for u in channels.unclear)
    lines.extend(channels.kept)
    # named though no file says so: an app instance with no other channel gets no file
    # (QA-FY Q-FY-8)
    for name, arn in channels.elastic:
        lines.append(
            f"Note: channel {shown(name)} ({shown(arn)}) is an elastic channel (not managed): "
            "left out."
        )
    for name, arn in channels.gone:
        lines.append(
            f"Note: channel {shown(name)} ({shown(arn)}) was deleted while importing: left out."
        )
    return lines


def error_lines(channels: ChannelImport) -> list[str]:
    """The channels the bearer may not read, as the plan says them, at the bearer's
    settings.yaml line: left out, the rest imported, and import exits 1 (QA-FS Q-FS-4)."""
    return [f"Error: {shown(why)}; not imported." for why in channels.unread]


class ChannelsImport:
    """Channels: when the settings.yaml that governs the files names ``app_instances``,
    and no ``--room`` asks for rooms only."""

    def __init__(self, app: AppContext, request: ImportRequest) -> None:
        self.app = app
        self.request = request
        self.desired: DesiredState | None = None
        self.found: dict[AppInstanceSetting, ChannelsRead] = {}

    def wanted(self) -> Wanted:
        if self.request.names:
            return Wanted.NO
        self.desired = governing(self.app, self.request)
        return Wanted.YES if self.desired is not None and self.desired.app_instances else Wanted.NO

    def read(self) -> None:
        assert self.desired is not None  # wanted
        self.found = read(self.app, self.desired)

    def to_stdout(self) -> Imported:
        assert self.desired is not None  # wanted
        channels = documents(self.desired, self.found, self.request.prune)
        return Imported(
            document=channels.document,
            warnings=channels.unlisted,
            # none imported: said of no kind, not `0 channels` (QA-FY Q-FY-8)
            summary=channels.summary(len(self.desired.app_instances))
            if channels.counts.channels
            else "",
            report=left_lines(channels),
            failed=bool(channels.unread),
            errors=error_lines(channels),
        )

    def to_directory(self, out: Path, declared: Sequence[DesiredTarget]) -> Imported:
        """``declared``: unused (the governing desired state is ``out``'s)."""
        assert self.desired is not None  # wanted
        r = self.request
        channels = documents(self.desired, self.found, r.prune, out, r.force)
        n = len(channels.files)
        left = channels.left_out
        return Imported(
            files=channels.files,
            warnings=channels.unlisted,
            # none written: said of no kind (QA-FX Q-FX-4)
            summary=channels.summary(len(self.desired.app_instances)) if n else "",
            written=written_files(out, channels.files, "channel file"),
            report=left_lines(channels),
            wrote_targets=bool(n),
            left_out=left,
            left_out_words=channels.left_out_words,
            unplannable=bool(channels.unclear),
            failed=bool(channels.unread),
            errors=error_lines(channels),
        )
