//! How reused text spreads: passage clusters across documents, and coverage per article.
//!
//! **Passage clusters** group the passages of all pairs into pieces of text carried by several
//! articles:
//!
//! 1. Every passage has two occurrences, `(document, byte range)` on each side.
//! 2. Within a document, occurrences that overlap by at least half of the shorter one are the
//!    same piece of text (union-find over occurrences, sweeping each document's occurrences in
//!    start order).
//! 3. Each passage links its two occurrences; the connected components are the clusters, so
//!    text reaches a cluster transitively: a quote A→B reworded and B→C verbatim is one cluster.
//! 4. A member is one merged occurrence: its document, its byte range (the union of the merged
//!    ranges) and its text. The **likely source** is the earliest-dated member; when no member
//!    has a date the cluster says so instead of guessing, and a tie on the earliest date names
//!    no source either. The **canonical text** is the source's text, or without a source the
//!    longest member's. Each member is `verbatim` when its normalised words equal the
//!    canonical text's, else `reworded`.
//! 5. Clusters are ranked by distinct outlets, then documents, then canonical text.
//!
//! **Coverage** is, per article, the share of its words that lie inside some passage shared with
//! another article, and the same share broken down by the matching article and by its outlet.
//! Only articles with some reuse are listed, most-copied first.

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::align::PassageKind;
use crate::cluster::UnionFind;
use crate::corpus::Metadata;
use crate::report::Pair;
use crate::tokenize::{for_each_word, tokenize};

/// A piece of text carried by several documents.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PassageCluster {
    /// The canonical text: the likely source's, or the longest member's.
    pub text: Arc<str>,
    /// Distinct documents carrying it.
    pub documents: usize,
    /// Distinct outlets carrying it (documents without an outlet count as their own).
    pub outlets: usize,
    /// The id of the likely source: the earliest-dated member. `None` when it cannot be told.
    pub source: Option<String>,
    /// Why `source` is what it is: `earliest date`, `no dates`, or `tie on earliest date`.
    pub source_reason: String,
    /// The occurrences, ordered by date (undated last), then document id, then offset.
    pub members: Vec<ClusterMember>,
}

impl PassageCluster {
    /// True when some member's outlet is known. Without outlets each document counts as its
    /// own outlet, so `outlets` then says no more than `documents`.
    pub fn outlets_known(&self) -> bool {
        self.members.iter().any(|m| m.outlet.is_some())
    }
}

/// One occurrence of a clustered passage.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ClusterMember {
    /// Document id.
    pub doc: String,
    /// Start byte in the document.
    pub start: usize,
    /// End byte (half-open).
    pub end: usize,
    /// `verbatim` or `reworded` against the cluster's canonical text.
    pub kind: PassageKind,
    /// The document's outlet, when known (shared with the document's metadata).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet: Option<Arc<str>>,
    /// The document's date, when known (shared with the document's metadata).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Arc<str>>,
    /// The member's original text.
    pub text: Arc<str>,
}

/// How much of one article was found in others.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    /// Document id.
    pub doc: String,
    /// Words in the document.
    pub words: usize,
    /// Words inside a passage shared with any other document.
    pub reused_words: usize,
    /// `reused_words / words`.
    pub share: f64,
    /// Per matching document: the words shared with it, most first.
    pub by_document: Vec<CoverageShare>,
    /// Per outlet of the matching documents (when outlets are known), most first.
    pub by_outlet: Vec<CoverageShare>,
}

/// Words of an article shared with one other article or outlet.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CoverageShare {
    /// The other document's id, or the outlet's name.
    pub name: String,
    /// Words of this article inside passages shared with it.
    pub words: usize,
    /// `words` over the article's words.
    pub share: f64,
}

/// Each involved document's metadata, by id, borrowed from wherever the documents are listed.
pub type MetaIndex<'m> = BTreeMap<&'m str, &'m Metadata>;

/// An occurrence during clustering, borrowed from its pair and passage.
struct Occ<'p> {
    doc: &'p str,
    start: usize,
    end: usize,
    text: &'p Arc<str>,
}

