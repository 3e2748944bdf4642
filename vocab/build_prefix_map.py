#!/usr/bin/env python3
"""Regenerate `vocab/curies.json`, the CURIE prefix map bbfair expands compact identifiers with, from bioregistry.

bbfair reads identifiers such as `ror:05wg1m734`, `orcid:0000-0002-1825-0097`, `doi:10.5555/12345678`,
`fairsharing:bsg-s001533`, `biotools:gatk`, `edam:topic_3325` or `obo:OBI_0100016` from record columns and turns
them into IRIs with the `curies` library, offline. This script writes the small extended prefix map it loads
(a JSON list of `{prefix, uri_prefix, prefix_synonyms, uri_prefix_synonyms, pattern}` records, the format of
`curies.load_extended_prefix_map`), for the prefixes in `SELECTED` only: the identifiers a biobank record
plausibly carries (organisations, people, publications, ELIXIR registries, ontologies of diseases, samples and
data use, study and sample archives).

bioregistry is needed to run this script, never at run time (`pip install bioregistry`). What bbfair changes
on top of bioregistry is listed in `OVERRIDES` and `ADDITIONS`, each with its reason.

Usage: `python vocab/build_prefix_map.py` (write) or `python vocab/build_prefix_map.py --check` (exit 1 when the
committed file differs from what the installed bioregistry produces).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "curies.json"

#: bioregistry prefixes bbfair knows, grouped by what they identify
SELECTED: tuple[str, ...] = (
    # organisations and people
    "ror", "orcid", "isni", "wikidata",
    # publications and digital objects
    "doi", "pubmed", "pmc", "zenodo.record",
    # ELIXIR registries: tools and services, standards/databases/policies
    "biotools", "fairsharing", "rrid", "github",
    # diseases and phenotypes
    "orpha", "icd10", "mondo", "doid", "hp", "mesh", "omim",
    # samples, biobanking, data use, topics
    "obo", "obi", "obib", "omiabis", "uberon", "pato", "ncit", "duo", "edam", "cellosaurus",
    # study, sample and trial archives
    "ega.study", "ega.dataset", "biosample", "biostudies", "clinicaltrials", "euclinicaltrials",
)

#: records that share a URI prefix with a selected one: their names become synonyms of it
MERGED: dict[str, str] = {"orphanet.ordo": "orpha"}

#: where bbfair departs from bioregistry's first-choice URI prefix or pattern, and why
OVERRIDES: dict[str, dict[str, Any]] = {
    # ICD-10 classes as BioPortal publishes them (the IRIs ontology services and the EJP RD / Health-RI world
    # resolve to labels); the WHO browser addresses stay synonyms, so a pasted WHO link is still recognised.
    "icd10": {"uri_prefix": "http://purl.bioontology.org/ontology/ICD10/"},
    # the NCBI page of an article rather than bioregistry's own redirecting resolver
    "pubmed": {"uri_prefix": "https://pubmed.ncbi.nlm.nih.gov/"},
    # bioregistry gives no pattern for the OBO PURL space: require `ONTOLOGY_localid` (obo:OBI_0100016)
    "obo": {"pattern": r"^[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+$"},
}

#: prefixes bioregistry does not have (yet); bbfair's own, documented in vocab/README.md
ADDITIONS: tuple[dict[str, Any], ...] = (
    # EATRIS (European infrastructure for translational medicine) has no identifier registry: its institutions,
    # platforms and services are pages under eatris.eu, recognised so they link as related resources.
    {"prefix": "eatris", "uri_prefix": "https://eatris.eu/",
     "uri_prefix_synonyms": ["http://eatris.eu/", "https://www.eatris.eu/", "http://www.eatris.eu/"],
     "prefix_synonyms": ["EATRIS"]},
)

#: URI prefixes not worth recognising: bioregistry's own resolver, RDF mirrors, browsers of other services
_SKIP_URI = re.compile(r"^https?://(bioregistry\.io|bio2rdf\.org|scholia\.toolforge\.org|www\.ebi\.ac\.uk/ols)")
_PREFIX_OK = re.compile(r"^[A-Za-z][A-Za-z0-9._-]*$")


def _record(name: str) -> dict[str, Any]:
    import bioregistry

    resource = bioregistry.get_resource(name)
    if resource is None:
        raise SystemExit(f"bioregistry has no prefix {name!r}: update SELECTED")
    prefix = resource.get_preferred_prefix() or name
    uri_prefix = resource.get_uri_prefix()
    if uri_prefix is None:
        raise SystemExit(f"bioregistry has no URI prefix for {name!r}")
    synonyms = {name, *resource.get_synonyms()}
    uris = set(resource.get_uri_prefixes())
    for other, into in MERGED.items():
        if into == name:
            merged = bioregistry.get_resource(other)
            synonyms |= {other, *(merged.get_synonyms() if merged else ())}
            uris |= set(merged.get_uri_prefixes() if merged else ())
    record: dict[str, Any] = {
        "prefix": prefix,
        "uri_prefix": uri_prefix,
        "prefix_synonyms": sorted(s for s in synonyms if s != prefix and _PREFIX_OK.match(s)),
        "uri_prefix_synonyms": sorted(u for u in uris if u.startswith("http") and not _SKIP_URI.match(u)),
        "pattern": resource.get_pattern(),
    }
    record.update(OVERRIDES.get(name, {}))
    record["uri_prefix_synonyms"] = [u for u in record["uri_prefix_synonyms"] if u != record["uri_prefix"]]
    if "uri_prefix" in OVERRIDES.get(name, {}) and uri_prefix != record["uri_prefix"]:
        record["uri_prefix_synonyms"] = sorted({*record["uri_prefix_synonyms"], uri_prefix})
    return record


def _deduplicate(records: list[dict[str, Any]]) -> None:
    """`curies` refuses a prefix or URI prefix claimed twice: keep the first claim (records in SELECTED order)."""
    prefixes: set[str] = set()
    uris: set[str] = set()
    for record in records:
        for key in ("prefix", "uri_prefix"):
            value = record[key].lower() if key == "prefix" else record[key]
            if value in (prefixes if key == "prefix" else uris):
                raise SystemExit(f"{record['prefix']}: {key} {record[key]!r} is already taken")
        prefixes.add(record["prefix"].lower())
        uris.add(record["uri_prefix"])
    for record in records:
        kept: list[str] = []
        for synonym in record["prefix_synonyms"]:
            if synonym.lower() not in prefixes:
                prefixes.add(synonym.lower())
                kept.append(synonym)
        record["prefix_synonyms"] = kept
        kept = []
        for uri in record["uri_prefix_synonyms"]:
            if uri not in uris:
                uris.add(uri)
                kept.append(uri)
        record["uri_prefix_synonyms"] = kept


def build() -> str:
    """The prefix map as JSON text (stable: same bioregistry version, same bytes)."""
    records = [_record(name) for name in SELECTED]
    for addition in ADDITIONS:
        records.append({"prefix_synonyms": [], "uri_prefix_synonyms": [], "pattern": None, **addition})
    _deduplicate(records)
    for record in records:
        if record.get("pattern") is None:
            record.pop("pattern", None)
    return json.dumps(records, indent=1, ensure_ascii=False) + "\n"


def _check_loads(text: str) -> None:
    """The file must load in `curies` as it will at run time."""
    import curies

    converter = curies.load_extended_prefix_map(json.loads(text))
    assert converter.expand("ror:05wg1m734") == "https://ror.org/05wg1m734"
    assert converter.expand("ORPHA:558") == "http://www.orpha.net/ORDO/Orphanet_558"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if vocab/curies.json is out of date")
    args = parser.parse_args(argv)
    text = build()
    _check_loads(text)
    version = metadata.version("bioregistry")
    if args.check:
        if OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT.name} differs from what bioregistry {version} gives: run python {Path(__file__).name}")
            return 1
        print(f"{OUT.name} is up to date (bioregistry {version})")
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({len(json.loads(text))} prefixes, bioregistry {version})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
