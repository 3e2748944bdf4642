"""How a publish's graphs become requests (`bbfair.store.remote_writes`): every line sent exactly once, in
order, no request over the server's character or statement limits, and one Graph Store PUT a graph for a
server that writes so (Virtuoso), with drops still batched. The requests themselves run against real servers in
tests/test_remote.py and tests/test_servers.py."""

from __future__ import annotations

import re

from bbfair.store.remote_writes import insert_batches, jobs, update_batches
from bbfair.store.servers import Oxigraph, Virtuoso


def _graph(iri: str, n: int) -> list[str]:
    return [f"<{iri}> <urn:p> \"{i}\" ." for i in range(n)]


GRAPHS = {f"urn:g{g}": _graph(f"urn:g{g}", n) for g, n in enumerate([3, 250, 1, 40, 0, 700])}


def _inserted(texts: list[str]) -> list[str]:
    return [line for text in texts for line in text.splitlines() if line.endswith(" .")]


def test_update_batches_keep_within_both_limits_and_send_everything_once() -> None:
    probe: list[str] = []
    batches = list(update_batches(GRAPHS.items(), max_chars=5_000, max_statements=100, probe=probe))
    texts = [text for text, _done in batches]
    assert _inserted(texts) == [line for lines in GRAPHS.values() for line in lines]
    for text in texts:
        statements = len(re.findall(r"^(DROP|<)", text, re.MULTILINE))
        assert statements <= 100 + 1  # a DROP counts one; an operation alone may carry its whole part
        assert len(text) <= 5_000 or text.count("INSERT DATA") == 1
    assert [done for _t, done in batches] == sorted(done for _t, done in batches)
    assert batches[-1][1] == len(GRAPHS)
    assert sum(text.count("DROP SILENT GRAPH") for text in texts) == len(GRAPHS)
    assert probe == ['<urn:g0> <urn:p> "0"']


def test_insert_batches_split_by_statements_and_characters() -> None:
    lines = _graph("urn:x", 45)
    texts = list(insert_batches("urn:build", lines, max_chars=300, max_statements=20))
    assert _inserted(texts) == lines
    assert all(text.startswith("INSERT DATA { GRAPH <urn:build>") for text in texts)
    assert all(len(_inserted([t])) <= 20 for t in texts) and len(texts) > 45 // 20 + 1


def test_a_graph_store_server_gets_one_put_a_graph_and_batched_drops() -> None:
    sent: list[tuple[str, object]] = []
    todo = [iri for iri in GRAPHS if iri != "urn:g2"]
    made = jobs(Virtuoso(), lambda text: sent.append(("update", text)), lambda iri, body: sent.append((iri, body)),
                GRAPHS.__getitem__, ["urn:gone1", "urn:gone2"], todo, [], 4_000_000)
    dones = []
    for job, done in made:
        job()
        dones.append(done)
    assert sent[0] == ("update", "DROP SILENT GRAPH <urn:gone1>;\nDROP SILENT GRAPH <urn:gone2>")
    puts = {iri: body for iri, body in sent[1:] if iri != "update"}
    assert set(puts) == {iri for iri in todo if GRAPHS[iri]}
    assert puts["urn:g5"].decode().splitlines() == GRAPHS["urn:g5"]
    assert ("update", "DROP SILENT GRAPH <urn:g4>") in sent  # a graph left empty is dropped
    assert dones[-1] == 2 + len(todo)


def test_an_update_server_gets_batches() -> None:
    sent: list[str] = []
    for job, _done in jobs(Oxigraph(), sent.append, lambda *a: None, GRAPHS.__getitem__, [], list(GRAPHS), [],
                           4_000_000):
        job()
    assert len(sent) == 1 and _inserted(sent) == [line for lines in GRAPHS.values() for line in lines]
