"""QA-Q Q-Q-1: a meeting created with ``MeetingFeatures`` that cap its attendees below 250
(``Attendee.MaxCount``) or turn video or content off (``MaxResolution: None``). ``plan``
reads them (GetMeeting, once per meeting) and uses them: the meeting's own maximum where
AWS's 250 was used (the over-the-maximum error, a full meeting's swap in one apply, a saved
plan), and a declared attendee asking for a medium the meeting has not is a plan error at
the attendee's line, naming its profile, not a 400 at apply.

The CLI in process, the real boto3 client, the emulator over HTTP (which enforces the
features as AWS documents them)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import Cli, WriteDesired

from reconciler.capabilities import Capabilities
from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

MEETING = "6f1c2a9e-0000-4000-8000-000000000007"
PRESENTER = Capabilities("SendReceive", "SendReceive", "SendReceive")
AUDIO_ONLY = Capabilities("SendReceive", "None", "None")
VOICE = "capability_profiles:\n  voice: {audio: SendReceive, video: None, content: None}\n"


def seed(emulator: EmulatorServer, features: dict[str, Any], attendees: int = 0) -> None:
    """The meeting with ``features`` and ``attendees`` presenters p0, p1, ... (AWS's
    default capabilities where the meeting has every medium, else audio only)."""
    emulator.reset(
        {
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "bridge",
                    "features": features,
                    "attendees": [
                        {"external_user_id": f"p{i}@example.com"} for i in range(attendees)
                    ],
                }
            ]
        }
    )


def declare(write_desired: WriteDesired, attendees: dict[str, str], settings: str = "") -> None:
    lines = "".join(f"      {who}: {profile}\n" for who, profile in attendees.items())
    write_desired(
        {
            "settings.yaml": "safety: {max_removal_fraction: 1}\n" + settings,
            "m.yaml": f"meetings:\n  bridge:\n    meeting_id: {MEETING}\n    prune: true\n"
            f"    attendees:\n{lines}",
        }
    )


def writes(emulator: EmulatorServer) -> list[str]:
    calls = emulator.app.timeline.snapshot()["calls"]
    return [op for op, *_ in calls if not op.startswith(("List", "Get", "Describe"))]


def test_declaring_more_than_the_meetings_own_maximum_is_a_plan_error(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    seed(emulator, {"attendee": {"max_count": 3}}, attendees=2)
    declare(write_desired, {f"p{i}@example.com": "presenter" for i in range(4)})
    emulator.reset_calls()
    run = cli("apply", "--auto-approve")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert (
        "Error: desired-state/m.yaml:2: meeting 'bridge' would have 4 attendees after this "
        "apply, more than the meeting's own maximum of 3: 4 declared; apply would fail for "
        "the 1 over it"
    ) in run.lines
    assert emulator.calls() == {"GetMeeting": 1, "ListAttendees": 1}  # nothing written


@pytest.mark.parametrize(
    "features", [{"video": {"max_resolution": "FHD"}}, {"content": {"max_resolution": "UHD"}}]
)
def test_video_fhd_or_content_uhd_without_max_count_is_a_meeting_of_25(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli, features: dict[str, Any]
) -> None:
    """Q-CH-3: GetMeeting gives no Attendee.MaxCount; AWS documents 25 for such a
    meeting, and the plan refuses the 26th, not apply's LimitExceeded."""
    seed(emulator, features)
    declare(write_desired, {f"p{i}@example.com": "presenter" for i in range(26)})
    emulator.reset_calls()
    run = cli("apply", "--auto-approve")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert (
        "Error: desired-state/m.yaml:2: meeting 'bridge' would have 26 attendees after this "
        "apply, more than the meeting's own maximum of 25: 26 declared; apply would fail for "
        "the 1 over it"
    ) in run.lines
    assert emulator.calls() == {"GetMeeting": 1, "ListAttendees": 1}  # nothing written


