"""bbfair's own SHACL profiles (shapes/*.ttl) against the official shape files they restate.

1. Every shape of every profile is named (IRI, sh:name, sh:message), SHACL Core only, and pyshacl accepts it.
2. The sample catalogue and the Directory demo conform to our profiles and to the official counterparts.
3. Broken variants of real documents: whatever the official shapes reject (per focus node), our profile rejects
   too, with our own message; and what our standard profiles reject, the official files reject (bbfair's own
   biobank rules excepted, which no standard states).

Data graph = the document(s) + `vocab.background()` + `vocab.codelist_graph(base)`, no inference, no owl:imports.
Official FDP 1.2: the upstream fdp-specs files do not parse (`sh:maxCount ;`) and, even patched, name the wrong
properties (`dcat:endPointURL`, `dct:conformsToFdpSpec`) and give `fdp-o:metadataIdentifier` both an IRI node kind
and an xsd:dateTime datatype, so no record can pass them; the MOLGENIS-fixed FAIRDataPointShape.ttl is used, with
its missing `vcard:` prefix declared in memory. Its container shape is the *root* container's (member relation
fdp-o:metadataCatalog, owner a fdp-o:FAIRDataPoint), so it is compared on the FDP root document only.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from helpers import OFFICIAL
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCAT, FOAF, RDF, SH, XSD
from rdflib.namespace import DCTERMS as DCT

from bbfair.builder.pipeline import convert_directory
from bbfair.rdf import vocab
from bbfair.validation import load_shapes, run_pyshacl

ROOT = Path(__file__).resolve().parents[1]
SHAPES = ROOT / "shapes"
PROFILES = ("health-ri", "healthdcat-ap", "dcat-ap", "fdp", "bbfair")
#: files of each profile as the validator loads them (HealthDCAT-AP R8 builds on DCAT-AP 3)
PROFILE_FILES = {name: [name] for name in PROFILES} | {"healthdcat-ap": ["dcat-ap", "healthdcat-ap"]}
NS = {name: f"https://w3id.org/bbfair/shapes/{name}#" for name in PROFILES}

FDP_FIXED = "fdp-spec-v1.2/molgenis-fixed/FAIRDataPointShape.ttl"
#: the kinds each official set is compared on
KINDS = {"health-ri": ("catalog", "dataset", "distribution", "service", "agent", "contact", "fdp"),
         "dcat-ap": ("catalog", "dataset", "distribution", "service", "agent", "contact", "fdp"),
         "healthdcat-ap": ("catalog", "dataset", "distribution", "service", "agent", "contact", "fdp"),
         "fdp": ("fdp",)}
VALIDATED = ("fdp", "catalog", "dataset", "distribution", "service", "agent", "contact", "container")

GUARD = URIRef("urn:x-shacl:guard")  # R8's "a dataset submission contains a dcat:Dataset" (SHACL-SPARQL)
#: the publication profile whose documents each shape set is checked on (None: the default, Health-RI's); the
#: profile-neutral sets are checked on both
VARIANT = {"health-ri": None, "healthdcat-ap": "healthdcat-ap", "dcat-ap": None, "fdp": None, "bbfair": None}
HEALTH = "http://healthdataportal.eu/ns/health#"
CODE_VALUES = URIRef(HEALTH + "hasCodeValues")
BBFAIR = "https://w3id.org/bbfair/ns#"
VCARD = "http://www.w3.org/2006/vcard/ns#"
CV = "http://data.europa.eu/m8g/"
FDP_O = "https://w3id.org/fdp/fdp-o#"
DCATAP = "http://data.europa.eu/r5r/"


# ------------------------------------------------------------------ fixtures (everything parsed once per module)

@pytest.fixture(scope="module")
def ours() -> dict[str, Graph]:
    return {name: load_shapes(SHAPES / f"{f}.ttl" for f in files) for name, files in PROFILE_FILES.items()}


@pytest.fixture(scope="module")
def official(official_dir: Path) -> dict[str, Graph]:
    ref = official_dir
    sets = {name: load_shapes(ref / p for p in paths) for name, paths in OFFICIAL.items()}
    text = (ref / FDP_FIXED).read_text(encoding="utf-8")
    sets["fdp"] = Graph().parse(data="@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .\n" + text, format="turtle")
    return sets


@pytest.fixture(scope="module")
def sample(sample_dir):
    return convert_directory(sample_dir)


@pytest.fixture(scope="module")
def demo(demo_dir):
    return convert_directory(demo_dir)


@pytest.fixture(scope="module")
def background(sample) -> Graph:
    graph = Graph()
    graph += vocab.background()
    graph += vocab.codelist_graph(sample.base)
    return graph


# ------------------------------------------------------------------ helpers

def data_graph(triples, background: Graph) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    graph += background
    return graph


def results(data: Graph, shapes: Graph, official: bool = False) -> list[tuple[str, str, str, str]]:
    """Top-level violations as (focus, path, source shape, message)."""
    if official:
        _conforms, report = run_pyshacl(data, shapes)
    else:
        _conforms, report, _ = validate(data, shacl_graph=shapes, inference="none", advanced=False,
                                        allow_warnings=True, do_owl_imports=False)
    found = []
    for result in report.objects(None, SH.result):
        if report.value(result, SH.resultSeverity) != SH.Violation:
            continue
        found.append((str(report.value(result, SH.focusNode)), str(report.value(result, SH.resultPath)),
                      str(report.value(result, SH.sourceShape)), str(report.value(result, SH.resultMessage))))
    return found


def official_foci(found, kind: str, name: str) -> set[str]:
    """Official violations by focus node, less the one known exception: R8's graph guard outside dataset
    documents (it is about a whole submission)."""
    return {focus for focus, path, _s, _m in found if not (focus == str(GUARD) and kind != "dataset")}


def first(conv, kind: str, predicate=None):
    for res in conv.by_kind(kind):
        if predicate is None or predicate(res):
            return res
    raise AssertionError(f"no {kind}")


# ------------------------------------------------------------------ 1. every shape named, SHACL Core only

def shape_nodes(graph: Graph) -> set:
    nodes = set(graph.subjects(RDF.type, SH.NodeShape)) | set(graph.subjects(RDF.type, SH.PropertyShape))
    nodes |= set(graph.subjects(SH.path, None)) | set(graph.objects(None, SH.property))
    nodes |= set(graph.objects(None, SH.node)) | set(graph.objects(None, SH["not"]))
    nodes |= set(graph.objects(None, SH.qualifiedValueShape))
    for pred in (SH["or"], SH["and"], SH.xone):
        for head in graph.objects(None, pred):
            nodes |= set(Collection(graph, head))
    for pred in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
        nodes |= set(graph.subjects(pred, None))
    return nodes


@pytest.mark.parametrize("name", PROFILES)
def test_every_shape_is_named_and_core(name):
    graph = Graph()
    for part in PROFILE_FILES[name]:  # healthdcat-ap reuses the value shapes of dcat-ap
        graph.parse(SHAPES / f"{part}.ttl", format="turtle")
    namespaces = tuple(NS[part] for part in PROFILE_FILES[name])
    nodes = shape_nodes(graph)
    assert len(nodes) > 5
    for node in nodes:
        assert isinstance(node, URIRef), f"{name}: blank-node shape {graph.cbd(node).serialize(format='turtle')}"
        assert str(node).startswith(namespaces), f"{name}: {node} outside the profile namespace"
        assert graph.value(node, SH.name) is not None, f"{name}: {node} has no sh:name"
        assert graph.value(node, SH.message) is not None, f"{name}: {node} has no sh:message"
    for banned in (SH.sparql, SH.select, SH.rule, SH.target, SH.shapesGraph, SH.declare):
        assert not any(True for _ in graph.triples((None, banned, None))), f"{name}: {banned} is not SHACL Core"
    assert (None, URIRef("http://www.w3.org/2002/07/owl#imports"), None) not in graph
    # pyshacl accepts the file on its own (parses every shape and runs it on an empty graph)
    conforms, _report, _text = validate(Graph(), shacl_graph=graph, inference="none", advanced=False)
    assert conforms


# ------------------------------------------------------------------ 2. agreement on the sample and the demo

@pytest.mark.parametrize("which", ["sample", "demo"])
def test_catalogue_conforms_to_ours_and_official(which, sample, demo, ours, official, background):
    conv = sample if which == "sample" else demo
    bg = background if which == "sample" else data_graph(vocab.codelist_graph(conv.base), vocab.background())
    for profile in (None, "healthdcat-ap"):
        union = data_graph((t for r in conv.resources if r.kind in VALIDATED for t in r.document(profile)), bg)
        for name in PROFILES:
            if VARIANT[name] in (None, profile) and (name != "health-ri" or profile is None):
                assert results(union, ours[name]) == [], f"ours: {name} on profile {profile}"
        for name, shapes in official.items():
            if VARIANT.get(name) not in (None, profile) or (name == "health-ri" and profile is not None):
                continue
            docs = data_graph((t for r in conv.resources if r.kind in KINDS[name] for t in r.document(profile)), bg)
            found = results(docs, shapes, official=True)
            assert found == [], f"official {name} on profile {profile}: {found[:5]}"


def test_documents_conform_one_by_one(sample, ours, background):
    """Per document (what a harvester reads), a few of each kind: every profile, including the bbfair rule that
    referenced contacts and organisations are described in the same document."""
    for profile, names in ((None, ("health-ri", "dcat-ap", "fdp", "bbfair")),
                           ("healthdcat-ap", ("healthdcat-ap", "dcat-ap", "fdp", "bbfair"))):
        every = load_shapes(SHAPES / f"{name}.ttl" for name in names)
        for kind in VALIDATED:
            for res in list(sample.by_kind(kind))[:2]:
                found = results(data_graph(res.document(profile), background), every)
                assert found == [], f"{kind} {res.iri} in {profile}"


def test_root_container_document_types_its_owner(sample, ours, official, background):
    root = first(sample, "container", lambda r: str(r.iri) == sample.base + "/catalogs")
    data = data_graph(root.graph, background)
    assert results(data, official["fdp"], official=True) == []
    assert results(data, ours["fdp"]) == []


# ------------------------------------------------------------------ 3. broken variants

def mandatory_paths(official: dict[str, Graph]) -> set[URIRef]:
    """Every predicate an official file makes mandatory (sh:minCount >= 1 or sh:hasValue) on any shape."""
    paths = set()
    for shapes in official.values():
        for shape in set(shapes.subjects(SH.minCount, None)) | set(shapes.subjects(SH.hasValue, None)):
            path = shapes.value(shape, SH.path)
            count = shapes.value(shape, SH.minCount)
            if isinstance(path, URIRef) and (count is None or int(count) >= 1):
                paths.add(path)
    return paths


def compare(name, kind, triples, ours, official, background, expect=True):
    """Validate a broken document with an official set and our counterpart; every official focus must be one of
    ours, our messages must be our shapes' messages, and (converse) our foci must be official foci."""
    data = data_graph(triples, background)
    theirs = official_foci(results(data, official[name], official=True), kind, name)
    mine = results(data, ours[name])
    messages = {str(m) for m in ours[name].objects(None, SH.message)}
    assert all(m in messages for *_x, m in mine), [m for *_x, m in mine if m not in messages]
    mine_foci = {focus for focus, *_x in mine}
    assert theirs <= mine_foci, f"{name}: official {theirs - mine_foci} not caught by ours"
    assert mine_foci <= theirs, f"{name}: ours {mine_foci - theirs} not rejected officially"
    if expect:
        assert theirs, f"{name}: the mutation broke nothing"
    return theirs


