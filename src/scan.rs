//! The scan: the whole pipeline from documents to a [`Report`], in memory bounded by the
//! number of articles, not by their text.
//!
//! 1. **One streaming pass.** Input is read in batches ([`crate::corpus::read_inputs_with`]);
//!    each document is tokenised, shingled and sketched in parallel ([`crate::shingle`],
//!    [`crate::minhash`]) while its text is hot. What is kept per document is small: its id,
//!    metadata and where its text can be read again, plus its `bands` LSH keys and (for
//!    passages) its word n-gram postings, both in [`crate::spill::Streams`] that move to
//!    temporary files past the memory budget. The text itself is dropped (text from standard
//!    input or gzip is written to a temporary spool file, since it cannot be read twice).
//! 2. **Candidates.** Each band's keys are sorted into buckets ([`crate::lsh`]); unless passages
//!    are off, each partition of the n-gram index is sorted into pairs sharing rare n-grams
//!    ([`crate::reuse`]).
//! 3. **Verification and alignment, in blocks.** The candidate pairs are ordered along a
//!    breadth-first walk of the pair graph and taken in blocks of about a thousand new
//!    documents. A block's new texts are read again and prepared in parallel; each pair gets its
//!    exact Jaccard (near-duplicates are those at or above the threshold) and, when it came from
//!    the n-gram index or is a near-duplicate, its passages ([`crate::align`]). A prepared
//!    document is kept while later pairs need it; past half the memory budget, the ones needed
//!    again furthest ahead are dropped (Belady's rule) and read again when their turn comes.
//! 4. Near-duplicate pairs are clustered ([`crate::cluster`]), passages are grouped and coverage
//!    is counted ([`crate::spread`], from the word ranges the aligner found).
//! 5. Everything is sorted: the report is byte-identical whatever the number of threads or the
//!    memory budget.
//!
//! The scan never prints. Long stages report to a [`Progress`] the caller supplies.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use rayon::prelude::*;

use crate::align::{AlignDoc, Aligner, AlignerBuilder, Passage};
use crate::cluster::components;
use crate::corpus::{read_inputs_with, Document, Location, ReadOptions, Warnings};
use crate::lsh::{self, LshParams};
use crate::markup::OffsetMap;
use crate::minhash::{self, MinHasher, Scheme};
use crate::report::{Cluster, DocumentInfo, Pair, Report, StageTime, Stats};
use crate::reuse::{self, ReuseCandidates};
use crate::shingle::{intersection_size, word_shingles, Shingler, Shingling};
use crate::spill::Streams;
use crate::spread::PairWords;
use crate::tokenize::{tokenize, Token};
use crate::{Error, Result};

/// The default of [`ScanBuilder::max_memory`]: 256 MiB.
pub const DEFAULT_MAX_MEMORY: usize = 256 << 20;

/// Receives progress from long stages. Every method has a no-op default.
pub trait Progress: Sync {
    /// A stage starts; `total` is its number of steps, when known.
    fn stage(&self, _name: &str, _total: Option<u64>) {}
    /// `n` more steps of the current stage are done.
    fn advance(&self, _n: u64) {}
    /// `n` more documents were read (during the `reading` stage, whose steps are bytes).
    fn documents(&self, _n: u64) {}
}

/// A [`Progress`] that ignores everything.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}

/// Configures a scan. Every setter's doc ends with its default.
#[derive(Clone, Debug)]
pub struct ScanBuilder {
    shingling: Shingling,
    num_perm: usize,
    sketch: Scheme,
    seed: u64,
    threshold: f64,
    bands_rows: Option<(usize, usize)>,
    max_bucket: usize,
    passages: bool,
    aligner: AlignerBuilder,
    seed_words: usize,
    max_df: usize,
    min_shared: usize,
    read: ReadOptions,
    max_memory: usize,
    temp_dir: Option<PathBuf>,
}

impl Default for ScanBuilder {
    fn default() -> Self {
        ScanBuilder {
            shingling: Shingling::default(),
            num_perm: 128,
            sketch: Scheme::Oph,
            seed: minhash::DEFAULT_SEED,
            threshold: 0.5,
            bands_rows: None,
            max_bucket: 200,
            passages: true,
            aligner: AlignerBuilder::new(),
            seed_words: 4,
            max_df: 50,
            min_shared: 3,
            read: ReadOptions::new(),
            max_memory: DEFAULT_MAX_MEMORY,
            temp_dir: None,
        }
    }
}

impl ScanBuilder {
    /// A builder with every default.
    pub fn new() -> ScanBuilder {
        ScanBuilder::default()
    }

    /// How documents are cut into shingles. Default: `word:5`.
    pub fn shingling(&mut self, s: Shingling) -> &mut Self {
        self.shingling = s;
        self
    }

    /// MinHash permutations. Default: 128.
    pub fn num_perm(&mut self, n: usize) -> &mut Self {
        self.num_perm = n;
        self
    }

    /// How signatures are computed: classic MinHash or one-permutation hashing (see
    /// [`crate::minhash`]). Default: [`Scheme::Oph`], one-permutation hashing.
    pub fn sketch(&mut self, scheme: Scheme) -> &mut Self {
        self.sketch = scheme;
        self
    }

    /// Seed of the MinHash hash family. Default: [`minhash::DEFAULT_SEED`].
    pub fn seed(&mut self, seed: u64) -> &mut Self {
        self.seed = seed;
        self
    }

    /// Exact Jaccard from which two documents are near-duplicates; also picks bands × rows.
    /// Default: 0.5.
    pub fn threshold(&mut self, t: f64) -> &mut Self {
        self.threshold = t;
        self
    }

    /// Fixes bands × rows instead of deriving them from the threshold. Default: derived.
    pub fn bands_rows(&mut self, bands: usize, rows: usize) -> &mut Self {
        self.bands_rows = Some((bands, rows));
        self
    }

