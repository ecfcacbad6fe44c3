//! Corpus input: directories of text files, JSON Lines and CSV (optionally gzipped), and
//! standard input.
//!
//! 1. A **directory** is walked recursively (in sorted order, so ids come out the same on every
//!    machine) for text, Markdown and HTML files (`.txt`, `.md`, `.html`, `.htm`, in any case;
//!    HTML is read through [`crate::markup`]); a document's id is its path relative to the
//!    directory, with `/` separators. A directory without any is an error that says what it
//!    holds instead (scanning nothing is never what was meant).
//! 2. A **single text file** is one document whose id is the path as given.
//! 3. **JSON Lines** (`.jsonl` or `.ndjson`, gzipped `.jsonl.gz` or `.ndjson.gz`, and `-` for
//!    standard input): one object per line with `id` (string or integer) and `text` (other
//!    names with [`ReadOptions::id_field`] and [`ReadOptions::text_field`]), and
//!    optionally `outlet`, `date` (ISO 8601), `url` and `title`, which are carried through to
//!    the output. Blank lines are ignored.
//! 4. **CSV** and **TSV** (`.csv`, `.tsv`, gzipped `.csv.gz`, `.tsv.gz`; parsed by the `csv`
//!    crate, fields quoted as RFC 4180 says): a header row names the columns, the same as the
//!    JSON fields, and each further row is a document. A row with another number of fields
//!    than the header is malformed, like a bad JSON line.
//!
//! Bad input never panics. A text file that is not UTF-8 is read in the legacy encoding it is
//! most likely in (Windows-1252, Windows-1251, Shift_JIS, GBK, …, as `chardetng` guesses it
//! from its bytes, the way Firefox does for unlabelled pages) and counted; invalid UTF-8 in
//! JSON Lines and CSV (which are UTF-8 by definition) is decoded lossily and counted; empty
//! documents, binary
//! files ([`text_of`]: a NUL byte, or mostly not text) and documents over the size limit are
//! skipped and counted; a malformed JSON line is an error naming `file:line` unless
//! [`ReadOptions::skip_bad_lines`] turns it into a counted warning; a duplicate id is an error naming both places; an unreadable path is an
//! error naming it. Documents are handed to a callback one at a time, so a caller decides what to
//! keep in memory.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Optional metadata carried from the input to the output.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    /// The publication that carried the article. Shared (`Arc`), like `date`: many articles
    /// carry the same outlet and date, a scan keeps one copy of each value, and a report's
    /// passage clusters repeat them for every member.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlet: Option<Arc<str>>,
    /// Publication date, ISO 8601 (`2018-03-10` or `2018-03-10T09:00:00Z`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<Arc<str>>,
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
    /// Documents or lines that were not UTF-8: text files read in the legacy encoding detected
    /// ([`text_of`]), JSON lines and CSV records decoded lossily.
    pub invalid_utf8: u64,
    /// Documents with no words, skipped.
    pub empty: u64,
    /// Files that are not text (see [`text_of`]), skipped as binary.
    pub binary: u64,
    /// Documents larger than the size limit, skipped.
    pub too_large: u64,
    /// Malformed JSON lines skipped under `--skip-bad-lines`.
    pub bad_lines: u64,
    /// Dates that are not ISO 8601; the document is kept without its date.
    pub bad_dates: u64,
    /// Files a directory scan passed over: not `.txt`, `.md`, `.html` or `.htm` (hidden files
    /// not counted). A JSON Lines or CSV archive is read when named itself.
    #[serde(default)]
    pub other_files: u64,
    /// The first few warnings in words (`file:line: what`), at most [`Warnings::MAX_MESSAGES`].
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub messages: Vec<String>,
}

impl Warnings {
    /// How many warning sentences are kept; the counts keep counting past it.
    pub const MAX_MESSAGES: usize = 20;

    /// Each count with what it counts, in the order reports list them.
    pub fn counts(&self) -> [(u64, &'static str); 7] {
        [
            (self.invalid_utf8, "invalid UTF-8"),
            (self.empty, "empty"),
            (self.binary, "binary"),
            (self.too_large, "too large"),
            (self.bad_lines, "bad lines"),
            (self.bad_dates, "bad dates"),
            (self.other_files, "other files"),
        ]
    }

    /// The counts in words: `1 invalid UTF-8, 0 empty, …`.
    pub fn counts_in_words(&self) -> String {
        let words: Vec<String> = self
            .counts()
            .iter()
            .map(|(n, what)| format!("{n} {what}"))
            .collect();
        words.join(", ")
    }

    /// Total number of warnings counted.
    pub fn total(&self) -> u64 {
        self.counts().iter().map(|(n, _)| n).sum()
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
    id_field: String,
    text_field: String,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            skip_bad_lines: false,
            max_document_bytes: 64 << 20,
            id_field: "id".to_owned(),
            text_field: "text".to_owned(),
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

    /// The JSON Lines field that holds a document's id (a string or an integer). Default: `id`.
    /// Archives from other tools name it otherwise (`doc_id`, `url`).
    pub fn id_field(&mut self, name: impl Into<String>) -> &mut Self {
        self.id_field = name.into();
        self
    }

    /// The JSON Lines field that holds a document's text. Default: `text` (other tools:
    /// `content`, `body`, `article`).
    pub fn text_field(&mut self, name: impl Into<String>) -> &mut Self {
        self.text_field = name.into();
        self
    }

    /// The fields' names, checked: two different, non-empty names.
    fn fields(&self) -> Result<Fields<'_>> {
        if self.id_field.is_empty()
            || self.text_field.is_empty()
            || self.id_field == self.text_field
        {
            return Err(Error::Config(format!(
                "the id field ({:?}) and the text field ({:?}) must be two different names",
                self.id_field, self.text_field
            )));
        }
        Ok(Fields {
            id: &self.id_field,
            text: &self.text_field,
            only_text: false,
        })
    }
}

/// One JSON Lines record as it arrives.
struct Record {
    id: RecordId,
    text: String,
    outlet: Option<String>,
    date: Option<String>,
    url: Option<String>,
    title: Option<String>,
}

/// The names of a record's id and text fields ([`ReadOptions::id_field`],
/// [`ReadOptions::text_field`]): what reads a JSON line into a [`Record`]. With `only_text`,
/// every other field is skipped and the id may be missing (a text read again).
#[derive(Clone, Copy)]
struct Fields<'a> {
    id: &'a str,
    text: &'a str,
    only_text: bool,
}

/// Which of a record's fields a key names.
enum Field {
    Id,
    Text,
    Outlet,
    Date,
    Url,
    Title,
    Other,
}

impl<'de> serde::de::DeserializeSeed<'de> for Fields<'_> {
    type Value = Record;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Record, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Fields<'_> {
    type Value = Record;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Record, A::Error> {
        use serde::de::Error as _;
        let mut id = None;
        let mut text = None;
        let (mut outlet, mut date, mut url, mut title) = (None, None, None, None);
        while let Some(field) = map.next_key_seed(FieldName(self))? {
            let (slot, name) = match field {
                Field::Id => {
                    if id.replace(map.next_value::<RecordId>()?).is_some() {
                        return Err(A::Error::custom(format!("duplicate field `{}`", self.id)));
                    }
                    continue;
                }
                Field::Text => (&mut text, self.text),
                Field::Outlet => (&mut outlet, "outlet"),
                Field::Date => (&mut date, "date"),
                Field::Url => (&mut url, "url"),
                Field::Title => (&mut title, "title"),
                Field::Other => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                    continue;
                }
            };
            let value: Option<String> = map.next_value()?;
            if slot.replace(value).is_some() {
                return Err(A::Error::custom(format!("duplicate field `{name}`")));
            }
        }
        let missing = |name: &str| A::Error::custom(format!("missing field `{name}`"));
        let text = match text {
            Some(Some(text)) => text,
            Some(None) => return Err(A::Error::custom(format!("field `{}` is null", self.text))),
            None => return Err(missing(self.text)),
        };
        let id = match id {
            Some(id) => id,
            None if self.only_text => RecordId::Number(0),
            None => return Err(missing(self.id)),
        };
        Ok(Record {
            id,
            text,
            outlet: outlet.flatten(),
            date: date.flatten(),
            url: url.flatten(),
            title: title.flatten(),
        })
    }
}

