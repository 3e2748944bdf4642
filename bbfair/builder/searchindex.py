"""The build's last step before the switch: complete the collection finder's index (`store.searchindex`).

The workers sent each written dataset's and catalogue's row (`searchrows`); here, with every row in place, the
build works out what a collection inherits from the catalogues around it — the networks that list it or its
biobank, whose names are searchable text of the collection — and writes the labels of every facet value (the
code lists, countries and diseases of vocab/, the biobanks and networks of the catalogue). A collection whose
networks and their names are as in the live build keeps its full-text row untouched.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..rdf import vocab
from ..search.facets import ACCESS, FACETS
from ..store.layout import STAGING
from ..store.local import LocalStore
from ..store.searchindex import FILE, IndexWriter, copyable

if TYPE_CHECKING:
    from ..store.remote import RemoteStore


def kept(target: LocalStore | RemoteStore) -> bool:
    """Whether the next build can start from the live build's index: a local store whose live build has an
    index of this format (or no live build at all). A remote store keeps no index (nothing to carry)."""
    if not isinstance(target, LocalStore):
        return True
    live = target.live_path()
    return live is None or copyable(live / FILE)


def slug(iri: str) -> str:
    """A catalogue's code in a search URL: the end of its IRI (`{base}/catalog/{slug}`)."""
    return iri.rsplit("/catalog/", 1)[-1]


def _order(code: str, label: str) -> tuple[int, str]:
    return (int(code), "") if code.isdigit() else (1 << 30, label.casefold())


def _terms(catalogs: list[tuple[str, str, str]]) -> list[tuple[str, str, str, int]]:
    """(facet, code, label, position) of every value a facet may take."""
    rows: list[tuple[str, str, str, int]] = []
    lists = vocab.code_lists()
    for facet in FACETS:
        if facet.scheme:
            concepts = lists[facet.scheme]
            ordered = sorted(concepts.values(), key=lambda c: _order(c.code, c.label))
            rows += [(facet.name, c.code, c.label, i) for i, c in enumerate(ordered)]
    quality = sorted(lists["quality-standard"].values(), key=lambda c: c.label.casefold())
    rows += [("quality", c.code, c.label, i) for i, c in enumerate(quality)]
    places = sorted(vocab.countries().values(), key=lambda p: p.label.casefold())
    rows += [("country", p.code, p.label, i) for i, p in enumerate(places)]
    rows += [("access", code, label, i) for i, (code, (label, _p, _v)) in enumerate(ACCESS.items())]
    for facet in ("biobank", "network"):
        mine = sorted((title.casefold(), iri, title) for iri, role, title in catalogs if role == facet)
        rows += [(facet, slug(iri), title, i) for i, (_key, iri, title) in enumerate(mine)]
    return rows


def _diseases() -> list[tuple[str, str, str]]:
    """(code, label, broader codes as JSON) of every disease of vocab/ (a search may name any, used or not)."""
    table = vocab.diseases()
    return [(d.code, d.label, json.dumps(sorted(table[p].code for p in d.parents if p in table)))
            for d in table.values()]


def _networks(db: sqlite3.Connection, catalogs: dict[str, dict[str, Any]]) -> int:
    """Set each collection's networks (those listing it or its biobank) and their names in its full-text row,
    where they changed; how many collections changed."""
    names = {iri: " ; ".join([row["title"], *row["acronyms"]]) for iri, row in catalogs.items()
             if row["role"] == "network"}
    direct: dict[str, set[str]] = {}
    via: dict[str, set[str]] = {}
    for iri, row in catalogs.items():
        if row["role"] == "network":
            for member in row["datasets"]:
                direct.setdefault(member, set()).add(iri)
            for member in row["catalogs"]:
                via.setdefault(member, set()).add(iri)
    found = db.execute("SELECT value FROM meta WHERE key = 'network_names'").fetchone()
    before = json.loads(found[0]) if found else {}
    renamed = {n for n in set(names) | set(before) if names.get(n) != before.get(n)}
    changed = 0
    rows = db.execute("SELECT id, iri, biobank, networks FROM collections").fetchall()
    for ident, iri, biobank, stored in rows:
        nets = sorted(direct.get(iri, set()) | via.get(biobank, set()))
        if stored is not None and json.loads(stored) == nets and not renamed.intersection(nets):
            continue
        changed += 1
        db.execute("UPDATE collections SET networks = ? WHERE id = ?", (json.dumps(nets), ident))
        db.execute("UPDATE text SET networks = ? WHERE rowid = ?", (" ; ".join(names[n] for n in nets), ident))
    db.execute("INSERT OR REPLACE INTO meta VALUES ('network_names', ?)", (json.dumps(names, sort_keys=True),))
    return changed


def drop(build_dir: Path) -> None:
    """A build without the finder (`[search] index = false`): no index, not even the live build's copy."""
    (build_dir / FILE).unlink(missing_ok=True)


def finish(build_dir: Path) -> None:
    """Complete the index of the build being written in `build_dir` (see the module docstring)."""
    writer = IndexWriter(build_dir / FILE)
    db = writer.db
    try:
        with db:
            catalogs = {iri: json.loads(body) for iri, body in db.execute("SELECT iri, body FROM catalogs")}
            _networks(db, catalogs)
            db.execute("DELETE FROM terms")
            db.executemany("INSERT INTO terms VALUES (?, ?, ?, ?)",
                           _terms([(iri, row["role"], row["title"]) for iri, row in catalogs.items()]))
            db.execute("DELETE FROM diseases")
            db.executemany("INSERT OR REPLACE INTO diseases VALUES (?, ?, ?)", _diseases())
            db.execute("INSERT OR REPLACE INTO meta VALUES ('build', ?)", (build_dir.name.removeprefix(STAGING),))
        db.execute("INSERT INTO text (text) VALUES ('optimize')")  # one b-tree per term: faster queries
    finally:
        writer.close()