/// Groups the passages of `pairs` into clusters. `meta` gives each document's metadata.
pub fn passage_clusters(pairs: &[Pair], meta: &MetaIndex<'_>) -> Vec<PassageCluster> {
    let mut occs: Vec<Occ> = Vec::new();
    let mut links: Vec<(u32, u32)> = Vec::new();
    for pair in pairs {
        for p in &pair.passages {
            let a = occs.len() as u32;
            occs.push(Occ {
                doc: &pair.a,
                start: p.a_start,
                end: p.a_end,
                text: &p.a_text,
            });
            occs.push(Occ {
                doc: &pair.b,
                start: p.b_start,
                end: p.b_end,
                text: &p.b_text,
            });
            links.push((a, a + 1));
        }
    }
    let mut uf = UnionFind::new(occs.len());
    for &(x, y) in &links {
        uf.union(x, y);
    }
    // Merge overlapping occurrences within each document.
    let mut order: Vec<u32> = (0..occs.len() as u32).collect();
    order.sort_by(|&x, &y| {
        let (p, q) = (&occs[x as usize], &occs[y as usize]);
        (p.doc, p.start, p.end).cmp(&(q.doc, q.start, q.end))
    });
    let mut k = 0;
    while k < order.len() {
        let mut e = k + 1;
        while e < order.len() && occs[order[e] as usize].doc == occs[order[k] as usize].doc {
            e += 1;
        }
        // Sweep this document's occurrences; compare each with those still open.
        let doc_occs = &order[k..e];
        for (x, &i) in doc_occs.iter().enumerate() {
            let oi = &occs[i as usize];
            for &j in &doc_occs[x + 1..] {
                let oj = &occs[j as usize];
                if oj.start >= oi.end {
                    break;
                }
                let overlap = oi.end.min(oj.end) - oj.start.max(oi.start);
                let shorter = (oi.end - oi.start).min(oj.end - oj.start);
                if overlap * 2 >= shorter {
                    uf.union(i, j);
                }
            }
        }
        k = e;
    }
    // Components → members: merged occurrences per (component, document, overlapping group).
    // Each occurrence's (component, rank in `order`), sorted: a component's occurrences become
    // adjacent and stay in (document, start) order.
    let mut by_comp: Vec<(u32, u32)> = order
        .iter()
        .enumerate()
        .map(|(rank, &i)| (uf.find(i), rank as u32))
        .collect();
    by_comp.sort_unstable();
    let ids: Vec<u32> = by_comp
        .iter()
        .map(|&(_, rank)| order[rank as usize])
        .collect();
    let bounds = run_bounds(&by_comp, |c| c.0);
    drop(by_comp);
    let mut out: Vec<PassageCluster> = bounds
        .par_windows(2)
        .map(|w| build_cluster(&occs, &ids[w[0]..w[1]], meta))
        .filter(|c| c.documents >= 2)
        .collect();
    out.sort_by(|x, y| {
        y.outlets
            .cmp(&x.outlets)
            .then(y.documents.cmp(&x.documents))
            .then_with(|| x.text.cmp(&y.text))
    });
    out
}

