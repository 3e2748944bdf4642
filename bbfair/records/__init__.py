"""Records: the node's biobanks, collections, networks and persons, and the Directory's FAIR Data Point tables
(catalogues, data services, endpoints, publishers, organisations), parsed into typed models that remember the
file and line they came from."""

from .extra import AlsoKnownIn, QualityInfo, QualityInfoBiobank, QualityInfoCollection
from .fdp import Address, Catalog, DataService, Endpoint, Organisation, Publisher
from .loader import Catalogue, load_records
from .models import Biobank, Collection, Network, Person, Record, Source

__all__ = ["Address", "AlsoKnownIn", "Biobank", "Catalog", "Catalogue", "Collection", "DataService", "Endpoint",
           "Network", "Organisation", "Person", "Publisher", "QualityInfo", "QualityInfoBiobank",
           "QualityInfoCollection", "Record", "Source", "load_records"]
