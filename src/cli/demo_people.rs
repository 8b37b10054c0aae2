//! Realistic demo clients from a seed: mostly Chinese individuals with resident IDs,
//! some English-named individuals with passports, some companies with credit codes.
//! The same seed and index give the same person, and every person passes
//! [`ClientInput::validate`].
//!
//! Identity numbers are not drawn at random: each is a scattered bijection of the index
//! onto its number space, so distinct indexes give distinct numbers — for indexes below
//! [`UNIQUE_INDEXES`], far more than any demo needs.
use chrono::{Datelike, Days, NaiveDate};
use rand::rngs::StdRng;
use rand::Rng;

use crate::domain::client::ClientInput;
use crate::domain::ids::{resident_id_check_char, uscc_check_char};
use crate::domain::search_terms::pinyin_initials;

/// Distinct indexes below this give distinct ID numbers (the smallest number space: one
/// resident ID per area, birth date and sequence number).
pub const UNIQUE_INDEXES: u64 = 600_000_000;

// The other number spaces (passports, permits, credit codes) are larger still.
const _: () = assert!(676 * 10_000_000 >= UNIQUE_INDEXES);
const _: () = assert!(10_000_000_000 >= UNIQUE_INDEXES);
const _: () = assert!(AREAS.len() as u64 * 100_000_000 >= UNIQUE_INDEXES);

/// District codes of resident IDs and company registrations, with city and district.
const AREAS: &[(&str, &str, &str)] = &[
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
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
    "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏",
    "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "闫", "段", "雷", "侯",
    "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵",
];

/// Two-character surnames, drawn now and then.
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "诸葛", "上官", "司徒", "东方", "慕容", "皇甫",
];

/// Characters of men's given names.
const MALE_CHARS: &[&str] = &[
    "伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "华", "飞", "鑫",
    "波", "斌", "宇", "浩", "凯", "健", "俊", "帆", "帅", "旭", "宁", "龙", "林", "洋", "建", "国",
    "志", "文", "博", "晨", "子", "轩", "睿", "泽", "宏", "毅", "峰", "海", "成",
];

/// Characters of women's given names.
const FEMALE_CHARS: &[&str] = &[
    "芳", "娜", "敏", "静", "秀", "丽", "艳", "娟", "霞", "燕", "玲", "桂", "丹", "萍", "红", "玉",
    "兰", "梅", "琳", "雪", "婷", "倩", "欣", "怡", "佳", "悦", "晨", "琪", "颖", "嘉", "慧", "洁",
    "璐", "月", "思", "雨", "萱", "涵", "诗", "晓", "文", "子", "宁", "馨", "瑶",
];

/// English given names of men.
const MALE_FIRST: &[&str] = &[
    "James", "John", "Robert", "Michael", "David", "William", "Richard", "Thomas", "Daniel",
    "Matthew", "Andrew", "Peter", "Mark", "Paul", "George", "Oliver", "Henry", "Lucas",
];

/// English given names of women.
const FEMALE_FIRST: &[&str] = &[
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
const LAST: &[&str] = &[
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Taylor",
    "Anderson", "Thomas", "Moore", "Martin", "Lee", "Walker", "Wright", "Green", "Baker", "Clarke",
    "Evans", "Müller", "Schmidt", "Dubois", "Rossi", "O'Connor", "Tanaka", "Kim",
];

/// Occupations of individuals.
const OCCUPATIONS: &[&str] = &[
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
const COMPANY_WORDS: &[&str] = &[
    "华信", "浦江", "恒通", "瑞丰", "鼎盛", "远航", "嘉禾", "金桥", "宏达", "新元", "博远", "中联",
    "汇金", "安泰", "永辉", "天成", "锦程", "信达", "正泰", "明德",
];
/// Company-name industries and the industry written in the occupation field.
const INDUSTRIES: &[(&str, &str)] = &[
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
const ROADS: &[&str] = &[
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
const SOURCES: &[&str] = &[
    "网点到访",
    "客户转介",
    "代发工资",
    "电话营销",
    "线上渠道",
    "社区活动",
    "存量客户",
];

/// Notes an RM might keep.
const NOTES: &[&str] = &[
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
const MAIL_DOMAINS: &[&str] = &[
    "163.com",
    "126.com",
    "qq.com",
    "sina.com",
    "outlook.com",
    "gmail.com",
    "foxmail.com",
];

/// First three digits of mainland mobile numbers.
const MOBILE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "166", "170", "173", "175", "176", "177", "178", "180",
    "181", "182", "183", "185", "186", "187", "188", "189", "191", "193", "195", "198", "199",
];

/// One of `items`, uniformly; `items` is never empty here.
fn pick<'a>(rng: &mut StdRng, items: &[&'a str]) -> &'a str {
    items
        .get(rng.gen_range(0..items.len()))
        .copied()
        .unwrap_or_default()
}

/// One of `items`, favouring the front (the square of a uniform draw).
fn pick_front<'a>(rng: &mut StdRng, items: &[&'a str]) -> &'a str {
    let u: f64 = rng.gen();
    let i = ((u * u) * items.len() as f64) as usize;
    items
        .get(i.min(items.len().saturating_sub(1)))
        .copied()
        .unwrap_or_default()
}

