"""N-Triples written by hand for speed must read back as the very same terms, in rdflib and in Oxigraph."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from bbfair.builder.pipeline import convert_directory
from bbfair.store.serialise import Serialiser, nt

TERMS = [
    Literal('quote " backslash \\ newline \n tab \t return \r accents éß 中 control \u0001 emoji 🧬'),
    Literal("Gent", lang="nl-BE"),
    Literal("12", datatype=XSD.nonNegativeInteger),
    Literal("plain"),
    Literal("typed string", datatype=XSD.string),
    Literal(True),
    URIRef("http://example.org/dataset/a#provenance"),
    BNode("b1"),
]


@pytest.mark.parametrize("term", TERMS, ids=range(len(TERMS)))
def test_term_round_trips(term) -> None:
    line = f"<http://s> <http://p> {nt(term)} .\n"
    back = next(iter(Graph().parse(data=line, format="nt")))[2]
    if isinstance(term, BNode):
        assert isinstance(back, BNode)
        return
    same = back == term and getattr(back, "datatype", None) == getattr(term, "datatype", None)
    assert same or (term.datatype == XSD.string and back == Literal(str(term)))  # xsd:string is the default
    parsed = next(iter(ox.parse(line.encode(), format=ox.RdfFormat.N_TRIPLES)))
    assert parsed.object.value == str(term)


def test_graphs_hold_owned_statements_and_documents_everything(sample_dir) -> None:
    conv = convert_directory(sample_dir)
    writer = Serialiser.of(conv.resources)
    dataset = next(r for r in conv.resources if r.kind == "dataset")
    catalog = next(r for r in conv.resources if r.kind == "catalog" and r.embeds and r.record_id)
    own = Graph().parse(data="\n".join(writer.graph_ntriples(dataset)), format="nt")
    others = {str(r.iri) for r in conv.resources} - {str(dataset.iri)}
    assert (dataset.iri, None, None) in own
    assert not {str(s).split("#")[0] for s in own.subjects()} & others  # agents, distribution: their own graphs
    document = Graph().parse(data=writer.document(catalog).decode(), format="nt")
    assert len(document) == len(catalog.document())
    quads = list(ox.parse(writer.graph_nquads(dataset).encode(), format=ox.RdfFormat.N_QUADS))
    assert {q.graph_name.value for q in quads} == {str(dataset.iri)} and len(quads) == len(own)


def test_other_profiles_are_stored_as_the_change_that_makes_their_document(sample_dir) -> None:
    """A document that differs in another profile is kept as the lines to take out and add; applied to the
    default document they give that profile's document exactly (a catalogue and a data service too, through the
    datasets they embed)."""
    import zlib
    from datetime import UTC, datetime

    from bbfair.mapping.stamps import stamp
    from bbfair.store.documents import apply

    conv = convert_directory(sample_dir)
    conv.stamps = stamp(conv.resources, [""] * len(conv.resources), datetime(2026, 1, 1, tzinfo=UTC))
    writer = Serialiser.of(conv.resources, ["healthdcat-ap"])
    kinds = set()
    for res in conv.resources:
        written = writer.written(res, conv.stamps[str(res.iri)])
        if not written.variants:
            assert not res.differs("healthdcat-ap")
            continue
        ((token, change),) = written.variants
        assert token == "healthdcat-ap"
        kinds.add(res.kind)
        body = apply(zlib.decompress(written.packed), zlib.decompress(change))
        got = set(Graph().parse(data=body.decode(), format="nt"))
        assert got == set(res.graph_in("healthdcat-ap")), res.iri
        assert len(zlib.decompress(change)) < len(zlib.decompress(written.packed)) / 3
    assert kinds == {"dataset", "catalog", "service"}  # a data service embeds the datasets it serves
