"""Agents (`foaf:Organization`) and contact points (`vcard:Kind`), described in full.

Every document that references an agent or contact embeds its whole description (the harvester reads one
document per dataset and nothing else), so each description is built once and cached as a triple list.
The union of the standards is emitted: Health-RI wants foaf:name, dct:identifier, foaf:homepage and a
`mailto:` foaf:mbox on agents and vcard:fn + vcard:hasEmail on contacts; HealthDCAT-AP wants exactly one
cv:contactPoint with cv:email on agents. What a sparse record lacks is derived, never invented. An
organisation with a ROR id has it as `dct:identifier` and `owl:sameAs`; a person with an ORCID has it as
`vcard:hasUID` (see `links`).

The Directory's FAIR Data Point tables add two kinds: a Publishers record is a `foaf:Agent` (the publisher of the
catalogues, data services and collections that name it), an Organisations record a `vcard:Organization` contact
point (of catalogues, data services and endpoints). Postal addresses (Persons address/zip/city/country, the
Address table) become `vcard:hasAddress`.
"""

from __future__ import annotations

from rdflib import Literal, URIRef

from ..rdf import vocab
from ..rdf.namespaces import CV, DCT, FOAF, LOCN, OWL, RDF, VCARD
from ..records import Biobank, Network, Organisation, Person, Publisher
from . import links
from .context import Context
from .resource import Triple


def _organisation(iri: URIRef, name: str, identifier: str, homepage: URIRef, email: str,
                  spatial: URIRef | None = None, city: str | None = None) -> list[Triple]:
    """An organisation described in full; an identifier that is a ROR id becomes the ROR IRI (as given in any
    of its forms) and the agent's `owl:sameAs`; the city it is in (`location`) its address (`locn:address`, the
    EU Core Vocabularies' address of an organisation, `locn:postName`)."""
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
    if city:
        place = URIRef(f"{iri}#address")
        triples += [(iri, LOCN.address, place), (place, RDF.type, LOCN.Address), (place, LOCN.postName, Literal(city))]
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
                                              ctx.country(biobank.country), biobank.location)
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
                                              homepage, contact.email, city=network.location)
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
        if person.title_before_name:
            triples.append((iri, VCARD["honorific-prefix"], Literal(person.title_before_name)))
        if person.title_after_name:
            triples.append((iri, VCARD["honorific-suffix"], Literal(person.title_after_name)))
        orcid = links.orcid(person.orcid)
        if orcid is not None:
            triples.append((iri, VCARD.hasUID, orcid))
        country = vocab.countries()[person.country].label if person.country in vocab.countries() else None
        triples += address(iri, person.address, person.zip, person.city, country)
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


def address(iri: URIRef, street: str | None, postal_code: str | None, city: str | None,
            country: str | None) -> list[Triple]:
    """`iri vcard:hasAddress <iri#address>`, a vcard:Address with the parts given (none when nothing is)."""
    parts = [(VCARD["street-address"], street), (VCARD["postal-code"], postal_code), (VCARD.locality, city),
             (VCARD["country-name"], country)]
    if not any(value for _p, value in parts):
        return []
    node = URIRef(f"{iri}#address")
    return [(iri, VCARD.hasAddress, node), (node, RDF.type, VCARD.Address),
            *((node, pred, Literal(value)) for pred, value in parts if value)]


