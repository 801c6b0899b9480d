//! Finds sources and documents in the input folder, and reads and decodes them.
//!
//! A file directly in the input folder is a source of its own (id = file name
//! without extension); a sub-folder is one source (id = folder name) whose
//! files, walked recursively, are its documents. Names starting with `.` are
//! ignored; files with other extensions are listed as skipped. Everything is
//! sorted by name, so the order never depends on the file system.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Result;
use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

use crate::error::BadInput;
use crate::report::SkippedFile;

/// The input folder, discovered.
#[derive(Debug, Default)]
pub struct Corpus {
    /// Sources sorted by id; each has at least one document.
    pub sources: Vec<Source>,
    /// Files found but not read, sorted by path.
    pub skipped: Vec<SkippedFile>,
    /// When the walk started (nanoseconds since the epoch): every document's
    /// stamp was taken after this (see `cache::FileIndex`).
    pub stamped_at_ns: i64,
}

/// One source: its id and its documents sorted by path.
#[derive(Debug)]
pub struct Source {
    /// File stem or folder name.
    pub id: String,
    /// Its documents.
    pub documents: Vec<Document>,
}

/// One article file.
#[derive(Debug, Clone)]
pub struct Document {
    /// Full path.
    pub path: PathBuf,
    /// Path relative to the input folder, `/`-separated (for messages and the report).
    pub rel: String,
    /// File size in bytes.
    pub bytes: u64,
    /// Identity and last change when discovered (`None`: not a regular file).
    pub stamp: Option<FileStamp>,
}

/// A decoded document.
#[derive(Debug)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// Encoding name, e.g. "UTF-8", "UTF-8 (BOM)", "UTF-16LE", "windows-1252".
    pub encoding: &'static str,
    /// Invalid byte sequences replaced by U+FFFD.
    pub replaced: usize,
}

/// The input folder exists and is a folder (cheap; before any output is created).
pub fn check_input_folder(input: &Path) -> Result<()> {
    let meta = fs::metadata(input).map_err(|e| {
        BadInput(format!(
            "input folder {} cannot be read: {e} (set `input` in the config or pass --input)",
            input.display()
        ))
    })?;
    if !meta.is_dir() {
        return Err(BadInput(format!(
            "input {} is not a folder (pass a folder of articles with --input)",
            input.display()
        ))
        .into());
    }
    Ok(())
}

/// Walks the input folder. The top-level folders are walked side by side,
/// each folder's subfolders in order; the files of each folder are examined
/// (extension, metadata, a test open) in parallel, because on a corpus of
/// many small files the per-file system calls are most of the time. Results
/// are assembled in path order, so the corpus, the skipped list and the
/// first error never depend on the threads.
pub fn discover(input: &Path, extensions: &[String]) -> Result<Corpus> {
    discover_knowing(input, extensions, &|_, _| false)
}

/// [`discover`], told which files were found readable by an earlier run
/// and have not changed since (`seen_readable(rel, stamp)`): those are not
/// asked about again. Permissions and ACLs cannot change without changing
/// the status-change time in the stamp, so the answer would be the same;
/// this is one system call fewer for each of 10^5 files on a re-run.
pub fn discover_knowing(
    input: &Path,
    extensions: &[String],
    seen_readable: &(dyn Fn(&str, &FileStamp) -> bool + Sync),
) -> Result<Corpus> {
    use rayon::prelude::*;
    check_input_folder(input)?;
    let stamped_at_ns = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i64);
    // Each top-level entry that can become a source, with its files
    // examined; the folders are walked side by side (the first error in
    // entry order wins, a folder that cannot be read before any file).
    let look = |entry: &Listed| examine(input, entry, extensions, seen_readable);
    let candidates: Vec<(String, bool, Vec<Result<Found>>)> = sorted_entries(input)?
        .into_par_iter()
        .map(|entry| {
            let name = file_name(&entry.path);
            if leads_to_folder(&entry) {
                let found = walk(&entry.path, &mut BTreeSet::new(), &look)?;
                Ok((name, true, found))
            } else {
                Ok((name, false, vec![look(&entry)]))
            }
        })
        .collect::<Vec<Result<_>>>()
        .into_iter()
        .collect::<Result<_>>()?;

    let mut corpus = Corpus {
        stamped_at_ns,
        ..Corpus::default()
    };
    let mut ids = BTreeSet::new();
    for (name, is_folder, found) in candidates {
        let mut documents = Vec::new();
        for found in found {
            match found? {
                Found::Document(doc) => documents.push(doc),
                Found::Skipped(skip) => corpus.skipped.push(skip),
            }
        }
        if is_folder {
            if documents.is_empty() {
                corpus.skipped.push(SkippedFile {
                    path: format!("{name}/"),
                    reason: "folder has no article files".into(),
                });
                continue;
            }
            add_source(&mut corpus, &mut ids, name, documents)?;
        } else if let Some(doc) = documents.pop() {
            let id = doc
                .path
                .file_stem()
                .map_or(name.clone(), |s| s.to_string_lossy().into_owned());
            add_source(&mut corpus, &mut ids, id, vec![doc])?;
        }
    }
    corpus.sources.sort_by(|a, b| a.id.cmp(&b.id));
    corpus.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(corpus)
}

