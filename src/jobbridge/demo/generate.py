"""Vectorised generation of the demo world.

Every attribute is drawn for all rows at once with numpy from one seeded generator per table, so
``--seed`` reproduces the same people, enterprises and postings (the Fernet ciphertexts differ
because each carries a random IV and a timestamp; the clear values and their keyed hashes do not).
Rows come out as tuples in the column order the writer is given; nothing here touches the database
except ``Reference.load``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import numpy as np

from jobbridge.core.models import Region

from . import world

DEMO_ORG_PREFIX = "DM"  # demo enterprises' USCC organisation code starts with this (chars 9-10)
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
DEMO_USCC_BASE = _USCC_ALPHABET.index("D") * 31**7 + _USCC_ALPHABET.index("M") * 31**6
MOBILE_PREFIXES = np.array(
    [
        130,
        131,
        132,
        133,
        134,
        135,
        136,
        137,
        138,
        139,
        150,
        151,
        152,
        153,
        155,
        156,
        157,
        158,
        159,
        180,
        181,
        182,
        183,
        184,
        185,
        186,
        187,
        188,
        189,
    ],
    dtype=np.int64,
)
ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
ID_CHECK = np.array(list("10X98765432"))
EDUCATION_VALUES = [
    "none",
    "primary",
    "junior",
    "senior",
    "vocational",
    "college",
    "bachelor",
    "postgraduate",
]
STATUS_VALUES = ["unemployed", "employed", "flexible", "student", "inactive"]
EPOCH = dt.date(1970, 1, 1)


def _days(d: dt.date) -> int:
    return (d - EPOCH).days


_INDEX = {c: i for i, c in enumerate(_USCC_ALPHABET)}
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code(region: str, sequence: int) -> str:
    """Same result as core.synthetic_ids.credit_code (tests compare them), without stdnum's
    per-call overhead: the demo makes 50,000 of these."""
    n, org = sequence, []
    for _ in range(8):
        n, r = divmod(n, 31)
        org.append(r)
    org.reverse()
    check = 11 - sum(v * w for v, w in zip(org, _ORG_WEIGHTS, strict=True)) % 11
    body = "91" + region + "".join(_USCC_ALPHABET[v] for v in org) + {10: "X", 11: "0"}.get(check, str(check))
    total = sum(_INDEX[c] * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return body + _USCC_ALPHABET[(31 - total) % 31]


def _year(day: int) -> int:
    return (EPOCH + dt.timedelta(days=int(day))).year


def iso_dates(days: np.ndarray) -> list[str]:
    """ISO date strings for day numbers since 1970-01-01 (vectorised)."""
    return np.asarray(days, dtype="datetime64[D]").astype(str).tolist()


@dataclass
class Reference:
    """The divisions the demo draws from, read once from core.Region."""

    origin_counties: list[str]
    origin_weights: np.ndarray
    origin_townships: dict[str, list[str]]
    dest_counties: list[str]
    dest_weights: np.ndarray
    dest_townships: dict[str, list[str]]
    names: dict[str, str]

    @classmethod
    def load(cls) -> Reference:
        origin = list(world.ORIGIN_COUNTIES)
        dest = [c for c, _w in world.DESTINATION_COUNTIES]
        rows = Region.objects.filter(level=Region.Level.TOWNSHIP, parent_id__in=origin + dest).values_list(
            "code", "parent_id"
        )
        towns: dict[str, list[str]] = {}
        for code, parent in rows.order_by("code"):
            towns.setdefault(parent, []).append(code)
        names = dict(
            Region.objects.filter(
                code__in=[c for t in towns.values() for c in t] + origin + dest + world.DESIRED_CITIES
            ).values_list("code", "name")
        )
        missing = [c for c in origin + dest if not towns.get(c)]
        if missing:
            raise RuntimeError(f"reference data lacks townships under {missing}; run migrate first")
        ow = np.array([world.ORIGIN_COUNTIES[c] for c in origin])
        dw = np.array([w for _c, w in world.DESTINATION_COUNTIES])
        return cls(
            origin,
            ow / ow.sum(),
            {c: towns[c] for c in origin},
            dest,
            dw / dw.sum(),
            {c: towns[c] for c in dest},
            names,
        )


@dataclass
class Plan:
    seekers: int
    enterprises: int
    postings: int
    seed: int
    today: dt.date
    ids: dict[str, int] = field(default_factory=dict)  # first free primary key per table
    users: dict[str, int] = field(default_factory=dict)  # demo account ids by key


def _pick_townships(rng, counties: list[str], weights: np.ndarray, towns: dict[str, list[str]], n: int):
    """n township codes: a county by weight, then a township uniformly within it."""
    county_idx = rng.choice(len(counties), size=n, p=weights)
    flat = [t for c in counties for t in towns[c]]
    offsets = np.cumsum([0] + [len(towns[c]) for c in counties])
    sizes = np.diff(offsets)
    town_idx = offsets[county_idx] + (rng.random(n) * sizes[county_idx]).astype(np.int64)
    return np.array(flat, dtype=object), town_idx, county_idx


def _names(rng, n: int, male: np.ndarray) -> list[str]:
    sw = np.array(world.SURNAME_WEIGHTS)
    surname = rng.choice(len(world.SURNAMES), size=n, p=sw / sw.sum())
    two = rng.random(n) < 0.7
    gm, gf = world.GIVEN_MALE, world.GIVEN_FEMALE
    a = rng.integers(0, 10**6, size=n)
    b = rng.integers(0, 10**6, size=n)
    out = []
    sn = world.SURNAMES
    for s, m, t, x, y in zip(
        surname.tolist(), male.tolist(), two.tolist(), a.tolist(), b.tolist(), strict=True
    ):
        pool = gm if m else gf
        out.append(sn[s] + pool[x % len(pool)] + (pool[y % len(pool)] if t else ""))
    return out


def mobiles(rng, n: int) -> np.ndarray:
    """Distinct 11-digit mainland mobile numbers (13x/15x/18x) as int64."""
    prefix = MOBILE_PREFIXES[rng.integers(0, len(MOBILE_PREFIXES), size=n)]
    nums = prefix * 10**8 + rng.integers(0, 10**8, size=n)
    while True:
        _u, first = np.unique(nums, return_index=True)
        dup = np.ones(n, dtype=bool)
        dup[first] = False
        if not dup.any():
            return nums
        k = int(dup.sum())
        nums[dup] = MOBILE_PREFIXES[rng.integers(0, len(MOBILE_PREFIXES), size=k)] * 10**8 + rng.integers(
            0, 10**8, size=k
        )


def resident_ids(rng, county: np.ndarray, birth_days: np.ndarray, male: np.ndarray) -> list[str]:
    """Valid, distinct 18-digit resident ID numbers (GB 11643): birthplace, birth date, sequence, check.

    Same layout as core.synthetic_ids.resident_id, computed for all rows at once."""
    n = len(county)
    births = np.asarray(birth_days, dtype="datetime64[D]")
    ymd = births.astype(str)
    ymd_int = np.array([int(s.replace("-", "")) for s in ymd.tolist()], dtype=np.int64)
    county_int = county.astype(np.int64)
    seq = rng.integers(0, 500, size=n) * 2 + male.astype(np.int64)  # odd = male
    while True:
        body = county_int * 10**11 + ymd_int * 1000 + seq
        _u, first = np.unique(body, return_index=True)
        dup = np.ones(n, dtype=bool)
        dup[first] = False
        if not dup.any():
            break
        k = int(dup.sum())
        seq[dup] = rng.integers(0, 500, size=k) * 2 + male[dup].astype(np.int64)
    digits = (body[:, None] // (10 ** np.arange(16, -1, -1, dtype=np.int64))) % 10
    check = ID_CHECK[(digits * ID_WEIGHTS).sum(axis=1) % 11]
    return [f"{b:017d}{c}" for b, c in zip(body.tolist(), check.tolist(), strict=True)]


# --------------------------------------------------------------------------------------------
# Grids (villages and communities under the origin townships)
# --------------------------------------------------------------------------------------------


def grids(ref: Reference, seed: int) -> list[tuple[str, str, str]]:
    """(code, name, township) for 3-6 grids per origin township; codes are 12-digit village codes."""
    rng = np.random.default_rng([seed, 11])
    out = []
    words = world.VILLAGE_WORDS
    for county in ref.origin_counties:
        for town in ref.origin_townships[county]:
            street = ref.names.get(town, "").endswith("街道")
            for k in range(int(rng.integers(3, 7))):
                a, b = rng.integers(0, len(words), size=2)
                name = words[a] + words[b] + ("社区" if street else "村")
                out.append((f"{town}{k + 1:03d}", name, town))
    return out


# --------------------------------------------------------------------------------------------
# Seekers and households
# --------------------------------------------------------------------------------------------


@dataclass
class People:
    n: int
    ids: np.ndarray
    name: list[str]
    id_number: list[str]
    phone: list[str | None]
    male: np.ndarray
    birth: list[str]
    hukou: np.ndarray  # township codes (object)
    residence: np.ndarray
    grid_code: list[str | None]
    household: np.ndarray  # household ids
    education: list[str]
    major: list[str]
    skills: list[str]
    anywhere: np.ndarray
    wage: list[int | None]
    available: list[str | None]
    status: list[str]
    created: np.ndarray  # seconds since epoch
    households: list[tuple]  # (id, code, region_id, address)
    desired_occ: list[tuple[int, str]]
    skill_occ: list[tuple[int, str]]
    desired_regions: list[tuple[int, str]]
    diagnoses: list[tuple]  # (seeker_id, criterion, evidence, valid_from, valid_until, confirmed_by)


def people(plan: Plan, ref: Reference, grid_rows: list[tuple[str, str, str]]) -> People:
    """The seekers and their households, drawn in named steps from one generator.

    The steps share ``rng`` and run in a fixed order (each draws a fixed number of values for a
    given plan), so ``--seed`` reproduces the same world; a new step goes at the end, or every
    step after it draws different values."""
    rng = np.random.default_rng([plan.seed, 1])
    n = plan.seekers
    if n == 0:
        return _no_people()
    today = _days(plan.today)
    hh = _households(rng, plan, ref, n)
    who = _identities(rng, plan, hh, n)
    edu_idx, education, major = _education(rng, who.cohort, n)
    residence, away = _residence(rng, ref, hh, n)
    grid_code = _grid_codes(rng, grid_rows, residence, away, n)
    status_idx, status, zero_member = _employment(rng, today, who.birth_days, away, hh, n)
    diag = _diagnoses(rng, plan, ref, today, hh, who, status_idx, status, zero_member, n)
    desired_occ, first_occ = _desired_occupations(rng, who, status_idx, n)
    skill_occ, skills = _skills(rng, who.ids, first_occ, n)
    anywhere, desired_regions = _desired_regions(rng, who.ids, hh.county, first_occ, n)
    wage, available = _wages_and_availability(rng, today, first_occ, edu_idx, status, n)
    created = (
        (today - rng.integers(0, 730, size=n)) * 86400 + rng.integers(8 * 3600, 18 * 3600, size=n) - 8 * 3600
    )
    return People(
        n=n,
        ids=who.ids,
        name=_names(rng, n, who.male),
        id_number=who.id_numbers,
        phone=who.phones,
        male=who.male,
        birth=iso_dates(who.birth_days),
        hukou=hh.hukou,
        residence=residence,
        grid_code=grid_code,
        household=hh.ids[hh.member],
        education=education,
        major=major,
        skills=skills,
        anywhere=anywhere,
        wage=wage,
        available=available,
        status=status,
        created=created,
        households=_household_rows(ref, hh),
        desired_occ=desired_occ,
        skill_occ=skill_occ,
        desired_regions=desired_regions,
        diagnoses=diag,
    )


def _no_people() -> People:
    e = np.zeros(0, dtype=np.int64)
    return People(
        n=0,
        ids=e,
        name=[],
        id_number=[],
        phone=[],
        male=e.astype(bool),
        birth=[],
        hukou=e.astype(object),
        residence=e.astype(object),
        grid_code=[],
        household=e,
        education=[],
        major=[],
        skills=[],
        anywhere=e.astype(bool),
        wage=[],
        available=[],
        status=[],
        created=e,
        households=[],
        desired_occ=[],
        skill_occ=[],
        desired_regions=[],
        diagnoses=[],
    )


@dataclass
class _Households:
    n: int
    sizes: np.ndarray  # members per household
    ids: np.ndarray
    towns: list[str]  # each household's township
    member: np.ndarray  # the household (index) of each person
    hukou: np.ndarray  # each person's hukou township (object)
    county: np.ndarray  # each person's hukou county (object)


def _households(rng, plan: Plan, ref: Reference, n: int) -> _Households:
    """Households first: members share the hukou township; sizes 1-5."""
    hh_n = max(1, int(n / 2.2) + 10)
    sizes = rng.choice([1, 2, 3, 4, 5], size=hh_n, p=[0.28, 0.34, 0.24, 0.10, 0.04])
    while sizes.sum() < n:
        sizes = np.concatenate([sizes, rng.choice([1, 2, 3], size=hh_n // 4 + 10)])
    cut = int(np.searchsorted(np.cumsum(sizes), n)) + 1
    sizes = sizes[:cut]
    sizes[-1] -= sizes.sum() - n
    hh_n = len(sizes)
    town_names, hh_town_idx, _county_idx = _pick_townships(
        rng, ref.origin_counties, ref.origin_weights, ref.origin_townships, hh_n
    )
    # The demo commissioner's township (Ledu, Gaomiao) always holds the first households.
    first = np.arange(hh_n) < max(1, min(40, hh_n // 20))
    hh_town_idx[first] = int(np.where(town_names == world.COMMISSIONER_TOWNSHIP)[0][0])
    member_hh = np.repeat(np.arange(hh_n), sizes)
    hukou_idx = hh_town_idx[member_hh]
    return _Households(
        n=hh_n,
        sizes=sizes,
        ids=plan.ids["household"] + np.arange(hh_n),
        towns=town_names[hh_town_idx].tolist(),
        member=member_hh,
        hukou=town_names[hukou_idx],
        county=np.array([t[:6] for t in town_names.tolist()], dtype=object)[hukou_idx],
    )


def _household_rows(ref: Reference, hh: _Households) -> list[tuple]:
    """(id, code, region_id, address) per household; no random draws."""
    households = []
    roads = ["村", "组", "社"]
    for h, (hid, town) in enumerate(zip(hh.ids.tolist(), hh.towns, strict=True)):
        addr = (
            f"{ref.names.get(town[:6], '')}{ref.names.get(town, '')}{h % 12 + 1}{roads[h % 3]}{h % 97 + 1}号"
        )
        households.append((hid, f"{town}-{hid:07d}", town, addr))
    return households


@dataclass
class _Identities:
    ids: np.ndarray
    male: np.ndarray
    cohort: np.ndarray  # 0: born 1965-74, 1: 1975-97, 2: 1998-2006
    birth_days: np.ndarray
    id_numbers: list[str]
    phones: list[str | None]


def _identities(rng, plan: Plan, hh: _Households, n: int) -> _Identities:
    """Gender, birth date, resident ID number (birthplace code valid in the birth year) and mobile."""
    county = hh.county
    male = rng.random(n) < 0.57
    # Birth dates 1965-2006: most migrant workers are 25-50.
    cohort = rng.choice(3, size=n, p=[0.22, 0.6, 0.18])
    lo = np.array([_days(dt.date(1965, 1, 1)), _days(dt.date(1975, 1, 1)), _days(dt.date(1998, 1, 1))])
    hi = np.array([_days(dt.date(1975, 1, 1)), _days(dt.date(1998, 1, 1)), _days(dt.date(2007, 1, 1))])
    birth_days = lo[cohort] + (rng.random(n) * (hi - lo)[cohort]).astype(np.int64)
    birth_year = np.asarray(birth_days, dtype="datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    earliest = {c: min(y for _code, y, _e in h) for c, h in world.BIRTHPLACE_CODES.items()}
    for c, first_year in earliest.items():
        late = (county == c) & (birth_year < first_year)
        if late.any():
            lo_c, hi_c = _days(dt.date(first_year, 1, 1)), _days(dt.date(2007, 1, 1))
            birth_days[late] = lo_c + (rng.random(int(late.sum())) * (hi_c - lo_c)).astype(np.int64)
    birth_year = np.asarray(birth_days, dtype="datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    birthplace = np.empty(n, dtype=object)
    for c, history in world.BIRTHPLACE_CODES.items():
        in_c = county == c
        for code, y0, y1 in history:
            birthplace[in_c & (birth_year >= y0) & (birth_year <= y1)] = code
    id_numbers = resident_ids(rng, birthplace, birth_days, male)
    phone_nums = mobiles(rng, n)
    has_phone = rng.random(n) < 0.93
    phones = [str(p) if h else None for p, h in zip(phone_nums.tolist(), has_phone.tolist(), strict=True)]
    return _Identities(
        ids=plan.ids["seeker"] + np.arange(n),
        male=male,
        cohort=cohort,
        birth_days=birth_days,
        id_numbers=id_numbers,
        phones=phones,
    )


# Education by birth cohort (rows: born 1965-74, 1975-97, 1998-2006; columns: EDUCATION_VALUES).
EDUCATION_BY_COHORT = np.array(
    [
        [0.06, 0.28, 0.46, 0.10, 0.06, 0.03, 0.01, 0.0],
        [0.01, 0.10, 0.45, 0.14, 0.13, 0.11, 0.055, 0.005],
        [0.0, 0.02, 0.22, 0.14, 0.24, 0.24, 0.13, 0.01],
    ]
)


def _education(rng, cohort: np.ndarray, n: int) -> tuple[np.ndarray, list[str], list[str]]:
    """Education by cohort, and a major for those past secondary school."""
    u = rng.random(n)
    edu_idx = (u[:, None] > np.cumsum(EDUCATION_BY_COHORT, axis=1)[cohort]).sum(axis=1)
    edu_idx = np.minimum(edu_idx, len(EDUCATION_VALUES) - 1)
    education = [EDUCATION_VALUES[i] for i in edu_idx.tolist()]
    major_pick = rng.integers(0, 1000, size=n).tolist()
    major = [
        (world.MAJORS[e][m % len(world.MAJORS[e])] if e in world.MAJORS else "")
        for e, m in zip(education, major_pick, strict=True)
    ]
    return edu_idx, education, major


def _residence(rng, ref: Reference, hh: _Households, n: int) -> tuple[np.ndarray, np.ndarray]:
    """At home, in the county seat, or away working in a destination township; (residence, away)."""
    county = hh.county
    where = rng.choice(3, size=n, p=[0.70, 0.12, 0.18])
    residence = hh.hukou.copy()
    same_county = where == 1
    county_list = county[same_county].tolist()
    pick = rng.integers(0, 1000, size=int(same_county.sum())).tolist()
    residence[same_county] = [
        ref.origin_townships[c][p % len(ref.origin_townships[c])]
        for c, p in zip(county_list, pick, strict=True)
    ]
    away = where == 2
    dnames, dtown_idx, _dc = _pick_townships(
        rng, ref.dest_counties, ref.dest_weights, ref.dest_townships, int(away.sum())
    )
    residence[away] = dnames[dtown_idx]
    return residence, away


def _grid_codes(
    rng, grid_rows: list[tuple[str, str, str]], residence: np.ndarray, away: np.ndarray, n: int
) -> list[str | None]:
    """The grid of the residence township when that is at home."""
    grids_by_town: dict[str, list[str]] = {}
    for code, _name, town in grid_rows:
        grids_by_town.setdefault(town, []).append(code)
    gpick = rng.integers(0, 1000, size=n).tolist()
    return [
        None if a else (lambda g, p: g[p % len(g)] if g else None)(grids_by_town.get(r), p)
        for r, a, p in zip(residence.tolist(), away.tolist(), gpick, strict=True)
    ]


def _employment(
    rng, today: int, birth_days: np.ndarray, away: np.ndarray, hh: _Households, n: int
) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Employment status (index and value), with zero-employment households (none of 2+ members
    in work) and somebody in work in every other household of 2+; also who is in a zero-employment
    household."""
    age = (today - birth_days) / 365.25
    status_idx = rng.choice(5, size=n, p=[0.50, 0.27, 0.16, 0.0, 0.07])
    status_idx[away] = rng.choice(3, size=int(away.sum()), p=[0.06, 0.80, 0.14])
    young = (age < 23) & (rng.random(n) < 0.45) & ~away
    status_idx[young] = 3
    old = (age > 58) & (rng.random(n) < 0.4)
    status_idx[old] = 4

    multi = hh.sizes >= 2
    zero_hh = multi & (rng.random(hh.n) < 0.035)
    zero_member = zero_hh[hh.member]
    status_idx[zero_member] = 0
    # Outside zero-employment families, a household of 2+ has somebody in work.
    working = np.isin(status_idx, [1, 2])
    any_working = np.bincount(hh.member, weights=working, minlength=hh.n) > 0
    fix_hh = multi & ~zero_hh & ~any_working
    starts = np.concatenate([[0], np.cumsum(hh.sizes)[:-1]])
    status_idx[starts[fix_hh]] = rng.choice([1, 2], size=int(fix_hh.sum()))
    return status_idx, [STATUS_VALUES[i] for i in status_idx.tolist()], zero_member


