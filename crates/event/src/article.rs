//! Article-level event coding: the one function ([`code_article`]) that
//! ingest, `rasd annotate`, `rasd events eval` and training exports call.
//!
//! It takes an article's texts (title, summary, body), the entities the
//! caller's NER and resolution found (with every mention), and the time
//! expressions, and returns the article's event mentions with their actors
//! resolved in the article:
//!
//! * each sentence of each field is coded by the learned coder
//!   ([`crate::learned`]), with the title as context of the other fields;
//! * an argument span that holds an entity mention takes that entity; a
//!   country (a place entity that is a country, or the lexicon's demonym
//!   phrase: `القوات الأمريكية`, `الجانب الروسي`) becomes the country as a
//!   state actor; a city or other place is never an actor, nor an entity
//!   named as the medium of a statement (`عبر حسابها على منصة إكس`,
//!   `data/media.txt`); any other span is an unnamed group named by its
//!   words (`المتظاهرون`, `قوات النظام`), unless it starts with a verb form
//!   (`أجريا`) or is a one-word indefinite relative adjective (`عمالية`);
//! * a source the sentence leaves to the verb (`وأكد`, `استقبله`) is the
//!   last person or organisation named before the trigger in the sentence,
//!   else, for a non-physical act, the article's most mentioned person
//!   (else organisation);
//! * the date is the time expression the lexicon attached to the trigger,
//!   else the sentence's only date;
//! * a headline (title or summary) mention without actors takes the actors
//!   of the body's mentions of its type when they name one pair.
//!
//! Every mention is kept with its span; two mentions of one act (one type,
//! one source and target, one date) become one event when the caller merges
//! mentions into events.

use std::collections::HashSet;
use std::sync::OnceLock;

use rasd_text::{fold, Folds};

use crate::learned::{Coded, Coder, Context, RoleSpan, TitleWords, Where};
use crate::{ActorRef, Arg, ArgKind, EventType, SentenceInput, TimeArg};

/// Words that name the medium of a statement (`data/media.txt`).
pub const MEDIA_TXT: &str = include_str!("../data/media.txt");

/// A word folded for the media list: `Folds::SEARCH`, a leading conjunction
/// or preposition and the article off.
fn media_key(w: &str) -> String {
    let f = fold(w, &Folds::SEARCH);
    let mut s = f.as_str();
    for p in ["و", "ف"] {
        if let Some(r) = s.strip_prefix(p) {
            if r.chars().count() >= 3 {
                s = r;
            }
        }
    }
    for p in ["ب", "ل"] {
        if let Some(r) = s.strip_prefix(p) {
            if r.chars().count() >= 3 {
                s = r;
            }
        }
    }
    if let Some(r) = s.strip_prefix("ال") {
        if r.chars().count() >= 2 {
            s = r;
        }
    }
    s.to_string()
}

/// The media list, folded; an error names a bad line.
pub fn parse_media(text: &str) -> Result<HashSet<String>, String> {
    let mut out = HashSet::new();
    for (n, line) in text.lines().enumerate() {
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        if l.split_whitespace().count() != 1
            || !l.chars().all(|c| ('\u{0621}'..='\u{064A}').contains(&c))
        {
            return Err(format!(
                "media.txt:{}: one Arabic word per line: {l:?}",
                n + 1
            ));
        }
        if !out.insert(media_key(l)) {
            return Err(format!("media.txt:{}: {l} twice", n + 1));
        }
    }
    Ok(out)
}

fn media() -> &'static HashSet<String> {
    static M: OnceLock<HashSet<String>> = OnceLock::new();
    // The embedded list is this crate's own (checked by its tests).
    M.get_or_init(|| parse_media(MEDIA_TXT).unwrap_or_default())
}

/// Is the mention at `start` named as a medium: one of the two words
/// before it is a media word (`منصة إكس`, `حسابه على تويتر`)?
fn is_medium(text: &str, start: usize) -> bool {
    let Some(before) = text.get(..start) else {
        return false;
    };
    before
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .rev()
        .take(2)
        .any(|w| media().contains(&media_key(w)))
}