fn add_source(
    corpus: &mut Corpus,
    ids: &mut BTreeSet<String>,
    id: String,
    documents: Vec<Document>,
) -> Result<()> {
    if !ids.insert(id.clone()) {
        return Err(BadInput(format!(
            "two sources in the input folder are both named {id:?} (a file and a folder, or two extensions): rename one"
        ))
        .into());
    }
    corpus.sources.push(Source { id, documents });
    Ok(())
}

/// Examines the files under `dir` (recursively, in path order), following
/// symbolic links to folders but refusing a link that leads back. The
/// files of one folder are examined side by side, while the folder is open:
/// each one's metadata is then one system call on the open folder, not a
/// walk of its whole path again (which was a third of a re-run's discovery).
fn walk(
    dir: &Path,
    visited: &mut BTreeSet<PathBuf>,
    look: &(dyn Fn(&Listed) -> Result<Found> + Sync),
) -> Result<Vec<Result<Found>>> {
    use rayon::prelude::*;
    let canonical = fs::canonicalize(dir)
        .map_err(|e| BadInput(format!("cannot read folder {}: {e}", dir.display())))?;
    if !visited.insert(canonical) {
        return Err(BadInput(format!(
            "symbolic link loop at {}: it leads back to a folder already read; remove the link",
            dir.display()
        ))
        .into());
    }
    let entries = sorted_entries(dir)?;
    let folders: Vec<bool> = entries.iter().map(leads_to_folder).collect();
    let files: Vec<Option<Result<Found>>> = entries
        .par_iter()
        .zip(&folders)
        .map(|(entry, &folder)| (!folder).then(|| look(entry)))
        .collect();
    let mut found = Vec::with_capacity(files.len());
    for ((entry, file), folder) in entries.iter().zip(files).zip(folders) {
        match file {
            Some(file) => found.push(file),
            None if folder => found.extend(walk(&entry.path, visited, look)?),
            None => {}
        }
    }
    Ok(found)
}

/// A folder entry as the listing gives it.
struct Listed {
    path: PathBuf,
    /// `None` when the file system does not say.
    kind: Option<fs::FileType>,
    /// Asked for metadata on the open folder (see [`metadata_of`]).
    entry: fs::DirEntry,
}

/// Whether a folder entry is a folder, or a symbolic link to one. The
/// entry's own type (from the listing) needs no system call; only a link, or
/// a file system that does not say, is followed.
fn leads_to_folder(entry: &Listed) -> bool {
    match entry.kind {
        Some(k) if !k.is_symlink() => k.is_dir(),
        _ => entry.path.is_dir(),
    }
}

/// The metadata of what an entry names, links followed. An entry that is
/// not a link is asked on its open folder (by name: the kernel does not walk
/// the path from the root again); a link is followed by its path.
fn metadata_of(entry: &Listed) -> std::io::Result<fs::Metadata> {
    if entry.kind.is_some_and(|k| !k.is_symlink()) {
        let meta = entry.entry.metadata()?;
        // Replaced by a link since it was listed: follow it after all.
        if !meta.file_type().is_symlink() {
            return Ok(meta);
        }
    }
    fs::metadata(&entry.path)
}

