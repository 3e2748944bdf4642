"""Compact identifiers (`bbfair.records.curies`): CURIEs expand offline with the bioregistry-derived prefix map in
vocab/curies.json; unknown prefixes and malformed ids are errors that say what is wrong, never guessed IRIs."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bbfair.rdf.resources import vocab_path
from bbfair.records import curies

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("value", "iri", "curie"), [
    ("ror:05wg1m734", "https://ror.org/05wg1m734", "ror:05wg1m734"),
    ("ROR:05wg1m734", "https://ror.org/05wg1m734", "ror:05wg1m734"),
    ("orcid:0000-0002-1825-0097", "https://orcid.org/0000-0002-1825-0097", "orcid:0000-0002-1825-0097"),
    ("doi:10.5555/12345678", "https://doi.org/10.5555/12345678", "doi:10.5555/12345678"),
    ("fairsharing:bsg-s001533", "https://fairsharing.org/bsg-s001533", "fairsharing:bsg-s001533"),
    ("fairsharing:FAIRsharing.20sbr9", "https://fairsharing.org/FAIRsharing.20sbr9", "fairsharing:FAIRsharing.20sbr9"),
    ("biotools:gatk", "https://bio.tools/gatk", "biotools:gatk"),
    ("edam:topic_3325", "http://edamontology.org/topic_3325", "edam:topic_3325"),
    ("obo:OBI_0100016", "http://purl.obolibrary.org/obo/OBI_0100016", "obo:OBI_0100016"),
    ("ORPHA:558", "http://www.orpha.net/ORDO/Orphanet_558", "ORPHA:558"),
    ("ordo:558", "http://www.orpha.net/ORDO/Orphanet_558", "ORPHA:558"),
    ("icd10:C50.9", "http://purl.bioontology.org/ontology/ICD10/C50.9", "icd10:C50.9"),
    ("urn:miriam:icd:C50", "http://purl.bioontology.org/ontology/ICD10/C50", "icd10:C50"),
    ("PMID:16333295", "https://pubmed.ncbi.nlm.nih.gov/16333295", "pubmed:16333295"),
    ("wikidata:Q42", "http://www.wikidata.org/entity/Q42", "wikidata:Q42"),
])
def test_curies_expand_with_synonyms_and_any_case(value, iri, curie) -> None:
    found = curies.parse(value)
    assert (found.kind, found.iri, found.curie) == ("curie", iri, curie)


def test_expansion_needs_no_network(monkeypatch) -> None:
    """The prefix map ships in vocab/: nothing is fetched, even on first use in a process."""
    def refuse(*_args, **_kwargs):
        raise AssertionError("network access")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    for cached in (curies._records, curies.converter, curies._prefixes):
        cached.cache_clear()
    assert curies.parse("biotools:gatk").iri == "https://bio.tools/gatk"
    assert curies.parse_as("0000-0002-1825-0097", "orcid").iri == "https://orcid.org/0000-0002-1825-0097"


@pytest.mark.parametrize(("value", "expected"), [
    ("foo:bar", "unknown prefix 'foo'"),
    ("doi:11.1234/x", "malformed doi identifier"),
    ("orcid:0000-0002-1825-0098", "check digit"),  # the last digit of ORCID's test record changed
    ("ror:05wg1m735", "check digit"),
    ("ror:0|wg1m734", "malformed ror identifier"),
    ("biotools:", "malformed biotools identifier"),
    ("edam:topic_33", "malformed edam identifier"),
    ("fairsharing:bsg-s001533x", "malformed fairsharing identifier"),
    ("bbmri-eric:contactID:BE_x", "malformed BBMRI-ERIC Directory id"),
    ("https://example.org/a page", "malformed web address"),
    ("just words", "neither a CURIE"),
    ("", "empty"),
])
def test_bad_identifiers_are_errors_not_iris(value, expected) -> None:
    with pytest.raises(curies.IdentifierError) as info:
        curies.parse(value)
    assert expected in str(info.value)


def test_unknown_prefix_error_lists_the_known_ones() -> None:
    with pytest.raises(curies.IdentifierError) as info:
        curies.parse("eatrisx:123")
    message = str(info.value)
    assert "ror" in message and "biotools" in message and "vocab/curies.json" in message


def test_web_addresses_are_kept_as_written_and_recognised() -> None:
    found = curies.parse("https://identifiers.org/orphanet:558")
    assert (found.kind, found.iri, found.curie) == ("iri", "https://identifiers.org/orphanet:558", "ORPHA:558")
    assert curies.parse("https://bio.tools/gatk").prefix == "biotools"
    assert curies.parse("https://eatris.eu/").prefix == "eatris"  # bbfair's addition: EATRIS has no registry
    page = curies.parse("https://biobank.suh.example.be/quality")
    assert (page.prefix, page.curie) == (None, None)
    # a registry's home page is no record of it
    assert curies.parse("https://bio.tools/").prefix is None
    assert curies.compress("http://purl.bioontology.org/ontology/ICD10/C50.9") == "icd10:C50.9"
    assert curies.compress("https://example.org/x") is None


@pytest.mark.parametrize(("value", "kind"), [
    ("bbmri-eric:ID:BE_SUH", "biobank"),
    ("bbmri-eric:ID:BE_SUH:collection:breast", "collection"),
    ("bbmri-eric:networkID:BE_TUMOURNET", "network"),
])
def test_directory_ids(value, kind) -> None:
    found = curies.parse(value)
    assert (found.kind, found.directory_kind(), found.prefix) == ("directory", kind, "bbmri-eric")


@pytest.mark.parametrize(("value", "prefix", "iri"), [
    ("05wg1m734", "ror", "https://ror.org/05wg1m734"),
    ("ror:05wg1m734", "ror", "https://ror.org/05wg1m734"),
    ("https://ror.org/05wg1m734", "ror", "https://ror.org/05wg1m734"),
    ("http://identifiers.org/ror:05wg1m734", "ror", "https://ror.org/05wg1m734"),
    ("0000-0002-1825-0097", "orcid", "https://orcid.org/0000-0002-1825-0097"),
    ("https://orcid.org/0000-0002-1825-0097", "orcid", "https://orcid.org/0000-0002-1825-0097"),
])
def test_single_kind_columns_take_any_form(value, prefix, iri) -> None:
    assert curies.parse_as(value, prefix).iri == iri


@pytest.mark.parametrize(("value", "prefix", "expected"), [
    ("https://example.org/x", "ror", "not a ror address"),
    ("doi:10.5555/12345678", "ror", "not a ror identifier"),
    ("https://ror.org/05wg1m735", "ror", "check digit"),
    ("0000-0002-1825-009", "orcid", "malformed orcid identifier"),
])
def test_single_kind_columns_refuse_other_identifiers(value, prefix, expected) -> None:
    with pytest.raises(curies.IdentifierError) as info:
        curies.parse_as(value, prefix)
    assert expected in str(info.value)


def test_prefix_map_is_a_valid_extended_prefix_map() -> None:
    records = json.loads(vocab_path("curies.json").read_text(encoding="utf-8"))
    prefixes = {r["prefix"] for r in records}
    assert {"ror", "orcid", "doi", "fairsharing", "biotools", "edam", "obo", "ORPHA", "icd10", "pubmed",
            "wikidata", "eatris"} <= prefixes
    assert all(set(r) <= {"prefix", "uri_prefix", "prefix_synonyms", "uri_prefix_synonyms", "pattern"}
               for r in records)
    assert len(vocab_path("curies.json").read_bytes()) < 64_000  # only the prefixes bbfair needs
    assert curies.known_prefixes() == sorted(prefixes, key=str.lower)


def test_prefix_map_is_what_bioregistry_gives() -> None:
    """The committed file is the script's output for the installed bioregistry (only where it is installed:
    bioregistry is a tool for regenerating the map, not a dependency of bbfair)."""
    pytest.importorskip("bioregistry")
    done = subprocess.run([sys.executable, str(ROOT / "vocab" / "build_prefix_map.py"), "--check"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
