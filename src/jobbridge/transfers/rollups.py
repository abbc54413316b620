"""Keeping the rollup tables in step with the ledger.

Every ledger write (a hire, a manual entry, an import batch, a deletion) calls ``apply`` inside
its own transaction with the facts of the rows it added (+1) or removed (-1). Deltas are summed
in Python first, so an import batch of 1,000 rows touches a few dozen rollup rows, then written
by ``core.rollups.add``: an atomic, sorted upsert on both SQLite and PostgreSQL, safe under
concurrent writers.
"""

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from django.db import connection, transaction

from jobbridge.core import regions as core_regions
from jobbridge.core import rollups as core_rollups
from jobbridge.core.models import Industry

from .models import Dimension, Transfer, TransferPerson, TransferRollup


@dataclass(frozen=True)
class Fact:
    """What the rollups need to know of one ledger row."""

    seeker_id: int
    origin: str
    destination: str
    industry: str | None
    month: int  # yyyymm
    move_class: str
    priority_group: bool
    channel: str


def fact_of(t: Transfer) -> Fact:
    return Fact(
        t.seeker_id,
        t.origin_region_id,
        t.destination_region_id,
        t.industry_id,
        t.transferred_on.year * 100 + t.transferred_on.month,
        t.move_class,
        bool(t.priority_group),
        t.channel,
    )


@lru_cache(maxsize=4096)
def origin_parts(code: str) -> tuple[str, str, str]:
    """(city, county, township) codes of an origin; township '' above township level."""
    chain = core_regions.ancestors(code)
    county = core_regions.county_of(code)
    city = chain[1] if len(chain) > 1 else chain[0]
    return city, county, code if len(code) == 9 else ""


@lru_cache(maxsize=4096)
def destination_parts(code: str) -> tuple[str, str]:
    chain = core_regions.ancestors(code)
    return chain[0], chain[1] if len(chain) > 1 else chain[0]


@lru_cache(maxsize=1)
def _sections() -> dict[str, str]:
    return {code: parent or code for code, parent in Industry.objects.values_list("code", "parent_id")}


def industry_section(code: str | None) -> str:
    if not code:
        return ""
    return _sections().get(code, code if len(code) == 1 else "")


def clear_caches() -> None:
    origin_parts.cache_clear()
    destination_parts.cache_clear()
    _sections.cache_clear()


def _rollup_keys(f: Fact) -> list[tuple]:
    """The rollup rows (in ``TransferRollup.KEY`` order) one ledger row adds 1 to: one per dimension."""
    city, county, township = origin_parts(f.origin)
    dprov, dcity = destination_parts(f.destination)
    values = (
        (Dimension.DEST_PROVINCE, dprov),
        (Dimension.DEST_CITY, dcity),
        (Dimension.INDUSTRY, industry_section(f.industry)),
        (Dimension.PRIORITY, "1" if f.priority_group else "0"),
        (Dimension.CHANNEL, f.channel),
    )
    return [(str(dim), f.month, county, township, f.move_class, value, city) for dim, value in values]


