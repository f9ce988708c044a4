"""The ``origin`` of a merged plan (``merge-plans --out``): where and when the shards'
plans were made, for ``apply FILE`` to use as it uses a plan's (``cli.saved_plan``).

- ``desired``, ``endpoint_url``, ``region``: the value every shard's file records; where
  the files differ (each CI runner its own checkout path, say), none, ``differs`` lists
  the key, and a note names the files: ``apply FILE`` then refuses to run without the
  option (``cli.saved_plan``): a none read as the default would send a plan made against
  emulators to AWS itself (Q-CE-2);
- ``now``: the same in every file (all made as of the clock, or all with one ``--now``);
  shards that evaluated ``until:`` at different moments are not one plan: ``MergeError``;
- ``made_at``: the earliest shard's (every file must have one; else none), so that
  ``apply FILE`` names any ``until:`` that passed since the first shard was planned.

Pure: the origins are given as ``read_origin`` reads them (a file without one: ``{}``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reconciler.governance.grant import moment_text, parse_moment
from reconciler.plan_merge import MergeError
from reconciler.redact import redact_url

SAME = (("desired", "--desired"), ("endpoint_url", "--endpoint-url"), ("region", "--region"))
Origins = Sequence[tuple[str, Mapping[str, str]]]  # (file name, its origin)


def merged_origin(origins: Origins) -> tuple[dict[str, Any], list[str]]:
    """The merged plan's origin, and a note for each key the files disagree on."""
    merged: dict[str, Any] = {}
    notes = []
    differs = []
    for key, option in SAME:
        values = {o.get(key) for _, o in origins}
        if len(values) == 1:
            merged[key] = values.pop()
            continue
        merged[key] = None
        differs.append(key)
        notes.append(
            f"Note: the shards' plans were made with different {option} ({_by_value(origins, key)})"
            f": the merged plan records none; give {option} to apply it."
        )
    nows = {o.get("now") for _, o in origins}
    if len(nows) > 1:
        moments = _by_value(origins, "now")
        raise MergeError(
            f"the shards' plans evaluated `until:` at different moments ({moments}): plan "
            "every shard with the same --now, or all without it"
        )
    merged["now"] = nows.pop() if nows else None
    merged["made_at"] = _earliest(origins)
    if differs:
        merged["differs"] = differs
    return merged, notes


def _earliest(origins: Origins) -> str | None:
    moments = []
    for name, o in origins:
        text = o.get("made_at")
        if text is None:
            return None  # unknown for that shard: so for the whole
        try:
            moments.append(parse_moment(text))
        except ValueError as exc:
            raise MergeError(f"{name}: origin.made_at: {exc}") from None
    return moment_text(min(moments)) if moments else None


def _by_value(origins: Origins, key: str) -> str:
    """``plan-1.json, plan-3.json: /a; plan-2.json: none``, in the files' order."""
    files: dict[str | None, list[str]] = {}
    for name, o in origins:
        files.setdefault(o.get(key), []).append(name)
    missing = "as of the clock" if key == "now" else "none"
    shown = {
        v: missing if v is None else redact_url(v) if key == "endpoint_url" else v for v in files
    }
    return "; ".join(f"{', '.join(names)}: {shown[v]}" for v, names in files.items())
