"""Experiment: how much of a plan's wall time is botocore parsing timestamps.

Every ListUsers user (``RegisteredOn``, ``InvitedOn``, ...) and every room membership
(``UpdatedTimestamp``) carries timestamps, which botocore parses with dateutil by
default; the tool never reads them. This runs the same ``plan`` twice against the same
emulator state: as the tool is, then with botocore's default timestamp parser replaced by
the identity (``botocore.parsers.DEFAULT_TIMESTAMP_PARSER``, read when a client is made),
which is what ``set_parser_defaults(timestamp_parser=...)`` on the session's
``response_parser_factory`` component would do. The patch is undone afterwards; it is an
experiment, not what the tool does.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import botocore.parsers
from click.testing import CliRunner

from bench.measure import ENV
from bench.world import World
from reconciler.cli.main import cli
from reconciler.emulator import EmulatorServer


@dataclass(frozen=True)
class Split:
    name: str
    calls: int
    parsed_s: float  # as the tool is
    unparsed_s: float  # timestamps left as strings


@contextmanager
def timestamps_unparsed() -> Iterator[None]:
    saved = botocore.parsers.DEFAULT_TIMESTAMP_PARSER
    botocore.parsers.DEFAULT_TIMESTAMP_PARSER = lambda value: value
    try:
        yield
    finally:
        botocore.parsers.DEFAULT_TIMESTAMP_PARSER = saved


def measure(name: str, world: World, desired: Path, emulator: EmulatorServer) -> Split:
    """``plan`` of ``world`` with and without timestamp parsing (one run each)."""
    emulator.reset(world.seed())
    args = ["--desired", str(desired), "--endpoint-url", emulator.url, "plan"]
    runner = CliRunner()

    def timed() -> float:
        start = time.perf_counter()
        result = runner.invoke(cli, args, env=ENV)
        seconds = time.perf_counter() - start
        if result.exit_code != 0:
            raise RuntimeError(f"plan failed: {result.stderr or result.stdout}")
        return seconds

    parsed = timed()
    with timestamps_unparsed():
        unparsed = timed()
    calls = sum(v for k, v in emulator.calls().items() if k != "Throttled") // 2
    return Split(name, calls, parsed, unparsed)
