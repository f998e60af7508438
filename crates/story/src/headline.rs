//! A story's headline: the title of one of its articles, in its original
//! spelling, that a reader can take in at a glance.
//!
//! [`headline`] picks the representative member deterministically:
//! 1. the canonical member (earliest, then longest) of the story's largest
//!    near-duplicate group, when the story has a group of two or more;
//! 2. then the members by centrality: the highest mean cosine of the
//!    member's TF-IDF vector to the other members' (ties: the earliest id).
//!
//! The first of these whose title is usable gives the headline. A title is
//! not usable when it is empty, has fewer than [`MIN_TITLE_WORDS`] words,
//! is the name of the article's own publisher, or is boilerplate that the
//! caller knows to repeat across unrelated stories (a site name, UI text).
//! A trailing or leading ` | Site` / ` - Site` segment naming the publisher
//! is cut off. When no member has a usable title, the first sentence of the
//! body of the first member in the same order is used, cut at
//! [`LEAD_WORDS`] words ([`lead`]).

use rasd_text::{fold_key, sentences, trim, word_count};

/// A title needs at least this many words.
pub const MIN_TITLE_WORDS: usize = 3;
/// The body fallback is cut at this many words.
pub const LEAD_WORDS: usize = 12;

/// One member of a story, as the headline choice sees it.
#[derive(Debug, Clone, Default)]
pub struct HeadlineMember<'a> {
    pub id: i64,
    pub title: Option<&'a str>,
    /// The first sentence of the body, already cut ([`lead`]).
    pub lead: &'a str,
    /// The article's publisher (source label, else the URL's host).
    pub publisher: Option<&'a str>,
    /// The member's TF-IDF vector: unit length, sorted by term id.
    pub vector: &'a [(u32, f32)],
}

/// The first sentence of `body`, cut at `max_words` words (with `…` when
/// cut); empty when the body is.
pub fn lead(body: &str, max_words: usize) -> String {
    let Some(&(s, e)) = sentences(body).first() else {
        return String::new();
    };
    let words: Vec<&str> = body[s..e].split_whitespace().collect();
    if words.len() > max_words {
        format!("{}…", words[..max_words].join(" "))
    } else {
        words.join(" ")
    }
}

/// A title's matching key for boilerplate counts: folded spelling,
/// whitespace collapsed.
pub fn title_key(title: &str) -> String {
    fold_key(trim(title))
}

/// Whitespace runs collapsed to one space, trimmed.
fn tidy(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Cuts a ` | Publisher` or ` - Publisher` segment off either end of a
/// title.
fn strip_site(title: &str, publisher: Option<&str>) -> String {
    let t = tidy(title);
    let Some(p) = publisher.map(title_key).filter(|p| !p.is_empty()) else {
        return t;
    };
    for sep in [" | ", " - ", " – ", " — ", " :: ", " « ", " » "] {
        if let Some((head, tail)) = t.rsplit_once(sep) {
            if title_key(tail) == p {
                return head.trim().to_string();
            }
        }
        if let Some((head, tail)) = t.split_once(sep) {
            if title_key(head) == p {
                return tail.trim().to_string();
            }
        }
    }
    t
}

/// The usable headline of a member's title, if it has one.
fn usable_title(m: &HeadlineMember, is_boilerplate: &dyn Fn(&str) -> bool) -> Option<String> {
    let raw = m.title.map(trim).filter(|t| !t.is_empty())?;
    if is_boilerplate(raw) {
        return None;
    }
    let t = strip_site(raw, m.publisher);
    let words = t
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count();
    if words < MIN_TITLE_WORDS || word_count(&t) == 0 {
        return None;
    }
    if m.publisher.is_some_and(|p| title_key(p) == title_key(&t)) {
        return None;
    }
    Some(t)
}

/// The members in the order the headline is sought: the canonical member of
/// the largest near-duplicate group first, then by centrality.
///
/// `groups` are the near-duplicate groups among the members, each with its
/// canonical member first (ties between groups of one size: the earliest
/// canonical).
pub fn headline_order(members: &[HeadlineMember], groups: &[Vec<i64>]) -> Vec<usize> {
    let mut order: Vec<usize> = Vec::with_capacity(members.len());
    let largest = groups
        .iter()
        .filter(|g| g.len() >= 2)
        .max_by(|a, b| a.len().cmp(&b.len()).then(b[0].cmp(&a[0])));
    if let Some(g) = largest {
        if let Some(i) = members.iter().position(|m| m.id == g[0]) {
            order.push(i);
        }
    }
    // The mean cosine of a member to the others, through the sum of all
    // vectors: (v·S − v·v) / (n − 1), linear in the story's size.
    let n = members.len();
    let mut sum: std::collections::BTreeMap<u32, f32> = std::collections::BTreeMap::new();
    for m in members {
        for &(t, w) in m.vector {
            *sum.entry(t).or_default() += w;
        }
    }
    let sum: Vec<(u32, f32)> = sum.into_iter().collect();
    // Rounded, so that rounding noise does not break a tie.
    let mut central: Vec<(i64, i64, usize)> = members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let own = crate::cosine(m.vector, m.vector);
            let mean = if n > 1 {
                (crate::cosine(m.vector, &sum) - own) / (n - 1) as f32
            } else {
                0.0
            };
            ((mean * 1e5).round() as i64, m.id, i)
        })
        .collect();
    central.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, _, i) in central {
        if !order.contains(&i) {
            order.push(i);
        }
    }
    order
}

