"""What the tasks of a streamed build (`stream`) send back, and how the build process merges it: each resource's
stamp, findings and written form once, and the stand-ins (summary and content hash) that catalogues and data
services embed of the families converted in other processes."""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from rdflib import URIRef

from ..mapping.resource import Resource
from ..mapping.stamps import Stamp
from ..records.models import Collection
from ..store.serialise import Written
from ..validation.engine import Result
from ..validation.report import Finding


class Sink(Protocol):
    """Where the written resources go (a local `Staging` build or a remote store's spool)."""

    def write(self, items: Sequence[Written]) -> None: ...

    def write_deltas(self, token: str, removed: str, added: str) -> None:
        """N-Quads that turn the default profile's quad store into profile `token`'s (every resource's, changed
        or not: the profile's store is made anew from the default one at each build)."""

    def abort(self) -> None: ...


S = TypeVar("S", bound=Sink)


@dataclass
class Member:
    """A catalogue or dataset as another catalogue embeds it: its summary triples and full content hash. The
    summary waits pickled (rdflib terms take ~14 KB a dataset summary; 20k network member datasets would hold
    ~0.3 GiB until the network tasks run)."""

    iri: str
    packed: bytes
    digest: str
    kind: str = "catalog"

    @classmethod
    def of(cls, res: Resource, digest: str) -> Member:
        packed = pickle.dumps((res.summary, res.summary_variants), pickle.HIGHEST_PROTOCOL)
        return cls(str(res.iri), packed, digest, res.kind)

    def stand_in(self) -> Resource:
        summary, variants = pickle.loads(self.packed)
        return Resource(URIRef(self.iri), self.kind, summary=summary, summary_variants=variants, digest=self.digest)


@dataclass
class Piece:
    """What one task sends back."""

    stamps: dict[str, Stamp] = field(default_factory=dict)
    triples: dict[str, int] = field(default_factory=dict)
    written: list[Written] = field(default_factory=list)
    #: (resource IRI, finding)
    findings: list[tuple[str, Finding]] = field(default_factory=list)
    #: validation results of every document, by version tag (what the validation cache keeps)
    fresh: dict[str, list[Result]] = field(default_factory=dict)
    members: list[Member] = field(default_factory=list)
    #: the datasets a network, Directory catalogue or data service embeds, as their stand-ins
    network_datasets: list[Member] = field(default_factory=list)
    #: the data services and endpoints a catalogue embeds, as their stand-ins
    services: list[Member] = field(default_factory=list)
    #: (resource IRI, profile token, N-Quads out, N-Quads in): see `Sink.write_deltas`
    deltas: list[tuple[str, str, str, str]] = field(default_factory=list)
    collections: int = 0
    validated: int = 0


@dataclass
class Family:
    """A biobank task's family: the biobank and the records of its collections. The records travel with the
    task, pickled (~8 MB for 10k collections), so that the build lets go of the record objects (~0.7 GiB at
    100k collections) before the workers fork: neither the build nor its workers hold them while they run."""

    biobank: str
    collections: list[Collection]
    #: collection id -> the dataset IRIs of its child collections (those of this family's collections)
    children: dict[str, list[URIRef]]


@dataclass
class Outcome:
    """What the streamed build found and wrote."""

    stamps: dict[str, Stamp]
    findings: list[Finding]
    fresh: dict[str, list[Result]]
    triples: int
    validated: int


class Collector:
    """Merges pieces in this process: each resource once (a worker may send an agent another sent too)."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.stamps: dict[str, Stamp] = {}
        self.findings: list[Finding] = []
        self.fresh: dict[str, list[Result]] = {}
        self.triples = 0
        self.validated = 0
        self.members: list[Member] = []
        self.network_datasets: dict[str, Member] = {}
        self.services: dict[str, Member] = {}
        self.violations = False

    def add(self, piece: Piece) -> None:
        new = {iri for iri in piece.stamps if iri not in self.stamps}
        for iri in new:
            self.stamps[iri] = piece.stamps[iri]
            self.triples += piece.triples[iri]
        for iri, finding in piece.findings:
            if iri in new:
                self.findings.append(finding)
                self.violations = self.violations or finding.severity == "violation"
        self.fresh.update(piece.fresh)
        self.validated += piece.validated
        self.members += piece.members
        self.network_datasets.update((m.iri, m) for m in piece.network_datasets)
        self.services.update((m.iri, m) for m in piece.services)
        if not self.violations:  # once invalid, nothing will be published: stop writing
            self.sink.write([w for w in piece.written if w.iri in new])
            for iri, token, out, in_ in piece.deltas:
                if iri in new:
                    self.sink.write_deltas(token, out, in_)