fn build_cluster(occs: &[Occ<'_>], ids: &[u32], meta: &MetaIndex<'_>) -> PassageCluster {
    // `ids` are in (doc, start) order: merge overlapping ones of the same document.
    let mut members: Vec<ClusterMember> = Vec::new();
    for &i in ids {
        let o = &occs[i as usize];
        if let Some(m) = members.last_mut() {
            if m.doc == o.doc && o.start < m.end {
                if o.end > m.end {
                    // Extend the member's text with the part of `o` past its end.
                    let extra = o.end - m.end;
                    let mut text = String::with_capacity(m.text.len() + extra);
                    text.push_str(&m.text);
                    text.push_str(&o.text[o.text.len() - extra..]);
                    m.text = text.into();
                    m.end = o.end;
                }
                continue;
            }
        }
        let md = meta.get(o.doc);
        members.push(ClusterMember {
            doc: o.doc.to_owned(),
            start: o.start,
            end: o.end,
            kind: PassageKind::Reworded,
            outlet: md.and_then(|m| m.outlet.clone()),
            date: md.and_then(|m| m.date.clone()),
            text: Arc::clone(o.text),
        });
    }
    let documents = {
        let mut d: Vec<&str> = members.iter().map(|m| m.doc.as_str()).collect();
        d.dedup();
        d.len()
    };
    let outlets = {
        let mut o: Vec<String> = members
            .iter()
            .map(|m| match &m.outlet {
                Some(o) => format!("outlet:{o}"),
                None => format!("doc:{}", m.doc),
            })
            .collect();
        o.sort();
        o.dedup();
        o.len()
    };
    let earliest = members.iter().filter_map(|m| m.date.as_deref()).min();
    let (source, source_reason) = match earliest {
        None => (None, "no dates"),
        Some(d) => {
            let mut at: Vec<&str> = members
                .iter()
                .filter(|m| m.date.as_deref() == Some(d))
                .map(|m| m.doc.as_str())
                .collect();
            at.dedup();
            if at.len() == 1 {
                (Some(at[0].to_owned()), "earliest date")
            } else {
                (None, "tie on earliest date")
            }
        }
    };
    // Each member as read (HTML markup decoded): its length and its words, once.
    let read: Vec<(usize, Vec<u64>)> = members
        .iter()
        .map(|m| {
            let view = crate::markup::decoded(&m.text);
            let mut toks = Vec::new();
            tokenize(&view, &mut toks);
            (view.len(), toks.into_iter().map(|t| t.hash).collect())
        })
        .collect();
    let canon = match &source {
        Some(s) => members.iter().position(|m| &m.doc == s),
        // Longest as read: a member that carries HTML markup is not longer for it.
        None => (0..members.len()).max_by_key(|&k| (read[k].0, std::cmp::Reverse(&members[k].doc))),
    };
    let canonical = canon.map(|k| members[k].text.clone()).unwrap_or_default();
    for (m, (_, words)) in members.iter_mut().zip(&read) {
        m.kind = if canon.is_some_and(|k| *words == read[k].1) {
            PassageKind::Verbatim
        } else {
            PassageKind::Reworded
        };
    }
    members.sort_by(|x, y| {
        let key = |m: &ClusterMember| (m.date.is_none(), m.date.clone(), m.doc.clone(), m.start);
        key(x).cmp(&key(y))
    });
    PassageCluster {
        text: canonical,
        documents,
        outlets,
        source,
        source_reason: source_reason.to_owned(),
        members,
    }
}

/// Partner id → byte ranges of one document shared with that partner.
type Partners<'p> = BTreeMap<&'p str, Vec<(usize, usize)>>;

/// Where each run of equal keys starts in `items` (sorted by key), then `items.len()`: the runs
/// are the windows of two.
fn run_bounds<T, K: PartialEq>(items: &[T], key: impl Fn(&T) -> K) -> Vec<usize> {
    let mut bounds = Vec::new();
    let mut k = 0;
    while k < items.len() {
        bounds.push(k);
        let first = key(&items[k]);
        k += items[k..].iter().take_while(|x| key(x) == first).count();
    }
    bounds.push(items.len());
    bounds
}

/// One side of one passage: its document, the partner document, its range in the document, and
/// the document's number of words (when known).
type Side<'p> = (&'p str, &'p str, (usize, usize), usize);

/// Groups passage sides by document and calls `each(document, words, partners)` on every
/// document, in parallel; results in document order. One flat sort instead of a map of maps:
/// at 1M articles there are about 900k sides, and only one document's partners are built at a
/// time per thread.
fn per_document<'p, T, F>(mut sides: Vec<Side<'p>>, each: F) -> Vec<T>
where
    T: Send,
    F: Fn(&'p str, usize, Partners<'p>) -> T + Sync,
{
    sides.par_sort_unstable();
    run_bounds(&sides, |s| s.0)
        .par_windows(2)
        .map(|w| {
            let run = &sides[w[0]..w[1]];
            let mut partners = Partners::new();
            for &(_, partner, range, _) in run {
                partners.entry(partner).or_default().push(range);
            }
            each(run[0].0, run[0].3, partners)
        })
        .collect()
}

