//! Planted reuse in generated archives: recall and precision of near-duplicates against
//! brute-force exact Jaccard, and passage quality (PlagDet) per kind of reuse.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use reprint::shingle::{jaccard, Shingler, Shingling};
use reprint::synth::{ArchiveBuilder, PlantKind};
use reprint::{Document, Metadata, NoProgress, ScanBuilder, Warnings};

fn documents(archive: &reprint::synth::Archive) -> Vec<Document> {
    archive
        .articles
        .iter()
        .map(|a| Document {
            id: a.id.clone(),
            text: a.text.clone(),
            meta: Metadata {
                outlet: Some(a.outlet.as_str().into()),
                date: Some(a.date.as_str().into()),
                ..Default::default()
            },
            origin: a.id.clone(),
        })
        .collect()
}

/// Every pair with exact Jaccard ≥ `t`, by prefix filtering (Bayardo, Ma and Srikant 2007):
/// with shingles ordered rarest first, two sets with Jaccard ≥ t share one of the first
/// `|x| - ceil(t·|x|) + 1` shingles of each. Exact, and far cheaper than all n² pairs.
fn exact_pairs(sets: &[Vec<u64>], t: f64) -> HashMap<(u32, u32), f64> {
    let mut df: HashMap<u64, u32> = HashMap::new();
    for s in sets {
        for &h in s {
            *df.entry(h).or_default() += 1;
        }
    }
    let mut index: HashMap<u64, Vec<u32>> = HashMap::new();
    for (d, s) in sets.iter().enumerate() {
        let mut order = s.clone();
        order.sort_by_key(|h| (df[h], *h));
        let prefix = s.len() - (t * s.len() as f64).ceil() as usize + 1;
        for &h in order.iter().take(prefix) {
            index.entry(h).or_default().push(d as u32);
        }
    }
    let mut cands: HashSet<(u32, u32)> = HashSet::new();
    for docs in index.values() {
        for (i, &a) in docs.iter().enumerate() {
            for &b in &docs[i + 1..] {
                cands.insert((a.min(b), a.max(b)));
            }
        }
    }
    cands
        .into_iter()
        .filter_map(|(a, b)| {
            let (j, _) = jaccard(&sets[a as usize], &sets[b as usize]);
            (j >= t).then_some(((a, b), j))
        })
        .collect()
}

#[test]
fn near_duplicates_on_10k_articles() {
    let archive = ArchiveBuilder::new()
        .articles(10_000)
        .seed(2)
        .build()
        .collect_archive();
    let docs = documents(&archive);
    let mut shingler = Shingler::new(Shingling::Words(5));
    let sets: Vec<Vec<u64>> = docs.iter().map(|d| shingler.shingle(&d.text)).collect();
    let truth = exact_pairs(&sets, 0.5);
    let index: HashMap<&str, u32> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i as u32))
        .collect();

    let report = ScanBuilder::new()
        .threshold(0.5)
        .passages(false)
        .build()
        .unwrap()
        .scan_documents(
            docs.clone(),
            Warnings::default(),
            Instant::now(),
            &NoProgress,
        )
        .unwrap();
    let reported: HashSet<(u32, u32)> = report
        .pairs
        .iter()
        .map(|p| {
            let (a, b) = (index[p.a.as_str()], index[p.b.as_str()]);
            (a.min(b), a.max(b))
        })
        .collect();

    // Precision: nothing under 0.5 — every reported pair is a true pair, with the same value.
    for p in &report.pairs {
        let key = {
            let (a, b) = (index[p.a.as_str()], index[p.b.as_str()]);
            (a.min(b), a.max(b))
        };
        let j = truth
            .get(&key)
            .unwrap_or_else(|| panic!("reported pair below 0.5: {p:?}"));
        assert!((j - p.jaccard).abs() < 1e-4);
    }
    // Recall: at least 99% of the pairs at 0.6 or more.
    let high: Vec<&(u32, u32)> = truth
        .iter()
        .filter(|(_, &j)| j >= 0.6)
        .map(|(k, _)| k)
        .collect();
    let found = high.iter().filter(|k| reported.contains(k)).count();
    let recall = found as f64 / high.len() as f64;
    eprintln!(
        "pairs ≥ 0.6: {}, found {found} (recall {recall:.4}); pairs ≥ 0.5: {}, reported {}",
        high.len(),
        truth.len(),
        reported.len()
    );
    assert!(
        high.len() > 300,
        "the archive should plant many near-duplicates"
    );
    assert!(recall >= 0.99, "recall {recall}");
    // The command line, reading the same archive from a JSON Lines file, reports the same
    // pairs: it is held to the same recall and precision.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("archive.jsonl");
    let lines: String = docs
        .iter()
        .map(|d| serde_json::json!({"id": d.id, "text": d.text}).to_string() + "\n")
        .collect();
    std::fs::write(&path, lines).unwrap();
    let cli = crate::util::scan_json(&[path.to_str().unwrap(), "--no-passages"]);
    let from_cli: HashSet<(u32, u32)> = cli["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let (a, b) = (
                index[p["a"].as_str().unwrap()],
                index[p["b"].as_str().unwrap()],
            );
            (a.min(b), a.max(b))
        })
        .collect();
    assert_eq!(from_cli, reported);
    // With passages on (the default), pairs that only share passages are reported too, but the
    // near-duplicate verdicts are exactly the same.
    let with_passages = ScanBuilder::new()
        .threshold(0.5)
        .build()
        .unwrap()
        .scan_documents(
            docs.clone(),
            Warnings::default(),
            Instant::now(),
            &NoProgress,
        )
        .unwrap();
    let near: HashSet<(u32, u32)> = with_passages
        .pairs
        .iter()
        .filter(|p| p.near_duplicate)
        .map(|p| {
            let (a, b) = (index[p.a.as_str()], index[p.b.as_str()]);
            (a.min(b), a.max(b))
        })
        .collect();
    assert_eq!(near, reported);
    assert!(with_passages
        .pairs
        .iter()
        .all(|p| p.near_duplicate == (p.jaccard >= 0.5)));
    // Whole-article copies from the ground truth that are near-duplicates are all clustered.
    let clustered: HashSet<&str> = report
        .clusters
        .iter()
        .flat_map(|c| c.members.iter().map(String::as_str))
        .collect();
    for p in archive
        .planted
        .iter()
        .filter(|p| p.kind == PlantKind::Syndicated)
    {
        assert!(clustered.contains(p.copy.as_str()) && clustered.contains(p.source.as_str()));
    }
}

