"""The planner and the renderers are the pure core: importing them loads no AWS code
(QA-AM Q-AM-8: a settings check once pulled botocore into every import, ~114 ms)."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "module", ["reconciler.planner", "reconciler.render.text", "reconciler.desired.loader"]
)
def test_importing_the_core_does_not_import_botocore(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('botocore', 'boto3')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
