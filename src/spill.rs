//! Bounded memory: append-only streams of `u64` that stay in memory up to a budget and go to
//! temporary files past it.
//!
//! A scan's two large working sets grow with the text, not with the number of articles: the
//! LSH band keys (`bands` values per article) and the passage index (one posting per word
//! n-gram). Both are written once, in document order, and read back whole, one stream at a
//! time. That access pattern needs no general external sort:
//!
//! 1. Values are appended to one of `n` streams (a band, or a partition of the n-gram hash
//!    space), in memory.
//! 2. When the values held in memory pass the budget, every stream's buffer is appended to its
//!    own temporary file (created on first use, deleted when dropped) and the buffers are
//!    emptied. The number of bytes written is counted, so the scan can say that it spilled.
//! 3. A stream is read back as the file's values followed by the buffer's: exactly the order in
//!    which they were appended. Spilling therefore never changes a result, only where the
//!    values wait.
//!
//! Streams are read independently ([`Streams::into_readers`]), so a caller can process several
//! at once; peak memory is then the budget plus the streams being processed.
//!
//! In memory a stream is a list of chunks that are never reallocated (each twice the size of
//! the one before, up to 256 KiB). A growing `Vec` would copy its values at every doubling and
//! free the old block, which the allocator returns to the system and must have zeroed again
//! when it is next used: with hundreds of streams filled one value at a time, that page zeroing
//! was a tenth of a passage scan's time.

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

use crate::{Error, Result};

/// An unnamed temporary file in `dir` (the system's temporary directory when `None`), deleted
/// when closed.
pub fn temp_file(dir: Option<&std::path::Path>) -> std::io::Result<File> {
    match dir {
        Some(d) => tempfile::tempfile_in(d),
        None => tempfile::tempfile(),
    }
}

/// `n` append-only streams of `u64` under one memory budget.
#[derive(Debug)]
pub struct Streams {
    what: &'static str,
    buffers: Vec<Chunks>,
    files: Vec<Option<BufWriter<File>>>,
    budget_values: usize,
    held: usize,
    dir: Option<PathBuf>,
    spilled_bytes: u64,
}

impl Streams {
    /// `n` empty streams that hold at most about `budget_bytes` in memory (at least 64 KiB) and
    /// spill to temporary files in `dir` (the system's temporary directory when `None`).
    /// `what` names the data in error messages.
    pub fn new(what: &'static str, n: usize, budget_bytes: usize, dir: Option<PathBuf>) -> Streams {
        Streams {
            what,
            buffers: (0..n).map(|_| Chunks::default()).collect(),
            files: (0..n).map(|_| None).collect(),
            budget_values: budget_bytes.max(64 << 10) / 8,
            held: 0,
            dir,
            spilled_bytes: 0,
        }
    }

    /// Number of streams.
    pub fn len(&self) -> usize {
        self.buffers.len()
    }

    /// True when there are no streams.
    pub fn is_empty(&self) -> bool {
        self.buffers.is_empty()
    }

    /// Bytes written to temporary files so far.
    pub fn spilled_bytes(&self) -> u64 {
        self.spilled_bytes
    }

    /// Appends `values` to stream `s`; spills every buffer when memory passes the budget.
    pub fn extend(&mut self, s: usize, values: &[u64]) -> Result<()> {
        self.scatter(values.iter().map(|&v| (s, [v])))
    }

    /// Appends each `(stream, values)`; checks the budget once, at the end.
    pub fn scatter<const K: usize, I>(&mut self, items: I) -> Result<()>
    where
        I: IntoIterator<Item = (usize, [u64; K])>,
    {
        for (s, v) in items {
            let buf = &mut self.buffers[s];
            for x in v {
                buf.push(x);
            }
            self.held += K;
        }
        if self.held > self.budget_values {
            self.spill()?;
        }
        Ok(())
    }

    /// Appends one value to stream `s`.
    pub fn push(&mut self, s: usize, value: u64) -> Result<()> {
        self.extend(s, &[value])
    }

    fn spill(&mut self) -> Result<()> {
        for (s, buf) in self.buffers.iter_mut().enumerate() {
            if buf.is_empty() {
                continue;
            }
            if self.files[s].is_none() {
                let f = temp_file(self.dir.as_deref()).map_err(|e| {
                    Error::io(format!("creating a temporary file for {}", self.what), e)
                })?;
                self.files[s] = Some(BufWriter::with_capacity(256 << 10, f));
            }
            let w = self.files[s].as_mut().expect("created above");
            for chunk in buf.slices() {
                // The file is this process's own, read back by it: native byte order.
                let bytes: &[u8] = bytemuck::cast_slice(chunk);
                w.write_all(bytes)
                    .map_err(|e| Error::io(format!("spilling {} to disk", self.what), e))?;
                self.spilled_bytes += bytes.len() as u64;
            }
            // Release the memory: a full buffer is not needed again soon.
            *buf = Chunks::default();
        }
        self.held = 0;
        Ok(())
    }

