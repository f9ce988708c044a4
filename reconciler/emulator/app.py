"""The emulator as a function of requests: routing, fault injection, call counting, error
bodies and the ``/_emulator/`` admin API. No sockets here (see ``server.py``).

Errors are answered as AWS's rest-json services answer them: the model's HTTP status,
header ``x-amzn-ErrorType: <Name>Exception`` and body ``{"Code": ..., "Message": ...}``, so
boto3 raises ``client.exceptions.<Name>Exception`` with ``Error.Code`` the exception name
and ``Error.Message`` the message.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import sys
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson

from reconciler.emulator.errors import (
    BadRequestError,
    ChimeError,
    FaultConfigError,
    NotFoundError,
    SeedError,
    ServiceFailureError,
    ThrottledClientError,
    UnknownOperationError,
)
from reconciler.emulator.faults import FaultConfig, FaultInjector
from reconciler.emulator.meetings.admin import admin as meetings_admin
from reconciler.emulator.meetings.models import MeetingsBackend
from reconciler.emulator.messaging.backend import MessagingBackend
from reconciler.emulator.messaging.quotas import BEARER_HEADER
from reconciler.emulator.messaging.regions import check_region, signed_region
from reconciler.emulator.modeled_errors import may_conflict
from reconciler.emulator.models import ChimeBackend
from reconciler.emulator.quotas import QuotaBuckets
from reconciler.emulator.responses import Request
from reconciler.emulator.seed import Seed, parse_seed, read_seed
from reconciler.emulator.timeline import Timeline
from reconciler.emulator.urls import blank_label, resolve

log = logging.getLogger(__name__)

ADMIN_PREFIX = "/_emulator/"
THROTTLED = "Throttled"
_REQUEST_IDS = uuid.UUID("0a4e8f0e-4b5e-4c55-8d8e-6c1e3b9a1d20")
# Services whose answers orjson writes byte for byte as json.dumps(separators=(",", ":"))
# does, once the text is checked to be ASCII without DEL (json escapes both): the Amazon
# Chime API's model has no floating-point number (orjson writes some floats otherwise).
# It takes the 100-member pages of a large read a fifth of the time.
EXACT_IN_ORJSON = frozenset({"chime"})
# types orjson writes and json.dumps refuses, and str subclasses, left to json.dumps (no
# handler puts a UUID or a plain Enum, which orjson would write, in an answer)
_AS_JSON_DOES = (
    orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    operation: str = ""  # the API operation answered ("" for admin and unknown paths)


class CallCounter:
    """Calls served per operation name, plus ``Throttled``: how many were answered 429;
    and the messaging calls answered (not 429) per bearer, per channel ARN (or app
    instance ARN, for calls on no channel): who did the work on what."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self._bearers: dict[str, dict[str, int]] = {}

    def record(self, operation: str, status: int, bearer: str = "", on: str = "") -> None:
        with self._lock:
            self._counts[operation] = self._counts.get(operation, 0) + 1
            if status == 429:
                self._counts[THROTTLED] = self._counts.get(THROTTLED, 0) + 1
            elif bearer:
                mine = self._bearers.setdefault(bearer, {})
                mine[on] = mine.get(on, 0) + 1

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(sorted(self._counts.items()))

    def by_bearer(self) -> dict[str, dict[str, int]]:
        with self._lock:
            return {b: dict(sorted(c.items())) for b, c in sorted(self._bearers.items())}

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
            self._bearers.clear()


SeedLike = Seed | Mapping[str, Any] | str | PathLike[str] | None


def to_seed(seed: SeedLike, source: str = "<seed>") -> Seed:
    """A ``Seed`` from a plain seed document (as ``load_seed`` returns), a Seed, the path
    of a YAML seed file, or None."""
    if seed is None:
        return Seed()
    if isinstance(seed, Seed):
        return seed
    if isinstance(seed, str | PathLike):
        return read_seed(Path(seed))
    return parse_seed(seed, source)


def to_faults(faults: FaultConfig | Mapping[str, Any] | None) -> FaultConfig:
    """A ``FaultConfig`` from one, or from a mapping of settings as POST /_emulator/faults
    takes them, or None (no faults)."""
    if faults is None:
        return FaultConfig()
    if isinstance(faults, FaultConfig):
        return faults
    return FaultConfig().updated(faults)


