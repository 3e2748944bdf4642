"""What the collection finder's index keeps of a dataset or catalogue, read off the resource's validated triples
in the worker that converted it (`stream`), so that indexing costs the build no second reading of the store.

A dataset's row holds its text (title, acronyms, description, keywords, its diseases' labels and those of every
broader term, its biobank's name), the codes of its facet values (`search.facets`), its numbers (donors,
samples, ages in years) and what a result card shows. A catalogue's row holds what collections inherit from it:
a network's members (datasets and biobank catalogues) and name, a biobank's quality certificates and name. Rows
travel as compact JSON on the resource's `Written` form, and only for resources the build writes: an unchanged
collection keeps its row from the live index.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import replace
from functools import lru_cache
from typing import Any

from rdflib import Literal, URIRef
from rdflib.term import Node

from ..mapping.context import Context
from ..mapping.resource import Resource
from ..rdf import vocab
from ..rdf.namespaces import BBFAIR, DCAT, DCT, DQV, FOAF, HEALTH, SKOS
from ..search.facets import ACCESS, FACETS
from ..store.serialise import Written

#: a result card's description is cut here (the dataset page has it whole)
CARD_DESCRIPTION = 320
_CODE_FACETS = [(f.name, URIRef(f.predicate), f.scheme) for f in FACETS if f.scheme and f.name != "sex"]


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    """EU country IRI -> the ISO code a search URL names it by."""
    return {place.iri: code for code, place in vocab.countries().items()}


@lru_cache(maxsize=1)
def _sexes() -> dict[str, str]:
    """The PATO term a dataset names a sex by -> the sex code."""
    return {match: code for code, concept in vocab.code_lists()["sex"].items() for match in concept.exact_match}


def _code(iri: Node, scheme: str) -> str | None:
    """The code of a code-list concept IRI (`{base}/vocab/{scheme}/{code}`), None for another IRI."""
    text = str(iri)
    marker = f"/vocab/{scheme}/"
    at = text.rfind(marker)
    return text[at + len(marker):] if at >= 0 and isinstance(iri, URIRef) else None


def _about(res: Resource) -> dict[Node, dict[Node, list[Node]]]:
    about: dict[Node, dict[Node, list[Node]]] = defaultdict(lambda: defaultdict(list))
    for s, p, o in res.triples:
        about[s][p].append(o)
    return about


def _texts(values: list[Node]) -> list[str]:
    return sorted({str(v) for v in values if isinstance(v, Literal)})


def _number(values: list[Node]) -> int | None:
    for value in values:
        if isinstance(value, Literal):
            try:
                return int(value)
            except (TypeError, ValueError):
                return None
    return None


def _diseases(about: dict[Node, dict[Node, list[Node]]], subjects: list[Node]) -> dict[str, list[Any]]:
    """Every disease of the dataset and every broader term of it: code -> [label, broader codes]."""
    out: dict[str, list[Any]] = {}
    todo = list(subjects)
    seen: set[Node] = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        facts = about.get(node, {})
        notation = _texts(facts.get(SKOS.notation, []))
        if not notation:
            continue
        broader = facts.get(SKOS.broader, [])
        parents = sorted(str(n[0]) for n in (_texts(about.get(b, {}).get(SKOS.notation, [])) for b in broader) if n)
        out[notation[0]] = [(_texts(facts.get(SKOS.prefLabel, [])) or notation)[0], parents]
        todo.extend(broader)
    return out


def _quality(about: dict[Node, dict[Node, list[Node]]], subject: Node) -> list[str]:
    codes = {_code(standard, "quality-standard") for note in about[subject].get(DQV.hasQualityAnnotation, [])
             for standard in about.get(note, {}).get(DCT.conformsTo, [])}
    return sorted(c for c in codes if c)


def dataset_row(res: Resource) -> dict[str, Any]:
    """The index row of a dataset resource (see the module docstring)."""
    about = _about(res)
    own = about[res.iri]
    facets: dict[str, list[str]] = {}
    for name, predicate, scheme in _CODE_FACETS:
        facets[name] = sorted({c for c in (_code(v, scheme) for v in own.get(predicate, [])) if c})
    facets["sex"] = sorted({_sexes().get(str(v)) or _code(v, "sex") or "" for v in own.get(BBFAIR.sex, [])} - {""})
    facets["country"] = sorted({_countries()[str(v)] for v in own.get(DCT.spatial, []) if str(v) in _countries()})
    subjects = [s for s in own.get(DCT.subject, []) if isinstance(s, URIRef)]
    diseases = _diseases(about, subjects)
    direct = sorted(n[0] for n in (_texts(about.get(s, {}).get(SKOS.notation, [])) for s in subjects) if n)
    facets["disease"] = sorted(diseases)
    access = []
    for code, (_label, predicate, wanted) in ACCESS.items():
        values = own.get(URIRef(predicate), [])
        if (wanted is None and values) or any(isinstance(v, Literal) and v.toPython() is wanted for v in values):
            access.append(code)
    facets["access"] = access
    facets["quality"] = _quality(about, res.iri)
    creators = [n for c in own.get(DCT.creator, []) for n in _texts(about.get(c, {}).get(FOAF.name, []))]
    title = (_texts(own.get(DCT.title, [])) or [str(res.iri)])[0]
    description = " ".join(_texts(own.get(DCT.description, [])))
    acronyms = _texts(own.get(DCT.alternative, []))
    return {
        "title": title, "acronyms": acronyms, "description": description,
        "keywords": _texts(own.get(DCAT.keyword, [])),
        "diseases": diseases, "subjects": direct, "organisations": creators,
        "biobank": str(res.parent) if res.parent else None,
        "facets": facets,
        "donors": _number(own.get(HEALTH.numberOfUniqueIndividuals, [])),
        "samples": _number(own.get(HEALTH.numberOfRecords, [])),
        "age": [_number(own.get(HEALTH.minTypicalAge, [])), _number(own.get(HEALTH.maxTypicalAge, []))],
        "card": {"title": title, "acronym": acronyms[0] if acronyms else None,
                 "biobank": creators[0] if creators else None, "subjects": direct,
                 "description": description if len(description) <= CARD_DESCRIPTION else
                 description[:CARD_DESCRIPTION].rsplit(" ", 1)[0] + " …"},
    }


def catalog_row(res: Resource, role: str) -> dict[str, Any]:
    """The index row of a catalogue: `role` is `network`, `biobank` or `other` (the node catalogue, a Directory
    catalogue)."""
    about = _about(res)
    own = about[res.iri]
    return {
        "role": role, "title": (_texts(own.get(DCT.title, [])) or [str(res.iri)])[0],
        "acronyms": _texts(own.get(DCT.alternative, [])),
        "datasets": sorted(str(d) for d in own.get(DCAT.dataset, [])),
        "catalogs": sorted(str(c) for c in own.get(DCAT.catalog, [])),
        "quality": _quality(about, res.iri),
    }


_ROLES: dict[int, dict[str, str]] = {}


def role(ctx: Context, iri: str) -> str:
    """What catalogue `iri` is in `ctx`'s catalogue: a network's, a biobank's or another (worked out once per
    catalogue per process)."""
    roles = _ROLES.get(id(ctx.catalogue))
    if roles is None:
        cat = ctx.catalogue
        roles = {str(ctx.iris.catalog(b)): "biobank" for b in cat.biobanks}
        roles.update({str(ctx.iris.catalog(n)): "network" for n in cat.networks})
        _ROLES.clear()
        _ROLES[id(ctx.catalogue)] = roles
    return roles.get(iri, "other")


def with_row(written: Written, res: Resource, ctx: Context) -> Written:
    """`written` carrying its index row, for a dataset or catalogue (others have none)."""
    if res.kind == "dataset":
        row = dataset_row(res)
    elif res.kind == "catalog":
        row = catalog_row(res, role(ctx, str(res.iri)))
    else:
        return written
    return replace(written, search=json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
