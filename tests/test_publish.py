"""`bbfair build`: convert → validate → publish into an on-disk store, as a data manager runs it; incremental
times and ETags; and the faults that must leave the live store intact (violations, SIGKILL half-way, two
builds at once, a full disk, a permission error)."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import suppress
from pathlib import Path

import pytest
from helpers import first_published, rows, set_cell, write
from typer.testing import CliRunner

from bbfair.builder.publish import build
from bbfair.cli import app
from bbfair.errors import StoreError
from bbfair.mapping.iris import slug
from bbfair.store.documents import Documents
from bbfair.store.local import LocalStore
from bbfair.store.query import run

runner = CliRunner()
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
ROOT = Path(__file__).resolve().parents[1]


def select(store: Path, query: str) -> list[dict[str, str]]:
    """SELECT results as plain strings (SPARQL JSON)."""
    body = json.loads(run(store, query, "json").body)
    return [{k: v["value"] for k, v in b.items()} for b in body["results"]["bindings"]]


def snapshot(store: Path) -> dict:
    """What a reader of the store sees: the live build id, every resource's ETag and time, and the datasets."""
    live = LocalStore.open(store).open_live()
    try:
        docs = {d.iri: (d.etag, d.modified) for d in live.documents}
    finally:
        live.close()
    titles = select(store, "SELECT ?d ?t WHERE { ?d a dcat:Dataset ; dct:title ?t } ORDER BY ?d")
    return {"live": LocalStore(store).live_id(), "docs": docs, "titles": titles}


