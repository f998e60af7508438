//! Evaluation of the event coder against hand-labelled sentences: the gold
//! format, its parser, and the scorer behind `rasd events eval FILE`.
//!
//! # The gold format
//!
//! UTF-8 text, one sentence per line, tab-separated (a leading BOM and `\r\n`
//! line ends are accepted). The format extends the one of `tests/cases.tsv`
//! (which it reads as is):
//!
//! ```text
//! sentence TAB events
//! sentence TAB arguments TAB events
//! ```
//!
//! * **sentence**: the text, coded exactly as rasd codes a field: split
//!   into sentences by [`rasd_text::sentences`], every sentence run through
//!   [`crate::extract`], the events of all of them pooled.
//! * **arguments** (optional column): the entity mentions and time
//!   expressions the coder is given, `-` for none, else items separated by
//!   `;`: `P:surface` (person), `O:surface` (organisation), `L:surface`
//!   (place), `X:surface` (other), `T:surface=ISO` (time expression). A
//!   surface is located by its first occurrence in the sentence; `#N` after
//!   it takes the N-th (`P:علي#2`). With this column the coder sees exactly
//!   these mentions; without it the caller's mention finder supplies them
//!   (`rasd events eval` runs rasd's own NER and entity resolution, as
//!   ingest does), and with `--ner` it does so for every line.
//! * **events**: `NONE`, or one or more events separated by `;`, each
//!   `TYPE[/mode]` followed by optional `key=value` items: `src=` and `tgt=`
//!   (an argument's surface, an ISO 3166 alpha-2 country code for a country
//!   named by its name, capital or demonym, `_` for an actor left to the
//!   verb's inflection, `-` for none), `place=` (a surface), and
//!   `flags=` (comma-separated: `neg` negated or denied, `intent` announced,
//!   planned, promised, demanded or threatened but not done, `rep` reported
//!   speech, `q` asked about, `hyp` under a condition). Values may contain
//!   spaces (`src=خليفة حفتر`). `TYPE` is one of PLOVER's 18 types
//!   ([`EventType`], any case).
//!
//! Lines starting with `#` are comments, except `#@set NAME`, which puts the
//! lines after it (up to the next `#@set`) in the named part of the file;
//! the report scores every part on its own as well (`--set NAME` scores one
//! part only). Bad lines are errors naming the file, the line and the
//! reason; nothing is scored then.
//!
//! # What is an event (labelling conventions)
//!
//! List every event of the 18 types the sentence reports, whatever its
//! modality: asserted or reported, denied (`flags=neg`), and announced,
//! planned, promised or demanded (`flags=intent`). The event a demand,
//! threat, promise, offer or refusal is about is listed too, with
//! `flags=intent` (`دعا إلى وقف إطلاق النار` is DEMAND and RETREAT/ceasefire
//! intent), and so is an event a sentence names as a past fact (`أدان
//! الهجوم` is DISAPPROVE and ASSAULT; `المتظاهرون` make a PROTEST). Sports,
//! business, private life, nature and figurative uses of trigger words are
//! `NONE` (`هجوم الفريق`, `ضربة جزاء`, `يدعم الهاتف ميزة`, `تدريب الفريق`,
//! `نلتقي على`). Questions and conditions are not events rasd records: write
//! them with `flags=q` or `flags=hyp` (their types are then neither required
//! nor counted as errors), or as `NONE` (then the coder must see the
//! question or condition to avoid a false positive).
//!
//! # Scoring
//!
//! Type detection is scored per sentence and type: for each sentence, the
//! set of gold types (events flagged `q` or `hyp` left out) is compared with
//! the set of types of the events rasd would record from it (those that are
//! not questions or conditions and reach [`MIN_CONFIDENCE`]). A type in both is a true positive, a
//! predicted type the gold lacks a false positive (so any event predicted on
//! a `NONE` sentence is a false positive of its type), a gold type not
//! predicted a false negative. Several gold events of one type in a sentence
//! count once, as do several predictions of one type; several events of
//! different types are scored independently. A type only gold `q`/`hyp`
//! events have is not scored in that sentence.
//!
//! The report gives per-type precision, recall, F1 and support (the number
//! of sentences with the type in the gold), micro and macro averages, the
//! results on `NONE` sentences, a confusion summary of the errors (a missed
//! type paired with a spurious one of the same sentence, else `→ NONE` or
//! `NONE →`), and, separately, the accuracy of the modes, sources, targets,
//! places and flags the gold gives, on gold events matched to a predicted
//! event of their type (all predictions, recorded or not; same mode
//! preferred). A surface matches when the folded texts are equal or one
//! contains the other. Its last line is `F1: 0.xxxx`, the **macro F1**: the
//! mean F1 of the 18 types, leaving out a type only when it is neither in the
//! gold nor predicted (its F1 is undefined then; with every type in the gold
//! this is the mean over all 18).
//!
//! rasd also drops an event with neither actor nor place once the article's
//! main actor is known; a single sentence has no article around it, so the
//! scorer does not, and only counts such events.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use rasd_text::{fold, Folds};

use crate::{extract, ActorRef, Arg, ArgKind, EventMention, EventType, SentenceInput, TimeArg};

/// The confidence below which the lexicon coder's mention is not counted
/// here. This file scores the lexicon coder ([`extract`]), the learned
/// coder's candidate generator, on sentences of our own writing; the
/// production path (`crate::article`) has its own threshold, in the model.
pub const MIN_CONFIDENCE: f32 = 0.3;

/// The modifiers a gold event may carry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flags {
    pub neg: bool,
    pub intent: bool,
    pub rep: bool,
    pub q: bool,
    pub hyp: bool,
}

/// One gold event.
#[derive(Clone, Debug, PartialEq)]
pub struct GoldEvent {
    pub etype: EventType,
    pub mode: Option<String>,
    pub src: Option<String>,
    pub tgt: Option<String>,
    pub place: Option<String>,
    pub flags: Flags,
}

impl GoldEvent {
    /// Questions and conditions: not events rasd records.
    fn unasserted(&self) -> bool {
        self.flags.q || self.flags.hyp
    }
}

