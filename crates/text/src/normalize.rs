//! Offset-preserving normalization.
//!
//! [`normalize`] folds a text (diacritics, letter variants, digits, controls,
//! presentation forms, ...) into a [`Normalized`] view that keeps an exact map
//! back to byte offsets of the original text, in the spirit of the
//! `NormalizedString` of the tokenizers library. Every original character
//! either disappears, becomes one character, or (presentation-form ligatures,
//! upper case letters with multi-character lower case) expands to several.
//!
//! The map is a compact table of *segments*: a segment starts at a
//! normalized offset and an original offset, and inside it both advance in
//! step. A new segment starts only where the step breaks (a deleted
//! character, a character whose folded form has another UTF-8 length, an
//! expansion), so plain Arabic or Latin text needs a single segment whatever
//! its length. Deleted runs are segments of normalized length zero.
//!
//! Round trips: for every original character boundary `o`,
//! `to_original(to_normalized(o))` is the first surviving original boundary
//! at or after `o` (the original end if none survives); for every normalized
//! character boundary `n`, `to_normalized(to_original(n)) == n`, except inside
//! an expansion (the second `ا` of `لا` from the ligature `ﻻ`), whose
//! positions all map to the one original character and come back to the
//! expansion's start ([`Normalized::is_aligned`] tells them apart).

use crate::chars::is_tashkeel;
use crate::presentation::PRESENTATION;

/// Which folds [`normalize`] applies. Each field switches one family on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Folds {
    /// Removes tashkeel, Quranic annotation marks and the superscript alef.
    pub diacritics: bool,
    /// Removes tatweel (kashida) `ـ`.
    pub tatweel: bool,
    /// `أ إ آ ٱ ٲ ٳ ٵ` → `ا`.
    pub alef: bool,
    /// `ى` → `ي`.
    pub alef_maqsura: bool,
    /// `ة` → `ه`.
    pub ta_marbuta: bool,
    /// `ؤ` → `و`, `ئ` → `ي`.
    pub hamza_seats: bool,
    /// Persian/Urdu letter forms → their Arabic twins (`ک ڪ ګ` → `ك`,
    /// `ی ې ۍ ێ ے` → `ي`, `ە ۀ ہ ھ` → `ه`, `ۃ` → `ة`, `ٶ ٷ` → `ؤ`, `ٸ ۓ` → `ئ`).
    /// Letters that are distinct sounds (`پ چ ژ گ ڤ`) are kept.
    pub persian: bool,
    /// Arabic-Indic and Persian digits → ASCII; the Arabic decimal and
    /// thousands separators `٫ ٬` → `. ,` and `٪` → `%`.
    pub digits: bool,
    /// Removes bidi controls, zero-width characters (ZWSP, ZWNJ, ZWJ, word
    /// joiner), the byte order mark, the soft hyphen and C0/C1 control codes
    /// other than tab and line breaks.
    pub controls: bool,
    /// NBSP, narrow NBSP, tab and the other horizontal Unicode spaces → `' '`;
    /// vertical tab, form feed, NEL, U+2028 and U+2029 → `'\n'`.
    pub spaces: bool,
    /// NFKC unfolding of the Arabic presentation forms (U+FB50–FDFF,
    /// U+FE70–FEFF): contextual letter shapes become base letters, ligatures
    /// (lam-alef, `ﷲ`) several letters.
    pub presentation_forms: bool,
    /// Upper case letters → lower case (`char::to_lowercase`).
    pub latin_lower: bool,
}