def without(graph: Graph, node, pred) -> list:
    return [t for t in graph if not (t[0] == node and t[1] == pred)]


def replaced(graph: Graph, node, pred, value) -> list:
    return [*without(graph, node, pred), (node, pred, value)]


def _picks(sample):
    def rich(res):
        return (res.iri, CODE_VALUES, None) in res.graph and (res.iri, URIRef(BBFAIR + "ageLow"), None) in res.graph
    picks = {kind: first(sample, kind) for kind in ("catalog", "distribution", "agent", "contact", "fdp")}
    picks["dataset"] = first(sample, "dataset", rich)
    # the Beacon: a data service that serves (and embeds) a collection, with a publisher and a person as contact
    picks["service"] = first(sample, "service", lambda r: (r.iri, DCAT.servesDataset, None) in r.graph)
    return picks


@pytest.fixture(scope="module")
def documents(sample):
    """One real document per kind in the default (Health-RI) profile (the dataset: one with disease codes, ages
    and counts)."""
    return {kind: (res.iri, res.graph) for kind, res in _picks(sample).items()}


@pytest.fixture(scope="module")
def variants(sample):
    """The same documents in each profile a shape set is checked on: name -> kind -> (iri, graph)."""
    picks = _picks(sample)
    return {name: {kind: (res.iri, res.graph_in(profile)) for kind, res in picks.items()}
            for name, profile in VARIANT.items()}


