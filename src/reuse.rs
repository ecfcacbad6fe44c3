//! Candidates for partial reuse: an inverted index of shared word n-grams with a
//! document-frequency cap.
//!
//! Article-level MinHash misses two articles that share one quote: their Jaccard stays near 0.
//! This stage finds such pairs in near-linear time.
//!
//! 1. Every document contributes its word n-grams (`seed_words`, default 4, hashed as in
//!    [`crate::shingle`]) as 8-byte postings ([`posting`]): the hash's top 8 bits pick one of
//!    [`PARTITIONS`] partitions, and 32 more bits ([`gram_id`]) sit beside the document number.
//! 2. Each partition's postings are sorted on their own (the scan keeps them in
//!    [`crate::spill`] streams until then), so equal n-grams are adjacent. The number of
//!    distinct documents in a run is the n-gram's document frequency (df).
//! 3. An n-gram with `df > max_df` (default 50) is boilerplate or a stock phrase ("share this
//!    article", "the president of the united states") and is dropped: it creates no candidates,
//!    and the aligner will not accept a passage made only of such n-grams. Capping df also caps
//!    the pairs one run can create at `max_df²/2`, so the cost stays linear in the corpus.
//!    The exception is a widely carried quotation: each posting carries a flag saying whether
//!    the n-gram starts inside quotation marks in that document ([`crate::quote`]), and an
//!    n-gram over the cap that most of its documents quote stays rare, its documents paired as
//!    a star (each with the first), which is linear in its df ([`partition_pairs`]). A pair
//!    that needs such n-grams must share as many as a quotation of `--min-words` words has,
//!    so a phrase of speech ("i do not think it is") pairs nobody ([`count_pairs`]).
//! 4. Every remaining run pairs up its documents, one piece of evidence per shared n-gram
//!    ([`partition_pairs`]); the evidence is regrouped by first document
//!    ([`pair_partition`]) and counted ([`count_pairs`]). Pairs sharing at least `min_shared`
//!    (default 3) rare n-grams become candidates. A verbatim 8-word passage shares five 4-grams,
//!    a lightly reworded one usually three or more; two shared 4-grams are most often one
//!    coincidental 5-word run (`docs/passages.md` has the numbers).
//!
//! Why this rather than MinHash + LSH over passage windows: windows multiply the number of
//! signatures by the number of windows per article, and a short quote inside a long window
//! barely moves that window's Jaccard, so recall on 8-word quotes needs very low thresholds. Exact
//! shared n-grams find every verbatim passage of `seed_words + 1` words or more by construction,
//! and the df cap removes exactly the n-grams that make inverted indexes quadratic.

use std::path::PathBuf;

use rayon::prelude::*;

use crate::radix::counting_pass;
use crate::spill::Streams;
use crate::Result;

/// The n-gram hash space is split into this many partitions (by the hash's top 8 bits), so the
/// index can be built and read back one partition at a time (see [`crate::spill`]).
pub const PARTITIONS: usize = 256;

/// Pair evidence is counted in this many partitions (by the first document), so it too can
/// wait in temporary files (see [`count_pairs`]).
pub const PAIR_PARTITIONS: usize = 64;

/// The partition of one piece of pair evidence (packed as `a << 32 | b << 1 | star`, from
/// [`partition_pairs`]).
pub fn pair_partition(packed: u64) -> usize {
    (packed >> 32) as usize % PAIR_PARTITIONS
}

/// One piece of pair evidence, packed: `a << 32 | b << 1 | star`, documents `a < b` below
/// [`MAX_DOCUMENTS`]. `star`: the shared n-gram is a widely quoted one, paired as a star. A
/// pair's pieces sort next to each other, its plain ones first.
fn evidence(a: u64, b: u64, star: bool) -> u64 {
    a << 32 | b << 1 | star as u64
}

/// The identity of an n-gram in the index: the top 40 bits of its 64-bit hash (8 bits pick the
/// partition, 32 are stored in the posting, beside the document). Two different n-grams share
/// an identity with probability 2^-40: among 10^9 distinct n-grams about one in a thousand
/// collides with some other, which can only add a candidate pair (the aligner compares real
/// words) or, more rarely, push an n-gram over the df cap.
pub fn gram_id(hash: u64) -> u64 {
    hash >> 24
}

