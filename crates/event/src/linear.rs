//! Multiclass linear models over hashed sparse features: softmax
//! regression trained with AdaGrad and an L2 penalty, stored as
//! [safetensors](https://huggingface.co/docs/safetensors) tensors (`NAME.keys`:
//! the feature hashes, `u64 [n]`, sorted; `NAME.weights`: `i8 [n, classes]`,
//! the weights quantized linearly by `NAME.scale`, the largest absolute
//! weight / 127) with the class names in the file's metadata
//! (`NAME.classes`, a JSON array). Training is deterministic: examples are
//! shuffled by a fixed seed.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use safetensors::tensor::{Dtype, TensorView};

/// FNV-1a hash of feature parts, each followed by a 0xff separator: the key
/// of a hashed feature.
pub fn fh(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0xff)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// A hasher for keys that are already hashes (FNV-mixed feature keys): the
/// key itself.
#[derive(Clone, Copy, Debug, Default)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn write_u64(&mut self, k: u64) {
        self.0 = k;
    }
}

/// A map keyed by feature hashes.
pub type KeyMap<V> = HashMap<u64, V, BuildHasherDefault<KeyHasher>>;

/// A trained multiclass linear model.
#[derive(Clone, Debug, Default)]
pub struct Linear {
    pub classes: Vec<String>,
    /// Feature hash → row of `weights`.
    index: KeyMap<u32>,
    /// Row-major `[rows, classes]`, quantized: the weight is `w * scale`.
    weights: Vec<i8>,
    scale: f32,
}

impl Linear {
    pub fn n_classes(&self) -> usize {
        self.classes.len()
    }

    /// Number of features with a weight row.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// The class index of `name`.
    pub fn class(&self, name: &str) -> Option<usize> {
        self.classes.iter().position(|c| c == name)
    }

    /// Adds the quantized weights of `feats` to `acc` (one integer per
    /// class: sums are exact, so partial sums may be cached and added in any
    /// order).
    pub fn accumulate(&self, feats: &[u64], acc: &mut [i32]) {
        for row in self.rows(feats) {
            for (o, w) in acc.iter_mut().zip(row) {
                *o += i32::from(*w);
            }
        }
    }

    /// The quantized weight rows of the features that have one.
    fn rows<'s>(&'s self, feats: &'s [u64]) -> impl Iterator<Item = &'s [i8]> + 's {
        let c = self.classes.len();
        feats.iter().filter_map(move |f| {
            let r = *self.index.get(f)? as usize;
            Some(&self.weights[r * c..(r + 1) * c])
        })
    }

    /// Class probabilities from accumulated weights (`out` is resized to
    /// the class count).
    pub fn probs_of(&self, acc: &[i32], out: &mut Vec<f32>) {
        out.clear();
        out.extend(acc.iter().map(|&x| x as f32 * self.scale));
        softmax(out);
    }

    /// Raw scores of every class (`out` is resized to the class count).
    /// The integer weights are summed in `f32`, exact below 2^24 as the i32
    /// sums of [`Linear::accumulate`] are, then scaled once.
    pub fn scores(&self, feats: &[u64], out: &mut Vec<f32>) {
        out.clear();
        out.resize(self.classes.len(), 0.0);
        for row in self.rows(feats) {
            for (o, w) in out.iter_mut().zip(row) {
                *o += f32::from(*w);
            }
        }
        out.iter_mut().for_each(|x| *x *= self.scale);
    }

    /// Class probabilities (softmax of the scores).
    pub fn probs(&self, feats: &[u64], out: &mut Vec<f32>) {
        self.scores(feats, out);
        softmax(out);
    }

    /// This model's keys, quantized weights, row count and scale.
    fn export(&self) -> (Vec<u8>, Vec<u8>, usize, f32) {
        let mut rows: Vec<(u64, u32)> = self.index.iter().map(|(k, v)| (*k, *v)).collect();
        rows.sort_unstable();
        let c = self.classes.len();
        let mut keys = Vec::with_capacity(rows.len() * 8);
        let mut w = Vec::with_capacity(rows.len() * c);
        for (k, r) in &rows {
            keys.extend_from_slice(&k.to_le_bytes());
            w.extend(
                self.weights[*r as usize * c..(*r as usize + 1) * c]
                    .iter()
                    .map(|&x| x as u8),
            );
        }
        (keys, w, rows.len(), self.scale)
    }

    /// Quantizes trained f32 rows linearly: the largest absolute weight
    /// becomes ±127.
    fn quantized(classes: Vec<String>, index: KeyMap<u32>, weights: &[f32]) -> Linear {
        let max = weights.iter().fold(0f32, |m, x| m.max(x.abs()));
        let scale = if max > 0.0 { max / 127.0 } else { 1.0 };
        Linear {
            classes,
            index,
            weights: weights
                .iter()
                .map(|x| (x / scale).round().clamp(-127.0, 127.0) as i8)
                .collect(),
            scale,
        }
    }

    fn import(
        name: &str,
        st: &safetensors::SafeTensors,
        meta: &HashMap<String, String>,
    ) -> Result<Linear, String> {
        let classes: Vec<String> = meta
            .get(&format!("{name}.classes"))
            .ok_or_else(|| format!("{name}: no class list in the metadata"))
            .and_then(|s| serde_json::from_str(s).map_err(|e| format!("{name}.classes: {e}")))?;
        let keys = st
            .tensor(&format!("{name}.keys"))
            .map_err(|e| format!("{name}.keys: {e}"))?;
        let w = st
            .tensor(&format!("{name}.weights"))
            .map_err(|e| format!("{name}.weights: {e}"))?;
        if keys.dtype() != Dtype::U64 || w.dtype() != Dtype::I8 {
            return Err(format!("{name}: keys must be u64 and weights i8"));
        }
        let scale: f32 = meta
            .get(&format!("{name}.scale"))
            .ok_or_else(|| format!("{name}: no scale in the metadata"))?
            .parse()
            .map_err(|e| format!("{name}.scale: {e}"))?;
        let n = keys.shape().first().copied().unwrap_or(0);
        if w.shape() != [n, classes.len()] {
            return Err(format!(
                "{name}: weights shape {:?}, expected [{n}, {}]",
                w.shape(),
                classes.len()
            ));
        }
        let mut index = KeyMap::with_capacity_and_hasher(n, Default::default());
        for (i, b) in keys.data().chunks_exact(8).enumerate() {
            let k = u64::from_le_bytes(b.try_into().expect("8 bytes"));
            index.insert(k, i as u32);
        }
        let weights = w.data().iter().map(|&b| b as i8).collect();
        Ok(Linear {
            classes,
            index,
            weights,
            scale,
        })
    }
}

