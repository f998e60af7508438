//! Event coding of untrusted text with arbitrary argument spans: never
//! panics, trigger and sentence spans slice the input.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rasd_event::{extract, Arg, ArgKind, SentenceInput, TimeArg};

fuzz_target!(|input: (&str, Vec<(u16, u16, u8)>)| {
    let (text, spans) = input;
    let kinds = [ArgKind::Person, ArgKind::Org, ArgKind::Place, ArgKind::Other];
    let args: Vec<Arg> = spans
        .iter()
        .enumerate()
        .map(|(i, &(s, e, k))| Arg {
            start: s as usize,
            end: e as usize,
            kind: kinds[k as usize % 4],
            entity: i,
        })
        .collect();
    let times = [TimeArg {
        start: 0,
        end: text.len().min(4),
        value: "2024-06-03".into(),
        grain: "day".into(),
    }];
    for (s, e) in rasd_text::sentences(text) {
        let sent = SentenceInput {
            text,
            start: s,
            end: e,
            args: &args,
            times: &times,
        };
        for ev in extract(&sent) {
            assert!(text.get(ev.trigger.0..ev.trigger.1).is_some());
            assert!(text.get(ev.sentence.0..ev.sentence.1).is_some());
        }
    }
});
