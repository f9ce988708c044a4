"""`chime-reconciler import`: write the live rooms and memberships as desired-state YAML.

Wiring only, and naming no kind: the kinds that can be imported (``reconciler.importers``)
choose whether this run imports them, read their targets, and give the text; this module
prints it, or writes it under --out in one write, and says what they say.
"""

from __future__ import annotations

import datetime as dt
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

import click

import reconciler.kinds as kinds
from reconciler import importers, os_text, path_checks
from reconciler.cli import import_governance
from reconciler.cli.adopt import adopt
from reconciler.cli.context import AppContext, pass_app
from reconciler.cli.directory import write_files
from reconciler.cli.options import accounts_given
from reconciler.cli.system_path import SystemPath
from reconciler.closed_output import Shown
from reconciler.closed_output import written as written_out
from reconciler.desired.loader import load_desired
from reconciler.desired.model import DesiredState, DesiredTarget
from reconciler.errors import DesiredStateError, ReconcilerError, UsageError
from reconciler.import_paths import HAND_EDITS
from reconciler.importers import Imported, ImportRequest, KindImport, Wanted
from reconciler.kinds import Kind
from reconciler.os_text import path_text
from reconciler.prose import counted, listed
from reconciler.render.safe import shown
from reconciler.runner import on_interrupt

# -- import --------------------------------------------------------------------------------


def _out_dir(ctx: click.Context, param: click.Parameter, value: str | None) -> Path | None:
    """``--out DIR`` as a Path; ``--out ""`` (a script's unset variable) is refused: as a
    Path it is ``.``, the current directory, written into and then read as a desired
    state (QA4 R13). One that is there and no directory is refused as click refuses a
    file: click lets a device through (``/dev/null``, or a link to it), whose folders were
    then "File exists" (Q-DM-7)."""
    if value is None:
        return None
    if value == "":
        raise UsageError("--out: an empty value names no directory; give the folder to write into")
    if path_checks.exists(value) and not path_checks.is_dir(value):
        named = click.format_filename(value)
        raise click.BadParameter(f"Directory {named!r} is not a directory.", ctx, param)
    return Path(value)


