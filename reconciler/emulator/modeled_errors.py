"""The errors an operation's botocore model says it can return (``ConflictException``,
...), read from the models that come with botocore: injected faults that AWS could not
answer stay out of the operations that cannot return them."""

from __future__ import annotations

import os
import threading
from functools import cache

from botocore.loaders import Loader, create_loader
from botocore.model import ServiceModel

# the botocore models behind each emulated service (``Route.service``)
MODELS: dict[str, tuple[str, ...]] = {
    "chime": ("chime",),
    "meetings": ("chime-sdk-meetings",),
    "messaging": ("chime-sdk-messaging", "chime-sdk-identity"),
}
CONFLICT = "ConflictException"
_lock = threading.Lock()


@cache
def _loader() -> Loader:
    """botocore's model files, read as a session reads them, without a session: a
    session reads the AWS profile too, and an ``AWS_PROFILE`` this machine does not have
    (or set empty) made every call the emulator answered fail."""
    return create_loader(os.environ.get("AWS_DATA_PATH"))


@cache
def _model(name: str) -> ServiceModel:
    return ServiceModel(_loader().load_service_model(name, "service-2"), service_name=name)


@cache
def modeled_errors(service: str, operation: str) -> frozenset[str]:
    """The error shapes' names of ``operation`` in the model of ``service`` that has it
    (none when no model has it)."""
    with _lock:  # botocore's loader caches are not made for threads
        for name in MODELS.get(service, ()):
            model = _model(name)
            if operation in model.operation_names:
                return frozenset(s.name for s in model.operation_model(operation).error_shapes)
    return frozenset()


def may_conflict(service: str, operation: str) -> bool:
    """Whether the model lets ``operation`` answer 409 ConflictException."""
    return CONFLICT in modeled_errors(service, operation)
