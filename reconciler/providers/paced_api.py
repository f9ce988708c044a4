"""The common part of the API wrappers (``ChimeApi``, ``MeetingsApi``, ``MessagingApi``):
one call, retried per the policy and paced against the quotas it counts against. A
wrapper names those quotas per operation (``keys``) or, where they depend on more than the
operation (a bearer, a channel), per call (``_paced``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from reconciler.pacing import Pacer, QuotaKey
from reconciler.providers.retry import RetryPolicy, call_with_retry


class PacedApi:
    """Calls through ``call_with_retry`` with the wrapper's ``retry`` and ``pacer``."""

    def __init__(self, retry: RetryPolicy, pacer: Pacer | None = None) -> None:
        self.retry = retry
        self.pacer = pacer

    def keys(self, operation: str) -> Sequence[QuotaKey]:
        """The quotas one call of ``operation`` counts against."""
        raise NotImplementedError

    def _call(self, operation: str, method: Callable[..., Any], context: str, **p: Any) -> Any:
        """``method(**p)`` (the client's method of ``operation``), counted against
        ``keys(operation)``; ``context`` names what it is about in logs and errors."""
        return self._paced(operation, method, context, self.keys(operation), **p)

    def _paced(
        self,
        operation: str,
        method: Callable[..., Any],
        context: str,
        keys: Sequence[QuotaKey],
        **p: Any,
    ) -> Any:
        """``method(**p)`` counted against ``keys`` (directly: a wrapper whose quotas
        depend on the call)."""
        return call_with_retry(
            self.retry, operation, method, context=context, pacer=self.pacer, keys=keys, **p
        )
