#!/usr/bin/env python3
"""Regenerate `vocab/codelists/*.ttl` (SKOS) from the Directory code lists in `vocab/directory/`.

Inputs (all inside `vocab/`):

* `directory/<List>.csv` - verbatim copies of the BBMRI-ERIC Directory code lists (MOLGENIS EMX2);
* `mappings.csv` - the curated links to external terms: `scheme,code,relation,iri,note`, where
  `relation` is a SKOS mapping property (`exactMatch`, `closeMatch`, `broadMatch`, `narrowMatch`,
  `relatedMatch`). The Directory's own `ontologyTermURI` column is never copied blindly: every IRI in it
  must be listed here (with the relation it really has), otherwise the build stops.

Output: one Turtle file per scheme with RELATIVE IRIs (`<material-type>`, `<material-type/DNA>`) and no
`@base`, to be parsed with `publicID=f"{base_iri}/vocab/"`; plus `codelists/README.md`.

Usage: `python vocab/build_codelists.py` (write) or `python vocab/build_codelists.py --check` (exit 1 when
the committed files differ from what the inputs produce).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

HERE = Path(__file__).resolve().parent
DIRECTORY = HERE / "directory"
MAPPINGS = HERE / "mappings.csv"
OUT = HERE / "codelists"

UPSTREAM_COMMIT = "3400450c511841114b0c6a330be741d540c9b27b"
UPSTREAM = (
    f"https://github.com/molgenis/molgenis-emx2/blob/{UPSTREAM_COMMIT}/data/biobank-directory/ontologies/"
)
# Only used to check the written Turtle; the files themselves carry relative IRIs.
CHECK_BASE = "https://bbfair.invalid/vocab/"
WILDCARD = "*"

RELATIONS: dict[str, URIRef] = {
    "exactMatch": SKOS.exactMatch,
    "closeMatch": SKOS.closeMatch,
    "broadMatch": SKOS.broadMatch,
    "narrowMatch": SKOS.narrowMatch,
    "relatedMatch": SKOS.relatedMatch,
}


@dataclass(frozen=True)
class Scheme:
    """One SKOS concept scheme built from one Directory code list."""

    name: str
    source: str
    title: str
    description: str


SCHEMES: tuple[Scheme, ...] = (
    Scheme(
        "material-type",
        "MaterialTypes.csv",
        "BBMRI-ERIC Directory material types",
        "Types of material (samples) stored in a collection (MIABIS 2.0 material type).",
    ),
    Scheme(
        "data-category",
        "DataCategories.csv",
        "BBMRI-ERIC Directory data categories",
        "Categories of data available for the donors of a collection (MIABIS 2.0 data categories).",
    ),
    Scheme(
        "collection-type",
        "CollectionTypes.csv",
        "BBMRI-ERIC Directory collection types",
        "Design or type of a sample collection (MIABIS 2.0 collection type).",
    ),
    Scheme(
        "storage-temperature",
        "StorageTemperatureTypes.csv",
        "BBMRI-ERIC Directory storage temperatures",
        "Temperature at which the samples of a collection are stored (MIABIS 2.0 / SPREC).",
    ),
    Scheme(
        "sex",
        "SexTypes.csv",
        "BBMRI-ERIC Directory sex types",
        "Sex of the donors of a collection (MIABIS 2.0 sex).",
    ),
    Scheme(
        "age-unit",
        "AgeUnits.csv",
        "BBMRI-ERIC Directory age units",
        "Unit of the age-low and age-high values of a collection.",
    ),
    Scheme(
        "category",
        "Categories.csv",
        "BBMRI-ERIC Directory collection categories",
        "Thematic categories the Directory assigns to collections (rare disease, oncology, ...).",
    ),
    Scheme(
        "data-use",
        "DataUseOntologies.csv",
        "BBMRI-ERIC Directory data use conditions (DUO)",
        "Data use conditions of a collection, from the GA4GH Data Use Ontology (DUO).",
    ),
    Scheme(
        "sample-size",
        "SampleSizes.csv",
        "BBMRI-ERIC Directory orders of magnitude",
        "Order of magnitude n of the number of samples or donors of a collection: between 10^n and 10^(n+1).",
    ),
    Scheme(
        "network-element",
        "CommonNetworkElements.csv",
        "BBMRI-ERIC Directory common network elements",
        "What the biobanks or collections of a network have in common (MIABIS network).",
    ),
    Scheme(
        "access-type",
        "AccessTypes.csv",
        "BBMRI-ERIC Directory access types",
        "What a collection gives access to (samples, data, images) on a fee basis or through a joint project.",
    ),
    Scheme(
        "sop",
        "SOPs.csv",
        "BBMRI-ERIC Directory process descriptions and SOPs",
        "Process descriptions (PDs) and standard operating procedures (SOPs) a collection has available.",
    ),
    Scheme(
        "quality-standard",
        "QualityStandards.csv",
        "BBMRI-ERIC Directory quality standards",
        "Standards and technical specifications a biobank or collection is certified, accredited or audited for.",
    ),
    Scheme(
        "assessment-level",
        "AssessmentLevels.csv",
        "BBMRI-ERIC Directory assessment levels",
        "How conformity with a quality standard was assessed (BBMRI-ERIC audit, accredited certification).",
    ),
)


@dataclass
class Row:
    """One code of a Directory list."""

    code: str
    label: str
    definition: str
    parent: str
    term_iri: str
    mappings: list[tuple[str, str]] = field(default_factory=list)  # (relation, iri)


Mappings = dict[tuple[str, str], list[tuple[str, str]]]


def segment(code: str) -> str:
    """Percent-encode a code for use as one IRI path segment."""
    return quote(code, safe="-._~")


def read_rows(scheme: Scheme) -> list[Row]:
    """The rows of a Directory list, without the wildcard `*` ("Any") row, sorted by code."""
    with (DIRECTORY / scheme.source).open(encoding="utf-8", newline="") as handle:
        rows = [
            Row(
                code=r["name"].strip(),
                label=(r.get("label") or "").strip() or r["name"].strip(),
                definition=(r.get("definition") or "").strip(),
                parent=(r.get("parent") or "").strip(),
                term_iri=(r.get("ontologyTermURI") or "").strip(),
            )
            for r in csv.DictReader(handle)
            if r["name"].strip() and r["name"].strip() != WILDCARD
        ]
    codes = [row.code for row in rows]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise SystemExit(f"{scheme.source}: duplicate codes {duplicates}")
    return sorted(rows, key=lambda row: row.code)


def read_mappings() -> Mappings:
    """(scheme, code) -> [(relation, iri)] from `mappings.csv`."""
    table: Mappings = {}
    with MAPPINGS.open(encoding="utf-8", newline="") as handle:
        for line, r in enumerate(csv.DictReader(handle), start=2):
            relation, iri = r["relation"].strip(), r["iri"].strip()
            if relation not in RELATIONS:
                raise SystemExit(f"mappings.csv:{line}: unknown relation {relation!r}")
            if not iri.startswith(("http://", "https://")):
                raise SystemExit(f"mappings.csv:{line}: not an absolute IRI: {iri!r}")
            table.setdefault((r["scheme"].strip(), r["code"].strip()), []).append((relation, iri))
    return table


def attach_mappings(scheme: Scheme, rows: list[Row], table: Mappings) -> None:
    """Put the curated mappings on the rows; refuse unknown codes and unreviewed ontologyTermURIs."""
    by_code = {row.code: row for row in rows}
    for (name, code), links in table.items():
        if name != scheme.name:
            continue
        if code not in by_code:
            raise SystemExit(f"mappings.csv: {name}/{code} is not a code of {scheme.source}")
        by_code[code].mappings = sorted(links)
    for row in rows:
        if row.term_iri and row.term_iri not in {iri for _, iri in row.mappings}:
            raise SystemExit(
                f"{scheme.source}: {row.code} has ontologyTermURI {row.term_iri} that mappings.csv does not "
                "review; add it there with the relation it really has"
            )


def build_graph(scheme: Scheme, rows: list[Row], base: str) -> Graph:
    """The scheme as an rdflib graph with IRIs rooted at `base` (used to check the written Turtle)."""
    graph = Graph()
    scheme_iri = URIRef(base + scheme.name)
    graph.add((scheme_iri, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme_iri, DCTERMS.title, Literal(scheme.title, lang="en")))
    graph.add((scheme_iri, SKOS.prefLabel, Literal(scheme.title, lang="en")))
    graph.add((scheme_iri, DCTERMS.description, Literal(scheme.description, lang="en")))
    graph.add((scheme_iri, DCTERMS.source, URIRef(UPSTREAM + scheme.source)))
    codes = {row.code for row in rows}
    for row in rows:
        concept = URIRef(f"{base}{scheme.name}/{segment(row.code)}")
        graph.add((concept, RDF.type, SKOS.Concept))
        graph.add((concept, SKOS.inScheme, scheme_iri))
        if row.parent in codes:
            graph.add((concept, SKOS.broader, URIRef(f"{base}{scheme.name}/{segment(row.parent)}")))
        else:
            graph.add((concept, SKOS.topConceptOf, scheme_iri))
            graph.add((scheme_iri, SKOS.hasTopConcept, concept))
        graph.add((concept, SKOS.notation, Literal(row.code)))
        graph.add((concept, SKOS.prefLabel, Literal(row.label, lang="en")))
        if row.definition:
            graph.add((concept, SKOS.definition, Literal(row.definition, lang="en")))
        for relation, iri in row.mappings:
            graph.add((concept, RELATIONS[relation], URIRef(iri)))
    return graph


def _objects(predicate: str, objects: Iterable[str]) -> str:
    return f"    {predicate} " + ",\n        ".join(objects)


def render(scheme: Scheme, rows: list[Row]) -> str:
    """The Turtle text of a scheme, with relative IRIs and a stable layout."""
    codes = {row.code for row in rows}
    top = [f"<{scheme.name}/{segment(row.code)}>" for row in rows if row.parent not in codes]
    lines = [
        f"# {scheme.title}",
        f"# Generated by vocab/build_codelists.py from vocab/directory/{scheme.source} and",
        "# vocab/mappings.csv; do not edit by hand. IRIs are relative: parse with",
        '# publicID="{base_iri}/vocab/".',
        f"# Source: molgenis/molgenis-emx2 @ {UPSTREAM_COMMIT[:8]} (LGPL-3.0).",
        "",
        "@prefix dct: <http://purl.org/dc/terms/> .",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "",
        f"<{scheme.name}> a skos:ConceptScheme ;",
        f"    dct:title {Literal(scheme.title, lang='en').n3()} ;",
        f"    skos:prefLabel {Literal(scheme.title, lang='en').n3()} ;",
        f"    dct:description {Literal(scheme.description, lang='en').n3()} ;",
        f"    dct:source <{UPSTREAM}{scheme.source}> ;",
        _objects("skos:hasTopConcept", top) + " .",
    ]
    for row in rows:
        props = [f"    skos:inScheme <{scheme.name}>"]
        if row.parent in codes:
            props.append(f"    skos:broader <{scheme.name}/{segment(row.parent)}>")
        else:
            props.append(f"    skos:topConceptOf <{scheme.name}>")
        props.append(f"    skos:notation {Literal(row.code).n3()}")
        props.append(f"    skos:prefLabel {Literal(row.label, lang='en').n3()}")
        if row.definition:
            props.append(f"    skos:definition {Literal(row.definition, lang='en').n3()}")
        for relation in RELATIONS:
            targets = [f"<{iri}>" for rel, iri in row.mappings if rel == relation]
            if targets:
                props.append(_objects(f"skos:{relation}", targets))
        lines += ["", f"<{scheme.name}/{segment(row.code)}> a skos:Concept ;", " ;\n".join(props) + " ."]
    return "\n".join(lines) + "\n"


def check_text(scheme: Scheme, rows: list[Row], text: str) -> None:
    """The written Turtle must parse to exactly the intended graph, one concept per code."""
    parsed = Graph().parse(data=text, format="turtle", publicID=CHECK_BASE)
    expected = build_graph(scheme, rows, CHECK_BASE)
    missing, extra = set(expected) - set(parsed), set(parsed) - set(expected)
    if missing or extra:
        raise SystemExit(f"{scheme.name}: Turtle differs from the intended graph ({missing=}, {extra=})")
    concepts = set(parsed.subjects(RDF.type, SKOS.Concept))
    if len(concepts) != len(rows):
        raise SystemExit(f"{scheme.name}: {len(concepts)} concepts for {len(rows)} codes")


def render_readme(counts: dict[str, int]) -> str:
    """`codelists/README.md`: the schemes, their sources and sizes."""
    lines = [
        "# Code lists (SKOS)",
        "",
        "Generated by `vocab/build_codelists.py` from the BBMRI-ERIC Directory code lists in",
        "`vocab/directory/` and the curated links in `vocab/mappings.csv`. Do not edit by hand: change the",
        "inputs and run `python vocab/build_codelists.py` (`--check` verifies the files are up to date).",
        "",
        "IRIs are relative and have no `@base`: parse with",
        '`Graph().parse(path, format="turtle", publicID=f"{base_iri}/vocab/")`. The scheme is',
        "`{base_iri}/vocab/<scheme>`, a concept `{base_iri}/vocab/<scheme>/<code>` (code percent-encoded",
        "where needed); `skos:notation` is the Directory code exactly as in the CSV `name` column. The",
        'wildcard row `*` ("Any") of the Directory lists is left out.',
        "",
        "| scheme | file | Directory list | concepts |",
        "|---|---|---|---|",
    ]
    for scheme in SCHEMES:
        lines.append(f"| {scheme.title} | `{scheme.name}.ttl` | `{scheme.source}` | {counts[scheme.name]} |")
    lines += [
        "",
        "External links (`skos:exactMatch` only for true equivalents; `closeMatch` / `broadMatch` otherwise)",
        "come only from `vocab/mappings.csv`. Source lists: molgenis/molgenis-emx2",
        f"`data/biobank-directory/ontologies/` @ `{UPSTREAM_COMMIT}` (LGPL-3.0).",
        "",
    ]
    return "\n".join(lines)


def build() -> dict[Path, str]:
    """Every output file and its text."""
    table = read_mappings()
    known = {s.name for s in SCHEMES}
    unknown = sorted({name for name, _ in table} - known)
    if unknown:
        raise SystemExit(f"mappings.csv: unknown schemes {unknown}")
    outputs: dict[Path, str] = {}
    counts: dict[str, int] = {}
    for scheme in SCHEMES:
        rows = read_rows(scheme)
        attach_mappings(scheme, rows, table)
        text = render(scheme, rows)
        check_text(scheme, rows, text)
        outputs[OUT / f"{scheme.name}.ttl"] = text
        counts[scheme.name] = len(rows)
    outputs[OUT / "README.md"] = render_readme(counts)
    return outputs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the files are up to date")
    args = parser.parse_args(argv)
    outputs = build()
    if args.check:
        stale = [p for p, text in outputs.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
        for path in stale:
            print(f"out of date: {path.relative_to(HERE.parent)}", file=sys.stderr)
        return 1 if stale else 0
    OUT.mkdir(exist_ok=True)
    for path, text in outputs.items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
