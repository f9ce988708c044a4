"""Whatever the files hold, the loader either loads them or raises DesiredStateError with
located problems: never another exception, never a traceback for the user."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.desired.loader import load_desired
from reconciler.desired.model import DesiredState
from reconciler.errors import DesiredStateError

EXAMPLE = Path(__file__).resolve().parents[3] / "desired-state"
EXAMPLE_FILES = {
    p.relative_to(EXAMPLE).as_posix(): p.read_text() for p in sorted(EXAMPLE.rglob("*.yaml"))
}
NAMES = ["settings.yaml", "restrictions.yaml", "rooms.yaml", "teams/sre/x.yaml", "a.yml"]
KEYS = [
    "rooms", "groups", "room", "members", "administrators", "administrator", "prune", "id",
    "account", "safety", "max_removals", "max_removal_fraction", "min_administrators",
    "protected", "restrictions", "path", "sre", "incident-response", "", "<<",
]  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=True),
    st.sampled_from(
        [
            "alice@example.com",
            "bob@",
            "@sre",
            "@",
            "bot:PagerBot",
            "bot:",
            "webhook:x",
            "",
            " ",
            "^sre-",
            "(",
            "teams/**",
            "11111111-2222-3333-4444-555555555555",
        ]
    ),
    st.text(max_size=8),
)
DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=5)), inner, max_size=4),
    ),
    max_leaves=25,
)
PUNCTUATION = st.sampled_from([*":-[]{}@&*!#|>'\"\t\n ,?%`~\\", "\x00", "\ufeff", "é"])


def check(files: dict[str, str | bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ds"
        for name, content in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8", errors="surrogatepass")
        try:
            state = load_desired(root)
        except DesiredStateError as exc:
            assert exc.problems, "an error must carry at least one problem"
            for problem in exc.problems:
                assert problem.message
                if problem.location is not None:
                    assert problem.location.line >= 1
                    assert problem.location.file.startswith(str(root)), problem
        else:
            assert isinstance(state, DesiredState)
            assert len(state.files) == len(files)


FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.dictionaries(st.sampled_from(NAMES), st.text(max_size=200), min_size=1, max_size=3))
def test_random_text_loads_or_raises_desired_state_error(files: dict[str, str]) -> None:
    check({k: v.encode("utf-8", "surrogatepass") for k, v in files.items()})


@FUZZ
@given(st.dictionaries(st.sampled_from(NAMES), st.binary(max_size=120), min_size=1, max_size=2))
def test_random_bytes_load_or_raise_desired_state_error(files: dict[str, bytes]) -> None:
    check(dict(files))


@FUZZ
@given(st.dictionaries(st.sampled_from(NAMES), DOCUMENTS, min_size=1, max_size=3))
def test_random_documents_load_or_raise_desired_state_error(files: dict[str, Any]) -> None:
    check({name: yaml.safe_dump(doc, allow_unicode=True) for name, doc in files.items()})


ENTRY_TEXTS = [
    "alice@example.com",
    "Alice@Example.com",
    "bob+tag@mail.example.co.uk",
    "bot:PagerBot",
    "BOT:PagerBot",
    "@sre",
    "@web",
    "@everyone",
    "@nope",
    "bob@",
    "webhook:x",
    "bot:",
    "@",
    "",
]
ENTRIES = st.one_of(st.sampled_from(ENTRY_TEXTS), st.sampled_from(ENTRY_TEXTS), SCALARS)
MEMBER_LISTS = st.one_of(st.lists(ENTRIES, min_size=1, max_size=6), SCALARS)
GROUP_NAMES = st.sampled_from(["sre", "web", "everyone", "sre", "web", "@sre", "a b", ""])
ROOM_NAMES = st.sampled_from(["incident-response", "ops", "web-x", "café ☕", "", " ", "123"])
ROOM_OPTIONS = {
    "administrators": MEMBER_LISTS,
    "prune": st.one_of(st.booleans(), SCALARS),
    "id": st.one_of(st.sampled_from(["room-1", "room-2"]), SCALARS),
    "account": st.one_of(st.just("acc"), SCALARS),
    "administrator": MEMBER_LISTS,
}
ROOMS = st.dictionaries(
    ROOM_NAMES,
    st.one_of(
        st.fixed_dictionaries({"members": MEMBER_LISTS}, optional=ROOM_OPTIONS),
        st.fixed_dictionaries({"members": MEMBER_LISTS}, optional=ROOM_OPTIONS),
        SCALARS,
    ),
    min_size=1,
    max_size=3,
)
GROUP_LISTS = st.lists(st.sampled_from(["@sre", "@web", "@everyone", "alice@example.com"]))
SHAPED_FILE = st.fixed_dictionaries(
    {
        "rooms": ROOMS,
        "groups": st.dictionaries(
            GROUP_NAMES, st.one_of(GROUP_LISTS, MEMBER_LISTS), min_size=1, max_size=3
        ),
    }
)
SETTINGS = st.fixed_dictionaries(
    {"account": st.one_of(st.just("acc"), st.just("acc"), SCALARS)},
    optional={
        "prune": st.one_of(st.booleans(), SCALARS),
        "protected": MEMBER_LISTS,
        "safety": st.dictionaries(st.sampled_from(KEYS[8:13]), SCALARS, max_size=3),
        "rooms": ROOMS,
    },
)
RESTRICTIONS = st.fixed_dictionaries(
    {
        "restrictions": st.lists(
            st.fixed_dictionaries(
                {"path": st.sampled_from(["teams/**", "**", "*.yaml", "", "teams/sre/*"])},
                optional={
                    "rooms": st.lists(st.sampled_from(["^ops$", "(", "^web-", ".*"]), max_size=2),
                    "groups": st.lists(st.sampled_from(["^sre", "[", ".*"]), max_size=2),
                },
            ),
            max_size=3,
        )
    }
)


@FUZZ
@given(
    st.fixed_dictionaries(
        {"rooms.yaml": SHAPED_FILE, "settings.yaml": SETTINGS},
        optional={
            "restrictions.yaml": RESTRICTIONS,
            "teams/sre/x.yaml": SHAPED_FILE,
            "a.yml": SHAPED_FILE,
        },
    )
)
def test_shaped_documents_load_or_raise_desired_state_error(files: dict[str, Any]) -> None:
    """Documents shaped like desired-state files, every part possibly broken, so that the
    checks after validation (duplicates, groups, ownership) see broken input too."""
    check({name: yaml.safe_dump(doc, allow_unicode=True) for name, doc in files.items()})


@st.composite
def mutated_example(draw: st.DrawFn) -> dict[str, str]:
    files = dict(EXAMPLE_FILES)
    for _ in range(draw(st.integers(1, 4))):
        name = draw(st.sampled_from(sorted(files)))
        text = files[name]
        lines = text.split("\n")
        at = draw(st.integers(0, max(len(text) - 1, 0)))
        op = draw(st.sampled_from(["insert", "delete", "replace", "dup-line", "swap", "indent"]))
        if op == "insert":
            text = text[:at] + draw(PUNCTUATION) + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
        elif op == "replace":
            text = text[:at] + draw(PUNCTUATION) + text[at + 1 :]
        else:
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            if op == "dup-line":
                lines.insert(j, lines[i])
            elif op == "swap":
                lines[i], lines[j] = lines[j], lines[i]
            else:
                lines[i] = "  " + lines[i]
            text = "\n".join(lines)
        files[name] = text
    return files


@FUZZ
@given(mutated_example())
def test_mutated_example_loads_or_raises_desired_state_error(files: dict[str, str]) -> None:
    check(dict(files))


def test_the_unmutated_example_loads(tmp_path: Path) -> None:
    for name, text in EXAMPLE_FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert load_desired(tmp_path).targets