def test_the_over_maximum_error_counts_what_the_files_declare_and_what_it_refuses(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    """Q-CH-6: five declared, one refused by the meeting's video-off: "5 declared", not
    the 4 the plan would add."""
    seed(emulator, {"attendee": {"max_count": 3}, "video": {"max_resolution": "None"}})
    attendees = {f"v{i}@example.com": "voice" for i in range(4)}
    declare(write_desired, {"alice@example.com": "participant", **attendees}, VOICE)
    run = cli("plan")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert (
        "Error: desired-state/m.yaml:2: meeting 'bridge' would have 4 attendees after this "
        "apply, more than the meeting's own maximum of 3: 5 declared, 1 of them refused "
        "by this plan (not added); apply would fail for the 1 over it"
    ) in run.lines


def test_a_full_meeting_under_its_own_maximum_swaps_a_presenter_in_one_apply(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli, tmp_path: Path
) -> None:
    """MaxCount 3, full: p0 out, newbie in. With AWS's 250 assumed, newbie was tried first
    (LimitExceeded) and p0 then kept: exit 1 on every run. The saved plan carries the
    maximum, so ``apply FILE`` makes the place first too."""
    seed(emulator, {"attendee": {"max_count": 3}}, attendees=3)
    declare(
        write_desired,
        {
            "p1@example.com": "presenter",
            "p2@example.com": "presenter",
            "newbie@example.com": "presenter",
        },
    )
    out = tmp_path / "plan.json"
    planned = cli("plan", "--out", str(out))
    assert planned.exit_code == 0, planned.stdout + planned.stderr
    assert json.loads(out.read_text())["targets"][0]["max_members"] == 3
    emulator.app.timeline.reset()
    run = cli("apply", str(out), "--auto-approve")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert writes(emulator) == ["DeleteAttendee", "BatchCreateAttendee"]
    assert set(emulator.meetings.attendees_of(MEETING)) == {
        "p1@example.com",
        "p2@example.com",
        "newbie@example.com",
    }
    assert cli("plan", "--detailed-exitcode").exit_code == 0


def test_an_attendee_asking_for_video_in_an_audio_only_meeting_is_a_plan_error(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    features = {"video": {"max_resolution": "None"}, "content": {"max_resolution": "None"}}
    seed(emulator, features)
    declare(
        write_desired,
        {"alice@example.com": "participant", "bob@example.com": "voice"},
        settings=VOICE,
    )
    run = cli("plan")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert (
        "Error: desired-state/m.yaml:6: meeting bridge: alice@example.com: profile "
        "participant (audio SendReceive, video SendReceive, content Receive) asks for "
        "video SendReceive and content Receive, but the meeting was created without video "
        "and content (MeetingFeatures Video and Content MaxResolution None): AWS refuses "
        "any video and content capability but None there; give this attendee a profile "
        "with video None and content None"
    ) in run.lines
    assert "  + bob@example.com (audio SendReceive, video None, content None)" in run.lines
    assert not any("alice" in line and "+" in line for line in run.lines)
    applied = cli("apply", "--auto-approve")
    assert applied.exit_code == 1
    assert emulator.meetings.attendees_of(MEETING) == {}  # nothing applied
    # the profile fixed: applied, and AWS (the emulator) takes it
    declare(
        write_desired,
        {"alice@example.com": "voice", "bob@example.com": "voice"},
        settings=VOICE,
    )
    applied = cli("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert emulator.meetings.attendees_of(MEETING) == {
        "alice@example.com": AUDIO_ONLY,
        "bob@example.com": AUDIO_ONLY,
    }


def test_content_off_alone_refuses_only_content(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    seed(emulator, {"content": {"max_resolution": "None"}})
    watcher = "capability_profiles:\n  watcher: {audio: Receive, video: Receive, content: None}\n"
    declare(write_desired, {"alice@example.com": "viewer", "bob@example.com": "watcher"}, watcher)
    run = cli("plan")
    assert run.exit_code == 1
    assert (
        "Error: desired-state/m.yaml:6: meeting bridge: alice@example.com: profile viewer "
        "(audio Receive, video Receive, content Receive) asks for content Receive, but the "
        "meeting was created without content (MeetingFeatures Content MaxResolution None): "
        "AWS refuses any content capability but None there; give this attendee a profile "
        "with content None"
    ) in run.lines
    assert "  + bob@example.com (audio Receive, video Receive, content None)" in run.lines


def test_an_attendee_a_group_brings_is_reported_at_the_groups_line(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    seed(emulator, {"video": {"max_resolution": "None"}})
    write_desired(
        {
            "settings.yaml": VOICE,
            "groups.yaml": "groups:\n  sre:\n    - carol@example.com\n",
            "m.yaml": f"meetings:\n  bridge:\n    meeting_id: {MEETING}\n"
            '    attendees:\n      "@sre": viewer\n      dan@example.com: voice\n',
        }
    )
    run = cli("plan")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert (
        "Error: desired-state/groups.yaml:3: meeting bridge: carol@example.com (through @sre): "
        "profile viewer (audio Receive, video Receive, content Receive) asks for video "
        "Receive, but the meeting was created without video (MeetingFeatures Video "
        "MaxResolution None): AWS refuses any video capability but None there; give this "
        "attendee a profile with video None and content Send or None (content Receive needs "
        "video SendReceive or Receive)"
    ) in run.lines


def test_an_attendee_two_entries_bring_is_reported_once_at_the_entry_asking_what_it_asks(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    """QA-AC Q-AC-7: dan and carol are reached through @sre (viewer) and by their own
    entries, each asking for video: one error each, at one path, naming its profile. Dan's
    listener asks for video Receive as viewer does: the first of the paths (kept in order
    of their capabilities, then place: viewer's). Carol's participant asks for video
    SendReceive, which she gets: her own entry, not "profile viewer (... video Receive
    ...) asks for video SendReceive" at the group's line."""
    seed(emulator, {"video": {"max_resolution": "None"}})
    listener = "listener: {audio: SendReceive, video: Receive, content: None}"
    write_desired(
        {
            "settings.yaml": f"capability_profiles:\n  {listener}\n",
            "groups.yaml": "groups:\n  sre:\n    - dan@example.com\n    - carol@example.com\n",
            "m.yaml": f"meetings:\n  bridge:\n    meeting_id: {MEETING}\n    attendees:\n"
            '      dan@example.com: listener\n      "@sre": viewer\n'
            "      carol@example.com: participant\n",
        }
    )
    run = cli("plan")
    assert run.exit_code == 1, run.stdout + run.stderr
    refused = (
        "but the meeting was created without video (MeetingFeatures Video MaxResolution "
        "None): AWS refuses any video capability but None there; give this attendee a "
        "profile with video None and content Send or None (content Receive needs video "
        "SendReceive or Receive)"
    )
    assert sorted(line for line in run.lines if line.startswith("Error:")) == [
        "Error: desired-state/groups.yaml:3: meeting bridge: dan@example.com (through @sre): "
        f"profile viewer (audio Receive, video Receive, content Receive) asks for video "
        f"Receive, {refused}",
        "Error: desired-state/m.yaml:7: meeting bridge: carol@example.com: profile "
        "participant (audio SendReceive, video SendReceive, content Receive) asks for video "
        f"SendReceive, {refused}",
    ]


def test_a_refused_attendee_is_neither_planned_nor_explained_as_planned(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    """QA-V Q-V-1: in an audio-only meeting, a live attendee declared with video is not
    listed (nor counted) as a change, as a new one is not added; `explain` gives the
    features' refusal for both, not "Chime has no such member" or "the plan changes it"."""
    features = {"video": {"max_resolution": "None"}, "content": {"max_resolution": "None"}}
    p0 = {"audio": "SendReceive", "video": "None", "content": "None"}
    emulator.reset(
        {
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "bridge",
                    "features": features,
                    "attendees": [{"external_user_id": "p0@example.com", "capabilities": p0}],
                }
            ]
        }
    )
    declare(write_desired, {"p0@example.com": "viewer", "c@example.com": "viewer"})
    why = (
        "profile viewer (audio Receive, video Receive, content Receive) asks for video "
        "Receive and content Receive, but the meeting was created without video and content "
        "(MeetingFeatures Video and Content MaxResolution None): AWS refuses any video and "
        "content capability but None there; give this attendee a profile with video None "
        "and content None"
    )
    run = cli("plan")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert f"Error: desired-state/m.yaml:6: meeting bridge: p0@example.com: {why}" in run.lines
    assert f"Error: desired-state/m.yaml:7: meeting bridge: c@example.com: {why}" in run.lines
    assert not any(line.lstrip().startswith(("~", "+")) for line in run.lines), run.stdout
    assert not any("to change" in line for line in run.lines), run.stdout
    added = cli("explain", "c@example.com")
    assert f"  plan: the plan cannot add it: meeting bridge: c@example.com: {why}" in added.lines
    kept = cli("explain", "p0@example.com", "--format", "json")
    assert kept.exit_code == 0, kept.stdout + kept.stderr
    (target,) = json.loads(kept.stdout)["targets"]
    assert target["plan"] == {
        "outcome": "refused",
        "note": "the plan refuses to change its capabilities audio SendReceive, video None, "
        "content None -> audio Receive, video Receive, content Receive: meeting bridge: "
        f"p0@example.com: {why}",
        "refused_by": [],
        "refused_elsewhere": [],
    }
    assert cli("apply", "--auto-approve").exit_code == 1
    assert emulator.meetings.attendees_of(MEETING) == {"p0@example.com": AUDIO_ONLY}


def test_an_attendee_holding_just_what_is_declared_in_a_video_off_meeting_needs_no_change(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    """QA-FE Q-FE-1: joined without capabilities where video is off and content on, AWS
    gives video Receive, content SendReceive, which no request may name. Declared as it
    is, nothing is sent, so nothing is refused: plan, apply, explain and audit agree it is
    in sync (plan was an error, exit 1, while explain said "in sync"). Declared otherwise,
    the change is still refused."""
    features = {"video": {"max_resolution": "None"}, "content": {"max_resolution": "FHD"}}
    emulator.reset(
        {
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "bridge",
                    "features": features,
                    "attendees": [{"external_user_id": "joiner@example.com"}],
                }
            ]
        }
    )
    joined = "asjoined: {audio: SendReceive, video: Receive, content: SendReceive}"
    profiles = f"capability_profiles:\n  {joined}\n"
    declare(write_desired, {"joiner@example.com": "asjoined"}, profiles)
    run = cli("plan", "--detailed-exitcode")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert not any(line.startswith("Error:") for line in run.lines), run.stdout
    explained = cli("explain", "joiner@example.com")
    assert "  plan: in sync: no change" in explained.lines, explained.stdout
    audited = cli("audit", "joiner@example.com", "--format", "json")
    assert audited.exit_code == 0, audited.stdout + audited.stderr
    assert [r["note"] for r in json.loads(audited.stdout)["meetings"]] == ["declared"]
    emulator.reset_calls()
    applied = cli("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert writes(emulator) == []
    # declared otherwise: a request naming video Receive, which AWS refuses
    other = "other: {audio: Receive, video: Receive, content: SendReceive}"
    declare(write_desired, {"joiner@example.com": "other"}, f"capability_profiles:\n  {other}\n")
    run = cli("plan")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert any(
        line.startswith("Error: desired-state/m.yaml:6: meeting bridge: joiner@example.com:")
        for line in run.lines
    ), run.stdout


def test_the_advice_in_a_video_off_meeting_with_content_is_one_validate_accepts(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    """QA-FE Q-FE-2: "give this attendee a profile with video None" led to content Receive
    without video, which validate refuses (AWS's combination rule): the advice names
    content too; a profile following it validates and plans."""
    seed(emulator, {"video": {"max_resolution": "None"}, "content": {"max_resolution": "FHD"}})
    declare(write_desired, {"ann@example.com": "participant"})
    run = cli("plan")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert (
        "Error: desired-state/m.yaml:6: meeting bridge: ann@example.com: profile participant "
        "(audio SendReceive, video SendReceive, content Receive) asks for video SendReceive, "
        "but the meeting was created without video (MeetingFeatures Video MaxResolution "
        "None): AWS refuses any video capability but None there; give this attendee a "
        "profile with video None and content Send or None (content Receive needs video "
        "SendReceive or Receive)"
    ) in run.lines
    followed = "capability_profiles:\n  novideo: {audio: SendReceive, video: None, content: Send}\n"
    declare(write_desired, {"ann@example.com": "novideo"}, followed)
    assert cli("validate").exit_code == 0
    planned = cli("plan")
    assert planned.exit_code == 0, planned.stdout + planned.stderr
    assert "  + ann@example.com (audio SendReceive, video None, content Send)" in planned.lines


def test_the_refusal_names_the_profile_written_at_the_line(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    """QA-FE Q-FE-4: a custom profile equal to a built-in one was named as the built-in
    ("profile participant"), and any other custom one not at all ("capabilities (...)")."""
    seed(emulator, {"video": {"max_resolution": "None"}, "content": {"max_resolution": "None"}})
    custom = (
        "capability_profiles:\n"
        "  camera: {audio: SendReceive, video: SendReceive, content: Receive}\n"
        "  sharer: {audio: Send, video: None, content: Send}\n"
    )
    declare(write_desired, {"x1@example.com": "camera", "x2@example.com": "sharer"}, custom)
    run = cli("plan")
    assert run.exit_code == 1, run.stdout + run.stderr
    errors = [line.split(" asks for ")[0] for line in run.lines if line.startswith("Error:")]
    assert errors == [
        "Error: desired-state/m.yaml:6: meeting bridge: x1@example.com: profile camera "
        "(audio SendReceive, video SendReceive, content Receive)",
        "Error: desired-state/m.yaml:7: meeting bridge: x2@example.com: profile sharer "
        "(audio Send, video None, content Send)",
    ]
