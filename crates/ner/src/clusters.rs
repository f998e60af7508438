//! Unsupervised word clusters learned with the exchange algorithm (Kneser &
//! Ney 1993; Martin, Liermann & Ney 1998) on a class-bigram model.
//!
//! Words are clustered at several granularities (by default 64, 256 and
//! 1024 classes), each run independently; the NER features use the class of a
//! word at every granularity, as Brown-cluster bit-string prefixes would be
//! used. The file format is a TSV:
//!
//! ```text
//! #rasd-clusters\t64\t256\t1024
//! word\tc64\tc256\tc1024
//! ```
//!
//! Words are keys produced by [`crate::norm`] (the training corpus is folded
//! the same way).

use std::collections::HashMap;

/// The hash maps of word keys: foldhash (a fixed seed), several times faster
/// than the default SipHash on these short keys, which are looked up for
/// every word that NER and event coding read (the keys are the corpus's own
/// words, not an attacker's).
type WordMap<V> = HashMap<String, V, foldhash::fast::FixedState>;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

use rayon::prelude::*;

use crate::Error;

/// Word → class ids, one per granularity.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Clusters {
    /// Number of classes of each granularity (coarse to fine).
    pub levels: Vec<u32>,
    map: WordMap<Vec<u16>>,
    /// Stem statistics: `[frequency bucket, article bucket]` (see
    /// [`Clusters::stats`]).
    stats: WordMap<[u8; 2]>,
    /// Stem context statistics: how often the stem follows a person,
    /// place and organization trigger word (see [`Clusters::context`]).
    ctx: WordMap<[u8; 3]>,
}

/// Options of [`build_clusters`].
#[derive(Clone, Debug)]
pub struct ClusterOptions {
    /// Class counts, one clustering each.
    pub levels: Vec<u32>,
    /// Words seen fewer times are not clustered.
    pub min_count: u32,
    /// At most this many words (the most frequent) are clustered.
    pub max_vocab: usize,
    /// Exchange iterations (passes over the vocabulary).
    pub iterations: usize,
    /// Seed of the order in which words are visited.
    pub seed: u64,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        ClusterOptions {
            levels: vec![64, 256, 1024],
            min_count: 5,
            max_vocab: 80_000,
            iterations: 12,
            seed: 1,
        }
    }
}

const UNK: &str = "<unk>";
pub(crate) const BOUNDARY: &str = "</s>";

impl Clusters {
    /// Class ids of `word` (already a [`crate::norm`] key), coarse to fine.
    pub fn get(&self, word: &str) -> Option<&[u16]> {
        self.map.get(word).map(|v| v.as_slice())
    }

    /// Number of clustered words.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// No words at all?
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Builds from explicit entries (tests, toy models).
    pub fn from_entries(
        levels: Vec<u32>,
        entries: impl IntoIterator<Item = (String, Vec<u16>)>,
    ) -> Clusters {
        let map = entries
            .into_iter()
            .filter(|(_, ids)| ids.len() == levels.len())
            .collect();
        Clusters {
            levels,
            map,
            stats: WordMap::default(),
            ctx: WordMap::default(),
        }
    }

    /// Context statistics of a stem: for the trigger types person, place and
    /// organization (the `TRIGGERS` of the features, e.g. `وزير`, `مدينة`,
    /// `نادي`), a bucket of how often one of the two words before the stem
    /// is such a trigger in the corpus: 0 never, 1 under 2% of its
    /// occurrences, 2 under 10%, 3 more. Only stems seen at least 3 times
    /// with some trigger have them (a corpus-wide, unsupervised gazetteer).
    pub fn context(&self, stem: &str) -> Option<[u8; 3]> {
        self.ctx.get(stem).copied()
    }

    /// Sets the context statistics of a stem (tests, toy models).
    pub fn set_context(&mut self, stem: &str, buckets: [u8; 3]) {
        self.ctx.insert(stem.to_string(), buckets.map(|b| b.min(3)));
    }

    /// Context statistics sorted by stem.
    pub fn sorted_context(&self) -> Vec<(&str, [u8; 3])> {
        let mut v: Vec<(&str, [u8; 3])> = self.ctx.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        v.sort_unstable_by(|a, b| a.0.cmp(b.0));
        v
    }

    /// Recomputes the stem and context statistics from raw texts, keeping
    /// the clusters (the same statistics as [`build_clusters`] computes).
    pub fn recompute_stats(&mut self, texts: &[String]) {
        let (words, counts, seq) = tokenize_corpus(texts);
        self.stats = stem_stats(&words, &counts);
        self.ctx = context_stats(&words, &seq);
    }

