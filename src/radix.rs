//! Counting-sort passes: the building block of the radix sort of the passage index's postings
//! ([`crate::reuse`]).
//!
//! A pass counts the values per bucket, turns the counts into start offsets, and scatters the
//! values to their buckets in input order (Cormen et al., *Introduction to Algorithms*, 8.2). It
//! is stable, so several passes, least significant digit first, sort by the whole key (8.3).

/// One stable counting-sort pass: `to` gets `from` ordered by `bucket(x)`, which must be below
/// `buckets`; values of one bucket keep their input order. Returns where each bucket starts in
/// `to`, followed by the end: `buckets + 1` offsets.
pub(crate) fn counting_pass<T: Copy>(
    from: &[T],
    to: &mut [T],
    buckets: usize,
    bucket: impl Fn(&T) -> usize,
) -> Vec<usize> {
    let mut starts = vec![0usize; buckets + 1];
    for x in from {
        starts[bucket(x) + 1] += 1;
    }
    for b in 1..starts.len() {
        starts[b] += starts[b - 1];
    }
    let mut next = starts.clone();
    for &x in from {
        let b = bucket(&x);
        to[next[b]] = x;
        next[b] += 1;
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pass_groups_by_bucket_and_keeps_order_within() {
        let from = [(3, 'a'), (1, 'b'), (3, 'c'), (0, 'd'), (1, 'e')];
        let mut to = [(0, ' '); 5];
        let starts = counting_pass(&from, &mut to, 4, |x| x.0);
        assert_eq!(to, [(0, 'd'), (1, 'b'), (1, 'e'), (3, 'a'), (3, 'c')]);
        assert_eq!(starts, [0, 1, 3, 3, 5]);
    }
}