/// In-place softmax.
pub fn softmax(v: &mut [f32]) {
    let m = v.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut s = 0.0;
    for x in v.iter_mut() {
        *x = (*x - m).exp();
        s += *x;
    }
    if s > 0.0 {
        for x in v.iter_mut() {
            *x /= s;
        }
    }
}

/// Writes named models, named sets of keys (`u64` tensors) and string
/// metadata into one safetensors file.
pub fn save(
    models: &[(&str, &Linear)],
    sets: &[(&str, &[u64])],
    meta: &[(&str, String)],
) -> Result<Vec<u8>, String> {
    let mut bufs = Vec::new();
    for (name, keys) in sets {
        let mut k: Vec<u64> = keys.to_vec();
        k.sort_unstable();
        let bytes = k.iter().flat_map(|x| x.to_le_bytes()).collect();
        bufs.push((name.to_string(), Dtype::U64, vec![k.len()], bytes));
    }
    let mut md: HashMap<String, String> = meta
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    for (name, m) in models {
        let (k, w, n, scale) = m.export();
        md.insert(
            format!("{name}.classes"),
            serde_json::to_string(&m.classes).map_err(|e| e.to_string())?,
        );
        md.insert(format!("{name}.scale"), scale.to_string());
        bufs.push((format!("{name}.keys"), Dtype::U64, vec![n], k));
        bufs.push((
            format!("{name}.weights"),
            Dtype::I8,
            vec![n, m.classes.len()],
            w,
        ));
    }
    let views: Vec<(String, TensorView)> = bufs
        .iter()
        .map(|(n, d, s, b)| {
            TensorView::new(*d, s.clone(), b)
                .map(|v| (n.clone(), v))
                .map_err(|e| e.to_string())
        })
        .collect::<Result<_, _>>()?;
    safetensors::serialize(views, Some(md)).map_err(|e| e.to_string())
}

/// The `u64` tensor `name` of a safetensors file, if it has one.
pub fn load_set(bytes: &[u8], name: &str) -> Result<Option<Vec<u64>>, String> {
    let st = safetensors::SafeTensors::deserialize(bytes).map_err(|e| e.to_string())?;
    let Ok(t) = st.tensor(name) else {
        return Ok(None);
    };
    if t.dtype() != Dtype::U64 {
        return Err(format!("{name}: must be u64"));
    }
    Ok(Some(
        t.data()
            .chunks_exact(8)
            .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
            .collect(),
    ))
}

/// Reads the models `names` and the metadata of a safetensors file.
pub fn load(
    bytes: &[u8],
    names: &[&str],
) -> Result<(Vec<Linear>, HashMap<String, String>), String> {
    let (_, header) = safetensors::SafeTensors::read_metadata(bytes).map_err(|e| e.to_string())?;
    let meta = header.metadata().clone().unwrap_or_default();
    let st = safetensors::SafeTensors::deserialize(bytes).map_err(|e| e.to_string())?;
    let models = names
        .iter()
        .map(|n| Linear::import(n, &st, &meta))
        .collect::<Result<_, _>>()?;
    Ok((models, meta))
}

