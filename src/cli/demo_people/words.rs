//! What demo people are made of: districts, names, occupations, companies, roads and
//! mobile prefixes.

/// District codes of resident IDs and company registrations, with city and district.
pub(super) const AREAS: &[(&str, &str, &str)] = &[
    ("110101", "北京市", "东城区"),
    ("110102", "北京市", "西城区"),
    ("110105", "北京市", "朝阳区"),
    ("110108", "北京市", "海淀区"),
    ("120101", "天津市", "和平区"),
    ("310101", "上海市", "黄浦区"),
    ("310104", "上海市", "徐汇区"),
    ("310105", "上海市", "长宁区"),
    ("310115", "上海市", "浦东新区"),
    ("320102", "南京市", "玄武区"),
    ("320106", "南京市", "鼓楼区"),
    ("320505", "苏州市", "虎丘区"),
    ("330102", "杭州市", "上城区"),
    ("330106", "杭州市", "西湖区"),
    ("350203", "厦门市", "思明区"),
    ("370202", "青岛市", "市南区"),
    ("410105", "郑州市", "金水区"),
    ("420102", "武汉市", "江岸区"),
    ("420106", "武汉市", "武昌区"),
    ("430104", "长沙市", "岳麓区"),
    ("440103", "广州市", "荔湾区"),
    ("440104", "广州市", "越秀区"),
    ("440106", "广州市", "天河区"),
    ("440304", "深圳市", "福田区"),
    ("440305", "深圳市", "南山区"),
    ("500103", "重庆市", "渝中区"),
    ("510104", "成都市", "锦江区"),
    ("510107", "成都市", "武侯区"),
    ("610113", "西安市", "雁塔区"),
    ("210102", "沈阳市", "和平区"),
];

/// Common surnames, the most frequent first (they are drawn with a bias to the front).
pub(super) const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
    "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏",
    "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "闫", "段", "雷", "侯",
    "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵",
];

/// Two-character surnames, drawn now and then.
pub(super) const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "诸葛", "上官", "司徒", "东方", "慕容", "皇甫",
];

/// Characters of men's given names.
pub(super) const MALE_CHARS: &[&str] = &[
    "伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "华", "飞", "鑫",
    "波", "斌", "宇", "浩", "凯", "健", "俊", "帆", "帅", "旭", "宁", "龙", "林", "洋", "建", "国",
    "志", "文", "博", "晨", "子", "轩", "睿", "泽", "宏", "毅", "峰", "海", "成",
];

/// Characters of women's given names.
pub(super) const FEMALE_CHARS: &[&str] = &[
    "芳", "娜", "敏", "静", "秀", "丽", "艳", "娟", "霞", "燕", "玲", "桂", "丹", "萍", "红", "玉",
    "兰", "梅", "琳", "雪", "婷", "倩", "欣", "怡", "佳", "悦", "晨", "琪", "颖", "嘉", "慧", "洁",
    "璐", "月", "思", "雨", "萱", "涵", "诗", "晓", "文", "子", "宁", "馨", "瑶",
];

/// English given names of men.
pub(super) const MALE_FIRST: &[&str] = &[
    "James", "John", "Robert", "Michael", "David", "William", "Richard", "Thomas", "Daniel",
    "Matthew", "Andrew", "Peter", "Mark", "Paul", "George", "Oliver", "Henry", "Lucas",
];

/// English given names of women.
pub(super) const FEMALE_FIRST: &[&str] = &[
    "Mary",
    "Patricia",
    "Jennifer",
    "Linda",
    "Elizabeth",
    "Susan",
    "Jessica",
    "Sarah",
    "Emily",
    "Emma",
    "Olivia",
    "Sophie",
    "Anna",
    "Laura",
    "Claire",
    "Grace",
    "Alice",
    "Chloe",
];

/// English family names.
pub(super) const LAST: &[&str] = &[
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Taylor",
    "Anderson", "Thomas", "Moore", "Martin", "Lee", "Walker", "Wright", "Green", "Baker", "Clarke",
    "Evans", "Müller", "Schmidt", "Dubois", "Rossi", "O'Connor", "Tanaka", "Kim",
];

/// Occupations of individuals.
pub(super) const OCCUPATIONS: &[&str] = &[
    "教师",
    "医生",
    "工程师",
    "会计",
    "律师",
    "公务员",
    "销售",
    "企业主",
    "个体工商户",
    "退休",
    "程序员",
    "设计师",
    "护士",
    "自由职业",
    "金融从业者",
    "科研人员",
    "职员",
];

/// Words of company names, industries (with the occupation field's industry) and forms.
pub(super) const COMPANY_WORDS: &[&str] = &[
    "华信", "浦江", "恒通", "瑞丰", "鼎盛", "远航", "嘉禾", "金桥", "宏达", "新元", "博远", "中联",
    "汇金", "安泰", "永辉", "天成", "锦程", "信达", "正泰", "明德",
];
/// Company-name industries and the industry written in the occupation field.
pub(super) const INDUSTRIES: &[(&str, &str)] = &[
    ("贸易", "批发和零售业"),
    ("科技", "信息技术服务业"),
    ("实业", "制造业"),
    ("物流", "交通运输业"),
    ("餐饮管理", "住宿和餐饮业"),
    ("建设工程", "建筑业"),
    ("文化传媒", "文化体育和娱乐业"),
    ("电子", "制造业"),
    ("医药", "医药制造业"),
    ("食品", "农副食品加工业"),
    ("咨询", "商务服务业"),
];

/// Streets of addresses.
pub(super) const ROADS: &[&str] = &[
    "中山路",
    "人民路",
    "解放路",
    "建设路",
    "和平路",
    "长江路",
    "新华路",
    "文化路",
    "青年路",
    "胜利路",
    "花园路",
    "滨江大道",
    "学府路",
    "东风路",
    "朝阳路",
];

/// Where clients came from.
pub(super) const SOURCES: &[&str] = &[
    "网点到访",
    "客户转介",
    "代发工资",
    "电话营销",
    "线上渠道",
    "社区活动",
    "存量客户",
];

/// Notes an RM might keep.
pub(super) const NOTES: &[&str] = &[
    "偏好稳健型产品，关注保本",
    "关注子女教育金规划",
    "有海外资产配置需求",
    "退休金代发客户，每月初到账",
    "对利率变动敏感，定期比较存款利率",
    "希望电话联系，工作日下午方便",
    "家庭成员也在本行开户",
    "Prefers contact in English",
];

/// E-mail domains.
pub(super) const MAIL_DOMAINS: &[&str] = &[
    "163.com",
    "126.com",
    "qq.com",
    "sina.com",
    "outlook.com",
    "gmail.com",
    "foxmail.com",
];

/// First three digits of mainland mobile numbers.
pub(super) const MOBILE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "166", "170", "173", "175", "176", "177", "178", "180",
    "181", "182", "183", "185", "186", "187", "188", "189", "191", "193", "195", "198", "199",
];