@pytest.mark.parametrize("kind", ["dataset", "distribution", "catalog", "service", "agent", "contact", "fdp"])
def test_dropping_a_mandatory_property(kind, variants, ours, official, background):
    """Drop, one at a time, every property of the document's own node that an official file makes mandatory."""
    iri, graph = variants["health-ri"][kind]
    required = mandatory_paths(official)
    dropped = 0
    for pred in sorted({p for p in graph.predicates(iri, None) if p in required and p != RDF.type}):
        for name in KINDS:
            if kind in KINDS[name]:
                compare(name, kind, without(variants[name][kind][1], iri, pred), ours, official, background,
                        expect=False)
        dropped += 1
    assert dropped >= (3 if kind in ("dataset", "distribution", "fdp", "catalog", "agent", "service") else 2)


def test_dropping_from_embedded_agents_and_contacts(variants, ours, official, background):
    """The dataset document embeds its publisher, HDAB, contact and their contact points: break those too."""
    iri, graph = variants["health-ri"]["dataset"]
    publisher = graph.value(iri, DCT.publisher)
    contact = graph.value(iri, DCAT.contactPoint)
    cpoint = graph.value(publisher, URIRef(CV + "contactPoint"))
    cases = [(publisher, FOAF.name), (publisher, FOAF.mbox), (publisher, FOAF.homepage), (publisher, DCT.identifier),
             (publisher, URIRef(CV + "contactPoint")), (contact, URIRef(VCARD + "fn")),
             (contact, URIRef(VCARD + "hasEmail")), (cpoint, URIRef(CV + "email"))]
    for node, pred in cases:
        caught = set()
        for name in ("health-ri", "dcat-ap", "healthdcat-ap"):
            broken = without(variants[name]["dataset"][1], node, pred)
            caught |= compare(name, "dataset", broken, ours, official, background, expect=False)
        assert caught, f"dropping {pred} from {node} broke nothing"


