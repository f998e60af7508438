//! Lookup speed of the embedded gazetteer:
//!
//! ```sh
//! cargo run --release -p rasd-geo --example speed
//! ```
//!
//! Prints the load time, then lookups per second for `contains_key`,
//! `candidates` and `link` over a mix of place names, clitic forms,
//! demonyms, misspellings and ordinary words, and for `country_of`.

use std::hint::black_box;
use std::time::Instant;

use rasd_geo::{country_of, gazetteer, key, LinkContext};

const WORDS: &[&str] = &[
    "بنغازي",
    "طرابلس",
    "موسكو",
    "ببنغازي",
    "وموسكو",
    "لليبيا",
    "أنجامينا",
    "نيامي",
    "القاهرة",
    "بالقاهرة",
    "سان بطرسبورغ",
    "في مدينة سرت",
    "الروسية",
    "الليبيين",
    "الأميركي",
    "وزير",
    "الخارجية",
    "قال",
    "الحكومة",
    "المتحدث",
    "باسم",
    "الجيش",
    "اليوم",
    "مصراتة",
    "درنة",
    "الكفرة",
    "واشنطن",
    "كييف",
    "خاركيف",
    "تشاد",
    "النيجر",
    "انجمينه",
    "زابوروجيا",
    "اجتماع",
];

fn rate(name: &str, n: usize, f: impl Fn(&str) -> usize) {
    let t = Instant::now();
    let mut sum = 0usize;
    for i in 0..n {
        sum += f(black_box(WORDS[i % WORDS.len()]));
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "{name:>22}: {:>12.0} lookups/s ({n} in {s:.3} s; {sum})",
        n as f64 / s
    );
}

fn main() {
    let t = Instant::now();
    let g = gazetteer();
    println!(
        "load: {:.3} s ({} places, {} keys)",
        t.elapsed().as_secs_f64(),
        g.len(),
        g.key_count()
    );
    let t = Instant::now();
    let _ = g.candidates("انجمينه");
    println!(
        "fuzzy index (first fuzzy lookup): {:.3} s",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let _ = country_of("الروسية");
    println!("country table: {:.3} s", t.elapsed().as_secs_f64());
    let keys: Vec<String> = WORDS.iter().map(|w| key(w)).collect();
    let t = Instant::now();
    let n = 4_000_000;
    let mut hits = 0;
    for i in 0..n {
        hits += g.contains_key(black_box(&keys[i % keys.len()])) as usize;
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "{:>22}: {:>12.0} lookups/s ({n} in {s:.3} s; {hits})",
        "contains_key (folded)",
        n as f64 / s
    );
    rate("key + contains_key", 1_000_000, |w| {
        g.contains_key(&key(w)) as usize
    });
    rate("candidates", 500_000, |w| g.candidates(w).len());
    let ctx = LinkContext::new().with("LY", 3.0).with("RU", 1.0);
    rate("link", 500_000, |w| {
        g.link(w, &ctx).map_or(0, |p| p.id as usize)
    });
    rate("country_of", 1_000_000, |w| {
        country_of(w).map_or(0, |c| c.len())
    });
}
