"""`/sitemap.xml` and `/robots.txt`: so that web search engines and dataset search crawlers (which read the
schema.org JSON-LD every dataset and catalogue page embeds) find every collection.

The sitemap lists the root, every catalogue and every dataset page, each with `lastmod` from the build (the
time its document last changed). Above 50,000 addresses (the protocol's limit per file) `/sitemap.xml` is a
sitemap index of pages `/sitemap.xml?page=N`."""

from __future__ import annotations

from xml.sax.saxutils import escape

from ..store.local import Build

#: addresses per sitemap file (the protocol allows 50,000)
PER_FILE = 50_000
KINDS = ("fdp", "catalog", "dataset")
NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def entries(build: Build) -> list[tuple[str, str]]:
    """(IRI, modified) of every page the sitemap lists, the root first."""
    rows = build.documents.listing(KINDS)
    return sorted(rows, key=lambda r: (not r[0].endswith("/"), r[0]))


def sitemap(build: Build, page: int | None) -> bytes | None:
    """The sitemap (or, when it has too many addresses, its index or page `page`); None for a page it has not."""
    rows = entries(build)
    base = build.manifest.build.base_iri
    pages = max(1, -(-len(rows) // PER_FILE))
    if page is None and pages > 1:
        items = "".join(f"<sitemap><loc>{escape(base)}/sitemap.xml?page={n}</loc>"
                        f"<lastmod>{escape(build.manifest.build.created)}</lastmod></sitemap>"
                        for n in range(1, pages + 1))
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{NS}">{items}</sitemapindex>\n'.encode()
    number = page or 1
    if not 1 <= number <= pages:
        return None
    chunk = rows[(number - 1) * PER_FILE:number * PER_FILE]
    items = "".join(f"<url><loc>{escape(iri)}</loc><lastmod>{escape(modified)}</lastmod></url>"
                    for iri, modified in chunk)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{NS}">\n{items}\n</urlset>\n'.encode()


def robots(base: str) -> str:
    """robots.txt: crawl the pages, not the query endpoints or the bulk download, and read the sitemap."""
    return ("User-agent: *\nAllow: /\nDisallow: /sparql\nDisallow: /dump\nDisallow: /search?\n"
            f"Sitemap: {base}/sitemap.xml\n")
