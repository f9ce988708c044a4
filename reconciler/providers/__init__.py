"""Providers: the only code that talks to AWS. One per membership kind."""

from reconciler.providers.aws import make_client
from reconciler.providers.base import ItemError, Provider, ReadProgress
from reconciler.providers.retry import RetryPolicy, call_with_retry
from reconciler.providers.rooms import RoomsProvider

__all__ = [
    "ItemError",
    "Provider",
    "ReadProgress",
    "RetryPolicy",
    "RoomsProvider",
    "call_with_retry",
    "make_client",
]
