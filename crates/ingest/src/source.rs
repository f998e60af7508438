//! Expands the paths a user names into leaf documents: plain files, files found
//! recursively in directories, members of zip archives (nested ones too),
//! records of WARC files (see [`crate::warc`]), and standard input. Leaves are listed first (cheap) and read later, so that
//! reading and parsing can run in parallel with bounded memory.

use crate::decode::is_zip;
use crate::{warc, InputError};
use std::fs;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

/// How deep zip archives may nest inside each other.
const MAX_ZIP_DEPTH: usize = 3;

/// Where a leaf document's bytes are.
#[derive(Debug, Clone)]
pub enum Origin {
    File(PathBuf),
    /// Member `index` of the archive at `archive` (itself possibly a member).
    ZipMember {
        archive: Box<Origin>,
        index: usize,
    },
    /// The record at `pos` of the WARC file `file` (gzipped if `gz`).
    WarcRecord {
        file: PathBuf,
        gz: bool,
        pos: warc::Position,
    },
    Stdin,
}

/// A leaf document: a display path and where to read it from.
#[derive(Debug, Clone)]
pub struct Leaf {
    /// `dir/file.txt`, `dir/a.zip!/2015-07-21.json`, `dir/c.warc.gz!/@1234`
    /// (a WARC record by offset), `-` for stdin.
    pub path: String,
    pub origin: Origin,
    /// The archive this leaf is a member of, by display path.
    pub archive: Option<String>,
    /// Size in bytes when known before reading (uncompressed for members).
    pub size: Option<u64>,
}

/// A path that could not be listed.
#[derive(Debug, Clone)]
pub struct ListError {
    pub path: String,
    pub error: InputError,
}

fn io_err(e: std::io::Error) -> InputError {
    InputError::Io(e.to_string())
}

/// Lists the leaves under `paths` in a stable order: arguments in the order
/// given, directory entries sorted by name, archive members in archive order.
/// Hidden files and directories (names starting with `.`) are skipped inside
/// directories.
pub fn list(paths: &[PathBuf], limit: u64) -> (Vec<Leaf>, Vec<ListError>) {
    let mut leaves = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            leaves.push(Leaf {
                path: "-".into(),
                origin: Origin::Stdin,
                archive: None,
                size: None,
            });
        } else {
            walk(p, &mut leaves, &mut errors, limit);
        }
    }
    (leaves, errors)
}

/// Lists the files under `p` (itself, or the files of a directory tree,
/// walked by `walkdir`: symbolic links followed, a link back to a
/// directory above it reported as an error, not walked forever).
fn walk(p: &Path, leaves: &mut Vec<Leaf>, errors: &mut Vec<ListError>, limit: u64) {
    let display = p.display().to_string();
    let meta = match fs::metadata(p) {
        Ok(m) => m,
        Err(e) => {
            return errors.push(ListError {
                path: display,
                error: io_err(e),
            })
        }
    };
    if !meta.is_dir() {
        return file(p, &meta, leaves, errors, limit);
    }
    let tree = walkdir::WalkDir::new(p)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || !e.file_name().to_str().is_some_and(|n| n.starts_with('.'))
        });
    for entry in tree {
        match entry {
            Ok(e) if e.file_type().is_dir() => {}
            Ok(e) => match e.metadata() {
                Ok(m) => file(e.path(), &m, leaves, errors, limit),
                Err(err) => errors.push(ListError {
                    path: e.path().display().to_string(),
                    error: InputError::Io(err.to_string()),
                }),
            },
            Err(err) => errors.push(ListError {
                path: err
                    .path()
                    .map(|q| q.display().to_string())
                    .unwrap_or_else(|| display.clone()),
                error: InputError::Io(match err.loop_ancestor() {
                    Some(a) => format!(
                        "a symbolic link back to {} (a directory above it): not walked again",
                        a.display()
                    ),
                    None => err
                        .io_error()
                        .map(|e| e.to_string())
                        .unwrap_or_else(|| err.to_string()),
                }),
            }),
        }
    }
}

/// One file: a zip archive's members, a WARC file's records, or the file.
fn file(
    p: &Path,
    meta: &fs::Metadata,
    leaves: &mut Vec<Leaf>,
    errors: &mut Vec<ListError>,
    limit: u64,
) {
    let display = p.display().to_string();
    if !meta.is_file() {
        return errors.push(ListError {
            path: display,
            error: InputError::Io("not a regular file".into()),
        });
    }
    let origin = Origin::File(p.to_path_buf());
    let head = file_head(p);
    if meta.len() >= 4 && is_zip(&head) {
        list_zip(&display, origin, leaves, errors, limit, 0);
    } else if let Some(gz) = warc::sniff(&head)
        .or_else(|| warc::has_warc_extension(&display).then(|| head.starts_with(b"\x1F\x8B")))
    {
        list_warc(p, &display, gz, meta.len(), leaves, errors);
    } else {
        leaves.push(Leaf {
            path: display,
            origin,
            archive: None,
            size: Some(meta.len()),
        });
    }
}