@click.command("import")
@click.option(
    "--account",
    "accounts",
    multiple=True,
    metavar="ID",
    callback=accounts_given(
        "the settings.yaml account of --out DIR, else of the --desired directory, else every "
        "account"
    ),
    help="Chime account to import (repeatable). Default: `account` in the settings.yaml "
    "of --out DIR (where it has one), else of the --desired directory, else every account "
    "ListAccounts shows.",
)
@click.option(
    "--room",
    "rooms",
    multiple=True,
    metavar="NAME",
    help="Only this room, by name or id (repeatable; no channels then). Default: every "
    "room, and the channels.",
)
@click.option(
    "--out",
    metavar="DIR",
    type=SystemPath(file_okay=False),
    callback=_out_dir,
    help="Write files into DIR (one per room, and settings.yaml) instead of printing "
    "one YAML document.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Overwrite files in the way, and import again the rooms and channels of the files "
    "it writes (channels/LABEL.yaml too, when every channel it declares is read); never a "
    f"file holding what Chime does not have ({', '.join(HAND_EDITS)}): it is kept, and a "
    "Note names those edits.",
)
@click.option(
    "--prune",
    is_flag=True,
    help="Write `prune: true` in every room and channel it writes (`prune: false` where it "
    "leaves a member out), so that later plans remove undeclared members.",
)
@click.option(
    "--adopt",
    "adopt_drift",
    is_flag=True,
    help="Write the members Chime has that no file declares (drift) into the --desired "
    "directory's files that declare their rooms, for a pull request (--room: only those).",
)
@pass_app
# --out: the files written so far are put back, and the folders made for them removed
@on_interrupt(
    "import", "nothing in Chime was changed (import only reads it), and nothing was written"
)
def import_(
    app: AppContext,
    accounts: tuple[str, ...],
    rooms: tuple[str, ...],
    out: Path | None,
    force: bool,
    prune: bool,
    adopt_drift: bool,
) -> None:
    """Write the live Chime rooms (and channels) and their memberships as desired-state YAML.

    The way to adopt chime-reconciler on rooms that exist: import them, commit the files,
    and from then on change memberships through pull requests. Planning right after an
    import shows `No changes.`

    Users are written by e-mail and bots as `bot:NAME`, administrators first, each list
    sorted. Webhooks are left out with a comment (they are never managed). A user Chime
    lists without an e-mail address is left out with a comment, and that room gets
    `prune: false` so no plan removes the user. Rooms that share a name in an account get
    `id:` and a label as their key.

    Without --out, one YAML document goes to stdout; rooms of the default account (the
    --desired directory's settings.yaml) carry no `account:` line. With --out DIR, each
    room goes to DIR/rooms/NAME.yaml (NAME: the room's name lower-cased, made safe;
    DIR/rooms/ACCOUNT/NAME.yaml for several accounts; NAME-ROOMID.yaml where a file of
    that name declares another room or holds more than rooms), ready to be moved into a
    team's folder, and DIR/settings.yaml names the account unless DIR has a settings.yaml
    already (it is never changed). Rooms that DIR declares already (by name, or by id)
    are left as they are, so importing into a managed directory (or importing again)
    adopts only the rooms it lacks, and hand edits stay; DIR must be valid for that. A
    file that declares anything import does not write into it again, or holds more than
    rooms and channels, is never written over, even with --force: import takes another
    name beside it. Any other file in the way (an empty one too) is not overwritten
    unless --force, which also imports again the rooms and channels of the files it
    writes (a refresh). A refresh never drops a hand edit import cannot read from Chime
    (those --force lists): a file whose rooms or channels hold one is kept as it is (its
    targets left as they are), and a Note names those edits; import --adopt writes
    Chime's new members into it. Comments in a
    file written again are not kept. The directory is validated afterwards, as validate does (an
    error: exit 1), its governance rules for the files written (what DIR's other files
    broke before is said apart).

    \b
    Examples:
      chime-reconciler import --out desired-state          # adopt every room
      chime-reconciler --desired desired-state plan        # No changes.
      chime-reconciler import --room incident-response     # preview one room
      chime-reconciler import --account 1111... --room ops --out DIR --prune
      chime-reconciler import --adopt          # drift into the files, for a PR

    Channels (Chime SDK messaging) are imported too when the settings.yaml that governs
    the files (DIR's, or the --desired directory's for stdout) names `app_instances`: one
    file per app instance, DIR/channels/LABEL.yaml (LABEL: the label lower-cased, made
    safe; LABEL-2.yaml for the channels created since: a file that declares channels is
    never written over; --force writes LABEL.yaml again when it declares only channels
    read now), the channels DIR declares already left as they
    are, as its rooms are (stdout has every channel, as it has every room); with
    no account known, only channels are imported. With --room, only the rooms named
    are imported: no channel is read or written. To stdout, nothing is imported when
    settings.yaml names `app_instances` and the --desired directory is not valid (its
    channels are unknown): its errors are shown, exit 1; --room imports the rooms all
    the same.

    API calls: ListAccounts (pages of 200) only without --account or settings.yaml;
    ListRooms once per account (pages of 99); ListRoomMemberships per room (pages of 99).
    Channels: ListChannels per app instance, then per channel DescribeChannel, two
    ListChannelMemberships scans (DEFAULT, HIDDEN) and ListChannelModerators (pages of
    50); no ListChannelBans (an import declares no one), and none of these with --room.
    """
    if adopt_drift:
        if accounts or out is not None or force or prune:
            raise UsageError(
                "--adopt edits the files of the --desired directory: it does not combine "
                "with --account, --out, --force or --prune"
            )
        adopt(app, rooms)
        return
    # before any call: DIR as it is (loaded once: every kind's importer is given it), and
    # the moment its until: is evaluated at, where it has any (a bad CHIME_RECONCILER_NOW
    # fails no other import: QA-GF Q-GF-3)
    before = import_governance.state_before(app, out) if out is not None else None
    now = import_governance.moment(app, before) if out is not None else None
    chosen = _chosen(app, ImportRequest(accounts, rooms, out, force, prune, before))
    for _, importer in chosen:  # every kind is read before anything is written or said
        importer.read()
    if out is None:
        done = [importer.to_stdout() for _, importer in _in_file_order(chosen)]
        _say("".join(d.document for d in done), nl=False)
        for d in done:
            for line in d.warnings:
                click.echo(line, err=True)
        for line in (*_summary_line(done), *(line for d in done for line in d.report)):
            click.echo(line, err=True)
        _say_errors(done)
    else:
        assert now is not None
        done = _write_directory(app, out, chosen, force, now, before)
    if any(d.failed for d in done):  # some targets unread: each said, the rest imported
        click.get_current_context().exit(1)


Chosen = list[tuple[Kind, KindImport]]

# what the next plan of --out shows where it declares only what import wrote
NO_CHANGES = "No changes."