/// The bit of a posting's document field that says the n-gram stands inside quotation marks
/// in that document ([`crate::quote::quoted_stretches`]).
const QUOTED: u32 = 1 << 31;

/// The most documents the index can hold: a posting's document field keeps its top bit for
/// the quotation flag.
pub const MAX_DOCUMENTS: usize = QUOTED as usize;

/// The partition and the packed posting (`identity << 32 | quoted << 31 | document`) of n-gram
/// `hash` in document `doc` (below [`MAX_DOCUMENTS`]); `quoted` when it stands inside
/// quotation marks there.
pub fn posting(hash: u64, doc: u32, quoted: bool) -> (usize, [u64; 1]) {
    debug_assert!((doc as usize) < MAX_DOCUMENTS);
    let field = doc | if quoted { QUOTED } else { 0 };
    (
        (hash >> 56) as usize,
        [(hash >> 24 & 0xFFFF_FFFF) << 32 | field as u64],
    )
}

/// The result of the index pass.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReuseCandidates {
    /// Document index pairs `(a, b)`, `a < b`, sorted, with the number of rare n-grams shared.
    pub pairs: Vec<(u32, u32, u32)>,
    /// Identities ([`gram_id`]) of the n-grams whose df exceeded the cap, sorted: boilerplate.
    pub common: Vec<u64>,
    /// A bit per slot of a hash of the identities in `common`: most n-grams are rare, and a
    /// clear bit says so without a search.
    filter: Vec<u64>,
}

/// Bits of the filter in front of [`ReuseCandidates::common`]: 2^22 bits, 512 KiB.
const FILTER_BITS: u32 = 22;

impl ReuseCandidates {
    /// Candidates from their parts; builds the lookup filter.
    pub fn new(pairs: Vec<(u32, u32, u32)>, common: Vec<u64>) -> ReuseCandidates {
        let mut filter = Vec::new();
        if !common.is_empty() {
            filter = vec![0u64; 1 << (FILTER_BITS - 6)];
            for &id in &common {
                let slot = filter_slot(id);
                filter[slot >> 6] |= 1 << (slot & 63);
            }
        }
        ReuseCandidates {
            pairs,
            common,
            filter,
        }
    }

    /// True when n-gram `hash` is under the df cap (not boilerplate).
    pub fn is_rare(&self, hash: u64) -> bool {
        let id = gram_id(hash);
        if self.filter.is_empty() {
            return true;
        }
        let slot = filter_slot(id);
        self.filter[slot >> 6] & 1 << (slot & 63) == 0 || self.common.binary_search(&id).is_err()
    }
}

/// The filter slot of an identity: its low bits (identities are hash bits already).
fn filter_slot(id: u64) -> usize {
    (id & ((1 << FILTER_BITS) - 1)) as usize
}

/// One partition of the index: `postings` are its packed postings ([`posting`]), best in
/// document order as the scan appends them (then a radix sort groups them; otherwise a
/// comparison sort). A document's repeats of an n-gram count once. Returns the pairs it
/// contributes, packed as `a << 32 | b` (one entry per shared rare n-gram), and the identities
/// of its common n-grams, sorted.
///
/// An n-gram in more than `max_df` documents is common unless it stands inside quotation marks
/// in most of them: then it is a widely carried quotation, not boilerplate (footers, bylines
/// and stock phrases are not quoted), and stays rare. Its documents are paired as a star, each
/// with the first of them, so that its cost stays linear in its df: the pairs that a quotation
/// carried by thousands of articles brings are thousands, not millions, and the report's
/// passage clusters gather them.
pub fn partition_pairs(
    partition: usize,
    postings: Vec<u64>,
    max_df: usize,
) -> (Vec<u64>, Vec<u64>) {
    // Without a cap of at least one, a lone n-gram is common and must be listed.
    let postings = if max_df >= 1 {
        drop_lone_grams(postings)
    } else {
        postings
    };
    let mut postings = sort_postings(postings);
    postings.dedup();
    let mut pairs = Vec::new();
    let mut common = Vec::new();
    let mut docs: Vec<u64> = Vec::new();
    let mut i = 0;
    while i < postings.len() {
        let key = postings[i] >> 32;
        let mut j = i + 1;
        while j < postings.len() && postings[j] >> 32 == key {
            j += 1;
        }
        let run = &postings[i..j];
        i = j;
        if run.len() == 1 && max_df >= 1 {
            // A lone document: no pair, and under any cap.
            continue;
        }
        let quoted = documents(run, &mut docs);
        if docs.len() <= max_df {
            for (x, &a) in docs.iter().enumerate() {
                for &b in &docs[x + 1..] {
                    pairs.push(evidence(a, b, false));
                }
            }
        } else if 2 * quoted > docs.len() {
            pairs.extend(docs[1..].iter().map(|&b| evidence(docs[0], b, true)));
        } else {
            common.push((partition as u64) << 32 | key);
        }
    }
    (pairs, common)
}

