"""Where botocore takes a service's endpoint URL from when the tool is given none: the
variables of AWS's service-specific endpoints (``AWS_ENDPOINT_URL_CHIME``, then
``AWS_ENDPOINT_URL``), unless ``AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`` is true. An error
about the endpoint names the variable the user set, not an ``--endpoint-url`` they never
gave (QA-FQ Q-FQ-2). Pure: the environment is passed in."""

from __future__ import annotations

from collections.abc import Mapping

GLOBAL = "AWS_ENDPOINT_URL"
IGNORE = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"


def service_variable(service: str) -> str:
    """``AWS_ENDPOINT_URL_CHIME_SDK_MESSAGING`` for ``chime-sdk-messaging``: botocore's
    name, from the service id (``Chime SDK Messaging``), which for these services is the
    client name's words."""
    return f"{GLOBAL}_{service.upper().replace('-', '_')}"


def configured_endpoint_variable(service: str, env: Mapping[str, str]) -> str | None:
    """The variable botocore takes ``service``'s endpoint URL from, or None (AWS's own)."""
    if env.get(IGNORE, "").strip().lower() == "true":
        return None
    for name in (service_variable(service), GLOBAL):
        if env.get(name):
            return name
    return None