    /// LSH buckets with more members are paired as stars (see [`crate::lsh`]). Default: 200.
    pub fn max_bucket(&mut self, n: usize) -> &mut Self {
        self.max_bucket = n;
        self
    }

    /// Whether to find reused passages. Default: `true`.
    pub fn passages(&mut self, yes: bool) -> &mut Self {
        self.passages = yes;
        self
    }

    /// Shortest passage, in words. Default: 8.
    pub fn min_words(&mut self, n: usize) -> &mut Self {
        self.aligner.min_words(n);
        self
    }

    /// Word n-gram length of the passage index. Default: 4.
    pub fn seed_words(&mut self, n: usize) -> &mut Self {
        self.seed_words = n;
        self
    }

    /// N-grams held by more documents are boilerplate, unless most of those documents quote
    /// them (see [`crate::reuse::partition_pairs`]). Default: 50.
    pub fn max_df(&mut self, n: usize) -> &mut Self {
        self.max_df = n;
        self
    }

    /// Rare n-grams two documents must share to be aligned. Default: 3 (see
    /// `docs/passages.md`: 2 aligns five times the pairs, for about one reworded passage in
    /// 500 more).
    pub fn min_shared(&mut self, n: usize) -> &mut Self {
        self.min_shared = n;
        self
    }

    /// How input files are read. Default: [`ReadOptions::default`].
    pub fn read_options(&mut self, r: ReadOptions) -> &mut Self {
        self.read = r;
        self
    }

    /// Memory for the scan's large working sets, in bytes: the LSH band keys, the passage index
    /// and the blocks of text being verified and aligned. Past it they wait in temporary files
    /// (see [`crate::spill`]); results do not change. Per-document records (id, metadata, where
    /// the text is: about 100–200 bytes each) and the report come on top. Default:
    /// [`DEFAULT_MAX_MEMORY`] (256 MiB).
    pub fn max_memory(&mut self, bytes: usize) -> &mut Self {
        self.max_memory = bytes;
        self
    }

    /// Directory for temporary files (spilled working sets, the spool of unseekable input).
    /// Default: the system's temporary directory.
    pub fn temp_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.temp_dir = Some(dir.into());
        self
    }

    /// Checks the settings and builds the scanner.
    pub fn build(&self) -> Result<Scanner> {
        let hasher = MinHasher::with_scheme(self.num_perm, self.seed, self.sketch)?;
        let params = match self.bands_rows {
            Some((b, r)) => LshParams::new(b, r, self.num_perm)?,
            None => LshParams::for_threshold(self.threshold, self.num_perm)?,
        };
        if !(self.threshold > 0.0 && self.threshold <= 1.0) {
            return Err(Error::Config(format!(
                "threshold {}: must be in (0, 1]",
                self.threshold
            )));
        }
        if self.max_bucket < 2 || self.max_df < 2 || self.min_shared == 0 || self.seed_words == 0 {
            return Err(Error::Config(
                "max-bucket and max-df must be at least 2, min-shared and seed words at least 1"
                    .into(),
            ));
        }
        Ok(Scanner {
            cfg: self.clone(),
            hasher,
            params,
            aligner: self.aligner.build()?,
        })
    }
}

/// A configured scan, ready to run on documents.
#[derive(Clone, Debug)]
pub struct Scanner {
    cfg: ScanBuilder,
    hasher: MinHasher,
    params: LshParams,
    aligner: Aligner,
}

/// What the first pass computes for one document, in parallel.
struct Sketch {
    /// The document's key in each LSH band.
    keys: Vec<u64>,
    /// Its word n-gram hashes for the passage index (empty when passages are off), each with
    /// whether it starts inside quotation marks.
    grams: Vec<(u64, bool)>,
}

/// Where the text of a scanned document is.
enum TextRef {
    /// In the input, read again from there.
    Input(Location),
    /// In the spool file: bytes `offset..offset + len`.
    Spool { offset: u64, len: u64 },
    /// In memory (documents handed to [`Scanner::scan_documents`]): the index.
    Memory(usize),
}

/// What the scan keeps of one document after the first pass.
struct Record {
    info: DocumentInfo,
    text: TextRef,
}

/// Everything the first pass keeps.
struct FirstPass {
    records: Vec<Record>,
    /// One copy of each outlet and date value, shared by every record that carries it.
    interned: BTreeSet<Arc<str>>,
    band_keys: Streams,
    postings: Option<Streams>,
    spool: Option<(BufWriter<File>, u64)>,
}

/// Where the texts can be read again after the first pass.
struct Texts<'a> {
    inputs: crate::corpus::Sources<'a>,
    /// How the inputs were read (the text field's name).
    read: &'a ReadOptions,
    spool: Option<File>,
    memory: Vec<String>,
}

/// A document read again and prepared for verification and alignment.
struct Prepared {
    /// The text the detectors read: the document's, or its decoded view when it holds HTML
    /// markup ([`crate::markup`]; kept only when passages are on).
    text: String,
    /// With a decoded view: the document's own text and the map back to it, for reporting.
    source: Option<(String, OffsetMap)>,
    /// The text's units, for alignment (passages on), or its token hashes (passages off).
    align: Option<AlignDoc>,
    hashes: Vec<u64>,
    /// The shingle set (sorted, distinct) and the signature, computed on first use: many
    /// pairs from the n-gram index never need them.
    sets: OnceLock<(Vec<u64>, Vec<u32>)>,
    /// Approximate bytes held, for the cache's budget.
    size: usize,
}

impl Prepared {
    /// The document's own text, and the map from the text read to it when that was a decoded
    /// view.
    fn original(&self) -> (&str, Option<&OffsetMap>) {
        match &self.source {
            Some((text, map)) => (text, Some(map)),
            None => (&self.text, None),
        }
    }
}

