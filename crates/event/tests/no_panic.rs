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
