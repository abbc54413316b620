"""The demo world's catalogues: where people come from, where the jobs are, what they are called.

Everything here is plain data drawn from /work/shared/DOMAIN.md and the source articles:
the exporting regions (Qinghai Haidong, Guizhou, Yunnan Zhaotong, Shanxi, Chongqing Kaizhou),
the receiving ones (Jiangsu Wuxi/Suzhou, Guangdong Dongguan, Shanghai, Zhejiang, Fujian) and
assistance workshops near home. Codes are real division, CSCO 2022 and GB/T 4754 codes that the
reference migration loads; ``tests/demo`` checks that they exist.
"""

# Data tables: kept in their compact hand-written layout.
# fmt: off

# --- Origins: county code -> weight (share of seekers). Townships come from core.Region level 4.
ORIGIN_COUNTIES: dict[str, float] = {
    # Qinghai Haidong (the bureau the demo accounts belong to): about half of the register.
    "630202": 0.12,  # 乐都区
    "630203": 0.07,  # 平安区
    "630222": 0.09,  # 民和回族土族自治县
    "630223": 0.08,  # 互助土族自治县
    "630224": 0.07,  # 化隆回族自治县
    "630225": 0.05,  # 循化撒拉族自治县
    # Guizhou Bijie.
    "520502": 0.025, "520521": 0.02, "520524": 0.02, "520525": 0.02, "520526": 0.025, "520527": 0.02,
    # Yunnan Zhaotong.
    "530602": 0.025, "530621": 0.02, "530622": 0.02, "530625": 0.015, "530627": 0.035, "530628": 0.02,
    # Shanxi Lüliang and Xinzhou.
    "141124": 0.02, "141123": 0.015, "141126": 0.01, "140922": 0.015, "140925": 0.01, "140930": 0.01,
    # Chongqing Kaizhou.
    "500154": 0.08,
}
# Birthplace codes in ID numbers are the county's code when the number was assigned (as
# python-stdnum checks it): Ledu district 630202 dates from 2013, so a Ledu person born in 1990
# carries Ledu county's 632123. (code, first birth year, last birth year) per origin county.
BIRTHPLACE_CODES: dict[str, list[tuple[str, int, int]]] = {
    "630202": [("632123", 1900, 2013)], "630203": [("632121", 1900, 2013)],
    "630222": [("632122", 1900, 2013)], "630223": [("632126", 1900, 2013)],
    "630224": [("632127", 1900, 2013)], "630225": [("632128", 1900, 2013)],
    "520502": [("522421", 1900, 1992), ("522401", 1993, 2010), ("520502", 2011, 2100)],
    "520521": [("522422", 1900, 2010), ("520521", 2011, 2100)],
    "520524": [("522425", 1900, 2010), ("520524", 2011, 2100)],
    "520525": [("522426", 1900, 2010), ("520525", 2011, 2100)],
    "520526": [("522427", 1900, 2010), ("520526", 2011, 2100)],
    "520527": [("522428", 1900, 2010), ("520527", 2011, 2100)],
    "530602": [("532121", 1900, 1982), ("532101", 1983, 2000), ("530602", 2001, 2100)],
    "530621": [("532122", 1900, 2000), ("530621", 2001, 2100)],
    "530622": [("532123", 1900, 2000), ("530622", 2001, 2100)],
    "530625": [("532126", 1900, 2000), ("530625", 2001, 2100)],
    "530627": [("532128", 1900, 2000), ("530627", 2001, 2100)],
    "530628": [("532129", 1900, 2000), ("530628", 2001, 2100)],
    "141124": [("142326", 1900, 2002), ("141124", 2003, 2100)],
    "141123": [("142325", 1900, 2002), ("141123", 2003, 2100)],
    "141126": [("142328", 1900, 2002), ("141126", 2003, 2100)],
    "140922": [("142223", 1900, 1999), ("140922", 2000, 2100)],
    "140925": [("142227", 1900, 1999), ("140925", 2000, 2100)],
    "140930": [("142232", 1900, 1999), ("140930", 2000, 2100)],
    # Kai county: Sichuan's Wanxian city 1992-97, Chongqing from 1997, Kaizhou district from 2016.
    # The code list stdnum checks against has no Kai county code before 1992, so the demo's
    # Kaizhou seekers are born 1992 or later (young returnees and graduates).
    "500154": [("511221", 1992, 1996), ("500234", 1997, 2015), ("500154", 2016, 2100)],
}
HAIDONG = "630200"
QINGHAI = "630000"
LEDU = "630202"
COMMISSIONER_TOWNSHIP = "630202101"  # 高庙镇, Ledu: the demo commissioner's two grids are here

