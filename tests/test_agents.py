"""Publishers, organisations and persons as agents and contact points (`bbfair.mapping.agents`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from bbfair.config import load_config
from bbfair.mapping import agents
from bbfair.mapping.convert import context
from bbfair.rdf.namespaces import CV, DCT, FOAF, LOCN, OWL, RDF, VCARD
from bbfair.records import Publisher, Source, load_records

BASE = "http://127.0.0.1:8000"
NAME = "Sample Belgian Biobank Consortium"


@pytest.fixture()
def ctx(sample_dir: Path):
    return context(load_records(sample_dir), load_config(sample_dir))


def as_dict(triples) -> dict:
    out: dict = {}
    for s, p, o in triples:
        out.setdefault((s, p), set()).add(o)
    return out


def test_a_publisher_is_an_agent_named_and_keyed_by_its_name(ctx) -> None:
    iri, triples = agents.publisher_agent(ctx, ctx.catalogue.publishers[NAME])
    assert iri == URIRef(f"{BASE}/agent/Sample-Belgian-Biobank-Consortium")
    d = as_dict(triples)
    assert d[(iri, RDF.type)] == {FOAF.Agent, FOAF.Organization}
    assert d[(iri, FOAF.name)] == {Literal(NAME, lang="en")}
    assert d[(iri, DCT.identifier)] == {Literal(NAME)}  # no ROR: the Directory's key (derived, counted)
    assert d[(iri, FOAF.homepage)] == {URIRef("https://consortium.example.be/")}
    assert d[(iri, FOAF.mbox)] == {URIRef("mailto:records@consortium.example.be")}
    (cp,) = d[(iri, CV.contactPoint)]
    assert d[(cp, CV.email)] == {Literal("records@consortium.example.be")}  # HealthDCAT-AP's publisher contact
    assert (iri, DCT.description) in d and (iri, FOAF.logo) in d
    assert ctx.derived["publisher identifier: its name in Publishers (no ROR)"] == 1
    assert ctx.described_from[iri][0] == "Publishers"


def test_a_publisher_with_a_ror_and_no_mailbox(ctx) -> None:
    publisher = Publisher.model_validate({"name": "Ror Org", "url": "https://ror.org/05wg1m734",
                                          "type": "http://xmlns.com/foaf/0.1/Person",
                                          "source": Source(file="Publishers.csv", line=3)})
    iri, triples = agents.publisher_agent(ctx, publisher)
    d = as_dict(triples)
    assert d[(iri, DCT.identifier)] == {Literal("https://ror.org/05wg1m734")}
    assert d[(iri, OWL.sameAs)] == {URIRef("https://ror.org/05wg1m734")}
    assert d[(iri, RDF.type)] == {FOAF.Agent, FOAF.Person}
    assert (iri, FOAF.mbox) not in d  # validation names the mbox column (Health-RI needs one)
    (cp,) = d[(iri, CV.contactPoint)]
    assert d[(cp, CV.contactPage)] == {URIRef("https://ror.org/05wg1m734")}


def test_an_organisation_is_a_contact_with_its_address(ctx) -> None:
    iri, triples = agents.organisation_contact(ctx, ctx.catalogue.organisations["BE_node_desk"])
    d = as_dict(triples)
    assert d[(iri, RDF.type)] == {VCARD.Kind, VCARD.Organization}
    assert d[(iri, VCARD.fn)] == {Literal("Sample Biobank Node Belgium service desk")}
    assert d[(iri, VCARD.hasEmail)] == {URIRef("mailto:servicedesk@node.example.be")}
    assert d[(iri, VCARD.hasTelephone)] == {URIRef("tel:+3225550100")}
    (address,) = d[(iri, VCARD.hasAddress)]
    assert d[(address, VCARD["street-address"])] == {Literal("Voorbeeldstraat 1")}
    assert d[(address, VCARD["postal-code"])] == {Literal("1000")}


def test_a_person_has_titles_and_an_address(ctx) -> None:
    iri, triples = agents.person_contact(ctx, ctx.catalogue.persons["bbmri-eric:contactID:BE_ucb_contact"])
    d = as_dict(triples)
    assert d[(iri, VCARD["honorific-prefix"])] == {Literal("dr.")}
    (address,) = d[(iri, VCARD.hasAddress)]
    assert d[(address, VCARD.locality)] == {Literal("Leuven")}
    assert d[(address, VCARD["country-name"])] == {Literal("Belgium")}


def test_a_biobank_is_an_organisation_in_its_city(ctx) -> None:
    biobank = ctx.catalogue.biobanks["bbmri-eric:ID:BE_SCH"]
    iri, triples = agents.biobank_agent(ctx, biobank)
    d = as_dict(triples)
    (address,) = d[(iri, LOCN.address)]
    assert d[(address, LOCN.postName)] == {Literal("Brussel")}
