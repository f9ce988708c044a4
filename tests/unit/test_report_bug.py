"""The internal-error line (``report_bug``) shows what an exception quotes as every
``Error:`` line does: control characters as visible escapes, so that a string a hostile
endpoint answered, quoted raw in an unexpected exception, cannot move the cursor, clear
the screen or forge a line of the log; with the traceback too."""

from __future__ import annotations

import pytest

from reconciler.runner import report_bug, verbosity

PREFIX = "Internal error (this is a bug in chime-reconciler, please report it): "


def _raised(message: str) -> RuntimeError:
    try:
        raise RuntimeError(message)
    except RuntimeError as exc:
        return exc


def test_the_internal_error_line_escapes_control_characters(
    capsys: pytest.CaptureFixture[str],
) -> None:
    report_bug(_raised("room \x1b[2J\nError: forged"), traceback_too=False)
    err = capsys.readouterr().err
    assert err == PREFIX + "RuntimeError: room \\x1b[2J\\nError: forged\n"


def test_the_traceback_escapes_control_characters_too(
    capsys: pytest.CaptureFixture[str],
) -> None:
    report_bug(_raised("room \x1b]0;title\x07"), traceback_too=True)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == PREFIX + "RuntimeError: room \\x1b]0;title\\x07"
    assert lines[1] == "Traceback (most recent call last):"
    assert lines[-1] == "RuntimeError: room \\x1b]0;title\\x07"
    assert not any("\x1b" in line or "\x07" in line for line in lines)


@pytest.mark.parametrize(
    ("args", "count"),
    [
        (["-vv", "plan"], 2),
        (["-v", "-v", "plan"], 2),
        (["-vvv", "plan"], 3),
        (["--verbose", "--verbose", "plan"], 2),
        (["-v", "--verbose", "plan"], 2),
        (["-v", "plan"], 1),
        (["plan", "--", "-vv"], 0),
        (["plan", "--desired", "-vv-dir"], 0),
    ],
)
def test_verbosity_counts_v_however_it_was_written(args: list[str], count: int) -> None:
    """Q-CA-2: the traceback of an internal error came only with `-vv` typed as such;
    `-v -v`, `-vvv` and `--verbose --verbose` are the same verbosity to the CLI."""
    assert verbosity(args) == count
