"""Q-AM-2: `import` writes a target's members through one emitter that reads the kind:
a toy kind registered with its own list keys (``readers``, ``writers``), scope and id
keys (``space``, ``id``) and a never-managed member kind gets its own YAML, which loads
back as the same members. The emitter names no room or channel key itself."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from toy_kind import READ, TOY, WRITE, Access

from reconciler import kinds
from reconciler.desired.loader import load_desired
from reconciler.refs import MemberKind, MemberRef
from reconciler.target_yaml import Listed, TargetText, target_lines

HOOKED = replace(
    TOY,
    never_managed=frozenset({MemberKind.WEBHOOK}),
    words=replace(TOY.words, own_member="the toy's keeper"),
)


@pytest.fixture(autouse=True)
def toy_registered() -> Iterator[None]:
    with kinds.registered(HOOKED):
        yield


def toy(role: Access, text: str) -> Listed:
    ref = MemberRef.webhook(text[8:]) if text.startswith("webhook:") else MemberRef.parse(text)
    return Listed(HOOKED.id, role, ref)


def kite(**extra: object) -> list[str]:
    target = TargetText(
        key="kite (t-1)",
        name="kite",
        target_id="t-1",
        with_id=True,
        listed=[
            toy(WRITE, "dan@example.com"),
            toy(READ, "cid@example.com"),
            toy(READ, "bot:Flyer"),
            toy(READ, "webhook:Gusts"),
        ],
        scope="sky",
        **extra,  # type: ignore[arg-type]
    )
    return target_lines(HOOKED.section, target)


def test_a_registered_kind_gets_its_own_list_scope_and_id_keys() -> None:
    assert kite(own=[MemberRef.parse("keeper@example.com")]) == [
        "  kite (t-1):",
        "    id: t-1  # name: kite",
        "    space: sky",
        "    readers:",
        "      - cid@example.com",
        "      - bot:Flyer",
        "    writers:",
        "      - dan@example.com",
        "    # webhook:Gusts (read) is left out: webhooks are never managed.",
        "    # keeper@example.com (the toy's keeper) is left out: the tool's own identity, "
        "never removed.",
    ]


def test_what_it_writes_loads_back_as_the_same_members(tmp_path: Path) -> None:
    text = "toys:\n" + "\n".join(kite(held="1 member left out below")) + "\n"
    assert yaml.safe_load(text)["toys"]["kite (t-1)"]["prune"] is False
    (tmp_path / "settings.yaml").write_text("account: acc-1\n")
    (tmp_path / "toys.yaml").write_text(textwrap.dedent(text))
    (target,) = load_desired(tmp_path).targets
    assert (target.key.kind, target.key.scope, target.key.name, target.target_id) == (
        "toy",
        "sky",
        "kite (t-1)",  # the key; the id names the live toy
        "t-1",
    )
    assert {(str(m.ref), m.role) for m in target.members} == {
        ("cid@example.com", READ),
        ("bot:Flyer", READ),
        ("dan@example.com", WRITE),
    }


def test_no_list_is_written_for_a_kind_of_another_section() -> None:
    assert not any("administrators" in line or "hidden" in line for line in kite())