    /// Corpus statistics of a stem (a [`crate::norm`] key with its clitics
    /// removed): `[b, a]` where `b = min(15, ⌊log2 n⌋)` for the `n` tokens
    /// with this stem, and `a` is 0 if none of them has the article `ال`,
    /// 1 if under 10%, 2 if under 50%, 3 otherwise. Stems seen fewer than 3
    /// times have none. Proper names rarely take the article.
    pub fn stats(&self, stem: &str) -> Option<[u8; 2]> {
        self.stats.get(stem).copied()
    }

    /// Sets the statistics of a stem (tests, toy models).
    pub fn set_stats(&mut self, stem: &str, freq_bucket: u8, article_bucket: u8) {
        self.stats.insert(
            stem.to_string(),
            [freq_bucket.min(15), article_bucket.min(3)],
        );
    }

    /// Stem statistics sorted by stem.
    pub fn sorted_stats(&self) -> Vec<(&str, [u8; 2])> {
        let mut v: Vec<(&str, [u8; 2])> =
            self.stats.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        v.sort_unstable_by(|a, b| a.0.cmp(b.0));
        v
    }

    /// Entries sorted by word (deterministic order for serialization).
    pub fn sorted_entries(&self) -> Vec<(&str, &[u16])> {
        let mut v: Vec<(&str, &[u16])> = self
            .map
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_slice()))
            .collect();
        v.sort_unstable_by(|a, b| a.0.cmp(b.0));
        v
    }

    /// Reads the TSV format written by [`Clusters::save`].
    pub fn load(r: impl Read) -> Result<Clusters, Error> {
        let r = BufReader::new(r);
        let mut levels = None;
        let mut map = WordMap::default();
        let mut stats = WordMap::default();
        let mut ctx = WordMap::default();
        let mut in_stats = false;
        let mut in_ctx = false;
        for (i, line) in r.lines().enumerate() {
            let lineno = i + 1;
            let line = line.map_err(|e| Error::Format(format!("clusters line {lineno}: {e}")))?;
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                continue;
            }
            if line == "#rasd-stats" {
                in_stats = true;
                continue;
            }
            if line == "#rasd-context" {
                in_ctx = true;
                continue;
            }
            if in_ctx {
                let mut parts = line.split('\t');
                let word = parts.next().unwrap_or_default();
                let v: Vec<u8> = parts.filter_map(|s| s.trim().parse().ok()).collect();
                if word.is_empty() || v.len() != 3 || v.iter().any(|&b| b > 3) {
                    return Err(Error::Format(format!(
                        "clusters line {lineno}: expected a stem and three buckets"
                    )));
                }
                ctx.insert(word.to_string(), [v[0], v[1], v[2]]);
                continue;
            }
            if in_stats {
                let mut parts = line.split('\t');
                let word = parts.next().unwrap_or_default();
                let v: Vec<u8> = parts.filter_map(|s| s.trim().parse().ok()).collect();
                if word.is_empty() || v.len() != 2 || v[0] > 15 || v[1] > 3 {
                    return Err(Error::Format(format!(
                        "clusters line {lineno}: expected a stem and two buckets"
                    )));
                }
                stats.insert(word.to_string(), [v[0], v[1]]);
                continue;
            }
            if let Some(rest) = line.strip_prefix("#rasd-clusters") {
                let ls: Result<Vec<u32>, _> = rest
                    .split('\t')
                    .filter(|s| !s.is_empty())
                    .map(|s| s.parse())
                    .collect();
                let ls =
                    ls.map_err(|_| Error::Format(format!("clusters line {lineno}: bad header")))?;
                if ls.is_empty() || ls.iter().any(|&k| k == 0 || k > 65_536) {
                    return Err(Error::Format(format!("clusters line {lineno}: bad header")));
                }
                levels = Some(ls);
                continue;
            }
            let Some(ls) = &levels else {
                return Err(Error::Format(format!(
                    "clusters line {lineno}: missing #rasd-clusters header"
                )));
            };
            let mut parts = line.split('\t');
            let word = parts.next().unwrap_or_default();
            let ids: Result<Vec<u16>, _> = parts.map(|s| s.trim().parse::<u16>()).collect();
            let ids = ids
                .ok()
                .filter(|ids| {
                    ids.len() == ls.len() && ids.iter().zip(ls).all(|(&c, &k)| (c as u32) < k)
                })
                .ok_or_else(|| {
                    Error::Format(format!(
                        "clusters line {lineno}: expected a word and {} class ids",
                        ls.len()
                    ))
                })?;
            if word.is_empty() {
                return Err(Error::Format(format!("clusters line {lineno}: empty word")));
            }
            map.insert(word.to_string(), ids);
        }
        let levels = levels.ok_or_else(|| Error::Format("clusters: empty file".into()))?;
        Ok(Clusters {
            levels,
            map,
            stats,
            ctx,
        })
    }

    /// Writes the TSV format (sorted by word).
    pub fn save(&self, mut w: impl Write) -> std::io::Result<()> {
        let mut out = String::from("#rasd-clusters");
        for k in &self.levels {
            out.push('\t');
            out.push_str(&k.to_string());
        }
        out.push('\n');
        for (word, ids) in self.sorted_entries() {
            out.push_str(word);
            for c in ids {
                out.push('\t');
                out.push_str(&c.to_string());
            }
            out.push('\n');
        }
        if !self.stats.is_empty() {
            out.push_str("#rasd-stats\n");
            for (stem, [b, a]) in self.sorted_stats() {
                out.push_str(&format!("{stem}\t{b}\t{a}\n"));
            }
        }
        if !self.ctx.is_empty() {
            out.push_str("#rasd-context\n");
            for (stem, [p, l, o]) in self.sorted_context() {
                out.push_str(&format!("{stem}\t{p}\t{l}\t{o}\n"));
            }
        }
        w.write_all(out.as_bytes())
    }
}

