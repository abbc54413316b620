"""The columns of each roster: Chinese header, English field name, whether required, format, example.

This table drives the downloadable template, header recognition and docs/import.md (a test
keeps the doc in step). Headers are file-format identifiers, so they are plain strings rather
than translated text: a roster filled in under an English interface must still import.
"""

import re
from dataclasses import dataclass

from jobbridge.core.identity import clean_text

from .models import ImportKind


@dataclass(frozen=True)
class Column:
    key: str  # the raw-dict key the shared cleaner reads, also accepted as an English header
    header: str  # the Chinese header written in the template
    required: bool = False
    kind: str = "text"  # text | date | number; tells the reader how to turn spreadsheet cells into strings
    fmt: str = ""
    example: str = ""
    aliases: tuple[str, ...] = ()


SEEKER_COLUMNS = (
    Column("name", "姓名", True, fmt="不超过64字", example="张三"),
    Column(
        "id_number",
        "身份证号",
        True,
        fmt="18位居民身份证号，末位可为X；请设为文本格式",
        example="632123199001010012",
        aliases=("身份证号码", "公民身份号码"),
    ),
    Column(
        "phone",
        "手机号",
        fmt="11位中国大陆手机号，可带+86",
        example="13800138000",
        aliases=("手机号码", "联系电话"),
    ),
    Column(
        "hukou_region",
        "户籍地",
        True,
        fmt="区划代码或名称（乐都、青海省海东市乐都区）",
        example="乐都区",
        aliases=("户籍所在地",),
    ),
    Column("residence_region", "现居住地", fmt="区划代码或名称；空则同户籍地", example="630202001"),
    Column(
        "education", "学历", fmt="未上学、小学、初中、高中、中专/技校、大专、本科、研究生", example="高中"
    ),
    Column("major", "所学专业", fmt="不超过64字", example="机电一体化"),
    Column("skills", "技能", fmt="自由文本", example="电焊、叉车"),
    Column(
        "desired_occupations",
        "意向职业",
        fmt="职业分类代码或名称，多个用顿号或逗号分隔",
        example="6-25-04-08",
    ),
    Column(
        "desired_regions",
        "意向工作地",
        fmt="区划代码或名称，多个用顿号分隔；“不限”表示工作地不限",
        example="无锡市、苏州市",
    ),
    Column("accepts_anywhere", "工作地不限", fmt="是/否", example="否"),
    Column(
        "expected_wage",
        "期望月薪",
        kind="number",
        fmt="整数，元/月",
        example="5000",
        aliases=("期望月薪（元）",),
    ),
    Column(
        "available_from",
        "可到岗日期",
        kind="date",
        fmt="2023-02-03、2023年2月3日、2023.2.3或日期单元格",
        example="2024-03-01",
    ),
    Column(
        "employment_status",
        "就业状态",
        fmt="未就业、已就业、灵活就业、在校学生、非劳动力；空为未就业",
        example="未就业",
    ),
    Column(
        "grid",
        "网格编号",
        fmt="已建网格的编号；专员只能填自己负责的网格",
        example="G00001",
        aliases=("网格",),
    ),
    Column(
        "household",
        "户编号",
        fmt="本地家庭户编号，不存在则新建",
        example="6302020010001",
        aliases=("家庭户",),
    ),
    Column("certificates", "证书", fmt="证书名称，多个用顿号分隔", example="电工证、叉车证"),
    Column(
        "priority",
        "就业困难类别",
        fmt="残疾人、零就业家庭成员、登记失业人员、脱贫攻坚建档立卡户、脱贫人口",
        example="残疾人",
    ),
    Column(
        "priority_evidence",
        "证明材料",
        fmt="填写就业困难类别时必填，如残疾证号",
        example="63212319900101001242",
    ),
)

ENTERPRISE_COLUMNS = (
    Column("name", "单位名称", True, fmt="不超过128字", example="无锡某电子有限公司"),
    Column(
        "uscc",
        "统一社会信用代码",
        True,
        fmt="18位，含校验位",
        example="91320205MA1XXXXXXX",
        aliases=("信用代码",),
    ),
    Column("industry", "行业", fmt="GB/T 4754-2017门类字母、两位大类代码或名称", example="39"),
    Column("region", "所在地", True, fmt="区划代码或名称", example="无锡市锡山区"),
    Column("address", "地址", fmt="不超过200字", example="锡山经济开发区团结北路1号"),
    Column("size", "规模", fmt="微型、小型、中型、大型", example="中型"),
    Column("contact_name", "联系人", example="李经理"),
    Column("contact_phone", "联系电话", fmt="手机或座机", example="0510-88888888"),
    Column("park", "园区", fmt="产业园区名称，不存在则新建", example="锡山经济技术开发区"),
)

