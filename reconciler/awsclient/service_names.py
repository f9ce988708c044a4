"""botocore's check that a service has a model, without listing every service.

Before it loads a model (``Loader.load_service_model``), botocore lists every service that
has one (``list_available_services``): it walks each of its ~440 data directories (a
listing and a few stats each), once per kind of file (the service model, the endpoint
rules), only to see that the service asked for is among them: about 17 ms of CPU of the
37 ms of making a run's first client, before its first call.

``answer_directly(loader)`` has the loader answer that question (``name in services``)
from the one service's own directories, by botocore's rule: in a data path, a directory
of that name with an API version holding the file. The whole list is botocore's own
listing, made when something reads it as a list (the ``UnknownServiceError`` message,
``Session.get_available_services``). ``tests/unit/providers/test_service_names.py``
compares the two on every service botocore has.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, overload


class ServiceNames(Sequence[str]):
    """The services with a ``type_name`` file (``service-2``, ``endpoint-rule-set-1``):
    ``in`` looks at that one service; anything else reads botocore's whole list."""

    def __init__(self, loader: Any, type_name: str, listing: Callable[[str], list[str]]):
        self._loader = loader
        self._type_name = type_name
        self._listing = listing  # botocore's ``list_available_services`` (cached by it)

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return name in self._all()
        exists = self._loader.file_loader.exists
        for path in self._loader.search_paths:  # as botocore's ``_potential_locations()``
            if not os.path.isdir(path) or name not in os.listdir(path):
                continue
            service = os.path.join(path, name)
            if not os.path.isdir(service):
                continue
            for version in os.listdir(service):
                if exists(os.path.join(service, version, self._type_name)):
                    return True
        return False

    def _all(self) -> list[str]:
        return self._listing(self._type_name)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        return self._all()[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ServiceNames):
            other = other._all()
        return self._all() == other

    def __repr__(self) -> str:
        return repr(self._all())


def answer_directly(loader: Any) -> None:
    """Have botocore's ``loader`` (a session's ``data_loader``) answer whether it has a
    service's model from that service's directories (``ServiceNames``)."""
    listing = loader.list_available_services  # botocore's own, kept for the whole list
    if isinstance(getattr(listing, "__self__", None), _Answers):
        return
    loader.list_available_services = _Answers(loader, listing).names


class _Answers:
    """One ``ServiceNames`` per type of file, as botocore keeps one list per type."""

    def __init__(self, loader: Any, listing: Callable[[str], list[str]]) -> None:
        self._loader = loader
        self._listing = listing
        self._names: dict[str, ServiceNames] = {}

    def names(self, type_name: str) -> ServiceNames:
        if type_name not in self._names:
            self._names[type_name] = ServiceNames(self._loader, type_name, self._listing)
        return self._names[type_name]
