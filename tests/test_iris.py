"""IRIs are deterministic, flat, free of `;`, and distinct ids never share an IRI."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import rows, write

from bbfair.builder.pipeline import convert_directory
from bbfair.errors import InputError
from bbfair.mapping.iris import Iris, slug


def test_slug_drops_directory_prefix_and_folds_separators() -> None:
    assert slug("bbmri-eric:ID:BE_bb1:collection:c1") == "BE_bb1-collection-c1"
    assert slug("bbmri-eric:contactID:BE_p1") == "BE_p1"
    assert slug("weird id;with spaces") == "weird-id-with-spaces"


def test_iris_are_flat() -> None:
    iris = Iris("https://fdp.example.org")
    assert str(iris.root()) == "https://fdp.example.org/"
    assert str(iris.dataset("bbmri-eric:ID:BE_x:collection:y")) == "https://fdp.example.org/dataset/BE_x-collection-y"
    assert str(iris.container(iris.root(), "catalogs")) == "https://fdp.example.org/catalogs"


def test_same_input_gives_same_iris_and_no_semicolons(sample_dir: Path) -> None:
    first = sorted(str(r.iri) for r in convert_directory(sample_dir).resources)
    second = sorted(str(r.iri) for r in convert_directory(sample_dir).resources)
    assert first == second
    assert not [i for i in first if ";" in i]
    assert len(first) == len(set(first))


def test_base_override_changes_every_iri(sample_dir: Path) -> None:
    conv = convert_directory(sample_dir, "https://fdp.example.org")
    for res in conv.resources:
        assert str(res.iri).startswith("https://fdp.example.org/")
        for s, _, o in res.graph:
            assert "127.0.0.1" not in str(s) and "127.0.0.1" not in str(o)


def test_colliding_slugs_are_reported(sample_copy: Path) -> None:
    path = sample_copy / "Persons.csv"
    header = path.read_text().splitlines()[0].split(",")
    rows = []
    for rid in ("bbmri-eric:contactID:BE_x:y", "bbmri-eric:contactID:BE_x-y"):
        row = dict.fromkeys(header, "")
        row.update(id=rid, email="x@example.be", country="BE", national_node="BE")
        rows.append(",".join(row[h] for h in header))
    path.write_text(path.read_text() + "\n".join(rows) + "\n")
    with pytest.raises(InputError) as info:
        convert_directory(sample_copy)
    assert "same IRI (contact/BE_x-y)" in str(info.value)
    assert "Persons.csv" in str(info.value)


def test_ids_of_tables_that_share_an_iri_kind_must_not_collide(sample_copy: Path) -> None:
    """Regression: a biobank and a network with the same local id (`bbmri-eric:ID:BE_X`, `bbmri-eric:networkID:BE_X`)
    both became `{base}/catalog/BE_X` and `{base}/agent/BE_X`; so would a Catalogs record. The later one is
    reported, naming the first."""
    header, data = rows(sample_copy / "Catalogs.csv")
    data.append({**dict.fromkeys(header, ""), "id": "BE_SUH", "title": "A catalogue named like a biobank",
                 "license": "http://creativecommons.org/publicdomain/zero/1.0/",
                 "conforms_to": "https://semiceu.github.io/DCAT-AP/releases/3.0.1/"})
    write(sample_copy / "Catalogs.csv", header, data)
    with pytest.raises(InputError) as info:
        convert_directory(sample_copy)
    problem = next(p for p in info.value.problems if p.file and p.file.endswith("Catalogs.csv"))
    assert "same IRI (catalog/BE_SUH) as Biobanks 'bbmri-eric:ID:BE_SUH'" in problem.message
    assert problem.column == "id" and problem.line == 3 and problem.record == "BE_SUH"
