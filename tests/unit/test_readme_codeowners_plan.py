"""Q-FR-8: README's codeowners section (where a user of `owners:` reads) said only
`validate` and `codeowners --check` fail on a CODEOWNERS out of date, missing or not
tracked; every command that plans fails on them too, as governance errors of its plan."""

from __future__ import annotations

from pathlib import Path

README = " ".join((Path(__file__).parents[2] / "README.md").read_text().split())
AT = README.index("### codeowners — owners review what they own")
SECTION = README[AT : README.index("So the pre-commit hooks", AT)]


def test_the_codeowners_section_says_every_planning_command_fails() -> None:
    assert "Every command that plans fails on the same three" in SECTION
    for command in ("`plan`", "`merge-plans`", "`apply`", "`apply --watch`", "`import --adopt`"):
        assert command in SECTION
    assert "before `git add` exits 1" in SECTION