def _chosen(app: AppContext, request: ImportRequest) -> Chosen:
    """The importer of each kind this run imports, in the kinds' order (``all_kinds``):
    those that want to be, else those that are imported when no other kind is."""
    found = [
        (kind, importers.open_importer(kind.id, app, request))
        for kind in kinds.all_kinds()
        if importers.importable(kind.id)
    ]
    wanted = [(kind, importer, importer.wanted()) for kind, importer in found]
    chosen = [(kind, importer) for kind, importer, w in wanted if w is Wanted.YES]
    return chosen or [(kind, importer) for kind, importer, w in wanted if w is Wanted.FALLBACK]


def _in_file_order(chosen: Chosen) -> Chosen:
    """The kinds in the order of their sections in the desired-state files (rooms, then
    channels): the order of the text and of what is said."""
    sections = list(kinds.sections())
    return sorted(chosen, key=lambda ki: sections.index(ki[0].section))


def _write_directory(
    app: AppContext,
    out: Path,
    chosen: Chosen,
    force: bool,
    now: dt.datetime,
    before: DesiredState | None,
) -> list[Imported]:
    declared = before.targets if before is not None else ()
    made = {kind.id: importer.to_directory(out, declared) for kind, importer in chosen}
    files = {path: text for kind, _ in chosen for path, text in made[kind.id].files.items()}
    # one write: failing or interrupted part way, none of the kinds' files
    if files:
        write_files(out, files, force)
    done = [made[kind.id] for kind, _ in _in_file_order(chosen)]
    for d in done:
        for line in d.warnings:
            click.echo(line, err=True)
    said = _Said()
    for line in _summary_line(done, written=True):
        said.say(line)
    for d in done:
        for line in d.report:
            said.say(line)
    _say_errors(done)
    try:
        written = load_desired(out, now)
    except DesiredStateError:
        if files:  # whichever kind wrote them (QA-GF Q-GF-5: said of the rooms' alone)
            click.echo(
                f"The files are written, but {out} is not a valid desired state now: "
                "fix the problems below, then run plan.",
                err=True,
            )
        said.tell()
        raise
    # validated as validate and every plan validate it: settings.yaml's max_grant_days,
    # require_reason (QA-FY Q-FY-4), for the files written; what the other files broke
    # already is said as DIR's (QA-GF Q-GF-1); CODEOWNERS where import changed owners:
    # (QA-GF Q-GF-7); the import's problems: no `Next:` promise, exit 1
    judged = import_governance.judge(before, written, out, now, {path_text(out / p) for p in files})
    if judged.found:
        click.echo(
            f"{out} broke its governance rules before this import, in files it did not "
            "write (validate and apply refuse it): fix the problems below, then run plan.",
            err=True,
        )
        for problem in judged.found:
            click.echo(str(problem), err=True)
    if judged.made:
        click.echo(
            f"The files are written, but {out} breaks its governance rules now (validate "
            "and apply refuse it): fix the problems below, then run plan.",
            err=True,
        )
        said.tell()
        raise DesiredStateError(judged.made, said=judged.found)
    if judged.foreign:  # a scratch folder: not to be fixed by `codeowners` (QA-GL Q-GL-4)
        click.echo(
            f"Note: {out} declares no owners:, and the repository's CODEOWNERS names those "
            f"of another desired state: a plan of {out} finds it out of date, a governance "
            f"error apply refuses (not this import's; `codeowners` for {out} would empty it).",
            err=True,
        )
    expect = _expectation(out, chosen, made, declared, files)
    if expect is not None and judged.foreign:
        expect += ", and the CODEOWNERS error of the Note above"
    # pasted, one argument (QA-FY Q-FY-13), as typed: text, not the system's form of it
    named = shown(shlex.quote(os_text.text_of(str(out))))  # (QA-HK Q-HK-10)
    if any(d.unplannable for d in done) or judged.found:
        what = "entries" if any(d.unplannable for d in done) else "problems"
        said.say(f"Next: fix the {what} named above, then: chime-reconciler --desired {named} plan")
    elif expect is not None:
        expect = _with_left_out(expect, done)
        said.say(f"Next: chime-reconciler --desired {named} plan   (expect: {expect})")
    said.end()
    return done


def _expectation(
    out: Path,
    chosen: Chosen,
    made: dict[str, Imported],
    declared: Sequence[DesiredTarget],
    files: dict[str, str],
) -> str | None:
    """What the next plan of ``out`` shows, for the ``Next:`` line: None where no kind wrote
    a target; ``No changes.`` where ``out`` declared nothing this import leaves as it is;
    else only the kinds written are promised (``no changes to the rooms and channels
    written``): a target left as it is, of any kind (a channel, a meeting), may have drift
    or changes (QA-FY Q-FY-6)."""
    wrote = [(kind, made[kind.id]) for kind, _ in _in_file_order(chosen)]
    wrote = [(kind, d) for kind, d in wrote if d.wrote_targets]
    if not wrote:
        return None
    rewritten = {path_text(out / path) for path in files}
    kept = any(t.location.file not in rewritten for t in declared)
    if not kept:
        return NO_CHANGES
    return f"no changes to the {listed([kind.words.plural for kind, _ in wrote])} written"