def _diagnoses(
    rng,
    plan: Plan,
    ref: Reference,
    today: int,
    hh: _Households,
    who: _Identities,
    status_idx: np.ndarray,
    status: list[str],
    zero_member: np.ndarray,
    n: int,
) -> list[tuple]:
    """Priority-group diagnoses (seeker_id, criterion, evidence, valid_from, valid_until,
    confirmed_by): disability, zero-employment family, registered unemployed, poverty and lifted
    out. A disabled person in work may be turned unemployed: ``status`` changes in place."""
    clerk = plan.users.get("county")

    def confirmed(i: int):
        return clerk if hh.hukou[i].startswith(world.LEDU) else None

    diag = _disability(rng, today, who, status_idx, status, confirmed, n)
    diag += _zero_employment(rng, ref, today, hh, who.ids, zero_member, confirmed)
    diag += _registered_unemployed(rng, today, hh.county, who.ids, status, confirmed, n)
    diag += _poverty(rng, hh, who.ids, confirmed)
    return diag


def _disability(rng, today, who: _Identities, status_idx, status, confirmed, n) -> list[tuple]:
    diag = []
    disabled = np.where(rng.random(n) < 0.028)[0]
    kinds = rng.integers(0, len(world.DISABILITY_KINDS), size=len(disabled)).tolist()
    grades = rng.integers(0, len(world.DISABILITY_GRADES), size=len(disabled)).tolist()
    starts_d = (today - rng.integers(60, 3650, size=len(disabled))).tolist()
    for i, k, g, s in zip(disabled.tolist(), kinds, grades, starts_d, strict=True):
        kind, grade = world.DISABILITY_KINDS[k], world.DISABILITY_GRADES[g]
        kcode = world.DISABILITY_KINDS.index(kind) + 1
        evidence = f"第二代残疾人证 {kind}残疾{grade}（证号尾号{who.id_numbers[i][-4:]}{kcode}{g // 2 + 1}）"
        diag.append((int(who.ids[i]), "disability", evidence, s, None, confirmed(i)))
        if status_idx[i] == 1 and rng.random() < 0.5:
            status[i] = "unemployed"
    return diag


