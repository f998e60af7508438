//! `extract` never panics: arbitrary text, arbitrary (even invalid) spans.

use proptest::prelude::*;
use rasd_event::{extract, Arg, ArgKind, SentenceInput, TimeArg};

fn kind(k: u8) -> ArgKind {
    match k % 4 {
        0 => ArgKind::Person,
        1 => ArgKind::Org,
        2 => ArgKind::Place,
        _ => ArgKind::Other,
    }
}

const PIECES: &[&str] = &[
    "زار",
    "الرئيس",
    "بنغازي",
    "وفد",
    "الروسي",
    "التقى",
    "في",
    "مع",
    "إلى",
    "لم",
    "سيزور",
    "هل",
    "؟",
    "،",
    ".",
    "فرض",
    "عقوبات",
    "على",
    "اعترضت",
    "مسيرة",
    "كان",
    "استقبال",
    "بدعوة",
    "من",
    "حفتر",
    "قصف",
    "ﻻ",
    "\u{200f}",
    "ـ",
    "ً",
    "a",
    "7",
    " ",
    "\n",
    "استقبله",
    "الطرفين",
    "بحثا",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arbitrary_text_and_spans(
        text in ".{0,200}",
        start in 0usize..400,
        end in 0usize..400,
        args in prop::collection::vec((0usize..400, 0usize..400, any::<u8>(), 0usize..10), 0..8),
        times in prop::collection::vec((0usize..400, 0usize..400), 0..4),
    ) {
        let args: Vec<Arg> = args.into_iter().map(|(s, e, k, id)| Arg { start: s, end: e, kind: kind(k), entity: id }).collect();
        let times: Vec<TimeArg> = times.into_iter().map(|(s, e)| TimeArg { start: s, end: e, value: String::new(), grain: String::new() }).collect();
        let input = SentenceInput { text: &text, start, end, args: &args, times: &times };
        for ev in extract(&input) {
            prop_assert!(ev.trigger.0 <= ev.trigger.1 && ev.trigger.1 <= text.len());
            prop_assert!(text.is_char_boundary(ev.trigger.0) && text.is_char_boundary(ev.trigger.1));
            prop_assert!((0.0..=1.0).contains(&ev.confidence));
        }
    }

    #[test]
    fn arabic_word_salad(
        idx in prop::collection::vec(0usize..PIECES.len(), 0..40),
        spans in prop::collection::vec((0usize..300, 0usize..300, any::<u8>()), 0..10),
    ) {
        let text: String = idx.iter().map(|&i| PIECES[i]).collect::<Vec<_>>().join(" ");
        let args: Vec<Arg> = spans.iter().enumerate().map(|(i, &(s, e, k))| Arg { start: s, end: e, kind: kind(k), entity: i }).collect();
        let input = SentenceInput { text: &text, start: 0, end: text.len(), args: &args, times: &[] };
        for ev in extract(&input) {
            prop_assert!(text.get(ev.trigger.0..ev.trigger.1).is_some());
            if let Some(p) = ev.place {
                prop_assert!(args.iter().any(|a| a.entity == p && a.kind == ArgKind::Place));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Article coding with the shipped learned coder: arbitrary Arabic word
    /// salad and arbitrary (even invalid) entity and time spans never panic;
    /// every trigger and sentence span is a slice of its field, the trigger
    /// inside its sentence, and every entity, place and time index valid.
    #[test]
    fn article_coding_keeps_offsets_and_indices(
        title in prop::collection::vec(0usize..PIECES.len(), 0..8),
        body in prop::collection::vec(0usize..PIECES.len(), 0..60),
        ents in prop::collection::vec((prop::collection::vec((0u8..3, 0usize..400, 0usize..400), 0..4), any::<u8>(), any::<bool>()), 0..6),
        times in prop::collection::vec((0u8..3, 0usize..400, 0usize..400), 0..3),
    ) {
        use rasd_event::article::{code_article, Actor, ArticleIn, EntityIn, TextField, TimeIn};
        let join = |v: &[usize]| v.iter().map(|&i| PIECES[i]).collect::<Vec<_>>().join(" ");
        let (title, body) = (join(&title), join(&body));
        let field = |f: u8| match f % 3 { 0 => TextField::Title, 1 => TextField::Summary, _ => TextField::Body };
        let entities: Vec<EntityIn> = ents
            .iter()
            .map(|(ms, k, c)| EntityIn {
                kind: kind(*k),
                mentions: ms.iter().map(|&(f, s, e)| (field(f), s, e)).collect(),
                country: c.then(|| "RU".to_string()),
            })
            .collect();
        let times: Vec<TimeIn> = times
            .iter()
            .map(|&(f, s, e)| TimeIn { field: field(f), start: s, end: e, value: Some("2024-06-03".into()), grain: "day".into() })
            .collect();
        let a = ArticleIn { title: Some(&title), summary: None, body: &body, entities: &entities, times: &times };
        for m in code_article(rasd_event::learned::coder(), &a) {
            let text = match m.field { TextField::Title => title.as_str(), TextField::Summary => "", TextField::Body => body.as_str() };
            prop_assert!(text.get(m.trigger.0..m.trigger.1).is_some_and(|t| !t.is_empty()));
            prop_assert!(text.get(m.sentence.0..m.sentence.1).is_some());
            prop_assert!(m.sentence.0 <= m.trigger.0 && m.trigger.1 <= m.sentence.1);
            for x in [&m.source, &m.target].into_iter().flatten() {
                if let Actor::Entity(i) = x {
                    prop_assert!(*i < entities.len());
                    prop_assert!(entities[*i].kind != ArgKind::Place, "a place is never an actor");
                }
            }
            for p in [m.place, m.context_place].into_iter().flatten() {
                prop_assert!(p < entities.len() && entities[p].kind == ArgKind::Place);
            }
            if let Some(t) = m.time {
                prop_assert!(t < times.len());
            }
        }
    }
}
