//! The text a client is indexed by: name tokens and pinyin, client number and ID tail
//! behind their markers, and the mobile's digits.

use super::pinyin::{initials, is_han, pinyin_initials, pinyin_syllables, syllables};
use super::{CLIENT_NO, ID_TAIL};

/// Longest run of Chinese characters taken as a personal name (compound surname + 2).
const PERSONAL_NAME_MAX: usize = 4;
/// Longest run of which every suffix is indexed; longer runs are cut.
const SUFFIX_RUN_MAX: usize = 40;

/// Two-character surnames, so that the given name is what follows them.
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "诸葛", "上官", "司徒", "东方", "慕容", "皇甫", "令狐", "夏侯", "尉迟", "公孙",
    "长孙", "宇文", "轩辕", "端木", "独孤", "南宫", "西门", "澹台", "申屠", "呼延", "万俟", "钟离",
    "赫连", "闻人", "太史", "宗政", "濮阳", "公冶",
];

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
        let all = pinyin_syllables(piece);
        let given_sounds = syllables(given, false);
        push(out, &initials(&all));
        push(out, &initials(&given_sounds));
        // Full pinyin: the whole name and the given name run together (`wangwei`,
        // `wei`), and each later syllable of the given name, so `wangw`, `wang wei`
        // and `zhang san feng` all find their names.
        push(out, &all.concat());
        push(out, &given_sounds.concat());
        for sound in given_sounds.iter().skip(1) {
            push(out, sound);
        }
    } else {
        for (i, (at, _)) in lower.char_indices().enumerate().skip(1) {
            if i >= SUFFIX_RUN_MAX {
                break;
            }
            push(out, &lower[at..]);
        }
        push(out, &pinyin_initials(piece));
        push(out, &pinyin_syllables(piece).concat());
    }
}

/// The full-text search text of a client (see the module documentation); empty
/// arguments add nothing. Tokens are separated by single spaces. The mobile is indexed
/// apart, by [`phone_digits`].
pub fn terms(name: &str, client_no: &str, id_number: &str) -> String {
    let mut out = name_terms(name);
    add_number_terms(&mut out, client_no, id_number);
    out
}

/// The name's part of [`terms`] (the costly part: pinyin), so that an import can work
/// it out on another thread before the client number is known.
pub fn name_terms(name: &str) -> String {
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
    out.truncate(out.trim_end().len());
    out
}

/// Appends the client number's and the ID tail's tokens to a name's terms, making
/// [`terms`].
pub fn add_number_terms(out: &mut String, client_no: &str, id_number: &str) {
    if !out.is_empty() {
        out.push(' ');
    }
    let number: String = client_no
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    if !number.is_empty() {
        push(out, &format!("{CLIENT_NO}{number}"));
        if number.bytes().any(|b| b.is_ascii_alphabetic()) {
            push(out, &number);
        }
    }

    let id: Vec<char> = id_number.trim().chars().collect();
    if id.len() >= 4 && id.iter().all(char::is_ascii_alphanumeric) {
        let tail: String = id[id.len() - 4..].iter().collect();
        push(out, &format!("{ID_TAIL}{}", tail.to_ascii_lowercase()));
    }
    out.truncate(out.trim_end().len());
}

/// The text of a client's row in `client_phone`: the digits of the mobile (`+852…` →
/// `852…`).
pub fn phone_digits(mobile: &str) -> String {
    mobile.chars().filter(char::is_ascii_digit).collect()
}

/// The `client_phone` `MATCH` expression for digits typed: the trigrams of the digits as
/// one phrase, so that they are found as a run anywhere in the number. `digits` holds
/// only ASCII digits (a [`DigitWord`](super::DigitWord)'s), so it cannot break the query syntax.
pub fn phone_match(digits: &str) -> String {
    format!("\"{digits}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_text_is_the_digits_and_the_match_one_phrase() {
        assert_eq!(phone_digits("13812345678"), "13812345678");
        assert_eq!(phone_digits("+85291234"), "85291234");
        assert_eq!(phone_digits(""), "");
        assert_eq!(phone_match("5678"), "\"5678\"");
    }

    #[test]
    fn terms_of_a_chinese_name() {
        assert_eq!(
            terms("张三丰", "C000123", "110105197009087822"),
            "张三丰 三丰 zsf sf zhangsanfeng sanfeng feng 0nc000123 c000123 0i7822"
        );
        assert_eq!(
            terms("欧阳娜娜", "", ""),
            "欧阳娜娜 娜娜 oynn nn ouyangnana nana na"
        );
        assert_eq!(terms("司马光", "", ""), "司马光 光 smg g simaguang guang");
        assert_eq!(
            terms("曾国藩", "", ""),
            "曾国藩 国藩 zgf gf zengguofan guofan fan"
        );
        assert_eq!(terms("王五", "", ""), "王五 五 ww w wangwu wu");
        // A surname's own reading is for the surname only: 乐 is yuè first, lè after.
        assert_eq!(terms("乐乐", "", ""), "乐乐 乐 yl l yuele le");
        // A compound surname alone is a surname and a given name.
        assert_eq!(terms("欧阳", "", ""), "欧阳 阳 oy y ouyang yang");
        assert_eq!(terms("", "", ""), "");
    }

    #[test]
    fn terms_of_other_names() {
        assert_eq!(terms("John  SMITH", "", ""), "john smith");
        assert_eq!(terms("Seán O'Brien", "", ""), "seán o brien obrien");
        assert_eq!(
            terms("上海浦江贸易有限公司", "", ""),
            "上海浦江贸易有限公司 海浦江贸易有限公司 浦江贸易有限公司 江贸易有限公司 \
             贸易有限公司 易有限公司 有限公司 限公司 公司 司 shpjmyyxgs \
             shanghaipujiangmaoyiyouxiangongsi"
        );
        assert_eq!(
            terms("阿卜杜·买买提", "", ""),
            "阿卜杜 卜杜 abd bd abodu bodu du 买买提 买提 mmt mt maimaiti maiti ti \
             阿卜杜买买提 卜杜买买提 杜买买提 提 abdmmt abodumaimaiti"
        );
    }

    #[test]
    fn terms_of_numbers() {
        assert_eq!(terms("", "KH-2026-01", ""), "0nkh202601 kh202601");
        assert_eq!(terms("", "20260001", ""), "0n20260001");
        assert_eq!(terms("", "", "33010619841217854X"), "0i854x");
        assert_eq!(terms("", "", "E12"), "");
    }
}
