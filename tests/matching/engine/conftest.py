import os
from pathlib import Path

import pytest

from jobbridge.matching.engine.features import PostingBatch, SeekerBatch
from jobbridge.matching.engine.scoring import Scorer
from worlds import synthetic as syn

BENCH = str(Path(__file__).resolve().parents[3] / "bench")  # bench/worlds, imported as ``worlds``


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment for a test's fresh interpreter: ``worlds`` importable as in the tests."""
    path = os.pathsep.join(p for p in (BENCH, os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, **extra}


@pytest.fixture(scope="session")
def regions():
    return syn.region_table()


@pytest.fixture(scope="session")
def small_world(regions):
    seekers = SeekerBatch.from_records(syn.seekers(400, seed=11), regions)
    postings = PostingBatch.from_records(syn.postings(600, seed=12), regions)
    return Scorer(seekers, postings, today=syn.DAY0)


def seeker(**kw):
    base = {
        "id": 1,
        "occupations": ["6-18-02-04"],
        "skills": "电焊 氩弧焊",
        "education": "junior",
        "residence_region": "630202",
        "hukou_region": "630202",
        "destinations": ["320200"],
        "expected_wage": 5000,
        "available_from": "2026-01-27",
        "certificates": ["焊工证"],
    }
    return base | kw


def posting(**kw):
    base = {
        "id": 10,
        "occupation": "6-18-02-04",
        "title": "电焊工",
        "required_skills": "氩弧焊 二保焊",
        "required_certificates": ["焊工证"],
        "min_education": "junior",
        "headcount": 5,
        "filled": 0,
        "wage_min": 5500,
        "wage_max": 6500,
        "work_region": "320205",
        "board": True,
        "lodging": True,
        "valid_from": "2026-01-20",
        "valid_until": "2026-03-31",
        "status": "open",
    }
    return base | kw
