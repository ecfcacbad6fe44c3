//! Locality-sensitive hashing by banding: candidate pairs without comparing every pair.
//!
//! Leskovec, Rajaraman and Ullman, *Mining of Massive Datasets*, ch. 3.4.
//!
//! 1. Split each signature into `bands` bands of `rows` values. Two documents whose signatures
//!    agree on every row of at least one band become a candidate pair. For Jaccard `s` that
//!    happens with probability `1 - (1 - s^rows)^bands`: an S-curve.
//! 2. **Choosing bands × rows** for a threshold `t` ([`LshParams::for_threshold`]): among all
//!    `bands · rows <= num_perm`, take the one that minimises the weighted area of false
//!    positives (`∫_0^t P(s) ds`) plus false negatives (`∫_t^1 1 - P(s) ds`). Candidates are
//!    verified with exact Jaccard afterwards, so a false positive costs only a comparison while
//!    a false negative is a lost pair: the default weights are 0.05 and 0.95. At `t = 0.5` with
//!    128 permutations this gives 26 bands of 3 rows, which finds a pair of Jaccard 0.6 with
//!    probability 0.998.
//! 3. **Grouping.** For each band, every document's band key (a hash of its rows) is paired with
//!    the document's index and the list is sorted (in parallel); equal keys are adjacent, so a
//!    bucket is a run. Sorting needs no hash map and its memory is one flat vector per band.
//! 4. **Huge buckets** (boilerplate shared by thousands of articles) would give a quadratic
//!    number of pairs. A bucket with more than `max_bucket` members is paired as a *star*: every
//!    member with the bucket's first member only. Near-duplicate groups still end up in one
//!    cluster through the star; the pair list then holds the star's edges, not every pair.
//! 5. Pairs from all bands are packed into `u64`s, sorted and de-duplicated: the output is the
//!    same whatever the thread count.

use rayon::prelude::*;

use crate::shingle::mix64;
use crate::Error;

/// Banding parameters: `bands` bands of `rows` signature values each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct LshParams {
    /// Number of bands.
    pub bands: usize,
    /// Signature values per band.
    pub rows: usize,
}

/// Default weight of the false-positive area when choosing bands × rows.
pub const FALSE_POSITIVE_WEIGHT: f64 = 0.05;
/// Default weight of the false-negative area when choosing bands × rows.
pub const FALSE_NEGATIVE_WEIGHT: f64 = 0.95;

impl LshParams {
    /// Explicit parameters, checked against the signature length.
    pub fn new(bands: usize, rows: usize, num_perm: usize) -> Result<LshParams, Error> {
        if bands == 0 || rows == 0 || bands * rows > num_perm {
            return Err(Error::Config(format!(
                "bands {bands} × rows {rows} must be at least 1 × 1 and fit in num-perm {num_perm}"
            )));
        }
        Ok(LshParams { bands, rows })
    }

    /// The bands × rows that minimise the weighted false-positive plus false-negative area for
    /// `threshold`, with the default weights (see the module docs).
    pub fn for_threshold(threshold: f64, num_perm: usize) -> Result<LshParams, Error> {
        Self::for_threshold_weighted(
            threshold,
            num_perm,
            FALSE_POSITIVE_WEIGHT,
            FALSE_NEGATIVE_WEIGHT,
        )
    }

    /// [`Self::for_threshold`] with explicit weights.
    pub fn for_threshold_weighted(
        threshold: f64,
        num_perm: usize,
        fp_weight: f64,
        fn_weight: f64,
    ) -> Result<LshParams, Error> {
        if !(threshold > 0.0 && threshold < 1.0) {
            return Err(Error::Config(format!(
                "threshold {threshold}: must be strictly between 0 and 1"
            )));
        }
        if num_perm == 0 {
            return Err(Error::Config("num-perm must be at least 1".into()));
        }
        let mut best = (f64::INFINITY, LshParams { bands: 1, rows: 1 });
        for bands in 1..=num_perm {
            for rows in 1..=num_perm / bands {
                let p = LshParams { bands, rows };
                let fp = integrate(|s| p.probability(s), 0.0, threshold);
                let fneg = integrate(|s| 1.0 - p.probability(s), threshold, 1.0);
                let err = fp_weight * fp + fn_weight * fneg;
                if err < best.0 - 1e-12 {
                    best = (err, p);
                }
            }
        }
        Ok(best.1)
    }

    /// Probability that two documents of Jaccard `s` become candidates.
    pub fn probability(&self, s: f64) -> f64 {
        1.0 - (1.0 - s.powi(self.rows as i32)).powi(self.bands as i32)
    }
}

/// Midpoint rule with 200 steps: plenty for these smooth curves.
fn integrate<F: Fn(f64) -> f64>(f: F, lo: f64, hi: f64) -> f64 {
    const STEPS: usize = 200;
    let h = (hi - lo) / STEPS as f64;
    (0..STEPS)
        .map(|i| f(lo + (i as f64 + 0.5) * h))
        .sum::<f64>()
        * h
}

/// The candidate pairs of a banding pass.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Candidates {
    /// Pairs of document indices `(a, b)` with `a < b`, sorted, without repeats.
    pub pairs: Vec<(u32, u32)>,
    /// Buckets that exceeded `max_bucket` and were paired as stars.
    pub oversized_buckets: u64,
}

