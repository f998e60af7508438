//! Tests of the neural tagger's file format, network and combination with
//! the perceptron, on small hand-built models and invented sentences.

use proptest::prelude::*;
use rasd_ner::neural::{neural_tokens, viterbi_end, NeuralModel, CATS};
use rasd_ner::{entities, read_conll, train, Clusters, Model, TrainOptions};
use serde_json::json;

const LABELS: [&str; 9] = [
    "O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC",
];

/// A model file with hidden size 1. `lstm`: the value of every LSTM input
/// weight (0 makes the hidden state 0, so the emissions are `out_b`).
fn tiny_model(out_b: [f32; 9], lstm: f32, weight: Option<f32>) -> Vec<u8> {
    let in_dim = 2 + 2 + 1 + 16 + CATS;
    let mut tensors: Vec<(String, &str, Vec<usize>, Vec<u8>)> = Vec::new();
    let mut f32s = |name: &str, shape: Vec<usize>, v: Vec<f32>| {
        assert_eq!(v.len(), shape.iter().product::<usize>());
        let bytes = v.iter().flat_map(|x| x.to_le_bytes()).collect();
        tensors.push((name.to_string(), "f32", shape, bytes));
    };
    for t in ["word", "stem"] {
        f32s(&format!("{t}.scale"), vec![2], vec![0.01, 0.01]);
    }
    f32s("char", vec![2, 1], vec![0.0, 0.5]);
    f32s("conv.w", vec![1, 1, 3], vec![0.1, 0.2, 0.3]);
    f32s("conv.b", vec![1], vec![0.0]);
    f32s("procl", vec![1, 8], vec![0.1; 8]);
    f32s("encl", vec![1, 8], vec![0.1; 8]);
    for k in 0..CATS {
        f32s(&format!("cat{k}"), vec![1, 1], vec![0.2]);
    }
    for d in ["fwd", "bwd"] {
        f32s(
            &format!("lstm.{d}.wih"),
            vec![4, in_dim],
            vec![lstm; 4 * in_dim],
        );
        f32s(&format!("lstm.{d}.whh"), vec![4, 1], vec![lstm; 4]);
        f32s(&format!("lstm.{d}.b"), vec![4], vec![0.0; 4]);
    }
    f32s("out.w", vec![9, 2], vec![1.0; 18]);
    f32s("out.b", vec![9], out_b.to_vec());
    // the BIO constraints, as the trainer writes them
    let mut trans = vec![0f32; 81];
    let mut start = vec![0f32; 9];
    for (y, l) in LABELS.iter().enumerate() {
        if let Some(ty) = l.strip_prefix("I-") {
            start[y] = -1e4;
            for (p, pl) in LABELS.iter().enumerate() {
                if pl.get(2..) != Some(ty) {
                    trans[p * 9 + y] = -1e4;
                }
            }
        }
    }
    f32s("crf.trans", vec![9, 9], trans);
    f32s("crf.start", vec![9], start);
    f32s("crf.end", vec![9], vec![0.0; 9]);
    for t in ["word", "stem"] {
        tensors.push((format!("{t}.q"), "i8", vec![2, 2], vec![0, 0, 100, 156]));
    }
    let mut off = 0;
    let mut specs = Vec::new();
    for (name, dtype, shape, bytes) in &tensors {
        specs.push(json!({"name": name, "dtype": dtype, "shape": shape, "offset": off}));
        off += bytes.len();
    }
    let ones = [1usize; CATS];
    let mut header = json!({
        "labels": LABELS, "hidden": 1, "char_dim": 1, "char_filters": 1, "max_chars": 20,
        "cat_sizes": ones, "cat_dims": ones,
        "words": ["<unk>", "مدينه"], "stems": ["<unk>", "مدين"], "chars": ["<pad>", "<unk>"],
        "procl": ["<unk>"], "encl": ["<unk>"], "tensors": specs, "dev_f1": 0.5,
    });
    if let Some(w) = weight {
        header["weight"] = json!(w);
    }
    let head = serde_json::to_vec(&header).unwrap();
    let mut out = b"RASDNN01".to_vec();
    out.extend_from_slice(&(head.len() as u32).to_le_bytes());
    out.extend_from_slice(&head);
    for (_, _, _, bytes) in &tensors {
        out.extend_from_slice(bytes);
    }
    out
}

fn bias_to(label: &str, score: f32) -> [f32; 9] {
    let mut b = [0f32; 9];
    b[LABELS.iter().position(|l| *l == label).unwrap()] = score;
    b
}

