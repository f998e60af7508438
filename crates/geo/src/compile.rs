//! Compiles the source gazetteer TSV (plus the curated aliases and the country
//! names of the demonym table) into the file format of [`crate::format`].
//! Used by `examples/compile.rs`.

use std::collections::{BTreeMap, HashMap};

use crate::keys::{derived_keys, key};
use crate::{format, Place, PlaceKind};

/// What [`compile`] produced.
pub struct Compiled {
    /// The file contents.
    pub bytes: Vec<u8>,
    pub places: usize,
    /// Places with at least one Arabic variant.
    pub with_arabic: usize,
    pub variants: usize,
    pub keys: usize,
    pub entries: usize,
    /// Keys with more than one place.
    pub ambiguous_keys: usize,
    pub aliases_added: usize,
    pub variants_removed: usize,
}

fn is_arabic_name(s: &str) -> bool {
    s.chars().any(rasd_text::is_arabic_letter) && s.chars().all(|c| !c.is_ascii_alphanumeric())
}

/// Compiles `gazetteer_tsv` (the columns of
/// `shared/gazetteer/arabic_gazetteer.tsv`, found by their header names),
/// `aliases_tsv` (`data/aliases.tsv`) and `demonyms_tsv`
/// (`data/demonyms.tsv`, whose `names` column adds country names).
pub fn compile(
    gazetteer_tsv: &str,
    aliases_tsv: &str,
    demonyms_tsv: &str,
) -> Result<Compiled, String> {
    let mut lines = gazetteer_tsv.lines();
    let header: Vec<&str> = lines.next().ok_or("empty gazetteer")?.split('\t').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .ok_or_else(|| format!("gazetteer has no column {name:?}"))
    };
    let c_id = col("geonameid")?;
    let c_kind = col("kind")?;
    let c_name = col("name")?;
    let c_cc = col("country_code")?;
    let c_fcode = col("feature_code")?;
    let c_adm1 = col("admin1_code")?;
    let c_pop = col("population")?;
    let c_lat = col("latitude")?;
    let c_lon = col("longitude")?;
    let c_cap = col("is_capital")?;
    let c_var = col("ar_variants")?;

    let mut places: Vec<Place> = Vec::with_capacity(41_000);
    for (ln, line) in lines.enumerate() {
        if line.is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let get = |c: usize| f.get(c).copied().unwrap_or("");
        let err = |what: &str| format!("gazetteer line {}: bad {what}", ln + 2);
        let kind = match get(c_kind) {
            "country" => PlaceKind::Country,
            "admin1" => PlaceKind::Admin1,
            "city" => PlaceKind::City,
            _ => return Err(err("kind")),
        };
        let coord = |c: usize| -> Result<f64, String> {
            let s = get(c);
            if s.is_empty() {
                Ok(f64::NAN)
            } else {
                s.parse().map_err(|_| err("coordinate"))
            }
        };
        let (lat, lon) = (coord(c_lat)?, coord(c_lon)?);
        let pop = get(c_pop);
        let population = if pop.is_empty() {
            0
        } else {
            pop.parse::<f64>().map_err(|_| err("population"))? as u64
        };
        let mut variants_ar: Vec<String> = Vec::new();
        for v in get(c_var).split('|') {
            let v = v.trim();
            if !v.is_empty() && !variants_ar.iter().any(|x| x == v) {
                variants_ar.push(v.to_string());
            }
        }
        places.push(Place {
            // 104 ADM1 rows have no geonameid: kept with id 0.
            id: match get(c_id) {
                "" => 0,
                s => s.parse().map_err(|_| err("geonameid"))?,
            },
            kind,
            name_en: get(c_name).to_string(),
            name_ar: String::new(),
            country: get(c_cc).to_string(),
            lat,
            lon,
            population,
            capital: get(c_cap) == "1",
            feature_code: get(c_fcode).to_string(),
            admin1: get(c_adm1).to_string(),
            variants_ar,
        });
    }
    let by_id: HashMap<u32, usize> = places
        .iter()
        .enumerate()
        .filter(|(_, p)| p.id != 0)
        .map(|(i, p)| (p.id, i))
        .collect();
    if by_id.len() != places.iter().filter(|p| p.id != 0).count() {
        return Err("duplicate geonameid in the gazetteer".into());
    }

    // Curated aliases and removals.
    let (mut aliases_added, mut variants_removed) = (0, 0);
    for (ln, line) in aliases_tsv.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let err = |what: &str| format!("aliases line {}: {what}", ln + 1);
        if f.len() < 2 {
            return Err(err("expected `alias<TAB>geonameid`"));
        }
        let id: u32 = f[1].trim().parse().map_err(|_| err("bad geonameid"))?;
        let &i = by_id.get(&id).ok_or_else(|| err("unknown geonameid"))?;
        let vars = &mut places[i].variants_ar;
        if let Some(v) = f[0].strip_prefix('-') {
            let before = vars.len();
            vars.retain(|x| x != v);
            if vars.len() == before {
                return Err(err("variant to remove not found"));
            }
            variants_removed += 1;
        } else {
            let v = f[0].trim();
            if !is_arabic_name(v) {
                return Err(err("alias is not an Arabic name"));
            }
            if !vars.iter().any(|x| x == v) {
                vars.push(v.to_string());
                aliases_added += 1;
            }
        }
    }
    // Country names from the demonym table.
    let country_idx: HashMap<String, usize> = places
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind == PlaceKind::Country)
        .map(|(i, p)| (p.country.clone(), i))
        .collect();
    for line in demonyms_tsv.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let Some(&i) = country_idx.get(f[0]) else {
            return Err(format!("demonyms: no country {}", f[0]));
        };
        for n in f.get(1).copied().unwrap_or("").split('|') {
            let n = n.trim();
            if !n.is_empty() && !places[i].variants_ar.iter().any(|x| x == n) {
                places[i].variants_ar.push(n.to_string());
                aliases_added += 1;
            }
        }
    }
    for p in &mut places {
        p.name_ar = p.variants_ar.first().cloned().unwrap_or_default();
    }

    // The index: key -> place index -> derived?
    let mut index: BTreeMap<String, BTreeMap<u32, bool>> = BTreeMap::new();
    for (i, p) in places.iter().enumerate() {
        let i = i as u32;
        for v in &p.variants_ar {
            let k = key(v);
            if k.is_empty() {
                continue;
            }
            for d in derived_keys(v, &k) {
                index.entry(d).or_default().entry(i).or_insert(true);
            }
            index.entry(k).or_default().insert(i, false);
        }
    }
    let index: Vec<(String, Vec<u32>)> = index
        .into_iter()
        .map(|(k, m)| (k, m.into_iter().map(|(i, d)| i << 1 | d as u32).collect()))
        .collect();
    let bytes = format::encode(&places, &index);
    Ok(Compiled {
        bytes,
        places: places.len(),
        with_arabic: places.iter().filter(|p| !p.variants_ar.is_empty()).count(),
        variants: places.iter().map(|p| p.variants_ar.len()).sum(),
        keys: index.len(),
        entries: index.iter().map(|(_, e)| e.len()).sum(),
        ambiguous_keys: index.iter().filter(|(_, e)| e.len() > 1).count(),
        aliases_added,
        variants_removed,
    })
}
