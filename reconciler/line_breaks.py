"""The line ending of a line written into a file that is edited, not rewritten
(``import --adopt``, ``codeowners``): the file's own, so that its lines keep their bytes
and only the lines written show in a diff."""

from __future__ import annotations

from reconciler.desired.yamlpos import LINE_BREAK


def newline_at(text: str, at: int) -> str:
    """The line break for a line inserted at ``at`` (the start of a line, or the end of
    the text): the one ending the line before it, so that a file's line endings stay as
    they are, even mixed; at the end of a text without a final one, the text's first.
    A break only YAML 1.1 reads as one (NEL, U+2028, U+2029) is not copied: LF then."""
    before = [m for m in LINE_BREAK.finditer(text, max(0, at - 2), at) if m.end() == at]
    found = before[-1] if before else LINE_BREAK.search(text)
    return found.group() if found and found.group() in ("\r\n", "\r", "\n") else "\n"