@pytest.fixture()
def built(sample_copy: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The sample, built once into a fresh store."""
    store = tmp_path / "site"
    result = build(sample_copy, store)
    assert result.status == "published", result.report.findings[:3]
    return sample_copy, store


def test_build_publishes_one_named_graph_per_resource(built: tuple[Path, Path]) -> None:
    data, store = built
    manifest = LocalStore.open(store).manifest()
    assert manifest is not None
    graphs = select(store, "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert int(graphs[0]["n"]) == manifest.build.resources == len(manifest.stamps)
    _, collections = rows(data / "Collections.csv")
    published = [r for r in collections if r.get("withdrawn", "false") != "true"]
    datasets = select(store, "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a dcat:Dataset }")
    assert int(datasets[0]["n"]) == len(published) == manifest.build.counts["dataset"]
    # the graph of a dataset is named by its IRI and holds its own statements
    some = select(store, "SELECT ?d WHERE { GRAPH ?d { ?d a dcat:Dataset ; dct:title ?t } } LIMIT 1")
    assert some and some[0]["d"].startswith("http://127.0.0.1:8000/dataset/")
    # the union holds each dataset description once, not once per catalogue that embeds it
    titles = select(store, "SELECT (COUNT(*) AS ?n) WHERE { ?d a dcat:Dataset ; dct:title ?t }")
    assert int(titles[0]["n"]) == len(published)
    info = manifest.build
    assert info.input_hash and info.bbfair_version and info.created and info.base_iri == "http://127.0.0.1:8000"
    assert set(info.profiles) == {"health-ri", "healthdcat-ap", "dcat-ap", "fdp", "bbfair", "official:health-ri",
                                  "official:healthdcat-ap"}
    assert info.published == ["health-ri", "healthdcat-ap"]


def test_documents_keep_the_validated_datatypes(built: tuple[Path, Path]) -> None:
    """Oxigraph canonicalises xsd:nonNegativeInteger to xsd:integer; the served documents must not."""
    _, store = built
    live = LocalStore.open(store).open_live()
    try:
        iri = next(i for i in live.documents.iris("dataset"))
        doc = live.documents.get(iri)
    finally:
        live.close()
    assert doc is not None and doc.kind == "dataset"
    assert "XMLSchema#nonNegativeInteger>" in doc.ntriples
    assert f"<{iri}> <https://w3id.org/fdp/fdp-o#metadataModified>" in doc.ntriples
    from rdflib import Graph
    assert len(Graph().parse(data=doc.ntriples, format="nt")) > 20


def test_unchanged_input_changes_nothing(built: tuple[Path, Path]) -> None:
    data, store = built
    before = snapshot(store)
    result = build(data, store)
    assert result.status == "unchanged"
    assert snapshot(store) == before
    forced = build(data, store, force=True)  # a forced rebuild re-derives everything and still changes nothing
    assert forced.status == "published" and forced.info is not None and forced.info.changed == 0
    after = snapshot(store)
    assert after["docs"] == before["docs"] and after["titles"] == before["titles"]
    assert after["live"] != before["live"]


def test_changed_record_gets_new_times_others_keep_theirs(built: tuple[Path, Path]) -> None:
    data, store = built
    before = snapshot(store)
    index = first_published(data, "Collections")
    rid, _ = set_cell(data, "Collections", index, "name", "A renamed collection")
    time.sleep(1.1)  # times have one-second resolution
    result = build(data, store)
    assert result.status == "published" and result.info is not None
    after = snapshot(store)
    changed = {iri for iri in after["docs"] if after["docs"][iri] != before["docs"].get(iri)}
    dataset = next(iri for iri in changed if iri.endswith(f"/dataset/{slug(rid)}"))
    assert any(iri.endswith(f"/distribution/{slug(rid)}") for iri in changed)
    assert "http://127.0.0.1:8000/" in changed  # the root's metadataModified is bumped up the tree
    assert len(changed) == result.info.changed < 12
    for iri in set(before["docs"]) - changed:
        assert after["docs"][iri] == before["docs"][iri]
    assert after["docs"][dataset][1] > before["docs"][dataset][1]
    assert {"d": dataset, "t": "A renamed collection"} in after["titles"]


def test_removed_record_disappears_and_its_catalogue_updates(built: tuple[Path, Path]) -> None:
    data, store = built
    header, collections = rows(data / "Collections.csv")
    parents = {r["parent_collection"] for r in collections}
    index = next(i for i, r in enumerate(collections) if r.get("withdrawn", "false") != "true"
                 and r["id"] not in parents)
    gone = collections.pop(index)
    write(data / "Collections.csv", header, collections)
    result = build(data, store)
    # its dataset, its distribution and the dataset's list of distributions
    assert result.status == "published" and result.info is not None and result.info.removed == 3
    gone_iri = f"http://127.0.0.1:8000/dataset/{slug(gone['id'])}"
    assert not select(store, f"SELECT * WHERE {{ <{gone_iri}> ?p ?o }} LIMIT 1")
    contains = select(store, "SELECT ?c WHERE { ?c ldp:contains ?x } ")
    assert contains
    listed = select(store, f"SELECT ?c WHERE {{ ?c ?p <{gone_iri}> }}")
    assert listed == []
    live = LocalStore.open(store).open_live()
    try:
        assert live.documents.get(gone_iri) is None
    finally:
        live.close()


def test_disease_concepts_live_in_one_graph_and_follow_the_records(built: tuple[Path, Path]) -> None:
    data, store = built
    holders = select(store, """SELECT DISTINCT ?g WHERE { GRAPH ?g { ?c skos:notation ?n ; skos:broader ?b }
                                 FILTER (!STRSTARTS(STR(?c), "http://127.0.0.1:8000/")) }""")  # not code lists
    assert holders == [{"g": "http://127.0.0.1:8000/vocab/diseases"}]
    # a leaf concept only one collection names: gone from the store once that collection no longer names it
    only = select(store, """SELECT ?s (SAMPLE(?d) AS ?d) WHERE { ?d dct:subject ?s .
                              FILTER NOT EXISTS { ?x skos:broader ?s } } GROUP BY ?s HAVING (COUNT(?d) = 1)""")
    assert only
    concept, dataset = only[0]["s"], only[0]["d"]
    _, collections = rows(data / "Collections.csv")
    index = next(i for i, r in enumerate(collections) if dataset.endswith(f"/dataset/{slug(r['id'])}"))
    kept = [n for n in collections[index]["diagnosis_available"].split(",")
            if not concept.endswith(n.removeprefix("urn:miriam:icd:").replace("ORPHA:", "Orphanet_"))]
    set_cell(data, "Collections", index, "diagnosis_available", ",".join(kept))
    assert build(data, store).status == "published"
    assert not select(store, f"SELECT * WHERE {{ <{concept}> ?p ?o }}")
    assert select(store, "SELECT ?c WHERE { ?c skos:notation ?n } LIMIT 1")  # the other concepts stay


def test_a_store_of_the_old_graph_layout_is_rewritten_keeping_its_times(built: tuple[Path, Path]) -> None:
    """Layout 1 kept the disease concepts in every dataset's graph: a build over it rewrites every graph (an
    incremental build would keep the old graphs of unchanged datasets), and changes no time or ETag."""
    import pyoxigraph as ox

    from bbfair.store.manifest import LAYOUT
    data, store = built
    before = snapshot(store)
    live = LocalStore(store).live_path()
    assert live is not None
    manifest = json.loads((live / "manifest.json").read_text())
    del manifest["build"]["layout"]
    (live / "manifest.json").write_text(json.dumps(manifest))
    dataset = before["titles"][0]["d"]
    quads = ox.Store(str(live / "oxigraph"))
    stale = ox.Quad(ox.NamedNode("http://www.orpha.net/ORDO/Orphanet_558"), ox.NamedNode(str(SKOS_PREF)),
                    ox.Literal("Marfan syndrome", language="en"), ox.NamedNode(dataset))
    quads.add(stale)
    del quads
    result = build(data, store)  # same input: without the layout check this would be "unchanged"
    assert result.status == "published" and result.info is not None
    assert result.info.layout == LAYOUT and result.info.changed == 0
    assert not select(store, f"SELECT * WHERE {{ GRAPH <{dataset}> {{ ?s skos:prefLabel ?o }} }}")
    after = snapshot(store)
    assert after["docs"] == before["docs"] and after["titles"] == before["titles"]
    assert build(data, store).status == "unchanged"


def test_a_new_store_is_compacted_an_incremental_one_only_after_a_large_load(
        sample_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bulk loader leaves its files uncompacted, which made SPARQL 3–9× slower at 100k collections."""
    from bbfair.store import staging

    compacted: list[str] = []
    real = staging.Staging._compact
    monkeypatch.setattr(staging.Staging, "_compact", lambda self: (compacted.append(self.build_id), real(self)))
    store = tmp_path / "site"
    assert build(sample_copy, store).status == "published" and len(compacted) == 1
    index = first_published(sample_copy, "Collections")
    set_cell(sample_copy, "Collections", index, "name", "Renamed once")
    assert build(sample_copy, store).status == "published" and len(compacted) == 1  # a few graphs: no need
    monkeypatch.setattr(staging, "COMPACT_AFTER", 0)
    set_cell(sample_copy, "Collections", index, "name", "Renamed twice")
    assert build(sample_copy, store).status == "published" and len(compacted) == 2
    assert select(store, "SELECT ?d WHERE { ?d dct:title \"Renamed twice\"@en }")