UNTYPED = URIRef("https://example.org/untyped")
TWIN = URIRef("https://example.org/twin")
AR = "http://publications.europa.eu/resource/authority/"


def mutations(iri, graph):
    """(label, broken triples, profiles expected to object) for the standards' value rules."""
    dist = graph.value(iri, DCAT.distribution)
    yield "count not an integer", replaced(graph, iri, URIRef(HEALTH + "numberOfRecords"), Literal("many")), \
        ("health-ri", "healthdcat-ap")
    yield "negative count", replaced(graph, iri, URIRef(HEALTH + "numberOfUniqueIndividuals"), Literal(-5)), \
        ("health-ri", "healthdcat-ap")
    yield "byte size a string", replaced(graph, dist, DCAT.byteSize, Literal("big")), \
        ("health-ri", "dcat-ap", "healthdcat-ap")
    yield "byte size zero", replaced(graph, dist, DCAT.byteSize, Literal(0, datatype=XSD.nonNegativeInteger)), \
        ("health-ri",)
    yield "structured-data flag a string", replaced(graph, iri, URIRef(HEALTH + "hasStructuredData"),
                                                    Literal("no")), ("healthdcat-ap",)
    yield "issued without time zone", replaced(graph, iri, DCT.issued,
                                               Literal("2025-03-31T12:00:00", datatype=XSD.dateTime)), ("health-ri",)
    yield "title as IRI", replaced(graph, iri, DCT.title, UNTYPED), ("health-ri", "dcat-ap", "healthdcat-ap")
    yield "publisher untyped", replaced(graph, iri, DCT.publisher, UNTYPED), ("health-ri", "dcat-ap", "healthdcat-ap")
    yield "contact untyped", replaced(graph, iri, DCAT.contactPoint, UNTYPED), \
        ("health-ri", "dcat-ap", "healthdcat-ap")
    yield "distribution untyped", replaced(graph, iri, DCAT.distribution, UNTYPED), ("dcat-ap", "healthdcat-ap")
    yield "hdab untyped", replaced(graph, iri, URIRef(HEALTH + "hdab"), UNTYPED), ("healthdcat-ap",)
    yield "licence untyped", replaced(graph, dist, DCT.license, UNTYPED), ("dcat-ap", "healthdcat-ap")
    yield "unknown language", replaced(graph, iri, DCT.language, URIRef(AR + "language/XXX")), \
        ("dcat-ap", "healthdcat-ap")
    yield "unknown access right", replaced(graph, iri, DCT.accessRights, URIRef(AR + "access-right/SECRET")), \
        ("health-ri", "dcat-ap", "healthdcat-ap")
    # AGRI is an EU data theme (the Directory's Themes list has it): DCAT-AP accepts it, only R8 wants HEAL
    yield "theme not HEAL", replaced(graph, iri, DCAT.theme, URIRef(AR + "data-theme/AGRI")), ("healthdcat-ap",)
    yield "theme not an EU data theme", replaced(graph, iri, DCAT.theme, URIRef(AR + "data-theme/XXXX")), \
        ("dcat-ap", "healthdcat-ap")
    yield "unknown health category", replaced(graph, iri, URIRef(HEALTH + "healthCategory"),
                                              URIRef("https://hdeu-dcat.data.health.europa.eu/resource/authority/"
                                                     "healthcategories/XXXX")), ("healthdcat-ap",)
    yield "unknown file type", replaced(graph, dist, DCT.format, URIRef(AR + "file-type/XXX")), \
        ("dcat-ap", "healthdcat-ap")
    yield "media type not IANA", replaced(graph, dist, DCAT.mediaType, URIRef("https://example.org/html")), \
        ("dcat-ap", "healthdcat-ap")
    yield "two identifiers", [*list(graph), (iri, DCT.identifier, Literal("second"))], ("health-ri",)
    yield "two publishers", [*list(graph), (iri, DCT.publisher, graph.value(iri, URIRef(HEALTH + "hdab")))], \
        ("health-ri", "dcat-ap", "healthdcat-ap")
    yield "code value an IRI", replaced(graph, iri, CODE_VALUES, URIRef("http://www.orpha.net/ORDO/Orphanet_558")), \
        ("healthdcat-ap",)
    yield "code value a literal", replaced(graph, iri, CODE_VALUES, Literal("ORPHA:558")), ("health-ri",)


