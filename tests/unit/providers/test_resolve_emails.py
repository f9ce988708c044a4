"""The e-mail resolution rule: correct results, and its call counts against min(k, pages)."""

from __future__ import annotations

import math
from collections.abc import Iterator

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.providers.chime_api import User
from reconciler.providers.resolve import resolve_emails, switch_to_lookups


class Directory:
    """An account's users in ListUsers order, counting the calls made."""

    def __init__(self, n_users: int, page: int = 200) -> None:
        self.users = [User(f"u{i}", f"user{i}@example.com") for i in range(n_users)]
        self.page = page
        self.lookups = 0
        self.pages = 0

    def find_user_by_email(self, account: str, email: str) -> User | None:
        self.lookups += 1
        return next((u for u in self.users if u.email == email.casefold()), None)

    def user_pages(self, account: str) -> Iterator[tuple[list[User], bool]]:
        for start in range(0, max(len(self.users), 1), self.page):
            self.pages += 1
            yield self.users[start : start + self.page], start + self.page < len(self.users)

    @property
    def calls(self) -> int:
        return self.lookups + self.pages


def emails(*addresses: str) -> dict[str, str]:
    return {a.casefold(): a for a in addresses}


def test_a_single_address_is_looked_up_directly() -> None:
    d = Directory(1000)
    found = resolve_emails(d, "acct", emails("user999@example.com"))
    assert found == {"user999@example.com": User("u999", "user999@example.com")}
    assert (d.lookups, d.pages) == (1, 0)


def test_small_account_costs_one_page_however_many_addresses() -> None:
    d = Directory(150)
    wanted = emails(*(f"user{i}@example.com" for i in range(0, 150, 10)), "ghost@example.com")
    found = resolve_emails(d, "acct", wanted)
    assert len(found) == 15
    assert "ghost@example.com" not in found
    assert (d.lookups, d.pages) == (0, 1)


def test_sweep_stops_as_soon_as_every_address_is_found() -> None:
    d = Directory(1000)  # 5 pages; two addresses on page 1, three on page 2
    wanted = emails(*(f"user{i}@example.com" for i in (3, 5, 250, 260, 270)))
    found = resolve_emails(d, "acct", wanted)
    assert set(found) == set(wanted)
    assert (d.lookups, d.pages) == (0, 2)


def test_sweep_turns_into_lookups_when_few_addresses_remain() -> None:
    d = Directory(1000)  # 5 pages; the three addresses are all on the last page
    wanted = emails("user900@example.com", "user901@example.com", "user902@example.com")
    found = resolve_emails(d, "acct", wanted)
    assert len(found) == 3
    assert (d.pages, d.lookups) == (3, 3)  # after 3 pages, 3 remain <= 3


def test_address_case_does_not_matter() -> None:
    d = Directory(10)
    found = resolve_emails(d, "acct", emails("User7@Example.COM", "user8@example.com"))
    assert found["user7@example.com"].user_id == "u7"


def test_switch_rule() -> None:
    assert [switch_to_lookups(0, k) for k in (0, 1, 2)] == [True, True, False]
    assert [switch_to_lookups(1, r) for r in (1, 2)] == [True, False]
    assert [switch_to_lookups(3, r) for r in (3, 4)] == [True, False]


def test_two_page_account_costs_at_most_two_calls_for_any_number_of_addresses() -> None:
    for picks, calls in [((0, 1), 1), ((0, 399), 2), ((250, 251), 2), ((5, 250, 300, 399), 2)]:
        d = Directory(400)
        resolve_emails(d, "acct", emails(*(f"user{i}@example.com" for i in picks)))
        assert d.calls == calls, picks


@settings(deadline=None)  # CPU-bound: a busy shared machine is no failure
@given(
    n_users=st.integers(0, 1200),
    picks=st.lists(st.integers(0, 1500), min_size=1, max_size=40, unique=True),
)
def test_resolution_is_exact_and_costs_at_most_twice_the_lower_bound(
    n_users: int, picks: list[int]
) -> None:
    d = Directory(n_users)
    wanted = emails(*(f"user{i}@example.com" for i in picks))
    found = resolve_emails(d, "acct", wanted)
    assert set(found) == {f"user{i}@example.com" for i in picks if i < n_users}
    assert all(found[k].email == k for k in found)
    lower_bound = min(len(wanted), max(1, math.ceil(n_users / 200)))
    assert d.calls <= 2 * lower_bound
    if len(wanted) == 1 or n_users <= 400:
        assert d.calls <= lower_bound
