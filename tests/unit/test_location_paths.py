"""QA REREAD item 1: a ``Location.file`` is text (the loader's, QA-HE Q-HE-6); opened or
resolved as it is, a C locale without UTF-8 mode cannot encode it (an Internal error in
codeowners). Every place a location is opened goes through ``Location.path()``."""

from __future__ import annotations

import re
from pathlib import Path

import reconciler

_OPENED = re.compile(r"Path\(\s*[\w\[\]\.]*location\.file\s*\)")


def test_no_location_is_opened_as_text() -> None:
    root = Path(reconciler.__file__).parent
    found = [
        f"{p.relative_to(root)}:{n}"
        for p in sorted(root.rglob("*.py"))
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if _OPENED.search(line)
    ]
    assert found == [], "use location.path() (os_form), not Path(location.file)"
