"""botocore's errors about the AWS configuration and credentials, said as a user can act on
them (QA-CZ Q-CZ-1, Q-CZ-2).

They are not calls that failed at the API, nor a bug of the tool: a ``~/.aws/config`` that
does not parse, a key without its secret, a ``credential_process`` or an SSO session that
fails, an invalid ``AWS_DEFAULTS_MODE``. When the run's session or a client is made they
stop the command with one line (``setup_problem``); during a call (credentials refreshed
as they near their expiry) the call fails like any other (``retry.call_with_retry``).
"""

from __future__ import annotations

from botocore import exceptions

from reconciler.redact import redact


def _named(*names: str) -> tuple[type[Exception], ...]:
    """The classes of botocore's that this botocore has (some are recent)."""
    found = (getattr(exceptions, name, None) for name in names)
    return tuple(c for c in found if isinstance(c, type) and issubclass(c, Exception))


# the credentials could not be had: missing parts, a provider that failed or timed out (a
# credential_process, an instance role, SSO, a login), a token that expired
CREDENTIAL_ERRORS = _named(
    "NoCredentialsError",
    "PartialCredentialsError",
    "CredentialRetrievalError",
    "UnknownCredentialError",
    "RefreshWithMFAUnsupportedError",
    "MetadataRetrievalError",
    "TokenRetrievalError",
    "NoAuthTokenError",
    "UnknownTokenProviderError",
    "SSOError",  # SSOTokenLoadError, UnauthorizedSSOTokenError, ...
    "PendingAuthorizationExpiredError",
    "LoginError",
)

CREDENTIALS_HINT = "check --profile (or AWS_PROFILE), the AWS_* variables and ~/.aws"
CONFIG_HINT = "check AWS_CONFIG_FILE (else ~/.aws/config) and the AWS_* variables"


def is_credentials(exc: BaseException) -> bool:
    return isinstance(exc, CREDENTIAL_ERRORS)


def one_line(exc: BaseException) -> str:
    """botocore's message on one line (a credential_process's stderr ends with a newline),
    with no secret in it."""
    return redact(" ".join(str(exc).split()))


def setup_problem(exc: BaseException) -> str:
    """What stops the run before any call: ``AWS credentials: Partial credentials found in
    env, missing: AWS_SECRET_ACCESS_KEY (check ...)``, or ``AWS configuration: ...``."""
    if is_credentials(exc):
        return f"AWS credentials: {one_line(exc)} ({CREDENTIALS_HINT})"
    return f"AWS configuration: {one_line(exc)} ({CONFIG_HINT})"


def call_problem(exc: BaseException) -> tuple[str, str]:
    """The code and message of a call that failed for ``exc`` (raised by botocore during
    the call, credentials refreshed near their expiry most often): ``Credentials``, or the
    class's name."""
    if is_credentials(exc):
        return "Credentials", f"{one_line(exc)} (renew the credentials, then run again)"
    return type(exc).__name__, one_line(exc)
