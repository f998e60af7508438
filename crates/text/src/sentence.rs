//! Sentence splitting.
//!
//! [`sentences`] cuts a text into sentence spans. The cuts partition the
//! text, and each part is trimmed of whitespace and invisible controls, so
//! the spans are in order, never overlap, are never empty, and together
//! cover every character that is neither whitespace nor an invisible control.
//!
//! Where it cuts:
//! - after `.`, `!`, `?`, `؟`, `…`, `۔` (a run of them, with the closing
//!   quotes and brackets right after it), except: a dot between digits or
//!   before a digit or a Latin letter (`3.5`, `1.200`, `example.org`, `U.S`),
//!   after a single-letter or known abbreviation (`د.`, `ص.`, `ق.م`, `أ.د.`,
//!   `إلخ.`, `Dr.`, `e.g.`), after a list number at the start of a line
//!   (`1.`), inside a URL, and inside a short quote (`«…»`, `"…"`, `“…”`
//!   closed on the same line within 300 bytes);
//! - before an inline bullet (`•`, `▪`, …) that follows whitespace;
//! - at a blank line, a form feed or U+2029, always;
//! - at a single line break when the line before looks complete (it ends
//!   with a terminal mark or a colon, or is a short heading-like line), or
//!   when the next line is a list item or a short heading-like line (unless
//!   the line before ends with a comma or a connective).

use crate::chars::{fold_char, is_invisible, is_space};
use crate::token::{char_at, char_before, cls, scan_url, Cls};

/// Longest quote (bytes from the opening mark) inside which terminal marks
/// do not cut.
const SHORT_QUOTE: usize = 300;
/// A line of at most this many words without a terminal mark is heading-like.
const HEADING_WORDS: usize = 12;

/// Trimmed sentence spans `(start, end)` (byte offsets into `text`).
pub fn sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(text.len() / 80 + 1);
    sentences_into(text, &mut out);
    out
}

/// Appends the sentence spans of `text` to `out` (see [`sentences`]).
pub fn sentences_into(text: &str, out: &mut Vec<(usize, usize)>) {
    let mut sp = Splitter {
        text,
        out,
        seg_start: 0,
    };
    sp.run();
}

struct Splitter<'a, 'o> {
    text: &'a str,
    out: &'o mut Vec<(usize, usize)>,
    seg_start: usize,
}

fn is_blank_char(c: char) -> bool {
    is_space(c) || is_invisible(c)
}

fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '؟' | '…' | '۔' | '‼' | '⁇' | '⁈' | '⁉')
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '»' | '”' | '"' | '’' | '\'' | ')' | ']' | '}' | '›' | '﴿' | '」' | '』'
    )
}

fn closing_quote(c: char) -> Option<char> {
    Some(match c {
        '«' => '»',
        '“' => '”',
        '„' => '”',
        '‹' => '›',
        '"' => '"',
        '﴾' => '﴿',
        '「' => '」',
        '『' => '』',
        _ => return None,
    })
}

fn is_bullet_glyph(c: char) -> bool {
    matches!(
        c,
        '•' | '●'
            | '▪'
            | '■'
            | '□'
            | '◦'
            | '‣'
            | '►'
            | '▶'
            | '◆'
            | '◇'
            | '★'
            | '☆'
            | '✓'
            | '✔'
            | '➢'
            | '➤'
            | '⁃'
            | '◉'
            | '○'
    )
}

/// Is `word` (raw) equal to `key` after [`fold_char`]?
fn folded_eq(word: &str, key: &str) -> bool {
    let mut k = key.chars();
    for c in word.chars().filter_map(fold_char) {
        if k.next() != Some(c) {
            return false;
        }
    }
    k.next().is_none()
}

/// Words after which a line is not finished (folded spellings).
#[rustfmt::skip]
const CONNECTIVES: &[&str] = &[
    "و", "في", "من", "الي", "علي", "عن", "ان", "او", "ثم", "لكن", "التي", "الذي", "الذين", "حيث",
    "بين", "مع", "حتي", "اذا", "لان", "قد", "لم", "لن", "ب", "ل", "ك", "ف", "بل", "كما", "منذ",
    "خلال", "عند", "بعد", "قبل", "ضد", "نحو", "حول", "لدي", "الا", "انه", "انها", "ما", "لا",
    "and", "or", "of", "the", "to", "in", "for", "with", "a", "an",
];

