"""Synthetic worlds for the benchmarks and the tests; not part of the shipped package.

synthetic -> a labour-export city (Haidong-like): the engine tests' small worlds, figure 1
province  -> a labour-export province at a million seekers, from the shipped CSCO and region
             tables (figure 2, determinism tests)
planted   -> a world with hidden truth the engine never sees, to measure quality (figure 6)
batches   -> concatenating SeekerBatch/PostingBatch built in chunks (a million records)

They build records for ``jobbridge.matching.engine`` and import only it, numpy and scipy. A bench
script finds this package beside it (``bench/`` is the script's directory); the tests put
``bench/`` on ``sys.path`` in ``tests/conftest.py``.
"""
