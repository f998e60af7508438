//! Behaviour of the text core on invented Arabic sentences.

use rasd_text::token::TokenKind::{self, *};
use rasd_text::{
    fold, fold_key, normalize, segment, segment_key, sentences, token_key, token_key_into,
    tokenize, Folds,
};

fn search(s: &str) -> String {
    normalize(s, &Folds::SEARCH).text
}

fn model(s: &str) -> String {
    normalize(s, &Folds::MODEL).text
}

fn minimal(s: &str) -> String {
    normalize(s, &Folds::MINIMAL).text
}

fn toks(s: &str) -> Vec<(&str, TokenKind)> {
    tokenize(s)
        .into_iter()
        .map(|t| (t.text(s), t.kind))
        .collect()
}

fn sents(s: &str) -> Vec<&str> {
    sentences(s).into_iter().map(|(a, b)| &s[a..b]).collect()
}

fn seg(w: &str) -> (Vec<&'static str>, &str, Option<&'static str>) {
    seg_with(w, &|_| false)
}

fn seg_with<'a>(
    w: &'a str,
    protect: &dyn Fn(&str) -> bool,
) -> (Vec<&'static str>, &'a str, Option<&'static str>) {
    let s = segment(w, protect);
    (
        s.proclitics().iter().map(|c| c.form).collect(),
        s.stem_text(w),
        s.enclitic.map(|e| e.form),
    )
}

// ---------------------------------------------------------------- folds

#[test]
fn fold_removes_diacritics() {
    assert_eq!(search("أَحْمَدُ"), "احمد");
    assert_eq!(model("كَتَبَ الطَّالِبُ دَرْسًا"), "كتب الطالب درسا");
}

#[test]
fn fold_removes_quranic_marks_and_superscript_alef() {
    assert_eq!(search("هٰذا"), "هذا");
    assert_eq!(search("رَحْمَٰنِ\u{06DA}"), "رحمن");
}

#[test]
fn fold_alef_variants() {
    assert_eq!(search("إسلام آمن ٱلسلام أمل ٲ ٳ"), "اسلام امن السلام امل ا ا");
    assert_eq!(model("أمل"), "امل");
}

#[test]
fn fold_alef_maqsura() {
    assert_eq!(search("مستشفى كبرى"), "مستشفي كبري");
    assert_eq!(model("مستشفى"), "مستشفي");
}

#[test]
fn ta_marbuta_folds_for_search_only() {
    assert_eq!(search("مدرسة جديدة"), "مدرسه جديده");
    assert_eq!(model("مدرسة جديدة"), "مدرسة جديدة");
}

#[test]
fn hamza_seats_fold_for_search_only() {
    assert_eq!(search("مؤتمر رئيس"), "موتمر رييس");
    assert_eq!(model("مؤتمر رئيس"), "مؤتمر رئيس");
}

#[test]
fn persian_forms_become_arabic() {
    assert_eq!(search("کتاب یک"), "كتاب يك");
    assert_eq!(model("ەۀ ګ ې"), "هه ك ي");
    // Persian ta marbuta goal keeps its meaning in MODEL.
    assert_eq!(model("مدرسۃ"), "مدرسة");
    // Distinct sounds stay.
    assert_eq!(search("گاز پاريس ڤيينا"), "گاز پاريس ڤيينا");
}

#[test]
fn digits_of_three_scripts() {
    assert_eq!(search("٢٠٢٤ و۱۴۰۳ و2025"), "2024 و1403 و2025");
    assert_eq!(model("٣٫٥٪ و١٬٢٠٠"), "3.5% و1,200");
    assert_eq!(minimal("٢٠٢٤"), "٢٠٢٤");
}

#[test]
fn arabic_punctuation_is_kept() {
    let s = "نعم، لا؛ لماذا؟";
    assert_eq!(search(s), s);
    assert_eq!(minimal(s), s);
}

#[test]
fn controls_are_removed() {
    assert_eq!(
        search("\u{200F}مرحبا\u{200E} \u{061C}بكم\u{FEFF}"),
        "مرحبا بكم"
    );
    assert_eq!(minimal("\u{202B}نص\u{202C}\u{2066}x\u{2069}"), "نصx");
    assert_eq!(minimal("كل\u{00AD}مة\u{200B}"), "كلمة");
    assert_eq!(minimal("می\u{200C}خواهم"), "میخواهم");
}

#[test]
fn spaces_become_plain() {
    assert_eq!(
        minimal("وفد\u{00A0}رسمي\u{202F}كبير\tجدا\u{2003}!"),
        "وفد رسمي كبير جدا !"
    );
    assert_eq!(minimal("سطر\nسطر"), "سطر\nسطر");
    assert_eq!(minimal("سطر\u{2028}سطر"), "سطر\nسطر");
}

