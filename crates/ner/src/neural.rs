//! The inputs of the neural tagger: for every token, its [`crate::norm`]
//! key, its clitic-stripped stem, its clitics and small categorical
//! features (word clusters, shape, trigger type, gazetteer and person-name
//! flags, corpus statistics). The same extraction feeds training (exported
//! by the `neural_export` example) and tagging.

use std::collections::HashMap;
use std::io::Write;

use crate::features::{stem_of, tok_info, TokInfo};
use crate::Clusters;

/// Number of categorical features per token (see [`NeuralToken::cats`]).
pub const CATS: usize = 15;

/// What the neural tagger sees of one token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NeuralToken {
    pub norm: String,
    pub stem: String,
    /// The proclitics, each followed by `+` (`و+ال+`), or empty.
    pub proclitics: String,
    /// The enclitic pronoun, or empty.
    pub enclitic: &'static str,
    /// Word clusters (64, 256, 1024 classes; 0 none, else class + 1), the
    /// stem's clusters likewise, shape, trigger type, gazetteer class,
    /// person-name token, stem frequency and article buckets, and the three
    /// corpus context buckets.
    pub cats: [u16; CATS],
}

/// The categorical features of a token (see [`NeuralToken::cats`]).
fn cats_of(t: &TokInfo) -> [u16; CATS] {
    let mut cats = [0u16; CATS];
    for k in 0..3 {
        if k < t.n_clusters as usize {
            cats[k] = t.clusters[k] + 1;
        }
        if k < t.n_stem_clusters as usize {
            cats[3 + k] = t.stem_clusters[k] + 1;
        }
    }
    cats[6] = t.shape as u16;
    cats[7] = t.trigger as u16;
    cats[8] = t.geo as u16;
    cats[9] = t.person as u16;
    cats[10] = t.stats[0] as u16;
    cats[11] = t.stats[1] as u16;
    for k in 0..3 {
        cats[12 + k] = t.ctx[k] as u16;
    }
    cats
}

/// A borrowed view of a token's neural inputs.
#[derive(Clone, Copy)]
pub(crate) struct TokenView<'a> {
    norm: &'a str,
    stem: &'a str,
    proclitics: &'a str,
    enclitic: &'a str,
    cats: [u16; CATS],
}

impl NeuralToken {
    fn view(&self) -> TokenView<'_> {
        TokenView {
            norm: &self.norm,
            stem: &self.stem,
            proclitics: &self.proclitics,
            enclitic: self.enclitic,
            cats: self.cats,
        }
    }
}

pub(crate) fn view_of(t: &TokInfo) -> TokenView<'_> {
    TokenView {
        norm: &t.norm,
        stem: &t.stem,
        proclitics: &t.proclitics,
        enclitic: t.enclitic,
        cats: cats_of(t),
    }
}

/// The neural inputs of the tokens of one sentence.
pub fn neural_tokens(tokens: &[&str], clusters: &Clusters) -> Vec<NeuralToken> {
    tokens
        .iter()
        .map(|t| {
            let info = tok_info(t, clusters, &|_| 0);
            NeuralToken {
                cats: cats_of(&info),
                norm: info.norm,
                stem: info.stem,
                proclitics: info.proclitics,
                enclitic: info.enclitic,
            }
        })
        .collect()
}

/// How many of the most frequent words and stems have their input
/// projections computed at load (`8h` floats each: 16 MB for both with
/// `h = 64`).
pub const WORD_CACHE: usize = 8192;
pub const STEM_CACHE: usize = 4096;

/// Sentence boundary in an exported id stream.
pub const CORPUS_BOUNDARY: u16 = u16::MAX;
/// A word outside the exported vocabulary.
pub const CORPUS_UNKNOWN: u16 = 0;

/// Writes unlabelled text for learning word vectors: for the word keys and
/// for the stems, a vocabulary file (`{kind}.vocab`: `word\tcount`, most
/// frequent first, line `k` is id `k`; id 0 is the unknown word) and the
/// corpus as little-endian `u16` ids (`{kind}.u16`, [`CORPUS_BOUNDARY`]
/// between lines). The vocabulary keeps the words seen at least `min_count`
/// times, at most 65,534. Returns the number of tokens.
pub fn export_corpus(
    texts: &[String],
    min_count: u64,
    dir: &std::path::Path,
) -> std::io::Result<usize> {
    use rayon::prelude::*;
    let seqs: Vec<Vec<String>> = texts
        .par_chunks(256)
        .map(|ch| {
            let mut out = Vec::new();
            for t in ch {
                crate::corpus_tokens(t, &mut out);
            }
            out
        })
        .collect();
    let words: Vec<&String> = seqs.iter().flatten().collect();
    let stems: Vec<Option<String>> = words
        .par_iter()
        .map(|w| (w.as_str() != crate::clusters::BOUNDARY).then(|| stem_of(w).0))
        .collect();
    std::fs::create_dir_all(dir)?;
    let norm_seq: Vec<Option<&str>> = words
        .iter()
        .map(|w| (w.as_str() != crate::clusters::BOUNDARY).then_some(w.as_str()))
        .collect();
    write_stream(&norm_seq, min_count, &dir.join("norm"))?;
    let stem_seq: Vec<Option<&str>> = stems
        .iter()
        .map(|s| s.as_deref().filter(|s| !s.is_empty()))
        .zip(&norm_seq)
        .map(|(s, w)| if w.is_none() { None } else { s.or(*w) })
        .collect();
    write_stream(&stem_seq, min_count, &dir.join("stem"))?;
    Ok(norm_seq.iter().filter(|w| w.is_some()).count())
}

