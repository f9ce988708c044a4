"""Who wrote an issue or a comment, as GitHub's REST API says (``user.type``).

Only what a bot wrote (the workflow's token posts as ``github-actions[bot]``, or as a
GitHub App) is ever taken for ours: a person's comment or issue under our marker would
stay theirs to edit after the plan was written into it, so a fake plan could follow the
real one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def by_a_person(item: Mapping[str, Any]) -> bool:
    """Whether a person (``user.type`` ``User``) wrote the issue or comment ``item``."""
    user = item.get("user")
    return isinstance(user, Mapping) and user.get("type") == "User"
