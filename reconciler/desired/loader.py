"""Load a desired-state directory: read, parse with positions, validate, resolve.

``load_desired(directory)`` returns a DesiredState or raises DesiredStateError with every
problem found (sorted by file and line), each ``FILE:LINE: PATH: message``.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
from array import array
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping
from dataclasses import replace
from itertools import count, repeat
from operator import is_
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from reconciler import collector, kinds
from reconciler.channel_refs import parse_bearer, parse_protected
from reconciler.desired import files as source_files
from reconciler.desired.files import RESTRICTIONS, SETTINGS
from reconciler.desired.found import Found, found_in
from reconciler.desired.groups import EntryAt, GroupDef
from reconciler.desired.instance_labels import labels_twice
from reconciler.desired.listed_twice import listed_twice
from reconciler.desired.member_entries import remembered_parses
from reconciler.desired.messages import SETTINGS_DATA, located, validate
from reconciler.desired.model import AppInstanceSetting, DesiredState, DesiredTarget
from reconciler.desired.resolve import Declarations, EntryList, RoleEntry, TargetDef, resolve
from reconciler.desired.restrictions import Rule, compile_rules, id_violation, violation
from reconciler.desired.restrictions_spec import RestrictionsFileBase, restrictions_file_model
from reconciler.desired.salvage import Dropped, drop
from reconciler.desired.sections import MembersFileBase, members_file_model, section_of
from reconciler.desired.settings_spec import settings_file_model
from reconciler.desired.spec import (
    Entry,
    GroupSpec,
    SettingsFileBase,
    entry_parser,
    remembered_entries,
)
from reconciler.desired.yamlpos import Document, Positions, parse
from reconciler.desired.yamlpos import Path as KeyPath
from reconciler.errors import DesiredStateError, Problem
from reconciler.governance import policy
from reconciler.governance.entries import grant_of, text_of
from reconciler.governance.grant import NO_GRANT, Grant
from reconciler.kinds import Kind, sections
from reconciler.prose import listed
from reconciler.refs import Location, MemberRef

SPECIAL_FILES = {  # file name -> kind of file; every other file is a rooms file
    **dict.fromkeys(SETTINGS, "settings"),
    **dict.fromkeys(RESTRICTIONS, "restrictions"),
}
TOP = "at the top of the desired-state directory"
ROOMS_FILE_HINTS = {
    **{k: f"settings belong in settings.yaml {TOP}" for k in SettingsFileBase.model_fields},
    "restrictions": f"restrictions belong in restrictions.yaml {TOP}",
}


def special_file_hints() -> dict[str, str]:
    """The hint at a members file's key in settings.yaml or restrictions.yaml: every
    section of the kinds registered now (``rooms``, ``channels``, ...) and ``groups``."""
    keys = [*sections(), "groups"]
    hint = f"{listed(keys)} belong in other files"
    return dict.fromkeys(keys, hint)


def load_desired(
    directory: Path, now: dt.datetime | None = None, found: Found | None = None
) -> DesiredState:
    """Read and validate every desired-state file under ``directory``; resolve groups.

    ``now``: the moment ``until:`` is evaluated at for the checks that depend on it (an
    entry expired at ``now`` makes no role conflict); None: nothing has expired. The
    entries stay in the result either way (``governance.expiry.as_of`` drops them).
    Raises DesiredStateError with all the problems found; never anything else for bad
    input. The collector is paused meanwhile (``collector``): loading makes no cycles.

    ``found``: called with each target of a file as soon as that file is loaded, as long
    as no problem has been found so far (settings.yaml first, then the other files): a
    problem found later (in another file, or across files) still raises."""
    with remembered_entries(), collector.paused():
        return _load(directory, now, found)


def _load(directory: Path, now: dt.datetime | None, found: Found | None) -> DesiredState:
    sources, problems = source_files.discover(directory)
    if not sources:
        raise DesiredStateError(problems)
    loader = _Loader()
    reported = 0  # the targets declared so far that ``found`` was told of
    # settings and restrictions first: the other files are checked against them
    for source in sorted(sources, key=lambda s: s.relative not in SPECIAL_FILES):
        text, problem = source_files.decode(source) if source.content is not None else ("", None)
        if source.content is None or text is None:
            problems += [problem] if problem else []
            loader.unreadable(source.relative, source.display)
            continue
        loader.load(source.relative, source.display, parse(text))
        if found is not None and not problems and not loader.problems:
            for target in found_in(loader.declared, reported):
                found(target)
            reported = len(loader.declared.targets)
    problems += loader.problems
    resolved = resolve(loader.declared, now)
    problems += resolved.problems
    if problems:
        raise DesiredStateError(_sorted(problems, loader.unloaded), resolved.targets)
    own = own_members(loader.declared.settings)
    tool = frozenset().union(*own.values())
    return DesiredState(
        targets=with_aliases(resolved.targets, os.environ),
        safety=resolved.safety,
        protected=resolved.protected | tool,
        # the tool itself is protected for good, whatever group entries name it too
        protected_until=tuple((r, u) for r, u in resolved.protected_until if r not in tool),
        protection_ends=tuple((r, u) for r, u in resolved.protection_ends if r not in tool),
        rates=loader.declared.rates,
        digest=source_files.digest(sources),
        files=tuple(s.display for s in sources),
        grouped=frozenset(g.location.file for g in loader.declared.groups.values()),
        owned=resolved.owned,
        policy=loader.declared.policy,
        drift=str(getattr(loader.declared.settings, "drift", "all")),
        app_instances=app_instances(loader.declared.settings, loader.settings_at),
        own_members=own,
    )


def own_members(settings: BaseModel | None) -> dict[tuple[str, str], frozenset[MemberRef]]:
    """The members that are the tool itself, by kind id and scope (``Kind.own_members``)."""
    return {
        (kind.id, scope): refs
        for kind in kinds.all_kinds()
        for scope, refs in kind.own_members(settings).items()
    }


def with_aliases(
    targets: tuple[DesiredTarget, ...], environ: Mapping[str, str]
) -> tuple[DesiredTarget, ...]:
    """``targets``, each with the other values ``--target`` selects it by, read from
    ``environ`` now (``Kind.id_aliases``: a meeting's ``${VARIABLE}``), so that planning
    reads no environment (QA-AM Q-AM-5)."""
    out = []
    for t in targets:
        aliases = kinds.get(t.key.kind).id_aliases(t.target_id, environ) if t.target_id else ()
        out.append(replace(t, aliases=aliases) if aliases else t)
    return tuple(out)


def app_instances(
    settings: object, where: tuple[str, Positions] | None = None
) -> tuple[AppInstanceSetting, ...]:
    """settings.yaml's ``app_instances``, with their bearers as member references and,
    given the file's display name and positions (``where``), the line of each."""
    found: dict[str, Any] = getattr(settings, "app_instances", None) or {}

    def lines(label: str, spec: Any) -> tuple[Location, ...]:
        if where is None:
            return ()
        display, positions = where
        at: KeyPath = ("app_instances", label)
        paths = (
            [(*at, "bearer")]
            if spec.bearer is not None
            else [(*at, "bearers", i) for i in range(len(spec.bearer_texts()))]
        )
        return tuple(Location(display, positions.line_of(path)) for path in paths)

    return tuple(
        AppInstanceSetting(
            label,
            spec.arn,
            tuple(parse_bearer(b) for b in spec.bearer_texts()),
            spec.user_id_from,
            lines(label, spec),
        )
        for label, spec in sorted(found.items())
    )


def _sorted(problems: Iterable[Problem], unloaded: Collection[str] = ()) -> list[Problem]:
    """The problems of files that could not be loaded first (what follows may be their
    knock-on effects), then those without a file, then by file and line (stable within a
    line)."""

    def rank(p: Problem) -> tuple[int, Location]:
        if p.location is None:
            return (1, Location("", 0))
        return (0 if p.location.file in unloaded else 2, p.location)

    return sorted(problems, key=rank)


def not_a_mapping(data: object) -> str:
    """What is wrong with a file whose top level is ``data``, not a mapping (nor empty)."""
    what = "list" if isinstance(data, list) else "single value"
    return f"the top level must be a mapping of keys, not a {what}"


class _Loader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.declared = Declarations()
        self.rules: tuple[Rule, ...] = ()
        self.special: dict[str, str] = {}  # settings / restrictions -> display of the first
        self.skipped: set[tuple[str, KeyPath]] = set()  # invalid list entries (file, path)
        self.unloaded: set[str] = set()  # files (displays) whose declarations are unknown
        self.unidentified: set[tuple[str, KeyPath]] = set()  # targets whose id is broken
        # entries by text, per parser: the entry, and the first text of an equal one (the
        # same text for ``Alice@X`` and ``alice@x``), so that entries in a list are told
        # apart by a string's hash (in C), not by MemberRef's (in Python)
        self.texts: dict[Callable[[str], MemberRef], dict[str, tuple[Entry, str]]] = {}
        self.first_texts: dict[Entry, str] = {}
        self.settings_at: tuple[str, Positions] | None = None  # settings.yaml's name, lines
        self.settings_data: dict[str, Any] = {}  # settings.yaml as written (``SETTINGS_DATA``)

    def load(self, relative: str, display: str, doc: Document) -> None:
        kind = self._kind(relative, display)
        if kind == "ignored":
            return
        lost = [i.path for i in doc.issues if i.value_lost]
        self.problems += [located(display, i.line, i.path, i.message) for i in doc.issues]
        if doc.data is None and not doc.issues:
            doc.data = {}  # an empty file (or comments only) declares nothing
        if not isinstance(doc.data, dict):
            if doc.data is not None:
                line = doc.positions.value_line(())
                message = not_a_mapping(doc.data)
                self.problems.append(Problem(Location(display, line), message))
            self._unknowable(kind, display)
            return
        if kind == "settings":
            self.settings_data = doc.data
            settings = settings_file_model()
            # its own profiles' names, to refuse one that is another's in another case
            context = {SETTINGS_DATA: self.settings_data}
            hints = special_file_hints()
            model = self._validated(settings, doc, display, lost, hints, context)
            if isinstance(model, SettingsFileBase):
                self._settings(model, display, doc.positions)
        elif kind == "restrictions":
            restrictions = restrictions_file_model()
            model = self._validated(restrictions, doc, display, lost, special_file_hints())
            if isinstance(model, RestrictionsFileBase):
                self.rules = compile_rules(model, display, doc.positions)
        else:
            context = {SETTINGS_DATA: self.settings_data}
            members = members_file_model(doc.data.keys())  # the sections it has
            model = self._validated(members, doc, display, lost, ROOMS_FILE_HINTS, context)
            if isinstance(model, MembersFileBase):
                self._members_file(model, relative, display, doc.positions)

    def unreadable(self, relative: str, display: str) -> None:
        """A file that could not be read or decoded (its problem is reported already)."""
        self._unknowable(SPECIAL_FILES.get(relative, "rooms"), display)

    def _kind(self, relative: str, display: str) -> str:
        kind = SPECIAL_FILES.get(relative, "rooms")
        if kind == "rooms":
            return kind
        if kind in self.special:
            message = f"{kind} already read from {self.special[kind]}: keep one file"
            self.problems.append(Problem(Location(display, 1), message))
            return "ignored"
        self.special[kind] = display
        return kind

    def _validated(
        self,
        model: type[BaseModel],
        doc: Document,
        display: str,
        lost: list[KeyPath],
        hints: dict[str, str],
        context: Mapping[str, Any] | None = None,
    ) -> BaseModel | None:
        """Validate; on errors report them (except where YAML already lost the value) and
        validate again without the broken rooms, groups or settings, so that problems
        elsewhere are still found and nothing cascades from a broken part."""
        result = validate(model, doc.data, display, doc.positions, hints, context)
        if result.model is not None:
            return result.model
        self.problems += [p for loc, p in result.errors if not _under_any(loc, lost)]
        data: dict[str, Any] = copy.deepcopy(doc.data)  # drop edits it
        for loc, _ in result.errors:
            self._note(drop(model, data, loc), display)
        salvaged = validate(model, data, display, doc.positions, context=context).model
        if salvaged is None:  # pragma: no cover - dropping every broken part should do
            settings = issubclass(model, SettingsFileBase)
            self._unknowable("settings" if settings else "rooms", display)
        return salvaged

    def _unknowable(self, kind: str, display: str) -> None:
        """A file we could not read may define groups and the default account: undefined
        groups elsewhere name it; rooms without an account are not reported."""
        self.unloaded.add(display)
        if kind == "rooms" and display not in self.declared.groups_unknown_in:
            self.declared.groups_unknown_in.append(display)
        if kind == "settings":
            self.declared.settings_unreadable = True

    def _note(self, dropped: Dropped, display: str) -> None:
        """What dropping a broken part (``salvage.drop``) means for the rest of the load."""
        if dropped.rules:
            self.rules = ()
        if dropped.entry is not None:
            self.skipped.add((display, dropped.entry))
        if dropped.group is not None:
            self.declared.broken_groups.add(dropped.group)
        if dropped.setting is not None:
            self.declared.broken_settings.add(dropped.setting)
        if dropped.groups_unknown:
            self._unknowable("rooms", display)
        if dropped.unidentified is not None:
            self.unidentified.add((display, dropped.unidentified))

    def _settings(self, model: SettingsFileBase, display: str, positions: Positions) -> None:
        self.settings_at = (display, positions)
        self.declared.settings = model
        self.declared.prune = model.prune
        self.declared.safety = model.safety
        self.declared.rates = dict(model.rates)
        self.problems += policy.grant_key_problems(model.max_grant_days, display, positions)
        self.problems += labels_twice(model.app_instances, display, positions)
        listed = [(("protected",), zip(count(), model.protected, repeat(None)))]
        self.declared.protected = _flat(self._entries(parse_protected, listed, display, positions))

    def _members_file(
        self, model: BaseModel, relative: str, display: str, positions: Positions
    ) -> None:
        groups: dict[str, Any] = model.groups  # type: ignore[attr-defined]
        for name, value in groups.items():
            path: KeyPath = ("groups", name)
            group_entries, owners = _group_parts(value)
            list_path: KeyPath = (*path, "members") if isinstance(value, GroupSpec) else path
            location = Location(display, positions.line_of(path))
            why = violation(self.rules, relative, "groups", ("group", "groups"), name)
            if why:
                self.problems.append(located(display, location.line, path, why))
            if name in self.declared.groups:
                first = self.declared.groups[name].location
                message = f"group {name!r} is already defined at {first}"
                self.problems.append(located(display, location.line, path, message))
                continue
            listed = [(list_path, zip(count(), group_entries, repeat(None)))]
            entries = _flat(
                self._entries(MemberRef.parse, listed, display, positions, in_group=True)
            )
            written = _respelled(entries, group_entries)
            self.declared.groups[name] = GroupDef(name, location, path, entries, owners, written)
        for section, section_kinds in sections().items():
            targets = section_of(model, section)
            for key, spec in targets.items():
                self._target(section, section_kinds, key, spec, relative, display, positions)

    def _target(
        self,
        section: str,
        section_kinds: tuple[Kind, ...],
        key: str,
        spec: BaseModel,
        relative: str,
        display: str,
        positions: Positions,
    ) -> None:
        """One entry of a section: a target of each kind declared there."""
        path: KeyPath = (section, key)
        location = Location(display, positions.line_of(path))
        unidentified = (display, path) in self.unidentified  # its id is broken, reported
        if self.rules:
            kind = section_kinds[0]
            self._restricted(kind, path, spec, relative, display, positions, unidentified)
        settings = self.declared.settings
        for kind in section_kinds:
            for p, message in kind.entry_problems(spec, settings):
                at = (*path, *p)
                problem = located(display, positions.value_line(at), at, message)
                if problem not in self.problems:  # once for a section's kinds (its `arn:`)
                    self.problems.append(problem)
            lists = [((*path, *w), items) for w, items in kind.entry_lists(spec, settings)]
            entries = self._entries(_parser(kind), lists, display, positions)
            target = TargetDef(kind, key, spec, location, path, entries, unidentified)
            self.declared.targets.append(target)

    def _restricted(
        self,
        kind: Kind,
        path: KeyPath,
        spec: BaseModel,
        relative: str,
        display: str,
        positions: Positions,
        unidentified: bool,
    ) -> None:
        """restrictions.yaml on one target: its key (a name) against the rule's names; its
        id, when declared by one, against the rule's ``ids`` (the key is then only a label:
        the names cannot restrict the target, QA5 Q5-1), unless that id is broken (its
        problem is reported: what stands in for it is not the user's)."""
        section, key = str(path[0]), str(path[1])
        words = kind.words
        nouns = (words.noun, words.plural)
        why = key.strip() and violation(self.rules, relative, section, nouns, key)
        if why:
            self.problems.append(located(display, positions.line_of(path), path, why))
        if kind.id_field is None:  # its scope is its id: the rule's ids list the scopes
            self._restricted_scope(kind, path, spec, relative, display, positions)
            return
        target_id = None if unidentified else kind.target_id_of(spec, self.declared.settings)
        why = target_id and id_violation(
            self.rules, relative, section, words, kind.id_field, target_id, kind.normal_id
        )
        if why:
            at = (*path, kind.id_field)
            self.problems.append(located(display, positions.value_line(at), at, why))

    def _restricted_scope(
        self,
        kind: Kind,
        path: KeyPath,
        spec: BaseModel,
        relative: str,
        display: str,
        positions: Positions,
    ) -> None:
        """restrictions.yaml on a target that is its scope (``id_field`` None): its key is
        only a label, so its scope is checked as its id against the rule's ``ids``, as
        written (``scope_field``) or as the kind resolves it (``target_id_of``), whichever
        is listed (QA-BS Q-BS-1); located at the scope key, or at the target's key where
        settings.yaml gives the scope."""
        section = str(path[0])
        written = getattr(spec, kind.scope_field, None)
        target_id = kind.target_id_of(spec, self.declared.settings)
        if target_id is None:  # no scope: reported as the kind's own problem
            return
        field, normal = kind.scope_field, kind.normal_id
        why = id_violation(self.rules, relative, section, kind.words, field, target_id, normal)
        if why and written is not None and str(written).strip() != target_id.strip():
            also = id_violation(
                self.rules, relative, section, kind.words, field, str(written), normal
            )
            why = why if also else None
        if why:
            at = (*path, kind.scope_field) if written is not None else path
            self.problems.append(located(display, positions.value_line(at), at, why))

    def _entries(
        self,
        parse_member: Callable[[str], MemberRef],
        lists: Iterable[tuple[KeyPath, Iterable[tuple[str | int, Any, Hashable]]]],
        display: str,
        positions: Positions,
        in_group: bool = False,
    ) -> tuple[EntryList, ...]:
        """Parse validated member entries, list by list (``Kind.entry_lists``: a list's
        path, its entries ``(index, value, role)``): a reference, or its mapping form with
        until / reason / ticket (the grant); the same member twice in one list is an error.
        Each list's entries come out as columns (``EntryList``), no object made per entry."""
        seen: dict[KeyPath, dict[str, int]] = {}  # per list: an entry's first text -> line
        out = []
        skipped, parse_one = self.skipped, entry_parser(parse_member)
        parsed = remembered_parses(parse_member).get  # most entries: parsed before
        texts, first_texts = self.texts.setdefault(parse_member, {}), self.first_texts
        for within, items in lists:
            in_list = seen.setdefault(within, {})
            first_written: dict[str, str] = {}  # an entry's text where first listed
            lines = positions.items.get(within)
            listed = len(lines) if lines is not None else 0
            entries: list[Entry] = []
            at, indices, roles = array("L"), [], []
            grants: list[Grant] | None = None
            as_listed = True  # the list's own entries, each at its own line, none left out
            role: Hashable = None
            for index, value, role in items:
                if skipped and (display, (*within, index)) in skipped:  # invalid, reported
                    as_listed = False
                    continue
                text = value if type(value) is str else text_of(value)
                known = texts.get(text)
                if known is None:
                    entry = parsed(text) or parse_one(text)
                    known = texts[text] = (entry, first_texts.setdefault(entry, text))
                entry, same = known
                if type(index) is int and 0 <= index < listed:
                    line = lines[index]  # type: ignore[index]  # a list entry's own line
                else:  # a mapping's entry (a meeting attendee): its key's
                    as_listed = False
                    where = positions.line_of if isinstance(index, str) else positions.value_line
                    line = where((*within, index))
                listed_before = len(in_list)
                first = in_list.setdefault(same, line)
                if len(in_list) == listed_before:
                    as_listed = False
                    first_text = first_written.get(same, text)
                    message = listed_twice(text, entry, first, first_text, in_group)
                    self.problems.append(located(display, line, (*within, index), message))
                    continue
                first_written.setdefault(same, text)
                entries.append(entry)
                at.append(line)
                indices.append(index)
                roles.append(role)
                if type(value) is not str and isinstance(value, BaseModel):  # the mapping form
                    grants = grants if grants is not None else [NO_GRANT] * (len(entries) - 1)
                    grants.append(grant_of(value, Location(display, line)))
                elif grants is not None:
                    grants.append(NO_GRANT)
            if lines is not None and as_listed and len(entries) == listed:
                at, indices = lines, None  # type: ignore[assignment]  # the list's own
            one_role = all(map(is_, roles, repeat(role)))  # most lists: one for every entry
            out.append(
                EntryList(
                    within, display, role, entries, at, indices, None if one_role else roles, grants
                )
            )
        return tuple(out)


def _parser(kind: Kind) -> Callable[[str], MemberRef]:
    """The kind's parser: its ``member_parser`` itself unless the kind overrides
    ``parse_member``, so that the loader meets the parses the validators remembered."""
    if type(kind).parse_member is Kind.parse_member:
        return kind.member_parser
    return kind.parse_member


def _flat(lists: Iterable[EntryList]) -> tuple[RoleEntry, ...]:
    return tuple(e for entries in lists for e in entries)


def _under_any(loc: KeyPath, prefixes: list[KeyPath]) -> bool:
    return any(loc[: len(p)] == p for p in prefixes)


def _respelled(entries: Iterable[EntryAt], values: list[Any]) -> dict[str | int, str]:
    """A group's entries written otherwise than the reference they read as (``Bot:X``,
    ``bot: X`` read as ``bot:X``), by index: their text as written, white space around it
    aside, for a kind that reads a reference as written (a meeting, Q-EK-1)."""
    written: dict[str | int, str] = {}
    for at in entries:
        if not isinstance(at.entry, MemberRef) or type(at.index) is not int:
            continue
        value = values[at.index]
        text = (value if type(value) is str else text_of(value)).strip()
        if text != str(at.entry):
            written[at.index] = text
    return written


def _group_parts(value: Any) -> tuple[list[Any], tuple[str, ...]]:
    """A group's entries and owners, from its list or its mapping form."""
    if isinstance(value, GroupSpec):
        return list(value.members), tuple(value.owners)
    return list(value), ()
