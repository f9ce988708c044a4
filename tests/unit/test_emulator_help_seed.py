"""``emulator --help``'s examples can be pasted from the repository root: each seed file
they name exists there (Q-CK-5; it named ``seed.yaml``, which is nowhere, so the first
example failed with "seed.yaml: cannot read seed file")."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from reconciler.cli.main import cli
from reconciler.emulator.seed import load_seed

ROOT = Path(__file__).resolve().parents[2]


def test_every_seed_the_emulator_help_names_can_be_loaded() -> None:
    done = CliRunner().invoke(cli, ["emulator", "--help"], prog_name="chime-reconciler")

    seeds = re.findall(r"--seed (\S+\.yaml)", done.output)
    assert done.exit_code == 0
    assert seeds
    for seed in seeds:
        assert load_seed(ROOT / seed)["accounts"], seed