/// Reads a key of a record as the [`Field`] it names.
struct FieldName<'a>(Fields<'a>);

impl<'de> serde::de::DeserializeSeed<'de> for FieldName<'_> {
    type Value = Field;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Field, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> serde::de::Visitor<'de> for FieldName<'_> {
    type Value = Field;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> std::result::Result<Field, E> {
        let f = self.0;
        Ok(if key == f.text {
            Field::Text
        } else if f.only_text {
            Field::Other
        } else if key == f.id {
            Field::Id
        } else {
            match key {
                "outlet" => Field::Outlet,
                "date" => Field::Date,
                "url" => Field::Url,
                "title" => Field::Title,
                _ => Field::Other,
            }
        })
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RecordId {
    Text(String),
    Number(i64),
}

/// Where a document's text can be read again after the first pass (see [`read_text`]).
///
/// A scan keeps locations, not texts: the text of a candidate pair is read again when the pair
/// is verified and aligned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// One line of a plain JSON Lines file: `inputs[input]`, bytes `offset..offset + len`.
    JsonLine {
        /// Index of the file among the inputs.
        input: u32,
        /// Byte offset of the line in the file.
        offset: u64,
        /// Length of the line in bytes.
        len: u32,
    },
    /// One record of a plain CSV or TSV file: `inputs[input]`, bytes `offset..offset + len`,
    /// its text in field `column` (counted from 0), fields separated by `delimiter`.
    CsvRecord {
        /// Index of the file among the inputs.
        input: u32,
        /// Byte offset of the record in the file.
        offset: u64,
        /// Length of the record in bytes.
        len: u32,
        /// The text's field.
        column: u16,
        /// `,` or a tab.
        delimiter: u8,
    },
    /// A whole text file.
    File(PathBuf),
    /// A stream that cannot be read twice: standard input, a named pipe or a gzip file.
    Stream,
}

/// Reads every input in order and hands each good document to `sink`. Returns the warnings.
///
/// Ids are checked for uniqueness across all inputs. `sink` may return an error to stop early.
pub fn read_inputs<F>(inputs: &[PathBuf], options: &ReadOptions, mut sink: F) -> Result<Warnings>
where
    F: FnMut(Document) -> Result<()> + Send,
{
    read_inputs_with(inputs, options, |_| (), |d, _, ()| sink(d))
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

/// The parallel reader under [`read_inputs`].
///
/// Input is read in batches (about 4 MB of JSON lines, or 256 text files). The lines or files
/// of a batch are parsed in parallel, and `map` runs on each good document right there, while
/// its text is hot in the cache. Then, one at a time and in input order, ids are checked for
/// uniqueness, warnings are counted and `sink` gets the document, its [`Location`] and what
/// `map` made of it. Reading, parsing and accepting overlap: while one batch is parsed, the
/// one before is accepted and the one after is read. The result is the same whatever the
/// number of threads.
pub fn read_inputs_with<T, M, S>(
    inputs: &[PathBuf],
    options: &ReadOptions,
    map: M,
    mut sink: S,
) -> Result<Warnings>
where
    T: Send,
    M: Fn(&Document) -> T + Sync,
    S: FnMut(Document, Location, T) -> Result<()> + Send,
{
    let mut reader = Reader {
        options,
        warnings: Warnings::default(),
        seen: HashMap::new(),
        names: inputs.iter().map(|p| p.display().to_string()).collect(),
    };
    for (k, input) in inputs.iter().enumerate() {
        reader.read_input(k as u32, input, &map, &mut sink)?;
    }
    Ok(reader.warnings)
}

/// Reads the text of one document again, exactly as the first read decoded it.
///
/// Returns `Ok(None)` for a [`Location::Stream`], which cannot be read again. Opens the input
/// for this one read: [`Sources`] keeps inputs open across many.
pub fn read_text(
    inputs: &[PathBuf],
    options: &ReadOptions,
    location: &Location,
) -> Result<Option<String>> {
    Sources::new(inputs).read_text(options, location)
}

/// The inputs of a scan, for reading texts again: each JSON Lines or CSV input is opened on
/// first use and kept open, so the tens of thousands of texts a large scan reads again cost a
/// positioned read each, not an open, a read and a close.
#[derive(Debug)]
pub struct Sources<'a> {
    inputs: &'a [PathBuf],
    open: Vec<std::sync::OnceLock<File>>,
}

impl<'a> Sources<'a> {
    /// Nothing opened yet.
    pub fn new(inputs: &'a [PathBuf]) -> Sources<'a> {
        Sources {
            inputs,
            open: inputs.iter().map(|_| std::sync::OnceLock::new()).collect(),
        }
    }

    /// Reads `len` bytes at `offset` of input `k`; an error names the input.
    fn read_at(&self, k: usize, offset: u64, len: usize) -> Result<Vec<u8>> {
        self.read_at_io(k, offset, len)
            .map_err(|source| Error::Read {
                path: self.inputs[k].clone(),
                source,
            })
    }

    fn read_at_io(&self, k: usize, offset: u64, len: usize) -> std::io::Result<Vec<u8>> {
        let mut buf = vec![0; len];
        if cfg!(unix) {
            // Positioned reads share one handle between threads.
            let cell = &self.open[k];
            let file = match cell.get() {
                Some(f) => f,
                None => {
                    let _ = cell.set(File::open(&self.inputs[k])?);
                    cell.get().expect("set above")
                }
            };
            read_exact_at(file, &mut buf, offset)?;
        } else {
            // Elsewhere a read moves the handle's position: a handle of its own.
            read_exact_at(&File::open(&self.inputs[k])?, &mut buf, offset)?;
        }
        Ok(buf)
    }

    /// [`read_text`], through the inputs kept open.
    pub fn read_text(&self, options: &ReadOptions, location: &Location) -> Result<Option<String>> {
        let inputs = self.inputs;
        match location {
            Location::Stream => Ok(None),
            Location::File(path) => {
                let bytes = std::fs::read(path).map_err(|source| Error::Read {
                    path: path.clone(),
                    source,
                })?;
                Ok(Some(decode_file(bytes).0))
            }
            Location::CsvRecord {
                input,
                offset,
                len,
                column,
                delimiter,
            } => {
                let bytes = self.read_at(*input as usize, *offset, *len as usize)?;
                read_csv_text(
                    &inputs[*input as usize],
                    &bytes,
                    *offset,
                    *column,
                    *delimiter,
                )
            }
            Location::JsonLine { input, offset, len } => {
                let path = &inputs[*input as usize];
                let line = self.read_at(*input as usize, *offset, *len as usize)?;
                // Only the text: the rest of the record was kept from the first read.
                let only_text = Fields {
                    only_text: true,
                    ..options.fields()?
                };
                let (parsed, _) = parse_record(&line, only_text);
                parsed.map(|r| Some(r.text)).map_err(|e| {
                    Error::io(
                        format!(
                            "{} at byte {offset}: the line changed since it was first read",
                            path.display()
                        ),
                        std::io::Error::new(std::io::ErrorKind::InvalidData, e),
                    )
                })
            }
        }
    }
}

/// Field `column` of the CSV record `bytes`, read again from byte `offset` of `path`: what
/// [`read_text`] reads again.
fn read_csv_text(
    path: &Path,
    bytes: &[u8],
    offset: u64,
    column: u16,
    delimiter: u8,
) -> Result<Option<String>> {
    match csv_field(bytes, column as usize, delimiter) {
        Some(field) => Ok(Some(decode(field).0)),
        None => Err(Error::io(
            format!(
                "{} at byte {offset}: the record changed since it was first read",
                path.display()
            ),
            std::io::Error::from(std::io::ErrorKind::InvalidData),
        )),
    }
}

thread_local! {
    /// A CSV record parser per thread, with its delimiter: building one costs more than parsing
    /// a record, and verification reads tens of thousands of records again.
    static CSV_PARSER: std::cell::RefCell<Option<(u8, csv_core::Reader)>> =
        const { std::cell::RefCell::new(None) };
}

/// Field `column` of the one CSV record `bytes` (as the `csv` crate reads it: `"` quotes,
/// doubled to escape), or `None` when it has fewer fields.
fn csv_field(bytes: &[u8], column: usize, delimiter: u8) -> Option<Vec<u8>> {
    use csv_core::ReadRecordResult;
    CSV_PARSER.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.as_ref().map_or(true, |(d, _)| *d != delimiter) {
            let parser = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
            *cell = Some((delimiter, parser));
        }
        let (_, parser) = cell.as_mut().expect("set above");
        parser.reset();
        // Unquoting only shortens a record; a record ends where its input does.
        let mut out = vec![0u8; bytes.len() + 1];
        let mut ends = vec![0usize; column + 2];
        let (mut input, mut nout, mut nend) = (bytes, 0, 0);
        loop {
            let (res, i, o, e) = parser.read_record(input, &mut out[nout..], &mut ends[nend..]);
            input = &input[i..];
            nout += o;
            nend += e;
            match res {
                // An empty input is the end of the input: the record is then complete.
                ReadRecordResult::InputEmpty if i == 0 && o == 0 && e == 0 && input.is_empty() => {
                    return None
                }
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => out.resize(out.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
                ReadRecordResult::Record => break,
                ReadRecordResult::End => return None,
            }
        }
        let ends = &ends[..nend];
        let end = *ends.get(column)?;
        let start = if column == 0 { 0 } else { ends[column - 1] };
        Some(out[start..end].to_vec())
    })
}

/// Reads `buf.len()` bytes at `offset` without moving a shared file position.
#[cfg(unix)]
pub(crate) fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

/// Reads `buf.len()` bytes at `offset`.
#[cfg(not(unix))]
pub(crate) fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom};
    let mut f = file;
    f.seek(SeekFrom::Start(offset))?;
    f.read_exact(buf)
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

