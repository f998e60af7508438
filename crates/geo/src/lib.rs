//! Arabic gazetteer for rasd: places with their Arabic names, place linking,
//! and country names and demonyms.
//!
//! - [`gazetteer()`]: the compiled gazetteer embedded in the crate
//!   (`data/gazetteer.bin`, built by `examples/compile.rs` from the
//!   GeoNames-derived `shared/gazetteer/arabic_gazetteer.tsv`; no file is read
//!   at run time). 40,666 places (countries, ADM1 regions, cities), indexed by
//!   the [`key`] of every Arabic variant.
//! - [`Gazetteer::candidates`] and [`Gazetteer::lookup`]: the places a mention
//!   may name, trying its forms without clitics (`ببنغازي`, `وموسكو`,
//!   `لليبيا`, `في مدينة سرت`) and, as a last resort, a
//!   transliteration-tolerant skeleton.
//! - [`Gazetteer::link`]: the one place a mention names, given the countries
//!   the article talks about ([`LinkContext`]).
//! - [`country_of`]: country names and demonyms (`الروسية`, `الليبيين`,
//!   `الأميركي`) → ISO alpha-2; [`iso3`]: alpha-2 → alpha-3.
//!
//! Data: GeoNames (CC BY 4.0) and Unicode CLDR; see the crate README.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

pub mod compile;
mod country;
pub mod format;
pub mod keys;

pub use country::{country_name_en, country_of, demonym_forms, iso2, iso3};
pub use keys::{key, skeleton};

use keys::{mention_forms, Descriptor};

/// The compiled gazetteer (see [`format`](mod@format)).
pub static GAZETTEER_BIN: &[u8] = include_bytes!("../data/gazetteer.bin");

/// What a place is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PlaceKind {
    Country = 0,
    /// A first-level administrative region (GeoNames ADM1).
    Admin1 = 1,
    City = 2,
}

impl PlaceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PlaceKind::Country => "country",
            PlaceKind::Admin1 => "admin1",
            PlaceKind::City => "city",
        }
    }
}

/// One place of the gazetteer.
#[derive(Clone, Debug, PartialEq)]
pub struct Place {
    /// GeoNames id (0 for the 104 ADM1 regions the source has none for).
    pub id: u32,
    pub kind: PlaceKind,
    /// GeoNames name (`Benghazi`, `N'Djamena`, `Ţarābulus`).
    pub name_en: String,
    /// The preferred Arabic name (the first of [`Place::variants_ar`]); empty
    /// for the places the source has no Arabic name for.
    pub name_ar: String,
    /// ISO 3166-1 alpha-2 code of the country (GeoNames' code: `XK` Kosovo).
    pub country: String,
    /// Latitude in degrees (5 decimals); NaN when unknown (some ADM1 rows).
    pub lat: f64,
    /// Longitude in degrees (5 decimals); NaN when unknown.
    pub lon: f64,
    /// Population (0 when unknown, as for most ADM1 regions).
    pub population: u64,
    /// National capital.
    pub capital: bool,
    /// GeoNames feature code (`PPLC`, `PPLA`, `PPL`, `ADM1`; empty for
    /// countries and for some newer cities).
    pub feature_code: String,
    /// GeoNames admin1 code within the country (empty when unknown).
    pub admin1: String,
    /// Every Arabic spelling: the source's variants, then the curated aliases
    /// (`data/aliases.tsv`) and extra country names (`data/demonyms.tsv`).
    pub variants_ar: Vec<String>,
}

impl Place {
    /// Are the coordinates known?
    pub fn has_coords(&self) -> bool {
        self.lat.is_finite() && self.lon.is_finite()
    }
}

/// The countries an article talks about, with weights (any positive scale,
/// e.g. mention counts); used by [`Gazetteer::link`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LinkContext {
    /// (ISO alpha-2, weight). A code may appear more than once (weights add).
    pub countries: Vec<(String, f32)>,
}

impl LinkContext {
    /// An empty context.
    pub fn new() -> LinkContext {
        LinkContext::default()
    }

    /// Adds a country with a weight.
    pub fn with(mut self, alpha2: &str, weight: f32) -> LinkContext {
        self.countries.push((alpha2.to_ascii_uppercase(), weight));
        self
    }

    /// The context's weight of `alpha2` relative to its heaviest country
    /// (0 to 1).
    pub fn relative_weight(&self, alpha2: &str) -> f32 {
        let mut sums: Vec<(&str, f32)> = Vec::new();
        for (c, w) in &self.countries {
            if !w.is_finite() || *w <= 0.0 {
                continue;
            }
            match sums.iter_mut().find(|(x, _)| x.eq_ignore_ascii_case(c)) {
                Some(s) => s.1 += w,
                None => sums.push((c, *w)),
            }
        }
        let max = sums.iter().map(|s| s.1).fold(0.0f32, f32::max);
        if max <= 0.0 || !max.is_finite() {
            return 0.0;
        }
        sums.iter()
            .find(|(x, _)| x.eq_ignore_ascii_case(alpha2))
            .map_or(0.0, |s| s.1 / max)
    }
}

