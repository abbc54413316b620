"""Structure-of-arrays containers for a batch of seekers and a batch of postings.

The Django glue fills these in bulk from plain records (dicts whose keys mirror the model fields,
see ``SEEKER_KEYS`` / ``POSTING_KEYS``); benchmarks and tests build them from synthetic records.
Everything the scorer touches is a numpy array or a scipy CSR matrix so that scoring a block of
seekers against a block of postings is a handful of vectorised operations.

Bad input never raises here: unknown occupation codes, missing regions and absurd wages become
"unknown" values (and a note in ``batch.notes``); the scorer then treats unknowns neutrally or
excludes the record with a stated reason.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias, TypeVar

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from .codes import (
    NO_OCCUPATION,
    UNKNOWN,
    OccupationTable,
    RegionTable,
    canonical_occupation,
    county_code,
    destination_range,
    occupation_ids,
)
from .text import hash_sets, hash_texts
from .weights import DEFAULT_WEIGHTS, Weights

EDUCATION_LEVELS = (
    "none",
    "primary",
    "junior",
    "senior",
    "vocational",
    "college",
    "bachelor",
    "postgraduate",
)
EDUCATION_NAMES = ("未上学", "小学", "初中", "高中", "中专/技校", "大专", "本科", "研究生")
_EDU_RANK = {v: i for i, v in enumerate(EDUCATION_LEVELS)} | {v: i for i, v in enumerate(EDUCATION_NAMES)}

PRIORITY_GROUPS = ("disability", "zero_employment", "registered_unemployed", "poverty", "lifted_out")
PRIORITY_NAMES = ("残疾人", "零就业家庭成员", "登记失业人员", "脱贫攻坚建档立卡户", "脱贫人口")
DISABILITY_BIT = 1

MAX_SEEKER_OCCUPATIONS = 4
NO_DATE_PAST = -1_000_000  # "available now" / "valid since ever"
NO_DATE_FUTURE = 1_000_000  # "valid for ever"
POSTING_UNKNOWN_OCC = -2  # never equal to a seeker's UNKNOWN (-1) padding

# Rows (or columns) of a batch: a slice or an array of positions.
Rows: TypeAlias = slice | NDArray[np.integer[Any]]

SEEKER_KEYS = (
    "id occupations text major skills certificates education hukou_region residence_region destinations "
    "accepts_anywhere expected_wage available_from priority_groups"
).split()
POSTING_KEYS = (
    "id occupation title description required_skills required_certificates min_education headcount filled "
    "wage_min wage_max work_region board lodging disability_friendly target_groups valid_from valid_until status"
).split()


def to_day(value: Any, default: int) -> int:
    """Days since 1970-01-01 of a date, datetime, ISO string or day number; ``default`` if none/bad."""
    if value is None or value == "":
        return default
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return default
    if isinstance(value, dt.date):
        return (value - dt.date(1970, 1, 1)).days
    return default


def from_day(day: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(day))


def education_rank(value: Any) -> int:
    if value is None or value == "":
        return -1
    if isinstance(value, (int, np.integer)):
        return int(value) if 0 <= int(value) < len(EDUCATION_LEVELS) else -1
    return _EDU_RANK.get(str(value).strip(), -1)


def group_mask(groups: Iterable[str] | None) -> int:
    mask = 0
    for g in groups or ():
        if g in PRIORITY_GROUPS:
            mask |= 1 << PRIORITY_GROUPS.index(g)
        elif g in PRIORITY_NAMES:
            mask |= 1 << PRIORITY_NAMES.index(g)
    return mask


def group_names(mask: int) -> list[str]:
    return [PRIORITY_NAMES[i] for i in range(len(PRIORITY_GROUPS)) if mask >> i & 1]


def _wage(value: Any, weights: Weights) -> float:
    try:
        w = float(value)
    except (TypeError, ValueError):
        return float("nan")
    if not (weights.wage_sane_min <= w <= weights.wage_sane_max):
        return float("nan") if w == 0 else float("inf")  # inf marks "absurd" (0 is just "not given")
    return w


def _split(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [p for p in (x.strip() for x in value.replace("，", ",").replace("、", ",").split(",")) if p]
    return [str(x) for x in value if str(x).strip()]


_T = TypeVar("_T")


def _memo(fn: Callable[[Any], _T]) -> Callable[[Any], _T]:
    """``fn`` memoised for one batch build (record fields repeat a lot: codes, regions, levels).
    Keys carry the type, so 3 and 3.0 (equal hashes, different answers) never share an entry."""
    cache: dict[tuple[type, Any], _T] = {}

    def f(value: Any) -> _T:
        key = (type(value), value)
        try:
            return cache[key]
        except KeyError:
            out = cache[key] = fn(value)
            return out
        except TypeError:  # unhashable (a list where a scalar belongs): no memo
            return fn(value)

    return f


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Cyclic GC paused while a batch's lists are built: they hold no cycles, and in a process
    that already holds millions of records every full collection would walk all of them."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _centroids(codes: np.ndarray, regions: RegionTable | None) -> tuple[np.ndarray, np.ndarray]:
    lat = np.full(len(codes), np.nan, dtype=np.float32)
    lon = np.full(len(codes), np.nan, dtype=np.float32)
    if regions is None:
        return lat, lon
    cache: dict[int, tuple[float, float]] = {}
    for i, c in enumerate(codes.tolist()):
        if c:
            if c not in cache:
                cache[c] = regions.centroid(c)
            lat[i], lon[i] = cache[c]
    return lat, lon


@dataclass
class SeekerBatch:
    ids: np.ndarray  # int64 (n,)
    occ: np.ndarray  # int32 (n, K, 4): detailed, minor, medium, major ids; UNKNOWN-padded
    occ_codes: list[tuple[str, ...]]
    text: sp.csr_matrix  # (n, TEXT_DIM) L2-normalised
    certs: sp.csr_matrix  # (n, CERT_DIM) binary
    cert_names: list[tuple[str, ...]]
    education: np.ndarray  # int8, -1 unknown
    residence: np.ndarray  # int32 county code (hukou if no residence), 0 unknown
    hukou: np.ndarray  # int32
    lat: np.ndarray  # float32 residence centroid, NaN unknown
    lon: np.ndarray
    anywhere: np.ndarray  # bool: accepts any work region
    dest_ptr: np.ndarray  # int64 (n+1,) CSR pointers into dest_lo/dest_hi
    dest_lo: np.ndarray  # int32 accepted work-region code ranges
    dest_hi: np.ndarray
    dest_codes: list[tuple[int, ...]]
    wage: np.ndarray  # float32 expected monthly wage, NaN unknown
    available: np.ndarray  # int32 day number
    groups: np.ndarray  # uint8 priority-group bitmask
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def majors(self) -> np.ndarray:
        return self.occ[:, :, 3]

    @property
    def priority(self) -> np.ndarray:
        out: NDArray[np.bool_] = self.groups != 0
        return out

    @classmethod
    def from_records(
        cls,
        records: Sequence[Mapping[str, Any]],
        regions: RegionTable | None = None,
        occupations: OccupationTable | None = None,
        weights: Weights = DEFAULT_WEIGHTS,
    ) -> SeekerBatch:
        with _no_gc():
            return cls._from_records(records, regions, occupations, weights)

    @classmethod
    def _from_records(
        cls,
        records: Sequence[Mapping[str, Any]],
        regions: RegionTable | None,
        occupations: OccupationTable | None,
        weights: Weights,
    ) -> SeekerBatch:
        n = len(records)
        notes: list[str] = []
        occ = np.full((n, MAX_SEEKER_OCCUPATIONS, 4), UNKNOWN, dtype=np.int32)
        occ_codes: list[tuple[str, ...]] = []
        # Plain lists while looping (numpy item assignment is slow), arrays at the end.
        ids_l: list[int] = []
        edu_l: list[int] = []
        res_l: list[int] = []
        huk_l: list[int] = []
        any_l: list[bool] = []
        wage_l: list[float] = []
        avail_l: list[int] = []
        grp_l: list[int] = []
        ptr_l: list[int] = [0]
        occ_at: list[int] = []  # flat (row * MAX + slot) positions of stated occupations
        occ_val: list[tuple[int, int, int, int]] = []
        lo: list[int] = []
        hi: list[int] = []
        dest_codes: list[tuple[int, ...]] = []
        texts: list[str] = []
        certs: list[list[str]] = []
        id_cache: dict[str, tuple[tuple[int, int, int, int] | None, str]] = {}
        county, dest_range, edu_rank = _memo(county_code), _memo(destination_range), _memo(education_rank)
        wage_of = _memo(lambda v: _wage(v, weights))
        day_of = _memo(lambda v: to_day(v, NO_DATE_PAST))
        inf = float("inf")
        for i, r in enumerate(records):
            get = r.get
            rid = int(get("id", i))
            ids_l.append(rid)
            kept: list[str] = []
            codes = get("occupations")
            for code in _split(codes) if codes else ():
                hit = id_cache.get(code)
                if hit is None:
                    o = occupation_ids(code, occupations)
                    quad = None if o == NO_OCCUPATION else (o.detailed, o.minor, o.medium, o.major)
                    hit = id_cache[code] = (quad, canonical_occupation(code))
                quad, canon = hit
                if quad is None:
                    notes.append(f"seeker {rid}: unknown occupation code {code!r} ignored")
                    continue
                if canon in kept or len(kept) == MAX_SEEKER_OCCUPATIONS:
                    continue
                occ_at.append(i * MAX_SEEKER_OCCUPATIONS + len(kept))
                occ_val.append(quad)
                kept.append(canon)
            occ_codes.append(tuple(kept))
            texts.append(f"{get('skills') or ''} {get('text') or ''} {get('major') or ''}")
            cert_list = _split(get("certificates"))
            certs.append(cert_list)
            edu_l.append(edu_rank(get("education")))
            h = county(get("hukou_region"))
            res = county(get("residence_region")) or h
            huk_l.append(h)
            res_l.append(res)
            w = wage_of(get("expected_wage"))
            if w == inf:
                notes.append(f"seeker {rid}: expected wage {get('expected_wage')!r} is absurd, ignored")
                w = float("nan")
            wage_l.append(w)
            avail_l.append(day_of(get("available_from")))
            g = get("priority_groups")
            grp_l.append(group_mask(g) if g else 0)
            dests = get("destinations")
            ranges = [rg for rg in map(dest_range, _split(dests)) if rg] if dests else []
            anywhere = bool(get("accepts_anywhere"))
            if not ranges and not anywhere:
                if res:
                    # No stated destination: stay near home (the residence prefecture).
                    home = dest_range(res // 100 * 100)
                    ranges = [home] if home else []
                else:
                    notes.append(f"seeker {rid}: no region and no destination; treated as accepting anywhere")
                    anywhere = True
            any_l.append(anywhere)
            if len(ranges) > 1:
                ranges = sorted(set(ranges))
            for a, b in ranges:
                lo.append(a)
                hi.append(b)
            dest_codes.append(tuple(a for a, _ in ranges))
            ptr_l.append(len(lo))
        if occ_at:
            occ.reshape(n * MAX_SEEKER_OCCUPATIONS, 4)[occ_at] = occ_val
        ids = np.array(ids_l, dtype=np.int64)
        education = np.array(edu_l, dtype=np.int8)
        residence = np.array(res_l, dtype=np.int32)
        hukou = np.array(huk_l, dtype=np.int32)
        anywhere_a = np.array(any_l, dtype=bool)
        wage = np.array(wage_l, dtype=np.float32)
        available = np.array(avail_l, dtype=np.int32)
        groups = np.array(grp_l, dtype=np.uint8)
        dest_ptr = np.array(ptr_l, dtype=np.int64)
        k = max(1, max((len(c) for c in occ_codes), default=1))
        lat, lon = _centroids(residence, regions)
        return cls(
            ids=ids,
            occ=np.ascontiguousarray(occ[:, :k]),
            occ_codes=occ_codes,
            text=hash_texts(texts),
            certs=hash_sets(certs),
            cert_names=[tuple(c) for c in certs],
            education=education,
            residence=residence,
            hukou=hukou,
            lat=lat,
            lon=lon,
            anywhere=anywhere_a,
            dest_ptr=dest_ptr,
            dest_lo=np.asarray(lo, dtype=np.int32),
            dest_hi=np.asarray(hi, dtype=np.int32),
            dest_codes=dest_codes,
            wage=wage,
            available=available,
            groups=groups,
            notes=notes,
        )

    def subset(self, idx: ArrayLike) -> SeekerBatch:
        idx = np.asarray(idx, dtype=np.int64)
        counts = self.dest_ptr[idx + 1] - self.dest_ptr[idx]
        ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        take: NDArray[np.int64] = np.asarray(
            np.concatenate([np.arange(self.dest_ptr[i], self.dest_ptr[i + 1]) for i in idx])
            if len(idx)
            else [],
            dtype=np.int64,
        )
        lst = idx.tolist()
        return SeekerBatch(
            ids=self.ids[idx], occ=self.occ[idx], occ_codes=[self.occ_codes[i] for i in lst],
            text=self.text[idx], certs=self.certs[idx], cert_names=[self.cert_names[i] for i in lst],
            education=self.education[idx], residence=self.residence[idx], hukou=self.hukou[idx],
            lat=self.lat[idx], lon=self.lon[idx], anywhere=self.anywhere[idx], dest_ptr=ptr,
            dest_lo=self.dest_lo[take], dest_hi=self.dest_hi[take],
            dest_codes=[self.dest_codes[i] for i in lst], wage=self.wage[idx],
            available=self.available[idx], groups=self.groups[idx],
        )  # fmt: skip


@dataclass
class PostingBatch:
    ids: np.ndarray  # int64
    occ: np.ndarray  # int32 (n, 4); POSTING_UNKNOWN_OCC where unknown
    occ_codes: list[str]
    titles: list[str]
    text: sp.csr_matrix
    req_certs: sp.csr_matrix  # binary
    req_count: np.ndarray  # int32 number of distinct required certificates
    cert_names: list[tuple[str, ...]]
    min_education: np.ndarray  # int8, -1 none
    wage_min: np.ndarray  # float32 NaN unknown, inf absurd
    wage_max: np.ndarray
    work: np.ndarray  # int32 county code, 0 unknown
    lat: np.ndarray
    lon: np.ndarray
    board: np.ndarray  # bool
    lodging: np.ndarray
    disability_friendly: np.ndarray
    targets: np.ndarray  # uint8 bitmask
    is_open: np.ndarray  # bool: status open
    vacancies: np.ndarray  # int32 headcount - filled, >= 0
    valid_from: np.ndarray  # int32 day
    valid_until: np.ndarray
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def offer(self) -> np.ndarray:
        """The wage a seeker compares with: the top of the range, or the floor if no top."""
        return np.where(np.isnan(self.wage_max), self.wage_min, self.wage_max).astype(np.float32)

    @classmethod
    def from_records(
        cls,
        records: Sequence[Mapping[str, Any]],
        regions: RegionTable | None = None,
        occupations: OccupationTable | None = None,
        weights: Weights = DEFAULT_WEIGHTS,
    ) -> PostingBatch:
        with _no_gc():
            return cls._from_records(records, regions, occupations, weights)

    @classmethod
    def _from_records(
        cls,
        records: Sequence[Mapping[str, Any]],
        regions: RegionTable | None,
        occupations: OccupationTable | None,
        weights: Weights,
    ) -> PostingBatch:
        n = len(records)
        notes: list[str] = []
        names = ("ids", "min_education", "wage_min", "wage_max", "work", "board", "lodging",
                 "disability_friendly", "targets", "is_open", "vacancies", "valid_from", "valid_until")  # fmt: skip
        col: dict[str, list[Any]] = {
            name: [] for name in names
        }  # plain lists while looping, arrays at the end
        occ = np.full((n, 4), POSTING_UNKNOWN_OCC, np.int32)
        occ_at: list[int] = []
        occ_val: list[list[int]] = []
        occ_codes: list[str] = []
        titles: list[str] = []
        texts: list[str] = []
        certs: list[list[str]] = []
        id_cache: dict[str, tuple[list[int] | None, str]] = {}
        county, edu_rank = _memo(county_code), _memo(education_rank)
        wage_of = _memo(lambda v: _wage(v, weights))
        day_from = _memo(lambda v: to_day(v, NO_DATE_PAST))
        day_until = _memo(lambda v: to_day(v, NO_DATE_FUTURE))
        c_ids, c_edu, c_wmin, c_wmax, c_work = (
            col[k] for k in ("ids", "min_education", "wage_min", "wage_max", "work")
        )
        c_board, c_lodging, c_friendly, c_targets = (
            col[k] for k in ("board", "lodging", "disability_friendly", "targets")
        )
        c_open, c_vac, c_from, c_until = (
            col[k] for k in ("is_open", "vacancies", "valid_from", "valid_until")
        )
        for i, r in enumerate(records):
            get = r.get
            pid = int(get("id", i))
            c_ids.append(pid)
            code = str(get("occupation") or "")
            hit = id_cache.get(code)
            if hit is None:
                o = occupation_ids(code, occupations)
                if o == NO_OCCUPATION:
                    hit = id_cache[code] = (None, "")
                else:
                    ids = [
                        v if v != UNKNOWN else POSTING_UNKNOWN_OCC
                        for v in (o.detailed, o.minor, o.medium, o.major)
                    ]
                    hit = id_cache[code] = (ids, canonical_occupation(code))
            quad, canon = hit
            if quad is None:
                if code:
                    notes.append(f"posting {pid}: unknown occupation code {code!r} ignored")
                occ_codes.append("")
            else:
                occ_at.append(i)
                occ_val.append(quad)
                occ_codes.append(canon)
            title = str(get("title") or "")
            titles.append(title)
            texts.append(f"{title} {get('required_skills') or ''} {get('description') or ''}")
            req = get("required_certificates")
            certs.append(sorted(set(_split(req))) if req else [])
            c_edu.append(edu_rank(get("min_education")))
            wmin, wmax = wage_of(get("wage_min")), wage_of(get("wage_max"))
            if wmin > wmax:  # False when either is NaN
                wmin, wmax = wmax, wmin
            c_wmin.append(wmin)
            c_wmax.append(wmax)
            c_work.append(county(get("work_region")))
            c_board.append(bool(get("board")))
            c_lodging.append(bool(get("lodging")))
            c_friendly.append(bool(get("disability_friendly")))
            g = get("target_groups")
            c_targets.append(group_mask(g) if g else 0)
            c_open.append(str(get("status") or "open") == "open")
            try:
                headcount, filled = int(get("headcount") or 0), int(get("filled") or 0)
            except (TypeError, ValueError):
                headcount, filled = 0, 0
                notes.append(f"posting {pid}: headcount/filled not numbers, treated as 0")
            c_vac.append(max(headcount - filled, 0))
            c_from.append(day_from(get("valid_from")))
            c_until.append(day_until(get("valid_until")))
        if occ_at:
            occ[occ_at] = occ_val
        dtypes = {"ids": np.int64, "min_education": np.int8, "wage_min": np.float32, "wage_max": np.float32,
                  "work": np.int32, "board": bool, "lodging": bool, "disability_friendly": bool, "targets": np.uint8,
                  "is_open": bool, "vacancies": np.int32, "valid_from": np.int32, "valid_until": np.int32}  # fmt: skip
        arr = {name: np.array(col[name], dtype=dtypes[name]) for name in names}
        arr["occ"] = occ
        lat, lon = _centroids(arr["work"], regions)
        req = hash_sets(certs)
        return cls(
            occ_codes=occ_codes, titles=titles, text=hash_texts(texts), req_certs=req,
            req_count=np.diff(req.indptr).astype(np.int32), cert_names=[tuple(c) for c in certs],
            lat=lat, lon=lon, notes=notes, **arr,
        )  # fmt: skip

    def subset(self, idx: ArrayLike) -> PostingBatch:
        idx = np.asarray(idx, dtype=np.int64)
        lst = idx.tolist()
        out: dict[str, Any] = {}
        for name, value in self.__dict__.items():
            if name == "notes":
                continue
            if isinstance(value, list):
                out[name] = [value[i] for i in lst]
            else:
                out[name] = value[idx]
        return PostingBatch(**out)
