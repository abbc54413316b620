"""Build (and wipe) the demo world. The management command ``jobbridge demo`` is a thin shell over this.

Phases, each timed: reference data, accounts, grids and parks, people (numpy), households,
seekers (ID and phone numbers encrypted in a process pool while the main process streams rows to
the database), priority diagnoses, intentions (M2M through tables), enterprises, postings, visits
and hiring needs, account links, finish (sequences, ANALYZE).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from django.db import connection, transaction
from django.db.models.functions import Substr
from django.utils import timezone
from tqdm import tqdm

from jobbridge.core import pii
from jobbridge.core.models import Grid, User
from jobbridge.core.synthetic_ids import credit_code
from jobbridge.employers.models import Enterprise, HiringNeed, IndustrialPark, Posting, Visit
from jobbridge.people.models import Household, PriorityDiagnosis, Seeker

from . import accounts, generate, sealing, world
from .writer import Formats, drop_indexes, next_id, restore_indexes, sync_sequence, write, write_text

SEEKER_COLUMNS = [
    "id",
    "name",
    "id_cipher",
    "id_hash",
    "id_masked",
    "gender",
    "birth_date",
    "phone_cipher",
    "phone_hash",
    "phone_masked",
    "hukou_region_id",
    "residence_region_id",
    "grid_id",
    "household_id",
    "education",
    "major",
    "skills_text",
    "accepts_anywhere",
    "expected_wage",
    "available_from",
    "employment_status",
    "source",
    "created_at",
    "updated_at",
]
POSTING_COLUMNS = [
    "id",
    "enterprise_id",
    "title",
    "occupation_id",
    "description",
    "required_skills",
    "required_certificates",
    "min_education",
    "headcount",
    "filled",
    "wage_min",
    "wage_max",
    "work_region_id",
    "board",
    "lodging",
    "disability_friendly",
    "target_groups",
    "valid_from",
    "valid_until",
    "status",
    "created_at",
    "updated_at",
]
ENTERPRISE_COLUMNS = [
    "id",
    "name",
    "uscc",
    "industry_id",
    "region_id",
    "address",
    "size",
    "contact_name",
    "contact_phone",
    "park_id",
    "created_at",
    "updated_at",
]
CHUNK = 20_000
# From this many seekers on, PostgreSQL builds seal and format rows in worker processes.
POOL_THRESHOLD = 4 * CHUNK
# Above this many rows, PostgreSQL loads into bare tables and builds indexes afterwards.
BULK_THRESHOLD = 200_000


def demo_enterprises():
    return Enterprise.objects.annotate(_org=Substr("uscc", 9, 2)).filter(_org=generate.DEMO_ORG_PREFIX)


def demo_exists() -> bool:
    return Seeker.objects.filter(source=Seeker.Source.DEMO).exists() or demo_enterprises().exists()


def recruiter_uscc() -> str:
    return credit_code("320214", generate.DEMO_USCC_BASE)


class Timer:
    def __init__(self) -> None:
        self.phases: list[tuple[str, float, int]] = []

    @contextmanager
    def phase(self, name: str) -> Iterator[list[int]]:
        rows = [0]
        start = time.perf_counter()
        yield rows
        self.phases.append((name, time.perf_counter() - start, rows[0]))

    @property
    def total(self) -> float:
        return sum(s for _n, s, _r in self.phases)


# --------------------------------------------------------------------------------------------
# Encryption in worker processes
# --------------------------------------------------------------------------------------------


def _seal(chunk: tuple[list[str], list[str | None]]):
    ids, phones = chunk
    id_cipher, id_hash = sealing.encrypt_many(ids), sealing.hash_many(ids)
    sealing.check(ids, id_cipher, id_hash)
    present = [p for p in phones if p]
    p_cipher, p_hash = iter(sealing.encrypt_many(present)), iter(sealing.hash_many(present))
    return (
        id_cipher,
        id_hash,
        [next(p_cipher) if p else None for p in phones],
        [next(p_hash) if p else "" for p in phones],
    )


# --------------------------------------------------------------------------------------------
# Reset
# --------------------------------------------------------------------------------------------


@transaction.atomic
def reset() -> dict[str, int]:
    """Delete the demo world (seekers with source=demo, enterprises with a demo USCC) and what hangs
    off it. Accounts, grids and parks stay: they are upserted on the next build."""
    qn = connection.ops.quote_name
    deleted: dict[str, int] = {}
    seeker_t = Seeker._meta.db_table
    ent_t = Enterprise._meta.db_table
    demo_seekers = f"SELECT id FROM {qn(seeker_t)} WHERE source = %s"
    demo_ents = f"SELECT id FROM {qn(ent_t)} WHERE substr(uscc, 9, 2) = %s"
    s_arg, e_arg = [Seeker.Source.DEMO], [generate.DEMO_ORG_PREFIX]
    with connection.cursor() as cur:
        cur.execute(
            f"UPDATE {qn(User._meta.db_table)} SET enterprise_id = NULL WHERE enterprise_id IN ({demo_ents})",
            e_arg,
        )
        for model in (HiringNeed, Visit, Posting):
            cur.execute(f"DELETE FROM {qn(model._meta.db_table)} WHERE enterprise_id IN ({demo_ents})", e_arg)
            deleted[model._meta.model_name] = cur.rowcount
        cur.execute(f"DELETE FROM {qn(ent_t)} WHERE substr(uscc, 9, 2) = %s", e_arg)
        deleted["enterprise"] = cur.rowcount
        truncated = _truncate_seekers_if_all_demo(cur)
        if truncated is not None:
            deleted["seeker"] = truncated
        for f in ("skill_occupations", "desired_occupations", "desired_industries", "desired_regions"):
            if truncated is not None:
                break
            through = Seeker._meta.get_field(f).remote_field.through._meta.db_table
            cur.execute(f"DELETE FROM {qn(through)} WHERE seeker_id IN ({demo_seekers})", s_arg)
        for rel in Seeker._meta.related_objects:
            if (
                truncated is None
                and rel.one_to_many
                and rel.related_model is not Seeker
                and rel.related_model._meta.app_label == "people"
            ):
                cur.execute(
                    f"DELETE FROM {qn(rel.related_model._meta.db_table)} WHERE "
                    f"{qn(rel.field.column)} IN ({demo_seekers})",
                    s_arg,
                )
        if truncated is None:
            cur.execute(f"DELETE FROM {qn(seeker_t)} WHERE source = %s", s_arg)
            deleted["seeker"] = cur.rowcount
        hh_t = Household._meta.db_table
        cur.execute(
            f"DELETE FROM {qn(hh_t)} WHERE code LIKE %s AND NOT EXISTS (SELECT 1 FROM {qn(seeker_t)} s "
            f"WHERE s.household_id = {qn(hh_t)}.id)",
            ["_________-_______"],
        )
        deleted["household"] = cur.rowcount
    return deleted


def _truncate_seekers_if_all_demo(cur) -> int | None:
    """PostgreSQL: when every seeker is a demo seeker and every table that references the seeker
    table (directly or through another) is one of ours or empty, TRUNCATE them all at once.

    Deleting a million rows runs a foreign-key check per row and per referencing table at commit
    (minutes); TRUNCATE takes a second. Returns the number of seekers removed, or None when the
    fast path does not apply (then the caller deletes row by row)."""
    if connection.vendor != "postgresql":
        return None
    if Seeker.objects.exclude(source=Seeker.Source.DEMO).exists():
        return None
    seeker_t = Seeker._meta.db_table
    ours = (
        {seeker_t}
        | {
            rel.related_model._meta.db_table
            for rel in Seeker._meta.related_objects
            if rel.related_model._meta.app_label == "people"
        }
        | {
            Seeker._meta.get_field(f).remote_field.through._meta.db_table
            for f in ("skill_occupations", "desired_occupations", "desired_industries", "desired_regions")
        }
    )
    tables, frontier = set(ours), set(ours)
    while frontier:
        cur.execute(
            "SELECT DISTINCT conrelid::regclass::text FROM pg_constraint WHERE contype = 'f' "
            "AND confrelid = ANY(%s::regclass[])",
            [sorted(frontier)],
        )
        found = {name.strip('"') for (name,) in cur.fetchall()} - tables
        for table in found:
            if table not in ours:
                cur.execute(f"SELECT EXISTS (SELECT 1 FROM {connection.ops.quote_name(table)})")
                if cur.fetchone()[0]:
                    return None  # another app holds rows that point at seekers: delete row by row
        tables |= found
        frontier = found
    count = Seeker.objects.count()
    # A table with pending (deferred) foreign-key checks cannot be truncated: run them now.
    cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cur.execute("SET CONSTRAINTS ALL DEFERRED")
    cur.execute("TRUNCATE " + ", ".join(connection.ops.quote_name(t) for t in sorted(tables)))
    return count


# --------------------------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------------------------


def build(
    *,
    seekers: int,
    enterprises: int,
    postings: int | None = None,
    seed: int = 2026,
    today: dt.date | None = None,
    progress: bool = True,
    workers: int | None = None,
) -> Timer:
    postings = enterprises * 4 if postings is None else postings
    timer = Timer()
    fmt = Formats()
    now = timezone.now()
    with transaction.atomic():
        with timer.phase("reference") as n:
            ref = generate.Reference.load()
            n[0] = sum(len(t) for t in ref.origin_townships.values())
        with timer.phase("accounts") as n:
            users = accounts.ensure_users()
            n[0] = len(users)
        plan = generate.Plan(
            seekers,
            enterprises,
            postings,
            seed,
            today or timezone.localdate(),
            users={k: u.pk for k, u in users.items()},
        )
        with timer.phase("grids, parks") as n:
            grid_rows, grid_ids, park_ids = _grids_and_parks(ref, seed)
            n[0] = len(grid_rows) + len(world.INDUSTRIAL_PARKS)
        for key, model in (
            ("seeker", Seeker),
            ("household", Household),
            ("enterprise", Enterprise),
            ("posting", Posting),
        ):
            plan.ids[key] = next_id(model._meta.db_table)

        with timer.phase("generate people") as n:
            ppl = generate.people(plan, ref, grid_rows)
            n[0] = ppl.n
        with timer.phase("generate employers") as n:
            emp = generate.employers(plan, ref)
            n[0] = len(emp.enterprises) + len(emp.postings)

        total = (
            len(ppl.households)
            + ppl.n
            + len(ppl.diagnoses)
            + len(ppl.desired_occ)
            + len(ppl.skill_occ)
            + len(ppl.desired_regions)
            + len(emp.enterprises)
            + len(emp.postings)
        )
        bar = tqdm(
            total=total, unit="rows", unit_scale=True, disable=not progress, desc="demo", mininterval=0.5
        )
        tick = bar.update

        big_tables = [
            Seeker._meta.db_table,
            Household._meta.db_table,
            PriorityDiagnosis._meta.db_table,
            Enterprise._meta.db_table,
            Posting._meta.db_table,
        ] + [
            Seeker._meta.get_field(f).remote_field.through._meta.db_table
            for f in ("desired_occupations", "skill_occupations", "desired_regions")
        ]
        dropped = []
        if total >= BULK_THRESHOLD:
            with timer.phase("drop indexes (PostgreSQL)"):
                dropped = drop_indexes(big_tables)
        with timer.phase("households") as n:
            bar.set_description("households")
            n[0] = write(
                Household._meta.db_table,
                ["id", "code", "region_id", "address"],
                ppl.households,
                progress=tick,
            )
        with timer.phase("seekers (encrypt + write)") as n:
            bar.set_description("seekers")
            n[0] = _write_seekers(ppl, grid_ids, fmt, workers, tick)
        with timer.phase("priority diagnoses") as n:
            bar.set_description("diagnoses")
            n[0] = write(
                PriorityDiagnosis._meta.db_table,
                DIAGNOSIS_COLUMNS,
                _diagnosis_rows(ppl, fmt, now),
                progress=tick,
            )
        with timer.phase("intentions (M2M)") as n:
            bar.set_description("intentions")
            n[0] = _write_intentions(ppl, tick)
        with timer.phase("enterprises") as n:
            bar.set_description("enterprises")
            rows = _enterprise_rows(emp, fmt, now, park_ids)
            n[0] = write(Enterprise._meta.db_table, ENTERPRISE_COLUMNS, rows, progress=tick)
        with timer.phase("postings") as n:
            bar.set_description("postings")
            n[0] = write(Posting._meta.db_table, POSTING_COLUMNS, _posting_rows(emp, fmt), progress=tick)
        bar.close()
        if dropped:
            with timer.phase("rebuild indexes, constraints") as n:
                restore_indexes(dropped)
                n[0] = len(dropped)
        with timer.phase("visits, hiring needs") as n:
            n[0] = _visits(plan, emp, ref)
        with timer.phase("account links") as n:
            linked = accounts.link(
                users, commissioner_township=world.COMMISSIONER_TOWNSHIP, recruiter_uscc=recruiter_uscc()
            )
            n[0] = len(linked)
        with timer.phase("finish (sequences, analyze)"):
            _finish()
    if dropped and not connection.in_atomic_block:
        # Freshly loaded tables have no visibility map yet, so index-only scans still visit the heap
        # until autovacuum gets round to them; VACUUM cannot run inside a transaction.
        with timer.phase("vacuum analyze"), connection.cursor() as cur:
            for table in big_tables:
                cur.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
    timer.linked = linked
    return timer


def _grids_and_parks(ref: generate.Reference, seed: int):
    """Upsert the grids under the origin townships and the industrial parks; returns the grid
    rows and the database ids of grids (by code) and parks (by name)."""
    grid_rows = generate.grids(ref, seed)
    existing = set(
        Grid.objects.filter(township_id__in=[t for _c, _n, t in grid_rows]).values_list("code", flat=True)
    )
    Grid.objects.bulk_create(
        [Grid(code=c, name=nm, township_id=t) for c, nm, t in grid_rows if c not in existing],
        batch_size=2000,
    )
    grid_ids = dict(Grid.objects.filter(code__in=[c for c, _n, _t in grid_rows]).values_list("code", "id"))
    have = set(IndustrialPark.objects.values_list("name", flat=True))
    IndustrialPark.objects.bulk_create(
        [IndustrialPark(name=nm, region_id=c) for nm, c in world.INDUSTRIAL_PARKS if nm not in have]
    )
    park_ids = dict(IndustrialPark.objects.values_list("name", "id"))
    return grid_rows, grid_ids, park_ids


DIAGNOSIS_COLUMNS = [
    "seeker_id",
    "criterion",
    "evidence",
    "valid_from",
    "valid_until",
    "confirmed_by_id",
    "created_at",
    "hukou_region_id",
    "residence_region_id",
]


def _diagnosis_rows(ppl: generate.People, fmt: Formats, now):
    stamp = fmt.timestamps([int(now.timestamp())])[0]
    d = ppl.diagnoses
    starts = generate.iso_dates([r[3] for r in d])
    ends = generate.iso_dates([r[4] if r[4] is not None else 0 for r in d])
    # Each diagnosis carries its seeker's regions (see PriorityDiagnosis); seeker ids are
    # consecutive from ppl.ids[0], so the position of a seeker is its id minus that.
    first = int(ppl.ids[0]) if len(ppl.ids) else 0
    return (
        (
            s,
            c,
            ev,
            vf,
            (ve if e is not None else None),
            by,
            stamp,
            ppl.hukou[s - first],
            ppl.residence[s - first],
        )
        for (s, c, ev, _f, e, by), vf, ve in zip(d, starts, ends, strict=True)
    )


def _write_intentions(ppl: generate.People, tick) -> int:
    """Desired occupations, skills and desired regions: rows of the M2M through tables."""
    written = 0
    for fname, pairs, col in (
        ("desired_occupations", ppl.desired_occ, "occupation_id"),
        ("skill_occupations", ppl.skill_occ, "occupation_id"),
        ("desired_regions", ppl.desired_regions, "region_id"),
    ):
        through = Seeker._meta.get_field(fname).remote_field.through._meta.db_table
        written += write(through, ["seeker_id", col], pairs, progress=tick)
    return written


def _enterprise_rows(emp: generate.Employers, fmt: Formats, now, park_ids: dict[str, int]):
    created = fmt.timestamps(now.timestamp() - np.arange(len(emp.enterprises)) % 86400 * 900)
    return (
        (
            e["id"],
            e["name"],
            e["uscc"],
            e["industry_id"],
            e["region_id"],
            e["address"],
            e["size"],
            e["contact_name"],
            e["contact_phone"],
            park_ids.get(e["park"]) if e["park"] else None,
            c,
            c,
        )
        for e, c in zip(emp.enterprises, created, strict=True)
    )


def _finish() -> None:
    """Move the id sequences past the rows written with explicit ids; refresh the planner's
    statistics on PostgreSQL."""
    for model in (Seeker, Household, Enterprise, Posting):
        sync_sequence(model._meta.db_table)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            for model in (Seeker, Household, PriorityDiagnosis, Enterprise, Posting):
                cur.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


# The seeker columns of one build, set before the worker processes fork so they inherit them.
_JOB: dict = {}
_ESCAPE = str.maketrans({"\\": "\\\\", "\t": " ", "\n": " ", "\r": " "})


def _prepare_seekers(ppl: generate.People, grid_ids: dict[str, int], fmt: Formats) -> None:
    _JOB.clear()
    _JOB.update(
        ids=ppl.ids.tolist(),
        name=ppl.name,
        id_number=ppl.id_number,
        phone=ppl.phone,
        gender=["M" if m else "F" for m in ppl.male.tolist()],
        birth=ppl.birth,
        hukou=ppl.hukou.tolist(),
        residence=ppl.residence.tolist(),
        grid=[grid_ids.get(g) if g else None for g in ppl.grid_code],
        household=ppl.household.tolist(),
        education=ppl.education,
        major=ppl.major,
        skills=ppl.skills,
        anywhere=ppl.anywhere.tolist(),
        wage=ppl.wage,
        available=ppl.available,
        status=ppl.status,
        created=fmt.timestamps(ppl.created),
    )


def _seeker_chunk(bounds: tuple[int, int, bool]):
    """Rows a..b of the prepared seekers, sealed: tuples, or (as_text) PostgreSQL COPY text."""
    a, b, as_text = bounds
    j_ = _JOB
    id_c, id_h, ph_c, ph_h = _seal((j_["id_number"][a:b], j_["phone"][a:b]))
    demo = Seeker.Source.DEMO.value
    cols = [
        j_[k][a:b]
        for k in (
            "ids",
            "name",
            "id_number",
            "gender",
            "birth",
            "phone",
            "hukou",
            "residence",
            "grid",
            "household",
            "education",
            "major",
            "skills",
            "anywhere",
            "wage",
            "available",
            "status",
            "created",
        )
    ]
    if not as_text:
        return [
            (
                pk,
                name,
                ic,
                ih,
                pii.mask_id_number(idn),
                g,
                birth,
                pc,
                ph,
                pii.mask_phone(phone) if phone else "",
                hk,
                res,
                grid,
                hh,
                edu,
                major,
                skills,
                anyw,
                wage,
                avail,
                status,
                demo,
                created,
                created,
            )
            for (
                pk,
                name,
                idn,
                g,
                birth,
                phone,
                hk,
                res,
                grid,
                hh,
                edu,
                major,
                skills,
                anyw,
                wage,
                avail,
                status,
                created,
            ), ic, ih, pc, ph in zip(zip(*cols, strict=True), id_c, id_h, ph_c, ph_h, strict=True)
        ]
    esc, null = _ESCAPE, "\\N"
    lines = [
        f"{pk}\t{name.translate(esc)}\t\\\\x{ic.hex()}\t{ih}\t{pii.mask_id_number(idn)}\t{g}\t{birth}\t"
        + (f"\\\\x{pc.hex()}\t{ph}\t{pii.mask_phone(phone)}" if phone else "\\N\t\t")
        + f"\t{hk}\t{res}\t{null if grid is None else grid}\t{hh}\t{edu}\t{major.translate(esc)}\t"
        f"{skills.translate(esc)}\t{'t' if anyw else 'f'}\t{null if wage is None else wage}\t"
        f"{null if avail is None else avail}\t{status}\t{demo}\t{created}\t{created}\n"
        for (
            pk,
            name,
            idn,
            g,
            birth,
            phone,
            hk,
            res,
            grid,
            hh,
            edu,
            major,
            skills,
            anyw,
            wage,
            avail,
            status,
            created,
        ), ic, ih, pc, ph in zip(zip(*cols, strict=True), id_c, id_h, ph_c, ph_h, strict=True)
    ]
    return "".join(lines).encode("utf-8")


def _write_seekers(
    ppl: generate.People, grid_ids: dict[str, int], fmt: Formats, workers: int | None, tick
) -> int:
    """Seal and write the seekers. Large builds seal and format in worker processes (fork, so they
    inherit the prepared columns and Django's settings; they never touch the database) while the
    main process streams their output into COPY."""
    _prepare_seekers(ppl, grid_ids, fmt)
    n = ppl.n
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    postgres = connection.vendor == "postgresql"
    try:
        if n < POOL_THRESHOLD or workers <= 1 or not postgres:
            rows = (row for a in range(0, n, CHUNK) for row in _seeker_chunk((a, min(n, a + CHUNK), False)))
            return write(Seeker._meta.db_table, SEEKER_COLUMNS, rows, progress=tick)
        bounds = [(a, min(n, a + CHUNK), True) for a in range(0, n, CHUNK)]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return write_text(
                Seeker._meta.db_table,
                SEEKER_COLUMNS,
                pool.imap(_seeker_chunk, bounds),
                progress=lambda: tick(CHUNK),
            )
    finally:
        _JOB.clear()


def _posting_rows(emp: generate.Employers, fmt: Formats):
    p = emp.postings
    created = fmt.timestamps([x["created"] for x in p])
    vf = generate.iso_dates([x["valid_from"] for x in p])
    vu = generate.iso_dates([x["valid_until"] for x in p])
    for x, c, f, u in zip(p, created, vf, vu, strict=True):
        yield (
            x["id"],
            x["enterprise_id"],
            x["title"],
            x["occupation_id"],
            x["description"],
            x["required_skills"],
            x["required_certificates"],
            x["min_education"],
            x["headcount"],
            x["filled"],
            x["wage_min"],
            x["wage_max"],
            x["work_region_id"],
            x["board"],
            x["lodging"],
            x["disability_friendly"],
            x["target_groups"],
            f,
            u,
            x["status"],
            c,
            c,
        )


def _visits(plan: generate.Plan, emp: generate.Employers, ref: generate.Reference) -> int:
    """Commissioners visit the workshops of their township; Haidong staff visit Wuxi/Suzhou firms
    ("10,000 cadres into 10,000 enterprises") and write down the hiring needs they hear of."""
    rng = np.random.default_rng([plan.seed, 3])
    town = world.COMMISSIONER_TOWNSHIP
    visits: list[Visit] = []
    needs: list[tuple[int, str, str, int, int]] = []  # (visit index, title, occ code, headcount, days)
    for e in emp.enterprises:
        if e["region_id"] == town or (
            e["local"] and e["region_id"].startswith(world.LEDU) and rng.random() < 0.5
        ):
            by = plan.users["commissioner"] if e["region_id"] == town else plan.users["county"]
        elif e["region_id"][:4] in ("3202", "3205") and rng.random() < 0.04:
            by = plan.users["city"]
        else:
            continue
        jobs = list(e["profile"]["jobs"])
        day = plan.today - dt.timedelta(days=int(rng.integers(1, 120)))
        k = int(rng.integers(1, 3))
        picked = [jobs[int(x)] for x in rng.choice(len(jobs), size=min(k, len(jobs)), replace=False)]
        heads = [int(rng.choice([3, 5, 8, 10, 20, 30, 50, 100])) for _ in picked]
        lines = "；".join(f"{world.OCCUPATIONS[o][1]}{h}人" for o, h in zip(picked, heads, strict=True))
        visits.append(
            Visit(
                enterprise_id=e["id"],
                visited_by_id=by,
                visited_on=day,
                notes=f"走访{e['name']}，了解春节后用工需求：{lines}。已推送至人岗匹配，约定一周内组织对接。",
            )
        )
        for o, h in zip(picked, heads, strict=True):
            needs.append(
                (
                    len(visits) - 1,
                    world.TITLES[o][0].format(brand=e["brand"]),
                    world.OCCUPATIONS[o][0],
                    h,
                    int(rng.integers(7, 60)),
                )
            )
    Visit.objects.bulk_create(visits, batch_size=2000)
    HiringNeed.objects.bulk_create(
        [
            HiringNeed(
                enterprise_id=visits[v].enterprise_id,
                visit=visits[v],
                title=t,
                occupation_id=o,
                headcount=h,
                needed_by=visits[v].visited_on + dt.timedelta(days=d),
                notes="走访登记",
            )
            for v, t, o, h, d in needs
        ],
        batch_size=2000,
    )
    return len(visits) + len(needs)


def summary() -> list[tuple[str, int]]:
    """Counts of what the demo world holds now."""
    demo_seekers = Seeker.objects.filter(source=Seeker.Source.DEMO)
    ents = demo_enterprises()
    rows = [
        ("求职者 seekers", demo_seekers.count()),
        (
            "家庭户 households",
            Household.objects.filter(members__source=Seeker.Source.DEMO).distinct().count(),
        ),
        ("就业困难认定 priority diagnoses", PriorityDiagnosis.objects.filter(seeker__source="demo").count()),
    ]
    current = PriorityDiagnosis.objects.current().filter(seeker__source="demo")
    for value, label in PriorityDiagnosis._meta.get_field("criterion").choices:
        rows.append((f"  当前有效 {label} ({value})", current.filter(criterion=value).count()))
    rows += [
        ("网格 grids", Grid.objects.filter(township_id__in=_origin_townships()).count()),
        ("用人单位 enterprises", ents.count()),
        ("产业园区 industrial parks", IndustrialPark.objects.count()),
        ("招聘岗位 postings", Posting.objects.filter(enterprise__in=ents).count()),
        ("走访 visits", Visit.objects.filter(enterprise__in=ents).count()),
        ("用工需求 hiring needs", HiringNeed.objects.filter(enterprise__in=ents).count()),
    ]
    return rows


def _origin_townships() -> list[str]:
    from jobbridge.core.models import Region

    return list(
        Region.objects.filter(parent_id__in=list(world.ORIGIN_COUNTIES), level=4).values_list(
            "code", flat=True
        )
    )
