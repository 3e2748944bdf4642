"""The endpoint's SPARQL 1.1 Service Description, answered at `GET /sparql` without a query for machine
clients (Turtle by default, JSON-LD, RDF/XML, N-Triples).

The static part is a Turtle file in this package (`service-description.ttl`, relative IRIs resolved against the
endpoint URL, its `@prefix` lines naming every vocabulary used here); what depends on the running server is
added here: the federation feature when SERVICE has an allow-list, the triple count of the live build and the
limits as a comment.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files

import pyoxigraph as ox

from ...config import Sparql

TEMPLATE = "service-description.ttl"
FEDERATED = "service-description-federated.ttl"
_PREFIX = re.compile(r"^@prefix\s+([\w-]*):\s*<([^>]*)>\s*\.", re.MULTILINE)


def _read(name: str) -> str:
    return (files(__package__) / name).read_text(encoding="utf-8")


def _triples(text: str, base: str) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE, base_iri=base)]


def description(endpoint: str, settings: Sparql, triples: int, rdf_format: ox.RdfFormat) -> bytes:
    """The service description of the endpoint at `endpoint`, serialised in `rdf_format`."""
    return _description(endpoint, settings.timeout, settings.max_rows, tuple(settings.service_allow), triples,
                        rdf_format, settings.max_query_bytes, settings.max_depth, settings.per_client)


@lru_cache(maxsize=16)
def _description(endpoint: str, timeout: float, max_rows: int, allow: tuple[str, ...], triples: int,
                 rdf_format: ox.RdfFormat, max_query: int = 0, max_depth: int = 0, per_client: int = 0) -> bytes:
    text = _read(TEMPLATE)
    ns = dict(_PREFIX.findall(text))
    graph = _triples(text, endpoint)
    if allow:
        graph += _triples(_read(FEDERATED), endpoint)
    if triples:
        graph.append(ox.Triple(ox.NamedNode(f"{endpoint}#default-graph"), ox.NamedNode(ns["void"] + "triples"),
                               ox.Literal(str(triples), datatype=ox.NamedNode(ns["xsd"] + "integer"))))
    reach = ", ".join(allow) if allow else "no other endpoint"
    limits = (f"Read-only. A query may run {timeout:g} s and returns at most {max_rows} rows "
              f"(or triples); SERVICE reaches {reach}.")
    if max_query:
        limits += (f" A query may be {max_query} bytes long and nest {max_depth} deep; one client may have "
                   f"{per_client} queries running or waiting at once.")
    graph.append(ox.Triple(ox.NamedNode(endpoint), ox.NamedNode(ns["rdfs"] + "comment"),
                           ox.Literal(limits, language="en")))
    opts = {"prefixes": ns} if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else {}
    return ox.serialize(graph, format=rdf_format, **opts) or b""
