"""Q-AM-2: `import` imports every kind with a registered importer, naming none: a toy kind
registered with one is imported by the real command, its text printed and its files
written under --out (with the Next line it expects), through the generic emitter."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from toy_kind import READ, TOY, WRITE

from reconciler import importers, kinds
from reconciler.cli.main import cli
from reconciler.desired.model import DesiredTarget
from reconciler.importers import Imported, ImportRequest, Wanted
from reconciler.refs import MemberRef
from reconciler.target_yaml import Listed, TargetText, target_lines


class ToyImport:
    """One live toy, kite in space sky, with a reader and a writer."""

    def __init__(self, app: Any, request: ImportRequest) -> None:
        self.read_ = False

    def wanted(self) -> Wanted:
        return Wanted.YES

    def read(self) -> None:
        self.read_ = True

    def text(self) -> str:
        assert self.read_, "read before its text is asked for"
        listed = [
            Listed(TOY.id, WRITE, MemberRef.parse("dan@example.com")),
            Listed(TOY.id, READ, MemberRef.parse("cid@example.com")),
        ]
        target = TargetText("kite", "kite", "t-1", with_id=False, listed=listed, scope="sky")
        return "\n".join(["toys:", *target_lines(TOY.section, target)]) + "\n"

    def to_stdout(self) -> Imported:
        return Imported(document=self.text(), report=["Imported 1 toy."])

    def to_directory(self, out: Path, declared: Sequence[DesiredTarget]) -> Imported:
        return Imported(
            files={"settings.yaml": "account: acc-1\n", "toys/kite.yaml": self.text()},
            summary="1 toy",  # the one line every kind's counts share (QA-FK Q-FK-4)
            written="1 toy file",
            wrote_targets=True,
        )


@pytest.fixture(autouse=True)
def toy_importable() -> Iterator[None]:
    with kinds.registered(TOY):
        importers.register(TOY.id, f"{__name__}:ToyImport")
        try:
            yield
        finally:
            importers.unregister(TOY.id)


KITE = """\
toys:
  kite:
    space: sky
    readers:
      - cid@example.com
    writers:
      - dan@example.com
"""


def test_import_prints_a_registered_kind(tmp_path: Path) -> None:
    """No account is known and no settings name app instances: only the toy is imported
    (rooms would be, of every account, were nothing else)."""
    run = CliRunner().invoke(cli, ["--desired", str(tmp_path / "none"), "import"])
    assert (run.exit_code, run.stdout, run.stderr) == (0, KITE, "Imported 1 toy.\n")


def test_import_writes_a_registered_kind_under_out(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = CliRunner().invoke(
        cli, ["--desired", str(tmp_path / "none"), "import", "--out", str(out)]
    )
    assert (run.exit_code, run.stderr) == (0, ""), run.output
    assert (out / "toys" / "kite.yaml").read_text() == KITE
    assert run.stdout.splitlines() == [
        "Imported 1 toy. Wrote 1 toy file.",
        f"Next: chime-reconciler --desired {out} plan   (expect: No changes.)",
    ]
