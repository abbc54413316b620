"""Idempotent loaders for the shipped reference data.

They take the model classes as arguments so that a data migration can pass its historical
models (and import nothing else of the app), while `jobbridge load_reference` passes the
current ones. Rows are upserted by code: running a loader twice changes nothing.
"""

import csv
import gzip
import io
from importlib import resources
from typing import Any

DATA = resources.files("jobbridge.core") / "data"


def _upsert(model: Any, rows: list[dict], fields: list[str], batch_size: int = 2000) -> int:
    objs = [model(**row) for row in rows]
    model.objects.bulk_create(
        objs, batch_size=batch_size, update_conflicts=True, unique_fields=["pk"], update_fields=fields
    )
    return len(objs)


def read_regions() -> list[dict]:
    with gzip.open(io.BytesIO((DATA / "regions.csv.gz").read_bytes()), "rt", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def load_regions(Region: Any) -> int:
    rows = read_regions()
    # Parents before children: level order, so the self-referencing FK is satisfied row by row.
    rows.sort(key=lambda r: (int(r["level"]), r["code"]))
    out = [
        {
            "code": r["code"],
            "name": r["name"],
            "pinyin": r["pinyin"],
            "level": int(r["level"]),
            "parent_id": r["parent"] or None,
            "latitude": float(r["lat"]) if r["lat"] else None,
            "longitude": float(r["lon"]) if r["lon"] else None,
            "centroid_from": r["centroid_from"],
        }
        for r in rows
    ]
    return _upsert(
        Region, out, ["name", "pinyin", "level", "parent", "latitude", "longitude", "centroid_from"]
    )


def occupation_parent(code: str, known: set[str]) -> str | None:
    """The nearest existing ancestor: 2-02-20-07 → 2-02-20-00 → 2-02-00-00 → 2-00-00-00."""
    parts = code.split("-")
    for depth in (3, 2, 1):
        if all(p in ("0", "00") for p in parts[depth:]):
            continue
        candidate = "-".join(parts[:depth] + ["00"] * (4 - depth))
        if candidate in known and candidate != code:
            return candidate
    return None


def read_occupations() -> list[dict]:
    """Rows by unique code (8 / 72 / 335 / 1,632). The source repeats four codes: three exact
    duplicates (5-03-00-00, 4-12-04-02, 6-20-05-03), and minor
    group 2-03-01-00, which has no subdivisions and so is also its own detailed occupation;
    that one is kept as the occupation (level 4), which is what postings are coded to."""
    with (DATA / "csco22.csv").open(encoding="utf-8") as f:
        rows: dict[str, dict] = {}
        for row in csv.DictReader(f):
            kept = rows.get(row["code"])
            if kept is None or int(row["level"]) > int(kept["level"]):
                rows[row["code"]] = row
        return list(rows.values())


def load_occupations(Occupation: Any, OccupationAlias: Any) -> int:
    rows = read_occupations()
    known = {r["code"] for r in rows}
    rows.sort(key=lambda r: (int(r["level"]), r["code"]))
    out = [
        {
            "code": r["code"],
            "level": int(r["level"]),
            "name": r["name"],
            "parent_id": occupation_parent(r["code"], known),
            "definition": r["definition"],
            "tasks": r["tasks"],
        }
        for r in rows
    ]
    n = _upsert(Occupation, out, ["level", "name", "parent", "definition", "tasks"])
    aliases = []
    for r in rows:
        seen = {r["name"]}
        for alias in r["alias"].replace("，", ",").split(","):
            alias = alias.strip()[:128]
            if alias and alias not in seen:
                seen.add(alias)
                aliases.append(OccupationAlias(occupation_id=r["code"], alias=alias, source="csco"))
    OccupationAlias.objects.bulk_create(aliases, batch_size=2000, ignore_conflicts=True)
    return n


def load_industries(Industry: Any) -> int:
    with (DATA / "industries_gbt4754_2017.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = [
        {
            "code": r["code"],
            "name": r["name"],
            "parent_id": r["parent"] or None,
            "level": 2 if r["parent"] else 1,
        }
        for r in rows
    ]
    out.sort(key=lambda r: r["level"])
    return _upsert(Industry, out, ["name", "parent", "level"])