fn write_stream(
    seq: &[Option<&str>],
    min_count: u64,
    base: &std::path::Path,
) -> std::io::Result<()> {
    let mut counts: HashMap<&str, u64> = HashMap::new();
    for w in seq.iter().flatten() {
        *counts.entry(w).or_default() += 1;
    }
    let mut vocab: Vec<(&str, u64)> = counts
        .into_iter()
        .filter(|&(_, c)| c >= min_count)
        .collect();
    vocab.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    vocab.truncate(65_534);
    let ids: HashMap<&str, u16> = vocab
        .iter()
        .enumerate()
        .map(|(i, &(w, _))| (w, i as u16 + 1))
        .collect();
    let mut v = std::io::BufWriter::new(std::fs::File::create(base.with_extension("vocab"))?);
    writeln!(v, "<unk>\t0")?;
    for (w, c) in &vocab {
        writeln!(v, "{w}\t{c}")?;
    }
    v.flush()?;
    let mut out = Vec::with_capacity(seq.len() * 2);
    for w in seq {
        let id = match w {
            None => CORPUS_BOUNDARY,
            Some(w) => ids.get(w).copied().unwrap_or(CORPUS_UNKNOWN),
        };
        out.extend_from_slice(&id.to_le_bytes());
    }
    std::fs::write(base.with_extension("u16"), out)
}

/// A BiLSTM-CRF tagger trained by `crates/ner/neural/train.py`, run on the
/// CPU: word and stem vectors (int8 with a scale per row), a character CNN,
/// embeddings of the clitics and of the categorical features, one
/// bidirectional LSTM layer, a linear layer to the labels and CRF
/// transitions (the BIO constraints are in them).
///
/// The input layer is folded at load time: every embedding table of a
/// categorical input is multiplied into the LSTM's input weights once, so
/// that a token's input projection is a sum of table rows plus three small
/// matrix-vector products (word, stem, characters).
#[derive(Clone, Debug, PartialEq)]
pub struct NeuralModel {
    labels: Vec<String>,
    hidden: usize,
    max_chars: usize,
    words: FastMap<String>,
    stems: FastMap<String>,
    chars: FastMap<char>,
    procl: FastMap<String>,
    encl: FastMap<String>,
    cat_sizes: Vec<usize>,
    word: QTable,
    stem: QTable,
    char_dim: usize,
    char_filters: usize,
    char_emb: Vec<f32>,
    /// The convolution as a matrix `[3 · char_dim][filters]` (transposed,
    /// see `matvec_add`; PyTorch's `[filters][char_dim][3]` rearranged at
    /// load).
    conv_t: Vec<f32>,
    conv_b: Vec<f32>,
    /// Input weights of both directions (`8h` rows: forward gates then
    /// backward gates), restricted to the word, stem and character inputs,
    /// stored transposed (see `matvec_add`).
    w_word: Vec<f32>,
    w_stem: Vec<f32>,
    w_char: Vec<f32>,
    /// Projected rows (`8h` each) of the clitic and categorical tables.
    proj_procl: Vec<f32>,
    proj_encl: Vec<f32>,
    proj_cats: Vec<Vec<f32>>,
    bias: Vec<f32>,
    /// Recurrent weights (`4h × h`), transposed.
    whh_f: Vec<f32>,
    whh_b: Vec<f32>,
    out_w: Vec<f32>,
    out_b: Vec<f32>,
    trans: Vec<f32>,
    start: Vec<f32>,
    end: Vec<f32>,
    /// The header's `dev_f1`, for reports.
    dev_f1: f64,
    /// Input projections computed at load for the most frequent word ids
    /// (word vector, characters and bias: `8h` each, ids `1..cached_words`)
    /// and stem ids (stem vector, ids `0..cached_stems`).
    word_cache: Vec<f32>,
    cached_words: usize,
    /// The word cache holds whole input projections (all features, see
    /// [`NeuralModel::prepare`]), not only the word and character parts.
    cache_full: bool,
    stem_cache: Vec<f32>,
    cached_stems: usize,
    /// The weight of this model's scores when combined with the
    /// perceptron's (the header's `weight`, chosen on the dev split by
    /// `neural_eval --write`; 1 if absent).
    weight: f32,
}

/// Buffers of one emissions call.
struct Scratch {
    wbuf: Vec<f32>,
    cbuf: Vec<f32>,
    e: Vec<f32>,
    conv: Vec<f32>,
}

#[derive(Clone, Debug, Default, PartialEq)]
struct QTable {
    dim: usize,
    q: Vec<i8>,
    scale: Vec<f32>,
}

impl QTable {
    fn row_into(&self, id: usize, out: &mut [f32]) {
        let id = if id < self.scale.len() { id } else { 0 };
        let s = self.scale[id];
        for (o, &q) in out
            .iter_mut()
            .zip(&self.q[id * self.dim..(id + 1) * self.dim])
        {
            *o = q as f32 * s;
        }
    }
}