class EmulatorApp:
    """Answers HTTP requests (method, path with query, body) with ``HttpResponse`` values."""

    def __init__(
        self,
        seed: SeedLike = None,
        faults: FaultConfig | Mapping[str, Any] | None = None,
    ) -> None:
        self.seed = to_seed(seed)
        self.initial_faults = to_faults(faults)
        self.backend = ChimeBackend(self.seed)
        self.meetings = MeetingsBackend(self.seed.meetings)
        self.messaging = MessagingBackend(self.seed.app_instances)
        self.backends: dict[str, Any] = {
            "chime": self.backend,
            "meetings": self.meetings,
            "messaging": self.messaging,
        }
        self.injector = FaultInjector(self.initial_faults)
        self.quotas = QuotaBuckets()
        self.counter = CallCounter()
        self.timeline = Timeline()
        self._request_numbers = itertools.count()

    def reset(self, seed: SeedLike = None) -> None:
        """Back to the start: the given seed (or the one the emulator started with), no
        calls counted, the initial faults, fault decisions starting again."""
        state = to_seed(seed) if seed is not None else self.seed
        self.backend.reset(state)
        self.meetings.reset(state.meetings)
        self.messaging.reset(state.app_instances)
        self.configure_faults(self.initial_faults)
        self.counter.reset()
        self.timeline.reset()

    def configure_faults(self, config: FaultConfig) -> None:
        """Use ``config`` from now on: fault decisions start again, quota buckets are full."""
        self.injector.configure(config)
        self.quotas.reset()

    def handle(
        self, method: str, target: str, body: bytes, headers: Mapping[str, str] | None = None
    ) -> HttpResponse:
        """Answer one request (``headers``: names in any case)."""
        parts = urlsplit(target)
        path = parts.path
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        if path.startswith(ADMIN_PREFIX):
            return self._admin(method, path[len(ADMIN_PREFIX) :], body)
        arrived = time.monotonic()
        response = self._api(method, path, query, body, headers)
        self.timeline.record(response.operation, arrived, time.monotonic())
        return response

    def _api(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        body: bytes,
        headers: Mapping[str, str] | None,
    ) -> HttpResponse:
        found = resolve(method, path, query)
        if found is None:
            return self._error(UnknownOperationError(f"No Chime API operation at {method} {path}."))
        route, params = found
        fate = self.injector.decide(route.operation, may_conflict(route.service, route.operation))
        if fate.latency_s:
            time.sleep(fate.latency_s)
        try:
            if fate.error is not None:
                raise _as_service_error(fate.error, route.throttle)
            blank = blank_label(params)
            if blank is not None:
                raise BadRequestError(f"{blank} is required.")
            lowered = {k.lower(): v for k, v in (headers or {}).items()}
            if route.service == "messaging":  # messaging and identity: regional endpoints
                check_region(path, query, body, lowered)
            elif route.service == "meetings":  # a meeting's control region only
                self.meetings.check_region(params["MeetingId"], signed_region(lowered))
            request = Request(method, path, params, query, _json_object(body), lowered)
            if route.quotas and self.injector.config.quotas:
                refused = self.quotas.refused(route.quotas, route.operation, request)
                if refused is not None:
                    quota, key = refused
                    raise route.throttle(
                        f"Rate exceeded: more than {quota.rate:g} requests per second "
                        f"per {quota.label} ({key})."
                    )
            status, payload = route.handler(self.backends[route.service], request, fate)
            response = self._json(status, payload, route.service)
        except ChimeError as exc:
            response = self._error(exc)
        except Exception as exc:  # a bug in the emulator: answer as AWS would, and log it
            log.exception("emulator bug in %s", route.operation)
            response = self._error(ServiceFailureError(f"Internal emulator error: {exc!r}"))
        bearer = lowered_bearer(headers)
        # what the call is on: a channel, an app instance (ListChannels), a user (its listings)
        on = (
            params.get("channelArn")
            or query.get("app-instance-arn")
            or query.get("app-instance-user-arn", "")
        )
        self.counter.record(route.operation, response.status, bearer, on)
        return HttpResponse(response.status, response.headers, response.body, route.operation)

    # -- admin ---------------------------------------------------------------------------

    def _admin(self, method: str, path: str, body: bytes) -> HttpResponse:
        key = (method, path.rstrip("/"))
        try:
            if key == ("GET", "calls"):
                return self._json(200, self.counter.snapshot())
            if key == ("GET", "calls/bearers"):
                return self._json(200, self.counter.by_bearer())
            if key == ("POST", "calls/reset"):
                self.counter.reset()
                return self._json(200, self.counter.snapshot())
            if key == ("GET", "timeline"):
                return self._json(200, self.timeline.snapshot())
            if key == ("POST", "timeline/reset"):
                self.timeline.reset()
                return self._json(200, self.timeline.snapshot())
            if key == ("GET", "state"):
                return self._json(200, self.state())
            if key == ("POST", "reset"):
                doc = _json_document(body)
                self.reset(parse_seed(doc, "POST /_emulator/reset") if doc is not None else None)
                return self._json(200, {"status": "reset"})
            if key == ("GET", "faults"):
                return self._json(200, self.injector.config.to_dict())
            if key == ("POST", "faults"):
                changes = _json_object(body)
                self.configure_faults(self.injector.config.updated(changes))
                return self._json(200, self.injector.config.to_dict())
            answer = meetings_admin(self.meetings, *key)
            if answer is not None:
                return self._json(*answer)
        except (SeedError, FaultConfigError) as exc:
            return self._error(BadRequestError(str(exc)))
        except ChimeError as exc:
            return self._error(exc)
        return self._error(
            NotFoundError(f"No emulator admin endpoint at {method} /_emulator/{path}")
        )

    def state(self) -> dict[str, Any]:
        """All state as a seed document: ``reset(state())`` restores it."""
        return {
            **self.backend.snapshot(),
            "meetings": self.meetings.snapshot(),
            "app_instances": self.messaging.snapshot(),
        }

    # -- responses -----------------------------------------------------------------------

    def _headers(self, length: int, *extra: tuple[str, str]) -> tuple[tuple[str, str], ...]:
        return (
            ("Content-Type", "application/json"),
            ("Content-Length", str(length)),
            ("x-amzn-RequestId", request_id(next(self._request_numbers))),
            *extra,
        )

    def _json(
        self, status: int, payload: Mapping[str, Any] | None, service: str = ""
    ) -> HttpResponse:
        data = b"" if payload is None else encode(payload, service)
        return HttpResponse(status, self._headers(len(data)), data)

    def error(self, exc: ChimeError) -> HttpResponse:
        """The answer of ``exc`` for a request the server refuses before ``handle``."""
        return self._error(exc)

    def _error(self, exc: ChimeError) -> HttpResponse:
        data = json.dumps({"Code": exc.code, "Message": exc.message}).encode()
        config = self.injector.config
        extra: list[tuple[str, str]] = []
        if config.error_type_header:  # else botocore reads the body's Code
            extra.append(("x-amzn-ErrorType", exc.name))
        if exc.status == 503 and config.retry_after is not None:  # RetryAfterSeconds
            extra.append(("Retry-After", str(config.retry_after)))
        return HttpResponse(exc.status, self._headers(len(data), *extra), data)