/// The first 4 KiB of a file (less if it is shorter or unreadable), for
/// sniffing zip and WARC.
fn file_head(p: &Path) -> Vec<u8> {
    let mut head = Vec::new();
    if let Ok(f) = fs::File::open(p) {
        let _ = f.take(4096).read_to_end(&mut head);
    }
    head
}

/// Lists the records of a WARC file, one leaf each; broken records are list
/// errors named by their offset, and the records after them are listed.
fn list_warc(
    p: &Path,
    display: &str,
    gz: bool,
    len: u64,
    leaves: &mut Vec<Leaf>,
    errors: &mut Vec<ListError>,
) {
    if len == 0 {
        return errors.push(ListError {
            path: display.to_string(),
            error: InputError::Empty,
        });
    }
    let f = match fs::File::open(p) {
        Ok(f) => BufReader::with_capacity(256 * 1024, f),
        Err(e) => {
            return errors.push(ListError {
                path: display.to_string(),
                error: io_err(e),
            })
        }
    };
    let before = leaves.len() + errors.len();
    let res = warc::scan(f, gz, &mut |r| match r {
        Ok(e) => leaves.push(Leaf {
            path: format!("{display}!/{}", e.pos.label(gz)),
            origin: Origin::WarcRecord {
                file: p.to_path_buf(),
                gz,
                pos: e.pos,
            },
            archive: Some(display.to_string()),
            size: Some(e.size),
        }),
        Err(e) => errors.push(ListError {
            path: format!("{display}!/{}", e.pos.label(gz)),
            error: InputError::Warc(e.reason),
        }),
    });
    if let Err(e) = res {
        errors.push(ListError {
            path: display.to_string(),
            error: io_err(e),
        });
    } else if leaves.len() + errors.len() == before {
        errors.push(ListError {
            path: display.to_string(),
            error: InputError::Empty,
        });
    }
}

/// Reads the WARC record a leaf names, from `stream` when it is already open
/// on the leaf's file.
fn read_warc(
    stream: &mut Option<(PathBuf, warc::Stream<BufReader<fs::File>>)>,
    file: &Path,
    gz: bool,
    pos: warc::Position,
    limit: u64,
) -> Result<Vec<u8>, InputError> {
    if stream.as_ref().is_none_or(|(f, _)| f != file) {
        let f = fs::File::open(file).map_err(io_err)?;
        let s = warc::Stream::new(BufReader::with_capacity(256 * 1024, f), gz).map_err(io_err)?;
        *stream = Some((file.to_path_buf(), s));
    }
    let Some((_, s)) = stream.as_mut() else {
        return Err(InputError::Io("WARC file not open".into()));
    };
    let res = s
        .goto(pos)
        .map_err(|e| InputError::Warc(format!("cannot reach the record: {e}")))
        .and_then(|()| warc::read_record(s, limit));
    if res.is_err() {
        // Start afresh for the next record.
        *stream = None;
    }
    res
}

/// An archive's bytes: its file, read where needed (an archive is never
/// read whole into memory), or a member of another archive, which is.
enum ArchiveBytes {
    File(BufReader<fs::File>),
    Member(std::io::Cursor<Vec<u8>>),
}

impl Read for ArchiveBytes {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            ArchiveBytes::File(f) => f.read(buf),
            ArchiveBytes::Member(c) => c.read(buf),
        }
    }
}

impl std::io::Seek for ArchiveBytes {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        match self {
            ArchiveBytes::File(f) => f.seek(pos),
            ArchiveBytes::Member(c) => c.seek(pos),
        }
    }
}

/// Opens an archive (a file, or a member, read into memory up to `limit`)
/// for reading.
fn open_archive(origin: &Origin, limit: u64) -> Result<zip::ZipArchive<ArchiveBytes>, InputError> {
    let bytes = match origin {
        Origin::File(p) => ArchiveBytes::File(BufReader::with_capacity(
            64 * 1024,
            fs::File::open(p).map_err(io_err)?,
        )),
        _ => ArchiveBytes::Member(std::io::Cursor::new(read_origin(origin, limit)?)),
    };
    zip::ZipArchive::new(bytes).map_err(|e| InputError::Archive(e.to_string()))
}