#[test]
fn presentation_forms_unfold() {
    assert_eq!(minimal("ﺑﻴﺖ"), "بيت");
    assert_eq!(minimal("ﻻ"), "لا");
    assert_eq!(minimal("ﻷ"), "لأ");
    assert_eq!(search("ﻷ"), "لا");
    assert_eq!(minimal("ﷲ"), "الله");
    assert_eq!(search("ﺃﺣﻤﺪ"), "احمد");
    // An isolated spacing harakah never inserts a space.
    assert_eq!(minimal("ب\u{FE70}"), "ب\u{064B}");
    assert_eq!(search("ب\u{FE70}"), "ب");
    // Not folded when the fold is off.
    assert_eq!(normalize("ﻻ", &Folds::NONE).text, "ﻻ");
}

#[test]
fn latin_lower_case() {
    assert_eq!(model("NATO و UN"), "nato و un");
    assert_eq!(minimal("NATO"), "NATO");
    assert_eq!(search("ÉCOLE"), "école");
}

#[test]
fn minimal_keeps_letters_and_marks() {
    let s = "مُدَرِّسَةٌ أَمِينَةٌ ـ";
    assert_eq!(minimal(s), s);
}

#[test]
fn tatweel_removed() {
    assert_eq!(model("جـــميل"), "جميل");
    assert_eq!(minimal("جـــميل"), "جـــميل");
}

#[test]
fn none_is_identity() {
    let s = "\u{200F}أَحْمَدُ ﻻ ٣ NATO\u{00A0}";
    let n = normalize(s, &Folds::NONE);
    assert_eq!(n.text, s);
    assert_eq!(n.table_len(), 2);
}

#[test]
fn fold_into_matches_normalize() {
    let s = "\u{200F}قالَ المُتحدِّثُ: «ﻻ تَغيير» في ٢٠٢٤\u{00A0}NATO";
    for f in [Folds::SEARCH, Folds::MODEL, Folds::MINIMAL, Folds::NONE] {
        assert_eq!(fold(s, &f), normalize(s, &f).text);
    }
}

#[test]
fn word_maps_back_to_its_original_letters() {
    let s = "قالَ مُحَمَّدٌ إنّ";
    let n = normalize(s, &Folds::SEARCH);
    assert_eq!(n.text, "قال محمد ان");
    let a = n.text.find("محمد").unwrap();
    let (os, oe) = n.span_to_original(a, a + "محمد".len());
    // The span ends with the last letter: the tanween after it produced
    // nothing.
    assert_eq!(&s[os..oe], "مُحَمَّد");
    let (os, oe) = n.span_to_original(0, n.text.len());
    assert_eq!(&s[os..oe], "قالَ مُحَمَّدٌ إنّ".trim_end_matches('\u{0651}'));
}

#[test]
fn deleted_char_maps_to_next_survivor() {
    let s = "ب\u{200F}\u{064E}ت";
    let n = normalize(s, &Folds::SEARCH);
    assert_eq!(n.text, "بت");
    let rlm = s.find('\u{200F}').unwrap();
    let fatha = s.find('\u{064E}').unwrap();
    let t = s.find('ت').unwrap();
    assert_eq!(n.to_normalized(rlm), 2);
    assert_eq!(n.to_normalized(fatha), 2);
    assert_eq!(n.to_original(2), t);
    assert_eq!(n.to_original(n.to_normalized(rlm)), t);
}

#[test]
fn leading_and_trailing_deletions() {
    let s = "\u{FEFF}\u{200F}نص\u{200E}";
    let n = normalize(s, &Folds::MINIMAL);
    assert_eq!(n.text, "نص");
    assert_eq!(n.to_original(0), s.find('ن').unwrap());
    assert_eq!(n.to_original(n.text.len()), s.len());
    assert_eq!(n.to_normalized(0), 0);
    assert_eq!(n.to_normalized(s.find('\u{200E}').unwrap()), n.text.len());
    assert_eq!(n.span_to_original(0, 4), (6, 6 + 4));
    // All deleted.
    let n = normalize("\u{200F}\u{200E}", &Folds::MINIMAL);
    assert_eq!(n.text, "");
    assert_eq!(n.to_original(0), 6);
    assert_eq!(n.to_normalized(3), 0);
}