/// Entries of a folder, hidden ones left out, sorted by name.
fn sorted_entries(dir: &Path) -> Result<Vec<Listed>> {
    let read = fs::read_dir(dir)
        .map_err(|e| BadInput(format!("cannot read folder {}: {e}", dir.display())))?;
    let mut entries = Vec::new();
    for entry in read {
        let entry =
            entry.map_err(|e| BadInput(format!("cannot read folder {}: {e}", dir.display())))?;
        if !entry.file_name().to_string_lossy().starts_with('.') {
            entries.push(Listed {
                path: entry.path(),
                kind: entry.file_type().ok(),
                entry,
            });
        }
    }
    // Every path has the same parent, so their bytes order them as their
    // names do, which is the order of `Path` (component by component, and
    // five times slower on a folder of 10^4 files).
    entries.sort_by(|a, b| {
        let (a, b) = (a.path.as_os_str(), b.path.as_os_str());
        a.as_encoded_bytes().cmp(b.as_encoded_bytes())
    });
    Ok(entries)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

/// `path` relative to `root`, its components joined by `/` (whatever the
/// platform's separator).
fn relative(root: &Path, path: &Path) -> String {
    // The walk makes every path by joining names onto the root, so on Unix
    // it is the root's text, a slash and the rest: taken as it is, without
    // an allocation a component (a tenth of a re-run's discovery).
    #[cfg(unix)]
    if let (Some(root), Some(path)) = (root.to_str(), path.to_str()) {
        let rest = path.strip_prefix(root).and_then(|r| r.strip_prefix('/'));
        let plain = |r: &str| {
            !r.is_empty()
                && !r.ends_with('/')
                && r.split('/').all(|c| !c.is_empty() && c != "." && c != "..")
        };
        if let Some(rest) = rest.filter(|r| plain(r) && !root.ends_with('/')) {
            return rest.to_string();
        }
    }
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// What [`examine`] made of a file.
enum Found {
    Document(Document),
    /// Not an article file (its extension), with the reason.
    Skipped(SkippedFile),
}

/// A document if the file has a wanted extension and can be opened; an
/// unwanted extension is a skip; an unopenable file is an error.
fn examine(
    root: &Path,
    entry: &Listed,
    extensions: &[String],
    seen_readable: &(dyn Fn(&str, &FileStamp) -> bool + Sync),
) -> Result<Found> {
    let path = entry.path.as_path();
    let rel = relative(root, path);
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if !extensions.contains(&ext) {
        return Ok(Found::Skipped(SkippedFile {
            path: rel,
            reason: format!("extension not in `extensions` ({})", extensions.join(", ")),
        }));
    }
    let cannot_read = |e: std::io::Error| {
        BadInput(format!(
            "cannot read {}: {e} (fix its permissions or move it out of the input folder)",
            path.display()
        ))
    };
    // Metadata first: opening a named pipe blocks until someone writes to it,
    // and a device such as /dev/zero never ends. Such files are kept as
    // documents so that reading them reports the skip (see `regular_file`).
    let meta = metadata_of(entry).map_err(cannot_read)?;
    let stamp = meta.is_file().then(|| FileStamp::of(&meta)).flatten();
    if meta.is_file() && !stamp.is_some_and(|stamp| seen_readable(&rel, &stamp)) {
        check_readable(path).map_err(cannot_read)?;
    }
    Ok(Found::Document(Document {
        path: path.to_path_buf(),
        rel,
        bytes: meta.len(),
        stamp,
    }))
}

/// Whether a regular file can be opened for reading. On Unix the kernel is
/// asked first (faccessat, with the effective ids, as open checks them):
/// one system call where opening and closing take two, for each of 10^5
/// files. When it says no, or cannot answer (an old kernel), the file is
/// opened, so the error is what opening it says.
fn check_readable(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use rustix::fs::{accessat, Access, AtFlags, CWD};
        if accessat(CWD, path, Access::READ_OK, AtFlags::EACCESS).is_ok() {
            return Ok(());
        }
    }
    fs::File::open(path).map(drop)
}

/// What the file system says about a file's identity and last change:
/// enough to tell, without reading it, that a file is the one seen before
/// (the cache keeps its content hash under this; see `cache`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileStamp {
    /// Size in bytes.
    pub len: u64,
    /// Last modification, nanoseconds since the epoch.
    pub modified_ns: i64,
    /// Last status change (set by the kernel on every write, rename or
    /// `touch`, and not settable by programs), nanoseconds since the epoch.
    pub changed_ns: i64,
    /// Inode number.
    pub inode: u64,
    /// Device number.
    pub device: u64,
}

