"""The vocabularies bbfair ships in `vocab/`: the Directory code lists as SKOS schemes, the disease list,
country and language tables, the EU vocabulary background and bbfair's own extension properties.

Code-list concept IRIs live under the node's base (`{base}/vocab/{scheme}/{code}`), so the SKOS files use
relative IRIs; they are parsed once against a placeholder base and re-rooted per catalogue by `CodeLists`.
Everything is loaded once per process (lru_cache): conversion looks codes up millions of times.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from .namespaces import prefixes
from .resources import vocab_path

_PLACEHOLDER = "https://bbfair.invalid/vocab/"
ORPHA_CODE = re.compile(r"^ORPHA:\d+$")
ICD10_CODE = re.compile(r"^urn:miriam:icd:[A-Z]\d{2}(\.[0-9A-Z]{1,4})?(-[A-Z]\d{2}(\.[0-9A-Z]{1,4})?)?$")


@dataclass(frozen=True)
class Concept:
    """One code of a code list: its path under `{base}/vocab/`, label and equivalents elsewhere."""

    code: str
    path: str
    label: str
    exact_match: tuple[str, ...] = ()


@dataclass(frozen=True)
class Disease:
    """One ICD-10 or ORPHA code of the Directory's DiseaseTypes list."""

    name: str
    label: str
    system: str  # "ICD-10" or "ORPHA"
    code: str  # the code as published in healthdcatap:hasCodeValues ("C18.0", "ORPHA:558")
    iri: str | None  # the Directory's ontologyTermURI (WHO ICD-10 browser, identifiers.org ORPHA)
    #: the broader terms the list gives (Directory names: "urn:miriam:icd:C50", "ORPHA:183731"); ICD-10 codes
    #: have one (code → category → block → chapter), ORPHA codes one or more (Orphanet's classifications)
    parents: tuple[str, ...] = ()
    #: equivalent codes of the other system the list states (ORPHA ↔ ICD-10 exact mappings)
    exact: tuple[str, ...] = ()


@dataclass(frozen=True)
class Place:
    """A Directory country code and its EU authority IRI."""

    code: str
    iri: str
    label: str


@lru_cache(maxsize=1)
def code_lists() -> dict[str, dict[str, Concept]]:
    """scheme -> code -> Concept, from every `vocab/codelists/*.ttl`."""
    schemes: dict[str, dict[str, Concept]] = {}
    for path in sorted(vocab_path("codelists").glob("*.ttl")):
        graph = Graph().parse(path, format="turtle", publicID=_PLACEHOLDER)
        concepts: dict[str, Concept] = {}
        for concept in graph.subjects(RDF.type, SKOS.Concept):
            notation = graph.value(concept, SKOS.notation)
            if notation is None:
                continue
            label = graph.value(concept, SKOS.prefLabel) or notation
            matches = tuple(sorted(str(o) for o in graph.objects(concept, SKOS.exactMatch)))
            concepts[str(notation)] = Concept(str(notation), str(concept).removeprefix(_PLACEHOLDER),
                                              str(label), matches)
        schemes[path.stem] = concepts
    return schemes


