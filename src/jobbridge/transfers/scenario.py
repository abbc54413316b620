"""The acceptance ledger: Haidong (海东市 630200), January 2023, in the proportions the city
published (117,000 person-times = 69,000 out of province + 22,000 within Qinghai + 26,000
nearby). ``write_haidong_ledger(path, total)`` writes it as a transfer import file at any scale
(``total`` a multiple of 117 keeps the proportions exact).

Destinations are picked so that ``core.regions.classify_move`` puts each row where intended:
out of province = Shanghai, Guangdong, Jiangsu, Fujian; within the province = Xining and Haixi
(other prefectures, hence other counties); nearby = the person's own county or one of its
townships. Every 50th row is a second transfer of the previous row's person (another date and
employer): person-times and persons differ, as in real ledgers.
"""

import datetime as dt
import random
from pathlib import Path

import xlsxwriter

from jobbridge.core.synthetic_ids import resident_id

# county of hukou -> the county code its older ID numbers carry (valid for people born before 2013)
HAIDONG_COUNTIES = {
    "630202": "632123",
    "630203": "632121",
    "630222": "632122",
    "630223": "632126",
    "630224": "632127",
    "630225": "632128",
}
OUT_OF_PROVINCE = [
    ("310115", "上海某物流有限公司", "G"),
    ("441900", "东莞某电子厂", "C"),
    ("440306", "深圳某制造有限公司", "C"),
    ("320205", "无锡某电子有限公司", "C"),
    ("320505", "苏州某精密机械有限公司", "C"),
    ("350206", "厦门某服装有限公司", "C"),
    ("350100", "福州某建筑工程有限公司", "E"),
]
WITHIN_PROVINCE = [
    ("630102", "西宁某餐饮管理有限公司", "H"),
    ("630100", "西宁某物业服务有限公司", "K"),
    ("632801", "格尔木某盐湖化工有限公司", "C"),
    ("632800", "海西某矿业有限公司", "B"),
]
CHANNELS = ["有组织输出", "招聘会", "自主就业", "其他"]
HEADER = ["姓名", "身份证号", "户籍地", "输入地", "用人单位", "行业", "转移日期", "转移渠道"]
SHARES = (69, 22, 26)  # of every 117: out of province, within the province, nearby


def plan(total: int) -> dict[str, int]:
    out, within = total * SHARES[0] // 117, total * SHARES[1] // 117
    return {"out_of_province": out, "within_province": within, "nearby": total - out - within}


def rows(total: int, *, seed: int = 20230101):
    rnd = random.Random(seed)
    counts = plan(total)
    classes = (
        ["out_of_province"] * counts["out_of_province"]
        + ["within_province"] * counts["within_province"]
        + ["nearby"] * counts["nearby"]
    )
    rnd.shuffle(classes)
    counties = list(HAIDONG_COUNTIES)
    townships: dict[str, list[str]] = {}
    person = None
    for i, move in enumerate(classes):
        day = dt.date(2023, 1, 1 + rnd.randrange(31))
        if person is not None and i % 50 == 49:
            name, number, county = person  # a second transfer of the same person this month
        else:
            county = counties[i % len(counties)]
            birth = dt.date(1985, 1, 1) + dt.timedelta(days=(i // 1000) % 9000)
            number = resident_id(HAIDONG_COUNTIES[county], birth, i % 1000)
            name = f"转移{i:06d}"
        person = (name, number, county)
        if move == "out_of_province":
            dest, employer, industry = rnd.choice(OUT_OF_PROVINCE)
        elif move == "within_province":
            dest, employer, industry = rnd.choice(WITHIN_PROVINCE)
        else:
            options = townships.get(county) or [county]
            dest, employer, industry = rnd.choice(options), f"{county}扶贫车间{i % 7}", "C"
        yield [
            name,
            number,
            county,
            dest,
            f"{employer}{i % 13}",
            industry,
            day.isoformat(),
            CHANNELS[i % len(CHANNELS)],
        ]


def write_haidong_ledger(path: str | Path, total: int = 117_000, *, seed: int = 20230101) -> dict[str, int]:
    """Write the ledger file; returns the intended person-times by class (and persons)."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("转移台账")
    sheet.write_row(0, 0, HEADER)
    persons = set()
    for r, row in enumerate(rows(total, seed=seed), start=1):
        persons.add(row[1])
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    return {**plan(total), "person_times": total, "persons": len(persons)}
