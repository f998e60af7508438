//! WARC 1.0/1.1 archives (Common Crawl's CC-NEWS format), plain or gzipped.
//!
//! A WARC file is a sequence of records, each a header block (`WARC/1.1`, then
//! `Name: value` lines, then a blank line) and `Content-Length` bytes of
//! content. Gzipped files (`.warc.gz`) are a series of gzip members, usually
//! one per record as CC-NEWS writes them; a record may also span members.
//!
//! [`crate::source`] lists every record of a WARC file as its own leaf (so one
//! bad record never costs the others, and memory holds one record at a time),
//! with a [`Position`]: the byte offset of the gzip member the record starts
//! in (Common Crawl's index `offset`) or of the record in a plain file, plus
//! the uncompressed offset inside that member (0 for CC-NEWS). Reading a leaf
//! seeks there and inflates only that record. Whole WARC documents given in
//! memory (standard input, an archive member, an upload) are parsed record
//! by record by [`parse`].
//!
//! Only `response` records whose HTTP status is 200 and whose payload is
//! HTML (`text/html`, `application/xhtml+xml`) yield articles; other records
//! (`warcinfo`, `request`, `metadata`, `revisit`, ...), other statuses and
//! other payloads are rejected with a counted reason. The HTTP response is
//! parsed with `httparse`; chunked transfer-coding and gzip/deflate content
//! coding are undone. The charset comes from the HTTP `Content-Type`, else a
//! `<meta>` charset in the page's first 4 KiB, else [`decode::decode`]'s
//! detection. The page then goes through [`html_articles`] like an HTML file;
//! the page article's `url` is the record's `WARC-Target-URI` and `crawled`
//! is its `WARC-Date`.
//!
//! Why not the `warc` crate (0.4): its readers grow the header buffer without
//! bound on a block with no blank line, compute `Content-Length + 4` without
//! overflow checks (a huge length panics in debug builds), read bodies line by
//! line into memory, silently end the iteration on a truncated header, and
//! hide gzip member boundaries (its `libflate` multi-member decoder gives no
//! offsets), so a record could neither be located again for bounded reading
//! nor resynchronised after a bad member. The framing here is small: a
//! bounded header-block reader and member-aware inflation with `flate2`.

use crate::{decode, html, html_articles, url_host, Format, InputError, Parsed, Reject};
use flate2::bufread::{DeflateDecoder, GzDecoder, MultiGzDecoder, ZlibDecoder};
use rasd_doc::{Article, DateValue};
use std::io::{self, BufRead, Cursor, Read, Seek, SeekFrom};

/// Longest WARC header block accepted.
pub const MAX_HEADER: u64 = 64 * 1024;
/// Largest record content parsed from an in-memory document, and largest
/// HTTP body after undoing its content coding.
pub const MAX_RECORD: u64 = 64 * 1024 * 1024;
/// Most HTTP header lines accepted in a response.
const MAX_HTTP_HEADERS: usize = 256;

/// Where a record starts: see the module documentation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Position {
    /// Byte offset of the gzip member holding the record's first byte; 0 for
    /// a plain file.
    pub member: u64,
    /// Uncompressed byte offset inside that member (inside the file for a
    /// plain file).
    pub offset: u64,
}

impl Position {
    /// `@123` (plain file, or the record starts its gzip member), else
    /// `@123+45`: the record's name in leaf paths and errors.
    pub fn label(&self, gz: bool) -> String {
        match (gz, self.offset) {
            (false, o) => format!("@{o}"),
            (true, 0) => format!("@{}", self.member),
            (true, o) => format!("@{}+{o}", self.member),
        }
    }
}

/// True if `name` has a WARC extension (`.warc`, `.warc.gz`).
pub fn has_warc_extension(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.ends_with(".warc") || n.ends_with(".warc.gz")
}

