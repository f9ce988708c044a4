"""``owners:`` of a room, channel, meeting or group: GitHub users or teams (or e-mail
addresses), as CODEOWNERS writes them (``reconciler.governance.codeowners``)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from reconciler.governance.codeowners import OWNER_PATTERN, parse_owner


def _owner(value: str) -> str:
    try:
        return parse_owner(value)
    except ValueError as exc:
        raise PydanticCustomError("owner", "{message}", {"message": str(exc)}) from None


Owner = Annotated[
    str,
    AfterValidator(_owner),
    Field(examples=["alice", "example-org/sre"], json_schema_extra={"pattern": OWNER_PATTERN}),
]
Owners = Annotated[
    list[Owner],
    Field(
        description="GitHub users or teams who own this: `chime-reconciler codeowners` makes "
        "them the required reviewers of this file."
    ),
]
