//! Tokenization of Arabic news text.
//!
//! [`tokenize`] splits a text into words, numbers, punctuation, Latin runs,
//! URLs, emails, hashtags, mentions and symbols, with byte offsets into the
//! original text. Whitespace and invisible controls between tokens are
//! skipped; every other character belongs to exactly one token.

use crate::normalize::{fold_into, Folds};

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// An Arabic-script word, with its diacritics, tatweel and inner ZWNJ/ZWJ.
    Word,
    /// Digits of any of the three scripts with inner decimal and thousands
    /// separators (`3.5`, `٣٫٥`, `1,200`) and a trailing percent sign.
    Number,
    /// Punctuation; a run of the same mark (`...`, `!!`, `ـــ`) is one token.
    Punct,
    /// A word of Latin (or another non-Arabic) script.
    Latin,
    /// `http://…`, `https://…`, `www.…`.
    Url,
    /// `name@example.org`.
    Email,
    /// `#tag`, Arabic or Latin.
    Hashtag,
    /// `@handle`.
    Mention,
    /// Anything else: currency and math signs, emoji (with their modifiers
    /// and ZWJ sequences), orphan combining marks.
    Symbol,
}

/// A token: byte offsets into the original text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
}

impl Token {
    /// The token's text in `src` (the text it was produced from).
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        &src[self.start..self.end]
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// Always false: tokens are never empty.
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// The normalized matching key of a token (its text folded with `folds`).
pub fn token_key(src: &str, t: &Token, folds: &Folds) -> String {
    let mut out = String::with_capacity(t.len());
    fold_into(t.text(src), folds, &mut out);
    out
}

/// Non-allocating variant of [`token_key`]: clears `out` and writes the key
/// into it.
pub fn token_key_into(src: &str, t: &Token, folds: &Folds, out: &mut String) {
    out.clear();
    fold_into(t.text(src), folds, out);
}

/// Character classes of the tokenizer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cls {
    Space,
    /// Invisible controls (bidi marks, BOM, ZWSP, soft hyphen, C0/C1).
    Invisible,
    /// ZWNJ and ZWJ: kept inside words, skipped elsewhere.
    Joiner,
    ArLetter,
    ArMark,
    Tatweel,
    Digit,
    /// A letter of another script.
    Alpha,
    /// A combining mark of another script.
    Mark,
    Punct,
    Symbol,
}

const fn ascii_class(b: u8) -> Cls {
    match b {
        b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C => Cls::Space,
        0..=0x1F | 0x7F => Cls::Invisible,
        b'0'..=b'9' => Cls::Digit,
        b'a'..=b'z' | b'A'..=b'Z' => Cls::Alpha,
        b'$' | b'+' | b'<' | b'=' | b'>' | b'^' | b'`' | b'|' | b'~' => Cls::Symbol,
        _ => Cls::Punct,
    }
}

static ASCII: [Cls; 128] = {
    let mut t = [Cls::Space; 128];
    let mut i = 0;
    while i < 128 {
        t[i] = ascii_class(i as u8);
        i += 1;
    }
    t
};

/// The class of a character.
#[inline]
pub(crate) fn cls(c: char) -> Cls {
    let u = c as u32;
    if u < 0x80 {
        return ASCII[u as usize];
    }
    if (0x0600..=0x06FF).contains(&u) {
        return arabic_class(u);
    }
    other_class(c)
}

#[inline]
fn arabic_class(u: u32) -> Cls {
    match u {
        0x0620..=0x063F | 0x0641..=0x064A | 0x066E | 0x066F | 0x0671..=0x06D3 | 0x06D5 => {
            Cls::ArLetter
        }
        0x064B..=0x065F | 0x0670 | 0x0610..=0x061A | 0x06D6..=0x06DC | 0x06DF..=0x06E8 => {
            Cls::ArMark
        }
        0x06EA..=0x06ED => Cls::ArMark,
        0x0640 => Cls::Tatweel,
        0x0660..=0x0669 | 0x06F0..=0x06F9 => Cls::Digit,
        0x06EE | 0x06EF | 0x06FA..=0x06FC | 0x06FF => Cls::ArLetter,
        0x060C | 0x060D | 0x061B | 0x061D..=0x061F | 0x066A..=0x066D | 0x06D4 | 0x0609 | 0x060A => {
            Cls::Punct
        }
        0x061C => Cls::Invisible,
        _ => Cls::Symbol,
    }
}