/// True when `text` holds at least one word (see [`crate::tokenize`]).
fn has_word(text: &str) -> bool {
    // An ASCII letter or digit is always part of a word; only text without one needs the
    // Unicode segmenter.
    if text.bytes().any(|b| b.is_ascii_alphanumeric()) {
        return true;
    }
    let mut any = false;
    crate::tokenize::for_each_word(text, |_, _, _| any = true);
    any
}

/// The field delimiter of a CSV (`,`) or TSV (tab) input, optionally gzipped; `None` for
/// anything else.
fn csv_delimiter(path: &Path) -> Option<u8> {
    let name = path.to_string_lossy();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    if name.ends_with(".csv") {
        Some(b',')
    } else if name.ends_with(".tsv") {
        Some(b'\t')
    } else {
        None
    }
}

/// One row of a CSV batch: the line it starts on, its bytes' place in the file, its fields.
struct CsvRow {
    line: u64,
    offset: u64,
    len: u32,
    row: csv::ByteRecord,
}

/// A reader that notes the offset of every line break that passes through it.
struct LineBreaks<R> {
    inner: R,
    at: u64,
    breaks: std::rc::Rc<std::cell::RefCell<std::collections::VecDeque<u64>>>,
}

impl<R: Read> Read for LineBreaks<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let at = self.at;
        self.breaks
            .borrow_mut()
            .extend(memchr::memchr_iter(b'\n', &buf[..n]).map(|i| at + i as u64));
        self.at += n as u64;
        Ok(n)
    }
}

/// Where a CSV file's header puts the fields of a [`Record`].
struct Columns {
    count: usize,
    id: usize,
    text: usize,
    outlet: Option<usize>,
    date: Option<usize>,
    url: Option<usize>,
    title: Option<usize>,
}

impl Columns {
    /// Finds the columns in `header` (a UTF-8 byte order mark before the first name is
    /// ignored). The id and text columns must be there, once each.
    fn of(header: &csv::ByteRecord, fields: Fields<'_>) -> std::result::Result<Columns, String> {
        let names: Vec<String> = header
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let n = String::from_utf8_lossy(n);
                let n = if i == 0 {
                    n.trim_start_matches('\u{FEFF}')
                } else {
                    &n
                };
                n.trim().to_owned()
            })
            .collect();
        let find = |name: &str| names.iter().position(|n| n == name);
        let required = |name: &str| -> std::result::Result<usize, String> {
            match names.iter().filter(|n| *n == name).count() {
                1 => Ok(find(name).expect("counted")),
                0 => Err(format!(
                    "no `{name}` column{}",
                    names_hint("the header's columns", names.iter().map(String::as_str))
                )),
                _ => Err(format!("the header has more than one `{name}` column")),
            }
        };
        Ok(Columns {
            count: names.len(),
            id: required(fields.id)?,
            text: required(fields.text)?,
            outlet: find("outlet"),
            date: find("date"),
            url: find("url"),
            title: find("title"),
        })
    }
}

/// Parses one CSV row (`origin` is `file:line`, for messages).
fn parse_csv_row(
    row: &csv::ByteRecord,
    columns: &Columns,
    max_bytes: usize,
    origin: &str,
) -> Parsed {
    if row.len() != columns.count {
        return Parsed::Bad(format!(
            "malformed CSV record: {} fields where the header has {}",
            row.len(),
            columns.count
        ));
    }
    if row[columns.text].len() > max_bytes {
        return Parsed::Skipped(
            WarnKind::TooLarge,
            format!("{origin}: text larger than {max_bytes} bytes, skipped"),
        );
    }
    if row[columns.text].contains(&0) {
        return Parsed::Bad("NUL byte in record".to_owned());
    }
    let mut lossy = false;
    let mut field = |i: usize| {
        let (s, l) = decode(row[i].to_vec());
        lossy |= l;
        s
    };
    let (id, text) = (field(columns.id), field(columns.text));
    let mut optional = |i: Option<usize>| i.map(&mut field).filter(|s| !s.is_empty());
    let rec = Record {
        id: RecordId::Text(id),
        text,
        outlet: optional(columns.outlet),
        date: optional(columns.date),
        url: optional(columns.url),
        title: optional(columns.title),
    };
    let mut notes = Vec::new();
    if lossy {
        notes.push((
            WarnKind::InvalidUtf8,
            format!("{origin}: invalid UTF-8, decoded lossily"),
        ));
    }
    record_document(rec, notes, max_bytes, origin)
}

