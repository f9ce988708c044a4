"""The JSON plan of a desired state that uses every optional key the plan writes validates
against the schema `chime-reconciler schema --file plan` prints (QA-AU Q-AU-3: the
`"protection": true` of a `protected:` group entry with an `until:` was missing from it,
in `expiring` items and in `provenance` paths). The schema forbids keys it does not
declare, so a key added to the plan without the schema fails here; and every optional
path of the schema is written by one of the plans, but those ``NEVER_WRITTEN`` lists
(QA-AX Q-AX-5), so an optional key added to the schema without a plan here that writes it
fails too. The CLI, the real boto3 client and the emulator over HTTP."""

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
SWAP = "6f1c2a9e-0000-4000-8000-00000000beef"
CROWD = "6f1c2a9e-0000-4000-8000-00000000cafe"

# the schema's optional paths (a path: ".", "[]" between keys) no plan writes: each says
# why. Every other optional path the scenario must make a plan write (Q-AX-5): a key
# added to the schema without a plan here that writes it fails the test
NEVER_WRITTEN = {
    # `expired_kept` items share the shape of `expiring`'s, but list only expired declared
    # paths (``kept_after_expiry``), never a `protected:` entry's end
    "expired_kept[].protection",
    # `protected` items share the shape of `unmanaged`'s, whose `protected: true` marks
    # the protected ones among them; every item of `protected` is one, so none has it
    "targets[].protected[].protected",
    # `held` items (protected members declared with a lower role, kept elevated) share
    # that shape too, and every one is protected
    "targets[].held[].protected",
    # merge-plans' only, of shards made with different options: test_merge_plans_origin
    # validates that file against the schema
    "origin.differs",
    # a plan with governance errors (QA-FR Q-FR-2) is refused, not this scenario's:
    # test_governance_every_command validates such a file against the schema
    "governance_errors",
    # a shard's plan of a desired state that declares no target, not this scenario's:
    # test_cli_shard validates such a file against the schema (QA-LD Q-LD-1)
    "shard.none_declared",
    # members import --adopt refuses (twin bots, QA-LD Q-LD-5), not this scenario's:
    # test_import_twin_bots validates such a plan against the schema; `protected` and
    # `held` items share `unmanaged`'s shape but are never marked
    "targets[].unmanaged[].unadoptable",
    "targets[].protected[].unadoptable",
    "targets[].held[].unadoptable",
}


def day(offset: int) -> str:
    return (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=offset)).isoformat()


@pytest.fixture
def governed(emulator: EmulatorServer, write_desired: WriteDesired) -> None:
    """ops prunes: dave protected through @oncall until tomorrow, erin's entry ended,
    alice's grant has an until, a reason and a ticket (its end, after dave's, leaves ops
    below its own min_administrators: `refusal`), carol protected and undeclared; desk
    declares carol, protected and live an administrator, a member (kept elevated: `held`); dev
    does not prune: frank's entry ended (kept), carol protected and undeclared, bob
    undeclared; lab's own `safety: {max_removals: 0}` refuses hank's removal; a meeting
    that ended; a full meeting whose only presenter is swapped (`full_swap`, its own
    `max_members`), one full of attendees no file declares (`over_maximum`)."""
    seed = seed_doc(
        users=("alice", "bob", "carol", "dave", "erin", "frank", "hank"),
        rooms={
            "ops": [
                ("alice", "Member"),
                ("carol", "Member"),
                ("dave", "Administrator"),
                ("erin", "Member"),
            ],
            "dev": [("bob", "Member"), ("carol", "Member"), ("frank", "Member")],
            "lab": [("carol", "Member"), ("hank", "Member")],
            "desk": [("carol", "Administrator")],
        },
    )
    seed["meetings"] = [
        {  # full_swap: alice (a presenter) the only attendee of MaxCount 1, bob declared
            "id": SWAP,
            "external_meeting_id": "swap-1",
            "features": {"attendee": {"max_count": 1}},
            "attendees": [{"external_user_id": "alice@example.com"}],
        },
        {  # over_maximum: two attendees no file declares, kept (prune off), MaxCount 2
            "id": CROWD,
            "external_meeting_id": "crowd-1",
            "features": {"attendee": {"max_count": 2}},
            "attendees": [{"external_user_id": "x1"}, {"external_user_id": "x2"}],
        },
    ]
    emulator.reset(seed)
    write_desired(
        {
            "settings.yaml": f"""
                account: {ACCOUNT}
                prune: true
                drift: changes-only
                protected: ["@oncall", carol@example.com]
                safety: {{max_removals: 100, min_administrators: 0}}
                """,
            "ops.yaml": f"""
                groups:
                  oncall:
                    - {{member: dave@example.com, until: {day(1)}, reason: oncall week}}
                rooms:
                  ops:
                    safety: {{min_administrators: 1}}
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
                  lab:
                    safety: {{max_removals: 0}}
                    members: [carol@example.com]
                  desk:
                    members: [carol@example.com]
                meetings:
                  old:
                    meeting_id: {ENDED}
                    attendees:
                      alice@example.com: viewer
                  swap:
                    meeting_id: {SWAP}
                    attendees:
                      bob@example.com: presenter
                  crowd:
                    meeting_id: {CROWD}
                    prune: false
                    attendees:
                      carol@example.com: viewer
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
    made = cli(
        "plan", "--now", day(2), "--shard", "1/1", "--region", "us-east-1", "--out", "after.json"
    )
    assert (cli.workdir / "after.json").exists(), made.stdout + made.stderr
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
    optional = set(optional_paths(schema, schema))
    assert optional >= NEVER_WRITTEN, sorted(NEVER_WRITTEN - optional)  # still in the schema
    assert optional - written == NEVER_WRITTEN, sorted(optional - written - NEVER_WRITTEN)


def optional_paths(
    node: Any, root: Any, at: str = "", seen: frozenset[str] = frozenset()
) -> Iterator[str]:
    """The paths of the properties of ``node`` (a JSON schema, within ``root``) that no
    ``required`` lists, following ``$ref`` (once on a path), ``anyOf``/``oneOf``/``allOf``
    and ``items``."""
    if not isinstance(node, dict):
        return
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        if ref in seen:
            return
        target = root
        for part in ref[2:].split("/"):
            target = target[part]
        yield from optional_paths(target, root, at, seen | {ref})
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in node.get(key, ()):
            yield from optional_paths(sub, root, at, seen)
    required = set(node.get("required", ()))
    for name, sub in node.get("properties", {}).items():
        path = f"{at}.{name}" if at else name
        if name not in required:
            yield path
        yield from optional_paths(sub, root, path, seen)
    if isinstance(node.get("items"), dict):
        yield from optional_paths(node["items"], root, f"{at}[]", seen)
