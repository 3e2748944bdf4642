"""The terms of a change feed (docs/history.md): Linked Data Event Streams, TREE, Activity Streams 2.0 and the
DCAT-AP Feeds specification (https://semiceu.github.io/LDES-DCAT-AP-feeds/), which combines them."""

from __future__ import annotations

#: where the feed is, below the base IRI: its root view `{base}/feed`, its event stream `{base}/feed#stream`
FEED_PATH = "/feed"
LDES = "https://w3id.org/ldes#"
TREE = "https://w3id.org/tree#"
AS = "https://www.w3.org/ns/activitystreams#"
#: the SHACL shape every member of a DCAT-AP Feed conforms to (part of the specification)
ACTIVITY_SHAPE = "https://semiceu.github.io/LDES-DCAT-AP-feeds/shape.ttl#ActivityShape"
#: the specification itself (`dct:conformsTo` of the stream)
DCAT_AP_FEEDS = "https://semiceu.github.io/LDES-DCAT-AP-feeds/"
#: prefixes for serialising feed pages
PREFIXES = {"ldes": LDES, "tree": TREE, "as": AS, "dct": "http://purl.org/dc/terms/",
            "dcat": "http://www.w3.org/ns/dcat#", "xsd": "http://www.w3.org/2001/XMLSchema#",
            "foaf": "http://xmlns.com/foaf/0.1/", "vcard": "http://www.w3.org/2006/vcard/ns#",
            "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}