impl Folds {
    /// Everything on: matching keys (search, gazetteers, dedup).
    pub const SEARCH: Folds = Folds {
        diacritics: true,
        tatweel: true,
        alef: true,
        alef_maqsura: true,
        ta_marbuta: true,
        hamza_seats: true,
        persian: true,
        digits: true,
        controls: true,
        spaces: true,
        presentation_forms: true,
        latin_lower: true,
    };
    /// Everything except `ta_marbuta` and `hamza_seats`: model features, which
    /// keep the distinctions that carry grammar.
    pub const MODEL: Folds = Folds {
        ta_marbuta: false,
        hamza_seats: false,
        ..Folds::SEARCH
    };
    /// Only the folds that never change a letter: controls, spaces and
    /// presentation forms.
    pub const MINIMAL: Folds = Folds {
        controls: true,
        spaces: true,
        presentation_forms: true,
        ..Folds::NONE
    };
    /// Nothing: the normalized text equals the original.
    pub const NONE: Folds = Folds {
        diacritics: false,
        tatweel: false,
        alef: false,
        alef_maqsura: false,
        ta_marbuta: false,
        hamza_seats: false,
        persian: false,
        digits: false,
        controls: false,
        spaces: false,
        presentation_forms: false,
        latin_lower: false,
    };
}

