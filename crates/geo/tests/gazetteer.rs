//! Lookups, linking, demonyms and the compiled file. Needs nothing outside
//! the crate, except the checks of `shared/gazetteer/gazetteer_checks.jsonl`,
//! skipped with a message when that file is absent.

use std::path::PathBuf;

use proptest::prelude::*;
use rasd_geo::{
    country_of, demonym_forms, gazetteer, iso2, iso3, key, LinkContext, PlaceKind, Tier,
};

fn first(mention: &str) -> &'static rasd_geo::Place {
    gazetteer()
        .candidates(mention)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no candidate for {mention}"))
}

fn link(mention: &str, ctx: &LinkContext) -> &'static rasd_geo::Place {
    gazetteer()
        .link(mention, ctx)
        .unwrap_or_else(|| panic!("no link for {mention}"))
}

#[test]
fn loads() {
    let g = gazetteer();
    assert_eq!(g.len(), 40_666);
    assert_eq!(
        g.places()
            .iter()
            .filter(|p| p.kind == PlaceKind::Country)
            .count(),
        252
    );
    assert!(g.key_count() > 15_000);
    let size = rasd_geo::GAZETTEER_BIN.len();
    assert!(size <= 5 << 20, "gazetteer.bin is {size} bytes");
}

#[test]
fn benghazi() {
    let p = first("بنغازي");
    assert_eq!(p.name_en, "Benghazi");
    assert_eq!(p.id, 88319);
    assert_eq!(p.country, "LY");
    assert_eq!(p.kind, PlaceKind::City);
    assert!((p.lat - 32.1).abs() < 0.1, "{}", p.lat);
    assert!((p.lon - 20.1).abs() < 0.1, "{}", p.lon);
    assert!(p.population > 500_000);
}

#[test]
fn niamey_ndjamena_moscow() {
    assert_eq!(first("نيامي").name_en, "Niamey");
    assert_eq!(first("نيامي").country, "NE");
    for m in ["أنجامينا", "نجامينا", "انجمينا", "إنجامينا"] {
        let p = first(m);
        assert_eq!(
            (p.name_en.as_str(), p.country.as_str()),
            ("N'Djamena", "TD"),
            "{m}"
        );
        assert!(p.capital);
    }
    let p = link("موسكو", &LinkContext::new());
    assert_eq!((p.name_en.as_str(), p.country.as_str()), ("Moscow", "RU"));
    // Even in a story about the United States (Mesquite, TX is a GeoNames
    // error under موسكو), Moscow the capital wins.
    let p = link("موسكو", &LinkContext::new().with("US", 1.0));
    assert_eq!(p.country, "RU");
}

#[test]
fn tripoli_by_context() {
    let ly = link("طرابلس", &LinkContext::new().with("LY", 2.0));
    assert_eq!(
        (ly.id, ly.country.as_str(), ly.kind),
        (2210247, "LY", PlaceKind::City)
    );
    let lb = link("طرابلس", &LinkContext::new().with("LB", 2.0));
    assert_eq!((lb.id, lb.country.as_str()), (266826, "LB"));
    // Mixed context: the heavier country.
    let mixed = LinkContext::new().with("LB", 5.0).with("LY", 1.0);
    assert_eq!(link("طرابلس", &mixed).country, "LB");
    // No context: the larger city.
    assert_eq!(link("طرابلس", &LinkContext::new()).country, "LY");
    // With clitics and context.
    assert_eq!(
        link("وطرابلس", &LinkContext::new().with("LB", 1.0)).country,
        "LB"
    );
}

#[test]
fn clitics() {
    let g = gazetteer();
    for (m, en) in [
        ("ببنغازي", "Benghazi"),
        ("وموسكو", "Moscow"),
        ("لليبيا", "Libya"),
        ("بالقاهرة", "Cairo"),
        ("للقاهرة", "Cairo"),
        ("والقاهرة", "Cairo"),
        ("وبنغازي", "Benghazi"),
        ("فموسكو", "Moscow"),
        ("في ليبيا", "Libya"),
        ("في مدينة سرت", "Sirte"),
        ("وتشاد", "Chad"),
        ("بالنيجر", "Niger"),
    ] {
        let m2 = g.lookup(m).unwrap_or_else(|| panic!("no match for {m}"));
        assert_eq!(m2.tier, Tier::Stripped, "{m}");
        assert_eq!(m2.hits[0].place.name_en, en, "{m}");
    }
    // The whole word wins over a stripped form: بنغازي starts with ب.
    assert_eq!(g.lookup("بنغازي").unwrap().tier, Tier::Exact);
    assert_eq!(g.lookup("لبنان").unwrap().hits[0].place.name_en, "Lebanon");
}