/// What verification and alignment found for one pair.
struct Verified {
    x: u32,
    y: u32,
    inter: usize,
    len_x: usize,
    len_y: usize,
    estimate: f64,
    near: bool,
    passages: Vec<Passage>,
    /// Word counts and the passages' word ranges, for coverage.
    words: PairWords,
}

/// Candidate flags: found by LSH, found by the n-gram index.
const FROM_LSH: u8 = 1;
const FROM_INDEX: u8 = 2;

/// Per-thread buffers of the first pass.
#[derive(Default)]
struct Buffers {
    tokens: Vec<Token>,
    hashes: Vec<u64>,
    shingles: Vec<u64>,
    signature: Vec<u32>,
    shingler: Option<Shingler>,
}

thread_local! {
    static BUFFERS: RefCell<Buffers> = RefCell::new(Buffers::default());
}

impl Scanner {
    /// The banding in force.
    pub fn lsh_params(&self) -> LshParams {
        self.params
    }

    /// Reads `inputs` (see [`crate::corpus`]) and scans them, holding only what each document
    /// needs (see the module docs) and reading texts again when pairs need them.
    pub fn scan_paths(&self, inputs: &[PathBuf], progress: &dyn Progress) -> Result<Report> {
        let start = Instant::now();
        let total: u64 = inputs
            .iter()
            .filter_map(|p| std::fs::metadata(p).ok())
            .filter(|m| m.is_file())
            .map(|m| m.len())
            .sum();
        progress.stage("reading", (total > 0).then_some(total));
        let mut pass = self.first_pass();
        let warnings = read_inputs_with(
            inputs,
            &self.cfg.read,
            |d| self.sketch(&d.text),
            |doc, location, sketch| {
                let text = match location {
                    Location::Stream => pass.spool(&doc.text, self.cfg.temp_dir.as_deref())?,
                    l => TextRef::Input(l),
                };
                progress.documents(1);
                progress.advance(match &text {
                    TextRef::Input(Location::JsonLine { len, .. }) => *len as u64 + 1,
                    TextRef::Input(Location::CsvRecord { len, .. }) => *len as u64,
                    _ => doc.text.len() as u64,
                });
                let info = DocumentInfo {
                    bytes: doc.text.len() as u64,
                    id: doc.id,
                    meta: doc.meta,
                };
                pass.add(info, text, sketch)
            },
        )?;
        let spool = match pass.spool.take() {
            None => None,
            Some((w, _)) => Some(
                w.into_inner()
                    .map_err(|e| Error::io("writing the spool file", e.into_error()))?,
            ),
        };
        let texts = Texts {
            inputs: crate::corpus::Sources::new(inputs),
            read: &self.cfg.read,
            spool,
            memory: Vec::new(),
        };
        self.finish(pass, texts, warnings, start, progress)
    }

    /// Scans documents already in memory. `start` is when the work began, for `elapsed_ms`.
    pub fn scan_documents(
        &self,
        docs: Vec<Document>,
        warnings: Warnings,
        start: Instant,
        progress: &dyn Progress,
    ) -> Result<Report> {
        progress.stage("hashing", Some(docs.len() as u64));
        let sketches: Vec<Sketch> = docs
            .par_iter()
            .map(|d| {
                let s = self.sketch(&d.text);
                progress.advance(1);
                s
            })
            .collect();
        let mut pass = self.first_pass();
        let mut memory = Vec::with_capacity(docs.len());
        for (doc, sketch) in docs.into_iter().zip(sketches) {
            let info = DocumentInfo {
                bytes: doc.text.len() as u64,
                id: doc.id,
                meta: doc.meta,
            };
            pass.add(info, TextRef::Memory(memory.len()), sketch)?;
            memory.push(doc.text);
        }
        let texts = Texts {
            inputs: crate::corpus::Sources::new(&[]),
            read: &self.cfg.read,
            spool: None,
            memory,
        };
        self.finish(pass, texts, warnings, start, progress)
    }

    fn first_pass(&self) -> FirstPass {
        let budget = self.cfg.max_memory;
        let dir = self.cfg.temp_dir.clone();
        FirstPass {
            records: Vec::new(),
            interned: BTreeSet::new(),
            band_keys: Streams::new("LSH band keys", self.params.bands, budget / 4, dir.clone()),
            postings: self
                .cfg
                .passages
                .then(|| Streams::new("the passage index", reuse::PARTITIONS, budget / 2, dir)),
            spool: None,
        }
    }

    /// The first pass over one document: band keys and n-gram hashes.
    fn sketch(&self, text: &str) -> Sketch {
        let view = crate::markup::decoded(text);
        let text = &*view;
        BUFFERS.with(|b| {
            let Buffers {
                tokens,
                hashes,
                shingles,
                signature: sig,
                shingler,
            } = &mut *b.borrow_mut();
            tokenize(text, tokens);
            hashes.clear();
            hashes.extend(tokens.iter().map(|t| t.hash));
            shingles.clear();
            match self.cfg.shingling {
                Shingling::Words(k) => word_shingles(hashes, k, shingles),
                Shingling::Chars(_) => shingler
                    .get_or_insert_with(|| Shingler::new(self.cfg.shingling))
                    .shingle_into(text, shingles),
            }
            sig.resize(self.hasher.num_perm(), 0);
            self.hasher.signature_into(shingles, sig);
            let mut keys = Vec::with_capacity(self.params.bands);
            lsh::band_keys_into(sig, self.params, &mut keys);
            let n = self.cfg.seed_words;
            let mut grams = Vec::new();
            if self.cfg.passages && hashes.len() >= n {
                // The shingles are done with: their buffer takes the n-gram hashes.
                shingles.clear();
                word_shingles(hashes, n, shingles);
                grams.extend(shingles.iter().map(|&h| (h, false)));
                // An n-gram is quoted when its first word starts inside a quoted stretch.
                for r in crate::quote::quoted_stretches(text) {
                    let from = tokens.partition_point(|t| t.start < r.start);
                    let to = tokens.partition_point(|t| t.start < r.end).min(grams.len());
                    for g in grams.iter_mut().take(to).skip(from) {
                        g.1 = true;
                    }
                }
            }
            Sketch { keys, grams }
        })
    }

