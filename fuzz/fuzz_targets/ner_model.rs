//! Model files given on the command line (`rasd ner eval --model/--neural`):
//! loading a perceptron or a neural model from any bytes never panics, and a
//! neural model that loads tags a sentence with finite scores.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rasd_ner::neural::{neural_tokens, NeuralModel};
use rasd_ner::{Clusters, Model};

fuzz_target!(|data: &[u8]| {
    let _ = Model::load(data);
    // behind each format's magic, so that the header parsers are reached
    let mut v = b"RASDNN01".to_vec();
    v.extend_from_slice(&(data.len().min(u32::MAX as usize) as u32).to_le_bytes());
    v.extend_from_slice(data);
    for bytes in [data, &v[..]] {
        if let Ok(nn) = NeuralModel::load(bytes) {
            let clusters = Clusters::from_entries(vec![4], std::iter::empty());
            let toks = neural_tokens(&["زار", "الوزير", "طنطا"], &clusters);
            let em = nn.emissions(&toks);
            assert_eq!(em.len(), 3 * nn.labels().len());
        }
    }
});
