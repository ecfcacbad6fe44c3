//! The report: plain data produced by a scan, and the renderers that print it.
//!
//! A [`Report`] is what every output format shows. Renderers ([`terminal`], [`json`], [`html`])
//! only format it: they never compute. Each is generic over [`std::io::Write`], so tests render into a
//! `Vec<u8>`.

use serde::{Deserialize, Serialize};

use crate::align::Passage;
use crate::corpus::{Metadata, Warnings};
use crate::spread::{Coverage, PassageCluster};

pub mod html;
pub mod json;
pub mod terminal;

/// Everything a scan found.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Every document read, in input order.
    pub documents: Vec<DocumentInfo>,
    /// Pairs of documents that are near-duplicates or share passages.
    pub pairs: Vec<Pair>,
    /// Near-duplicate clusters: connected components of the near-duplicate pairs.
    pub clusters: Vec<Cluster>,
    /// Pieces of text carried by several documents, most widely carried first.
    #[serde(default)]
    pub passage_clusters: Vec<PassageCluster>,
    /// Per document with reused text: the share of its words found in other documents.
    #[serde(default)]
    pub coverage: Vec<Coverage>,
    /// Counts, settings and timing.
    pub stats: Stats,
}

/// A document as listed in the report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentInfo {
    /// The document's id.
    pub id: String,
    /// Size of its text in bytes.
    pub bytes: u64,
    /// Outlet, date, URL and title when the input had them.
    #[serde(flatten)]
    pub meta: Metadata,
}

/// Two documents and how much they share.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Pair {
    /// The id that sorts first.
    pub a: String,
    /// The id that sorts second.
    pub b: String,
    /// Exact Jaccard similarity of the two shingle sets.
    pub jaccard: f64,
    /// The MinHash estimate of the same.
    pub jaccard_estimate: f64,
    /// Share of `a`'s shingles that are also in `b`.
    pub containment_a: f64,
    /// Share of `b`'s shingles that are also in `a`.
    pub containment_b: f64,
    /// True when `jaccard` reaches the scan's threshold: the articles are near-duplicates.
    pub near_duplicate: bool,
    /// Reused passages, in order of their position in `a`.
    #[serde(default)]
    pub passages: Vec<Passage>,
}

/// A group of near-duplicate documents.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cluster {
    /// Member ids, sorted.
    pub members: Vec<String>,
}

/// How long one stage of a scan took.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageTime {
    /// The stage: `reading` (the first pass: parsing, tokenising, MinHash), `candidates` (LSH),
    /// `indexing` (the passage index), `verifying` (exact Jaccard and alignment), `report`
    /// (clusters, passage clusters and coverage).
    pub stage: String,
    /// Milliseconds.
    pub ms: u64,
}

/// Counts, settings and timing of a scan.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// Documents scanned (after skipping bad ones).
    pub documents: u64,
    /// Bytes of text scanned.
    pub bytes: u64,
    /// Candidate pairs from LSH, before verification.
    pub candidates: u64,
    /// Candidate pairs from the shared-passage index, before alignment.
    pub passage_candidates: u64,
    /// Pairs reported.
    pub pairs: u64,
    /// Near-duplicate pairs among them.
    pub near_duplicate_pairs: u64,
    /// Passages reported.
    pub passages: u64,
    /// Near-duplicate clusters.
    pub clusters: u64,
    /// Passage clusters.
    #[serde(default)]
    pub passage_clusters: u64,
    /// Wall-clock time of the scan in milliseconds, reading included.
    pub elapsed_ms: u64,
    /// LSH bands.
    pub bands: usize,
    /// LSH rows per band.
    pub rows: usize,
    /// Jaccard threshold for near-duplicates.
    pub threshold: f64,
    /// Shingling scheme, e.g. `word:5`.
    pub shingle: String,
    /// MinHash permutations.
    pub num_perm: usize,
    /// How signatures were computed: `minhash` (classic) or `oph` (one-permutation hashing).
    /// Reports written before the field all used classic MinHash, the default then.
    #[serde(default = "classic_minhash")]
    pub sketch: crate::minhash::Scheme,
    /// LSH buckets too large to pair fully, paired as stars instead.
    pub oversized_buckets: u64,
    /// The memory budget for the large working sets, in bytes (`--max-memory`).
    #[serde(default)]
    pub max_memory: u64,
    /// Bytes of working sets written to temporary files because they outgrew the budget.
    #[serde(default)]
    pub spilled_bytes: u64,
    /// Wall-clock time of each stage in milliseconds, in the order they ran.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stage_ms: Vec<StageTime>,
    /// What was skipped or repaired while reading.
    pub warnings: Warnings,
}

/// The noun for `n` things: `one` for exactly one, `many` otherwise.
pub(crate) fn noun<'a>(n: u64, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// The sketch of reports written before [`Stats::sketch`] existed.
fn classic_minhash() -> crate::minhash::Scheme {
    crate::minhash::Scheme::MinHash
}

impl Stats {
    /// The signature's size and scheme in words, as both renderers print it: "128 MinHash
    /// permutations" or "128 one-permutation hashing bins".
    pub fn sketch_summary(&self) -> String {
        match self.sketch {
            crate::minhash::Scheme::Oph => {
                format!("{} one-permutation hashing bins", self.num_perm)
            }
            crate::minhash::Scheme::MinHash => format!("{} MinHash permutations", self.num_perm),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_sketch_is_named_in_words() {
        let mut stats: super::Stats = serde_json::from_value(serde_json::json!({
            "documents": 1, "bytes": 1, "candidates": 0, "passage_candidates": 0, "pairs": 0,
            "near_duplicate_pairs": 0, "passages": 0, "clusters": 0, "elapsed_ms": 0,
            "bands": 26, "rows": 3, "threshold": 0.5, "shingle": "word:5", "num_perm": 128,
            "oversized_buckets": 0, "warnings": {"invalid_utf8": 0, "empty": 0, "binary": 0,
            "too_large": 0, "bad_lines": 0, "bad_dates": 0}
        }))
        .unwrap();
        // A report from before the field: classic MinHash.
        assert_eq!(stats.sketch, crate::minhash::Scheme::MinHash);
        assert_eq!(stats.sketch_summary(), "128 MinHash permutations");
        stats.sketch = crate::minhash::Scheme::Oph;
        assert_eq!(stats.sketch_summary(), "128 one-permutation hashing bins");
    }
}
