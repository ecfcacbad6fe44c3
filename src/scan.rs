//! The scan: the whole pipeline from documents to a [`Report`].
//!
//! 1. Shingle every document and compute its MinHash signature ([`crate::shingle`],
//!    [`crate::minhash`]), in parallel.
//! 2. Band the signatures into candidate pairs ([`crate::lsh`]).
//! 3. Verify each candidate with the exact Jaccard of the stored shingle sets; keep those at or
//!    above the threshold. These are the near-duplicate pairs.
//! 4. Cluster them: connected components ([`crate::cluster`]).
//! 5. Unless passages are off: find pairs that share rare word n-grams ([`crate::reuse`]), align
//!    them and every near-duplicate pair ([`crate::align`]), and keep the pairs with passages.
//! 6. Sort everything: the report is byte-identical whatever the number of threads.
//!
//! The scan never prints. Long stages report to a [`Progress`] the caller supplies.

use std::path::PathBuf;
use std::time::Instant;

use rayon::prelude::*;

use crate::align::{AlignDoc, Aligner, AlignerBuilder, Passage};
use crate::cluster::components;
use crate::corpus::{read_inputs, Document, ReadOptions, Warnings};
use crate::lsh::{self, LshParams};
use crate::minhash::{self, MinHasher};
use crate::report::{Cluster, DocumentInfo, Pair, Report, Stats};
use crate::shingle::{intersection_size, word_shingles, Shingler, Shingling};
use crate::tokenize::tokenize;
use crate::{Error, Result};

/// Receives progress from long stages. Every method has a no-op default.
pub trait Progress: Sync {
    /// A stage starts; `total` is its number of steps, when known.
    fn stage(&self, _name: &str, _total: Option<u64>) {}
    /// `n` more steps of the current stage are done.
    fn advance(&self, _n: u64) {}
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
}

