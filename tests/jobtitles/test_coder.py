"""The pure coder on the shipped table (no database)."""

import pytest

from jobbridge.core.reference import read_occupations
from jobbridge.jobtitles.coder import read_keywords
from jobbridge.jobtitles.data.make_titles import is_dev, read_terms
from jobbridge.jobtitles.evaluation import NearestName, accuracy, read_labelled
from jobbridge.jobtitles.normalize import clean_title

CODES = {r["code"] for r in read_occupations()}


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("电焊工", "6-18-02-04"),
        ("拼多多运营", "4-01-06-01"),
        ("捉鸭记餐厅招聘厨师", "4-03-02-01"),
        ("急招叉车司机月薪8000", "6-30-05-01"),
        ("外贸业务员（英语四级）", "2-06-07-01"),
        ("保洁阿姨", "4-09-08-01"),
        ("Java开发工程师", "2-02-10-03"),
        ("幼儿园老师", "2-08-03-00"),
        ("ICU护士", "2-05-08-00"),
    ],
)
def test_common_titles_code_to_the_right_occupation(coder, title, code):
    assert coder.code(title)[0].code == code


@pytest.mark.parametrize(
    ("title", "group"), [("普工包吃住", "6-00-00-00"), ("技术员", "2-02-00-00"), ("老师", "2-08-00-00")]
)
def test_a_title_that_says_no_more_than_a_group_gets_the_group(coder, title, group):
    assert coder.code(title)[0].code == group


def test_suggestions_are_five_distinct_codes_with_confidences(coder):
    s = coder.code("急招叉车司机月薪8000", 5)
    assert len(s) == 5 and len({x.code for x in s}) == 5
    assert all(0 <= x.score <= 1 for x in s) and sum(x.score for x in s) <= 1.0001
    assert [x.score for x in s] == sorted((x.score for x in s), reverse=True)
    assert s[0].score > 0.5 and s[0].as_dict() == {
        "code": s[0].code,
        "name": s[0].name,
        "score": round(s[0].score, 4),
    }


def test_english_is_coded_by_the_semantic_signal_with_low_confidence(coder, lexical):
    s = coder.code("welder", 5)
    assert "6-18-02-04" in [x.code for x in s]
    assert s[0].score < 0.75  # honest: an English word is a guess, not a certainty (about 0.5)


def test_a_batch_keeps_its_order_and_matches_one_by_one(coder):
    titles = ["电焊工", "保安", "电焊工包吃住", "月嫂"]
    batch = coder.code_many(titles, 3)
    assert [b[0].code for b in batch] == [coder.code(t, 3)[0].code for t in titles]
    assert coder.code_many([]) == []


def test_a_clerk_alias_wins_outright(table):
    from jobbridge.jobtitles.coder import Coder

    c = Coder(table)
    assert c.code("小蜜蜂")[0].code != "4-01-02-03"
    c.set_clerk_aliases({"小蜜蜂": "4-01-02-03"})
    assert c.code("小蜜蜂")[0].code == "4-01-02-03"
    assert c.code("急招小蜜蜂月薪5000")[0].code == "4-01-02-03"  # also after the noise is stripped


def test_keywords_and_labelled_sets_use_real_codes():
    assert {code for _, code in read_keywords()} <= CODES
    evaluation, dev = read_labelled("eval_titles.csv"), read_labelled("dev_titles.csv")
    assert len(evaluation) >= 1000
    assert {c for _, c in evaluation + dev} <= CODES


def test_the_evaluation_set_shares_no_job_word_with_the_dev_set():
    terms = read_terms()
    dev = {clean_title(w) for w, _ in terms if is_dev(w)}
    evaluation = {clean_title(w) for w, _ in terms if not is_dev(w)}
    assert dev and evaluation and not dev & evaluation
    assert len(evaluation) > len(dev)


def test_accuracy_on_the_evaluation_set_beats_the_plain_peer(coder, lexical, table):
    rows = read_labelled("eval_titles.csv")
    labels = [c for _, c in rows]
    lex = accuracy(labels, lexical.code_many([t for t, _ in rows]))
    assert lex.exact > 0.55 and lex.medium > 0.68 and lex.top5 > 0.75
    sample = rows[::5]  # the encoder on a fifth keeps the test fast; the bench runs all of it
    full = accuracy([c for _, c in sample], coder.code_many([t for t, _ in sample]))
    peer = accuracy(
        [c for _, c in sample[:80]], NearestName(table.rows).code_many([t for t, _ in sample[:80]])
    )
    assert full.exact > 0.6 and full.medium > 0.72
    assert full.exact > peer.exact + 0.1