/// What one original character becomes.
enum Mapped {
    Keep,
    Drop,
    One(char),
    Expand(&'static str),
    Lower(char),
}

#[inline]
fn map_char(c: char, f: &Folds) -> Mapped {
    let u = c as u32;
    if u < 0x80 {
        if c.is_ascii_uppercase() {
            return if f.latin_lower {
                Mapped::One(c.to_ascii_lowercase())
            } else {
                Mapped::Keep
            };
        }
        if (0x20..0x7F).contains(&u) {
            return Mapped::Keep;
        }
        return match c {
            '\n' | '\r' => Mapped::Keep,
            '\t' if f.spaces => Mapped::One(' '),
            '\x0B' | '\x0C' if f.spaces => Mapped::One('\n'),
            '\t' | '\x0B' | '\x0C' => Mapped::Keep,
            _ if f.controls => Mapped::Drop,
            _ => Mapped::Keep,
        };
    }
    if (0x0600..=0x06FF).contains(&u) {
        return map_arabic(c, f);
    }
    map_other(c, f)
}

/// Folds of a letter of the Arabic block, after the Persian fold.
#[inline]
fn fold_letter(c: char, f: &Folds) -> char {
    match c {
        'أ' | 'إ' | 'آ' | 'ٱ' | 'ٲ' | 'ٳ' | 'ٵ' if f.alef => 'ا',
        'ى' if f.alef_maqsura => 'ي',
        'ة' if f.ta_marbuta => 'ه',
        'ؤ' if f.hamza_seats => 'و',
        'ئ' if f.hamza_seats => 'ي',
        c => c,
    }
}

#[inline]
fn map_arabic(c: char, f: &Folds) -> Mapped {
    let u = c as u32;
    if is_tashkeel(c) {
        return if f.diacritics {
            Mapped::Drop
        } else {
            Mapped::Keep
        };
    }
    match u {
        0x0640 => {
            return if f.tatweel {
                Mapped::Drop
            } else {
                Mapped::Keep
            }
        }
        0x061C => {
            return if f.controls {
                Mapped::Drop
            } else {
                Mapped::Keep
            }
        }
        0x0660..=0x0669 if f.digits => {
            return Mapped::One(char::from(b'0' + (u - 0x0660) as u8));
        }
        0x06F0..=0x06F9 if f.digits => {
            return Mapped::One(char::from(b'0' + (u - 0x06F0) as u8));
        }
        0x066B if f.digits => return Mapped::One('.'),
        0x066C if f.digits => return Mapped::One(','),
        0x066A if f.digits => return Mapped::One('%'),
        _ => {}
    }
    let p = if f.persian {
        match c {
            'ک' | 'ڪ' | 'ګ' => 'ك',
            'ی' | 'ې' | 'ۍ' | 'ێ' | 'ے' => 'ي',
            'ە' | 'ۀ' | 'ہ' | 'ھ' | 'ۂ' => 'ه',
            'ۃ' => 'ة',
            'ٶ' | 'ٷ' => 'ؤ',
            'ٸ' | 'ۓ' => 'ئ',
            c => c,
        }
    } else {
        c
    };
    let d = fold_letter(p, f);
    if d == c {
        Mapped::Keep
    } else {
        Mapped::One(d)
    }
}

#[cold]
fn map_other(c: char, f: &Folds) -> Mapped {
    let u = c as u32;
    match u {
        0x00A0 | 0x202F | 0x2000..=0x200A | 0x205F | 0x3000 | 0x1680 => {
            return if f.spaces {
                Mapped::One(' ')
            } else {
                Mapped::Keep
            };
        }
        0x0085 | 0x2028 | 0x2029 => {
            return if f.spaces {
                Mapped::One('\n')
            } else {
                Mapped::Keep
            };
        }
        0x00AD
        | 0x200B..=0x200F
        | 0x202A..=0x202E
        | 0x2060..=0x2064
        | 0x2066..=0x2069
        | 0xFEFF
        | 0x0080..=0x009F => {
            return if f.controls {
                Mapped::Drop
            } else {
                Mapped::Keep
            };
        }
        0xFB50..=0xFDFF | 0xFE70..=0xFEFE if f.presentation_forms => {
            if let Ok(i) = PRESENTATION.binary_search_by_key(&u, |&(cp, _)| cp) {
                return Mapped::Expand(PRESENTATION[i].1);
            }
            return Mapped::Keep;
        }
        _ => {}
    }
    if f.latin_lower && c.is_uppercase() {
        return Mapped::Lower(c);
    }
    Mapped::Keep
}

/// Up to this many characters come out of one original character
/// (the longest presentation-form expansion, U+FDFA, has 18).
const MAX_EXPANSION: usize = 24;

/// Folds an expansion (presentation form, multi-character lower case) into
/// `buf`; returns how many characters it holds.
fn expand(m: &Mapped, f: &Folds, buf: &mut [char; MAX_EXPANSION]) -> usize {
    let inner = Folds {
        presentation_forms: false,
        ..*f
    };
    let mut n = 0;
    let mut put = |d: char| {
        let folded = match map_char(d, &inner) {
            Mapped::Keep => Some(d),
            Mapped::One(x) => Some(x),
            Mapped::Drop => None,
            // Outputs of the tables are never presentation forms or capitals.
            Mapped::Expand(_) | Mapped::Lower(_) => Some(d),
        };
        if let Some(x) = folded {
            if n < MAX_EXPANSION {
                buf[n] = x;
                n += 1;
            }
        }
    };
    match m {
        Mapped::Expand(s) => s.chars().for_each(&mut put),
        Mapped::Lower(c) => c.to_lowercase().for_each(&mut put),
        _ => {}
    }
    n
}

/// Appends the folded form of `s` to `out`, without an offset map: the fast
/// path for matching keys. `fold_into(s, f, out)` appends exactly
/// `normalize(s, f).text`.
pub fn fold_into(s: &str, f: &Folds, out: &mut String) {
    let mut run = 0;
    for (o, c) in s.char_indices() {
        let m = map_char(c, f);
        if let Mapped::Keep = m {
            continue;
        }
        out.push_str(&s[run..o]);
        run = o + c.len_utf8();
        match m {
            Mapped::Keep | Mapped::Drop => {}
            Mapped::One(d) => out.push(d),
            Mapped::Expand(_) | Mapped::Lower(_) => {
                let mut buf = ['\0'; MAX_EXPANSION];
                let n = expand(&m, f, &mut buf);
                buf[..n].iter().for_each(|&d| out.push(d));
            }
        }
    }
    out.push_str(&s[run..]);
}

/// The folded form of `s` (no offset map). Same text as `normalize(s, f).text`.
pub fn fold(s: &str, f: &Folds) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, f, &mut out);
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Seg {
    norm: u32,
    orig: u32,
}

/// A normalized view of a text with an exact map back to the original.
///
/// Offsets are byte offsets. "Original" offsets index the text given to
/// [`normalize`]; "normalized" offsets index [`Normalized::text`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Normalized {
    /// The normalized text.
    pub text: String,
    /// Segment starts, sorted by both offsets, ending with the sentinel
    /// `(text.len(), original_len)`. Ties on `norm`: a deleted run and the
    /// character after it. Ties on `orig`: the characters of one expansion.
    segs: Vec<Seg>,
    orig_len: usize,
}