fn no_clusters() -> Clusters {
    Clusters::from_entries(vec![4], std::iter::empty())
}

const SENTENCE: &str = "زار الوزير مدينة طنطا أمس";

#[test]
fn a_silent_network_emits_its_output_bias() {
    let nn = NeuralModel::load(&tiny_model(bias_to("B-LOC", 5.0), 0.0, None)).unwrap();
    assert_eq!(nn.labels(), LABELS);
    assert_eq!(nn.weight(), 1.0);
    assert_eq!(nn.dev_f1(), 0.5);
    let toks: Vec<&str> = SENTENCE.split(' ').collect();
    let em = nn.emissions(&neural_tokens(&toks, &no_clusters()));
    assert_eq!(em.len(), toks.len() * 9);
    for row in em.chunks(9) {
        assert_eq!(row, bias_to("B-LOC", 5.0));
    }
    assert_eq!(nn.tag(&toks, &no_clusters()), vec!["B-LOC"; 5]);
}

#[test]
fn a_live_network_gives_finite_scores_that_depend_on_the_words() {
    let nn = NeuralModel::load(&tiny_model([0.0; 9], 0.3, None)).unwrap();
    let toks: Vec<&str> = SENTENCE.split(' ').collect();
    let em = nn.emissions(&neural_tokens(&toks, &no_clusters()));
    assert!(em.iter().all(|x| x.is_finite()));
    // the known word (مدينة, a cached row) differs from an unknown one
    assert_ne!(em[2 * 9..3 * 9], em[3 * 9..4 * 9]);
    // a sentence of one token and an empty one
    assert_eq!(
        nn.emissions(&neural_tokens(&["طنطا"], &no_clusters()))
            .len(),
        9
    );
    assert!(nn.emissions(&[]).is_empty());
}

#[test]
fn prepared_rows_give_the_same_scores() {
    let mut nn = NeuralModel::load(&tiny_model([0.0; 9], 0.3, None)).unwrap();
    let toks: Vec<&str> = "في مدينة طنطا".split(' ').collect();
    let feats = neural_tokens(&toks, &no_clusters());
    let before = nn.emissions(&feats);
    nn.prepare(&no_clusters());
    let after = nn.emissions(&feats);
    assert_eq!(after.len(), before.len());
    // the same sums (fused multiply-adds may round the last bit differently)
    for (a, b) in after.iter().zip(&before) {
        assert!((a - b).abs() <= 1e-5 * b.abs().max(1.0), "{a} vs {b}");
    }
}

#[test]
fn viterbi_never_takes_a_forbidden_move() {
    let nn = NeuralModel::load(&tiny_model(bias_to("I-PER", 9.0), 0.0, None)).unwrap();
    let (tr, st, en) = nn.crf();
    let em: Vec<f32> = (0..4).flat_map(|_| bias_to("I-PER", 9.0)).collect();
    let path = viterbi_end(&em, tr, st, en, 9);
    // I-PER may not start a sentence: B-PER first, then I-PER
    assert_eq!(path, vec![1, 2, 2, 2]);
    assert!(viterbi_end(&[], tr, st, en, 9).is_empty());
}

#[test]
fn the_weight_decides_between_perceptron_and_network() {
    let toy = read_conll(include_str!("data/toy.conll")).unwrap();
    let opts = TrainOptions {
        epochs: 8,
        ..TrainOptions::default()
    };
    let mut m: Model = train(&toy, &no_clusters(), &opts, &mut |_, _| {});
    let toks: Vec<&str> = toy[0].tokens.iter().map(String::as_str).collect();
    let alone = m.tag(&toks);
    // a heavy network that says MISC everywhere wins
    let heavy = tiny_model(bias_to("B-MISC", 50.0), 0.0, Some(1000.0));
    m.set_neural(Some(NeuralModel::load(&heavy).unwrap()))
        .unwrap();
    assert_eq!(m.tag(&toks), vec!["B-MISC"; toks.len()]);
    // with weight 0 the perceptron decides alone
    let zero = NeuralModel::with_weight(&heavy, 0.0).unwrap();
    let nn = NeuralModel::load(&zero).unwrap();
    assert_eq!(nn.weight(), 0.0);
    m.set_neural(Some(nn)).unwrap();
    assert_eq!(m.tag(&toks), alone);
    m.set_neural(None).unwrap();
    assert!(m.neural().is_none());
    assert_eq!(m.tag(&toks), alone);
}