struct Blob<'a> {
    header: serde_json::Value,
    data: &'a [u8],
}

impl Blob<'_> {
    fn tensor(&self, name: &str) -> Result<(Vec<usize>, &str, &[u8]), Error> {
        let t = self.header["tensors"]
            .as_array()
            .and_then(|ts| ts.iter().find(|t| t["name"] == name))
            .ok_or_else(|| Error::Format(format!("neural model: no tensor {name}")))?;
        let shape: Vec<usize> = t["shape"]
            .as_array()
            .map(|s| {
                s.iter()
                    .filter_map(|x| x.as_u64())
                    .map(|x| x as usize)
                    .collect()
            })
            .unwrap_or_default();
        let dtype = t["dtype"].as_str().unwrap_or("");
        let width = match dtype {
            "f32" => 4,
            "i8" => 1,
            _ => {
                return Err(Error::Format(format!(
                    "neural model: {name}: dtype {dtype:?}"
                )))
            }
        };
        let off = t["offset"].as_u64().unwrap_or(u64::MAX) as usize;
        let len = shape
            .iter()
            .try_fold(width, |a: usize, &d| a.checked_mul(d))
            .ok_or_else(|| Error::Format(format!("neural model: {name} too large")))?;
        let bytes = off
            .checked_add(len)
            .and_then(|end| self.data.get(off..end))
            .ok_or_else(|| Error::Format(format!("neural model: {name} out of bounds")))?;
        Ok((shape, dtype, bytes))
    }

    fn f32s(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>, Error> {
        let (s, dtype, b) = self.tensor(name)?;
        if dtype != "f32" || s != shape {
            return Err(Error::Format(format!(
                "neural model: {name} is {dtype} {s:?}, expected f32 {shape:?}"
            )));
        }
        Ok(b.chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    fn qtable(&self, name: &str, rows: usize) -> Result<QTable, Error> {
        let (s, dtype, b) = self.tensor(&format!("{name}.q"))?;
        if dtype != "i8" || s.len() != 2 || s[0] != rows || s[1] > 1 << 16 {
            return Err(Error::Format(format!(
                "neural model: {name}.q is {dtype} {s:?}"
            )));
        }
        Ok(QTable {
            dim: s[1],
            q: b.iter().map(|&x| x as i8).collect(),
            scale: self.f32s(&format!("{name}.scale"), &[rows])?,
        })
    }

    fn strings(&self, key: &str) -> Result<Vec<String>, Error> {
        self.header[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|x| x.as_str().unwrap_or("").to_string())
                    .collect()
            })
            .ok_or_else(|| Error::Format(format!("neural model: no {key}")))
    }

    /// A list of sizes (empty if absent or malformed).
    fn usizes(&self, key: &str) -> Vec<usize> {
        self.header[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_u64())
                    .map(|x| x as usize)
                    .collect()
            })
            .unwrap_or_default()
    }

    fn usize(&self, key: &str) -> Result<usize, Error> {
        self.header[key]
            .as_u64()
            .map(|x| x as usize)
            .ok_or_else(|| Error::Format(format!("neural model: no {key}")))
    }
}

/// A vocabulary: item → id, with a fast non-cryptographic hash (the keys
/// are the model's own; lookups cannot add any).
type FastMap<T> = HashMap<T, u32, std::hash::BuildHasherDefault<FxHasher>>;

/// The multiply-rotate hash of rustc (`FxHasher`), over 8-byte words.
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.0 =
                (self.0.rotate_left(5) ^ u64::from_le_bytes(b)).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

fn index<T: std::hash::Hash + Eq>(items: impl IntoIterator<Item = T>) -> FastMap<T> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, x)| (x, i as u32))
        .collect()
}

/// `out[r] += Σ_c w[r * cols + offset + c] * x[c]` for a block of columns.
fn columns(w: &[f32], cols: usize, offset: usize, width: usize) -> Vec<f32> {
    let rows = w.len() / cols;
    let mut out = Vec::with_capacity(rows * width);
    for r in 0..rows {
        out.extend_from_slice(&w[r * cols + offset..r * cols + offset + width]);
    }
    out
}

use crate::Error;

