"""A full province-scale batch run on the 1,000,000-seeker demo world, PostgreSQL: `jobbridge match
run` end to end (load, score, write seeker lists, write posting lists, switch). Target <= 30 min.

    flock /tmp/jb-bench.lock .venv/bin/python bench/demo_postgres.py --keep \\
        --url postgres://postgres@127.0.0.1:5432/jb_bench_demo          # the world, ~3 min
    .venv/bin/python bench/matching_run_province.py --url postgres://postgres@127.0.0.1:5432/jb_bench_demo

Why 30 minutes: the run is the nightly job that refreshes everybody's lists (incremental updates
keep them current during the day). A night's maintenance window on one 2-core server is a few
hours shared with backups and imports; at <= 30 min a failed run can be retried the same night and
the register can grow several-fold before the run outgrows the window.

What is measured: ``call_command("match", "run")`` in this process, exactly what the CLI runs, with
the phases timed by wrapping the functions ``batch.match_run_execute`` calls (``load_batches``,
``solve_province``, ``store.write_chunks`` per side, split into encoding the lists and COPY, and
``store.analyze``, ``store.switch_current``, ``store.prune``); rows and pairs written; peak resident memory of this
process and of the forked scoring workers (``getrusage``). The whole run holds
``/tmp/jb-bench.lock``; the load average is read before and after.

Peer, measured in the same run after ours on the same arrays: the per-pair encoder the runs used
before (``distributed.encode_reasons_reference`` + building the lists + ``json.dumps``) on the
first chunk of seeker lists (``--peer-chunk`` owners), its time per pair extrapolated to every
pair written and labelled as such; on that chunk the two encoders' texts are compared byte for
byte. The run leaves its version current (for ``bench/matching_api.py --existing``).

With ``--dask-workers N`` (or ``--scheduler tcp://HOST:PORT``) it compares instead: a local run
(the peer) and ``match run --scheduler`` on a LocalCluster of N worker processes started here (not
in the timing), each timed by phase (plan, scatter, merging of the tasks' lists), and both stored
versions compared row by row in SQL; the Dask run's version is left current:

    flock /tmp/jb-bench.lock .venv/bin/python bench/matching_run_province.py --no-lock --dask-workers 2 \
        --url postgres://postgres@127.0.0.1:5432/jb_bench_demo
"""

