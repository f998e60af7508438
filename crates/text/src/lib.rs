//! Arabic text core for rasd.
//!
//! Every later stage (entities, events, search, dedup) reads Arabic through
//! this crate:
//!
//! - [`chars`]: character classes and the one-character matching fold
//!   ([`fold_char`], [`fold_key`]) used by ingest and time expressions;
//! - [`normalize`](mod@normalize): offset-preserving normalization
//!   ([`normalize()`], [`Folds`], [`Normalized`]);
//! - [`token`]: tokens with byte offsets ([`tokenize`], [`Token`], [`TokenKind`]);
//! - [`sentence`]: sentence spans ([`sentences`]);
//! - [`clitic`]: conservative clitic segmentation for matching ([`segment`]).
//!
//! All offsets are byte offsets into the original text and always fall on
//! character boundaries.

pub mod chars;
pub mod clitic;
pub mod normalize;
mod presentation;
pub mod sentence;
pub mod token;

pub use chars::{
    digit_value, fold_char, fold_key, is_arabic_letter, is_invisible, is_space, is_tashkeel, trim,
    word_count, TATWEEL,
};
pub use clitic::{segment, segment_key, Clitic, Segmentation};
pub use normalize::{fold, fold_into, normalize, Folds, Normalized};
pub use sentence::{sentences, sentences_into};
pub use token::{token_key, token_key_into, tokenize, tokenize_into, Token, TokenKind};