#[rustfmt::skip]
const ORDINALS: &[&str] = &[
    "اولا", "ثانيا", "ثالثا", "رابعا", "خامسا", "سادسا", "سابعا", "ثامنا", "تاسعا", "عاشرا",
];

#[rustfmt::skip]
const LATIN_ABBREVIATIONS: &[&str] = &[
    "dr", "mr", "mrs", "ms", "prof", "st", "jr", "sr", "vs", "etc", "inc", "ltd", "co", "no",
    "gen", "col", "lt", "sgt", "gov", "sen", "rep", "corp", "dept", "est", "approx", "fig", "vol",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt",
    "ft", "op", "ed", "eds", "pp", "p", "cf", "al",
];

/// Multi-letter Arabic abbreviations (folded).
const ARABIC_ABBREVIATIONS: &[&str] = &["الخ", "اه"];

/// What the end of a line says about the line.
#[derive(Clone, Copy, Default)]
struct LineInfo {
    /// Ends with a terminal mark (maybe followed by closers) or a colon.
    terminal: bool,
    /// Ends with a comma, a connective word or an opening bracket: the
    /// sentence goes on.
    continues: bool,
    /// Short and without a terminal mark: a heading, a label, a date line.
    heading: bool,
    /// A list item (bullet glyph, dash, number or ordinal word).
    bullet: bool,
}

impl LineInfo {
    fn complete(&self) -> bool {
        !self.continues && (self.terminal || self.heading)
    }
}

impl Splitter<'_, '_> {
    /// Ends the current sentence at `p`; the next one starts there.
    fn cut(&mut self, p: usize) {
        if p <= self.seg_start {
            return;
        }
        let s = &self.text[self.seg_start..p];
        let trimmed = s.trim_start_matches(is_blank_char);
        let a = self.seg_start + (s.len() - trimmed.len());
        let trimmed = trimmed.trim_end_matches(is_blank_char);
        if !trimmed.is_empty() {
            self.out.push((a, a + trimmed.len()));
        }
        self.seg_start = p;
    }

    fn run(&mut self) {
        let text = self.text;
        let b = text.as_bytes();
        let n = b.len();
        let mut prev: Option<LineInfo> = None;
        let mut blank_before = false;
        let mut ls = 0;
        while ls < n {
            // Find the end of this line and the start of the next.
            let (le, next, hard) = line_end(text, ls);
            let line = &text[ls..le];
            let content = line.trim_matches(is_blank_char);
            if content.is_empty() {
                blank_before = true;
                if hard {
                    self.cut(next);
                    prev = None;
                }
                ls = next;
                continue;
            }
            let info = line_info(content);
            if let Some(p) = prev {
                if blank_before || p.complete() || info.bullet || (info.heading && !p.continues) {
                    self.cut(ls);
                }
            } else if blank_before {
                self.cut(ls);
            }
            self.inline_cuts(ls, le);
            if hard {
                self.cut(next);
                prev = None;
            } else {
                prev = Some(info);
            }
            blank_before = false;
            ls = next;
        }
        self.cut(n);
    }