#[test]
fn expansion_maps_every_char_to_the_ligature() {
    let s = "ﷲ أكبر";
    let n = normalize(s, &Folds::SEARCH);
    assert_eq!(n.text, "الله اكبر");
    for k in 0..4 {
        assert_eq!(n.to_original(2 * k), 0);
    }
    assert_eq!(n.span_to_original(2, 4), (0, 3));
    assert!(n.is_aligned(0) && !n.is_aligned(2) && n.is_aligned(8));
    assert_eq!(n.to_normalized(3), 8);
    assert_eq!(n.span_to_normalized(0, 3), (0, 8));
}

#[test]
fn offsets_with_shrinking_digits() {
    let s = "عام ٢٠٢٤م";
    let n = normalize(s, &Folds::MODEL);
    assert_eq!(n.text, "عام 2024م");
    let a = n.text.find("2024").unwrap();
    let (os, oe) = n.span_to_original(a, a + 4);
    assert_eq!(&s[os..oe], "٢٠٢٤");
    assert_eq!(n.to_normalized(s.find('٢').unwrap()), a);
    let m = s.rfind('م').unwrap();
    assert_eq!(n.to_original(n.to_normalized(m)), m);
}

#[test]
fn existing_fold_key_is_unchanged() {
    assert_eq!(fold_key("  اقرأ\u{00A0} أيضاً "), "اقرا ايضا");
    assert_eq!(fold_key("Tags"), "tags");
}

// ---------------------------------------------------------------- tokens

#[test]
fn word_with_marks_and_tatweel_is_one_token() {
    assert_eq!(
        toks("الـمـديـنـةُ الكبيرةُ"),
        vec![("الـمـديـنـةُ", Word), ("الكبيرةُ", Word)]
    );
}

#[test]
fn zwnj_inside_word_only() {
    assert_eq!(toks("می\u{200C}خواهم"), vec![("می\u{200C}خواهم", Word)]);
    let s = "كلمة\u{200C} أخرى";
    assert_eq!(toks(s), vec![("كلمة", Word), ("أخرى", Word)]);
}

#[test]
fn words_with_hamza() {
    assert_eq!(
        toks("سماء ءامن مسؤول"),
        vec![("سماء", Word), ("ءامن", Word), ("مسؤول", Word)]
    );
}

#[test]
fn numbers_with_separators() {
    assert_eq!(
        toks("3.5 و٣٫٥ و1,200 و10% و٥٠٪ و١٬٥٠٠"),
        vec![
            ("3.5", Number),
            ("و", Word),
            ("٣٫٥", Number),
            ("و", Word),
            ("1,200", Number),
            ("و", Word),
            ("10%", Number),
            ("و", Word),
            ("٥٠٪", Number),
            ("و", Word),
            ("١٬٥٠٠", Number),
        ]
    );
}

#[test]
fn number_then_sentence_dot() {
    assert_eq!(
        toks("عام 2024."),
        vec![("عام", Word), ("2024", Number), (".", Punct)]
    );
    assert_eq!(
        toks("1,2،3"),
        vec![("1,2", Number), ("،", Punct), ("3", Number)]
    );
}

#[test]
fn latin_runs() {
    assert_eq!(
        toks("وكالة Reuters قالت COVID-19 و G20"),
        vec![
            ("وكالة", Word),
            ("Reuters", Latin),
            ("قالت", Word),
            ("COVID", Latin),
            ("-", Punct),
            ("19", Number),
            ("و", Word),
            ("G20", Latin)
        ]
    );
    assert_eq!(toks("don't"), vec![("don't", Latin)]);
}

#[test]
fn urls() {
    assert_eq!(
        toks("انظر https://example.org/a?b=1."),
        vec![
            ("انظر", Word),
            ("https://example.org/a?b=1", Url),
            (".", Punct)
        ]
    );
    assert_eq!(
        toks("www.example.com،"),
        vec![("www.example.com", Url), ("،", Punct)]
    );
    assert_eq!(
        toks("https://ar.example.org/wiki/ليبيا"),
        vec![("https://ar.example.org/wiki/ليبيا", Url)]
    );
    assert_eq!(
        toks("(https://x.org/a_(b))"),
        vec![("(", Punct), ("https://x.org/a_(b)", Url), (")", Punct)]
    );
    assert_eq!(
        toks("«http://x.org»"),
        vec![("«", Punct), ("http://x.org", Url), ("»", Punct)]
    );
}

#[test]
fn not_urls() {
    assert_eq!(toks("www."), vec![("www", Latin), (".", Punct)]);
    assert_eq!(toks("http"), vec![("http", Latin)]);
}

#[test]
fn emails() {
    assert_eq!(
        toks("راسلونا: info.desk@example.org."),
        vec![
            ("راسلونا", Word),
            (":", Punct),
            ("info.desk@example.org", Email),
            (".", Punct)
        ]
    );
    assert_eq!(toks("a@b"), vec![("a", Latin), ("@b", Mention)]);
}

