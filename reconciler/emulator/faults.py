"""Fault injection, deterministic from a seed.

Every decision for the n-th call of an operation is a hash of ``(seed, operation, n)``, so
the same sequence of calls meets the same faults on every run, even when threads
interleave calls to different operations. Knobs (``FaultConfig``):

- ``latency_ms``: added to every call before it is answered;
- ``throttle_rate``: share of calls answered 429 ThrottledClientException
  (ThrottlingException for meetings);
- ``error_rate``: share of calls answered 5xx: half ServiceUnavailableException (503),
  half ServiceFailureException (500);
- ``conflict_rate``: share of calls answered 409 ConflictException ("conflict in the
  current state of the resource", as AWS documents it: a conflict other than the emulator's
  own, such as a moderator already there), of the operations whose botocore model lists
  ConflictException only (``modeled_errors``); give ``operations`` with it;
- ``item_error_rate``: share of batch-create items (BatchCreateRoomMembership,
  BatchCreateAttendee, BatchCreateChannelMembership) that fail with ErrorCode
  ``Throttled`` (``Throttling`` for attendees) and are not applied, while the call itself
  succeeds;
- ``tps``: requests per second allowed (a token bucket holding one second's worth, at
  least one request); calls beyond it are answered 429. 0 or null: no quota;
- ``quotas``: enforce AWS's documented rate quotas, as each route declares them
  (``quotas.py``; meetings: 10 requests/s per operation);
- ``error_type_header``: false leaves the ``x-amzn-ErrorType`` header out of error
  answers, so botocore takes the code from the body (``NotFound``, not
  ``NotFoundException``): AWS does not document the header for these services;
- ``whole_call_limit``: a BatchCreateAttendee or BatchCreateChannelMembership call some
  of whose new members would take the target over its maximum is refused whole
  (``LimitExceededException``, ``ResourceLimitExceededException``: 400, nothing made), as
  the models allow AWS to; false (the default): only the items over it are refused, per
  item, first come, first served (the emulator's choice: the models do not say which);
- ``retry_after``: whole seconds every 503 answer (ServiceUnavailableException: injected,
  or the emulator's own) carries in a ``Retry-After`` header, as chime-sdk-meetings models
  it (``RetryAfterSeconds``); null (the default): no header;
- ``operations``: the operations ``throttle_rate``, ``error_rate``, ``conflict_rate`` and
  ``item_error_rate`` apply to (``["CreateChannelModerator"]``: only that call fails);
  empty, every operation;
- ``seed``: the seed of the decisions above.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from reconciler.emulator.errors import (
    ChimeError,
    ConflictError,
    FaultConfigError,
    ServiceFailureError,
    ServiceUnavailableError,
    ThrottledClientError,
)
from reconciler.quoted import named

RATES = ("throttle_rate", "error_rate", "item_error_rate", "conflict_rate")
SWITCHES = ("quotas", "error_type_header", "whole_call_limit")  # true or false


@dataclass(frozen=True)
class FaultConfig:
    latency_ms: float = 0.0
    throttle_rate: float = 0.0
    error_rate: float = 0.0
    item_error_rate: float = 0.0
    tps: float | None = None
    seed: int = 0
    quotas: bool = False
    operations: tuple[str, ...] = ()  # the random faults' operations; empty: all
    conflict_rate: float = 0.0
    error_type_header: bool = True  # false: error answers without x-amzn-ErrorType
    whole_call_limit: bool = False  # true: a batch create over the maximum refused whole
    retry_after: int | None = None  # seconds: the Retry-After header of 503 answers

    def __post_init__(self) -> None:
        object.__setattr__(self, "operations", _operations(self.operations))
        # Numbers read back as floats (JSON 5.0, not 5) however they were given.
        for name in ("latency_ms", *RATES, "tps"):
            value = getattr(self, name)
            if value is None and name == "tps":
                continue
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise FaultConfigError(f"{name} must be a number, got {value!r}")
            if not math.isfinite(value):  # nan passes every range check below
                raise FaultConfigError(f"{name} must be a finite number, got {value!r}")
            object.__setattr__(self, name, float(value))
        for name in RATES:
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise FaultConfigError(f"{name} must be between 0 and 1, got {value}")
        if not 0.0 <= self.latency_ms <= 60_000:
            raise FaultConfigError(f"latency_ms must be between 0 and 60000, got {self.latency_ms}")
        for name in SWITCHES:
            if not isinstance(getattr(self, name), bool):
                raise FaultConfigError(f"{name} must be true or false, got {getattr(self, name)!r}")
        _retry_after(self.retry_after)
        if self.tps is not None and self.tps < 0:
            raise FaultConfigError(f"tps must be positive (0 or null: no quota), got {self.tps}")

    @property
    def quota(self) -> float | None:
        """Requests per second allowed, or None for no quota."""
        return self.tps if self.tps else None

    def updated(self, changes: Mapping[str, Any]) -> FaultConfig:
        """This config with ``changes`` (a JSON object) applied; unknown keys or wrong types
        are a FaultConfigError."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise FaultConfigError(
                f"unknown fault setting {unknown[0]!r} "
                f"(expected any of: {', '.join(sorted(known))})"
            )
        values: dict[str, Any] = {}
        for key, value in changes.items():
            if key in SWITCHES:
                if not isinstance(value, bool):
                    raise FaultConfigError(f"{key} must be true or false, got {value!r}")
            elif key == "seed":
                if not isinstance(value, int) or isinstance(value, bool):
                    raise FaultConfigError(f"seed must be an integer, got {value!r}")
            elif key == "tps" and value is None:
                pass
            elif key == "retry_after":
                _retry_after(value)
            elif key == "operations":
                value = _operations(value)
            elif not isinstance(value, int | float) or isinstance(value, bool):
                raise FaultConfigError(f"{key} must be a number, got {value!r}")
            elif not math.isfinite(value):  # JSON's NaN and Infinity, as Python reads them
                raise FaultConfigError(f"{key} must be a finite number, got {value!r}")
            else:
                value = float(value)
            values[key] = value
        return replace(self, **values)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "operations": list(self.operations)}

    def faults(self, operation: str) -> bool:
        """Whether the random faults apply to ``operation``."""
        return not self.operations or operation in self.operations


