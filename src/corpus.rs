//! Corpus input: directories of text files, JSON Lines (optionally gzipped) and standard input.
//!
//! 1. A **directory** is walked recursively (in sorted order, so ids come out the same on every
//!    machine) for `.txt` and `.md` files; a document's id is its path relative to the directory,
//!    with `/` separators.
//! 2. A **single text file** is one document whose id is the path as given.
//! 3. **JSON Lines** (`.jsonl`, `.jsonl.gz`, and `-` for standard input): one object per line with
//!    `id` (string or integer) and `text`, and optionally `outlet`, `date` (ISO 8601), `url` and
//!    `title`, which are carried through to the output. Blank lines are ignored.
//!
//! Bad input never panics. Invalid UTF-8 is decoded lossily and counted; empty documents, binary
//! files (a NUL byte) and documents over the size limit are skipped and counted; a malformed JSON
//! line is an error naming `file:line` unless [`ReadOptions::skip_bad_lines`] turns it into a
//! counted warning; a duplicate id is an error naming both places; an unreadable path is an
//! error naming it. Documents are handed to a callback one at a time, so a caller decides what to
//! keep in memory.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Optional metadata carried from the input to the output.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    /// The publication that carried the article.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    /// Publication date, ISO 8601 (`2018-03-10` or `2018-03-10T09:00:00Z`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Where the article was published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The article's headline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// One article: an id, its text and its metadata.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// Unique id: a relative path or the `id` field of a JSON line.
    pub id: String,
    /// The full text, as read (after lossy UTF-8 decoding).
    pub text: String,
    /// Outlet, date, URL and title, when the input had them.
    pub meta: Metadata,
    /// Where the document came from: `path` or `path:line`.
    pub origin: String,
}

impl Document {
    /// A document with no metadata, for tests and the library API.
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Document {
        let id = id.into();
        Document {
            origin: id.clone(),
            id,
            text: text.into(),
            meta: Metadata::default(),
        }
    }
}

/// Counts of what was skipped or repaired while reading. Every field is a count of documents or
/// lines.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warnings {
    /// Documents or lines that held invalid UTF-8 and were decoded lossily.
    pub invalid_utf8: u64,
    /// Documents with no words, skipped.
    pub empty: u64,
    /// Files with NUL bytes, skipped as binary.
    pub binary: u64,
    /// Documents larger than the size limit, skipped.
    pub too_large: u64,
    /// Malformed JSON lines skipped under `--skip-bad-lines`.
    pub bad_lines: u64,
    /// Dates that are not ISO 8601; the document is kept without its date.
    pub bad_dates: u64,
    /// The first few warnings in words (`file:line: what`), at most [`Warnings::MAX_MESSAGES`].
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub messages: Vec<String>,
}

impl Warnings {
    /// How many warning sentences are kept; the counts keep counting past it.
    pub const MAX_MESSAGES: usize = 20;

    /// Total number of warnings counted.
    pub fn total(&self) -> u64 {
        self.invalid_utf8
            + self.empty
            + self.binary
            + self.too_large
            + self.bad_lines
            + self.bad_dates
    }

    fn note(&mut self, message: String) {
        if self.messages.len() < Self::MAX_MESSAGES {
            self.messages.push(message);
        }
    }
}

/// How input is read. Build with [`ReadOptions::new`] and the setters.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    skip_bad_lines: bool,
    max_document_bytes: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            skip_bad_lines: false,
            max_document_bytes: 64 << 20,
        }
    }
}

impl ReadOptions {
    /// Options with every default.
    pub fn new() -> ReadOptions {
        ReadOptions::default()
    }

    /// Skip malformed JSON lines with a counted warning instead of failing. Default: `false`.
    pub fn skip_bad_lines(&mut self, yes: bool) -> &mut Self {
        self.skip_bad_lines = yes;
        self
    }

    /// Documents larger than this many bytes are skipped with a warning. Default: 64 MiB.
    pub fn max_document_bytes(&mut self, bytes: usize) -> &mut Self {
        self.max_document_bytes = bytes;
        self
    }
}

