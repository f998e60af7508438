//! Conservative clitic segmentation, for matching.
//!
//! [`segment`] splits an Arabic word into proclitics (`و ف` conjunctions,
//! `ب ك ل` prepositions, the article `ال`, the future `س`), a stem and one
//! enclitic pronoun (`ه ها هم هما هن كم كن نا`). It prefers leaving a word
//! whole to splitting it wrongly:
//!
//! - a word the caller protects (`protect(word)`: a gazetteer or name
//!   lookup), or a known function word or common word whose first letters are
//!   part of the root (`في`, `كان`, `لكن`, `بين`, `وزير`, `فريق`, `سياسة`, …)
//!   is never split; when one of these is what remains after a proclitic
//!   (`ومصر`, `وفي`, `ووزير`), that proclitic is split off and nothing else;
//!   `protect` is also asked about the candidate stem with its article
//!   (`بالقاهرة` → `القاهرة`, `للقاهرة` → `القاهرة`), and a protected one
//!   keeps its article;
//! - `ب ك ل` alone (without the article) are split off only when the rest is
//!   protected or known (`بمصر` with `مصر` protected, `بذلك`);
//! - `و ف` alone are split off when at least 3 letters remain; with the
//!   article or another proclitic after them when at least 2 remain;
//! - the article (`ال`, `لل` = `ل` + `ال`) needs a stem of at least 2 letters,
//!   and a word with the article takes no enclitic;
//! - `س` only before `ي ت ن أ` with a stem of 3 letters or more not ending in
//!   `ة` or `ات`;
//! - an enclitic needs a stem of at least 3 letters (4 for `كم كن`); `ه`,
//!   `ها`, `هم`, `هما`, `هن` are not split after `ا` (`اتجاه`, `تفاهم`), and
//!   `ها`, `نا` not when they carry tanween (`وجهاً`). The ambiguous one-letter
//!   `ي` (nisba adjectives) and `ك` (`مبارك`, `ذلك`) are never split.
//!
//! Byte ranges index the word; diacritics and tatweel belong to the letter
//! before them.

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::normalize::{fold_into, Folds};
use crate::token::{cls, Cls};

/// One clitic: its byte range in the word and its canonical form
/// (`"و"`, `"ف"`, `"ب"`, `"ك"`, `"ل"`, `"ال"`, `"س"`, `"ه"`, `"ها"`, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Clitic {
    pub start: usize,
    pub end: usize,
    pub form: &'static str,
}

const NO_CLITIC: Clitic = Clitic {
    start: 0,
    end: 0,
    form: "",
};

/// The segmentation of one word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Segmentation {
    proclitics: [Clitic; 4],
    n_proclitics: u8,
    /// Byte range of the stem in the word.
    pub stem: (usize, usize),
    /// The enclitic pronoun, if one was split off.
    pub enclitic: Option<Clitic>,
    /// The stem starts with the lam of an article whose alef was elided after
    /// `ل` (`للقاهرة` with `القاهرة` protected): its key gets the alef back.
    pub restored_alef: bool,
}

impl Segmentation {
    fn whole(word: &str) -> Segmentation {
        Segmentation {
            proclitics: [NO_CLITIC; 4],
            n_proclitics: 0,
            stem: (0, word.len()),
            enclitic: None,
            restored_alef: false,
        }
    }

    /// The proclitics, in order. `لل` gives `ل` then `ال` (whose range is
    /// just its lam).
    pub fn proclitics(&self) -> &[Clitic] {
        &self.proclitics[..self.n_proclitics as usize]
    }

    /// Was anything split off?
    pub fn is_split(&self) -> bool {
        self.n_proclitics > 0 || self.enclitic.is_some()
    }