def _zero_employment(rng, ref: Reference, today, hh: _Households, ids, zero_member, confirmed) -> list[tuple]:
    diag = []
    ze_start = today - rng.integers(30, 540, size=hh.n)
    for i in np.where(zero_member)[0].tolist():
        h = hh.member[i]
        c = hh.county[i]
        evidence = f"{ref.names.get(c, c)}零就业家庭认定 第{2024 + (h % 3)}{h % 10000:04d}号（全户{hh.sizes[h]}人均未就业）"
        diag.append((int(ids[i]), "zero_employment", evidence, int(ze_start[h]), None, confirmed(i)))
    return diag


def _registered_unemployed(rng, today, county, ids, status, confirmed, n) -> list[tuple]:
    diag = []
    unemployed = np.array([s == "unemployed" for s in status], dtype=bool)
    reg = np.where(unemployed & (rng.random(n) < 0.18))[0]
    reg_start = (today - rng.integers(15, 1000, size=len(reg))).tolist()
    for i, s in zip(reg.tolist(), reg_start, strict=True):
        year = _year(s)
        evidence = f"就业失业登记证 {county[i]}{year}{int(ids[i]) % 1000000:06d}"
        diag.append((int(ids[i]), "registered_unemployed", evidence, s, None, confirmed(i)))
    return diag