/// Normalizes `text` with `folds`, keeping the offset map.
///
/// Never panics on a text whose original and normalized lengths are under
/// 4 GiB (offsets are stored as `u32`; a longer text panics).
pub fn normalize(text: &str, folds: &Folds) -> Normalized {
    assert!(
        text.len() < u32::MAX as usize,
        "rasd_text::normalize: text of 4 GiB or more"
    );
    let mut out = String::with_capacity(text.len());
    let mut segs: Vec<Seg> = Vec::new();
    // The last character pushed kept its UTF-8 length and nothing was
    // deleted since: the next character continues the current segment.
    let mut contiguous = false;
    // A deleted run is open (its segment is already pushed).
    let mut deleting = false;
    // text[run..o] is a run of kept characters not yet copied to `out`.
    let mut run = 0usize;
    for (o, c) in text.char_indices() {
        let m = map_char(c, folds);
        if let Mapped::Keep = m {
            if !contiguous {
                segs.push(Seg {
                    norm: (out.len() + o - run) as u32,
                    orig: o as u32,
                });
                contiguous = true;
            }
            deleting = false;
            continue;
        }
        out.push_str(&text[run..o]);
        let clen = c.len_utf8();
        run = o + clen;
        let one = match m {
            Mapped::Keep => unreachable!(),
            Mapped::One(d) => Some(d),
            Mapped::Drop => None,
            Mapped::Expand(_) | Mapped::Lower(_) => {
                let mut buf = ['\0'; MAX_EXPANSION];
                let n = expand(&m, folds, &mut buf);
                if n == 1 {
                    Some(buf[0])
                } else {
                    for &d in &buf[..n] {
                        segs.push(Seg {
                            norm: out.len() as u32,
                            orig: o as u32,
                        });
                        out.push(d);
                    }
                    if n > 0 {
                        contiguous = false;
                        deleting = false;
                        continue;
                    }
                    None
                }
            }
        };
        match one {
            Some(d) => {
                if !contiguous {
                    segs.push(Seg {
                        norm: out.len() as u32,
                        orig: o as u32,
                    });
                }
                out.push(d);
                contiguous = d.len_utf8() == clen;
                deleting = false;
            }
            None => {
                if !deleting {
                    segs.push(Seg {
                        norm: out.len() as u32,
                        orig: o as u32,
                    });
                    deleting = true;
                }
                contiguous = false;
            }
        }
    }
    out.push_str(&text[run..]);
    assert!(
        out.len() < u32::MAX as usize,
        "rasd_text::normalize: normalized text of 4 GiB or more"
    );
    segs.push(Seg {
        norm: out.len() as u32,
        orig: text.len() as u32,
    });
    segs.shrink_to_fit();
    Normalized {
        text: out,
        segs,
        orig_len: text.len(),
    }
}

impl Normalized {
    /// The normalized text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Length in bytes of the original text.
    pub fn original_len(&self) -> usize {
        self.orig_len
    }

    /// Number of entries of the offset table (a measure of its size: 8 bytes
    /// each).
    pub fn table_len(&self) -> usize {
        self.segs.len()
    }

    /// The original offset of the character that produced the normalized
    /// character at `n`; the normalized end maps to the original end.
    /// Offsets past the end are clamped. Every character of one expansion
    /// maps to the start of the original character.
    pub fn to_original(&self, n: usize) -> usize {
        let n = n.min(self.text.len()) as u32;
        let i = self.segs.partition_point(|s| s.norm <= n) - 1;
        let s = self.segs[i];
        let o = s.orig + (n - s.norm);
        match self.segs.get(i + 1) {
            Some(next) => o.min(next.orig) as usize,
            None => o as usize,
        }
    }