impl FileStamp {
    /// The stamp of a file's metadata. Times past the year 2262 saturate.
    #[cfg(unix)]
    pub fn of(meta: &fs::Metadata) -> Option<FileStamp> {
        use std::os::unix::fs::MetadataExt;
        let ns = |secs: i64, nanos: i64| secs.saturating_mul(1_000_000_000).saturating_add(nanos);
        Some(FileStamp {
            len: meta.len(),
            modified_ns: ns(meta.mtime(), meta.mtime_nsec()),
            changed_ns: ns(meta.ctime(), meta.ctime_nsec()),
            inode: meta.ino(),
            device: meta.dev(),
        })
    }

    /// Without a status-change time that programs cannot set, a stamp could
    /// hide a same-size edit whose modification time was put back: no stamp,
    /// so every file is hashed each run.
    #[cfg(not(unix))]
    pub fn of(_meta: &fs::Metadata) -> Option<FileStamp> {
        None
    }
}

/// `Err` (the reason to skip) unless `path` is a regular file (after
/// following symbolic links): never open a named pipe, socket or device.
fn regular_file(path: &Path) -> Result<(), String> {
    match fs::metadata(path) {
        Ok(m) if m.is_file() => Ok(()),
        Ok(_) => Err("not a regular file (a named pipe, socket or device)".into()),
        Err(e) => Err(format!("cannot read: {e}")),
    }
}

/// Opens a document for reading, after checking that it is a regular file;
/// every reader of document bytes goes through here. `Err` is the reason to skip.
pub fn open(doc: &Document) -> Result<fs::File, String> {
    regular_file(&doc.path)?;
    fs::File::open(&doc.path).map_err(|e| format!("cannot read: {e}"))
}

