"""Where protection and `until:` meet, with a fixed clock:

- a protection that comes through a `protected:` group entry with `until:` is warned
  about before it ends (text and JSON `expiring`, where its end removes a member the plan
  keeps), and the removal after it says why (`protection expired D, declared at
  FILE:LINE`; JSON provenance `"protection": true`), read back from a plan file too
  (QA-K Q-K-1);
- protection keeps a member in, not a grant past its end: a protected member's elevated
  role given by an entry with `until:` ends then, like anyone's, and its membership is
  kept: demoted in a room that declares it Member, removed from a channel's moderators
  only (QA-K Q-K-2)."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

from reconciler.desired.loader import load_desired
from reconciler.desired.model import DesiredState
from reconciler.live import LiveMember, LiveState, LiveTarget
from reconciler.plandecode import plan_from_document
from reconciler.plandoc import FORMAT_VERSION, plan_to_data
from reconciler.planner import plan
from reconciler.refs import MemberRef, Role
from reconciler.render.text import render_text

UTC = dt.UTC
ACCOUNT = "acct-1"
INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat-1"


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def load(root: Path, files: dict[str, str]) -> DesiredState:
    for name, text in files.items():
        (root / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return load_desired(root)


def room_live(state: DesiredState, **roles: Role) -> LiveState:
    [ops] = [t for t in state.targets if t.key.kind == "room"]
    members = tuple(
        sorted(
            LiveMember(MemberRef.user(e), f"id-{e}", MemberRef.user(e).kind, role)
            for e, role in ((f"{name}@example.com", r) for name, r in roles.items())
        )
    )
    return LiveState({ops.key: LiveTarget(ops.key, "room-ops", members)})


ONCALL = {
    "settings.yaml": f"""
        account: {ACCOUNT}
        protected: ["@oncall"]
        """,
    "ops.yaml": """
        groups:
          oncall:
            - {member: dave@example.com, until: 2027-03-03, reason: on-call week}
        rooms:
          ops:
            prune: true
            administrators: [alice@example.com]
        """,
}


def test_a_protection_that_ends_is_warned_about_then_named_as_the_removals_reason(
    tmp_path: Path,
) -> None:
    state = load(tmp_path, ONCALL)
    live = room_live(state, alice=Role.ADMINISTRATOR, dave=Role.ADMINISTRATOR)
    where = f"{tmp_path}/ops.yaml:3"

    last_day = plan(state, live, now=at("2027-03-03T12:00:00"))
    assert last_day.changes == ()
    text = render_text(last_day)
    assert "    protected: dave@example.com (Administrator), left unchanged" in text
    assert (
        "Warning: 1 membership ends within 14 days:\n"
        f"  dave@example.com in room ops: protected until 2027-03-03 (ends today), "
        f"declared at {where}\n"
    ) in text
    [item] = plan_to_data(last_day)["expiring"]
    assert (item["member"], item["role"], item["until"], item["protection"]) == (
        "dave@example.com",
        "Administrator",
        "2027-03-03",
        True,
    )

    after = plan(state, live, now=at("2027-03-04T00:00:00"))
    assert [(c.action.value, str(c.member)) for c in after.changes] == [
        ("delete", "dave@example.com")
    ]
    line = (
        f"  - dave@example.com (Administrator): protection expired 2027-03-03, declared at {where}"
    )
    assert line in render_text(after).splitlines()
    document = plan_to_data(after)
    [why] = document["targets"][0]["changes"][0]["provenance"]
    assert (why["expired"], why["protection"], why["until"]) == (True, True, "2027-03-03")
    # a plan file read back (show, apply FILE) says the same
    again = plan_from_document(json.loads(json.dumps(document)), FORMAT_VERSION)
    assert line in render_text(again).splitlines()