    /// The stem's text in `word`.
    pub fn stem_text<'a>(&self, word: &'a str) -> &'a str {
        &word[self.stem.0..self.stem.1]
    }

    /// The stem's matching key: its text folded with [`Folds::SEARCH`] (with
    /// the elided alef restored, see [`Segmentation::restored_alef`]).
    pub fn stem_key(&self, word: &str) -> String {
        let mut out = String::with_capacity(self.stem.1 - self.stem.0 + 2);
        if self.restored_alef {
            out.push('ا');
        }
        fold_into(self.stem_text(word), &Folds::SEARCH, &mut out);
        out
    }
}

/// Common words that must never be split: function words, and frequent
/// words whose first letters look like proclitics but belong to the root.
#[rustfmt::skip]
const KNOWN: &[&str] = &[
    // function words
    "في", "من", "إلى", "على", "عن", "مع", "هذا", "هذه", "ذلك", "تلك", "هؤلاء", "أولئك", "هنا",
    "هناك", "كان", "كانت", "كانوا", "يكون", "تكون", "لكن", "لكنه", "لكنها", "بين", "ليس", "ليست",
    "لم", "لن", "كل", "بعد", "قبل", "حتى", "ثم", "أو", "أم", "إن", "أن", "إنه", "أنه", "إنها",
    "أنها", "كما", "لما", "بل", "قد", "ما", "لا", "هو", "هي", "هم", "هما", "هن", "نحن", "أنا",
    "أنت", "أنتم", "كيف", "أين", "متى", "لماذا", "ماذا", "الذي", "التي", "الذين", "اللذان",
    "اللتان", "اللذين", "اللتين", "اللاتي", "اللواتي", "الآن", "لدى", "لذا", "لذلك", "كذلك", "لهذا",
    "هكذا", "بينما", "إذا", "إذ", "إلا", "فقط", "أيضا", "غير", "سوى", "منذ", "خلال", "عند", "عبر",
    "ضد", "نحو", "حول", "فوق", "تحت", "أمام", "وراء", "بسبب", "بعض", "جميع", "عدة", "له", "لها",
    "لهم", "لهما", "لهن", "لنا", "لك", "لكم", "به", "بها", "بهم", "بهما", "بنا", "بك", "بكم",
    "فيه", "فيها", "فيهم", "فيهما", "فيما", "منه", "منها", "منهم", "منهما", "عنه", "عنها", "عنهم",
    "عليه", "عليها", "عليهم", "إليه", "إليها", "إليهم", "معه", "معها", "معهم", "لدينا", "لديه",
    "لديها", "لديهم", "كأن", "لأن", "لقد", "الله", "كلا", "كلتا", "ليت", "لعل", "عسى", "بلا",
    "كي", "لكي", "لي", "بي", "كذا", "هل", "بلى", "وفق", "كلما", "بما", "لدي", "إياه", "إياها",
    "إياهم", "لله", "ولو", "لو", "لولا", "هنالك", "فإن", "فأن", "بأن", "كأنه", "كأنها", "بينهم", "بينها",
    "بينه", "بيننا", "فيك", "كله", "كلها", "كلهم", "بعضهم", "بعضها", "نفسه", "نفسها", "أنفسهم",
    // root-initial و
    "وزير", "وزيرة", "وزراء", "وزارة", "وزارات", "وكالة", "وكالات", "ولاية", "ولايات", "وطن",
    "وطني", "وطنية", "وقت", "أوقات", "وفد", "وفود", "وضع", "وصل", "وصول", "وقف", "وقوف",
    "واشنطن", "وحدة", "وحدات", "وجود", "وسط", "وسائل", "وسيلة", "وثيقة", "وثائق", "ورقة", "واقع",
    "وقائع", "وجه", "وجهة", "والد", "والدة", "والدي", "والي", "وادي", "وافق", "وعد", "وعود", "ورد",
    "وردت", "وقع", "وقعت", "وقوع", "وفاة", "ولد", "ولدت", "وصف", "وظيفة", "وظائف", "وفر", "وليد",
    "ولي", "وعي", "وحيد", "وكيل", "وقود", "ودائع", "وهران", "وارسو", "واحد", "واحدة", "واسع",
    "واسعة", "وجهات", "وضعت", "وضعها", "وقف", "ولاء", "ولاة",
    // root-initial ف
    "فريق", "فرق", "فلسطين", "فلسطيني", "فلسطينية", "فلسطينيين", "فرنسا", "فرنسي", "فرنسية",
    "فترة", "فترات", "فكرة", "فوز", "فرع", "فروع", "فرصة", "فرص", "فعل", "فعلا", "فيلم", "فصل",
    "فقر", "فندق", "فنزويلا", "فيروس", "فئة", "فئات", "فاعل", "فضلا", "فضل", "فساد", "فنان", "فن",
    "فنون", "فتح", "فجر", "فوضى", "فرد", "فيضان", "فيضانات", "فائدة", "فوائد", "فحص", "فرض", "فرضت",
    "فصائل", "فصيل", "فيينا", "فيتنام", "فنلندا", "فلبين", "فريد", "فريدة", "فوري", "فورا",
    // root-initial س before ي ت ن أ
    "سياسة", "سياسي", "سياسية", "سياسات", "سياسيين", "سيارة", "سيارات", "سيطرة", "سيطر",
    "سيطرت", "سيدة", "سيد", "سيدات", "سنة", "سنوات", "سنين", "ستة", "ستين", "ستون", "سيول",
    "سيناء", "سيادة", "سيناريو", "سيف", "سيل", "سير", "سيرة", "سينما", "ستار", "سنغافورة", "سيئة",
    "سيئ", "ستوديو", "سنوي", "سنوية", "سنويا", "سنتيمتر", "سنت", "سيبيريا", "ستراسبورغ", "سيول",
    // root-initial ب ك ل with the article's letters
    "بالغ", "بالغة", "بالون", "كالسيوم", "لالة", "ألف", "ألفا", "ألم",
    // ال that is not the article
    "التزام", "التزامات", "التزم", "التزمت", "التقى", "التقت", "التحق", "التحاق", "ألغى", "إلغاء",
    "ألمانيا", "ألماني", "ألمانية", "إلكتروني", "إلكترونية", "الكترونيا",
];