# --- Destinations: (county code, weight, is_local). Enterprises register at a township under it.
DESTINATION_COUNTIES: list[tuple[str, float]] = [
    # Jiangsu Wuxi (counterpart of Haidong; train K2188 took 137 workers to Wuxi).
    ("320214", 0.06), ("320205", 0.03), ("320206", 0.03), ("320211", 0.02), ("320281", 0.03), ("320282", 0.02),
    # Jiangsu Suzhou.
    ("320505", 0.03), ("320506", 0.03), ("320507", 0.02), ("320509", 0.03), ("320583", 0.05), ("320582", 0.02),
    # Guangdong Dongguan (townships directly under the prefecture).
    ("441900", 0.18),
    # Shanghai.
    ("310115", 0.04), ("310112", 0.03), ("310114", 0.03), ("310117", 0.03), ("310120", 0.02),
    # Zhejiang Hangzhou and Ningbo.
    ("330110", 0.03), ("330109", 0.03), ("330206", 0.02), ("330282", 0.02),
    # Fujian Xiamen and Quanzhou.
    ("350211", 0.02), ("350213", 0.02), ("350582", 0.03), ("350581", 0.02),
]
# Share of enterprises that are local employers near home (assistance workshops, county firms).
LOCAL_SHARE = 0.12

# Cities a seeker may name as desired work places (prefecture or municipality codes).
DESIRED_CITIES = ["320200", "320500", "441900", "310000", "330100", "330200", "350200", "350500",
                  "440300", "110000", "630100"]

INDUSTRIAL_PARKS: list[tuple[str, str]] = [
    ("无锡国家高新技术产业开发区", "320214"),
    ("江阴高新技术产业开发区", "320281"),
    ("苏州工业园区", "320506"),
    ("昆山经济技术开发区", "320583"),
    ("苏州高新区（虎丘区）", "320505"),
    ("东莞松山湖高新技术产业开发区", "441900"),
    ("东莞长安镇电子信息产业园", "441900"),
    ("上海金桥经济技术开发区", "310115"),
    ("上海闵行经济技术开发区", "310112"),
    ("杭州钱塘新区产业园", "330109"),
    ("宁波北仑经济技术开发区", "330206"),
    ("厦门火炬高技术产业开发区", "350211"),
    ("晋江经济开发区", "350582"),
    ("海东工业园区", "630202"),
    ("开州区浦里工业新区", "500154"),
]

# --- Occupations: key -> (CSCO 2022 code, display name). Keys are used by the job profiles below.
OCCUPATIONS: dict[str, tuple[str, str]] = {
    "assembly": ("6-25-04-07", "电子设备装接工"),
    "debug": ("6-25-04-08", "电子设备调试工"),
    "welder": ("6-18-02-04", "焊工"),
    "chef": ("4-03-02-01", "中式烹调师"),
    "pastry": ("4-03-02-02", "中式面点师"),
    "waiter": ("4-03-02-05", "餐厅服务员"),
    "guard": ("4-07-05-01", "保安员"),
    "courier": ("4-02-07-08", "快递员"),
    "delivery": ("4-10-08-01", "网约配送员"),
    "housekeeper": ("4-10-01-06", "家政服务员"),
    "nanny": ("4-10-01-03", "保育师"),
    "carer": ("4-10-01-05", "养老护理员"),
    "sewing": ("6-05-01-03", "缝纫工"),
    "electrician": ("6-31-01-03", "电工"),
    "forklift": ("6-30-05-01", "起重装卸机械操作工"),
    "mason": ("6-29-01-01", "砌筑工"),
    "rebar": ("6-29-01-04", "钢筋工"),
    "scaffold": ("6-29-01-05", "架子工"),
    "carpenter": ("6-06-03-02", "机械木工"),
    "cnc": ("6-18-01-07", "多工序数控机床操作调整工"),
    "inspector": ("6-31-03-05", "质检员"),
    "packer": ("6-31-05-00", "包装工"),
    "loader": ("4-02-05-01", "装卸搬运工"),
    "warehouse": ("4-02-06-01", "仓储管理员"),
    "cleaner": ("4-09-08-01", "保洁员L"),
    "driver": ("4-02-02-02", "道路货运汽车驾驶员L"),
    "excavator": ("6-30-05-05", "挖掘铲运和桩工机械司机"),
    "cashier": ("4-01-02-04", "收银员"),
    "callcenter": ("4-04-05-03", "呼叫中心服务员"),
    "solar": ("6-24-02-04", "光伏组件制造工L"),
    "car_repair": ("4-12-01-01", "汽车维修工"),
}

