//! Types of the live feed sources (`rasd feeds`): the feeds polled and the
//! items seen in each. The polling itself is `rasd-feeds`.

use jiff::Timestamp;

/// How a poll of a feed went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollStatus {
    /// The feed was fetched (HTTP 200) and parsed.
    Ok,
    /// The server answered 304 Not Modified to a conditional request.
    NotModified,
    /// The feed could not be fetched or parsed.
    Failed,
}

impl PollStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PollStatus::Ok => "ok",
            PollStatus::NotModified => "not_modified",
            PollStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<PollStatus> {
        Some(match s {
            "ok" => PollStatus::Ok,
            "not_modified" => PollStatus::NotModified,
            "failed" => PollStatus::Failed,
            _ => return None,
        })
    }
}

/// A feed as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedRecord {
    pub id: i64,
    pub url: String,
    /// The feed's own title, from its last successful parse.
    pub title: Option<String>,
    /// Seconds between polls while the feed answers.
    pub interval_secs: u64,
    pub added: Timestamp,
    pub last_poll: Option<Timestamp>,
    pub last_success: Option<Timestamp>,
    pub last_status: Option<PollStatus>,
    /// Why the last poll failed (`None` after a success).
    pub last_error: Option<String>,
    /// Validators of the last 200 answer, sent back as `If-None-Match` and
    /// `If-Modified-Since`.
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Polls that failed in a row (0 after a success).
    pub failures: u32,
    /// When the feed is next due.
    pub next_poll: Timestamp,
    /// Items of this feed remembered as seen.
    pub items_seen: u64,
}

/// The outcome of one poll, written over the feed's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedPoll {
    pub at: Timestamp,
    pub status: PollStatus,
    pub error: Option<String>,
    /// Replaces the stored title when given.
    pub title: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub failures: u32,
    pub next_poll: Timestamp,
}

/// What became of a feed item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemState {
    /// Its linked page was fetched and ingested.
    Page,
    /// Its page could not be fetched: the item's own title and text were
    /// ingested instead, and the page is tried again at later polls.
    Entry,
    /// Neither the page nor the item's own text gave an article.
    Failed,
}

impl ItemState {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemState::Page => "page",
            ItemState::Entry => "entry",
            ItemState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<ItemState> {
        Some(match s {
            "page" => ItemState::Page,
            "entry" => ItemState::Entry,
            "failed" => ItemState::Failed,
            _ => return None,
        })
    }
}

/// An item seen in a feed, by its key (the item's id or guid, else its link).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedItem {
    pub feed: i64,
    pub key: String,
    pub link: Option<String>,
    pub state: ItemState,
    /// Fetches of the page tried so far.
    pub attempts: u32,
    /// Why the last fetch of the page failed (`None` once it succeeded).
    pub error: Option<String>,
    pub first_seen: Timestamp,
    pub last_attempt: Timestamp,
}

/// A stored Unix time (seconds) as a timestamp; out of range is the epoch.
pub(crate) fn ts(secs: i64) -> Timestamp {
    Timestamp::from_second(secs).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// A stored state or status that this rasd does not know.
pub(crate) fn corrupt(what: &str, v: &str) -> crate::StoreError {
    crate::StoreError::Corrupt {
        what: what.to_string(),
        reason: format!("unknown value {v:?}"),
    }
}