#[test]
fn passage_quality_on_planted_archive() {
    let archive = ArchiveBuilder::new()
        .articles(2_000)
        .seed(3)
        .syndicated_rate(0.05)
        .edited_rate(0.1)
        .passage_rate(0.5)
        .build()
        .collect_archive();
    let report = scan_in_memory(documents(&archive));
    let q = reprint::quality::evaluate(&report, &archive.planted);
    let kind = |k: PlantKind| q.kinds.iter().find(|x| x.kind == k).unwrap();
    eprintln!("{q:#?}");
    assert!(kind(PlantKind::Verbatim).plagdet >= 0.9);
    assert!(kind(PlantKind::LiftedQuote).plagdet >= 0.9);
    assert!(kind(PlantKind::LightRewording).plagdet >= 0.75);
    assert!(kind(PlantKind::Syndicated).plagdet >= 0.9);
    assert!(
        q.label_accuracy >= 0.95,
        "label accuracy {}",
        q.label_accuracy
    );
}

/// A long footer, the kind of boilerplate an outlet puts under every article.
const FOOTER: &str = "Share this article with your friends and family on every social network, and subscribe to our newsletter for the latest news from around the world every single morning.";

/// A statement to quote.
const HARBOUR_QUOTE: &str = "the harbour authority will not extend the deadline for the container terminal under any circumstances this year";

/// `n` generated articles (seed `seed`, no planted reuse) cut to their first paragraph, each
/// made into a text by `text(index, paragraph)`.
fn one_paragraph_articles(
    n: usize,
    seed: u64,
    text: impl Fn(usize, &str) -> String,
) -> Vec<Document> {
    let archive = ArchiveBuilder::new()
        .articles(n)
        .seed(seed)
        .syndicated_rate(0.0)
        .edited_rate(0.0)
        .passage_rate(0.0)
        .build()
        .collect_archive();
    archive
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let body = a.text.split("\n\n").next().unwrap();
            Document::new(a.id.clone(), text(i, body))
        })
        .collect()
}

/// Scans `docs` with the default settings.
fn scan_in_memory(docs: Vec<Document>) -> reprint::Report {
    ScanBuilder::new()
        .build()
        .unwrap()
        .scan_documents(docs, Warnings::default(), Instant::now(), &NoProgress)
        .unwrap()
}

#[test]
fn boilerplate_makes_no_passages() {
    // 120 short articles from one outlet all end in the same long footer; two of them also
    // share a real quote. Only the quote may come out.
    let docs = one_paragraph_articles(120, 9, |i, body| match i {
        0 | 1 => format!("{body}\n\n\"{HARBOUR_QUOTE},\" an official said.\n\n{FOOTER}"),
        _ => format!("{body}\n\n{FOOTER}"),
    });
    let report = scan_in_memory(docs);
    assert_eq!(report.pairs.len(), 1, "{:#?}", report.pairs);
    let p = &report.pairs[0].passages;
    assert_eq!(p.len(), 1);
    assert!(p[0].a_text.contains("harbour authority"));
    assert!(!p[0].a_text.contains("newsletter"));
}

#[test]
fn a_widely_carried_quote_is_found_but_not_the_footer() {
    // 80 articles of one outlet quote one statement and end in one footer: both are in more
    // documents than --max-df (50). The quote stands inside quotation marks, the footer does
    // not: only the quote comes out, each article paired with one other (a star, not all
    // 3,160 pairs), and one passage cluster gathers all 80.
    let docs = one_paragraph_articles(80, 10, |_, body| {
        format!("{body}\n\n\u{201C}{HARBOUR_QUOTE},\u{201D} an official said.\n\n{FOOTER}")
    });
    let report = scan_in_memory(docs);
    assert!(
        report.pairs.len() >= 79 && report.pairs.len() < 200,
        "{}",
        report.pairs.len()
    );
    let mut covered = HashSet::new();
    for pair in &report.pairs {
        for p in &pair.passages {
            assert!(p.a_text.contains("harbour authority"), "{p:#?}");
            assert!(!p.a_text.contains("newsletter"), "{p:#?}");
        }
        covered.insert(pair.a.clone());
        covered.insert(pair.b.clone());
    }
    assert_eq!(covered.len(), 80);
    assert!(report.passage_clusters.iter().any(|c| c.documents == 80));
}

#[test]
fn phrases_of_speech_do_not_pair_every_article() {
    // 80 articles quote someone who says "I do not think it is" (three 4-grams, quoted in every
    // article, so past --max-df they are widely quoted): a phrase, not a quotation. It must
    // not pair the first article with the 79 others.
    let docs = one_paragraph_articles(80, 11, |i, body| {
        format!("{body}\n\n\u{201C}I do not think it is {i} percent,\u{201D} an official said.")
    });
    let report = scan_in_memory(docs);
    assert_eq!(report.stats.passage_candidates, 0);
    assert!(report.pairs.is_empty(), "{:#?}", report.pairs);
}