# How recruiters write titles for each occupation; "{brand}" is the enterprise's short name.
TITLES: dict[str, list[str]] = {
    "assembly": ["普工包吃住", "电子厂普工（长白班）", "急招操作工", "流水线普工", "SMT操作员", "普工 两班倒 包吃住",
                 "组装工（男女不限）"],
    "debug": ["电子调试员", "测试技术员", "产线调试工"],
    "welder": ["电焊工", "电焊工（氩弧焊优先）", "二保焊工", "焊工 持证上岗"],
    "chef": ["{brand}餐厅招聘厨师", "中餐厨师", "炒锅师傅", "厨师（川菜）", "捉鸭记餐厅招聘厨师"],
    "pastry": ["面点师", "中式面点师傅", "拉面师傅"],
    "waiter": ["餐厅服务员", "传菜员", "服务员包吃住"],
    "guard": ["保安", "保安 包吃住 月休4天", "小区保安员", "工厂门卫保安"],
    "courier": ["快递员（底薪+提成）", "快递分拣员", "快递派件员"],
    "delivery": ["外卖骑手", "同城配送员"],
    "housekeeper": ["住家保姆", "家政服务员", "月嫂", "钟点工"],
    "nanny": ["育婴员", "育婴师", "托育中心保育员"],
    "carer": ["养老护理员", "护工（养老院）"],
    "sewing": ["缝纫工（计件）", "平车工", "熟练车工", "服装厂车位工"],
    "electrician": ["电工（持证）", "维修电工", "水电工"],
    "forklift": ["叉车司机（持叉车证）", "叉车工", "仓库叉车司机"],
    "mason": ["瓦工", "砌筑工"],
    "rebar": ["钢筋工", "钢筋工（点工）"],
    "scaffold": ["架子工（持证）"],
    "carpenter": ["木工", "模板木工"],
    "cnc": ["CNC操机员", "数控车床操作工"],
    "inspector": ["质检员", "QC检验员", "品检"],
    "packer": ["包装工", "包装普工", "打包员（适合残疾人）"],
    "loader": ["装卸工", "搬运工（日结）"],
    "warehouse": ["仓管员", "仓库理货员"],
    "cleaner": ["保洁员", "保洁阿姨"],
    "driver": ["货车司机（B2）", "物流司机"],
    "excavator": ["挖机师傅", "挖掘机司机"],
    "cashier": ["收银员", "超市收银员"],
    "callcenter": ["客服专员", "电话客服（可居家）"],
    "solar": ["光伏组件操作工", "光伏厂普工"],
    "car_repair": ["汽修工", "汽车维修学徒"],
}