/// How a mention matched the index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    /// The mention's key is an index key.
    Exact,
    /// A form of the mention without clitics, prepositions or a descriptor
    /// word is.
    Stripped,
    /// Only the transliteration-tolerant skeleton ([`skeleton`]) matched.
    Fuzzy,
}

/// One place a mention may name.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit<'g> {
    pub place: &'g Place,
    /// The key is derived from a variant (article or descriptor word taken
    /// off, `الجفرة` → `جفرة`) rather than a variant itself.
    pub derived: bool,
}

/// The result of [`Gazetteer::lookup`].
#[derive(Clone, Debug, PartialEq)]
pub struct Match<'g> {
    /// The index key (or, for [`Tier::Fuzzy`], the skeleton) that matched.
    pub key: String,
    pub tier: Tier,
    /// Characters or words taken off the mention (0 for the mention itself).
    pub stripped: u8,
    /// The kind of place a descriptor word announced (`مدينة`, `محافظة`,
    /// `دولة` …), if any.
    pub hint: Option<PlaceKind>,
    /// The places, best first for an empty context (see [`Gazetteer::link`]).
    pub hits: Vec<Hit<'g>>,
}

/// FxHash-style hasher for the key index (keys are short, trusted strings).
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let v = u64::from_le_bytes(c.try_into().unwrap());
            h = (h.rotate_left(5) ^ v).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            h = (h.rotate_left(5) ^ b as u64).wrapping_mul(K);
        }
        self.0 = h;
    }

    fn write_u8(&mut self, i: u8) {
        self.write(&[i]);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// A span of [`Gazetteer::entries`].
#[derive(Clone, Copy, Debug)]
struct Slot {
    start: u32,
    len: u32,
    /// At least one entry is a variant itself (not derived).
    exact: bool,
}

/// The gazetteer: places and the key index. Get the embedded one with
/// [`gazetteer()`].
pub struct Gazetteer {
    places: Vec<Place>,
    by_id: FxMap<u32, u32>,
    index: FxMap<Box<str>, Slot>,
    /// place index << 1 | derived.
    entries: Vec<u32>,
    fuzzy: OnceLock<FxMap<Box<str>, Vec<u32>>>,
    english: OnceLock<FxMap<Box<str>, Vec<u32>>>,
}

/// The embedded gazetteer, decoded on first use (about 0.1 s).
///
/// Panics if the embedded file is corrupt (a build error: recompile it with
/// `cargo run --release -p rasd-geo --example compile`). An empty file gives
/// an empty gazetteer (only to bootstrap the compiler).
pub fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| {
        if GAZETTEER_BIN.is_empty() {
            return Gazetteer::from_raw(format::Raw {
                places: Vec::new(),
                index: Vec::new(),
            });
        }
        Gazetteer::from_bytes(GAZETTEER_BIN)
            .unwrap_or_else(|e| panic!("rasd-geo: embedded data/gazetteer.bin is corrupt: {e}"))
    })
}

fn kind_of(d: Descriptor) -> PlaceKind {
    match d {
        Descriptor::City => PlaceKind::City,
        Descriptor::Admin1 => PlaceKind::Admin1,
        Descriptor::Country => PlaceKind::Country,
    }
}

impl Gazetteer {
    /// Decodes a compiled file (see [`format`](mod@format)).
    pub fn from_bytes(bytes: &[u8]) -> Result<Gazetteer, String> {
        Ok(Gazetteer::from_raw(format::decode(bytes)?))
    }

    fn from_raw(raw: format::Raw) -> Gazetteer {
        let mut by_id = FxMap::default();
        by_id.reserve(raw.places.len());
        for (i, p) in raw.places.iter().enumerate().filter(|(_, p)| p.id != 0) {
            by_id.insert(p.id, i as u32);
        }
        let mut index = FxMap::default();
        index.reserve(raw.index.len());
        let mut entries = Vec::with_capacity(raw.index.len() * 5 / 4);
        for (k, e) in raw.index {
            let slot = Slot {
                start: entries.len() as u32,
                len: e.len() as u32,
                exact: e.iter().any(|&x| x & 1 == 0),
            };
            entries.extend_from_slice(&e);
            index.insert(k.into_boxed_str(), slot);
        }
        Gazetteer {
            places: raw.places,
            by_id,
            index,
            entries,
            fuzzy: OnceLock::new(),
            english: OnceLock::new(),
        }
    }

