"""The steps the commands share, as plain functions tests can call: data directory → config + records →
resource graphs → RDF file."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from .config import load_config
from .mapping import Conversion, convert
from .mapping.namespaces import prefixes
from .rdfio import format_for, write_resources
from .records import load_records


def build_time() -> datetime | None:
    """SOURCE_DATE_EPOCH, when set, pins the FDP's metadata times so outputs are byte-reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), UTC) if epoch and epoch.isdigit() else None


def convert_directory(data_dir: Path, base_iri: str | None = None) -> Conversion:
    """Read `data_dir` (bbfair.toml + records) and map it; raises InputError/ConfigError on bad input."""
    config = load_config(Path(data_dir), base_iri)
    config.require_base(str(Path(data_dir) / "bbfair.toml"))
    catalogue = load_records(Path(data_dir))
    return convert(catalogue, config, now=build_time())


def convert_to_file(data_dir: Path, output: Path, fmt: str | None = None,
                    base_iri: str | None = None) -> Conversion:
    """Convert `data_dir` and write the whole catalogue to `output` (format from suffix unless `fmt`)."""
    rdf_format = format_for(Path(output), fmt)  # fail on a bad format before doing any work
    conversion = convert_directory(data_dir, base_iri)
    write_resources(conversion.resources, Path(output), rdf_format, prefixes())
    return conversion
