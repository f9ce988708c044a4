"""The planner is a pure function: the same desired and live state give the same plan,
whatever the process environment holds. A meeting's ``${VARIABLE}`` id is read where the
desired state is loaded (``DesiredTarget.aliases``), not while planning (QA-AM Q-AM-5)."""

from __future__ import annotations

import pytest

from reconciler.desired.loader import with_aliases
from reconciler.desired.model import DesiredState, DesiredTarget
from reconciler.live import LiveState, LiveTarget
from reconciler.planner import plan
from reconciler.refs import Location, TargetKey

ID = "6f1c2a9e-0000-4000-8000-000000000001"
KEY = TargetKey("meeting", "${M}", "bridge")
LIVE = LiveState(targets={KEY: LiveTarget(KEY, ID, ())})


def _desired(aliases: tuple[str, ...] = ()) -> DesiredState:
    target = DesiredTarget(KEY, "${M}", False, (), Location("m.yaml", 2), aliases=aliases)
    return DesiredState(targets=(target,))


@pytest.mark.parametrize("variable", [None, ID, "6f1c2a9e-0000-4000-8000-00000000000f"])
def test_the_plan_does_not_depend_on_the_environment(
    monkeypatch: pytest.MonkeyPatch, variable: str | None
) -> None:
    if variable is None:
        monkeypatch.delenv("M", raising=False)
    else:
        monkeypatch.setenv("M", variable)
    unresolved = plan(_desired(), LIVE, targets=[ID])
    assert unresolved.targets == ()
    assert unresolved.errors == (f"--target: no target named {ID!r} is declared",)
    resolved = plan(_desired((ID,)), LIVE, targets=[ID])
    assert [t.key for t in resolved.targets] == [KEY]
    assert resolved.errors == ()


def test_the_loader_reads_a_meeting_variable_once_into_aliases() -> None:
    (target,) = _desired().targets
    assert with_aliases((target,), {"M": f" {ID} "})[0].aliases == (ID,)
    assert with_aliases((target,), {"M": "not-a-meeting-id"})[0].aliases == ()
    assert with_aliases((target,), {})[0].aliases == ()
