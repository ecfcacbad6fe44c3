//! Shingling: a document becomes the set of hashes of its overlapping k-grams.
//!
//! 1. **Word shingles** (`word:k`, the default `word:5`): every run of `k` consecutive tokens.
//!    Each token is hashed once (`xxh3_64` of its normalised form, see [`crate::tokenize`]); a
//!    shingle's hash combines its `k` token hashes by rotate-and-xor and a final 64-bit mixer, so a
//!    shingle costs `k` cheap operations and no second pass over the text.
//! 2. **Character shingles** (`char:k`): every run of `k` characters of the normalised text, in
//!    which words are joined by one space. Useful for languages without spaces and for OCR noise.
//! 3. A document shorter than `k` yields one shingle of all its tokens, so short documents still
//!    have a signature; an empty document yields none.
//! 4. The set is returned sorted and de-duplicated: the form exact Jaccard and MinHash both want.
//!
//! Choosing `k`: Broder (1997) used word 10-grams for web near-duplicates; news reuse is shorter
//! and more edited, and `k = 5` keeps a 5%-edited copy above Jaccard 0.6 while unrelated articles
//! on the same story stay under 0.05. Smaller `k` raises Jaccard of unrelated text on one topic.

use std::fmt;
use std::str::FromStr;

use xxhash_rust::xxh3::xxh3_64;

use crate::tokenize::{for_each_word, Token};
use crate::Error;

/// How a document is cut into shingles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shingling {
    /// Runs of `k` consecutive words.
    Words(usize),
    /// Runs of `k` consecutive characters of the normalised text.
    Chars(usize),
}

impl Default for Shingling {
    /// `word:5`.
    fn default() -> Self {
        Shingling::Words(5)
    }
}

impl fmt::Display for Shingling {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shingling::Words(k) => write!(f, "word:{k}"),
            Shingling::Chars(k) => write!(f, "char:{k}"),
        }
    }
}

impl FromStr for Shingling {
    type Err = Error;

    /// Parses `word:K` or `char:K`, with `1 <= K <= 64`.
    fn from_str(s: &str) -> Result<Self, Error> {
        let bad = || {
            Error::Config(format!(
                "shingle {s:?}: expected word:K or char:K, K in 1..=64"
            ))
        };
        let (kind, k) = s.split_once(':').ok_or_else(bad)?;
        let k: usize = k.parse().map_err(|_| bad())?;
        if !(1..=64).contains(&k) {
            return Err(bad());
        }
        match kind {
            "word" => Ok(Shingling::Words(k)),
            "char" => Ok(Shingling::Chars(k)),
            _ => Err(bad()),
        }
    }
}