impl NeuralModel {
    /// Reads a model written by `train.py` (`RASDNN01`, a JSON header, the
    /// tensors).
    pub fn load(bytes: &[u8]) -> Result<NeuralModel, Error> {
        let rest = bytes
            .strip_prefix(b"RASDNN01")
            .ok_or_else(|| Error::Format("not a rasd neural model (magic)".into()))?;
        let (len, rest) = rest
            .split_first_chunk::<4>()
            .ok_or_else(|| Error::Format("neural model: truncated header".into()))?;
        let len = u32::from_le_bytes(*len) as usize;
        let (head, data) = (rest.get(..len), rest.get(len..));
        let (Some(head), Some(data)) = (head, data) else {
            return Err(Error::Format("neural model: truncated header".into()));
        };
        let header: serde_json::Value = serde_json::from_slice(head)
            .map_err(|e| Error::Format(format!("neural model header: {e}")))?;
        let b = Blob { header, data };
        let labels = b.strings("labels")?;
        let l = labels.len();
        let h = b.usize("hidden")?;
        let char_dim = b.usize("char_dim")?;
        let char_filters = b.usize("char_filters")?;
        let max_chars = b.usize("max_chars")?;
        let words = b.strings("words")?;
        let stems = b.strings("stems")?;
        let chars = b.strings("chars")?;
        let procl = b.strings("procl")?;
        let encl = b.strings("encl")?;
        let cat_sizes = b.usizes("cat_sizes");
        let cat_dims = b.usizes("cat_dims");
        // sizes beyond these could only overflow the shape arithmetic below
        let dims_ok = [h, char_dim, char_filters, max_chars]
            .iter()
            .all(|&d| d <= 1 << 16)
            && cat_sizes.iter().all(|&d| d <= 1 << 24)
            && cat_dims.iter().all(|&d| d <= 1 << 16);
        if cat_sizes.len() != CATS || cat_dims.len() != CATS || l == 0 || h == 0 || !dims_ok {
            return Err(Error::Format("neural model: bad dimensions".into()));
        }
        let word = b.qtable("word", words.len())?;
        let stem = b.qtable("stem", stems.len())?;
        let char_emb = b.f32s("char", &[chars.len(), char_dim])?;
        let conv_raw = b.f32s("conv.w", &[char_filters, char_dim, 3])?;
        let mut conv_w = vec![0f32; conv_raw.len()];
        for f in 0..char_filters {
            for d in 0..char_dim {
                for k in 0..3 {
                    conv_w[(f * 3 + k) * char_dim + d] = conv_raw[(f * char_dim + d) * 3 + k];
                }
            }
        }
        let conv_b = b.f32s("conv.b", &[char_filters])?;
        let procl_emb = b.f32s("procl", &[procl.len(), 8])?;
        let encl_emb = b.f32s("encl", &[encl.len(), 8])?;
        let in_dim = word.dim + stem.dim + char_filters + 16 + cat_dims.iter().sum::<usize>();
        // (no capacity from the header's sizes: the tensors' own lengths bound them)
        let mut wih = Vec::new();
        let mut bias = Vec::new();
        for dir in ["fwd", "bwd"] {
            wih.extend(b.f32s(&format!("lstm.{dir}.wih"), &[4 * h, in_dim])?);
            bias.extend(b.f32s(&format!("lstm.{dir}.b"), &[4 * h])?);
        }
        let whh_f = transpose(&b.f32s("lstm.fwd.whh", &[4 * h, h])?, 4 * h);
        let whh_b = transpose(&b.f32s("lstm.bwd.whh", &[4 * h, h])?, 4 * h);
        // the input blocks, in train.py's order
        let mut off = 0;
        let mut block = |width: usize| {
            let o = off;
            off += width;
            o
        };
        let o_word = block(word.dim);
        let o_stem = block(stem.dim);
        let o_char = block(char_filters);
        let o_procl = block(8);
        let o_encl = block(8);
        let o_cats: Vec<usize> = cat_dims.iter().map(|&d| block(d)).collect();
        let project = |emb: &[f32], dim: usize, offset: usize| -> Vec<f32> {
            let rows = emb.len() / dim;
            let w = columns(&wih, in_dim, offset, dim);
            let mut out = vec![0f32; rows * 8 * h];
            for r in 0..rows {
                let e = &emb[r * dim..(r + 1) * dim];
                for g in 0..8 * h {
                    out[r * 8 * h + g] = dot_plain(&w[g * dim..(g + 1) * dim], e);
                }
            }
            out
        };
        let proj_procl = project(&procl_emb, 8, o_procl);
        let proj_encl = project(&encl_emb, 8, o_encl);
        let mut proj_cats = Vec::with_capacity(CATS);
        for k in 0..CATS {
            let emb = b.f32s(&format!("cat{k}"), &[cat_sizes[k], cat_dims[k]])?;
            proj_cats.push(project(&emb, cat_dims[k], o_cats[k]));
        }
        let word_list = words.clone();
        let mut m = NeuralModel {
            word_cache: Vec::new(),
            cached_words: 0,
            cache_full: false,
            stem_cache: Vec::new(),
            cached_stems: 0,
            w_word: transpose(&columns(&wih, in_dim, o_word, word.dim), 8 * h),
            w_stem: transpose(&columns(&wih, in_dim, o_stem, stem.dim), 8 * h),
            w_char: transpose(&columns(&wih, in_dim, o_char, char_filters), 8 * h),
            out_w: b.f32s("out.w", &[l, 2 * h])?,
            out_b: b.f32s("out.b", &[l])?,
            trans: b.f32s("crf.trans", &[l, l])?,
            start: b.f32s("crf.start", &[l])?,
            end: b.f32s("crf.end", &[l])?,
            dev_f1: b.header["dev_f1"].as_f64().unwrap_or(f64::NAN),
            weight: b.header["weight"].as_f64().unwrap_or(1.0) as f32,
            labels,
            hidden: h,
            max_chars,
            words: index(words),
            stems: index(stems),
            // ids 0 and 1 are padding and the unknown character
            chars: chars
                .iter()
                .enumerate()
                .skip(2)
                .filter_map(|(i, c)| {
                    let mut it = c.chars();
                    match (it.next(), it.next()) {
                        (Some(ch), None) => Some((ch, i as u32)),
                        _ => None,
                    }
                })
                .collect(),
            procl: index(procl),
            encl: index(encl),
            cat_sizes,
            word,
            stem,
            char_dim,
            char_filters,
            char_emb,
            conv_t: transpose(&conv_w, char_filters),
            conv_b,
            proj_procl,
            proj_encl,
            proj_cats,
            bias,
            whh_f,
            whh_b,
        };
        m.build_caches(&word_list);
        Ok(m)
    }

