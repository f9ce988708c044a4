"""Ownership restrictions (``restrictions.yaml``), as Kubernetes does for its groups
(kubernetes/k8s.io ``groups/restrictions.yaml``):

- each rule has a ``path`` glob, relative to the desired-state directory (``*`` and ``?``
  stay within one path segment, ``**`` spans any number of them), and lists of regular
  expressions for the ``rooms`` and ``groups`` that files there may define;
- a file is governed by the **first** rule whose path matches it; a name is allowed when
  any of that rule's expressions matches it anywhere (a search; anchor with ``^...$``),
  in RE2's syntax and in linear time (``patterns.py``: names come from pull requests);
  a rule without ``rooms:`` (or ``groups:``) allows none; the same holds for every
  membership kind's section (``channels:``, ...): a kind whose section a rule cannot name
  may not be defined under that rule at all;
- a target declared by id (a room's ``id:``, a channel's ``arn:``, a meeting's
  ``meeting_id``) is whichever target has that id, whatever its key says, so no name
  pattern can restrict it: under a rule, it may be declared only if the rule lists its id
  under ``ids:`` (per section, as written, compared as its kind compares ids:
  ``Kind.normal_id``, a meeting's UUID in any case); its key, when it has one, must still
  match the names (QA5 Q5-1: fail closed, and offline, so that ``validate`` on a pull
  request refuses it);
- a file that matches no rule is unrestricted; end the list with ``- path: "**"`` to
  allow nothing elsewhere. Without ``restrictions.yaml``, everything is allowed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reconciler.desired.patterns import Pattern, compile_pattern, literal
from reconciler.desired.yamlpos import Positions
from reconciler.refs import Location

if TYPE_CHECKING:  # restrictions_spec validates a rule's path with ``never_matches``
    from reconciler.desired.restrictions_spec import RestrictionsFileBase
    from reconciler.kinds.base import Words

SUFFIXES = (".yaml", ".yml")  # the files the desired state is read from (desired/files.py)


@dataclass(frozen=True)
class Rule:
    path: str
    matcher: Pattern
    patterns: Mapping[str, tuple[Pattern, ...]]  # section ("rooms", "groups") -> names
    location: Location
    ids: Mapping[str, tuple[str, ...]]  # section ("rooms") -> the ids it may declare, stripped

    def allows(self, section: str, name: str) -> bool:
        return any(p.search(name) for p in self.patterns.get(section, ()))

    def explain(self, section: str, plural: str) -> str:
        """What the rule allows in ``section``, whose targets are called ``plural``."""
        patterns = self.patterns.get(section, ())
        shown = ", ".join(repr(p.text) for p in patterns)
        allowed = f"allows {plural} matching {shown}" if patterns else f"allows no {plural}"
        return f"the rule at {self.location} (path {self.path!r}) {allowed}"


def glob_to_regex(pattern: str) -> Pattern:
    """``teams/*/sre.yaml``, ``teams/sre/**``, ``**/*.yaml`` as a full-match pattern."""
    out = []
    i = 0
    pattern = pattern.strip().removeprefix("./")
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(literal(pattern[i]))
            i += 1
    return compile_pattern("(?s)" + "".join(out))


def never_matches(path: str) -> str | None:
    """Why the glob ``path`` can match no desired-state file, whatever files are added
    (None: some file could match; a rule may close a folder before it has files). A file's
    path is relative to the directory, '/'-separated, without '.', '..', hidden or empty
    names, and ends in .yaml or .yml: a rule written the CODEOWNERS or gitignore way
    (``/teams/web/**``, ``teams/web/``, ``teams/web``) would govern nothing, silently."""
    glob = path.strip().removeprefix("./")
    if glob.startswith("/"):
        return (
            "paths are relative to the desired-state directory and never start with '/': "
            f"write {glob.lstrip('/') or '**'!r}"
        )
    if glob.endswith("/"):
        return (
            f"it names a folder, and a rule matches files: write {glob + '**'!r} for every "
            "file below it"
        )
    names = glob.split("/")
    if "" in names:
        fixed = "/".join(n for n in names if n)
        return f"paths hold no empty folder name ('//'): write {fixed!r}"
    if any(n.startswith(".") for n in names):
        return (
            "the desired state is read from no file or folder whose name starts with '.' "
            "(nor from '.' or '..')"
        )
    if not any(_may_end_with(glob, suffix) for suffix in SUFFIXES):
        why = (
            "it matches no file ending in .yaml or .yml, the only files the desired state "
            "is read from"
        )
        last = names[-1]
        if not any(c in last for c in "*?."):  # a folder's name, most likely
            why += f"; for a folder, write {glob + '/**'!r}"
        return why
    return None


def _may_end_with(glob: str, suffix: str) -> bool:
    """Whether some path the glob matches ends with ``suffix`` (no '/' in it): the glob
    read backwards against the suffix. ``*`` and a final ``**`` take whatever is left;
    ``**/`` (none or more folders) only its empty form: anything else ends with '/'."""
    i, j = len(glob), len(suffix)
    while j > 0:
        if i == 0:
            return False  # the whole path is shorter than the suffix
        if glob.endswith("**/", 0, i):
            i -= 3
        elif glob[i - 1] == "*":
            return True
        elif glob[i - 1] == "?" or glob[i - 1] == suffix[j - 1]:
            i, j = i - 1, j - 1
        else:
            return False
    return True


def compile_rules(spec: RestrictionsFileBase, file: str, positions: Positions) -> tuple[Rule, ...]:
    """The rules of a validated file (its patterns compiled already once, by ``spec``)."""
    rules: list[Any] = getattr(spec, "restrictions")  # noqa: B009 (a field of the built model)
    return tuple(
        Rule(
            path=rule.path,
            matcher=glob_to_regex(rule.path),
            patterns={
                section: tuple(compile_pattern(r) for r in getattr(rule, section))
                for section in type(rule).model_fields
                if section not in ("path", "ids")
            },
            location=Location(file, positions.value_line(("restrictions", i))),
            ids={
                section: tuple(dict.fromkeys(i.strip() for i in getattr(rule.ids, section)))
                for section in type(rule.ids).model_fields
            },
        )
        for i, rule in enumerate(rules)
    )


def rule_for(rules: tuple[Rule, ...], relative_path: str) -> Rule | None:
    """The first rule whose glob matches the file (a POSIX path relative to the dir)."""
    for rule in rules:
        if rule.matcher.fullmatch(relative_path):
            return rule
    return None


def violation(
    rules: tuple[Rule, ...],
    relative_path: str,
    section: str,
    nouns: tuple[str, str],
    name: str,
) -> str | None:
    """Why ``relative_path`` may not define the ``name`` of ``section`` ("rooms", "groups",
    ...), whose targets are called ``nouns`` (one, several: ("room", "rooms")), or None if
    it may."""
    rule = rule_for(rules, relative_path)
    if rule is None or rule.allows(section, name):
        return None
    noun, plural = nouns
    allowed = rule.explain(section, plural)
    return f"{noun} {name!r} may not be defined in {relative_path}: {allowed}"


def id_violation(
    rules: tuple[Rule, ...],
    relative_path: str,
    section: str,
    words: Words,
    field: str,
    target_id: str,
    normal: Callable[[str], str] = str.strip,
) -> str | None:
    """Why ``relative_path`` may not declare the target of ``section`` (called as
    ``words`` say) by its id ``target_id`` (written as ``field:``), or None if it may: a
    file under a rule may declare by id only what the rule lists under ``ids:``, each
    compared as the kind compares its ids (``normal``: ``Kind.normal_id``)."""
    rule = rule_for(rules, relative_path)
    if rule is None:
        return None
    listed = rule.ids.get(section, ())
    if normal(target_id) in {normal(i) for i in listed}:
        return None
    noun = words.noun
    what, whats = words.id_word
    shown = ", ".join(repr(i) for i in listed)
    allowed = f"the {noun} {whats} {shown}" if listed else f"no {noun} {whats}"
    return (
        f"{noun} {what} {target_id!r} may not be declared in {relative_path}: the rule at "
        f"{rule.location} (path {rule.path!r}) allows {allowed} ({words.a_noun} declared "
        f"by `{field}:` is whichever {noun} has that {what}, whatever its key: list the "
        f"{whats} this rule's files may declare under its `ids: {{{section}: [...]}}`)"
    )
