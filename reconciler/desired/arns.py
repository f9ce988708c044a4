"""The ARN forms a desired-state file may declare: each pattern (what the models check)
beside the form an error message shows when a value does not match it."""

from __future__ import annotations

# white space at either end is allowed (the models read an ARN trimmed: QA-CF Q-CF-6)
APP_INSTANCE_ARN = r"^\s*arn:aws:chime:[a-z0-9-]+:\d{12}:app-instance/[^/]+$"
CHANNEL_ARN = r"^\s*arn:aws:chime:[a-z0-9-]+:\d{12}:app-instance/[^/]+/channel/[^/]+$"

# pattern -> the form a message names (``desired.messages``)
FORMS = {
    APP_INSTANCE_ARN: "arn:aws:chime:REGION:ACCOUNT:app-instance/ID",
    CHANNEL_ARN: "arn:aws:chime:REGION:ACCOUNT:app-instance/ID/channel/ID",
}
