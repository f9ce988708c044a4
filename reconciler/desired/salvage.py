"""Salvage a desired-state file that failed validation: drop the smallest broken part from
a copy of its data, so that the rest is validated again and its problems are still found,
without errors cascading from the broken part. Pure: it edits the copy it is given and says
what it dropped (``Dropped``); the loader draws the consequences.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from reconciler.capabilities import BUILTIN_PROFILES
from reconciler.desired.meeting_spec import PROFILE_RE, case_twin
from reconciler.desired.restrictions_spec import RestrictionsFileBase
from reconciler.desired.sections import MembersFileBase
from reconciler.desired.spec import SettingsFileBase
from reconciler.desired.yamlpos import Path as KeyPath
from reconciler.kinds import sections

SKIPPED = "bot:-"  # stands in for an invalid entry while the rest is validated again
PROFILES = "capability_profiles"  # of settings.yaml: a broken one is replaced, not dropped
PROFILE_STAND_IN = {"audio": "None", "video": "None", "content": "None"}


@dataclass(frozen=True)
class Dropped:
    """What ``drop`` removed, for what follows from it."""

    rules: bool = False  # every rule of a restrictions file: a broken list restricts nothing
    entry: KeyPath | None = None  # a member-list entry, left as ``SKIPPED`` (its place kept)
    group: str | None = None  # a group, by name: references to it are not "undefined"
    setting: str | None = None  # a top-level key of settings.yaml
    groups_unknown: bool = False  # a file's whole ``groups:``: it may define any group
    # a target whose id was broken or missing (section, key): its id left out or replaced
    # by a stand-in (``Kind.id_stand_in``), so that the rest of it is still checked; it is
    # no target to compare with the others, nor to plan
    unidentified: KeyPath | None = None


def drop(model: type[BaseModel], data: dict[str, Any], loc: KeyPath) -> Dropped:
    """Remove the smallest broken part at ``loc`` from ``data`` (a copy): an entry of a
    member list (replaced by a valid placeholder that the loader skips, so that the lines of
    the entries after it stay right), an attendee, a key of a target, a capability profile
    (replaced by a valid stand-in, so that the attendees naming it are not reported as
    naming an unknown one), a target's broken or missing id (left out, or replaced by a
    stand-in where it is required: the target is then ``unidentified``), else a whole
    target, group or setting."""
    top = loc[0] if loc else None
    if issubclass(model, RestrictionsFileBase):
        data.clear()  # a broken rule list restricts nothing rather than the wrong thing
        return Dropped(rules=True)
    if not isinstance(top, str) or top not in data:
        return Dropped()
    entry = _entry_of(model, loc)
    if entry is not None:
        entries, index = _get(data, entry[:-1]), entry[-1]
        if isinstance(entries, list) and isinstance(index, int) and index < len(entries):
            entries[index] = SKIPPED
            return Dropped(entry=entry)
        return Dropped()
    members_file = issubclass(model, MembersFileBase)
    keyed = members_file and any(k.is_keyed_entry_path(loc[2:4]) for k in sections().get(top, ()))
    if keyed and isinstance(entries := _get(data, loc[:3]), dict):
        entries.pop(loc[3], None)  # one attendee: the others are still checked
        return Dropped()
    if members_file and top in sections() and len(loc) >= 3 and loc[2] in _ids(top):
        target = _get(data, loc[:2])
        if isinstance(target, dict):  # QA5 Q5-10: not the whole target, which hid the rest
            field = str(loc[2])
            stand_in = _id_stand_in(top, field)
            if stand_in is not None:
                target[field] = stand_in
            else:
                target.pop(field, None)
            return Dropped(unidentified=loc[:2])
    if members_file and top in sections() and len(loc) >= 3 and loc[2] not in _keeps(top):
        target = _get(data, loc[:2])
        if isinstance(target, dict):
            target.pop(loc[2], None)
        return Dropped()
    if members_file and len(loc) >= 2 and isinstance(data[top], dict):
        data[top].pop(loc[1], None)
        return Dropped(group=str(loc[1])) if top == "groups" else Dropped()
    if issubclass(model, SettingsFileBase) and top == PROFILES and len(loc) >= 2:
        profiles = data[top]
        if isinstance(profiles, dict) and (
            loc[1] in BUILTIN_PROFILES or _bad_name(loc[1]) or case_twin(str(loc[1]), profiles)
        ):
            # named as a built-in (refused whatever it holds): dropped, the attendees
            # naming it get the built-in, and the other profiles stay (QA-E Q-E-1); a
            # name against the rule (``1on1``), or another's in another case (``Viewer``),
            # is dropped too: a stand-in under the same name would fail again, and take
            # the other profiles with it (QA-J Q-J-2)
            profiles.pop(loc[1], None)
            return Dropped()
        if isinstance(profiles, dict) and loc[1] in profiles:
            # a valid stand-in: the attendees naming it are not "unknown profile" errors
            profiles[loc[1]] = dict(PROFILE_STAND_IN)
            return Dropped()
    del data[top]
    if members_file and top == "groups":
        return Dropped(groups_unknown=True)
    return Dropped(setting=top) if issubclass(model, SettingsFileBase) else Dropped()


def _bad_name(name: object) -> bool:
    return not isinstance(name, str) or not PROFILE_RE.match(name)


def _entry_of(model: type[BaseModel], loc: KeyPath) -> KeyPath | None:
    """The member-list entry ``loc`` is in (or is): a problem inside an entry's mapping
    form (``rooms.R.members[2].until``) is the entry's."""
    for end in range(len(loc), 0, -1):
        if isinstance(loc[end - 1], int) and _is_entry(model, loc[:end]):
            return loc[:end]
    return None


