"""Standard output whose every write is written whole, or fails (Q-P-1).

A ``write()`` to a file or a pipe may take fewer bytes than it was given: the kernel takes
what fits (the free space of a nearly full disk, what a quota or ``ulimit -f`` allows, a
pipe whose reader ended after reading part of it) and returns that count; only the next
write fails (ENOSPC, EFBIG, EPIPE). Python's ``sys.stdout`` hands a document larger than
its buffer (a plan's JSON, the schema, ``--help``) to one such write and drops the count:
the rest of the document was lost, with no error and the normal exit code.

``install`` puts a ``sys.stdout`` in its place that writes each byte it is given, or
raises the write's error: a short write is followed by the write that fails, which
``reconciler.closed_output`` turns into the documented line and exit code (1 on a full
disk, 141 for a closed pipe), as for a document that could not be written at all. The
stream is otherwise the one Python made: same encoding, errors handler (a character it
cannot write either is ``OutputNotEncodable``), line buffering, and unbuffered when it
was (``python -u``, ``PYTHONUNBUFFERED``). Only the command line's entry point installs
it; in a test's capture (click's ``CliRunner``) nothing changes.
"""

from __future__ import annotations

import codecs
import io
import select
import sys
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer


class WholeWrites(io.FileIO):
    """A file descriptor opened for writing whose ``write`` writes all it is given (or
    raises): it writes again after a short write, and waits for a non-blocking descriptor
    to take more."""

    def write(self, data: ReadableBuffer, /) -> int:
        view = memoryview(data).cast("B")
        done = 0
        while done < len(view):
            n = super().write(view[done:])
            if n is None:  # a non-blocking descriptor that is full: wait for room
                select.select([], [self.fileno()], [])
                continue
            done += n
        return done


class OutputNotEncodable(OSError):
    """A write to stdout of a character its encoding cannot hold (``PYTHONIOENCODING=ascii``
    and a name ``dépôt``): an output that cannot be written (``reason``), not a bug. Not
    written with escapes instead: ``d\\xe9p\\xf4t`` would be another name in a YAML or
    Markdown document, and invalid JSON."""

    def __init__(self, exc: UnicodeEncodeError) -> None:
        char = exc.object[exc.start : exc.end][:1]
        self.reason = f"{exc.encoding} cannot encode {char!a}"
        if codecs.lookup(exc.encoding).name != "utf-8":
            self.reason += ": use PYTHONIOENCODING=utf-8"
        super().__init__(self.reason)


def _not_encodable(exc: UnicodeError) -> tuple[str, int]:
    if isinstance(exc, UnicodeEncodeError):
        raise OutputNotEncodable(exc)
    raise exc


# the errors handler of stdout's encoding where it was "strict" (called only on a failure)
NOT_ENCODABLE = "chime-reconciler-stdout"
codecs.register_error(NOT_ENCODABLE, _not_encodable)


def _errors(errors: str) -> str:
    """The errors handler for stdout whose own is ``errors``: that one, and where it fails
    too, ``OutputNotEncodable``. Not only "strict" fails: "surrogateescape", the handler of
    a C locale without UTF-8 mode (``LC_ALL=C PYTHONUTF8=0``), writes back only the bytes
    it stands for, and gave an "Internal error" for a name ``café`` (Q-CZ-6). One Python
    does not know (``PYTHONIOENCODING=ascii:bogus``) is "strict": kept, its first failure
    was an "Internal error ... LookupError" (Q-DM-5)."""
    try:
        own = codecs.lookup_error(errors)
    except LookupError:  # unknown to Python: it asks for no escapes
        return NOT_ENCODABLE
    if errors == "strict":
        return NOT_ENCODABLE

    def handle(exc: UnicodeError) -> tuple[str | bytes, int]:
        try:
            return own(exc)
        except UnicodeEncodeError as failed:
            raise OutputNotEncodable(failed) from None

    name = f"{NOT_ENCODABLE}+{errors}"
    codecs.register_error(name, handle)
    return name


def whole(stream: TextIO) -> TextIO:
    """A text stream on ``stream``'s file descriptor, set up as ``stream`` is, whose
    writes are written whole (``WholeWrites``); ``stream`` itself when it has no file
    descriptor."""
    try:
        fd = stream.fileno()
        raw = WholeWrites(fd, "w", closefd=False)
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is an OSError
        return stream
    binary = getattr(stream, "buffer", None)
    unbuffered = isinstance(binary, io.RawIOBase)  # python -u
    return io.TextIOWrapper(
        raw if unbuffered else io.BufferedWriter(raw),
        encoding=_kept(stream.encoding),
        errors=_errors(stream.errors or "strict"),
        newline="\n",
        line_buffering=getattr(stream, "line_buffering", False),
        write_through=unbuffered or getattr(stream, "write_through", False),
    )


# ASCII by another name (Q-HE-12): ``click.echo`` takes a stream whose encoding is ASCII
# (``PYTHONIOENCODING=ascii``, a C locale without UTF-8 mode) for a mistake and writes
# UTF-8 to the bytes beneath it, so ``validate -v`` and ``import --adopt``'s report wrote
# names every other command refuses (``OutputNotEncodable``). Under this name click
# writes through the stream, as rich does; the text is encoded by ASCII's own codec.
ASCII_ASKED = "chimereconcilerascii"
_ASCII = codecs.lookup("ascii")


def _search(name: str) -> codecs.CodecInfo | None:
    if name != ASCII_ASKED:
        return None
    return codecs.CodecInfo(
        _ASCII.encode,
        _ASCII.decode,
        streamreader=_ASCII.streamreader,
        streamwriter=_ASCII.streamwriter,
        incrementalencoder=_ASCII.incrementalencoder,
        incrementaldecoder=_ASCII.incrementaldecoder,
        name=ASCII_ASKED,
    )


codecs.register(_search)


def _kept(encoding: str | None) -> str | None:
    """``encoding``, ASCII under the name click leaves alone (``ASCII_ASKED``)."""
    if encoding is not None and codecs.lookup(encoding).name == "ascii":
        return ASCII_ASKED
    return encoding


def install() -> None:
    """``sys.stdout`` writes whole documents or fails (what Python buffered is written
    first). Closed from the start (``>&-``: Python made it None, and every write went
    nowhere), it is a stream whose writes fail (``hold_closed_stdout``)."""
    if sys.stdout is None:
        from reconciler.closed_output import hold_closed_stdout  # loaded with the CLI

        if hold_closed_stdout():
            sys.stdout = _failing_stdout()
        return
    sys.stdout.flush()
    sys.stdout = whole(sys.stdout)


def _failing_stdout() -> TextIO:
    # unbuffered: the first write fails, where it is made (not at exit)
    encoding = sys.stderr.encoding if sys.stderr is not None else "utf-8"
    raw = WholeWrites(1, "w", closefd=False)
    return io.TextIOWrapper(
        raw, encoding=encoding, errors=NOT_ENCODABLE, newline="\n", write_through=True
    )