/// A story's headline (see the module documentation); empty when no member
/// has a usable title or a body. `is_boilerplate` tells titles to skip
/// whatever their length (rasd: titles shared by several unrelated
/// stories).
pub fn headline(
    members: &[HeadlineMember],
    groups: &[Vec<i64>],
    is_boilerplate: &dyn Fn(&str) -> bool,
) -> String {
    let order = headline_order(members, groups);
    order
        .iter()
        .find_map(|&i| usable_title(&members[i], is_boilerplate))
        .or_else(|| {
            order
                .iter()
                .map(|&i| tidy(members[i].lead))
                .find(|l| !l.is_empty())
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m<'a>(id: i64, title: &'a str, lead: &'a str, v: &'a [(u32, f32)]) -> HeadlineMember<'a> {
        HeadlineMember {
            id,
            title: (!title.is_empty()).then_some(title),
            lead,
            publisher: Some("وكالة الساحل"),
            vector: v,
        }
    }

    const NONE: &dyn Fn(&str) -> bool = &|_| false;

    #[test]
    fn the_canonical_of_the_largest_duplicate_group_gives_the_headline() {
        let (a, b) = ([(1, 1.0)], [(2, 1.0)]);
        let ms = [
            m(1, "الأمطار تغلق طرق الوادي", "", &a),
            m(2, "وزير النقل يزور  مدينة   الساحل اليوم", "", &b),
            m(3, "وزير النقل يزور مدينة الساحل", "", &b),
            m(4, "وزير النقل يزور مدينة الساحل - وكالة الساحل", "", &b),
        ];
        // Original spelling, whitespace tidied; the group {2, 3, 4} outweighs
        // the lone article 1 and the pair-less members.
        assert_eq!(
            headline(&ms, &[vec![2, 3, 4]], NONE),
            "وزير النقل يزور مدينة الساحل اليوم"
        );
        // Without groups: the most central member (2, 3 and 4 tie; earliest).
        assert_eq!(
            headline(&ms, &[], NONE),
            "وزير النقل يزور مدينة الساحل اليوم"
        );
        // A site suffix naming the publisher is cut off.
        assert_eq!(
            headline(&ms[3..], &[], NONE),
            "وزير النقل يزور مدينة الساحل"
        );
    }

    #[test]
    fn the_most_central_member_wins_without_duplicates() {
        let x = [(1, 0.8), (2, 0.6)];
        let y = [(1, 0.6), (2, 0.8)];
        let z = [(3, 1.0)];
        let ms = [
            m(1, "افتتاح معرض الكتاب في العاصمة", "", &z),
            m(2, "مباحثات بين البلدين حول الحدود", "", &x),
            m(3, "جولة جديدة من المباحثات حول ترسيم الحدود", "", &y),
        ];
        // 2 and 3 are as central as each other: the earlier id wins.
        assert_eq!(headline(&ms, &[], NONE), "مباحثات بين البلدين حول الحدود");
        assert_eq!(headline_order(&ms, &[]), vec![1, 2, 0]);
    }

    #[test]
    fn site_names_short_and_boilerplate_titles_are_skipped() {
        let v = [(1, 1.0)];
        let ms = [
            m(1, "وكالة الساحل", "", &v),
            m(2, "الرئيسية", "", &v),
            m(3, "أخبار عاجلة من موقعنا", "", &v),
            m(4, "انقطاع الكهرباء عن أحياء شرق المدينة", "", &v),
        ];
        let boiler = |t: &str| title_key(t) == title_key("أخبار عاجلة من موقعنا");
        assert_eq!(
            headline(&ms, &[vec![1, 2, 3]], &boiler),
            "انقطاع الكهرباء عن أحياء شرق المدينة"
        );
        // A title that is only the publisher's name, however long.
        let mut long = m(5, "شبكة أخبار الساحل الإخبارية", "", &v);
        long.publisher = Some("شبكة أخبار الساحل الإخبارية");
        assert_eq!(headline(&[long], &[], NONE), "");
    }

    #[test]
    fn without_a_usable_title_the_first_sentence_of_the_body_is_used() {
        let body = "أعلنت وزارة الصحة اليوم عن افتتاح ثلاثة مستشفيات جديدة في المحافظات الجنوبية \
                    بتكلفة كبيرة. وقال الوزير إن المستشفيات ستخدم آلاف المرضى.";
        let l = lead(body, LEAD_WORDS);
        assert_eq!(
            l,
            "أعلنت وزارة الصحة اليوم عن افتتاح ثلاثة مستشفيات جديدة في المحافظات الجنوبية…"
        );
        assert_eq!(lead("خبر قصير. وتفاصيل أخرى.", LEAD_WORDS), "خبر قصير.");
        assert_eq!(lead("", LEAD_WORDS), "");
        let v = [(1, 1.0)];
        let ms = [m(1, "", "", &v), m(2, "  ", &l, &v)];
        assert_eq!(headline(&ms, &[], NONE), l);
        assert_eq!(headline(&[], &[], NONE), "");
    }
}
