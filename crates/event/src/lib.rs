//! Sentence-level coding of Arabic news text into PLOVER political events,
//! natively in Arabic.
//!
//! [`extract`] takes one sentence of a text field ([`SentenceInput`]: the
//! field text, the sentence's byte span, the entity mentions and time
//! expressions the caller found) and returns the [`EventMention`]s it
//! asserts, reports, plans, denies or asks about:
//!
//! 1. **Triggers**: the words of the sentence are folded
//!    ([`rasd_text::Folds::SEARCH`]) and read with their clitics off (`و ف`,
//!    future `س`, `ب ل ك` and the article before nouns, object pronouns, and
//!    [`rasd_text::segment`]'s stem), then matched against an embedded
//!    lexicon (`data/lexicon.tsv`, 467 patterns by PLOVER type and mode)
//!    whose verbs are inflected for person, number, gender and tense and whose
//!    nouns for number, case and state. Multi-word patterns and light verbs
//!    (`أجرى … مباحثات`, `فرض … عقوبات`, `شن … غارة`) allow a gap of up to five
//!    words; the trigger span covers the whole phrase, and longer patterns win.
//! 2. **Senses**: patterns marked ambiguous (`هجوم` in football, `قتل`,
//!    `ضربة جزاء`, `اعترض على` …) go through context rules and a small
//!    averaged perceptron trained on labelled sentences (`data/sense.tsv`,
//!    see [`sense`]). Any trigger is dropped when its clause is about a
//!    non-political subject (nature, feelings, products, data; sports, arts,
//!    business and private persons, except for crimes: `يهدد الجفاف`, `رفض
//!    الطالب`, `يدعم الهاتف`), when it is part of a name (`قوات الدعم
//!    السريع`), or when a vehicle or cargo arrives (`وصلت طائرة إغاثة`).
//! 3. **Modifiers**: negation (`لم لن لا ما ليس عدم`, `نفى`), intent (future
//!    `س`/`سوف`, `من المقرر`, `يعتزم`, pledges, purpose `لـ` + masdar),
//!    reported speech (`قال أفاد ذكرت وفق بحسب` …), questions (`هل`, `؟`) and
//!    hypotheticals (`إذا لو في حال`).
//! 4. **Arguments**: source, target, place and time from word order (VSO
//!    and SVO), prepositions, the masdar's genitive, `بدعوة من`, `في
//!    استقبال`, object pronouns; demonym phrases, country names and capitals
//!    become [`ActorRef::Country`]; a subject left to the verb's inflection is
//!    [`ActorRef::Implicit`]. Title and role words are never actors, places
//!    never persons.
//! 5. **Confidence**: lexical specificity × argument completeness × modifier
//!    and sense factors.
//!
//! All offsets are byte offsets into [`SentenceInput::text`]. [`extract`]
//! never panics: spans off character boundaries or out of range are ignored.
//!
//! [`eval`] scores the coder on hand-labelled sentences (`rasd events eval`,
//! `tests/eval.tsv`).

pub mod article;
pub mod corpus;
pub mod eval;
mod extract;
pub mod learned;
pub mod lexicon;
pub mod linear;
pub mod sense;
mod words;

use serde::{Deserialize, Serialize};

pub use extract::extract;
pub use lexicon::{lexicon_stats, LEXICON_TSV};

/// The 18 PLOVER event types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EventType {
    Agree,
    Consult,
    Support,
    Concede,
    Cooperate,
    Aid,
    Retreat,
    Investigate,
    Demand,
    Disapprove,
    Reject,
    Threaten,
    Protest,
    Crime,
    Sanction,
    Mobilize,
    Coerce,
    Assault,
}

impl EventType {
    /// Every type, in PLOVER order.
    pub const ALL: [EventType; 18] = [
        EventType::Agree,
        EventType::Consult,
        EventType::Support,
        EventType::Concede,
        EventType::Cooperate,
        EventType::Aid,
        EventType::Retreat,
        EventType::Investigate,
        EventType::Demand,
        EventType::Disapprove,
        EventType::Reject,
        EventType::Threaten,
        EventType::Protest,
        EventType::Crime,
        EventType::Sanction,
        EventType::Mobilize,
        EventType::Coerce,
        EventType::Assault,
    ];

