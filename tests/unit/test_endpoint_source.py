"""Which variable botocore took a service's endpoint URL from (QA-FQ Q-FQ-2)."""

from __future__ import annotations

from reconciler.awsclient.endpoint_source import configured_endpoint_variable, service_variable


def test_the_service_variable_comes_before_the_global_one() -> None:
    env = {"AWS_ENDPOINT_URL": "http://a", "AWS_ENDPOINT_URL_CHIME_SDK_MESSAGING": "http://b"}
    assert configured_endpoint_variable("chime-sdk-messaging", env) == (
        "AWS_ENDPOINT_URL_CHIME_SDK_MESSAGING"
    )
    assert configured_endpoint_variable("chime", env) == "AWS_ENDPOINT_URL"
    assert service_variable("chime-sdk-meetings") == "AWS_ENDPOINT_URL_CHIME_SDK_MEETINGS"


def test_none_when_unset_empty_or_ignored() -> None:
    assert configured_endpoint_variable("chime", {}) is None
    assert configured_endpoint_variable("chime", {"AWS_ENDPOINT_URL": ""}) is None
    ignored = {"AWS_ENDPOINT_URL": "http://a", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "True"}
    assert configured_endpoint_variable("chime", ignored) is None