/// Sniffs the start of a file or document: `Some(false)` for a plain WARC,
/// `Some(true)` for a gzipped one (its first member inflates to a WARC
/// version line), `None` otherwise. A few KiB of the start are enough.
pub fn sniff(head: &[u8]) -> Option<bool> {
    const MAGIC: &[u8] = b"WARC/1.";
    if head.starts_with(MAGIC) {
        return Some(false);
    }
    if head.starts_with(b"\x1F\x8B") {
        let mut out = [0u8; 7];
        let mut d = GzDecoder::new(head);
        let mut n = 0;
        while n < out.len() {
            match d.read(&mut out[n..]) {
                Ok(0) | Err(_) => break,
                Ok(k) => n += k,
            }
        }
        if out[..n] == *MAGIC {
            return Some(true);
        }
    }
    None
}

enum Src<R> {
    Plain(R),
    Member(Box<GzDecoder<R>>),
    Between(R),
    Gone,
}

/// The uncompressed bytes of a WARC file, member by member for a gzipped
/// one, with the [`Position`] of the next byte.
pub struct Stream<R> {
    src: Src<R>,
    gz: bool,
    buf: Vec<u8>,
    pos: usize,
    cap: usize,
    member: u64,
    offset: u64,
}

impl<R: BufRead + Seek> Stream<R> {
    /// A stream over `r` from its start.
    pub fn new(r: R, gz: bool) -> io::Result<Self> {
        let mut s = Stream {
            src: Src::Gone,
            gz,
            buf: vec![0; 64 * 1024],
            pos: 0,
            cap: 0,
            member: 0,
            offset: 0,
        };
        s.reset(r, Position::default())?;
        Ok(s)
    }

    /// The position of the next byte.
    pub fn position(&self) -> Position {
        Position {
            member: self.member,
            offset: self.offset,
        }
    }

    fn take_inner(&mut self) -> io::Result<R> {
        match std::mem::replace(&mut self.src, Src::Gone) {
            Src::Plain(r) | Src::Between(r) => Ok(r),
            Src::Member(d) => Ok(d.into_inner()),
            Src::Gone => Err(io::Error::other("WARC stream unusable after an error")),
        }
    }

    /// Restarts reading at `p` (seeking to the member or plain offset).
    fn reset(&mut self, mut r: R, p: Position) -> io::Result<()> {
        self.pos = 0;
        self.cap = 0;
        if self.gz {
            r.seek(SeekFrom::Start(p.member))?;
            self.member = p.member;
            self.offset = 0;
            self.src = Src::Between(r);
            let skipped = io::copy(&mut self.by_ref().take(p.offset), &mut io::sink())?;
            if skipped < p.offset {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
        } else {
            r.seek(SeekFrom::Start(p.offset))?;
            self.member = 0;
            self.offset = p.offset;
            self.src = Src::Plain(r);
        }
        Ok(())
    }

    /// Moves to `p`: skips forward when `p` is ahead in the current member
    /// (or plain file), else seeks.
    pub fn goto(&mut self, p: Position) -> io::Result<()> {
        let here = self.position();
        let same_member = !self.gz || p.member == here.member;
        if same_member && p.offset >= here.offset && !matches!(self.src, Src::Gone) {
            let gap = p.offset - here.offset;
            let skipped = io::copy(&mut self.by_ref().take(gap), &mut io::sink())?;
            if skipped == gap {
                return Ok(());
            }
        }
        let r = self.take_inner()?;
        self.reset(r, p)
    }

    /// After a bad record at `bad`, moves to the next plausible record start:
    /// the next gzip member that inflates to a WARC version line, or the next
    /// line starting `WARC/1.` of a plain file. False when there is none.
    pub fn resync(&mut self, bad: Position) -> bool {
        let Ok(mut r) = self.take_inner() else {
            return false;
        };
        let found = if self.gz {
            let mut from = bad.member + 1;
            loop {
                match find(&mut r, from, b"\x1F\x8B\x08") {
                    Ok(Some(at)) => {
                        let ok = r.seek(SeekFrom::Start(at)).is_ok() && {
                            let mut head = [0u8; 7];
                            GzDecoder::new(&mut r).read_exact(&mut head).is_ok()
                                && &head == b"WARC/1."
                        };
                        if ok {
                            break Some(Position {
                                member: at,
                                offset: 0,
                            });
                        }
                        from = at + 1;
                    }
                    _ => break None,
                }
            }
        } else {
            match find(&mut r, bad.offset + 1, b"\nWARC/1.") {
                Ok(Some(at)) => Some(Position {
                    member: 0,
                    offset: at + 1,
                }),
                _ => None,
            }
        };
        match found {
            Some(p) => self.reset(r, p).is_ok(),
            None => false,
        }
    }
}

/// The offset of the first `magic` at or after `from`.
fn find<R: Read + Seek>(r: &mut R, from: u64, magic: &[u8]) -> io::Result<Option<u64>> {
    r.seek(SeekFrom::Start(from))?;
    let mut base = from;
    let mut window: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = r.read(&mut chunk)?;
        if n == 0 {
            return Ok(None);
        }
        window.extend_from_slice(&chunk[..n]);
        if let Some(i) = window.windows(magic.len()).position(|w| w == magic) {
            return Ok(Some(base + i as u64));
        }
        let drop = window.len() - window.len().min(magic.len() - 1);
        base += drop as u64;
        window.drain(..drop);
    }
}

