"""A search (`query.Query`) as a SPARQL query over the published store: the same collections, found from the
linked data alone. The finder's page links to it ("show as SPARQL"), so a steward can take a search further
than the facets go, and the tests check every facet of the index against it.

Each filter is a `FILTER EXISTS` group (values of one facet are alternatives); the text is a regular expression
per term over the same fields the full-text index holds (a sub-query from the
matching values to the datasets: as `FILTER EXISTS` it walked the disease hierarchy anew for every dataset,
200× slower on the sample). Two differences remain, both in the text: SPARQL
`REGEX` does not fold accents (the index finds "Amblève" for "ambleve"), and a phrase must lie inside one
value (the index also finds it across two keywords).
"""

from __future__ import annotations

import re

from ..rdf import vocab
from ..rdf.namespaces import BBFAIR, DCAT, DCT, DQV, FOAF, HEALTH, SKOS
from .facets import ACCESS, BY_NAME, FACETS, RANGES
from .query import Query, Term

PREFIXES = {"dct": str(DCT), "dcat": str(DCAT), "skos": str(SKOS), "bbfair": str(BBFAIR),
            "healthdcatap": str(HEALTH), "dqv": str(DQV), "foaf": str(FOAF)}
_SEP = r"[^\\p{L}\\p{N}]"
#: what the text is matched against: the full-text index's fields
TEXT_PATHS = """{ ?dataset a dcat:Dataset ; dct:title|dct:alternative|dcat:keyword|dct:description ?text }
      UNION { ?dataset a dcat:Dataset ; dct:subject ?subject . ?subject skos:broader* ?concept .
              ?concept skos:prefLabel|skos:notation ?text }
      UNION { ?dataset a dcat:Dataset ; dct:creator/foaf:name ?text }
      UNION { ?network dcat:keyword "biobank network"@en ; dct:title|dct:alternative ?text .
              { ?network dcat:dataset ?dataset }
              UNION { ?network dcat:catalog ?biobank . ?dataset dct:isPartOf ?biobank } }"""


def _short(iri: str | None) -> str:
    """`iri` by one of the query's prefixes (`bbfair:materialType`)."""
    for prefix, namespace in PREFIXES.items():
        if iri and iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return f"<{iri}>"


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def pattern(term: Term) -> str:
    """The XPath regular expression (as a SPARQL string) that finds `term` as whole words."""
    body = f"{_SEP}+".join(term.words)
    end = "" if term.prefix else f"({_SEP}|$)"
    return f'"(^|{_SEP}){body}{end}"'


def _values(var: str, items: list[str]) -> str:
    return f"VALUES ?{var} {{ {' '.join(items)} }}"


def _concept(base: str, scheme: str, code: str) -> str:
    return f"<{base}/vocab/{scheme}/{code}>"


def _facet(name: str, codes: tuple[str, ...], base: str) -> str:
    facet = BY_NAME[name]
    if name == "disease":
        return ("?dataset dct:subject/skos:broader* ?disease . ?disease skos:notation ?code . "
                + _values("code", [_literal(c) for c in codes]))
    if name == "sex":
        lists = vocab.code_lists()["sex"]
        iris = [_concept(base, "sex", c) for c in codes]
        iris += [f"<{m}>" for c in codes if c in lists for m in lists[c].exact_match]
        return f"?dataset bbfair:sex ?sex . {_values('sex', iris)}"
    if facet.scheme:
        var = name
        return f"?dataset {_short(facet.predicate)} ?{var} . " + _values(var, [_concept(base, facet.scheme, c)
                                                                            for c in codes])
    if name == "country":
        places = vocab.countries()
        return "?dataset dct:spatial ?country . " + _values("country", [f"<{places[c].iri}>" for c in codes
                                                                        if c in places])
    if name == "biobank":
        return "?dataset dct:isPartOf ?biobank . " + _values("biobank", [f"<{base}/catalog/{c}>" for c in codes])
    if name == "network":
        return (_values("network", [f"<{base}/catalog/{c}>" for c in codes])
                + " { ?network dcat:dataset ?dataset } UNION"
                " { ?network dcat:catalog ?biobank . ?dataset dct:isPartOf ?biobank }")
    if name == "quality":
        return (_values("standard", [_concept(base, "quality-standard", c) for c in codes])
                + " { ?dataset dqv:hasQualityAnnotation/dct:conformsTo ?standard } UNION"
                " { ?dataset dct:isPartOf ?biobank . ?biobank a dcat:Catalog ;"
                " dqv:hasQualityAnnotation/dct:conformsTo ?standard }")
    raise KeyError(name)


