//! Scoring text-reuse detections with the PAN **PlagDet** measure.
//!
//! This module scores detected reuse passages against planted ("ground
//! truth") cases. It uses the measures from Potthast, Stein, Barrón-Cedeño
//! and Rosso, *An Evaluation Framework for Plagiarism Detection*, COLING 2010,
//! pp. 997–1005. These are the official measures of the PAN plagiarism
//! detection competitions.
//!
//! # How reprint uses it
//!
//! A synthetic corpus generator copies passages (possibly obfuscated) from a
//! document B into a document A. It records each planted passage as a [`Case`]:
//! a span in A and the span in B that it came from. Running the
//! detection pipeline on the same corpus gives the passages it aligns between
//! two documents, and each of those is reported as a [`Case`] too. [`plagdet`]
//! scores the detections `R` against the planted cases `S` and returns a
//! [`PlagDet`] with every measure below.
//!
//! # Positions
//!
//! A case or detection covers a set of *character positions*
//! `(document, offset)` on both sides: `s = s_a ∪ s_b`. reprint uses **byte
//! offsets into the UTF-8 text** as the characters, so all lengths are in
//! bytes. For ASCII text this is the same as the paper's character counts. A
//! multi-byte character weighs its byte length. `|x|` is the number of
//! positions in `x`. For the usual case of two distinct documents,
//! `|s| = |s_a| + |s_b|`.
//!
//! # The measures
//!
//! 1. **Detection relation.** `r` *detects* `s` if all of the following hold:
//!    * `r` and `s` concern the same **unordered** pair of documents. A case
//!      planted as `(x, y)` is matched by a detection reported as `(y, x)`,
//!      with the sides swapped back.
//!    * `r`'s span in A overlaps `s`'s span in A.
//!    * `r`'s span in B overlaps `s`'s span in B.
//!
//!    Overlapping on only one side gives no credit.
//! 2. **Credited positions.** `s ⊓ r = s ∩ r` if `r` detects `s`, and `∅`
//!    otherwise.
//! 3. **Macro precision.**
//!    `prec(S, R) = 1/|R| · Σ_{r ∈ R} |∪_{s ∈ S} (s ⊓ r)| / |r|`
//! 4. **Macro recall.**
//!    `rec(S, R) = 1/|S| · Σ_{s ∈ S} |∪_{r ∈ R} (s ⊓ r)| / |s|`
//! 5. **Granularity.**
//!    `gran(S, R) = 1/|S_R| · Σ_{s ∈ S_R} |R_s|`. Here
//!    `S_R = {s ∈ S : some r ∈ R detects s}` and
//!    `R_s = {r ∈ R : r detects s}`. Granularity is at least 1. A case found
//!    in `k` pieces counts `k`.
//! 6. **F1.** `F1 = 2 · prec · rec / (prec + rec)`, the harmonic mean of
//!    macro precision and macro recall.
//! 7. **PlagDet.** `plagdet(S, R) = F1 / log2(1 + gran)`. It is 1 only for a
//!    perfect detection with granularity 1.
//! 8. **Micro precision and recall.** These count positions over the whole
//!    corpus rather than averaging per case:
//!    `prec_micro = |∪_{(s,r) ∈ S×R} (s ⊓ r)| / |∪_{r ∈ R} r|` and
//!    `rec_micro = |∪_{(s,r) ∈ S×R} (s ⊓ r)| / |∪_{s ∈ S} s|`.
//!    The unions are taken over `(document, byte)` positions. A byte covered
//!    by two cases (for example one source passage reused twice) counts once.
//!
//! The unions in 3, 4 and 8 are real set unions. When overlapping detections
//! cover the same bytes of a case, those bytes count once, so neither recall
//! nor precision can go above 1.
//!
//! # Conventions
//!
//! The paper leaves these points open. reprint chooses:
//!
//! * **Empty inputs.** An empty `S` gives recall 1, because nothing needed
//!   finding. An empty `R` gives precision 0 if `S` is non-empty. This follows
//!   the PAN evaluation script: staying silent is not rewarded. If both `S`
//!   and `R` are empty, every measure is 1 and `plagdet = 1`. Granularity is 1
//!   when no case is detected. F1 is 0 when precision and recall are both 0.
//!   Micro precision and recall follow the same rules.
//!
//!   The PAN script gives recall 0 when `S` is empty and `R` is not. reprint
//!   gives recall 1 there. Precision is 0 in that situation, so F1 and
//!   PlagDet are 0 either way. Only the reported recall differs.
//! * **Degenerate spans.** A range with `start >= end` is empty, so a
//!   reversed range is empty too. Two spans overlap only if they share at
//!   least one byte. A case or detection with an empty side can therefore
//!   never detect or be detected. If it has no positions at all, its ratio in
//!   3 or 4 is taken as 0 rather than `0/0`.
//! * **Same-document pairs.** If `doc_a == doc_b` (reuse within one
//!   document), both orientations of the detection are tried. Positions are a
//!   set, so bytes covered by both sides count once.
//! * **Duplicates** are not merged. A detection reported twice counts twice in
//!   the precision average and in `|R_s|`, so it raises granularity.
//!
//! # Cost
//!
//! Cases and detections are grouped by normalised document pair in a
//! [`BTreeMap`]. Within a pair, candidate matches are found with a sweep over
//! the A-side spans, so the time is `O((|S| + |R|) log(|S| + |R|) + k)`, where
//! `k` is the number of A-side overlaps. Unions are computed by sorting and
//! merging ranges. The result is deterministic.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::ops::Range;

