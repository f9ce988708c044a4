"""Which live targets a desired state declares already, for any kind (``import`` leaves
them as they are): a target declared with its id (``Kind.id_field``) by that id, in its
scope where ids are per scope (``Kind.id_per_scope``); any other by its name in its scope
(in the whole kind where names are not per scope, ``Kind.names_per_scope``), unless
several live targets there have that name: then it declares none of them, as the plan
refuses it (``ambiguous``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from reconciler.desired.model import DesiredTarget
from reconciler.kinds import Kind
from reconciler.render.safe import shown


@dataclass
class Declared:
    """The declarations of one kind, looked up by a live target's scope, id and name."""

    kind: Kind
    by_id: dict[tuple[str, str], DesiredTarget] = field(default_factory=dict)
    by_name: dict[tuple[str, str], DesiredTarget] = field(default_factory=dict)

    @classmethod
    def of(
        cls, kind: Kind, targets: Iterable[DesiredTarget], *, except_in: str | None = None
    ) -> Declared:
        """``targets``' declarations of ``kind`` (but those in the file ``except_in``: the
        one an import with ``--force`` writes again)."""
        found = cls(kind)
        for t in targets:
            if t.key.kind != kind.id or t.location.file == except_in:
                continue
            if t.target_id is not None:
                found.by_id.setdefault(found._id_key(t.key.scope, t.target_id), t)
            else:
                found.by_name.setdefault(found._name_key(t.key.scope, t.key.name), t)
        return found

    def find(
        self, scope: str, target_id: str, name: str, namesakes: int = 1
    ) -> DesiredTarget | None:
        """The declaration of the live target ``target_id`` named ``name`` in ``scope``;
        ``namesakes``: how many live targets have that name there (a declaration by a
        name several have declares none of them: ``ambiguous``)."""
        by_id = self.by_id.get(self._id_key(scope, target_id))
        if by_id is not None or namesakes > 1:
            return by_id
        return self.by_name.get(self._name_key(scope, name))

    def ambiguous(self, scope: str, name: str, namesakes: int) -> DesiredTarget | None:
        """The declaration by ``name`` in ``scope`` when ``namesakes`` (> 1) live targets
        have that name there: it names none of them, and the plan refuses it."""
        return self.by_name.get(self._name_key(scope, name)) if namesakes > 1 else None

    def _id_key(self, scope: str, target_id: str) -> tuple[str, str]:
        return (scope if self.kind.id_per_scope else "", target_id)

    def _name_key(self, scope: str, name: str) -> tuple[str, str]:
        return (scope if self.kind.names_per_scope else "", name)


@dataclass(frozen=True)
class Unclear:
    """A declaration by a name several live targets of its scope have (``ids``): it
    declares none of them (``Declared.ambiguous``), so each written is written with its
    own id (``written``: those, where not all of ``ids``; none where each is declared by
    its id already, ``kept``), and the entry must go before plan (QA-FP Q-FP-11 for
    channels, QA-LD Q-LD-7 for rooms; QA-GE Q-GE-4: whether or not any is written now)."""

    kind: Kind
    target: DesiredTarget
    ids: tuple[str, ...]
    written: tuple[str, ...]
    kept: tuple[str, ...] = ()
    new_file: str = "its new file"  # the file those written go into, where one for all

    @property
    def line(self) -> str:
        words, n, id_key = self.kind.words, len(self.ids), f"{self.kind.id_field}:"
        # each named is written with its id: the entry may take the id of one only with
        # that one's new entry gone (QA-GF Q-GF-4: else it is declared twice), which is a
        # file of its own or an entry of a file holding others too (QA-GL Q-GL-1)
        gone = words.written_as.format(noun=words.entry_noun, file=shown(self.new_file))
        fix = (
            f"Remove that entry (or give it the {id_key} of a {words.entry_noun} written and "
            f"delete {gone}) before plan."
        )
        if set(self.written) == set(self.ids):
            which = "so both are written" if n == 2 else "so each is written"
            how = f", each with its own {id_key}"
        elif self.written:
            some = len(self.written)
            which = f"so {', '.join(shown(i) for i in self.written)} "
            which += "is written" if some == 1 else "are written"
            how = f" with its own {id_key}" if some == 1 else f", each with its own {id_key}"
        else:  # each is declared by its id already: the entry alone is in the way
            kept = self.kept if set(self.kept) != set(self.ids) else ()
            which = "and each is" if not kept else f"and {', '.join(shown(i) for i in kept)}"
            which += "" if not kept else (" is" if len(kept) == 1 else " are")
            how = f" declared by {id_key} already"
            fix = "Remove that entry before plan."
        return (
            f"Note: {self.target.location}: {words.entry_noun} {shown(self.target.key.name)} "
            f"is declared by name, and {n} {words.entry_plural} of {words.scope} "
            f"{shown(self.target.key.scope)} have that name "
            f"({', '.join(shown(i) for i in self.ids)}): it declares none of them, "
            f"{which}{how}. {fix}"
        )


def namesakes(targets: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str], tuple[str, ...]]:
    """The live targets several of which have a name in their scope, given as (scope,
    name, id): (scope, name) -> their ids, sorted (rooms: ``importer.Namesakes``; channels:
    one app instance's, scope "")."""
    ids: dict[tuple[str, str], list[str]] = {}
    for scope, name, target_id in targets:
        ids.setdefault((scope, name), []).append(target_id)
    return {pair: tuple(sorted(found)) for pair, found in ids.items() if len(found) > 1}
