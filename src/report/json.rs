//! JSON and JSON Lines output.
//!
//! * `json`: the whole [`Report`] as one pretty-printed JSON document, with the fields documented
//!   in `docs/json-format.md`.
//! * `jsonl`: one record per line, each an envelope `{"type": T, "data": {...}}` in the style of
//!   ripgrep's JSON printer. `T` is `document` (one per document, in input order), `pair` (in
//!   report order), `cluster`, `passage_cluster`, `coverage`, and finally one `stats`. A
//!   consumer can stream it line by line.

use std::io::{self, Write};

use rayon::prelude::*;
use serde::Serialize;

use super::Report;

/// Records serialized by one parallel task.
const CHUNK: usize = 16;

/// Records serialized per round: a round's bytes wait in memory until they are written, so a
/// round is kept small against the report.
const ROUND: usize = 256;

/// Serializes `items` in parallel, a round at a time, and writes them in order. `render` appends
/// item `i`'s bytes to a buffer. A round is written while the next one is serialized.
fn write_records<W, T, F>(out: &mut W, items: &[T], render: F) -> io::Result<()>
where
    W: Write,
    T: Sync,
    F: Fn(usize, &T, &mut Vec<u8>) -> io::Result<()> + Sync,
{
    let serialize = |r: usize, round: &[T]| {
        round
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(c, chunk)| {
                let mut buf = Vec::new();
                for (k, item) in chunk.iter().enumerate() {
                    render(r * ROUND + c * CHUNK + k, item, &mut buf)?;
                }
                Ok(buf)
            })
            .collect::<io::Result<Vec<Vec<u8>>>>()
    };
    let write = |out: &mut W, bufs: Vec<Vec<u8>>| -> io::Result<()> {
        for buf in bufs {
            out.write_all(&buf)?;
        }
        Ok(())
    };
    let mut ready: Vec<Vec<u8>> = Vec::new();
    for (r, round) in items.chunks(ROUND).enumerate() {
        // The writer stays on this thread (standard output's lock cannot move), and the pool
        // serializes meanwhile.
        let mut next = None;
        let written = rayon::in_place_scope(|s| {
            s.spawn(|_| next = Some(serialize(r, round)));
            write(out, std::mem::take(&mut ready))
        });
        written?;
        ready = next.expect("the scope waits for its task")?;
    }
    write(out, ready)
}

/// serde_json's pretty printer (two spaces an indent), starting `depth` levels deep: the bytes
/// a value has inside a pretty-printed document, written straight into the buffer.
struct PrettyAt {
    indent: usize,
    has_value: bool,
}

impl PrettyAt {
    fn newline<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
        const SPACES: &[u8] = &[b' '; 64];
        w.write_all(b"\n")?;
        let mut n = 2 * self.indent;
        while n > 0 {
            let k = n.min(SPACES.len());
            w.write_all(&SPACES[..k])?;
            n -= k;
        }
        Ok(())
    }

    /// Opens an array or object: one level deeper, nothing in it yet.
    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.indent += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    /// Closes an array or object, on a line of its own unless it is empty.
    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.indent -= 1;
        if self.has_value {
            self.newline(w)?;
        }
        w.write_all(bracket)
    }

    /// Starts an array value or object key: after a comma unless first, on a new line.
    fn item<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.newline(w)
    }
}

impl serde_json::ser::Formatter for PrettyAt {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Appends `value` pretty-printed as serde_json does it `depth` levels deep: its own lines
/// indented by two spaces per level.
fn pretty_at<T: Serialize>(value: &T, depth: usize, buf: &mut Vec<u8>) -> io::Result<()> {
    let formatter = PrettyAt {
        indent: depth,
        has_value: false,
    };
    let mut ser = serde_json::Serializer::with_formatter(buf, formatter);
    value.serialize(&mut ser).map_err(io::Error::from)
}

/// Writes one field of the top-level object, with `items` as a pretty-printed list.
fn list_field<W: Write, T: Serialize + Sync>(
    out: &mut W,
    first: bool,
    name: &str,
    items: &[T],
) -> io::Result<()> {
    write!(out, "{}\n  \"{name}\": ", if first { "" } else { "," })?;
    if items.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    write_records(out, items, |i, item, buf| {
        buf.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
        pretty_at(item, 2, buf)
    })?;
    out.write_all(b"\n  ]")
}

/// Writes `report` as one JSON document followed by a newline: the bytes of
/// `serde_json::to_writer_pretty`, with the lists serialized in parallel.
pub fn write_json<W: Write>(report: &Report, mut out: W) -> io::Result<()> {
    // The fields in the order `Report` declares them, as its derived `Serialize` writes them.
    let Report {
        documents,
        pairs,
        clusters,
        passage_clusters,
        coverage,
        stats,
    } = report;
    out.write_all(b"{")?;
    list_field(&mut out, true, "documents", documents)?;
    list_field(&mut out, false, "pairs", pairs)?;
    list_field(&mut out, false, "clusters", clusters)?;
    list_field(&mut out, false, "passage_clusters", passage_clusters)?;
    list_field(&mut out, false, "coverage", coverage)?;
    out.write_all(b",\n  \"stats\": ")?;
    let mut buf = Vec::new();
    pretty_at(stats, 1, &mut buf)?;
    out.write_all(&buf)?;
    out.write_all(b"\n}\n")
}

#[derive(Serialize)]
struct Envelope<'a, T: Serialize> {
    #[serde(rename = "type")]
    kind: &'a str,
    data: &'a T,
}

