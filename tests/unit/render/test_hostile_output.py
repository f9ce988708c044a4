"""Names from live state or files that try to take over a terminal or a GitHub comment:
escape sequences, carriage returns, backspaces, forged plan lines, Markdown that breaks
out of its table or <details>, @mentions. Each is shown visibly, never acted on."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import replace
from datetime import UTC, datetime

from render_samples import ALICE, INCIDENT, PLAN, room

from reconciler.apply_result import ApplyResult, ChangeResult
from reconciler.live import LiveMember
from reconciler.plan import Plan
from reconciler.refs import MemberKind, MemberRef
from reconciler.render.apply import Timings, render_apply, render_apply_json
from reconciler.render.json import render_json
from reconciler.render.markdown import render_markdown
from reconciler.render.safe import (
    UNSAFE,
    json_text,
    md_inline,
    neutralize_mentions,
    shown,
    shown_values,
)
from reconciler.render.text import render_text
from reconciler.render.watch import Round, WatchTotals, round_line, watch_document

CLEAR = "\x1b[2J\x1b[H"
FORGED = "x\r  + root@example.com (Administrator)\n  - boss@example.com (Administrator)"
BREAKOUT = "a | b </details></summary><img src=x onerror=alert(1)> ``` @org/admins"
RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def hostile_plan() -> Plan:
    bot = LiveMember(
        MemberRef.bot(f"Pager{CLEAR}\b\b\bBot\n```\n</details>"),
        "b-1",
        MemberKind.BOT,
        ALICE.role_after,
    )
    forger = replace(ALICE, member=MemberRef.user(f"{FORGED}@example.com"))
    target = replace(
        INCIDENT,
        key=room(f"ops\u202eevil{BREAKOUT}"),
        changes=(forger, *INCIDENT.changes[1:]),
        unmanaged=(bot,),
    )
    return Plan((target,), errors=(f"no Chime user {CLEAR}@example.com",))


def test_escape_sequences_and_backspaces_in_names_are_shown_not_sent_to_the_terminal() -> None:
    text = render_text(hostile_plan(), verbose=True)
    assert not RAW.search(text)
    assert (
        "not in the desired state: "
        "bot:Pager\\x1b[2J\\x1b[H\\b\\b\\bBot\\n```\\n</details> (Administrator)" in text
    )
    assert "Error: no Chime user \\x1b[2J\\x1b[H@example.com" in text


def test_a_name_cannot_forge_plan_lines() -> None:
    lines = render_text(hostile_plan()).splitlines()
    assert "  + root@example.com (Administrator)" not in lines
    assert "  - boss@example.com (Administrator)" not in lines
    assert [line for line in lines if "root@" in line] == [
        "  + x\\r  + root@example.com (Administrator)\\n  - boss@example.com (Administrator)"
        "@example.com (Administrator)"
    ]
    assert "# room ops\\u202eevil" in "\n".join(lines)  # right-to-left override shown


def test_markdown_names_cannot_break_out_of_the_table_or_details() -> None:
    md = render_markdown(hostile_plan(), verbose=True)
    assert not RAW.search(md)
    opening = next(line for line in md.splitlines() if line.endswith("diff"))
    fence = opening.removesuffix("diff")
    assert len(fence) == 4  # longer than the ``` inside a name: the name cannot close it
    before, code, after = md.split(fence)[0], md.split(fence)[1], md.split(fence)[2]
    assert fence not in code
    outside = before + after
    assert outside.count("<details>") == outside.count("</details>") == 1
    assert outside.count("</summary>") == 1
    assert not re.search(r"(?<!\\)<(?!/?details>|/?summary>|!-- chime)", outside)  # no tag
    (row,) = [line for line in md.splitlines() if line.startswith("| ops")]
    assert len(re.findall(r"(?<!\\)\|", row)) == 7  # the table's own pipes, no more


def test_mentions_in_comments_are_neutralised_but_e_mails_left_alone() -> None:
    md = render_markdown(hostile_plan())
    assert "@org/admins" not in md.replace("@&#8203;org/admins", "")
    assert "@&#8203;org/admins" in md
    assert neutralize_mentions("@alice, (@bob) @org/team alice@example.com bot:@x") == (
        "@&#8203;alice, (@&#8203;bob) @&#8203;org/team alice@example.com bot:@&#8203;x"
    )


def test_markdown_entities_cannot_spell_a_mention_or_a_tag() -> None:
    assert md_inline("&#64;admins &lt;/details&gt;") == "&amp;#64;admins &amp;lt;/details&amp;gt;"


def test_json_output_keeps_the_values_but_escapes_what_a_terminal_would_act_on() -> None:
    plan = hostile_plan()
    text = render_json(plan)
    assert not RAW.search(text)
    data = json.loads(text)
    assert data["targets"][0]["name"] == f"ops\u202eevil{BREAKOUT}"
    assert data["errors"] == [f"no Chime user {CLEAR}@example.com"]


def test_json_output_of_ascii_names_still_escapes_delete() -> None:
    # ASCII text skips the scan for other characters (none is ASCII but DEL)
    plan = replace(PLAN, errors=("no Chime user bad\x7fname@example.com",))
    text = render_json(plan)
    assert "\x7f" not in text and "bad\\u007fname" in text
    assert json.loads(text)["errors"] == ["no Chime user bad\x7fname@example.com"]
    assert json_text('{"name": "plain"}') == '{"name": "plain"}'


def test_an_apply_failure_message_from_the_endpoint_is_shown_not_obeyed() -> None:
    result = ChangeResult(ALICE, "Evil", f"{CLEAR}\rApply complete!")
    lines = render_apply(ApplyResult((result,)), twins=frozenset())
    assert lines[1] == (
        "  ! + alice@example.com (Administrator) in incident-response: Evil: "
        "\\x1b[2J\\x1b[H\\rApply complete!"
    )


def test_apply_and_watch_json_escape_what_a_terminal_would_obey_and_keep_the_values() -> None:
    """apply's result document (--format json, --out) and apply --watch's (a line per
    round, the whole watch): a failure message and a name with bidi overrides and line
    separators are escaped, and read back exactly."""
    name = "Pager\u202eBot\u2028x\u009b2Jy"
    evil = MemberRef.bot(name)
    change = replace(ALICE, member=evil, member_id=f"b-{name}")
    result = ApplyResult((ChangeResult(change, "Evil", f"{CLEAR}\u2029done\u202e"),))
    watch_round = Round(1, datetime(2026, 12, 2, tzinfo=UTC), result, Timings())
    totals = WatchTotals()
    totals.add(watch_round)
    texts = [
        render_apply_json(result, verified=None, timings=Timings()),
        round_line(watch_round),
        watch_document(totals),
    ]
    for text in texts:
        assert RAW.search(text) is None, text
        [written] = json.loads(text)["changes"]
        assert written["member"] == f"bot:{name}" and written["member_id"] == f"b-{name}"
        assert written["error"]["message"] == f"{CLEAR}\u2029done\u202e"
    assert texts[1].count("\n") == 1  # still one line


def test_plain_names_are_left_exactly_as_they_are() -> None:
    assert shown_values(PLAN) is PLAN
    assert render_text(PLAN) == render_text(shown_values(PLAN))
    assert shown("Zoë 田中 😀 ‮") == "Zoë 田中 😀 \\u202e"


def test_every_control_format_and_separator_character_is_escaped() -> None:
    wanted = {"Cc", "Cf", "Zl", "Zp", "Cs"}
    missed = [
        hex(c)
        for c in range(0x110000)
        if unicodedata.category(chr(c)) in wanted and not UNSAFE.match(chr(c))
    ]
    assert missed == []
    assert not UNSAFE.search("".join(chr(c) for c in range(0x20, 0x7F)))