import argparse
import fcntl
import io
import json
import logging
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
LOCK = "/tmp/jb-bench.lock"
TARGET_S = 30 * 60


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default="postgres://postgres@127.0.0.1:5432/jb_bench_demo")
    ap.add_argument("--peer-chunk", type=int, default=20_000, help="seeker lists encoded by the old encoder")
    ap.add_argument("--no-lock", action="store_true", help="the caller already holds the bench lock")
    ap.add_argument(
        "--province-pairs",
        type=int,
        default=None,
        help="override JOBBRIDGE_MATCH_PROVINCE_PAIRS (0: force the province path on a small world)",
    )
    ap.add_argument(
        "--dask-workers",
        type=int,
        default=0,
        help="compare: a local run, then `match run --scheduler` on a LocalCluster of this many "
        "worker processes (1 thread each) started here",
    )
    ap.add_argument(
        "--scheduler", default="", help="compare with a run on this existing Dask cluster instead"
    )
    ap.add_argument(
        "--partitions", type=int, default=8, help="--partitions of the Dask run (at least this many tasks)"
    )
    args = ap.parse_args()
    os.environ["DATABASE_URL"] = args.url
    os.environ.setdefault("JOBBRIDGE_VAR_DIR", "/tmp/jb-province-bench-var")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobbridge.settings")
    os.environ.setdefault("JOBBRIDGE_DEBUG", "1")  # a development instance (production is the default)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    if args.province_pairs is not None:
        settings.JOBBRIDGE_MATCH_PROVINCE_PAIRS = args.province_pairs

    from jobbridge.matching import batch, distributed, store
    from jobbridge.matching.models import MatchRun

    if args.dask_workers or args.scheduler:
        return compare_dask(args)

    phases: dict[str, float] = {}
    held: dict = {}

    def timed(name, fn, keep=None):
        def wrapper(*a, **kw):
            t = time.perf_counter()
            out = fn(*a, **kw)
            phases[name] = phases.get(name, 0.0) + time.perf_counter() - t
            if keep:
                held[keep] = out
            return out

        return wrapper

    def timed_chunks(real_write):
        def write_chunks(run, kind, chunks, progress=None):
            side = "seekers" if kind == "s" else "postings"

            def encoded():  # time spent producing each chunk (encoding) apart from writing it
                it = iter(chunks)
                while True:
                    t = time.perf_counter()
                    try:
                        rows = next(it)
                    except StopIteration:
                        return
                    phases[f"  of which encoding ({side})"] = (
                        phases.get(f"  of which encoding ({side})", 0.0) + time.perf_counter() - t
                    )
                    yield rows

            t = time.perf_counter()
            n = real_write(run, kind, encoded(), progress)
            phases[f"write {side} lists"] = time.perf_counter() - t
            return n

        return write_chunks

    batch.load_batches = timed("load (records -> batches)", batch.load_batches)
    batch.solve_province = timed("score (province retrieval)", batch.solve_province, keep="res")
    store.write_chunks = timed_chunks(store.write_chunks)
    store.analyze = timed("analyze (planner statistics)", store.analyze)
    store.switch_current = timed("switch", store.switch_current)
    store.prune = timed("prune older versions", store.prune)

    lock = open(LOCK, "a")  # noqa: SIM115 - held for the whole measured run
    if not args.no_lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
    before = os.getloadavg()
    out = io.StringIO()
    t0 = time.perf_counter()
    call_command("match", "run", "--json", stdout=out)
    wall = time.perf_counter() - t0
    after = os.getloadavg()
    rss_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rss_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    info = json.loads(out.getvalue().strip().splitlines()[-1])
    run = MatchRun.objects.get(pk=info["id"]) if "id" in info else store.current_run()

    res = held["res"]
    seeker_pairs = int((res.seeker_postings >= 0).sum())
    posting_pairs = len(res.posting_seekers)
    pairs = seeker_pairs + posting_pairs

    # ---- peer: the per-pair encoder on the first chunk of seeker lists -------------------------
    t = time.perf_counter()
    new_rows = next(distributed.list_chunks(res, "s", chunk=args.peer_chunk))
    new_s = time.perf_counter() - t
    scorer = res.scorer
    rows_, vals_ = res.seeker_postings[: args.peer_chunk], res.seeker_scores[: args.peer_chunk]
    owner, slot = (rows_ >= 0).nonzero()
    si, pj = owner, rows_[owner, slot]
    t = time.perf_counter()
    reasons = distributed.encode_reasons_reference(scorer, si, pj)
    lists: dict[int, list] = {}
    for o, oid, v, r in zip(
        scorer.s.ids[si].tolist(),
        scorer.p.ids[pj].tolist(),
        vals_[owner, slot].tolist(),
        reasons,
        strict=True,
    ):
        lists.setdefault(o, []).append([oid, v, r])
    old_rows = [(o, distributed.dumps(items)) for o, items in lists.items()]
    old_s = time.perf_counter() - t
    same = old_rows == new_rows
    peer_pairs = len(si)

    def row(label, seconds, note=""):
        print(f"{label:<44}{seconds:>10.1f}{note:>40}")

    print()
    print(
        f"Province match run, {run.seekers:,} seekers x {len(res.scorer.p):,} admissible postings "
        f"({run.postings:,} open), PostgreSQL, {os.cpu_count()} cores shared"
    )
    print(f"{'phase':<44}{'seconds':>10}")
    for name in (
        "load (records -> batches)",
        "score (province retrieval)",
        "write seekers lists",
        "  of which encoding (seekers)",
        "write postings lists",
        "  of which encoding (postings)",
        "analyze (planner statistics)",
        "switch",
        "prune older versions",
    ):
        if name in phases:
            row(name, phases[name])
    other = wall - sum(v for k, v in phases.items() if not k.startswith(" "))
    row("other (run bookkeeping, progress)", other)
    row("figure: whole run (match run, wall)", wall, f"{wall / 60:.1f} min")
    row("target", TARGET_S, f"<= {TARGET_S // 60} min")
    old_total = old_s / max(peer_pairs, 1) * pairs
    row(
        f"peer: per-pair encoder, {peer_pairs:,} pairs",
        old_s,
        f"{old_s / max(peer_pairs, 1) * 1e6:.1f} us/pair",
    )
    row(f"peer extrapolated to {pairs:,} pairs", old_total, f"{old_total / 60:.1f} min (encoding only)")
    row(f"ours on the same {peer_pairs:,} pairs", new_s, f"{new_s / max(peer_pairs, 1) * 1e6:.1f} us/pair")
    print(
        f"rows written: {run.seeker_rows:,} seeker lists + {run.posting_rows:,} posting lists "
        f"({seeker_pairs:,} + {posting_pairs:,} pairs); version v{run.version} ({run.status}, current: "
        f"{run.is_current}), method {run.parameters.get('method', 'exact')}"
    )
    print(f"peak RSS: this process {rss_self:,.0f} MB, largest forked worker {rss_children:,.0f} MB")
    print(f"same text as the per-pair encoder on the peer chunk: {same}")
    print(f"figure: {'MET' if wall <= TARGET_S else 'NOT met'} ({wall / 60:.1f} min vs {TARGET_S // 60} min)")
    print(f"load average before {before[0]:.2f} / after {after[0]:.2f}")
    if not args.no_lock:
        fcntl.flock(lock, fcntl.LOCK_UN)


