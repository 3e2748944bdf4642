"""Links to other infrastructures: related resources, publications, and the ROR and ORCID of organisations and
people, as resolvable IRIs.

- `related` (collections, biobanks, networks): each value, a CURIE or a web address, becomes `dct:relation`
  to the resource it names, typed by its prefix where `vocab/links.csv` says what such a resource is
  (`biotools:` → `schema:SoftwareApplication`, `fairsharing:` → `dct:Standard`, a Directory id →
  `dcat:Resource` at its Directory page, `ror:` → `foaf:Organization` …). A web address in no known namespace is
  a plain page: `rdfs:seeAlso`.
- `publications` (collections): `dct:isReferencedBy` (DCAT-AP's "is referenced by" of a dataset: DOIs, PubMed
  ids, web addresses of papers about the collection).
- `ror` (biobanks, and the node's own identifier in bbfair.toml): the ROR IRI as the agent's `dct:identifier`
  (Health-RI's agent identifier) and `owl:sameAs` (the agent is the organisation ROR describes).
- `orcid` (persons): `vcard:hasUID` on the contact (vCard's identifier of the person the card is about; the
  contact is a `vcard:Kind`, not an agent, so Health-RI's agent identifier does not apply).

Values were checked when the records were read (`records.curies`); one that does not parse here (records built
by hand) is skipped and counted, never guessed.
"""

from __future__ import annotations

from rdflib import URIRef

from ..rdf import vocab
from ..rdf.namespaces import DCT, RDF, RDFS
from ..records.curies import Identifier, IdentifierError, parse, parse_as
from .context import Context
from .resource import Triple


def _read(ctx: Context, value: str) -> tuple[Identifier, URIRef] | None:
    try:
        found = parse(value)
    except IdentifierError:
        ctx.note("identifier skipped: not a CURIE or web address (validation reports it)")
        return None
    if found.kind == "directory":
        return found, ctx.directory_page(found.directory_kind() or "biobank", found.value)
    return found, URIRef(found.iri)


def _typed(found: Identifier, target: URIRef) -> list[Triple]:
    kind = vocab.link_types().get((found.prefix or "").lower())
    return [(target, RDF.type, URIRef(kind.type))] if kind is not None and kind.type else []


def _linked(ctx: Context, subject: URIRef, values: list[str], predicate: URIRef,
            plain: URIRef | None = None) -> tuple[list[Triple], list[Triple]]:
    """`subject predicate target` for each value (`plain` instead for a web address in no known namespace), and
    the types of the targets where their prefix says, kept apart: they describe other resources, so a
    catalogue embedding the record's summary need not repeat them."""
    own: list[Triple] = []
    described: list[Triple] = []
    for value in values:
        read = _read(ctx, value)
        if read is None:
            continue
        found, target = read
        if found.prefix is None and plain is not None:
            own.append((subject, plain, target))
            continue
        own.append((subject, predicate, target))
        described += _typed(found, target)
    return own, described


def related(ctx: Context, subject: URIRef, values: list[str]) -> tuple[list[Triple], list[Triple]]:
    """The record's links to related resources (`dct:relation`, `rdfs:seeAlso` for plain web pages) and the
    types of those resources."""
    return _linked(ctx, subject, values, DCT.relation, RDFS.seeAlso)


def publications(ctx: Context, subject: URIRef, values: list[str]) -> tuple[list[Triple], list[Triple]]:
    """`dct:isReferencedBy` for each publication, typed where its prefix says (a PubMed article)."""
    return _linked(ctx, subject, values, DCT.isReferencedBy)


def ror(value: str | None) -> URIRef | None:
    """The ROR IRI of a `ror` value (`05wg1m734`, `ror:05wg1m734`, `https://ror.org/05wg1m734`), None if there
    is none or it is not a ROR id (a node identifier in bbfair.toml may be any IRI)."""
    if not value:
        return None
    try:
        return URIRef(parse_as(value, "ror").iri)
    except IdentifierError:
        return None


def orcid(value: str | None) -> URIRef | None:
    """The ORCID IRI of an `orcid` value, None if there is none or it is not an ORCID."""
    if not value:
        return None
    try:
        return URIRef(parse_as(value, "orcid").iri)
    except IdentifierError:
        return None