/// One JSON Lines record as it arrives.
#[derive(Deserialize)]
struct Record {
    id: RecordId,
    text: String,
    #[serde(default)]
    outlet: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    title: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RecordId {
    Text(String),
    Number(i64),
}

/// Reads every input in order and hands each good document to `sink`. Returns the warnings.
///
/// Ids are checked for uniqueness across all inputs. `sink` may return an error to stop early.
pub fn read_inputs<F>(inputs: &[PathBuf], options: &ReadOptions, mut sink: F) -> Result<Warnings>
where
    F: FnMut(Document) -> Result<()>,
{
    let mut reader = Reader {
        options,
        warnings: Warnings::default(),
        seen: HashMap::new(),
    };
    for input in inputs {
        reader.read_input(input, &mut sink)?;
    }
    Ok(reader.warnings)
}

/// Reads every input into memory. Convenience over [`read_inputs`].
pub fn read_all(inputs: &[PathBuf], options: &ReadOptions) -> Result<(Vec<Document>, Warnings)> {
    let mut docs = Vec::new();
    let warnings = read_inputs(inputs, options, |d| {
        docs.push(d);
        Ok(())
    })?;
    Ok((docs, warnings))
}

/// True when `date` starts with an ISO 8601 calendar date (`YYYY-MM-DD`) and any rest is a time.
pub fn is_iso8601(date: &str) -> bool {
    let b = date.as_bytes();
    if b.len() < 10 {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if !(digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10)) {
        return false;
    }
    let month: u32 = date[5..7].parse().unwrap_or(0);
    let day: u32 = date[8..10].parse().unwrap_or(0);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return false;
    }
    b.len() == 10 || b[10] == b'T' || b[10] == b' '
}

fn is_jsonl(path: &Path) -> bool {
    let name = path.to_string_lossy();
    name == "-" || name.ends_with(".jsonl") || name.ends_with(".jsonl.gz")
}

struct Reader<'a> {
    options: &'a ReadOptions,
    warnings: Warnings,
    /// id → where it was first seen.
    seen: HashMap<String, String>,
}

