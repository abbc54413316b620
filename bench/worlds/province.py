"""A synthetic labour-export *province* for the province-scale benchmark (figure 2) and tests.

Larger and more varied than ``synthetic.py``'s city: seekers live in every county of one
province (Gansu by default, 86 counties in 14 prefectures); postings are in the home province or
in receiving regions (Jiangsu, Guangdong, Zhejiang, Shanghai, Fujian, Beijing, Tianjin, Xinjiang
...).  Occupations are ``n_occupations`` detailed CSCO 2022 codes drawn from the real table
(mostly majors 4 and 6, where migrant work is) with Zipf-like shares; skill texts are phrases cut
from each occupation's name, aliases and task list in the table, so texts are diverse and overlap
between related occupations the way real ones do.  Shares below are assumptions, written down so
the benchmark's pair density can be judged.

Records are produced in chunks (``seekers(n, ..., start=...)``) so a million of them never sit in
memory as dicts at once; ids are the global row numbers.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

import numpy as np

from jobbridge.matching.engine.codes import RegionTable

HOME_PROVINCE = 620000  # Gansu
# Receiving prefectures/municipalities and their share of non-local postings.
RECEIVING = {
    320500: 0.12, 320200: 0.08, 441900: 0.12, 440300: 0.10, 440100: 0.06, 330100: 0.07,
    330200: 0.05, 310100: 0.10, 350200: 0.05, 110100: 0.08, 120100: 0.04, 650100: 0.08,
    610100: 0.05,
}  # fmt: skip
EDUCATION = ["primary", "junior", "senior", "vocational", "college", "bachelor"]
EDU_SHARE = [0.10, 0.40, 0.18, 0.16, 0.11, 0.05]
GROUPS = ["disability", "zero_employment", "registered_unemployed", "poverty", "lifted_out"]
DAY0 = 20_480  # 2026-01-27
_SPLIT = re.compile(r"[、，,。；;：:\s（）()/\d.]+")


@dataclass
class Occupation:
    code: str
    phrases: list[str]
    certificate: str | None


@dataclass
class ProvinceWorld:
    """Everything the generators draw from: occupations with shares, counties, receiving counties."""

    occupations: list[Occupation]
    occ_share: np.ndarray
    home_counties: np.ndarray  # county codes of the home province
    home_weight: np.ndarray
    recv_counties: np.ndarray
    recv_weight: np.ndarray
    recv_prefectures: list[int]
    regions: RegionTable


def _phrases(row: dict) -> list[str]:
    out = [row["name"]]
    out += [a for a in (row.get("alias") or "").split(",") if a]
    for part in _SPLIT.split(row.get("tasks") or row.get("definition") or ""):
        if 2 <= len(part) <= 10:
            out.append(part)
        elif len(part) > 10:
            out.extend(part[i : i + 6] for i in range(0, len(part) - 3, 6))
    seen: dict[str, None] = {}
    for p in out:
        seen.setdefault(p, None)
    return list(seen)[:40]


def build_world(
    csco_csv: str, regions_csv: str, n_occupations: int = 200, seed: int = 0, home: int = HOME_PROVINCE
) -> ProvinceWorld:
    rng = np.random.default_rng(seed)
    with open(csco_csv, encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["level"] == "4" and r["code"][0] in "23456"]
    # Mostly majors 4 (services) and 6 (production), some 2/3/5, as among migrant workers.
    pref = np.array([{"6": 5.0, "4": 4.0, "5": 1.0, "3": 0.5, "2": 0.5}[r["code"][0]] for r in rows])
    pick = rng.choice(len(rows), size=min(n_occupations, len(rows)), replace=False, p=pref / pref.sum())
    occs = []
    for i in pick:
        r = rows[i]
        cert = None
        if rng.random() < 0.25:
            cert = r["name"][:4] + "证"
        occs.append(Occupation(r["code"], _phrases(r), cert))
    share = 1.0 / np.arange(1, len(occs) + 1) ** 0.9
    share /= share.sum()
    regions = RegionTable.from_csv(regions_csv)
    codes = np.array(sorted(c for c in regions.names if 100000 <= c <= 999999), dtype=np.int64)
    counties = codes[(codes % 100 != 0)]
    home_c = counties[(counties // 10000) == home // 10000]
    home_w = rng.lognormal(0, 0.6, len(home_c))
    recv_c, recv_w = [], []
    for pref_code, w in RECEIVING.items():
        cs = counties[(counties // 100) == pref_code // 100]
        if len(cs) == 0:
            cs = np.array([pref_code])
        recv_c.extend(cs.tolist())
        recv_w.extend([w / len(cs)] * len(cs))
    return ProvinceWorld(
        occupations=occs, occ_share=share, home_counties=home_c, home_weight=home_w / home_w.sum(),
        recv_counties=np.array(recv_c), recv_weight=np.array(recv_w) / sum(recv_w),
        recv_prefectures=list(RECEIVING), regions=regions,
    )  # fmt: skip


def _skills(rng, occ: Occupation, k: int) -> str:
    ph = occ.phrases
    idx = rng.choice(len(ph), size=min(k, len(ph)), replace=False)
    return " ".join(ph[i] for i in idx)


def seekers(world: ProvinceWorld, n: int, seed: int = 1, start: int = 0) -> list[dict]:
    rng = np.random.default_rng([seed, start])
    n_occ_total = len(world.occupations)
    occ1 = rng.choice(n_occ_total, size=n, p=world.occ_share)
    # A second occupation: often a neighbour in the table (related work), else any.
    occ2 = np.where(
        rng.random(n) < 0.5,
        np.clip(occ1 + rng.integers(-2, 3, n), 0, n_occ_total - 1),
        rng.choice(n_occ_total, size=n, p=world.occ_share),
    )
    n_occ = rng.choice([0, 1, 2], size=n, p=[0.12, 0.58, 0.30])
    county = rng.choice(world.home_counties, size=n, p=world.home_weight)
    kind = rng.choice(5, size=n, p=[0.20, 0.20, 0.15, 0.35, 0.10])
    wages = np.round(rng.lognormal(np.log(5200), 0.3, size=n), -2)
    edu = rng.choice(EDUCATION, size=n, p=EDU_SHARE)
    prio = rng.random(n) < 0.15
    recv = world.recv_prefectures
    out = []
    for i in range(n):
        occs = [world.occupations[o] for o in (occ1[i], occ2[i])[: n_occ[i]]]
        skills = (
            " ".join(_skills(rng, o, 2) for o in occs)
            if occs
            else ("普工 能吃苦" if rng.random() < 0.5 else "")
        )
        c = int(county[i])
        k = kind[i]
        if k == 0:
            dest = [c]
        elif k == 1:
            dest = [c // 100 * 100]
        elif k == 2:
            dest = [c // 10000 * 10000]
        elif k == 3:
            picks = rng.choice(len(recv), size=int(rng.integers(1, 3)), replace=False)
            dest = [recv[p] if rng.random() < 0.6 else recv[p] // 10000 * 10000 for p in picks]
        else:
            dest = []
        certs = [occs[0].certificate] if occs and occs[0].certificate and rng.random() < 0.5 else []
        out.append(
            {
                "id": start + i,
                "occupations": [o.code for o in occs],
                "skills": skills,
                "certificates": certs,
                "education": edu[i],
                "hukou_region": c,
                "residence_region": c,
                "destinations": dest,
                "accepts_anywhere": bool(k == 4),
                "expected_wage": float(wages[i]) if rng.random() < 0.9 else None,
                "available_from": int(DAY0 + rng.integers(-10, 40)),
                "priority_groups": [GROUPS[rng.integers(len(GROUPS))]] if prio[i] else [],
            }
        )
    return out


def postings(
    world: ProvinceWorld, n: int, seed: int = 2, start: int = 0, local_share: float = 0.4
) -> list[dict]:
    rng = np.random.default_rng([seed, start])
    occ = rng.choice(len(world.occupations), size=n, p=world.occ_share)
    local = rng.random(n) < local_share
    work_home = rng.choice(world.home_counties, size=n, p=world.home_weight)
    work_recv = rng.choice(world.recv_counties, size=n, p=world.recv_weight)
    wage_lo = np.round(rng.lognormal(np.log(5000), 0.3, size=n), -2)
    out = []
    for j in range(n):
        o = world.occupations[occ[j]]
        headcount = int(rng.integers(1, 30))
        out.append(
            {
                "id": start + j,
                "occupation": o.code if rng.random() < 0.95 else "",
                "title": o.phrases[0] if rng.random() < 0.6 else o.phrases[int(rng.integers(len(o.phrases)))],
                "required_skills": _skills(rng, o, 2),
                "required_certificates": [o.certificate] if o.certificate and rng.random() < 0.4 else [],
                "min_education": rng.choice(["", "junior", "senior", "college"], p=[0.5, 0.3, 0.15, 0.05]),
                "headcount": headcount,
                "filled": int(rng.integers(0, headcount)) if rng.random() < 0.3 else 0,
                "wage_min": float(wage_lo[j]),
                "wage_max": float(wage_lo[j] + 100 * rng.integers(0, 30)),
                "work_region": int(work_home[j] if local[j] else work_recv[j]),
                "board": bool(rng.random() < 0.5),
                "lodging": bool(rng.random() < 0.5),
                "disability_friendly": bool(rng.random() < 0.1),
                "target_groups": [GROUPS[rng.integers(len(GROUPS))]] if rng.random() < 0.1 else [],
                "valid_from": DAY0 - int(rng.integers(0, 20)),
                "valid_until": DAY0 + int(rng.integers(10, 90)),
                "status": "open",
            }
        )
    return out