/// The finaliser of MurmurHash3: spreads every input bit over the whole word.
#[inline]
pub fn mix64(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

/// The rotation between consecutive tokens in [`combine`]'s fold.
const ROT: u32 = 23;

/// Hash of the word shingle made of `hashes` (token hashes, in order).
#[inline]
pub fn combine(hashes: &[u64]) -> u64 {
    let mut h = 0u64;
    for &t in hashes {
        h = h.rotate_left(ROT) ^ t;
    }
    mix64(h ^ hashes.len() as u64)
}

/// Reusable buffers for shingling many documents without reallocating.
#[derive(Debug, Default)]
pub struct Shingler {
    shingling: Shingling,
    tokens: Vec<Token>,
    hashes: Vec<u64>,
    text: String,
}

impl Shingler {
    /// A shingler for the given scheme.
    pub fn new(shingling: Shingling) -> Shingler {
        Shingler {
            shingling,
            ..Shingler::default()
        }
    }

    /// The scheme in use.
    pub fn shingling(&self) -> Shingling {
        self.shingling
    }

    /// The sorted, de-duplicated shingle hashes of `text`, written into `out` (cleared first).
    pub fn shingle_into(&mut self, text: &str, out: &mut Vec<u64>) {
        out.clear();
        match self.shingling {
            Shingling::Words(k) => {
                crate::tokenize::tokenize(text, &mut self.tokens);
                self.hashes.clear();
                self.hashes.extend(self.tokens.iter().map(|t| t.hash));
                word_shingles(&self.hashes, k, out);
            }
            Shingling::Chars(k) => {
                self.text.clear();
                let buf = &mut self.text;
                for_each_word(text, |_, _, w| {
                    if !buf.is_empty() {
                        buf.push(' ');
                    }
                    buf.push_str(w);
                });
                char_shingles(&self.text, k, out);
            }
        }
        out.sort_unstable();
        out.dedup();
    }

    /// Convenience: the shingle set of `text` as a new vector.
    pub fn shingle(&mut self, text: &str) -> Vec<u64> {
        let mut out = Vec::new();
        self.shingle_into(text, &mut out);
        out
    }
}

/// Appends the hash of every word k-gram of `tokens` (token hashes) to `out`, unsorted.
pub fn word_shingles(tokens: &[u64], k: usize, out: &mut Vec<u64>) {
    if tokens.is_empty() {
        return;
    }
    if tokens.len() < k {
        out.push(combine(tokens));
        return;
    }
    // The rotate-and-xor fold inside `combine` is linear, so it rolls: dropping the oldest
    // token and taking the next costs three operations instead of `k`. Folds first, then one
    // pass of `mix64`, a loop without dependencies between shingles.
    let start = out.len();
    let drop_rot = (ROT * k as u32) % 64;
    let mut fold = tokens[..k]
        .iter()
        .fold(0u64, |h, &t| h.rotate_left(ROT) ^ t);
    out.reserve(tokens.len() - k + 1);
    out.push(fold);
    for (&old, &new) in tokens.iter().zip(&tokens[k..]) {
        fold = fold.rotate_left(ROT) ^ old.rotate_left(drop_rot) ^ new;
        out.push(fold);
    }
    for h in &mut out[start..] {
        *h = mix64(*h ^ k as u64);
    }
}

/// Appends the hash of every character k-gram of the normalised `text` to `out`, unsorted.
fn char_shingles(text: &str, k: usize, out: &mut Vec<u64>) {
    if text.is_empty() {
        return;
    }
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect();
    let chars = bounds.len() - 1;
    if chars < k {
        out.push(xxh3_64(text.as_bytes()));
        return;
    }
    for i in 0..=chars - k {
        out.push(xxh3_64(&text.as_bytes()[bounds[i]..bounds[i + k]]));
    }
}

/// Exact Jaccard similarity of two sorted, de-duplicated sets, and their intersection size.
pub fn jaccard(a: &[u64], b: &[u64]) -> (f64, usize) {
    let inter = intersection_size(a, b);
    let union = a.len() + b.len() - inter;
    if union == 0 {
        return (0.0, 0);
    }
    (inter as f64 / union as f64, inter)
}

/// Size of the intersection of two sorted, de-duplicated slices (a merge walk).
pub fn intersection_size(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn rolling_shingles_equal_one_combine_per_window(
            tokens in proptest::collection::vec(any::<u64>(), 0..40),
            k in 1usize..9,
        ) {
            let mut out = vec![7];
            word_shingles(&tokens, k, &mut out);
            let mut expected = vec![7];
            if tokens.len() >= k {
                expected.extend(tokens.windows(k).map(combine));
            } else if !tokens.is_empty() {
                expected.push(combine(&tokens));
            }
            prop_assert_eq!(out, expected);
        }
    }

    #[test]
    fn parses_schemes() {
        assert_eq!("word:5".parse::<Shingling>().unwrap(), Shingling::Words(5));
        assert_eq!("char:9".parse::<Shingling>().unwrap(), Shingling::Chars(9));
        assert!("word:0".parse::<Shingling>().is_err());
        assert!("line:3".parse::<Shingling>().is_err());
        assert!("word".parse::<Shingling>().is_err());
        assert_eq!(Shingling::Chars(9).to_string(), "char:9");
    }

    #[test]
    fn word_shingle_counts() {
        let mut s = Shingler::new(Shingling::Words(3));
        assert_eq!(s.shingle("a b c d e").len(), 3);
        assert_eq!(s.shingle("a b").len(), 1);
        assert!(s.shingle("  ,, ").is_empty());
        // Repeated k-grams count once.
        assert_eq!(s.shingle("a b c a b c").len(), 3);
    }

    #[test]
    fn normalisation_reaches_shingles() {
        let mut s = Shingler::new(Shingling::Words(2));
        assert_eq!(
            s.shingle("We’ll SEE, “they” said"),
            s.shingle("we'll see they said")
        );
    }

    #[test]
    fn order_matters_within_a_shingle() {
        assert_ne!(combine(&[1, 2, 3]), combine(&[3, 2, 1]));
        assert_ne!(combine(&[1, 2]), combine(&[1, 2, 0]));
    }

    #[test]
    fn char_shingles_work_without_spaces() {
        let mut s = Shingler::new(Shingling::Chars(3));
        let a = s.shingle("北京大学的学生");
        let b = s.shingle("北京大学的老师");
        let (j, _) = jaccard(&a, &b);
        assert!(j > 0.3 && j < 1.0, "{j}");
    }

    #[test]
    fn jaccard_by_hand() {
        assert_eq!(jaccard(&[1, 2, 3], &[2, 3, 4]), (0.5, 2));
        assert_eq!(jaccard(&[], &[]), (0.0, 0));
        assert_eq!(jaccard(&[1], &[1]), (1.0, 1));
    }
}
