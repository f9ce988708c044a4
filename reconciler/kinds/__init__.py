"""Membership kinds as data: ``Kind`` (``reconciler.kinds.base``), the registry, and the
built-in kinds (rooms). See ``reconciler.kinds.base`` for what a kind describes.

Adding a kind (channels, meetings): no change to the loader, planner, safety rules,
applier, renderers or plan file, which read the kind.

1. ``reconciler/kinds/NAME.py``: the spec model of one target (a strict pydantic model,
   ``reconciler.desired.spec.Strict``; its fields are the section's keys: the scope and id
   fields, ``prune``, the member lists, optionally ``owners`` and ``safety``), and a
   ``Kind(...)`` (subclass it to override ``entries``, ``combine``, ``role_text``,
   ``role_json``, ``parse_role``, ``is_removal``, ``batch_key``, ``scope_of`` or
   ``own_members``, the tool's own identity in a scope, when the rule is not data).
   Register it below with ``register``. Kinds sharing a section (a channel's memberships
   and its moderators) share its spec model. A kind whose target is its scope (an app
   instance's admins) has no id key: ``id_field=None``, and ``target_id_of`` overridden to
   return ``scope_of(spec, settings)``; restrictions.yaml's ``ids:`` then lists, for its
   section, the scopes a rule's files may declare (its key is only a label).
2. Settings: the default scope named by ``scope_setting`` needs a field of
   ``SettingsFileBase`` (``reconciler.desired.spec``); nothing else does. A minimum
   (``minimum_setting``, e.g. ``min_moderators``, with ``minimum_default`` and
   ``minimum_help``): settings.yaml's
   ``safety:`` and ``Safety`` take every kind's (``reconciler.desired.settings_spec``). A
   target's own ``safety:``: a field of the spec typed ``TargetSafetySpec | None``
   (``reconciler.desired.target_safety``); the members file's model gives it the
   minimums of the section's kinds (``sections.section_spec``). ``restrictions.yaml``
   governs the kind with nothing added: its rules name every section's targets and ids
   (``reconciler.desired.restrictions_spec``, from ``Words.noun``, ``Words.id_word``,
   ``Kind.id_key_text`` and ``Words.id_note``).
3. ``reconciler/providers/NAME.py``: a ``Reader`` and ``Writer`` (``providers/base.py``)
   whose ``read`` fills ``LiveState.scoped_member_ids`` and, for ``--shard``, the ids of
   the other shards' targets that may be its own (``LiveState.elsewhere_ids``: see
   ``Reader.read``; a target declared twice across shards is otherwise planned by each,
   and only ``merge-plans`` refuses it), and a factory registered in
   ``reconciler/providers/__init__.py`` with ``registry.register(KIND.id, factory)``;
   the factory gets ``ProviderOptions`` (``client(service)``, parallelism, progress,
   retry, pacer). ``audit`` looks in the kind only when its provider is also a
   ``MemberFinder`` (else audit says it cannot look there).
4. Optional, for ``chime-reconciler import``: an importer (``reconciler.importers``:
   ``wanted``, ``read``, ``to_stdout``, ``to_directory``) registered with
   ``importers.register(KIND.id, "module:Class")``; it writes each target with
   ``reconciler.target_yaml.target_lines``, which takes the list keys from
   ``role_lists``. ``import`` then imports the kind with no change to it.
5. Tests: the toy kind's contract (``tests/unit/kinds``) shows what to check.
"""

from reconciler.kinds.base import EntryPath, Kind, RoleConflict, RoleList, RoleValue, Words
from reconciler.kinds.channels import CHANNEL, CHANNEL_MODERATOR
from reconciler.kinds.meetings import MEETING
from reconciler.kinds.registry import (
    UnknownKindError,
    all_kinds,
    get,
    known,
    register,
    registered,
    sections,
    unregister,
)
from reconciler.kinds.rooms import ROOM

register(ROOM)
register(CHANNEL)
register(CHANNEL_MODERATOR)
register(MEETING)

__all__ = [
    "CHANNEL",
    "CHANNEL_MODERATOR",
    "MEETING",
    "ROOM",
    "EntryPath",
    "Kind",
    "RoleConflict",
    "RoleList",
    "RoleValue",
    "UnknownKindError",
    "Words",
    "all_kinds",
    "get",
    "known",
    "register",
    "registered",
    "sections",
    "unregister",
]
