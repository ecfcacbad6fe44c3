//! Detection quality against planted ground truth, per kind of reuse.
//!
//! 1. Every planted record ([`crate::synth::Planted`]) becomes a PlagDet case: the copy's range
//!    and the source's range. Every reported passage becomes a detection.
//! 2. **Overall**: [`crate::eval::plagdet`] of all cases against all detections.
//! 3. **Per kind**: the cases of that kind against the detections that detect one of them, plus
//!    the detections that detect no case at all but lie on a document pair holding a case of
//!    that kind (false positives next to that kind's cases). So each kind's precision is charged
//!    with the noise found where that kind was planted.
//! 4. Two copies of the same source share text without a planted record between them. A
//!    detection between such siblings is left out of every measure: it is neither right nor
//!    wrong by the ground truth.
//! 5. **Labels**: a detection that detects a case is labelled right when it says `verbatim` for
//!    a syndicated copy, a verbatim passage or a lifted quote, and `reworded` for an edited copy
//!    or a light or heavy rewording.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::align::PassageKind;
use crate::eval::{plagdet, Case, PlagDet};
use crate::report::Report;
use crate::synth::{PlantKind, Planted};

/// PlagDet and labels for one kind of planted reuse.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KindQuality {
    /// The kind of reuse.
    pub kind: PlantKind,
    /// Planted cases of this kind.
    pub cases: usize,
    /// Cases detected by at least one passage.
    pub detected: usize,
    /// Macro precision (see the module docs for which detections count).
    pub precision: f64,
    /// Macro recall.
    pub recall: f64,
    /// Granularity: detections per detected case.
    pub granularity: f64,
    /// `F1 / log2(1 + granularity)`.
    pub plagdet: f64,
    /// Detections of these cases whose verbatim/reworded label was right.
    pub labels_right: usize,
    /// Detections of these cases.
    pub labelled: usize,
}

/// Quality of a report against ground truth.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Quality {
    /// All cases against all detections.
    pub overall: Measures,
    /// One entry per kind present in the ground truth, in [`PlantKind::ALL`] order.
    pub kinds: Vec<KindQuality>,
    /// Detections left out because they join two copies of one source.
    pub sibling_detections: usize,
    /// Share of labelled detections whose label was right.
    pub label_accuracy: f64,
}

/// The overall measures (no kind).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Measures {
    /// Planted cases.
    pub cases: usize,
    /// Passages reported (siblings excluded).
    pub detections: usize,
    /// Macro precision.
    pub precision: f64,
    /// Macro recall.
    pub recall: f64,
    /// Granularity.
    pub granularity: f64,
    /// PlagDet.
    pub plagdet: f64,
}

fn expected(kind: PlantKind) -> PassageKind {
    match kind {
        PlantKind::Syndicated | PlantKind::Verbatim | PlantKind::LiftedQuote => {
            PassageKind::Verbatim
        }
        PlantKind::Edited | PlantKind::LightRewording | PlantKind::HeavyRewording => {
            PassageKind::Reworded
        }
    }
}

fn ordered(x: &str, y: &str) -> (String, String) {
    if x <= y {
        (x.to_owned(), y.to_owned())
    } else {
        (y.to_owned(), x.to_owned())
    }
}

