"""The README's `explain` examples run, as written, with the repository's desired-state/
against the demo's seed (QA-FK Q-FK-6: `--target ops` named a target the repository does
not declare, exit 1). The real CLI, boto3 and the emulator."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest

from reconciler.emulator import EmulatorServer, load_seed

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).parents[2]


def _examples() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("### explain — why is someone here?", 1)[1].split("```sh\n", 1)[1]
    lines = block.split("```", 1)[0].splitlines()
    return [re.sub(r"\s+#.*$", "", ln) for ln in lines if ln.startswith("chime-reconciler ")]


def test_the_block_has_the_examples() -> None:
    assert len(_examples()) == 3


@pytest.mark.parametrize("example", _examples())
def test_each_explain_example_runs(
    example: str, emulator: EmulatorServer, workdir: Path, cli: Any
) -> None:
    emulator.reset(load_seed(ROOT / "reconciler" / "demo" / "seed.yaml"))
    shutil.copytree(ROOT / "desired-state", workdir / "desired-state")
    run = cli.raw("--endpoint-url", cli.endpoint_url, *shlex.split(example)[1:])
    assert run.exit_code == 0, run.stderr
    if "--format json" in example:
        assert json.loads(run.stdout)["targets"]