/// Coverage of every document that shares passages. `word_starts` gives the byte offset of each
/// word of a document, by id ([`word_starts`] of its text; `None` when it is unknown); it is
/// called once per document, from several threads, so the texts need not all be in memory.
pub fn coverage<F, E>(
    pairs: &[Pair],
    meta: &MetaIndex<'_>,
    word_starts: F,
) -> Result<Vec<Coverage>, E>
where
    F: Fn(&str) -> Result<Option<Vec<usize>>, E> + Sync,
    E: Send,
{
    let sides = pairs
        .iter()
        .flat_map(|pair| {
            pair.passages.iter().flat_map(move |p| {
                [
                    (pair.a.as_str(), pair.b.as_str(), (p.a_start, p.a_end), 0),
                    (pair.b.as_str(), pair.a.as_str(), (p.b_start, p.b_end), 0),
                ]
            })
        })
        .collect();
    let per_doc: Vec<Option<Coverage>> = per_document(sides, |doc, _, partners| {
        Ok(word_starts(doc)?.and_then(|starts| {
            let count = |rs: &[(usize, usize)]| words_inside(&starts, rs);
            coverage_of(doc, starts.len(), &count, &partners, meta)
        }))
    })
    .into_iter()
    .collect::<Result<_, E>>()?;
    let mut out: Vec<Coverage> = per_doc.into_iter().flatten().collect();
    out.sort_by(|x, y| y.share.total_cmp(&x.share).then_with(|| x.doc.cmp(&y.doc)));
    Ok(out)
}

/// Byte offsets of the words of `text`, in order: what [`coverage`] needs of a document.
pub fn word_starts(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    for_each_word(text, |s, _, _| starts.push(s));
    starts
}

/// What [`coverage_from_words`] needs of one reported pair, beside its passages: each side's
/// number of words and each passage's words on each side, as half-open word-index ranges.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PairWords {
    /// Words of document `a`.
    pub a_words: usize,
    /// Words of document `b`.
    pub b_words: usize,
    /// Per passage, in the order of the pair's passages: its word range in `a`, then in `b`.
    pub ranges: Vec<((usize, usize), (usize, usize))>,
}

/// [`coverage`] from word ranges the aligner already found (`words[i]` belongs to
/// `pairs[i]`): no text is read.
pub fn coverage_from_words(
    pairs: &[Pair],
    words: &[PairWords],
    meta: &MetaIndex<'_>,
) -> Vec<Coverage> {
    let sides = pairs
        .iter()
        .zip(words)
        .flat_map(|(pair, w)| {
            w.ranges.iter().flat_map(move |&(ra, rb)| {
                [
                    (pair.a.as_str(), pair.b.as_str(), ra, w.a_words),
                    (pair.b.as_str(), pair.a.as_str(), rb, w.b_words),
                ]
            })
        })
        .collect();
    let mut out: Vec<Coverage> = per_document(sides, |doc, words, partners| {
        coverage_of(doc, words, &merged_len, &partners, meta)
    })
    .into_iter()
    .flatten()
    .collect();
    out.sort_by(|x, y| y.share.total_cmp(&x.share).then_with(|| x.doc.cmp(&y.doc)));
    out
}

/// Counts the words a set of ranges of one document covers.
type WordCounter<'c> = dyn Fn(&[(usize, usize)]) -> usize + 'c;