/// Reads every `content` string of the JSON arrays in the `*.zip` files of
/// `dir` (sorted by file name).
pub fn read_corpus_dir(dir: &Path) -> Result<Vec<String>, Error> {
    let mut files: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "zip"))
        .collect();
    files.sort();
    let per_file: Vec<Result<Vec<String>, Error>> = files
        .par_iter()
        .map(|path| {
            let f = std::fs::File::open(path)?;
            let mut z = zip::ZipArchive::new(f)
                .map_err(|e| Error::Format(format!("{}: {e}", path.display())))?;
            let mut texts = Vec::new();
            for i in 0..z.len() {
                let mut entry = z
                    .by_index(i)
                    .map_err(|e| Error::Format(format!("{}: {e}", path.display())))?;
                if entry.is_dir() {
                    continue;
                }
                let mut buf = Vec::new();
                entry.read_to_end(&mut buf)?;
                let v: serde_json::Value = serde_json::from_slice(&buf)
                    .map_err(|e| Error::Format(format!("{}: {e}", path.display())))?;
                if let Some(arr) = v.as_array() {
                    for a in arr {
                        if let Some(c) = a.get("content").and_then(|c| c.as_str()) {
                            texts.push(c.to_string());
                        }
                    }
                }
            }
            Ok(texts)
        })
        .collect();
    let mut all = Vec::new();
    for r in per_file {
        all.extend(r?);
    }
    Ok(all)
}

/// Splits a text into [`crate::norm`] keys, one sequence per line.
pub fn corpus_tokens(text: &str, out: &mut Vec<String>) {
    for line in text.lines() {
        let toks = rasd_text::tokenize(line);
        if toks.is_empty() {
            continue;
        }
        for t in toks {
            let w = crate::norm(t.text(line));
            if !w.is_empty() {
                out.push(w);
            }
        }
        out.push(BOUNDARY.to_string());
    }
}