def test_broken_values(variants, ours, official, background):
    """Each standard's official file and our restatement of it, on the profile its consumer harvests."""
    for name in ("health-ri", "dcat-ap", "healthdcat-ap"):
        iri, graph = variants[name]["dataset"]
        for label, broken, objecting in mutations(iri, graph):
            try:
                caught = compare(name, "dataset", broken, ours, official, background, expect=False)
            except AssertionError as err:
                raise AssertionError(f"{label}: {err}") from None
            assert bool(caught) == (name in objecting), f"{label}: {name} {'missed' if not caught else 'objected'}"


def test_broken_fdp_root(documents, ours, official, background):
    iri, graph = documents["fdp"]
    container = next(graph.subjects(RDF.type, URIRef("http://www.w3.org/ns/ldp#DirectContainer")))
    ldp = "http://www.w3.org/ns/ldp#"
    cases = [replaced(graph, iri, URIRef(FDP_O + "metadataIssued"), Literal("yesterday")),
             replaced(graph, iri, URIRef(FDP_O + "metadataIdentifier"), Literal("root")),
             [*list(graph), (iri, DCT.license, UNTYPED)],
             replaced(graph, container, URIRef(ldp + "membershipResource"), UNTYPED),
             without(graph, container, URIRef(ldp + "hasMemberRelation"))]
    for broken in cases:
        assert compare("fdp", "fdp", broken, ours, official, background)


