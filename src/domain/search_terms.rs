//! What is indexed to find a client as one types, and the query for what was typed.
//!
//! Two indexes answer a search. The FTS5 table `client_search` (tokenizer
//! `unicode61 remove_diacritics 2`, prefix indexes 1, 2 and 3) holds one row per client:
//! [`terms`] gives its text. Every full-text query term is a token-prefix search, so the
//! terms hold every token a client should be found by:
//!
//! - name parts, lower-cased. `unicode61` takes a run of Chinese characters as one
//!   token, so a Chinese name gives the whole name and the given name (after a 1- or
//!   2-character surname) as separate tokens, and their pinyin initials
//!   (张三丰 → `张三丰 三丰 zsf sf`); a longer run (a company name) gives every suffix, so
//!   any part of it is found.
//! - the last 4 characters of the ID number behind a marker (`0i7822`);
//! - the client number, lower-cased and behind another marker (`0nc000123`).
//!
//! Markers start with a digit: letters typed never match them, and digits typed are
//! only ever searched behind a marker.
//!
//! The mobile is not in that index: its digits ([`phone_digits`]) are the one column of
//! the FTS5 table `client_phone` (tokenizer `trigram`), and digits typed are searched as
//! a phrase of trigrams ([`phone_match`]), which finds them anywhere in the number.
//! Eleven long, nearly unique suffix tokens per client, each also written into three
//! prefix indexes, used to be most of the full-text index and of the cost of an import;
//! 9 trigrams out of 1,000 possible are a fraction of it to write, as quick to read.
//!
//! [`query`] splits what the user typed into the two: words that only the full-text
//! index answers, and words of digits, each answered by the mobile or by the full-text
//! index (client number, ID tail).

use pinyin::ToPinyin;

/// Marker of the last 4 characters of the ID number.
const ID_TAIL: &str = "0i";
/// Marker of the client number.
const CLIENT_NO: &str = "0n";
/// Longest run of Chinese characters taken as a personal name (compound surname + 2).
const PERSONAL_NAME_MAX: usize = 4;
/// Longest run of which every suffix is indexed; longer runs are cut.
const SUFFIX_RUN_MAX: usize = 40;
/// Fewest digits searched as a phone fragment: one or two digits are in nearly every
/// mobile, so they would list everyone, slowly; they still match client numbers.
pub const PHONE_FRAGMENT_MIN: usize = 3;
/// Most words of a query that are used; the rest are ignored.
const QUERY_WORDS_MAX: usize = 8;
/// Most characters of a query word that are used.
const QUERY_WORD_MAX: usize = 64;

/// Two-character surnames, so that the given name is what follows them.
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "诸葛", "上官", "司徒", "东方", "慕容", "皇甫", "令狐", "夏侯", "尉迟", "公孙",
    "长孙", "宇文", "轩辕", "端木", "独孤", "南宫", "西门", "澹台", "申屠", "呼延", "万俟", "钟离",
    "赫连", "闻人", "太史", "宗政", "濮阳", "公冶",
];

/// Initials of surnames read differently from the character's most common reading
/// (曾 is zēng as a surname, not céng), applied at the start of a name only.
const SURNAME_INITIALS: &[(&str, &str)] = &[
    ("尉迟", "yc"),
    ("万俟", "mq"),
    ("长孙", "zs"),
    ("曾", "z"),
    ("单", "s"),
    ("解", "x"),
    ("仇", "q"),
    ("区", "o"),
    ("查", "z"),
    ("覃", "q"),
    ("乐", "y"),
    ("翟", "z"),
    ("召", "s"),
    ("繁", "p"),
    ("种", "c"),
    ("秘", "b"),
    ("折", "s"),
    ("缪", "m"),
    ("盖", "g"),
    ("朴", "p"),
];

/// `true` for a Chinese (Han) character.
fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4dbf}'
        | '\u{4e00}'..='\u{9fff}'
        | '\u{f900}'..='\u{faff}'
        | '\u{20000}'..='\u{2ebef}'
        | '\u{30000}'..='\u{3134f}')
}