impl<R: BufRead + Seek> Read for Stream<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let b = self.fill_buf()?;
        let n = b.len().min(out.len());
        out[..n].copy_from_slice(&b[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead + Seek> BufRead for Stream<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.pos >= self.cap {
            self.pos = 0;
            self.cap = 0;
            match std::mem::replace(&mut self.src, Src::Gone) {
                Src::Plain(mut r) => {
                    let n = r.read(&mut self.buf);
                    self.src = Src::Plain(r);
                    self.cap = n?;
                    if self.cap == 0 {
                        break;
                    }
                }
                Src::Member(mut d) => match d.read(&mut self.buf) {
                    Ok(0) => self.src = Src::Between(d.into_inner()),
                    Ok(n) => {
                        self.src = Src::Member(d);
                        self.cap = n;
                    }
                    Err(e) => {
                        self.src = Src::Member(d);
                        return Err(e);
                    }
                },
                Src::Between(mut r) => {
                    let at_end = r.fill_buf().map(|b| b.is_empty());
                    let at = r.stream_position();
                    match (at_end, at) {
                        (Ok(true), _) => {
                            self.src = Src::Between(r);
                            break;
                        }
                        (Ok(false), Ok(at)) => {
                            self.member = at;
                            self.offset = 0;
                            self.src = Src::Member(Box::new(GzDecoder::new(r)));
                        }
                        (Err(e), _) | (_, Err(e)) => {
                            self.src = Src::Between(r);
                            return Err(e);
                        }
                    }
                }
                Src::Gone => return Err(io::Error::other("WARC stream unusable after an error")),
            }
        }
        Ok(&self.buf[self.pos..self.cap])
    }

    fn consume(&mut self, n: usize) {
        let n = n.min(self.cap - self.pos);
        self.pos += n;
        self.offset += n as u64;
    }
}

/// A record's header block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// `WARC/1.0`, `WARC/1.1`.
    pub version: String,
    /// Fields in order, names as written.
    pub fields: Vec<(String, String)>,
    pub content_length: u64,
    /// The block's bytes, blank line included.
    pub raw: Vec<u8>,
}

impl Head {
    /// The first field named `name` (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `WARC-Type`, lowercased (`response`, `request`, ...).
    pub fn record_type(&self) -> String {
        self.get("WARC-Type").unwrap_or("").to_ascii_lowercase()
    }

    pub fn record_id(&self) -> Option<&str> {
        self.get("WARC-Record-ID")
    }

    /// `WARC-Target-URI`, without the angle brackets WARC/1.0 writers add.
    pub fn target_uri(&self) -> Option<&str> {
        self.get("WARC-Target-URI")
            .map(|u| u.trim_start_matches('<').trim_end_matches('>'))
            .filter(|u| !u.is_empty())
    }

    /// `WARC-Date`, the capture time.
    pub fn date(&self) -> Option<DateValue> {
        self.get("WARC-Date").and_then(DateValue::parse_iso)
    }
}

fn io_reason(e: &io::Error) -> String {
    if e.kind() == io::ErrorKind::UnexpectedEof {
        "truncated gzip data (the file ends inside a gzip member)".into()
    } else {
        format!("bad gzip data: {e}")
    }
}