/// A number written zero-padded, on the stack. Building the strings of a person from
/// these and [`concat`] is several times faster than `format!`, which counts when a
/// demo asks for a million people.
struct Digits {
    buf: [u8; 20],
    start: usize,
}

impl Digits {
    /// `n` with at least `width` digits (at most 20).
    fn new(mut n: u64, width: usize) -> Digits {
        let mut buf = [b'0'; 20];
        let mut i = buf.len();
        loop {
            i -= 1;
            buf[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 || i == 0 {
                break;
            }
        }
        Digits {
            buf,
            start: i.min(buf.len().saturating_sub(width)),
        }
    }

    /// The digits.
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[self.start..]).unwrap_or_default()
    }
}

/// The parts, one after the other, in a string allocated once.
fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        out.push_str(p);
    }
    out
}

/// One round of a bijection of `0..=mask` (`mask` = 2^k - 1): each step (xor with a
/// constant, multiplication by an odd number modulo 2^k, xor with itself shifted right)
/// is invertible, so their composition is too.
fn scramble(mut x: u64, mask: u64, bits: u32, salt: u64) -> u64 {
    let shift = bits / 2 + 1;
    x = (x ^ salt) & mask;
    x = x.wrapping_mul(0x9E37_79B9_7F4A_7C15) & mask;
    x ^= x >> shift;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9) & mask;
    x ^= x >> shift;
    x
}

/// `index` mapped one-to-one onto `0..space` in a scattered order (for `index < space`):
/// [`scramble`] permutes the smallest power of two holding `space`, and values outside
/// `space` are scrambled again until one falls inside ("cycle walking"), which keeps the
/// map a bijection of `0..space`. Fewer than two rounds are needed on average.
fn mix(index: u64, space: u64, salt: u64) -> u64 {
    let space = space.max(1);
    let bits = 64 - (space - 1).leading_zeros();
    let mask = if bits >= 64 {
        u64::MAX
    } else {
        (1 << bits) - 1
    };
    // Starting inside `0..space` guarantees the walk comes back inside; past `space`
    // indexes wrap round (and repeat numbers).
    let mut x = index % space;
    loop {
        x = scramble(x, mask, bits, salt);
        if x < space {
            return x;
        }
    }
}

/// The earliest and latest birth dates of generated residents: 1940 to 2005, and adults
/// on `today`.
fn birth_range(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = NaiveDate::from_ymd_opt(1940, 1, 1).unwrap_or(NaiveDate::MIN);
    let adult = today
        .with_year(today.year() - 18)
        .or_else(|| today.checked_sub_days(Days::new(18 * 366)))
        .unwrap_or(first);
    let last = NaiveDate::from_ymd_opt(2005, 12, 31)
        .unwrap_or(first)
        .min(adult)
        .max(first);
    (first, last)
}

/// A resident ID unique to `index`, with its area.
fn resident_id(
    index: u64,
    today: NaiveDate,
) -> (String, &'static (&'static str, &'static str, &'static str)) {
    let (first, last) = birth_range(today);
    let days = u64::try_from((last - first).num_days() + 1).unwrap_or(1);
    let areas = AREAS.len() as u64;
    let x = mix(index, areas * days * 1000, 12_345);
    let seq = x % 1000;
    let day = (x / 1000) % days;
    let area = &AREAS[usize::try_from(x / 1000 / days).unwrap_or(0) % AREAS.len()];
    let birth = first.checked_add_days(Days::new(day)).unwrap_or(first);
    let mut id = concat(&[
        area.0,
        Digits::new(u64::try_from(birth.year()).unwrap_or(0), 4).as_str(),
        Digits::new(u64::from(birth.month()), 2).as_str(),
        Digits::new(u64::from(birth.day()), 2).as_str(),
        Digits::new(seq, 3).as_str(),
    ]);
    id.push(resident_id_check_char(&id).unwrap_or('0'));
    (id, area)
}

/// A passport number (2 letters, 7 digits) unique to `index`.
fn passport(index: u64) -> String {
    let x = mix(index, 676 * 10_000_000, 777);
    let letters = x / 10_000_000;
    let l1 = char::from(b'A' + (letters / 26) as u8);
    let l2 = char::from(b'A' + (letters % 26) as u8);
    let mut number = String::with_capacity(9);
    number.push(l1);
    number.push(l2);
    number.push_str(Digits::new(x % 10_000_000, 7).as_str());
    number
}