fn line<T: Serialize>(buf: &mut Vec<u8>, kind: &str, data: &T) -> io::Result<()> {
    serde_json::to_writer(&mut *buf, &Envelope { kind, data })?;
    buf.push(b'\n');
    Ok(())
}

/// Writes one kind of record as JSON Lines, serialized in parallel.
fn lines<W: Write, T: Serialize + Sync>(out: &mut W, kind: &str, items: &[T]) -> io::Result<()> {
    write_records(out, items, |_, item, buf| line(buf, kind, item))
}

/// Writes `report` as JSON Lines: documents, pairs, clusters, passage clusters, coverage, then
/// stats.
pub fn write_jsonl<W: Write>(report: &Report, mut out: W) -> io::Result<()> {
    lines(&mut out, "document", &report.documents)?;
    lines(&mut out, "pair", &report.pairs)?;
    lines(&mut out, "cluster", &report.clusters)?;
    lines(&mut out, "passage_cluster", &report.passage_clusters)?;
    lines(&mut out, "coverage", &report.coverage)?;
    let mut buf = Vec::new();
    line(&mut buf, "stats", &report.stats)?;
    out.write_all(&buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Cluster, DocumentInfo};

    #[test]
    fn jsonl_envelopes_every_record() {
        let r = Report {
            documents: vec![DocumentInfo {
                id: "a".into(),
                bytes: 3,
                ..Default::default()
            }],
            clusters: vec![Cluster {
                members: vec!["a".into(), "b".into()],
            }],
            ..Default::default()
        };
        let mut buf = Vec::new();
        write_jsonl(&r, &mut buf).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let kinds: Vec<String> = text
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["type"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(kinds, ["document", "cluster", "stats"]);
    }

    /// A report with lists longer than a round, and passages with diffs and speakers.
    fn long_report() -> Report {
        let text = "We will \"never\" extradite our citizens, he said.\n";
        let passage = crate::align::Passage {
            a_start: 3,
            a_end: 3 + text.len(),
            b_start: 0,
            b_end: text.len(),
            a_text: text.into(),
            b_text: text.into(),
            kind: crate::align::PassageKind::Verbatim,
            similarity: 1.0,
            matched: 8,
            inserted: 0,
            deleted: 0,
            substituted: 0,
            quote: true,
            speaker: Some("the minister".into()),
            diff: crate::align::DiffSegment::tile(&[(crate::align::DiffOp::Equal, text, text)]),
        };
        Report {
            documents: (0..ROUND + 7)
                .map(|i| DocumentInfo {
                    id: format!("doc-{i}"),
                    bytes: i as u64,
                    meta: crate::corpus::Metadata {
                        outlet: (i % 3 == 0).then(|| format!("outlet {i}").into()),
                        ..Default::default()
                    },
                })
                .collect(),
            pairs: (0..CHUNK * 2 + 1)
                .map(|i| super::super::Pair {
                    a: format!("doc-{i}"),
                    b: format!("doc-{}", i + 1),
                    jaccard: 0.125,
                    passages: vec![passage.clone(); i % 3],
                    ..Default::default()
                })
                .collect(),
            clusters: vec![Cluster {
                members: vec!["doc-1".into(), "doc-2".into()],
            }],
            ..Default::default()
        }
    }

    #[test]
    fn json_is_what_serde_json_pretty_prints() {
        for r in [Report::default(), long_report()] {
            let mut ours = Vec::new();
            write_json(&r, &mut ours).unwrap();
            let mut theirs = serde_json::to_vec_pretty(&r).unwrap();
            theirs.push(b'\n');
            assert!(ours == theirs, "{}", String::from_utf8_lossy(&ours));
        }
    }

    #[test]
    fn jsonl_lines_come_in_order() {
        let r = long_report();
        let mut buf = Vec::new();
        write_jsonl(&r, &mut buf).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let n = r.documents.len();
        assert_eq!(lines.len(), n + r.pairs.len() + 2);
        for (i, l) in lines[..n].iter().enumerate() {
            assert_eq!(l["data"]["id"], format!("doc-{i}"));
        }
        assert_eq!(lines[n + 1]["data"]["a"], "doc-1");
        assert_eq!(
            lines[n + 2]["data"]["passages"][1]["speaker"],
            "the minister"
        );
        assert_eq!(lines.last().unwrap()["type"], "stats");
    }

    #[test]
    fn json_round_trips() {
        let r = Report::default();
        let mut buf = Vec::new();
        write_json(&r, &mut buf).unwrap();
        let back: Report = serde_json::from_slice(&buf).unwrap();
        assert_eq!(back, r);
    }
}