#[test]
fn hashtags_and_mentions() {
    assert_eq!(
        toks("#ليبيا #عاجل_الآن @rasd_news #2024"),
        vec![
            ("#ليبيا", Hashtag),
            ("#عاجل_الآن", Hashtag),
            ("@rasd_news", Mention),
            ("#", Punct),
            ("2024", Number)
        ]
    );
    assert_eq!(toks("# وسم"), vec![("#", Punct), ("وسم", Word)]);
}

#[test]
fn punctuation_runs() {
    assert_eq!(
        toks("ماذا؟! حقا... «نعم»"),
        vec![
            ("ماذا", Word),
            ("؟", Punct),
            ("!", Punct),
            ("حقا", Word),
            ("...", Punct),
            ("«", Punct),
            ("نعم", Word),
            ("»", Punct)
        ]
    );
}

#[test]
fn symbols_and_emoji() {
    assert_eq!(
        toks("👍🏽 $ € 🇱🇾 ❤️"),
        vec![
            ("👍🏽", Symbol),
            ("$", Symbol),
            ("€", Symbol),
            ("🇱🇾", Symbol),
            ("❤️", Symbol)
        ]
    );
}

#[test]
fn standalone_tatweel_is_punct() {
    assert_eq!(toks("ـــ نص"), vec![("ـــ", Punct), ("نص", Word)]);
    assert_eq!(toks("ـمن"), vec![("ـمن", Word)]);
}

#[test]
fn glued_punctuation_and_digits() {
    assert_eq!(
        toks("نعم،لا"),
        vec![("نعم", Word), ("،", Punct), ("لا", Word)]
    );
    assert_eq!(toks("كوفيد19"), vec![("كوفيد", Word), ("19", Number)]);
}

#[test]
fn presentation_form_word() {
    assert_eq!(toks("ﺑﻴﺖ ﻻ"), vec![("ﺑﻴﺖ", Word), ("ﻻ", Word)]);
}

#[test]
fn offsets_skip_invisible_controls() {
    let s = "\u{200F}نص\u{200E} ثان";
    let t = tokenize(s);
    assert_eq!(t.len(), 2);
    assert_eq!((t[0].start, t[0].end), (3, 7));
    assert_eq!(t[1].text(s), "ثان");
}

#[test]
fn token_keys() {
    let s = "أَحْمَدُ ﻷ NATO";
    let t = tokenize(s);
    assert_eq!(token_key(s, &t[0], &Folds::SEARCH), "احمد");
    assert_eq!(token_key(s, &t[1], &Folds::SEARCH), "لا");
    let mut k = String::from("junk");
    token_key_into(s, &t[2], &Folds::MODEL, &mut k);
    assert_eq!(k, "nato");
}

#[test]
fn orphan_diacritic_is_a_symbol() {
    assert_eq!(
        toks(" \u{064E} نص"),
        vec![("\u{064E}", Symbol), ("نص", Word)]
    );
}

// ---------------------------------------------------------------- clitics

#[test]
fn conjunction_and_article() {
    assert_eq!(seg("والكتاب"), (vec!["و", "ال"], "كتاب", None));
    assert_eq!(seg("فالأمر"), (vec!["ف", "ال"], "أمر", None));
    assert_eq!(segment_key("فالأمر", &|_| false), "امر");
}

#[test]
fn preposition_and_article() {
    assert_eq!(seg("بالمدرسة"), (vec!["ب", "ال"], "مدرسة", None));
    assert_eq!(seg("وبالمدرسة"), (vec!["و", "ب", "ال"], "مدرسة", None));
    assert_eq!(seg("كالعادة"), (vec!["ك", "ال"], "عادة", None));
}

#[test]
fn lam_lam_is_preposition_and_article() {
    let w = "للبيت";
    let s = segment(w, &|_| false);
    let forms: Vec<_> = s
        .proclitics()
        .iter()
        .map(|c| (c.form, &w[c.start..c.end]))
        .collect();
    assert_eq!(forms, vec![("ل", "ل"), ("ال", "ل")]);
    assert_eq!(s.stem_text(w), "بيت");
    assert_eq!(s.stem_key(w), "بيت");
    assert_eq!(seg("وللمدينة"), (vec!["و", "ل", "ال"], "مدينة", None));
}

#[test]
fn future_sin() {
    assert_eq!(seg("وسيعود"), (vec!["و", "س"], "يعود", None));
    assert_eq!(seg("ستبدأ"), (vec!["س"], "تبدأ", None));
    assert_eq!(seg("سيارة"), (vec![], "سيارة", None));
    assert_eq!(seg("سياسات"), (vec![], "سياسات", None));
    assert_eq!(seg("سنوات"), (vec![], "سنوات", None));
}