#[cold]
fn other_class(c: char) -> Cls {
    let u = c as u32;
    match u {
        0x200C | 0x200D => Cls::Joiner,
        0x00A0 | 0x202F | 0x2000..=0x200A | 0x205F | 0x3000 | 0x1680 | 0x0085 | 0x2028 | 0x2029 => {
            Cls::Space
        }
        0x00AD
        | 0x200B
        | 0x200E
        | 0x200F
        | 0x202A..=0x202E
        | 0x2060..=0x2064
        | 0x2066..=0x2069
        | 0xFEFF
        | 0x0080..=0x009F => Cls::Invisible,
        0x0750..=0x077F | 0x08A0..=0x08C9 => Cls::ArLetter,
        0x08CA..=0x08E1 | 0x08E3..=0x08FF => Cls::ArMark,
        0xFD3E | 0xFD3F => Cls::Punct,
        0xFDCF | 0xFDFC..=0xFDFF | 0xFDD0..=0xFDEF => Cls::Symbol,
        0xFB50..=0xFDFB => Cls::ArLetter,
        0xFE70..=0xFE7F => Cls::ArMark,
        0xFE80..=0xFEFC => Cls::ArLetter,
        0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F => {
            Cls::Mark
        }
        0x00A1
        | 0x00A7
        | 0x00AB
        | 0x00B6
        | 0x00B7
        | 0x00BB
        | 0x00BF
        | 0x2010..=0x2027
        | 0x2030..=0x2043
        | 0x2045..=0x2051
        | 0x2053..=0x205E
        | 0x2E00..=0x2E4F
        | 0x3001..=0x3003
        | 0x3008..=0x3011
        | 0x3014..=0x301F
        | 0xFE10..=0xFE19
        | 0xFE30..=0xFE4F
        | 0xFE50..=0xFE6B
        | 0xFF01..=0xFF03
        | 0xFF05..=0xFF0A
        | 0xFF0C..=0xFF0F
        | 0xFF1A
        | 0xFF1B
        | 0xFF1F
        | 0xFF20 => Cls::Punct,
        _ if c.is_alphabetic() => Cls::Alpha,
        _ if c.is_whitespace() => Cls::Space,
        _ if c.is_control() => Cls::Invisible,
        _ => Cls::Symbol,
    }
}

/// Decodes the character at byte `i` of `s` (a char boundary).
#[inline]
pub(crate) fn char_at(s: &str, i: usize) -> char {
    let b = s.as_bytes();
    let b0 = b[i];
    if b0 < 0x80 {
        return b0 as char;
    }
    let (len, init) = if b0 < 0xE0 {
        (2, (b0 & 0x1F) as u32)
    } else if b0 < 0xF0 {
        (3, (b0 & 0x0F) as u32)
    } else {
        (4, (b0 & 0x07) as u32)
    };
    let mut u = init;
    for k in 1..len {
        u = (u << 6) | (b[i + k] & 0x3F) as u32;
    }
    char::from_u32(u).unwrap_or('\u{FFFD}')
}

/// The character before byte `i` of `s` (a char boundary, `i > 0`), with its
/// start.
#[inline]
pub(crate) fn char_before(s: &str, i: usize) -> (usize, char) {
    let b = s.as_bytes();
    let mut j = i - 1;
    while j > 0 && (b[j] & 0xC0) == 0x80 {
        j -= 1;
    }
    (j, char_at(s, j))
}

fn is_word_inner(c: Cls) -> bool {
    matches!(c, Cls::ArLetter | Cls::ArMark | Cls::Tatweel)
}

/// End of the Arabic word starting at `i`.
fn scan_word(s: &str, mut i: usize) -> usize {
    let n = s.len();
    while i < n {
        let c = char_at(s, i);
        let k = cls(c);
        if is_word_inner(k) {
            i += c.len_utf8();
        } else if k == Cls::Joiner {
            // Inside a word only: a letter or mark must follow.
            let j = i + c.len_utf8();
            if j < n && is_word_inner(cls(char_at(s, j))) {
                i = j;
            } else {
                break;
            }
        } else {
            break;
        }
    }
    i
}

/// Does the tatweel run at `i` lead into an Arabic letter?
fn tatweel_leads_to_letter(s: &str, mut i: usize) -> bool {
    while i < s.len() {
        let c = char_at(s, i);
        match cls(c) {
            Cls::Tatweel | Cls::ArMark => i += c.len_utf8(),
            Cls::ArLetter => return true,
            _ => return false,
        }
    }
    false
}

fn is_num_sep(c: char) -> bool {
    matches!(c, '.' | ',' | '٫' | '٬' | '\'' | '’')
}

/// End of the number starting at `i` (a digit).
fn scan_number(s: &str, mut i: usize) -> usize {
    let n = s.len();
    loop {
        while i < n {
            let c = char_at(s, i);
            if cls(c) == Cls::Digit {
                i += c.len_utf8();
            } else {
                break;
            }
        }
        if i >= n {
            return i;
        }
        let c = char_at(s, i);
        if is_num_sep(c) {
            let j = i + c.len_utf8();
            if j < n && cls(char_at(s, j)) == Cls::Digit {
                i = j;
                continue;
            }
        }
        if matches!(c, '%' | '٪' | '‰' | '؉') {
            i += c.len_utf8();
        }
        return i;
    }
}