/// The fold of known-word lookups: [`Folds::SEARCH`] without the ta marbuta
/// fold, which would confuse `وزيرة` with `وزيره`.
const KNOWN_FOLDS: Folds = Folds {
    ta_marbuta: false,
    ..Folds::SEARCH
};

fn known_set() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        KNOWN
            .iter()
            .map(|w| {
                let mut k = String::new();
                fold_into(w, &KNOWN_FOLDS, &mut k);
                k
            })
            .collect()
    })
}

#[derive(Clone, Copy)]
struct Letter {
    start: usize,
    ch: char,
}

/// Most letters a word may have to be segmented.
const MAX_LETTERS: usize = 48;

struct Ctx<'w, 'p> {
    word: &'w str,
    letters: [Letter; MAX_LETTERS],
    n: usize,
    protect: &'p dyn Fn(&str) -> bool,
    buf: String,
    pro: [Clitic; 4],
    n_pro: usize,
}

fn is_alef(c: char) -> bool {
    matches!(c, 'ا' | 'ٱ')
}

fn is_prep(c: char) -> bool {
    matches!(c, 'ب' | 'ك' | 'ل')
}

/// Enclitics, longest first: (letters, form, shortest stem).
const ENCLITICS: &[(&str, &str, usize)] = &[
    ("هما", "هما", 3),
    ("ها", "ها", 3),
    ("هم", "هم", 3),
    ("هن", "هن", 3),
    ("كم", "كم", 4),
    ("كن", "كن", 4),
    ("نا", "نا", 3),
    ("ه", "ه", 3),
];

