"""Errors of the emulator.

``ChimeError`` and its subclasses are what the Chime API answers: each carries the
exception name botocore maps to a client exception class, the ``ErrorCode`` enum value of
the error body, and the HTTP status of the botocore model's error shape. They know nothing
of HTTP beyond those numbers; the server turns them into responses.

``SeedError`` and ``FaultConfigError`` are the user's mistakes in a seed file or a fault
setting (``ReconcilerError`` subclasses, so the CLI prints them without a traceback).
"""

from __future__ import annotations

from reconciler.errors import ReconcilerError


class ChimeError(Exception):
    """An error answer of the Chime API: ``name`` (x-amzn-ErrorType), ``code``, ``status``."""

    name = "ServiceFailureException"
    code = "ServiceFailure"
    status = 500

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        return f"{self.name}: {self.message}"


class BadRequestError(ChimeError):
    name, code, status = "BadRequestException", "BadRequest", 400


class RequestTooLargeError(ChimeError):
    """A body over the emulator's limit (``server.MAX_BODY``): 413, as API Gateway answers
    a payload over its limit, in the error shape of a BadRequestException."""

    name, code, status = "BadRequestException", "BadRequest", 413


class UnauthorizedClientError(ChimeError):
    name, code, status = "UnauthorizedClientException", "Unauthorized", 401


class ForbiddenError(ChimeError):
    name, code, status = "ForbiddenException", "Forbidden", 403


class NotFoundError(ChimeError):
    name, code, status = "NotFoundException", "NotFound", 404


class ConflictError(ChimeError):
    name, code, status = "ConflictException", "Conflict", 409


class ResourceLimitExceededError(ChimeError):
    name, code, status = "ResourceLimitExceededException", "ResourceLimitExceeded", 400


class ThrottledClientError(ChimeError):
    name, code, status = "ThrottledClientException", "Throttled", 429


class ServiceFailureError(ChimeError):
    name, code, status = "ServiceFailureException", "ServiceFailure", 500


class ServiceUnavailableError(ChimeError):
    name, code, status = "ServiceUnavailableException", "ServiceUnavailable", 503


class UnknownOperationError(ChimeError):
    """No operation is served at this method and path (what AWS answers for a bad route)."""

    name, code, status = "UnknownOperationException", "NotFound", 404


class SeedError(ReconcilerError):
    """A seed document is invalid. Names the file (or source) and where in it."""

    def __init__(self, source: str, message: str, where: str = "", line: int | None = None):
        self.source = source
        self.message = message
        self.where = where
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        place = f"{self.source}:{self.line}" if self.line else self.source
        where = f" {self.where}:" if self.where else ""
        return f"{place}:{where} {self.message}"


class FaultConfigError(ReconcilerError):
    """A fault setting is out of range or unknown."""