/// Pinyin initials of a name: a letter per Chinese character (the surname's reading
/// when the name starts with one of a few surnames read unusually), ASCII letters and
/// digits kept lower-cased, everything else dropped: 张三丰 → `zsf`, 曾国藩 → `zgf`.
pub fn pinyin_initials(name: &str) -> String {
    let mut out = String::new();
    let mut rest = name;
    if let Some((surname, initials)) = SURNAME_INITIALS
        .iter()
        .find(|(surname, _)| name.starts_with(surname))
    {
        out.push_str(initials);
        rest = &name[surname.len()..];
    }
    for (c, py) in rest.chars().zip(rest.to_pinyin()) {
        match py {
            Some(py) => out.push_str(py.first_letter()),
            None if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
            None => {}
        }
    }
    out
}

/// The length in bytes of the surname at the start of a personal name: 2 characters for
/// a compound surname followed by a given name, else 1.
fn surname_len(name: &str) -> usize {
    if let Some(s) = COMPOUND_SURNAMES
        .iter()
        .find(|s| name.starts_with(**s) && name.len() > s.len())
    {
        return s.len();
    }
    name.chars().next().map_or(0, char::len_utf8)
}

/// Appends `token` and a separating space, unless it is empty or already there.
fn push(out: &mut String, token: &str) {
    if !token.is_empty() && !out.split(' ').any(|t| t == token) {
        out.push_str(token);
        out.push(' ');
    }
}

/// Appends the tokens of one alphanumeric piece of a name.
fn push_name_piece(out: &mut String, piece: &str) {
    let lower = piece.to_lowercase();
    push(out, &lower);
    if !piece.chars().any(is_han) {
        return;
    }
    let n = piece.chars().count();
    if n <= PERSONAL_NAME_MAX {
        let given = &piece[surname_len(piece)..];
        push(out, &given.to_lowercase());
        push(out, &pinyin_initials(piece));
        if !given.is_empty() {
            push(out, &pinyin_initials(given));
        }
    } else {
        for (i, (at, _)) in lower.char_indices().enumerate().skip(1) {
            if i >= SUFFIX_RUN_MAX {
                break;
            }
            push(out, &lower[at..]);
        }
        push(out, &pinyin_initials(piece));
    }
}

/// The full-text search text of a client (see the module documentation); empty
/// arguments add nothing. Tokens are separated by single spaces. The mobile is indexed
/// apart, by [`phone_digits`].
pub fn terms(name: &str, client_no: &str, id_number: &str) -> String {
    let mut out = String::new();
    for word in name.split_whitespace() {
        let pieces: Vec<&str> = word
            .split(|c: char| !c.is_alphanumeric())
            .filter(|p| !p.is_empty())
            .collect();
        for piece in &pieces {
            push_name_piece(&mut out, piece);
        }
        // "O'Brien" is also found as typed, without the apostrophe.
        if pieces.len() > 1 {
            push_name_piece(&mut out, &pieces.concat());
        }
    }

    let number: String = client_no
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    if !number.is_empty() {
        push(&mut out, &format!("{CLIENT_NO}{number}"));
        if number.bytes().any(|b| b.is_ascii_alphabetic()) {
            push(&mut out, &number);
        }
    }

    let id: Vec<char> = id_number.trim().chars().collect();
    if id.len() >= 4 && id.iter().all(char::is_ascii_alphanumeric) {
        let tail: String = id[id.len() - 4..].iter().collect();
        push(&mut out, &format!("{ID_TAIL}{}", tail.to_ascii_lowercase()));
    }

    out.truncate(out.trim_end().len());
    out
}

/// The text of a client's row in `client_phone`: the digits of the mobile (`+852…` →
/// `852…`).
pub fn phone_digits(mobile: &str) -> String {
    mobile.chars().filter(char::is_ascii_digit).collect()
}

/// The `client_phone` `MATCH` expression for digits typed: the trigrams of the digits as
/// one phrase, so that they are found as a run anywhere in the number. `digits` holds
/// only ASCII digits (a [`DigitWord`]'s), so it cannot break the query syntax.
pub fn phone_match(digits: &str) -> String {
    format!("\"{digits}\"")
}