/// The distinct documents of one n-gram's `run` of postings, in increasing order, into `docs`;
/// returns how many of them quote it (a document that repeats the n-gram quotes it if it does
/// so once).
fn documents(run: &[u64], docs: &mut Vec<u64>) -> usize {
    // `document << 1 | quoted`, so that sorting puts a document's entries together.
    docs.clear();
    docs.extend(run.iter().map(|&p| {
        let field = p as u32;
        ((field & !QUOTED) as u64) << 1 | (field >> 31) as u64
    }));
    if docs.windows(2).any(|w| w[0] > w[1]) {
        docs.sort_unstable();
    }
    docs.dedup();
    let quoted = docs.iter().filter(|&&x| x & 1 == 1).count();
    docs.dedup_by_key(|x| *x >> 1);
    for x in docs.iter_mut() {
        *x >>= 1;
    }
    quoted
}

/// Drops the postings of n-grams that occur once in the partition: they pair no documents and
/// are under any cap of one or more, so the result of [`partition_pairs`] is the same without
/// them, and most postings are such (84% of the 10,000-article benchmark archive's; every
/// n-gram of a text that nobody shares is one).
///
/// Two bit sets over a hash of the identity, sized to the partition (about 16 slots a
/// posting, so that they stay in cache): a slot hit once sets `once`, hit again `twice`. A
/// posting whose slot is not in `twice` is alone; a lone posting that shares its slot with
/// another is kept, which costs only sorting it. Keeps the postings' order.
fn drop_lone_grams(mut v: Vec<u64>) -> Vec<u64> {
    if v.len() < 256 {
        return v;
    }
    let bits = (v.len() * 16).next_power_of_two().min(1 << 24);
    let mask = bits - 1;
    let slot = |p: u64| (p >> 32) as usize & mask;
    let mut once = vec![0u64; bits / 64];
    let mut twice = vec![0u64; bits / 64];
    for &p in &v {
        let s = slot(p);
        let (w, b) = (s / 64, 1u64 << (s % 64));
        twice[w] |= once[w] & b;
        once[w] |= b;
    }
    v.retain(|&p| {
        let s = slot(p);
        twice[s / 64] & 1 << (s % 64) != 0
    });
    v
}

/// Groups postings by n-gram identity, in increasing order of identity.
///
/// Postings arrive in document order (the scan appends each document's in turn), so a stable
/// sort on the identity alone does it: a least-significant-digit radix sort on the 32 identity
/// bits, in three passes of 11, 11 and 10 bits (each a counting pass and a scattering pass over
/// a few thousand buckets that stay in cache). On the 10,000-article benchmark archive that is
/// several times faster than a comparison sort of the whole `u64`s. Input not in document
/// order falls back to a comparison sort.
fn sort_postings(mut v: Vec<u64>) -> Vec<u64> {
    let doc = |p: u64| p as u32 & !QUOTED;
    let documents_in_order = v.windows(2).all(|w| doc(w[0]) <= doc(w[1]));
    if v.len() < 256 || !documents_in_order {
        v.sort_unstable();
        return v;
    }
    let mut from = v;
    let mut to = vec![0u64; from.len()];
    for (shift, bits) in [(32u32, 11u32), (43, 11), (54, 10)] {
        let mask = (1u64 << bits) - 1;
        counting_pass(&from, &mut to, 1 << bits, |&x| {
            ((x >> shift) & mask) as usize
        });
        std::mem::swap(&mut from, &mut to);
    }
    from
}