impl<'w> Ctx<'w, '_> {
    fn start(&self, i: usize) -> usize {
        if i < self.n {
            self.letters[i].start
        } else {
            self.word.len()
        }
    }

    fn ch(&self, i: usize) -> char {
        self.letters[i].ch
    }

    /// Is `s` a known word, also in its accusative form (`وقتاً`, `فريقا`)?
    fn is_known(&mut self, s: &str) -> bool {
        self.buf.clear();
        fold_into(s, &KNOWN_FOLDS, &mut self.buf);
        let set = known_set();
        set.contains(self.buf.as_str())
            || self
                .buf
                .strip_suffix('ا')
                .is_some_and(|k| k.chars().count() >= 2 && set.contains(k))
    }

    /// Letters `a..b` (b = n for the rest of the word).
    fn slice(&self, a: usize, b: usize) -> &'w str {
        let w: &'w str = self.word;
        &w[self.start(a)..self.start(b)]
    }

    /// Is the rest of the word from letter `a` a whole known word? `Some(false)`:
    /// protected or known as it is; `Some(true)`: known once an enclitic is
    /// split off; `None`: not known.
    fn stop(&mut self, a: usize) -> Option<bool> {
        let rest = self.slice(a, self.n);
        if (self.protect)(rest) || self.is_known(rest) {
            return Some(false);
        }
        if let Some(e) = self.enclitic_at(a) {
            let stem = self.slice(a, e);
            if self.is_known(stem) {
                return Some(true);
            }
        }
        None
    }

    /// The first letter of a valid enclitic ending the word, with a stem
    /// starting at letter `a`.
    fn enclitic_at(&self, a: usize) -> Option<usize> {
        let n = self.n;
        for &(letters, _, min_stem) in ENCLITICS {
            let len = letters.chars().count();
            if n < a + min_stem + len {
                continue;
            }
            let e = n - len;
            if !letters
                .chars()
                .enumerate()
                .all(|(k, c)| self.ch(e + k) == c)
            {
                continue;
            }
            if letters.starts_with('ه') && self.ch(e - 1) == 'ا' {
                continue;
            }
            if matches!(letters, "ها" | "نا") && self.word[self.start(e)..].contains(['\u{064B}'])
            {
                continue;
            }
            return Some(e);
        }
        None
    }

    fn push(&mut self, a: usize, b: usize, form: &'static str) {
        self.pro[self.n_pro] = Clitic {
            start: self.start(a),
            end: self.start(b),
            form,
        };
        self.n_pro += 1;
    }

    fn finish(&self, stem: usize, enclitic: bool, restored_alef: bool) -> Segmentation {
        let enc = if enclitic {
            self.enclitic_at(stem)
        } else {
            None
        };
        let stem_end = enc.map_or(self.word.len(), |e| self.start(e));
        let enclitic = enc.map(|e| {
            let len = self.n - e;
            let form = ENCLITICS
                .iter()
                .find(|(l, _, _)| {
                    l.chars().count() == len
                        && l.chars().enumerate().all(|(k, c)| self.ch(e + k) == c)
                })
                .map_or("", |x| x.1);
            Clitic {
                start: self.start(e),
                end: self.word.len(),
                form,
            }
        });
        Segmentation {
            proclitics: self.pro,
            n_proclitics: self.n_pro as u8,
            stem: (self.start(stem), stem_end),
            enclitic,
            restored_alef,
        }
    }
}

