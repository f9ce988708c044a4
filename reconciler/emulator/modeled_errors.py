"""The errors an operation's botocore model says it can return (``ConflictException``,
...), read from the models that come with botocore: injected faults that AWS could not
answer stay out of the operations that cannot return them."""

from __future__ import annotations

import threading
from functools import cache

import botocore.session

# the botocore models behind each emulated service (``Route.service``)
MODELS: dict[str, tuple[str, ...]] = {
    "chime": ("chime",),
    "meetings": ("chime-sdk-meetings",),
    "messaging": ("chime-sdk-messaging", "chime-sdk-identity"),
}
CONFLICT = "ConflictException"
_lock = threading.Lock()


@cache
def _session() -> botocore.session.Session:
    return botocore.session.Session()


@cache
def modeled_errors(service: str, operation: str) -> frozenset[str]:
    """The error shapes' names of ``operation`` in the model of ``service`` that has it
    (none when no model has it)."""
    with _lock:  # botocore's loader caches are not made for threads
        for name in MODELS.get(service, ()):
            model = _session().get_service_model(name)
            if operation in model.operation_names:
                return frozenset(s.name for s in model.operation_model(operation).error_shapes)
    return frozenset()


def may_conflict(service: str, operation: str) -> bool:
    """Whether the model lets ``operation`` answer 409 ConflictException."""
    return CONFLICT in modeled_errors(service, operation)
