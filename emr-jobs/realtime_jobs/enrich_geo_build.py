"""Builds data/ip-country.csv.gz, the bundled IP-to-country ranges, from the `@ip-location-db/asn-country`
npm package's numeric CSVs (`start,end,CC`, inclusive, sorted, not overlapping):

    npm pack @ip-location-db/asn-country@2.3.2026061719 && tar xzf ip-location-db-asn-country-*.tgz
    .venv/bin/python emr-jobs/realtime_jobs/enrich_geo_build.py package/ emr-jobs/realtime_jobs/data/ip-country.csv.gz

The file keeps each range as hex deltas, so it stays small (about 0.3 MB against 1.3 MB of gzip text):
a `v4` or `v6` line starts each family, then one line per range `gap,size,CC`, where gap = start minus
(the previous range's end + 1, or 0) and size = end minus start. Lines starting `#` are comments."""
import csv
import gzip
import io
import json
import os
import sys

SOURCE = "@ip-location-db/asn-country"
ATTRIBUTION = (
    "# IP-to-country ranges from %s %s (https://github.com/sapics/ip-location-db), built from the five RIRs'"
    " data; data: Number Resource Organization (NRO, https://www.nro.net), CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)."
    " Converted to hex deltas by emr-jobs/realtime_jobs/enrich_geo_build.py.\n"
)


def ranges(path):
    previous_end = -1
    for start, end, country in csv.reader(open(path)):
        start, end = int(start), int(end)
        if start <= previous_end or end < start or len(country) != 2:
            raise ValueError("%s: range %s-%s %s is not after the previous one or not a country" % (path, start, end, country))
        yield start, end, country
        previous_end = end


def build(package_dir, out_path):
    with open(os.path.join(package_dir, "package.json")) as meta:
        version = json.load(meta)["version"]
    # mtime 0: the same package gives the same bytes.
    with open(out_path, "wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", compresslevel=9, mtime=0) as packed, io.TextIOWrapper(packed, "utf-8") as out:
        out.write(ATTRIBUTION % (SOURCE, version))
        for family in ("v4", "v6"):
            out.write(family + "\n")
            following = 0
            for start, end, country in ranges(os.path.join(package_dir, "asn-country-ip%s-num.csv" % family)):
                out.write("%x,%x,%s\n" % (start - following, end - start, country))
                following = end + 1


if __name__ == "__main__":
    build(sys.argv[1], sys.argv[2])