/// `true` when `w` may be the last 4 characters of a resident ID: 4 digits, or 3 and `x`.
fn looks_like_id_tail(w: &str) -> bool {
    let b = w.as_bytes();
    b.len() == 4 && b[..3].iter().all(u8::is_ascii_digit) && (b[3].is_ascii_digit() || b[3] == b'x')
}

/// What a user typed, as the two indexes answer it. Every word must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// The words only the full-text index answers, as one FTS5 `MATCH` expression.
    pub text: Option<String>,
    /// Words of [`PHONE_FRAGMENT_MIN`] or more digits, each found in the mobile or in
    /// the full-text index.
    pub digits: Vec<DigitWord>,
}

/// A word of digits: a client matches when its mobile holds `digits`, or its full-text
/// terms match `other` (the client number's start, the ID number's tail).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigitWord {
    /// The digits typed.
    pub digits: String,
    /// The FTS5 `MATCH` expression of the word's other meanings.
    pub other: String,
}

/// Whether `c` is a letter or digit that the `unicode61` tokenizer certainly keeps inside
/// a token: ASCII letters and digits, Latin-1 and Latin Extended letters, Greek,
/// Cyrillic, kana, Hangul syllables and the CJK ideographs of Unicode 6.1.
fn token_safe(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c,
            '\u{00C0}'..='\u{00D6}' | '\u{00D8}'..='\u{00F6}' | '\u{00F8}'..='\u{024F}'
            | '\u{0391}'..='\u{03A1}' | '\u{03A3}'..='\u{03C9}' | '\u{0410}'..='\u{044F}'
            | '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | '\u{3400}'..='\u{4DB5}'
            | '\u{4E00}'..='\u{9FCB}' | '\u{AC00}'..='\u{D7A3}')
}