def _poverty(rng, hh: _Households, ids, confirmed) -> list[tuple]:
    """Households registered in 2014-2016 (建档立卡); most were lifted out in 2019-2020 and carry
    an expired poverty record plus a current "lifted out" one; a few remain under monitoring."""
    diag = []
    poor_hh = rng.random(hh.n) < 0.16
    still_poor = poor_hh & (rng.random(hh.n) < 0.25)
    reg_day = _days(dt.date(2014, 4, 1)) + rng.integers(0, 900, size=hh.n)
    out_day = _days(dt.date(2019, 1, 1)) + rng.integers(0, 700, size=hh.n)
    for i in np.where(poor_hh[hh.member])[0].tolist():
        h = hh.member[i]
        c = hh.county[i]
        book = f"{c}{_year(reg_day[h])}{int(hh.ids[h]) % 100000:05d}"
        if still_poor[h]:
            diag.append(
                (
                    int(ids[i]),
                    "poverty",
                    f"建档立卡贫困户 扶贫手册{book}（防返贫监测对象）",
                    int(reg_day[h]),
                    None,
                    confirmed(i),
                )
            )
        else:
            diag.append(
                (
                    int(ids[i]),
                    "poverty",
                    f"建档立卡贫困户 扶贫手册{book}",
                    int(reg_day[h]),
                    int(out_day[h]) - 1,
                    confirmed(i),
                )
            )
            year = _year(out_day[h])
            diag.append(
                (
                    int(ids[i]),
                    "lifted_out",
                    f"{year}年脱贫户 扶贫手册{book}",
                    int(out_day[h]),
                    None,
                    confirmed(i),
                )
            )
    return diag