/// A travel permit number of a Hong Kong resident (`H` and 10 digits) unique to `index`.
fn permit(index: u64) -> String {
    concat(&[
        "H",
        Digits::new(mix(index, 10_000_000_000, 4242), 10).as_str(),
    ])
}

/// A unified social credit code unique to `index`, registered in a random district.
fn uscc(index: u64) -> (String, &'static (&'static str, &'static str, &'static str)) {
    let areas = AREAS.len() as u64;
    let x = mix(index, areas * 100_000_000, 99);
    let area = &AREAS[usize::try_from(x / 100_000_000).unwrap_or(0) % AREAS.len()];
    // Organisation code (GB 11714): 8 digits and a check character.
    let body = Digits::new(x % 100_000_000, 8);
    let body = body.as_str();
    let sum: u32 = body
        .bytes()
        .zip([3, 7, 9, 10, 5, 8, 4, 2])
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let org_check = match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        n => char::from(b'0' + n as u8),
    };
    let mut code = concat(&["91", area.0, body]);
    code.push(org_check);
    code.push(uscc_check_char(&code).unwrap_or('0'));
    (code, area)
}

/// A mainland mobile number.
fn mobile(rng: &mut StdRng) -> String {
    let prefix = pick(rng, MOBILE_PREFIXES);
    concat(&[
        prefix,
        Digits::new(rng.gen_range(0..100_000_000), 8).as_str(),
    ])
}

/// A Chinese personal name for the gender (`true` for male).
fn chinese_name(rng: &mut StdRng, male: bool) -> String {
    let surname = if rng.gen_ratio(1, 50) {
        pick(rng, COMPOUND_SURNAMES)
    } else {
        pick_front(rng, SURNAMES)
    };
    let chars = if male { MALE_CHARS } else { FEMALE_CHARS };
    let mut name = surname.to_string();
    name.push_str(pick(rng, chars));
    if rng.gen_ratio(2, 3) {
        name.push_str(pick(rng, chars));
    }
    name
}

/// An address in the city of `area`.
fn address(rng: &mut StdRng, area: &(&str, &str, &str)) -> String {
    let road = pick(rng, ROADS);
    let number = Digits::new(rng.gen_range(1..400), 1);
    let street = [area.1, area.2, road, number.as_str(), "号"];
    if rng.gen_ratio(1, 2) {
        let building = Digits::new(rng.gen_range(1..30), 1);
        let room = Digits::new(rng.gen_range(101..2_800), 1);
        let flat = [building.as_str(), "栋", room.as_str(), "室"];
        concat(&[&street[..], &flat[..]].concat())
    } else {
        concat(&street)
    }
}

/// A risk level and assessment date: mostly current, about one in six expired.
fn risk(rng: &mut StdRng, today: NaiveDate, input: &mut ClientInput) {
    let level = match rng.gen_range(0..100) {
        0..=9 => "C1",
        10..=34 => "C2",
        35..=69 => "C3",
        70..=89 => "C4",
        _ => "C5",
    };
    let days_ago = if rng.gen_ratio(1, 6) {
        rng.gen_range(366..1_100)
    } else {
        rng.gen_range(0..=360)
    };
    let on = today.checked_sub_days(Days::new(days_ago)).unwrap_or(today);
    input.risk_level = level.to_string();
    input.risk_assessed_on = iso(on);
}

/// A status: mostly active.
fn status(rng: &mut StdRng) -> &'static str {
    match rng.gen_range(0..100) {
        0..=77 => "active",
        78..=87 => "prospect",
        88..=97 => "dormant",
        _ => "closed",
    }
}

/// `YYYY-MM-DD` (chrono's `format` parses its pattern on every call, far slower).
fn iso(d: NaiveDate) -> String {
    concat(&[
        Digits::new(u64::try_from(d.year()).unwrap_or(0), 4).as_str(),
        "-",
        Digits::new(u64::from(d.month()), 2).as_str(),
        "-",
        Digits::new(u64::from(d.day()), 2).as_str(),
    ])
}

/// A date in `from..=to` (`from` when the range is empty).
fn date_between(rng: &mut StdRng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = u64::try_from((to - from).num_days()).unwrap_or(0);
    from.checked_add_days(Days::new(rng.gen_range(0..=span)))
        .unwrap_or(from)
}

