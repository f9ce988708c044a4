"""What a provider over one boto3 client starts with (rooms, meetings): its API wrapper,
paced and retried, the threads it may use and the read-progress callback."""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from reconciler.pacing import Pacer
from reconciler.providers.base import ReadProgress
from reconciler.providers.retry import RetryPolicy

ApiT = TypeVar("ApiT")


class ClientProvider(Generic[ApiT]):
    """The common start of a provider; ``open_api`` wraps the client in the kind's API."""

    # audit plans with the very instance that found the member (``MemberFinder.where``),
    # keeping what it listed for the run (a room's bots: ListBots once an account, QA-EY
    # Q-EY-3); False: the plan's read opens its own
    plans_after_finding: ClassVar[bool] = False

    def __init__(
        self,
        client: Any,
        *,
        parallelism: int = 8,
        retry: RetryPolicy | None = None,
        progress: ReadProgress | None = None,
        pacer: Pacer | None = None,
    ) -> None:
        self.api: ApiT = self.open_api(client, retry or RetryPolicy.from_env(), pacer)
        self.parallelism = max(1, parallelism)
        self.progress = progress
        self.started()

    def open_api(self, client: Any, retry: RetryPolicy, pacer: Pacer | None) -> ApiT:
        raise NotImplementedError

    def started(self) -> None:
        """The kind's own state, once the common part is set (nothing by default)."""
