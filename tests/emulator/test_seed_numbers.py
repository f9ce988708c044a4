"""An emulator seed's numbers are read and quoted as the desired state's are (QA-GV
Q-GV-11): ``max_count: 1e400`` was ``got inf``, ``1e-400`` ``got 0.0``, ``1e2`` (a whole
number, README: "``1e3`` and ``1.0e3`` are 1000 … the same holds in an emulator seed")
was refused as ``got 100.0``, 500 digits were quoted whole and 5,000 were an internal
error."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.emulator import SeedError, load_seed
from reconciler.emulator.seed import read_seed

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
AT = "meetings[0].features.attendee.max_count"


def write(tmp_path: Path, max_count: str) -> Path:
    path = tmp_path / "seed.yaml"
    path.write_text(
        f"meetings:\n  - id: {MEETING}\n    external_meeting_id: incident-42\n"
        f"    features: {{attendee: {{max_count: {max_count}}}}}\n"
    )
    return path


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (
            "1e400",
            f"{AT}: expected an integer, got the number 1e400 (too large: YAML reads it as "
            "infinity)",
        ),
        (
            "1e-400",
            f"{AT}: expected an integer, got the number 1e-400 (too small: YAML reads it as 0)",
        ),
        ("100.5", f"{AT}: expected an integer, got the number 100.5"),
        (".nan", f"{AT}: expected an integer, got the number .nan (not finite)"),
        ("0x1000", f"{AT}: must be 1 to 250 (the model), got the number 0x1000"),
        (
            "9" * 500,
            f"{AT}: must be 1 to 250 (the model), got the number {'9' * 80}…(500 characters)",
        ),
        ("9" * 5000, f"invalid YAML: the number {'9' * 80}…(5,000 characters) is too large"),
    ],
)
def test_a_seed_number_is_quoted_as_written(tmp_path: Path, written: str, message: str) -> None:
    path = write(tmp_path, written)
    with pytest.raises(SeedError) as info:
        load_seed(path)
    assert str(info.value) == f"{path}:4: {message}"


@pytest.mark.parametrize("written", ["1e2", "100.0", "1.0e2", "0x64"])
def test_a_whole_number_written_as_a_float_or_in_hex_is_that_number(
    tmp_path: Path, written: str
) -> None:
    seed = read_seed(write(tmp_path, written))
    assert seed.meetings[0].features.max_count == 100
    assert type(seed.meetings[0].features.max_count) is int


ELASTIC = (
    "app_instances:\n"
    "  - id: chat-1\n"
    "    users: [{id: alice}]\n"
    "    channels:\n"
    "      - name: town-hall\n"
    "        elastic: {maximum_sub_channels: SUB, target_memberships_per_sub_channel: 1e2,\n"
    "                  minimum_membership_percentage: 10}\n"
)


def test_an_elastic_channels_numbers_are_read_and_quoted_as_written(tmp_path: Path) -> None:
    path = tmp_path / "seed.yaml"
    path.write_text(ELASTIC.replace("SUB", "1e400"))
    with pytest.raises(SeedError) as info:
        load_seed(path)
    assert str(info.value) == (
        f"{path}:6: app_instances[0].channels[0].elastic.maximum_sub_channels: expected an "
        "integer, got the number 1e400 (too large: YAML reads it as infinity)"
    )
    path.write_text(ELASTIC.replace("SUB", "1e1"))
    elastic = read_seed(path).app_instances[0].channels[0].elastic
    assert elastic is not None
    assert (elastic.maximum_sub_channels, elastic.target_memberships_per_sub_channel) == (10, 100)