/// Learns clusters from raw texts. Deterministic for fixed texts and options.
pub fn build_clusters(
    texts: &[String],
    opts: &ClusterOptions,
    log: &(dyn Fn(&str) + Sync),
) -> Clusters {
    let t0 = std::time::Instant::now();
    // 1. Tokenize in parallel (chunks keep the order deterministic).
    let (words, counts, seq) = tokenize_corpus(texts);
    let ctx = context_stats(&words, &seq);
    let ids: HashMap<&str, u32> = words
        .iter()
        .enumerate()
        .map(|(i, w)| (w.as_str(), i as u32))
        .collect();
    log(&format!(
        "{} tokens, {} types, tokenized in {:.1}s",
        seq.len(),
        words.len(),
        t0.elapsed().as_secs_f64()
    ));
    // 2. Vocabulary: most frequent words (ties by text), the rest → <unk>.
    let mut order: Vec<u32> = (0..words.len() as u32)
        .filter(|&i| counts[i as usize] >= opts.min_count as u64 && words[i as usize] != BOUNDARY)
        .collect();
    order.sort_unstable_by(|&a, &b| {
        counts[b as usize]
            .cmp(&counts[a as usize])
            .then_with(|| words[a as usize].cmp(&words[b as usize]))
    });
    order.truncate(opts.max_vocab);
    let mut remap = vec![u32::MAX; words.len()];
    let mut vocab: Vec<String> = Vec::new();
    for &i in &order {
        remap[i as usize] = vocab.len() as u32;
        vocab.push(words[i as usize].clone());
    }
    let unk = vocab.len() as u32;
    vocab.push(UNK.into());
    let bnd = vocab.len() as u32;
    vocab.push(BOUNDARY.into());
    if let Some(&b) = ids.get(BOUNDARY) {
        remap[b as usize] = bnd;
    }
    let seq: Vec<u32> = seq
        .into_iter()
        .map(|i| {
            let r = remap[i as usize];
            if r == u32::MAX {
                unk
            } else {
                r
            }
        })
        .collect();
    let v = vocab.len();
    // 3. Bigram counts in CSR form (right and left neighbours).
    let mut pairs: Vec<u64> = seq
        .windows(2)
        .map(|w| ((w[0] as u64) << 32) | w[1] as u64)
        .collect();
    pairs.par_sort_unstable();
    let mut bigrams: Vec<(u32, u32, u32)> = Vec::new();
    for p in pairs {
        let (a, b) = ((p >> 32) as u32, p as u32);
        match bigrams.last_mut() {
            Some(last) if last.0 == a && last.1 == b => last.2 += 1,
            _ => bigrams.push((a, b, 1)),
        }
    }
    let mut unigram = vec![0i64; v];
    for &w in &seq {
        unigram[w as usize] += 1;
    }
    let graph = Graph::new(v, &bigrams);
    log(&format!(
        "vocabulary {} words, {} bigram types ({:.1}s)",
        v,
        bigrams.len(),
        t0.elapsed().as_secs_f64()
    ));
    // 4. One exchange run per granularity, in parallel.
    let runs: Vec<Vec<u16>> = opts
        .levels
        .par_iter()
        .map(|&k| {
            let cls = exchange(
                &graph,
                &unigram,
                k as usize,
                opts.iterations,
                opts.seed,
                &|s| log(&format!("k={k}: {s} ({:.1}s)", t0.elapsed().as_secs_f64())),
            );
            cls.into_iter().map(|c| c as u16).collect()
        })
        .collect();
    let map = (0..v)
        .filter(|&i| i as u32 != bnd)
        .map(|i| (vocab[i].clone(), runs.iter().map(|r| r[i]).collect()))
        .collect();
    let stats = stem_stats(&words, &counts);
    log(&format!(
        "{} stem statistics, {} context statistics",
        stats.len(),
        ctx.len()
    ));
    Clusters {
        levels: opts.levels.clone(),
        map,
        stats,
        ctx,
    }
}

/// Word types, their counts and the corpus as a sequence of type ids
/// (`</s>` between lines).
fn tokenize_corpus(texts: &[String]) -> (Vec<String>, Vec<u64>, Vec<u32>) {
    let chunks: Vec<Vec<String>> = texts
        .par_chunks(256)
        .map(|ch| {
            let mut out = Vec::new();
            for t in ch {
                corpus_tokens(t, &mut out);
            }
            out
        })
        .collect();
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut words: Vec<String> = Vec::new();
    let mut counts: Vec<u64> = Vec::new();
    let mut seq: Vec<u32> = Vec::new();
    for ch in chunks {
        for w in ch {
            let id = match ids.get(&w) {
                Some(&id) => id,
                None => {
                    let id = words.len() as u32;
                    ids.insert(w.clone(), id);
                    words.push(w);
                    counts.push(0);
                    id
                }
            };
            counts[id as usize] += 1;
            seq.push(id);
        }
    }
    (words, counts, seq)
}