fn list_zip(
    display: &str,
    origin: Origin,
    leaves: &mut Vec<Leaf>,
    errors: &mut Vec<ListError>,
    limit: u64,
    depth: usize,
) {
    let mut zip = match open_archive(&origin, limit) {
        Ok(z) => z,
        Err(error) => {
            return errors.push(ListError {
                path: display.to_string(),
                error,
            })
        }
    };
    for index in 0..zip.len() {
        let (name, size, is_dir) = match zip.by_index_raw(index) {
            Ok(f) => (
                f.name()
                    .map(|n| n.into_owned())
                    .unwrap_or_else(|_| String::from_utf8_lossy(f.name_raw()).into_owned()),
                f.size(),
                f.is_dir(),
            ),
            Err(e) => {
                errors.push(ListError {
                    path: format!("{display}!/#{index}"),
                    error: InputError::Archive(e.to_string()),
                });
                continue;
            }
        };
        let base = name.rsplit('/').next().unwrap_or(&name);
        if is_dir || base.starts_with('.') || name.starts_with("__MACOSX/") {
            continue;
        }
        let path = format!("{display}!/{name}");
        let member = Origin::ZipMember {
            archive: Box::new(origin.clone()),
            index,
        };
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".zip") && depth + 1 < MAX_ZIP_DEPTH && size <= limit {
            list_zip(&path, member, leaves, errors, limit, depth + 1);
        } else {
            leaves.push(Leaf {
                path,
                origin: member,
                archive: Some(display.to_string()),
                size: Some(size),
            });
        }
    }
}

/// Reads at most `limit` bytes of a file or stream; more is an error.
fn read_limited<R: Read>(r: R, limit: u64) -> Result<Vec<u8>, InputError> {
    let mut buf = Vec::new();
    r.take(limit.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(io_err)?;
    if buf.len() as u64 > limit {
        return Err(InputError::TooLarge {
            size: buf.len() as u64,
            limit,
        });
    }
    Ok(buf)
}

/// Reads the bytes of `origin`, up to `limit`.
fn read_origin(origin: &Origin, limit: u64) -> Result<Vec<u8>, InputError> {
    match origin {
        Origin::File(p) => {
            let f = fs::File::open(p).map_err(io_err)?;
            read_limited(f, limit)
        }
        Origin::Stdin => read_limited(std::io::stdin().lock(), limit),
        Origin::WarcRecord { file, gz, pos } => read_warc(&mut None, file, *gz, *pos, limit),
        Origin::ZipMember { archive, index } => {
            let mut zip = open_archive(archive, limit)?;
            let f = zip
                .by_index(*index)
                .map_err(|e| InputError::Archive(e.to_string()))?;
            if f.size() > limit {
                return Err(InputError::TooLarge {
                    size: f.size(),
                    limit,
                });
            }
            read_limited(f, limit).map_err(|e| match e {
                InputError::Io(m) => InputError::Archive(format!("cannot inflate member: {m}")),
                e => e,
            })
        }
    }
}

/// Reads a leaf's bytes, refusing anything over `limit` bytes.
pub fn read(leaf: &Leaf, limit: u64) -> Result<Vec<u8>, InputError> {
    // WARC records: only responses are read whole, and checked when read.
    if let (Some(size), false) = (leaf.size, matches!(leaf.origin, Origin::WarcRecord { .. })) {
        if size > limit {
            return Err(InputError::TooLarge { size, limit });
        }
    }
    read_origin(&leaf.origin, limit)
}

/// Reads all members of one archive at once (each archive is opened once, not
/// once per member): returns the bytes of every leaf in `leaves` whose origin is
/// a direct member of the same archive, in order.
pub fn read_members(leaves: &[Leaf], limit: u64) -> Vec<Result<Vec<u8>, InputError>> {
    if let Some(Origin::WarcRecord { .. }) = leaves.first().map(|l| &l.origin) {
        let mut stream = None;
        return leaves
            .iter()
            .map(|l| match &l.origin {
                // Only responses are read whole, and checked against the limit.
                Origin::WarcRecord { file, gz, pos } => {
                    read_warc(&mut stream, file, *gz, *pos, limit)
                }
                _ => read(l, limit),
            })
            .collect();
    }
    let Some(Origin::ZipMember { archive, .. }) = leaves.first().map(|l| &l.origin) else {
        return leaves.iter().map(|l| read(l, limit)).collect();
    };
    let mut zip = match open_archive(archive, limit) {
        Ok(z) => z,
        Err(e) => return leaves.iter().map(|_| Err(e.clone())).collect(),
    };
    leaves
        .iter()
        .map(|l| {
            let Origin::ZipMember { index, .. } = &l.origin else {
                return read(l, limit);
            };
            let f = zip
                .by_index(*index)
                .map_err(|e| InputError::Archive(e.to_string()))?;
            if f.size() > limit {
                return Err(InputError::TooLarge {
                    size: f.size(),
                    limit,
                });
            }
            read_limited(f, limit)
        })
        .collect()
}