    /// Computes the whole input projection of the [`WORD_CACHE`] most
    /// frequent words with the word clusters the features will be computed
    /// with: every input of a token is a function of its word key, so a
    /// frequent word's projection is then one row. ([`crate::Model::set_neural`]
    /// calls it with the perceptron's clusters.)
    pub fn prepare(&mut self, clusters: &Clusters) {
        let g8 = 8 * self.hidden;
        let mut list = vec![String::new(); self.words.len()];
        for (w, &id) in &self.words {
            if let Some(slot) = list.get_mut(id as usize) {
                slot.clone_from(w);
            }
        }
        let nw = list.len().min(WORD_CACHE);
        let toks: Vec<&str> = list[..nw].iter().map(String::as_str).collect();
        let infos = neural_tokens(&toks, clusters);
        // the rows are computed without the cache
        self.cached_words = 0;
        self.cache_full = false;
        let mut cache = vec![0f32; nw * g8];
        let mut sc = self.scratch();
        for (id, t) in infos.iter().enumerate().skip(1) {
            self.project_token::<false>(&t.view(), &mut cache[id * g8..(id + 1) * g8], &mut sc);
        }
        self.word_cache = cache;
        self.cached_words = nw;
        self.cache_full = true;
    }

    /// Fills the projection caches of the [`WORD_CACHE`] most frequent words
    /// and [`STEM_CACHE`] most frequent stems (the vocabularies are sorted
    /// by corpus frequency).
    fn build_caches(&mut self, words: &[String]) {
        let g8 = 8 * self.hidden;
        let nw = words.len().min(WORD_CACHE);
        let mut cache = vec![0f32; nw * g8];
        let mut sc = self.scratch();
        for (id, word) in words.iter().enumerate().take(nw).skip(1) {
            let row = &mut cache[id * g8..(id + 1) * g8];
            row.copy_from_slice(&self.bias);
            self.word.row_into(id, &mut sc.wbuf[..self.word.dim]);
            matvec_add::<false>(&self.w_word, &sc.wbuf[..self.word.dim], row);
            self.char_features::<false>(word, &mut sc.cbuf, &mut sc.e, &mut sc.conv);
            matvec_add::<false>(&self.w_char, &sc.cbuf, row);
        }
        self.word_cache = cache;
        self.cached_words = nw;
        let ns = self.stem.scale.len().min(STEM_CACHE);
        let mut cache = vec![0f32; ns * g8];
        let mut sbuf = vec![0f32; self.stem.dim];
        for id in 0..ns {
            self.stem.row_into(id, &mut sbuf);
            matvec_add::<false>(&self.w_stem, &sbuf, &mut cache[id * g8..(id + 1) * g8]);
        }
        self.stem_cache = cache;
        self.cached_stems = ns;
    }

    /// The labels, in the order of the emission rows.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The dev F1 the trainer measured (the header's `dev_f1`).
    pub fn dev_f1(&self) -> f64 {
        self.dev_f1
    }

    /// The weight of this model in a combination with the perceptron.
    pub fn weight(&self) -> f32 {
        self.weight
    }

    /// Sets the weight (see [`NeuralModel::weight`]); takes effect when the
    /// model is given to [`crate::Model::set_neural`].
    pub fn set_weight(&mut self, w: f32) {
        self.weight = if w.is_finite() { w } else { 1.0 };
    }

    /// A model file's bytes with the header's `weight` set to `w`.
    pub fn with_weight(bytes: &[u8], w: f32) -> Result<Vec<u8>, Error> {
        let bad = || Error::Format("not a rasd neural model".into());
        let rest = bytes.strip_prefix(b"RASDNN01").ok_or_else(bad)?;
        let (len, rest) = rest.split_first_chunk::<4>().ok_or_else(bad)?;
        let len = u32::from_le_bytes(*len) as usize;
        let head = rest.get(..len).ok_or_else(bad)?;
        let mut header: serde_json::Value = serde_json::from_slice(head)
            .map_err(|e| Error::Format(format!("neural model header: {e}")))?;
        header["weight"] = serde_json::json!(w);
        let head = serde_json::to_vec(&header).map_err(|e| Error::Format(e.to_string()))?;
        let mut out = Vec::with_capacity(bytes.len() + 32);
        out.extend_from_slice(b"RASDNN01");
        out.extend_from_slice(&(head.len() as u32).to_le_bytes());
        out.extend_from_slice(&head);
        out.extend_from_slice(&rest[len..]);
        Ok(out)
    }