/// The demo client number `index` (owner and client number left empty). Draws from
/// `rng`; the ID number depends on `index` alone, so distinct indexes below
/// [`UNIQUE_INDEXES`] never share one. `today` bounds birth and assessment dates.
pub fn person(rng: &mut StdRng, index: u64, today: NaiveDate) -> ClientInput {
    let mut c = ClientInput {
        status: status(rng).to_string(),
        source: pick(rng, SOURCES).to_string(),
        ..ClientInput::default()
    };
    if rng.gen_ratio(1, 10) {
        c.notes = pick(rng, NOTES).to_string();
    }
    let roll = rng.gen_range(0..100);
    if roll < 80 {
        // A Chinese individual: gender and birth date are those of the ID number.
        let (id, area) = resident_id(index, today);
        // ASCII '0' is even, so the digit and its byte have the same parity.
        let male = id.as_bytes().get(16).is_some_and(|d| d % 2 == 1);
        c.kind = "individual".into();
        c.name = chinese_name(rng, male);
        c.gender = if male { "M" } else { "F" }.into();
        let part = |r: std::ops::Range<usize>| id.get(r).unwrap_or_default();
        c.birth_date = concat(&[part(6..10), "-", part(10..12), "-", part(12..14)]);
        if rng.gen_ratio(1, 40) {
            c.id_type = "other".into();
            c.id_number = permit(index);
        } else {
            c.id_type = "resident_id".into();
            c.id_number = id;
        }
        c.mobile = mobile(rng);
        if rng.gen_ratio(2, 5) {
            c.email = if rng.gen_ratio(1, 3) {
                let qq = Digits::new(rng.gen_range(10_000_000..3_000_000_000), 1);
                concat(&[qq.as_str(), "@qq.com"])
            } else {
                let initials = pinyin_initials(&c.name);
                let year = c.birth_date.get(..4).unwrap_or_default();
                concat(&[&initials, year, "@", pick(rng, MAIL_DOMAINS)])
            };
        }
        c.address = address(rng, area);
        c.occupation = pick(rng, OCCUPATIONS).into();
        if rng.gen_ratio(9, 10) {
            risk(rng, today, &mut c);
        }
    } else if roll < 88 {
        // An individual with a foreign passport.
        let male = rng.gen_ratio(1, 2);
        let first = pick(rng, if male { MALE_FIRST } else { FEMALE_FIRST });
        let last = pick(rng, LAST);
        let (oldest, youngest) = birth_range(today);
        let birth = date_between(
            rng,
            oldest.max(NaiveDate::from_ymd_opt(1945, 1, 1).unwrap_or(oldest)),
            youngest,
        );
        c.kind = "individual".into();
        c.name = format!("{first} {last}");
        c.gender = if male { "M" } else { "F" }.into();
        c.birth_date = iso(birth);
        c.id_type = "passport".into();
        c.id_number = passport(index);
        c.mobile = if rng.gen_ratio(1, 4) {
            // A Hong Kong mobile: +852 and 8 digits starting 5, 6 or 9.
            format!(
                "+852{}{:07}",
                pick(rng, &["5", "6", "9"]),
                rng.gen_range(0..10_000_000u32)
            )
        } else {
            mobile(rng)
        };
        if rng.gen_ratio(3, 5) {
            let local: String = format!("{first}.{last}")
                .chars()
                .filter(|ch| ch.is_ascii_alphabetic() || *ch == '.')
                .collect();
            c.email = format!("{}@{}", local.to_ascii_lowercase(), pick(rng, MAIL_DOMAINS));
        }
        let area = &AREAS[rng.gen_range(0..AREAS.len())];
        c.address = address(rng, area);
        c.occupation = pick(rng, &["外企高管", "工程师", "教师", "顾问", "企业主"]).into();
        if rng.gen_ratio(4, 5) {
            risk(rng, today, &mut c);
        }
    } else {
        // A company registered in one of the districts.
        let (code, area) = uscc(index);
        let word = pick(rng, COMPANY_WORDS);
        let (industry, sector) = INDUSTRIES[rng.gen_range(0..INDUSTRIES.len())];
        let city = area.1.trim_end_matches('市');
        let form = if rng.gen_ratio(1, 5) {
            "股份有限公司"
        } else {
            "有限公司"
        };
        c.kind = "corporate".into();
        c.name = format!("{city}{word}{industry}{form}");
        c.id_type = "uscc".into();
        c.id_number = code;
        let male = rng.gen_ratio(1, 2);
        c.contact_person = chinese_name(rng, male);
        c.mobile = mobile(rng);
        if rng.gen_ratio(1, 2) {
            c.email = format!("finance@{}.com.cn", pinyin_initials(word));
        }
        c.address = address(rng, area);
        c.occupation = sector.into();
        let capital = Digits::new(rng.gen_range(10..50_000), 1);
        c.registered_capital = concat(&[capital.as_str(), "0000.00"]);
        if rng.gen_ratio(7, 10) {
            risk(rng, today, &mut c);
        }
    }
    c
}

#[cfg(test)]
#[path = "demo_people_tests.rs"]
mod tests;