POSTING_COLUMNS = (
    Column(
        "enterprise_uscc",
        "单位统一社会信用代码",
        True,
        fmt="已导入单位的18位信用代码",
        example="91320205MA1XXXXXXX",
        aliases=("统一社会信用代码", "uscc"),
    ),
    Column("title", "岗位名称", True, fmt="不超过64字", example="普工"),
    Column("occupation", "职业", fmt="职业分类代码或名称", example="6-25-04-08"),
    Column("description", "岗位描述", example="电子元件装配，两班倒"),
    Column("required_skills", "技能要求", example="会看图纸"),
    Column("required_certificates", "证书要求", example="电工证"),
    Column("min_education", "最低学历", fmt="同求职者学历", example="初中"),
    Column("headcount", "招聘人数", True, kind="number", fmt="1至100000的整数", example="30"),
    Column("filled", "已招人数", kind="number", fmt="不超过招聘人数", example="0"),
    Column("wage_min", "月薪下限", kind="number", fmt="整数，元/月", example="5000"),
    Column("wage_max", "月薪上限", kind="number", fmt="整数，元/月，不低于下限", example="7000"),
    Column("work_region", "工作地", True, fmt="区划代码或名称", example="无锡市锡山区"),
    Column("board", "包吃", fmt="是/否", example="是"),
    Column("lodging", "包住", fmt="是/否", example="是"),
    Column("disability_friendly", "适合残疾人", fmt="是/否", example="否"),
    Column("target_groups", "面向群体", fmt="就业困难类别，多个用顿号分隔", example="脱贫人口"),
    Column("valid_from", "有效期起", kind="date", fmt="日期", example="2024-01-16"),
    Column("valid_until", "有效期止", kind="date", fmt="日期，不早于有效期起", example="2024-03-31"),
    Column("status", "状态", fmt="草稿、招聘中、已招满、已关闭；空为招聘中", example="招聘中"),
)

TRANSFER_COLUMNS = (
    Column("name", "姓名", fmt="此人尚未登记时必填", example="张三"),
    Column(
        "id_number",
        "身份证号",
        True,
        fmt="18位居民身份证号；请设为文本格式",
        example="632123199001010012",
        aliases=("身份证号码", "公民身份号码"),
    ),
    Column(
        "hukou_region",
        "户籍地",
        fmt="此人尚未登记时必填；区划代码或名称",
        example="乐都区",
        aliases=("户籍所在地",),
    ),
    Column("residence_region", "现居住地", fmt="区划代码或名称（登记新人时使用）", example="630202001"),
    Column("origin_basis", "输出地依据", fmt="户籍地或现居住地；空为户籍地", example="户籍地"),
    Column(
        "destination",
        "输入地",
        True,
        fmt="区划代码或名称（工作所在地）",
        example="无锡市锡山区",
        aliases=("转移去向", "务工地", "就业地"),
    ),
    Column(
        "employer",
        "用人单位",
        True,
        fmt="单位名称，不超过128字",
        example="无锡某电子有限公司",
        aliases=("就业单位", "工作单位"),
    ),
    Column(
        "employer_uscc",
        "单位信用代码",
        fmt="已登记单位的18位统一社会信用代码（可选）",
        example="91320205MA1XXXXXXX",
    ),
    Column("industry", "行业", fmt="GB/T 4754-2017门类字母、两位大类代码或名称", example="C"),
    Column(
        "transferred_on",
        "转移日期",
        True,
        kind="date",
        fmt="日期，不晚于今天",
        example="2023-01-10",
        aliases=("转移时间", "外出日期"),
    ),
    Column("channel", "转移渠道", fmt="有组织输出、招聘会、自主就业、其他；空为其他", example="有组织输出"),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    ImportKind.SEEKERS: SEEKER_COLUMNS,
    ImportKind.ENTERPRISES: ENTERPRISE_COLUMNS,
    ImportKind.POSTINGS: POSTING_COLUMNS,
    ImportKind.TRANSFERS: TRANSFER_COLUMNS,
}

# "姓名*", "*姓名", "姓名（必填）", "Name " all name the same column.
_DECORATION = re.compile(r"[*＊]|[（(](必填|选填|可选|required|optional)[)）]", re.IGNORECASE)


def header_key(text: object) -> str:
    return _DECORATION.sub("", clean_text(text)).replace(" ", "").lower()


def header_index(kind: str) -> dict[str, Column]:
    """Every accepted spelling of a header (normalised) to its column."""
    return columns_index(COLUMNS[kind])


def columns_index(columns: tuple[Column, ...]) -> dict[str, Column]:
    """``header_index`` for any importer's columns (the returns app keeps its own)."""
    index: dict[str, Column] = {}
    for col in columns:
        for spelling in (col.header, col.key, *col.aliases):
            index.setdefault(header_key(spelling), col)
    return index
