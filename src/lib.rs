//! # reprint
//!
//! Near-duplicate and text-reuse detection for news archives: which outlets copied text from
//! which, at two levels.
//!
//! 1. **Near-duplicate articles** (syndicated or lightly edited copies). Each document becomes a
//!    set of word shingles ([`shingle`]), a MinHash-family signature ([`minhash`]: one-permutation
//!    hashing by default, or classic MinHash) sketches the set,
//!    banding ([`lsh`]) finds candidate pairs without comparing all pairs, exact Jaccard verifies
//!    them, and union-find ([`cluster`]) groups them.
//! 2. **Reused passages** inside otherwise different articles: a quote lifted verbatim or
//!    reworded. An index of rare shared word n-grams ([`reuse`]) finds the pairs, and a
//!    seed-and-extend aligner ([`align`]) finds each passage on both sides, with byte offsets,
//!    a verbatim/reworded label and a word-level diff.
//!
//! Stages pass plain data: [`corpus::Document`] → shingles → signature → candidate pair →
//! [`align::Passage`] → [`report::Report`]. Detectors never print; renderers
//! ([`report::terminal`], [`report::json`], [`report::html`]) never compute.
//!
//! ## Example
//!
//! ```
//! use reprint::{Document, ScanBuilder, NoProgress, Warnings};
//!
//! let quote = "We will be prepared to look at them and talk about it, the president said today.";
//! let docs = vec![
//!     Document::new("a", format!("Moscow officials spoke on Sunday. {quote} Nothing else.")),
//!     Document::new("b", format!("In other news, markets fell sharply. {quote} More later.")),
//! ];
//! let scanner = ScanBuilder::new().build().unwrap();
//! let report = scanner
//!     .scan_documents(docs, Warnings::default(), std::time::Instant::now(), &NoProgress)
//!     .unwrap();
//! assert_eq!(report.pairs.len(), 1);
//! assert_eq!(report.pairs[0].passages[0].kind, reprint::PassageKind::Verbatim);
//! ```
//!
//! ## Which knobs matter
//!
//! * `threshold` (0.5): exact Jaccard for near-duplicates; bands × rows follow from it.
//! * `shingling` (`word:5`): `char:9` for languages without spaces or OCR'd text.
//! * `min_words` (8): shortest passage. `max_df` (50): n-grams in more documents are boilerplate.

#![deny(missing_docs)]
#![deny(unsafe_code)]

pub mod align;
pub mod cluster;
pub mod corpus;
pub mod error;
pub mod eval;
pub mod lsh;
pub mod markup;
pub mod minhash;
pub mod quality;
pub mod quote;
mod radix;
pub mod report;
pub mod reuse;
pub mod scan;
pub mod shingle;
pub mod spill;
pub mod spread;
pub mod synth;
pub mod tokenize;

pub use align::{AlignDoc, Aligner, AlignerBuilder, DiffOp, DiffSegment, Passage, PassageKind};
pub use corpus::{Document, Metadata, ReadOptions, Warnings};
pub use error::{Error, Result};
pub use lsh::LshParams;
pub use report::{Cluster, DocumentInfo, Pair, Report, StageTime, Stats};
pub use scan::{NoProgress, Progress, ScanBuilder, Scanner};
pub use shingle::Shingling;
pub use spread::{ClusterMember, Coverage, CoverageShare, PassageCluster};
