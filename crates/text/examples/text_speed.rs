//! Throughput of the text core on ~20 MB of generated pseudo-Arabic news text.
//!
//! `cargo run --release -p rasd-text --example text_speed [MB]`
//!
//! Prints MB/s (of original text, on one core) for normalization, folding,
//! tokenization and sentence splitting. The text comes from a fixed seed, so
//! runs are comparable; it is invented, letter soup with news-like structure
//! (articles, diacritics now and then, numbers in two scripts, punctuation,
//! quotes, paragraphs, a few Latin words, URLs and hashtags).

use std::hint::black_box;
use std::time::Instant;

use rasd_text::{fold_into, normalize, sentences, tokenize, Folds};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const LETTERS: &[char] = &[
    'ا', 'ب', 'ت', 'ث', 'ج', 'ح', 'خ', 'د', 'ذ', 'ر', 'ز', 'س', 'ش', 'ص', 'ض', 'ط', 'ظ', 'ع', 'غ',
    'ف', 'ق', 'ك', 'ل', 'م', 'ن', 'ه', 'و', 'ي', 'أ', 'إ', 'ة', 'ى', 'ء', 'ؤ', 'ئ', 'آ', 'ا', 'ل',
    'م', 'ن', 'ي', 'و', 'ر', 'ت',
];
const MARKS: &[char] = &[
    '\u{064E}', '\u{064F}', '\u{0650}', '\u{0651}', '\u{0652}', '\u{064B}',
];
const LATIN: &[&str] = &["Reuters", "AFP", "UN", "COVID-19", "Dr.", "G20", "NATO"];

fn word(r: &mut Rng, out: &mut String) {
    if r.chance(30) {
        out.push_str("ال");
    } else if r.chance(12) {
        out.push('و');
    }
    let len = 2 + r.below(5);
    for _ in 0..len {
        out.push(LETTERS[r.below(LETTERS.len())]);
        if r.chance(3) {
            out.push(MARKS[r.below(MARKS.len())]);
        }
    }
    if r.chance(2) {
        out.push_str("اً");
    }
}

fn number(r: &mut Rng, out: &mut String) {
    let arabic_indic = r.chance(25);
    let digits = 1 + r.below(4);
    for k in 0..digits {
        let d = r.below(10) as u32;
        let c = if arabic_indic {
            char::from_u32(0x0660 + d).unwrap()
        } else {
            char::from_digit(d, 10).unwrap()
        };
        out.push(c);
        if k == 0 && digits > 1 && r.chance(10) {
            out.push(if arabic_indic { '٫' } else { '.' });
        }
    }
    if r.chance(10) {
        out.push('%');
    }
}

fn generate(bytes: usize, seed: u64) -> String {
    let mut r = Rng(seed);
    let mut out = String::with_capacity(bytes + 4096);
    while out.len() < bytes {
        // One paragraph of 1–5 sentences.
        let sentences = 1 + r.below(5);
        for s in 0..sentences {
            if s > 0 {
                out.push(' ');
            }
            let quoted = r.chance(10);
            let words = 6 + r.below(20);
            for w in 0..words {
                if w > 0 {
                    out.push(' ');
                }
                if quoted && w == 2 {
                    out.push_str("قال: «");
                }
                match r.below(100) {
                    0..=5 => number(&mut r, &mut out),
                    6 => out.push_str(LATIN[r.below(LATIN.len())]),
                    7 if r.chance(20) => out.push_str("https://example.org/news/2024"),
                    8 if r.chance(20) => out.push_str("#وسم_تجريبي"),
                    _ => word(&mut r, &mut out),
                }
                if w + 1 < words && r.chance(8) {
                    out.push('،');
                }
            }
            if quoted {
                out.push('»');
            }
            out.push(match r.below(10) {
                0 => '؟',
                1 => '!',
                _ => '.',
            });
        }
        out.push_str(if r.chance(15) { "\n" } else { "\n\n" });
    }
    out
}

fn measure(name: &str, text: &str, mut f: impl FnMut(&str) -> usize) {
    let mut best = f64::INFINITY;
    let mut items = 0;
    for _ in 0..3 {
        let t = Instant::now();
        items = black_box(f(black_box(text)));
        best = best.min(t.elapsed().as_secs_f64());
    }
    let mb = text.len() as f64 / 1e6;
    println!(
        "{name:<28} {:>8.1} MB/s  ({items} items, {:.3} s)",
        mb / best,
        best
    );
}

fn main() {
    let mb: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let text = generate(mb * 1_000_000, 0x5EED_7A5D);
    println!(
        "text: {:.1} MB, {} chars, {} lines",
        text.len() as f64 / 1e6,
        text.chars().count(),
        text.lines().count()
    );
    measure("normalize(MODEL)", &text, |t| {
        normalize(t, &Folds::MODEL).table_len()
    });
    measure("normalize(SEARCH)", &text, |t| {
        normalize(t, &Folds::SEARCH).table_len()
    });
    measure("normalize(MINIMAL)", &text, |t| {
        normalize(t, &Folds::MINIMAL).table_len()
    });
    measure("fold_into(SEARCH)", &text, |t| {
        let mut s = String::with_capacity(t.len());
        fold_into(t, &Folds::SEARCH, &mut s);
        s.len()
    });
    measure("tokenize", &text, |t| tokenize(t).len());
    measure("sentences", &text, |t| sentences(t).len());
    measure("tokenize + sentences", &text, |t| {
        tokenize(t).len() + sentences(t).len()
    });
    let n = normalize(&text, &Folds::MODEL);
    println!(
        "offset table (MODEL): {} entries, {:.2} bytes per original byte",
        n.table_len(),
        (n.table_len() * 8) as f64 / text.len() as f64
    );
}