# Relative weights of the desired occupations (keys of world.OCCUPATIONS) by gender; 0.2 for the rest.
OCCUPATION_WEIGHTS_MALE = {
    "welder": 6,
    "assembly": 8,
    "guard": 4,
    "courier": 5,
    "electrician": 4,
    "forklift": 4,
    "mason": 4,
    "rebar": 3,
    "chef": 4,
    "driver": 3,
    "cnc": 3,
    "delivery": 4,
    "loader": 3,
    "excavator": 2,
    "scaffold": 1,
    "carpenter": 2,
    "car_repair": 2,
    "solar": 2,
    "warehouse": 2,
    "inspector": 1,
    "debug": 1,
    "pastry": 1,
}
OCCUPATION_WEIGHTS_FEMALE = {
    "assembly": 8,
    "sewing": 6,
    "housekeeper": 5,
    "nanny": 4,
    "carer": 3,
    "waiter": 4,
    "cashier": 3,
    "packer": 3,
    "inspector": 3,
    "callcenter": 3,
    "cleaner": 2,
    "chef": 1,
    "pastry": 2,
    "solar": 1,
    "warehouse": 1,
    "debug": 1,
}


def _desired_occupations(rng, who: _Identities, status_idx, n) -> tuple[list[tuple[int, str]], np.ndarray]:
    """1-3 desired occupations by gender (students and the inactive: 0-1); returns the
    (seeker_id, occupation) pairs and each person's lowest-coded one (index, -1 for none)."""
    occ_keys = list(world.OCCUPATIONS)
    w_male = np.array([OCCUPATION_WEIGHTS_MALE.get(k, 0.2) for k in occ_keys])
    w_female = np.array([OCCUPATION_WEIGHTS_FEMALE.get(k, 0.2) for k in occ_keys])
    k_occ = rng.choice([1, 2, 3], size=n, p=[0.45, 0.38, 0.17])
    k_occ[np.isin(status_idx, [3, 4])] = rng.choice([0, 1], size=int(np.isin(status_idx, [3, 4]).sum()))
    owner = np.repeat(np.arange(n), k_occ)
    om = who.male[owner]
    occ = np.empty(len(owner), dtype=np.int64)
    occ[om] = rng.choice(len(occ_keys), size=int(om.sum()), p=w_male / w_male.sum())
    occ[~om] = rng.choice(len(occ_keys), size=int((~om).sum()), p=w_female / w_female.sum())
    pair = np.unique(owner * 64 + occ)
    owner, occ = pair // 64, pair % 64
    codes = _occupation_codes()
    desired_occ = [(int(who.ids[o]), codes[c]) for o, c in zip(owner.tolist(), occ.tolist(), strict=True)]
    first_occ = np.full(n, -1)
    first_occ[owner[::-1]] = occ[::-1]  # the lowest-coded desired occupation per person
    return desired_occ, first_occ


