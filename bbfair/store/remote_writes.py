"""How a build's changed graphs become requests to a SPARQL server (`RemoteStore.send`): SPARQL Update
batches within the server's limits (characters and statements a request), or one Graph Store Protocol PUT a
graph where the server's adapter asks for it (`Server.writes`, see `store.servers`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import pyoxigraph as ox

from .servers import Server

Job = Callable[[], object]


def iri_term(value: str) -> str:
    """An IRI in N-Triples/SPARQL syntax (pyoxigraph checks it is one)."""
    return str(ox.NamedNode(value))


def _operations(iri: str, lines: list[str], most: int) -> Iterator[tuple[str, int]]:
    """The SPARQL Update operations replacing graph `iri` by `lines` (none: dropping it), with how many
    statements each holds; a graph of more than `most` triples is inserted in parts of `most` (bbfair's graphs
    have no blank nodes, which could not be split so)."""
    graph = iri_term(iri)
    yield f"DROP SILENT GRAPH {graph}", 1
    for start in range(0, len(lines), most):
        part = lines[start:start + most]
        yield "INSERT DATA { GRAPH " + graph + " {\n" + "\n".join(part) + "\n} }", len(part)


def update_batches(graphs: Iterable[tuple[str, list[str]]], max_chars: int, max_statements: int,
                   probe: list[str]) -> Iterator[tuple[str, int]]:
    """SPARQL Update requests replacing each (graph IRI, N-Triples lines) of `graphs` in turn (no lines: the
    graph is dropped), none over `max_chars` characters or `max_statements` statements unless one operation
    alone is, with how many graphs are done after each. The first triple sent is appended to `probe`."""
    parts: list[str] = []
    size = count = done = 0
    for done, (iri, lines) in enumerate(graphs, 1):
        if lines and not probe:
            probe.append(lines[0].removesuffix(" ."))
        for text, statements in _operations(iri, lines, max_statements):
            if parts and (size + len(text) > max_chars or count + statements > max_statements):
                yield ";\n".join(parts), done - 1
                parts, size, count = [], 0, 0
            parts.append(text)
            size += len(text)
            count += statements
    if parts:
        yield ";\n".join(parts), done


def insert_batches(graph: str, lines: list[str], max_chars: int, max_statements: int) -> Iterator[str]:
    """`INSERT DATA` requests adding `lines` to `graph`, within the same limits."""
    for start in range(0, len(lines), max_statements):
        part: list[str] = []
        size = 0
        for line in lines[start:start + max_statements]:
            if part and size + len(line) > max_chars:
                yield "INSERT DATA { GRAPH " + iri_term(graph) + " {\n" + "\n".join(part) + "\n} }"
                part, size = [], 0
            part.append(line)
            size += len(line) + 1
        if part:
            yield "INSERT DATA { GRAPH " + iri_term(graph) + " {\n" + "\n".join(part) + "\n} }"


def jobs(server: Server, update: Callable[[str], object], put: Callable[[str, bytes], object],
         graph_lines: Callable[[str], list[str]], gone: list[str], todo: list[str], probe: list[str],
         max_chars: int) -> Iterator[tuple[Job, int]]:
    """The requests of a publish, in order, each with how many of `gone` + `todo` are done after it: the
    graphs of `gone` dropped and those of `todo` replaced by `graph_lines(iri)`, as SPARQL Update batches or,
    for a server that `writes` with the Graph Store Protocol, one PUT a graph (drops still batched). A job's
    graphs are read (serialised) only when the generator reaches it, so the caller can send one job while
    the next is being made."""
    if server.writes == "graph-store":
        dropped = [(iri, []) for iri in gone]
        for text, done in update_batches(dropped, max_chars, server.batch_statements, probe):
            yield (lambda text=text: update(text)), done
        for done, iri in enumerate(todo, len(gone) + 1):
            lines = graph_lines(iri)
            if not lines:
                yield (lambda iri=iri: update(f"DROP SILENT GRAPH {iri_term(iri)}")), done
                continue
            if not probe:
                probe.append(lines[0].removesuffix(" ."))
            body = ("\n".join(lines) + "\n").encode("utf-8")
            yield (lambda iri=iri, body=body: put(iri, body)), done
        return
    graphs = [(iri, []) for iri in gone]
    pairs = (pair for part in (graphs, ((iri, graph_lines(iri)) for iri in todo)) for pair in part)
    for text, done in update_batches(pairs, max_chars, server.batch_statements, probe):
        yield (lambda text=text: update(text)), done