/// Counts packed pair evidence (`a << 32 | b << 1 | star`) and keeps the pairs sharing at least
/// `min_shared` rare n-grams, or, when some of those are widely quoted n-grams paired as a
/// star, at least `min_star` in all. Every entry of one pair must be in `packed`: all
/// partitions' output, or one [`pair_partition`] of it.
///
/// Why a second threshold: the phrases of speech ("i do not think it is", "we are going to")
/// are quoted wherever they occur, so past the df cap they count as widely quoted, and a
/// star pairs the first document that says one with every other. A quotation carried that
/// widely shares a whole run of n-grams (a quotation of `--min-words` words gives `min_words
/// − seed_words + 1`, which is the scan's `min_star`), a phrase of speech only a few.
pub fn count_pairs(
    mut packed: Vec<u64>,
    min_shared: usize,
    min_star: usize,
) -> Vec<(u32, u32, u32)> {
    packed.par_sort_unstable();
    let pair = |p: u64| p >> 1;
    let mut out = Vec::new();
    let mut k = 0;
    while k < packed.len() {
        let mut e = k + 1;
        while e < packed.len() && pair(packed[e]) == pair(packed[k]) {
            e += 1;
        }
        // Plain evidence sorts before star evidence.
        let plain = packed[k..e].partition_point(|&p| p & 1 == 0);
        let all = e - k;
        if plain >= min_shared || (all >= min_shared && all >= min_star) {
            let p = packed[k];
            out.push(((p >> 32) as u32, (p as u32) >> 1, all as u32));
        }
        k = e;
    }
    out
}

/// The whole index pass over postings waiting in `postings` (one stream per partition, filled
/// with [`posting`]): each partition is sorted into pair evidence ([`partition_pairs`]) a few
/// at a time, the evidence waits in streams of its own by first document ([`pair_partition`],
/// up to `budget` bytes in memory, then in temporary files in `temp_dir`), and each is counted
/// ([`count_pairs`]). `done` is called once per partition. Returns the candidates and the bytes
/// the evidence spilled.
pub fn index(
    postings: Streams,
    max_df: usize,
    (min_shared, min_star): (usize, usize),
    budget: usize,
    temp_dir: Option<PathBuf>,
    done: &(dyn Fn() + Sync),
) -> Result<(ReuseCandidates, u64)> {
    let mut evidence = Streams::new("the passage index", PAIR_PARTITIONS, budget, temp_dir);
    let mut common = Vec::new();
    let mut readers = postings.into_readers()?.into_iter().enumerate().peekable();
    let per_round = 2 * rayon::current_num_threads().max(1);
    // Round r's evidence is scattered on this thread while the pool sorts round r + 1.
    let mut ready: Vec<(Vec<u64>, Vec<u64>)> = Vec::new();
    loop {
        let round: Vec<_> = readers.by_ref().take(per_round).collect();
        if round.is_empty() && ready.is_empty() {
            break;
        }
        let (sorted, scattered) = rayon::join(
            || {
                round
                    .into_par_iter()
                    .map(|(p, r)| {
                        let out = partition_pairs(p, r.load()?, max_df);
                        done();
                        Ok(out)
                    })
                    .collect::<Result<Vec<_>>>()
            },
            || -> Result<()> {
                for (pairs, c) in ready.drain(..) {
                    evidence.scatter(pairs.into_iter().map(|e| (pair_partition(e), [e])))?;
                    common.extend(c);
                }
                Ok(())
            },
        );
        scattered?;
        ready = sorted?;
    }
    let spilled = evidence.spilled_bytes();
    let mut pairs: Vec<(u32, u32, u32)> = evidence
        .into_readers()?
        .into_par_iter()
        .map(|r| Ok(count_pairs(r.load()?, min_shared, min_star)))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    pairs.par_sort_unstable();
    Ok((ReuseCandidates::new(pairs, common), spilled))
}

/// Finds document pairs that share at least `min_shared` n-grams each held by at most `max_df`
/// documents. `grams[d]` is document `d`'s n-gram hashes, none of them quoted. The in-memory
/// form of the scan's [`index`] pass.
pub fn candidates(grams: &[Vec<u64>], max_df: usize, min_shared: usize) -> ReuseCandidates {
    let grams: Vec<Vec<(u64, bool)>> = grams
        .iter()
        .map(|g| g.iter().map(|&h| (h, false)).collect())
        .collect();
    candidates_quoted(&grams, max_df, (min_shared, min_shared))
}