/// One labelled sentence.
#[derive(Clone, Debug)]
pub struct GoldSentence {
    /// 1-based line number in the file.
    pub line: usize,
    /// The part of the file (`#@set NAME`), if any.
    pub set: Option<String>,
    pub text: String,
    /// The mentions the file gives (`entity` = index into `names`), or
    /// `None` when the line has no arguments column.
    pub args: Option<Vec<Arg>>,
    /// Surface of each argument.
    pub names: Vec<String>,
    pub times: Vec<TimeArg>,
    /// Empty for `NONE`.
    pub events: Vec<GoldEvent>,
}

/// A gold file that does not parse: every bad line with its reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// The file's name as given to [`parse`].
    pub name: String,
    /// (1-based line, reason); line 0 for the file as a whole.
    pub problems: Vec<(usize, String)>,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, (line, why)) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            if *line == 0 {
                write!(f, "{}: {why}", self.name)?;
            } else {
                write!(f, "{}:{line}: {why}", self.name)?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {}

/// The byte span of the `nth` (1-based; 0 counts as 1) occurrence of
/// `surface` in `s`.
fn locate(s: &str, surface: &str, nth: usize) -> Option<(usize, usize)> {
    if surface.is_empty() {
        return None;
    }
    let mut from = 0;
    let mut found = None;
    for _ in 0..nth.max(1) {
        let i = s.get(from..)?.find(surface)? + from;
        found = Some((i, i + surface.len()));
        from = i + surface.len();
    }
    found
}

/// The arguments of a line: mentions, their surfaces, time expressions.
type ParsedArgs = (Vec<Arg>, Vec<String>, Vec<TimeArg>);

fn parse_args(sentence: &str, col: &str) -> Result<ParsedArgs, String> {
    let mut args = Vec::new();
    let mut names = Vec::new();
    let mut times = Vec::new();
    let col = col.trim();
    if col == "-" || col.is_empty() {
        return Ok((args, names, times));
    }
    for item in col.split(';') {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let Some((k, v)) = item.split_once(':') else {
            return Err(format!(
                "argument '{item}' is not KIND:surface (KIND one of P, O, L, X, T)"
            ));
        };
        let (v, nth) = match v.rsplit_once('#') {
            Some((v, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
                (v, n.parse().unwrap_or(1))
            }
            _ => (v, 1),
        };
        let v = v.trim();
        if k.trim() == "T" {
            let Some((surf, iso)) = v.split_once('=') else {
                return Err(format!("time argument '{item}' is not T:surface=ISO"));
            };
            let surf = surf.trim();
            let Some((s, e)) = locate(sentence, surf, nth) else {
                return Err(format!("time '{surf}' is not in the sentence"));
            };
            times.push(TimeArg {
                start: s,
                end: e,
                value: iso.trim().to_string(),
                grain: "day".into(),
            });
            continue;
        }
        let kind = match k.trim() {
            "P" => ArgKind::Person,
            "O" => ArgKind::Org,
            "L" => ArgKind::Place,
            "X" => ArgKind::Other,
            other => {
                return Err(format!(
                    "unknown argument kind '{other}' in '{item}' (P, O, L, X or T)"
                ))
            }
        };
        let Some((s, e)) = locate(sentence, v, nth) else {
            return Err(if nth > 1 {
                format!("argument '{v}' does not occur {nth} times in the sentence")
            } else {
                format!("argument '{v}' is not in the sentence")
            });
        };
        args.push(Arg {
            start: s,
            end: e,
            kind,
            entity: names.len(),
        });
        names.push(v.to_string());
    }
    Ok((args, names, times))
}

fn parse_event(s: &str) -> Result<GoldEvent, String> {
    let mut it = s.split_whitespace();
    let head = it.next().ok_or("empty event between ';'")?;
    let (t, mode) = match head.split_once('/') {
        Some((t, m)) => (t, Some(m)),
        None => (head, None),
    };
    let etype = EventType::parse(t).ok_or_else(|| {
        format!(
            "unknown event type '{t}' (expected NONE or one of {})",
            EventType::ALL.map(|t| t.as_str()).join(", ")
        )
    })?;
    let mode = match mode {
        Some("") => return Err(format!("empty mode in '{head}'")),
        Some(m) => Some(m.to_string()),
        None => None,
    };
    let mut ev = GoldEvent {
        etype,
        mode,
        src: None,
        tgt: None,
        place: None,
        flags: Flags::default(),
    };
    // Values may contain spaces: a word without `key=` continues the value.
    let mut kv: Vec<(String, String)> = Vec::new();
    for w in it {
        if let Some((k, v)) = w.split_once('=') {
            if matches!(k, "src" | "tgt" | "place" | "flags") {
                if kv.iter().any(|(x, _)| x == k) {
                    return Err(format!("'{k}=' given twice in '{}'", s.trim()));
                }
                kv.push((k.to_string(), v.to_string()));
                continue;
            }
            if kv.is_empty() {
                return Err(format!(
                    "unknown key '{k}=' in '{}' (src, tgt, place, flags)",
                    s.trim()
                ));
            }
        }
        match kv.last_mut() {
            Some((_, v)) => {
                v.push(' ');
                v.push_str(w);
            }
            None => {
                return Err(format!(
                    "unexpected '{w}' after '{head}' (expected key=value: src, tgt, place, flags)"
                ))
            }
        }
    }
    for (k, v) in kv {
        let v = v.trim().to_string();
        if v.is_empty() {
            return Err(format!("empty value for '{k}='"));
        }
        match k.as_str() {
            "src" => ev.src = Some(v),
            "tgt" => ev.tgt = Some(v),
            "place" => ev.place = Some(v),
            _ => {
                for f in v.split(',').map(str::trim).filter(|f| !f.is_empty()) {
                    match f {
                        "neg" => ev.flags.neg = true,
                        "intent" => ev.flags.intent = true,
                        "rep" => ev.flags.rep = true,
                        "q" => ev.flags.q = true,
                        "hyp" => ev.flags.hyp = true,
                        other => {
                            return Err(format!(
                                "unknown flag '{other}' (neg, intent, rep, q, hyp)"
                            ))
                        }
                    }
                }
            }
        }
    }
    Ok(ev)
}

fn parse_events(col: &str) -> Result<Vec<GoldEvent>, String> {
    let col = col.trim();
    if col.is_empty() {
        return Err("empty events column (write NONE for a sentence without events)".into());
    }
    if col.eq_ignore_ascii_case("NONE") {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for part in col.split(';') {
        if part.trim().eq_ignore_ascii_case("NONE") {
            return Err("NONE together with events".into());
        }
        out.push(parse_event(part)?);
    }
    Ok(out)
}

/// Parses a gold file (see the module documentation). `name` names the file
/// in error messages. Never panics; every bad line is reported.
pub fn parse(text: &str, name: &str) -> Result<Vec<GoldSentence>, ParseError> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut set: Option<String> = None;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (i, raw) in text.split('\n').enumerate() {
        let line = i + 1;
        let l = raw.strip_suffix('\r').unwrap_or(raw);
        if l.trim().is_empty() {
            continue;
        }
        if let Some(d) = l.strip_prefix("#@set") {
            let n = d.trim();
            if n.is_empty() || n.contains(char::is_whitespace) {
                problems.push((line, "`#@set` needs one name without spaces".to_string()));
            } else {
                set = Some(n.to_string());
            }
            continue;
        }
        if l.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = l.split('\t').collect();
        let (sent, args_col, ev_col) = match cols.as_slice() {
            [s, e] => (*s, None, *e),
            [s, a, e] => (*s, Some(*a), *e),
            _ => {
                problems.push((
                    line,
                    format!(
                        "expected 2 or 3 tab-separated columns (sentence, [arguments,] events), found {}",
                        cols.len()
                    ),
                ));
                continue;
            }
        };
        if sent.trim().is_empty() {
            problems.push((line, "empty sentence".to_string()));
            continue;
        }
        let (args, names, times) = match args_col.map(|a| parse_args(sent, a)) {
            None => (None, Vec::new(), Vec::new()),
            Some(Ok((a, n, t))) => (Some(a), n, t),
            Some(Err(e)) => {
                problems.push((line, e));
                continue;
            }
        };
        let events = match parse_events(ev_col) {
            Ok(e) => e,
            Err(e) => {
                problems.push((line, e));
                continue;
            }
        };
        out.push(GoldSentence {
            line,
            set: set.clone(),
            text: sent.to_string(),
            args,
            names,
            times,
            events,
        });
    }
    if problems.is_empty() && out.is_empty() {
        problems.push((0, "no labelled sentences".to_string()));
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(ParseError {
            name: name.to_string(),
            problems,
        })
    }
}

/// How to run the evaluation.
#[derive(Clone, Debug)]
pub struct Options {
    /// Mentions below this confidence are not recorded (rasd's floor).
    pub min_confidence: f32,
    /// Use the mention finder even where the file gives arguments.
    pub finder_always: bool,
    /// Score only the sentences of this `#@set` part.
    pub set: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            min_confidence: MIN_CONFIDENCE,
            finder_always: false,
            set: None,
        }
    }
}

