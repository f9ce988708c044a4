"""The ``app_instances:`` entries of settings.yaml: a Chime SDK app instance whose channels
are managed, and the bearers (AppInstanceAdmins) the tool calls as."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from reconciler.channel_refs import bot_instance, parse_bearer, user_instance
from reconciler.desired.arns import APP_INSTANCE_ARN, FORMS
from reconciler.desired.member_entries import GROUP_PREFIX
from reconciler.desired.spec_base import Strict, fail, short, trimmed
from reconciler.refs import EMAIL_PATTERN, MemberRef
from reconciler.sdk_regions import region_problem

MAX_BEARERS = 100  # an app instance has at most 100 AppInstanceAdmins
WEBHOOK_PREFIX = "webhook:"  # a room's member form: nothing a channel call can be made as
BEARER_FORMS = "user:ID, bot:NAME, or an AppInstanceUser or AppInstanceBot ARN of this app instance"
# what ``_bearer`` may take, for the JSON Schema (QA5 Q5-9): no group, webhook or blank;
# a malformed user:ID or ARN, or one of another app instance, is left to validate
BEARER_PATTERN = (
    rf"^\s*(?:[Bb][Oo][Tt]:.*\S.*|[Uu][Ss][Ee][Rr]:.*|[Aa][Rr][Nn]:.*|{EMAIL_PATTERN})\s*$"
)


def _bearer(value: str, info: ValidationInfo) -> str:
    if not isinstance(value, str) or not value.strip():
        raise fail("member_ref", "empty member reference")
    short(value, "the bearer")
    if value.strip().startswith(GROUP_PREFIX):
        raise fail("member_ref", "the bearer is one user or bot, not a group")
    if value.strip().casefold().startswith(WEBHOOK_PREFIX):
        raise fail("member_ref", f"a webhook cannot be a bearer: give {BEARER_FORMS}")
    try:
        parse_bearer(value)
    except ValueError as exc:
        raise fail("member_ref", str(exc)) from None
    # the app instance's `arn` (validated before: it comes first), when it is valid
    instance = info.data.get("arn")
    for what, other in (("user", user_instance(value)), ("bot", bot_instance(value))):
        if instance is not None and other is not None and other != instance:
            raise fail(
                "member_ref",
                f"{value.strip()} is a {what} of app instance {other}, not of app instance "
                f"{instance}: a bearer calls as a user or bot of the app instance it manages",
            )
    return value


def _in_sdk_region(arn: str) -> str:
    """An app instance ARN of a region with Chime SDK messaging and identity endpoints
    (botocore's endpoint data): elsewhere no call about it could be answered (Q-AL-2)."""
    problem = region_problem(arn.split(":")[3])
    if problem is not None:
        raise fail("app_instance_region", problem)
    return arn


Bearer = Annotated[
    str,
    AfterValidator(_bearer),
    Field(
        json_schema_extra={"pattern": BEARER_PATTERN},  # for editors; _bearer says why
        description="An AppInstanceAdmin the tool calls as (`user:ID`, `bot:NAME`, or an "
        "AppInstanceUser or AppInstanceBot ARN of this app instance, the one way to name "
        "one of two bots of one name): its own memberships and moderator rights are never "
        "removed.",
    ),
]


class AppInstanceSpec(Strict):
    """A Chime SDK app instance whose channels are managed, and who the tool calls as:
    one `bearer`, or several `bearers` the work is spread across (each channel is read and
    written by one of them; each has its own request quota)."""

    # `bearer` or `bearers`, not both, not neither (``_one_way``), for editors too (QA5
    # Q5-9); a null one is not given
    model_config = ConfigDict(
        json_schema_extra={
            "oneOf": [
                {"required": ["bearer"], "properties": {"bearer": {"type": "string"}}},
                {"required": ["bearers"], "properties": {"bearers": {"type": "array"}}},
            ]
        }
    )

    arn: Annotated[str, BeforeValidator(trimmed), AfterValidator(_in_sdk_region)] = Field(
        pattern=APP_INSTANCE_ARN, description=FORMS[APP_INSTANCE_ARN]
    )
    bearer: Bearer | None = None
    bearers: list[Bearer] | None = Field(
        None,
        min_length=1,
        max_length=MAX_BEARERS,
        description="Several AppInstanceAdmins the tool calls as (instead of `bearer`): the "
        "channels are divided among them, so a large app instance is read that many times "
        "faster. None of them is ever removed from a channel or as a moderator.",
    )
    user_id_from: Literal["email"] = Field(
        "email",
        description="How a bare e-mail address (from a group) becomes an AppInstanceUserId: "
        "`email`, the address itself in lower case.",
    )

    @model_validator(mode="after")
    def _one_way(self) -> AppInstanceSpec:
        if self.bearer is not None and self.bearers is not None:
            raise fail("bearers", "give `bearer` or `bearers`, not both")
        if self.bearer is None and self.bearers is None:
            raise fail("bearers", "`bearer` (or `bearers`, a list) is required")
        return self

    @field_validator("bearers", mode="before")  # before min_length: say what to give
    @classmethod
    def _not_empty(cls, bearers: object) -> object:
        if bearers == []:
            raise fail("bearers", f"an empty list: give at least one bearer ({BEARER_FORMS})")
        return bearers

    @field_validator("bearers")
    @classmethod
    def _once_each(cls, bearers: list[str] | None) -> list[str] | None:
        """At the list's line (a model validator's error is at the app instance's)."""
        seen: set[MemberRef] = set()
        for text in bearers or []:
            ref = parse_bearer(text)
            if ref in seen:
                raise fail("bearers", f"{text.strip()} is listed twice in `bearers`")
            seen.add(ref)
        return bearers

    def bearer_texts(self) -> list[str]:
        """The bearers as written, in order (one for `bearer`)."""
        return [self.bearer] if self.bearer is not None else list(self.bearers or [])