/// Training settings.
#[derive(Clone, Copy, Debug)]
pub struct TrainOptions {
    pub epochs: usize,
    /// AdaGrad's learning rate.
    pub rate: f32,
    /// L2 penalty on every weight touched.
    pub l2: f32,
    /// Rows whose weights all stay under this are dropped from the model.
    pub prune: f32,
    /// Features seen in fewer examples are not learned.
    pub min_count: u32,
    pub seed: u64,
    /// The model is the mean of the weights after each of the last
    /// `average` epochs (1: the last epoch's weights).
    pub average: usize,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 12,
            rate: 0.1,
            l2: 1e-5,
            prune: 0.02,
            min_count: 2,
            seed: 0x005e_ed16,
            average: 1,
        }
    }
}

/// Trains a softmax model on `(class, features, weight)` examples.
pub fn train(classes: Vec<String>, data: &[(usize, Vec<u64>, f32)], o: TrainOptions) -> Linear {
    let c = classes.len();
    let mut w: HashMap<u64, Vec<f32>> = HashMap::new();
    let mut g2: HashMap<u64, Vec<f32>> = HashMap::new();
    let mut count: HashMap<u64, u32> = HashMap::new();
    for (_, f, _) in data {
        for x in f {
            *count.entry(*x).or_insert(0) += 1;
        }
    }
    let keep = |x: &u64| count.get(x).is_some_and(|&n| n >= o.min_count);
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut seed = o.seed;
    let mut p = vec![0.0f32; c];
    let mut sum: HashMap<u64, Vec<f32>> = HashMap::new();
    let first_avg = o.epochs.saturating_sub(o.average.max(1));
    for epoch in 0..o.epochs {
        for i in (1..order.len()).rev() {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            order.swap(i, (seed >> 33) as usize % (i + 1));
        }
        for &i in &order {
            let (y, f, wt) = &data[i];
            p.iter_mut().for_each(|x| *x = 0.0);
            for x in f {
                if let Some(row) = w.get(x) {
                    for (a, b) in p.iter_mut().zip(row) {
                        *a += b;
                    }
                }
            }
            softmax(&mut p);
            for x in f.iter().filter(|x| keep(x)) {
                let row = w.entry(*x).or_insert_with(|| vec![0.0; c]);
                let acc = g2.entry(*x).or_insert_with(|| vec![0.0; c]);
                for k in 0..c {
                    let g = wt * (p[k] - if k == *y { 1.0 } else { 0.0 }) + o.l2 * row[k];
                    if g == 0.0 {
                        continue;
                    }
                    acc[k] += g * g;
                    row[k] -= o.rate * g / (acc[k].sqrt() + 1e-6);
                }
            }
        }
        if epoch >= first_avg {
            for (k, row) in &w {
                let s = sum.entry(*k).or_insert_with(|| vec![0.0; c]);
                s.iter_mut().zip(row).for_each(|(a, b)| *a += b);
            }
        }
    }
    let n = (o.epochs - first_avg).max(1) as f32;
    let w: HashMap<u64, Vec<f32>> = sum
        .into_iter()
        .map(|(k, mut row)| {
            row.iter_mut().for_each(|x| *x /= n);
            (k, row)
        })
        .collect();
    let mut index = KeyMap::default();
    let mut weights = Vec::new();
    let mut keys: Vec<u64> = w.keys().copied().collect();
    keys.sort_unstable();
    for k in keys {
        let row = &w[&k];
        if row.iter().all(|x| x.abs() < o.prune) {
            continue;
        }
        index.insert(k, (weights.len() / c) as u32);
        weights.extend_from_slice(row);
    }
    Linear::quantized(classes, index, &weights)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_separable_classes_and_round_trips() {
        let classes = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        let data: Vec<(usize, Vec<u64>, f32)> = (0..60)
            .map(|i| (i % 3, vec![10 + (i % 3) as u64, 99], 1.0))
            .collect();
        let m = train(classes, &data, TrainOptions::default());
        let mut p = Vec::new();
        for k in 0..3 {
            m.probs(&[10 + k as u64, 99], &mut p);
            let best = (0..3).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap();
            assert_eq!(best, k, "{p:?}");
            assert!(p[k] > 0.8);
        }
        let bytes = save(&[("m", &m)], &[], &[("version", "1".into())]).unwrap();
        let (back, meta) = load(&bytes, &["m"]).unwrap();
        assert_eq!(meta.get("version").map(String::as_str), Some("1"));
        let mut q = Vec::new();
        back[0].probs(&[11, 99], &mut q);
        m.probs(&[11, 99], &mut p);
        // Quantized to 8 bits: the probabilities move by well under 1%.
        for (a, b) in p.iter().zip(&q) {
            assert!((a - b).abs() < 0.01, "{p:?} {q:?}");
        }
        assert!(load(&bytes[..bytes.len() - 3], &["m"]).is_err());
        assert!(load(&bytes, &["other"]).is_err());
    }
}
