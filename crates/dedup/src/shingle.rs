//! Word shingles of normalized text.
//!
//! A text is tokenized with [`rasd_text::tokenize`]; punctuation and symbol
//! tokens are dropped; every other token (Arabic words, numbers, Latin words,
//! URLs, emails, hashtags, mentions) is folded with [`Folds::SEARCH`] (no
//! diacritics or tatweel, one alef, `ى`→`ي`, `ة`→`ه`, hamza seats, Persian
//! letters, ASCII digits, lower case). A shingle is `k` consecutive such
//! tokens; a text with fewer than `k` (but at least one) tokens has a single
//! shingle made of all of them, so that short texts still compare.
//!
//! Shingles are hashed to 64 bits: each token key with [`hash_bytes`], then
//! the `k` token hashes combined in order and finalized ([`fmix64`]). The
//! shingle hash of the tokens `t1 … tk` depends only on the token strings,
//! so tokens written out by [`Shingler::tokens`] and read back give the same
//! shingles ([`Shingler::shingles_from_tokens`]).

use rasd_text::{token_key_into, tokenize_into, Folds, Token, TokenKind};

use crate::hash::{combine, fmix64, hash_bytes};

/// Makes sorted, deduplicated 64-bit hashes of the word `k`-shingles of a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shingler {
    k: usize,
}

impl Default for Shingler {
    /// `k = 3` (see the crate documentation).
    fn default() -> Self {
        Shingler::new(crate::DEFAULT_K)
    }
}

/// Whether a token takes part in shingles (punctuation and symbols do not).
#[inline]
pub fn is_shingle_token(kind: TokenKind) -> bool {
    !matches!(kind, TokenKind::Punct | TokenKind::Symbol)
}

/// Calls `f` on the non-empty whitespace-free parts of a folded token key.
/// A key is almost always one part; it splits where the fold turned an
/// in-word character into a space (the narrow no-break space U+202F, which
/// the tokenizer keeps inside words, becomes `' '` under `Folds::SEARCH`).
#[inline]
fn for_each_word(key: &str, mut f: impl FnMut(&str)) {
    if key.contains(char::is_whitespace) {
        key.split(char::is_whitespace)
            .filter(|w| !w.is_empty())
            .for_each(f);
    } else if !key.is_empty() {
        f(key);
    }
}

impl Shingler {
    /// A shingler of `k` words.
    ///
    /// # Panics
    /// If `k` is 0.
    pub fn new(k: usize) -> Self {
        assert!(k > 0, "shingle size must be at least 1");
        Shingler { k }
    }

    /// The shingle size in words.
    pub fn k(&self) -> usize {
        self.k
    }

    /// The normalized tokens of `text` that make up its shingles, in order.
    pub fn tokens(&self, text: &str) -> Vec<String> {
        let mut toks = Vec::new();
        tokenize_into(text, &mut toks);
        let mut key = String::new();
        let mut out = Vec::with_capacity(toks.len());
        for t in &toks {
            if is_shingle_token(t.kind) {
                token_key_into(text, t, &Folds::SEARCH, &mut key);
                for_each_word(&key, |w| out.push(w.to_owned()));
            }
        }
        out
    }

    /// The sorted, deduplicated shingle hashes of `text`.
    pub fn shingles(&self, text: &str) -> Vec<u64> {
        let mut scratch = Scratch::default();
        let mut out = Vec::new();
        self.shingles_into(text, &mut scratch, &mut out);
        out
    }

    /// Like [`shingles`](Self::shingles), reusing buffers: clears `out` and
    /// writes the shingle hashes of `text` into it.
    pub fn shingles_into(&self, text: &str, scratch: &mut Scratch, out: &mut Vec<u64>) {
        scratch.tokens.clear();
        scratch.hashes.clear();
        tokenize_into(text, &mut scratch.tokens);
        for t in &scratch.tokens {
            if is_shingle_token(t.kind) {
                token_key_into(text, t, &Folds::SEARCH, &mut scratch.key);
                let hashes = &mut scratch.hashes;
                for_each_word(&scratch.key, |w| hashes.push(hash_bytes(w.as_bytes())));
            }
        }
        self.from_token_hashes(&scratch.hashes, out);
    }