#[test]
fn function_words_stay_whole() {
    for w in [
        "في", "من", "إلى", "على", "هذا", "كان", "لكن", "بين", "ليس", "كما", "لدى", "التي",
    ] {
        assert_eq!(seg(w), (vec![], w, None), "{w}");
    }
}

#[test]
fn conjunction_before_function_word() {
    assert_eq!(seg("وفي"), (vec!["و"], "في", None));
    assert_eq!(seg("ولكن"), (vec!["و"], "لكن", None));
    assert_eq!(seg("فقد"), (vec!["ف"], "قد", None));
    assert_eq!(seg("فقط"), (vec![], "فقط", None));
}

#[test]
fn root_initial_waw_stays() {
    assert_eq!(seg("وزير"), (vec![], "وزير", None));
    assert_eq!(seg("الوزير"), (vec!["ال"], "وزير", None));
    assert_eq!(seg("ووزير"), (vec!["و"], "وزير", None));
    assert_eq!(seg("وزيرها"), (vec![], "وزير", Some("ها")));
    assert_eq!(seg("وقتاً"), (vec![], "وقتاً", None));
    assert_eq!(seg("فريق"), (vec![], "فريق", None));
    assert_eq!(seg("وطن"), (vec![], "وطن", None));
}

#[test]
fn conjunction_alone_needs_three_letters() {
    assert_eq!(seg("وقال"), (vec!["و"], "قال", None));
    assert_eq!(seg("وأكد"), (vec!["و"], "أكد", None));
}

#[test]
fn enclitics() {
    assert_eq!(seg("كتابه"), (vec![], "كتاب", Some("ه")));
    assert_eq!(seg("كتابها"), (vec![], "كتاب", Some("ها")));
    assert_eq!(seg("بيتهم"), (vec![], "بيت", Some("هم")));
    assert_eq!(seg("حكومتكم"), (vec![], "حكومت", Some("كم")));
    assert_eq!(seg("أرضنا"), (vec![], "أرض", Some("نا")));
    assert_eq!(seg("وحكومته"), (vec!["و"], "حكومت", Some("ه")));
    assert_eq!(seg("سيعطيهما"), (vec!["س"], "يعطي", Some("هما")));
}

#[test]
fn conservative_enclitics() {
    // After alef, ه is part of the word.
    assert_eq!(seg("اتجاه"), (vec![], "اتجاه", None));
    assert_eq!(seg("تفاهم"), (vec![], "تفاهم", None));
    // Ambiguous one-letter ي and ك are never split.
    assert_eq!(seg("عربي"), (vec![], "عربي", None));
    assert_eq!(seg("مبارك"), (vec![], "مبارك", None));
    // Stems shorter than 3 letters keep their ending.
    assert_eq!(seg("مهم"), (vec![], "مهم", None));
    assert_eq!(seg("متهم"), (vec![], "متهم", None));
    // No enclitic on a word with the article.
    assert_eq!(seg("الكتابه"), (vec!["ال"], "كتابه", None));
}

#[test]
fn bare_preposition_needs_confirmation() {
    assert_eq!(seg("بغداد"), (vec![], "بغداد", None));
    assert_eq!(seg("بمصر"), (vec![], "بمصر", None));
    let known = |w: &str| w == "مصر";
    assert_eq!(seg_with("بمصر", &known), (vec!["ب"], "مصر", None));
    assert_eq!(seg_with("لمصر", &known), (vec!["ل"], "مصر", None));
    assert_eq!(seg_with("ومصر", &known), (vec!["و"], "مصر", None));
    assert_eq!(seg("بذلك"), (vec!["ب"], "ذلك", None));
}

#[test]
fn protected_words_stay_whole() {
    let names = |w: &str| matches!(w, "وهران" | "فالنسيا" | "القاهرة" | "البصرة");
    assert_eq!(seg_with("فالنسيا", &names), (vec![], "فالنسيا", None));
    assert_eq!(seg("وهران"), (vec![], "وهران", None));
    assert_eq!(seg_with("القاهرة", &names), (vec![], "القاهرة", None));
    assert_eq!(seg_with("بالقاهرة", &names), (vec!["ب"], "القاهرة", None));
    assert_eq!(
        seg_with("وبالبصرة", &names),
        (vec!["و", "ب"], "البصرة", None)
    );
    assert_eq!(segment_key("بالقاهرة", &names), "القاهره");
}