def _person_keys(f: Fact) -> tuple[tuple, tuple]:
    _city, county, township = origin_parts(f.origin)
    return (
        (f.month, county, township, f.move_class, f.seeker_id),
        (f.month // 100, county, township, f.move_class, f.seeker_id),
    )


def apply(facts, sign: int = 1) -> None:
    """Add (sign=1) or remove (sign=-1) the given ledger rows from the rollups."""
    rollup: Counter = Counter()
    persons: Counter = Counter()
    for f in facts:
        for key in _rollup_keys(f):
            rollup[key] += sign
        for key in _person_keys(f):
            persons[key] += sign
    if not rollup:
        return
    with transaction.atomic():
        core_rollups.add(TransferRollup, rollup, value="person_times")
        core_rollups.add(TransferPerson, persons, value="person_times")
        if sign < 0:
            _drop_empty(rollup, persons)


def _drop_empty(rollup: Counter, persons: Counter) -> None:
    months = {k[1] for k in rollup}
    periods = {k[0] for k in persons}
    TransferRollup.objects.filter(month__in=months, person_times__lte=0).delete()
    TransferPerson.objects.filter(period__in=periods, person_times__lte=0).delete()


def rebuild(*, progress=None) -> dict:
    """Recompute both tables from the ledger (after a restore, or to prove they agree).

    Set-based: the few distinct origin, destination and industry codes are mapped to their
    rollup columns in Python (the same ``origin_parts`` as the incremental path) and put in
    temporary tables; then one INSERT ... SELECT ... GROUP BY per table, so 10 million ledger
    rows rebuild in the database without crossing into Python."""
    clear_caches()
    qn = connection.ops.quote_name
    ledger = qn(Transfer._meta.db_table)
    steps = 5
    with transaction.atomic(), connection.cursor() as cursor:
        _step(progress, 0, steps)
        # Writers wait until the rebuild commits, then add their deltas to the rebuilt counts.
        core_rollups.lock(TransferRollup, TransferPerson)
        TransferRollup.objects.all().delete()
        TransferPerson.objects.all().delete()
        origins = [r[0] for r in Transfer.objects.order_by().values_list("origin_region_id").distinct()]
        dests = [r[0] for r in Transfer.objects.order_by().values_list("destination_region_id").distinct()]
        _step(progress, 1, steps)
        for table, cols in (
            ("tr_origin_map", "code, city, county, township"),
            ("tr_dest_map", "code, province, city"),
            ("tr_industry_map", "code, section"),
        ):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {table} (code varchar(9) PRIMARY KEY, "
                f"{', '.join(c + ' varchar(9)' for c in cols.split(', ')[1:])})"
            )
        _many(cursor, "tr_origin_map", 4, [(c, *origin_parts(c)) for c in origins])
        _many(cursor, "tr_dest_map", 3, [(c, *destination_parts(c)) for c in dests])
        _many(cursor, "tr_industry_map", 2, list(_sections().items()))
        if connection.vendor == "postgresql":
            # Temporary tables have no statistics until analysed; without them the planner may
            # loop over the ledger once per code instead of hashing the small maps.
            cursor.execute("ANALYZE tr_origin_map, tr_dest_map, tr_industry_map")
        month = _month_sql("t.transferred_on")
        joins = (
            f"FROM {ledger} t JOIN tr_origin_map o ON o.code = t.origin_region_id "
            f"JOIN tr_dest_map d ON d.code = t.destination_region_id "
            f"LEFT JOIN tr_industry_map i ON i.code = t.industry_id"
        )
        _step(progress, 2, steps)
        slices = {
            Dimension.DEST_PROVINCE: "d.province",
            Dimension.DEST_CITY: "d.city",
            Dimension.INDUSTRY: "COALESCE(i.section, '')",
            Dimension.PRIORITY: "CASE WHEN t.priority_group THEN '1' ELSE '0' END",
            Dimension.CHANNEL: "t.channel",
        }
        for dim, value in slices.items():
            cursor.execute(
                f"INSERT INTO {qn(TransferRollup._meta.db_table)} ({', '.join(TransferRollup.KEY)}, person_times) "
                f"SELECT '{dim.value}', {month}, o.county, o.township, t.move_class, {value}, o.city, COUNT(*) "
                f"{joins} GROUP BY {month}, o.county, o.township, t.move_class, {value}, o.city"
            )
        _step(progress, 3, steps)
        people = qn(TransferPerson._meta.db_table)
        for period in (month, f"({month}) / 100"):
            cursor.execute(
                f"INSERT INTO {people} ({', '.join(TransferPerson.KEY)}, person_times) "
                f"SELECT {period}, o.county, o.township, t.move_class, t.seeker_id, COUNT(*) {joins} "
                f"GROUP BY {period}, o.county, o.township, t.move_class, t.seeker_id"
            )
        _step(progress, 4, steps)
        for table in ("tr_origin_map", "tr_dest_map", "tr_industry_map"):
            cursor.execute(f"DROP TABLE {table}")
    _step(progress, steps, steps)
    return {
        "transfers": Transfer.objects.count(),
        "rollup_rows": TransferRollup.objects.count(),
        "person_rows": TransferPerson.objects.count(),
    }


def _step(progress, done: int, total: int) -> None:
    if progress:
        progress(done, total)


def _many(cursor, table: str, width: int, rows: list[tuple]) -> None:
    if rows:
        cursor.executemany(f"INSERT INTO {table} VALUES ({', '.join(['%s'] * width)})", rows)


def _month_sql(column: str) -> str:
    """yyyymm of a date column, as an integer."""
    if connection.vendor == "postgresql":
        return f"(EXTRACT(YEAR FROM {column})::int * 100 + EXTRACT(MONTH FROM {column})::int)"
    return f"CAST(strftime('%Y%m', {column}) AS INTEGER)"


def settle_merge(sender, *, keep, drop, **kwargs) -> None:
    """Two records of one person merge: the ledger rows follow the foreign key, and the persons
    rollup (keyed by seeker id, no foreign key) moves the dropped id's person-times to the kept
    id, so a person transferred under both records counts once."""
    rows = list(TransferPerson.objects.filter(seeker_id=drop.pk))
    if not rows:
        return
    moved: Counter = Counter()
    for r in rows:
        moved[(r.period, r.origin_county, r.origin_township, r.move_class, keep.pk)] += r.person_times
    with transaction.atomic():
        TransferPerson.objects.filter(pk__in=[r.pk for r in rows]).delete()
        core_rollups.add(TransferPerson, moved, value="person_times")