    /// All places, in the source's order (countries, ADM1 regions, cities).
    pub fn places(&self) -> &[Place] {
        &self.places
    }

    /// Number of places.
    pub fn len(&self) -> usize {
        self.places.len()
    }

    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    /// Number of index keys.
    pub fn key_count(&self) -> usize {
        self.index.len()
    }

    /// The place with this GeoNames id (never one with id 0).
    pub fn by_id(&self, geonameid: u32) -> Option<&Place> {
        self.by_id
            .get(&geonameid)
            .map(|&i| &self.places[i as usize])
    }

    /// The country place of an alpha-2 code.
    pub fn country(&self, alpha2: &str) -> Option<&Place> {
        self.places
            .iter()
            .find(|p| p.kind == PlaceKind::Country && p.country.eq_ignore_ascii_case(alpha2))
    }

    /// Is `key` (already a [`key`]: folded with `Folds::SEARCH`, single
    /// spaces) an Arabic name of a place, exactly as one of its variants? A
    /// hash lookup, no allocation. Derived keys (a variant without its
    /// article, `رياض` for `الرياض`) do not count; see
    /// [`Gazetteer::contains_any_key`].
    pub fn contains_key(&self, key: &str) -> bool {
        self.index.get(key).is_some_and(|s| s.exact)
    }

    /// Like [`Gazetteer::contains_key`], derived keys included.
    pub fn contains_any_key(&self, key: &str) -> bool {
        self.index.contains_key(key)
    }