/// Skips the CR/LF bytes between records; false at the end of the stream.
pub fn skip_separators<R: BufRead>(r: &mut R) -> io::Result<bool> {
    loop {
        let b = r.fill_buf()?;
        if b.is_empty() {
            return Ok(false);
        }
        let n = b.iter().take_while(|&&c| c == b'\r' || c == b'\n').count();
        if n == 0 {
            return Ok(true);
        }
        r.consume(n);
    }
}

/// Reads one header block (at most [`MAX_HEADER`] bytes).
pub fn read_head<R: BufRead>(r: &mut R) -> Result<Head, String> {
    let mut raw = Vec::new();
    loop {
        let room = MAX_HEADER + 1 - raw.len() as u64;
        let n = r
            .by_ref()
            .take(room)
            .read_until(b'\n', &mut raw)
            .map_err(|e| io_reason(&e))?;
        if raw.len() as u64 > MAX_HEADER {
            return Err(format!(
                "WARC header block longer than {} KiB",
                MAX_HEADER / 1024
            ));
        }
        if n == 0 {
            return Err(if raw.is_empty() {
                "no record".into()
            } else {
                "truncated record: the file ends inside the WARC header block".into()
            });
        }
        if !raw.starts_with(b"WARC/") {
            return Err("not a WARC record: no WARC/1.x version line".into());
        }
        let line = &raw[raw.len() - n..];
        if raw.len() > n && (line == b"\r\n" || line == b"\n") {
            break;
        }
    }
    let text = String::from_utf8_lossy(&raw).into_owned();
    let mut lines = text.lines();
    let version = lines.next().unwrap_or_default().trim().to_string();
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            match fields.last_mut() {
                Some((_, v)) => {
                    v.push(' ');
                    v.push_str(line.trim());
                    continue;
                }
                None => return Err(format!("malformed WARC header line {line:?}")),
            }
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(format!("malformed WARC header line {line:?}"));
        };
        fields.push((name.trim().to_string(), value.trim().to_string()));
    }
    let head = Head {
        version,
        fields,
        content_length: 0,
        raw,
    };
    let content_length = match head.get("Content-Length") {
        None => return Err("WARC header block has no Content-Length".into()),
        Some(v) => v
            .parse::<u64>()
            .map_err(|_| format!("bad WARC Content-Length {v:?}"))?,
    };
    Ok(Head {
        content_length,
        ..head
    })
}

/// A record found when listing a file.
#[derive(Debug, Clone)]
pub struct Entry {
    pub pos: Position,
    /// Header block plus content, uncompressed.
    pub size: u64,
    pub record_type: String,
    pub id: Option<String>,
}

/// A record that could not be read, and why.
#[derive(Debug, Clone)]
pub struct RecordError {
    pub pos: Position,
    pub reason: String,
}

fn with_id(reason: String, id: Option<&str>) -> String {
    match id {
        Some(id) => format!("record {id}: {reason}"),
        None => reason,
    }
}

/// Lists the records of a WARC stream (content is skipped, not kept), calling
/// `each` for each record or bad record in order. A bad record is reported
/// and reading resumes at the next plausible record.
pub fn scan<R: BufRead + Seek>(
    r: R,
    gz: bool,
    each: &mut dyn FnMut(Result<Entry, RecordError>),
) -> io::Result<()> {
    let mut s = Stream::new(r, gz)?;
    loop {
        let (pos, reason) = match skip_separators(&mut s) {
            Ok(false) => return Ok(()),
            // The position of the member that failed to start.
            Err(e) => (s.position(), io_reason(&e)),
            Ok(true) => {
                let pos = s.position();
                match read_head(&mut s) {
                    Err(reason) => (pos, reason),
                    Ok(head) => {
                        let id = head.record_id().map(str::to_owned);
                        let want = head.content_length;
                        match io::copy(&mut (&mut s).take(want), &mut io::sink()) {
                            Ok(n) if n == want => {
                                each(Ok(Entry {
                                    pos,
                                    size: head.raw.len() as u64 + want,
                                    record_type: head.record_type(),
                                    id,
                                }));
                                continue;
                            }
                            Ok(n) => (
                                pos,
                                with_id(
                                    format!(
                                        "truncated record: {n} of {want} content bytes before the end of the file"
                                    ),
                                    id.as_deref(),
                                ),
                            ),
                            Err(e) => (pos, with_id(io_reason(&e), id.as_deref())),
                        }
                    }
                }
            }
        };
        each(Err(RecordError { pos, reason }));
        if !s.resync(pos) {
            return Ok(());
        }
    }
}