# ------------------------------------------------------------------ bbfair-only rules (no standard states them)

def bbfair_foci(triples, ours, background) -> dict[str, set[str]]:
    found = results(data_graph(triples, background), ours["bbfair"])
    messages = {str(m) for m in ours["bbfair"].objects(None, SH.message)}
    assert all(m in messages for *_x, m in found)
    by_shape: dict[str, set[str]] = {}
    for focus, _path, shape, _m in found:
        by_shape.setdefault(shape.rsplit("#", 1)[-1], set()).add(focus)
    return by_shape


def test_bbfair_rules(documents, sample, ours, background):
    iri, graph = documents["dataset"]
    focus = {str(iri)}
    low, high = URIRef(BBFAIR + "ageLow"), URIRef(BBFAIR + "ageHigh")
    material = URIRef(BBFAIR + "materialType")
    code = next(iter(graph.objects(iri, material)))
    cases = {
        "ageLow": replaced(replaced(graph, iri, low, Literal(50)), iri, high, Literal(20)),
        "ageHigh": replaced(graph, iri, high, Literal(-1)),
        "minTypicalAge": replaced(replaced(graph, iri, URIRef(HEALTH + "minTypicalAge"),
                                           Literal(60, datatype=XSD.nonNegativeInteger)),
                                  iri, URIRef(HEALTH + "maxTypicalAge"), Literal(30, datatype=XSD.nonNegativeInteger)),
        "numberOfRecords": replaced(graph, iri, URIRef(HEALTH + "numberOfRecords"), Literal(-3)),
        "numberOfUniqueIndividuals": replaced(graph, iri, URIRef(HEALTH + "numberOfUniqueIndividuals"), Literal(-1)),
        "materialType": replaced(graph, iri, material, URIRef(str(code).replace("/material-type/", "/data-use/"))),
        "storageTemperature": replaced(graph, iri, URIRef(BBFAIR + "storageTemperature"), UNTYPED),
        "ageUnit": replaced(graph, iri, URIRef(BBFAIR + "ageUnit"), URIRef(sample.base + "/vocab/age-unit/YEARS")),
        "sex": replaced(graph, iri, URIRef(BBFAIR + "sex"), URIRef("http://purl.obolibrary.org/obo/UBERON_0000473")),
        "codeValues": [*list(graph), (iri, CODE_VALUES, Literal("ORPHA558"))],
        "diseaseSubject": [*list(graph), (iri, DCT.subject, URIRef("http://www.orpha.net/ORDO/Orphanet_x1"))],
        "identifierUnique": [*list(graph), (TWIN, RDF.type, DCAT.Dataset),
                             (TWIN, DCT.identifier, graph.value(iri, DCT.identifier))],
        "References-contactPoint": replaced(graph, iri, DCAT.contactPoint, UNTYPED),
        "References-hdab": replaced(graph, iri, URIRef(HEALTH + "hdab"), UNTYPED),
    }
    for shape, broken in cases.items():
        by_shape = bbfair_foci(broken, ours, background)
        assert focus <= by_shape.get(shape, set()), f"{shape}: {by_shape}"
    # the ICD-10 literal forms the Directory uses are accepted
    ok = list(graph) + [(iri, CODE_VALUES, Literal(c)) for c in ("C18", "C50.9", "ORPHA:558", "C00-C97")]
    assert bbfair_foci(ok, ours, background) == {}


def test_bbfair_email_rules(documents, ours, background):
    _iri, graph = documents["dataset"]
    has_email, mbox, email = URIRef(VCARD + "hasEmail"), FOAF.mbox, URIRef(CV + "email")
    contact = next(graph.subjects(has_email, None))
    agent = next(graph.subjects(mbox, None))
    cpoint = next(graph.subjects(email, None))
    cases = {"Contact-hasEmail": replaced(graph, contact, has_email, URIRef("mailto:jan@@example")),
             "Organisation-mbox": replaced(graph, agent, mbox, URIRef("mailto:info at example.org")),
             "OrganisationContact-email": replaced(graph, cpoint, email, Literal("mailto:info@example.org"))}
    for shape, broken in cases.items():
        by_shape = bbfair_foci(broken, ours, background)
        assert by_shape.get(shape), f"{shape}: {by_shape}"


