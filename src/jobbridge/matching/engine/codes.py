"""Reference codes the engine understands without Django: CSCO 2022 occupations and region codes.

Occupation codes look like ``6-18-02-04`` (major-medium-minor-detailed).  The engine keeps four
integer ids per code so that hierarchy comparisons are integer equality on arrays:
``6-18-02-04`` -> detailed 6180204, minor 61802, medium 618, major 6.  A group code (``6-18-00-00``
for a medium group) has no detailed or minor id (-1).  Whether a code is a group or a detailed
occupation is read from the CSCO table when one is given (some detailed occupations end in ``-00``,
e.g. 1-02-01-00), otherwise inferred from trailing ``00`` parts.

Region codes are the 6-digit division codes (longer township/village codes are cut to their
county).  An accepted destination covers every work region whose code starts with the
destination's code once trailing ``00`` pairs are stripped: 320200 (无锡市) covers 320205 and
320281; 320000 (江苏省) covers all of Jiangsu; 000000 or an empty code covers nothing.  As an
integer range this is ``[lo, hi]`` on 6-digit codes, which lets sorted arrays answer it with
``searchsorted``.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

UNKNOWN = -1

_OCC_RE = re.compile(r"^\s*(\d)(?:-(\d{2}))?(?:-(\d{2}))?(?:-(\d{2}))?\s*$")


@dataclass(frozen=True, slots=True)
class OccupationIds:
    detailed: int
    minor: int
    medium: int
    major: int

    @property
    def specificity(self) -> int:
        """4 for a detailed occupation, 3 minor, 2 medium, 1 major, 0 unknown."""
        return sum(1 for v in (self.detailed, self.minor, self.medium, self.major) if v != UNKNOWN)


NO_OCCUPATION = OccupationIds(UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN)


@dataclass
class OccupationTable:
    """Code -> (level, name) for CSCO 2022; optional (the engine works on bare codes too)."""

    levels: dict[str, int] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_csv(cls, path: str | Path) -> OccupationTable:
        table = cls()
        with open(path, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                table.levels[row["code"]] = int(row["level"])
                table.names[row["code"]] = row["name"]
        return table

    def name(self, code: str) -> str:
        return self.names.get(code, code)


def occupation_ids(code: str | None, table: OccupationTable | None = None) -> OccupationIds:
    """Parse one CSCO code into hierarchy ids; malformed or (with a table) unknown codes -> NO_OCCUPATION."""
    if not code:
        return NO_OCCUPATION
    m = _OCC_RE.match(str(code))
    if not m:
        return NO_OCCUPATION
    major, medium, minor, detailed = (int(p) if p is not None else 0 for p in m.groups())
    canonical = f"{major}-{medium:02d}-{minor:02d}-{detailed:02d}"
    if table is not None and table.levels:
        level = table.levels.get(canonical)
        if level is None:
            return NO_OCCUPATION
    else:  # infer from trailing zeros
        level = 4 if detailed else 3 if minor else 2 if medium else 1
    ids = [UNKNOWN] * 4
    ids[3] = major
    if level >= 2:
        ids[2] = major * 100 + medium
    if level >= 3:
        ids[1] = (major * 100 + medium) * 100 + minor
    if level >= 4:
        ids[0] = ((major * 100 + medium) * 100 + minor) * 100 + detailed
    return OccupationIds(*ids)


def canonical_occupation(code: str) -> str:
    m = _OCC_RE.match(str(code))
    if not m:
        return str(code)
    major, medium, minor, detailed = (int(p) if p is not None else 0 for p in m.groups())
    return f"{major}-{medium:02d}-{minor:02d}-{detailed:02d}"


def county_code(code: str | int | None) -> int:
    """6-digit integer code of a region (townships and villages cut to their county); 0 if none."""
    if code is None:
        return 0
    s = str(code).strip()
    if not s.isdigit() or len(s) < 6:
        return 0
    return int(s[:6])


def destination_range(code: str | int | None) -> tuple[int, int] | None:
    """The closed integer range of 6-digit work-region codes that an accepted destination covers."""
    c = county_code(code)
    if c <= 0:
        return None
    s = f"{c:06d}"
    while s.endswith("00") and len(s) > 2:
        s = s[:-2]
    if s in ("", "00"):
        return None
    pad = 6 - len(s)
    lo = int(s) * 10**pad
    return lo, lo + 10**pad - 1


@dataclass
class RegionTable:
    """Region code -> (name, lat, lon); the engine needs centroids for distances and names for reasons."""

    names: dict[int, str] = field(default_factory=dict)
    lat: dict[int, float] = field(default_factory=dict)
    lon: dict[int, float] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[Any, str, Any, Any]]) -> RegionTable:
        """(code, name, lat, lon) rows; lat/lon None or "" when unknown."""
        table = cls()
        for code, name, lat, lon in rows:
            c = int(code)
            table.names[c] = name
            if lat not in (None, "") and lon not in (None, ""):
                table.lat[c] = float(lat)
                table.lon[c] = float(lon)
        return table

    @classmethod
    def from_csv(cls, path: str | Path) -> RegionTable:
        """Read a regions CSV (optionally gzipped) with code,name,lat,lon columns; counties and up only."""
        raw = Path(path).read_bytes()
        if str(path).endswith(".gz"):
            raw = gzip.decompress(raw)
        reader = csv.DictReader(io.StringIO(raw.decode("utf-8")))
        return cls.from_rows(
            (r["code"], r["name"], r["lat"], r["lon"]) for r in reader if len(r["code"]) <= 6
        )

    def centroid(self, code: int) -> tuple[float, float]:
        """County centroid, falling back to the prefecture's and then the province's; NaN if none."""
        for c in (code, code // 100 * 100, code // 10000 * 10000):
            if c in self.lat:
                return self.lat[c], self.lon[c]
        return float("nan"), float("nan")

    def name(self, code: int) -> str:
        if code in self.names:
            return self.names[code]
        return f"{code:06d}" if code else "未知地区"