/// Reads the record at the stream's position: the header block and, for
/// `response` records, the content (only the header block of other records
/// is needed to reject them). Records over `limit` bytes are refused.
pub fn read_record<R: BufRead + Seek>(
    s: &mut Stream<R>,
    limit: u64,
) -> Result<Vec<u8>, InputError> {
    let head = read_head(s).map_err(InputError::Warc)?;
    let mut raw = head.raw.clone();
    if head.record_type() != "response" {
        return Ok(raw);
    }
    let size = raw.len() as u64 + head.content_length;
    if size > limit {
        return Err(InputError::TooLarge { size, limit });
    }
    let n = s
        .by_ref()
        .take(head.content_length)
        .read_to_end(&mut raw)
        .map_err(|e| InputError::Warc(with_id(io_reason(&e), head.record_id())))?;
    if (n as u64) < head.content_length {
        return Err(InputError::Warc(with_id(
            format!(
                "truncated record: {n} of {} content bytes",
                head.content_length
            ),
            head.record_id(),
        )));
    }
    Ok(raw)
}

/// What one record yields.
enum Outcome {
    Articles(Vec<Article>, String),
    /// Not an HTML page: skipped, counted.
    Skip(String),
    /// A broken record.
    Bad(String),
}

/// A parsed HTTP response.
struct Http {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Http {
    fn get(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn parse_http(content: &[u8]) -> Result<Http, String> {
    // HTTP/2 status lines (`HTTP/2 200`), as some crawlers write them: read as
    // HTTP/1.1, which httparse knows.
    for v in [&b"HTTP/2 "[..], b"HTTP/2.0 "] {
        if let Some(rest) = content.strip_prefix(v) {
            let mut patched = b"HTTP/1.1 ".to_vec();
            patched.extend_from_slice(rest);
            return parse_http_1(&patched);
        }
    }
    parse_http_1(content)
}

fn parse_http_1(content: &[u8]) -> Result<Http, String> {
    let mut headers = vec![httparse::EMPTY_HEADER; MAX_HTTP_HEADERS];
    let mut resp = httparse::Response::new(&mut headers);
    let status = httparse::ParserConfig::default()
        .allow_spaces_after_header_name_in_responses(true)
        .allow_obsolete_multiline_headers_in_responses(true)
        .allow_multiple_spaces_in_response_status_delimiters(true)
        .parse_response(&mut resp, content)
        .map_err(|e| format!("malformed HTTP response header: {e}"))?;
    let httparse::Status::Complete(head_len) = status else {
        return Err("malformed HTTP response header: it does not end".into());
    };
    let code = resp.code.unwrap_or(0);
    let headers = resp
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_string(),
                String::from_utf8_lossy(h.value).trim().to_string(),
            )
        })
        .collect();
    Ok(Http {
        status: code,
        headers,
        body: content[head_len..].to_vec(),
    })
}