#[test]
fn protected_stem_after_lam_lam_gets_its_alef_back() {
    let names = |w: &str| w == "القاهرة";
    let w = "للقاهرة";
    let s = segment(w, &names);
    assert_eq!(s.proclitics().len(), 1);
    assert!(s.restored_alef);
    assert_eq!(s.stem_text(w), "لقاهرة");
    assert_eq!(s.stem_key(w), "القاهره");
    assert_eq!(s.stem_key(w), segment_key("القاهرة", &names));
}

#[test]
fn clitic_ranges_carry_diacritics() {
    let w = "وَالْكِتَابُ";
    let s = segment(w, &|_| false);
    let p = s.proclitics();
    assert_eq!(&w[p[0].start..p[0].end], "وَ");
    assert_eq!(&w[p[1].start..p[1].end], "الْ");
    assert_eq!(s.stem_text(w), "كِتَابُ");
    assert_eq!(s.stem_key(w), "كتاب");
}

#[test]
fn short_and_foreign_words_stay_whole() {
    for w in ["بل", "ال", "لله", "و", "Reuters", "كتاب1", "ـوال"] {
        let s = segment(w, &|_| false);
        assert!(!s.is_split(), "{w}: {s:?}");
    }
    assert_eq!(seg("والي"), (vec![], "والي", None));
    assert_eq!(seg("بالغ"), (vec![], "بالغ", None));
}

#[test]
fn key_is_consistent_across_forms() {
    let k = |w: &str| segment_key(w, &|_| false);
    assert_eq!(k("الوزير"), k("وزير"));
    assert_eq!(k("والوزير"), k("ووزير"));
    assert_eq!(k("بالمدرسة"), k("المدرسة"));
    assert_eq!(k("للمدرسة"), k("المدرسة"));
    assert_eq!(k("والمدرسة"), "مدرسه");
}

// ---------------------------------------------------------------- sentences

#[test]
fn sentence_terminals() {
    assert_eq!(
        sents("ذهب الولد. عاد الولد!"),
        vec!["ذهب الولد.", "عاد الولد!"]
    );
    assert_eq!(
        sents("هل انتهى؟ نعم انتهى."),
        vec!["هل انتهى؟", "نعم انتهى."]
    );
    assert_eq!(sents("ماذا؟! لا أعرف"), vec!["ماذا؟!", "لا أعرف"]);
}

#[test]
fn sentence_empty_inputs() {
    assert!(sents("").is_empty());
    assert!(sents(" \n\n\u{200F} \t").is_empty());
    assert_eq!(sents("   نص  "), vec!["نص"]);
}

#[test]
fn sentence_numbers_do_not_split() {
    assert_eq!(
        sents("ارتفع المؤشر بنسبة 3.5 بالمئة. ثم تراجع."),
        vec!["ارتفع المؤشر بنسبة 3.5 بالمئة.", "ثم تراجع."]
    );
    assert_eq!(
        sents("بلغ الثمن 1.200 دينار."),
        vec!["بلغ الثمن 1.200 دينار."]
    );
    assert_eq!(
        sents("بلغت النسبة 10%. ثم هبطت."),
        vec!["بلغت النسبة 10%.", "ثم هبطت."]
    );
    assert_eq!(
        sents("انتهى عام 2023. وبدأ عام جديد."),
        vec!["انتهى عام 2023.", "وبدأ عام جديد."]
    );
}

#[test]
fn sentence_arabic_abbreviations() {
    assert_eq!(
        sents("قال د. سامي إن الوضع مستقر."),
        vec!["قال د. سامي إن الوضع مستقر."]
    );
    assert_eq!(
        sents("حاضر أ.د. منير في القاعة."),
        vec!["حاضر أ.د. منير في القاعة."]
    );
    assert_eq!(
        sents("بني المعبد عام 300 ق.م على التل."),
        vec!["بني المعبد عام 300 ق.م على التل."]
    );
    assert_eq!(
        sents("انظر ص. 12 من الكتاب."),
        vec!["انظر ص. 12 من الكتاب."]
    );
    assert_eq!(
        sents("زرعوا القمح والشعير إلخ. في الحقول."),
        vec!["زرعوا القمح والشعير إلخ. في الحقول."]
    );
    assert_eq!(sents("د.منير طبيب."), vec!["د.منير طبيب."]);
}

#[test]
fn sentence_date_letter_after_number_ends() {
    assert_eq!(
        sents("ولد عام 1400 هـ. ثم انتقل."),
        vec!["ولد عام 1400 هـ.", "ثم انتقل."]
    );
    assert_eq!(
        sents("افتتح عام 2023م. ثم أغلق."),
        vec!["افتتح عام 2023م.", "ثم أغلق."]
    );
}

