"""The model of settings.yaml, built from the registered kinds (as the members file's is:
``reconciler.desired.sections``): its ``safety:`` takes the removal caps and the minimum
of every kind that has one (``Kind.minimum_setting``, ``minimum_default``,
``minimum_help``), so a new kind's minimum needs no field added here."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pydantic import BaseModel, Field, create_model

from reconciler import kinds
from reconciler.desired.numbers import Count
from reconciler.desired.spec import SafetySpecBase, SettingsFileBase

# (setting, default, description) of each kind's minimum, in registration order
Minimums = tuple[tuple[str, int, str], ...]


def _minimums() -> Minimums:
    found: dict[str, tuple[str, int, str]] = {}
    for ks in kinds.sections().values():
        for k in ks:
            if k.minimum_setting is not None and k.minimum_setting not in found:
                found[k.minimum_setting] = (k.minimum_setting, k.minimum_default, k.minimum_help)
    return tuple(found.values())


def settings_file_model() -> type[BaseModel]:
    """The strict model of settings.yaml for the kinds registered now (a subclass of
    ``SettingsFileBase``)."""
    return _settings_model(_minimums())


def safety_model() -> type[BaseModel]:
    """``SafetySpec``: settings.yaml's ``safety:`` for the kinds registered now."""
    return _safety_model(_minimums())


@lru_cache(maxsize=16)
def _safety_model(minimums: Minimums) -> type[BaseModel]:
    fields: dict[str, Any] = {
        name: (Count, Field(default, description=help or None)) for name, default, help in minimums
    }
    model: type[BaseModel] = create_model(
        "SafetySpec", __base__=SafetySpecBase, __doc__=SafetySpecBase.__doc__, **fields
    )
    return model


@lru_cache(maxsize=16)
def _settings_model(minimums: Minimums) -> type[BaseModel]:
    safety = _safety_model(minimums)
    model: type[BaseModel] = create_model(
        "SettingsFile",
        __base__=SettingsFileBase,
        __doc__=SettingsFileBase.__doc__,
        safety=(safety, Field(default_factory=safety)),  # in SettingsFileBase's place
    )
    return model
