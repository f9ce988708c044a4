"""The JSON plan of a desired state that uses every optional key the plan writes validates
against the schema `chime-reconciler schema --file plan` prints (QA-AU Q-AU-3: the
`"protection": true` of a `protected:` group entry with an `until:` was missing from it,
in `expiring` items and in `provenance` paths). The schema forbids keys it does not
declare, so a key added to the plan without the schema fails here. The CLI, the real
boto3 client and the emulator over HTTP."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
from conftest import ACCOUNT, Cli, WriteDesired, seed_doc

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

ENDED = "6f1c2a9e-0000-4000-8000-00000000dead"

# optional keys (a path: ".", "[]" between keys) the scenario must make the plan write
OPTIONAL = {
    "drift",
    "expiring",
    "expiring[].protection",
    "expiry_warning_days",
    "expired_kept",
    "notices",
    "origin",
    "shard",
    "targets[].changes[].provenance[].until",
    "targets[].changes[].provenance[].reason",
    "targets[].changes[].provenance[].ticket",
    "targets[].changes[].provenance[].expired",
    "targets[].changes[].provenance[].protection",
    "targets[].unmanaged[].protected",
}


def day(offset: int) -> str:
    return (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=offset)).isoformat()


@pytest.fixture
def governed(emulator: EmulatorServer, write_desired: WriteDesired) -> None:
    """ops prunes: dave protected through @oncall until tomorrow, erin's entry ended,
    alice's grant has an until, a reason and a ticket; dev does not prune: frank's entry
    ended (kept), carol protected and undeclared, bob undeclared; a meeting that ended."""
    seed = seed_doc(
        users=("alice", "bob", "carol", "dave", "erin", "frank"),
        rooms={
            "ops": [("alice", "Member"), ("dave", "Administrator"), ("erin", "Member")],
            "dev": [("bob", "Member"), ("carol", "Member"), ("frank", "Member")],
        },
    )
    emulator.reset(seed)
    write_desired(
        {
            "settings.yaml": f"""
                account: {ACCOUNT}
                prune: true
                protected: ["@oncall", carol@example.com]
                safety: {{max_removals: 100, min_administrators: 0}}
                """,
            "ops.yaml": f"""
                groups:
                  oncall:
                    - {{member: dave@example.com, until: {day(1)}, reason: oncall week}}
                rooms:
                  ops:
                    administrators:
                      - member: alice@example.com
                        until: {day(5)}
                        reason: incident lead
                        ticket: OPS-1
                    members:
                      - {{member: erin@example.com, until: {day(-2)}}}
                  dev:
                    prune: false
                    members:
                      - {{member: frank@example.com, until: {day(-2)}}}
                meetings:
                  old:
                    meeting_id: {ENDED}
                    attendees:
                      alice@example.com: viewer
                """,
        }
    )


def _paths(doc: Any, at: str = "") -> Iterator[str]:
    if isinstance(doc, dict):
        for key, value in doc.items():
            path = f"{at}.{key}" if at else key
            yield path
            yield from _paths(value, path)
    elif isinstance(doc, list):
        for value in doc:
            yield from _paths(value, f"{at}[]")


def test_a_plan_with_every_optional_key_validates_against_the_published_schema(
    governed: None, cli: Cli
) -> None:
    schema = json.loads(cli("schema", "--file", "plan").stdout)
    validator = jsonschema.Draft202012Validator(schema)
    before = cli("plan", "--format", "json")
    assert before.stdout.strip(), before.stderr
    cli("plan", "--now", day(2), "--shard", "1/1", "--out", "after.json")
    documents = {
        "plan": json.loads(before.stdout),
        "plan --now after the protection --out": json.loads(
            (cli.workdir / "after.json").read_text(encoding="utf-8")
        ),
    }
    for name, doc in documents.items():
        errors = [f"{e.message} at {list(e.absolute_path)}" for e in validator.iter_errors(doc)]
        assert errors == [], name
    written = {p for doc in documents.values() for p in _paths(doc)}
    assert not OPTIONAL - written, sorted(OPTIONAL - written)
