"""A route as data (moto's ``urls.py``): method, URI template from the botocore model, the
``operation`` querystring some share a path with, the operation name, its handler, which
backend the handler is given (``service``), the 429 its service answers (``throttle``) and
the rate quotas ``--quotas`` enforces on it. Each service lists its routes in its own
``urls`` module; ``reconciler.emulator.urls`` joins them."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from reconciler.emulator.errors import ChimeError, ThrottledClientError
from reconciler.emulator.faults import Decision
from reconciler.emulator.quotas import Quota
from reconciler.emulator.responses import Reply, Request

# A handler takes its service's backend (``ChimeBackend`` for ``chime``), the request and
# the fault decision for the call.
AnyHandler = Callable[[Any, Request, Decision], Reply]


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    operation: str
    handler: AnyHandler
    query_operation: str | None = None  # the value the querystring's query_key must have
    service: str = "chime"
    throttle: type[ChimeError] = ThrottledClientError
    quotas: tuple[Quota, ...] = ()
    query_key: str = "operation"  # messaging's per-user listings share /channels by `scope`
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Empty labels match too (botocore sends GET /accounts/ for AccountId=""): the
        # operation is known, and the app answers BadRequestException for the blank id.
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]*)", re.escape(self.template))
        object.__setattr__(self, "pattern", re.compile(f"^{regex}$"))

    def match(self, method: str, path: str, query: Mapping[str, str]) -> dict[str, str] | None:
        """The URI labels (percent-decoded) if this route serves the request, else None."""
        if method != self.method:
            return None
        if self.query_operation is not None and query.get(self.query_key) != self.query_operation:
            return None
        found = self.pattern.match(path)
        if found is None:
            return None
        return {k: unquote(v) for k, v in found.groupdict().items()}


def blank_label(params: Mapping[str, str]) -> str | None:
    """The model's name (``AccountId``) of the first URI label that is empty or blank: the
    model's pattern ``.*\\S.*`` refuses those."""
    for label, value in params.items():
        if not value.strip():
            return label[:1].upper() + label[1:]
    return None
