"""The model of a members file (every desired-state file but settings and restrictions),
built from the registered kinds: ``groups:`` plus one section per kind (``rooms:``, ...),
each a mapping of target name -> the kind's spec model."""

from __future__ import annotations

from collections.abc import Collection
from functools import lru_cache
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from reconciler import kinds
from reconciler.desired.given import given, no_null
from reconciler.desired.spec import GroupName, GroupValue
from reconciler.desired.spec_base import Strict, TargetName
from reconciler.desired.target_safety import target_safety_model
from reconciler.kinds.base import Kind


class MembersFileBase(Strict):
    """Any desired-state file other than settings.yaml and restrictions.yaml."""

    model_config = ConfigDict(title="chime-reconciler desired-state file")


def members_file_model(keys: Collection[object] | None = None) -> type[BaseModel]:
    """The strict model of a members file for the kinds registered now. ``keys``: those of
    the file it validates; when each is ``groups`` or a section, the model of those alone,
    which validates that file as the whole model does (the same fields, in the same order;
    the others' defaults are ``{}``: ``section_of``), without building the other sections'
    validators (a plan of rooms builds no channel's nor meeting's: README "Start-up and
    exit"); else the whole model, which names an unknown key against every section."""
    registered = kinds.sections()
    if keys is not None and all(k == "groups" or k in registered for k in keys):
        registered = {name: ks for name, ks in registered.items() if name in keys}
    return _model(
        tuple((name, section_spec(ks), ks[0].words.noun) for name, ks in registered.items())
    )


def section_of(model: BaseModel, section: str) -> dict[str, BaseModel]:
    """A members file's targets in ``section`` (none: a section its model leaves out, the
    file not having it: ``members_file_model``)."""
    targets: dict[str, BaseModel] = getattr(model, section, {})
    return targets


def section_spec(section_kinds: tuple[Kind, ...]) -> type[BaseModel]:
    """The spec of one target of a section: its first kind's, with its ``safety:`` the
    section's (``target_safety_model``: the minimums of the section's kinds)."""
    return _with_safety(section_kinds[0].spec, section_kinds)


@lru_cache(maxsize=32)
def _with_safety(spec: type[BaseModel], section_kinds: tuple[Kind, ...]) -> type[BaseModel]:
    own = spec.model_fields.get("safety")
    if own is None:
        return spec
    safety = target_safety_model(section_kinds)
    # in the place of the spec's own ``safety`` (typed with the base, ``TargetSafetySpec``)
    # written with nothing after it, refused (QA-HF Q-HF-4): left out, settings.yaml's
    given_safety = Annotated[safety, given("a mapping", "settings.yaml's safety:")]  # type: ignore[valid-type]
    replaced: dict[str, Any] = {
        "safety": (
            given_safety,
            Field(None, description=own.description, json_schema_extra=no_null),
        )
    }
    model: type[BaseModel] = create_model(
        spec.__name__, __base__=spec, __doc__=spec.__doc__, __module__=spec.__module__, **replaced
    )
    return model


@lru_cache(maxsize=16)
def _model(sections: tuple[tuple[str, type[BaseModel], str], ...]) -> type[BaseModel]:
    fields: dict[str, Any] = {
        "groups": (
            dict[GroupName, GroupValue],
            Field(
                default_factory=dict,
                description="Group name -> members (e-mails, bots, other @groups), or "
                "{members: [...], owners: [...]}.",
                json_schema_extra={"additionalProperties": False},  # names: the pattern
            ),
        )
    }
    for name, spec, noun in sections:
        fields[name] = (
            dict[TargetName, spec],  # type: ignore[valid-type]
            Field(default_factory=dict, description=f"{noun.capitalize()} name -> {noun}."),
        )
    model: type[BaseModel] = create_model(
        "RoomsFile", __base__=MembersFileBase, __doc__=MembersFileBase.__doc__, **fields
    )
    return model
