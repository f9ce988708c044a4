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
- a file that matches no rule is unrestricted; end the list with ``- path: "**"`` to
  allow nothing elsewhere. Without ``restrictions.yaml``, everything is allowed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from reconciler.desired.patterns import Pattern, compile_pattern, literal
from reconciler.desired.spec import RestrictionsFile
from reconciler.desired.yamlpos import Positions
from reconciler.refs import Location


@dataclass(frozen=True)
class Rule:
    path: str
    matcher: Pattern
    patterns: Mapping[str, tuple[Pattern, ...]]  # section ("rooms", "groups") -> names
    location: Location

    def allows(self, section: str, name: str) -> bool:
        return any(p.search(name) for p in self.patterns.get(section, ()))

    def explain(self, section: str, noun: str) -> str:
        patterns = self.patterns.get(section, ())
        shown = ", ".join(repr(p.text) for p in patterns)
        allowed = f"allows {noun}s matching {shown}" if patterns else f"allows no {noun}s"
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


def compile_rules(spec: RestrictionsFile, file: str, positions: Positions) -> tuple[Rule, ...]:
    """The rules of a validated file (its patterns compiled already once, by ``spec``)."""
    return tuple(
        Rule(
            path=rule.path,
            matcher=glob_to_regex(rule.path),
            patterns={
                section: tuple(compile_pattern(r) for r in getattr(rule, section))
                for section in type(rule).model_fields
                if section != "path"
            },
            location=Location(file, positions.value_line(("restrictions", i))),
        )
        for i, rule in enumerate(spec.restrictions)
    )


def rule_for(rules: tuple[Rule, ...], relative_path: str) -> Rule | None:
    """The first rule whose glob matches the file (a POSIX path relative to the dir)."""
    for rule in rules:
        if rule.matcher.fullmatch(relative_path):
            return rule
    return None


def violation(
    rules: tuple[Rule, ...], relative_path: str, section: str, noun: str, name: str
) -> str | None:
    """Why ``relative_path`` may not define the ``noun`` (room, group, ...) ``name`` of
    ``section`` ("rooms", "groups", ...), or None if it may."""
    rule = rule_for(rules, relative_path)
    if rule is None or rule.allows(section, name):
        return None
    return f"{noun} {name!r} may not be defined in {relative_path}: {rule.explain(section, noun)}"