    /// Cuts inside the line `ls..le`.
    fn inline_cuts(&mut self, ls: usize, le: usize) {
        let text = self.text;
        let b = text.as_bytes();
        let mut i = ls;
        let mut quote_end = 0usize;
        let mut prev_cls = Cls::Space;
        while i < le {
            let c = char_at(text, i);
            let clen = c.len_utf8();
            let k = cls(c);
            // URLs are opaque.
            if matches!(b[i], b'h' | b'H' | b'w' | b'W')
                && !matches!(prev_cls, Cls::Alpha | Cls::Digit)
            {
                if let Some(e) = scan_url(text, i) {
                    if e <= le {
                        i = e;
                        prev_cls = Cls::Alpha;
                        continue;
                    }
                }
            }
            if i >= quote_end {
                if let Some(close) = closing_quote(c) {
                    let mut limit = (i + SHORT_QUOTE).min(le);
                    while !text.is_char_boundary(limit) {
                        limit -= 1;
                    }
                    let from = i + clen;
                    if let Some(off) = text[from..limit.max(from)].find(close) {
                        quote_end = from + off + close.len_utf8();
                    }
                }
            }
            if is_bullet_glyph(c) && i > ls && prev_cls == Cls::Space {
                self.cut(i);
            } else if is_terminal(c) {
                let in_quote = i < quote_end;
                // The run of terminal marks and the closers after it.
                let mut j = i + clen;
                let mut only_dot = c == '.';
                while j < le {
                    let d = char_at(text, j);
                    if is_terminal(d) {
                        only_dot &= d == '.';
                        j += d.len_utf8();
                    } else {
                        break;
                    }
                }
                let run_end = j;
                while j < le {
                    let d = char_at(text, j);
                    if is_closer(d) {
                        j += d.len_utf8();
                    } else {
                        break;
                    }
                }
                let after = if run_end < le {
                    Some(char_at(text, run_end))
                } else {
                    None
                };
                let single_dot = only_dot && run_end == i + 1;
                let cut = if in_quote {
                    // Inside a short quote only a period that closes the
                    // quote ends the sentence, and only when a space
                    // follows the quote: `قال: «سنعود.» ثم غادر.` is two
                    // sentences, `رفعوا شعار «لا للحرب!» أمس.` one.
                    only_dot
                        && j >= quote_end
                        && j < le
                        && is_blank_char(char_at(text, j))
                        && (!single_dot || self.dot_cuts(ls, i, after, j, le))
                } else if single_dot {
                    self.dot_cuts(ls, i, after, j, le)
                } else if only_dot || c == '…' {
                    // An ellipsis: cut unless glued to a Latin word or digit.
                    !after.is_some_and(|d| d.is_ascii_alphanumeric())
                } else {
                    !after.is_some_and(|d| d.is_ascii_alphanumeric() || d == '=' || d == '&')
                };
                if cut {
                    self.cut(j);
                }
                prev_cls = Cls::Punct;
                i = run_end;
                continue;
            }
            prev_cls = k;
            i += clen;
        }
    }

    /// Does the single dot at `i` end a sentence? `after` is the character
    /// right after it, `j` the end of the closers after it.
    fn dot_cuts(&self, ls: usize, i: usize, after: Option<char>, j: usize, le: usize) -> bool {
        let text = self.text;
        if let Some(d) = after {
            if d.is_ascii_alphanumeric() || cls(d) == Cls::Digit {
                return false;
            }
        }
        if i == ls {
            return true;
        }
        // The word before the dot.
        let mut w0 = i;
        let mut letters = 0usize;
        let mut arabic = false;
        let mut digits = false;
        while w0 > ls {
            let (p, c) = char_before(text, w0);
            match cls(c) {
                Cls::ArLetter => {
                    letters += 1;
                    arabic = true;
                }
                Cls::ArMark | Cls::Tatweel => {}
                Cls::Alpha | Cls::Mark => letters += usize::from(cls(c) == Cls::Alpha),
                Cls::Digit => digits = true,
                _ => break,
            }
            w0 = p;
        }
        let word = &text[w0..i];
        if word.is_empty() {
            return true;
        }
        if digits && letters == 0 {
            // A list number opening the line: `1.` or `(1.`
            let before = text[ls..w0].trim_matches(|c: char| is_blank_char(c) || c == '(');
            return !(before.is_empty() && word.chars().count() <= 3);
        }
        if digits {
            return true;
        }
        if arabic {
            if letters == 1 {
                // `2023م.` / `١٤٤٥ هـ.` end a date, and so a sentence, when
                // a space follows; other single letters are abbreviations.
                let l = word
                    .chars()
                    .find(|&c| cls(c) == Cls::ArLetter)
                    .unwrap_or(' ');
                if matches!(l, 'م' | 'ه') && after.is_none_or(is_blank_char) {
                    let before = text[ls..w0].trim_end_matches(is_blank_char);
                    if before
                        .chars()
                        .next_back()
                        .is_some_and(|c| cls(c) == Cls::Digit)
                    {
                        return true;
                    }
                }
                return false;
            }
            return !ARABIC_ABBREVIATIONS.iter().any(|a| folded_eq(word, a)) || j >= le;
        }
        if letters == 1 {
            return false; // initials, U.S.
        }
        !LATIN_ABBREVIATIONS
            .iter()
            .any(|a| word.eq_ignore_ascii_case(a))
    }
}

