"""Agents (`foaf:Organization`) and contact points (`vcard:Kind`), described in full.

Every document that references an agent or contact embeds its whole description (the harvester reads one
document per dataset and nothing else), so each description is built once and cached as a triple list.
The union of the standards is emitted: Health-RI wants foaf:name, dct:identifier, foaf:homepage and a
`mailto:` foaf:mbox on agents and vcard:fn + vcard:hasEmail on contacts; HealthDCAT-AP wants exactly one
cv:contactPoint with cv:email on agents. What a sparse record lacks is derived, never invented. An
organisation with a ROR id has it as `dct:identifier` and `owl:sameAs`; a person with an ORCID has it as
`vcard:hasUID` (see `links`).
"""

from __future__ import annotations

from rdflib import Literal, URIRef

from ..rdf.namespaces import CV, DCT, FOAF, OWL, RDF, VCARD
from ..records import Biobank, Network, Person
from . import links
from .context import Context
from .resource import Triple


def _organisation(iri: URIRef, name: str, identifier: str, homepage: URIRef, email: str,
                  spatial: URIRef | None = None) -> list[Triple]:
    """An organisation described in full; an identifier that is a ROR id becomes the ROR IRI (as given in any
    of its forms) and the agent's `owl:sameAs`."""
    cp = URIRef(f"{iri}#contact-point")
    ror = links.ror(identifier)
    triples: list[Triple] = [
        (iri, RDF.type, FOAF.Agent),
        (iri, RDF.type, FOAF.Organization),
        (iri, FOAF.name, Literal(name, lang="en")),
        (iri, DCT.identifier, Literal(str(ror) if ror is not None else identifier)),
        (iri, FOAF.homepage, homepage),
        (homepage, RDF.type, FOAF.Document),
        (iri, FOAF.mbox, URIRef(f"mailto:{email}")),
        (iri, CV.contactPoint, cp),
        (cp, RDF.type, CV.ContactPoint),
        (cp, CV.email, Literal(email)),
    ]
    if spatial is not None:
        triples.append((iri, DCT.spatial, spatial))
    if ror is not None:
        triples.append((iri, OWL.sameAs, ror))
    return triples


def node_agent(ctx: Context) -> tuple[URIRef, list[Triple]]:
    """The national node (publisher of the node catalogue and the FDP)."""
    node = ctx.config.node
    iri = ctx.iris.agent(node.id)
    if iri not in ctx.descriptions:
        ctx.descriptions[iri] = _organisation(iri, node.name, node.identifier, URIRef(node.homepage), node.email)
    return iri, ctx.descriptions[iri]


def hdab_agent(ctx: Context) -> tuple[URIRef, list[Triple]]:
    """The Health Data Access Body named in the config (`healthdcatap:hdab` of every dataset)."""
    hdab = ctx.config.hdab
    iri = ctx.iris.agent("hdab")
    if iri not in ctx.descriptions:
        ctx.descriptions[iri] = _organisation(iri, hdab.name, hdab.identifier, URIRef(hdab.homepage), hdab.email)
    return iri, ctx.descriptions[iri]


def biobank_agent(ctx: Context, biobank: Biobank) -> tuple[URIRef, list[Triple]]:
    """The biobank as an organisation: publisher, creator and custodian of its collections."""
    iri = ctx.iris.agent(biobank.id)
    if iri not in ctx.descriptions:
        contact = ctx.catalogue.persons[biobank.contact]
        if biobank.url:
            homepage = URIRef(biobank.url)
        else:
            homepage = ctx.directory_page("biobank", biobank.id)
            ctx.note("biobank homepage: its BBMRI-ERIC Directory page (no url)")
        if biobank.ror:
            identifier = biobank.ror
        else:
            identifier = biobank.id
            ctx.note("biobank identifier: its Directory id (no ROR)")
        ctx.note("biobank mailbox: its contact person's email")
        ctx.descriptions[iri] = _organisation(iri, biobank.name, identifier, homepage, contact.email,
                                              ctx.country(biobank.country))
        ctx.described_from[iri] = ("Biobanks", biobank)
    return iri, ctx.descriptions[iri]


def network_agent(ctx: Context, network: Network) -> tuple[URIRef, list[Triple]]:
    """The network as an organisation: publisher of the network catalogue."""
    iri = ctx.iris.agent(network.id)
    if iri not in ctx.descriptions:
        contact = ctx.catalogue.persons[network.contact]
        if network.url:
            homepage = URIRef(network.url)
        else:
            homepage = ctx.directory_page("network", network.id)
            ctx.note("network homepage: its BBMRI-ERIC Directory page (no url)")
        ctx.note("network mailbox and identifier: contact's email and Directory id")
        ctx.descriptions[iri] = _organisation(iri, network.juridical_person or network.name, network.id,
                                              homepage, contact.email)
        ctx.described_from[iri] = ("Networks", network)
    return iri, ctx.descriptions[iri]


def person_contact(ctx: Context, person: Person) -> tuple[URIRef, list[Triple]]:
    """A contact person as a vcard:Kind / vcard:Individual."""
    iri = ctx.iris.contact(person.id)
    if iri not in ctx.descriptions:
        triples: list[Triple] = [
            (iri, RDF.type, VCARD.Kind),
            (iri, RDF.type, VCARD.Individual),
            (iri, VCARD.fn, Literal(person.display_name)),
            (iri, VCARD.hasEmail, URIRef(f"mailto:{person.email}")),
            (iri, DCT.identifier, Literal(person.id)),
        ]
        if person.first_name:
            triples.append((iri, VCARD["given-name"], Literal(person.first_name)))
        if person.last_name:
            triples.append((iri, VCARD["family-name"], Literal(person.last_name)))
        if person.phone:
            triples.append((iri, VCARD.hasTelephone, URIRef("tel:" + "".join(person.phone.split()))))
        if person.role:
            triples.append((iri, VCARD.role, Literal(person.role)))
        orcid = links.orcid(person.orcid)
        if orcid is not None:
            triples.append((iri, VCARD.hasUID, orcid))
        ctx.descriptions[iri] = triples
        ctx.described_from[iri] = ("Persons", person)
    return iri, ctx.descriptions[iri]


def node_contact(ctx: Context) -> tuple[URIRef, list[Triple]]:
    """The node's own desk as the contact point of the node catalogue."""
    node = ctx.config.node
    iri = ctx.iris.contact(node.id)
    if iri not in ctx.descriptions:
        ctx.descriptions[iri] = [
            (iri, RDF.type, VCARD.Kind),
            (iri, RDF.type, VCARD.Organization),
            (iri, VCARD.fn, Literal(node.name)),
            (iri, VCARD.hasEmail, URIRef(f"mailto:{node.email}")),
            (iri, VCARD.hasURL, URIRef(node.homepage)),
        ]
    return iri, ctx.descriptions[iri]