    /// The character CNN of one word key, max-pooled, `tanh`.
    #[inline(always)]
    fn char_features<const FMA: bool>(
        &self,
        norm: &str,
        out: &mut [f32],
        e: &mut Vec<f32>,
        conv: &mut [f32],
    ) {
        let cd = self.char_dim;
        // the embeddings with a zero row on each side
        e.clear();
        e.resize(cd, 0.0);
        let mut len = 0;
        for c in norm.chars().take(self.max_chars) {
            let id = self.chars.get(&c).copied().unwrap_or(1) as usize;
            let id = if (id + 1) * cd <= self.char_emb.len() {
                id
            } else {
                1
            };
            e.extend_from_slice(&self.char_emb[id * cd..(id + 1) * cd]);
            len += 1;
        }
        e.resize(e.len() + cd, 0.0);
        if len == 0 {
            out.iter_mut().for_each(|o| *o = 0.0);
            return;
        }
        out.iter_mut().for_each(|o| *o = f32::NEG_INFINITY);
        for j in 0..len {
            conv.iter_mut().for_each(|c| *c = 0.0);
            matvec_add::<FMA>(&self.conv_t, &e[j * cd..(j + 3) * cd], conv);
            for (o, &c) in out.iter_mut().zip(conv.iter()) {
                *o = o.max(c);
            }
        }
        for (o, &b) in out.iter_mut().zip(&self.conv_b) {
            *o = fast_tanh(*o + b);
        }
    }

    /// Emission scores `[n * L]` (label order [`NeuralModel::labels`]) of
    /// one sentence's tokens.
    pub fn emissions(&self, toks: &[NeuralToken]) -> Vec<f32> {
        self.emissions_of(toks.iter().map(NeuralToken::view).collect())
    }

