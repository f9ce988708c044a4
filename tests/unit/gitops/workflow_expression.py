"""The `${{ }}` expressions of the workflows, read as GitHub reads them, for the tests
that check what a workflow does under an event (test_gitops_branch_head.py,
test_drift_checks_applied_branch.py)."""

from __future__ import annotations

import re


def expression(text: str, github: dict[str, str]) -> str:
    """A `${{ }}` expression of the forms apply.yml uses, as GitHub evaluates it: `a || b`
    (the first non-empty), `a && b` (b where a is non-empty: `&&` binds first), names
    (absent: empty), `name == 'text'` (true: "true")."""

    def atom(part: str) -> str:
        m = re.fullmatch(r"(\S+) == '([^']*)'", part.strip())
        if m:
            return "true" if github.get(m[1], "") == m[2] else ""
        m = re.fullmatch(r"'([^']*)'", part.strip())
        return m[1] if m else github.get(part.strip(), "")

    def both(part: str) -> str:
        value = ""
        for operand in part.split("&&"):
            value = atom(operand)
            if not value:
                return ""
        return value

    return next((v for part in text.split("||") if (v := both(part))), "")