/// Undoes chunked transfer-coding. `None` when the body does not start like
/// a chunked body (crawlers often store it de-chunked under the header).
fn dechunk(body: &[u8]) -> Option<Result<Vec<u8>, String>> {
    let mut out = Vec::new();
    let mut rest = body;
    let mut first = true;
    loop {
        let Some(eol) = rest.iter().position(|&b| b == b'\n') else {
            return if first {
                None
            } else {
                Some(Err("bad chunked encoding: truncated chunk".into()))
            };
        };
        let line = String::from_utf8_lossy(&rest[..eol]);
        let size_text = line.split(';').next().unwrap_or("").trim();
        let size = match usize::from_str_radix(size_text, 16) {
            Ok(s) if !size_text.is_empty() => s,
            _ if first => return None,
            _ => {
                return Some(Err(format!(
                    "bad chunked encoding: chunk size {size_text:?}"
                )))
            }
        };
        first = false;
        rest = &rest[eol + 1..];
        if size == 0 {
            return Some(Ok(out));
        }
        if rest.len() < size {
            // A cut last chunk: keep what there is.
            out.extend_from_slice(rest);
            return Some(Ok(out));
        }
        out.extend_from_slice(&rest[..size]);
        rest = &rest[size..];
        let crlf = rest
            .iter()
            .take(2)
            .take_while(|&&b| b == b'\r' || b == b'\n');
        rest = &rest[crlf.count()..];
        if rest.is_empty() {
            return Some(Ok(out));
        }
    }
}

fn inflate(r: impl Read, what: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    r.take(MAX_RECORD + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("bad {what} Content-Encoding: {e}"))?;
    if out.len() as u64 > MAX_RECORD {
        return Err(format!(
            "HTTP body over {} MiB after {what} decoding",
            MAX_RECORD >> 20
        ));
    }
    Ok(out)
}

/// Undoes the content codings of an HTTP body.
fn decode_content(body: Vec<u8>, coding: Option<&str>) -> Result<Vec<u8>, String> {
    let mut body = body;
    let Some(coding) = coding else {
        return Ok(body);
    };
    // Codings are listed in the order they were applied.
    for c in coding
        .split(',')
        .rev()
        .map(|c| c.trim().to_ascii_lowercase())
    {
        body = match c.as_str() {
            "" | "identity" => body,
            "gzip" | "x-gzip" => inflate(MultiGzDecoder::new(&body[..]), "gzip")?,
            "deflate" => {
                // zlib-wrapped as the standard says, or raw deflate as some
                // servers send.
                inflate(ZlibDecoder::new(&body[..]), "deflate")
                    .or_else(|_| inflate(DeflateDecoder::new(&body[..]), "deflate"))?
            }
            other => return Err(format!("unsupported HTTP Content-Encoding {other:?}")),
        };
    }
    Ok(body)
}

/// The `charset` parameter of a Content-Type value.
fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches(['"', '\'']))
    })
}

/// The charset a `<meta charset>` or `<meta http-equiv content="...;
/// charset=...">` names in the first 4 KiB of a page.
pub fn meta_charset(body: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &body[..body.len().min(4096)];
    let lower: Vec<u8> = head.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = find_bytes(&lower[from..], b"<meta") {
        let start = from + i;
        let end = lower[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(c) = find_bytes(tag, b"charset") {
            let rest = &tag[c + 7..];
            let rest = rest.strip_prefix(b" ").unwrap_or(rest);
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest: &[u8] = {
                    let t = rest
                        .iter()
                        .position(|&b| b != b' ' && b != b'"' && b != b'\'');
                    &rest[t.unwrap_or(rest.len())..]
                };
                let len = rest
                    .iter()
                    .position(|&b| matches!(b, b'"' | b'\'' | b' ' | b';' | b'/' | b'>'))
                    .unwrap_or(rest.len());
                if let Some(enc) = encoding_rs::Encoding::for_label(&rest[..len]) {
                    // As browsers do: a page cannot declare itself UTF-16 in
                    // an ASCII-compatible meta tag.
                    return Some(
                        if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                            encoding_rs::UTF_8
                        } else {
                            enc
                        },
                    );
                }
            }
        }
        from = end.max(start + 1);
        if from >= lower.len() {
            break;
        }
    }
    None
}

fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Decodes an HTML body: HTTP charset, else meta charset, else detection.
fn decode_body(body: &[u8], content_type: Option<&str>) -> Result<decode::Decoded, String> {
    let label = content_type
        .and_then(charset_param)
        .and_then(|l| encoding_rs::Encoding::for_label(l.as_bytes()));
    match label.or_else(|| meta_charset(body)) {
        Some(enc) => {
            // A byte order mark still wins, as in browsers.
            let (text, used, _) = enc.decode(body);
            if text.trim().is_empty() {
                return Err("empty HTML page".into());
            }
            Ok(decode::Decoded {
                text: text.into_owned(),
                encoding: used.name().to_string(),
            })
        }
        None => decode::decode(body).map_err(|e| e.to_string()),
    }
}