impl Default for ScanBuilder {
    fn default() -> Self {
        ScanBuilder {
            shingling: Shingling::default(),
            num_perm: 128,
            seed: minhash::DEFAULT_SEED,
            threshold: 0.5,
            bands_rows: None,
            max_bucket: 200,
            passages: true,
            aligner: AlignerBuilder::new(),
            seed_words: 4,
            max_df: 50,
            min_shared: 2,
            read: ReadOptions::new(),
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

    /// N-grams held by more documents are boilerplate (see [`crate::reuse`]). Default: 50.
    pub fn max_df(&mut self, n: usize) -> &mut Self {
        self.max_df = n;
        self
    }

    /// Rare n-grams two documents must share to be aligned. Default: 2.
    pub fn min_shared(&mut self, n: usize) -> &mut Self {
        self.min_shared = n;
        self
    }

    /// How input files are read. Default: [`ReadOptions::default`].
    pub fn read_options(&mut self, r: ReadOptions) -> &mut Self {
        self.read = r;
        self
    }

    /// Checks the settings and builds the scanner.
    pub fn build(&self) -> Result<Scanner> {
        let hasher = MinHasher::new(self.num_perm, self.seed)?;
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

/// Per-document data computed in the first pass.
struct Sketch {
    shingles: Vec<u64>,
    /// Word n-grams for the passage index (empty when passages are off).
    grams: Vec<u64>,
}

impl Scanner {
    /// The banding in force.
    pub fn lsh_params(&self) -> LshParams {
        self.params
    }

    /// Reads `inputs` (see [`crate::corpus`]) and scans them.
    pub fn scan_paths(&self, inputs: &[PathBuf], progress: &dyn Progress) -> Result<Report> {
        let start = Instant::now();
        progress.stage("reading", None);
        let mut docs = Vec::new();
        let warnings = read_inputs(inputs, &self.cfg.read, |d| {
            docs.push(d);
            progress.advance(1);
            Ok(())
        })?;
        Ok(self.scan_documents(docs, warnings, start, progress))
    }

    /// Scans documents already in memory. `start` is when the work began, for `elapsed_ms`.
    pub fn scan_documents(
        &self,
        docs: Vec<Document>,
        warnings: Warnings,
        start: Instant,
        progress: &dyn Progress,
    ) -> Report {
        let n = docs.len();
        let num_perm = self.hasher.num_perm();
        progress.stage("hashing", Some(n as u64));
        let sketches: Vec<Sketch> = docs
            .par_iter()
            .map_init(
                || (Shingler::new(self.cfg.shingling), Vec::new(), Vec::new()),
                |(shingler, tokens, hashes), d| {
                    let s = self.sketch(shingler, tokens, hashes, &d.text);
                    progress.advance(1);
                    s
                },
            )
            .collect();
        let mut signatures = vec![0u32; n * num_perm];
        signatures
            .par_chunks_mut(num_perm.max(1))
            .zip(&sketches)
            .for_each(|(sig, s)| self.hasher.signature_into(&s.shingles, sig));

        progress.stage("candidates", None);
        let cands = lsh::candidates(&signatures, num_perm, self.params, self.cfg.max_bucket);
        let threshold = self.cfg.threshold;
        let near: Vec<(u32, u32)> = cands
            .pairs
            .par_iter()
            .copied()
            .filter(|&(a, b)| {
                let (sa, sb) = (
                    &sketches[a as usize].shingles,
                    &sketches[b as usize].shingles,
                );
                let inter = intersection_size(sa, sb);
                let union = sa.len() + sb.len() - inter;
                union > 0 && inter as f64 / union as f64 >= threshold
            })
            .collect();
        let clusters = components(n, near.iter().copied());

        let mut passage_candidates = 0;
        let mut passages: Vec<((u32, u32), Vec<Passage>)> = Vec::new();
        if self.cfg.passages {
            let grams: Vec<Vec<u64>> = sketches.iter().map(|s| s.grams.clone()).collect();
            let reuse = crate::reuse::candidates(&grams, self.cfg.max_df, self.cfg.min_shared);
            drop(grams);
            passage_candidates = reuse.pairs.len() as u64;
            let mut to_align: Vec<(u32, u32)> = reuse
                .pairs
                .iter()
                .map(|&(a, b, _)| (a, b))
                .chain(near.iter().copied())
                .collect();
            to_align.sort_unstable();
            to_align.dedup();
            passages = self.align_pairs(&docs, &to_align, &reuse, progress);
        }

        // Assemble pairs: near-duplicates, and pairs with passages.
        let mut pairs: std::collections::BTreeMap<(u32, u32), Vec<Passage>> =
            near.iter().map(|&p| (p, Vec::new())).collect();
        for (p, ps) in passages {
            if !ps.is_empty() || pairs.contains_key(&p) {
                pairs.insert(p, ps);
            }
        }
        let near_set: std::collections::BTreeSet<(u32, u32)> = near.iter().copied().collect();
        let mut out_pairs: Vec<Pair> = pairs
            .into_iter()
            .map(|((x, y), ps)| {
                let (sx, sy) = (
                    &sketches[x as usize].shingles,
                    &sketches[y as usize].shingles,
                );
                let inter = intersection_size(sx, sy) as f64;
                let union = sx.len() as f64 + sy.len() as f64 - inter;
                let ratio = |num: f64, den: f64| if den > 0.0 { num / den } else { 0.0 };
                let est = minhash::estimate(
                    &signatures[x as usize * num_perm..(x as usize + 1) * num_perm],
                    &signatures[y as usize * num_perm..(y as usize + 1) * num_perm],
                );
                let (cx, cy) = (ratio(inter, sx.len() as f64), ratio(inter, sy.len() as f64));
                let (a, b, ca, cb) = if docs[x as usize].id <= docs[y as usize].id {
                    (x, y, cx, cy)
                } else {
                    (y, x, cy, cx)
                };
                let mut ps = ps;
                ps.sort_by_key(|p| (p.a_start, p.b_start));
                Pair {
                    a: docs[a as usize].id.clone(),
                    b: docs[b as usize].id.clone(),
                    jaccard: round4(ratio(inter, union)),
                    jaccard_estimate: round4(est),
                    containment_a: round4(ca),
                    containment_b: round4(cb),
                    near_duplicate: near_set.contains(&(x, y)),
                    passages: ps,
                }
            })
            .collect();
        out_pairs.sort_by(|p, q| {
            let words = |p: &Pair| p.passages.iter().map(|x| x.matched).sum::<usize>();
            q.near_duplicate
                .cmp(&p.near_duplicate)
                .then(q.jaccard.total_cmp(&p.jaccard))
                .then(words(q).cmp(&words(p)))
                .then_with(|| p.a.cmp(&q.a))
                .then_with(|| p.b.cmp(&q.b))
        });

        let clusters: Vec<Cluster> = clusters
            .into_iter()
            .map(|c| {
                let mut members: Vec<String> =
                    c.into_iter().map(|i| docs[i as usize].id.clone()).collect();
                members.sort();
                Cluster { members }
            })
            .collect();
        let involved: std::collections::BTreeSet<&str> = out_pairs
            .iter()
            .flat_map(|p| [p.a.as_str(), p.b.as_str()])
            .collect();
        let by_id: std::collections::BTreeMap<&str, &Document> = docs
            .iter()
            .filter(|d| involved.contains(d.id.as_str()))
            .map(|d| (d.id.as_str(), d))
            .collect();
        let meta: std::collections::BTreeMap<String, crate::corpus::Metadata> = by_id
            .iter()
            .map(|(id, d)| ((*id).to_owned(), d.meta.clone()))
            .collect();
        let passage_clusters = crate::spread::passage_clusters(&out_pairs, &meta);
        let coverage = crate::spread::coverage(
            &out_pairs,
            |id| by_id.get(id).map(|d| d.text.as_str()),
            &meta,
        );
        drop(by_id);
        let stats = Stats {
            documents: n as u64,
            bytes: docs.iter().map(|d| d.text.len() as u64).sum(),
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
            num_perm,
            oversized_buckets: cands.oversized_buckets,
            warnings,
        };
        let documents = docs
            .into_iter()
            .map(|d| DocumentInfo {
                id: d.id,
                bytes: d.text.len() as u64,
                meta: d.meta,
            })
            .collect();
        Report {
            documents,
            pairs: out_pairs,
            clusters,
            passage_clusters,
            coverage,
            stats,
        }
    }

    fn sketch(
        &self,
        shingler: &mut Shingler,
        tokens: &mut Vec<crate::tokenize::Token>,
        hashes: &mut Vec<u64>,
        text: &str,
    ) -> Sketch {
        let mut shingles = Vec::new();
        let mut grams = Vec::new();
        match self.cfg.shingling {
            Shingling::Words(k) => {
                tokenize(text, tokens);
                hashes.clear();
                hashes.extend(tokens.iter().map(|t| t.hash));
                word_shingles(hashes, k, &mut shingles);
                shingles.sort_unstable();
                shingles.dedup();
                if self.cfg.passages {
                    if k == self.cfg.seed_words {
                        grams = shingles.clone();
                    } else {
                        ngrams(hashes, self.cfg.seed_words, &mut grams);
                    }
                }
            }
            Shingling::Chars(_) => {
                shingler.shingle_into(text, &mut shingles);
                if self.cfg.passages {
                    tokenize(text, tokens);
                    hashes.clear();
                    hashes.extend(tokens.iter().map(|t| t.hash));
                    ngrams(hashes, self.cfg.seed_words, &mut grams);
                }
            }
        }
        Sketch { shingles, grams }
    }

    /// Aligns each pair; returns pairs (as given) with their passages (possibly none), whose `a`
    /// side is the document with the lower id.
    fn align_pairs(
        &self,
        docs: &[Document],
        pairs: &[(u32, u32)],
        reuse: &crate::reuse::ReuseCandidates,
        progress: &dyn Progress,
    ) -> Vec<((u32, u32), Vec<Passage>)> {
        let mut involved = bitvec::vec::BitVec::<usize>::repeat(false, docs.len());
        for &(a, b) in pairs {
            involved.set(a as usize, true);
            involved.set(b as usize, true);
        }
        let prepared: Vec<Option<AlignDoc>> = docs
            .par_iter()
            .enumerate()
            .map(|(i, d)| involved[i].then(|| AlignDoc::new(&d.text)))
            .collect();
        progress.stage("aligning", Some(pairs.len() as u64));
        let rare = |h: u64| reuse.is_rare(h);
        pairs
            .par_iter()
            .map(|&(x, y)| {
                // Align with the lower id on the `a` side, as the report lists it.
                let (a, b) = if docs[x as usize].id <= docs[y as usize].id {
                    (x, y)
                } else {
                    (y, x)
                };
                let (da, db) = (&docs[a as usize], &docs[b as usize]);
                let pa = prepared[a as usize].as_ref().expect("prepared");
                let pb = prepared[b as usize].as_ref().expect("prepared");
                let ps = self
                    .aligner
                    .align(&da.text, pa, &db.text, pb, self.cfg.seed_words, &rare);
                progress.advance(1);
                ((x, y), ps)
            })
            .collect()
    }
}

/// Appends the sorted, de-duplicated word `n`-gram hashes of `hashes` to `out`.
fn ngrams(hashes: &[u64], n: usize, out: &mut Vec<u64>) {
    out.clear();
    if hashes.len() >= n {
        out.extend(hashes.windows(n).map(crate::shingle::combine));
    }
    out.sort_unstable();
    out.dedup();
}

fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}