@lru_cache(maxsize=1)
def diseases() -> dict[str, Disease]:
    """Directory disease name ("ORPHA:558", "urn:miriam:icd:C18") -> Disease (label, code, broader terms).

    ICD-10 codes and labels © WHO; ORPHA codes and labels from Orphanet (ORDO), CC BY 4.0; both as the
    BBMRI-ERIC Directory ships them (vocab/directory/SOURCES.md)."""
    table: dict[str, Disease] = {}
    with vocab_path("directory", "DiseaseTypes.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            name = row["name"]
            if ORPHA_CODE.match(name):
                system, code = "ORPHA", name
            elif name.startswith("urn:miriam:icd:"):
                system, code = "ICD-10", name.removeprefix("urn:miriam:icd:")
            else:
                continue
            table[name] = Disease(name, row["label"] or name, system, code, row["ontologyTermURI"] or None,
                                  _names(row["parent"]), _names(row["exact_mapping"]))
    return table


def _names(cell: str) -> tuple[str, ...]:
    """A DiseaseTypes multi-value cell ("ORPHA:1,ORPHA:2") as names, in the list's order."""
    return tuple(part.strip() for part in cell.split(",") if part.strip())


@lru_cache(maxsize=1)
def countries() -> dict[str, Place]:
    """Directory country code (ISO alpha-2, plus the Directory's UK and EU) -> EU authority IRI."""
    with vocab_path("countries.csv").open(encoding="utf-8", newline="") as handle:
        return {r["alpha2"]: Place(r["alpha2"], r["iri"], r["label"]) for r in csv.DictReader(handle)}


@lru_cache(maxsize=1)
def languages() -> dict[str, str]:
    """ISO 639-1 code ("en") or EU code ("ENG") -> EU language authority IRI."""
    table: dict[str, str] = {}
    with vocab_path("languages.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            table[row["iso639_1"].lower()] = row["iri"]
            table[row["code"].upper()] = row["iri"]
    return table


def known_codes(scheme: str) -> Mapping[str, object]:
    """The valid codes of a scheme (code lists, `disease`, `country`, and the Directory lists bbfair maps to EU
    authority tables: `language`, `theme`, `access-right`)."""
    if scheme == "disease":
        return diseases()
    if scheme == "country":
        return countries()
    if scheme == "language":
        return directory_languages()
    if scheme == "theme":
        return themes()
    if scheme == "access-right":
        return access_rights()
    return code_lists().get(scheme, {})


@lru_cache(maxsize=1)
def background() -> Graph:
    """The EU vocabulary background (concepts, schemes and classes of every EU IRI bbfair references)."""
    return Graph().parse(vocab_path("eu-background.ttl"), format="turtle")


def codelist_graph(base: str) -> Graph:
    """All code-list schemes with their IRIs rooted at `{base}/vocab/`."""
    graph = Graph()
    for path in sorted(vocab_path("codelists").glob("*.ttl")):
        graph.parse(path, format="turtle", publicID=f"{base}/vocab/")
    return graph


def diseases_header(base: str) -> Graph:
    """The header of the document that describes the catalogue's disease concepts (`{base}/vocab/diseases`)."""
    return Graph().parse(vocab_path("diseases.ttl"), format="turtle", publicID=f"{base}/vocab/")


@dataclass(frozen=True)
class LinkType:
    """How a related resource of one identifier prefix is published (`vocab/links.csv`)."""

    prefix: str
    type: str | None  # the rdf:type IRI, None when the prefix does not say what the resource is
    label: str


@lru_cache(maxsize=1)
def link_types() -> dict[str, LinkType]:
    """Lower-cased identifier prefix -> how a related resource with it is typed and named."""
    names = prefixes()
    out: dict[str, LinkType] = {}
    with vocab_path("links.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(line for line in handle if not line.startswith("#")):
            kind = None
            if row["type"]:
                prefix, local = row["type"].split(":", 1)
                kind = names[prefix] + local
            out[row["prefix"].lower()] = LinkType(row["prefix"], kind, row["label"])
    return out


@lru_cache(maxsize=1)
def columns() -> dict[tuple[str, str, str], str]:
    """(table, resource kind or "", property IRI) -> the record column the property is made from
    (`vocab/columns.csv`), so a validation result on a property can name the column to fix."""
    names = prefixes()
    out: dict[tuple[str, str, str], str] = {}
    with vocab_path("columns.csv").open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        for row in rows:
            prefix, local = row["property"].split(":", 1)
            out[(row["table"], row["kind"], names[prefix] + local)] = row["column"]
    return out


@dataclass(frozen=True)
class Unpublished:
    """A Directory column (or, with column `*`, a whole table) bbfair reads but does not publish as such
    (`vocab/unpublished.csv`): `kind` is "unpublished" (its content is not published) or "redundant" (published
    from another column or table, or made by bbfair)."""

    table: str
    column: str
    kind: str
    reason: str


@lru_cache(maxsize=1)
def unpublished() -> dict[tuple[str, str], Unpublished]:
    """(table, column) -> why bbfair does not publish that column (`vocab/unpublished.csv`)."""
    with vocab_path("unpublished.csv").open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return {(r["table"], r["column"]): Unpublished(r["table"], r["column"], r["kind"], r["reason"]) for r in rows}


def _commented_rows(name: str) -> list[dict[str, str]]:
    with vocab_path(name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def _directory_rows(name: str) -> list[dict[str, str]]:
    with vocab_path("directory", name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=1)
def directory_languages() -> dict[str, str]:
    """A language as the Directory's Languages list names it ("English", or its code "eng"), or as bbfair.toml
    does ("en", "ENG") -> EU language authority IRI, for the languages `vocab/languages.csv` maps (the EU official
    languages and a few more)."""
    eu = {}
    table: dict[str, str] = {}
    with vocab_path("languages.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            eu[row["directory"]] = row["iri"]
            table[row["iso639_1"]] = table[row["code"]] = row["iri"]
    for row in _directory_rows("Languages.csv"):
        iri = eu.get(row["code"])
        if iri is not None:
            table[row["name"]] = iri
            table[row["code"]] = iri
    return table


@lru_cache(maxsize=1)
def themes() -> dict[str, str]:
    """A Directory Themes name ("Health") -> EU data-theme IRI."""
    return {row["name"]: row["ontologyTermURI"] for row in _directory_rows("Themes.csv")}


@lru_cache(maxsize=1)
def access_rights() -> dict[str, str]:
    """A Directory AccessRights name ("Open access") -> EU access-right IRI."""
    return {row["name"]: row["ontologyTermURI"] for row in _directory_rows("AccessRights.csv")}


@lru_cache(maxsize=1)
def health_themes() -> dict[str, tuple[str, ...]]:
    """A Directory ICD-10 name (chapter, block or category: "urn:miriam:icd:II") -> the HealthData@EU health theme
    codes it maps to (`vocab/health-themes.csv`, standards.md §10.3)."""
    table: dict[str, tuple[str, ...]] = {}
    for row in _commented_rows("health-themes.csv"):
        name = "urn:miriam:icd:" + row["icd10"]
        table[name] = (*table.get(name, ()), row["theme"])
    return table


@lru_cache(maxsize=1)
def health_categories() -> dict[str, tuple[str, ...]]:
    """A Directory data category code -> the HealthData@EU health categories it adds to EINS
    (`vocab/health-categories.csv`, standards.md §10.3)."""
    table: dict[str, tuple[str, ...]] = {}
    for row in _commented_rows("health-categories.csv"):
        table[row["data_category"]] = (*table.get(row["data_category"], ()), row["category"])
    return table