/// Splits `word` into proclitics, stem and enclitic (see the module doc for
/// the rules). `protect` is asked whether a text (the word, a candidate stem,
/// a candidate stem with its article) is a known name or word that must stay
/// whole; it gets raw slices of `word` (diacritics included) or, for `لل`, the
/// rebuilt `ال…` form, so it should fold its argument (e.g. with
/// [`crate::fold`] and [`Folds::SEARCH`]) before looking it up. A word that is
/// not purely Arabic letters (with diacritics, tatweel and joiners) is
/// returned whole.
pub fn segment(word: &str, protect: &dyn Fn(&str) -> bool) -> Segmentation {
    let mut letters = [Letter { start: 0, ch: ' ' }; MAX_LETTERS];
    let mut n = 0;
    for (i, c) in word.char_indices() {
        match cls(c) {
            Cls::ArLetter => {
                if n == MAX_LETTERS {
                    return Segmentation::whole(word);
                }
                letters[n] = Letter { start: i, ch: c };
                n += 1;
            }
            Cls::ArMark | Cls::Tatweel | Cls::Joiner if n > 0 => {}
            _ => return Segmentation::whole(word),
        }
    }
    if n < 3 {
        return Segmentation::whole(word);
    }
    let mut cx = Ctx {
        word,
        letters,
        n,
        protect,
        buf: String::with_capacity(word.len() + 2),
        pro: [NO_CLITIC; 4],
        n_pro: 0,
    };
    match cx.stop(0) {
        Some(false) => return Segmentation::whole(word),
        Some(true) => return cx.finish(0, true, false),
        None => {}
    }
    let mut p = 0;
    let conj = matches!(cx.ch(0), 'و' | 'ف');
    if conj {
        cx.push(0, 1, if cx.ch(0) == 'و' { "و" } else { "ف" });
        if let Some(enc) = cx.stop(1) {
            return cx.finish(1, enc, false);
        }
        p = 1;
    }
    let rem = n - p;
    let prep_form = |c: char| match c {
        'ب' => "ب",
        'ك' => "ك",
        _ => "ل",
    };
    // لل = ل + ال with the alef elided.
    if rem >= 4 && cx.ch(p) == 'ل' && cx.ch(p + 1) == 'ل' {
        let mut cand = String::with_capacity(word.len() + 2);
        cand.push('ا');
        cand.push_str(cx.slice(p + 1, n));
        cx.push(p, p + 1, "ل");
        if protect(&cand) || cx.is_known(&cand) {
            return cx.finish(p + 1, false, true);
        }
        cx.push(p + 1, p + 2, "ال");
        return cx.finish(p + 2, false, false);
    }
    // ب ك ل + ال
    if rem >= 5 && is_prep(cx.ch(p)) && is_alef(cx.ch(p + 1)) && cx.ch(p + 2) == 'ل' {
        cx.push(p, p + 1, prep_form(cx.ch(p)));
        if cx.stop(p + 1).is_some() {
            return cx.finish(p + 1, false, false);
        }
        cx.push(p + 1, p + 3, "ال");
        return cx.finish(p + 3, false, false);
    }
    // ال
    if rem >= 4 && is_alef(cx.ch(p)) && cx.ch(p + 1) == 'ل' {
        cx.push(p, p + 2, "ال");
        return cx.finish(p + 2, false, false);
    }
    // ب ك ل alone: only before a protected or known word.
    if rem >= 3 && is_prep(cx.ch(p)) {
        if let Some(enc) = cx.stop(p + 1) {
            cx.push(p, p + 1, prep_form(cx.ch(p)));
            return cx.finish(p + 1, enc, false);
        }
    }
    // Future س before an imperfect prefix.
    if rem >= 4
        && cx.ch(p) == 'س'
        && matches!(cx.ch(p + 1), 'ي' | 'ت' | 'ن' | 'أ')
        && cx.ch(n - 1) != 'ة'
        && !(cx.ch(n - 2) == 'ا' && cx.ch(n - 1) == 'ت')
    {
        cx.push(p, p + 1, "س");
        return cx.finish(p + 1, true, false);
    }
    if conj && n > 3 {
        return cx.finish(1, true, false);
    }
    cx.n_pro = 0;
    cx.finish(0, true, false)
}

/// The stem key of `word`: `segment(word, protect).stem_key(word)`.
pub fn segment_key(word: &str, protect: &dyn Fn(&str) -> bool) -> String {
    segment(word, protect).stem_key(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(w: &str) -> (Vec<&'static str>, String, Option<&'static str>) {
        let s = segment(w, &|_| false);
        (
            s.proclitics().iter().map(|c| c.form).collect(),
            s.stem_text(w).to_string(),
            s.enclitic.map(|e| e.form),
        )
    }

    #[test]
    fn basics() {
        assert_eq!(parts("والكتاب"), (vec!["و", "ال"], "كتاب".into(), None));
        assert_eq!(parts("في"), (vec![], "في".into(), None));
    }
}
