"""JSON Schema (draft 2020-12) of the desired-state files, generated from the models.

Editors with the YAML language server validate and complete a file that starts with
``# yaml-language-server: $schema=PATH-OR-URL`` (one schema per kind of file).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from reconciler.desired.numbers import finite_numbers
from reconciler.desired.restrictions_spec import restrictions_file_model
from reconciler.desired.sections import members_file_model
from reconciler.desired.settings_spec import settings_file_model

DRAFT = "https://json-schema.org/draft/2020-12/schema"
KINDS: dict[str, Callable[[], type[BaseModel]]] = {
    "rooms": members_file_model,  # every file but the two below: groups, rooms, ...
    "settings": settings_file_model,  # settings.yaml
    "restrictions": restrictions_file_model,  # restrictions.yaml
}


def json_schema(kind: str = "rooms") -> dict[str, Any]:
    """The schema of one kind of desired-state file ("rooms", "settings", "restrictions"):
    its numbers finite, as ``validate`` reads them (``reconciler.desired.numbers``)."""
    generated = KINDS[kind]().model_json_schema()
    if kind == "settings":
        _settings_checks(generated["properties"])
    finite_numbers(generated)
    return {"$schema": DRAFT, **generated}


def _settings_checks(properties: dict[str, Any]) -> None:
    """What the settings' validators check beyond their types, for editors too (as
    ``validate`` refuses it): ``rates:`` names known quotas, each a rate of at least
    ``MIN_RATE`` or null; ``max_grant_days:``'s mapping has the registered kinds' list keys only."""
    from reconciler.governance.policy import list_keys  # the kinds: loaded when asked
    from reconciler.pacing.quotas import BY_NAME, MIN_RATE

    rates = properties["rates"]
    rates["propertyNames"] = {"enum": list(BY_NAME)}
    rates["additionalProperties"]["anyOf"] = [
        {"type": "number", "minimum": MIN_RATE},
        {"type": "null"},
    ]
    (days, _none) = properties["max_grant_days"]["anyOf"]
    (_every_role, mapping) = days["oneOf"]
    # its keys are NonBlank: their pattern makes the values' schema a patternProperties
    patterns = mapping.pop("patternProperties", None)
    one = mapping.pop("additionalProperties", None) or next(iter(patterns.values()))
    mapping["properties"] = {key: dict(one) for key in list_keys()}
    mapping["additionalProperties"] = False