def test_violation_publishes_nothing(built: tuple[Path, Path]) -> None:
    data, store = built
    before = snapshot(store)
    index = first_published(data, "Collections")
    rid, _ = set_cell(data, "Collections", index, "number_of_donors", "-5")
    result = runner.invoke(app, ["build", str(data), "--store", str(store)])
    assert result.exit_code == 1, result.output
    assert rid in result.output and "number_of_donors" in result.output and "not published" in result.output
    assert snapshot(store) == before
    assert sorted(p.name for p in (store / "builds").iterdir()) == [before["live"]]


def test_input_problem_publishes_nothing(built: tuple[Path, Path]) -> None:
    data, store = built
    before = snapshot(store)
    set_cell(data, "Collections", first_published(data, "Collections"), "materials", "BLOOD_PUDDING")
    result = runner.invoke(app, ["build", str(data), "--store", str(store)])
    assert result.exit_code == 1 and "BLOOD_PUDDING" in result.output
    assert snapshot(store) == before


def test_store_refuses_a_directory_that_is_not_a_bbfair_store(sample_dir: Path, tmp_path: Path) -> None:
    other = tmp_path / "photos"
    other.mkdir()
    (other / "holiday.jpg").write_bytes(b"\xff\xd8")
    result = runner.invoke(app, ["build", str(sample_dir), "--store", str(other)])
    assert result.exit_code == 2 and "not a bbfair store" in result.output
    assert sorted(p.name for p in other.iterdir()) == ["holiday.jpg"]
    file = tmp_path / "file.txt"
    file.write_text("x")
    assert runner.invoke(app, ["build", str(sample_dir), "--store", str(file)]).exit_code == 2
    assert runner.invoke(app, ["query", "SELECT * { ?s ?p ?o }", "--store", str(other)]).exit_code == 2
    empty = tmp_path / "empty"
    result = runner.invoke(app, ["query", "SELECT * { ?s ?p ?o }", "--store", str(empty)])
    assert result.exit_code == 2 and "bbfair build" in result.output


def test_store_location_from_config(sample_copy: Path) -> None:
    config = sample_copy / "bbfair.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[store]\nlocation = "site"\n', encoding="utf-8")
    result = runner.invoke(app, ["build", str(sample_copy)])
    assert result.exit_code == 0, result.output
    assert (sample_copy / "site" / "bbfair-store.json").is_file()
    again = runner.invoke(app, ["build", str(sample_copy)])  # the store inside the data dir is not input
    assert again.exit_code == 0 and "unchanged" in again.output