# Monthly wage band (CNY) by occupation: (low, high) of the posted range's midpoint.
WAGES: dict[str, tuple[int, int]] = {
    "assembly": (4500, 6500), "debug": (5000, 7500), "welder": (6500, 9000), "chef": (5500, 8500),
    "pastry": (5000, 7500), "waiter": (3800, 5200), "guard": (3600, 5200), "courier": (5500, 8500),
    "delivery": (5500, 9000), "housekeeper": (5000, 8500), "nanny": (5000, 9000), "carer": (4500, 7000),
    "sewing": (4500, 7500), "electrician": (6000, 8500), "forklift": (5200, 7500), "mason": (6500, 9000),
    "rebar": (6500, 9000), "scaffold": (7000, 9000), "carpenter": (6500, 9000), "cnc": (5500, 8000),
    "inspector": (4500, 6500), "packer": (3800, 5500), "loader": (4500, 7000), "warehouse": (4500, 6500),
    "cleaner": (3500, 4500), "driver": (7000, 9000), "excavator": (7500, 9000), "cashier": (3600, 5000),
    "callcenter": (3800, 6000), "solar": (4800, 6800), "car_repair": (4500, 7500),
}

CERTIFICATES: dict[str, str] = {
    "welder": "特种作业操作证（熔化焊接与热切割作业）",
    "electrician": "特种作业操作证（低压电工作业）",
    "forklift": "特种设备作业人员证（N1叉车司机）",
    "chef": "健康证；中式烹调师职业技能等级证书优先",
    "pastry": "健康证",
    "waiter": "健康证",
    "nanny": "育婴员职业技能等级证书；健康证",
    "housekeeper": "健康证",
    "carer": "养老护理员职业技能等级证书优先",
    "guard": "保安员证",
    "scaffold": "特种作业操作证（登高架设作业）",
    "driver": "B2驾驶证、从业资格证",
    "excavator": "挖掘机操作证",
}

SKILL_PHRASES: dict[str, list[str]] = {
    "assembly": ["在电子厂做过两年流水线", "会看简单电路图", "手脚麻利，能上夜班"],
    "debug": ["会用万用表、示波器", "做过手机主板测试"],
    "welder": ["会电焊、氩弧焊", "持焊工证，干过钢结构", "二保焊熟练"],
    "chef": ["会做川菜、家常菜", "在县城饭馆掌勺三年", "参加过厨师培训，取得中式烹调师证书"],
    "pastry": ["会做拉面、馍馍", "面点培训结业"],
    "waiter": ["做过餐厅服务员", "普通话流利"],
    "guard": ["退伍军人", "做过小区保安"],
    "courier": ["会骑电动车，熟悉导航", "干过快递分拣"],
    "delivery": ["跑过外卖", "有电动车"],
    "housekeeper": ["会做饭、带孩子", "做过住家保姆", "参加过家政培训"],
    "nanny": ["育婴员培训结业", "带过孩子，有耐心"],
    "carer": ["照顾过老人", "养老护理培训结业"],
    "sewing": ["会平车、锁边", "在服装厂做过车位"],
    "electrician": ["持低压电工证", "会布线、修电机"],
    "forklift": ["持叉车证", "开过叉车三年"],
    "mason": ["会砌墙、抹灰", "干过农村自建房"],
    "rebar": ["会绑钢筋、看图纸"],
    "scaffold": ["持登高证"],
    "carpenter": ["会支模板", "做过家具木工"],
    "cnc": ["会操作数控车床", "懂一点编程"],
    "inspector": ["做过来料检验", "细心"],
    "packer": ["做过包装", "能长期做"],
    "loader": ["力气大，能吃苦"],
    "warehouse": ["会用电脑、Excel", "做过仓库理货"],
    "cleaner": ["做过保洁"],
    "driver": ["持B2驾照", "开过货车"],
    "excavator": ["会开挖掘机"],
    "cashier": ["会用收银机"],
    "callcenter": ["打字快，普通话好"],
    "solar": ["在光伏厂做过"],
    "car_repair": ["会简单汽车保养"],
}

