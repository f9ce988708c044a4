"""settings.yaml's ``app_instances``: one label an app instance (QA-GF Q-GF-5: two labels
of one ARN import its channels twice, into two files declaring each channel twice). The
second label is the error, at its own line, naming the first's (QA-GL Q-GL-7: it was at
the ``app_instances:`` line, as a check of the whole mapping), as every "twice" error."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reconciler.desired.messages import located
from reconciler.desired.yamlpos import Positions
from reconciler.errors import Problem
from reconciler.quoted import named


def labels_twice(found: Mapping[str, Any], display: str, positions: Positions) -> list[Problem]:
    """A problem for each label of ``found`` (label -> spec with ``arn``, in the file's
    order) whose app instance an earlier label names already."""
    first: dict[str, str] = {}
    problems = []
    for label, spec in found.items():
        earlier = first.setdefault(spec.arn, label)
        if earlier == label:
            continue
        at = positions.line_of(("app_instances", earlier))
        shown = named(earlier)  # a label, whole as a name (QA-GV Q-GV-8)
        problems.append(
            located(
                display,
                positions.line_of(("app_instances", label)),
                ("app_instances", label),
                f"names the app instance of label {shown} ({display}:{at}), "
                f"{spec.arn}: give it one label",
            )
        )
    return problems