def test_cli_build_summary_and_info(sample_dir: Path, tmp_path: Path) -> None:
    store = tmp_path / "site"
    result = runner.invoke(app, ["build", str(sample_dir), "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "new or changed" in result.output and "MiB on disk" in result.output
    info = runner.invoke(app, ["info", "--store", str(store)])
    assert info.exit_code == 0
    assert json.loads(info.output)["counts"]["dataset"] > 0


# --- faults ---------------------------------------------------------------------------------------------------

def test_disk_full_keeps_the_old_store(built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    data, store = built
    before = snapshot(store)
    set_cell(data, "Collections", first_published(data, "Collections"), "name", "Renamed")

    def full(self, rows, removed=(), variants=()):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Documents, "write_packed", full)
    with pytest.raises(StoreError, match="full"):
        build(data, store)
    monkeypatch.undo()
    assert snapshot(store) == before
    assert [p.name for p in (store / "builds").iterdir()] == [before["live"]]  # no staging left behind
    assert build(data, store).status == "published"


def test_permission_error_keeps_the_old_store(built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    data, store = built
    before = snapshot(store)
    set_cell(data, "Collections", first_published(data, "Collections"), "name", "Renamed")
    real_mkdir = Path.mkdir

    def denied(self, *args, **kwargs):
        if self.name.startswith(".staging-"):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", denied)
    result = runner.invoke(app, ["build", str(data), "--store", str(store)])
    monkeypatch.undo()
    assert result.exit_code == 2 and "permission" in result.output.lower(), result.output
    assert snapshot(store) == before


def test_second_build_at_once_is_refused_or_waits(built: tuple[Path, Path]) -> None:
    data, store = built
    local = LocalStore.open(store)
    with local.build_lock():
        result = runner.invoke(app, ["build", str(data), "--store", str(store), "--force"])
        assert result.exit_code == 2 and "another build" in result.output and f"pid {os.getpid()}" in result.output
    holder = threading.Event()

    def hold() -> None:
        with local.build_lock():
            holder.set()
            time.sleep(1.0)

    thread = threading.Thread(target=hold)
    thread.start()
    holder.wait()
    started = time.monotonic()
    waited = runner.invoke(app, ["build", str(data), "--store", str(store), "--force", "--wait"])
    thread.join()
    assert waited.exit_code == 0, waited.output
    assert time.monotonic() - started >= 0.5


def test_two_build_processes_never_interleave(built: tuple[Path, Path]) -> None:
    data, store = built
    set_cell(data, "Collections", first_published(data, "Collections"), "name", "Renamed")
    cmd = [sys.executable, "-m", "bbfair.cli", "build", str(data), "--store", str(store), "--no-cache"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in procs]
    codes = sorted(p.returncode for p in procs)
    assert codes in ([0, 0], [0, 2]), outputs
    if codes == [0, 2]:
        assert any("another build" in err for _out, err in outputs)
    assert len(list((store / "builds").iterdir())) == 1
    assert {"t": "Renamed"} in [{"t": r["t"]} for r in snapshot(store)["titles"]]


def test_sigkill_half_way_leaves_the_old_store_usable(built: tuple[Path, Path], tmp_path: Path) -> None:
    data, store = built
    before = snapshot(store)
    set_cell(data, "Collections", first_published(data, "Collections"), "name", "Renamed")
    # slow the publisher down inside the child so the kill surely lands half-way through writing the build
    script = tmp_path / "slow_build.py"
    script.write_text(
        "import sys, time\n"
        "from bbfair.store import serialise\n"
        "real = serialise.Serialiser.written\n"
        "def slow(self, *args):\n"
        "    time.sleep(0.05)\n"
        "    return real(self, *args)\n"
        "serialise.Serialiser.written = slow\n"
        "from bbfair.cli import app\n"
        "sys.argv = ['bbfair', 'build', sys.argv[1], '--store', sys.argv[2], '--force']\n"
        "app()\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), str(data), str(store)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list((store / "builds").glob(".staging-*/quads.nq")):
        time.sleep(0.01)  # the first family is being written
    time.sleep(0.3)
    assert proc.poll() is None, "the build ended before it could be killed"
    workers = _descendants(proc.pid)
    assert len(workers) >= 2, "the build had no child and worker processes to leave behind"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.05)
    assert not [pid for pid in workers if _alive(pid)], "workers outlived the killed build"
    assert snapshot(store) == before  # readers see the old build, whole
    assert any(p.name.startswith(".staging-") for p in (store / "builds").iterdir())
    result = build(data, store)  # the next build clears the debris and publishes
    assert result.status == "published"
    assert [p.name for p in (store / "builds").iterdir()] == [LocalStore(store).live_id()]


def test_the_records_are_read_in_a_child_process(built: tuple[Path, Path], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The process that loads the quad store never holds the records (their memory is gone with the child)."""
    from bbfair.builder import publish

    pids = tmp_path / "pids"
    real = publish.load_records

    def spy(*args: object, **kwargs: object) -> object:
        with pids.open("a", encoding="utf-8") as out:
            out.write(f"{os.getpid()}\n")
        return real(*args, **kwargs)

    monkeypatch.setattr(publish, "load_records", spy)
    data, store = built
    assert build(data, store, force=True).status == "published"
    readers = pids.read_text(encoding="utf-8").split()
    assert readers and str(os.getpid()) not in readers


def _alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie waiting to be reaped has ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _descendants(pid: int) -> list[int]:
    """The child processes of `pid` and theirs (Linux /proc): the build's child and its workers."""
    out: list[int] = []
    todo = [pid]
    while todo:
        for task in Path(f"/proc/{todo.pop()}/task").iterdir():
            with suppress(OSError):
                found = [int(c) for c in (task / "children").read_text().split()]
                out += found
                todo += found
    return out


def profile_codes(store: Path, profile: str | None, dataset: str) -> set[str]:
    """The disease codes of `dataset` in the quad store of `profile` (None: the default profile's)."""
    import pyoxigraph as ox

    live = LocalStore.open(store).open_live()
    try:
        quads = ox.Store.read_only(str(live.quads_path(profile)))
        query = f"SELECT ?c WHERE {{ <{dataset}> <http://healthdataportal.eu/ns/health#hasCodeValues> ?c }}"
        return {row[0].value for row in quads.query(query, use_default_graph_as_union=True)}
    finally:
        live.close()


def test_every_profile_is_published_and_kept_up_to_date(built) -> None:
    """Both profiles' documents and quad stores are published; the other profile's store holds only its own
    form of the codes, and follows an incremental build."""
    data, store = built
    live = LocalStore.open(store).open_live()
    try:
        assert live.manifest.build.published == ["health-ri", "healthdcat-ap"]
        dataset = next(iri for iri, kind in live.documents.kinds() if kind == "dataset"
                       and live.documents.get(iri, "healthdcat-ap").variant == "healthdcat-ap")
        default, r8 = live.documents.get(dataset), live.documents.get(dataset, "healthdcat-ap")
        assert default.etag == r8.etag and default.body != r8.body
        container = live.documents.get(f"{dataset}/distributions")
        assert container is not None and container.kind == "container"  # every IRI a document names resolves
    finally:
        live.close()
    iris = profile_codes(store, None, dataset)
    assert iris and all(c.startswith("http") for c in iris)
    literal = profile_codes(store, "healthdcat-ap", dataset)
    assert literal and not any(c.startswith("http") for c in literal)
    # an incremental build that adds a disease to one collection: the other profile's store has it too
    index = first_published(data, "Collections")
    _header, table = rows(data / "Collections.csv")
    rid = table[index]["id"]
    set_cell(data, "Collections", index, "diagnosis_available", "ORPHA:558")
    result = build(data, store)
    assert result.status == "published" and result.info is not None and result.info.changed < 20
    target = f"{live.manifest.build.base_iri}/dataset/{slug(rid)}"
    assert profile_codes(store, "healthdcat-ap", target) == {"ORPHA:558"}
    assert profile_codes(store, None, target) == {"https://identifiers.org/orphanet:558"}


def test_a_violation_in_one_profile_only_publishes_nothing(built, tmp_path: Path) -> None:
    """Every variant served was validated against its profile's shapes: a rule only the HealthDCAT-AP
    profile's documents break (here an extra shapes file asking for IRI codes) stops the build."""
    data, store = built
    before = snapshot(store)
    extra = tmp_path / "iri-codes.ttl"
    extra.write_text("""@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix healthdcatap: <http://healthdataportal.eu/ns/health#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
<urn:test:Codes> a sh:NodeShape ; sh:targetClass dcat:Dataset ;
    sh:property [ sh:path healthdcatap:hasCodeValues ; sh:nodeKind sh:IRI ; sh:message "codes must be IRIs" ] .
""")
    result = build(data, store, extra_shapes=[extra], force=True)
    assert result.status == "invalid"
    broken = [f for f in result.report.findings if f.severity == "violation"]
    assert broken and all(f.profiles == ["healthdcat-ap"] and f.message == "codes must be IRIs" for f in broken)
    assert snapshot(store) == before