/// Asks the system to start reading the documents of `docs` that are
/// regular files of at most `max_bytes` into its page cache, and returns at
/// once: a worker about to read a run of files one after another then finds
/// most of them read while it counted the ones before.
///
/// On a cold cache each `read` of a small file waited for its own disk
/// request: BBC x10 (22,250 files of about 2 KB) with 2 threads after the
/// page cache was dropped took 2.7-3.8 s, with the hints 1.6-1.75 s (a first
/// run, which also hashes every file for the cache: 3.0-3.3 -> 2.1-2.25 s);
/// with a warm cache there is no change. Each file is opened, advised
/// and closed (holding a run's files open would take up to 256 descriptors
/// a worker), after the same regular-file check as [`open`]; a file that
/// cannot be opened is left to its reading to report. Larger files are
/// left out: they are read in blocks, and the kernel reads ahead within a
/// file by itself. Elsewhere than on Linux this does nothing.
pub fn read_ahead<'d>(docs: impl IntoIterator<Item = &'d Document>, max_bytes: u64) {
    #[cfg(target_os = "linux")]
    for doc in docs {
        use rustix::fs::{fadvise, Advice, Mode, OFlags};
        if doc.bytes == 0 || doc.bytes > max_bytes || regular_file(&doc.path).is_err() {
            continue;
        }
        // Not blocking, whatever the file turned into since the check.
        let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
        if let Ok(fd) = rustix::fs::open(&doc.path, flags, Mode::empty()) {
            let _ = fadvise(&fd, 0, None, Advice::WillNeed);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (docs, max_bytes);
}

/// Reads and decodes a document; `Err` is the reason to skip it.
pub fn read(doc: &Document) -> Result<Decoded, String> {
    decode_owned(read_bytes(doc)?)
}

/// Reads a document's bytes; `Err` is the reason to skip it.
pub fn read_bytes(doc: &Document) -> Result<Vec<u8>, String> {
    read_bytes_into(doc, Vec::new())
}

/// [`read_bytes`] into `bytes`, emptied first: a worker reading one file
/// after another passes the buffer of the last.
pub fn read_bytes_into(doc: &Document, mut bytes: Vec<u8>) -> Result<Vec<u8>, String> {
    use std::io::Read;
    bytes.clear();
    bytes.reserve(doc.bytes as usize + 1);
    open(doc)?
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    Ok(bytes)
}

/// Decodes a file's bytes (see [`decode`]); plain UTF-8, the common case,
/// takes the bytes over without a copy.
pub fn decode_owned(bytes: Vec<u8>) -> Result<Decoded, String> {
    if Encoding::for_bom(&bytes).is_none() && binary_kind(&bytes).is_none() {
        return match String::from_utf8(bytes) {
            Ok(text) => Ok(Decoded {
                text,
                encoding: "UTF-8",
                replaced: 0,
            }),
            Err(e) => decode(e.as_bytes()),
        };
    }
    decode(&bytes)
}

/// Reads a large document in blocks of about `block` bytes of text, each
/// ending at a paragraph or line break (or, in a text without line breaks,
/// after a sentence), and gives each block to `each`. Memory stays at a few
/// blocks whatever the file size. The encoding is decided on the first block
/// (BOM, else UTF-8 if it is UTF-8, else Windows-1252). Returns the encoding
/// name and the number of replaced byte sequences; `Err` is the reason to skip.
pub fn read_in_blocks(
    doc: &Document,
    block: usize,
    mut each: impl FnMut(&str),
) -> Result<(&'static str, usize), String> {
    use std::io::Read;
    let mut file = open(doc)?;
    let block = block.max(16);
    let mut buf = vec![0u8; block];
    let mut fill = |buf: &mut Vec<u8>| -> Result<usize, String> {
        let mut n = 0;
        while n < buf.len() {
            match file.read(&mut buf[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(format!("cannot read: {e}")),
            }
        }
        Ok(n)
    };
    let mut n = fill(&mut buf)?;
    let head = &buf[..n];
    let (encoding, name, skip) = match Encoding::for_bom(head) {
        Some((e, bom)) => (e, if e == UTF_8 { "UTF-8 (BOM)" } else { e.name() }, bom),
        None => {
            if let Some(kind) = binary_kind(head) {
                return Err(format!("not text: {kind}"));
            }
            // A sequence cut by the block end is not an error (error_len is None).
            let utf8 = match std::str::from_utf8(head) {
                Ok(_) => true,
                Err(e) => e.error_len().is_none() || mostly_utf8(head),
            };
            if utf8 {
                (UTF_8, "UTF-8", 0)
            } else {
                (WINDOWS_1252, "windows-1252", 0)
            }
        }
    };
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut pending = String::new();
    let mut replaced = 0;
    let mut start = skip;
    loop {
        let last = n < buf.len();
        let input = &buf[start..n];
        pending.reserve(
            decoder
                .max_utf8_buffer_length(input.len())
                .unwrap_or(input.len() * 3 + 16),
        );
        let before = pending.len();
        let (_, _, had_errors) = decoder.decode_to_string(input, &mut pending, last);
        if had_errors {
            replaced += pending[before..].matches('\u{FFFD}').count();
        }
        while pending.len() >= block || (last && !pending.is_empty()) {
            let cut = if last && pending.len() < block {
                pending.len()
            } else {
                block_cut(&pending, block)
            };
            each(&pending[..cut]);
            pending.drain(..cut);
        }
        if last {
            return Ok((name, replaced));
        }
        n = fill(&mut buf)?;
        start = 0;
    }
}

/// Where to end a block of at least `block` bytes: after the last blank line,
/// else the last line break, else the last sentence end, else a space, in the
/// second half of the block; at worst at a character boundary.
fn block_cut(text: &str, block: usize) -> usize {
    let window_start = (block / 2).min(text.len());
    let mut end = block.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut from = window_start;
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let window = &text[from..end];
    for sep in ["\n\n", "\n", ". ", " "] {
        if let Some(i) = window.rfind(sep) {
            return from + i + sep.len();
        }
    }
    end.max(1)
}

/// More valid multi-byte UTF-8 sequences than invalid bytes.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut multibyte, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += usize::from(!chunk.invalid().is_empty());
    }
    multibyte > 0 && invalid <= multibyte
}

/// Decodes file bytes: a BOM decides (UTF-8, UTF-16LE/BE); else valid UTF-8;
/// else mostly-UTF-8 text with a few bad bytes is UTF-8 with replacements;
/// else Windows-1252 (which also reads Latin-1). Binary files are refused.
pub fn decode(bytes: &[u8]) -> Result<Decoded, String> {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom..]);
        let replaced = if had_errors {
            text.matches('\u{FFFD}').count()
        } else {
            0
        };
        let name = if encoding == UTF_8 {
            "UTF-8 (BOM)"
        } else {
            encoding.name()
        };
        return Ok(Decoded {
            text: text.into_owned(),
            encoding: name,
            replaced,
        });
    }
    if let Some(kind) = binary_kind(bytes) {
        return Err(format!("not text: {kind}"));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Decoded {
            text: text.to_string(),
            encoding: "UTF-8",
            replaced: 0,
        }),
        Err(_) => {
            if mostly_utf8(bytes) {
                let invalid = bytes
                    .utf8_chunks()
                    .filter(|c| !c.invalid().is_empty())
                    .count();
                Ok(Decoded {
                    text: String::from_utf8_lossy(bytes).into_owned(),
                    encoding: "UTF-8",
                    replaced: invalid,
                })
            } else {
                let (text, _, _) = WINDOWS_1252.decode(bytes);
                Ok(Decoded {
                    text: text.into_owned(),
                    encoding: "windows-1252",
                    replaced: 0,
                })
            }
        }
    }
}

