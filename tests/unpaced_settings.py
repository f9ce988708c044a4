"""A copied desired state whose steps call the emulator unpaced.

The emulator enforces no rate in the workflow tests (AWS's quotas are other tests'
subject): the copied settings.yaml says the messaging and meetings quotas are unknown
(null, as `--rate QUOTA=off`), so the workflow's steps, run as the workflow runs them, call
unpaced instead of at AWS's 10 calls a second (~1.5 s a plan of the demo's channel).
"""

from __future__ import annotations

from pathlib import Path

UNPACED_RATES = (
    "rates: {messaging.bearer: null, messaging.channel-list: null, "
    "messaging.list-channels: null, meetings: null}\n"
)


def unpaced(desired: Path) -> None:
    """Appends ``UNPACED_RATES`` to ``desired``'s settings.yaml."""
    settings = desired / "settings.yaml"
    settings.write_text(settings.read_text() + UNPACED_RATES)