fn is_html_type(mime: &str) -> bool {
    mime == "text/html" || mime == "application/xhtml+xml"
}

/// The articles of one record, or why it yields none.
fn record_outcome(head: &Head, content: &[u8]) -> Outcome {
    let kind = head.record_type();
    if kind != "response" {
        let kind = if kind.is_empty() { "untyped" } else { &kind };
        return Outcome::Skip(format!("WARC {kind} record (not a response)"));
    }
    if let Some(p) = head.get("WARC-Segment-Number") {
        return Outcome::Skip(format!("segmented WARC record (segment {p})"));
    }
    let ct = head.get("Content-Type").unwrap_or("").to_ascii_lowercase();
    if !ct.is_empty() && !ct.starts_with("application/http") {
        return Outcome::Skip(format!("WARC response of type {ct} (not HTTP)"));
    }
    let http = match parse_http(content) {
        Ok(h) => h,
        Err(e) => return Outcome::Bad(e),
    };
    if http.status != 200 {
        return Outcome::Skip(format!("HTTP status {} (not 200)", http.status));
    }
    let content_type = http.get("Content-Type").map(str::to_owned);
    let mime = content_type
        .as_deref()
        .and_then(|c| c.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase());
    if let Some(m) = &mime {
        if !is_html_type(m) {
            return Outcome::Skip(format!("HTTP payload of type {m} (not HTML)"));
        }
    }
    let mut body = http.body.clone();
    let chunked = http
        .get("Transfer-Encoding")
        .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"));
    if chunked {
        match dechunk(&body) {
            Some(Ok(b)) => body = b,
            Some(Err(e)) => return Outcome::Bad(e),
            None => {}
        }
    }
    body = match decode_content(body, http.get("Content-Encoding")) {
        Ok(b) => b,
        Err(e) => return Outcome::Bad(e),
    };
    if mime.is_none() {
        let start = String::from_utf8_lossy(&body[..body.len().min(4096)]).into_owned();
        if !html::looks_like_html(&start) {
            return Outcome::Skip("HTTP payload without a Content-Type, not HTML".into());
        }
    }
    let decoded = match decode_body(&body, content_type.as_deref()) {
        Ok(d) => d,
        Err(e) => return Outcome::Bad(e),
    };
    let mut arts = html_articles(&decoded.text);
    if arts.is_empty() {
        return Outcome::Skip("HTML page without article text".into());
    }
    let uri = head.target_uri().map(str::to_owned);
    let date = head.date();
    for a in &mut arts {
        a.crawled = date;
        if a.parent.is_none() {
            if uri.is_some() {
                a.url = uri.clone();
            }
            if a.publisher.is_none() {
                a.publisher = a.url.as_deref().and_then(url_host);
            }
        }
    }
    Outcome::Articles(arts, decoded.encoding)
}

/// The decoded HTML of the (first) record of a stored WARC input: the text
/// that the offsets of its articles refer to.
pub fn page_text(bytes: &[u8]) -> Result<decode::Decoded, InputError> {
    let Some(gz) = sniff(bytes) else {
        return Err(InputError::Warc("not a WARC record".into()));
    };
    let mut s = Stream::new(Cursor::new(bytes), gz).map_err(|e| InputError::Io(e.to_string()))?;
    let head = read_head(&mut s).map_err(InputError::Warc)?;
    let mut content = Vec::new();
    let _ = s
        .take(head.content_length.min(MAX_RECORD))
        .read_to_end(&mut content);
    let http = parse_http(&content).map_err(InputError::Warc)?;
    let mut body = http.body.clone();
    if http
        .get("Transfer-Encoding")
        .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"))
    {
        if let Some(Ok(b)) = dechunk(&body) {
            body = b;
        }
    }
    let body = decode_content(body, http.get("Content-Encoding")).map_err(InputError::Warc)?;
    decode_body(&body, http.get("Content-Type")).map_err(InputError::Warc)
}

