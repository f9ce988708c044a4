"""Measurement behind a design choice: botocore's timestamp parsing.

Every ListUsers user (``RegisteredOn``, ``InvitedOn``, ...) and every room membership
(``UpdatedTimestamp``) carries timestamps, which botocore parses with dateutil by
default; the tool never reads them, so its client leaves them as text
(``reconciler.awsclient.aws._botocore_session``). This runs the same ``plan`` against the
same emulator state as the tool is, and with botocore's default parsing restored (a
plain botocore session), best of two runs each after a warm-up.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import botocore.session
from click.testing import CliRunner

from bench.measure import ENV
from bench.world import World
from reconciler.awsclient import aws
from reconciler.cli.main import cli
from reconciler.emulator import EmulatorServer


@dataclass(frozen=True)
class Split:
    name: str
    calls: int
    parsed_s: float  # botocore's default: timestamps parsed into datetimes
    unparsed_s: float  # as the tool is: timestamps left as text


@contextmanager
def timestamps_parsed() -> Iterator[None]:
    """Give the tool a plain botocore session (default timestamp parsing) for a while."""
    saved = aws._botocore_session
    aws._botocore_session = botocore.session.get_session
    try:
        yield
    finally:
        aws._botocore_session = saved


def measure(name: str, world: World, desired: Path, emulator: EmulatorServer) -> Split:
    """``plan`` of ``world`` as the tool is and with timestamp parsing (best of two)."""
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

    timed()  # warm-up: imports, service model, connections
    unparsed = min(timed(), timed())
    with timestamps_parsed():
        parsed = min(timed(), timed())
    calls = sum(v for k, v in emulator.calls().items() if k != "Throttled") // 5
    return Split(name, calls, parsed, unparsed)
