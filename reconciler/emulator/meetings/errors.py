"""Errors only ``chime-sdk-meetings`` answers with (names and HTTP statuses from its botocore
model). The others (BadRequest, NotFound, Conflict, Forbidden, ServiceFailure,
ServiceUnavailable) share their names with the ``chime`` API's and are reused from
``reconciler.emulator.errors``."""

from __future__ import annotations

from reconciler.emulator.errors import ChimeError


class ThrottlingError(ChimeError):
    """The meetings service's 429 (the ``chime`` API's is ThrottledClientException)."""

    name, code, status = "ThrottlingException", "Throttling", 429


class LimitExceededError(ChimeError):
    name, code, status = "LimitExceededException", "LimitExceeded", 400


class UnprocessableEntityError(ChimeError):
    name, code, status = "UnprocessableEntityException", "UnprocessableEntity", 422


class UnauthorizedError(ChimeError):
    name, code, status = "UnauthorizedException", "Unauthorized", 401
