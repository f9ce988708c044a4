"""The channels part of `chime-reconciler import` (wiring only; the text is made by
``reconciler.channel_import``).

Channels are imported when the settings.yaml that will govern the files names
``app_instances`` (the --out directory's, or the --desired directory's for stdout): one
file per app instance, ``channels/LABEL.yaml`` under --out. Channels the directory declares
already (by name or by arn) are left as they are.
"""

from __future__ import annotations

from pathlib import Path

import click

from reconciler.channel_import import ImportedChannel, channels_document
from reconciler.cli.context import AppContext
from reconciler.cli.directory import open_channels, write_files
from reconciler.desired import files as source_files
from reconciler.desired.loader import load_desired
from reconciler.desired.model import AppInstanceSetting, DesiredState
from reconciler.errors import DesiredStateError
from reconciler.kinds.channels import CHANNEL
from reconciler.providers.channels import read_channels

CHANNELS_DIR = "channels"


def governing(app: AppContext, out: Path | None) -> DesiredState | None:
    """The desired state whose settings govern the imported files (None: none there)."""
    where = out if out is not None and (out / "settings.yaml").exists() else app.desired_dir
    if out is not None and where != out:
        return None  # a new directory: its settings.yaml will name no app instance
    sources, _ = source_files.discover(where) if where.is_dir() else ([], None)
    if not sources:
        return None
    try:
        return load_desired(where)
    except DesiredStateError:
        return None  # the rooms import reports the directory's problems, and stops


def read(app: AppContext, desired: DesiredState) -> dict[AppInstanceSetting, list[ImportedChannel]]:
    found = open_channels(app, desired)
    return {s: read_channels(found, s.arn) for s in desired.app_instances}


def _undeclared(
    desired: DesiredState, instance: str, channels: list[ImportedChannel], rewritten: str | None
) -> list[ImportedChannel]:
    """The channels no file declares, but the one being rewritten (``--force``)."""
    declared = [
        t
        for t in desired.targets
        if t.key.kind == CHANNEL.id and t.key.scope == instance and t.location.file != rewritten
    ]
    names = {t.key.name for t in declared if t.target_id is None}
    arns = {t.target_id for t in declared if t.target_id is not None}
    return [c for c in channels if c.name not in names and c.arn not in arns]


def documents(
    desired: DesiredState,
    read_: dict[AppInstanceSetting, list[ImportedChannel]],
    prune: bool,
    out: Path | None = None,
    force: bool = False,
) -> dict[str, str]:
    """File name (``channels/LABEL.yaml``) -> text, for the channels not declared yet
    (with ``force``, those of the file written are imported again over it)."""
    several = len(desired.app_instances) > 1
    files = {}
    for s, channels in read_.items():
        relative = f"{CHANNELS_DIR}/{s.label}.yaml"
        rewritten = str(out / relative) if out is not None and force else None
        wanted = _undeclared(desired, s.arn, channels, rewritten)
        files[relative] = channels_document(
            wanted, s.arn, s.label if several else None, prune=prune
        )
    return files


def write(out: Path, files: dict[str, str], force: bool) -> None:
    write_files(out, files, force)
    wrote(out, files)


def wrote(out: Path, files: dict[str, str]) -> None:
    """Say that ``files`` were written (by ``write``, or with the rooms' files)."""
    click.echo(f"Wrote {len(files)} channel file{'' if len(files) == 1 else 's'} under {out}.")
