//! The query for what a user typed to find a client: full-text words and words of
//! digits.

use super::{CLIENT_NO, ID_TAIL, QUERY_WORD_MAX};

/// Fewest digits searched as a phone fragment: one or two digits are in nearly every
/// mobile, so they would list everyone, slowly; they still match client numbers.
pub const PHONE_FRAGMENT_MIN: usize = 3;
/// Most words of a query that are used; the rest are ignored.
const QUERY_WORDS_MAX: usize = 8;

/// `true` when `w` (lower case) may be the last 4 characters of an ID number: 4 ASCII
/// letters and digits with at least one digit — a resident ID's (`1234`, `123x`), or a
/// unified social credit code's or a passport's (`8a3k`). Four letters (`wang`) are taken
/// as a name only.
fn looks_like_id_tail(w: &str) -> bool {
    let b = w.as_bytes();
    b.len() == 4 && b.iter().all(u8::is_ascii_alphanumeric) && b.iter().any(u8::is_ascii_digit)
}

/// What a user typed, as the two indexes answer it. Every word must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// The words only the full-text index answers, as one FTS5 `MATCH` expression.
    pub text: Option<String>,
    /// Words of [`PHONE_FRAGMENT_MIN`] or more digits, each found in the mobile or in
    /// the full-text index.
    pub digits: Vec<DigitWord>,
    /// When the query is one word of letters and digits that may be an ID tail (`8a3k`,
    /// `123x`): that exact meaning, a `MATCH` expression, to be listed before the rest.
    pub exact: Option<String>,
}

/// A word of digits: a client matches when its mobile holds `digits`, or its full-text
/// terms match `other` (the client number's start, the ID number's tail).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigitWord {
    /// The digits typed.
    pub digits: String,
    /// The FTS5 `MATCH` expression of the word's other meanings.
    pub other: String,
    /// The exact meanings, best first, each a `MATCH` expression: the client number
    /// that is these digits, then (4 digits) the ID tail.
    pub exact: Vec<String>,
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
    let mut exact = None;
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
            if !all_digits && clauses.is_empty() && digits.is_empty() {
                exact = Some(format!("\"{ID_TAIL}{word}\""));
            }
        }
        let clause = if alternatives.len() == 1 {
            alternatives.concat()
        } else {
            format!("({})", alternatives.join(" OR "))
        };
        if all_digits && word.len() >= PHONE_FRAGMENT_MIN {
            if !digits.iter().any(|d| d.digits == word) {
                let mut exact = vec![format!("\"{CLIENT_NO}{word}\"")];
                if looks_like_id_tail(&word) {
                    exact.push(format!("\"{ID_TAIL}{word}\""));
                }
                digits.push(DigitWord {
                    digits: word,
                    other: clause,
                    exact,
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
    let one_word = clauses.len() == 1 && digits.is_empty();
    Some(Query {
        text: (!clauses.is_empty()).then(|| clauses.join(" AND ")),
        digits,
        exact: exact.filter(|_| one_word),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::search_terms::{phone_digits, terms};

    #[test]
    fn one_or_two_digits_are_not_searched_in_mobiles() {
        let q = query("13").expect("a client-number search");
        assert!(q.digits.is_empty(), "{q:?}");
        assert_eq!(q.text.as_deref(), Some("\"0n13\"*"));
        assert_eq!(query("138").expect("query").digits.len(), 1);
    }

    #[test]
    fn an_id_tail_with_letters_is_searched_and_listed_first() {
        // A unified social credit code's last four, typed in either case.
        for typed in ["8A3K", "8a3k", "123x"] {
            let q = query(typed).expect("query");
            let tail = typed.to_lowercase();
            assert_eq!(q.exact, Some(format!("\"{ID_TAIL}{tail}\"")), "{typed}");
        }
        assert!(finds("8a3k", "某公司", "", "", "91110000000012358A3K"));
        assert!(!finds("8a3j", "某公司", "", "", "91110000000012358A3K"));
        // Four letters are a name; with another word, no single exact meaning.
        assert_eq!(query("wang").expect("query").exact, None);
        assert_eq!(query("王 8a3k").expect("query").exact, None);
        assert_eq!(query("8a3k5").expect("query").exact, None);
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
    fn finds_chinese_names_by_full_pinyin_and_its_prefixes() {
        let f = |typed| finds(typed, "王伟", "", "", "");
        for typed in [
            "wangw", "wang wei", "wangwei", "wang", "WANG WEI", "wei", "ww",
        ] {
            assert!(f(typed), "{typed}");
        }
        for typed in ["wangwu", "wang wu", "weiw"] {
            assert!(!f(typed), "{typed}");
        }
        let f = |typed| finds(typed, "张三丰", "", "", "");
        for typed in [
            "zhang san feng",
            "zhangsanf",
            "zhangsan feng",
            "sanfeng",
            "zsf",
        ] {
            assert!(f(typed), "{typed}");
        }
        assert!(finds("zeng guofan", "曾国藩", "", "", ""));
        assert!(!finds("ceng", "曾国藩", "", "", ""));
        assert!(finds("shanghai", "上海浦江贸易有限公司", "", "", ""));
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
}
