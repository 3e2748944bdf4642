"""`/spec` and `/profile/{name}`: the SHACL shapes each kind of record was validated with, as documents the
server negotiates like any resource.

A profile document is the shipped shapes file as it is, plus a `prof:Profile` description of it (title, the
classes it constrains, where the shapes are); `/spec` lists the profiles the live build was validated with and,
per class (FDP root, catalogue, dataset, distribution, agent, contact point), which profiles constrain it. Both
are made once per build and served from the render cache.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROF, SH

from ..resources import shapes_path
from ..store.documents import Document
from ..store.manifest import BuildInfo

ROLE_VALIDATION = URIRef("http://www.w3.org/ns/dx/prof/role/validation")
SHACL_SPEC = URIRef("http://www.w3.org/ns/shacl#")
TURTLE = URIRef("https://www.iana.org/assignments/media-types/text/turtle")


@lru_cache(maxsize=16)
def shapes_graph(name: str) -> Graph:
    """The shipped shapes file of profile `name` (KeyError when there is none)."""
    path = shapes_path(f"{name}.ttl")
    if not path.is_file():
        raise KeyError(name)
    graph = Graph()
    graph.parse(path, format="turtle")
    return graph


def targets(graph: Graph) -> set[URIRef]:
    """Classes the shapes of `graph` constrain."""
    return {c for c in graph.objects(None, SH.targetClass) if isinstance(c, URIRef)}


def _title(graph: Graph, name: str) -> str:
    for ontology in graph.subjects(RDF.type, URIRef("http://www.w3.org/2002/07/owl#Ontology")):
        label = graph.value(ontology, RDFS.label)
        if label is not None:
            return str(label)
    return f"bbfair profile {name}"


def _describe(out: Graph, base: str, name: str, shapes: Graph) -> URIRef:
    profile = URIRef(f"{base}/profile/{name}")
    out.add((profile, RDF.type, PROF.Profile))
    out.add((profile, DCTERMS.title, Literal(_title(shapes, name), lang="en")))
    out.add((profile, DCTERMS.identifier, Literal(name)))
    for cls in sorted(targets(shapes)):
        out.add((profile, DCTERMS.subject, cls))
    descriptor = URIRef(f"{profile}#shapes")
    out.add((profile, PROF.hasResource, descriptor))
    out.add((descriptor, RDF.type, PROF.ResourceDescriptor))
    out.add((descriptor, PROF.hasRole, ROLE_VALIDATION))
    out.add((descriptor, PROF.hasArtifact, URIRef(f"{profile}?format=ttl")))
    out.add((descriptor, DCTERMS.conformsTo, SHACL_SPEC))
    out.add((descriptor, DCTERMS["format"], TURTLE))
    return profile


def _document(iri: str, kind: str, graph: Graph, info: BuildInfo) -> Document:
    body = graph.serialize(format="nt", encoding="utf-8")
    etag = hashlib.blake2b(body + info.id.encode(), digest_size=10).hexdigest()
    return Document(iri, kind, etag, info.created, None, body)


def profile_document(info: BuildInfo, name: str) -> Document:
    """`/profile/{name}`: the shapes of a shipped profile and their description (KeyError when unknown)."""
    shapes = shapes_graph(name)
    out = Graph()
    for triple in shapes:
        out.add(triple)
    _describe(out, info.base_iri, name, shapes)
    return _document(f"{info.base_iri}/profile/{name}", "profile", out, info)


def spec_document(info: BuildInfo) -> Document:
    """`/spec`: which profiles the live build was validated with, and which constrain each class."""
    base = info.base_iri
    spec = URIRef(f"{base}/spec")
    out = Graph()
    out.add((spec, RDF.type, PROF.Profile))
    out.add((spec, DCTERMS.title, Literal("Metadata specification of this FAIR Data Point", lang="en")))
    out.add((spec, DCTERMS.description, Literal(
        "Every record served here was validated, before it was published, with the SHACL shapes of these "
        "profiles; each profile lists the classes it constrains.", lang="en")))
    for name in info.profiles:
        try:
            shapes = shapes_graph(name)
        except KeyError:  # a --shapes file given at build time: not shipped, so not served
            continue
        out.add((spec, PROF.isProfileOf, _describe(out, base, name, shapes)))
    return _document(str(spec), "spec", out, info)
