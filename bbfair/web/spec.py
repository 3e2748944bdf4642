"""`/spec`, `/profile/{token}` and `/shapes/{file}`: what every record was validated with, as documents the
server negotiates like any resource.

`/profile/{token}` describes a publication profile (`bbfair.profiles`) with the W3C Profiles Vocabulary: its
IRI, token, title, what it is a profile of, and one resource descriptor (role: validation) per shapes file it is
validated with, bbfair's own and its consumer's official ones, each served as Turtle at `/shapes/…` exactly as
shipped. `/spec` lists the profiles the live build publishes, the default first. All are made once per build
and served from the render cache.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROF

from ..profiles import Profile, by_token, description
from ..rdf.resources import shapes_path
from ..store.documents import Document
from ..store.manifest import BuildInfo
from ..validation.shapesets import available as available_sets
from ..validation.shapesets import profile_file

ROLE_VALIDATION = URIRef("http://www.w3.org/ns/dx/prof/role/validation")
SHACL_SPEC = URIRef("http://www.w3.org/ns/shacl#")
TURTLE = URIRef("https://www.iana.org/assignments/media-types/text/turtle")
BBFP = "https://w3id.org/bbfair/profile#"


def shapes_files(profile: Profile, access_rights: str | None) -> list[tuple[str, Path]]:
    """(path under `shapes/`, file) of every shapes file `profile` is validated with: bbfair's own sets, then
    the official files (at the access level `access_rights` gives, else at every level)."""
    out = [(f"{name}.ttl", profile_file(name)) for name in profile.shape_sets]
    levels = [access_rights] if access_rights else ["PUBLIC", "RESTRICTED", "NON_PUBLIC"]
    for level in levels:
        for path in profile.official_files(level):
            out.append((path.relative_to(shapes_path()).as_posix(), path))
    out += [(p.relative_to(shapes_path()).as_posix(), p) for p in profile.submission_files()]
    return list(dict.fromkeys(out))


def shapes_file(relative: str) -> Path:
    """A shipped shapes file by its path under `shapes/` (KeyError for anything else: no other file of the
    installation is ever served)."""
    from ..profiles import available

    for profile in available():
        for name, path in shapes_files(profile, None):
            if name == relative:
                return path
    for name in available_sets():
        if f"{name}.ttl" == relative:
            return profile_file(name)
    raise KeyError(relative)


def _describe(out: Graph, base: str, profile: Profile, access_rights: str | None) -> URIRef:
    node = URIRef(profile.iri)
    source = description()
    for triple in source.triples((node, None, None)):
        if not str(triple[1]).startswith(BBFP):
            out.add(triple)
    here = URIRef(f"{base}/profile/{profile.token}")
    out.add((node, RDFS.isDefinedBy, here))
    for i, (name, _path) in enumerate(shapes_files(profile, access_rights)):
        descriptor = URIRef(f"{here}#shapes-{i + 1}")
        out.add((node, PROF.hasResource, descriptor))
        out.add((descriptor, RDF.type, PROF.ResourceDescriptor))
        out.add((descriptor, PROF.hasRole, ROLE_VALIDATION))
        out.add((descriptor, PROF.hasArtifact, URIRef(f"{base}/shapes/{name}")))
        out.add((descriptor, DCTERMS.conformsTo, SHACL_SPEC))
        out.add((descriptor, DCTERMS["format"], TURTLE))
        out.add((descriptor, DCTERMS.title, Literal(
            ("official shapes: " if name.startswith("official/") else "bbfair's shapes: ") + name, lang="en")))
    return node


def _document(iri: str, kind: str, graph: Graph, info: BuildInfo) -> Document:
    body = graph.serialize(format="nt", encoding="utf-8")
    etag = hashlib.blake2b(body + info.id.encode(), digest_size=10).hexdigest()
    return Document(iri, kind, etag, info.created, None, body)


def profile_document(info: BuildInfo, token: str, access_rights: str | None = None) -> Document:
    """`/profile/{token}`: a publication profile's description (KeyError when there is no such profile)."""
    try:
        profile = by_token(token)
    except Exception as exc:  # ConfigError: no such profile
        raise KeyError(token) from exc
    out = Graph()
    _describe(out, info.base_iri, profile, access_rights)
    return _document(f"{info.base_iri}/profile/{token}", "profile", out, info)


def spec_document(info: BuildInfo, access_rights: str | None = None) -> Document:
    """`/spec`: the publication profiles the live build publishes (the default first) and what each is
    validated with."""
    base = info.base_iri
    spec = URIRef(f"{base}/spec")
    out = Graph()
    out.add((spec, RDF.type, PROF.Profile))
    out.add((spec, DCTERMS.title, Literal("Metadata specification of this FAIR Data Point", lang="en")))
    out.add((spec, DCTERMS.description, Literal(
        "Every record served here is published in each of these profiles, and every profile's documents were "
        "validated, before they were published, with the SHACL shapes the profile lists. Ask for a profile with "
        "Accept-Profile or ?_profile=; without either you get the first (default) one.", lang="en")))
    for i, token in enumerate(info.published):
        try:
            profile = by_token(token)
        except Exception:  # a build of a profile this bbfair does not know any more
            continue
        node = _describe(out, base, profile, access_rights)
        out.add((spec, PROF.isProfileOf, node))
        if i == 0:
            out.add((spec, URIRef(f"{BBFP}defaultProfile"), node))
    return _document(str(spec), "spec", out, info)
