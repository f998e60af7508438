//! Tests of rasd-ner on invented sentences (no external data).

use proptest::prelude::*;
use rasd_ner::{
    entities, evaluate, evaluate_tags, read_conll, train, Clusters, Error, Model, Scores, Sentence,
    TrainOptions,
};

const TOY: &str = include_str!("data/toy.conll");

fn toy() -> Vec<Sentence> {
    read_conll(TOY).unwrap()
}

fn toy_clusters() -> Clusters {
    let mut c = toy_cluster_ids();
    c.set_context("نوران", [0, 2, 0]);
    c
}

fn toy_cluster_ids() -> Clusters {
    Clusters::from_entries(
        vec![4, 16],
        [
            ("كريم", vec![0u16, 1u16]),
            ("سامي", vec![0, 1]),
            ("نوران", vec![1, 5]),
            ("وردان", vec![1, 5]),
            ("النخيل", vec![2, 9]),
        ]
        .into_iter()
        .map(|(w, v)| (w.to_string(), v)),
    )
}

fn tags(s: &[&str]) -> Vec<String> {
    s.iter().map(|t| t.to_string()).collect()
}

fn toy_model(seed: u64) -> Model {
    let opts = TrainOptions {
        epochs: 8,
        seed,
        ..TrainOptions::default()
    };
    train(&toy(), &toy_clusters(), &opts, &mut |_, _| {})
}

#[test]
fn read_conll_edge_cases() {
    let text = "\n\nأ B-PERS  \r\nب I-PERS\r\n\r\n\r\nج O\nد\tB-LOC";
    let s = read_conll(text).unwrap();
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].tokens, vec!["أ", "ب"]);
    assert_eq!(s[0].tags, vec!["B-PERS", "I-PERS"]);
    assert_eq!(s[1].tokens, vec!["ج", "د"]);
    assert_eq!(s[1].tags, vec!["O", "B-LOC"]);
    assert!(read_conll("").unwrap().is_empty());
    assert!(read_conll("\n \n\r\n").unwrap().is_empty());
    assert_eq!(toy().len(), 6);
}

