"""Q-BH-6: apply on merge plans again (main against Chime as it is then) and applies that
plan, not the PR's reviewed one (artifact chime-plan-prN), which it neither uses nor
compares. Terraform Cloud and Atlantis users expect the reviewed plan to be applied, so the
README says so where it describes apply on merge, and apply.yml's header points there."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[3]
README = (ROOT / "README.md").read_text()
SECTION = "The PR comment is a preview; apply on merge re-plans"


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to '-'."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def section_text() -> str:
    start = README.index(f"#### {SECTION}\n")
    return README[start : README.index("\nAWS credentials come from OIDC", start)]


def test_the_apply_yml_row_links_to_the_section_that_says_apply_re_plans() -> None:
    (row,) = [
        line for line in README.splitlines() if line.startswith("| `.github/workflows/apply.yml`")
    ]
    assert f"(#{anchor(SECTION)})" in row
    assert "not the PR's reviewed plan" in row


def test_the_section_says_the_comment_is_a_preview_and_what_a_changed_live_state_does() -> None:
    text = " ".join(section_text().split())
    assert "is a preview" in text
    assert "Apply on merge does not apply that plan and does not compare against it" in text
    assert "plans again, from main's `desired-state/` against Chime as it is at that moment" in text
    assert "the apply removes them too" in text  # members added by hand since the review
    assert "Terraform Cloud or Atlantis" in text


def test_apply_yml_says_it_plans_afresh() -> None:
    header = (ROOT / ".github/workflows/apply.yml").read_text().split("\nname:")[0]
    assert "the PR comment's plan" in header and "neither applied nor compared" in header