/// May a span of words name a group: its first word is no verb form of the
/// lexicon (`أجريا`, `بحثا`: the role model's slips), and it is not one
/// indefinite relative adjective (`عمالية`, `عراقية`: a fragment of a
/// phrase, not a group; `مسلحون` is one)?
fn nominal(words: &str) -> bool {
    let mut ws = words.split_whitespace();
    let Some(first) = ws.next() else {
        return false;
    };
    if crate::extract::verb_form(first) {
        return false;
    }
    let f = fold(first, &Folds::SEARCH);
    let adjective =
        !f.starts_with("ال") && (f.ends_with("يه") || f.ends_with("ية") || f.ends_with('ي'));
    !(ws.next().is_none() && adjective)
}

/// A text field of an article.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TextField {
    Title,
    Summary,
    Body,
}

/// One entity of the article.
#[derive(Clone, Debug, PartialEq)]
pub struct EntityIn {
    pub kind: ArgKind,
    /// Every mention: field and byte span.
    pub mentions: Vec<(TextField, usize, usize)>,
    /// ISO alpha-2 when the entity is a country (a place that is a country).
    pub country: Option<String>,
}

/// One time expression of the article.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeIn {
    pub field: TextField,
    pub start: usize,
    pub end: usize,
    /// Normalized value (ISO 8601) and grain, when it dates something.
    pub value: Option<String>,
    pub grain: String,
}

/// An article to code.
#[derive(Clone, Copy, Debug)]
pub struct ArticleIn<'a> {
    pub title: Option<&'a str>,
    pub summary: Option<&'a str>,
    pub body: &'a str,
    pub entities: &'a [EntityIn],
    pub times: &'a [TimeIn],
}

/// An actor of a coded event.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Actor {
    /// Index into [`ArticleIn::entities`].
    Entity(usize),
    /// A country as a state actor: ISO alpha-2 and the words that name it.
    Country(String, String),
    /// An unnamed group: its words as written, a leading conjunction off.
    Group(String),
}

/// One event mention of the article.
#[derive(Clone, Debug, PartialEq)]
pub struct ArticleMention {
    pub field: TextField,
    pub etype: EventType,
    pub mode: Option<String>,
    pub intent: bool,
    pub negated: bool,
    /// Attributed to a speaker (`قال`, `وفق`, `بحسب`).
    pub reported: bool,
    /// The trigger is a verb (else a noun).
    pub verbal: bool,
    pub trigger: (usize, usize),
    pub sentence: (usize, usize),
    pub source: Option<Actor>,
    /// The source was left to the verb or to the article's context.
    pub source_implicit: bool,
    pub target: Option<Actor>,
    /// Index into [`ArticleIn::entities`] of a place the sentence names.
    pub place: Option<usize>,
    /// The place named last before the sentence in its paragraph (where a
    /// report goes on about what happened there), when the sentence names
    /// none.
    pub context_place: Option<usize>,
    /// Index into [`ArticleIn::times`].
    pub time: Option<usize>,
    pub confidence: f32,
}

/// Types whose source is the one who acts physically: its reporter or
/// commentator is never taken for it.
fn physical(t: EventType) -> bool {
    matches!(
        t,
        EventType::Assault
            | EventType::Coerce
            | EventType::Crime
            | EventType::Protest
            | EventType::Mobilize
            | EventType::Retreat
    )
}

struct FieldArgs {
    field: TextField,
    args: Vec<Arg>,
}

fn field_args(a: &ArticleIn, field: TextField) -> FieldArgs {
    let mut args: Vec<Arg> = a
        .entities
        .iter()
        .enumerate()
        .flat_map(|(i, e)| {
            e.mentions
                .iter()
                .filter(move |m| m.0 == field)
                .map(move |m| Arg {
                    start: m.1,
                    end: m.2,
                    kind: e.kind,
                    entity: i,
                })
        })
        .collect();
    args.sort_by_key(|x| (x.start, x.end));
    FieldArgs { field, args }
}