/// Finds the entity mentions of a sentence (byte spans into it; `entity`
/// ids of the finder's choosing).
pub type MentionFinder<'a> = &'a dyn Fn(&str) -> Vec<Arg>;

/// One predicted event of a sentence, rendered for the report.
#[derive(Clone, Debug)]
pub struct Predicted {
    pub event: EventMention,
    pub trigger_text: String,
    /// Source, target and place as text: a surface, a country code, `_` or
    /// `-`.
    pub src: String,
    pub tgt: String,
    pub place: String,
    /// rasd records it (not a question or condition, confident enough).
    pub recorded: bool,
}

/// The coder's output on one gold sentence.
#[derive(Clone, Debug)]
pub struct SentenceResult {
    pub gold: GoldSentence,
    pub predicted: Vec<Predicted>,
    /// The mentions came from the finder, not the file.
    pub found_mentions: bool,
}

/// Precision/recall counts of one type (or of all).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    pub fn f1(&self) -> f64 {
        let d = 2 * self.tp + self.fp + self.fn_;
        ratio(2 * self.tp, d)
    }
    /// Sentences with the type in the gold.
    pub fn support(&self) -> usize {
        self.tp + self.fn_
    }
    /// Sentences with the type predicted.
    pub fn predicted(&self) -> usize {
        self.tp + self.fp
    }
    fn add(&mut self, o: &Counts) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// A correct/total tally.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub ok: usize,
    pub n: usize,
}

impl Tally {
    fn add(&mut self, ok: bool) {
        self.n += 1;
        if ok {
            self.ok += 1;
        }
    }
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.ok, self.n)
    }
}

/// A (gold, predicted) pair of the confusion summary; `None` is NONE.
pub type ConfusionKey = (Option<EventType>, Option<EventType>);

/// Type scores of a set of sentences.
#[derive(Clone, Debug, Default)]
pub struct Scores {
    /// Per type, in [`EventType::ALL`] order.
    pub per_type: Vec<(EventType, Counts)>,
    pub micro: Counts,
    pub sentences: usize,
    /// Sentences whose predicted type set is the gold one.
    pub exact: usize,
    pub none_sentences: usize,
    /// `NONE` sentences with no recorded prediction.
    pub none_clean: usize,
    /// (gold, predicted) → count; `None` stands for NONE.
    pub confusion: BTreeMap<ConfusionKey, usize>,
}

impl Scores {
    /// The mean F1 over the types that are in the gold or predicted.
    pub fn macro_f1(&self) -> f64 {
        let scored: Vec<f64> = self
            .per_type
            .iter()
            .filter(|(_, c)| c.tp + c.fp + c.fn_ > 0)
            .map(|(_, c)| c.f1())
            .collect();
        if scored.is_empty() {
            0.0
        } else {
            scored.iter().sum::<f64>() / scored.len() as f64
        }
    }

    /// Number of types in the macro average.
    pub fn macro_types(&self) -> usize {
        self.per_type
            .iter()
            .filter(|(_, c)| c.tp + c.fp + c.fn_ > 0)
            .count()
    }

    pub fn counts(&self, t: EventType) -> Counts {
        self.per_type
            .iter()
            .find(|(x, _)| *x == t)
            .map(|(_, c)| *c)
            .unwrap_or_default()
    }
}

