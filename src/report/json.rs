//! JSON and JSON Lines output.
//!
//! * `json`: the whole [`Report`] as one pretty-printed JSON document, with the fields documented
//!   in `docs/json-format.md`.
//! * `jsonl`: one record per line, each an envelope `{"type": T, "data": {...}}` in the style of
//!   ripgrep's JSON printer. `T` is `document` (one per document, in input order), `pair` (in
//!   report order), `cluster`, `passage_cluster`, `coverage`, and finally one `stats`. A
//!   consumer can stream it line by line.

use std::io::Write;

use serde::Serialize;

use super::Report;

/// Writes `report` as one JSON document followed by a newline.
pub fn write_json<W: Write>(report: &Report, mut out: W) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut out, report)?;
    out.write_all(b"\n")
}

#[derive(Serialize)]
struct Envelope<'a, T: Serialize> {
    #[serde(rename = "type")]
    kind: &'a str,
    data: &'a T,
}

fn line<W: Write, T: Serialize>(out: &mut W, kind: &str, data: &T) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, &Envelope { kind, data })?;
    out.write_all(b"\n")
}

/// Writes `report` as JSON Lines: documents, pairs, clusters, passage clusters, coverage, then
/// stats.
pub fn write_jsonl<W: Write>(report: &Report, mut out: W) -> std::io::Result<()> {
    for d in &report.documents {
        line(&mut out, "document", d)?;
    }
    for p in &report.pairs {
        line(&mut out, "pair", p)?;
    }
    for c in &report.clusters {
        line(&mut out, "cluster", c)?;
    }
    for c in &report.passage_clusters {
        line(&mut out, "passage_cluster", c)?;
    }
    for c in &report.coverage {
        line(&mut out, "coverage", c)?;
    }
    line(&mut out, "stats", &report.stats)
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

    #[test]
    fn json_round_trips() {
        let r = Report::default();
        let mut buf = Vec::new();
        write_json(&r, &mut buf).unwrap();
        let back: Report = serde_json::from_slice(&buf).unwrap();
        assert_eq!(back, r);
    }
}