#[test]
fn sentence_latin_abbreviations() {
    assert_eq!(
        sents("قال Dr. Smith إن الأمر انتهى."),
        vec!["قال Dr. Smith إن الأمر انتهى."]
    );
    assert_eq!(
        sents("وصل وفد U.S. Army أمس."),
        vec!["وصل وفد U.S. Army أمس."]
    );
    assert_eq!(sents("مثل e.g. هذا. وذاك."), vec!["مثل e.g. هذا.", "وذاك."]);
}

#[test]
fn sentence_short_quote_stays_whole() {
    assert_eq!(
        sents("صرخ \"توقفوا!\" وركض."),
        vec!["صرخ \"توقفوا!\" وركض."]
    );
    assert_eq!(
        sents("رفعوا شعار «لا للحرب!» في الساحة."),
        vec!["رفعوا شعار «لا للحرب!» في الساحة."]
    );
    assert_eq!(
        sents("قال «سنعود. لن نتأخر» ومضى."),
        vec!["قال «سنعود. لن نتأخر» ومضى."]
    );
    assert_eq!(
        sents("سأل «هل ستعودون؟» ثم سكت."),
        vec!["سأل «هل ستعودون؟» ثم سكت."]
    );
    assert_eq!(
        sents("قال: «سنعود.»، ثم غادر."),
        vec!["قال: «سنعود.»، ثم غادر."]
    );
}

#[test]
fn sentence_quote_closed_by_a_period_ends_the_sentence() {
    assert_eq!(
        sents("قال: «سنعود.» ثم غادر."),
        vec!["قال: «سنعود.»", "ثم غادر."]
    );
    assert_eq!(
        sents("كتب “انتهى الأمر.” وسكت."),
        vec!["كتب “انتهى الأمر.”", "وسكت."]
    );
    assert_eq!(sents("قالت «زارنا د.» أمس."), vec!["قالت «زارنا د.» أمس."]);
}

#[test]
fn sentence_quote_ending_the_sentence() {
    assert_eq!(
        sents("قال: «سنعود.»\nوغادر الوفد."),
        vec!["قال: «سنعود.»", "وغادر الوفد."]
    );
    assert_eq!(
        sents("وقال: «لن نتأخر». وأضاف أن الرحلة طويلة."),
        vec!["وقال: «لن نتأخر».", "وأضاف أن الرحلة طويلة."]
    );
    // A terminal outside a quote takes the closer with it.
    assert_eq!(
        sents("انتهى (تماما.) ثم بدأ."),
        vec!["انتهى (تماما.)", "ثم بدأ."]
    );
}

#[test]
fn sentence_long_quote_splits_inside() {
    let long = "كلام طويل جدا ".repeat(30);
    let s = format!("قال: «{long}. ثم أكمل.» وانصرف.");
    let got = sents(&s);
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(got[1] == "ثم أكمل.»");
}

#[test]
fn sentence_no_space_after_dot() {
    assert_eq!(
        sents("انتهى الاجتماع.وقال الوزير كلمة."),
        vec!["انتهى الاجتماع.", "وقال الوزير كلمة."]
    );
}

#[test]
fn sentence_ellipsis() {
    assert_eq!(sents("كان ينتظر… ثم رحل."), vec!["كان ينتظر…", "ثم رحل."]);
    assert_eq!(
        sents("كان ينتظر... ثم رحل."),
        vec!["كان ينتظر...", "ثم رحل."]
    );
}

#[test]
fn sentence_blank_line_always_ends() {
    assert_eq!(
        sents("عنوان بلا نقطة\n\nنص الخبر يبدأ هنا"),
        vec!["عنوان بلا نقطة", "نص الخبر يبدأ هنا"]
    );
    assert_eq!(
        sents("كلام يتصل،\n\nبكلام آخر"),
        vec!["كلام يتصل،", "بكلام آخر"]
    );
}

#[test]
fn sentence_single_newline_after_complete_line() {
    assert_eq!(
        sents("انتهى الاجتماع.\nبدأ الحفل."),
        vec!["انتهى الاجتماع.", "بدأ الحفل."]
    );
    assert_eq!(
        sents("انتهى الاجتماع.\r\nبدأ الحفل."),
        vec!["انتهى الاجتماع.", "بدأ الحفل."]
    );
}

#[test]
fn sentence_wrapped_lines_join() {
    let s = "وأوضح المتحدث باسم اللجنة المنظمة أن الاستعدادات للمهرجان السنوي تسير وفق الخطة الموضوعة\nمنذ أشهر وأن الفرق الفنية ستصل تباعا خلال الأيام القليلة المقبلة لإجراء التدريبات.";
    assert_eq!(sents(s), vec![s]);
    let s = "قال الوزير في كلمته أمام الحضور،\nإن الحكومة ستعمل.";
    assert_eq!(sents(s), vec![s]);
}