/// Argument, mode and flag accuracy on matched gold events.
#[derive(Clone, Copy, Debug, Default)]
pub struct ArgScores {
    pub mode: Tally,
    pub src: Tally,
    pub tgt: Tally,
    pub place: Tally,
    pub neg: Tally,
    pub intent: Tally,
    /// `rep`, `q`, `hyp` where the gold lists them.
    pub other_flags: Tally,
    /// Gold events (of asserted types) with no predicted event of their type.
    pub unmatched: usize,
}

/// The whole evaluation.
#[derive(Clone, Debug)]
pub struct Report {
    pub results: Vec<SentenceResult>,
    pub scores: Scores,
    /// Intent events left out on both sides (gold intent events not scored,
    /// predicted intent events not counted).
    pub asserted_only: Scores,
    pub args: ArgScores,
    /// Per result: the argument, mode and flag mismatches.
    pub arg_notes: Vec<Vec<String>>,
    /// `#@set` parts with their scores, in file order.
    pub sets: Vec<(String, Scores)>,
    /// Predicted mentions rasd would not record: below the confidence floor,
    /// and questions or conditions.
    pub below_floor: usize,
    pub unasserted: usize,
    /// Recorded events with neither actor nor place.
    pub no_actor: usize,
    /// Sentences coded with the finder's mentions.
    pub found_mentions: usize,
    pub min_confidence: f32,
}

impl Report {
    /// The macro F1 over the types (the report's last line).
    pub fn macro_f1(&self) -> f64 {
        self.scores.macro_f1()
    }
}

fn folded(s: &str) -> String {
    fold(s.trim(), &Folds::SEARCH)
}

/// Does a predicted argument (rendered) match the gold value?
fn same_arg(gold: &str, got: &str) -> bool {
    let (g, p) = (gold.trim(), got.trim());
    if g == p {
        return true;
    }
    // Codes, `_` and `-` must be equal; surfaces may differ by a title or a
    // clitic the mention includes.
    let code = |s: &str| s == "_" || s == "-" || s.bytes().all(|b| b.is_ascii_uppercase());
    if code(g) || code(p) {
        return g.eq_ignore_ascii_case(p);
    }
    let (g, p) = (folded(g), folded(p));
    !g.is_empty() && !p.is_empty() && (g == p || g.contains(&p) || p.contains(&g))
}

fn render_actor(a: &Option<ActorRef>, text: &str, name: &dyn Fn(usize) -> String) -> String {
    match a {
        None => "-".into(),
        Some(ActorRef::Implicit) => "_".into(),
        Some(ActorRef::Country { code, .. }) => code.clone(),
        Some(ActorRef::Group { start, end }) => text.get(*start..*end).unwrap_or("?").to_string(),
        Some(ActorRef::Entity(e)) => name(*e),
    }
}

/// Codes one gold sentence as rasd codes a field: sentence split, every
/// sentence through [`extract`].
pub fn code_sentence(
    g: &GoldSentence,
    finder: Option<MentionFinder>,
    opts: &Options,
) -> SentenceResult {
    let text = g.text.as_str();
    let use_finder = finder.is_some() && (opts.finder_always || g.args.is_none());
    let (args, names): (Vec<Arg>, Vec<(usize, String)>) = if use_finder {
        let found = finder.map(|f| f(text)).unwrap_or_default();
        let names = found
            .iter()
            .filter_map(|a| text.get(a.start..a.end).map(|s| (a.entity, s.to_string())))
            .collect();
        (found, names)
    } else {
        (
            g.args.clone().unwrap_or_default(),
            g.names.iter().cloned().enumerate().collect(),
        )
    };
    let name = |e: usize| {
        names
            .iter()
            .find(|(id, _)| *id == e)
            .map(|(_, s)| s.clone())
            .unwrap_or_else(|| "?".into())
    };
    let mut predicted = Vec::new();
    for (s, e) in rasd_text::sentences(text) {
        let input = SentenceInput {
            text,
            start: s,
            end: e,
            args: &args,
            times: &g.times,
        };
        for ev in extract(&input) {
            let recorded = !ev.question && !ev.hypothetical && ev.confidence >= opts.min_confidence;
            predicted.push(Predicted {
                trigger_text: text
                    .get(ev.trigger.0..ev.trigger.1)
                    .unwrap_or("")
                    .to_string(),
                src: render_actor(&ev.source, text, &name),
                tgt: render_actor(&ev.target, text, &name),
                place: ev.place.map(name).unwrap_or_else(|| "-".into()),
                recorded,
                event: ev,
            });
        }
    }
    SentenceResult {
        gold: g.clone(),
        predicted,
        found_mentions: use_finder,
    }
}

/// The type sets of one sentence: (gold, don't care, predicted).
fn type_sets(
    r: &SentenceResult,
    asserted_only: bool,
) -> (
    BTreeSet<EventType>,
    BTreeSet<EventType>,
    BTreeSet<EventType>,
) {
    let skip_gold = |e: &GoldEvent| e.unasserted() || (asserted_only && e.flags.intent);
    let gold: BTreeSet<EventType> = r
        .gold
        .events
        .iter()
        .filter(|e| !skip_gold(e))
        .map(|e| e.etype)
        .collect();
    let dont_care: BTreeSet<EventType> = r
        .gold
        .events
        .iter()
        .filter(|e| skip_gold(e))
        .map(|e| e.etype)
        .filter(|t| !gold.contains(t))
        .collect();
    let pred: BTreeSet<EventType> = r
        .predicted
        .iter()
        .filter(|p| p.recorded && !(asserted_only && p.event.intent))
        .map(|p| p.event.etype)
        .filter(|t| !dont_care.contains(t))
        .collect();
    (gold, dont_care, pred)
}