def _access(codes: tuple[str, ...]) -> str:
    tests = []
    for code in codes:
        _label, predicate, wanted = ACCESS[code]
        value = "?any" if wanted is None else ("true" if wanted else "false")
        tests.append(f"EXISTS {{ ?dataset {_short(predicate)} {value} }}")
    return "FILTER (" + " || ".join(tests) + ")"


def to_sparql(query: Query, base: str, url: str = "") -> str:
    """`query` as a SPARQL SELECT of the matching datasets and their titles, by title (`base`: the catalogue's
    base IRI; `url`: the search's address, quoted in a comment)."""
    lines = [f"# The collection finder's search{' ' + url if url else ''}, as SPARQL"]
    lines.append("SELECT DISTINCT ?dataset ?title WHERE {")
    lines.append("  ?dataset a dcat:Dataset ; dct:title ?title .")
    for facet in FACETS:
        codes = query.filters.get(facet.name)
        if not codes:
            continue
        lines.append(f"  # {facet.label}: {' or '.join(codes)}")
        if facet.name == "access":
            lines.append(f"  {_access(codes)}")
        else:
            lines.append(f"  FILTER EXISTS {{ {_facet(facet.name, codes, base)} }}")
    low, high = query.ranges.get("age_from"), query.ranges.get("age_to")
    if low is not None or high is not None:
        lines.append(f"  # {RANGES['age_from'][0] if low is not None else ''} {low if low is not None else ''}"
                     f"{'; ' + RANGES['age_to'][0] + ' ' + str(high) if high is not None else ''}"
                     ": the collection's age range overlaps it".replace("#  ", "# "))
        lines.append("  OPTIONAL { ?dataset healthdcatap:minTypicalAge ?ageLow }")
        lines.append("  OPTIONAL { ?dataset healthdcatap:maxTypicalAge ?ageHigh }")
        tests = ["(BOUND(?ageLow) || BOUND(?ageHigh))"]
        if low is not None:
            tests.append(f"(!BOUND(?ageHigh) || ?ageHigh >= {low})")
        if high is not None:
            tests.append(f"(!BOUND(?ageLow) || ?ageLow <= {high})")
        lines.append(f"  FILTER ({' && '.join(tests)})")
    for name, var in (("donors_min", "donors"), ("samples_min", "samples")):
        if name in query.ranges:
            lines.append(f"  # {RANGES[name][0]}: {query.ranges[name]}")
            lines.append(f"  ?dataset {_short(RANGES[name][1])} ?{var} . FILTER (?{var} >= {query.ranges[name]})")
    # single words are looked for in each collection's text joined (one pass, however many words: the link stays
    # short); a phrase must lie within one text, as in the index, so it gets a pass of its own
    words = [g for g in query.text if all(len(t.words) == 1 for t in g)]
    if words:
        lines.append(f"  {{ SELECT ?dataset (GROUP_CONCAT(STR(?text); separator=\" | \") AS ?all) WHERE {{\n"
                     f"      {TEXT_PATHS}\n  }} GROUP BY ?dataset }}")
    for group in query.text:
        lines.append(f"  # text: {' OR '.join(str(t) for t in group)}")
        if group in words:
            lines.append(f"  FILTER ({' || '.join(f'REGEX(?all, {pattern(t)}, {chr(34)}i{chr(34)})' for t in group)})")
            continue
        tests = " || ".join(f'REGEX(STR(?text), {pattern(t)}, "i")' for t in group)
        lines.append(f"  {{ SELECT DISTINCT ?dataset WHERE {{\n      {TEXT_PATHS}\n      FILTER ({tests})\n  }} }}")
    lines.append("}")
    lines.append("ORDER BY ?title")
    body = "\n".join(lines) + "\n"
    # only the prefixes the query uses: the "show as SPARQL" link is a GET URL, bounded by [limits] url_bytes
    used = [f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items() if re.search(rf"(?<![\w-]){re.escape(p)}:", body)]
    return "\n".join(used) + "\n" + body