class _Said:
    """What ``import --out`` says on stdout, after its files are written: where stdout does
    not take a line (closed, a full disk), the rest is not tried, and the command ends
    saying on stderr what it wrote, its first line (``Imported ... Wrote ...``), as apply
    says what it applied (exit 1; a closed pipe 141: QA-FY Q-FY-12), after the lost
    lines that ask for a look or an action (``Note: ... Remove that entry before plan.``,
    ``Next: fix ...``: QA-GF Q-GF-8), as apply says its Failed lines."""

    def __init__(self) -> None:
        self.shown = Shown()
        self.first = ""
        self.asking: list[str] = []  # lines lost that ask for a look or an action

    def say(self, line: str) -> None:
        line = os_text.message_text(line)  # DIR named as typed, not in its OS form (QA-HK Q-HK-10)
        self.first = self.first or line
        if self.shown:
            self.shown = written_out(lambda: _say(line))
        if not self.shown and line != self.first and _asks(line):
            self.asking.append(line)

    def lost(self) -> ReconcilerError | None:
        if self.shown:
            return None
        for line in self.asking:
            click.echo(line, err=True)
        self.asking = []
        return self.shown.error(self.first)

    def tell(self) -> None:
        """Before another error ends the command: the lost lines' error, on stderr."""
        if (lost := self.lost()) is not None:
            click.echo(f"Error: {lost}", err=True)

    def end(self) -> None:
        if (lost := self.lost()) is not None:
            raise lost


def _asks(line: str) -> bool:
    """Whether a line of import's report is one to say on stderr when stdout lost it: a
    ``Note:`` (an entry to remove before plan, a file kept, a channel left out) or ``Next:
    fix ...``; not the ``Left ... as they are`` lines, nor a ``Next:`` promise."""
    return line.startswith(("Note: ", "Next: fix "))


def _say_errors(done: Sequence[Imported]) -> None:
    """Every kind's ``Error:`` lines, on stderr as every command says its errors (with
    --out, the report before them is on stdout: QA-LD Q-LD-6)."""
    for d in done:
        for line in d.errors:
            click.echo(line, err=True)


def _summary_line(done: Sequence[Imported], written: bool = False) -> list[str]:
    """The one line that says what every kind imported (``Imported 5 rooms (...) from
    account 1111... and 1 channel (...) from 1 app instance.``) and, ``written``, the files
    each wrote (`` Wrote 5 room files under DIR (kept DIR/settings.yaml) and 1 channel file
    (DIR/channels/chat.yaml).``); none when no kind says (QA-FK Q-FK-4). A kind that
    imported nothing says nothing (no ``0 channels``: QA-FY Q-FY-8), and where none did,
    ``--out``'s line says so: ``Nothing imported.`` (QA-FX Q-FX-4)."""
    summaries = [d.summary for d in done if d.summary]
    files = [d.written for d in done if d.written]
    if not summaries and not (written and done):
        return []
    line = f"Imported {listed(summaries)}." if summaries else "Nothing imported."
    if written and files:
        line += f" Wrote {listed(files)}."
    return [line]


def _with_left_out(expect: str, done: Sequence[Imported]) -> str:
    """What the next plan shows: ``expect``, and the members the files left out with a
    comment, which it shows as drift (exit 2 with --detailed-exitcode: QA-FD Q-FD-3)."""
    words: dict[tuple[str, str], int] = {}
    for d in done:
        for word, n in (d.left_out_words or {("member", "members"): d.left_out}).items():
            if n:
                words[word] = words.get(word, 0) + n
    if not words:
        return expect
    left = listed([counted(n, *word) for word, n in words.items()])
    return (
        f"{expect.rstrip('.')}, but Chime has {left} the desired state does not declare: "
        "those left out"
    )


def _say(text: str, nl: bool = True) -> None:
    """``text`` to stdout as every command writes it: ``sys.stdout`` itself, whose
    encoding refuses a name it cannot hold (``whole_writes``); ``click.echo`` alone
    re-wraps an ASCII stdout as UTF-8 (Q-DM-6)."""
    click.echo(text, nl=nl, file=sys.stdout)


COMMANDS = [import_]