    /// The PLOVER name: `"CONSULT"`, `"ASSAULT"` …
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Agree => "AGREE",
            EventType::Consult => "CONSULT",
            EventType::Support => "SUPPORT",
            EventType::Concede => "CONCEDE",
            EventType::Cooperate => "COOPERATE",
            EventType::Aid => "AID",
            EventType::Retreat => "RETREAT",
            EventType::Investigate => "INVESTIGATE",
            EventType::Demand => "DEMAND",
            EventType::Disapprove => "DISAPPROVE",
            EventType::Reject => "REJECT",
            EventType::Threaten => "THREATEN",
            EventType::Protest => "PROTEST",
            EventType::Crime => "CRIME",
            EventType::Sanction => "SANCTION",
            EventType::Mobilize => "MOBILIZE",
            EventType::Coerce => "COERCE",
            EventType::Assault => "ASSAULT",
        }
    }

    /// Parses a PLOVER name, case-insensitively (`"consult"`, `"CONSULT"`).
    pub fn parse(s: &str) -> Option<EventType> {
        EventType::ALL
            .iter()
            .copied()
            .find(|t| t.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl std::fmt::Display for EventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kind of an entity mention the caller passes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ArgKind {
    Person,
    Org,
    Place,
    Other,
}

/// An entity mention found by the caller: byte span in
/// [`SentenceInput::text`], kind, and the caller's (opaque) entity id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Arg {
    pub start: usize,
    pub end: usize,
    pub kind: ArgKind,
    /// The caller's id for the entity; returned as is in [`ActorRef::Entity`]
    /// and [`EventMention::place`].
    pub entity: usize,
}

/// A time expression found by the caller: byte span, normalized value (ISO
/// 8601) and grain (`day`, `month` …).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TimeArg {
    pub start: usize,
    pub end: usize,
    pub value: String,
    pub grain: String,
}

/// One sentence to code.
#[derive(Clone, Copy, Debug)]
pub struct SentenceInput<'a> {
    /// The whole field text (all offsets index it).
    pub text: &'a str,
    /// The sentence's byte span in `text`.
    pub start: usize,
    pub end: usize,
    /// All entity mentions of the field; those inside the sentence are used.
    pub args: &'a [Arg],
    /// All time expressions of the field; those inside the sentence are used.
    pub times: &'a [TimeArg],
}

/// Who did it, or to whom.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ActorRef {
    /// One of the caller's entities ([`Arg::entity`]): a person or an
    /// organisation (never a place, never a title word).
    Entity(usize),
    /// A country given by a demonym phrase (`الوفد الروسي`, `الجانب
    /// الليبي`), a country name, a capital standing for its government
    /// (`موسكو`), or a place visited (its country). `start..end` is the
    /// supporting span in the text.
    Country {
        code: String,
        start: usize,
        end: usize,
    },
    /// An unnamed group the sentence names by a common noun (`المتظاهرون`,
    /// `قوات النظام`, `طائرات التحالف`, `مسلحون`): `start..end` is its span.
    Group { start: usize, end: usize },
    /// The actor is only implied: by the verb's inflection (`وأكد`, `وبحث`),
    /// an object pronoun (`استقبله`), or an unresolved dual reference
    /// (`الطرفان`, `البلدين`). The caller falls back to the article's context.
    Implicit,
}

/// One event mention: a trigger in a sentence with its type, modifiers and
/// arguments.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventMention {
    pub etype: EventType,
    /// PLOVER mode (`visit`, `phone`, `military`, `arrest`, `demo` …).
    pub mode: Option<String>,
    /// Announced, planned, promised or future: not (yet) carried out.
    pub intent: bool,
    /// Negated or denied (`لم يزر`, `نفى أن`).
    pub negated: bool,
    /// Attributed to a speaker or source (`قال`, `وفق`, `بحسب` …).
    pub reported: bool,
    /// Asked about, not asserted (`هل …؟`).
    pub question: bool,
    /// Under a condition (`إذا`, `لو`, `في حال`).
    pub hypothetical: bool,
    /// The trigger is a verb (`زار`); else a noun (`زيارة`, `تفجير`), whose
    /// actor the sentence may not name.
    #[serde(default)]
    pub verbal: bool,
    /// Byte span of the trigger (the whole phrase for multi-word triggers).
    pub trigger: (usize, usize),
    /// Byte span of the sentence.
    pub sentence: (usize, usize),
    pub source: Option<ActorRef>,
    pub target: Option<ActorRef>,
    /// The place ([`Arg::entity`] of a [`ArgKind::Place`] mention).
    pub place: Option<usize>,
    /// Index into [`SentenceInput::times`].
    pub time: Option<usize>,
    /// In `[0, 1]`: lexical specificity × argument completeness × modifier
    /// and sense factors.
    pub confidence: f32,
}
