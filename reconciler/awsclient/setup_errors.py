"""botocore's errors about the AWS configuration and credentials, said as a user can act on
them (QA-CZ Q-CZ-1, Q-CZ-2).

They are not calls that failed at the API, nor a bug of the tool: a ``~/.aws/config`` that
does not parse, a key without its secret, a ``credential_process`` or an SSO session that
fails, an invalid ``AWS_DEFAULTS_MODE``, a role STS does not let assume (botocore's own
call for the credentials failed: ``getting_credentials``). When the run's session or a
client is made they stop the command with one line (``setup_problem``); during a call
(credentials refreshed as they near their expiry) the call fails like any other
(``retry.call_with_retry``).
"""

from __future__ import annotations

import os

from botocore import exceptions
from botocore.exceptions import ClientError

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

# the calls botocore makes to get credentials: STS's for a role (a profile's role_arn, a
# web identity), SSO's and the console login's; a refusal is a ClientError of theirs
CREDENTIAL_OPERATIONS = frozenset(
    {
        "AssumeRole",
        "AssumeRoleWithWebIdentity",
        "AssumeRoleWithSAML",
        "GetRoleCredentials",
        "CreateToken",
        "CreateOAuth2Token",
    }
)
MAX_MESSAGE = 300  # characters of STS's message: a page's would be longer

CREDENTIALS_HINT = "check --profile (or AWS_PROFILE), the AWS_* variables and ~/.aws"
CONFIG_HINT = "check AWS_CONFIG_FILE (else ~/.aws/config) and the AWS_* variables"
# the shared credentials file that does not parse (QA-DL Q-DL-6)
CREDENTIALS_FILE_HINT = (
    "check AWS_SHARED_CREDENTIALS_FILE (else ~/.aws/credentials) and the AWS_* variables"
)


def getting_credentials(exc: BaseException, operation: str | None = None) -> bool:
    """Whether ``exc`` is the failure of a call botocore made to get credentials (STS
    refused to let a role be assumed, or failed), not of ``operation``, the tool's own
    call (QA-DL Q-DL-1, Q-DL-2)."""
    return (
        isinstance(exc, ClientError)
        and exc.operation_name in CREDENTIAL_OPERATIONS
        and exc.operation_name != operation
    )


def is_credentials(exc: BaseException) -> bool:
    return isinstance(exc, CREDENTIAL_ERRORS) or getting_credentials(exc)


def one_line(exc: BaseException) -> str:
    """botocore's message on one line (a credential_process's stderr ends with a newline),
    with no secret in it; a credentials call's failure: ``AssumeRole: AccessDenied: User:
    ... is not authorized to perform: sts:AssumeRole``."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        message = " ".join(str(error.get("Message") or "").split())
        if len(message) > MAX_MESSAGE:
            message = message[: MAX_MESSAGE - 1] + "…"
        code = error.get("Code") or "Unknown"
        text = (
            f"{exc.operation_name}: {code}: {message}"
            if message
            else f"{exc.operation_name}: {code}"
        )
        return redact(text)
    return redact(" ".join(str(exc).split()))


def setup_problem(exc: BaseException, credentials: bool = False) -> str:
    """What stops the run before any call: ``AWS credentials: Partial credentials found in
    env, missing: AWS_SECRET_ACCESS_KEY (check ...)``, or ``AWS configuration: ...``;
    ``credentials``: ``exc`` was raised while they were had (a token file missing, an
    answer without them)."""
    if isinstance(exc, KeyError):  # botocore read a page, or such, as the answer
        said = f"no credentials in the answer to botocore's call for them (no {exc})"
        return f"AWS credentials: {redact(said)} ({CREDENTIALS_HINT})"
    if credentials or is_credentials(exc):
        return f"AWS credentials: {one_line(exc)} ({CREDENTIALS_HINT})"
    hint = CREDENTIALS_FILE_HINT if _in_credentials_file(exc) else CONFIG_HINT
    return f"AWS configuration: {one_line(exc)} ({hint})"


def _in_credentials_file(exc: BaseException) -> bool:
    """Whether ``exc`` is about the shared credentials file (botocore reads it as it reads
    the config file, and names either "config file")."""
    if not isinstance(exc, exceptions.ConfigParseError):
        return False
    path = exc.kwargs.get("path")
    chosen = os.environ.get("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials"
    return bool(path) and _same_file(str(path), os.path.expandvars(os.path.expanduser(chosen)))


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def call_problem(exc: BaseException) -> tuple[str, str]:
    """The code and message of a call that failed for ``exc`` (raised by botocore during
    the call, credentials refreshed near their expiry most often): ``Credentials``, or the
    class's name."""
    if is_credentials(exc):
        return "Credentials", f"{one_line(exc)} (renew the credentials, then run again)"
    return type(exc).__name__, one_line(exc)


def _file(variable: str, default: str) -> str:
    """The file botocore reads: the variable's (named), else its default."""
    named = os.environ.get(variable)
    return f"{named} ({variable})" if named else default


def profile_not_found(profile: str, source: str) -> str:
    """``AWS_PROFILE: no AWS profile 'nope' in ~/.aws/config or ~/.aws/credentials``:
    where the profile's name came from (``source``: --profile, or the variable that gave
    it) and the files looked in (QA-FK Q-FK-3)."""
    config = _file("AWS_CONFIG_FILE", "~/.aws/config")
    credentials = _file("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials")
    return (
        f"{source}: no AWS profile {redact(profile)!r} in {redact(config)} or {redact(credentials)}"
    )
