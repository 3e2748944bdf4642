"""The harvester's record rules and fetch stage (fdp-and-harvester.md §3.1, steps 1 and 3), re-implemented:
which visited documents become records and under which GUID, and the graph each record is imported as.

- A document is a record only where the exact URL that was requested is typed in its own document:
  `dcat:Catalog` (only with `harvest_catalogs`, and then first), else `dcat:Dataset`, else `dcat:DatasetSeries`.
- The GUID is `{kind}={url}`; the fetch stage splits it at `;` and the last part at its first `=`, so an IRI
  with a `;` is fetched as something else (or not at all) and never imported.
- The record's graph is its document with the FDP reference implementation's defaults removed (an
  `<iri#accessRights>` placeholder, any `dct:conformsTo …/profile/…`), plus, for every `dcat:distribution` of
  the record, every `(distribution, p, o)` triple of the distribution's own document (after the same clean-up)
  and the blank nodes below its `dcat:accessService`; contact points whose IRI contains `orcid` become a
  `vcard:Kind` blank node (the harvester then asks ORCID for the name; this check does not go on line for it).
The fetch stage GETs the record again; the check reuses what the walk fetched (same server, same moment).
"""

from __future__ import annotations

import re
from collections import deque

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from ..rdf.namespaces import DCAT, DCT, VCARD
from .model import Effect, Issue, Record
from .walk import Document, Fetcher

#: GUID prefixes of the harvester's record kinds
GUID_PREFIX = {"catalog": "catalog", "dataset": "dataset", "series": "dataseries"}
_PROFILE = re.compile(r"^https?://.*/profile/", re.IGNORECASE)


def record_kind(types: list[str], harvest_catalogs: bool) -> str | None:
    """What the harvester makes of a document whose URL has these types, in the harvester's order."""
    if harvest_catalogs and str(DCAT.Catalog) in types:
        return "catalog"
    if str(DCAT.Dataset) in types:
        return "dataset"
    if str(DCAT.DatasetSeries) in types:
        return "series"
    return None


def guid(kind: str, url: str) -> str:
    return f"{GUID_PREFIX[kind]}={url}"


def fetched_url(identifier: str) -> str | None:
    """The URL the fetch stage requests for a GUID: the last `;`-separated part, after its first `=`; None when
    that part has no `=` (the harvester raises and the record fails)."""
    parts = identifier.split(";")[-1].split("=", 1)
    return parts[1] if len(parts) == 2 else None


def remove_fdp_defaults(graph: Graph, subject: URIRef) -> list[str]:
    """Drop what the harvester drops as FDP reference-implementation defaults; return what was dropped."""
    dropped: list[str] = []
    placeholder = URIRef(f"{subject}#accessRights")
    if (subject, DCT.accessRights, placeholder) in graph:
        graph.remove((subject, DCT.accessRights, placeholder))
        graph.remove((placeholder, None, None))
        dropped.append(f"dct:accessRights <{placeholder}>")
    for s, o in list(graph.subject_objects(DCT.conformsTo)):
        if isinstance(o, URIRef) and _PROFILE.match(str(o)):
            graph.remove((s, DCT.conformsTo, o))
            dropped.append(f"dct:conformsTo <{o}>")
    return dropped


def _copy_below(source: Graph, target: Graph, start: Node) -> None:
    """Copy `start`'s triples and, recursively, those of the blank nodes they lead to (an access service)."""
    queue, seen = deque([start]), set()
    while queue:
        node = queue.popleft()
        if node in seen:
            continue
        seen.add(node)
        for p, o in source.predicate_objects(node):
            target.add((node, p, o))
            if isinstance(o, BNode):
                queue.append(o)


