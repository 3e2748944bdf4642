"""A harvest check as the terminal shows it (a summary line first, then the problems grouped by what they do to
the harvest, each naming the URL, the reason and the fix) and as JSON for tools."""

from __future__ import annotations

from collections import defaultdict

from .model import Effect, HarvestReport, Issue

#: group headings, in the order the text report lists them
HEADINGS = {
    Effect.DROPPED: "Dropped: the national catalogue would not get these",
    Effect.INCOMPLETE: "Incomplete: imported with parts missing",
    Effect.INVALID: "Invalid: imported, but not valid against the profile",
    Effect.NOTE: "Notes",
}


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def summary(report: HarvestReport) -> str:
    """One line: what was walked and found, what would be imported, dropped and invalid, and the verdict."""
    if report.fatal is not None:
        return f"{report.root}: cannot be harvested: {report.fatal}"
    found = [_plural(len(report.of_kind("dataset")), "dataset"),
             _plural(len(report.of_kind("series")), "dataset series", "dataset series")]
    catalogs = len(report.catalogs_seen)
    if report.harvest_catalogs:
        found.append(_plural(len(report.of_kind("catalog")), "catalogue"))
    elif catalogs:
        found.append(f"{_plural(catalogs, 'catalogue')} (not records: harvest_catalogs is off)")
    dropped = sum(1 for i in report.issues if i.effect is Effect.DROPPED)
    incomplete = sum(1 for i in report.issues if i.effect is Effect.INCOMPLETE)
    counts = [f"{len(report.imported)} would be imported", f"{dropped} dropped"]
    if incomplete:
        counts.append(f"{incomplete} incomplete")
    counts.append(f"{len(report.invalid)} invalid")
    verdict = "OK" if report.ok else "PROBLEMS"
    judged = f" (judged by profile {report.profile}: {', '.join(report.judged_with)})" if report.judged_with else ""
    return (f"{report.root}: {_plural(len(report.visits), 'document')} walked in {report.seconds:.1f} s; found "
            f"{', '.join(found)}; {', '.join(counts)}{judged}: {verdict}")


def _issue_lines(issue: Issue, report: HarvestReport) -> list[str]:
    lines = [f"  {issue.url}: {issue.reason}"]
    record = next((r for r in report.records if r.url == issue.url), None) if issue.code == "invalid" else None
    if record is not None:
        lines += [f"      - {f.summary}; fix: {f.message}" for f in record.violations]
    else:
        lines.append(f"      fix: {issue.fix}")
    if issue.via:
        lines.append(f"      (listed by {issue.via})")
    return lines


def to_text(report: HarvestReport, notes: bool = True, limit: int | None = 10) -> str:
    """The terminal report: the summary line, then each group of problems (and, with `notes`, the notes). Of
    many issues with the same cause only the first `limit` are shown (`to_json` has them all)."""
    lines = [summary(report)]
    groups: dict[Effect, list[Issue]] = defaultdict(list)
    for issue in report.issues:
        groups[issue.effect].append(issue)
    for effect, heading in HEADINGS.items():
        if not groups.get(effect) or (effect is Effect.NOTE and not notes):
            continue
        lines += ["", f"{heading} ({len(groups[effect])}):"]
        by_code: dict[str, list[Issue]] = defaultdict(list)
        for issue in groups[effect]:
            by_code[issue.code].append(issue)
        for code, issues in by_code.items():
            shown = issues if limit is None else issues[:limit]
            for issue in shown:
                lines += _issue_lines(issue, report)
            if len(issues) > len(shown):
                lines.append(f"  … and {len(issues) - len(shown)} more like this ({code}; the JSON report lists "
                             "them all)")
    warnings = sum(len([f for f in r.findings if f.severity != "Violation"]) for r in report.records)
    if warnings:
        lines += ["", f"{_plural(warnings, 'warning')} from the profile (not blocking; the JSON report lists "
                  "them)."]
    return "\n".join(lines)


def _issue(issue: Issue) -> dict:
    return {"url": issue.url, "code": issue.code, "effect": issue.effect.value, "reason": issue.reason,
            "fix": issue.fix, "via": issue.via}


def to_json(report: HarvestReport) -> dict:
    """Everything the text report says, and every visit and record, as plain JSON-able data."""
    return {
        "root": report.root,
        "ok": report.ok,
        "exit_code": report.exit_code,
        "fatal": report.fatal,
        "harvest_catalogs": report.harvest_catalogs,
        "profiles": report.profiles,
        "profile": report.profile,
        "judged_with": report.judged_with,
        "seconds": round(report.seconds, 3),
        "summary": {
            "visited": len(report.visits),
            "datasets": len(report.of_kind("dataset")),
            "series": len(report.of_kind("series")),
            "catalogs": len(report.of_kind("catalog")) if report.harvest_catalogs else len(report.catalogs_seen),
            "imported": len(report.imported),
            "dropped": sum(1 for i in report.issues if i.effect is Effect.DROPPED),
            "incomplete": sum(1 for i in report.issues if i.effect is Effect.INCOMPLETE),
            "invalid": len(report.invalid),
        },
        "records": [{
            "url": r.url, "kind": r.kind, "guid": r.guid, "imported": r.imported, "valid": r.valid,
            "distributions": r.distributions,
            "findings": [{"focus": f.focus, "path": f.path, "value": f.value, "severity": f.severity,
                          "summary": f.summary, "message": f.message, "shape": f.shape} for f in r.findings],
        } for r in report.records],
        "issues": [_issue(i) for i in report.issues],
        "visits": [{
            "url": v.url, "depth": v.depth, "via": v.via, "status": v.status, "content_type": v.content_type,
            "final_url": v.final_url, "parsed": v.parsed, "triples": v.triples, "types": v.types,
            "children": len(v.children), "error": v.error, "seconds": round(v.seconds, 4),
        } for v in report.visits],
    }
