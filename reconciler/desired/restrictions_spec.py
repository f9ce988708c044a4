"""The model of restrictions.yaml, built from the registered kinds (as the members file's
is: ``reconciler.desired.sections``): a rule names the targets of every section a kind is
declared in (``rooms:``, ``channels:``, ...), and under ``ids:`` the ids they may be
declared by, so a new kind is governed by restrictions.yaml with no field added here."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, create_model

from reconciler import kinds
from reconciler.desired.restrictions import never_matches
from reconciler.desired.spec import Regex
from reconciler.desired.spec_base import IdEntry, NonBlank, Strict, doc_text, fail
from reconciler.kinds.base import Kind
from reconciler.prose import capitalized, listed
from reconciler.quoted import quoted


class RestrictionsFileBase(Strict):
    """restrictions.yaml at the top of the desired-state directory: who may define what."""

    model_config = ConfigDict(title="chime-reconciler restrictions.yaml")


def _rule_path(value: str) -> str:
    why = never_matches(value)
    if why:
        raise fail("path", f"path {quoted(value)} can never match a desired-state file: {why}")
    return value


def restrictions_file_model() -> type[BaseModel]:
    """The strict model of restrictions.yaml for the kinds registered now (a subclass of
    ``RestrictionsFileBase``; its ``restrictions`` are ``RestrictionRule`` models)."""
    return _file_model(tuple((name, ks[0]) for name, ks in kinds.sections().items()))


def rule_model() -> type[BaseModel]:
    """``RestrictionRule`` for the kinds registered now."""
    return _parts(tuple((name, ks[0]) for name, ks in kinds.sections().items()))[0]


def ids_model() -> type[BaseModel]:
    """``RestrictionIds`` for the kinds registered now."""
    return _parts(tuple((name, ks[0]) for name, ks in kinds.sections().items()))[1]


@lru_cache(maxsize=16)
def _file_model(sections: tuple[tuple[str, Kind], ...]) -> type[BaseModel]:
    rule, _ids = _parts(sections)
    model: type[BaseModel] = create_model(
        "RestrictionsFile",
        __base__=RestrictionsFileBase,
        __doc__=RestrictionsFileBase.__doc__,
        restrictions=(list[rule], Field(default_factory=list)),  # type: ignore[valid-type]
    )
    return model


@lru_cache(maxsize=16)
def _parts(sections: tuple[tuple[str, Kind], ...]) -> tuple[type[BaseModel], type[BaseModel]]:
    # a section whose kind has no id key (its target is its scope) lists its scopes under
    # ids: its key is only a label, as a target's declared by id is (QA-BS Q-BS-1)
    with_ids = [(name, k) for name, k in sections if k.id_field is not None]
    scoped = [(name, k) for name, k in sections if k.id_field is None]
    by_id = [f"{k.words.a_noun}'s {k.id_key_text}" for _, k in with_ids]
    ids_fields: dict[str, Any] = {
        name: (
            list[IdEntry],
            Field(
                default_factory=list,
                description=f"{capitalized(k.words.noun)} {k.words.id_word[1]} ({k.id_key_text}) "
                f"the files may declare{k.words.id_note}.",
            ),
        )
        for name, k in with_ids
    } | {
        name: (
            list[IdEntry],
            Field(
                default_factory=list,
                description=f"The `{k.scope_field}:` values (as written, or as resolved) "
                f"whose {k.words.plural} the files may declare: {k.words.a_noun} is its "
                f"`{k.scope_field}:`, whatever its key (set by settings.yaml's "
                f"`{k.scope_setting}` where the entry has none).",
            ),
        )
        for name, k in scoped
    }
    on_scope = [f"{k.words.a_noun}'s `{k.scope_field}:`" for _, k in scoped]
    scope_text = (
        f" A target that is its scope ({', '.join(on_scope)}) is restricted the same way: "
        "its scope is listed here."
        if scoped
        else ""
    )
    ids: type[BaseModel] = create_model(
        "RestrictionIds",
        __base__=Strict,
        __doc__=doc_text(
            "The targets a rule's files may declare by id, per section, each exactly as "
            "written (spaces around it aside). A target declared by id "
            f"({', '.join(by_id)}) is whichever target has it, whatever its key says: the "
            "name patterns cannot restrict it, so under a rule none may be declared unless "
            "listed here." + scope_text
        ),
        **ids_fields,
    )
    rule_fields: dict[str, Any] = {
        "path": (
            Annotated[NonBlank, AfterValidator(_rule_path)],
            Field(
                description="Glob relative to the desired-state directory (`*`, `**`, `?`); "
                "a path no desired-state file could have (`/teams/**`, `teams/web/`, "
                "`teams/web`) is refused."
            ),
        ),
        **{
            name: (
                list[Regex],
                Field(default_factory=list, description=f"Allowed {k.words.noun} names."),
            )
            for name, k in sections
        },
        "groups": (list[Regex], Field(default_factory=list, description="Allowed group names.")),
        "ids": (
            ids,
            Field(
                default_factory=ids,
                description=f"The ids ({', '.join(k.id_key_text for _, k in with_ids)}) the "
                "files may declare targets by, per section; none by default.",
            ),
        ),
    }
    targets = listed([*(k.words.plural for _, k in sections), "groups"])
    rule: type[BaseModel] = create_model(
        "RestrictionRule",
        __base__=Strict,
        __doc__=doc_text(
            f"Files matching `path` may define only the {targets} whose names match (one "
            "field per section a membership kind is declared in), and declare by id only "
            "the targets `ids` lists."
        ),
        **rule_fields,
    )
    return rule, ids