#[test]
fn sentence_heading_line() {
    let s = "وزير الخارجية يزور العاصمة\nوصل الوزير صباح اليوم إلى العاصمة في زيارة رسمية تستمر ثلاثة أيام يلتقي خلالها كبار المسؤولين.";
    let got = sents(s);
    assert_eq!(got.len(), 2);
    assert_eq!(got[0], "وزير الخارجية يزور العاصمة");
}

#[test]
fn sentence_colon_line() {
    assert_eq!(
        sents("وجاء في البيان:\nإن الحكومة ستواصل العمل."),
        vec!["وجاء في البيان:", "إن الحكومة ستواصل العمل."]
    );
}

#[test]
fn sentence_bullets() {
    assert_eq!(
        sents("أبرز النقاط:\n- النقطة الأولى\n- النقطة الثانية\n• النقطة الثالثة"),
        vec![
            "أبرز النقاط:",
            "- النقطة الأولى",
            "- النقطة الثانية",
            "• النقطة الثالثة"
        ]
    );
    assert_eq!(
        sents("• النقطة الأولى • النقطة الثانية"),
        vec!["• النقطة الأولى", "• النقطة الثانية"]
    );
}

#[test]
fn sentence_numbered_lists() {
    assert_eq!(
        sents("1. البند الأول\n2. البند الثاني"),
        vec!["1. البند الأول", "2. البند الثاني"]
    );
    assert_eq!(
        sents("١- البند الأول\n٢- البند الثاني"),
        vec!["١- البند الأول", "٢- البند الثاني"]
    );
    assert_eq!(
        sents("أولاً: تحسين الطرق في كل المحافظات والمدن الكبرى والقرى المجاورة لها دون استثناء\nثانياً: بناء المدارس"),
        vec![
            "أولاً: تحسين الطرق في كل المحافظات والمدن الكبرى والقرى المجاورة لها دون استثناء",
            "ثانياً: بناء المدارس"
        ]
    );
    assert_eq!(
        sents("أ) الخيار الأول\nب) الخيار الثاني"),
        vec!["أ) الخيار الأول", "ب) الخيار الثاني"]
    );
}

#[test]
fn sentence_urls_and_emails_stay_whole() {
    assert_eq!(
        sents("زوروا https://example.org/a.b?x=1 للمزيد. شكرا."),
        vec!["زوروا https://example.org/a.b?x=1 للمزيد.", "شكرا."]
    );
    assert_eq!(
        sents("راسلونا على info@example.org. شكرا لكم."),
        vec!["راسلونا على info@example.org.", "شكرا لكم."]
    );
    assert_eq!(
        sents("الموقع www.example.com.ly مفتوح."),
        vec!["الموقع www.example.com.ly مفتوح."]
    );
}

#[test]
fn sentence_spans_are_trimmed_of_invisibles() {
    let s = "\u{200F} أول جملة. \u{200E}ثاني جملة.\u{200F}  ";
    assert_eq!(sents(s), vec!["أول جملة.", "ثاني جملة."]);
}

#[test]
fn sentence_hard_breaks() {
    assert_eq!(
        sents("سطر أول يتصل\u{000C}سطر ثان"),
        vec!["سطر أول يتصل", "سطر ثان"]
    );
    assert_eq!(
        sents("فقرة أولى تتصل\u{2029}فقرة ثانية"),
        vec!["فقرة أولى تتصل", "فقرة ثانية"]
    );
}

#[test]
fn sentence_arabic_question_inside_line() {
    assert_eq!(
        sents("من المسؤول؟ لا أحد يعرف، والتحقيق مستمر."),
        vec!["من المسؤول؟", "لا أحد يعرف، والتحقيق مستمر."]
    );
}

#[test]
fn sentence_list_number_inside_sentence_splits() {
    assert_eq!(
        sents("حصل الفريق على المركز 2. ثم تراجع."),
        vec!["حصل الفريق على المركز 2.", "ثم تراجع."]
    );
}

#[test]
fn sentence_multi_paragraph_article() {
    let s = "عنوان الخبر هنا\nتاريخ النشر: 2024/01/02\n\nقال المتحدث إن الوفد وصل. وأضاف: «الزيارة ناجحة.»\n\nاقرأ أيضاً\n- خبر آخر";
    assert_eq!(
        sents(s),
        vec![
            "عنوان الخبر هنا",
            "تاريخ النشر: 2024/01/02",
            "قال المتحدث إن الوفد وصل.",
            "وأضاف: «الزيارة ناجحة.»",
            "اقرأ أيضاً",
            "- خبر آخر"
        ]
    );
}