    /// The normalized offset of the original character at `o`; for a deleted
    /// character, the next surviving normalized position (the normalized end
    /// if none survives). Offsets past the end are clamped.
    pub fn to_normalized(&self, o: usize) -> usize {
        let o = o.min(self.orig_len) as u32;
        let q = self.segs.partition_point(|s| s.orig < o);
        if let Some(s) = self.segs.get(q) {
            if s.orig == o {
                return s.norm as usize;
            }
        }
        // segs[0].orig == 0 <= o and segs[q].orig > o, so 0 < q < len.
        let s = self.segs[q - 1];
        let next = self.segs[q];
        if next.norm == s.norm {
            return s.norm as usize; // inside a deleted run
        }
        (s.norm + (o - s.orig)).min(next.norm) as usize
    }

    /// Original end of the character that produced the normalized character
    /// ending at `end` (`end > 0`).
    fn orig_end(&self, end: u32) -> u32 {
        let i = self.segs.partition_point(|s| s.norm < end) - 1;
        let s = self.segs[i];
        let next = self.segs[i + 1];
        if end < next.norm {
            return s.orig + (end - s.norm);
        }
        // The character ends its segment: it ends where the next original
        // position starts (past the other characters of an expansion).
        self.segs[i + 1..]
            .iter()
            .find(|t| t.orig > s.orig)
            .map_or(self.orig_len as u32, |t| t.orig)
    }

    /// The original span covering exactly the original characters that
    /// produced the normalized range `start..end` (deleted characters at its
    /// edges are not included). For normalized character boundaries the
    /// result is a pair of original character boundaries. An empty range maps
    /// to an empty span at [`Normalized::to_original`]`(start)`.
    pub fn span_to_original(&self, start: usize, end: usize) -> (usize, usize) {
        let len = self.text.len();
        let (start, end) = (start.min(len), end.min(len));
        let os = self.to_original(start);
        if start >= end {
            return (os, os);
        }
        let oe = self.orig_end(end as u32) as usize;
        (os, oe.max(os))
    }

    /// The normalized span of the original span `start..end`: from the first
    /// surviving character at or after `start` to the end of the last
    /// surviving character before `end`.
    pub fn span_to_normalized(&self, start: usize, end: usize) -> (usize, usize) {
        let ns = self.to_normalized(start);
        let ne = self.to_normalized(end);
        (ns, ne.max(ns))
    }

    /// True when `n` is a normalized character boundary that is not inside
    /// the expansion of one original character (such positions have no
    /// original offset of their own).
    pub fn is_aligned(&self, n: usize) -> bool {
        n <= self.text.len()
            && self.text.is_char_boundary(n)
            && self.to_normalized(self.to_original(n)) == n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_has_one_segment() {
        let s = "وقال المتحدث إن الاجتماع انتهى";
        let n = normalize(s, &Folds::MINIMAL);
        assert_eq!(n.text, s);
        assert_eq!(n.table_len(), 2);
        for (o, _) in s.char_indices() {
            assert_eq!(n.to_normalized(o), o);
            assert_eq!(n.to_original(o), o);
        }
    }

    #[test]
    fn deletion_and_expansion_offsets() {
        // tanween deleted, lam-alef ligature expanded, Arabic digit shrunk.
        let s = "كتاباً ﻻ ٣";
        let n = normalize(s, &Folds::SEARCH);
        assert_eq!(n.text, "كتابا لا 3");
        let lig = s.find('ﻻ').unwrap();
        let nl = n.text.find("لا").unwrap();
        assert_eq!(n.to_original(nl), lig);
        assert_eq!(n.to_original(nl + 2), lig);
        assert_eq!(n.span_to_original(nl, nl + 4), (lig, lig + 3));
        assert_eq!(n.span_to_original(nl + 2, nl + 4), (lig, lig + 3));
        assert!(!n.is_aligned(nl + 2));
        let tanween = s.find('\u{064B}').unwrap();
        assert_eq!(n.to_normalized(tanween), n.text.find(' ').unwrap());
        let three = s.find('٣').unwrap();
        assert_eq!(
            n.span_to_original(n.text.len() - 1, n.text.len()),
            (three, s.len())
        );
    }
}