MAX_RETRY_AFTER = 3600  # seconds: an hour, as the tool's own longest backoff


def _retry_after(value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool):
        raise FaultConfigError(f"retry_after must be whole seconds or null, got {value!r}")
    if not 0 <= value <= MAX_RETRY_AFTER:
        raise FaultConfigError(
            f"retry_after must be between 0 and {MAX_RETRY_AFTER} seconds, got {value}"
        )


def _operations(value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise FaultConfigError(f"operations must be a list of operation names, got {value!r}")
    for name in value:
        if not isinstance(name, str) or not name:
            raise FaultConfigError(f"operations must be operation names, got {name!r}")
        unknown = unknown_operation(name)
        if unknown:
            raise FaultConfigError(f"operations: {unknown}")
    return tuple(value)


def unknown_operation(name: str) -> str | None:
    """Why ``name`` is no operation of the emulator (a typo would be a fault that never
    fires), or None; the caller names where it came from (the admin API's ``operations``
    key, the command line's --fault-operation)."""
    from reconciler.emulator.urls import OPERATIONS  # the routes (they import this module)

    if name in OPERATIONS:
        return None
    # the tool's one close-match rule (case folded: LISTROOMS is offered ListRooms),
    # imported only here, for the error
    from reconciler.target_select import close_match

    hint = close_match(name, OPERATIONS)
    also = f" (did you mean {named(hint)}?)" if hint else ""
    return f"the emulator has no operation {named(name)}{also}"


@dataclass(frozen=True)
class Decision:
    """What happens to one call: wait ``latency_s``, then fail with ``error`` or run."""

    operation: str
    nth: int
    seed: int
    latency_s: float
    error: ChimeError | None
    item_error_rate: float
    whole_call_limit: bool = False  # FaultConfig.whole_call_limit

    def item_throttled(self, index: int) -> bool:
        """Whether batch item ``index`` of this call fails with ErrorCode Throttled."""
        rate = self.item_error_rate
        return rate > 0 and _draw(self.seed, self.operation, self.nth, f"item{index}") < rate


class FaultInjector:
    """Decides the fate of each call. Thread-safe."""

    def __init__(
        self, config: FaultConfig | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._config = config or FaultConfig()
        self._calls: dict[str, int] = {}
        self._tokens: float
        self._stamp: float
        self._refill_full()

    @property
    def config(self) -> FaultConfig:
        return self._config

    def configure(self, config: FaultConfig) -> None:
        """Use ``config`` from now on; decisions start again from the first call."""
        with self._lock:
            self._config = config
            self._calls.clear()
            self._refill_full()

    def decide(self, operation: str, conflicts: bool = True) -> Decision:
        """The fate of the next call of ``operation``; ``conflicts``: whether its model
        lets it answer ConflictException (else ``conflict_rate`` never applies to it)."""
        with self._lock:
            config = self._config
            nth = self._calls.get(operation, 0)
            self._calls[operation] = nth + 1
            over_quota = not self._take_token(config.quota)
        error: ChimeError | None = None
        random = config.faults(operation)

        def drawn(salt: str, rate: float) -> bool:
            return random and bool(rate) and _draw(config.seed, operation, nth, salt) < rate

        if over_quota:
            error = ThrottledClientError(
                f"Rate exceeded: more than {config.quota:g} requests per second."
            )
        elif drawn("throttle", config.throttle_rate):
            error = ThrottledClientError("Rate exceeded.")
        elif drawn("error", config.error_rate):
            if _draw(config.seed, operation, nth, "which") < 0.5:
                error = ServiceUnavailableError("The service is unavailable (injected fault).")
            else:
                error = ServiceFailureError("The service failed (injected fault).")
        elif conflicts and drawn("conflict", config.conflict_rate):
            error = ConflictError(CONFLICT_MESSAGE)
        items = config.item_error_rate if random else 0.0
        return Decision(
            operation,
            nth,
            config.seed,
            config.latency_ms / 1000.0,
            error,
            items,
            config.whole_call_limit,
        )

    def _refill_full(self) -> None:
        quota = self._config.quota
        self._tokens = max(1.0, quota) if quota else 0.0
        self._stamp = self._clock()

    def _take_token(self, quota: float | None) -> bool:
        if quota is None:
            return True
        now = self._clock()
        capacity = max(1.0, quota)
        self._tokens = min(capacity, self._tokens + (now - self._stamp) * quota)
        self._stamp = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False


# ConflictException's documentation in the botocore models, as the fault's message
CONFLICT_MESSAGE = (
    "The request could not be processed because of conflict in the current state of the "
    "resource (injected fault)."
)


def _draw(seed: int, operation: str, nth: int, salt: str) -> float:
    """A uniform number in [0, 1) determined by its arguments."""
    digest = hashlib.blake2b(f"{seed}|{operation}|{nth}|{salt}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64