    /// A text read again, tokenised for verification and, with passages, alignment.
    fn prepare(&self, text: String) -> Prepared {
        let (text, source) = match crate::markup::decode(&text) {
            Some((view, map)) => (view, self.cfg.passages.then_some((text, map))),
            None => (text, None),
        };
        let (align, hashes) = if self.cfg.passages {
            (Some(AlignDoc::new(&text)), Vec::new())
        } else {
            let mut tokens = Vec::new();
            tokenize(&text, &mut tokens);
            (None, tokens.iter().map(|t| t.hash).collect())
        };
        let text = match (self.cfg.passages, self.cfg.shingling) {
            (true, _) | (false, Shingling::Chars(_)) => text,
            (false, Shingling::Words(_)) => String::new(),
        };
        // What it will hold, roughly: the text; per word its span, hashes, alignment unit and
        // seed n-gram (about 80 bytes a word, 15 a byte of text); the shingle set and
        // signature once computed; with markup, the text as given and its offset map too.
        let size = if self.cfg.passages {
            text.len() * 16
        } else {
            hashes.len() * 24 + text.len()
        } + source
            .as_ref()
            .map_or(0, |(t, map)| t.len() + map.heap_bytes())
            + 1024;
        Prepared {
            text,
            source,
            align,
            hashes,
            sets: OnceLock::new(),
            size,
        }
    }