def publisher_agent(ctx: Context, publisher: Publisher) -> tuple[URIRef, list[Triple]]:
    """A Publishers record as a `foaf:Agent` (typed as its `type` column says, an organisation by default): the
    publisher of the collections, catalogues and data services that name it. Health-RI wants an identifier: a ROR
    given as its url, else its name (the Directory's key for publishers); a homepage and a mailbox come from
    `url` and `mbox` only (validation names the column when one is missing). HealthDCAT-AP's contact point of a
    publisher is its mailbox, else its homepage."""
    iri = ctx.iris.agent(publisher.id)
    if iri not in ctx.descriptions:
        ror = links.ror(publisher.url)
        if ror is None:
            ctx.note("publisher identifier: its name in Publishers (no ROR)")
        types = [URIRef(t) for t in publisher.type] or [FOAF.Organization]
        triples: list[Triple] = [
            (iri, RDF.type, FOAF.Agent),
            *((iri, RDF.type, kind) for kind in types),
            (iri, FOAF.name, Literal(publisher.name, lang="en")),
            (iri, DCT.identifier, Literal(str(ror) if ror is not None else publisher.name)),
        ]
        if publisher.description:
            triples.append((iri, DCT.description, Literal(publisher.description, lang="en")))
        cp = URIRef(f"{iri}#contact-point")
        if publisher.url:
            homepage = URIRef(publisher.url)
            triples += [(iri, FOAF.homepage, homepage), (homepage, RDF.type, FOAF.Document)]
        if publisher.mbox:
            triples += [(iri, FOAF.mbox, URIRef(f"mailto:{publisher.mbox}")), (iri, CV.contactPoint, cp),
                        (cp, RDF.type, CV.ContactPoint), (cp, CV.email, Literal(publisher.mbox))]
        elif publisher.url:
            triples += [(iri, CV.contactPoint, cp), (cp, RDF.type, CV.ContactPoint),
                        (cp, CV.contactPage, URIRef(publisher.url))]
        if publisher.logo:
            triples.append((iri, FOAF.logo, URIRef(publisher.logo)))
        if ror is not None:
            triples.append((iri, OWL.sameAs, ror))
        ctx.descriptions[iri] = triples
        ctx.described_from[iri] = ("Publishers", publisher)
    return iri, ctx.descriptions[iri]


def organisation_contact(ctx: Context, organisation: Organisation) -> tuple[URIRef, list[Triple]]:
    """An Organisations record as a `vcard:Organization` contact point, with its address (Address table)."""
    iri = ctx.iris.contact(organisation.id)
    if iri not in ctx.descriptions:
        triples: list[Triple] = [
            (iri, RDF.type, VCARD.Kind),
            (iri, RDF.type, VCARD.Organization),
            (iri, VCARD.fn, Literal(organisation.full_name)),
            (iri, DCT.identifier, Literal(organisation.id)),
        ]
        if organisation.email:
            triples.append((iri, VCARD.hasEmail, URIRef(f"mailto:{organisation.email}")))
        if organisation.phone:
            triples.append((iri, VCARD.hasTelephone, URIRef("tel:" + "".join(organisation.phone.split()))))
        if organisation.url:
            triples.append((iri, VCARD.hasURL, URIRef(organisation.url)))
        where = ctx.catalogue.addresses.get(organisation.address or "")
        if where is not None:
            triples += address(iri, where.street, where.postal_code, where.city, where.country)
        ctx.descriptions[iri] = triples
        ctx.described_from[iri] = ("Organisations", organisation)
    return iri, ctx.descriptions[iri]


def contact_for(ctx: Context, organisation: str | None, person: str | None = None) -> tuple[URIRef, list[Triple]]:
    """The contact point a FAIR Data Point record names: its Organisations record, else its Persons record, else
    (derived) the node's own desk."""
    if organisation and organisation in ctx.catalogue.organisations:
        return organisation_contact(ctx, ctx.catalogue.organisations[organisation])
    if person and person in ctx.catalogue.persons:
        return person_contact(ctx, ctx.catalogue.persons[person])
    ctx.note("contact point: the node's desk from bbfair.toml [node] (no contact)")
    return node_contact(ctx)


def publishers_for(ctx: Context, names: list[str]) -> list[tuple[URIRef, list[Triple]]]:
    """The publishers a FAIR Data Point record names (Publishers), else (derived) the node."""
    found = [publisher_agent(ctx, ctx.catalogue.publishers[n]) for n in names if n in ctx.catalogue.publishers]
    if not found:
        ctx.note("publisher: the node from bbfair.toml [node] (no publisher)")
        found = [node_agent(ctx)]
    return found