/// The query for what a user typed, or `None` when nothing searchable was typed. Words
/// (split at white space and commas) must all match; within a word everything but
/// letters and digits is dropped, so no text can break the query syntax. A word of
/// digits is searched in the mobile (anywhere, from 3 digits), the client number
/// (prefix) and, with 4 digits, the ID number's tail; any other word as the prefix of a
/// name part, pinyin initials or client number.
pub fn query(user_text: &str) -> Option<Query> {
    let mut clauses: Vec<String> = Vec::new();
    let mut digits: Vec<DigitWord> = Vec::new();
    // A letter the tokenizer might split at (its tables are Unicode 6.1's) would turn a
    // quoted word into a phrase, which an index without positions refuses: such letters
    // separate words instead.
    let user_text: String = user_text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() && !token_safe(c) {
                ' '
            } else {
                c
            }
        })
        .collect();
    for raw in user_text
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '，' | '；' | '、'))
        .take(QUERY_WORDS_MAX * 4)
    {
        let word: String = raw
            .chars()
            .filter(|c| c.is_alphanumeric())
            .take(QUERY_WORD_MAX)
            .collect::<String>()
            .to_lowercase();
        if word.is_empty() {
            continue;
        }
        let all_digits = word.bytes().all(|b| b.is_ascii_digit());
        let mut alternatives = Vec::new();
        if all_digits {
            alternatives.push(format!("\"{CLIENT_NO}{word}\"*"));
        } else {
            alternatives.push(format!("\"{word}\"*"));
        }
        if looks_like_id_tail(&word) {
            alternatives.push(format!("\"{ID_TAIL}{word}\""));
        }
        let clause = if alternatives.len() == 1 {
            alternatives.concat()
        } else {
            format!("({})", alternatives.join(" OR "))
        };
        if all_digits && word.len() >= PHONE_FRAGMENT_MIN {
            if !digits.iter().any(|d| d.digits == word) {
                digits.push(DigitWord {
                    digits: word,
                    other: clause,
                });
            }
        } else if !clauses.contains(&clause) {
            clauses.push(clause);
        }
        if clauses.len() + digits.len() == QUERY_WORDS_MAX {
            break;
        }
    }
    if clauses.is_empty() && digits.is_empty() {
        return None;
    }
    Some(Query {
        text: (!clauses.is_empty()).then(|| clauses.join(" AND ")),
        digits,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_or_two_digits_are_not_searched_in_mobiles() {
        let q = query("13").expect("a client-number search");
        assert!(q.digits.is_empty(), "{q:?}");
        assert_eq!(q.text.as_deref(), Some("\"0n13\"*"));
        assert_eq!(query("138").expect("query").digits.len(), 1);
    }

    #[test]
    fn phone_text_is_the_digits_and_the_match_one_phrase() {
        assert_eq!(phone_digits("13812345678"), "13812345678");
        assert_eq!(phone_digits("+85291234"), "85291234");
        assert_eq!(phone_digits(""), "");
        assert_eq!(phone_match("5678"), "\"5678\"");
    }

    /// A stand-in for FTS5 over the generated text and queries: `unicode61` splits at
    /// anything not a letter or digit and folds case; a query is clauses joined by
    /// ` AND `, each one alternative or several in brackets joined by ` OR `, each
    /// alternative a quoted token, `*` making it a prefix search.
    fn matches(terms: &str, query: &str) -> bool {
        let tokens: Vec<String> = terms
            .split(|c: char| !c.is_alphanumeric())
            .filter(|t| !t.is_empty())
            .map(str::to_lowercase)
            .collect();
        query.split(" AND ").all(|clause| {
            let clause = clause
                .strip_prefix('(')
                .and_then(|c| c.strip_suffix(')'))
                .unwrap_or(clause);
            clause.split(" OR ").any(|alt| {
                let (quoted, prefix) = match alt.strip_suffix('*') {
                    Some(q) => (q, true),
                    None => (alt, false),
                };
                let inner = quoted
                    .strip_prefix('"')
                    .and_then(|q| q.strip_suffix('"'))
                    .unwrap_or_else(|| panic!("unquoted alternative {alt:?} in {query:?}"));
                assert!(
                    inner.chars().all(char::is_alphanumeric),
                    "a quoted string holds more than one token: {alt:?}"
                );
                tokens.iter().any(|t| {
                    if prefix {
                        t.starts_with(inner)
                    } else {
                        t == inner
                    }
                })
            })
        })
    }

    /// Whether typing `typed` finds the client with these fields.
    fn finds(typed: &str, name: &str, client_no: &str, mobile: &str, id: &str) -> bool {
        let q = query(typed).unwrap_or_else(|| panic!("no query for {typed:?}"));
        let t = terms(name, client_no, id);
        // The trigram index finds a phrase of digits wherever it is in the number.
        let phone = phone_digits(mobile);
        q.text.as_deref().map_or(true, |text| matches(&t, text))
            && q.digits
                .iter()
                .all(|d| phone.contains(&d.digits) || matches(&t, &d.other))
    }

    /// A query written out on one line: the full-text part, then each word of digits.
    fn flat(typed: &str) -> Option<String> {
        query(typed).map(|q| {
            let mut parts: Vec<String> = q.text.into_iter().collect();
            parts.extend(
                q.digits
                    .iter()
                    .map(|d| format!("[mobile {} | {}]", d.digits, d.other)),
            );
            parts.join(" AND ")
        })
    }

    #[test]
    fn terms_of_a_chinese_name() {
        assert_eq!(
            terms("张三丰", "C000123", "110105197009087822"),
            "张三丰 三丰 zsf sf 0nc000123 c000123 0i7822"
        );
        assert_eq!(terms("欧阳娜娜", "", ""), "欧阳娜娜 娜娜 oynn nn");
        assert_eq!(terms("司马光", "", ""), "司马光 光 smg g");
        assert_eq!(terms("曾国藩", "", ""), "曾国藩 国藩 zgf gf");
        assert_eq!(terms("王五", "", ""), "王五 五 ww w");
        // A compound surname alone is a surname and a given name.
        assert_eq!(terms("欧阳", "", ""), "欧阳 阳 oy y");
        assert_eq!(terms("", "", ""), "");
    }

    #[test]
    fn terms_of_other_names() {
        assert_eq!(terms("John  SMITH", "", ""), "john smith");
        assert_eq!(terms("Seán O'Brien", "", ""), "seán o brien obrien");
        assert_eq!(
            terms("上海浦江贸易有限公司", "", ""),
            "上海浦江贸易有限公司 海浦江贸易有限公司 浦江贸易有限公司 江贸易有限公司 \
             贸易有限公司 易有限公司 有限公司 限公司 公司 司 shpjmyyxgs"
        );
        assert_eq!(
            terms("阿卜杜·买买提", "", ""),
            "阿卜杜 卜杜 abd bd 买买提 买提 mmt mt 阿卜杜买买提 卜杜买买提 杜买买提 提 abdmmt"
        );
    }

    #[test]
    fn terms_of_numbers() {
        assert_eq!(terms("", "KH-2026-01", ""), "0nkh202601 kh202601");
        assert_eq!(terms("", "20260001", ""), "0n20260001");
        assert_eq!(terms("", "", "33010619841217854X"), "0i854x");
        assert_eq!(terms("", "", "E12"), "");
    }

    #[test]
    fn queries() {
        assert_eq!(flat("张"), Some("\"张\"*".into()));
        assert_eq!(flat("  John "), Some("\"john\"*".into()));
        assert_eq!(
            flat("5678"),
            Some("[mobile 5678 | (\"0n5678\"* OR \"0i5678\")]".into())
        );
        assert_eq!(flat("138"), Some("[mobile 138 | \"0n138\"*]".into()));
        assert_eq!(flat("854x"), Some("(\"854x\"* OR \"0i854x\")".into()));
        assert_eq!(
            flat("王 138"),
            Some("\"王\"* AND [mobile 138 | \"0n138\"*]".into())
        );
        assert_eq!(flat("138 王 138"), flat("王 138"));
        assert_eq!(query("138-1234-5678"), query("13812345678"));
        for nothing in ["", "   ", "\"", "*", "()", "-", "^:+", " , ; 、"] {
            assert_eq!(query(nothing), None, "{nothing:?}");
        }
    }

    #[test]
    fn query_syntax_cannot_be_broken() {
        for typed in [
            "\"zhang",
            "zhang*",
            "a AND b",
            "a OR",
            "NOT x",
            "NEAR(a b)",
            "name:张三",
            "^start",
            "a + b - c",
            "col:\"x\" OR y*",
            "'; DROP TABLE clients; --",
            "{name}",
            "\u{0}\u{1b}",
            "12345 \"*",
        ] {
            let Some(q) = query(typed) else {
                continue;
            };
            for d in &q.digits {
                assert!(d.digits.bytes().all(|b| b.is_ascii_digit()), "{typed:?}");
            }
            let expressions = q.text.iter().chain(q.digits.iter().map(|d| &d.other));
            for q in expressions {
                // Only quoted letters and digits, '*', brackets and the two operators.
                let stripped = q.replace(" AND ", " ").replace(" OR ", " ");
                assert!(
                    stripped.split(' ').all(|alt| {
                        let alt = alt.trim_start_matches('(').trim_end_matches(')');
                        let alt = alt.strip_suffix('*').unwrap_or(alt);
                        alt.len() >= 2
                            && alt.starts_with('"')
                            && alt.ends_with('"')
                            && alt[1..alt.len() - 1].chars().all(char::is_alphanumeric)
                    }),
                    "{typed:?} gave {q:?}"
                );
            }
        }
        // Keywords become search words, not operators.
        assert_eq!(flat("a OR b"), Some("\"a\"* AND \"or\"* AND \"b\"*".into()));
        // Long input is bounded.
        let long = "x ".repeat(1000) + &"y".repeat(10_000);
        let q = flat(&long).unwrap();
        assert!(q.len() < 200, "{q}");
        let digits = "1234 ".repeat(1000) + &"5".repeat(10_000);
        let q = flat(&digits).unwrap();
        assert!(q.len() < 200, "{q}");
    }

    #[test]
    fn finds_chinese_names_by_any_start() {
        let f = |typed| finds(typed, "张三丰", "", "", "");
        for typed in [
            "张",
            "张三",
            "张三丰",
            "三",
            "三丰",
            "z",
            "zs",
            "zsf",
            "ZSF",
            "s",
            "sf",
        ] {
            assert!(f(typed), "{typed}");
        }
        for typed in ["丰", "李", "zf", "ss", "张三丰啊"] {
            assert!(!f(typed), "{typed}");
        }
        let f = |typed| finds(typed, "欧阳娜娜", "", "", "");
        for typed in ["欧", "欧阳", "欧阳娜娜", "娜娜", "娜", "oy", "oynn", "nn"] {
            assert!(f(typed), "{typed}");
        }
        assert!(!f("阳娜"));
    }

    #[test]
    fn finds_english_names_by_each_word() {
        let f = |typed| finds(typed, "John Smith", "", "", "");
        for typed in [
            "j",
            "jo",
            "john",
            "JOHN",
            "smi",
            "john smith",
            "smith john",
            "sm jo",
        ] {
            assert!(f(typed), "{typed}");
        }
        for typed in ["johns", "ohn", "john jones", "mith"] {
            assert!(!f(typed), "{typed}");
        }
        assert!(finds("o'brien", "Seán O'Brien", "", "", ""));
        assert!(finds("brien", "Seán O'Brien", "", "", ""));
        assert!(finds("seán", "Seán O'Brien", "", "", ""));
    }

    #[test]
    fn finds_companies_by_any_part() {
        let f = |typed| finds(typed, "上海浦江贸易有限公司", "", "", "");
        for typed in [
            "上海",
            "浦江",
            "浦江贸易",
            "贸易",
            "有限公司",
            "shpj",
            "上海 贸易",
        ] {
            assert!(f(typed), "{typed}");
        }
        assert!(!f("北京"));
    }

    #[test]
    fn finds_by_numbers() {
        let client = |typed| {
            finds(
                typed,
                "张三丰",
                "C000123",
                "13812345678",
                "11010519841217854X",
            )
        };
        // Any fragment of the mobile.
        for typed in [
            "138",
            "1381234",
            "5678",
            "2345",
            "13812345678",
            "138-1234-5678",
        ] {
            assert!(client(typed), "{typed}");
        }
        // One or two digits are in nearly every mobile: not searched there.
        assert!(!client("8"));
        assert!(!client("78"));
        assert!(!client("139"));
        assert!(!client("138123456789"));
        // The last four of the ID, in either case, but not other parts of it.
        assert!(client("854X"));
        assert!(client("854x"));
        assert!(!client("1101"));
        assert!(!client("1217"));
        // The client number from its start.
        assert!(client("c000"));
        assert!(client("C000123"));
        assert!(!client("000123"));
        // A name and a phone fragment together.
        assert!(client("张 5678"));
        assert!(!client("李 5678"));

        let digits_no = |typed| finds(typed, "王五", "20260001", "", "");
        assert!(digits_no("2026"));
        assert!(digits_no("20260001"));
        assert!(!digits_no("0001"));
        assert!(finds("kh-2026", "王五", "KH-2026-01", "", ""));
    }

    #[test]
    fn letters_never_match_numbers() {
        // A letter typed must not find every client through the markers of their numbers.
        let t = terms("王五", "20260001", "110105197009087822");
        for typed in ["t", "i", "n", "o", "p"] {
            assert!(!finds(
                typed,
                "王五",
                "20260001",
                "13812345678",
                "110105197009087822"
            ));
            let q = query(typed).unwrap().text.unwrap();
            assert!(!matches(&t, &q), "{typed} matched {t}");
        }
    }

    #[test]
    fn surname_readings() {
        assert_eq!(pinyin_initials("曾华"), "zh");
        assert_eq!(pinyin_initials("单田芳"), "stf");
        assert_eq!(pinyin_initials("尉迟恭"), "ycg");
        assert_eq!(pinyin_initials("覃磊"), "ql");
        assert_eq!(pinyin_initials("李3M"), "l3m");
    }
}
