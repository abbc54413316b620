import numpy as np
import pytest

from jobbridge.matching.engine.codes import OccupationTable, destination_range, occupation_ids
from jobbridge.matching.engine.features import PostingBatch, SeekerBatch
from jobbridge.matching.engine.scoring import (
    POSTING_CLOSED,
    POSTING_EXPIRED,
    POSTING_FULL,
    POSTING_NO_REGION,
    POSTING_OK,
    POSTING_WAGE_ABSURD,
    posting_exclusions,
)
from jobbridge.matching.engine.text import hash_texts

from .conftest import posting, seeker


def test_occupation_hierarchy_ids():
    o = occupation_ids("6-18-02-04")
    assert (o.detailed, o.minor, o.medium, o.major) == (6180204, 61802, 618, 6)
    g = occupation_ids("6-18-00-00")
    assert (g.detailed, g.minor, g.medium, g.major) == (-1, -1, 618, 6)
    assert occupation_ids("welder").specificity == 0
    assert occupation_ids("").specificity == 0


def test_occupation_table_decides_level(tmp_path):
    csv = tmp_path / "occ.csv"
    csv.write_text("level,code,name\n4,1-02-01-00,国家权力机关负责人\n4,6-18-02-04,焊工\n", encoding="utf-8")
    table = OccupationTable.from_csv(csv)
    assert occupation_ids("1-02-01-00", table).detailed == 1020100  # detailed despite the -00
    assert occupation_ids("9-99-99-99", table).specificity == 0  # unknown to the table


def test_destination_prefix_rule():
    assert destination_range("320200") == (320200, 320299)
    assert destination_range("320000") == (320000, 329999)
    assert destination_range("320205") == (320205, 320205)
    assert destination_range("320205001") == (320205, 320205)  # townships cut to the county
    assert destination_range("") is None and destination_range("abc") is None


def test_text_vectors_are_l2_normalised_and_empty_text_is_zero():
    m = hash_texts(["电焊 氩弧焊 CAD", "", None])
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    assert norms[0] == pytest.approx(1.0, abs=1e-6)
    assert norms[1] == 0 and norms[2] == 0


def test_bad_seeker_input_becomes_unknowns_with_notes(regions):
    s = SeekerBatch.from_records(
        [
            seeker(id=1, occupations=["x-99", "6-18-02-04"], expected_wage=0),
            seeker(
                id=2, occupations=[], skills="", residence_region=None, hukou_region=None, destinations=[]
            ),
            seeker(id=3, expected_wage=10**9, education="博士后"),
        ],
        regions,
    )
    assert s.occ_codes[0] == ("6-18-02-04",)
    assert np.isnan(s.wage[0]) and np.isnan(s.wage[2])  # 0 = not given; 10^9 = absurd, ignored
    assert s.anywhere[1]  # no region and no destinations: nothing to filter on
    assert s.education[2] == -1
    assert any("unknown occupation" in n for n in s.notes)
    assert any("absurd" in n for n in s.notes)
    assert s.text[1].nnz == 0


def test_seeker_without_destinations_stays_near_home(regions):
    s = SeekerBatch.from_records([seeker(destinations=[])], regions)
    assert not s.anywhere[0]
    assert (s.dest_lo[0], s.dest_hi[0]) == (630200, 630299)


def test_posting_exclusion_reasons(regions):
    p = PostingBatch.from_records(
        [
            posting(id=1),
            posting(id=2, status="closed"),
            posting(id=3, headcount=5, filled=5),
            posting(id=4, headcount=0),
            posting(id=5, valid_until="2026-01-01"),
            posting(id=6, wage_min=10**9, wage_max=10**9),
            posting(id=7, work_region=None),
            posting(id=8, wage_min=None, wage_max=None, occupation="bogus"),
        ],
        regions,
    )
    reasons = posting_exclusions(p, today=20480)
    assert reasons.tolist() == [
        POSTING_OK,
        POSTING_CLOSED,
        POSTING_FULL,
        POSTING_FULL,
        POSTING_EXPIRED,
        POSTING_WAGE_ABSURD,
        POSTING_NO_REGION,
        POSTING_OK,
    ]
    assert p.occ_codes[7] == "" and any("bogus" in n for n in p.notes)


def test_empty_batches(regions):
    s = SeekerBatch.from_records([], regions)
    p = PostingBatch.from_records([], regions)
    assert len(s) == 0 and len(p) == 0
    assert s.text.shape[0] == 0 and p.text.shape[0] == 0