/// Type scores of some sentence results.
pub fn score(results: &[&SentenceResult], asserted_only: bool) -> Scores {
    let mut per: BTreeMap<EventType, Counts> = BTreeMap::new();
    let mut s = Scores::default();
    for r in results {
        let (gold, _, pred) = type_sets(r, asserted_only);
        s.sentences += 1;
        if gold == pred {
            s.exact += 1;
        }
        if r.gold.events.is_empty() {
            s.none_sentences += 1;
            if pred.is_empty() {
                s.none_clean += 1;
            }
        }
        let missed: Vec<EventType> = gold.difference(&pred).copied().collect();
        let spurious: Vec<EventType> = pred.difference(&gold).copied().collect();
        for t in gold.intersection(&pred) {
            per.entry(*t).or_default().tp += 1;
        }
        for t in &missed {
            per.entry(*t).or_default().fn_ += 1;
        }
        for t in &spurious {
            per.entry(*t).or_default().fp += 1;
        }
        let n = missed.len().max(spurious.len());
        for i in 0..n {
            let key = (missed.get(i).copied(), spurious.get(i).copied());
            *s.confusion.entry(key).or_default() += 1;
        }
    }
    s.per_type = EventType::ALL
        .iter()
        .map(|t| (*t, per.get(t).copied().unwrap_or_default()))
        .collect();
    for (_, c) in &s.per_type {
        s.micro.add(c);
    }
    s
}

/// Matches gold events to predicted events of their type and tallies the
/// modes, arguments and flags; with the mismatches of each sentence.
fn score_args(results: &[&SentenceResult]) -> (ArgScores, Vec<Vec<String>>) {
    let mut a = ArgScores::default();
    let mut notes = Vec::with_capacity(results.len());
    for r in results {
        let mut note = Vec::new();
        let mut used = vec![false; r.predicted.len()];
        for g in &r.gold.events {
            let pick = (0..r.predicted.len())
                .filter(|&i| !used[i] && r.predicted[i].event.etype == g.etype)
                .max_by_key(|&i| {
                    let p = &r.predicted[i];
                    (
                        g.mode.is_some() && p.event.mode == g.mode,
                        p.event.negated == g.flags.neg && p.event.intent == g.flags.intent,
                        std::cmp::Reverse(i),
                    )
                });
            let Some(i) = pick else {
                if !g.unasserted() {
                    a.unmatched += 1;
                }
                continue;
            };
            used[i] = true;
            let p = &r.predicted[i];
            let t = g.etype.as_str();
            let mut check = |tally: &mut Tally, what: &str, ok: bool, got: &str, want: &str| {
                tally.add(ok);
                if !ok {
                    note.push(format!("{t} {what}: got {got}, gold {want}"));
                }
            };
            if let Some(m) = &g.mode {
                let got = p.event.mode.as_deref().unwrap_or("-");
                check(&mut a.mode, "mode", got == m, got, m);
            }
            if let Some(v) = &g.src {
                check(&mut a.src, "src", same_arg(v, &p.src), &p.src, v);
            }
            if let Some(v) = &g.tgt {
                check(&mut a.tgt, "tgt", same_arg(v, &p.tgt), &p.tgt, v);
            }
            if let Some(v) = &g.place {
                check(&mut a.place, "place", same_arg(v, &p.place), &p.place, v);
            }
            let yn = |b: bool| if b { "yes" } else { "no" };
            let (gn, pn) = (g.flags.neg, p.event.negated);
            check(&mut a.neg, "negated", gn == pn, yn(pn), yn(gn));
            let (gi, pi) = (g.flags.intent, p.event.intent);
            check(&mut a.intent, "intent", gi == pi, yn(pi), yn(gi));
            for (name, want, got) in [
                ("reported", g.flags.rep, p.event.reported),
                ("question", g.flags.q, p.event.question),
                ("condition", g.flags.hyp, p.event.hypothetical),
            ] {
                if want {
                    check(&mut a.other_flags, name, got, yn(got), "yes");
                }
            }
        }
        notes.push(note);
    }
    (a, notes)
}

/// Runs the coder over every gold sentence (or those of `opts.set`) and
/// scores it. `finder` supplies the mentions of lines without an arguments
/// column (and of every line with [`Options::finder_always`]); without one,
/// such lines are coded with no mentions.
pub fn evaluate(gold: &[GoldSentence], finder: Option<MentionFinder>, opts: &Options) -> Report {
    let results: Vec<SentenceResult> = gold
        .iter()
        .filter(|g| opts.set.is_none() || g.set == opts.set)
        .map(|g| code_sentence(g, finder, opts))
        .collect();
    let all: Vec<&SentenceResult> = results.iter().collect();
    let scores = score(&all, false);
    let asserted_only = score(&all, true);
    let (args, arg_notes) = score_args(&all);
    let mut set_names: Vec<String> = Vec::new();
    for r in &results {
        if let Some(s) = &r.gold.set {
            if !set_names.contains(s) {
                set_names.push(s.clone());
            }
        }
    }
    let sets = if set_names.len() > 1 || results.iter().any(|r| r.gold.set.is_none()) {
        let mut v: Vec<(String, Scores)> = set_names
            .iter()
            .map(|n| {
                let part: Vec<&SentenceResult> = results
                    .iter()
                    .filter(|r| r.gold.set.as_deref() == Some(n.as_str()))
                    .collect();
                (n.clone(), score(&part, false))
            })
            .collect();
        if !set_names.is_empty() {
            let rest: Vec<&SentenceResult> =
                results.iter().filter(|r| r.gold.set.is_none()).collect();
            if !rest.is_empty() {
                v.insert(0, ("(before any #@set)".to_string(), score(&rest, false)));
            }
        }
        v
    } else {
        Vec::new()
    };
    let mut below_floor = 0;
    let mut unasserted = 0;
    let mut no_actor = 0;
    for p in results.iter().flat_map(|r| &r.predicted) {
        if p.event.question || p.event.hypothetical {
            unasserted += 1;
        } else if p.event.confidence < opts.min_confidence {
            below_floor += 1;
        } else if p.event.source.is_none() && p.event.target.is_none() && p.event.place.is_none() {
            no_actor += 1;
        }
    }
    Report {
        found_mentions: results.iter().filter(|r| r.found_mentions).count(),
        results,
        scores,
        asserted_only,
        args,
        arg_notes,
        sets,
        below_floor,
        unasserted,
        no_actor,
        min_confidence: opts.min_confidence,
    }
}

fn label(t: Option<EventType>) -> &'static str {
    t.map_or("NONE", EventType::as_str)
}

