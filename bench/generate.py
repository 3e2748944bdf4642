"""Generate a fictional BBMRI-ERIC Directory export of any size, for benchmarks.

The output folder gets the Directory's EMX2 CSV layout (``Biobanks.csv``, ``Collections.csv``,
``Networks.csv``, ``Persons.csv``, with exactly the header lines of the Directory demo export) plus a copy of
``bbfair.toml``, so it can be built like the bundled sample in ``data/``.

Shape of the catalogue for ``collections = N``:

* ``ceil(N / 30)`` biobanks (about 30 collections each), all in national node ``BE``;
* a few networks (2 to 10, one of them an ``EU_`` network), each linked from some biobanks and collections;
* one contact person per biobank, one per 5 collections and one per network;
* about 5 % sub-collections (``parent_collection`` = the first collection of the same biobank).

Every code is taken from the Directory code lists (``vocab/directory/*.csv`` in the repository when that
folder exists, else ``../shared/directory-emx2/ontologies/`` next to the repository); diseases are the rows of
``DiseaseTypes.csv`` whose ``name`` is an ORPHA code or a three-character ICD-10 code (optionally with a
subdivision). The output depends only on ``collections`` and ``seed``. Rows are streamed to disk: memory stays
flat at any size.

Usage::

    python bench/generate.py OUT_DIR --collections 10000 [--seed 0] [--config data/bbfair.toml]
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import re
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple, TextIO

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = REPO / "data" / "bbfair.toml"
VOCAB_DIRS = (REPO / "vocab" / "directory", REPO.parent / "shared" / "directory-emx2" / "ontologies")

COLLECTIONS_PER_BIOBANK = 30
COLLECTIONS_PER_PERSON = 5
SUB_COLLECTION_SHARE = 0.05
NODE = "BE"


def _header(line: str) -> tuple[str, ...]:
    """Column names of a CSV header line."""
    return tuple(line.split(","))


# Header lines exactly as in the Directory demo export (molgenis-emx2 data/biobank-directory/demo/).
BIOBANK_COLUMNS = _header(
    "id,pid,name,acronym,description,url,location,country,latitude,longitude,head,contact,juridical_person,"
    "network,also_known,services,collaboration_commercial,collaboration_non_for_profit,national_node,withdrawn"
)
COLLECTION_COLUMNS = _header(
    "id,name,acronym,description,url,location,country,latitude,longitude,head,contact,national_node,withdrawn,"
    "parent_collection,biobank,biobank_label,network,also_known,studies,type,data_categories,order_of_magnitude,"
    "size,categories,timestamp,combined_quality,number_of_donors,order_of_magnitude_donors,sex,"
    "diagnosis_available,age_low,age_high,age_unit,materials,storage_temperatures,body_part_examined,"
    "imaging_modality,image_dataset_type,collaboration_commercial,collaboration_non_for_profit,data_use,"
    "commercial_use,access_fee,access_joint_project,access_description,access_uri,sop,catalog,license,publisher,"
    "language,keywords,EJP_RD_personalData,EJP_RD_vpConnection"
)
NETWORK_COLUMNS = _header(
    "id,name,acronym,description,location,latitude,longitude,also_known,url,juridical_person,contact,"
    "common_network_elements,national_node,withdrawn"
)
PERSON_COLUMNS = _header(
    "id,title_before_name,first_name,last_name,title_after_name,email,phone,address,zip,city,country,role,"
    "national_node"
)

DISEASE_RE = re.compile(r"^(ORPHA:\d+|urn:miriam:icd:[A-Z]\d\d(\.\d+)?)$")

# Preferred values per code list; only those present in the loaded list are used (all of them are in the
# Directory lists today). Placeholders such as "*" (any) and "NAV" (not available) are never written.
PREFERRED: dict[str, tuple[str, ...]] = {
    "CollectionTypes": (
        "DISEASE_SPECIFIC",
        "CASE_CONTROL",
        "COHORT",
        "LONGITUDINAL",
        "CROSS_SECTIONAL",
        "POPULATION_BASED",
        "PROSPECTIVE_COLLECTION",
        "HOSPITAL",
        "SAMPLE",
        "RD",
        "BIRTH_COHORT",
        "TWIN_STUDY",
    ),
    "DataCategories": (
        "MEDICAL_RECORDS",
        "SURVEY_DATA",
        "IMAGING_DATA",
        "NATIONAL_REGISTRIES",
        "PHYSIOLOGICAL_BIOCHEMICAL_MEASUREMENTS",
        "GENEALOGICAL_RECORDS",
    ),
    "MaterialTypes": (
        "DNA",
        "RNA",
        "WHOLE_BLOOD",
        "PERIPHERAL_BLOOD_CELLS",
        "BUFFY_COAT",
        "PLASMA",
        "SERUM",
        "TISSUE_FROZEN",
        "TISSUE_PARAFFIN_EMBEDDED",
        "CELL_LINES",
        "URINE",
        "SALIVA",
        "FECES",
    ),
    "StorageTemperatureTypes": (
        "temperature-60to-85",
        "temperatureLN",
        "temperature-18to-35",
        "temperatureRoom",
        "temperature2to10",
    ),
    "DataUseOntologies": (
        "DUO_0000042",
        "DUO_0000006",
        "DUO_0000007",
        "DUO_0000016",
        "DUO_0000018",
        "DUO_0000019",
        "DUO_0000021",
        "DUO_0000028",
    ),
    "CommonNetworkElements": (
        "charter",
        "sops",
        "data_access_policy",
        "sample_access_policy",
        "mta",
        "focus",
        "representation",
        "url",
    ),
    "Categories": (
        "oncology",
        "rare_disease",
        "cardiovascular",
        "metabolic",
        "nervous_system",
        "autoimmune",
        "infectious",
        "paediatrics",
        "population",
    ),
    "SexTypes": ("FEMALE", "MALE", "UNKNOWN"),
    "AgeUnits": ("YEAR", "MONTH", "WEEK", "DAY"),
    "SampleSizes": tuple(str(i) for i in range(9)),
    "Countries": (NODE, "EU"),
}
# ICD-10 chapter letter -> Directory category (D00-D48 only: neoplasms); ORPHA codes are rare diseases.
ICD_CATEGORY = {
    "C": "oncology",
    "D": "oncology",
    "E": "metabolic",
    "G": "nervous_system",
    "I": "cardiovascular",
    "A": "infectious",
    "B": "infectious",
    "M": "autoimmune",
    "P": "paediatrics",
    "Q": "rare_disease",
}

CITIES = (
    "Antwerpen",
    "Gent",
    "Brugge",
    "Leuven",
    "Brussel",
    "Liège",
    "Namur",
    "Charleroi",
    "Mons",
    "Hasselt",
    "Kortrijk",
    "Mechelen",
    "Aalst",
    "Oostende",
    "Tournai",
    "Arlon",
    "Wavre",
    "Genk",
    "Verviers",
    "Dinant",
)
INSTITUTIONS = (
    "University Hospital",
    "General Hospital",
    "Cancer Centre",
    "Children's Hospital",
    "Research Institute",
    "University",
    "Heart Institute",
    "Rare Disease Centre",
    "Cohort Study",
)
FIRST_NAMES = (
    "An",
    "Bart",
    "Céline",
    "Dirk",
    "Els",
    "François",
    "Griet",
    "Hilde",
    "Inge",
    "Jan",
    "Katrien",
    "Luc",
    "Marie",
    "Nathalie",
    "Olivier",
    "Pieter",
    "Sofie",
    "Tom",
    "Veerle",
    "Wim",
    "Laura",
    "Julien",
)
LAST_NAMES = (
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "De Smet",
    "Dubois",
    "Lambert",
    "Dupont",
    "Martin",
    "Simon",
    "Leclercq",
    "Lejeune",
    "Hermans",
    "Vermeulen",
    "Renard",
    "Aerts",
    "Michiels",
)
TITLES = ("", "", "", "dr.", "prof. dr.")


class CodeLists(NamedTuple):
    """The Directory code values the generator draws from."""

    collection_types: tuple[str, ...]
    data_categories: tuple[str, ...]
    materials: tuple[str, ...]
    temperatures: tuple[str, ...]
    data_use: tuple[str, ...]
    network_elements: tuple[str, ...]
    categories: frozenset[str]
    sexes: frozenset[str]
    age_units: frozenset[str]
    diseases: tuple[tuple[str, str], ...]
    """(code, label) pairs."""


def vocab_dir() -> Path:
    """The folder holding the Directory code list CSVs (``vocab/directory`` if present)."""
    for candidate in VOCAB_DIRS:
        if (candidate / "DiseaseTypes.csv").is_file():
            return candidate
    raise FileNotFoundError(f"no Directory code lists in {', '.join(str(d) for d in VOCAB_DIRS)}")


def read_codes(folder: Path, name: str) -> list[str]:
    """Codes of one Directory code list: its ``name`` column (or ``code`` / first column)."""
    with (folder / f"{name}.csv").open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        fields = reader.fieldnames or []
        key = "name" if "name" in fields else "code" if "code" in fields else fields[0]
        return [row[key].strip() for row in reader if row.get(key, "").strip()]


def pick_codes(folder: Path, name: str) -> tuple[str, ...]:
    """The preferred values of list ``name`` that the loaded list contains, in preferred order."""
    known = set(read_codes(folder, name))
    chosen = tuple(code for code in PREFERRED[name] if code in known)
    if not chosen:
        raise ValueError(f"{folder / name}.csv contains none of the expected codes")
    return chosen


def load_code_lists(folder: Path | None = None) -> CodeLists:
    """Read every list the generator needs and check the fixed codes it writes are valid."""
    folder = folder or vocab_dir()
    for name in ("SampleSizes", "Countries", "DataCategories"):
        pick_codes(folder, name)
    if "BIOLOGICAL_SAMPLES" not in read_codes(folder, "DataCategories"):
        raise ValueError("DataCategories lacks BIOLOGICAL_SAMPLES")
    missing = set(PREFERRED["SampleSizes"]) - set(read_codes(folder, "SampleSizes"))
    if missing:
        raise ValueError(f"SampleSizes lacks {sorted(missing)}")
    with (folder / "DiseaseTypes.csv").open(newline="", encoding="utf-8-sig") as fh:
        diseases = tuple(
            (row["name"], row.get("label") or row["name"])
            for row in csv.DictReader(fh)
            if DISEASE_RE.match(row["name"])
        )
    if not diseases:
        raise ValueError(f"{folder}/DiseaseTypes.csv has no ORPHA or ICD-10 codes")
    return CodeLists(
        collection_types=pick_codes(folder, "CollectionTypes"),
        data_categories=pick_codes(folder, "DataCategories"),
        materials=pick_codes(folder, "MaterialTypes"),
        temperatures=pick_codes(folder, "StorageTemperatureTypes"),
        data_use=pick_codes(folder, "DataUseOntologies"),
        network_elements=pick_codes(folder, "CommonNetworkElements"),
        categories=frozenset(pick_codes(folder, "Categories")),
        sexes=frozenset(pick_codes(folder, "SexTypes")),
        age_units=frozenset(pick_codes(folder, "AgeUnits")),
        diseases=diseases,
    )


def _category(code: str) -> str:
    """The Directory category a disease code suggests ("" when none does)."""
    if code.startswith("ORPHA:"):
        return "rare_disease"
    icd = code[len("urn:miriam:icd:") :]
    if icd[0] == "D" and int(icd[1:3]) >= 49:
        return ""
    return ICD_CATEGORY.get(icd[0], "")


def magnitude(n: int) -> str:
    """SampleSizes code for a count: 0 is <10, 1 is 10-100, … 8 is 10^8-10^9."""
    return "0" if n < 10 else str(min(8, int(math.log10(n))))


def multi(values: Sequence[str]) -> str:
    """A multi-valued cell: codes joined by commas (csv quotes the cell)."""
    return ",".join(values)


class _Writer:
    """A CSV file written row by row with a fixed header."""

    def __init__(self, path: Path, columns: Sequence[str]) -> None:
        self.columns = tuple(columns)
        self._fh: TextIO = path.open("w", newline="", encoding="utf-8")
        self._csv = csv.writer(self._fh, lineterminator="\n")
        self._csv.writerow(self.columns)

    def write(self, row: dict[str, str]) -> None:
        self._csv.writerow([row.get(col, "") for col in self.columns])

    def close(self) -> None:
        self._fh.close()


def _person(rng: random.Random, local: str, role: str, domain: str) -> dict[str, str]:
    first = rng.choice(FIRST_NAMES)
    last = rng.choice(LAST_NAMES)
    email_user = f"{first}.{last}".lower().replace(" ", "").replace("é", "e").replace("ç", "c")
    return {
        "id": f"bbmri-eric:contactID:{NODE}_{local}",
        "title_before_name": rng.choice(TITLES),
        "first_name": first,
        "last_name": last,
        "email": f"{email_user}.{local.lower()}@{domain}.example.be",
        "phone": f"+32{rng.randint(10, 99)}{rng.randint(100000, 999999)}" if rng.random() < 0.4 else "",
        "country": NODE,
        "role": role,
        "national_node": NODE,
    }


def generate(out_dir: Path, collections: int, seed: int = 0, *, config: Path | None = None) -> None:
    """Write a Directory-layout catalogue with ``collections`` collections to ``out_dir``.

    The same ``collections`` and ``seed`` always give byte-identical files. ``config`` is the ``bbfair.toml``
    copied into ``out_dir`` (default: the sample's ``data/bbfair.toml``).
    """
    if collections < 1:
        raise ValueError("collections must be at least 1")
    config = config or DEFAULT_CONFIG
    if not config.is_file():
        raise FileNotFoundError(f"{config} not found: the generated catalogue needs a bbfair.toml to copy")
    codes = load_code_lists()
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(config, out_dir / "bbfair.toml")

    n_biobanks = math.ceil(collections / COLLECTIONS_PER_BIOBANK)
    n_networks = max(2, min(10, n_biobanks // 20 + 2))

    writers = {
        "persons": _Writer(out_dir / "Persons.csv", PERSON_COLUMNS),
        "networks": _Writer(out_dir / "Networks.csv", NETWORK_COLUMNS),
        "biobanks": _Writer(out_dir / "Biobanks.csv", BIOBANK_COLUMNS),
        "collections": _Writer(out_dir / "Collections.csv", COLLECTION_COLUMNS),
    }
    try:
        network_ids = _write_networks(rng, codes, n_networks, writers)
        _write_biobanks_and_collections(rng, codes, collections, n_biobanks, network_ids, writers)
    finally:
        for writer in writers.values():
            writer.close()


def _write_networks(
    rng: random.Random, codes: CodeLists, n_networks: int, writers: dict[str, _Writer]
) -> list[str]:
    ids: list[str] = []
    for k in range(n_networks):
        eu = k == n_networks - 1
        prefix = "EU" if eu else NODE
        local = f"NW{k + 1:02d}"
        contact = _person(rng, f"net{k + 1:02d}", "Network coordinator", "network")
        writers["persons"].write(contact)
        net_id = f"bbmri-eric:networkID:{prefix}_{local}"
        ids.append(net_id)
        scope = "European" if eu else "Belgian"
        writers["networks"].write(
            {
                "id": net_id,
                "name": f"Generated {scope} Biobank Network {k + 1}",
                "acronym": f"GBN{k + 1}",
                "description": f"A fictional {scope.lower()} network of biobanks, generated for benchmarks.",
                "location": rng.choice(CITIES) if not eu else "",
                "url": f"https://network{k + 1}.example.org" if k % 2 == 0 else "",
                "juridical_person": f"Generated Biobank Network {k + 1} vzw" if k % 3 == 0 else "",
                "contact": contact["id"],
                "common_network_elements": multi(
                    sorted(rng.sample(codes.network_elements, rng.randint(1, 4)))
                ),
                "national_node": prefix,
                "withdrawn": "false",
            }
        )
    return ids


def _write_biobanks_and_collections(
    rng: random.Random,
    codes: CodeLists,
    collections: int,
    n_biobanks: int,
    network_ids: list[str],
    writers: dict[str, _Writer],
) -> None:
    base, extra = divmod(collections, n_biobanks)
    index = 0  # global collection counter
    collection_contact = ""
    for b in range(n_biobanks):
        local = f"BB{b + 1:06d}"
        bid = f"bbmri-eric:ID:{NODE}_{local}"
        city = rng.choice(CITIES)
        institution = rng.choice(INSTITUTIONS)
        domain = f"bb{b + 1}"
        name = f"Biobank of the {city} {institution} {b + 1}"
        contact = _person(rng, f"b{b + 1:06d}", "Biobank contact", domain)
        writers["persons"].write(contact)
        head = ""
        if rng.random() < 0.4:
            head_person = _person(rng, f"h{b + 1:06d}", "Head of the biobank", domain)
            writers["persons"].write(head_person)
            head = head_person["id"]
        bb_networks = sorted(rng.sample(network_ids, rng.randint(1, 2))) if rng.random() < 0.3 else []
        writers["biobanks"].write(
            {
                "id": bid,
                "pid": f"pid_{NODE}_{local}",
                "name": name,
                "acronym": f"GB{b + 1}" if rng.random() < 0.8 else "",
                "description": f"Fictional biobank of a {institution.lower()} in {city} (benchmark data).",
                "url": f"https://{domain}.example.be" if rng.random() < 0.5 else "",
                "location": city,
                "country": NODE,
                "head": head,
                "contact": contact["id"],
                "juridical_person": f"{city} {institution} {b + 1}",
                "network": multi(bb_networks),
                "collaboration_commercial": rng.choice(("", "true", "false")),
                "collaboration_non_for_profit": rng.choice(("", "true")),
                "national_node": NODE,
                "withdrawn": "false",
            }
        )
        first_id = ""
        first_size = 0
        for j in range(base + (1 if b < extra else 0)):
            if index % COLLECTIONS_PER_PERSON == 0:
                person = _person(
                    rng, f"c{index // COLLECTIONS_PER_PERSON + 1:07d}", "Collection contact", domain
                )
                writers["persons"].write(person)
                collection_contact = person["id"]
            cid = f"{bid}:collection:C{index + 1:07d}"
            parent = first_id if j > 0 and rng.random() < SUB_COLLECTION_SHARE else ""
            row = _collection(rng, codes, cid, index, parent, first_size, network_ids, domain)
            row.update(
                {
                    "location": city,
                    "head": head if j == 0 else "",
                    "contact": collection_contact,
                    "biobank": bid,
                    "biobank_label": name,
                    "parent_collection": parent,
                }
            )
            writers["collections"].write(row)
            if j == 0:
                first_id, first_size = cid, int(row["size"])
            index += 1


def _collection(
    rng: random.Random,
    codes: CodeLists,
    cid: str,
    index: int,
    parent: str,
    parent_size: int,
    network_ids: list[str],
    domain: str,
) -> dict[str, str]:
    """One collection row (without the biobank-dependent fields)."""
    if parent:
        size = rng.randint(min(10, parent_size), max(10, parent_size // 2))
    else:
        size = int(10 ** rng.uniform(1.3, 5.3))
    donors = max(1, int(size * rng.uniform(0.25, 1.0)))
    donors_known = rng.random() < 0.9
    population = rng.random() < 0.12
    diseases = [] if population else rng.sample(codes.diseases, rng.choice((1, 1, 1, 2, 3)))
    categories = {"population"} if population else set()
    for code, _label in diseases:
        categories.add(_category(code))
    categories.discard("")
    types = (
        ["POPULATION_BASED", "COHORT"]
        if population
        else rng.sample(codes.collection_types, rng.randint(1, 2))
    )
    types = [t for t in types if t in codes.collection_types] or [codes.collection_types[0]]
    unit_roll = rng.random()
    unit = (
        "YEAR" if unit_roll < 0.95 else "MONTH" if unit_roll < 0.98 else "WEEK" if unit_roll < 0.99 else "DAY"
    )
    if unit == "YEAR":
        age_low = rng.randint(0, 60)
        age_high = min(105, age_low + rng.randint(10, 60))
    else:
        age_low, age_high = 0, {"MONTH": 36, "WEEK": 12, "DAY": 28}[unit]
    has_age = rng.random() < 0.9 and unit in codes.age_units
    sexes = rng.choice(
        (
            ("FEMALE", "MALE"),
            ("FEMALE", "MALE"),
            ("FEMALE", "MALE"),
            ("FEMALE",),
            ("MALE",),
            ("FEMALE", "MALE", "UNKNOWN"),
        )
    )
    label = "population" if population else diseases[0][1]
    commercial = rng.choice(("true", "false", "false", ""))
    return {
        "id": cid,
        "name": f"{label} collection {index + 1}",
        "acronym": f"GC{index + 1}" if rng.random() < 0.8 else "",
        "description": f"Fictional {'sub-' if parent else ''}collection {index + 1} ({label}), generated "
        "for benchmarks.",
        "url": f"https://{domain}.example.be/collections/C{index + 1:07d}" if rng.random() < 0.3 else "",
        "country": NODE,
        "national_node": NODE,
        "withdrawn": "false",
        "network": rng.choice(network_ids) if rng.random() < 0.2 else "",
        "type": multi(types),
        "data_categories": multi(
            ["BIOLOGICAL_SAMPLES", *rng.sample(codes.data_categories, rng.randint(0, 2))]
        ),
        "order_of_magnitude": magnitude(size),
        "size": str(size),
        "categories": multi(sorted(categories & codes.categories)),
        "number_of_donors": str(donors) if donors_known else "",
        "order_of_magnitude_donors": magnitude(donors) if donors_known else "",
        "sex": multi([s for s in sexes if s in codes.sexes]),
        "diagnosis_available": multi([code for code, _label in diseases]),
        "age_low": str(age_low) if has_age else "",
        "age_high": str(age_high) if has_age else "",
        "age_unit": unit if has_age else "",
        "materials": multi(rng.sample(codes.materials, rng.randint(1, 4))),
        "storage_temperatures": multi(rng.sample(codes.temperatures, rng.randint(1, 2))),
        "data_use": multi(sorted(rng.sample(codes.data_use, rng.randint(1, 2))))
        if rng.random() < 0.4
        else "",
        "commercial_use": commercial,
        "access_description": "Access on request to the biobank's access committee." if commercial else "",
        "access_uri": f"https://{domain}.example.be/access" if rng.random() < 0.2 else "",
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python bench/generate.py OUT_DIR --collections N [--seed S] [--config FILE]``."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, help="folder to write the CSV files and bbfair.toml into")
    parser.add_argument("--collections", type=int, default=1000, help="number of collections (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help=f"bbfair.toml to copy into OUT_DIR (default {DEFAULT_CONFIG})",
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        generate(args.out_dir, args.collections, args.seed, config=args.config)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {args.collections} collections to {args.out_dir} in {time.perf_counter() - start:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