/// Codes an article (see the module documentation). Without an embedded
/// coder (`None`), nothing is coded.
pub fn code_article(coder: Option<&Coder>, a: &ArticleIn) -> Vec<ArticleMention> {
    let Some(coder) = coder else {
        return Vec::new();
    };
    let title_args = field_args(a, TextField::Title);
    // The article's most mentioned person, else organisation.
    let most = |k: ArgKind| {
        a.entities
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind == k)
            .max_by_key(|(i, e)| (e.mentions.len(), std::cmp::Reverse(*i)))
            .map(|(i, _)| i)
    };
    let main = most(ArgKind::Person).or_else(|| most(ArgKind::Org));
    let title_words = TitleWords::new(a.title.unwrap_or(""), &title_args.args);
    let mut out = Vec::new();
    for (field, text) in [
        (TextField::Title, a.title),
        (TextField::Summary, a.summary),
        (TextField::Body, Some(a.body)),
    ] {
        let Some(text) = text else { continue };
        let fa = if field == TextField::Title {
            FieldArgs {
                field,
                args: title_args.args.clone(),
            }
        } else {
            field_args(a, field)
        };
        let times = FieldTimes::of(a, field);
        let ctx = match (field, a.title) {
            (TextField::Title, _) | (_, None) => Context::default(),
            (_, Some(title)) => Context {
                title,
                title_args: &title_args.args,
                words: Some(&title_words),
            },
        };
        for (s, e) in rasd_text::sentences(text) {
            let input = SentenceInput {
                text,
                start: s,
                end: e,
                args: &fa.args,
                times: &times.args,
            };
            for c in coder.code(&input, &ctx) {
                out.push(resolve(a, &fa, &title_args, &c, text, (s, e), main, &times));
            }
        }
    }
    headlines_join_the_body(&mut out);
    out
}

/// A headline (title or summary) mention without actors reports the act the
/// body tells: when the body's mentions of its type (and flags) name one
/// pair of actors, the headline takes it, so both become one event.
fn headlines_join_the_body(out: &mut [ArticleMention]) {
    for i in 0..out.len() {
        let m = &out[i];
        if m.field == TextField::Body || m.source.is_some() || m.target.is_some() {
            continue;
        }
        let mut pairs = out
            .iter()
            .filter(|b| {
                b.field == TextField::Body
                    && b.etype == m.etype
                    && b.negated == m.negated
                    && b.intent == m.intent
                    && (b.source.is_some() || b.target.is_some())
            })
            .map(|b| (b.source.clone(), b.target.clone()));
        let Some(first) = pairs.next() else { continue };
        if pairs.all(|p| p == first) {
            (out[i].source, out[i].target) = first;
        }
    }
}

/// The words of a span, a leading conjunction off.
fn group_words(t: &str) -> String {
    let t = t.trim();
    match t.strip_prefix(['و', 'ف']) {
        Some(r) if r.starts_with("ال") || r.chars().count() >= 5 => r.to_string(),
        _ => t.to_string(),
    }
}

/// The time expressions of one field: their indexes into
/// [`ArticleIn::times`] and their values, for the coder.
struct FieldTimes {
    idx: Vec<usize>,
    args: Vec<TimeArg>,
}

impl FieldTimes {
    fn of(a: &ArticleIn, field: TextField) -> FieldTimes {
        let (idx, args) = a
            .times
            .iter()
            .enumerate()
            .filter(|(_, t)| t.field == field)
            .map(|(i, t)| {
                let arg = TimeArg {
                    start: t.start,
                    end: t.end,
                    value: t.value.clone().unwrap_or_default(),
                    grain: t.grain.clone(),
                };
                (i, arg)
            })
            .unzip();
        FieldTimes { idx, args }
    }
}

