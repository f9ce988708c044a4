"""What ``plan`` and ``merge-plans`` say on stderr about a plan with errors or a safety
refusal when stdout holds a document (``--format markdown|json``, often a file), or the
text plan where it is not seen (``plan > plan.txt``: ``stdout_seen``): each
error as the text plan prints it, located (``FILE:LINE: message``, which CI turns into an
annotation on that line, .github/scripts/run-step.sh), each refusal, then one line counting
them apart, saying where the document lists them and, refused, the one override wording
(``: apply applies it only with --allow-unsafe``; QA-HB Q-HB-2)."""

from __future__ import annotations

from reconciler.plan import Plan
from reconciler.prose import counted
from reconciler.render.limits import override, refused_by
from reconciler.render.safe import shown

FIELDS = {"errors": "errors", "refusals": "safety.violations"}  # the JSON document's


def problem_lines(
    plan: Plan, fmt: str, *, refused: bool, noun: str = "plan", in_output: bool = True
) -> list[str]:
    """The lines for stderr; none when the plan has no error and is not ``refused``. Not
    ``in_output``: stdout could not take the document (a name its encoding cannot hold, a
    full disk), so these lines are the only place the errors are said (QA-HK Q-HK-6)."""
    lines = [shown(e) for e in plan.errors]
    refusals = plan.violations if refused else ()
    lines += [f"Error: refusing this plan: {shown(str(v))}" for v in refusals]
    parts, fields = [], []
    if plan.errors:
        n = len(plan.errors)
        parts.append(f"has {counted(n, 'error')}")
        fields.append(FIELDS["errors"])
    if refusals:
        parts.append(refused_by(len(refusals)))
        fields.append(FIELDS["refusals"])
    if not parts:
        return []
    where = f"above, and in the {fmt} output" if in_output else "above"
    if fmt == "json" and in_output:
        where += f"'s {' and '.join(fields)}"
    how = f": {override()}" if refusals else ""  # as apply's closing line says it
    lines.append(f"Error: the {noun} {' and '.join(parts)} ({where}){how}; exit 1.")
    return lines