    /// The places indexed under `key` (a [`key`]), with no clitic stripping.
    pub fn get_key(&self, key: &str) -> Vec<Hit<'_>> {
        match self.index.get(key) {
            Some(s) => self.entries[s.start as usize..(s.start + s.len) as usize]
                .iter()
                .map(|&e| self.hit(e))
                .collect(),
            None => Vec::new(),
        }
    }

    fn hit(&self, e: u32) -> Hit<'_> {
        Hit {
            place: &self.places[(e >> 1) as usize],
            derived: e & 1 == 1,
        }
    }

    fn fuzzy_index(&self) -> &FxMap<Box<str>, Vec<u32>> {
        self.fuzzy.get_or_init(|| {
            let mut m: FxMap<Box<str>, Vec<u32>> = FxMap::default();
            for (k, s) in &self.index {
                if k.starts_with("ال") {
                    continue;
                }
                let sk = skeleton(k);
                if sk.chars().filter(|c| *c != ' ').count() < 3 {
                    continue;
                }
                let v = m.entry(sk.into_boxed_str()).or_default();
                for &e in &self.entries[s.start as usize..(s.start + s.len) as usize] {
                    // Fuzzy hits count as derived.
                    let e = e | 1;
                    if !v.contains(&e) {
                        v.push(e);
                    }
                }
            }
            for v in m.values_mut() {
                v.sort_unstable();
            }
            m
        })
    }

    /// Looks a mention up: its [`key`], then its forms without clitics
    /// (`و ف`, `ب ل ك`, `لل`, `بال`, `وال` …), leading prepositions written
    /// apart (`في`, `من`, `إلى` …), a descriptor word (`مدينة`, `محافظة`,
    /// `دولة` …), fewest letters off first; then the same forms' skeletons
    /// ([`skeleton`]) against the skeletons of the keys, for forms of at
    /// least 5 letters without the article (transliterated foreign names
    /// vary; names with the article are native and spelled consistently, and
    /// fuzzy matching them turned `القوات` into `الكوت`). The mention's own
    /// article is kept (the index has every variant with and without its
    /// article).
    /// The first form that matches wins. Hits are sorted best first for an
    /// empty context.
    pub fn lookup(&self, mention: &str) -> Option<Match<'_>> {
        let k = key(mention);
        if k.is_empty() || k.len() > 256 {
            return None;
        }
        let forms = mention_forms(&k);
        let mut found = None;
        for f in &forms {
            if let Some(s) = self.index.get(f.key.as_str()) {
                let hits = self.entries[s.start as usize..(s.start + s.len) as usize]
                    .iter()
                    .map(|&e| self.hit(e))
                    .collect();
                found = Some(Match {
                    key: f.key.clone(),
                    tier: if f.stripped == 0 {
                        Tier::Exact
                    } else {
                        Tier::Stripped
                    },
                    stripped: f.stripped,
                    hint: f.hint.map(kind_of),
                    hits,
                });
                break;
            }
        }
        if found.is_none() && k.chars().filter(|c| *c != ' ').count() >= 5 {
            let fz = self.fuzzy_index();
            for f in forms.iter().filter(|f| !f.key.starts_with("ال")) {
                let sk = skeleton(&f.key);
                if sk.chars().filter(|c| *c != ' ').count() < 3 {
                    continue;
                }
                if let Some(v) = fz.get(sk.as_str()) {
                    found = Some(Match {
                        hits: v.iter().map(|&e| self.hit(e)).collect(),
                        key: sk,
                        tier: Tier::Fuzzy,
                        stripped: f.stripped,
                        hint: f.hint.map(kind_of),
                    });
                    break;
                }
            }
        }
        let mut m = found?;
        let empty = LinkContext::default();
        self.rank(&mut m, &empty);
        Some(m)
    }

    /// The places `mention` may name, best first for an empty context (see
    /// [`Gazetteer::lookup`] for the forms tried). Empty when nothing matches.
    pub fn candidates(&self, mention: &str) -> Vec<&Place> {
        self.lookup(mention)
            .map(|m| m.hits.into_iter().map(|h| h.place).collect())
            .unwrap_or_default()
    }

    /// The place `mention` names in an article about the countries of
    /// `context`, or None when nothing matches.
    ///
    /// Each candidate gets a score, the highest wins:
    /// - context: + 1.0 × the country's relative weight in `context`;
    /// - kind: a country + 0.9 when the mention names a country as a variant
    ///   of its own (`الجزائر` is Algeria before Algiers), a city + 0.5, an
    ///   ADM1 + 0.2; a
    ///   descriptor word (`مدينة`, `محافظة`, `دولة`) gives its kind + 2;
    /// - size: + 0.5 × log10(population + 1), + 0.2 for a national capital;
    /// - − 0.5 for a derived key (`رياض` for `الرياض`).
    ///
    /// So the context decides between namesakes of similar size (طرابلس in a
    /// Lebanon story is Tripoli LB, in a Libya story Tripoli LY; the city
    /// beats the region of the same name), while a world city still beats a
    /// namesake some 40 times smaller in the context's country (موسكو is
    /// Moscow RU even in a US story, not Mesquite TX). Ties go to the larger
    /// population, then the smaller geonameid.
    pub fn link(&self, mention: &str, context: &LinkContext) -> Option<&Place> {
        let mut m = self.lookup(mention)?;
        self.rank(&mut m, context);
        m.hits.first().map(|h| h.place)
    }

    /// Like [`Gazetteer::link`], returning the whole ranked match.
    pub fn link_match(&self, mention: &str, context: &LinkContext) -> Option<Match<'_>> {
        let mut m = self.lookup(mention)?;
        self.rank(&mut m, context);
        Some(m)
    }

    fn rank(&self, m: &mut Match<'_>, context: &LinkContext) {
        let names_country = m
            .hits
            .iter()
            .any(|h| h.place.kind == PlaceKind::Country && !h.derived);
        let hint = m.hint;
        let score = |h: &Hit| -> f64 {
            let p = h.place;
            let mut s = context.relative_weight(&p.country) as f64;
            s += match p.kind {
                PlaceKind::Country if names_country => 0.9,
                PlaceKind::Country => 0.0,
                PlaceKind::City => 0.5,
                PlaceKind::Admin1 => 0.2,
            };
            if hint == Some(p.kind) {
                s += 2.0;
            }
            s += 0.5 * ((p.population + 1) as f64).log10();
            if p.capital {
                s += 0.2;
            }
            if h.derived {
                s -= 0.5;
            }
            s
        };
        let mut scored: Vec<(f64, Hit)> = m.hits.iter().map(|h| (score(h), *h)).collect();
        scored.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then(b.1.place.population.cmp(&a.1.place.population))
                .then(a.1.place.id.cmp(&b.1.place.id))
        });
        m.hits = scored.into_iter().map(|(_, h)| h).collect();
    }

    /// Places whose English (GeoNames) name is `name`, case-insensitive, most
    /// populous first.
    pub fn find_english(&self, name: &str) -> Vec<&Place> {
        let idx = self.english.get_or_init(|| {
            let mut m: FxMap<Box<str>, Vec<u32>> = FxMap::default();
            for (i, p) in self.places.iter().enumerate() {
                m.entry(p.name_en.to_lowercase().into_boxed_str())
                    .or_default()
                    .push(i as u32);
            }
            m
        });
        let mut v: Vec<&Place> = idx
            .get(name.trim().to_lowercase().as_str())
            .map(|v| v.iter().map(|&i| &self.places[i as usize]).collect())
            .unwrap_or_default();
        v.sort_by(|a, b| b.population.cmp(&a.population).then(a.id.cmp(&b.id)));
        v
    }
}