def encode(payload: Mapping[str, Any], service: str = "") -> bytes:
    """``json.dumps(payload, separators=(",", ":"))``, encoded, by orjson where that gives
    the same bytes (``EXACT_IN_ORJSON``)."""
    if service in EXACT_IN_ORJSON:
        try:  # what json.dumps writes differently or refuses goes to json.dumps
            data = orjson.dumps(payload, option=_AS_JSON_DOES)
        except TypeError:  # an integer beyond 64 bits, a key that is not a string, ...
            pass
        else:
            if data.isascii() and b"\x7f" not in data:
                return data
    return json.dumps(payload, separators=(",", ":")).encode()


def request_id(number: int) -> str:
    """``str(uuid.uuid5(_REQUEST_IDS, str(number)))``, made without the UUID object."""
    digest = bytearray(hashlib.sha1(_REQUEST_IDS.bytes + str(number).encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # the RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _as_service_error(error: ChimeError, throttle: type[ChimeError]) -> ChimeError:
    """An injected 429 as the route's service names it (ThrottlingException for meetings)."""
    if isinstance(error, ThrottledClientError) and not isinstance(error, throttle):
        return throttle(error.message)
    return error


def lowered_bearer(headers: Mapping[str, str] | None) -> str:
    """The ``x-amz-chime-bearer`` header, whatever its case ("" without one)."""
    for name, value in (headers or {}).items():
        if name.lower() == BEARER_HEADER:
            return value
    return ""


def _json_document(body: bytes) -> Any:
    """The JSON document in ``body`` (None if empty); BadRequestException if json cannot
    decode it, whatever the reason (QA-G Q-G-5: nesting too deep, an integer too long)."""
    if not body.strip():
        return None
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadRequestError(f"The request body is not valid JSON: {exc}") from None
    except RecursionError:  # well-formed, but deeper than json's recursion allows
        raise BadRequestError(
            "The request body is not valid JSON: it is nested too deeply."
        ) from None
    except ValueError:  # an integer of more than sys.get_int_max_str_digits() digits
        raise BadRequestError(
            "The request body is not valid JSON: it holds an integer of more than "
            f"{sys.get_int_max_str_digits():,} digits."
        ) from None


def _json_object(body: bytes) -> dict[str, Any]:
    doc = _json_document(body)
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise BadRequestError("The request body must be a JSON object.")
    return doc