/// Context buckets per stem (see [`Clusters::context`]).
fn context_stats(words: &[String], seq: &[u32]) -> WordMap<[u8; 3]> {
    // trigger type and stem id of each word type
    let info: Vec<(u8, String)> = words
        .par_iter()
        .map(|w| {
            if w == BOUNDARY {
                (0, String::new())
            } else {
                (
                    crate::features::trigger_of_word(w),
                    crate::features::stem_of(w).0,
                )
            }
        })
        .collect();
    let mut acc: HashMap<&str, [u64; 4]> = HashMap::new();
    for (i, &w) in seq.iter().enumerate() {
        let stem = info[w as usize].1.as_str();
        if stem.is_empty() {
            continue;
        }
        let e = acc.entry(stem).or_default();
        e[0] += 1;
        let mut seen = [false; 4];
        for back in 1..=2 {
            if i < back {
                break;
            }
            let p = seq[i - back];
            if words[p as usize] == BOUNDARY {
                break;
            }
            let t = info[p as usize].0 as usize;
            if (1..=3).contains(&t) && !seen[t] {
                seen[t] = true;
                e[t] += 1;
            }
        }
    }
    acc.into_iter()
        .filter(|(_, c)| c[0] >= 3 && c[1..].iter().any(|&x| x > 0))
        .map(|(s, c)| {
            let b = |x: u64| -> u8 {
                if x == 0 {
                    0
                } else if x * 50 < c[0] {
                    1
                } else if x * 10 < c[0] {
                    2
                } else {
                    3
                }
            };
            (s.to_string(), [b(c[1]), b(c[2]), b(c[3])])
        })
        .collect()
}

/// Stem frequency and article buckets from word type counts.
fn stem_stats(words: &[String], counts: &[u64]) -> WordMap<[u8; 2]> {
    let mut acc: HashMap<String, (u64, u64)> = HashMap::new();
    for (w, &n) in words.iter().zip(counts) {
        if w == BOUNDARY {
            continue;
        }
        let (stem, al) = crate::features::stem_of(w);
        let e = acc.entry(stem).or_default();
        e.0 += n;
        if al {
            e.1 += n;
        }
    }
    acc.into_iter()
        .filter(|(s, (n, _))| *n >= 3 && !s.is_empty())
        .map(|(s, (n, al))| {
            let b = (63 - n.leading_zeros()).min(15) as u8;
            let a = if al == 0 {
                0
            } else if al * 10 < n {
                1
            } else if al * 2 < n {
                2
            } else {
                3
            };
            (s, [b, a])
        })
        .collect()
}

struct Graph {
    /// Right neighbours of each word: `right[rs[w]..rs[w+1]]` = (u, n(w,u)).
    rs: Vec<usize>,
    right: Vec<(u32, u32)>,
    ls: Vec<usize>,
    left: Vec<(u32, u32)>,
}

impl Graph {
    fn new(v: usize, bigrams: &[(u32, u32, u32)]) -> Graph {
        let mut rs = vec![0usize; v + 1];
        let mut ls = vec![0usize; v + 1];
        for &(a, b, _) in bigrams {
            rs[a as usize + 1] += 1;
            ls[b as usize + 1] += 1;
        }
        for i in 0..v {
            rs[i + 1] += rs[i];
            ls[i + 1] += ls[i];
        }
        let mut right = vec![(0, 0); bigrams.len()];
        let mut left = vec![(0, 0); bigrams.len()];
        let mut rp = rs.clone();
        let mut lp = ls.clone();
        for &(a, b, n) in bigrams {
            right[rp[a as usize]] = (b, n);
            rp[a as usize] += 1;
            left[lp[b as usize]] = (a, n);
            lp[b as usize] += 1;
        }
        Graph {
            rs,
            right,
            ls,
            left,
        }
    }
}

const TABLE: usize = 1 << 16;

struct XLogX {
    table: Vec<f64>,
}

impl XLogX {
    fn new() -> XLogX {
        XLogX {
            table: (0..TABLE)
                .map(|x| {
                    if x == 0 {
                        0.0
                    } else {
                        x as f64 * (x as f64).ln()
                    }
                })
                .collect(),
        }
    }
    #[inline]
    fn f(&self, x: i64) -> f64 {
        if (x as usize) < TABLE {
            self.table[x as usize]
        } else {
            let x = x as f64;
            x * x.ln()
        }
    }
}

