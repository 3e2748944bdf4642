"""The steps the commands share, as plain functions tests can call: data directory → config + records →
resource graphs → RDF file."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from ..config import load_config
from ..errors import InputError
from ..mapping import Conversion, convert
from ..mapping.stamps import Stamp
from ..profiles import tokens as profile_tokens
from ..rdf.namespaces import prefixes
from ..rdf.rdfio import format_for, write_resources
from ..records import load_records
from ..validation import cache
from ..validation.passes import for_config
from ..validation.report import Report, from_problem
from ..validation.run import validate_conversion


def build_time() -> datetime | None:
    """SOURCE_DATE_EPOCH, when set, pins the FDP's metadata times so outputs are byte-reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), UTC) if epoch and epoch.isdigit() else None


def convert_directory(data_dir: Path, base_iri: str | None = None,
                      previous: Mapping[str, Stamp] | None = None) -> Conversion:
    """Read `data_dir` (bbfair.toml + records) and map it; raises InputError/ConfigError on bad input.
    `previous` (stamps of an earlier build, `{}` for none) turns on change tracking (see `mapping.stamps`)."""
    config = load_config(Path(data_dir), base_iri)
    config.require_base(str(Path(data_dir) / "bbfair.toml"))
    catalogue = load_records(Path(data_dir))
    return convert(catalogue, config, now=build_time(), previous=previous)


def convert_to_file(data_dir: Path, output: Path, fmt: str | None = None,
                    base_iri: str | None = None) -> Conversion:
    """Convert `data_dir` and write the whole catalogue to `output` (format from suffix unless `fmt`)."""
    rdf_format = format_for(Path(output), fmt)  # fail on a bad format before doing any work
    conversion = convert_directory(data_dir, base_iri)
    write_resources(conversion.resources, Path(output), rdf_format, prefixes())
    return conversion


def validate_directory(data_dir: Path, profiles: Sequence[str] | None = None, extra_shapes: Sequence[Path] = (),
                       base_iri: str | None = None, cache_dir: Path | None = None,
                       workers: int | None = None) -> Report:
    """Check everything in `data_dir`: records that cannot be converted are reported as they are; the rest is
    converted and validated with the profiles (`passes.for_config`: every published profile unless `profiles`
    names some). Raises InputError/ConfigError only when nothing can be read (no records, no bbfair.toml, an
    unknown profile)."""
    start = time.perf_counter()
    data_dir = Path(data_dir)
    config = load_config(data_dir, base_iri)
    shapes = for_config(config, profiles, extra_shapes)
    if profiles and set(profiles) <= set(profile_tokens()):  # these profiles' own documents, published or not
        config = config.model_copy(update={"profiles": config.profiles.only(profiles)})
    config_file = str(data_dir / "bbfair.toml")
    config.require_base(config_file)
    catalogue = load_records(data_dir, lenient=True)
    try:
        conversion = convert(catalogue, config, now=build_time())
    except InputError as exc:  # ids that collide as IRIs: nothing can be published until they differ
        findings = [from_problem(p) for p in [*catalogue.problems, *exc.problems]]
        return Report.of(findings, shapes, records=catalogue.rows_read, resources=0, validated=0,
                         seconds=time.perf_counter() - start)
    cache_path = cache.cache_file(cache_dir, data_dir) if cache_dir else None
    report = validate_conversion(conversion, shapes, problems=catalogue.problems, records=catalogue.rows_read,
                                 config_file=config_file, node_id=config.node.id, cache_path=cache_path,
                                 workers=workers, notices=catalogue.notices)
    report.seconds = time.perf_counter() - start
    return report
