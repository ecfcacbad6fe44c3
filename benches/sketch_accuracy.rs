//! Accuracy of the two signature schemes, classic MinHash and one-permutation hashing (OPH):
//! for sets of a given size and exact Jaccard, the estimator's bias and RMSE, and how often
//! the default LSH banding (threshold 0.5, 128 values) makes the pair a candidate.
//!
//!     cargo bench --bench sketch_accuracy
//!
//! Sets are random 64-bit values drawn from a fixed seed, so a run is repeatable. Prints a
//! Markdown table; docs/benchmarks.md quotes it.

use reprint::minhash::{estimate, MinHasher, Scheme, SplitMix64};
use reprint::{lsh, LshParams};

const TRIALS: usize = 2000;
const NUM_PERM: usize = 128;

/// Two sets of `size` elements each whose Jaccard is as close to `j` as sizes allow.
fn pair(rng: &mut SplitMix64, size: usize, j: f64) -> (Vec<u64>, Vec<u64>, f64) {
    // |A ∩ B| = s, |A| = |B| = size: J = s / (2·size − s).
    let shared = ((2.0 * size as f64 * j) / (1.0 + j)).round() as usize;
    let common: Vec<u64> = (0..shared).map(|_| rng.next_u64()).collect();
    let mut a = common.clone();
    let mut b = common;
    a.extend((shared..size).map(|_| rng.next_u64()));
    b.extend((shared..size).map(|_| rng.next_u64()));
    let exact = shared as f64 / (2 * size - shared) as f64;
    (a, b, exact)
}

/// Whether the scan's LSH would pair the two signatures: some band has the same key.
fn candidate(a: &[u32], b: &[u32], p: LshParams) -> bool {
    let (mut ka, mut kb) = (Vec::new(), Vec::new());
    lsh::band_keys_into(a, p, &mut ka);
    lsh::band_keys_into(b, p, &mut kb);
    ka.iter().zip(&kb).any(|(x, y)| x == y)
}

fn main() {
    let params = LshParams::for_threshold(0.5, NUM_PERM).expect("valid threshold");
    println!(
        "{TRIALS} random set pairs per row, {NUM_PERM} values, LSH {} bands × {} rows\n",
        params.bands, params.rows
    );
    println!("| shingles per set | exact J | scheme | mean error | RMSE | P(candidate) |");
    println!("|---:|---:|---|---:|---:|---:|");
    for size in [20usize, 100, 500, 2000] {
        for j in [0.3, 0.4, 0.5, 0.6, 0.8] {
            for scheme in [Scheme::MinHash, Scheme::Oph] {
                // The same sets for both schemes; a new hash family per trial.
                let mut rng = SplitMix64(0x5eed ^ size as u64 ^ (j * 1000.0) as u64);
                let (mut err, mut sq, mut cand, mut exact_j) = (0.0, 0.0, 0usize, 0.0);
                for t in 0..TRIALS {
                    let (a, b, exact) = pair(&mut rng, size, j);
                    let h = MinHasher::with_scheme(NUM_PERM, t as u64, scheme).expect("valid");
                    let (sa, sb) = (h.signature(&a), h.signature(&b));
                    let e = estimate(&sa, &sb) - exact;
                    err += e;
                    sq += e * e;
                    cand += candidate(&sa, &sb, params) as usize;
                    exact_j = exact;
                }
                let n = TRIALS as f64;
                println!(
                    "| {size} | {exact_j:.3} | {scheme} | {:+.4} | {:.4} | {:.3} |",
                    err / n,
                    (sq / n).sqrt(),
                    cand as f64 / n
                );
            }
        }
    }
}