#[test]
fn kinds() {
    let ctx = LinkContext::new().with("LY", 1.0);
    // City before the ADM1 region of the same name.
    assert_eq!(link("بنغازي", &ctx).kind, PlaceKind::City);
    assert_eq!(link("سرت", &ctx).kind, PlaceKind::City);
    // A descriptor word asks for the region.
    assert_eq!(link("محافظة طرابلس", &ctx).kind, PlaceKind::Admin1);
    // Country names: the country.
    for (m, cc) in [
        ("ليبيا", "LY"),
        ("تشاد", "TD"),
        ("النيجر", "NE"),
        ("روسيا", "RU"),
        ("الجزائر", "DZ"),
    ] {
        let p = link(m, &LinkContext::new());
        assert_eq!(
            (p.kind, p.country.as_str()),
            (PlaceKind::Country, cc),
            "{m}"
        );
    }
    // Amman vs Oman: the context decides.
    assert_eq!(link("عمان", &LinkContext::new()).country, "OM");
    let amman = link("عمان", &LinkContext::new().with("JO", 1.0));
    assert_eq!(
        (amman.country.as_str(), amman.kind),
        ("JO", PlaceKind::City)
    );
}

#[test]
fn saint_petersburg_aliases() {
    for m in ["سانت بطرسبرغ", "سان بطرسبورغ", "بطرسبورغ", "بطرسبرغ"]
    {
        assert_eq!(first(m).id, 498817, "{m}");
    }
}

#[test]
fn fuzzy_tier() {
    let g = gazetteer();
    let m = g.lookup("انجامينه").expect("fuzzy N'Djamena");
    assert_eq!(m.tier, Tier::Fuzzy);
    assert_eq!(m.hits[0].place.id, 2427123);
    assert!(g.lookup("قال").is_none());
    assert!(g.lookup("").is_none());
}

#[test]
fn contains_key_is_exact() {
    let g = gazetteer();
    assert!(g.contains_key(&key("بنغازي")));
    assert!(g.contains_key(&key("القاهرة")));
    assert!(g.contains_key("القاهره"));
    assert!(!g.contains_key("القاهرة"), "keys are folded");
    assert!(!g.contains_key(&key("الحكومة")));
    // Derived keys only with contains_any_key.
    assert!(!g.contains_key("جفره"));
    assert!(g.contains_any_key("جفره"));
}

#[test]
fn by_id_and_english() {
    let g = gazetteer();
    assert_eq!(g.by_id(2215636).unwrap().name_en, "Libya");
    assert_eq!(g.country("td").unwrap().id, 2434508);
    assert_eq!(g.find_english("tripoli")[0].country, "LY");
    assert!(g.by_id(0).is_none());
}

#[test]
fn demonyms() {
    for (w, cc) in [
        ("الروسية", "RU"),
        ("روسي", "RU"),
        ("الروسي", "RU"),
        ("روس", "RU"),
        ("الروس", "RU"),
        ("الليبي", "LY"),
        ("ليبي", "LY"),
        ("الليبية", "LY"),
        ("الليبيين", "LY"),
        ("التشادي", "TD"),
        ("التشادية", "TD"),
        ("النيجري", "NE"),
        ("النيجرية", "NE"),
        ("النيجيري", "NG"),
        ("النيجر", "NE"),
        ("الأمريكية", "US"),
        ("الأميركي", "US"),
        ("الأميركية", "US"),
        ("أمريكي", "US"),
        ("الأمريكان", "US"),
        ("المصري", "EG"),
        ("السعودي", "SA"),
        ("الإسرائيلي", "IL"),
        ("الأوكراني", "UA"),
        ("التركي", "TR"),
        ("الأتراك", "TR"),
        ("الإيراني", "IR"),
        ("السوري", "SY"),
        ("العراقي", "IQ"),
        ("الإنجليزي", "GB"),
        ("البريطانية", "GB"),
        ("الألماني", "DE"),
        ("الألمان", "DE"),
        ("الفرنسي", "FR"),
        ("الكورية الجنوبية", "KR"),
        ("روسيا", "RU"),
        ("ليبيا", "LY"),
        ("الولايات المتحدة", "US"),
        ("أمريكا", "US"),
        ("وروسيا", "RU"),
        ("لليبيا", "LY"),
        ("بالروسية", "RU"),
        ("والليبيين", "LY"),
        ("مالي", "ML"),
        ("جزر القمر", "KM"),
    ] {
        assert_eq!(country_of(w), Some(cc), "{w}");
    }
    for w in ["المالية", "القمري", "العربي", "الحكومة", "قال", ""] {
        assert_eq!(country_of(w), None, "{w}");
    }
}

