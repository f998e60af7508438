//! Entities: who and what the news is about, resolved across spelling
//! variants and documents.
//!
//! * [`key`]: transliteration-tolerant match keys for names.
//! * [`role`]: titles and role phrases around names, and the actor sector
//!   (CAMEO/PLOVER style) they imply.
//! * [`doc`]: resolution of one article's NER mentions into entities.
//! * [`kb`]: the knowledge base across articles.
//! * [`english`]: English forms of names.

pub mod doc;
pub mod english;
pub mod kb;
pub mod key;
pub mod role;

pub use doc::{fix_mentions, propagate_names, resolve_document, DocEntity, EntityType, Mention};
pub use english::name_en;
pub use kb::{Entity, KnowledgeBase};
pub use role::{Role, Sector};