# Enterprise profiles: industry division (GB/T 4754) -> (weight, name words, occupations weighted).
PROFILES: list[dict] = [
    {"industry": "39", "weight": 0.22, "words": ["电子", "电子科技", "精密电子", "光电", "智能科技"],
     "jobs": {"assembly": 6, "debug": 1, "inspector": 2, "packer": 1, "forklift": 1, "electrician": 1,
              "warehouse": 1, "guard": 0.5, "cleaner": 0.3}},
    {"industry": "38", "weight": 0.07, "words": ["电气", "电器", "新能源", "光伏科技"],
     "jobs": {"assembly": 4, "solar": 3, "electrician": 1, "inspector": 1, "forklift": 1, "welder": 1}},
    {"industry": "18", "weight": 0.08, "words": ["服饰", "制衣", "服装"],
     "jobs": {"sewing": 6, "packer": 2, "inspector": 1, "cleaner": 0.3}},
    {"industry": "34", "weight": 0.07, "words": ["机械", "精密机械", "设备制造"],
     "jobs": {"cnc": 3, "welder": 3, "assembly": 2, "electrician": 1, "forklift": 1, "inspector": 1}},
    {"industry": "33", "weight": 0.05, "words": ["金属制品", "钢结构", "五金"],
     "jobs": {"welder": 5, "cnc": 1, "loader": 1, "forklift": 1, "packer": 1}},
    {"industry": "36", "weight": 0.04, "words": ["汽车零部件", "汽配"],
     "jobs": {"assembly": 4, "welder": 2, "inspector": 1, "cnc": 1, "car_repair": 0.5}},
    {"industry": "29", "weight": 0.03, "words": ["塑胶", "橡塑制品"],
     "jobs": {"assembly": 3, "packer": 2, "inspector": 1}},
    {"industry": "47", "weight": 0.06, "words": ["建筑工程", "建设工程", "建工集团"],
     "jobs": {"mason": 3, "rebar": 3, "carpenter": 2, "scaffold": 1, "welder": 1, "electrician": 1, "excavator": 1}},
    {"industry": "50", "weight": 0.03, "words": ["装饰工程", "建筑装饰"],
     "jobs": {"carpenter": 2, "electrician": 2, "mason": 2}},
    {"industry": "62", "weight": 0.10, "words": ["餐饮管理", "餐饮", "酒楼"],
     "jobs": {"chef": 4, "pastry": 2, "waiter": 4, "cashier": 1, "cleaner": 1}},
    {"industry": "61", "weight": 0.03, "words": ["酒店管理", "大酒店"],
     "jobs": {"waiter": 3, "cleaner": 2, "chef": 1, "guard": 1}},
    {"industry": "60", "weight": 0.06, "words": ["快递", "速递", "供应链"],
     "jobs": {"courier": 5, "loader": 2, "warehouse": 1, "driver": 1}},
    {"industry": "59", "weight": 0.04, "words": ["物流", "仓储"],
     "jobs": {"loader": 3, "forklift": 3, "warehouse": 2, "driver": 2}},
    {"industry": "80", "weight": 0.05, "words": ["家政服务", "母婴护理", "养老服务"],
     "jobs": {"housekeeper": 4, "nanny": 3, "carer": 2, "cleaner": 1}},
    {"industry": "72", "weight": 0.04, "words": ["保安服务", "物业管理", "人力资源"],
     "jobs": {"guard": 5, "cleaner": 2, "electrician": 0.5}},
    {"industry": "52", "weight": 0.03, "words": ["商贸", "超市", "连锁商业"],
     "jobs": {"cashier": 3, "loader": 1, "warehouse": 1, "callcenter": 1}},
    {"industry": "64", "weight": 0.02, "words": ["网络科技", "电子商务"],
     "jobs": {"callcenter": 4, "packer": 2, "delivery": 2}},
]

# Local employers near home: assistance workshops (帮扶车间) and county firms.
LOCAL_PROFILES: list[dict] = [
    {"industry": "18", "weight": 0.4, "kind": "workshop", "words": ["民族服饰", "刺绣", "手工编织"],
     "jobs": {"sewing": 5, "packer": 2}},
    {"industry": "13", "weight": 0.25, "kind": "workshop", "words": ["农副产品加工", "富硒农业", "牦牛肉食品"],
     "jobs": {"packer": 4, "loader": 1, "warehouse": 1}},
    {"industry": "62", "weight": 0.2, "kind": "firm", "words": ["餐饮", "清真餐饮"],
     "jobs": {"chef": 3, "pastry": 3, "waiter": 3}},
    {"industry": "80", "weight": 0.15, "kind": "firm", "words": ["家政服务"],
     "jobs": {"housekeeper": 3, "carer": 2, "cleaner": 1}},
]