fn overlaps(a: &std::ops::Range<usize>, b: &std::ops::Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// Evaluates `report`'s passages against `planted`.
pub fn evaluate(report: &Report, planted: &[Planted]) -> Quality {
    let cases: Vec<(PlantKind, Case)> = planted
        .iter()
        .map(|p| {
            (
                p.kind,
                Case::new(
                    p.copy.clone(),
                    p.copy_start..p.copy_end,
                    p.source.clone(),
                    p.source_start..p.source_end,
                ),
            )
        })
        .collect();
    // Sibling pairs: two copies of one source.
    let mut copies_of: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for p in planted {
        copies_of.entry(&p.source).or_default().insert(&p.copy);
    }
    let mut siblings: BTreeSet<(String, String)> = BTreeSet::new();
    for copies in copies_of.values() {
        let v: Vec<&&str> = copies.iter().collect();
        for (i, x) in v.iter().enumerate() {
            for y in &v[i + 1..] {
                siblings.insert(ordered(x, y));
            }
        }
    }
    let case_pairs: BTreeSet<(String, String)> = planted
        .iter()
        .map(|p| ordered(&p.copy, &p.source))
        .collect();
    let mut sibling_detections = 0;
    // Detections with their label.
    let mut dets: Vec<(PassageKind, Case)> = Vec::new();
    for pair in &report.pairs {
        let key = ordered(&pair.a, &pair.b);
        for p in &pair.passages {
            if siblings.contains(&key) && !case_pairs.contains(&key) {
                sibling_detections += 1;
                continue;
            }
            dets.push((
                p.kind,
                Case::new(
                    pair.a.clone(),
                    p.a_start..p.a_end,
                    pair.b.clone(),
                    p.b_start..p.b_end,
                ),
            ));
        }
    }
    // Which cases each detection detects (same pair, overlap on both sides).
    let mut by_pair: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (k, (_, c)) in cases.iter().enumerate() {
        by_pair
            .entry(ordered(&c.doc_a, &c.doc_b))
            .or_default()
            .push(k);
    }
    let detects = |d: &Case, c: &Case| -> bool {
        if d.doc_a == c.doc_a && d.doc_b == c.doc_b {
            overlaps(&d.a, &c.a) && overlaps(&d.b, &c.b)
        } else if d.doc_a == c.doc_b && d.doc_b == c.doc_a {
            overlaps(&d.a, &c.b) && overlaps(&d.b, &c.a)
        } else {
            false
        }
    };
    let hits: Vec<Vec<usize>> = dets
        .iter()
        .map(|(_, d)| {
            by_pair
                .get(&ordered(&d.doc_a, &d.doc_b))
                .map(|ks| {
                    ks.iter()
                        .copied()
                        .filter(|&k| detects(d, &cases[k].1))
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect();
    let all_cases: Vec<Case> = cases.iter().map(|(_, c)| c.clone()).collect();
    let all_dets: Vec<Case> = dets.iter().map(|(_, d)| d.clone()).collect();
    let o = plagdet(&all_cases, &all_dets);
    let overall = Measures {
        cases: o.cases,
        detections: o.detections,
        precision: o.precision,
        recall: o.recall,
        granularity: o.granularity,
        plagdet: o.plagdet,
    };
    let mut kinds = Vec::new();
    let (mut right_total, mut labelled_total) = (0, 0);
    for kind in PlantKind::ALL {
        let s: Vec<Case> = cases
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, c)| c.clone())
            .collect();
        if s.is_empty() {
            continue;
        }
        let kind_pairs: BTreeSet<(String, String)> =
            s.iter().map(|c| ordered(&c.doc_a, &c.doc_b)).collect();
        let mut r = Vec::new();
        let (mut right, mut labelled) = (0, 0);
        for (d, h) in dets.iter().zip(&hits) {
            let of_kind = h.iter().any(|&k| cases[k].0 == kind);
            let stray = h.is_empty() && kind_pairs.contains(&ordered(&d.1.doc_a, &d.1.doc_b));
            if of_kind || stray {
                r.push(d.1.clone());
            }
            if of_kind {
                labelled += 1;
                if d.0 == expected(kind) {
                    right += 1;
                }
            }
        }
        let m: PlagDet = plagdet(&s, &r);
        right_total += right;
        labelled_total += labelled;
        kinds.push(KindQuality {
            kind,
            cases: m.cases,
            detected: m.detected_cases,
            precision: m.precision,
            recall: m.recall,
            granularity: m.granularity,
            plagdet: m.plagdet,
            labels_right: right,
            labelled,
        });
    }
    Quality {
        overall,
        kinds,
        sibling_detections,
        label_accuracy: if labelled_total == 0 {
            1.0
        } else {
            right_total as f64 / labelled_total as f64
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::Passage;
    use crate::report::Pair;

    fn planted(
        kind: PlantKind,
        src: &str,
        copy: &str,
        s: (usize, usize),
        c: (usize, usize),
    ) -> Planted {
        Planted {
            kind,
            source: src.into(),
            copy: copy.into(),
            edit_fraction: 0.0,
            source_start: s.0,
            source_end: s.1,
            copy_start: c.0,
            copy_end: c.1,
        }
    }

    fn passage(kind: PassageKind, a: (usize, usize), b: (usize, usize)) -> Passage {
        Passage {
            a_start: a.0,
            a_end: a.1,
            b_start: b.0,
            b_end: b.1,
            a_text: "".into(),
            b_text: "".into(),
            kind,
            similarity: 1.0,
            matched: 0,
            inserted: 0,
            deleted: 0,
            substituted: 0,
            quote: false,
            speaker: None,
            diff: vec![],
        }
    }

    #[test]
    fn perfect_detection_and_labels() {
        let truth = vec![
            planted(PlantKind::Verbatim, "s", "c", (10, 50), (0, 40)),
            planted(PlantKind::LightRewording, "s", "c", (100, 140), (60, 102)),
        ];
        let report = Report {
            pairs: vec![Pair {
                a: "c".into(),
                b: "s".into(),
                passages: vec![
                    passage(PassageKind::Verbatim, (0, 40), (10, 50)),
                    passage(PassageKind::Reworded, (60, 102), (100, 140)),
                ],
                ..Default::default()
            }],
            ..Default::default()
        };
        let q = evaluate(&report, &truth);
        assert_eq!(q.overall.plagdet, 1.0);
        assert_eq!(q.kinds.len(), 2);
        assert!(q
            .kinds
            .iter()
            .all(|k| k.plagdet == 1.0 && k.labels_right == 1));
        assert_eq!(q.label_accuracy, 1.0);
    }

    #[test]
    fn wrong_label_and_sibling_noise() {
        let truth = vec![
            planted(PlantKind::LiftedQuote, "s", "c1", (0, 20), (5, 25)),
            planted(PlantKind::LiftedQuote, "s", "c2", (0, 20), (7, 27)),
        ];
        let report = Report {
            pairs: vec![
                Pair {
                    a: "c1".into(),
                    b: "s".into(),
                    passages: vec![passage(PassageKind::Reworded, (5, 25), (0, 20))],
                    ..Default::default()
                },
                Pair {
                    a: "c1".into(),
                    b: "c2".into(),
                    passages: vec![passage(PassageKind::Verbatim, (5, 25), (7, 27))],
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        let q = evaluate(&report, &truth);
        assert_eq!(q.sibling_detections, 1);
        assert_eq!(q.label_accuracy, 0.0);
        let k = &q.kinds[0];
        assert_eq!((k.cases, k.detected), (2, 1));
        assert_eq!(k.precision, 1.0);
        assert_eq!(k.recall, 0.5);
    }
}