    /// The shingle set (sorted, distinct) and the signature of a prepared text: exactly what
    /// the first pass computed.
    fn sets<'p>(&self, p: &'p Prepared) -> &'p (Vec<u64>, Vec<u32>) {
        p.sets.get_or_init(|| {
            let mut shingles = Vec::new();
            match self.cfg.shingling {
                Shingling::Words(k) => {
                    let hashes = p.align.as_ref().map_or(&p.hashes[..], |a| a.token_hashes());
                    word_shingles(hashes, k, &mut shingles);
                }
                Shingling::Chars(_) => {
                    Shingler::new(self.cfg.shingling).shingle_into(&p.text, &mut shingles)
                }
            }
            let mut signature = vec![0; self.hasher.num_perm()];
            self.hasher.signature_into(&shingles, &mut signature);
            shingles.sort_unstable();
            shingles.dedup();
            (shingles, signature)
        })
    }

    /// Everything after the first pass: candidates, verification, alignment, the report.
    fn finish(
        &self,
        pass: FirstPass,
        texts: Texts<'_>,
        warnings: Warnings,
        start: Instant,
        progress: &dyn Progress,
    ) -> Result<Report> {
        let FirstPass {
            records,
            band_keys,
            postings,
            ..
        } = pass;
        let n = records.len();
        let bytes = records.iter().map(|r| r.info.bytes).sum();
        let mut spilled = band_keys.spilled_bytes();
        let mut clock = StageClock::new(start);
        clock.lap("reading");

        progress.stage("candidates", Some(self.params.bands as u64));
        let per_band = band_keys
            .into_readers()?
            .into_par_iter()
            .map(|r| {
                let keys = r.load()?;
                let out = lsh::band_pairs(&keys, self.cfg.max_bucket);
                progress.advance(1);
                Ok(out)
            })
            .collect::<Result<Vec<_>>>()?;
        let cands = lsh::merge_pairs(per_band);
        clock.lap("candidates");

        let reuse = match postings {
            None => ReuseCandidates::default(),
            Some(streams) => {
                spilled += streams.spilled_bytes();
                progress.stage("indexing", Some(streams.len() as u64));
                // A pair through widely quoted n-grams shares as many as a quotation of
                // `min_words` words has (see `reuse::count_pairs`).
                let min_star = (self.aligner.min_words() + 1).saturating_sub(self.cfg.seed_words);
                let (r, evidence_spilled) = reuse::index(
                    streams,
                    self.cfg.max_df,
                    (self.cfg.min_shared, min_star),
                    self.cfg.max_memory / 4,
                    self.cfg.temp_dir.clone(),
                    &|| progress.advance(1),
                )?;
                spilled += evidence_spilled;
                clock.lap("indexing");
                r
            }
        };

        // Every pair to look at, with where it came from.
        let mut work: Vec<(u32, u32, u8)> = cands
            .pairs
            .iter()
            .map(|&(a, b)| (a, b, FROM_LSH))
            .chain(reuse.pairs.iter().map(|&(a, b, _)| (a, b, FROM_INDEX)))
            .collect();
        work.sort_unstable();
        work.dedup_by(|later, first| {
            if (later.0, later.1) == (first.0, first.1) {
                first.2 |= later.2;
                true
            } else {
                false
            }
        });
        let verified = self.verify(&records, &texts, &work, &reuse, progress)?;
        // The candidate lists are done with: free them before the report stage, where a large
        // scan's peak is (1.4 million passage candidates at 1M articles).
        let passage_candidates = reuse.pairs.len() as u64;
        drop((work, reuse));
        clock.lap("verifying");

        // Assemble pairs: near-duplicates, and pairs with passages.
        let id = |i: u32| records[i as usize].info.id.as_str();
        let near: Vec<(u32, u32)> = verified
            .iter()
            .filter(|v| v.near)
            .map(|v| (v.x, v.y))
            .collect();
        let ratio = |num: f64, den: f64| if den > 0.0 { num / den } else { 0.0 };
        let mut out_pairs: Vec<(Pair, PairWords)> = verified
            .into_iter()
            .filter(|v| v.near || !v.passages.is_empty())
            .map(|v| {
                let inter = v.inter as f64;
                let union = v.len_x as f64 + v.len_y as f64 - inter;
                let (cx, cy) = (ratio(inter, v.len_x as f64), ratio(inter, v.len_y as f64));
                let (a, b, ca, cb) = if id(v.x) <= id(v.y) {
                    (v.x, v.y, cx, cy)
                } else {
                    (v.y, v.x, cy, cx)
                };
                let pair = Pair {
                    a: id(a).to_owned(),
                    b: id(b).to_owned(),
                    jaccard: round4(ratio(inter, union)),
                    jaccard_estimate: round4(v.estimate),
                    containment_a: round4(ca),
                    containment_b: round4(cb),
                    near_duplicate: v.near,
                    passages: v.passages,
                };
                (pair, v.words)
            })
            .collect();
        out_pairs.sort_by(|(p, _), (q, _)| {
            let words = |p: &Pair| p.passages.iter().map(|x| x.matched).sum::<usize>();
            q.near_duplicate
                .cmp(&p.near_duplicate)
                .then(q.jaccard.total_cmp(&p.jaccard))
                .then(words(q).cmp(&words(p)))
                .then_with(|| p.a.cmp(&q.a))
                .then_with(|| p.b.cmp(&q.b))
        });
        let clusters: Vec<Cluster> = components(n, near.iter().copied())
            .into_iter()
            .map(|c| {
                let mut members: Vec<String> = c.into_iter().map(|i| id(i).to_owned()).collect();
                members.sort();
                Cluster { members }
            })
            .collect();

        let (out_pairs, pair_words): (Vec<Pair>, Vec<PairWords>) = out_pairs.into_iter().unzip();

        // Passage clusters and coverage, from the documents that have passages.
        let meta: crate::spread::MetaIndex = {
            let involved: BTreeSet<&str> = out_pairs
                .iter()
                .filter(|p| !p.passages.is_empty())
                .flat_map(|p| [p.a.as_str(), p.b.as_str()])
                .collect();
            records
                .iter()
                .filter(|r| involved.contains(r.info.id.as_str()))
                .map(|r| (r.info.id.as_str(), &r.info.meta))
                .collect()
        };
        let passage_clusters = crate::spread::passage_clusters(&out_pairs, &meta);
        let coverage = crate::spread::coverage_from_words(&out_pairs, &pair_words, &meta);
        drop(pair_words);
        clock.lap("report");

        let stats = Stats {
            documents: n as u64,
            bytes,
            candidates: cands.pairs.len() as u64,
            passage_candidates,
            pairs: out_pairs.len() as u64,
            near_duplicate_pairs: near.len() as u64,
            passages: out_pairs.iter().map(|p| p.passages.len() as u64).sum(),
            clusters: clusters.len() as u64,
            passage_clusters: passage_clusters.len() as u64,
            elapsed_ms: start.elapsed().as_millis() as u64,
            bands: self.params.bands,
            rows: self.params.rows,
            threshold: self.cfg.threshold,
            shingle: self.cfg.shingling.to_string(),
            num_perm: self.hasher.num_perm(),
            sketch: self.hasher.scheme(),
            oversized_buckets: cands.oversized_buckets,
            max_memory: self.cfg.max_memory as u64,
            spilled_bytes: spilled,
            stage_ms: clock.laps,
            warnings,
        };
        Ok(Report {
            documents: records.into_iter().map(|r| r.info).collect(),
            pairs: out_pairs,
            clusters,
            passage_clusters,
            coverage,
            stats,
        })
    }

    /// Verifies and aligns the candidate pairs `work`, reading each text again about once.
    ///
    /// The pairs are ordered along a breadth-first walk of the pair graph, so a document's
    /// pairs come close together. Pairs are taken in blocks; a block's new documents are read
    /// and prepared in parallel, its pairs verified in parallel, and a prepared document is
    /// kept until its last pair has been seen (or, should the documents kept outgrow the
    /// memory budget, dropped and read again later). The result does not depend on the order.
    fn verify(
        &self,
        records: &[Record],
        texts: &Texts<'_>,
        work: &[(u32, u32, u8)],
        reuse: &ReuseCandidates,
        progress: &dyn Progress,
    ) -> Result<Vec<Verified>> {
        progress.stage("verifying", Some(work.len() as u64));
        let order = walk_order(records.len(), work);
        let uses = Uses::new(records.len(), order.iter().map(|&e| work[e as usize]));
        // New documents per block, and bytes of prepared documents kept at most.
        const BLOCK_DOCS: usize = 1024;
        let budget = (self.cfg.max_memory / 2).max(16 << 20);
        let mut cache: Vec<Option<Arc<Prepared>>> = vec![None; records.len()];
        let mut kept: Vec<u32> = Vec::new();
        let mut pending = bitvec::vec::BitVec::<usize>::repeat(false, records.len());
        let mut held = 0usize;
        let mut out = Vec::new();
        let mut i = 0;
        while i < order.len() {
            let mut new_docs: Vec<u32> = Vec::new();
            let mut j = i;
            while j < order.len() && new_docs.len() + 2 <= BLOCK_DOCS {
                let (x, y, _) = work[order[j] as usize];
                for d in [x, y] {
                    if cache[d as usize].is_none() && !pending[d as usize] {
                        pending.set(d as usize, true);
                        new_docs.push(d);
                    }
                }
                j += 1;
            }
            let prepared: Vec<Prepared> = new_docs
                .par_iter()
                .map(|&d| Ok(self.prepare(texts.read(&records[d as usize])?)))
                .collect::<Result<_>>()?;
            for (&d, p) in new_docs.iter().zip(prepared) {
                pending.set(d as usize, false);
                held += p.size;
                cache[d as usize] = Some(Arc::new(p));
                kept.push(d);
            }
            let block: Vec<Verified> = order[i..j]
                .par_iter()
                .map(|&e| {
                    let (x, y, from) = work[e as usize];
                    let get = |d: u32| cache[d as usize].as_deref().expect("prepared");
                    let v = self.verify_pair(records, reuse, (x, get(x)), (y, get(y)), from);
                    progress.advance(1);
                    v
                })
                .collect();
            out.extend(
                block
                    .into_iter()
                    .filter(|v| v.near || !v.passages.is_empty()),
            );
            // Drop what no later pair needs.
            kept.retain(|&d| {
                let keep = uses.next(d, j).is_some();
                if !keep {
                    if let Some(p) = cache[d as usize].take() {
                        held -= p.size;
                    }
                }
                keep
            });
            // Past the budget, drop the documents needed again furthest ahead (Belady's rule),
            // down to three quarters of the budget.
            if held > budget {
                kept.sort_by_cached_key(|&d| uses.next(d, j));
                while held > budget / 4 * 3 {
                    let Some(d) = kept.pop() else { break };
                    if let Some(p) = cache[d as usize].take() {
                        held -= p.size;
                    }
                }
            }
            i = j;
        }
        Ok(out)
    }

    fn verify_pair(
        &self,
        records: &[Record],
        reuse: &ReuseCandidates,
        (x, px): (u32, &Prepared),
        (y, py): (u32, &Prepared),
        from: u8,
    ) -> Verified {
        let jaccard = |px: &Prepared, py: &Prepared| {
            let (sx, sy) = (self.sets(px), self.sets(py));
            let inter = intersection_size(&sx.0, &sy.0);
            (
                inter,
                sx.0.len(),
                sy.0.len(),
                minhash::estimate(&sx.1, &sy.1),
            )
        };
        let mut near = false;
        let mut sets = None;
        if from & FROM_LSH != 0 {
            let (inter, lx, ly) = {
                let j = jaccard(px, py);
                sets = Some(j);
                (j.0, j.1, j.2)
            };
            let union = lx + ly - inter;
            near = union > 0 && inter as f64 / union as f64 >= self.cfg.threshold;
        }
        let mut passages = Vec::new();
        let mut words = PairWords::default();
        if self.cfg.passages && (near || from & FROM_INDEX != 0) {
            // Align with the lower id on the `a` side, as the report lists it.
            let (pa, pb) = if records[x as usize].info.id <= records[y as usize].info.id {
                (px, py)
            } else {
                (py, px)
            };
            let (aa, ab) = (
                pa.align.as_ref().expect("prepared for alignment"),
                pb.align.as_ref().expect("prepared for alignment"),
            );
            let rare = |h: u64| reuse.is_rare(h);
            passages = self
                .aligner
                .align(&pa.text, aa, &pb.text, ab, self.cfg.seed_words, &rare);
            passages.sort_by_key(|p| (p.a_start, p.b_start));
            words = PairWords {
                a_words: aa.words(),
                b_words: ab.words(),
                ranges: passages
                    .iter()
                    .map(|p| {
                        (
                            aa.word_range(p.a_start, p.a_end),
                            ab.word_range(p.b_start, p.b_end),
                        )
                    })
                    .collect(),
            };
            // Back onto the texts as given (a text without markup is its own view).
            let ((a, a_map), (b, b_map)) = (pa.original(), pb.original());
            passages = passages
                .into_iter()
                .map(|p| p.to_source(a, a_map, b, b_map))
                .collect();
        }
        let (inter, len_x, len_y, estimate) = match sets {
            Some(s) => s,
            None if near || !passages.is_empty() => jaccard(px, py),
            None => (0, 0, 0, 0.0),
        };
        Verified {
            x,
            y,
            inter,
            len_x,
            len_y,
            estimate,
            near,
            passages,
            words,
        }
    }
}

