"""Q-RR-20: a list cut short is said one way: the first few as prose, then "N more"."""

from __future__ import annotations

from reconciler.prose import listed, listed_first


def test_a_short_list_is_said_whole() -> None:
    assert listed_first([], 3) == ""
    assert listed_first(["a"], 3) == "a"
    assert listed_first(["a", "b", "c"], 3) == "a, b and c"


def test_the_rest_is_counted_with_thousands_separated() -> None:
    assert listed_first(["a", "b", "c", "d"], 3) == "a, b, c and 1 more"
    assert listed_first([str(i) for i in range(1237)], 3) == "0, 1, 2 and 1,234 more"


def test_the_first_ones_with_a_total() -> None:
    assert listed_first(["a", "b"], 2, total=2_002) == "a, b and 2,000 more"
    assert listed_first(["a", "b"], 2, total=2) == "a and b"


def test_choices_are_listed_as_prose_with_or() -> None:
    # REREAD-15: one wording for a list of alternatives, not "a or b or c"
    assert listed(["a"], "or") == "a"
    assert listed(["a", "b"], "or") == "a or b"
    assert listed(["a", "b", "c"], "or") == "a, b or c"