def compare_dask(args) -> None:
    """A local province run (the peer) and a Dask one on the same data, each timed by phase, both
    versions' stored lists compared row by row in SQL; the Dask one is left current."""
    from distributed import Client, LocalCluster
    from django.core.management import call_command
    from django.db import connection

    from jobbridge.matching import batch, distributed, store
    from jobbridge.matching.engine import retrieval
    from jobbridge.matching.models import MatchList

    logging.getLogger("distributed").setLevel(logging.WARNING)  # the in-process scheduler's chatter
    phases: dict[str, dict[str, float]] = {"local": {}, "dask": {}}
    mode = ["local"]

    def timed(name, fn):
        def wrapper(*a, **kw):
            t = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                got = phases[mode[0]]
                got[name] = got.get(name, 0.0) + time.perf_counter() - t

        return wrapper

    score = "score (plan, scoring, merging, posting side)"
    batch.load_batches = timed("load (records -> batches)", batch.load_batches)
    batch.solve_province = timed(score, batch.solve_province)
    batch.solve_province_on_dask = timed(score, batch.solve_province_on_dask)
    retrieval.plan_cells = timed("  plan (in this process)", retrieval.plan_cells)
    distributed.plan_cells = timed("  plan (in this process)", distributed.plan_cells)
    Client.scatter = timed("  scatter scorer + plan to the workers", Client.scatter)
    distributed.merge_results = timed("  merge task results (in this process)", distributed.merge_results)
    distributed.province_result = timed("  canonical order + posting side", distributed.province_result)
    store.write_chunks = timed("write lists (encode + COPY)", store.write_chunks)
    for name in ("analyze", "switch_current", "prune"):
        setattr(store, name, timed("analyze + switch + prune", getattr(store, name)))

    lock = open(LOCK, "a")  # noqa: SIM115 - held for the whole measured comparison
    if not args.no_lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
    load = {"before": os.getloadavg()}
    runs, walls = {}, {}
    for m in ("local", "dask"):
        mode[0] = m
        cluster = None
        extra = []
        if m == "dask":
            address = args.scheduler
            if not address:
                t = time.perf_counter()
                cluster = LocalCluster(
                    n_workers=args.dask_workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=40,
                )
                address = cluster.scheduler_address
                print(
                    f"LocalCluster of {args.dask_workers} worker processes started in "
                    f"{time.perf_counter() - t:.1f} s (not in the run)",
                    flush=True,
                )
            extra = ["--scheduler", address, "--partitions", str(args.partitions)]
        out = io.StringIO()
        t = time.perf_counter()
        try:
            call_command("match", "run", "--json", "--no-progress", *extra, stdout=out)
            walls[m] = time.perf_counter() - t
            runs[m] = json.loads(out.getvalue().strip().splitlines()[-1])
            if m == "dask":
                with Client(address, set_as_default=False) as c:
                    rss = c.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
                runs[m]["worker_rss"] = sorted(rss.values())
        finally:
            if cluster is not None:
                cluster.close()
        load[f"after {m}"] = os.getloadavg()
    rss_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    with connection.cursor() as cursor:  # the two versions' lists, row by row
        table = MatchList._meta.db_table
        cursor.execute(
            f"SELECT count(*) FILTER (WHERE a.items IS DISTINCT FROM b.items), count(*) "
            f"FROM (SELECT kind, owner_id, items FROM {table} WHERE run_id = %s) a "
            f"FULL JOIN (SELECT kind, owner_id, items FROM {table} WHERE run_id = %s) b USING (kind, owner_id)",
            [runs["local"]["id"], runs["dask"]["id"]],
        )
        differ, rows = cursor.fetchone()

    r = runs["dask"]
    print()
    print(
        f"Province match run, {r['seekers']:,} seekers x {r['postings']:,} open postings, PostgreSQL, "
        f"{os.cpu_count()} cores shared; Dask: {r['partitions']} tasks on {len(r['worker_rss'])} workers"
    )
    print(f"{'phase (seconds)':<48}{'local':>10}{'Dask':>10}")
    names = [
        "load (records -> batches)",
        score,
        "  plan (in this process)",
        "  scatter scorer + plan to the workers",
        "  merge task results (in this process)",
        "  canonical order + posting side",
        "write lists (encode + COPY)",
        "analyze + switch + prune",
    ]
    for name in names:
        a, b = phases["local"].get(name), phases["dask"].get(name)
        print(f"{name:<48}{'' if a is None else f'{a:.1f}':>10}{'' if b is None else f'{b:.1f}':>10}")
    print(f"{'whole run (match run, wall)':<48}{walls['local']:>10.1f}{walls['dask']:>10.1f}")
    print(
        f"Dask overhead: {walls['dask'] - walls['local']:+.1f} s ({walls['dask'] / walls['local'] - 1:+.0%})"
    )
    print(
        f"stored lists: {runs['local']['seeker_lists']:,} + {runs['local']['posting_lists']:,} (local), "
        f"{r['seeker_lists']:,} + {r['posting_lists']:,} (Dask); rows differing: {differ:,} of {rows:,}"
    )
    print(
        f"peak RSS: this process {rss_self:,.0f} MB, Dask workers {', '.join(f'{x:,.0f}' for x in r['worker_rss'])} MB"
    )
    print("load average: " + ", ".join(f"{k} {v[0]:.2f}" for k, v in load.items()))
    if not args.no_lock:
        fcntl.flock(lock, fcntl.LOCK_UN)


if __name__ == "__main__":
    main()