fn is_jsonl(path: &Path) -> bool {
    let name = path.to_string_lossy();
    name == "-"
        || [".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

/// What a warning is about; each kind has its own count in [`Warnings`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum WarnKind {
    InvalidUtf8,
    Empty,
    Binary,
    TooLarge,
    BadDate,
}

/// The outcome of parsing one line or file, computed in parallel.
enum Parsed {
    /// A good document, with warnings about it (lossy UTF-8, a bad date).
    Doc(Document, Vec<(WarnKind, String)>),
    /// Skipped, with the warning that says why.
    Skipped(WarnKind, String),
    /// A malformed JSON line or CSV record: an error, or a counted warning with
    /// `--skip-bad-lines`.
    Bad(String),
}

/// The text of a file's bytes, with the encoding it was read in when that was not UTF-8, or
/// why they are not text: a NUL byte, or over a tenth of the decoded characters replacement
/// characters or control characters other than white space.
///
/// A file that starts with a UTF-16 byte-order mark is read as UTF-16 (without the mark).
/// Other bytes that are not UTF-8 are read in the encoding `chardetng` guesses for them (the
/// detector Firefox uses for unlabelled pages: Windows-1252 for a Latin-1 `café`, Windows-1251
/// or KOI8-R for Russian, Shift_JIS, EUC-KR, GBK, Big5, …); the name returned is that
/// encoding's (`windows-1252`), or `UTF-8` for text that is UTF-8 but for a few invalid bytes,
/// which become U+FFFD. The same bytes always give the same text, so a document read again
/// for verification is the one first read.
pub fn text_of(
    bytes: Vec<u8>,
) -> std::result::Result<(String, Option<&'static str>), &'static str> {
    // UTF-16 text (a byte-order mark, then a NUL byte in every ASCII character) is text.
    if utf16_bom(&bytes).is_none() && bytes.contains(&0) {
        return Err("NUL byte");
    }
    let (text, encoding) = decode_file(bytes);
    if encoding.is_some() && mostly_not_text(&text) {
        return Err("over a tenth of it not text");
    }
    Ok((text, encoding))
}

/// A text file's bytes as UTF-8, or in the encoding detected for them ([`text_of`]).
fn decode_file(bytes: Vec<u8>) -> (String, Option<&'static str>) {
    let bytes = match String::from_utf8(bytes) {
        Ok(s) => return (s, None),
        Err(e) => e.into_bytes(),
    };
    // A UTF-16 byte-order mark is never UTF-8, so it is looked for only here.
    let (encoding, bom) = utf16_bom(&bytes).unwrap_or_else(|| (legacy_encoding(&bytes), 0));
    let (text, _had_errors) = encoding.decode_without_bom_handling(&bytes[bom..]);
    (text.into_owned(), Some(encoding.name()))
}

/// The encoding of bytes that are not valid UTF-8 and have no byte-order mark.
fn legacy_encoding(bytes: &[u8]) -> &'static encoding_rs::Encoding {
    // UTF-8 with a few bad bytes (a cut character, a stray byte) is still UTF-8: more of its
    // non-ASCII characters decode than fail to. Text in a legacy encoding has hardly any valid
    // multi-byte sequences (a Latin-1 `é` is one byte, followed by ASCII).
    let (mut valid, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        valid += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += usize::from(!chunk.invalid().is_empty());
    }
    if valid > invalid {
        return encoding_rs::UTF_8;
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    detector.guess(None, chardetng::Utf8Detection::Deny)
}

/// UTF-16 (little- or big-endian) and the length of its byte-order mark, when `bytes` start
/// with one: the "Unicode" text files of Windows.
fn utf16_bom(bytes: &[u8]) -> Option<(&'static encoding_rs::Encoding, usize)> {
    encoding_rs::Encoding::for_bom(bytes).filter(|(e, _)| *e != encoding_rs::UTF_8)
}

/// The warning for a text file that was not UTF-8, named `origin` and read in `encoding` (from
/// [`text_of`]): `old.txt: not UTF-8, read as windows-1252`.
pub fn encoding_note(origin: &str, encoding: &str) -> String {
    if encoding == encoding_rs::UTF_8.name() {
        format!("{origin}: invalid UTF-8, decoded lossily")
    } else {
        format!("{origin}: not UTF-8, read as {encoding}")
    }
}

/// True when over a tenth of the characters of `text`, decoded from bytes that were not UTF-8
/// ([`decode_file`]), are replacement characters (bytes the encoding could not read) or control
/// characters other than white space: a binary file without a NUL byte, which no encoding
/// reads as text.
fn mostly_not_text(text: &str) -> bool {
    let (mut chars, mut noise) = (0usize, 0usize);
    for c in text.chars() {
        chars += 1;
        if c == char::REPLACEMENT_CHARACTER || (c.is_control() && !c.is_whitespace()) {
            noise += 1;
        }
    }
    noise * 10 > chars
}

/// Decodes bytes as UTF-8, lossily; the flag says whether anything was replaced.
fn decode(bytes: Vec<u8>) -> (String, bool) {
    match String::from_utf8(bytes) {
        Ok(s) => (s, false),
        Err(e) => (String::from_utf8_lossy(e.as_bytes()).into_owned(), true),
    }
}

/// Parses one JSON line into a record, decoding invalid UTF-8 lossily; the flag says whether
/// it had to.
fn parse_record(
    line: &[u8],
    fields: Fields<'_>,
) -> (std::result::Result<Record, serde_json::Error>, bool) {
    fn parse(s: &str, fields: Fields<'_>) -> std::result::Result<Record, serde_json::Error> {
        use serde::de::DeserializeSeed;
        let mut de = serde_json::Deserializer::from_str(s);
        let record = fields.deserialize(&mut de)?;
        de.end()?;
        Ok(record)
    }
    // A UTF-8 byte-order mark, as Windows tools write at the start of a file, is not JSON.
    let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
    match std::str::from_utf8(line) {
        Ok(s) => (parse(s, fields), false),
        Err(_) => (parse(&String::from_utf8_lossy(line), fields), true),
    }
}

/// Parses one JSON line (`origin` is `file:line`, for messages). Emptiness is checked later.
fn parse_line(line: &[u8], fields: Fields<'_>, max_bytes: usize, origin: &str) -> Parsed {
    if line.contains(&0) {
        return Parsed::Bad("NUL byte in line".to_owned());
    }
    if line.len() > max_bytes.saturating_mul(2) {
        return Parsed::Skipped(
            WarnKind::TooLarge,
            format!("{origin}: line too large, skipped"),
        );
    }
    let mut notes = Vec::new();
    let (parsed, lossy) = parse_record(line, fields);
    if lossy {
        notes.push((
            WarnKind::InvalidUtf8,
            format!("{origin}: invalid UTF-8, decoded lossily"),
        ));
    }
    match parsed {
        Ok(rec) => record_document(rec, notes, max_bytes, origin),
        Err(e) => Parsed::Bad(format!("malformed JSON line: {e}{}", fields_hint(line, &e))),
    }
}

/// A record read from a JSON line or a CSV row made into a document: too large a text is
/// skipped, an integer id written out, a date that is not ISO 8601 dropped with a warning.
fn record_document(
    rec: Record,
    mut notes: Vec<(WarnKind, String)>,
    max_bytes: usize,
    origin: &str,
) -> Parsed {
    if rec.text.len() > max_bytes {
        return Parsed::Skipped(
            WarnKind::TooLarge,
            format!("{origin}: text larger than {max_bytes} bytes, skipped"),
        );
    }
    let id = match rec.id {
        RecordId::Text(s) => s,
        RecordId::Number(n) => n.to_string(),
    };
    let date = match rec.date {
        Some(d) if !is_iso8601(&d) => {
            notes.push((
                WarnKind::BadDate,
                format!("{origin}: date {d:?} is not ISO 8601, ignored"),
            ));
            None
        }
        d => d,
    };
    let doc = Document {
        id,
        text: rec.text,
        meta: Metadata {
            outlet: rec.outlet.map(Arc::from),
            date: date.map(Arc::from),
            url: rec.url,
            title: rec.title,
        },
        origin: origin.to_owned(),
    };
    Parsed::Doc(doc, notes)
}

/// For a line that lacks the id or text field: the fields it has, and how to name others.
fn fields_hint(line: &[u8], e: &serde_json::Error) -> String {
    if !e.to_string().starts_with("missing field") {
        return String::new();
    }
    let Ok(map) = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(line) else {
        return String::new();
    };
    names_hint("the line's fields", map.keys().map(String::as_str))
}

/// ` (WHAT: `a`, `b`, …; --id-field and --text-field choose others)`: the names a record or a
/// header has, the first twelve, for a message about a missing field.
fn names_hint<'a>(what: &str, names: impl ExactSizeIterator<Item = &'a str>) -> String {
    let total = names.len();
    let shown: Vec<String> = names.take(12).map(|n| format!("`{n}`")).collect();
    format!(
        " ({what}: {}{}; --id-field and --text-field choose others)",
        shown.join(", "),
        if total > shown.len() { ", …" } else { "" }
    )
}

/// Reads and decodes one text file. Errors name the file.
fn parse_text_file(path: &Path, id: String, max_bytes: usize) -> Result<Parsed> {
    let origin = path.display().to_string();
    let read_err = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(read_err)?;
    let mut bytes = Vec::new();
    file.take(max_bytes as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    if bytes.len() > max_bytes {
        return Ok(Parsed::Skipped(
            WarnKind::TooLarge,
            format!("{origin}: larger than {max_bytes} bytes, skipped"),
        ));
    }
    let (text, encoding) = match text_of(bytes) {
        Ok(t) => t,
        Err(why) => {
            return Ok(Parsed::Skipped(
                WarnKind::Binary,
                format!("{origin}: binary file ({why}), skipped"),
            ))
        }
    };
    let mut notes = Vec::new();
    if let Some(encoding) = encoding {
        notes.push((WarnKind::InvalidUtf8, encoding_note(&origin, encoding)));
    }
    Ok(Parsed::Doc(
        Document {
            id,
            text,
            meta: Metadata::default(),
            origin,
        },
        notes,
    ))
}

/// The extensions (in any case) of the files a directory scan reads: text, Markdown, and HTML
/// (a saved page, read through its decoded view: [`crate::markup`]).
const TEXT_EXTENSIONS: &[&str] = &["txt", "md", "html", "htm"];

/// About 4 MB of JSON lines or 256 files make a batch.
const BATCH_BYTES: usize = 4 << 20;
const BATCH_FILES: usize = 256;

/// One line of a JSON Lines batch: its number, its byte offset in the file and its bytes in the
/// batch buffer.
struct LineRef {
    line_no: u64,
    offset: u64,
    start: usize,
    end: usize,
}

/// Where an id was first seen: a line of an input, or (for text files) the file.
enum FirstSeen {
    Line { input: u32, line: u64 },
    File(Box<str>),
}

struct Reader<'a> {
    options: &'a ReadOptions,
    warnings: Warnings,
    /// id → where it was first seen. Compact: a million JSON lines cost no origin strings.
    seen: HashMap<String, FirstSeen>,
    /// The inputs as displayed, for messages.
    names: Vec<String>,
}

/// One JSON Lines batch: a buffer of lines and where each one is.
struct LineBatch {
    buf: Vec<u8>,
    refs: Vec<LineRef>,
}

/// Runs a three-stage pipeline over batches: while the thread pool parses batch `k + 1` and,
/// beside it, `accept` takes the results of batch `k` in order, the calling thread reads batch
/// `k + 2`. Errors surface in input order: a batch's read error only after the batches before
/// it were accepted.
fn pipeline<B, R, N, P, A>(mut next: N, parse: P, mut accept: A) -> Result<()>
where
    B: Send,
    R: Send,
    N: FnMut() -> Result<Option<B>>,
    P: Fn(B) -> R + Sync,
    A: FnMut(R) -> Result<()> + Send,
{
    let mut upcoming = next();
    let mut parsed: Option<R> = None;
    loop {
        let batch = match upcoming {
            Ok(b) => b,
            Err(e) => {
                if let Some(r) = parsed.take() {
                    accept(r)?;
                }
                return Err(e);
            }
        };
        if batch.is_none() && parsed.is_none() {
            return Ok(());
        }
        let previous = parsed.take();
        let fetch_more = batch.is_some();
        let mut new_parsed = None;
        let mut accepted = Ok(());
        let mut read_ahead = Ok(None);
        rayon::in_place_scope(|scope| {
            scope.spawn(|_| {
                let (p, a) = rayon::join(
                    || batch.map(&parse),
                    || previous.map_or(Ok(()), &mut accept),
                );
                new_parsed = p;
                accepted = a;
            });
            if fetch_more {
                read_ahead = next();
            }
        });
        accepted?;
        parsed = new_parsed;
        upcoming = read_ahead;
    }
}

impl Reader<'_> {
    fn read_input<T, M, S>(&mut self, k: u32, input: &Path, map: &M, sink: &mut S) -> Result<()>
    where
        T: Send,
        M: Fn(&Document) -> T + Sync,
        S: FnMut(Document, Location, T) -> Result<()> + Send,
    {
        if is_jsonl(input) {
            return self.read_jsonl(k, input, map, sink);
        }
        if let Some(delimiter) = csv_delimiter(input) {
            return self.read_csv(k, input, delimiter, map, sink);
        }
        let meta = std::fs::metadata(input).map_err(|source| Error::Read {
            path: input.to_path_buf(),
            source,
        })?;
        let mut walker = if meta.is_dir() {
            Some(walkdir::WalkDir::new(input).sort_by_file_name().into_iter())
        } else {
            None
        };
        let mut single =
            (!meta.is_dir()).then(|| (input.to_path_buf(), input.to_string_lossy().into_owned()));
        // Whether the walk found a text file, and the first file it passed over.
        let mut found = false;
        let mut other: Option<PathBuf> = None;
        // The files passed over that are not hidden, counted and named as warnings are (the
        // reading borrows `self` meanwhile): they count when text files were found.
        let mut passed_over = Warnings::default();
        let next = || -> Result<Option<Vec<(PathBuf, String)>>> {
            let mut batch = Vec::new();
            if let Some(one) = single.take() {
                batch.push(one);
            }
            let Some(walker) = walker.as_mut() else {
                return Ok((!batch.is_empty()).then_some(batch));
            };
            for entry in walker.by_ref() {
                let entry = entry.map_err(|e| {
                    let path = e.path().unwrap_or(input).to_path_buf();
                    let source = e
                        .into_io_error()
                        .unwrap_or_else(|| std::io::Error::other("filesystem loop"));
                    Error::Read { path, source }
                })?;
                let path = entry.path();
                let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
                if !entry.file_type().is_file() {
                    continue;
                }
                if !TEXT_EXTENSIONS.iter().any(|t| ext.eq_ignore_ascii_case(t)) {
                    if other.is_none() {
                        other = Some(path.to_path_buf());
                    }
                    let hidden = entry.file_name().to_string_lossy().starts_with('.');
                    if !hidden {
                        passed_over.other_files += 1;
                        passed_over.note(format!(
                            "{}: not a .txt, .md or .html file, skipped (name a .jsonl, .csv or .tsv archive itself)",
                            path.display()
                        ));
                    }
                    continue;
                }
                found = true;
                let rel = path.strip_prefix(input).unwrap_or(path);
                let id = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                batch.push((path.to_path_buf(), id));
                if batch.len() == BATCH_FILES {
                    break;
                }
            }
            Ok((!batch.is_empty()).then_some(batch))
        };
        let max = self.options.max_document_bytes;
        let parse = |files: Vec<(PathBuf, String)>| -> Vec<(PathBuf, Result<Parsed>, Option<T>)> {
            files
                .into_par_iter()
                .map(|(path, id)| {
                    let p = parse_text_file(&path, id, max);
                    let t = match &p {
                        Ok(Parsed::Doc(d, _)) if has_word(&d.text) => Some(map(d)),
                        _ => None,
                    };
                    (path, p, t)
                })
                .collect()
        };
        pipeline(next, parse, |parsed| {
            for (path, p, t) in parsed {
                self.accept(p?, Location::File(path), None, t, sink)?;
            }
            Ok(())
        })?;
        if found {
            self.warnings.other_files += passed_over.other_files;
            for m in passed_over.messages {
                self.warnings.note(m);
            }
        }
        if meta.is_dir() && !found {
            // Scanning nothing is never what was meant: say what the directory holds instead.
            let holds = match other {
                Some(p) => format!(
                    "only other files, such as {}",
                    p.strip_prefix(input).unwrap_or(&p).display()
                ),
                None => "no files".to_owned(),
            };
            let msg = format!(
                "no .txt, .md or .html files in this directory ({holds}); name JSON Lines files (.jsonl, .ndjson) directly"
            );
            return Err(Error::Read {
                path: input.to_path_buf(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, msg),
            });
        }
        Ok(())
    }

    fn read_jsonl<T, M, S>(&mut self, k: u32, path: &Path, map: &M, sink: &mut S) -> Result<()>
    where
        T: Send,
        M: Fn(&Document) -> T + Sync,
        S: FnMut(Document, Location, T) -> Result<()> + Send,
    {
        let name = path.display().to_string();
        let read_err = |source| Error::Read {
            path: path.to_path_buf(),
            source,
        };
        let raw: Box<dyn Read> = if name == "-" {
            Box::new(std::io::stdin().lock())
        } else {
            Box::new(File::open(path).map_err(read_err)?)
        };
        // Only a regular file can be read again at an offset; a pipe (`-`, a named pipe) or a
        // gzip stream is spooled by the caller instead.
        let seekable = name != "-"
            && !name.ends_with(".gz")
            && std::fs::metadata(path).is_ok_and(|m| m.is_file());
        let raw: Box<dyn Read> = if name.ends_with(".gz") {
            Box::new(flate2::read::MultiGzDecoder::new(raw))
        } else {
            raw
        };
        let mut lines = BufReader::with_capacity(1 << 20, raw);
        let mut line_no = 0u64;
        let mut offset = 0u64;
        let next = || -> Result<Option<LineBatch>> {
            let mut buf: Vec<u8> = Vec::with_capacity(BATCH_BYTES + (64 << 10));
            let mut refs: Vec<LineRef> = Vec::new();
            loop {
                let start = buf.len();
                let n = lines.read_until(b'\n', &mut buf).map_err(read_err)?;
                if n == 0 {
                    return Ok((!refs.is_empty()).then_some(LineBatch { buf, refs }));
                }
                line_no += 1;
                if buf[start..].iter().all(u8::is_ascii_whitespace) {
                    buf.truncate(start);
                } else {
                    let mut end = buf.len();
                    while end > start && matches!(buf[end - 1], b'\n' | b'\r') {
                        end -= 1;
                    }
                    refs.push(LineRef {
                        line_no,
                        offset,
                        start,
                        end,
                    });
                }
                offset += n as u64;
                if buf.len() >= BATCH_BYTES {
                    return Ok(Some(LineBatch { buf, refs }));
                }
            }
        };
        let max = self.options.max_document_bytes;
        let fields = self.options.fields()?;
        let parse = |batch: LineBatch| -> (Vec<LineRef>, Vec<(Parsed, Option<T>)>) {
            let parsed = batch
                .refs
                .par_iter()
                .map(|r| {
                    let origin = format!("{name}:{}", r.line_no);
                    let p = parse_line(&batch.buf[r.start..r.end], fields, max, &origin);
                    let t = match &p {
                        Parsed::Doc(d, _) if has_word(&d.text) => Some(map(d)),
                        _ => None,
                    };
                    (p, t)
                })
                .collect();
            (batch.refs, parsed)
        };
        pipeline(next, parse, |(refs, parsed)| {
            for (r, (p, t)) in refs.iter().zip(parsed) {
                let location = if seekable {
                    Location::JsonLine {
                        input: k,
                        offset: r.offset,
                        len: (r.end - r.start) as u32,
                    }
                } else {
                    Location::Stream
                };
                self.accept_line(k, path, r.line_no, p, location, t, sink)?;
            }
            Ok(())
        })
    }

    /// Reads a CSV (or, with a tab `delimiter`, TSV) file, optionally gzipped: a header row
    /// names the columns, and each further row is a document, its id and text in the columns
    /// [`ReadOptions::id_field`] and [`ReadOptions::text_field`] name (`outlet`, `date`, `url`
    /// and `title` are carried through when there are such columns). Fields are quoted as
    /// RFC 4180 says, so a text can hold the delimiter, quotes and line breaks.
    fn read_csv<T, M, S>(
        &mut self,
        k: u32,
        path: &Path,
        delimiter: u8,
        map: &M,
        sink: &mut S,
    ) -> Result<()>
    where
        T: Send,
        M: Fn(&Document) -> T + Sync,
        S: FnMut(Document, Location, T) -> Result<()> + Send,
    {
        let name = path.display().to_string();
        let read_err = |source| Error::Read {
            path: path.to_path_buf(),
            source,
        };
        let gzipped = name.ends_with(".gz");
        let seekable = !gzipped && std::fs::metadata(path).is_ok_and(|m| m.is_file());
        let raw: Box<dyn Read> = Box::new(File::open(path).map_err(read_err)?);
        let raw: Box<dyn Read> = if gzipped {
            Box::new(flate2::read::MultiGzDecoder::new(raw))
        } else {
            raw
        };
        // The csv crate's line numbers skip blank lines and count `\r\n` oddly, so the lines
        // of a record are counted from where the line breaks are.
        let breaks = std::rc::Rc::new(std::cell::RefCell::new(std::collections::VecDeque::new()));
        let raw = LineBreaks {
            inner: raw,
            at: 0,
            breaks: std::rc::Rc::clone(&breaks),
        };
        let mut lines_before = 0u64;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .buffer_capacity(1 << 20)
            .from_reader(raw);
        let csv_err = |e: csv::Error| match e.into_kind() {
            csv::ErrorKind::Io(source) => read_err(source),
            other => read_err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{other:?}"),
            )),
        };
        let mut header = csv::ByteRecord::new();
        if !reader.read_byte_record(&mut header).map_err(csv_err)? {
            return Ok(());
        }
        let bad_header = |message: String| Error::BadLine {
            path: path.to_path_buf(),
            line: 1,
            message,
        };
        let columns = Columns::of(&header, self.options.fields()?).map_err(bad_header)?;
        let column = u16::try_from(columns.text)
            .map_err(|_| bad_header("the text column is past the 65,536th".to_owned()))?;
        let next = || -> Result<Option<Vec<CsvRow>>> {
            let mut batch = Vec::new();
            let mut bytes = 0usize;
            loop {
                let mut row = csv::ByteRecord::new();
                if !reader.read_byte_record(&mut row).map_err(csv_err)? {
                    return Ok((!batch.is_empty()).then_some(batch));
                }
                let start = row.position().expect("a read record has a position").byte();
                let end = reader.position().byte();
                // The line the record starts on: its last line, less the line breaks inside its
                // fields. Line n ends with the n-th line break.
                let mut ended = false;
                {
                    let mut breaks = breaks.borrow_mut();
                    while let Some(&b) = breaks.front().filter(|&&b| b < end) {
                        breaks.pop_front();
                        lines_before += 1;
                        ended = b + 1 == end;
                    }
                }
                let inside: u64 = row
                    .iter()
                    .map(|f| memchr::memchr_iter(b'\n', f).count() as u64)
                    .sum();
                let line = (lines_before + u64::from(!ended))
                    .saturating_sub(inside)
                    .max(1);
                // A line of its own with nothing on it is no record.
                if row.len() == 1 && row[0].iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                let len = end - start;
                bytes += len as usize;
                batch.push(CsvRow {
                    line,
                    offset: start,
                    len: len.min(u32::MAX as u64) as u32,
                    row,
                });
                if bytes >= BATCH_BYTES {
                    return Ok(Some(batch));
                }
            }
        };
        let max = self.options.max_document_bytes;
        let parse = |batch: Vec<CsvRow>| {
            let parsed: Vec<(Parsed, Option<T>)> = batch
                .par_iter()
                .map(|r| {
                    let origin = format!("{name}:{}", r.line);
                    let p = parse_csv_row(&r.row, &columns, max, &origin);
                    let t = match &p {
                        Parsed::Doc(d, _) if has_word(&d.text) => Some(map(d)),
                        _ => None,
                    };
                    (p, t)
                })
                .collect();
            (batch, parsed)
        };
        pipeline(next, parse, |(batch, parsed)| {
            for (r, (p, t)) in batch.iter().zip(parsed) {
                let location = if seekable {
                    Location::CsvRecord {
                        input: k,
                        offset: r.offset,
                        len: r.len,
                        column,
                        delimiter,
                    }
                } else {
                    Location::Stream
                };
                self.accept_line(k, path, r.line, p, location, t, sink)?;
            }
            Ok(())
        })
    }

    /// Accepts the outcome of one line (a JSON line, a CSV record) of input `k`: a malformed
    /// one is an error naming `path:line`, or a counted warning with `--skip-bad-lines`.
    #[allow(clippy::too_many_arguments)]
    fn accept_line<T, S>(
        &mut self,
        k: u32,
        path: &Path,
        line: u64,
        parsed: Parsed,
        location: Location,
        mapped: Option<T>,
        sink: &mut S,
    ) -> Result<()>
    where
        S: FnMut(Document, Location, T) -> Result<()>,
    {
        if let Parsed::Bad(message) = parsed {
            if !self.options.skip_bad_lines {
                return Err(Error::BadLine {
                    path: path.to_path_buf(),
                    line,
                    message,
                });
            }
            self.warnings.bad_lines += 1;
            let name = &self.names[k as usize];
            self.warnings
                .note(format!("{name}:{line}: {message}, skipped"));
            return Ok(());
        }
        self.accept(parsed, location, Some((k, line)), mapped, sink)
    }

    fn count(&mut self, kind: WarnKind, message: String) {
        let w = &mut self.warnings;
        match kind {
            WarnKind::InvalidUtf8 => w.invalid_utf8 += 1,
            WarnKind::Empty => w.empty += 1,
            WarnKind::Binary => w.binary += 1,
            WarnKind::TooLarge => w.too_large += 1,
            WarnKind::BadDate => w.bad_dates += 1,
        }
        w.note(message);
    }

    fn accept<T, S>(
        &mut self,
        parsed: Parsed,
        location: Location,
        line: Option<(u32, u64)>,
        mapped: Option<T>,
        sink: &mut S,
    ) -> Result<()>
    where
        S: FnMut(Document, Location, T) -> Result<()>,
    {
        let (doc, notes) = match parsed {
            Parsed::Doc(doc, notes) => (doc, notes),
            Parsed::Skipped(kind, message) => {
                self.count(kind, message);
                return Ok(());
            }
            Parsed::Bad(_) => unreachable!("bad lines are handled by the caller"),
        };
        if let Some(first) = self.seen.get(&doc.id) {
            let first = match first {
                FirstSeen::Line { input, line } => {
                    format!("{}:{line}", self.names[*input as usize])
                }
                FirstSeen::File(path) => path.to_string(),
            };
            return Err(Error::DuplicateId {
                id: doc.id,
                first,
                second: doc.origin,
            });
        }
        let first = match line {
            Some((input, line)) => FirstSeen::Line { input, line },
            None => FirstSeen::File(doc.origin.as_str().into()),
        };
        self.seen.insert(doc.id.clone(), first);
        for (kind, message) in notes {
            self.count(kind, message);
        }
        match mapped {
            Some(t) => sink(doc, location, t),
            None => {
                // `map` runs only on documents with words.
                self.count(
                    WarnKind::Empty,
                    format!("{}: empty document, skipped", doc.origin),
                );
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_field_reads_as_the_csv_crate_reads_it() {
        let records: [&[u8]; 9] = [
            b"1,plain text,x\n",
            b"2,\"quoted, with a comma\",x\r\n",
            b"3,\"two\nparagraphs and \"\"marks\"\"\",x\n",
            b"4,,x",
            b"5,last field\n",
            b"6,\"\",\"\"\n",
            b"7\n",
            b"8,\"unclosed\n",
            b"9,caf\xc3\xa9 \xe2\x80\x9cq\xe2\x80\x9d,x\n",
        ];
        for (record, delimiter) in records
            .iter()
            .map(|r| (r.to_vec(), b','))
            .chain([(b"1\tin a TSV\tx\n".to_vec(), b'\t')])
        {
            let mut want = csv::ByteRecord::new();
            csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .delimiter(delimiter)
                .from_reader(&record[..])
                .read_byte_record(&mut want)
                .unwrap();
            for column in 0..4 {
                assert_eq!(
                    csv_field(&record, column, delimiter),
                    want.get(column).map(<[u8]>::to_vec),
                    "{:?} column {column}",
                    String::from_utf8_lossy(&record)
                );
            }
        }
        // The parser kept for the thread follows a change of delimiter.
        assert_eq!(csv_field(b"a;b\n", 1, b';'), Some(b"b".to_vec()));
        assert_eq!(csv_field(b"a;b\n", 1, b','), None);
    }
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
        write(dir.path(), "page.HTML", b"<p>saved page</p>");
        write(dir.path(), "skip.pdf", b"not read");
        let (docs, w) = read_all(&[dir.path().to_path_buf()], &ReadOptions::new()).unwrap();
        let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["a.txt", "b.txt", "page.HTML", "sub/a.md"]);
        // The PDF is passed over, and said so.
        assert_eq!((w.total(), w.other_files), (1, 1));
    }

    #[test]
    fn text_that_is_not_utf8_is_read_in_its_legacy_encoding() {
        let cases: [(&[u8], &str, &str); 4] = [
            // "Le président a déclaré que la réforme…" in Windows-1252.
            (
                b"Le pr\xe9sident a d\xe9clar\xe9 que la r\xe9forme des retraites serait vot\xe9e \
                  avant la fin de l'ann\xe9e.",
                "windows-1252",
                "Le président a déclaré que la réforme",
            ),
            // "Президент России заявил, что…" in Windows-1251.
            (
                b"\xcf\xf0\xe5\xe7\xe8\xe4\xe5\xed\xf2 \xd0\xee\xf1\xf1\xe8\xe8 \
                  \xe7\xe0\xff\xe2\xe8\xeb, \xf7\xf2\xee \xd0\xee\xf1\xf1\xe8\xff \
                  \xed\xe8\xea\xee\xe3\xe4\xe0 \xed\xe5 \xe2\xfb\xe4\xe0\xe5\xf2.",
                "windows-1251",
                "Президент России заявил, что Россия никогда не выдает.",
            ),
            // UTF-8 with one byte cut off a character: read as UTF-8, that byte replaced.
            (
                b"Pr\xc3\xa9sident \xc3\xa9lu, the word cut: \xc3 and then more plain words.",
                "UTF-8",
                "Président élu, the word cut: \u{FFFD} and",
            ),
            // Valid UTF-8 is read as it is.
            ("Président".as_bytes(), "", "Président"),
        ];
        // UTF-16 with its byte-order mark, as Windows saves "Unicode" text: NUL bytes and all.
        for (bom, encoding, unit) in [
            (
                [0xFF, 0xFE],
                "UTF-16LE",
                u16::to_le_bytes as fn(u16) -> [u8; 2],
            ),
            ([0xFE, 0xFF], "UTF-16BE", u16::to_be_bytes),
        ] {
            let mut bytes = bom.to_vec();
            bytes.extend("Président Путин".encode_utf16().flat_map(unit));
            assert_eq!(
                text_of(bytes.clone()).unwrap(),
                ("Président Путин".to_owned(), Some(encoding))
            );
            assert_eq!(decode_file(bytes).0, "Président Путин");
        }
        for (bytes, encoding, starts) in cases {
            let (text, got) = text_of(bytes.to_vec()).unwrap();
            assert_eq!(got.unwrap_or(""), encoding, "{text}");
            assert!(text.starts_with(starts), "{text}");
            // The same bytes give the same text when a document is read again.
            assert_eq!(decode_file(bytes.to_vec()).0, text);
        }
    }

    #[test]
    fn counts_bad_text_files() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "bin.txt", b"abc\0def");
        write(dir.path(), "empty.txt", b"  \n ... \n");
        write(dir.path(), "latin1.txt", b"caf\xe9 au lait");
        // No NUL byte, but every other byte value: an eighth of it is control characters in
        // any encoding it could be read in.
        let noise: Vec<u8> = (0..1020u32).map(|i| (i * 97 % 255 + 1) as u8).collect();
        write(dir.path(), "noise.dat.txt", &noise);
        let (docs, w) = read_all(&[dir.path().to_path_buf()], &ReadOptions::new()).unwrap();
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].text, "café au lait");
        assert_eq!((w.binary, w.empty, w.invalid_utf8), (2, 1, 1));
        assert_eq!(w.messages.len(), 4);
        assert!(w
            .messages
            .iter()
            .any(|m| m.contains("noise.dat.txt: binary file")));
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
    fn other_tools_name_the_id_and_text_fields_otherwise() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "c.jsonl",
            br#"{"doc_id":3,"text":"not this","content":"the article","url":"https://x.example/a","id":"other"}