/// [`candidates`] for n-grams with their quotation flag: `grams[d]` is document `d`'s n-gram
/// hashes, each with `true` when it stands inside quotation marks there (see
/// [`partition_pairs`]). `min_shared` is the plain and the star threshold ([`count_pairs`]).
pub fn candidates_quoted(
    grams: &[Vec<(u64, bool)>],
    max_df: usize,
    min_shared: (usize, usize),
) -> ReuseCandidates {
    let mut postings = Streams::new("the passage index", PARTITIONS, usize::MAX, None);
    for (d, g) in grams.iter().enumerate() {
        postings
            .scatter(g.iter().map(|&(h, q)| posting(h, d as u32, q)))
            .expect("an unbounded budget never spills");
    }
    index(postings, max_df, min_shared, usize::MAX, None, &|| {})
        .expect("an unbounded budget never spills")
        .0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shingle::mix64;

    /// Realistic 64-bit n-gram hashes: identities differ only in their top 40 bits.
    fn g(k: u64) -> u64 {
        mix64(k)
    }

    #[test]
    fn pairs_need_enough_shared_rare_grams() {
        let grams = vec![
            vec![g(1), g(2), g(3), g(9)],
            vec![g(1), g(2), g(7), g(9)],
            vec![g(3), g(8), g(9)],
            vec![g(5), g(9)],
        ];
        let c = candidates(&grams, 3, 2);
        // 9 is in four documents: over the cap, so common. 0–1 share 1 and 2.
        assert_eq!(c.pairs, vec![(0, 1, 2)]);
        assert_eq!(c.common, vec![gram_id(g(9))]);
        assert!(!c.is_rare(g(9)) && c.is_rare(g(1)));
        let c = candidates(&grams, 3, 1);
        assert_eq!(c.pairs, vec![(0, 1, 2), (0, 2, 1)]);
    }

    #[test]
    fn a_widely_quoted_gram_pairs_as_a_star() {
        // Grams 1 and 2 are in six documents, over the cap of 3. Gram 1 is quoted in four of
        // them (document 5 quotes it once of twice): a widely carried quotation, so each
        // document pairs with the first. Gram 2 is quoted in three of six: boilerplate.
        let grams: Vec<Vec<(u64, bool)>> = (0..6)
            .map(|d| {
                let mut v = vec![(g(1), d >= 2), (g(2), d >= 3)];
                if d == 5 {
                    v.insert(0, (g(1), false));
                }
                v
            })
            .collect();
        let c = candidates_quoted(&grams, 3, (1, 1));
        assert_eq!(c.pairs, (1..6).map(|b| (0, b, 1)).collect::<Vec<_>>());
        assert_eq!(c.common, vec![gram_id(g(2))]);
        assert!(c.is_rare(g(1)) && !c.is_rare(g(2)));
        // Under the cap, quoted or not, every pair.
        assert_eq!(candidates_quoted(&grams, 6, (1, 1)).pairs.len(), 15);
    }

    #[test]
    fn a_pair_through_widely_quoted_grams_needs_a_quotation_of_them() {
        // Documents 0–59 all quote grams 1–3 (a phrase of speech) and 0–19 also grams 10–14 (a
        // quotation): both over the cap of 10. Documents 0 and 60 share two rare grams.
        let mut grams: Vec<Vec<(u64, bool)>> = (0..60)
            .map(|d| {
                let mut v: Vec<(u64, bool)> = (1..=3).map(|k| (g(k), true)).collect();
                if d < 20 {
                    v.extend((10..=14).map(|k| (g(k), true)));
                }
                v
            })
            .collect();
        grams[0].extend([(g(100), false), (g(101), false)]);
        grams.push(vec![(g(100), false), (g(101), false), (g(1), true)]);
        let pairs = |min: (usize, usize)| {
            let c = candidates_quoted(&grams, 10, min);
            c.pairs.iter().map(|&(a, b, _)| (a, b)).collect::<Vec<_>>()
        };
        // Three shared grams make a pair, so the phrase pairs document 0 with every other.
        assert_eq!(pairs((3, 3)).len(), 60);
        // Asking five of a star: only the quotation's documents pair (0 with 1–19), and 0–60,
        // which shares two rare grams and the phrase, is not a pair.
        assert_eq!(pairs((3, 5)), (1..20).map(|b| (0, b)).collect::<Vec<_>>());
        // Plain evidence alone still counts at the plain threshold.
        assert_eq!(pairs((2, 5)).last(), Some(&(0, 60)));
        let c = candidates_quoted(&grams, 10, (3, 5));
        assert_eq!(c.pairs[0], (0, 1, 8));
    }

    #[test]
    fn the_quotation_flag_leaves_the_document_intact() {
        let (p, [v]) = posting(g(3), 12345, true);
        let (q, [w]) = posting(g(3), 12345, false);
        assert_eq!(p, q);
        assert_eq!(v >> 32, w >> 32);
        assert_eq!(v as u32 & !QUOTED, 12345);
        assert_ne!(v, w);
    }

    #[test]
    fn repeats_within_a_document_count_once() {
        let grams = vec![vec![g(4), g(4), g(4), g(6)], vec![g(4), g(6), g(6)]];
        assert_eq!(candidates(&grams, 10, 2).pairs, vec![(0, 1, 2)]);
        assert_eq!(candidates(&grams, 10, 3).pairs, vec![]);
    }

    #[test]
    fn common_identities_come_out_sorted() {
        let grams: Vec<Vec<u64>> = (0..4).map(|_| (0..500).map(g).collect()).collect();
        let c = candidates(&grams, 3, 1);
        assert!(c.pairs.is_empty());
        assert_eq!(c.common.len(), 500);
        assert!(c.common.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn postings_sort_by_identity_then_document() {
        // In document order, as the scan appends them: the radix sort.
        let mut v: Vec<u64> = (0..5000u64)
            .map(|k| ((mix64(k % 1300) >> 32) << 32) | (k / 7))
            .collect();
        let mut want = v.clone();
        want.sort_unstable();
        assert_eq!(sort_postings(v.clone()), want);
        // Out of document order: sorted all the same.
        v.reverse();
        assert_eq!(sort_postings(v), want);
    }

    #[test]
    fn lone_grams_are_dropped_and_nothing_else() {
        // 3,000 n-grams seen once and 200 seen in two to four documents, in document order.
        let mut v = Vec::new();
        for d in 0..1000u64 {
            for k in 0..3 {
                v.push((mix64(1_000_000 + 3 * d + k) >> 32) << 32 | d);
            }
            if d % 5 == 0 {
                v.push((mix64(d % 200) >> 32) << 32 | d);
            }
        }
        let kept = drop_lone_grams(v.clone());
        let count = |p: u64| v.iter().filter(|&&q| q >> 32 == p >> 32).count();
        // Every posting of a shared n-gram stays, in order; most lone ones go.
        let shared: Vec<u64> = v.iter().copied().filter(|&p| count(p) > 1).collect();
        let kept_shared: Vec<u64> = kept.iter().copied().filter(|&p| count(p) > 1).collect();
        assert_eq!(kept_shared, shared);
        assert!(kept.windows(2).all(|w| w[0] as u32 <= w[1] as u32));
        assert!(kept.len() < shared.len() + 300, "{} kept", kept.len());
        // So a partition's pairs and common n-grams are what they are with every posting.
        for max_df in [1, 2, 50] {
            let (mut want, mut common) = (Vec::new(), Vec::new());
            let mut all = v.clone();
            all.sort_unstable();
            all.dedup();
            for run in all.chunk_by(|x, y| x >> 32 == y >> 32) {
                let docs: Vec<u64> = run.iter().map(|&p| p & 0xFFFF_FFFF).collect();
                if docs.len() > max_df {
                    common.push(run[0] >> 32);
                    continue;
                }
                for (x, &a) in docs.iter().enumerate() {
                    for &b in &docs[x + 1..] {
                        want.push(evidence(a, b, false));
                    }
                }
            }
            let (mut got, got_common) = partition_pairs(0, v.clone(), max_df);
            got.sort_unstable();
            want.sort_unstable();
            assert_eq!((got, got_common), (want, common), "max_df {max_df}");
        }
    }

    #[test]
    fn empty_input() {
        assert_eq!(candidates(&[], 10, 1), ReuseCandidates::default());
        assert_eq!(candidates(&[vec![], vec![g(1)]], 10, 1).pairs, vec![]);
    }
}
