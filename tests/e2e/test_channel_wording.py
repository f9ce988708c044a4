"""The words a plan uses for a channel's moderators name the channel they belong to: a
moderator is removed because prune is on "for this channel", an expired one stays
because "this channel does not prune", and drift is "2 moderators in 2 channels" (not
"this channel moderators", "in 2 channel moderators"). The CLI in process, the real
boto3 client, the emulator over HTTP."""

from __future__ import annotations

from conftest import UNPACED, Cli, Run, WriteDesired
from test_apply_verify_scope import INSTANCE, SETTINGS

from reconciler.emulator import EmulatorServer


def plan(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli, chat: str, *args: str
) -> Run:
    """``plan ARGS`` of ``chat`` (chat.yaml) against channel ops (u1 and u2 members, u1
    its moderator) and channel dev (u2, its moderator)."""
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": INSTANCE,
                    "name": "chat",
                    "admins": ["reconciler"],
                    "users": [{"id": "reconciler"}, {"id": "u1"}, {"id": "u2"}],
                    "channels": [
                        {"name": "ops", "id": "ops", "members": ["u1", "u2"], "moderators": ["u1"]},
                        {"name": "dev", "id": "dev", "members": ["u2"], "moderators": ["u2"]},
                    ],
                }
            ]
        }
    )
    write_desired({"settings.yaml": SETTINGS, "chat.yaml": chat})
    run = cli(*UNPACED, *args, "plan")
    assert run.exit_code == 0, run.stdout + run.stderr
    return run


def test_a_moderator_removed_by_prune_is_explained_with_the_channel(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    chat = """
        channels:
          ops:
            prune: true
            members: [user:u1, user:u2]
            moderators: [user:u2]
        """
    run = plan(emulator, write_desired, cli, chat, "-v")
    removed = run.lines.index("  - user:u1 (Moderator)")
    assert run.lines[removed + 1] == "      not declared, and prune is on for this channel"


def test_an_expired_moderator_kept_says_the_channel_does_not_prune(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    chat = """
        channels:
          ops:
            members: [user:u1, user:u2]
            moderators:
              - {member: "user:u1", until: 2027-03-31}
          dev:
            members: [user:u2]
        """
    run = plan(emulator, write_desired, cli, chat, "--now", "2027-04-02")
    kept = [line for line in run.lines if "does not prune" in line]
    assert kept == [
        "  user:u1 in channel moderators ops: Moderator expired 2027-03-31, declared at "
        "desired-state/chat.yaml:5; still a moderator: this channel does not prune"
    ], run.stdout
    assert "Not in the desired state: 2 moderators in 2 channels." in run.lines
