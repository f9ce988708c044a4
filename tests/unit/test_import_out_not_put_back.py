"""import --out --force failing part way when a file cannot be put back (Q-DZ-8): the
failure that started it is still said, and the file left as written is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.cli import directory
from reconciler.errors import UsageError
from reconciler.put_back import NotPutBack


def refuse_to_put_back(old: Path) -> object:
    def put_back(files: object, folders: object = (), within: object = None) -> None:
        raise NotPutBack([(old, "File too large")])

    return put_back


def test_a_file_not_put_back_is_named_with_the_failure_that_started_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = tmp_path / "rooms" / "a.yaml"
    old.parent.mkdir()
    old.write_text("old\n")
    (tmp_path / "rooms" / "b.yaml").mkdir()  # its write fails: Is a directory
    monkeypatch.setattr(directory, "put_back", refuse_to_put_back(old))

    with pytest.raises(UsageError) as raised:
        directory.write_files(tmp_path, {"rooms/a.yaml": "new\n", "rooms/b.yaml": "b\n"}, True)

    assert str(raised.value) == (
        f"cannot write {tmp_path}/rooms/b.yaml: Is a directory; {old} could not be put back "
        "(File too large), left as written; the others are back as they were"
    )


def test_ctrl_c_stays_an_interrupt_when_a_file_is_not_put_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "a.yaml"
    old.write_text("old\n")
    monkeypatch.setattr(directory, "put_back", refuse_to_put_back(old))
    writes = []

    def write_atomically(path: Path, text: str, within: object) -> None:
        writes.append(path)
        if len(writes) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(directory.atomic_file, "write_atomically", write_atomically)

    with pytest.raises(KeyboardInterrupt):
        directory.write_files(tmp_path, {"a.yaml": "new\n", "b.yaml": "b\n"}, True)

    assert capsys.readouterr().err == (
        f"Error: {old} could not be put back (File too large), left as written; "
        "the others are back as they were.\n"
    )