/// The coverage of one document of `words` words; `count` says how many words a set of its
/// ranges covers (the ranges are in bytes or in words, as `count` understands them).
fn coverage_of(
    doc: &str,
    words: usize,
    count: &WordCounter,
    partners: &Partners,
    meta: &MetaIndex<'_>,
) -> Option<Coverage> {
    if words == 0 {
        return None;
    }
    let share = |n: usize| (n as f64 / words as f64 * 1e4).round() / 1e4;
    // Shares sorted largest first (ties by name) from (name, word ranges).
    let shares = |named: Vec<(String, &[(usize, usize)])>| {
        let mut out: Vec<CoverageShare> = named
            .into_iter()
            .map(|(name, rs)| {
                let n = count(rs);
                CoverageShare {
                    name,
                    words: n,
                    share: share(n),
                }
            })
            .collect();
        out.sort_by(|x, y| y.words.cmp(&x.words).then_with(|| x.name.cmp(&y.name)));
        out
    };
    let all: Vec<(usize, usize)> = partners.values().flatten().copied().collect();
    let mut by_outlet_ranges: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    for (partner, rs) in partners {
        if let Some(o) = meta.get(*partner).and_then(|m| m.outlet.as_deref()) {
            by_outlet_ranges.entry(o).or_default().extend(rs);
        }
    }
    let by_document = shares(
        partners
            .iter()
            .map(|(p, rs)| ((*p).to_owned(), rs.as_slice()))
            .collect(),
    );
    let by_outlet = shares(
        by_outlet_ranges
            .iter()
            .map(|(o, rs)| ((*o).to_owned(), rs.as_slice()))
            .collect(),
    );
    let reused = count(&all);
    Some(Coverage {
        doc: doc.to_owned(),
        words,
        reused_words: reused,
        share: share(reused),
        by_document,
        by_outlet,
    })
}