/// A reuse passage between two documents: a planted case or a detection.
///
/// `a` is a half-open byte range in document `doc_a` (the suspicious, or copy,
/// side). `b` is a half-open byte range in document `doc_b` (the source side).
/// The order of the two documents does not matter to [`plagdet`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    /// Id of document A (its corpus id), the suspicious (copy) side.
    pub doc_a: String,
    /// Half-open byte range of the passage in `doc_a`.
    pub a: Range<usize>,
    /// Id of document B (its corpus id), the source side.
    pub doc_b: String,
    /// Half-open byte range of the passage in `doc_b`.
    pub b: Range<usize>,
}

impl Case {
    /// Builds a case from a span `a` in `doc_a` and a span `b` in `doc_b`.
    #[must_use]
    pub fn new(
        doc_a: impl Into<String>,
        a: Range<usize>,
        doc_b: impl Into<String>,
        b: Range<usize>,
    ) -> Case {
        Case {
            doc_a: doc_a.into(),
            a,
            doc_b: doc_b.into(),
            b,
        }
    }
}

/// The scores returned by [`plagdet`]. See the [module documentation](self)
/// for the formulas and conventions.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlagDet {
    /// Macro-averaged precision `prec(S, R)`, in `[0, 1]`.
    pub precision: f64,
    /// Macro-averaged recall `rec(S, R)`, in `[0, 1]`.
    pub recall: f64,
    /// Granularity `gran(S, R)`, at least 1.
    pub granularity: f64,
    /// Harmonic mean of `precision` and `recall`, in `[0, 1]`.
    pub f1: f64,
    /// `f1 / log2(1 + granularity)`, in `[0, 1]`.
    pub plagdet: f64,
    /// Micro-averaged (position-level) precision, in `[0, 1]`.
    pub micro_precision: f64,
    /// Micro-averaged (position-level) recall, in `[0, 1]`.
    pub micro_recall: f64,
    /// Number of planted cases, `|S|`.
    pub cases: usize,
    /// Number of detections, `|R|`.
    pub detections: usize,
    /// Number of cases detected by at least one detection, `|S_R|`.
    pub detected_cases: usize,
}

/// Scores `detections` (R) against the planted `cases` (S) with the PAN
/// PlagDet measures.
///
/// Both slices may be in any order. Each element's document pair may be in
/// either order.
#[must_use]
pub fn plagdet(cases: &[Case], detections: &[Case]) -> PlagDet {
    let ids = intern(cases.iter().chain(detections));
    let s: Vec<Item> = cases.iter().map(|c| Item::new(c, &ids)).collect();
    let r: Vec<Item> = detections.iter().map(|c| Item::new(c, &ids)).collect();

    let mut matched = matches(&s, &r);

    // Recall, granularity and the micro numerator, grouped by case.
    let mut buf = Vec::new();
    let mut credited = Vec::new();
    let mut rec_sum = 0.0;
    let mut gran_sum = 0usize;
    let mut detected_cases = 0usize;
    for group in matched.chunk_by(|x, y| x.0 == y.0) {
        let case = &s[group[0].0];
        buf.clear();
        for &(_, d) in group {
            case.intersect_into(&r[d], &mut buf);
        }
        credited.extend_from_slice(&buf);
        rec_sum += ratio(union_len(&mut buf), case.size());
        gran_sum += group.len();
        detected_cases += 1;
    }

    // Precision, grouped by detection.
    matched.sort_unstable_by_key(|&(c, d)| (d, c));
    let mut prec_sum = 0.0;
    for group in matched.chunk_by(|x, y| x.1 == y.1) {
        let det = &r[group[0].1];
        buf.clear();
        for &(c, _) in group {
            det.intersect_into(&s[c], &mut buf);
        }
        prec_sum += ratio(union_len(&mut buf), det.size());
    }

    let precision = if r.is_empty() {
        empty_score(&s)
    } else {
        prec_sum / r.len() as f64
    };
    let recall = if s.is_empty() {
        1.0
    } else {
        rec_sum / s.len() as f64
    };
    let granularity = if detected_cases == 0 {
        1.0
    } else {
        gran_sum as f64 / detected_cases as f64
    };
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    let plagdet = f1 / (1.0 + granularity).log2();

    let credited = union_len(&mut credited);
    let micro_precision = if r.is_empty() {
        empty_score(&s)
    } else {
        ratio(credited, union_len(&mut all_positions(&r)))
    };
    let micro_recall = if s.is_empty() {
        1.0
    } else {
        ratio(credited, union_len(&mut all_positions(&s)))
    };

    PlagDet {
        precision,
        recall,
        granularity,
        f1,
        plagdet,
        micro_precision,
        micro_recall,
        cases: s.len(),
        detections: r.len(),
        detected_cases,
    }
}