"#,
        );
        let mut options = ReadOptions::new();
        options.id_field("doc_id").text_field("content");
        let (docs, _) = read_all(std::slice::from_ref(&p), &options).unwrap();
        assert_eq!(docs[0].id, "3");
        assert_eq!(docs[0].text, "the article");
        assert_eq!(docs[0].meta.url.as_deref(), Some("https://x.example/a"));
        // Read again from its place, as a scan does for a candidate pair.
        let location = Location::JsonLine {
            input: 0,
            offset: 0,
            len: std::fs::metadata(&p).unwrap().len() as u32 - 1,
        };
        let again = read_text(std::slice::from_ref(&p), &options, &location).unwrap();
        assert_eq!(again.as_deref(), Some("the article"));

        // With the defaults, the line's own `id` and `text` are read.
        let (docs, _) = read_all(std::slice::from_ref(&p), &ReadOptions::new()).unwrap();
        assert_eq!(
            (docs[0].id.as_str(), docs[0].text.as_str()),
            ("other", "not this")
        );

        // A missing field says which fields the line has; a field given twice, or null, is an
        // error too; and the two names must differ.
        let mut options = ReadOptions::new();
        options.text_field("body");
        let msg = read_all(std::slice::from_ref(&p), &options)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("missing field `body`"), "{msg}");
        assert!(
            msg.contains("`content`, `doc_id`, `id`, `text`, `url`"),
            "{msg}"
        );
        for (line, what) in [
            (
                &br#"{"id":1,"text":"a","text":"b"}"#[..],
                "duplicate field `text`",
            ),
            (br#"{"id":1,"id":2,"text":"a"}"#, "duplicate field `id`"),
            (br#"{"id":1,"text":null}"#, "field `text` is null"),
        ] {
            let p = write(dir.path(), "d.jsonl", line);
            let msg = read_all(&[p], &ReadOptions::new()).unwrap_err().to_string();
            assert!(msg.contains(what), "{msg}");
        }
        options.id_field("body");
        let msg = read_all(&[p], &options).unwrap_err().to_string();
        assert!(msg.contains("two different names"), "{msg}");
    }

    #[test]
    fn csv_and_tsv_with_a_header_row() {
        let dir = tempfile::tempdir().unwrap();
        // A byte order mark, a quoted text holding the delimiter, quotes and a line break, a
        // blank line, metadata columns in any order and one more that is not read.
        let csv = "\u{FEFF}title,id,text,date,extra\n\
                   T,a,\"Said: \"\"no, never\"\"\nand more.\",2018-03-10,x\n\
                   \n\
                   ,7,second text,,y\n";
        let p = write(dir.path(), "c.csv", csv.as_bytes());
        let tsv = write(
            dir.path(),
            "c.tsv",
            b"id\ttext\nt1\ttab separated, with a comma\n",
        );
        let (docs, w) = read_all(&[p.clone(), tsv.clone()], &ReadOptions::new()).unwrap();
        assert_eq!(w.total(), 0);
        let got: Vec<(&str, &str)> = docs
            .iter()
            .map(|d| (d.id.as_str(), d.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("a", "Said: \"no, never\"\nand more."),
                ("7", "second text"),
                ("t1", "tab separated, with a comma")
            ]
        );
        assert_eq!(docs[0].meta.title.as_deref(), Some("T"));
        assert_eq!(docs[0].meta.date.as_deref(), Some("2018-03-10"));
        assert_eq!(
            (docs[1].meta.title.as_deref(), docs[1].origin.as_str()),
            (None, &*format!("{}:5", p.display()))
        );

        // Each text is read again from its place, as a scan does for a candidate pair.
        let mut texts = Vec::new();
        read_inputs_with(
            &[p.clone(), tsv],
            &ReadOptions::new(),
            |_| (),
            |_, location, ()| {
                texts.push(location);
                Ok(())
            },
        )
        .unwrap();
        let inputs = [p.clone(), dir.path().join("c.tsv")];
        let again: Vec<String> = texts
            .iter()
            .map(|l| read_text(&inputs, &ReadOptions::new(), l).unwrap().unwrap())
            .collect();
        assert_eq!(
            again,
            docs.iter().map(|d| d.text.clone()).collect::<Vec<_>>()
        );

        // A row with another number of fields is malformed, named by its line; a header without
        // the text column says which columns it has.
        let ragged = write(dir.path(), "r.csv", b"id,text\n1,one\n2,two,three\n");
        let msg = read_all(std::slice::from_ref(&ragged), &ReadOptions::new())
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("r.csv:3") && msg.contains("3 fields where the header has 2"),
            "{msg}"
        );
        let (docs, w) = read_all(&[ragged], ReadOptions::new().skip_bad_lines(true)).unwrap();
        assert_eq!((docs.len(), w.bad_lines), (1, 1));
        let msg = read_all(&[p], ReadOptions::new().text_field("body"))
            .unwrap_err()
            .to_string();
        assert!(msg.contains("c.csv:1: no `body` column (the header's columns: `title`, `id`, `text`, `date`, `extra`"), "{msg}");
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