BRANDS = [
    "鑫达", "宏利", "华强", "永盛", "恒通", "金辉", "瑞丰", "东升", "新泰", "博远", "立信", "中恒", "海纳",
    "天成", "佳美", "锦程", "盛世", "明德", "顺达", "长虹", "安顺", "和谐", "润泽", "康达", "富源", "嘉禾",
    "信诚", "亿丰", "星辰", "卓越", "远航", "汇丰", "正泰", "通力", "合力", "捷安", "创维", "凯旋", "德邦",
    "汇川", "晶科", "新锐", "同创", "众诚", "华联", "华美", "恒信", "宝通", "联创", "海川", "捉鸭记",
]

CITY_PREFIX = {"3202": "无锡", "3205": "苏州", "4419": "东莞", "3101": "上海", "3301": "杭州", "3302": "宁波",
               "3502": "厦门", "3505": "泉州", "6302": "海东", "5205": "毕节", "5306": "昭通", "1411": "吕梁",
               "1409": "忻州", "5001": "重庆"}

SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何",
            "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹", "袁", "邓",
            "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛", "叶", "阎", "余",
            "潘", "杜", "戴", "夏", "钟", "汪", "田", "任", "姜", "范", "方", "石", "姚", "谭", "廖", "邹", "熊",
            "祁", "冶", "喇", "韩", "鲁", "铁", "才"]
# Relative frequencies (roughly national; Hui, Salar and Tu surnames of Haidong weighted up).
SURNAME_WEIGHTS = [7.2, 7.0, 6.8, 5.4, 4.5, 3.1, 2.3, 2.1, 1.9, 1.8, 1.7, 1.5, 1.3, 1.3, 1.3, 1.2, 1.2, 1.1,
                   2.5, 0.9, 0.9, 0.9, 0.8, 0.8, 1.2, 0.8, 0.8, 0.7, 0.7, 0.7, 0.7, 0.6, 0.6, 0.6, 0.6, 0.5,
                   0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.3,
                   0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.6, 0.4, 0.3, 0.3,
                   0.2, 0.2, 0.2]
GIVEN_MALE = list("伟强军磊勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳峰彬东海成建国志文兵福祥荣德贵有忠明")
GIVEN_FEMALE = list("芳娜敏静丽艳娟霞秀英华玲桂兰梅萍燕红琴云莲雪慧婷倩颖洁琳晶欣悦妍蓉佳丹秀凤花珍")
VILLAGE_WORDS = ["上", "下", "东", "西", "南", "北", "新", "老", "大", "小", "前", "后", "马", "杨", "李", "王", "红",
                 "光明", "团结", "和平", "幸福", "河滩", "沟", "岔", "庄", "湾", "坪", "台", "山", "川", "家"]

MAJORS = {
    "vocational": ["机电技术应用", "数控技术应用", "中餐烹饪", "汽车运用与维修", "电子技术应用", "服装设计与工艺",
                   "幼儿保育", "护理", "焊接技术应用", "建筑工程施工", "计算机应用", "电子商务"],
    "college": ["机电一体化技术", "电气自动化技术", "烹饪工艺与营养", "学前教育", "护理", "物流管理", "会计",
                "市场营销", "酒店管理", "计算机应用技术", "工程造价", "汽车检测与维修技术"],
    "bachelor": ["机械设计制造及其自动化", "电气工程及其自动化", "计算机科学与技术", "会计学", "汉语言文学",
                 "土木工程", "护理学", "工商管理", "学前教育", "社会工作"],
    "senior": [""],
    "postgraduate": ["机械工程", "计算机技术", "公共管理"],
}

DISABILITY_KINDS = ["视力", "听力", "言语", "肢体", "肢体", "肢体", "智力", "精神"]
DISABILITY_GRADES = ["一级", "二级", "三级", "三级", "四级", "四级"]

# fmt: on