/// Finds candidate pairs among `n` signatures stored back to back in `signatures`
/// (`n · num_perm` values). The scan does the same band by band from keys it streamed
/// ([`band_keys_into`], [`band_pairs`], [`merge_pairs`]).
pub fn candidates(
    signatures: &[u32],
    num_perm: usize,
    params: LshParams,
    max_bucket: usize,
) -> Candidates {
    assert!(params.bands * params.rows <= num_perm);
    let n = signatures.len() / num_perm;
    let per_band: Vec<(Vec<u64>, u64)> = (0..params.bands)
        .into_par_iter()
        .map(|band| {
            let keys: Vec<u64> = (0..n)
                .map(|d| {
                    let lo = d * num_perm + band * params.rows;
                    band_key(band, &signatures[lo..lo + params.rows])
                })
                .collect();
            band_pairs(&keys, max_bucket)
        })
        .collect();
    merge_pairs(per_band)
}

/// Writes the `bands` keys of one signature into `out` (cleared first): key `i` hashes the
/// rows of band `i`.
pub fn band_keys_into(signature: &[u32], params: LshParams, out: &mut Vec<u64>) {
    out.clear();
    out.extend(
        (0..params.bands).map(|b| band_key(b, &signature[b * params.rows..(b + 1) * params.rows])),
    );
}

/// The candidate pairs of one band, from each document's key for that band (`keys[d]`), packed
/// as `a << 32 | b`, and the number of oversized buckets.
pub fn band_pairs(keys: &[u64], max_bucket: usize) -> (Vec<u64>, u64) {
    let mut keyed: Vec<(u64, u32)> = keys
        .iter()
        .enumerate()
        .map(|(d, &k)| (k, d as u32))
        .collect();
    keyed.par_sort_unstable();
    bucket_pairs(&keyed, max_bucket)
}

/// Merges the pairs of every band into sorted, distinct [`Candidates`].
pub fn merge_pairs(per_band: Vec<(Vec<u64>, u64)>) -> Candidates {
    let oversized_buckets = per_band.iter().map(|(_, o)| o).sum();
    let mut packed: Vec<u64> = per_band.into_iter().flat_map(|(p, _)| p).collect();
    packed.par_sort_unstable();
    packed.dedup();
    Candidates {
        pairs: packed
            .into_iter()
            .map(|p| ((p >> 32) as u32, p as u32))
            .collect(),
        oversized_buckets,
    }
}

/// Hash of one band's rows, salted with the band number so equal rows in different bands differ.
fn band_key(band: usize, rows: &[u32]) -> u64 {
    let mut h = mix64(band as u64 ^ 0x6c73_6862_616e_6473);
    for &v in rows {
        h = mix64(h ^ v as u64);
    }
    h
}

/// Pairs from the runs of equal keys in sorted `keys`, packed as `a << 32 | b`.
fn bucket_pairs(keys: &[(u64, u32)], max_bucket: usize) -> (Vec<u64>, u64) {
    let mut out = Vec::new();
    let mut oversized = 0;
    let mut i = 0;
    while i < keys.len() {
        let mut j = i + 1;
        while j < keys.len() && keys[j].0 == keys[i].0 {
            j += 1;
        }
        let bucket = &keys[i..j];
        if bucket.len() > max_bucket {
            oversized += 1;
            let hub = bucket[0].1 as u64;
            out.extend(bucket[1..].iter().map(|&(_, d)| hub << 32 | d as u64));
        } else {
            for (x, &(_, a)) in bucket.iter().enumerate() {
                for &(_, b) in &bucket[x + 1..] {
                    out.push((a as u64) << 32 | b as u64);
                }
            }
        }
        i = j;
    }
    (out, oversized)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_choice_is_stable_and_steep() {
        let p = LshParams::for_threshold(0.5, 128).unwrap();
        assert_eq!(p, LshParams { bands: 26, rows: 3 });
        assert!(p.probability(0.6) > 0.99);
        assert!(p.probability(0.1) < 0.05);
        let high = LshParams::for_threshold(0.8, 128).unwrap();
        assert!(high.rows > p.rows);
    }

    #[test]
    fn rejects_bad_parameters() {
        assert!(LshParams::for_threshold(0.0, 128).is_err());
        assert!(LshParams::for_threshold(1.0, 128).is_err());
        assert!(LshParams::new(20, 7, 128).is_err());
        assert!(LshParams::new(16, 8, 128).is_ok());
    }

    #[test]
    fn identical_signatures_become_candidates() {
        let sigs: Vec<u32> = [[1, 2, 3, 4], [1, 2, 3, 4], [9, 9, 9, 9], [1, 2, 7, 7]].concat();
        let c = candidates(&sigs, 4, LshParams::new(2, 2, 4).unwrap(), 100);
        assert_eq!(c.pairs, [(0, 1), (0, 3), (1, 3)]);
        assert_eq!(c.oversized_buckets, 0);
    }

    #[test]
    fn huge_buckets_become_stars() {
        let sigs: Vec<u32> = std::iter::repeat_n([5u32, 5], 1000).flatten().collect();
        let c = candidates(&sigs, 2, LshParams::new(1, 2, 2).unwrap(), 10);
        assert_eq!(c.pairs.len(), 999);
        assert!(c.pairs.iter().all(|&(a, _)| a == 0));
        assert_eq!(c.oversized_buckets, 1);
    }
}