/// End of the line starting at `ls` (without its terminator), the start of
/// the next line, and whether the terminator is a hard break (form feed,
/// vertical tab, U+2029).
fn line_end(text: &str, ls: usize) -> (usize, usize, bool) {
    let b = text.as_bytes();
    let n = b.len();
    let mut i = ls;
    while i < n {
        match b[i] {
            b'\n' => return (i, i + 1, false),
            b'\r' => {
                let next = if i + 1 < n && b[i + 1] == b'\n' {
                    i + 2
                } else {
                    i + 1
                };
                return (i, next, false);
            }
            0x0B | 0x0C => return (i, i + 1, true),
            0xC2 if i + 1 < n && b[i + 1] == 0x85 => return (i, i + 2, false),
            0xE2 if i + 2 < n && b[i + 1] == 0x80 && b[i + 2] == 0xA8 => return (i, i + 3, false),
            0xE2 if i + 2 < n && b[i + 1] == 0x80 && b[i + 2] == 0xA9 => return (i, i + 3, true),
            _ => i += 1,
        }
    }
    (n, n, false)
}

/// Classifies a line (its content without surrounding blanks).
fn line_info(content: &str) -> LineInfo {
    let mut info = LineInfo::default();
    // The end: skip closers, look at the last mark.
    let core = content.trim_end_matches(|c: char| is_closer(c) || is_blank_char(c));
    let last = core.chars().next_back();
    let has_terminal_end = last.is_some_and(|c| is_terminal(c) || matches!(c, ':' | '：'));
    info.terminal = has_terminal_end;
    if let Some(c) = last {
        if matches!(
            c,
            '،' | ',' | '؛' | ';' | '-' | '–' | '—' | '(' | '«' | '“' | '[' | '/' | '&' | '+'
        ) {
            info.continues = true;
        }
    }
    // Words: count up to the limit, remember the last one.
    let mut words = 0usize;
    let mut last_word = "";
    for w in content.split(is_blank_char).filter(|w| !w.is_empty()) {
        words += 1;
        last_word = w;
        if words > HEADING_WORDS {
            break;
        }
    }
    if words <= HEADING_WORDS {
        let lw = last_word.trim_matches(|c: char| !c.is_alphanumeric());
        if CONNECTIVES
            .iter()
            .any(|k| folded_eq(lw, k) || lw.eq_ignore_ascii_case(k))
        {
            info.continues = true;
        }
        info.heading = !has_terminal_end && !info.continues;
    }
    info.bullet = is_list_item(content);
    info
}

/// Does a line open with a list marker?
fn is_list_item(content: &str) -> bool {
    let mut cs = content.char_indices();
    let Some((_, c0)) = cs.next() else {
        return false;
    };
    if is_bullet_glyph(c0) || c0 == '·' {
        return true;
    }
    let rest = &content[c0.len_utf8()..];
    if matches!(c0, '-' | '*' | '+' | '–' | '—') {
        return rest.starts_with(is_blank_char);
    }
    // `1.`, `1)`, `١-`, `(1)`, `أ)`, `ب-`
    let body = content.strip_prefix('(').unwrap_or(content);
    let mut digits = 0;
    let mut letters = 0;
    let mut end = 0;
    for (i, c) in body.char_indices() {
        match cls(c) {
            Cls::Digit => digits += 1,
            Cls::ArLetter => letters += 1,
            Cls::ArMark | Cls::Tatweel => {}
            _ => {
                end = i;
                break;
            }
        }
        end = i + c.len_utf8();
    }
    let marker = &body[..end];
    let tail = &body[end..];
    let numbered = ((1..=3).contains(&digits) && letters == 0) || (digits == 0 && letters == 1);
    if numbered && !marker.is_empty() {
        let mut t = tail.chars();
        if let Some(p) = t.next() {
            if matches!(p, '.' | ')' | '-' | '–' | ':') {
                return t.next().is_none_or(is_blank_char);
            }
        }
    }
    // Ordinal words: `أولاً:`, `ثانيا -`
    if letters > 1 && digits == 0 {
        let t = tail.trim_start_matches(is_blank_char);
        if t.starts_with([':', '-', '–', '،', '.']) && ORDINALS.iter().any(|o| folded_eq(marker, o))
        {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(s: &str) -> Vec<&str> {
        sentences(s).iter().map(|&(a, b)| &s[a..b]).collect()
    }

    #[test]
    fn simple() {
        assert_eq!(
            split("ذهب الولد. عاد الولد!"),
            vec!["ذهب الولد.", "عاد الولد!"]
        );
        assert_eq!(split(""), Vec::<&str>::new());
        assert_eq!(split("  \n\n "), Vec::<&str>::new());
    }
}