/// Parses a WARC document held in memory (one record, as `source` reads a
/// listed record, or a whole file): each `response` record with an HTML
/// payload yields its articles; other records are rejects, by record index.
/// A single broken record is an error; in a file of several, a broken record
/// is a reject, reading resumes at the next record, and the first such
/// failure is also the document's `error`.
pub fn parse(bytes: &[u8]) -> Result<Parsed, InputError> {
    let Some(gz) = sniff(bytes) else {
        return Err(InputError::Warc("not a WARC file".into()));
    };
    let mut out = Parsed {
        format: Format::Warc,
        encoding: String::new(),
        records: 0,
        articles: Vec::new(),
        rejects: Vec::new(),
        warnings: Vec::new(),
        error: None,
    };
    let mut bad: Vec<(u32, Position, String)> = Vec::new();
    let mut s = Stream::new(Cursor::new(bytes), gz).map_err(|e| InputError::Io(e.to_string()))?;
    loop {
        let index = out.records;
        let failure = match skip_separators(&mut s) {
            Ok(false) => break,
            // The position of the member that failed to start.
            Err(e) => (s.position(), io_reason(&e)),
            Ok(true) => {
                let pos = s.position();
                match read_head(&mut s) {
                    Err(reason) => (pos, reason),
                    Ok(head) => {
                        out.records += 1;
                        let id = head.record_id().map(str::to_owned);
                        let mut content = Vec::new();
                        let read = s
                            .by_ref()
                            .take(head.content_length.min(MAX_RECORD + 1))
                            .read_to_end(&mut content);
                        let short = matches!(read, Ok(n) if (n as u64) < head.content_length);
                        let outcome = match read {
                            Err(e) => Outcome::Bad(io_reason(&e)),
                            // Another record's content is not needed to skip it
                            // (a listed one is read without it).
                            Ok(_) if head.record_type() != "response" => record_outcome(&head, &[]),
                            Ok(_) if short => Outcome::Bad(format!(
                                "truncated record: {} of {} content bytes",
                                content.len(),
                                head.content_length
                            )),
                            Ok(_) if content.len() as u64 > MAX_RECORD => Outcome::Bad(format!(
                                "record content over {} MiB",
                                MAX_RECORD >> 20
                            )),
                            Ok(_) => record_outcome(&head, &content),
                        };
                        match outcome {
                            Outcome::Articles(mut arts, encoding) => {
                                let base = out.articles.len() as u32;
                                for (i, a) in arts.iter_mut().enumerate() {
                                    a.index = base + i as u32;
                                    if a.parent.is_some() {
                                        a.parent = Some(base);
                                    }
                                }
                                out.articles.extend(arts);
                                if out.encoding.is_empty() {
                                    out.encoding = encoding;
                                }
                                continue;
                            }
                            Outcome::Skip(reason) => {
                                out.rejects.push(Reject {
                                    record: index,
                                    reason: with_id(reason, id.as_deref()),
                                });
                                continue;
                            }
                            Outcome::Bad(reason) => {
                                bad.push((index, pos, with_id(reason, id.as_deref())));
                                // Content read in full: the next record follows.
                                if content.len() as u64 == head.content_length {
                                    continue;
                                }
                                if !s.resync(pos) {
                                    break;
                                }
                                continue;
                            }
                        }
                    }
                }
            }
        };
        out.records += 1;
        bad.push((index, failure.0, failure.1));
        if !s.resync(failure.0) {
            break;
        }
    }
    if out.records == 1 && bad.len() == 1 {
        let (_, _, reason) = bad.remove(0);
        return Err(InputError::Warc(reason));
    }
    for (record, pos, reason) in bad {
        let reason = format!("WARC record {}: {reason}", pos.label(gz));
        if out.error.is_none() {
            out.error = Some(InputError::Warc(reason.clone()));
        }
        out.rejects.push(Reject { record, reason });
    }
    out.rejects.sort_by_key(|r| r.record);
    if out.records == 0 {
        return Err(InputError::Empty);
    }
    Ok(out)
}
