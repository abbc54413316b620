import pytest

from jobbridge.jobtitles.normalize import clean_title, normalize, strip_markers


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("电焊工", "电焊工"),
        ("捉鸭记餐厅招聘厨师", "厨师"),
        ("普工包吃住", "普工"),
        ("急招叉车司机月薪8000", "叉车司机"),
        ("外贸业务员（英语四级）", "外贸业务员"),
        ("苏州某某电子有限公司招聘普工5000-8000元/月", "普工"),
        ("【昆山】长白班质检员 包吃住 五险一金", "质检员"),
        ("日结 装卸工 200元/天", "装卸工"),
        ("8k-12k 前端开发", "前端开发"),
        ("保安 45岁以下", "保安"),
        ("汽修学徒3名", "汽修"),
    ],
)
def test_noise_is_stripped(raw, clean):
    assert clean_title(raw) == clean


@pytest.mark.parametrize("kept", ["招商专员", "急诊护士", "5g网络工程师", "3d建模师", "储备干部"])
def test_job_words_that_look_like_noise_are_kept(kept):
    assert clean_title(kept) == kept


def test_a_title_that_is_all_noise_falls_back_to_itself():
    assert clean_title("月薪8000") == "月薪8000"


def test_width_case_and_length():
    assert normalize("ＣＮＣ　操机员") == "cnc 操机员"
    assert len(normalize("焊" * 500)) == 200


def test_csco_markers_are_stripped_from_names():
    assert strip_markers("保洁员L") == "保洁员"
    assert strip_markers("增材制造工程技术人员L/S") == "增材制造工程技术人员"
    assert strip_markers("焊工") == "焊工"