/// Precision when there are no detections: 1 if there was nothing to find.
fn empty_score(cases: &[Item]) -> f64 {
    if cases.is_empty() {
        1.0
    } else {
        0.0
    }
}

/// `num / den`, or 0 when `den` is 0 (an item without positions).
fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

/// Maps every document name to an id whose order matches the names' order.
fn intern<'a>(items: impl Iterator<Item = &'a Case>) -> BTreeMap<&'a str, usize> {
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    for c in items {
        ids.insert(&c.doc_a, 0);
        ids.insert(&c.doc_b, 0);
    }
    for (i, id) in ids.values_mut().enumerate() {
        *id = i;
    }
    ids
}

/// A half-open byte range in one document. Empty when `start == end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Piece {
    doc: usize,
    start: usize,
    end: usize,
}

impl Piece {
    /// Normalises a range so that a reversed range becomes empty.
    fn new(doc: usize, r: &Range<usize>) -> Piece {
        Piece {
            doc,
            start: r.start,
            end: r.end.max(r.start),
        }
    }

    fn is_empty(&self) -> bool {
        self.start >= self.end
    }

    /// The non-empty intersection of two pieces, if there is one.
    fn intersect(&self, other: &Piece) -> Option<Piece> {
        let start = self.start.max(other.start);
        let end = self.end.min(other.end);
        (self.doc == other.doc && start < end).then_some(Piece {
            doc: self.doc,
            start,
            end,
        })
    }

    fn overlaps(&self, other: &Piece) -> bool {
        self.intersect(other).is_some()
    }
}

/// A normalised [`Case`]: document ids interned and `a.doc <= b.doc`.
#[derive(Clone, Copy, Debug)]
struct Item {
    a: Piece,
    b: Piece,
}

impl Item {
    fn new(c: &Case, ids: &BTreeMap<&str, usize>) -> Item {
        let a = Piece::new(ids[c.doc_a.as_str()], &c.a);
        let b = Piece::new(ids[c.doc_b.as_str()], &c.b);
        if a.doc <= b.doc {
            Item { a, b }
        } else {
            Item { a: b, b: a }
        }
    }

    fn pair(&self) -> (usize, usize) {
        (self.a.doc, self.b.doc)
    }

    fn same_doc(&self) -> bool {
        self.a.doc == self.b.doc
    }

    /// Whether `self` (a detection) detects `case`, or the reverse: the
    /// relation is symmetric. Both must belong to the same document pair.
    fn detects(&self, case: &Item) -> bool {
        (self.a.overlaps(&case.a) && self.b.overlaps(&case.b))
            || (self.same_doc() && self.a.overlaps(&case.b) && self.b.overlaps(&case.a))
    }

    /// The item's positions as at most two disjoint, non-empty pieces.
    fn positions(&self) -> impl Iterator<Item = Piece> {
        let (a, b) = (self.a, self.b);
        let merged = (a.doc == b.doc
            && a.start <= b.end
            && b.start <= a.end
            && !a.is_empty()
            && !b.is_empty())
        .then_some(Piece {
            doc: a.doc,
            start: a.start.min(b.start),
            end: a.end.max(b.end),
        });
        let pieces = match merged {
            Some(m) => [Some(m), None],
            None => [Some(a), Some(b)],
        };
        pieces.into_iter().flatten().filter(|p| !p.is_empty())
    }

    /// `|x|`: the number of positions covered.
    fn size(&self) -> usize {
        self.positions().map(|p| p.end - p.start).sum()
    }

    /// Appends the pieces of `self ∩ other` to `out`.
    fn intersect_into(&self, other: &Item, out: &mut Vec<Piece>) {
        for p in self.positions() {
            out.extend(other.positions().filter_map(|q| p.intersect(&q)));
        }
    }
}

/// All positions of all items, unmerged.
fn all_positions(items: &[Item]) -> Vec<Piece> {
    items.iter().flat_map(Item::positions).collect()
}

/// Size of the union of `pieces`. Sorts `pieces` in place.
fn union_len(pieces: &mut [Piece]) -> usize {
    pieces.sort_unstable();
    let mut total = 0;
    let mut current: Option<Piece> = None;
    for &p in pieces.iter() {
        match current.as_mut() {
            Some(c) if c.doc == p.doc && p.start <= c.end => c.end = c.end.max(p.end),
            _ => {
                if let Some(c) = current {
                    total += c.end - c.start;
                }
                current = Some(p);
            }
        }
    }
    total + current.map_or(0, |c| c.end - c.start)
}