impl Reader<'_> {
    fn read_input<F>(&mut self, input: &Path, sink: &mut F) -> Result<()>
    where
        F: FnMut(Document) -> Result<()>,
    {
        if is_jsonl(input) {
            return self.read_jsonl(input, sink);
        }
        let meta = std::fs::metadata(input).map_err(|source| Error::Read {
            path: input.to_path_buf(),
            source,
        })?;
        if !meta.is_dir() {
            let id = input.to_string_lossy().into_owned();
            return self.read_text_file(input, id, sink);
        }
        let walker = walkdir::WalkDir::new(input).sort_by_file_name();
        for entry in walker {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(input).to_path_buf();
                let source = e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("filesystem loop"));
                Error::Read { path, source }
            })?;
            let path = entry.path();
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if !entry.file_type().is_file() || !matches!(ext, "txt" | "md") {
                continue;
            }
            let rel = path.strip_prefix(input).unwrap_or(path);
            let id = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            self.read_text_file(path, id, sink)?;
        }
        Ok(())
    }

    fn read_text_file<F>(&mut self, path: &Path, id: String, sink: &mut F) -> Result<()>
    where
        F: FnMut(Document) -> Result<()>,
    {
        let origin = path.display().to_string();
        let read_err = |source| Error::Read {
            path: path.to_path_buf(),
            source,
        };
        let file = File::open(path).map_err(read_err)?;
        let limit = self.options.max_document_bytes;
        let mut bytes = Vec::new();
        file.take(limit as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(read_err)?;
        if bytes.len() > limit {
            self.warnings.too_large += 1;
            self.warnings
                .note(format!("{origin}: larger than {limit} bytes, skipped"));
            return Ok(());
        }
        if bytes.contains(&0) {
            self.warnings.binary += 1;
            self.warnings
                .note(format!("{origin}: binary file (NUL byte), skipped"));
            return Ok(());
        }
        let text = self.decode(bytes, &origin);
        self.accept(
            Document {
                id,
                text,
                meta: Metadata::default(),
                origin,
            },
            sink,
        )
    }

    fn read_jsonl<F>(&mut self, path: &Path, sink: &mut F) -> Result<()>
    where
        F: FnMut(Document) -> Result<()>,
    {
        let name = path.display().to_string();
        let open_err = |source| Error::Read {
            path: path.to_path_buf(),
            source,
        };
        let raw: Box<dyn Read> = if name == "-" {
            Box::new(std::io::stdin().lock())
        } else {
            Box::new(File::open(path).map_err(open_err)?)
        };
        let raw: Box<dyn Read> = if name.ends_with(".gz") {
            Box::new(flate2::read::MultiGzDecoder::new(raw))
        } else {
            raw
        };
        let mut lines = BufReader::with_capacity(1 << 20, raw);
        let mut buf = Vec::new();
        let mut line_no = 0u64;
        loop {
            buf.clear();
            let n = lines
                .read_until(b'\n', &mut buf)
                .map_err(|source| Error::Read {
                    path: path.to_path_buf(),
                    source,
                })?;
            if n == 0 {
                break;
            }
            line_no += 1;
            let origin = format!("{name}:{line_no}");
            if buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match self.parse_line(&buf, &origin) {
                Ok(Some(doc)) => self.accept(doc, sink)?,
                Ok(None) => {}
                Err(message) => {
                    if !self.options.skip_bad_lines {
                        return Err(Error::BadLine {
                            path: path.to_path_buf(),
                            line: line_no,
                            message,
                        });
                    }
                    self.warnings.bad_lines += 1;
                    self.warnings.note(format!("{origin}: {message}, skipped"));
                }
            }
        }
        Ok(())
    }

    /// Parses one JSON line. `Ok(None)` means skipped with a warning already counted.
    fn parse_line(
        &mut self,
        line: &[u8],
        origin: &str,
    ) -> std::result::Result<Option<Document>, String> {
        if line.contains(&0) {
            return Err("NUL byte in line".to_owned());
        }
        if line.len() > self.options.max_document_bytes.saturating_mul(2) {
            self.warnings.too_large += 1;
            self.warnings
                .note(format!("{origin}: line too large, skipped"));
            return Ok(None);
        }
        let parsed: std::result::Result<Record, serde_json::Error> = match std::str::from_utf8(line)
        {
            Ok(s) => serde_json::from_str(s),
            Err(_) => {
                self.warnings.invalid_utf8 += 1;
                self.warnings
                    .note(format!("{origin}: invalid UTF-8, decoded lossily"));
                serde_json::from_str(&String::from_utf8_lossy(line))
            }
        };
        let rec = parsed.map_err(|e| format!("malformed JSON line: {e}"))?;
        if rec.text.len() > self.options.max_document_bytes {
            self.warnings.too_large += 1;
            self.warnings.note(format!(
                "{origin}: text larger than {} bytes, skipped",
                self.options.max_document_bytes
            ));
            return Ok(None);
        }
        let id = match rec.id {
            RecordId::Text(s) => s,
            RecordId::Number(n) => n.to_string(),
        };
        let date = match rec.date {
            Some(d) if !is_iso8601(&d) => {
                self.warnings.bad_dates += 1;
                self.warnings
                    .note(format!("{origin}: date {d:?} is not ISO 8601, ignored"));
                None
            }
            d => d,
        };
        Ok(Some(Document {
            id,
            text: rec.text,
            meta: Metadata {
                outlet: rec.outlet,
                date,
                url: rec.url,
                title: rec.title,
            },
            origin: origin.to_owned(),
        }))
    }

    fn decode(&mut self, bytes: Vec<u8>, origin: &str) -> String {
        match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => {
                self.warnings.invalid_utf8 += 1;
                self.warnings
                    .note(format!("{origin}: invalid UTF-8, decoded lossily"));
                String::from_utf8_lossy(e.as_bytes()).into_owned()
            }
        }
    }

    fn accept<F>(&mut self, doc: Document, sink: &mut F) -> Result<()>
    where
        F: FnMut(Document) -> Result<()>,
    {
        if let Some(first) = self.seen.get(&doc.id) {
            return Err(Error::DuplicateId {
                id: doc.id,
                first: first.clone(),
                second: doc.origin,
            });
        }
        self.seen.insert(doc.id.clone(), doc.origin.clone());
        let mut has_word = false;
        crate::tokenize::for_each_word(&doc.text, |_, _, _| has_word = true);
        if !has_word {
            self.warnings.empty += 1;
            self.warnings
                .note(format!("{}: empty document, skipped", doc.origin));
            return Ok(());
        }
        sink(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::File::create(&p).unwrap().write_all(bytes).unwrap();
        p
    }

    #[test]
    fn walks_directories_in_order_with_relative_ids() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "b.txt", b"beta words");
        write(dir.path(), "sub/a.md", b"alpha words");
        write(dir.path(), "a.txt", b"first words");
        write(dir.path(), "skip.html", b"not read");
        let (docs, w) = read_all(&[dir.path().to_path_buf()], &ReadOptions::new()).unwrap();
        let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["a.txt", "b.txt", "sub/a.md"]);
        assert_eq!(w.total(), 0);
    }

    #[test]
    fn counts_bad_text_files() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "bin.txt", b"abc\0def");
        write(dir.path(), "empty.txt", b"  \n ... \n");
        write(dir.path(), "latin1.txt", b"caf\xe9 au lait");
        let (docs, w) = read_all(&[dir.path().to_path_buf()], &ReadOptions::new()).unwrap();
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].text, "caf\u{FFFD} au lait");
        assert_eq!((w.binary, w.empty, w.invalid_utf8), (1, 1, 1));
        assert_eq!(w.messages.len(), 3);
    }

    #[test]
    fn jsonl_with_metadata_and_numeric_ids() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "c.jsonl",
            br#"{"id":"x","text":"some text","outlet":"Daily","date":"2018-03-10","extra":1}

