//! A verb never carries tanween: a trigger verb's form with it is a noun or
//! an adverb (`فجراً` "at dawn", not `فجّرا` "they two blew up").

use rasd_event::{extract, EventType, SentenceInput};

fn types(text: &str) -> Vec<EventType> {
    extract(&SentenceInput {
        text,
        start: 0,
        end: text.len(),
        args: &[],
        times: &[],
    })
    .into_iter()
    .map(|e| e.etype)
    .collect()
}

#[test]
fn dawn_is_not_a_bombing() {
    assert!(
        !types("وصلت قافلة المساعدات إلى البلدة فجراً بعد رحلة طويلة").contains(&EventType::Assault)
    );
    // The verb itself still counts.
    assert!(types("فجّر مسلحون عبوة ناسفة قرب مبنى البلدية").contains(&EventType::Assault));
}