/// Recognises binary files: known magic numbers, or NUL bytes in the first 8 KiB.
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"%PDF-", "a PDF (export it to text first)"),
        (
            b"PK\x03\x04",
            "a ZIP archive or Office document (export it to text first)",
        ),
        (b"\x7FELF", "an executable"),
    ];
    if let Some((_, kind)) = MAGIC.iter().find(|(m, _)| bytes.starts_with(m)) {
        return Some(kind);
    }
    let head = &bytes[..bytes.len().min(8192)];
    head.contains(&0)
        .then_some("binary data (contains NUL bytes)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_boms_utf8_and_windows_1252() {
        let d = decode(b"\xEF\xBB\xBFcaf\xC3\xA9").unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("caf\u{e9}", "UTF-8 (BOM)"));
        let d = decode(b"\xFF\xFEh\x00i\x00").unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("hi", "UTF-16LE"));
        let d = decode(b"\xFE\xFF\x00h\x00i").unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("hi", "UTF-16BE"));
        // Windows-1252 smart quotes: 0x93 0x94 are “ ”, 0x92 is ’.
        let d = decode(b"\x93multi-vector\x94 Kazakhstan\x92s").unwrap();
        assert_eq!(d.text, "\u{201C}multi-vector\u{201D} Kazakhstan\u{2019}s");
        assert_eq!(d.encoding, "windows-1252");
        // Latin-1 pound sign alone.
        assert_eq!(decode(b"\xA3100").unwrap().text, "\u{a3}100");
    }

    #[test]
    fn stray_bytes_in_utf8_are_replaced_and_counted() {
        let d = decode(
            "café "
                .as_bytes()
                .iter()
                .chain(b"\xFFok")
                .copied()
                .collect::<Vec<_>>()
                .as_slice(),
        )
        .unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding, d.replaced),
            ("café \u{FFFD}ok", "UTF-8", 1)
        );
    }

    #[test]
    fn binary_files_are_refused_with_a_reason() {
        assert!(decode(b"\x89PNG\r\n\x1a\n....")
            .unwrap_err()
            .contains("PNG"));
        assert!(decode(b"abc\x00def").unwrap_err().contains("NUL"));
    }

    #[test]
    fn discovers_files_and_folders_as_sources() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(root.join("b.txt"), "x").unwrap();
        fs::write(root.join("notes.pdf"), "x").unwrap();
        fs::write(root.join(".hidden.txt"), "x").unwrap();
        fs::create_dir_all(root.join("a/sub")).unwrap();
        fs::write(root.join("a/2.md"), "x").unwrap();
        fs::write(root.join("a/sub/1.TXT"), "x").unwrap();
        fs::create_dir(root.join("empty")).unwrap();
        let c = discover(root, &["txt".into(), "md".into()]).unwrap();
        let got: Vec<(String, Vec<String>)> = c
            .sources
            .iter()
            .map(|s| {
                (
                    s.id.clone(),
                    s.documents.iter().map(|d| d.rel.clone()).collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "a".to_string(),
                    vec!["a/2.md".to_string(), "a/sub/1.TXT".to_string()]
                ),
                ("b".to_string(), vec!["b.txt".to_string()]),
            ]
        );
        let skipped: Vec<&str> = c.skipped.iter().map(|s| s.path.as_str()).collect();
        assert_eq!(skipped, vec!["empty/", "notes.pdf"]);
    }

    /// Links are followed: a link to a file is that file (its size, not the
    /// link's), a link to a folder is walked; files and subfolders keep
    /// path order whichever are examined first.
    #[cfg(unix)]
    #[test]
    fn links_to_files_and_folders_are_followed_in_path_order() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let (root, elsewhere) = (dir.path().join("input"), dir.path().join("elsewhere"));
        fs::create_dir_all(root.join("s/c")).unwrap();
        fs::create_dir_all(elsewhere.join("folder")).unwrap();
        fs::write(root.join("s/a.txt"), "abc").unwrap();
        fs::write(elsewhere.join("ten.txt"), "0123456789").unwrap();
        symlink(elsewhere.join("ten.txt"), root.join("s/b.txt")).unwrap();
        fs::write(root.join("s/c/d.txt"), "d").unwrap();
        fs::write(root.join("s/d.txt"), "dd").unwrap();
        fs::write(elsewhere.join("folder/f.txt"), "ffff").unwrap();
        symlink(elsewhere.join("folder"), root.join("s/e")).unwrap();
        let c = discover(&root, &["txt".into()]).unwrap();
        let got: Vec<(&str, u64)> = c.sources[0]
            .documents
            .iter()
            .map(|d| (d.rel.as_str(), d.bytes))
            .collect();
        assert_eq!(
            got,
            vec![
                ("s/a.txt", 3),
                ("s/b.txt", 10),
                ("s/c/d.txt", 1),
                ("s/d.txt", 2),
                ("s/e/f.txt", 4)
            ]
        );
        let link = &c.sources[0].documents[1];
        let target = fs::metadata(elsewhere.join("ten.txt")).unwrap();
        assert_eq!(link.stamp, FileStamp::of(&target), "the target's stamp");
    }

    #[test]
    fn relative_paths_are_joined_by_slashes_whatever_the_spelling_of_the_root() {
        let cases = [
            ("input", "input/a/b.txt", "a/b.txt"),
            ("input/", "input/a/b.txt", "a/b.txt"),
            ("./input", "./input/b.txt", "b.txt"),
            ("/tmp/in", "/tmp/in/x/y/z.md", "x/y/z.md"),
            ("in", "in//a.txt", "a.txt"),
            ("in", "in/./a.txt", "a.txt"),
            // Not under the root: the whole path.
            ("in", "other/a.txt", "other/a.txt"),
            // A name that only starts like the root.
            ("in", "inside/a.txt", "inside/a.txt"),
        ];
        for (root, path, expected) in cases {
            let got = relative(Path::new(root), Path::new(path));
            assert_eq!(got, expected, "{root} + {path}");
            // The same as taking it component by component.
            let slow = Path::new(path)
                .strip_prefix(root)
                .unwrap_or(Path::new(path))
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            assert_eq!(got, slow, "{root} + {path}");
        }
    }

    #[test]
    fn each_regular_article_file_is_asked_about_by_its_path_and_stamp() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir(root.join("a")).unwrap();
        fs::write(root.join("a/1.txt"), "one").unwrap();
        fs::write(root.join("b.txt"), "two").unwrap();
        fs::write(root.join("notes.pdf"), "x").unwrap();
        let asked = std::sync::Mutex::new(Vec::new());
        let c = discover_knowing(root, &["txt".into()], &|rel, stamp| {
            asked.lock().unwrap().push((rel.to_string(), *stamp));
            rel == "b.txt"
        })
        .unwrap();
        let mut asked = asked.into_inner().unwrap();
        asked.sort_by(|x, y| x.0.cmp(&y.0));
        let stamp_of = |rel: &str| FileStamp::of(&fs::metadata(root.join(rel)).unwrap()).unwrap();
        assert_eq!(
            asked,
            vec![
                ("a/1.txt".to_string(), stamp_of("a/1.txt")),
                ("b.txt".to_string(), stamp_of("b.txt")),
            ]
        );
        // Known or not, both are documents with their stamps.
        let docs: Vec<(&str, Option<FileStamp>)> = c
            .sources
            .iter()
            .flat_map(|s| &s.documents)
            .map(|d| (d.rel.as_str(), d.stamp))
            .collect();
        assert_eq!(
            docs,
            vec![
                ("a/1.txt", Some(stamp_of("a/1.txt"))),
                ("b.txt", Some(stamp_of("b.txt")))
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn named_pipes_are_skipped_without_being_opened() {
        let dir = tempfile::tempdir().unwrap();
        let pipe = dir.path().join("pipe.txt");
        let made = std::process::Command::new("mkfifo").arg(&pipe).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("skipped: mkfifo is not available");
            return;
        }
        // Opening the pipe would block this test forever.
        let c = discover(dir.path(), &["txt".into()]).unwrap();
        let doc = &c.sources[0].documents[0];
        assert_eq!(
            read(doc).unwrap_err(),
            "not a regular file (a named pipe, socket or device)"
        );
        let blocks = read_in_blocks(doc, 64, |_| panic!("no text expected"));
        assert!(blocks.unwrap_err().contains("not a regular file"));
        // The read-ahead hint checks too (and would not wait if it opened).
        read_ahead(std::iter::once(doc), u64::MAX);
    }

    #[test]
    fn read_ahead_passes_over_what_it_cannot_open_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("a.txt"),
            "Kazakhstan\u{2019}s multi-vector policy",
        )
        .unwrap();
        fs::write(dir.path().join("b.txt"), "").unwrap();
        fs::write(dir.path().join("c.txt"), "gone before it is read").unwrap();
        let c = discover(dir.path(), &["txt".into()]).unwrap();
        let docs: Vec<&Document> = c.sources.iter().flat_map(|s| &s.documents).collect();
        assert_eq!(docs.len(), 3);
        fs::remove_file(dir.path().join("c.txt")).unwrap();
        // Too large for the limit, empty, missing: all passed over quietly.
        read_ahead(docs.iter().copied(), 4);
        read_ahead(docs.iter().copied(), u64::MAX);
        let text = |doc: &Document| read(doc).map(|d| d.text);
        assert_eq!(
            text(docs[0]).unwrap(),
            "Kazakhstan\u{2019}s multi-vector policy"
        );
        assert_eq!(text(docs[1]).unwrap(), "");
        assert!(text(docs[2]).unwrap_err().starts_with("cannot read"));
    }

    #[test]
    fn duplicate_source_ids_are_an_error() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("x.txt"), "a").unwrap();
        fs::write(dir.path().join("x.md"), "b").unwrap();
        let err = discover(dir.path(), &["txt".into(), "md".into()])
            .unwrap_err()
            .to_string();
        assert!(err.contains("\"x\""), "{err}");
    }

    #[test]
    fn blocks_cover_the_whole_text_and_end_at_breaks() {
        let dir = tempfile::tempdir().unwrap();
        let text = "First paragraph, caf\u{e9} here.\n\nSecond one is longer than the first.\nA line.\n\nLast.";
        let path = dir.path().join("a.txt");
        fs::write(&path, text).unwrap();
        let doc = Document {
            path,
            rel: "a.txt".into(),
            bytes: text.len() as u64,
            stamp: None,
        };
        let mut blocks = Vec::new();
        let (encoding, replaced) =
            read_in_blocks(&doc, 32, |b| blocks.push(b.to_string())).unwrap();
        assert_eq!((encoding, replaced), ("UTF-8", 0));
        assert_eq!(blocks.concat(), text);
        assert!(blocks.len() > 2, "{blocks:?}");
        for b in &blocks[..blocks.len() - 1] {
            assert!(
                b.ends_with('\n') || b.ends_with(". ") || b.ends_with(' '),
                "{b:?}"
            );
        }
        // Windows-1252 is decided on the first block and kept.
        fs::write(&doc.path, b"\x93quoted\x94 text\n\nmore \x92 text").unwrap();
        let mut out = String::new();
        let (encoding, _) = read_in_blocks(&doc, 16, |b| out.push_str(b)).unwrap();
        assert_eq!(encoding, "windows-1252");
        assert_eq!(out, "\u{201C}quoted\u{201D} text\n\nmore \u{2019} text");
    }
}
