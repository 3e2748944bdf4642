"""A batch's triples as plain dicts, for the fast pre-check (`fastcheck`): looking a value up in a dict is what
makes checking every (shape, focus node) pair in Python cheaper than one pyshacl call, which goes through rdflib's
graph API for each."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rdflib import Literal
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

Triple = tuple[Node, Node, Node]


class Index:
    """A batch's triples as dicts: subject → predicate → objects, and the reverse."""

    def __init__(self, triples: Iterable[Triple]) -> None:
        spo: dict[Node, dict[Node, list[Node]]] = defaultdict(lambda: defaultdict(list))
        ops: dict[Node, dict[Node, list[Node]]] = defaultdict(lambda: defaultdict(list))
        literals: list[Triple] = []
        for s, p, o in triples:
            spo[s][p].append(o)
            if type(o) is Literal:  # hashing a Literal runs Python code; few checks walk back from one
                literals.append((s, p, o))
            else:
                ops[o][p].append(s)
        self.spo, self.ops = spo, ops
        self._literals: list[Triple] | None = literals
        #: (shape id, node, depth) -> conforms: a publisher, contact point or concept that many documents of
        #: the batch reference is checked against a nested shape once, not once per reference
        self.memo: dict[tuple[int, Node, int], bool] = {}
        self.subclasses: dict[Node, set[Node]] = defaultdict(set)
        for sub, by_p in list(spo.items()):
            for sup in by_p.get(RDFS.subClassOf, ()):
                self.subclasses[sup].add(sub)

    def objects(self, s: Node, p: Node) -> list[Node]:
        by_p = self.spo.get(s)
        return by_p.get(p, []) if by_p else []

    def subjects(self, p: Node, o: Node) -> list[Node]:
        if self._literals is not None and isinstance(o, Literal):
            for s, pred, lit in self._literals:
                self.ops[lit][pred].append(s)
            self._literals = None
        by_p = self.ops.get(o)
        return by_p.get(p, []) if by_p else []

    def classes_below(self, cls: Node) -> set[Node]:
        """`cls` and its subclasses in the data (pyshacl follows rdfs:subClassOf in the data graph)."""
        out, todo = {cls}, [cls]
        while todo:
            for sub in self.subclasses.get(todo.pop(), ()):
                if sub not in out:
                    out.add(sub)
                    todo.append(sub)
        return out

    def is_instance(self, node: Node, cls: Node) -> bool:
        types = self.objects(node, RDF.type)
        if not types:
            return False
        if cls in types:
            return True
        return bool(self.classes_below(cls).intersection(types))


def foci(index: Index, kinds: list[tuple[str, Node]]) -> list[Node]:
    """The focus nodes a shape's targets select in the batch, each once, in a stable order."""
    foci: dict[Node, None] = {}
    for kind, value in kinds:
        if kind == "targetNode":
            foci[value] = None
        elif kind == "targetClass":
            for cls in index.classes_below(value):
                foci.update(dict.fromkeys(index.subjects(RDF.type, cls)))
        elif kind == "targetSubjectsOf":
            foci.update(dict.fromkeys(s for s, by_p in index.spo.items() if value in by_p))
        else:
            foci.update(dict.fromkeys(o for s, by_p in index.spo.items() for o in by_p.get(value, ())))
    return list(foci)