/// A small deterministic PRNG (SplitMix64).
#[derive(Clone, Debug)]
pub(crate) struct Rng(pub u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Exchange clustering of the words of `g` into `k` classes: maximizes the
/// class-bigram log likelihood `Σ f(N(c,d)) − 2 Σ f(N(c))`, `f(x) = x ln x`.
fn exchange(
    g: &Graph,
    unigram: &[i64],
    k: usize,
    iterations: usize,
    seed: u64,
    log: &dyn Fn(&str),
) -> Vec<u32> {
    let v = unigram.len();
    let k = k.min(v).max(1);
    // Initial classes: frequency rank modulo k (words are sorted by frequency).
    let mut cls: Vec<u32> = (0..v).map(|w| (w % k) as u32).collect();
    let mut m = vec![0i64; k * k];
    let mut mt = vec![0i64; k * k];
    let mut n = vec![0i64; k];
    for w in 0..v {
        n[cls[w] as usize] += unigram[w];
        for &(u, c) in &g.right[g.rs[w]..g.rs[w + 1]] {
            let (a, b) = (cls[w] as usize, cls[u as usize] as usize);
            m[a * k + b] += c as i64;
            mt[b * k + a] += c as i64;
        }
    }
    let xl = XLogX::new();
    let mut lc = vec![0i64; k];
    let mut rc = vec![0i64; k];
    let mut tl: Vec<u32> = Vec::new();
    let mut tr: Vec<u32> = Vec::new();
    let mut order: Vec<usize> = (0..v).collect();
    let mut rng = Rng(seed ^ (k as u64).wrapping_mul(0x1000_0001));
    for it in 0..iterations {
        // Frequent words first on the first pass, shuffled afterwards.
        if it > 0 {
            for i in (1..order.len()).rev() {
                let j = rng.below(i + 1);
                order.swap(i, j);
            }
        }
        let mut moved = 0usize;
        for &w in &order {
            let cw = cls[w] as usize;
            let mut selfc = 0i64;
            tl.clear();
            tr.clear();
            for &(u, c) in &g.left[g.ls[w]..g.ls[w + 1]] {
                if u as usize == w {
                    selfc = c as i64;
                    continue;
                }
                let cu = cls[u as usize] as usize;
                if lc[cu] == 0 {
                    tl.push(cu as u32);
                }
                lc[cu] += c as i64;
            }
            for &(u, c) in &g.right[g.rs[w]..g.rs[w + 1]] {
                if u as usize == w {
                    continue;
                }
                let cu = cls[u as usize] as usize;
                if rc[cu] == 0 {
                    tr.push(cu as u32);
                }
                rc[cu] += c as i64;
            }
            let nw = unigram[w];
            // Remove w from its class.
            for &c in &tl {
                let c = c as usize;
                m[c * k + cw] -= lc[c];
                mt[cw * k + c] -= lc[c];
            }
            for &d in &tr {
                let d = d as usize;
                m[cw * k + d] -= rc[d];
                mt[d * k + cw] -= rc[d];
            }
            m[cw * k + cw] -= selfc;
            mt[cw * k + cw] -= selfc;
            n[cw] -= nw;
            // Best class to put it in.
            let mut best = cw;
            let mut best_delta = f64::NEG_INFINITY;
            for t in 0..k {
                let mut d = 0.0;
                let col = &mt[t * k..t * k + k]; // M[c][t] for all c
                for &c in &tl {
                    let c = c as usize;
                    if c != t {
                        let x = col[c];
                        d += xl.f(x + lc[c]) - xl.f(x);
                    }
                }
                let row = &m[t * k..t * k + k];
                for &c in &tr {
                    let c = c as usize;
                    if c != t {
                        let x = row[c];
                        d += xl.f(x + rc[c]) - xl.f(x);
                    }
                }
                let x = row[t];
                d += xl.f(x + lc[t] + rc[t] + selfc) - xl.f(x);
                d -= 2.0 * (xl.f(n[t] + nw) - xl.f(n[t]));
                if d > best_delta + 1e-9 || (t == cw && d >= best_delta - 1e-9) {
                    best_delta = d;
                    best = t;
                }
            }
            // Put it there.
            for &c in &tl {
                let c = c as usize;
                m[c * k + best] += lc[c];
                mt[best * k + c] += lc[c];
                lc[c] = 0;
            }
            for &d in &tr {
                let d = d as usize;
                m[best * k + d] += rc[d];
                mt[d * k + best] += rc[d];
                rc[d] = 0;
            }
            m[best * k + best] += selfc;
            mt[best * k + best] += selfc;
            n[best] += nw;
            if best != cw {
                moved += 1;
                cls[w] = best as u32;
            }
        }
        let mut ll = 0.0;
        for &x in &m {
            ll += xl.f(x);
        }
        for &x in &n {
            ll -= 2.0 * xl.f(x);
        }
        log(&format!(
            "iteration {} moved {} words, objective {:.6e}",
            it + 1,
            moved,
            ll
        ));
        if moved == 0 {
            break;
        }
    }
    cls
}