/// A list of `u32` per document, all in one array (compressed sparse rows).
struct PerDocument {
    start: Vec<u32>,
    items: Vec<u32>,
}

impl PerDocument {
    /// The lists of `n` documents from `(document, item)` entries; each list keeps its entries'
    /// order. `entries` is walked twice: to count, then to fill.
    fn new(n: usize, entries: impl Iterator<Item = (u32, u32)> + Clone) -> PerDocument {
        let mut start = vec![0u32; n + 1];
        for (d, _) in entries.clone() {
            start[d as usize + 1] += 1;
        }
        for d in 0..n {
            start[d + 1] += start[d];
        }
        let mut fill = start.clone();
        let mut items = vec![0u32; start[n] as usize];
        for (d, item) in entries {
            items[fill[d as usize] as usize] = item;
            fill[d as usize] += 1;
        }
        PerDocument { start, items }
    }

    /// Document `d`'s list.
    fn of(&self, d: u32) -> &[u32] {
        &self.items[self.start[d as usize] as usize..self.start[d as usize + 1] as usize]
    }
}

/// Where in the walk each document is needed: the positions of its pairs, in order.
struct Uses(PerDocument);

impl Uses {
    /// The uses of `n` documents by `pairs`, in walk order.
    fn new(n: usize, pairs: impl Iterator<Item = (u32, u32, u8)> + Clone) -> Uses {
        let entries = pairs
            .enumerate()
            .flat_map(|(k, (x, y, _))| [(x, k as u32), (y, k as u32)]);
        Uses(PerDocument::new(n, entries))
    }

    /// The first position at or after `from` where document `d` is needed, if any.
    fn next(&self, d: u32, from: usize) -> Option<u32> {
        let mine = self.0.of(d);
        mine.get(mine.partition_point(|&k| (k as usize) < from))
            .copied()
    }
}