#[test]
fn read_conll_errors_name_the_line() {
    match read_conll("أ O\nب O\n\nكلمة\n") {
        Err(Error::Conll { line, .. }) => assert_eq!(line, 4),
        other => panic!("{other:?}"),
    }
    match read_conll("أ O\nب X-LOC\n") {
        Err(e @ Error::Conll { line: 2, .. }) => assert!(e.to_string().starts_with("line 2:")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn entities_follow_conll_semantics() {
    let toks = ["a", "b", "c", "d", "e", "f"];
    let t = tags(&["I-PERS", "I-PERS", "B-LOC", "I-ORG", "O", "B-MISC"]);
    assert_eq!(
        entities(&toks, &t),
        vec![
            (0, 2, "PER".to_string()),
            (2, 3, "LOC".to_string()),
            (3, 4, "ORG".to_string()),
            (5, 6, "MISC".to_string())
        ]
    );
    let t = tags(&["B-LOC", "B-LOC", "I-LOC", "O", "I-LOC", "I-PER"]);
    assert_eq!(
        entities(&toks, &t),
        vec![
            (0, 1, "LOC".to_string()),
            (1, 3, "LOC".to_string()),
            (4, 5, "LOC".to_string()),
            (5, 6, "PER".to_string())
        ]
    );
}

#[test]
fn scores_exact_numbers() {
    // gold: PER(0,2) LOC(3,4) ORG(5,7)   pred: PER(0,2) LOC(3,4) ORG(5,6) MISC(7,8)
    let gold = Sentence {
        tokens: (0..8).map(|i| i.to_string()).collect(),
        tags: tags(&["B-PERS", "I-PERS", "O", "B-LOC", "O", "B-ORG", "I-ORG", "O"]),
    };
    let pred = vec![tags(&[
        "B-PER", "I-PER", "O", "I-LOC", "O", "B-ORG", "O", "B-MISC",
    ])];
    let s: Scores = evaluate_tags(&[gold], &pred);
    assert_eq!((s.micro.tp, s.micro.pred, s.micro.gold), (2, 4, 3));
    assert!((s.micro.precision() - 0.5).abs() < 1e-12);
    assert!((s.micro.recall() - 2.0 / 3.0).abs() < 1e-12);
    assert!((s.f1() - 4.0 / 7.0).abs() < 1e-12);
    assert_eq!(s.per_type["PER"].f1(), 1.0);
    assert_eq!(s.per_type["ORG"].f1(), 0.0);
    assert_eq!((s.per_type["MISC"].pred, s.per_type["MISC"].gold), (1, 0));
    assert_eq!(s.correct_tokens, 5);
    let report = s.report();
    assert_eq!(report.lines().last().unwrap(), "F1: 0.5714");
    assert!(report.contains("micro"));
    // nothing at all
    let empty = Scores::default();
    assert_eq!(empty.report().lines().last().unwrap(), "F1: 0.0000");
}

#[test]
fn training_learns_the_toy_set() {
    let m = toy_model(3);
    let data = toy();
    let s = evaluate(&m, &data);
    assert_eq!(s.f1(), 1.0, "{}", s.report());
    let out = m.tag(&["زار", "كريم", "الزين", "مدينة", "نوران"]);
    assert_eq!(out, tags(&["O", "B-PER", "I-PER", "O", "B-LOC"]));
    assert!(m.tag(&[]).is_empty());
}

#[test]
fn decoding_respects_bio() {
    let m = toy_model(3);
    // I- never starts a sentence nor follows O or another type.
    for s in [
        vec!["النخيل"],
        vec!["الزين", "النخيل", "الربيع"],
        vec!["في", "الزين", "الربيع", "النخيل", "."],
    ] {
        let out = m.tag(&s);
        assert_eq!(out.len(), s.len());
        for (i, t) in out.iter().enumerate() {
            if let Some(ty) = t.strip_prefix("I-") {
                assert!(i > 0, "{out:?}");
                let prev = &out[i - 1];
                assert!(
                    prev == &format!("B-{ty}") || prev == &format!("I-{ty}"),
                    "{out:?}"
                );
            }
        }
    }
}

#[test]
fn save_load_round_trip_and_determinism() {
    let a = toy_model(11);
    let b = toy_model(11);
    let (mut ba, mut bb) = (Vec::new(), Vec::new());
    a.save(&mut ba).unwrap();
    b.save(&mut bb).unwrap();
    assert_eq!(ba, bb, "same seed, same bytes");
    let c = Model::load(&ba[..]).unwrap();
    assert!(c == a, "loaded model differs");
    let s = ["وصل", "سامي", "إلى", "نوران"];
    assert_eq!(c.tag(&s), a.tag(&s));
    let mut bc = Vec::new();
    c.save(&mut bc).unwrap();
    assert_eq!(bc, ba);
}

#[test]
fn load_rejects_corrupt_models() {
    let mut bytes = Vec::new();
    toy_model(1).save(&mut bytes).unwrap();
    assert!(matches!(Model::load(&b""[..]), Err(Error::Format(_))));
    assert!(matches!(
        Model::load(&b"hello world, not a model at all"[..]),
        Err(Error::Format(_))
    ));
    let mut v = bytes.clone();
    v[8] = 99;
    assert!(matches!(
        Model::load(&v[..]),
        Err(Error::Version { found: 99, .. })
    ));
    for cut in [0, 10, 27, 28, 100, bytes.len() - 1] {
        assert!(Model::load(&bytes[..cut]).is_err(), "cut at {cut}");
    }
    for i in (28..bytes.len()).step_by(7) {
        let mut v = bytes.clone();
        v[i] ^= 0x5a;
        assert!(Model::load(&v[..]).is_err(), "flip at {i}");
    }
}

#[test]
fn stacked_model_tags_documents() {
    let m = toy_model(5);
    assert!(m.is_stacked());
    let a: &[&str] = &["زار", "كريم", "الزين", "مدينة", "نوران"];
    let b: &[&str] = &["وصل", "سامي", "إلى", "نوران"];
    let out = m.tag_document(&[a, b]);
    assert_eq!(out.len(), 2);
    assert_eq!((out[0].len(), out[1].len()), (5, 4));
    assert_eq!(out[0], tags(&["O", "B-PER", "I-PER", "O", "B-LOC"]));
    // a sentence on its own is a document of one sentence
    assert_eq!(m.tag_document(&[b]).pop().unwrap(), m.tag(b));
    assert!(m.tag_document(&[]).is_empty());
    let empty: &[&str] = &[];
    assert_eq!(m.tag_document(&[empty, b])[0], Vec::<String>::new());
    // without stacking there is one stage
    let opts = TrainOptions {
        epochs: 8,
        stacked: false,
        ..TrainOptions::default()
    };
    let m1 = train(&toy(), &toy_clusters(), &opts, &mut |_, _| {});
    assert!(!m1.is_stacked());
    assert!(m1.num_features() < m.num_features());
    assert_eq!(evaluate(&m1, &toy()).f1(), 1.0);
}

#[test]
fn clusters_tsv_round_trip() {
    let mut c = toy_cluster_ids();
    c.set_stats("نوران", 5, 0);
    c.set_context("نوران", [0, 3, 1]);
    let mut buf = Vec::new();
    c.save(&mut buf).unwrap();
    let d = Clusters::load(&buf[..]).unwrap();
    assert_eq!(c, d);
    assert_eq!(d.get("نوران"), Some(&[1u16, 5][..]));
    assert_eq!(d.get("غائب"), None);
    assert_eq!(d.context("نوران"), Some([0, 3, 1]));
    assert_eq!(d.context("غائب"), None);
    assert!(
        Clusters::load(&b"#rasd-clusters\t4\nword\t1\n#rasd-context\nword\t1\t5\t0\n"[..]).is_err()
    );
    assert!(Clusters::load(&b"word\t1\n"[..]).is_err());
    assert!(Clusters::load(&b"#rasd-clusters\t4\nword\t9\n"[..]).is_err());
}

#[test]
fn default_model_tags_an_invented_sentence() {
    let m = match rasd_ner::default_model() {
        Ok(m) => m,
        Err(e) => panic!("the embedded model should load: {e}"),
    };
    let s = "التقى الرئيس محمد سالم وزير الخارجية في القاهرة";
    let toks: Vec<&str> = s.split(' ').collect();
    let out = m.tag(&toks);
    let ents = entities(&toks, &out);
    assert!(ents.contains(&(7, 8, "LOC".to_string())), "{out:?}");
    assert!(ents.iter().any(|e| e.2 == "PER" && e.0 == 2), "{out:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn load_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = Model::load(&bytes[..]);
        // also behind a valid-looking header
        let mut v = b"RASDNER\0\x02\0\0\0".to_vec();
        v.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        v.extend_from_slice(&[0u8; 8]);
        v.extend_from_slice(&bytes);
        let _ = Model::load(&v[..]);
    }

    #[test]
    fn clusters_load_never_panics(s in ".{0,200}") {
        let _ = Clusters::load(s.as_bytes());
    }

    #[test]
    fn read_conll_never_panics(s in ".{0,200}") {
        let _ = read_conll(&s);
    }
}