def test_recommended_properties_warn_only(variants, ours, background):
    iri, graph = variants["healthdcat-ap"]["dataset"]
    broken = without(without(graph, iri, URIRef(HEALTH + "numberOfRecords")), iri, CODE_VALUES)
    conforms, report, _ = validate(data_graph(broken, background), shacl_graph=ours["healthdcat-ap"],
                                   inference="none", advanced=False, allow_warnings=True)
    assert conforms
    severities = Counter(report.value(r, SH.resultSeverity) for r in report.objects(None, SH.result))
    assert severities == Counter({SH.Warning: 2})


def test_profiles_want_the_code_form_their_standard_does(documents, ours, background):
    """health-ri wants IRIs, healthdcat-ap literals; bbfair's own rules accept both forms."""
    iri, graph = documents["dataset"]
    as_iri = replaced(graph, iri, CODE_VALUES, URIRef("http://www.orpha.net/ORDO/Orphanet_558"))
    as_code = replaced(graph, iri, CODE_VALUES, Literal("ORPHA:558"))
    assert results(data_graph(as_iri, background), ours["health-ri"]) == []
    assert {p for _f, p, *_x in results(data_graph(as_code, background), ours["health-ri"])} == {str(CODE_VALUES)}
    assert results(data_graph(as_iri, background), ours["bbfair"]) == []
    assert results(data_graph(as_code, background), ours["bbfair"]) == []
    assert {p for _f, p, *_x in results(data_graph(as_iri, background), ours["healthdcat-ap"])} == {str(CODE_VALUES)}


# ------------------------------------------------------------------ data services and annotations (issue 19)

ADMS = "http://www.w3.org/ns/adms#"
SKOS_NOTATION = URIRef("http://www.w3.org/2004/02/skos/core#notation")
DQV_ANNOTATION = URIRef("http://www.w3.org/ns/dqv#hasQualityAnnotation")
OA_BODY = URIRef("http://www.w3.org/ns/oa#hasBody")


def service_mutations(iri, graph):
    """(label, broken triples, profiles expected to object) for the data-service rules of each standard."""
    yield "endpoint URL as text", replaced(graph, iri, DCAT.endpointURL, Literal("https://beacon.example.org")), \
        ("health-ri", "dcat-ap", "healthdcat-ap")
    yield "endpoint description as text", replaced(graph, iri, DCAT.endpointDescription, Literal("an API")), \
        ("health-ri", "dcat-ap", "healthdcat-ap")
    yield "two licences", [*list(graph), (iri, DCT.license, URIRef("https://example.org/other-licence")),
                           (URIRef("https://example.org/other-licence"), RDF.type, DCT.LicenseDocument)], \
        ("health-ri", "dcat-ap", "healthdcat-ap")
    yield "unknown access right", replaced(graph, iri, DCT.accessRights, URIRef(AR + "access-right/SECRET")), \
        ("dcat-ap", "healthdcat-ap")
    yield "publisher untyped", replaced(graph, iri, DCT.publisher, UNTYPED), ("health-ri", "dcat-ap", "healthdcat-ap")
    yield "no theme", without(graph, iri, DCAT.theme), ("health-ri",)
    yield "served collection untyped", replaced(graph, iri, DCAT.servesDataset, UNTYPED), ("dcat-ap", "healthdcat-ap")
    yield "specification untyped", replaced(graph, iri, DCT.conformsTo, UNTYPED), ("dcat-ap", "healthdcat-ap")


def test_broken_data_services(variants, ours, official, background):
    """DataServices: the Health-RI v2.0.2, DCAT-AP 3.0.1 and R8 rules, each caught by our restatement with our own
    messages, and nothing more."""
    for name in ("health-ri", "dcat-ap", "healthdcat-ap"):
        iri, graph = variants[name]["service"]
        for label, broken, objecting in service_mutations(iri, graph):
            try:
                caught = compare(name, "service", broken, ours, official, background, expect=False)
            except AssertionError as err:
                raise AssertionError(f"{label}: {err}") from None
            assert bool(caught) == (name in objecting), f"{label}: {name} {'missed' if not caught else 'objected'}"