def _occupation_codes() -> list[str]:
    return [world.OCCUPATIONS[k][0] for k in world.OCCUPATIONS]


def _skills(rng, ids, first_occ, n) -> tuple[list[tuple[int, str]], list[str]]:
    """A skill (occupation and a phrase) for about half of those with a desired occupation."""
    occ_keys = list(world.OCCUPATIONS)
    codes = _occupation_codes()
    has_skill = (first_occ >= 0) & (rng.random(n) < 0.55)
    skill_idx = np.where(has_skill)[0]
    skill_occ = [(int(ids[i]), codes[first_occ[i]]) for i in skill_idx.tolist()]
    phrase_pick = rng.integers(0, 1000, size=n).tolist()
    skills = [""] * n
    for i in skill_idx.tolist():
        phrases = world.SKILL_PHRASES[occ_keys[first_occ[i]]]
        skills[i] = phrases[phrase_pick[i] % len(phrases)]
    return skill_occ, skills


# Weights of world.DESIRED_CITIES, in order.
DESIRED_CITY_WEIGHTS = np.array([0.18, 0.14, 0.16, 0.14, 0.08, 0.06, 0.06, 0.05, 0.06, 0.03, 0.04])


def _desired_regions(rng, ids, county, first_occ, n) -> tuple[np.ndarray, list[tuple[int, str]]]:
    """Who accepts work anywhere, and the others' 1-2 desired cities (some: their own county)."""
    anywhere = (rng.random(n) < 0.22) & (first_occ >= 0)
    k_reg = np.where(anywhere | (first_occ < 0), 0, rng.choice([1, 2], size=n, p=[0.6, 0.4]))
    rowner = np.repeat(np.arange(n), k_reg)
    city_w = DESIRED_CITY_WEIGHTS
    city = rng.choice(len(world.DESIRED_CITIES), size=len(rowner), p=city_w / city_w.sum())
    pair = np.unique(rowner * 16 + city)
    rowner, city = pair // 16, pair % 16
    desired_regions = [
        (int(ids[o]), world.DESIRED_CITIES[c]) for o, c in zip(rowner.tolist(), city.tolist(), strict=True)
    ]
    # Some want to work near home: their own county.
    near = np.where((first_occ >= 0) & ~anywhere & (rng.random(n) < 0.2))[0]
    desired_regions += [(int(ids[i]), county[i]) for i in near.tolist()]
    return anywhere, desired_regions


def _wages_and_availability(
    rng, today: int, first_occ, edu_idx, status: list[str], n: int
) -> tuple[list[int | None], list[str | None]]:
    """Expected wage near the desired occupation's band (none for some), and the date from which
    those not in work or inactive are available."""
    mid = np.array([sum(world.WAGES[k]) / 2 for k in world.OCCUPATIONS])
    wage_raw = np.where(first_occ >= 0, mid[np.maximum(first_occ, 0)], 4500) * rng.normal(1.0, 0.12, size=n)
    wage_raw *= np.where(edu_idx >= 5, 1.12, 1.0)
    wage_arr = np.clip(np.round(wage_raw / 500) * 500, 3500, 9000).astype(int)
    wage_null = (rng.random(n) < 0.1) | (first_occ < 0)
    wage = [None if z else w for w, z in zip(wage_arr.tolist(), wage_null.tolist(), strict=True)]
    avail_days = today + rng.integers(0, 120, size=n)
    avail_iso = iso_dates(avail_days)
    available = [None if s in ("employed", "inactive") else a for s, a in zip(status, avail_iso, strict=True)]
    return wage, available


# --------------------------------------------------------------------------------------------
# Enterprises, postings, visits
# --------------------------------------------------------------------------------------------


@dataclass
class Employers:
    enterprises: list[dict]
    postings: list[dict]
    parks: list[tuple[str, str]]


# Industries that hire in bulk (factories, construction sites, warehouses).
FACTORY_INDUSTRIES = {"39", "38", "18", "34", "33", "36", "29", "47", "50", "59", "60"}


def _profile_pick(rng, profiles: list[dict], n: int) -> np.ndarray:
    w = np.array([p["weight"] for p in profiles])
    return rng.choice(len(profiles), size=n, p=w / w.sum())


def employers(plan: Plan, ref: Reference) -> Employers:
    """Enterprises, then their postings, from one generator (the steps run in this order)."""
    rng = np.random.default_rng([plan.seed, 2])
    if plan.enterprises == 0:
        return Employers([], [], list(world.INDUSTRIAL_PARKS))
    ents = _enterprises(rng, plan, ref)
    posts = _postings(rng, plan, ref, ents)
    return Employers(ents, posts, list(world.INDUSTRIAL_PARKS))


