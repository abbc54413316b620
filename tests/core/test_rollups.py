"""The shared count-table helper (``core.rollups``) on whichever database the suite runs on:
deltas land as increments, in one statement per 500 keys, sorted; a rebuild replaces only the
rows it is given and, on PostgreSQL, holds writers off so none is lost; concurrent writers
from threads give exact totals. The tables are the placements' and transfers' own."""

import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from jobbridge.core import rollups
from jobbridge.placements.models import PlacementRollup
from jobbridge.transfers.models import TransferPerson


def key(
    month: int = 202601, origin: str = "630202001", kind: str = "move", value: str = "hired", days: int = 0
):
    return (month, origin, kind, value, days)


def upserts(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith("INSERT")]


@pytest.mark.django_db
def test_deltas_create_rows_then_add_to_them_and_zeros_are_left_out():
    rollups.add(PlacementRollup, Counter({key(): 2, key(value="offer"): 1, key(value="left"): 0}))
    rollups.add(PlacementRollup, {key(): 3, key(value="offer"): -1})
    rows = {r.value: r.n for r in PlacementRollup.objects.all()}
    assert rows == {"hired": 5, "offer": 0}  # a row brought to zero stays; a zero delta wrote nothing
    assert rollups.stored(PlacementRollup) == Counter({key(): 5})
    with CaptureQueriesContext(connection) as queries:
        rollups.add(PlacementRollup, {key(value="left"): 0})
    assert upserts(queries) == []


@pytest.mark.django_db
def test_one_statement_per_500_keys_in_key_order():
    deltas = {
        key(month=202000 + m, origin=f"6302020{o:02d}"): m + o + 1 for m in range(1, 13) for o in range(100)
    }
    shuffled = dict(random.Random(3).sample(list(deltas.items()), len(deltas)))
    with CaptureQueriesContext(connection) as queries:
        rollups.add(PlacementRollup, shuffled)
    statements = upserts(queries)
    assert len(deltas) == 1200 and len(statements) == 3
    assert rollups.stored(PlacementRollup) == Counter(deltas)
    # The keys go in sorted order, across and within statements (the origins show it in the SQL text).
    written = [o for sql in statements for o in _origins(sql)]
    assert written == [k[1] for k in sorted(deltas)]


def _origins(sql: str) -> list[str]:
    return [part.split("'")[1] for part in sql.split("(")[2:] if "'" in part]


@pytest.mark.django_db
def test_another_count_column_and_key():
    a, b = (
        (202601, "630202", "630202001", "out_of_province", 7),
        (2026, "630202", "630202001", "out_of_province", 7),
    )
    rollups.add(TransferPerson, {a: 1, b: 1}, value="person_times")
    rollups.add(TransferPerson, {a: 1}, value="person_times")
    assert rollups.stored(TransferPerson, value="person_times") == Counter({a: 2, b: 1})


@pytest.mark.django_db
def test_rebuild_replaces_only_the_rows_given_and_differences_name_the_keys():
    rollups.add(PlacementRollup, {key(): 9, key(month=202512): 4, key(value="offer"): 2})
    direct = Counter({key(): 5, key(value="left"): 1})
    assert rollups.differences(direct, rollups.stored(PlacementRollup)) == [
        key(month=202512),
        key(value="hired"),
        key(value="left"),
        key(value="offer"),
    ]
    counted = rollups.rebuild(
        PlacementRollup, lambda: direct, rows=PlacementRollup.objects.filter(month=202601)
    )
    assert counted == direct
    assert rollups.stored(PlacementRollup) == Counter({**direct, key(month=202512): 4})  # December untouched
    assert (
        rollups.differences(
            direct, rollups.stored(PlacementRollup, rows=PlacementRollup.objects.filter(month=202601))
        )
        == []
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_increments_from_threads_are_exact():
    """12 threads, each 30 transactions adding to an overlapping, shuffled set of keys (new and
    existing): the totals are the sums of what was added, and no writer fails (a deadlock would)."""
    keys = [key(value=v, days=d) for v in ("hired", "offer", "left") for d in range(8)]
    rollups.add(PlacementRollup, {k: 1 for k in keys[::2]})
    start = threading.Barrier(12)

    def writer(seed: int):
        rng = random.Random(seed)
        added: Counter = Counter()
        try:
            start.wait()
            for _ in range(30):
                deltas = Counter({k: rng.randint(-1, 3) for k in rng.sample(keys, 12)})
                with transaction.atomic():
                    rollups.add(PlacementRollup, dict(rng.sample(list(deltas.items()), len(deltas))))
                added.update(deltas)
            return added
        except Exception as e:  # noqa: BLE001 - shown by the assertion below
            return f"ERROR {type(e).__name__}: {e}"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(writer, range(12)))
    assert not [r for r in results if isinstance(r, str)], results
    expected: Counter = Counter({k: 1 for k in keys[::2]})
    for added in results:
        for k, n in added.items():
            expected[k] += n
    rows = {(r.value, r.days): r.n for r in PlacementRollup.objects.all()}
    assert rows == {(k[3], k[4]): expected[k] for k in keys}


@pytest.mark.django_db(transaction=True)
def test_a_write_during_a_rebuild_waits_and_is_counted_once():
    """A rebuild counts, then replaces; a write that came in while it counted lands on top of the
    new counts instead of being wiped out by the replace (or counted twice)."""
    rollups.add(PlacementRollup, {key(): 5})
    counting, written = threading.Event(), []

    def count():
        counting.set()
        time.sleep(0.5)  # the writer below tries to add meanwhile
        return Counter({key(): 5})  # what the rows said when counted

    def writer():
        counting.wait()
        try:
            rollups.add(PlacementRollup, {key(): 1})
            written.append(time.monotonic())
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    rollups.rebuild(PlacementRollup, count)
    rebuilt = time.monotonic()
    thread.join()
    assert written and written[0] >= rebuilt - 0.05  # it waited for the rebuild to commit
    assert rollups.stored(PlacementRollup) == Counter({key(): 6})
