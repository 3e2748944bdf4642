"""`check_harvest`: walk a FAIR Data Point as the Health-RI harvester does, make the records it would make,
validate them against the Health-RI profile, and report what the national catalogue would import and what it
would drop, and why.

The pieces: `walk` (gather stage: BFS over `ldp:contains`), `fetch` (record rules and the graph each record
is imported as), `validate` (batched SHACL, each record on its own), `report` (text and JSON).
"""

from __future__ import annotations

import time

import httpx

from .. import __version__
from ..profiles import Profile, by_token
from .fetch import Assembler
from .model import Effect, HarvestReport, Issue, Record
from .validate import validate_records
from .walk import TIMEOUT, Document, Fetcher, Progress, issues_of, walk


def check_harvest(url: str, *, client: httpx.Client | None = None, timeout: float = TIMEOUT,
                  harvest_catalogs: bool = False, progress: Progress | None = None,
                  profile: str = "health-ri", concurrency: int = 8) -> HarvestReport:
    """Check what the Health-RI harvester would make of the FAIR Data Point at `url` (its root, the harvest
    source URL), judged by the consumer of publication profile `profile` with its official shape files: for
    the default, `health-ri`, exactly as the national catalogue asks (no `Accept-Profile`); for another, the
    same walk asking for that profile (`Accept-Profile: <its IRI>`). `client` lets a caller bring its own httpx
    client (a test transport, proxies); `progress` is called as `progress(stage, done, total)` with stage "walk"
    then "validate". The report's `exit_code` is 0 when everything would be imported and valid, 1 when anything
    is dropped, incomplete or invalid, 2 when the root itself cannot be fetched or parsed."""
    start = time.perf_counter()
    chosen = by_token(profile)
    report = HarvestReport(url, harvest_catalogs, [profile], profile=profile)
    own = client is None
    if client is None:
        client = httpx.Client(headers={"User-Agent": f"bbfair/{__version__} (check-harvest)"})
    try:
        fetcher = Fetcher(client, timeout, concurrency, None if profile == "health-ri" else chosen.iri)
        documents = walk(fetcher, url, progress, harvest_catalogs)
        report.visits = [d.visit for d in documents]
        report.issues = issues_of(documents)
        report.fatal = _fatal(documents[0])
        if report.fatal is None:
            assembler = Assembler(fetcher, harvest_catalogs)
            assembler.prefetch(documents)
            for doc in documents:
                record, issues = assembler.record(doc)
                report.issues += issues
                if record is not None:
                    report.records.append(record)
            report.judged_with = validate_records(report.records, profile, progress)
            report.issues += [_invalid(r, chosen) for r in report.imported if not r.valid]
            report.issues += _answered(documents, chosen, asked=profile != "health-ri")
            report.issues += _nothing_found(report, documents[0])
    finally:
        if own:
            client.close()
    report.seconds = time.perf_counter() - start
    return report


def _fatal(root: Document) -> str | None:
    """Why the walk could not start, when the root itself is unusable (no answer, an error, not Turtle)."""
    if root.visit.ok and root.visit.triples:
        return None
    reasons = [i.reason for i in root.issues if i.effect is Effect.DROPPED]
    return reasons[0] if reasons else "the root could not be read"


def _nothing_found(report: HarvestReport, root: Document) -> list[Issue]:
    """A walk that ends with no record at all is a harvest that imports nothing: say where it stopped."""
    if report.records:
        return []
    if not root.visit.children:
        return [Issue(report.root, "no-children", Effect.DROPPED,
                      "the root lists nothing in ldp:contains: the harvester follows nothing else "
                      "(not fdp-o:metadataCatalog, not dcat:dataset), so it finds no record",
                      "give the root an ldp:DirectContainer whose ldp:contains lists the catalogues")]
    return [Issue(report.root, "no-records", Effect.DROPPED,
                  f"the walk reached {len(report.visits)} documents but none types its own URL as dcat:Dataset"
                  + (" or dcat:Catalog" if report.harvest_catalogs else "") + " or dcat:DatasetSeries: the "
                  "harvester imports nothing", "list the datasets in the catalogues' ldp:contains, each described "
                  "at its own URL")]


def _answered(documents: list[Document], profile: Profile, asked: bool) -> list[Issue]:
    """A server that answers another profile than the one asked for (`Content-Profile`): the records are
    judged against the profile asked for, so its consumer would get what this check saw."""
    if not asked:
        return []
    wrong = [d for d in documents if d.visit.ok and d.visit.content_profile not in (None, f"<{profile.iri}>")]
    silent = [d for d in documents if d.visit.ok and d.visit.content_profile is None]
    out = []
    if wrong:
        first = wrong[0]
        out.append(Issue(first.url, "other-profile", Effect.NOTE,
                         f"asked for profile <{profile.iri}> (Accept-Profile), {len(wrong)} document(s) answered "
                         f"Content-Profile {first.visit.content_profile}",
                         "publish the profile (bbfair.toml [profiles] publish) or harvest the one offered"))
    if silent:
        out.append(Issue(silent[0].url, "no-content-profile", Effect.NOTE,
                         f"asked for profile <{profile.iri}> (Accept-Profile), {len(silent)} document(s) did not "
                         "say which profile they are in (no Content-Profile header)",
                         "serve W3C Content Negotiation by Profile, or harvest the server's default"))
    return out


def _invalid(record: Record, profile: Profile) -> Issue:
    """One line for an imported record that fails the shapes: how many violations, the first few in short."""
    violations = record.violations
    label = f"official {profile.title}"
    shown = "; ".join(f.summary for f in violations[:3]) + ("; …" if len(violations) > 3 else "")
    plural = "s" if len(violations) > 1 else ""
    return Issue(record.url, "invalid", Effect.INVALID,
                 f"{len(violations)} violation{plural} of the {label} shapes: {shown}",
                 violations[0].message or "see the violations listed below", record.via)
