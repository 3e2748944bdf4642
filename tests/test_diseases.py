"""The disease concepts of a catalogue: described in every dataset document that names them, held once in the
store by `{base}/vocab/diseases` (mapping/diseases.py, store/serialise.py)."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from bbfair.builder.pipeline import convert_directory
from bbfair.mapping import diseases
from bbfair.records.loader import load_records
from bbfair.store.serialise import Serialiser

BASE = "http://127.0.0.1:8000"
DISEASES = URIRef(f"{BASE}/vocab/diseases")


def test_the_collection_describes_every_cited_concept_and_its_broader_terms(sample_dir: Path) -> None:
    catalogue = load_records(sample_dir)
    names = diseases.cited(catalogue.collections.values())
    assert names == sorted(set(names)) and "ORPHA:558" in names
    res = diseases.collection(BASE, names)
    g = Graph()
    for t in res.triples:
        g.add(t)
    assert (DISEASES, RDF.type, SKOS.Collection) in g and g.value(DISEASES, DCTERMS.title) is not None
    members = set(g.objects(DISEASES, SKOS.member))
    assert {str(m) for m in members} == res.holds
    cited = {diseases.subject_iri(n) for n in names}
    assert cited <= members
    for concept in members:  # each described, with its whole chain of broader terms among the members
        assert (concept, RDF.type, SKOS.Concept) in g and g.value(concept, SKOS.prefLabel) is not None
        assert set(g.objects(concept, SKOS.broader)) <= members
    # ICD-10 C50 (breast) reaches chapter II through its block
    chain = set(g.transitive_objects(URIRef("http://purl.bioontology.org/ontology/ICD10/C50"), SKOS.broader))
    assert URIRef("http://purl.bioontology.org/ontology/ICD10/II") in chain


def test_the_store_holds_each_concept_statement_once_and_documents_keep_theirs(sample_dir: Path) -> None:
    conv = convert_directory(sample_dir)
    writer = Serialiser.of(conv.resources)
    holder = next(r for r in conv.resources if r.iri == DISEASES)
    graphs = {str(r.iri): writer.graph_ntriples(r) for r in conv.resources}
    about = [line for lines in graphs.values() for line in lines if line[1:].split(">", 1)[0] in holder.holds]
    assert about and len(about) == len(set(about))  # one copy of each in the whole store
    assert set(about) == {line for line in graphs[str(DISEASES)] if line[1:].split(">", 1)[0] in holder.holds}
    cited = [r for r in conv.resources if r.kind == "dataset" and any(p == DCTERMS.subject for _s, p, _o in r.triples)]
    assert cited
    for res in cited:
        doc = Graph().parse(data=writer.document(res).decode(), format="nt")
        own = Graph().parse(data="\n".join(graphs[str(res.iri)]), format="nt")
        for subject in doc.objects(res.iri, DCTERMS.subject):  # the harvested document names its subjects
            assert doc.value(subject, SKOS.prefLabel) is not None and (res.iri, DCTERMS.subject, subject) in own
            assert (subject, None, None) not in own  # the stored graph leaves their description to the holder