/// End of the Latin (other-script) word starting at `i`.
fn scan_latin(s: &str, mut i: usize) -> usize {
    let n = s.len();
    while i < n {
        let c = char_at(s, i);
        match cls(c) {
            Cls::Alpha | Cls::Mark => i += c.len_utf8(),
            Cls::Digit if c.is_ascii_digit() => i += 1,
            _ if matches!(c, '\'' | '’') => {
                let j = i + c.len_utf8();
                if j < n && cls(char_at(s, j)) == Cls::Alpha {
                    i = j;
                } else {
                    break;
                }
            }
            _ => break,
        }
    }
    i
}

fn starts_with_ci(s: &[u8], prefix: &[u8]) -> bool {
    s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// If a URL starts at `i`, its end. URLs start with `http://`, `https://`
/// or `www.`, run to whitespace or a quote/angle bracket, and lose trailing
/// punctuation (a closing bracket stays when the URL opened one).
pub(crate) fn scan_url(s: &str, i: usize) -> Option<usize> {
    let b = &s.as_bytes()[i..];
    let plen = if starts_with_ci(b, b"https://") {
        8
    } else if starts_with_ci(b, b"http://") {
        7
    } else if starts_with_ci(b, b"www.") {
        4
    } else {
        return None;
    };
    let mut j = i + plen;
    let n = s.len();
    while j < n {
        let c = char_at(s, j);
        let k = cls(c);
        if matches!(k, Cls::Space | Cls::Invisible)
            || matches!(
                c,
                '"' | '<' | '>' | '«' | '»' | '“' | '”' | '`' | '{' | '}' | '|'
            )
        {
            break;
        }
        j += c.len_utf8();
    }
    // Trailing punctuation belongs to the sentence; a closing bracket stays
    // while the URL opened as many.
    let count = |open: u8, close: u8| {
        s.as_bytes()[i..j].iter().fold(0isize, |n, &b| {
            n + isize::from(b == close) - isize::from(b == open)
        })
    };
    let mut paren = count(b'(', b')');
    let mut bracket = count(b'[', b']');
    while j > i + plen {
        let (p, c) = char_before(s, j);
        let strip = match c {
            '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '،' | '؛' | '؟' | '…' | '’' => true,
            ')' if paren > 0 => {
                paren -= 1;
                true
            }
            ']' if bracket > 0 => {
                bracket -= 1;
                true
            }
            _ => false,
        };
        if strip {
            j = p;
        } else {
            break;
        }
    }
    // Something must follow the prefix, and `www.` needs a dotted host.
    if j == i + plen || (plen == 4 && !s[i + 4..j].contains('.')) {
        return None;
    }
    Some(j)
}

fn is_email_local(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

/// If an email address starts at `i`, `Ok(end)`; otherwise `Err(k)`, where
/// no address can start anywhere in `i..k` either.
fn scan_email(s: &str, i: usize) -> Result<usize, usize> {
    let b = s.as_bytes();
    let n = b.len();
    let mut j = i;
    while j < n && is_email_local(b[j]) {
        j += 1;
    }
    if j == i || j >= n || b[j] != b'@' || b[i] == b'.' {
        return Err(j.max(i + 1));
    }
    let at = j;
    j += 1;
    let d0 = j;
    while j < n && (b[j].is_ascii_alphanumeric() || b[j] == b'-' || b[j] == b'.') {
        j += 1;
    }
    while j > d0 && matches!(b[j - 1], b'.' | b'-') {
        j -= 1;
    }
    let domain = &s[d0..j];
    let ok = !domain.is_empty()
        && !domain.starts_with('.')
        && !domain.contains("..")
        && domain
            .rsplit_once('.')
            .is_some_and(|(_, tld)| tld.len() >= 2 && tld.bytes().all(|c| c.is_ascii_alphabetic()));
    if ok && at > i {
        Ok(j)
    } else {
        Err(at + 1)
    }
}

fn is_tag_char(c: char) -> bool {
    matches!(
        cls(c),
        Cls::ArLetter | Cls::ArMark | Cls::Tatweel | Cls::Alpha | Cls::Mark | Cls::Digit
    ) || c == '_'
}

/// End of the hashtag or mention body starting at `i` (after the sigil), if
/// it holds a letter.
fn scan_tag(s: &str, mut i: usize, mention: bool) -> Option<usize> {
    let start = i;
    let mut letter = false;
    let n = s.len();
    while i < n {
        let c = char_at(s, i);
        if is_tag_char(c) {
            letter |= c.is_alphabetic();
            i += c.len_utf8();
        } else if cls(c) == Cls::Joiner && i + 3 < n && is_tag_char(char_at(s, i + 3)) {
            i += 3;
        } else if mention && c == '.' && i + 1 < n && is_tag_char(char_at(s, i + 1)) {
            i += 1;
        } else {
            break;
        }
    }
    (i > start && (letter || mention)).then_some(i)
}

/// End of the symbol cluster starting at `i`: the symbol with its variation
/// selectors, skin tones, keycap and ZWJ-joined followers.
fn scan_symbol(s: &str, i: usize) -> usize {
    let n = s.len();
    let first = char_at(s, i);
    let mut j = i + first.len_utf8();
    let regional = |c: char| ('\u{1F1E6}'..='\u{1F1FF}').contains(&c);
    if regional(first) && j < n && regional(char_at(s, j)) {
        j += 4;
    }
    while j < n {
        let c = char_at(s, j);
        match c {
            '\u{FE0E}'
            | '\u{FE0F}'
            | '\u{20E3}'
            | '\u{1F3FB}'..='\u{1F3FF}'
            | '\u{E0020}'..='\u{E007F}' => j += c.len_utf8(),
            '\u{200D}' => {
                let k = j + 3;
                if k < n && cls(char_at(s, k)) == Cls::Symbol {
                    j = k + char_at(s, k).len_utf8();
                } else {
                    break;
                }
            }
            _ if matches!(cls(c), Cls::Mark | Cls::ArMark) => j += c.len_utf8(),
            _ => break,
        }
    }
    j
}

/// Splits `text` into tokens, in order, non-overlapping, with byte offsets
/// into `text`.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 6 + 1);
    tokenize_into(text, &mut out);
    out
}

/// Appends the tokens of `text` to `out` (see [`tokenize`]).
pub fn tokenize_into(text: &str, out: &mut Vec<Token>) {
    let n = text.len();
    let b = text.as_bytes();
    let mut i = 0;
    // No email address starts before this offset (see `scan_email`).
    let mut no_email_before = 0;
    while i < n {
        let c = char_at(text, i);
        let clen = c.len_utf8();
        let start = i;
        let (end, kind) = match cls(c) {
            Cls::Space | Cls::Invisible | Cls::Joiner => {
                i += clen;
                continue;
            }
            Cls::ArLetter => (scan_word(text, i), TokenKind::Word),
            Cls::Tatweel => {
                if tatweel_leads_to_letter(text, i) {
                    (scan_word(text, i), TokenKind::Word)
                } else {
                    let mut j = i;
                    while j < n && b[j..].starts_with("ـ".as_bytes()) {
                        j += 2;
                    }
                    (j, TokenKind::Punct)
                }
            }
            k @ (Cls::Digit | Cls::Alpha) => {
                let mut r = None;
                if k == Cls::Alpha && matches!(b[i], b'h' | b'H' | b'w' | b'W') {
                    r = scan_url(text, i).map(|e| (e, TokenKind::Url));
                }
                if r.is_none() && c.is_ascii_alphanumeric() && i >= no_email_before {
                    match scan_email(text, i) {
                        Ok(e) => r = Some((e, TokenKind::Email)),
                        Err(k) => no_email_before = k,
                    }
                }
                r.unwrap_or_else(|| {
                    if k == Cls::Digit {
                        (scan_number(text, i), TokenKind::Number)
                    } else {
                        (scan_latin(text, i), TokenKind::Latin)
                    }
                })
            }
            Cls::Punct | Cls::Symbol if c == '#' || c == '@' => {
                match scan_tag(text, i + 1, c == '@') {
                    Some(e) if c == '#' => (e, TokenKind::Hashtag),
                    Some(e) => (e, TokenKind::Mention),
                    None => (i + 1, TokenKind::Punct),
                }
            }
            Cls::Punct => {
                let mut j = i + clen;
                while j < n && b[j..].starts_with(&b[i..i + clen]) {
                    j += clen;
                }
                (j, TokenKind::Punct)
            }
            Cls::Symbol | Cls::ArMark | Cls::Mark => (scan_symbol(text, i), TokenKind::Symbol),
        };
        debug_assert!(end > start);
        out.push(Token { start, end, kind });
        i = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<(&str, TokenKind)> {
        tokenize(s).iter().map(|t| (t.text(s), t.kind)).collect()
    }

    #[test]
    fn basic_mix() {
        use TokenKind::*;
        assert_eq!(
            kinds("زار الوفدُ 3 مدن، وقال: «نعم»!"),
            vec![
                ("زار", Word),
                ("الوفدُ", Word),
                ("3", Number),
                ("مدن", Word),
                ("،", Punct),
                ("وقال", Word),
                (":", Punct),
                ("«", Punct),
                ("نعم", Word),
                ("»", Punct),
                ("!", Punct)
            ]
        );
    }
}
