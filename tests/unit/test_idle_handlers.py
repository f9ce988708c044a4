"""``drop_idle_handlers``: botocore handlers that can do nothing for a service's model are
not run for its calls; a model with the trait keeps them."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Any

import botocore.handlers

from reconciler.awsclient.aws import IDLE_FOUND, IDLE_HANDLERS, _traits, make_client


def _handlers(client: Any, event: str) -> list[Any]:
    return list(client.meta.events._emitter._handlers.prefix_search(event))


def test_a_chime_client_runs_none_of_the_idle_handlers_its_model_gives_nothing_to_do() -> None:
    client = make_client("chime", endpoint_url="http://127.0.0.1:9")
    build = _handlers(client, "before-parameter-build.chime.ListRoomMemberships")
    call = _handlers(client, "before-call.chime.ListRoomMemberships")
    assert botocore.handlers._handle_request_validation_mode_member not in build
    assert botocore.handlers.inject_api_version_header_if_needed not in call
    # chime has idempotency tokens (CreateMeeting's ClientRequestToken): kept
    assert botocore.handlers.generate_idempotent_uuid in build


def test_traits_anywhere_in_a_model_keep_their_handlers() -> None:
    wanted = {trait for _, _, trait in IDLE_HANDLERS}
    model = {
        "operations": {"A": {"endpointoperation": True}, "B": {}},
        "shapes": {
            "S": {"type": "structure", "members": {"T": {"shape": "X", "idempotencyToken": True}}},
            "L": {"type": "list", "member": {"shape": "X", "httpChecksum": {}}},
        },
    }
    assert _traits(model, wanted) == wanted
    assert _traits({"operations": {"A": {}}, "shapes": {"X": {"type": "string"}}}, wanted) == set()


def test_another_service_keeps_a_handler_a_chime_client_dropped() -> None:
    first = make_client("chime", endpoint_url="http://127.0.0.1:9")
    assert botocore.handlers.inject_api_version_header_if_needed not in _handlers(
        first, "before-call.chime.ListRooms"
    )
    dynamodb = make_client("dynamodb", endpoint_url="http://127.0.0.1:9")  # has the trait
    assert botocore.handlers.inject_api_version_header_if_needed in _handlers(
        dynamodb, "before-call.dynamodb.DescribeEndpoints"
    )


def test_every_idle_handler_is_botocores() -> None:
    """On the botocore installed, every handler named is found (none silently kept)."""
    assert [(event, handler.__name__, trait) for event, handler, trait in IDLE_FOUND] == list(
        IDLE_HANDLERS
    )
    assert all(getattr(botocore.handlers, h.__name__) is h for _, h, _ in IDLE_FOUND)


def test_a_botocore_without_a_handler_named_still_makes_clients() -> None:
    """A botocore that renamed or removed one (some are private) runs its handlers as
    they are; the others are still dropped, and commands still run."""
    code = textwrap.dedent(
        """
        import botocore.handlers
        del botocore.handlers._handle_request_validation_mode_member
        from reconciler.awsclient.aws import make_client
        client = make_client("chime", endpoint_url="http://127.0.0.1:9")
        call = client.meta.events._emitter._handlers.prefix_search("before-call.chime.ListRooms")
        print(botocore.handlers.inject_api_version_header_if_needed in list(call))
        import runpy, sys
        sys.argv = ["chime-reconciler", "--version"]
        runpy.run_module("reconciler", run_name="__main__")
        """
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.stderr == ""
    assert run.stdout.splitlines()[0] == "False"
    assert run.stdout.splitlines()[1].startswith("chime-reconciler, version ")