/// Every `(case index, detection index)` where the detection detects the case,
/// sorted and without repeats.
fn matches(s: &[Item], r: &[Item]) -> Vec<(usize, usize)> {
    #[derive(Default)]
    struct Group {
        cases: Vec<usize>,
        detections: Vec<usize>,
    }
    let mut groups: BTreeMap<(usize, usize), Group> = BTreeMap::new();
    for (i, it) in s.iter().enumerate() {
        groups.entry(it.pair()).or_default().cases.push(i);
    }
    for (i, it) in r.iter().enumerate() {
        if let Some(g) = groups.get_mut(&it.pair()) {
            g.detections.push(i);
        }
    }

    let mut out = Vec::new();
    for ((da, db), g) in groups {
        if g.detections.is_empty() {
            continue;
        }
        let spans = |items: &[Item], idx: &[usize], side: fn(&Item) -> Piece| {
            idx.iter()
                .map(|&i| (side(&items[i]), i))
                .filter(|(p, _)| !p.is_empty())
                .collect::<Vec<_>>()
        };
        let mut check = |c: usize, d: usize| {
            if r[d].detects(&s[c]) {
                out.push((c, d));
            }
        };
        let case_a = spans(s, &g.cases, |it| it.a);
        sweep(
            case_a.clone(),
            spans(r, &g.detections, |it| it.a),
            &mut check,
        );
        if da == db {
            // Within one document a detection may be reported with its sides
            // the other way round: also match its B side against the cases' A.
            sweep(case_a, spans(r, &g.detections, |it| it.b), &mut check);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Calls `report(x, y)` once for every pair of a piece from `xs` and a piece
/// from `ys` that overlap. All pieces must be non-empty and in one document.
fn sweep(
    mut xs: Vec<(Piece, usize)>,
    mut ys: Vec<(Piece, usize)>,
    mut report: impl FnMut(usize, usize),
) {
    let key = |e: &(Piece, usize)| (e.0.start, e.0.end, e.1);
    xs.sort_unstable_by_key(key);
    ys.sort_unstable_by_key(key);
    // Open pieces of each list as `(end, index)`, earliest end on top.
    let mut open_x: BinaryHeap<Reverse<(usize, usize)>> = BinaryHeap::new();
    let mut open_y: BinaryHeap<Reverse<(usize, usize)>> = BinaryHeap::new();
    let (mut i, mut j) = (0, 0);
    // Each overlapping pair is reported when the later-starting piece of the
    // two is reached, because the other one is still open then.
    while i < xs.len() || j < ys.len() {
        if j == ys.len() || (i < xs.len() && xs[i].0.start <= ys[j].0.start) {
            let (p, x) = xs[i];
            i += 1;
            close(&mut open_y, p.start);
            if j == ys.len() && open_y.is_empty() {
                break;
            }
            for Reverse((_, y)) in open_y.iter() {
                report(x, *y);
            }
            open_x.push(Reverse((p.end, x)));
        } else {
            let (p, y) = ys[j];
            j += 1;
            close(&mut open_x, p.start);
            if i == xs.len() && open_x.is_empty() {
                break;
            }
            for Reverse((_, x)) in open_x.iter() {
                report(*x, y);
            }
            open_y.push(Reverse((p.end, y)));
        }
    }
}

/// Removes the pieces that end at or before `pos` from `open`.
fn close(open: &mut BinaryHeap<Reverse<(usize, usize)>>, pos: usize) {
    while open.peek().is_some_and(|Reverse((end, _))| *end <= pos) {
        open.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashSet;

    const EPS: f64 = 1e-12;

    fn close_to(x: f64, y: f64) -> bool {
        (x - y).abs() < EPS
    }

    fn c(doc_a: &str, a: Range<usize>, doc_b: &str, b: Range<usize>) -> Case {
        Case::new(doc_a, a, doc_b, b)
    }

    fn swap(x: &Case) -> Case {
        Case::new(x.doc_b.clone(), x.b.clone(), x.doc_a.clone(), x.a.clone())
    }

    #[track_caller]
    fn assert_scores(p: PlagDet, prec: f64, rec: f64, gran: f64, plag: f64) {
        assert!(close_to(p.precision, prec), "precision {p:?}");
        assert!(close_to(p.recall, rec), "recall {p:?}");
        assert!(close_to(p.granularity, gran), "granularity {p:?}");
        assert!(close_to(p.plagdet, plag), "plagdet {p:?}");
    }

    #[test]
    fn new_builds_fields() {
        let x = Case::new("x", 1..2, String::from("y"), 3..4);
        assert_eq!(
            x,
            Case {
                doc_a: "x".into(),
                a: 1..2,
                doc_b: "y".into(),
                b: 3..4
            }
        );
    }

    #[test]
    fn perfect_detection() {
        // r = s: prec = rec = 1, gran = 1, F1 = 1, plagdet = 1 / log2(2) = 1.
        let s = [c("a", 0..100, "b", 0..100)];
        let p = plagdet(&s, &s);
        assert_scores(p, 1.0, 1.0, 1.0, 1.0);
        assert!(close_to(p.f1, 1.0));
        assert!(close_to(p.micro_precision, 1.0) && close_to(p.micro_recall, 1.0));
        assert_eq!((p.cases, p.detections, p.detected_cases), (1, 1, 1));
    }

    #[test]
    fn half_detected_case() {
        // |s| = 100 + 100 = 200; r covers 50 + 50 = 100 of it.
        // rec = 100/200 = 0.5, prec = 100/100 = 1, gran = 1,
        // F1 = 2·1·0.5/1.5 = 2/3, plagdet = 2/3 / log2(2) = 2/3.
        let s = [c("a", 0..100, "b", 0..100)];
        let r = [c("a", 0..50, "b", 0..50)];
        let p = plagdet(&s, &r);
        assert_scores(p, 1.0, 0.5, 1.0, 2.0 / 3.0);
        assert!(close_to(p.f1, 2.0 / 3.0));
        assert!(close_to(p.micro_precision, 1.0) && close_to(p.micro_recall, 0.5));
    }

    #[test]
    fn split_detection_has_granularity_two() {
        // Two detections cover the two halves: rec = 200/200 = 1, each
        // detection has prec 1, |R_s| = 2 so gran = 2, F1 = 1,
        // plagdet = 1 / log2(3) ≈ 0.6309.
        let s = [c("a", 0..100, "b", 0..100)];
        let r = [c("a", 0..50, "b", 0..50), c("a", 50..100, "b", 50..100)];
        let p = plagdet(&s, &r);
        assert_scores(p, 1.0, 1.0, 2.0, 1.0 / 3f64.log2());
        assert!(close_to(p.f1, 1.0));
        assert_eq!(p.detected_cases, 1);
    }

    #[test]
    fn wrong_document_pair_gets_no_credit() {
        // Same spans, but pair (a, c) instead of (a, b): nothing detected.
        // prec = 0/200 = 0, rec = 0, gran = 1 (S_R empty), F1 = 0.
        let s = [c("a", 0..100, "b", 0..100)];
        let r = [c("a", 0..100, "c", 0..100)];
        let p = plagdet(&s, &r);
        assert_scores(p, 0.0, 0.0, 1.0, 0.0);
        assert_eq!(p.detected_cases, 0);
        assert!(close_to(p.micro_precision, 0.0) && close_to(p.micro_recall, 0.0));
    }

    #[test]
    fn swapped_pair_is_credited() {
        // Detection reported as (b, a) with sides swapped: same positions, so
        // everything is 1. Also works when the case itself names the
        // documents in descending order.
        let s = [c("a", 0..100, "b", 200..300)];
        let r = [c("b", 200..300, "a", 0..100)];
        assert_scores(plagdet(&s, &r), 1.0, 1.0, 1.0, 1.0);
        let s = [c("z", 10..20, "a", 30..45)];
        let r = [c("a", 30..45, "z", 10..20)];
        assert_scores(plagdet(&s, &r), 1.0, 1.0, 1.0, 1.0);
        assert_scores(plagdet(&r, &s), 1.0, 1.0, 1.0, 1.0);
    }

    #[test]
    fn one_sided_overlap_gets_no_credit() {
        // A sides coincide, B sides are disjoint: r does not detect s, so
        // prec = rec = 0 even though 100 positions are shared.
        let s = [c("a", 0..100, "b", 0..100)];
        let r = [c("a", 0..100, "b", 500..600)];
        let p = plagdet(&s, &r);
        assert_scores(p, 0.0, 0.0, 1.0, 0.0);
        assert!(close_to(p.micro_precision, 0.0) && close_to(p.micro_recall, 0.0));
        // Spans that only touch (half-open) do not overlap either.
        let r = [c("a", 0..100, "b", 100..200)];
        assert_scores(plagdet(&s, &r), 0.0, 0.0, 1.0, 0.0);
    }

    #[test]
    fn empty_inputs() {
        let s = [c("a", 0..10, "b", 0..10)];
        // Both empty: nothing to find and nothing wrongly found.
        let p = plagdet(&[], &[]);
        assert_scores(p, 1.0, 1.0, 1.0, 1.0);
        assert!(close_to(p.micro_precision, 1.0) && close_to(p.micro_recall, 1.0));
        assert_eq!((p.cases, p.detections, p.detected_cases), (0, 0, 0));
        // No detections: prec = 0 (PAN convention), rec = 0/1 = 0, gran = 1.
        let p = plagdet(&s, &[]);
        assert_scores(p, 0.0, 0.0, 1.0, 0.0);
        assert!(close_to(p.micro_precision, 0.0) && close_to(p.micro_recall, 0.0));
        // No cases: rec = 1 (vacuous), prec = 0/20 = 0, F1 = 0.
        let p = plagdet(&[], &s);
        assert_scores(p, 0.0, 1.0, 1.0, 0.0);
        assert!(close_to(p.f1, 0.0));
        assert!(close_to(p.micro_precision, 0.0) && close_to(p.micro_recall, 1.0));
    }

    #[test]
    fn overlapping_detections_not_double_counted() {
        // r1 = [0,60)×2 sides, r2 = [40,100)×2 sides. Summed they cover
        // 240 positions of s, but the union is 200 = |s|: rec = 1, not 1.2.
        // Each detection lies inside s: prec = (1 + 1)/2 = 1. gran = 2,
        // plagdet = 1 / log2(3).
        let s = [c("a", 0..100, "b", 0..100)];
        let r = [c("a", 0..60, "b", 0..60), c("a", 40..100, "b", 40..100)];
        let p = plagdet(&s, &r);
        assert_scores(p, 1.0, 1.0, 2.0, 1.0 / 3f64.log2());
        assert!(close_to(p.micro_precision, 1.0) && close_to(p.micro_recall, 1.0));
    }

    #[test]
    fn overlapping_cases_not_double_counted() {
        // One detection [0,100)×2 over two overlapping cases s1 = [0,50)×2 and
        // s2 = [40,100)×2. |∪(s ⊓ r)| = 200 = |r|, so prec = 1, not 220/200.
        // rec(s1) = 100/100, rec(s2) = 120/120; each case has one detection,
        // so gran = 1 and plagdet = 1.
        let s = [c("a", 0..50, "b", 0..50), c("a", 40..100, "b", 40..100)];
        let r = [c("a", 0..100, "b", 0..100)];
        let p = plagdet(&s, &r);
        assert_scores(p, 1.0, 1.0, 1.0, 1.0);
        assert_eq!(p.detected_cases, 2);
        assert!(close_to(p.micro_precision, 1.0) && close_to(p.micro_recall, 1.0));
    }

    #[test]
    fn detection_twice_as_long_halves_precision() {
        // |r| = 200 + 200 = 400, s ∩ r = s, 200 positions: prec = 0.5,
        // rec = 1, F1 = 2·0.5/1.5 = 2/3, gran = 1, plagdet = 2/3.
        let s = [c("a", 0..100, "b", 0..100)];
        let r = [c("a", 0..200, "b", 0..200)];
        let p = plagdet(&s, &r);
        assert_scores(p, 0.5, 1.0, 1.0, 2.0 / 3.0);
        assert!(close_to(p.micro_precision, 0.5) && close_to(p.micro_recall, 1.0));
        // Longer on one side only: |r| = 200 + 100 = 300, prec = 200/300.
        let r = [c("a", 0..200, "b", 0..100)];
        let p = plagdet(&s, &r);
        assert!(close_to(p.precision, 2.0 / 3.0));
        assert!(close_to(p.recall, 1.0));
    }

    #[test]
    fn macro_and_micro_differ() {
        // s1 (|s1| = 200) found exactly, s2 (|s2| = 20) missed.
        // Macro rec = (1 + 0)/2 = 0.5; micro rec = 200/220 = 10/11.
        // prec = 1 both ways; F1 = 2·0.5/1.5 = 2/3; plagdet = 2/3.
        let s = [c("a", 0..100, "b", 0..100), c("c", 0..10, "d", 0..10)];
        let r = [s[0].clone()];
        let p = plagdet(&s, &r);
        assert_scores(p, 1.0, 0.5, 1.0, 2.0 / 3.0);
        assert!(close_to(p.micro_recall, 10.0 / 11.0));
        assert!(close_to(p.micro_precision, 1.0));
        assert_eq!(p.detected_cases, 1);
    }

    #[test]
    fn false_positive_halves_precision() {
        // r1 = s exactly (prec 1), r2 on another pair (prec 0):
        // prec = (1 + 0)/2 = 0.5, rec = 1, F1 = 2/3, plagdet = 2/3.
        // Micro: 200 credited of |∪R| = 200 + 20 → 10/11.
        let s = [c("a", 0..100, "b", 0..100)];
        let r = [s[0].clone(), c("c", 0..10, "d", 0..10)];
        let p = plagdet(&s, &r);
        assert_scores(p, 0.5, 1.0, 1.0, 2.0 / 3.0);
        assert!(close_to(p.micro_precision, 10.0 / 11.0));
    }

    #[test]
    fn same_document_pair_matches_either_orientation() {
        // Reuse inside one document: case (a[0,10), a[100,110)) reported the
        // other way round is a perfect detection.
        let s = [c("a", 0..10, "a", 100..110)];
        let r = [c("a", 100..110, "a", 0..10)];
        assert_scores(plagdet(&s, &r), 1.0, 1.0, 1.0, 1.0);
        // Overlapping sides in one document are one set of positions:
        // |s| = |[0,15)| = 15; r = [0,5)+[10,15) gives rec = 10/15.
        let s = [c("a", 0..10, "a", 5..15)];
        let r = [c("a", 0..5, "a", 10..15)];
        let p = plagdet(&s, &r);
        assert!(close_to(p.recall, 10.0 / 15.0));
        assert!(close_to(p.precision, 1.0));
    }

    #[test]
    fn degenerate_spans() {
        // A case with an empty side cannot be detected: rec = 0, prec = 0.
        let r = [c("a", 0..10, "b", 0..10)];
        let s = [c("a", 5..5, "b", 0..10)];
        assert_scores(plagdet(&s, &r), 0.0, 0.0, 1.0, 0.0);
        // A reversed range is empty, not [5, 8).
        #[allow(clippy::reversed_empty_ranges)]
        let s = [c("a", 8..5, "b", 0..10)];
        assert_scores(plagdet(&s, &r), 0.0, 0.0, 1.0, 0.0);
        // A fully empty case contributes 0 instead of 0/0: rec = (1 + 0)/2.
        let s = [r[0].clone(), c("a", 3..3, "b", 3..3)];
        let p = plagdet(&s, &r);
        assert!(close_to(p.recall, 0.5) && close_to(p.precision, 1.0));
        assert!(p.plagdet.is_finite());
    }

    #[test]
    fn duplicate_detections_count_twice() {
        // The same detection reported twice: |R_s| = 2, gran = 2, prec and
        // rec stay 1, plagdet = 1 / log2(3).
        let s = [c("a", 0..100, "b", 0..100)];
        let r = [s[0].clone(), s[0].clone()];
        assert_scores(plagdet(&s, &r), 1.0, 1.0, 2.0, 1.0 / 3f64.log2());
    }

    #[test]
    fn many_cases_in_one_pair() {
        // 1000 disjoint cases in one pair, each found by two half detections
        // (gran = 2), plus a wide detection spanning everything on A but
        // nothing on B (no credit, so prec = 2000/2001).
        let n = 1000;
        let s: Vec<Case> = (0..n)
            .map(|i| c("a", i * 10..i * 10 + 10, "b", i * 20..i * 20 + 10))
            .collect();
        let mut r: Vec<Case> = Vec::new();
        for i in 0..n {
            r.push(c("b", i * 20..i * 20 + 5, "a", i * 10..i * 10 + 5));
            r.push(c(
                "a",
                i * 10 + 5..i * 10 + 10,
                "b",
                i * 20 + 5..i * 20 + 10,
            ));
        }
        r.push(c("a", 0..n * 10, "b", n * 20..n * 20 + 1));
        let p = plagdet(&s, &r);
        let prec = (2 * n) as f64 / (2 * n + 1) as f64;
        let f1 = 2.0 * prec / (prec + 1.0);
        assert_scores(p, prec, 1.0, 2.0, f1 / 3f64.log2());
        assert_eq!(p.detected_cases, n);
    }

    // ---- Brute-force reference for property tests ----

    type Pos = (String, usize);

    fn positions(x: &Case) -> HashSet<Pos> {
        let a = x.a.clone().map(|i| (x.doc_a.clone(), i));
        let b = x.b.clone().map(|i| (x.doc_b.clone(), i));
        a.chain(b).collect()
    }

    fn side_overlap(d1: &str, r1: &Range<usize>, d2: &str, r2: &Range<usize>) -> bool {
        d1 == d2 && r1.clone().any(|i| r2.contains(&i))
    }

    fn naive_detects(r: &Case, s: &Case) -> bool {
        let straight = side_overlap(&r.doc_a, &r.a, &s.doc_a, &s.a)
            && side_overlap(&r.doc_b, &r.b, &s.doc_b, &s.b);
        let crossed = side_overlap(&r.doc_a, &r.a, &s.doc_b, &s.b)
            && side_overlap(&r.doc_b, &r.b, &s.doc_a, &s.a);
        straight || crossed
    }

    fn naive(s: &[Case], r: &[Case]) -> PlagDet {
        let cap = |x: &Case, y: &Case| -> HashSet<Pos> {
            if naive_detects(y, x) {
                positions(x).intersection(&positions(y)).cloned().collect()
            } else {
                HashSet::new()
            }
        };
        let frac = |n: usize, d: usize| if d == 0 { 0.0 } else { n as f64 / d as f64 };
        let mut rec_sum = 0.0;
        let (mut detected, mut gran_sum) = (0, 0);
        let mut credited: HashSet<Pos> = HashSet::new();
        for x in s {
            let mut u = HashSet::new();
            let mut k = 0;
            for y in r {
                if naive_detects(y, x) {
                    k += 1;
                }
                u.extend(cap(x, y));
            }
            if k > 0 {
                detected += 1;
                gran_sum += k;
            }
            rec_sum += frac(u.len(), positions(x).len());
            credited.extend(u);
        }
        let mut prec_sum = 0.0;
        for y in r {
            let mut u = HashSet::new();
            for x in s {
                u.extend(cap(x, y));
            }
            prec_sum += frac(u.len(), positions(y).len());
        }
        let all = |v: &[Case]| v.iter().flat_map(positions).collect::<HashSet<_>>().len();
        let if_empty = if s.is_empty() { 1.0 } else { 0.0 };
        let precision = if r.is_empty() {
            if_empty
        } else {
            prec_sum / r.len() as f64
        };
        let recall = if s.is_empty() {
            1.0
        } else {
            rec_sum / s.len() as f64
        };
        let granularity = if detected == 0 {
            1.0
        } else {
            gran_sum as f64 / detected as f64
        };
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        PlagDet {
            precision,
            recall,
            granularity,
            f1,
            plagdet: f1 / (1.0 + granularity).log2(),
            micro_precision: if r.is_empty() {
                if_empty
            } else {
                frac(credited.len(), all(r))
            },
            micro_recall: if s.is_empty() {
                1.0
            } else {
                frac(credited.len(), all(s))
            },
            cases: s.len(),
            detections: r.len(),
            detected_cases: detected,
        }
    }

    fn arb_case() -> impl Strategy<Value = Case> {
        let doc = prop::sample::select(vec!["a", "b", "c"]);
        let span = (0usize..60, 0usize..25, 0usize..20).prop_map(|(start, len, rev)| {
            // Mostly ordinary spans; occasionally reversed (empty) ones.
            if rev == 0 {
                start + len..start
            } else {
                start..start + len
            }
        });
        (doc.clone(), span.clone(), doc, span).prop_map(|(da, a, db, b)| c(da, a, db, b))
    }

    fn assert_same(x: &PlagDet, y: &PlagDet) {
        let pairs = [
            (x.precision, y.precision),
            (x.recall, y.recall),
            (x.granularity, y.granularity),
            (x.f1, y.f1),
            (x.plagdet, y.plagdet),
            (x.micro_precision, y.micro_precision),
            (x.micro_recall, y.micro_recall),
        ];
        for (u, v) in pairs {
            assert!((u - v).abs() < 1e-9, "{x:?}\n{y:?}");
        }
        assert_eq!(
            (x.cases, x.detections, x.detected_cases),
            (y.cases, y.detections, y.detected_cases)
        );
    }

    proptest! {
        #[test]
        fn prop_matches_brute_force(
            s in prop::collection::vec(arb_case(), 0..8),
            r in prop::collection::vec(arb_case(), 0..8),
        ) {
            assert_same(&plagdet(&s, &r), &naive(&s, &r));
        }

        #[test]
        fn prop_bounds(
            s in prop::collection::vec(arb_case(), 0..12),
            r in prop::collection::vec(arb_case(), 0..12),
        ) {
            let p = plagdet(&s, &r);
            for v in [p.precision, p.recall, p.f1, p.plagdet, p.micro_precision, p.micro_recall] {
                prop_assert!((0.0..=1.0).contains(&v), "{p:?}");
            }
            prop_assert!(p.granularity >= 1.0);
            prop_assert!(p.plagdet <= p.f1 + EPS);
            prop_assert!(p.detected_cases <= p.cases);
            prop_assert_eq!((p.cases, p.detections), (s.len(), r.len()));
        }

        #[test]
        fn prop_invariant_under_swaps_and_order(
            s in prop::collection::vec(arb_case(), 0..10),
            r in prop::collection::vec(arb_case(), 0..10),
            flips in prop::collection::vec(any::<bool>(), 20),
        ) {
            let flip = |v: &[Case], off: usize| -> Vec<Case> {
                v.iter()
                    .enumerate()
                    .map(|(i, x)| if flips[(i + off) % 20] { swap(x) } else { x.clone() })
                    .rev()
                    .collect()
            };
            assert_same(&plagdet(&s, &r), &plagdet(&flip(&s, 0), &flip(&r, 10)));
        }

        #[test]
        fn prop_identity_scores_one(
            specs in prop::collection::vec(
                (0usize..3, 0usize..3, 1usize..50, 1usize..50, 0usize..50, 0usize..50),
                1..30,
            ),
        ) {
            // Cases in disjoint 100-byte slots never overlap each other, so
            // detecting each exactly is perfect.
            let docs = ["a", "b", "c"];
            let s: Vec<Case> = specs
                .iter()
                .enumerate()
                .map(|(i, &(da, db, la, lb, oa, ob))| {
                    let (a0, b0) = (i * 100 + oa, i * 100 + ob);
                    c(docs[da], a0..a0 + la, docs[db], b0..b0 + lb)
                })
                .collect();
            let p = plagdet(&s, &s);
            assert_same(&p, &PlagDet {
                precision: 1.0,
                recall: 1.0,
                granularity: 1.0,
                f1: 1.0,
                plagdet: 1.0,
                micro_precision: 1.0,
                micro_recall: 1.0,
                cases: s.len(),
                detections: s.len(),
                detected_cases: s.len(),
            });
        }
    }
}