    /// The sorted, deduplicated shingle hashes of already normalized tokens
    /// (as returned by [`tokens`](Self::tokens)).
    pub fn shingles_from_tokens<S: AsRef<str>>(&self, tokens: &[S]) -> Vec<u64> {
        let hashes: Vec<u64> = tokens
            .iter()
            .map(|t| hash_bytes(t.as_ref().as_bytes()))
            .collect();
        let mut out = Vec::new();
        self.from_token_hashes(&hashes, &mut out);
        out
    }

    /// Shingles from the token hashes ([`hash_bytes`] of each token key):
    /// clears `out` and writes the sorted, deduplicated shingle hashes.
    pub fn from_token_hashes(&self, hashes: &[u64], out: &mut Vec<u64>) {
        out.clear();
        if hashes.is_empty() {
            return;
        }
        let k = self.k.min(hashes.len());
        out.reserve(hashes.len() + 1 - k);
        for w in hashes.windows(k) {
            let mut acc = (k as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            for &h in w {
                acc = combine(acc, h);
            }
            out.push(fmix64(acc));
        }
        out.sort_unstable();
        out.dedup();
    }
}

/// Reusable buffers for [`Shingler::shingles_into`].
#[derive(Default, Debug)]
pub struct Scratch {
    tokens: Vec<Token>,
    hashes: Vec<u64>,
    key: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_and_skips_punctuation() {
        let s = Shingler::new(3);
        let a = s.shingles("أعلنت الوزارةُ اليوم، عن افتتاح مدرسة جديدة.");
        let b = s.shingles("اعلنت الوزاره اليوم عن افتتاح مدرسه جديده");
        assert!(!a.is_empty());
        assert_eq!(a, b);
        assert_eq!(
            s.tokens("أعلنت الوزارةُ اليوم، عن ٣ مدارس"),
            ["اعلنت", "الوزاره", "اليوم", "عن", "3", "مدارس"]
        );
    }

    #[test]
    fn text_and_token_paths_agree() {
        let s = Shingler::new(4);
        let text = "قال المتحدث باسم الهيئة إن الأمطار الغزيرة ستستمر حتى نهاية الأسبوع!";
        assert_eq!(s.shingles(text), s.shingles_from_tokens(&s.tokens(text)));
    }

    #[test]
    fn counts_and_short_texts() {
        let s = Shingler::new(3);
        // 5 tokens -> 3 shingles, all distinct.
        assert_eq!(s.shingles("واحد اثنان ثلاثة أربعة خمسة").len(), 3);
        // Fewer tokens than k: one shingle.
        assert_eq!(s.shingles("مرحبا بكم").len(), 1);
        assert_ne!(s.shingles("مرحبا بكم"), s.shingles("بكم مرحبا"));
        assert!(s.shingles(" ... ، ").is_empty());
        // Repeated shingles are deduplicated.
        assert_eq!(s.shingles("نعم نعم نعم نعم نعم").len(), 1);
    }

    #[test]
    fn narrow_nbsp_splits_words() {
        let s = Shingler::new(3);
        assert_eq!(
            s.tokens("قرأ الكتاب\u{202F}الجديد"),
            ["قرا", "الكتاب", "الجديد"]
        );
        assert_eq!(
            s.shingles("قرأ الكتاب\u{202F}الجديد"),
            s.shingles("قرأ الكتاب الجديد")
        );
    }

    #[test]
    fn order_matters() {
        let s = Shingler::new(3);
        assert_ne!(s.shingles("أ ب ج"), s.shingles("ج ب أ"));
    }
}
