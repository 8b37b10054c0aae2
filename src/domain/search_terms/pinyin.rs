//! Pinyin of names: their syllables, initials and the key names are sorted by.

use ::pinyin::ToPinyin;

/// surname, not céng), applied at the start of a name only: their syllables.
const SURNAME_READINGS: &[(&str, &[&str])] = &[
    ("尉迟", &["yu", "chi"]),
    ("万俟", &["mo", "qi"]),
    ("长孙", &["zhang", "sun"]),
    ("曾", &["zeng"]),
    ("单", &["shan"]),
    ("解", &["xie"]),
    ("仇", &["qiu"]),
    ("区", &["ou"]),
    ("查", &["zha"]),
    ("覃", &["qin"]),
    ("乐", &["yue"]),
    ("翟", &["zhai"]),
    ("召", &["shao"]),
    ("繁", &["po"]),
    ("种", &["chong"]),
    ("秘", &["bi"]),
    ("折", &["she"]),
    ("缪", &["miao"]),
    ("盖", &["ge"]),
    ("朴", &["piao"]),
];

/// `true` for a Chinese (Han) character.
pub(super) fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4dbf}'
        | '\u{4e00}'..='\u{9fff}'
        | '\u{f900}'..='\u{faff}'
        | '\u{20000}'..='\u{2ebef}'
        | '\u{30000}'..='\u{3134f}')
}

/// The syllables of a name: the pinyin of each Chinese character without tones (the
/// surname's reading when the name starts with one of a few surnames read unusually),
/// each other letter or digit lower-cased as a syllable of its own, everything else
/// dropped: 曾国藩 → `zeng guo fan`.
pub fn pinyin_syllables(name: &str) -> Vec<String> {
    syllables(name, true)
}

/// [`pinyin_syllables`], with the surnames' readings or without (a given name).
pub(super) fn syllables(name: &str, surname: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = name;
    if let Some((surname, readings)) = SURNAME_READINGS
        .iter()
        .filter(|_| surname)
        .find(|(surname, _)| name.starts_with(surname))
    {
        out.extend(readings.iter().map(|r| (*r).to_string()));
        rest = &name[surname.len()..];
    }
    for (c, py) in rest.chars().zip(rest.to_pinyin()) {
        match py {
            Some(py) => out.push(py.plain().to_string()),
            None if c.is_alphanumeric() => out.extend(c.to_lowercase().map(String::from)),
            None => {}
        }
    }
    out
}

/// Pinyin initials of a name: a letter per Chinese character (see [`pinyin_syllables`]),
/// other letters and digits kept lower-cased: 张三丰 → `zsf`, 曾国藩 → `zgf`.
pub fn pinyin_initials(name: &str) -> String {
    initials(&pinyin_syllables(name))
}

pub(super) fn initials(syllables: &[String]) -> String {
    syllables.iter().filter_map(|s| s.chars().next()).collect()
}

/// The key names are sorted by: Chinese characters as their pinyin syllables, other
/// letters lower-cased, so 北京… sorts under b beside Beijing and 王伟 (`wang wei`) beside
/// Wang Peter; the name itself after a separator that sorts before every letter keeps
/// the order total and homophones apart.
pub fn name_sort_key(name: &str) -> String {
    let mut key = String::new();
    for word in name.split_whitespace() {
        let mut sounds: Vec<String> = Vec::new();
        let mut latin = String::new();
        let flush = |latin: &mut String, sounds: &mut Vec<String>| {
            if !latin.is_empty() {
                sounds.push(std::mem::take(latin));
            }
        };
        let mut i = 0;
        let chars: Vec<char> = word.chars().collect();
        while i < chars.len() {
            let c = chars[i];
            if is_han(c) {
                flush(&mut latin, &mut sounds);
                let run: String = chars[i..].iter().take_while(|c| is_han(**c)).collect();
                i += run.chars().count();
                sounds.extend(pinyin_syllables(&run));
            } else {
                latin.extend(c.to_lowercase());
                i += 1;
            }
        }
        flush(&mut latin, &mut sounds);
        for s in sounds {
            if !key.is_empty() {
                key.push(' ');
            }
            key.push_str(&s);
        }
    }
    key.push('\u{1}');
    key.push_str(name);
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_by_pinyin_among_latin_names() {
        let mut names = vec![
            "刘备",
            "北京科技",
            "冯远",
            "Wang Peter",
            "王伟",
            "Zoe Li",
            "amy",
            "汪伟",
            "王",
        ];
        names.sort_by_key(|n| name_sort_key(n));
        assert_eq!(
            names,
            vec![
                "amy",
                "北京科技",
                "冯远",
                "刘备",
                "王",
                "Wang Peter",
                "汪伟",
                "王伟",
                "Zoe Li"
            ]
        );
        // Homophones (汪伟, 王伟) are apart, in the order of their characters.
        assert_eq!(name_sort_key("曾国藩"), "zeng guo fan\u{1}曾国藩");
        assert_eq!(name_sort_key("A股 基金"), "a gu ji jin\u{1}A股 基金");
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
