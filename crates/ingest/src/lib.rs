//! Ingest: raw scraped news in, clean [`rasd_doc::Article`]s out.
pub mod html;