{"id":7,"text":"more text","date":"yesterday"}
"#,
        );
        let (docs, w) = read_all(&[p], &ReadOptions::new()).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].meta.outlet.as_deref(), Some("Daily"));
        assert_eq!(docs[0].meta.date.as_deref(), Some("2018-03-10"));
        assert_eq!(docs[1].id, "7");
        assert_eq!(docs[1].meta.date, None);
        assert_eq!(w.bad_dates, 1);
    }

    #[test]
    fn malformed_line_names_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "c.jsonl",
            b"{\"id\":\"a\",\"text\":\"t\"}\n{\"id\": oops}\n",
        );
        let err = read_all(std::slice::from_ref(&p), &ReadOptions::new()).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("c.jsonl:2"), "{msg}");
        let (docs, w) = read_all(&[p], ReadOptions::new().skip_bad_lines(true)).unwrap();
        assert_eq!((docs.len(), w.bad_lines), (1, 1));
    }

    #[test]
    fn gzip_input() {
        let dir = tempfile::tempdir().unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"{\"id\":\"g\",\"text\":\"zipped text\"}\n")
            .unwrap();
        let p = write(dir.path(), "c.jsonl.gz", &gz.finish().unwrap());
        let (docs, _) = read_all(&[p], &ReadOptions::new()).unwrap();
        assert_eq!(docs[0].text, "zipped text");
    }

    #[test]
    fn duplicate_ids_name_both_sources() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "d.jsonl",
            b"{\"id\":\"a\",\"text\":\"one\"}\n{\"id\":\"a\",\"text\":\"two\"}\n",
        );
        let msg = read_all(&[p], &ReadOptions::new()).unwrap_err().to_string();
        assert!(
            msg.contains("d.jsonl:1") && msg.contains("d.jsonl:2"),
            "{msg}"
        );
    }

    #[test]
    fn missing_path_is_named() {
        let msg = read_all(&[PathBuf::from("/no/such/dir")], &ReadOptions::new())
            .unwrap_err()
            .to_string();
        assert!(msg.contains("/no/such/dir"), "{msg}");
    }

    #[test]
    fn oversized_documents_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "big.txt", &b"word ".repeat(100));
        let (docs, w) = read_all(
            &[dir.path().to_path_buf()],
            ReadOptions::new().max_document_bytes(100),
        )
        .unwrap();
        assert!(docs.is_empty());
        assert_eq!(w.too_large, 1);
    }

    #[test]
    fn iso_dates() {
        assert!(is_iso8601("2018-03-10"));
        assert!(is_iso8601("2018-03-10T09:00:00Z"));
        assert!(!is_iso8601("2018-13-10"));
        assert!(!is_iso8601("10/03/2018"));
        assert!(!is_iso8601("2018-03-1"));
    }
}