/// The union of half-open `ranges`, sorted and merged.
fn merge(ranges: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut rs = ranges.to_vec();
    rs.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(rs.len());
    for (a, b) in rs {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    merged
}

/// How many positions the union of half-open `ranges` covers.
fn merged_len(ranges: &[(usize, usize)]) -> usize {
    merge(ranges).iter().map(|(a, b)| b - a).sum()
}

/// How many of the sorted word `starts` fall inside the union of the byte `ranges`: the ranges
/// are sorted and merged, then one walk over both lists.
fn words_inside(starts: &[usize], ranges: &[(usize, usize)]) -> usize {
    let merged = merge(ranges);
    let mut n = 0;
    let mut k = 0;
    for &s in starts {
        while k < merged.len() && merged[k].1 <= s {
            k += 1;
        }
        if k == merged.len() {
            break;
        }
        if s >= merged[k].0 {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::Passage;

    fn passage(a: (usize, usize, &str), b: (usize, usize, &str)) -> Passage {
        Passage {
            a_start: a.0,
            a_end: a.1,
            b_start: b.0,
            b_end: b.1,
            a_text: a.2.into(),
            b_text: b.2.into(),
            kind: PassageKind::Verbatim,
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

    fn pair(a: &str, b: &str, ps: Vec<Passage>) -> Pair {
        Pair {
            a: a.into(),
            b: b.into(),
            passages: ps,
            ..Default::default()
        }
    }

    fn meta(outlet: &str, date: Option<&str>) -> Metadata {
        Metadata {
            outlet: Some(outlet.into()),
            date: date.map(Arc::from),
            ..Default::default()
        }
    }

    #[test]
    fn clusters_link_transitively_and_find_the_source() {
        let q = "we will be prepared to look at them";
        let r = "we'll be prepared to look at them";
        let pairs = vec![
            pair("x", "y", vec![passage((10, 45, q), (0, 35, q))]),
            pair("y", "z", vec![passage((2, 35, &q[2..]), (5, 38, r))]),
        ];
        let (a, b, z) = (
            meta("A", Some("2018-03-02")),
            meta("B", Some("2018-03-01")),
            meta("B", None),
        );
        let m: MetaIndex = [("x", &a), ("y", &b), ("z", &z)].into();
        let c = passage_clusters(&pairs, &m);
        assert_eq!(c.len(), 1);
        let c = &c[0];
        assert_eq!((c.documents, c.outlets), (3, 2));
        assert_eq!(c.source.as_deref(), Some("y"));
        assert_eq!(c.source_reason, "earliest date");
        let docs: Vec<&str> = c.members.iter().map(|m| m.doc.as_str()).collect();
        assert_eq!(docs, ["y", "x", "z"]);
        assert_eq!(c.members[1].kind, PassageKind::Verbatim);
        assert_eq!(c.members[2].kind, PassageKind::Reworded);
    }

    #[test]
    fn words_inside_merges_ranges() {
        let starts = [0, 4, 8, 12, 16, 20];
        assert_eq!(words_inside(&starts, &[(4, 13), (0, 1), (8, 9)]), 4);
        assert_eq!(words_inside(&starts, &[]), 0);
        assert_eq!(words_inside(&starts, &[(21, 30)]), 0);
        assert_eq!(words_inside(&starts, &[(0, 100)]), 6);
    }

    #[test]
    fn no_dates_no_source() {
        let q = "some quoted words that travel";
        let pairs = vec![pair("x", "y", vec![passage((0, 29, q), (5, 34, q))])];
        let c = passage_clusters(&pairs, &BTreeMap::new());
        assert_eq!(c[0].source, None);
        assert_eq!(c[0].source_reason, "no dates");
        assert_eq!(c[0].outlets, 2);
    }

    #[test]
    fn markup_does_not_make_a_member_the_longest() {
        // `x` carries the quote as HTML, longer in bytes; `y`'s plain text is longer as read.
        let q = "some <b>quoted</b> words that travel";
        let r = "some quoted words that travel far";
        let pairs = vec![pair(
            "x",
            "y",
            vec![passage((0, q.len(), q), (5, 5 + r.len(), r))],
        )];
        let c = passage_clusters(&pairs, &BTreeMap::new());
        assert!(q.len() > r.len());
        assert_eq!(&*c[0].text, r);
        // Verbatim or not is judged on the decoded words too.
        assert_eq!(c[0].members[0].kind, PassageKind::Reworded);
        let same = "some quoted words that travel";
        let pairs = vec![pair(
            "x",
            "y",
            vec![passage((0, q.len(), q), (5, 34, same))],
        )];
        let c = passage_clusters(&pairs, &BTreeMap::new());
        assert!(c[0].members.iter().all(|m| m.kind == PassageKind::Verbatim));
    }

    #[test]
    fn coverage_counts_words_once() {
        let text_x = "one two three four five six seven eight nine ten";
        let text_y = "alpha one two three beta";
        let pairs = vec![
            pair("x", "y", vec![passage((0, 13, ""), (6, 19, ""))]),
            pair("w", "x", vec![passage((0, 5, ""), (4, 18, ""))]),
        ];
        let texts: BTreeMap<&str, &str> =
            [("x", text_x), ("y", text_y), ("w", "gamma delta")].into();
        let b = meta("B", None);
        let m: MetaIndex = [("y", &b)].into();
        let cov = coverage(&pairs, &m, |d| {
            Ok::<_, ()>(texts.get(d).map(|t| word_starts(t)))
        })
        .unwrap();
        let x = cov.iter().find(|c| c.doc == "x").unwrap();
        // Words 1–3 from y, 2–4 from w: four distinct words of ten.
        assert_eq!((x.words, x.reused_words, x.share), (10, 4, 0.4));
        assert_eq!(x.by_document[0].name, "w");
        assert_eq!(x.by_document[0].words, 3);
        assert_eq!(x.by_outlet.len(), 1);
        assert_eq!(x.by_outlet[0].name, "B");
    }

    #[test]
    fn word_ranges_give_the_same_coverage_as_texts() {
        let texts: BTreeMap<&str, &str> = [
            ("x", "one two three four five six seven eight nine ten"),
            ("y", "alpha one two three beta"),
            ("w", "gamma delta"),
        ]
        .into();
        let pairs = vec![
            pair("x", "y", vec![passage((0, 13, ""), (6, 19, ""))]),
            pair("w", "x", vec![passage((0, 5, ""), (4, 18, ""))]),
        ];
        let words = vec![
            PairWords {
                a_words: 10,
                b_words: 5,
                ranges: vec![((0, 3), (1, 4))],
            },
            PairWords {
                a_words: 2,
                b_words: 10,
                ranges: vec![((0, 1), (1, 4))],
            },
        ];
        let b = meta("B", None);
        let m: MetaIndex = [("y", &b)].into();
        let from_texts = coverage(&pairs, &m, |d| {
            Ok::<_, ()>(texts.get(d).map(|t| word_starts(t)))
        })
        .unwrap();
        assert_eq!(coverage_from_words(&pairs, &words, &m), from_texts);
    }
}
