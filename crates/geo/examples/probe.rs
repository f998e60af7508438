//! Prints what the gazetteer makes of each argument:
//!
//! ```sh
//! cargo run --release -p rasd-geo --example probe -- طرابلس ببنغازي الروسية
//! cargo run --release -p rasd-geo --example probe -- --ctx LB طرابلس
//! ```

use rasd_geo::{country_of, gazetteer, iso3, LinkContext};

fn main() {
    let g = gazetteer();
    let mut ctx = LinkContext::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--ctx" {
            let c = args.next().unwrap_or_default();
            ctx = ctx.with(&c, 1.0);
            continue;
        }
        println!("{a}:");
        if let Some(c) = country_of(&a) {
            println!("  country_of: {c} ({})", iso3(c).unwrap_or("?"));
        }
        match g.link_match(&a, &ctx) {
            None => println!("  no place"),
            Some(m) => {
                println!(
                    "  {:?} key {:?} stripped {} hint {:?}",
                    m.tier, m.key, m.stripped, m.hint
                );
                for h in m.hits.iter().take(8) {
                    let p = h.place;
                    println!(
                        "  {:>9} {:<7} {:<24} {} {:>9} ({:.2}, {:.2}){}{} {}",
                        p.id,
                        p.kind.as_str(),
                        p.name_en,
                        p.country,
                        p.population,
                        p.lat,
                        p.lon,
                        if p.capital { " capital" } else { "" },
                        if h.derived { " derived" } else { "" },
                        p.variants_ar.join("|")
                    );
                }
            }
        }
    }
}