#[test]
fn load_rejects_bad_files_with_a_reason() {
    let good = tiny_model([0.0; 9], 0.1, None);
    assert!(NeuralModel::load(&good).is_ok());
    for bad in [
        &b""[..],
        &b"RASDNN01"[..],
        &good[..good.len() - 1],
        &good[..40],
        &b"RASDNER\0\x02\0\0\0"[..],
    ] {
        let e = NeuralModel::load(bad).unwrap_err().to_string();
        assert!(!e.is_empty());
    }
    // a tensor of the wrong shape
    let s = String::from_utf8_lossy(&good).replace("\"hidden\":1", "\"hidden\":2");
    let e = NeuralModel::load(s.as_bytes());
    assert!(e.is_err());
    // sizes that would overflow the shape arithmetic are errors, not panics
    let len = u32::from_le_bytes([good[8], good[9], good[10], good[11]]) as usize;
    let head = std::str::from_utf8(&good[12..12 + len]).unwrap();
    for (from, to) in [
        ("\"hidden\":1", "\"hidden\":18446744073709551615"),
        ("\"shape\":[2,1]", "\"shape\":[4294967296,4294967296]"),
        ("\"shape\":[2,2]", "\"shape\":[0,18446744073709551615]"),
    ] {
        assert!(head.contains(from), "{from} not in the header");
        // the header rewritten with its new length, the tensors unchanged
        let new = head.replacen(from, to, 1);
        let mut bytes = b"RASDNN01".to_vec();
        bytes.extend_from_slice(&(new.len() as u32).to_le_bytes());
        bytes.extend_from_slice(new.as_bytes());
        bytes.extend_from_slice(&good[12 + len..]);
        assert!(NeuralModel::load(&bytes).is_err(), "{to}");
    }
}

#[test]
fn the_shipped_model_combines_both_taggers() {
    let m = rasd_ner::default_model().expect("the embedded model loads");
    assert!(m.neural().is_some());
    assert!(m.neural().unwrap().weight() > 0.0);
    let s = "وصل وزير الخارجية السعودي فيصل بن فرحان إلى القاهرة أمس قادما من الرياض";
    let toks: Vec<&str> = s.split(' ').collect();
    let out = m.tag(&toks);
    let ents = entities(&toks, &out);
    assert!(ents.contains(&(8, 9, "LOC".to_string())), "{out:?}");
    assert!(ents.contains(&(12, 13, "LOC".to_string())), "{out:?}");
    assert!(ents.contains(&(4, 7, "PER".to_string())), "{out:?}");
}

#[test]
fn neural_tokens_carry_clitics_and_features() {
    let toks = neural_tokens(&["وبالقاهرة", "القاهرة", "2024"], &no_clusters());
    assert_eq!(toks[0].proclitics, "و+ب+ال+");
    assert_eq!(toks[0].stem, "قاهره");
    assert_eq!(toks[1].norm, "القاهره");
    assert_ne!(toks[1].cats[8], 0, "a gazetteer place");
    assert_ne!(toks[2].cats[6], toks[1].cats[6], "shapes differ");
}

#[test]
fn corpus_export_writes_vocabularies_and_ids() {
    let dir = std::env::temp_dir().join(format!("rasd-neural-export-{}", std::process::id()));
    let texts = vec![
        "ذهب الولد إلى المدرسة\nذهب الولد".to_string(),
        "ذهب".to_string(),
    ];
    let n = rasd_ner::neural::export_corpus(&texts, 2, &dir).unwrap();
    assert_eq!(n, 7);
    let vocab = std::fs::read_to_string(dir.join("norm.vocab")).unwrap();
    let lines: Vec<&str> = vocab.lines().collect();
    assert_eq!(lines, ["<unk>\t0", "ذهب\t3", "الولد\t2"]);
    let ids: Vec<u16> = std::fs::read(dir.join("norm.u16"))
        .unwrap()
        .chunks(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let b = rasd_ner::neural::CORPUS_BOUNDARY;
    assert_eq!(ids, [1, 2, 0, 0, b, 1, 2, b, 1, b]);
    assert!(dir.join("stem.vocab").exists());
    std::fs::remove_dir_all(&dir).ok();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]
    #[test]
    fn load_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300), cut in 0usize..4000) {
        let _ = NeuralModel::load(&bytes);
        let mut v = b"RASDNN01".to_vec();
        v.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        v.extend_from_slice(&bytes);
        let _ = NeuralModel::load(&v);
        let good = tiny_model([0.0; 9], 0.1, None);
        let _ = NeuralModel::load(&good[..cut.min(good.len())]);
    }
}
