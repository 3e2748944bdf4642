"""Records: the node's biobanks, collections, networks and persons, parsed into typed models that remember
the file and line they came from."""

from .loader import Catalogue, load_records
from .models import Biobank, Collection, Network, Person, Source

__all__ = ["Biobank", "Catalogue", "Collection", "Network", "Person", "Source", "load_records"]