    /// Splits the streams into independent readers, one per stream, in order.
    pub fn into_readers(self) -> Result<Vec<StreamReader>> {
        let what = self.what;
        self.buffers
            .into_iter()
            .zip(self.files)
            .map(|(buffer, file)| {
                let file = match file {
                    None => None,
                    Some(w) => Some(
                        w.into_inner()
                            .map_err(|e| e.into_error())
                            .map_err(|e| Error::io(format!("spilling {what} to disk"), e))?,
                    ),
                };
                Ok(StreamReader { what, file, buffer })
            })
            .collect()
    }
}

/// One stream, ready to be read back.
#[derive(Debug)]
pub struct StreamReader {
    what: &'static str,
    file: Option<File>,
    buffer: Chunks,
}

impl StreamReader {
    /// Every value of the stream, in the order appended.
    pub fn load(self) -> Result<Vec<u64>> {
        let Some(mut file) = self.file else {
            return Ok(self.buffer.into_vec());
        };
        let err = |e| Error::io(format!("reading {} back from disk", self.what), e);
        let len = file.seek(SeekFrom::End(0)).map_err(err)?;
        file.seek(SeekFrom::Start(0)).map_err(err)?;
        let on_disk = len as usize / 8;
        let mut out = Vec::with_capacity(on_disk + self.buffer.len());
        out.resize(on_disk, 0u64);
        // Straight into the values' memory, in the native byte order they were written in.
        file.read_exact(bytemuck::cast_slice_mut(&mut out[..]))
            .map_err(err)?;
        self.buffer.append_to(&mut out);
        Ok(out)
    }
}

/// A stream's values in memory, in chunks that never move (see the module docs).
#[derive(Debug, Default)]
struct Chunks {
    full: Vec<Vec<u64>>,
    /// The chunk being filled; its capacity is fixed when it is created.
    last: Vec<u64>,
}

impl Chunks {
    /// Values in the first chunk and in the largest.
    const FIRST: usize = 512;
    const LARGEST: usize = 32 << 10;

    #[inline]
    fn push(&mut self, value: u64) {
        if self.last.len() == self.last.capacity() {
            self.grow();
        }
        self.last.push(value);
    }

    #[cold]
    fn grow(&mut self) {
        let cap = (self.last.capacity() * 2).clamp(Self::FIRST, Self::LARGEST);
        let full = std::mem::replace(&mut self.last, Vec::with_capacity(cap));
        if !full.is_empty() {
            self.full.push(full);
        }
    }

    fn len(&self) -> usize {
        self.full.iter().map(Vec::len).sum::<usize>() + self.last.len()
    }

    fn is_empty(&self) -> bool {
        self.full.is_empty() && self.last.is_empty()
    }

    /// The chunks, in order.
    fn slices(&self) -> impl Iterator<Item = &[u64]> {
        self.full
            .iter()
            .map(Vec::as_slice)
            .chain(std::iter::once(self.last.as_slice()))
    }

    /// Appends every value, in order, to `out`.
    fn append_to(&self, out: &mut Vec<u64>) {
        for chunk in self.slices() {
            out.extend_from_slice(chunk);
        }
    }

    /// Every value, in order, in one vector.
    fn into_vec(self) -> Vec<u64> {
        if self.full.is_empty() {
            return self.last;
        }
        let mut out = Vec::with_capacity(self.len());
        self.append_to(&mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill(budget: usize) -> (Vec<Vec<u64>>, u64) {
        let mut s = Streams::new("test values", 3, budget, None);
        for v in 0..100_000u64 {
            s.push((v % 3) as usize, v * 7).unwrap();
        }
        s.extend(1, &[1, 2, 3]).unwrap();
        let spilled = s.spilled_bytes();
        let out = s
            .into_readers()
            .unwrap()
            .into_iter()
            .map(|r| r.load().unwrap())
            .collect();
        (out, spilled)
    }

    #[test]
    fn spilling_keeps_every_value_in_order() {
        let (in_memory, none) = fill(usize::MAX / 2);
        assert_eq!(none, 0);
        let (spilled, bytes) = fill(64 << 10);
        assert!(bytes > 0);
        assert_eq!(in_memory, spilled);
        assert_eq!(spilled[0][..3], [0, 21, 42]);
        assert_eq!(spilled[1][spilled[1].len() - 3..], [1, 2, 3]);
        assert_eq!(spilled.iter().map(Vec::len).sum::<usize>(), 100_003);
    }

    #[test]
    fn a_missing_temporary_directory_is_an_error() {
        let mut s = Streams::new("test values", 1, 0, Some(PathBuf::from("/no/such/dir")));
        let err = (0..20_000)
            .map(|v| s.push(0, v))
            .find_map(|r| r.err())
            .expect("spilling fails");
        assert!(err.to_string().contains("temporary file"), "{err}");
    }
}