    pub(crate) fn emissions_of(&self, toks: Vec<TokenView<'_>>) -> Vec<f32> {
        #[cfg(target_arch = "x86_64")]
        {
            match simd_level() {
                // SAFETY: the CPU has the features the functions are compiled for.
                2 => return unsafe { self.emissions_avx512(&toks) },
                1 => return unsafe { self.emissions_avx2(&toks) },
                _ => {}
            }
        }
        self.emissions_impl::<false>(&toks)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn emissions_avx2(&self, toks: &[TokenView<'_>]) -> Vec<f32> {
        self.emissions_impl::<true>(toks)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx2,fma")]
    unsafe fn emissions_avx512(&self, toks: &[TokenView<'_>]) -> Vec<f32> {
        self.emissions_impl::<true>(toks)
    }

    fn scratch(&self) -> Scratch {
        Scratch {
            wbuf: vec![0f32; self.word.dim.max(self.stem.dim)],
            cbuf: vec![0f32; self.char_filters],
            e: Vec::with_capacity((self.max_chars + 2) * self.char_dim),
            conv: vec![0f32; self.char_filters],
        }
    }

    /// The input projection (both directions, bias included) of one token.
    #[inline(always)]
    fn project_token<const FMA: bool>(&self, t: &TokenView<'_>, row: &mut [f32], sc: &mut Scratch) {
        let g8 = row.len();
        let wbuf = &mut sc.wbuf;
        let wid = self.words.get(t.norm).copied().unwrap_or(0) as usize;
        if wid > 0 && wid < self.cached_words {
            // word vector and characters, projected at load
            row.copy_from_slice(&self.word_cache[wid * g8..(wid + 1) * g8]);
            if self.cache_full {
                return;
            }
        } else {
            row.copy_from_slice(&self.bias);
            self.word.row_into(wid, &mut wbuf[..self.word.dim]);
            matvec_add::<FMA>(&self.w_word, &wbuf[..self.word.dim], row);
            self.char_features::<FMA>(t.norm, &mut sc.cbuf, &mut sc.e, &mut sc.conv);
            matvec_add::<FMA>(&self.w_char, &sc.cbuf, row);
        }
        let sid = self.stems.get(t.stem).copied().unwrap_or(0) as usize;
        if sid < self.cached_stems {
            add(row, &self.stem_cache[sid * g8..(sid + 1) * g8]);
        } else {
            self.stem.row_into(sid, &mut wbuf[..self.stem.dim]);
            matvec_add::<FMA>(&self.w_stem, &wbuf[..self.stem.dim], row);
        }
        let p = self.procl.get(t.proclitics).copied().unwrap_or(0) as usize;
        add(row, &self.proj_procl[p * g8..(p + 1) * g8]);
        let e = self.encl.get(t.enclitic).copied().unwrap_or(0) as usize;
        add(row, &self.proj_encl[e * g8..(e + 1) * g8]);
        for (k, &c) in t.cats.iter().enumerate() {
            let c = if (c as usize) < self.cat_sizes[k] {
                c as usize
            } else {
                0
            };
            add(row, &self.proj_cats[k][c * g8..(c + 1) * g8]);
        }
    }

    #[inline(always)]
    fn emissions_impl<const FMA: bool>(&self, toks: &[TokenView<'_>]) -> Vec<f32> {
        let n = toks.len();
        let h = self.hidden;
        let g8 = 8 * h;
        let l = self.labels.len();
        // input projections of both directions
        let mut xp = vec![0f32; n * g8];
        let mut sc = self.scratch();
        for (t, row) in toks.iter().zip(xp.chunks_exact_mut(g8)) {
            self.project_token::<FMA>(t, row, &mut sc);
        }
        // the two directions
        let mut hs = vec![0f32; n * 2 * h];
        let mut hprev = vec![0f32; h];
        let mut c = vec![0f32; h];
        let mut gates = vec![0f32; 4 * h];
        for (dir, whh) in [(0usize, &self.whh_f), (1, &self.whh_b)] {
            hprev.iter_mut().for_each(|x| *x = 0.0);
            c.iter_mut().for_each(|x| *x = 0.0);
            for step in 0..n {
                let i = if dir == 0 { step } else { n - 1 - step };
                gates.copy_from_slice(&xp[i * g8 + dir * 4 * h..i * g8 + (dir + 1) * 4 * h]);
                matvec_add::<FMA>(whh, &hprev, &mut gates);
                // PyTorch's gate order: input, forget, cell, output
                let (ig, rest) = gates.split_at_mut(h);
                let (fg, rest) = rest.split_at_mut(h);
                let (g, og) = rest.split_at_mut(h);
                sigmoid_slice(ig);
                sigmoid_slice(fg);
                sigmoid_slice(og);
                for x in g.iter_mut() {
                    *x = fast_tanh(*x);
                }
                for ((((c, hp), i), f), (g, o)) in c
                    .iter_mut()
                    .zip(hprev.iter_mut())
                    .zip(ig.iter())
                    .zip(fg.iter())
                    .zip(g.iter().zip(og.iter()))
                {
                    *c = f * *c + i * g;
                    *hp = o * fast_tanh(*c);
                }
                hs[i * 2 * h + dir * h..i * 2 * h + (dir + 1) * h].copy_from_slice(&hprev);
            }
        }
        let mut em = vec![0f32; n * l];
        for (hrow, erow) in hs.chunks_exact(2 * h).zip(em.chunks_exact_mut(l)) {
            for (y, e) in erow.iter_mut().enumerate() {
                *e = self.out_b[y] + dot_plain(&self.out_w[y * 2 * h..(y + 1) * 2 * h], hrow);
            }
        }
        em
    }

    /// CRF transition (`[L * L]`, from × to; forbidden BIO moves carry a
    /// large negative score), start and end scores.
    pub fn crf(&self) -> (&[f32], &[f32], &[f32]) {
        (&self.trans, &self.start, &self.end)
    }

    /// BIO tags of one sentence.
    pub fn tag(&self, tokens: &[&str], clusters: &Clusters) -> Vec<String> {
        let toks = neural_tokens(tokens, clusters);
        let em = self.emissions(&toks);
        viterbi_end(&em, &self.trans, &self.start, &self.end, self.labels.len())
            .into_iter()
            .map(|y| self.labels[y].clone())
            .collect()
    }
}

#[inline(always)]
fn sigmoid_slice(xs: &mut [f32]) {
    for x in xs.iter_mut() {
        *x = 0.5 + 0.5 * fast_tanh(0.5 * *x);
    }
}

/// `tanh` as a rational function (odd degree 13 over even degree 6, the
/// coefficients of Eigen's float `tanh`), within a few units in the last
/// place, branch-free so that loops over it vectorize, and with no fused
/// multiply-add so that every CPU gets the same result.
#[inline(always)]
fn fast_tanh(x: f32) -> f32 {
    let x = x.clamp(-7.905_311, 7.905_311);
    let x2 = x * x;
    let mut p = x2 * -2.760_768_5e-16 + 2.000_188e-13;
    p = x2 * p + -8.604_672e-11;
    p = x2 * p + 5.122_297e-8;
    p = x2 * p + 1.485_722_4e-5;
    p = x2 * p + 6.372_619_3e-4;
    p = x2 * p + 4.893_524_6e-3;
    p *= x;
    let mut q = x2 * 1.198_258_4e-6 + 1.185_347_1e-4;
    q = x2 * q + 2.268_434_6e-3;
    q = x2 * q + 4.893_525e-3;
    p / q
}

/// The widest vector instructions this CPU has: 2 AVX-512, 1 AVX2 with
/// FMA, 0 neither (checked once).
#[cfg(target_arch = "x86_64")]
fn simd_level() -> u8 {
    static LEVEL: std::sync::OnceLock<u8> = std::sync::OnceLock::new();
    *LEVEL.get_or_init(|| {
        let avx2 = std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("fma");
        if avx2 && std::arch::is_x86_feature_detected!("avx512f") {
            2
        } else {
            u8::from(avx2)
        }
    })
}

#[inline(always)]
fn add(row: &mut [f32], x: &[f32]) {
    for (r, v) in row.iter_mut().zip(x) {
        *r += v;
    }
}

/// `out += W x` for `W` stored transposed (`wt[k * out.len() + r]` is
/// `W[r][k]`): one scaled column added per input, no horizontal sums.
/// The outputs are done in blocks of 128 held in registers while the inputs
/// stream past.
#[inline(always)]
fn matvec_add<const FMA: bool>(wt: &[f32], x: &[f32], out: &mut [f32]) {
    const B: usize = 128;
    let rows = out.len();
    let blocks = rows / B;
    for b in 0..blocks {
        let mut acc = [0f32; B];
        acc.copy_from_slice(&out[b * B..(b + 1) * B]);
        for (k, &xk) in x.iter().enumerate() {
            let col = &wt[k * rows + b * B..k * rows + (b + 1) * B];
            for j in 0..B {
                acc[j] = madd::<FMA>(xk, col[j], acc[j]);
            }
        }
        out[b * B..(b + 1) * B].copy_from_slice(&acc);
    }
    const S: usize = 16;
    let done = blocks * B;
    let small = (rows - done) / S;
    for b in 0..small {
        let o = done + b * S;
        let mut acc = [0f32; S];
        acc.copy_from_slice(&out[o..o + S]);
        for (k, &xk) in x.iter().enumerate() {
            let col = &wt[k * rows + o..k * rows + o + S];
            for j in 0..S {
                acc[j] = madd::<FMA>(xk, col[j], acc[j]);
            }
        }
        out[o..o + S].copy_from_slice(&acc);
    }
    for r in done + small * S..rows {
        let mut acc = out[r];
        for (k, &xk) in x.iter().enumerate() {
            acc += xk * wt[k * rows + r];
        }
        out[r] = acc;
    }
}

/// `a * b + c`, fused where the caller is compiled for FMA (`FMA` is true
/// only inside the functions compiled with it: elsewhere `mul_add` would be
/// a slow library call on x86-64).
#[inline(always)]
fn madd<const FMA: bool>(a: f32, b: f32, c: f32) -> f32 {
    if FMA {
        a.mul_add(b, c)
    } else {
        a * b + c
    }
}

/// The transpose of a row-major `rows × cols` matrix.
fn transpose(w: &[f32], rows: usize) -> Vec<f32> {
    let cols = w.len() / rows.max(1);
    let mut t = vec![0f32; w.len()];
    for r in 0..rows {
        for c in 0..cols {
            t[c * rows + r] = w[r * cols + c];
        }
    }
    t
}

/// A dot product with eight accumulators, so that it vectorizes (with AVX2
/// where the caller is compiled for it).
#[inline(always)]
fn dot_plain(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0f32; 8];
    let ca = a.chunks_exact(8);
    let cb = b.chunks_exact(8);
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let mut s = acc.iter().sum::<f32>();
    for (x, y) in ra.iter().zip(rb) {
        s += x * y;
    }
    s
}

/// Viterbi over emissions `[n * L]` with transitions `[L * L]`, start and
/// end scores.
pub fn viterbi_end(em: &[f32], trans: &[f32], start: &[f32], end: &[f32], l: usize) -> Vec<usize> {
    let n = em.len() / l.max(1);
    if n == 0 {
        return Vec::new();
    }
    let mut score: Vec<f32> = (0..l).map(|y| start[y] + em[y]).collect();
    let mut back = vec![0u8; n * l];
    let mut next = vec![0f32; l];
    for i in 1..n {
        for y in 0..l {
            let mut best = f32::NEG_INFINITY;
            let mut arg = 0;
            for p in 0..l {
                let s = score[p] + trans[p * l + y];
                if s > best {
                    best = s;
                    arg = p;
                }
            }
            next[y] = best + em[i * l + y];
            back[i * l + y] = arg as u8;
        }
        std::mem::swap(&mut score, &mut next);
    }
    let mut y = 0;
    let mut best = f32::NEG_INFINITY;
    for k in 0..l {
        let s = score[k] + end[k];
        if s > best {
            best = s;
            y = k;
        }
    }
    backtrack(&back, l, n, y)
}

/// The best path of a Viterbi pass from its back pointers (`back[i * l + y]`:
/// the label before `y` at `i`) and its last label.
pub(crate) fn backtrack(back: &[u8], l: usize, n: usize, mut y: usize) -> Vec<usize> {
    let mut out = vec![0; n];
    for i in (0..n).rev() {
        out[i] = y;
        if i > 0 {
            y = back[i * l + y] as usize;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_tanh_is_close_to_tanh() {
        let mut worst = 0f32;
        for k in -20_000..=20_000 {
            let x = k as f32 / 1000.0;
            worst = worst.max((fast_tanh(x) - x.tanh()).abs());
        }
        assert!(worst < 2e-6, "max error {worst}");
        assert_eq!(fast_tanh(0.0), 0.0);
        assert_eq!(fast_tanh(f32::INFINITY), fast_tanh(100.0));
    }

    #[test]
    fn transposed_matvec_is_a_matvec() {
        // W = [[1, 2, 3], [4, 5, 6]] (2 × 3)
        let w = [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0];
        let wt = transpose(&w, 2);
        assert_eq!(wt, [1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
        let mut out = [10.0f32, 20.0];
        matvec_add::<false>(&wt, &[1.0, 0.5, -1.0], &mut out);
        assert_eq!(out, [10.0 + 1.0 + 1.0 - 3.0, 20.0 + 4.0 + 2.5 - 6.0]);
        let a: Vec<f32> = (0..19).map(|i| i as f32).collect();
        assert_eq!(
            dot_plain(&a, &a),
            (0..19).map(|i| (i * i) as f32).sum::<f32>()
        );
    }
}