/// The order in which to verify the pairs `work` (indices into it): by the later of their two
/// documents in a breadth-first walk of the pair graph, started from each unvisited document in
/// index order. Documents that share pairs get close ranks, so a document is needed during a
/// short stretch of the walk.
fn walk_order(n: usize, work: &[(u32, u32, u8)]) -> Vec<u32> {
    // The graph as adjacency lists.
    let adj = PerDocument::new(n, work.iter().flat_map(|&(x, y, _)| [(x, y), (y, x)]));
    let mut rank = vec![u32::MAX; n];
    let mut next = 0u32;
    let mut queue = std::collections::VecDeque::new();
    for s in 0..n {
        if rank[s] != u32::MAX || adj.of(s as u32).is_empty() {
            continue;
        }
        rank[s] = next;
        next += 1;
        queue.push_back(s as u32);
        while let Some(d) = queue.pop_front() {
            for &e in adj.of(d) {
                if rank[e as usize] == u32::MAX {
                    rank[e as usize] = next;
                    next += 1;
                    queue.push_back(e);
                }
            }
        }
    }
    let mut order: Vec<u32> = (0..work.len() as u32).collect();
    order.sort_unstable_by_key(|&e| {
        let (x, y, _) = work[e as usize];
        let (rx, ry) = (rank[x as usize], rank[y as usize]);
        (rx.max(ry), rx.min(ry))
    });
    order
}

impl FirstPass {
    /// Keeps what the scan needs of one document.
    fn add(&mut self, mut info: DocumentInfo, text: TextRef, sketch: Sketch) -> Result<()> {
        let d = self.records.len() as u32;
        for v in [&mut info.meta.outlet, &mut info.meta.date]
            .into_iter()
            .flatten()
        {
            match self.interned.get(v) {
                Some(shared) => *v = Arc::clone(shared),
                None => {
                    self.interned.insert(Arc::clone(v));
                }
            }
        }
        self.band_keys
            .scatter(sketch.keys.iter().enumerate().map(|(b, &k)| (b, [k])))?;
        if let Some(postings) = &mut self.postings {
            if d as usize >= reuse::MAX_DOCUMENTS {
                return Err(Error::TooManyDocuments(reuse::MAX_DOCUMENTS));
            }
            postings.scatter(sketch.grams.iter().map(|&(h, q)| reuse::posting(h, d, q)))?;
        }
        self.records.push(Record { info, text });
        Ok(())
    }

    /// Writes a text that cannot be read again from its input to the spool file.
    fn spool(&mut self, text: &str, temp_dir: Option<&std::path::Path>) -> Result<TextRef> {
        if self.spool.is_none() {
            let f = crate::spill::temp_file(temp_dir)
                .map_err(|e| Error::io("creating the spool file for unseekable input", e))?;
            self.spool = Some((BufWriter::with_capacity(1 << 20, f), 0));
        }
        let (w, offset) = self.spool.as_mut().expect("created above");
        w.write_all(text.as_bytes())
            .map_err(|e| Error::io("writing the spool file", e))?;
        let r = TextRef::Spool {
            offset: *offset,
            len: text.len() as u64,
        };
        *offset += text.len() as u64;
        Ok(r)
    }
}

impl Texts<'_> {
    /// The text of a scanned document, read again. Its length must not have changed.
    fn read(&self, record: &Record) -> Result<String> {
        let text = match &record.text {
            TextRef::Memory(k) => self.memory[*k].clone(),
            TextRef::Input(l) => self.inputs.read_text(self.read, l)?.unwrap_or_default(),
            TextRef::Spool { offset, len } => {
                let f = self.spool.as_ref().expect("spooled texts have a spool");
                let mut buf = vec![0; *len as usize];
                crate::corpus::read_exact_at(f, &mut buf, *offset)
                    .map_err(|e| Error::io("reading the spool file", e))?;
                String::from_utf8(buf).map_err(|e| {
                    Error::io(
                        "reading the spool file",
                        std::io::Error::new(std::io::ErrorKind::InvalidData, e),
                    )
                })?
            }
        };
        if text.len() as u64 != record.info.bytes {
            return Err(Error::io(
                format!(
                    "reading document {:?} again: its text changed during the scan",
                    record.info.id
                ),
                std::io::Error::from(std::io::ErrorKind::InvalidData),
            ));
        }
        Ok(text)
    }
}

/// Times the stages of a scan.
struct StageClock {
    last: Instant,
    laps: Vec<StageTime>,
}

impl StageClock {
    fn new(start: Instant) -> StageClock {
        StageClock {
            last: start,
            laps: Vec::new(),
        }
    }

    /// The stage `name` ends now.
    fn lap(&mut self, name: &str) {
        let now = Instant::now();
        self.laps.push(StageTime {
            stage: name.to_owned(),
            ms: (now - self.last).as_millis() as u64,
        });
        self.last = now;
    }
}

fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(texts: &[&str]) -> Vec<Document> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| Document::new(format!("d{i}"), *t))
            .collect()
    }

    #[test]
    fn an_ngram_is_quoted_when_its_first_word_is() {
        let text = "He said \u{201C}we will not go there at all\u{201D} and then left the \
                    room.\n\nA \"second quote opens here and runs on\n\nto a new paragraph.";
        let scanner = ScanBuilder::new().build().unwrap();
        let sketch = scanner.sketch(text);
        let mut tokens = Vec::new();
        tokenize(text, &mut tokens);
        assert_eq!(sketch.grams.len(), tokens.len() - 3);
        let flags: Vec<bool> = sketch.grams.iter().map(|g| g.1).collect();
        let want: Vec<bool> = tokens[..flags.len()]
            .iter()
            .map(|t| crate::quote::inside_quotes(text, t.start))
            .collect();
        assert_eq!(flags, want);
        assert!(flags.contains(&true) && flags.contains(&false));
    }

    fn scan(builder: &ScanBuilder, texts: &[&str]) -> Report {
        builder
            .build()
            .unwrap()
            .scan_documents(
                docs(texts),
                Warnings::default(),
                Instant::now(),
                &NoProgress,
            )
            .unwrap()
    }

    const STORY: &str = "The harbour authority said on Monday that the northern pier would close \
        for repairs until the end of the summer season, and that ferries would use the old \
        terminal instead while engineers replace the rotten timber piles under the deck.";

    #[test]
    fn walk_order_visits_every_pair_once_and_keeps_neighbours_close() {
        // Two components: a path 0-1-2-3 and a pair 4-5, listed out of order.
        let work = [(2, 3, 1), (4, 5, 2), (0, 1, 1), (1, 2, 2)];
        let order = walk_order(6, &work);
        let mut seen = order.clone();
        seen.sort_unstable();
        assert_eq!(seen, [0, 1, 2, 3]);
        // The path comes first (it holds document 0), in walk order, then the pair.
        let pairs: Vec<(u32, u32)> = order
            .iter()
            .map(|&e| (work[e as usize].0, work[e as usize].1))
            .collect();
        assert_eq!(pairs, [(0, 1), (1, 2), (2, 3), (4, 5)]);
        assert_eq!(walk_order(3, &[]), Vec::<u32>::new());
    }

    #[test]
    fn uses_give_each_documents_next_pair() {
        // Walk positions 0..4 of pairs (0,1) (1,2) (0,2) (3,4).
        let pairs = [(0, 1, 1), (1, 2, 1), (0, 2, 2), (3, 4, 2)];
        let uses = Uses::new(6, pairs.iter().copied());
        assert_eq!(uses.next(0, 0), Some(0));
        assert_eq!(uses.next(0, 1), Some(2));
        assert_eq!(uses.next(1, 2), None);
        assert_eq!(uses.next(2, 2), Some(2));
        assert_eq!(uses.next(4, 0), Some(3));
        assert_eq!(uses.next(5, 0), None);
        assert_eq!(uses.next(3, 4), None);
    }

    #[test]
    fn documents_share_one_copy_of_each_outlet_and_date() {
        let mut ds = docs(&["one text here", "another text there", "a third one"]);
        for (d, (outlet, date)) in ds.iter_mut().zip([
            ("Daily", "2020-01-01"),
            ("Weekly", "2020-01-01"),
            ("Daily", "2020-01-02"),
        ]) {
            d.meta.outlet = Some(outlet.into());
            d.meta.date = Some(date.into());
        }
        let r = ScanBuilder::new()
            .build()
            .unwrap()
            .scan_documents(ds, Warnings::default(), Instant::now(), &NoProgress)
            .unwrap();
        let m: Vec<_> = r.documents.iter().map(|d| &d.meta).collect();
        let (o, d) = (
            |i: usize| m[i].outlet.as_ref().unwrap(),
            |i: usize| m[i].date.as_ref().unwrap(),
        );
        assert!(Arc::ptr_eq(o(0), o(2)) && Arc::ptr_eq(d(0), d(1)));
        assert_eq!((&**o(1), &**d(2)), ("Weekly", "2020-01-02"));
    }

    #[test]
    fn near_duplicates_are_verified_exactly() {
        let edited = STORY.replace("Monday", "Tuesday");
        let r = scan(
            ScanBuilder::new().passages(false),
            &[
                STORY,
                &edited,
                "An unrelated note about mountain weather and snow.",
            ],
        );
        assert_eq!(r.pairs.len(), 1);
        let p = &r.pairs[0];
        assert!(
            p.near_duplicate && p.jaccard >= 0.5 && p.jaccard < 1.0,
            "{p:?}"
        );
        assert!(p.passages.is_empty());
        assert_eq!(r.clusters.len(), 1);
        assert_eq!(r.stats.documents, 3);
        assert_eq!(r.stats.spilled_bytes, 0);
    }

    #[test]
    fn a_pair_found_only_through_passages_still_has_its_jaccard() {
        let a = format!("Markets fell sharply in early trading today. {STORY}");
        let b = format!(
            "In other news, the city council approved a new budget for the schools, the parks \
             and the libraries after a long debate that went on past midnight. {STORY} The \
             council will meet again next month to discuss the transport plan and the new \
             cycling lanes along the river, which residents have long asked for."
        );
        let r = scan(&ScanBuilder::new(), &[&a, &b]);
        assert_eq!(r.pairs.len(), 1);
        let p = &r.pairs[0];
        assert!(!p.near_duplicate);
        assert!(p.jaccard > 0.0 && p.jaccard < 0.5, "{p:?}");
        assert_eq!(p.passages.len(), 1);
        assert_eq!(r.coverage.len(), 2);
    }

    #[test]
    fn the_memory_budget_changes_nothing_but_where_values_wait() {
        let archive = crate::synth::ArchiveBuilder::new()
            .articles(300)
            .seed(3)
            .build()
            .collect_archive();
        let refs: Vec<&str> = archive.articles.iter().map(|a| a.text.as_str()).collect();
        let mut roomy = scan(&ScanBuilder::new(), &refs);
        let mut tight = scan(ScanBuilder::new().max_memory(0), &refs);
        assert!(tight.stats.spilled_bytes > 0);
        for r in [&mut roomy, &mut tight] {
            r.stats.elapsed_ms = 0;
            r.stats.stage_ms.clear();
            r.stats.spilled_bytes = 0;
            r.stats.max_memory = 0;
        }
        assert!(!roomy.pairs.is_empty());
        assert_eq!(roomy, tight);
    }
}
