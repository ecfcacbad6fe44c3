//! Candidates for partial reuse: an inverted index of shared word n-grams with a
//! document-frequency cap.
//!
//! Article-level MinHash misses two articles that share one quote: their Jaccard stays near 0.
//! This stage finds such pairs in near-linear time.
//!
//! 1. Every document contributes its distinct word n-grams (`seed_words`, default 4, hashed as in
//!    [`crate::shingle`]) as `(hash, document)` postings.
//! 2. The postings are sorted (in parallel), so equal n-grams are adjacent. The length of a run
//!    is the n-gram's document frequency (df).
//! 3. An n-gram with `df > max_df` (default 50) is boilerplate or a stock phrase ("share this
//!    article", "the president of the united states") and is dropped: it creates no candidates,
//!    and the aligner will not accept a passage made only of such n-grams. Capping df also caps
//!    the pairs one run can create at `max_df²/2`, so the cost stays linear in the corpus.
//! 4. Every remaining run pairs up its documents; a pair's count is the number of rare n-grams
//!    the two share. Pairs sharing at least `min_shared` (default 2) become candidates. A verbatim
//!    8-word passage shares five 4-grams; a lightly reworded one usually two or more.
//!
//! Why this rather than MinHash + LSH over passage windows: windows multiply the number of
//! signatures by the number of windows per article, and a short quote inside a long window
//! barely moves that window's Jaccard, so recall on 8-word quotes needs very low thresholds. Exact
//! shared n-grams find every verbatim passage of `seed_words + 1` words or more by construction,
//! and the df cap removes exactly the n-grams that make inverted indexes quadratic.

use rayon::prelude::*;

/// The result of the index pass.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReuseCandidates {
    /// Document index pairs `(a, b)`, `a < b`, sorted, with the number of rare n-grams shared.
    pub pairs: Vec<(u32, u32, u32)>,
    /// Hashes of n-grams whose df exceeded the cap, sorted: boilerplate.
    pub common: Vec<u64>,
}

impl ReuseCandidates {
    /// True when `hash` is an n-gram under the df cap (not boilerplate).
    pub fn is_rare(&self, hash: u64) -> bool {
        self.common.binary_search(&hash).is_err()
    }
}

/// Finds document pairs that share at least `min_shared` n-grams each held by at most `max_df`
/// documents. `grams[d]` is document `d`'s sorted, de-duplicated n-gram hashes.
pub fn candidates(grams: &[Vec<u64>], max_df: usize, min_shared: usize) -> ReuseCandidates {
    let mut postings: Vec<(u64, u32)> = grams
        .par_iter()
        .enumerate()
        .flat_map_iter(|(d, g)| g.iter().map(move |&h| (h, d as u32)))
        .collect();
    postings.par_sort_unstable();
    // Split at run boundaries so runs can be processed in parallel.
    let mut starts = vec![0];
    for k in 1..postings.len() {
        if postings[k].0 != postings[k - 1].0 {
            starts.push(k);
        }
    }
    starts.push(postings.len());
    let (pairs, common): (Vec<Vec<u64>>, Vec<Option<u64>>) = starts
        .par_windows(2)
        .map(|w| {
            let run = &postings[w[0]..w[1]];
            if run.len() < 2 {
                return (Vec::new(), None);
            }
            if run.len() > max_df {
                return (Vec::new(), Some(run[0].0));
            }
            let mut out = Vec::with_capacity(run.len() * (run.len() - 1) / 2);
            for (x, &(_, a)) in run.iter().enumerate() {
                for &(_, b) in &run[x + 1..] {
                    out.push((a as u64) << 32 | b as u64);
                }
            }
            (out, None)
        })
        .unzip();
    let mut packed: Vec<u64> = pairs.into_iter().flatten().collect();
    packed.par_sort_unstable();
    let mut out = Vec::new();
    let mut k = 0;
    while k < packed.len() {
        let mut e = k + 1;
        while e < packed.len() && packed[e] == packed[k] {
            e += 1;
        }
        if e - k >= min_shared {
            let p = packed[k];
            out.push(((p >> 32) as u32, p as u32, (e - k) as u32));
        }
        k = e;
    }
    let mut common: Vec<u64> = common.into_iter().flatten().collect();
    common.sort_unstable();
    ReuseCandidates { pairs: out, common }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_need_enough_shared_rare_grams() {
        let grams = vec![
            vec![1, 2, 3, 9],
            vec![1, 2, 7, 9],
            vec![3, 8, 9],
            vec![5, 9],
        ];
        let c = candidates(&grams, 3, 2);
        // 9 is in four documents: over the cap, so common. 0–1 share 1 and 2.
        assert_eq!(c.pairs, vec![(0, 1, 2)]);
        assert_eq!(c.common, vec![9]);
        assert!(!c.is_rare(9) && c.is_rare(1));
        let c = candidates(&grams, 3, 1);
        assert_eq!(c.pairs, vec![(0, 1, 2), (0, 2, 1)]);
    }

    #[test]
    fn empty_input() {
        assert_eq!(candidates(&[], 10, 1), ReuseCandidates::default());
        assert_eq!(candidates(&[vec![], vec![1]], 10, 1).pairs, vec![]);
    }
}