fn gold_str(g: &GoldEvent) -> String {
    let mut s = g.etype.as_str().to_string();
    if let Some(m) = &g.mode {
        s.push('/');
        s.push_str(m);
    }
    for (k, v) in [("src", &g.src), ("tgt", &g.tgt), ("place", &g.place)] {
        if let Some(v) = v {
            let _ = write!(s, " {k}={v}");
        }
    }
    let f = flag_str(g.flags);
    if !f.is_empty() {
        let _ = write!(s, " flags={f}");
    }
    s
}

fn flag_str(f: Flags) -> String {
    let mut v = Vec::new();
    for (on, n) in [
        (f.neg, "neg"),
        (f.intent, "intent"),
        (f.rep, "rep"),
        (f.q, "q"),
        (f.hyp, "hyp"),
    ] {
        if on {
            v.push(n);
        }
    }
    v.join(",")
}

fn pred_str(p: &Predicted, floor: f32) -> String {
    let e = &p.event;
    let mut s = e.etype.as_str().to_string();
    if let Some(m) = &e.mode {
        s.push('/');
        s.push_str(m);
    }
    let _ = write!(
        s,
        " «{}» src={} tgt={} place={}",
        p.trigger_text, p.src, p.tgt, p.place
    );
    let f = flag_str(Flags {
        neg: e.negated,
        intent: e.intent,
        rep: e.reported,
        q: e.question,
        hyp: e.hypothetical,
    });
    if !f.is_empty() {
        let _ = write!(s, " flags={f}");
    }
    let _ = write!(s, " conf={:.2}", e.confidence);
    if !p.recorded {
        s.push_str(if e.question || e.hypothetical {
            " (not recorded: question/condition)"
        } else if e.confidence < floor {
            " (not recorded: below the confidence floor)"
        } else {
            " (not recorded)"
        });
    }
    s
}