#[allow(clippy::too_many_arguments)]
fn resolve(
    a: &ArticleIn,
    fa: &FieldArgs,
    title_args: &FieldArgs,
    c: &Coded,
    text: &str,
    sentence: (usize, usize),
    main: Option<usize>,
    times: &FieldTimes,
) -> ArticleMention {
    let lex = c.lexical.as_ref();
    let actor = |r: &Option<RoleSpan>, lexical: Option<&ActorRef>| -> Option<Actor> {
        let r = r.as_ref()?;
        let (args, t) = match r.at {
            Where::Here => (&fa.args, text),
            Where::Title => (&title_args.args, a.title.unwrap_or("")),
        };
        let hit = args
            .iter()
            .filter(|x| x.start < r.end && r.start < x.end)
            .min_by_key(|x| (x.kind == ArgKind::Place, x.start));
        if let Some(x) = hit {
            // A medium of a statement, or a one-word "name" that is a verb
            // form (`أجريا`: an NER slip), is no actor.
            let w = t.get(x.start..x.end).unwrap_or("");
            if is_medium(t, x.start)
                || (!w.trim().contains(' ') && crate::extract::verb_form(w.trim()))
            {
                return None;
            }
            let e = &a.entities[x.entity];
            return match (&e.country, x.kind) {
                (Some(code), _) => Some(Actor::Country(
                    code.clone(),
                    t.get(x.start..x.end)?.to_string(),
                )),
                (None, ArgKind::Place) => None,
                _ => Some(Actor::Entity(x.entity)),
            };
        }
        if let (Where::Here, Some(ActorRef::Country { code, start, end })) = (r.at, lexical) {
            if *start < r.end && r.start < *end {
                return Some(Actor::Country(
                    code.clone(),
                    t.get(*start..*end)?.to_string(),
                ));
            }
        }
        // A span the rules also read as a group, or one that may be a noun.
        let by_rules = matches!((r.at, lexical), (Where::Here, Some(ActorRef::Group { start, end })) if *start < r.end && r.start < *end);
        let words = group_words(t.get(r.start..r.end)?);
        (!words.is_empty() && (by_rules || nominal(&words))).then_some(Actor::Group(words))
    };
    let mut source = actor(&c.source, lex.and_then(|l| l.source.as_ref()));
    let mut target = actor(&c.target, lex.and_then(|l| l.target.as_ref()));

    let mut source_implicit = false;
    if source.is_none() && lex.is_some_and(|l| l.source == Some(ActorRef::Implicit)) {
        // The subject left to the verb: the last person or organisation
        // named before the trigger, else the article's main actor.
        let before = fa
            .args
            .iter()
            .filter(|x| {
                matches!(x.kind, ArgKind::Person | ArgKind::Org)
                    && !is_medium(text, x.start)
                    && x.start >= sentence.0
                    && x.end <= c.trigger.0
                    && target != Some(Actor::Entity(x.entity))
            })
            .max_by_key(|x| x.start)
            .map(|x| x.entity);
        let fallback = if physical(c.etype) { None } else { main };
        source = before.or(fallback).map(Actor::Entity);
        source_implicit = source.is_some();
    }
    if target.is_some() && target == source {
        target = None;
    }
    // The place the coder chose (in the sentence or the title), else the
    // rules'.
    let place = c
        .place
        .and_then(|r| {
            let args = match r.at {
                Where::Here => &fa.args,
                Where::Title => &title_args.args,
            };
            args.iter()
                .find(|x| x.kind == ArgKind::Place && x.start < r.end && r.start < x.end)
        })
        .map(|x| x.entity)
        .or_else(|| lex.and_then(|l| l.place));
    // The lexicon's time expression, else the sentence's only dated one.
    let time = lex
        .and_then(|l| l.time)
        .and_then(|k| times.idx.get(k).copied())
        .or_else(|| {
            let mut here = times.idx.iter().zip(&times.args).filter(|(_, t)| {
                t.start >= sentence.0 && t.end <= sentence.1 && !t.value.is_empty()
            });
            match (here.next(), here.next()) {
                (Some((&i, _)), None) => Some(i),
                _ => None,
            }
        });
    let context_place = if place.is_some() {
        None
    } else {
        let para = text
            .get(..sentence.0)
            .and_then(|b| b.rfind('\n'))
            .map_or(0, |i| i + 1);
        fa.args
            .iter()
            .filter(|x| x.kind == ArgKind::Place && x.start >= para && x.end <= sentence.0)
            .max_by_key(|x| x.start)
            .map(|x| x.entity)
    };
    ArticleMention {
        field: fa.field,
        context_place,
        etype: c.etype,
        mode: c.mode.clone(),
        intent: c.intent,
        negated: c.negated,
        reported: lex.is_some_and(|l| l.reported),
        verbal: lex.is_some_and(|l| l.verbal),
        trigger: c.trigger,
        sentence,
        source,
        source_implicit,
        target,
        place,
        time,
        confidence: c.confidence,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An entity with its mentions found by substring in the body.
    fn ent(body: &str, kind: ArgKind, words: &str, country: Option<&str>) -> EntityIn {
        let mentions = body
            .match_indices(words)
            .map(|(s, w)| (TextField::Body, s, s + w.len()))
            .collect();
        EntityIn {
            kind,
            mentions,
            country: country.map(str::to_string),
        }
    }

    fn code(title: Option<&str>, body: &str, ents: &[EntityIn]) -> Vec<ArticleMention> {
        let a = ArticleIn {
            title,
            summary: None,
            body,
            entities: ents,
            times: &[],
        };
        code_article(crate::learned::coder(), &a)
    }

    #[test]
    fn a_reception_is_a_consult_between_the_two_people_and_the_city_is_its_place() {
        let body = "استقبل الرئيس عبد الفتاح السيسي في القاهرة أمس وزير الخارجية الروسي سيرجي لافروف وبحث معه العلاقات الثنائية.";
        let ents = [
            ent(body, ArgKind::Person, "عبد الفتاح السيسي", None),
            ent(body, ArgKind::Place, "القاهرة", None),
            ent(body, ArgKind::Person, "سيرجي لافروف", None),
        ];
        let ms = code(Some("السيسي يستقبل لافروف"), body, &ents);
        let c = ms
            .iter()
            .find(|m| m.etype == EventType::Consult)
            .unwrap_or_else(|| panic!("no CONSULT: {ms:?}"));
        assert_eq!(&body[c.trigger.0..c.trigger.1], "استقبل", "{c:?}");
        assert_eq!(c.source, Some(Actor::Entity(0)), "{c:?}");
        assert_eq!(c.target, Some(Actor::Entity(2)), "{c:?}");
        assert_eq!(c.place, Some(1), "{c:?}");
        // A city is never an actor.
        for m in &ms {
            assert_ne!(m.source, Some(Actor::Entity(1)), "{m:?}");
            assert_ne!(m.target, Some(Actor::Entity(1)), "{m:?}");
        }
    }

    #[test]
    fn the_media_list_is_valid_and_a_medium_is_no_actor() {
        let m = parse_media(MEDIA_TXT).unwrap();
        assert!(m.len() >= 20);
        assert!(parse_media("منصة\nمنصة").is_err());
        assert!(parse_media("two words").is_err());
        let t = "وقالت خوري عبر حسابها على منصة إكس";
        assert!(is_medium(t, t.find("إكس").unwrap()));
        assert!(!is_medium(t, t.find("خوري").unwrap()));
        assert!(nominal("المتظاهرون") && nominal("قادة المجلس") && nominal("مسلحون"));
        assert!(!nominal("أجريا") && !nominal("") && !nominal("عمالية") && !nominal("عراقية"));
        assert!(nominal("قوات عراقية") && nominal("الشرطة"));
        assert!(crate::extract::verb_form("أجريا") && crate::extract::verb_form("التقى"));
        assert!(!crate::extract::verb_form("حفتر") && !crate::extract::verb_form("يفكيروف"));
    }

    #[test]
    fn a_headline_without_actors_joins_the_body_only_when_it_names_one_pair() {
        let m = |field, source: Option<Actor>| ArticleMention {
            field,
            etype: EventType::Protest,
            mode: None,
            intent: false,
            negated: false,
            reported: false,
            verbal: false,
            trigger: (0, 4),
            sentence: (0, 10),
            source,
            source_implicit: false,
            target: None,
            place: None,
            context_place: None,
            time: None,
            confidence: 0.9,
        };
        let workers = Some(Actor::Group("العمال".into()));
        let mut one = vec![
            m(TextField::Title, None),
            m(TextField::Body, workers.clone()),
        ];
        headlines_join_the_body(&mut one);
        assert_eq!(one[0].source, workers);
        // Two different pairs in the body: the headline stays as it is.
        let mut two = vec![
            m(TextField::Title, None),
            m(TextField::Body, workers.clone()),
            m(TextField::Body, Some(Actor::Entity(0))),
        ];
        headlines_join_the_body(&mut two);
        assert_eq!(two[0].source, None);
        // A body mention never takes another's actors.
        let mut body = vec![m(TextField::Body, None), m(TextField::Body, workers)];
        headlines_join_the_body(&mut body);
        assert_eq!(body[0].source, None);
    }

    #[test]
    fn a_football_match_is_no_consult() {
        let body = "يلتقي فريق الهلال نظيره المريخ مساء اليوم على ملعب الملك فهد الدولي في ذهاب نصف نهائي البطولة العربية.";
        let ents = [
            ent(body, ArgKind::Org, "الهلال", None),
            ent(body, ArgKind::Org, "المريخ", None),
            ent(body, ArgKind::Place, "ملعب الملك فهد الدولي", None),
        ];
        let ms = code(Some("الهلال يواجه المريخ في نصف النهائي"), body, &ents);
        assert!(ms.iter().all(|m| m.etype != EventType::Consult), "{ms:?}");
    }

    #[test]
    fn a_strike_has_its_performer_and_a_country_as_a_state_actor() {
        let body = "شنت طائرات التحالف العربي غارات جوية على مواقع الحوثيين في صنعاء، فيما أعلنت السعودية اعتراض صاروخ باليستي.";
        let ents = [
            ent(body, ArgKind::Org, "التحالف العربي", None),
            ent(body, ArgKind::Org, "الحوثيين", None),
            ent(body, ArgKind::Place, "صنعاء", None),
            ent(body, ArgKind::Place, "السعودية", Some("SA")),
        ];
        let ms = code(None, body, &ents);
        let a = ms
            .iter()
            .find(|m| m.etype == EventType::Assault)
            .unwrap_or_else(|| panic!("no ASSAULT: {ms:?}"));
        assert_eq!(a.source, Some(Actor::Entity(0)), "{a:?}");
        assert_eq!(a.target, Some(Actor::Entity(1)), "{a:?}");
        for m in &ms {
            assert_ne!(m.source, Some(Actor::Entity(2)), "{m:?}");
            assert_ne!(m.target, Some(Actor::Entity(2)), "{m:?}");
            assert_ne!(
                m.source,
                Some(Actor::Entity(3)),
                "a country is a Country actor: {m:?}"
            );
        }
    }

    #[test]
    fn no_coder_codes_nothing_and_odd_input_does_not_panic() {
        let a = ArticleIn {
            title: Some(""),
            summary: Some("،،،"),
            body: "\u{200f}\u{0}..؟! 123 \u{fffd}",
            entities: &[EntityIn {
                kind: ArgKind::Person,
                mentions: vec![(TextField::Body, 0, 400), (TextField::Title, 5, 2)],
                country: None,
            }],
            times: &[TimeIn {
                field: TextField::Body,
                start: 900,
                end: 901,
                value: None,
                grain: "day".into(),
            }],
        };
        assert!(code_article(None, &a).is_empty());
        let _ = code_article(crate::learned::coder(), &a);
    }
}