STREETS = [
    "工业大道",
    "创业路",
    "高新路",
    "长江路",
    "科技园路",
    "新华路",
    "人民路",
    "兴业路",
    "锦绣路",
    "开发区大道",
]
BRAND_TAILS = "鑫泰源盛达丰华康隆昌安兴旺发祥瑞福"
SIZES = ["micro", "small", "medium", "large"]


def _enterprises(rng, plan: Plan, ref: Reference) -> list[dict]:
    """Where each enterprise is (destination counties, or locally in the origin counties), its
    profile (industry, jobs), name, size, contact and park. Enterprise 0 is an electronics
    factory in Wuxi's Xinwu district (the demo recruiter's); 1-3 are assistance workshops in the
    demo commissioner's township in Ledu."""
    m = plan.enterprises
    local = rng.random(m) < world.LOCAL_SHARE
    dnames, dtown_idx, _dc = _pick_townships(rng, ref.dest_counties, ref.dest_weights, ref.dest_townships, m)
    # Local employers: mostly in Haidong's counties.
    lw = np.array([w * (3 if c.startswith("6302") else 1) for c, w in world.ORIGIN_COUNTIES.items()])
    onames, otown_idx, _oc = _pick_townships(rng, ref.origin_counties, lw / lw.sum(), ref.origin_townships, m)
    town = np.where(local, onames[otown_idx], dnames[dtown_idx])
    town[0], local[0] = ref.dest_townships["320214"][0], False
    for i in range(1, min(4, m)):
        town[i], local[i] = world.COMMISSIONER_TOWNSHIP, True
    prof_idx = np.where(
        local, _profile_pick(rng, world.LOCAL_PROFILES, m), _profile_pick(rng, world.PROFILES, m)
    )
    prof_idx[0] = 0
    brand_a = rng.integers(0, len(world.BRANDS), size=m).tolist()
    brand_b = rng.integers(0, 1000, size=m).tolist()
    word_pick = rng.integers(0, 1000, size=m).tolist()
    size_idx = rng.choice(4, size=m, p=[0.12, 0.45, 0.33, 0.10])
    in_park = rng.random(m) < 0.35
    contact = _names(rng, m, rng.random(m) < 0.5)
    phones = mobiles(rng, m).tolist()
    parks_by_county: dict[str, list[str]] = {}
    for name, county in world.INDUSTRIAL_PARKS:
        parks_by_county.setdefault(county, []).append(name)
    ents = []
    for i in range(m):
        t = town[i]
        is_local = bool(local[i])
        prof = (world.LOCAL_PROFILES if is_local else world.PROFILES)[prof_idx[i]]
        words = prof["words"]
        brand = world.BRANDS[brand_a[i]]
        if brand_b[i] % 3 == 0:
            brand += BRAND_TAILS[brand_b[i] % len(BRAND_TAILS)]
        word = words[word_pick[i] % len(words)]
        county6 = t[:6]
        city = world.CITY_PREFIX.get(t[:4], ref.names.get(county6, ""))
        if is_local and prof.get("kind") == "workshop":
            name = f"{ref.names.get(t, '')}{brand}{word}就业帮扶车间"
            size = "small"
        else:
            name = f"{city}{brand}{word}有限公司"
            size = SIZES[size_idx[i]]
        if i == 0:
            name, size = "无锡捷安精密电子有限公司", "large"
        park = None
        if in_park[i] and parks_by_county.get(county6):
            opts = parks_by_county[county6]
            park = opts[brand_b[i] % len(opts)]
        ents.append(
            {
                "id": plan.ids["enterprise"] + i,
                "name": name[:128],
                "uscc": credit_code(county6, DEMO_USCC_BASE + i),
                "industry_id": prof["industry"],
                "region_id": t,
                "address": f"{ref.names.get(county6, '')}{ref.names.get(t, '')}"
                f"{STREETS[brand_b[i] % len(STREETS)]}{word_pick[i] % 300 + 1}号",
                "size": size,
                "contact_name": contact[i],
                "contact_phone": str(phones[i]),
                "park": park,
                "local": is_local,
                "workshop": prof.get("kind") == "workshop",
                "profile": prof,
                "brand": brand,
            }
        )
    return ents


HEADCOUNTS_SMALL = np.array([5, 6, 8, 10, 10, 12, 15, 20, 20, 25, 30, 30, 40, 50])
HEADCOUNTS_MID = np.array([60, 80, 100, 100, 120, 150, 200])
HEADCOUNTS_BIG = np.array([260, 300, 400, 500, 500])


def _postings(rng, plan: Plan, ref: Reference, ents: list[dict]) -> list[dict]:
    """Every enterprise gets one posting, the rest go preferably to larger ones. All random
    numbers are drawn here, for all postings at once; ``_posting`` turns one row of them into a
    posting."""
    m, p_total = len(ents), plan.postings
    today = _days(plan.today)
    weight = np.array([{"micro": 0.5, "small": 1, "medium": 2, "large": 4}[e["size"]] for e in ents])
    extra = max(0, p_total - m)
    owner = np.concatenate([np.arange(min(m, p_total)), rng.choice(m, size=extra, p=weight / weight.sum())])
    owner.sort(kind="stable")
    n = len(owner)
    u = rng.random((n, 8))
    pick = rng.integers(0, 10**6, size=(n, 3))
    v_from = today - rng.integers(0, 75, size=n)
    v_until = v_from + rng.integers(30, 120, size=n)
    created = v_from * 86400 + rng.integers(0, 10 * 3600, size=n)
    posts = []
    job_cache: dict[int, tuple[list[str], np.ndarray]] = {}
    json_cache: dict[tuple, str] = {}
    for j, (e_i, row, pk) in enumerate(zip(owner.tolist(), u.tolist(), pick.tolist(), strict=True)):
        e = ents[e_i]
        key = id(e["profile"])
        if key not in job_cache:
            jobs = e["profile"]["jobs"]
            w = np.cumsum(list(jobs.values()))
            job_cache[key] = (list(jobs), w / w[-1])
        keys, cum = job_cache[key]
        occ = keys[int(np.searchsorted(cum, row[0], side="right"))] if j != 0 else "assembly"
        posts.append(
            _posting(
                ref,
                e,
                occ,
                row,
                pk,
                pk_id=plan.ids["posting"] + j,
                valid=(int(v_from[j]), int(v_until[j])),
                created=int(created[j]),
                json_cache=json_cache,
            )
        )
    return posts