impl Report {
    /// The text report; its last line is `F1: 0.xxxx` (the macro F1).
    /// `verbose` adds every sentence with an error.
    pub fn render(&self, verbose: bool) -> String {
        let mut o = String::new();
        let s = &self.scores;
        if verbose {
            for (ri, r) in self.results.iter().enumerate() {
                let (gold, _, pred) = type_sets(r, false);
                let notes = self.arg_notes.get(ri).map(Vec::as_slice).unwrap_or(&[]);
                if gold == pred && notes.is_empty() {
                    continue;
                }
                let _ = writeln!(o, "line {}: {}", r.gold.line, r.gold.text);
                if r.gold.events.is_empty() {
                    let _ = writeln!(o, "    gold NONE");
                }
                for g in &r.gold.events {
                    let _ = writeln!(o, "    gold {}", gold_str(g));
                }
                for p in &r.predicted {
                    let _ = writeln!(o, "    got  {}", pred_str(p, self.min_confidence));
                }
                let missed: Vec<&str> = gold.difference(&pred).map(|t| t.as_str()).collect();
                let spurious: Vec<&str> = pred.difference(&gold).map(|t| t.as_str()).collect();
                if !missed.is_empty() {
                    let _ = writeln!(o, "    !! missed {}", missed.join(", "));
                }
                if !spurious.is_empty() {
                    let _ = writeln!(o, "    !! spurious {}", spurious.join(", "));
                }
                for n in notes {
                    let _ = writeln!(o, "    ~~ {n}");
                }
            }
            let _ = writeln!(o);
        }
        let gold_events: usize = self.results.iter().map(|r| r.gold.events.len()).sum();
        let _ = writeln!(
            o,
            "{} sentences ({} NONE), {} gold events; mentions: {} from the file, {} found by rasd",
            s.sentences,
            s.none_sentences,
            gold_events,
            self.results.len() - self.found_mentions,
            self.found_mentions
        );
        let _ = writeln!(
            o,
            "{:<12} {:>9} {:>9} {:>9} {:>8} {:>6} {:>6}",
            "type", "precision", "recall", "f1", "support", "pred", "tp"
        );
        let row = |o: &mut String, name: &str, c: &Counts| {
            let _ = writeln!(
                o,
                "{:<12} {:>9.4} {:>9.4} {:>9.4} {:>8} {:>6} {:>6}",
                name,
                c.precision(),
                c.recall(),
                c.f1(),
                c.support(),
                c.predicted(),
                c.tp
            );
        };
        for (t, c) in &s.per_type {
            if c.tp + c.fp + c.fn_ == 0 {
                let _ = writeln!(
                    o,
                    "{:<12} {:>9} (not in the gold, not predicted)",
                    t.as_str(),
                    "-"
                );
            } else {
                row(&mut o, t.as_str(), c);
            }
        }
        row(&mut o, "micro", &s.micro);
        let _ = writeln!(
            o,
            "macro        {:>29.4} (mean F1 of {} types)",
            s.macro_f1(),
            s.macro_types()
        );
        let _ = writeln!(
            o,
            "sentences with exactly the gold types: {}/{} ({:.4}); NONE sentences with no event: {}/{}",
            s.exact,
            s.sentences,
            ratio(s.exact, s.sentences),
            s.none_clean,
            s.none_sentences
        );
        let a = &self.args;
        let _ = writeln!(
            o,
            "matched gold events: modes {}  sources {}  targets {}  places {}  negation {}  intent {}  rep/q/hyp {}",
            a.mode, a.src, a.tgt, a.place, a.neg, a.intent, a.other_flags
        );
        let _ = writeln!(
            o,
            "not recorded: {} predicted mentions below confidence {:.2}, {} questions or conditions; recorded with no actor or place: {}",
            self.below_floor, self.min_confidence, self.unasserted, self.no_actor
        );
        let _ = writeln!(
            o,
            "asserted events only (intent events of the gold and the coder left out): micro F1 {:.4}, macro F1 {:.4}",
            self.asserted_only.micro.f1(),
            self.asserted_only.macro_f1()
        );
        for (name, p) in &self.sets {
            let _ = writeln!(
                o,
                "set {name}: {} sentences ({} NONE), micro P {:.4} R {:.4} F1 {:.4}, macro F1 {:.4} ({} types)",
                p.sentences,
                p.none_sentences,
                p.micro.precision(),
                p.micro.recall(),
                p.micro.f1(),
                p.macro_f1(),
                p.macro_types()
            );
        }
        let mut conf: Vec<(&ConfusionKey, &usize)> = s.confusion.iter().collect();
        conf.sort_by(|x, y| y.1.cmp(x.1).then(x.0.cmp(y.0)));
        let total: usize = conf.iter().map(|(_, n)| **n).sum();
        let _ = writeln!(
            o,
            "errors (gold → predicted, per sentence and type): {total}"
        );
        for ((g, p), n) in conf {
            let _ = writeln!(o, "  {:<12} → {:<12} {n}", label(*g), label(*p));
        }
        let _ = write!(o, "F1: {:.4}", s.macro_f1());
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(line: &str) -> GoldSentence {
        let v = parse(line, "t.tsv").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(v.len(), 1);
        v.into_iter().next().unwrap()
    }

    fn err(text: &str) -> String {
        parse(text, "g.tsv").unwrap_err().to_string()
    }

    #[test]
    fn parses_three_and_two_columns() {
        let g = one(
            "التقى خليفة حفتر في موسكو أمس الرئيس الروسي\tP:خليفة حفتر;L:موسكو;T:أمس=2024-06-02\tCONSULT/visit src=خليفة حفتر tgt=RU place=موسكو flags=intent,rep ; SUPPORT",
        );
        assert_eq!(g.line, 1);
        assert_eq!(g.names, vec!["خليفة حفتر", "موسكو"]);
        let args = g.args.as_ref().unwrap();
        assert_eq!(args[0].kind, ArgKind::Person);
        assert_eq!(&g.text[args[1].start..args[1].end], "موسكو");
        assert_eq!(g.times.len(), 1);
        assert_eq!(g.times[0].value, "2024-06-02");
        assert_eq!(g.events.len(), 2);
        let e = &g.events[0];
        assert_eq!(e.etype, EventType::Consult);
        assert_eq!(e.mode.as_deref(), Some("visit"));
        assert_eq!(e.src.as_deref(), Some("خليفة حفتر"));
        assert_eq!(e.tgt.as_deref(), Some("RU"));
        assert!(e.flags.intent && e.flags.rep && !e.flags.neg);
        assert_eq!(g.events[1].etype, EventType::Support);

        let g = one("\u{feff}فرضت واشنطن عقوبات\tsanction/restrict\r\n");
        assert!(g.args.is_none());
        assert_eq!(g.events[0].etype, EventType::Sanction);
        let g = one("جملة عادية\t-\tNONE");
        assert!(g.events.is_empty() && g.args.as_deref() == Some(&[][..]));
    }

    #[test]
    fn nth_occurrence_and_sets() {
        let text = "# comment\n#@set a\nزار علي المدينة ثم عاد علي\tP:علي#2\tCONSULT\n#@set b\nلا شيء\tNONE\n";
        let v = parse(text, "x").unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].set.as_deref(), Some("a"));
        assert_eq!(v[1].set.as_deref(), Some("b"));
        assert_eq!(v[0].line, 3);
        let a = v[0].args.as_ref().unwrap()[0];
        assert_eq!(a.start, v[0].text.rfind("علي").unwrap());
    }

    #[test]
    fn bad_lines_name_file_line_and_reason() {
        assert!(err("جملة\tFOO").contains("g.tsv:1: unknown event type 'FOO'"));
        assert!(err("جملة").contains("g.tsv:1: expected 2 or 3 tab-separated columns"));
        assert!(err("a\tb\tc\td").contains("found 4"));
        assert!(err("\tNONE").contains("empty sentence"));
        assert!(err("جملة\t").contains("empty events column"));
        assert!(err("جملة\tNONE ; CONSULT").contains("NONE together with events"));
        assert!(err("جملة\tCONSULT sorce=x").contains("unknown key 'sorce='"));
        assert!(err("جملة\tCONSULT foo").contains("unexpected 'foo'"));
        assert!(err("جملة\tCONSULT flags=maybe").contains("unknown flag 'maybe'"));
        assert!(err("جملة\tCONSULT/").contains("empty mode"));
        assert!(err("جملة\tCONSULT src=a src=b").contains("given twice"));
        assert!(err("جملة\tP:غائب\tCONSULT").contains("argument 'غائب' is not in the sentence"));
        assert!(err("جملة\tQ:جملة\tCONSULT").contains("unknown argument kind 'Q'"));
        assert!(err("جملة\tجملة\tCONSULT").contains("is not KIND:surface"));
        assert!(err("جملة\tT:جملة\tCONSULT").contains("T:surface=ISO"));
        assert!(err("جملة\tP:جملة#3\tCONSULT").contains("does not occur 3 times"));
        assert!(err("#@set\nجملة\tNONE").contains("g.tsv:1: `#@set`"));
        assert!(err("# only comments\n").contains("no labelled sentences"));
        // Every bad line is reported, with its own number.
        let e = err("جملة\tNONE\nجملة\tFOO\nجملة\tBAR\n");
        assert!(e.contains("g.tsv:2:") && e.contains("g.tsv:3:"), "{e}");
    }

    #[test]
    fn parser_never_panics_on_junk() {
        for junk in [
            "\t\t",
            "\t",
            "#@set x y",
            "a\t;;;\t;",
            "a\tP:\tNONE",
            "a\tP:a#\tNONE",
            "a\tP:a#99999999999999999999999\tNONE",
            "a\t-\tCONSULT src=",
            "a\t-\t/visit",
            "\u{feff}",
            "ﻻ\tT:ﻻ=\tASSAULT flags=,",
        ] {
            let _ = parse(junk, "j");
        }
    }

    fn result(events: &str, pred: &[(EventType, bool)]) -> SentenceResult {
        let gold = one(&format!("جملة\t-\t{events}"));
        let predicted = pred
            .iter()
            .map(|&(t, intent)| Predicted {
                event: EventMention {
                    etype: t,
                    mode: None,
                    intent,
                    negated: false,
                    reported: false,
                    question: false,
                    hypothetical: false,
                    verbal: true,
                    trigger: (0, 0),
                    sentence: (0, 0),
                    source: None,
                    target: None,
                    place: None,
                    time: None,
                    confidence: 0.9,
                },
                trigger_text: String::new(),
                src: "-".into(),
                tgt: "-".into(),
                place: "-".into(),
                recorded: true,
            })
            .collect();
        SentenceResult {
            gold,
            predicted,
            found_mentions: false,
        }
    }

    #[test]
    fn scores_types_per_sentence() {
        use EventType::*;
        let rs = [
            // tp CONSULT; a repeated prediction counts once.
            result("CONSULT", &[(Consult, false), (Consult, false)]),
            // NONE with a prediction: fp ASSAULT.
            result("NONE", &[(Assault, false)]),
            // Missed DEMAND paired with a spurious REJECT.
            result(
                "DEMAND ; RETREAT flags=intent",
                &[(Reject, false), (Retreat, true)],
            ),
            // A clean NONE.
            result("NONE", &[]),
            // A question's type is neither required nor an error.
            result("CONSULT flags=q", &[(Consult, false)]),
            result("AGREE flags=hyp", &[]),
        ];
        let refs: Vec<&SentenceResult> = rs.iter().collect();
        let s = score(&refs, false);
        assert_eq!(
            s.counts(Consult),
            Counts {
                tp: 1,
                fp: 0,
                fn_: 0
            }
        );
        assert_eq!(
            s.counts(Assault),
            Counts {
                tp: 0,
                fp: 1,
                fn_: 0
            }
        );
        assert_eq!(
            s.counts(Demand),
            Counts {
                tp: 0,
                fp: 0,
                fn_: 1
            }
        );
        assert_eq!(
            s.counts(Reject),
            Counts {
                tp: 0,
                fp: 1,
                fn_: 0
            }
        );
        assert_eq!(
            s.counts(Retreat),
            Counts {
                tp: 1,
                fp: 0,
                fn_: 0
            }
        );
        assert_eq!(s.counts(Agree), Counts::default());
        assert_eq!(
            s.micro,
            Counts {
                tp: 2,
                fp: 2,
                fn_: 1
            }
        );
        assert_eq!(s.none_sentences, 2);
        assert_eq!(s.none_clean, 1);
        assert_eq!(s.exact, 4);
        assert_eq!(s.confusion[&(Some(Demand), Some(Reject))], 1);
        assert_eq!(s.confusion[&(None, Some(Assault))], 1);
        // Macro over the 5 types seen: CONSULT 1, ASSAULT 0, DEMAND 0,
        // REJECT 0, RETREAT 1.
        assert_eq!(s.macro_types(), 5);
        assert!((s.macro_f1() - 0.4).abs() < 1e-9);
        // Without intent events, RETREAT is not scored.
        let a = score(&refs, true);
        assert_eq!(a.counts(Retreat), Counts::default());
    }

    #[test]
    fn not_recorded_predictions_are_not_counted() {
        let mut r = result("NONE", &[(EventType::Assault, false)]);
        r.predicted[0].recorded = false;
        let s = score(&[&r], false);
        assert_eq!(s.micro, Counts::default());
        assert_eq!(s.none_clean, 1);
    }

    #[test]
    fn argument_matching() {
        assert!(same_arg("خليفة حفتر", "المشير خليفة حفتر"));
        assert!(same_arg("حفتر", "حفتر"));
        assert!(same_arg("RU", "RU"));
        assert!(!same_arg("RU", "UA"));
        assert!(!same_arg("_", "-"));
        assert!(!same_arg("خليفة حفتر", "RU"));
        assert!(same_arg("إسطنبول", "اسطنبول"));
    }

    #[test]
    fn end_to_end_on_a_small_file() {
        let text = "#@set a\n\
            استقبل الرئيس عبد الفتاح السيسي وزير الخارجية الروسي سيرجي لافروف في القاهرة\tP:عبد الفتاح السيسي;P:سيرجي لافروف;L:القاهرة\tCONSULT/visit src=عبد الفتاح السيسي tgt=سيرجي لافروف place=القاهرة\n\
            #@set b\n\
            أضاع اللاعب ضربة جزاء في الدقيقة الأخيرة\t-\tNONE\n\
            فرضت الولايات المتحدة عقوبات جديدة على شركات إيرانية\tL:الولايات المتحدة\tSANCTION/restrict src=US tgt=IR\n";
        let gold = parse(text, "small").unwrap();
        let rep = evaluate(&gold, None, &Options::default());
        assert_eq!(rep.scores.sentences, 3);
        assert_eq!(rep.scores.counts(EventType::Consult).tp, 1);
        assert_eq!(rep.scores.counts(EventType::Sanction).tp, 1);
        assert_eq!(rep.scores.micro.fp, 0);
        assert_eq!(rep.args.src, Tally { ok: 2, n: 2 });
        assert_eq!(rep.sets.len(), 2);
        assert!((rep.macro_f1() - 1.0).abs() < 1e-9);
        let out = rep.render(true);
        assert!(out.ends_with("F1: 1.0000"), "{out}");
        assert!(out.contains("CONSULT"), "{out}");
        assert!(out.contains("set b: 2 sentences (1 NONE)"), "{out}");
        // Only one part.
        let opts = Options {
            set: Some("b".into()),
            ..Options::default()
        };
        let rep = evaluate(&gold, None, &opts);
        assert_eq!(rep.scores.sentences, 2);
        // A finder is used for lines without arguments.
        let two = parse(
            "استقبل الرئيس عبد الفتاح السيسي في القاهرة وزير الخارجية الروسي\tCONSULT src=عبد الفتاح السيسي tgt=RU",
            "f",
        )
        .unwrap();
        let finder = |t: &str| {
            let s = t.find("عبد الفتاح السيسي").unwrap();
            vec![Arg {
                start: s,
                end: s + "عبد الفتاح السيسي".len(),
                kind: ArgKind::Person,
                entity: 7,
            }]
        };
        let rep = evaluate(&two, Some(&finder), &Options::default());
        assert_eq!(rep.found_mentions, 1);
        assert_eq!(rep.args.src, Tally { ok: 1, n: 1 });
        assert_eq!(rep.args.tgt, Tally { ok: 1, n: 1 });
    }
}