class Assembler:
    """Makes the records of a walk and the graphs the harvester would import for them."""

    def __init__(self, fetcher: Fetcher, harvest_catalogs: bool = False) -> None:
        self.fetcher = fetcher
        self.harvest_catalogs = harvest_catalogs

    def prefetch(self, documents: list[Document]) -> None:
        """Fetch, all at once, the distributions of the records-to-be that the walk did not reach (a dataset
        that names them only with dcat:distribution, not in a container)."""
        todo: dict[str, str] = {}
        for doc in documents:
            if record_kind(doc.visit.types, self.harvest_catalogs) is None:
                continue
            for distribution in doc.graph.objects(URIRef(doc.url), DCAT.distribution):
                url = str(distribution)
                if isinstance(distribution, URIRef) and url not in self.fetcher.cache and url not in todo:
                    todo[url] = doc.url
        for fetched in self.fetcher.many(list(todo.items()), depth=-1):
            self.fetcher.cache[fetched.url] = fetched

    def record(self, doc: Document) -> tuple[Record | None, list[Issue]]:
        """The record a visited document becomes (None when it becomes none), with what went wrong on the way."""
        kind = record_kind(doc.visit.types, self.harvest_catalogs)
        if kind is None:
            return None, []
        url, via = doc.url, doc.visit.via
        record = Record(url, kind, guid(kind, url), via=via)
        issues: list[Issue] = []
        target = fetched_url(record.guid)
        if target != url:
            record.imported = False
            what = f"requests {target!r} instead" if target is not None else "raises an identifier error"
            issues.append(Issue(
                url, "guid-semicolon", Effect.DROPPED,
                f"the IRI contains ';': the harvester's GUID {record.guid!r} is split at ';', so its fetch stage "
                f"{what} and the record is not imported",
                "mint IRIs without ';' (bbfair folds it to '-'; another publisher must change its IRI pattern)", via))
        graph = doc.graph  # the record owns its document from here on (copying graphs is slow in rdflib)
        subject = URIRef(url)
        removed = remove_fdp_defaults(graph, subject)
        for distribution in sorted(graph.objects(subject, DCAT.distribution), key=str):
            record.distributions.append(str(distribution))
            issues += self._merge(graph, record, distribution, removed, via)
        issues += self._orcid_contacts(graph, subject, record, via)
        if removed:
            issues.append(Issue(
                url, "fdp-defaults", Effect.NOTE,
                f"the harvester removes {', '.join(removed)} (it takes them for FAIR Data Point defaults)",
                "put meaningful values elsewhere: an EU access-right IRI, a standard's IRI in dct:conformsTo", via))
        record.graph = graph
        return record, issues

    def _merge(self, graph: Graph, record: Record, distribution: Node, removed: list[str],
               via: str | None) -> list[Issue]:
        """Add one distribution's own statements to the record, as the fetch stage does (what its clean-up
        removes is added to `removed`)."""
        url = record.url
        if not isinstance(distribution, URIRef):
            return []  # a blank-node distribution is already in the record's document; the harvester's GET fails
        described_here = (distribution, None, None) in graph
        doc = self.fetcher.document(str(distribution), via=url)
        if not doc.visit.ok:
            why = doc.visit.error or "its body is not Turtle"
            if described_here:
                return [Issue(
                    url, "distribution-unreadable", Effect.NOTE,
                    f"distribution <{distribution}> cannot be read ({why}); the harvester keeps only what the "
                    "record's own document says about it", "make every distribution IRI resolve to its Turtle "
                    "description", via)]
            return [Issue(
                url, "distribution-lost", Effect.INCOMPLETE,
                f"distribution <{distribution}> cannot be read ({why}): the record is imported without it",
                "make every distribution IRI resolve to its Turtle description", via)]
        source = doc.graph  # cleaned in place: the clean-up is the same for every record that merges it
        removed += remove_fdp_defaults(source, distribution)
        found = False
        for p, o in source.predicate_objects(distribution):
            found = True
            graph.add((distribution, p, o))
            if p == DCAT.accessService:
                _copy_below(source, graph, o)
        if not found and not described_here:
            return [Issue(
                url, "distribution-lost", Effect.INCOMPLETE,
                f"distribution <{distribution}> answers, but its document says nothing about <{distribution}>: the "
                "record is imported without it", "make the distribution's subject IRI exactly the URL it is "
                "served at", via)]
        return []

    @staticmethod
    def _orcid_contacts(graph: Graph, subject: URIRef, record: Record, via: str | None) -> list[Issue]:
        """Contact points named by an ORCID IRI are replaced by a bare vcard:Kind (name looked up at ORCID)."""
        issues = []
        for contact in list(graph.objects(subject, DCAT.contactPoint)):
            if isinstance(contact, URIRef) and "orcid" in str(contact):
                graph.remove((subject, DCAT.contactPoint, contact))
                kind = BNode()
                graph.add((subject, DCAT.contactPoint, kind))
                graph.add((kind, RDF.type, VCARD.Kind))
                graph.add((kind, VCARD.hasUID, contact))
                issues.append(Issue(
                    record.url, "orcid-contact", Effect.NOTE,
                    f"contact point <{contact}> is an ORCID IRI: the harvester replaces it by a vcard:Kind with "
                    "only that IRI and the name ORCID gives, so its e-mail address and the rest of its description "
                    "are lost", "use a vcard:Kind with vcard:fn and vcard:hasEmail as the contact point", via))
        return issues