def _is_entry(model: type[BaseModel], loc: KeyPath) -> bool:
    """Whether ``loc`` is one entry of a member list: ``groups.G[i]``, ``protected[i]``,
    or one a kind says is an entry (``rooms.R.administrators[i]``, ``rooms.R.members[i]``)."""
    if not loc or not isinstance(loc[-1], int):
        return False
    if issubclass(model, SettingsFileBase):
        return loc[:-1] == ("protected",)
    if issubclass(model, MembersFileBase):
        if len(loc) == 3:
            return loc[0] == "groups"
        if loc[0] == "groups":  # a group's mapping form: groups.G.members[i]
            return len(loc) == 4 and loc[2] == "members"
        section = sections().get(str(loc[0]), ())
        return len(loc) >= 3 and any(k.is_entry_path(loc[2:]) for k in section)
    return False


def _ids(section: str) -> tuple[str, ...]:
    """The keys naming a target of the section by id (``id``, ``arn``, ``meeting_id``)."""
    return tuple(k.id_field for k in sections().get(section, ()) if k.id_field is not None)


def _id_stand_in(section: str, field: str) -> str | None:
    """What stands in for a broken or missing required id ``field`` of the section's
    targets (``Kind.id_stand_in``), or None: an optional id is left out."""
    for k in sections().get(section, ()):
        if k.id_field == field and k.id_stand_in is not None:
            return k.id_stand_in
    return None


def _keeps(section: str) -> tuple[str, ...]:
    """Keys of a target that, broken, would make it another target (its scope; its id is
    handled apart, ``unidentified``): the whole target is dropped instead of the key."""
    keys = (f for k in sections().get(section, ()) for f in (k.id_field, k.scope_field))
    return tuple(f for f in keys if f is not None)


def _get(data: Any, path: KeyPath) -> Any:
    """The value at ``path`` in plain data, or None."""
    for part in path:
        if isinstance(part, int):
            data = data[part] if isinstance(data, list) and 0 <= part < len(data) else None
        else:
            data = data.get(part) if isinstance(data, dict) else None
    return data
