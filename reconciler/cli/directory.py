"""Helpers `audit` and `import` share: the rooms directory (look-ups through the rooms
provider, never its boto3 client) and the default account of a desired-state directory."""

from __future__ import annotations

from pathlib import Path

import yaml

from reconciler.cli.context import AppContext
from reconciler.desired.loader import SETTINGS
from reconciler.errors import UsageError
from reconciler.providers.base import RoomsDirectory
from reconciler.providers.rooms import RoomsProvider


def open_directory(app: AppContext) -> RoomsDirectory:
    """The rooms directory of this run (one boto3 client, paced as plan and apply are)."""
    return RoomsProvider(app.client(), parallelism=app.parallelism, pacer=app.pacer())


def settings_account(directory: Path) -> tuple[Path | None, str | None]:
    """The settings file of a desired-state directory (if any) and its ``account``."""
    for name in SETTINGS:
        path = directory / name
        if not path.is_file():
            continue
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise UsageError(
                f"cannot read the default account from {path}: {reason} "
                "(run `chime-reconciler validate`, or give --account)"
            ) from None
        account = data.get("account") if isinstance(data, dict) else None
        return path, account.strip() if isinstance(account, str) and account.strip() else None
    return None, None
