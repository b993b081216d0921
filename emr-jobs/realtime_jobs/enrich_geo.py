"""Country of an IP address, from the bundled ranges (data/ip-country.csv.gz, built by enrich_geo_build.py
from RIR data; CC BY 4.0, NRO). Loaded once per process on first use (about 210,000 ranges) and looked
up by binary search; read with pkgutil, so it works from the jobs zip on EMR as from the folder here.
The country is the one the registry assigned the block to, not where the address is used."""
import bisect
import gzip
import ipaddress
import pkgutil

from .contract import REALTIME

UNKNOWN = REALTIME["enrichment"]["unknownCountry"]
DATA = "data/ip-country.csv.gz"


class CountryRanges:
    """Per family: range starts (sorted), ends and countries, as parallel lists."""

    def __init__(self, text):
        self.families = {}
        family = None
        following = 0
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            if line in ("v4", "v6"):
                family = self.families.setdefault(4 if line == "v4" else 6, ([], [], []))
                following = 0
                continue
            gap, size, country = line.split(",")
            start = following + int(gap, 16)
            end = start + int(size, 16)
            family[0].append(start)
            family[1].append(end)
            family[2].append(country)
            following = end + 1

    def country(self, address):
        """ISO 3166-1 alpha-2 code of a parsed address, or UNKNOWN when no range holds it."""
        if address.version == 6 and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        starts, ends, countries = self.families.get(address.version, ([], [], []))
        value = int(address)
        i = bisect.bisect_right(starts, value) - 1
        return countries[i] if i >= 0 and value <= ends[i] else UNKNOWN


_ranges = None


def ranges():
    global _ranges
    if _ranges is None:
        _ranges = CountryRanges(gzip.decompress(pkgutil.get_data(__package__, DATA)).decode("ascii"))
    return _ranges


def country_of(ip):
    """The country of an address as the collector accepted it (v4 or v6 text); UNKNOWN if it does not parse."""
    try:
        return ranges().country(ipaddress.ip_address(ip.strip()))
    except ValueError:
        return UNKNOWN
