"""RDF namespaces, taken from the prefix map in `vocab/prefixes.json` so code, serialisers and the SPARQL page
agree on one set of prefixes."""

from __future__ import annotations

import json
from contextlib import suppress
from functools import lru_cache

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD, DefinedNamespace
from rdflib.term import Node

from .resources import vocab_path


@lru_cache(maxsize=1)
def prefixes() -> dict[str, str]:
    """prefix -> namespace IRI, as shipped in vocab/prefixes.json."""
    with vocab_path("prefixes.json").open(encoding="utf-8") as handle:
        return dict(json.load(handle))


class CachedNamespace(Namespace):
    """A Namespace that makes each attribute term once (rdflib builds and checks a new URIRef on every
    `DCAT.Dataset`, a third of the mapping's time). Terms are kept in the instance's `__dict__`, so the next
    access is a plain attribute lookup, and every triple shares one term object, which also makes dict and set
    lookups on the triples compare by identity."""

    def __getattr__(self, name: str) -> URIRef:
        term = super().__getattr__(name)
        self.__dict__[name] = term
        return term


def _materialise(*namespaces: type[DefinedNamespace]) -> None:
    """Turn rdflib's closed namespaces' terms into class attributes: `DCTERMS.title` is then a class attribute
    lookup instead of a call through the metaclass's `__getattr__` (the terms are the very objects rdflib's own
    cache returns, so nothing else changes)."""
    for ns in namespaces:
        for name in getattr(ns, "__annotations__", {}):
            if not name.startswith("_") and name not in vars(ns):
                with suppress(AttributeError, KeyError):
                    setattr(ns, name, ns[name])


_materialise(DCTERMS, RDF, RDFS, SKOS, XSD)


def _ns(prefix: str) -> Namespace:
    return CachedNamespace(prefixes()[prefix])


DCAT = _ns("dcat")
#: rdflib's closed DCTERMS namespace: a plain Namespace would turn `DCT.format` into `str.format`
DCT = DCTERMS
assert str(DCT) == prefixes()["dct"]
DCATAP = _ns("dcatap")
HEALTH = _ns("healthdcatap")
FOAF = _ns("foaf")
VCARD = _ns("vcard")
CV = _ns("cv")
GEODCATAP = _ns("geodcatap")
ADMS = _ns("adms")
FDP = _ns("fdp-o")
LDP = _ns("ldp")
ELI = _ns("eli")
BBFAIR = _ns("bbfair")
OWL = _ns("owl")
SCHEMA = _ns("schema")
DQV = _ns("dqv")
OA = _ns("oa")
EJP = _ns("ejp")
ODRL = _ns("odrl")
LOCN = _ns("locn")
GSP = _ns("gsp")
#: EU Publications Office authority tables (access-right, data-theme, file-type, language, country …)
EU = CachedNamespace("http://publications.europa.eu/resource/authority/")
#: HealthData@EU authority tables (healthcategories, health-theme, coding-system …)
HDEU = CachedNamespace("https://hdeu-dcat.data.health.europa.eu/resource/authority/")
IANA = CachedNamespace("https://www.iana.org/assignments/media-types/")

_CACHED: list[CachedNamespace] = sorted(
    (ns for ns in list(globals().values()) if isinstance(ns, CachedNamespace)), key=len, reverse=True)
_DEFINED = (DCTERMS, RDF, RDFS, SKOS, XSD)


def canonical(term: Node) -> Node:
    """The very term object the mapping uses for `term` (same IRI), when it is a namespace term; else `term`.
    Validation compiles its shapes' predicates and classes through this, so that its lookups in indexes of the
    mapping's triples hit by identity (rdflib's `__eq__` is Python code)."""
    if type(term) is not URIRef:
        return term
    text = str(term)
    for ns in _DEFINED:
        name = text[len(str(ns)):]
        if text.startswith(str(ns)) and name in vars(ns):
            return vars(ns)[name]
    for cached in _CACHED:
        if text.startswith(cached):
            name = text[len(cached):]
            return getattr(cached, name) if name.isidentifier() and not hasattr(str, name) else term
    return term


__all__ = ["ADMS", "BBFAIR", "CV", "DCAT", "DCATAP", "DCT", "DQV", "EJP", "ELI", "EU", "FDP", "FOAF", "GEODCATAP",
           "GSP", "HDEU", "HEALTH", "IANA", "LDP", "LOCN", "OA", "ODRL", "OWL", "RDF", "RDFS", "SCHEMA", "SKOS",
           "VCARD", "XSD", "canonical", "prefixes"]