def test_broken_identifiers_locations_and_certificates(sample, ours, official, background):
    """The nodes a collection or biobank document describes besides itself: other identifiers (adms:Identifier),
    locations (dct:Location) and quality certificates (dqv:QualityCertificate)."""
    base = sample.base
    cf = first(sample, "dataset", lambda r: str(r.iri) == f"{base}/dataset/BE_SCH-collection-cf")
    suh = first(sample, "catalog", lambda r: str(r.iri) == f"{base}/catalog/BE_SUH")

    def cases(name):
        graph, suh_graph = cf.graph_in(VARIANT[name]), suh.graph_in(VARIANT[name])
        ident = next(graph.objects(cf.iri, URIRef(ADMS + "identifier")))
        where = next(o for o in graph.objects(cf.iri, DCT.spatial) if str(o).endswith("#location"))
        cert = next(suh_graph.objects(suh.iri, DQV_ANNOTATION))
        yield "identifier without notation", "dataset", without(graph, ident, SKOS_NOTATION), ("health-ri",)
        yield "identifier with two notations", "dataset", [*list(graph), (ident, SKOS_NOTATION, Literal("other"))], \
            ("health-ri", "dcat-ap", "healthdcat-ap")
        yield "two centre points", "dataset", [*list(graph), (where, DCAT.centroid, Literal("POINT(0 0)"))], \
            ("dcat-ap", "healthdcat-ap")
        yield "certificate with two documents", "catalog", \
            [*list(suh_graph), (cert, OA_BODY, URIRef("https://example.org/x"))], ("health-ri",)

    for name in ("health-ri", "dcat-ap", "healthdcat-ap"):
        for label, kind, broken, objecting in cases(name):
            try:
                caught = compare(name, kind, broken, ours, official, background, expect=False)
            except AssertionError as err:
                raise AssertionError(f"{label}: {err}") from None
            assert bool(caught) == (name in objecting), f"{label}: {name} {'missed' if not caught else 'objected'}"


def test_bbfair_rules_of_the_new_columns(sample, ours, background):
    """bbfair's own rules on what the Directory's newer columns become: code lists of access types and SOPs,
    quality-certificate standards and levels, WKT points, EJP RD flags, endpoint addresses."""
    base = sample.base
    cf = first(sample, "dataset", lambda r: str(r.iri) == f"{base}/dataset/BE_SCH-collection-cf")
    suh = first(sample, "catalog", lambda r: str(r.iri) == f"{base}/catalog/BE_SUH")
    beacon = first(sample, "service", lambda r: (r.iri, DCAT.servesDataset, None) in r.graph)
    graph = cf.graph
    where = next(o for o in graph.objects(cf.iri, DCT.spatial) if str(o).endswith("#location"))
    cert = next(suh.graph.objects(suh.iri, DQV_ANNOTATION))
    ejp = "https://w3id.org/ejp-rd/vocabulary#"
    cases = {
        "accessFee": (cf.iri, [*list(graph), (cf.iri, URIRef(BBFAIR + "accessFee"),
                                              URIRef(f"{base}/vocab/sop/sample_storage_sop"))]),
        "Location-centroid": (where, replaced(graph, where, DCAT.centroid, Literal(
            "50.85 4.35", datatype=URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")))),
        "EjpFlags-personalData": (cf.iri, replaced(graph, cf.iri, URIRef(ejp + "personalData"), Literal("maybe"))),
        "QualityCertificate-standard": (cert, replaced(suh.graph, cert, DCT.conformsTo, UNTYPED)),
        "DataService-endpointURL": (beacon.iri, replaced(beacon.graph, beacon.iri, DCAT.endpointURL,
                                                         URIRef("ftp://beacon.example.org"))),
    }
    for shape, (focus, broken) in cases.items():
        by_shape = bbfair_foci(broken, ours, background)
        assert str(focus) in by_shape.get(shape, set()), f"{shape}: {by_shape}"
