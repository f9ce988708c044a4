from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_github import FakeGitHub

from reconciler.gitops.github import GitHub


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub().start()
    yield server
    server.stop()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def github(fake: FakeGitHub, sleeps: list[float]) -> GitHub:
    return GitHub.from_env(fake.env, sleep=sleeps.append, timeout=5.0)
