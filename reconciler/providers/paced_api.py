"""The common part of the API wrappers (``ChimeApi``, ``MeetingsApi``, ``MessagingApi``):
one call, retried per the policy and paced against the quotas it counts against. A
wrapper names those quotas per operation (``keys``) or, where they depend on more than the
operation (a bearer, a channel), per call (``_paced``)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from reconciler.pacing import Pacer, QuotaKey
from reconciler.providers.retry import RetryPolicy, call_with_retry


class PacedApi:
    """Calls through ``call_with_retry`` with the wrapper's ``retry`` and ``pacer``;
    ``answered``: the endpoint answered one of them with the API (one wrapper per service
    and run)."""

    def __init__(self, retry: RetryPolicy, pacer: Pacer | None = None) -> None:
        self.retry = retry
        self.pacer = pacer
        self.answered = threading.Event()

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
            self.retry,
            operation,
            method,
            context=context,
            pacer=self.pacer,
            keys=keys,
            answered=self.answered,
            **p,
        )

    @staticmethod
    def _page_by_page(
        call: Callable[..., Mapping[str, Any]], key: str, **params: Any
    ) -> Iterator[tuple[list[dict[str, Any]], bool]]:
        """Each page's items (under ``key``) and whether another page follows, calling
        ``call(**params)`` (a paced call, partly applied) with each page's ``NextToken``;
        stop iterating to stop calling."""
        token: str | None = None
        while True:
            page_params = dict(params, NextToken=token) if token else params
            resp = call(**page_params)
            token = resp.get("NextToken") or None
            yield list(resp.get(key, [])), token is not None
            if token is None:
                return
