"""bbfair: publish a national biobank node's records as FAIR linked data (DCAT-AP 3, HealthDCAT-AP, Health-RI v2)."""

__version__ = "0.1.0"