def _posting(
    ref: Reference,
    e: dict,
    occ: str,
    row: list[float],
    pk: list[int],
    *,
    pk_id: int,
    valid: tuple[int, int],
    created: int,
    json_cache: dict[tuple, str],
) -> dict:
    """One posting of enterprise ``e`` for occupation ``occ`` from its pre-drawn uniforms ``row``
    (8) and integers ``pk`` (3): title, headcount, wage band, board and lodging, target groups,
    status, certificates, education and description. No random draws here."""
    titles = world.TITLES[occ]
    title = titles[pk[0] % len(titles)].format(brand=e["brand"])
    industry = e["profile"]["industry"]
    factory = industry in FACTORY_INDUSTRIES
    if e["workshop"] or not factory:
        # Workshops, restaurants, hotels, households, shops: a handful to a few dozen.
        headcount = (
            int(HEADCOUNTS_SMALL[pk[1] % 9])
            if row[1] < 0.9
            else int(HEADCOUNTS_SMALL[pk[1] % len(HEADCOUNTS_SMALL)])
        )
    elif row[1] < 0.72:
        headcount = int(HEADCOUNTS_SMALL[pk[1] % len(HEADCOUNTS_SMALL)])
    elif row[1] < 0.95:
        headcount = int(HEADCOUNTS_MID[pk[1] % len(HEADCOUNTS_MID)])
    else:
        headcount = int(HEADCOUNTS_BIG[pk[1] % len(HEADCOUNTS_BIG)])
    lo, hi = world.WAGES[occ]
    mid = lo + (hi - lo) * row[2]
    if e["local"]:
        mid = 3500 + (mid - 3500) * 0.35
    width = 500 + 2000 * row[3]
    wmin = int(max(3500, min(9000, round((mid - width / 2) / 100) * 100)))
    wmax = int(max(wmin, min(9000, round((mid + width / 2) / 100) * 100)))
    if row[4] < 0.04:
        wmin = wmax = None  # 面议
    if e["workshop"]:
        board, lodging = row[5] < 0.3, False
    elif industry in {"62", "61"}:
        board, lodging = True, row[5] < 0.65
    elif occ in {"housekeeper", "nanny"}:
        board, lodging = True, row[5] < 0.5
    elif factory:
        board, lodging = row[5] < 0.88, row[5] < 0.82
    else:
        board, lodging = row[5] < 0.4, row[5] < 0.3
    friendly_occ = occ in {"packer", "callcenter", "sewing", "assembly", "cashier", "inspector"}
    disability = "残疾" in title or (friendly_occ and row[6] < (0.3 if e["local"] else 0.06))
    groups = []
    if disability:
        groups.append("disability")
    if e["workshop"] and row[7] < 0.75:
        groups += ["poverty", "lifted_out"]
    elif row[7] < 0.04:
        groups.append("zero_employment")
    elif row[7] < 0.08:
        groups.append("registered_unemployed")
    status_roll = (pk[2] % 1000) / 1000
    if status_roll < 0.80:
        status, filled = "open", int(headcount * row[3] * 0.8)
    elif status_roll < 0.88:
        status, filled = "filled", headcount
    elif status_roll < 0.95:
        status, filled = "closed", int(headcount * row[4])
    else:
        status, filled = "draft", 0
    cert = world.CERTIFICATES.get(occ, "") if row[6] < 0.75 else ""
    phrases = world.SKILL_PHRASES[occ]
    if occ in {"electrician", "welder", "cnc", "debug"}:
        edu = "junior" if row[2] < 0.6 else "vocational"
    else:
        edu = "" if row[2] < 0.65 else "junior"
    shift = ["长白班", "两班倒", "做六休一", "月休4天", "计件工资，多劳多得"][pk[0] % 5]
    perks = "，".join(x for x, ok in (("包吃", board), ("包住", lodging), ("缴纳五险", factory)) if ok)
    place = f"{ref.names.get(e['region_id'][:6], '')}{ref.names.get(e['region_id'], '')}"
    desc = f"{world.OCCUPATIONS[occ][1]}，工作地点{place}；{shift}" + (f"；{perks}" if perks else "")
    if groups and "disability" in groups:
        desc += "；岗位适合持证残疾人，可安排无障碍工位"
    return {
        "id": pk_id,
        "enterprise_id": e["id"],
        "title": title[:64],
        "occupation_id": world.OCCUPATIONS[occ][0],
        "description": desc,
        "required_skills": phrases[0],
        "required_certificates": cert,
        "min_education": edu,
        "headcount": headcount,
        "filled": filled,
        "wage_min": wmin,
        "wage_max": wmax,
        "work_region_id": e["region_id"],
        "board": board,
        "lodging": lodging,
        "disability_friendly": disability,
        "target_groups": json_cache.get(tuple(groups))
        or json_cache.setdefault(tuple(groups), json.dumps(groups)),
        "valid_from": valid[0],
        "valid_until": valid[1],
        "status": status,
        "created": created,
        "occ_key": occ,
    }
