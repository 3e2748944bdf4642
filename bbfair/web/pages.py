"""The HTML page of any resource: a server-rendered, autoescaped jinja2 page people can read without scripts,
carrying the same FAIR Signposting links as the HTTP headers (`<link>` elements) and schema.org JSON-LD.

`render_page` builds the parts every page has — title, description, breadcrumbs, dates, the other formats, the
"Links" section (relations to other infrastructures: ORPHA/ICD-10 subjects, ROR/ORCID, DOIs, bio.tools …) and a
table of every statement — and asks `pageviews` for what the kind of resource adds. Templates only lay it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jinja2
from markupsafe import Markup
from rdflib import Literal, URIRef
from rdflib.namespace import SKOS

from ..rdf.namespaces import DCT, FDP, LDP
from .byprofile import representations
from .docview import Doc, Ref, curie
from .model import Page
from .pageviews import LINK_PREDICATES, VIEWS, Value, when
from .schemaorg import jsonld, script_text
from .signposting import links, trimmed, with_query

#: what a kind of resource is called on its page
KIND_LABELS = {
    "fdp": "FAIR Data Point", "catalog": "Catalogue", "dataset": "Sample collection",
    "distribution": "Access route", "service": "Data service", "agent": "Organisation", "contact": "Contact point",
    "container": "List", "concept": "Term", "scheme": "Vocabulary",
}


@dataclass(frozen=True)
class LinkRow:
    """One outgoing link in the "Links" section: the relation, the target and, for a subject, its broader terms."""

    relation: str
    target: Ref
    broader: list[Ref]


@dataclass(frozen=True)
class Statement:
    """One predicate of the resource with its values, for the "All metadata" table."""

    curie: str
    predicate: str
    values: list[Value]


def _outgoing(doc: Doc) -> list[LinkRow]:
    rows = []
    for relation, predicate in LINK_PREDICATES:
        for value in doc.objects(predicate):
            if isinstance(value, URIRef):
                target = doc.ref(value)
            elif isinstance(value, Literal) and str(value).startswith(("http://", "https://")):
                target = Ref(str(value), str(value), not doc.is_local(str(value)), False)
            else:
                continue
            if target is not None:
                rows.append(LinkRow(relation, target, doc.refs(SKOS.broader, value)))
    return rows


def _statements(doc: Doc) -> list[Statement]:
    by_predicate: dict[str, list[Value]] = {}
    for predicate in sorted({str(p) for p in doc.graph.predicates(doc.subject)}):
        values: list[Value] = []
        for value in doc.objects(URIRef(predicate)):
            ref = doc.ref(value)
            values.append(ref if ref is not None else str(value))
        by_predicate[predicate] = values
    rows = [Statement(curie(p), p, v) for p, v in by_predicate.items()]
    return sorted(rows, key=lambda r: (r.curie != "rdf:type", r.curie))


def _breadcrumbs(doc: Doc, page: Page) -> list[Ref]:
    """Home, then what holds the resource (a collection's catalogue and parent collection), then nothing more:
    the current page itself is shown as the title."""
    root = page.site.root_iri or page.site.base_iri.rstrip("/") + "/"
    trail = [Ref(root, "Home", False)]
    holders: list[URIRef] = []
    if page.kind == "dataset":  # its catalogue(s) first, then the collection it is a sub-collection of
        holders = sorted(doc.iris(DCT.isPartOf), key=doc.is_dataset)
    elif page.parent:
        holders = [URIRef(page.parent)]
    for node in holders:
        ref = doc.ref(node)
        if ref is not None and ref.href != root and ref.href != page.iri:
            trail.append(ref)
    return trail


def _in_profile(page: Page) -> str:
    """The page's address in its profile (the plain IRI for the default profile)."""
    default = page.site.profiles[0] if page.site.profiles else None
    if page.profile is None or page.profile == default:
        return page.iri
    return with_query(page.iri, "_profile", page.profile.token)


def _formats(page: Page) -> list[dict[str, str]]:
    here = _in_profile(page)
    out = [{"label": f.label, "href": with_query(here, "format", f.key), "type": f.media_type}
           for f in page.site.formats if f.media_type != "text/html"]
    out.append({"label": "Linkset", "href": with_query(page.iri, "format", "linkset"),
                "type": "application/linkset+json"})
    return out


def _profiles(page: Page) -> list[dict[str, Any]]:
    """The publication profiles the page can be read in, with the one shown marked."""
    default = page.site.profiles[0] if page.site.profiles else None
    return [{"title": p.title, "token": p.token, "iri": p.iri, "current": p == page.profile,
             "href": page.iri if p == default else with_query(page.iri, "_profile", p.token)}
            for p in page.site.profiles]


def _description(doc: Doc) -> list[str]:
    text = doc.text(DCT.description) or ""
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def view_model(page: Page) -> dict[str, Any]:
    """Everything the page template shows, as plain values (also what the tests inspect)."""
    doc = Doc(page)
    extra = VIEWS.get(page.kind, lambda d: {})(doc)
    terms = page.site.terms
    if terms is not None and page.kind == "concept":  # from a term to the collections that have it
        extra["finder"] = terms.for_term(page.iri)
    elif terms is not None and page.kind == "scheme" and extra.get("members"):
        found = terms.for_members(page.iri, [m["code"] for m in extra["members"]])
        extra["members"] = [{**m, "finder": found.get(m["code"], [])} for m in extra["members"]]
        extra["finder_column"] = bool(found)
    issued = doc.when(DCT.issued) or doc.when(FDP.metadataIssued)
    modified = doc.when(DCT.modified) or doc.when(FDP.metadataModified)
    title = doc.name()
    if page.kind == "container" and not doc.label.known(doc.subject):
        members_of = doc.iris(LDP.membershipResource)
        title = f"Members of {doc.name(members_of[0])}" if members_of else title
    return {
        "kind": page.kind, "kind_label": KIND_LABELS.get(page.kind, page.kind.title()),
        "title": title, "alternative": doc.text(DCT.alternative), "description": _description(doc),
        "breadcrumbs": _breadcrumbs(doc, page),
        "issued": when(issued), "issued_iso": issued.isoformat() if issued else None,
        "modified": when(modified), "modified_iso": modified.isoformat() if modified else None,
        "formats": _formats(page), "links": _outgoing(doc), "statements": _statements(doc),
        "profiles": _profiles(page), "alternates": with_query(page.iri, "_profile", "alt"),
        **extra,
    }


def render_page(page: Page, env: jinja2.Environment) -> str:
    """The full HTML page of `page`'s resource, whatever its kind, rendered with `env` (autoescaped)."""
    if page.kind == "alternates":
        rows = [{"profile": p.title, "token": p.token, "iri": p.iri, "format": f.label, "type": f.media_type,
                 "href": url} for p, f, url in representations(page.iri, page.site)]
        return env.get_template("alternates.html").render(site=page.site, page=page, rows=rows)
    data = jsonld(page)
    template = env.get_template(f"{page.kind}.html" if page.kind in VIEWS else "resource.html")
    return template.render(
        site=page.site, page=page, view=view_model(page),
        signposts=[link for link in trimmed(links(page)) if link.anchor is None],
        jsonld=Markup(script_text(data)) if data is not None else None,  # already safe inside <script>
    )