#[test]
fn demonym_table_consistent_and_large() {
    let mut seen = std::collections::HashMap::new();
    let mut codes = std::collections::BTreeSet::new();
    for (form, cc) in demonym_forms() {
        assert!(iso3(cc).is_some(), "{cc}");
        codes.insert(cc);
        if let Some(prev) = seen.insert(key(&form), cc) {
            assert_eq!(prev, cc, "{form} maps to two countries");
        }
    }
    assert!(codes.len() >= 120, "{} countries", codes.len());
}

#[test]
fn iso_codes() {
    for (a2, a3) in [
        ("RU", "RUS"),
        ("LY", "LBY"),
        ("US", "USA"),
        ("TD", "TCD"),
        ("NE", "NER"),
        ("LB", "LBN"),
        ("XK", "XKX"),
        ("gb", "GBR"),
    ] {
        assert_eq!(iso3(a2), Some(a3));
    }
    assert_eq!(iso2("USA"), Some("US"));
    assert_eq!(iso3("ZZ"), None);
    // Every country of the gazetteer has an alpha-3 code.
    for p in gazetteer()
        .places()
        .iter()
        .filter(|p| p.kind == PlaceKind::Country)
    {
        assert!(iso3(&p.country).is_some(), "{}", p.country);
    }
}

#[test]
fn compiled_file_roundtrips() {
    let g = gazetteer();
    let places = g.places().to_vec();
    let mut index: Vec<(String, Vec<u32>)> = Vec::new();
    // Rebuild the index from the decoded file and re-encode: same bytes.
    let raw = rasd_geo::format::decode(rasd_geo::GAZETTEER_BIN).unwrap();
    index.extend(raw.index);
    assert_eq!(raw.places.len(), places.len());
    let bytes = rasd_geo::format::encode(&places, &index);
    assert_eq!(
        bytes,
        rasd_geo::GAZETTEER_BIN,
        "encode(decode(file)) differs"
    );
}

fn shared(rel: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(rel);
    if p.exists() {
        Some(p)
    } else {
        println!("skipped: {} not found", p.display());
        None
    }
}

/// Every line of gazetteer_checks.jsonl: the intended place is the first
/// candidate (with the place's country as context when the check's first
/// listed candidate is not the population winner).
#[test]
fn gazetteer_checks() {
    let Some(path) = shared("gazetteer/gazetteer_checks.jsonl") else {
        return;
    };
    let text = std::fs::read_to_string(path).unwrap();
    let g = gazetteer();
    let mut n = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let q = v["query"].as_str().unwrap();
        let expected = v["expected_geonameid"].as_str().unwrap();
        let target = v["target"].as_str().unwrap();
        let cands = g.candidates(q);
        assert!(!cands.is_empty(), "{q} ({target}): no candidate");
        let want: u32 = if expected.is_empty() {
            // No expected id: the check's first candidate.
            let c = v["candidates"][0].as_str().unwrap();
            c.split(':').next().unwrap().parse().unwrap()
        } else {
            expected.parse().unwrap()
        };
        let got = cands[0];
        assert_eq!(
            got.id, want,
            "{q} ({target}): got {} {}",
            got.name_en, got.country
        );
        // And the same with the place's own country as context.
        let ctx = LinkContext::new().with(&got.country, 1.0);
        assert_eq!(g.link(q, &ctx).unwrap().id, want, "{q} with context");
        n += 1;
    }
    println!("{n} gazetteer checks passed");
    assert!(n >= 20);
}

proptest! {
    #[test]
    fn no_panic_on_any_string(s in "\\PC{0,40}") {
        let g = gazetteer();
        let _ = g.candidates(&s);
        let _ = g.link(&s, &LinkContext::new().with("LY", 1.0));
        let _ = g.contains_key(&s);
        let _ = country_of(&s);
        let _ = iso3(&s);
    }

    #[test]
    fn no_panic_on_arabic(s in "[\u{0600}-\u{06FF} ]{0,30}") {
        let g = gazetteer();
        let _ = g.candidates(&s);
        let _ = g.link(&s, &LinkContext::new());
        let _ = country_of(&s);
    }

    #[test]
    fn no_panic_on_any_bytes(b in proptest::collection::vec(any::<u8>(), 0..64)) {
        let s = String::from_utf8_lossy(&b);
        let _ = gazetteer().candidates(&s);
        let _ = rasd_geo::format::decode(&b);
    }
}
