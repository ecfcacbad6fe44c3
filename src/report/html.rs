//! A self-contained HTML report: one file, inline CSS, no network requests, readable with
//! JavaScript off.
//!
//! The page shows, top to bottom:
//!
//! 1. **Summary**: counts, elapsed time, the settings of the scan and any input warnings.
//! 2. **Coverage**: per article with reused text, a bar of the share of its words found in other
//!    articles, split by matching article ([`crate::spread::Coverage`]).
//! 3. **Passage clusters**: each piece of text carried by several articles, its canonical text,
//!    its members (outlet, date, `verbatim`/`reworded`) and its likely source, or the reason
//!    there is none ([`crate::spread::PassageCluster`]).
//! 4. **Near-duplicates**: the near-duplicate pairs and their clusters.
//! 5. **Pairs**: the first [`HtmlOptions::max_side_by_side`] pairs get a side-by-side view of both
//!    full texts with every reused passage highlighted, as a `<mark class="passage">` on each
//!    side; inside reworded passages the word-level diff marks deleted and replaced words of `a`
//!    with `<del>` and inserted and replacing words of `b` with `<ins>`. Further pairs, up to
//!    [`HtmlOptions::max_pairs`], list their passages only. Each pair is a `<details>` element,
//!    so a long report stays quick to lay out.
//! 6. **Documents**: every document of a listed pair with its metadata and its pairs.
//!
//! Everything links: cluster members jump to their passage in a pair view, coverage rows to the
//! pair with each matching article, pairs to their documents, documents to their pairs. The two
//! marks of a passage link to each other.
//!
//! The renderer only formats. It slices the texts it is given at the byte offsets the passages
//! carry, builds lookup tables for the links, and decides what to show within the limits of
//! [`HtmlOptions`]; every number on the page comes from the [`Report`].
//!
//! ## Escaping
//!
//! Article text, ids and metadata are untrusted. Every such string is written through one
//! escaper that replaces `&`, `<`, `>`, `"` and `'` by entities (and NUL by U+FFFD), both in
//! text and in attribute values, and attribute values are always double-quoted. Anchors and
//! `id` attributes are derived from positions, never from input: `doc-3` (third document in
//! input order), `pair-12` (twelfth pair), `p12-2-a` (passage 2 of pair 12, side `a`). No input
//! reaches the `<style>` or `<script>` elements, which are constants. A document URL becomes a
//! link only when it starts with `http://` or `https://`. Finally a Content-Security-Policy
//! allows no loads at all (`default-src 'none'`), inline styles, and only the page's own script,
//! by hash: a missed escape could neither run script nor fetch anything.
//!
//! ## Size
//!
//! A side-by-side view holds both full texts, so it costs about the two articles' bytes plus
//! the markup. The limits in [`HtmlOptions`] bound the page whatever the corpus size;
//! `docs/html-report.md` gives measured sizes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::{self, Write};

use super::{Pair, Report};
use crate::align::{DiffOp, Passage};
use crate::corpus::Metadata;
use crate::tokenize::floor_boundary;

/// The page's stylesheet, inlined into `<style>`.
const CSS: &str = include_str!("assets/report.css");

/// The page's optional script (sorting, filtering, passage highlighting), inlined into
/// `<script>`.
const SCRIPT: &str = include_str!("assets/report.js");

/// Base64 SHA-256 of [`SCRIPT`], for the Content-Security-Policy. A unit test checks it; after
/// editing the script, update it with
/// `printf %s "$(cat src/report/assets/report.js)" | openssl dgst -sha256 -binary | base64`
/// (or copy the hash the failing test prints).
const SCRIPT_SHA256: &str = "csHRCJbEOC8ltQIY3d9XS8Wb2qZccZHbHBgZT3D42ZQ=";

/// How many matching documents a coverage row shows.
const MAX_PARTNERS: usize = 8;

/// How many passage links a passage-cluster member shows.
const MAX_MEMBER_LINKS: usize = 6;

/// How many pair links a document row shows.
const MAX_DOC_PAIRS: usize = 12;

/// What the HTML report shows. Build with [`HtmlOptions::new`] and the setters.
#[derive(Clone, Debug)]
pub struct HtmlOptions {
    max_side_by_side: usize,
    open_side_by_side: usize,
    max_pairs: usize,
    max_clusters: usize,
    max_cluster_members: usize,
    max_coverage: usize,
}

impl Default for HtmlOptions {
    fn default() -> Self {
        HtmlOptions {
            max_side_by_side: 200,
            open_side_by_side: 3,
            max_pairs: 1_000,
            max_clusters: 500,
            max_cluster_members: 50,
            max_coverage: 1_000,
        }
    }
}

impl HtmlOptions {
    /// Options with every default.
    pub fn new() -> HtmlOptions {
        HtmlOptions::default()
    }

    /// How many pairs, in report order, get a side-by-side view of both full texts. Default:
    /// 200.
    pub fn max_side_by_side(&mut self, n: usize) -> &mut Self {
        self.max_side_by_side = n;
        self
    }

    /// How many side-by-side views start expanded; the others are collapsed `<details>`.
    /// Default: 3.
    pub fn open_side_by_side(&mut self, n: usize) -> &mut Self {
        self.open_side_by_side = n;
        self
    }

    /// How many pairs, in report order, are listed at all (side by side or with their passages
    /// only); the page counts the rest. Default: 1,000.
    pub fn max_pairs(&mut self, n: usize) -> &mut Self {
        self.max_pairs = n;
        self
    }

    /// How many passage clusters, and separately how many near-duplicate clusters, are shown.
    /// Default: 500.
    pub fn max_clusters(&mut self, n: usize) -> &mut Self {
        self.max_clusters = n;
        self
    }

    /// How many members each cluster shows. Default: 50.
    pub fn max_cluster_members(&mut self, n: usize) -> &mut Self {
        self.max_cluster_members = n;
        self
    }

    /// How many coverage rows are shown. Default: 1,000.
    pub fn max_coverage(&mut self, n: usize) -> &mut Self {
        self.max_coverage = n;
        self
    }

    fn listed_pairs(&self, report: &Report) -> usize {
        report.pairs.len().min(self.max_pairs)
    }

    fn side_by_side(&self, report: &Report) -> usize {
        self.listed_pairs(report).min(self.max_side_by_side)
    }
}

/// The ids of the documents whose full text [`write_html`] needs: both sides of every pair that
/// gets a side-by-side view. A caller keeps only these texts in memory.
pub fn documents_needing_text<'r>(report: &'r Report, opts: &HtmlOptions) -> BTreeSet<&'r str> {
    report.pairs[..opts.side_by_side(report)]
        .iter()
        .flat_map(|p| [p.a.as_str(), p.b.as_str()])
        .collect()
}

/// Writes `s` with `& < > " '` replaced by entities (and NUL by U+FFFD): safe in text and in
/// double-quoted attribute values.
struct Esc<'a>(&'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        let mut last = 0;
        for (i, b) in s.bytes().enumerate() {
            let rep = match b {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                b'\'' => "&#39;",
                b'\0' => "\u{FFFD}",
                _ => continue,
            };
            // The replaced bytes are ASCII, so `i` is a char boundary.
            f.write_str(&s[last..i])?;
            f.write_str(rep)?;
            last = i + 1;
        }
        f.write_str(&s[last..])
    }
}

/// A piece of a document as the detectors read it, escaped: HTML markup left in the text has
/// its tags laid out and its character references decoded ([`crate::markup::readable`]), so a
/// page's `&#8217;` reads `’` and its `<em>` is not shown as text. Offsets in the report still
/// count bytes of the text as given. Pieces are cut where passages and diff segments start and
/// end, which is never inside a tag or a reference.
struct Read<'a>(&'a str);

impl fmt::Display for Read<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Esc(&crate::markup::readable(self.0)).fmt(f)
    }
}

/// `12345` → `12,345`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `n` and the noun in the right number: `1 pair`, `2,000 pairs`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!(
        "{} {}",
        thousands(n as u64),
        super::noun(n as u64, one, many)
    )
}

/// A share in `[0, 1]` as a percentage with one decimal.
fn pct(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// A share as a CSS length in `unit` (`%`, or `cqw` for a share of the bar's width), clamped to
/// `[0, 100]`.
fn css_share(share: f64, unit: &str) -> String {
    let v = if share.is_finite() {
        (share * 100.0).clamp(0.0, 100.0)
    } else {
        0.0
    };
    format!("{v:.2}{unit}")
}

fn elapsed(ms: u64) -> String {
    if ms < 1_000 {
        format!("{ms} ms")
    } else {
        format!("{:.1} s", ms as f64 / 1_000.0)
    }
}

/// Which side of a pair.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    A,
    B,
}

impl Side {
    fn letter(self) -> &'static str {
        match self {
            Side::A => "a",
            Side::B => "b",
        }
    }

    fn other(self) -> Side {
        match self {
            Side::A => Side::B,
            Side::B => Side::A,
        }
    }

    fn range(self, p: &Passage) -> (usize, usize) {
        match self {
            Side::A => (p.a_start, p.a_end),
            Side::B => (p.b_start, p.b_end),
        }
    }

    fn text(self, p: &Passage) -> &str {
        match self {
            Side::A => &p.a_text,
            Side::B => &p.b_text,
        }
    }

    /// This side's text of a diff segment (from [`Passage::diff_texts`]).
    fn diff_part<'p>(self, (_, a, b): (DiffOp, &'p str, &'p str)) -> &'p str {
        match self {
            Side::A => a,
            Side::B => b,
        }
    }

    fn id(self, pair: &Pair) -> &str {
        match self {
            Side::A => &pair.a,
            Side::B => &pair.b,
        }
    }
}

/// The page being written, with the lookup tables its links need.
struct Page<'r, W> {
    out: W,
    report: &'r Report,
    texts: &'r BTreeMap<String, String>,
    opts: &'r HtmlOptions,
    /// Pairs listed on the page: `report.pairs[..listed]`.
    listed: usize,
    /// Pairs with a side-by-side view (when both texts are at hand): `report.pairs[..sbs]`.
    sbs: usize,
    /// Listed document id → its 1-based position in `report.documents` (its anchor).
    docs: BTreeMap<&'r str, usize>,
    /// Document id → metadata, for every document in the report.
    meta: BTreeMap<&'r str, &'r Metadata>,
    /// Document id → indexes of the pairs it belongs to, in report order.
    pairs_of: BTreeMap<&'r str, Vec<usize>>,
    /// `(a, b)` → pair index.
    pair_index: BTreeMap<(&'r str, &'r str), usize>,
}

/// Writes the report as one self-contained HTML page.
///
/// `texts` maps document ids to their full original text; the side-by-side views need the
/// texts of [`documents_needing_text`], and a pair whose texts are missing lists its passages
/// only. Output depends only on the arguments.
pub fn write_html<W: Write>(
    report: &Report,
    texts: &BTreeMap<String, String>,
    opts: &HtmlOptions,
    out: W,
) -> io::Result<()> {
    let listed = opts.listed_pairs(report);
    let sbs = opts.side_by_side(report);
    let mut pairs_of: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut pair_index = BTreeMap::new();
    for (k, p) in report.pairs.iter().enumerate() {
        pairs_of.entry(&p.a).or_default().push(k);
        pairs_of.entry(&p.b).or_default().push(k);
        pair_index.insert((p.a.as_str(), p.b.as_str()), k);
    }
    let in_listed: BTreeSet<&str> = report.pairs[..listed]
        .iter()
        .flat_map(|p| [p.a.as_str(), p.b.as_str()])
        .collect();
    let docs = report
        .documents
        .iter()
        .enumerate()
        .filter(|(_, d)| in_listed.contains(d.id.as_str()))
        .map(|(i, d)| (d.id.as_str(), i + 1))
        .collect();
    let meta = report
        .documents
        .iter()
        .map(|d| (d.id.as_str(), &d.meta))
        .collect();
    let mut page = Page {
        out,
        report,
        texts,
        opts,
        listed,
        sbs,
        docs,
        meta,
        pairs_of,
        pair_index,
    };
    page.write()
}

impl<W: Write> Page<'_, W> {
    fn write(&mut self) -> io::Result<()> {
        self.head()?;
        self.summary()?;
        self.coverage()?;
        self.passage_clusters()?;
        self.near_duplicates()?;
        self.pairs()?;
        self.documents()?;
        write!(
            self.out,
            "<footer>Made by reprint. This page is self-contained: it loads nothing and works \
             without JavaScript (which only adds sorting, filtering and highlighting).</footer>\n\
             </main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
        )
    }

    fn head(&mut self) -> io::Result<()> {
        let s = &self.report.stats;
        write!(
            self.out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
             style-src 'unsafe-inline'; script-src 'sha256-{SCRIPT_SHA256}'; base-uri 'none'; \
             form-action 'none'\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"generator\" content=\"reprint\">\n\
             <title>reprint report: {}, {}</title>\n<style>\n{CSS}</style>\n\
             </head>\n<body>\n",
            count(s.documents as usize, "document", "documents"),
            count(s.pairs as usize, "pair", "pairs"),
        )?;
        writeln!(
            self.out,
            "<header class=\"top\"><h1>reprint <span>text reuse report</span></h1>\n<nav>\
             <a href=\"#summary\">Summary</a><a href=\"#coverage\">Coverage</a>\
             <a href=\"#passage-clusters\">Passage clusters</a>\
             <a href=\"#near-duplicates\">Near-duplicates</a><a href=\"#pairs\">Pairs</a>\
             <a href=\"#documents\">Documents</a></nav></header>\n<main>"
        )
    }

    fn summary(&mut self) -> io::Result<()> {
        let s = &self.report.stats;
        writeln!(
            self.out,
            "<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"cards\">"
        )?;
        let cards = [
            (thousands(s.documents), "documents"),
            (thousands(s.pairs), "pairs"),
            (thousands(s.near_duplicate_pairs), "near-duplicate pairs"),
            (thousands(s.clusters), "near-duplicate clusters"),
            (thousands(s.passages), "passages"),
            (thousands(s.passage_clusters), "passage clusters"),
            (elapsed(s.elapsed_ms), "elapsed"),
        ];
        for (value, label) in cards {
            writeln!(
                self.out,
                "<div class=\"card\"><b>{value}</b><span>{label}</span></div>"
            )?;
        }
        writeln!(
            self.out,
            "</div>\n<p class=\"settings\">{} bytes scanned. Near-duplicates: Jaccard ≥ {:.2} \
             over {} shingles, {}, LSH {} bands × {} rows, {}, {}. Passages: {}.</p>",
            thousands(s.bytes),
            s.threshold,
            Esc(&s.shingle),
            s.sketch_summary(),
            s.bands,
            s.rows,
            count(s.candidates as usize, "candidate pair", "candidate pairs"),
            count(
                s.oversized_buckets as usize,
                "oversized bucket",
                "oversized buckets"
            ),
            count(
                s.passage_candidates as usize,
                "candidate pair",
                "candidate pairs"
            ),
        )?;
        let w = &s.warnings;
        if w.total() > 0 {
            write!(
                self.out,
                "<div class=\"warn\"><b>Input warnings:</b> {}.",
                w.counts_in_words()
            )?;
            if !w.messages.is_empty() {
                write!(self.out, "<ul>")?;
                for m in &w.messages {
                    write!(self.out, "<li>{}</li>", Esc(m))?;
                }
                write!(self.out, "</ul>")?;
            }
            writeln!(self.out, "</div>")?;
        }
        writeln!(self.out, "</section>")
    }

    /// A link to a document's row, or its escaped id when the document is not listed.
    fn doc_link(&mut self, id: &str) -> io::Result<()> {
        match self.docs.get(id) {
            Some(n) => write!(
                self.out,
                "<a class=\"id\" href=\"#doc-{n}\">{}</a>",
                Esc(id)
            ),
            None => write!(self.out, "<span class=\"id\">{}</span>", Esc(id)),
        }
    }

    fn has_side_by_side(&self, k: usize) -> bool {
        let p = &self.report.pairs[k];
        k < self.sbs && self.texts.contains_key(&p.a) && self.texts.contains_key(&p.b)
    }

    /// The anchor of passage `j` of pair `k` on `side`: its mark in the side-by-side view, or
    /// the pair when it has none. `None` when the pair is not listed.
    fn passage_anchor(&self, k: usize, j: usize, side: Side) -> Option<String> {
        if self.has_side_by_side(k) {
            Some(format!("p{}-{}-{}", k + 1, j + 1, side.letter()))
        } else if k < self.listed {
            Some(format!("pair-{}", k + 1))
        } else {
            None
        }
    }

    fn coverage(&mut self) -> io::Result<()> {
        let report = self.report;
        writeln!(
            self.out,
            "<section id=\"coverage\">\n<h2>Coverage<span class=\"count\">{} with reused text\
             </span></h2>\n<p class=\"note\">Share of each article's words that lie in a \
             passage shared with another article. In the bar, each matching article's segment is \
             as wide as the share it has in common, largest first; where several articles carry \
             the same words, the later segments are cut at the article's total, and grey is \
             reuse from articles not listed.</p>",
            count(report.coverage.len(), "article", "articles")
        )?;
        if report.coverage.is_empty() {
            return writeln!(
                self.out,
                "<p class=\"none\">No article shares passages.</p>\n</section>"
            );
        }
        writeln!(
            self.out,
            "<div class=\"scroll\"><table class=\"sortable filterable\">\n<thead><tr>\
             <th>document</th><th>outlet</th><th class=\"num\">words</th>\
             <th class=\"num\">reused</th><th>reused share, by matching document</th></tr>\
             </thead>\n<tbody>"
        )?;
        let shown = report.coverage.len().min(self.opts.max_coverage);
        for c in &report.coverage[..shown] {
            write!(self.out, "<tr><td>")?;
            self.doc_link(&c.doc)?;
            let outlet = self
                .meta
                .get(c.doc.as_str())
                .and_then(|m| m.outlet.as_deref());
            write!(
                self.out,
                "</td><td>{}</td><td class=\"num\" data-v=\"{}\">{}</td>\
                 <td class=\"num\" data-v=\"{}\">{}</td><td class=\"cov\">",
                Esc(outlet.unwrap_or("")),
                c.words,
                thousands(c.words as u64),
                c.share,
                pct(c.share),
            )?;
            let partners = &c.by_document[..c.by_document.len().min(MAX_PARTNERS)];
            write!(
                self.out,
                "<div class=\"bar\" title=\"{} of {} words reused\">\
                 <div class=\"fill\" style=\"width:{}\">",
                pct(c.share),
                thousands(c.words as u64),
                css_share(c.share, "%")
            )?;
            for (i, s) in partners.iter().enumerate() {
                write!(
                    self.out,
                    "<span class=\"seg s{}\" style=\"width:{}\" title=\"{}: {} words ({})\">\
                     </span>",
                    i % 8 + 1,
                    css_share(s.share, "cqw"),
                    Esc(&s.name),
                    thousands(s.words as u64),
                    pct(s.share)
                )?;
            }
            write!(self.out, "</div></div><ul class=\"partners\">")?;
            for (i, s) in partners.iter().enumerate() {
                write!(self.out, "<li><i class=\"s{}\"></i>", i % 8 + 1)?;
                let (x, y) = if c.doc <= s.name {
                    (c.doc.as_str(), s.name.as_str())
                } else {
                    (s.name.as_str(), c.doc.as_str())
                };
                match self.pair_index.get(&(x, y)) {
                    Some(&k) if k < self.listed => write!(
                        self.out,
                        "<a class=\"id\" href=\"#pair-{}\" title=\"pair {}\">{}</a>",
                        k + 1,
                        k + 1,
                        Esc(&s.name)
                    )?,
                    _ => write!(self.out, "<span class=\"id\">{}</span>", Esc(&s.name))?,
                }
                write!(self.out, " {}</li>", pct(s.share))?;
            }
            if c.by_document.len() > partners.len() {
                write!(
                    self.out,
                    "<li class=\"dim\">and {} more</li>",
                    count(
                        c.by_document.len() - partners.len(),
                        "document",
                        "documents"
                    )
                )?;
            }
            write!(self.out, "</ul>")?;
            if !c.by_outlet.is_empty() {
                write!(self.out, "<p class=\"outlets\">By outlet: ")?;
                for (i, o) in c.by_outlet.iter().take(MAX_PARTNERS).enumerate() {
                    if i > 0 {
                        write!(self.out, ", ")?;
                    }
                    write!(self.out, "{} {}", Esc(&o.name), pct(o.share))?;
                }
                if c.by_outlet.len() > MAX_PARTNERS {
                    write!(self.out, ", and {} more", c.by_outlet.len() - MAX_PARTNERS)?;
                }
                write!(self.out, "</p>")?;
            }
            writeln!(self.out, "</td></tr>")?;
        }
        writeln!(self.out, "</tbody></table></div>")?;
        self.more(report.coverage.len(), shown, "coverage rows")?;
        writeln!(self.out, "</section>")
    }

    /// A note on items left out, with a pointer to the complete JSON output.
    fn more(&mut self, total: usize, shown: usize, what: &str) -> io::Result<()> {
        if total > shown {
            writeln!(
                self.out,
                "<p class=\"more\">Showing {} of {} {what}; run with <code>--format json</code> \
                 for all of them.</p>",
                thousands(shown as u64),
                thousands(total as u64)
            )?;
        }
        Ok(())
    }

    fn passage_clusters(&mut self) -> io::Result<()> {
        let report = self.report;
        writeln!(
            self.out,
            "<section id=\"passage-clusters\">\n<h2>Passage clusters<span class=\"count\">{}\
             </span></h2>\n<p class=\"note\">Pieces of text carried by several articles, most \
             widely carried first. The likely source is the earliest-dated member; a member is \
             <span class=\"kind verbatim\">verbatim</span> when its words equal the canonical \
             text's, else <span class=\"kind reworded\">reworded</span>.</p>",
            thousands(report.passage_clusters.len() as u64)
        )?;
        if report.passage_clusters.is_empty() {
            writeln!(self.out, "<p class=\"none\">No passage clusters.</p>")?;
        }
        let shown = report.passage_clusters.len().min(self.opts.max_clusters);
        for (n, c) in report.passage_clusters[..shown].iter().enumerate() {
            write!(
                self.out,
                "<article class=\"pc\" id=\"pc-{}\">\n<header><h3>Cluster {}</h3>",
                n + 1,
                n + 1,
            )?;
            if c.outlets_known() {
                write!(
                    self.out,
                    "<span class=\"pill\">{}</span>",
                    count(c.outlets, "outlet", "outlets")
                )?;
            }
            write!(
                self.out,
                "<span class=\"pill\">{}</span>",
                count(c.documents, "document", "documents")
            )?;
            match &c.source {
                Some(src) => {
                    write!(self.out, "<span class=\"src\">likely source: ")?;
                    self.doc_link(src)?;
                    write!(self.out, " ({})</span>", Esc(&c.source_reason))?;
                }
                None => write!(
                    self.out,
                    "<span class=\"src unknown\">likely source unknown: {}</span>",
                    Esc(&c.source_reason)
                )?,
            }
            writeln!(
                self.out,
                "</header>\n<blockquote class=\"canon\">{}</blockquote>",
                Read(&c.text)
            )?;
            writeln!(
                self.out,
                "<div class=\"scroll\"><table>\n<thead><tr><th>document</th><th>outlet</th>\
                 <th>date</th><th>kind</th><th>bytes</th><th>in pairs</th></tr></thead>\n<tbody>"
            )?;
            let cluster_docs: BTreeSet<&str> = c.members.iter().map(|m| m.doc.as_str()).collect();
            let members = &c.members[..c.members.len().min(self.opts.max_cluster_members)];
            for m in members {
                let is_source = c.source.as_deref() == Some(m.doc.as_str());
                write!(
                    self.out,
                    "<tr{}><td>",
                    if is_source { " class=\"source\"" } else { "" }
                )?;
                self.doc_link(&m.doc)?;
                if is_source {
                    write!(self.out, "<span class=\"badge-source\">source</span>")?;
                }
                write!(
                    self.out,
                    "</td><td>{}</td><td>{}</td><td><span class=\"kind {}\">{}</span>",
                    Esc(m.outlet.as_deref().unwrap_or("—")),
                    Esc(m.date.as_deref().unwrap_or("—")),
                    m.kind.as_str(),
                    m.kind.as_str(),
                )?;
                write!(
                    self.out,
                    "</td><td class=\"num\">{}–{}</td><td class=\"links\">",
                    m.start, m.end
                )?;
                self.member_links(&m.doc, m.start, m.end, &cluster_docs)?;
                writeln!(self.out, "</td></tr>")?;
            }
            writeln!(self.out, "</tbody></table></div>")?;
            self.more(c.members.len(), members.len(), "members")?;
            writeln!(self.out, "</article>")?;
        }
        self.more(report.passage_clusters.len(), shown, "passage clusters")?;
        writeln!(self.out, "</section>")
    }

    /// Links from a cluster member to the passages it came from: passages of pairs between its
    /// document and another member's document that overlap the member's bytes.
    fn member_links(
        &mut self,
        doc: &str,
        start: usize,
        end: usize,
        cluster_docs: &BTreeSet<&str>,
    ) -> io::Result<()> {
        let report = self.report;
        let mut links = Vec::new();
        let mut more = 0;
        for &k in self.pairs_of.get(doc).map(Vec::as_slice).unwrap_or(&[]) {
            let pair = &report.pairs[k];
            let side = if pair.a == doc { Side::A } else { Side::B };
            if !cluster_docs.contains(side.other().id(pair)) {
                continue;
            }
            for (j, p) in pair.passages.iter().enumerate() {
                let (s, e) = side.range(p);
                if s >= end || e <= start {
                    continue;
                }
                match self.passage_anchor(k, j, side) {
                    Some(anchor) if links.len() < MAX_MEMBER_LINKS => links.push((anchor, k, j)),
                    _ => more += 1,
                }
            }
        }
        for (anchor, k, j) in links {
            write!(
                self.out,
                "<a href=\"#{anchor}\" title=\"passage {} of pair {}\">pair {} #{}</a>",
                j + 1,
                k + 1,
                k + 1,
                j + 1
            )?;
        }
        if more > 0 {
            write!(self.out, "<span class=\"dim\">+{more}</span>")?;
        }
        Ok(())
    }

    fn near_duplicates(&mut self) -> io::Result<()> {
        let report = self.report;
        let s = &report.stats;
        writeln!(
            self.out,
            "<section id=\"near-duplicates\">\n<h2>Near-duplicates<span class=\"count\">{}, {}\
             </span></h2>\n<p class=\"note\">Article pairs whose shingle sets have a \
             Jaccard similarity of at least {:.2}, and the groups they form.</p>",
            count(s.near_duplicate_pairs as usize, "pair", "pairs"),
            count(report.clusters.len(), "cluster", "clusters"),
            s.threshold
        )?;
        let near: Vec<usize> = (0..self.listed)
            .filter(|&k| report.pairs[k].near_duplicate)
            .collect();
        if near.is_empty() {
            writeln!(self.out, "<p class=\"none\">No near-duplicate pairs.</p>")?;
        } else {
            self.pair_table(&near, false)?;
            let all_near = report.pairs.iter().filter(|p| p.near_duplicate).count();
            self.more(all_near, near.len(), "near-duplicate pairs")?;
        }
        if !report.clusters.is_empty() {
            writeln!(self.out, "<h3>Clusters</h3>\n<ol class=\"clusters\">")?;
            let shown = report.clusters.len().min(self.opts.max_clusters);
            for (n, c) in report.clusters[..shown].iter().enumerate() {
                write!(
                    self.out,
                    "<li id=\"ndc-{}\"><span class=\"pill\">{}</span> ",
                    n + 1,
                    count(c.members.len(), "document", "documents")
                )?;
                let members = &c.members[..c.members.len().min(self.opts.max_cluster_members)];
                for (i, m) in members.iter().enumerate() {
                    if i > 0 {
                        write!(self.out, ", ")?;
                    }
                    self.doc_link(m)?;
                }
                if c.members.len() > members.len() {
                    write!(
                        self.out,
                        " <span class=\"dim\">and {} more</span>",
                        c.members.len() - members.len()
                    )?;
                }
                writeln!(self.out, "</li>")?;
            }
            writeln!(self.out, "</ol>")?;
            self.more(report.clusters.len(), shown, "clusters")?;
        }
        writeln!(self.out, "</section>")
    }

    /// A table of the pairs `ks`; `filter` adds the search box.
    fn pair_table(&mut self, ks: &[usize], filter: bool) -> io::Result<()> {
        writeln!(
            self.out,
            "<div class=\"scroll\"><table class=\"sortable{}\">\n<thead><tr>\
             <th class=\"num\">pair</th><th>a</th><th>b</th><th class=\"num\">jaccard</th>\
             <th class=\"num\">estimate</th><th class=\"num\">contained a</th>\
             <th class=\"num\">contained b</th><th class=\"num\">passages</th></tr></thead>\n\
             <tbody>",
            if filter { " filterable" } else { "" }
        )?;
        for &k in ks {
            let p = &self.report.pairs[k];
            write!(
                self.out,
                "<tr><td class=\"num\" data-v=\"{}\"><a href=\"#pair-{}\">{}</a>{}</td><td>",
                k + 1,
                k + 1,
                k + 1,
                if p.near_duplicate && filter {
                    " <span class=\"pill nd\">near-dup</span>"
                } else {
                    ""
                }
            )?;
            self.doc_link(&p.a)?;
            write!(self.out, "</td><td>")?;
            self.doc_link(&p.b)?;
            writeln!(
                self.out,
                "</td><td class=\"num\" data-v=\"{0}\">{0:.4}</td>\
                 <td class=\"num\" data-v=\"{1}\">{1:.4}</td>\
                 <td class=\"num\" data-v=\"{2}\">{2:.4}</td>\
                 <td class=\"num\" data-v=\"{3}\">{3:.4}</td>\
                 <td class=\"num\" data-v=\"{4}\">{4}</td></tr>",
                p.jaccard,
                p.jaccard_estimate,
                p.containment_a,
                p.containment_b,
                p.passages.len()
            )?;
        }
        writeln!(self.out, "</tbody></table></div>")
    }

    fn pairs(&mut self) -> io::Result<()> {
        let report = self.report;
        writeln!(
            self.out,
            "<section id=\"pairs\">\n<h2>Pairs<span class=\"count\">{}</span></h2>",
            thousands(report.pairs.len() as u64)
        )?;
        if report.pairs.is_empty() {
            return writeln!(
                self.out,
                "<p class=\"none\">No pairs: nothing is near-duplicate or shares a passage.</p>\n\
                 </section>"
            );
        }
        writeln!(
            self.out,
            "<p class=\"note\">Near-duplicates first, then by similarity. {} side by \
             side{}.</p>",
            if self.sbs == report.pairs.len() {
                "Every pair shows both texts".to_owned()
            } else {
                format!(
                    "The first {} show both texts",
                    count(self.sbs, "pair", "pairs")
                )
            },
            if self.listed > self.sbs {
                "; the others list their passages"
            } else {
                ""
            }
        )?;
        let ks: Vec<usize> = (0..self.listed).collect();
        self.pair_table(&ks, true)?;
        writeln!(
            self.out,
            "<div class=\"legend\"><span><mark class=\"lv\">verbatim \
             passage</mark></span><span><mark class=\"lr\">reworded passage</mark></span>\
             <span><del>deleted or replaced in a</del></span><span><ins>inserted or replacing \
             in b</ins></span><span>Numbered tags jump to the same passage on the other side.\
             </span></div>"
        )?;
        for k in 0..self.listed {
            self.pair(k)?;
        }
        self.more(report.pairs.len(), self.listed, "pairs")?;
        writeln!(self.out, "</section>")
    }

    fn pair(&mut self, k: usize) -> io::Result<()> {
        let report = self.report;
        let p = &report.pairs[k];
        let open = k < self.opts.open_side_by_side && self.has_side_by_side(k);
        write!(
            self.out,
            "<article class=\"pair\" id=\"pair-{}\">\n<details{}>\n<summary><h3>Pair {}</h3>\
             <span class=\"id\">{}</span><span class=\"dim\">↔</span><span class=\"id\">{}</span>\
             <span class=\"pill\">{}</span>{}<span class=\"dim\">jaccard {:.4}</span>\
             </summary>\n<div class=\"pairbody\">\n<p class=\"pairmeta\">a: ",
            k + 1,
            if open { " open" } else { "" },
            k + 1,
            Esc(&p.a),
            Esc(&p.b),
            count(p.passages.len(), "passage", "passages"),
            if p.near_duplicate {
                "<span class=\"pill nd\">near-duplicate</span>"
            } else {
                ""
            },
            p.jaccard
        )?;
        self.doc_link(&p.a)?;
        write!(self.out, " · b: ")?;
        self.doc_link(&p.b)?;
        writeln!(
            self.out,
            " · jaccard {:.4} (MinHash estimate {:.4}) · {} of a's shingles are in b, {} of b's \
             in a</p>",
            p.jaccard,
            p.jaccard_estimate,
            pct(p.containment_a),
            pct(p.containment_b)
        )?;
        let sbs = self.has_side_by_side(k);
        if !p.passages.is_empty() {
            writeln!(self.out, "<ol class=\"plist\">")?;
            for (j, x) in p.passages.iter().enumerate() {
                write!(self.out, "<li>")?;
                if sbs {
                    write!(
                        self.out,
                        "<a href=\"#p{0}-{1}-a\">in a</a> · <a href=\"#p{0}-{1}-b\">in b</a> · ",
                        k + 1,
                        j + 1
                    )?;
                }
                write!(
                    self.out,
                    "<span class=\"kind {0}\">{0}</span> similarity {1:.2} · {2} matched, {3} \
                     substituted, {4} inserted, {5} deleted · bytes {6}–{7} in a, {8}–{9} in b",
                    x.kind.as_str(),
                    x.similarity,
                    x.matched,
                    x.substituted,
                    x.inserted,
                    x.deleted,
                    x.a_start,
                    x.a_end,
                    x.b_start,
                    x.b_end
                )?;
                if x.quote {
                    write!(self.out, " · quote")?;
                }
                if let Some(s) = &x.speaker {
                    write!(self.out, " · speaker: {}", Esc(s))?;
                }
                if !sbs {
                    write!(self.out, "<div class=\"ptexts\"><span class=\"ptext\">")?;
                    self.passage_text(x, Side::A)?;
                    write!(self.out, "</span><span class=\"ptext\">")?;
                    self.passage_text(x, Side::B)?;
                    write!(self.out, "</span></div>")?;
                }
                writeln!(self.out, "</li>")?;
            }
            writeln!(self.out, "</ol>")?;
        }
        if sbs {
            writeln!(self.out, "<div class=\"sbs\">")?;
            self.column(k, Side::A)?;
            self.column(k, Side::B)?;
            writeln!(self.out, "</div>")?;
        } else if k < self.sbs {
            writeln!(
                self.out,
                "<p class=\"note\">The full texts were not available for a side-by-side view.</p>"
            )?;
        }
        writeln!(self.out, "</div>\n</details>\n</article>")
    }

    /// One column of a side-by-side view: the full text with the pair's passages marked.
    fn column(&mut self, k: usize, side: Side) -> io::Result<()> {
        let report = self.report;
        let pair = &report.pairs[k];
        let id = side.id(pair);
        let texts = self.texts;
        let text = texts.get(id).map(String::as_str).unwrap_or("");
        write!(
            self.out,
            "<div class=\"col\"><h4><span class=\"side\">{}</span>",
            side.letter()
        )?;
        self.doc_link(id)?;
        if let Some(m) = self.meta.get(id) {
            let parts: Vec<&str> = [m.outlet.as_deref(), m.date.as_deref(), m.title.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            if !parts.is_empty() {
                write!(self.out, "<span class=\"meta\">")?;
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        write!(self.out, " · ")?;
                    }
                    write!(self.out, "{}", Esc(part))?;
                }
                write!(self.out, "</span>")?;
            }
        }
        write!(self.out, "</h4><div class=\"text\">")?;
        // Marks in text order on this side; the aligner never overlaps passages of one pair,
        // but a hand-made report might, so an overlapping mark is clipped to what is left.
        let mut order: Vec<usize> = (0..pair.passages.len()).collect();
        order.sort_by_key(|&j| (side.range(&pair.passages[j]), j));
        let mut cursor = 0;
        for j in order {
            let p = &pair.passages[j];
            let (s, e) = side.range(p);
            // `cursor` is a char boundary, so the floor of anything above it stays above it.
            let s = floor_boundary(text, s.max(cursor));
            let e = floor_boundary(text, e).max(s);
            write!(self.out, "{}", Read(&text[cursor..s]))?;
            write!(
                self.out,
                "<mark class=\"passage {kind}\" id=\"p{k}-{j}-{me}\" data-passage=\"p{k}-{j}\">\
                 <a class=\"tag\" href=\"#p{k}-{j}-{other}\" title=\"passage {j}: go to side \
                 {other}\">{j}</a>",
                kind = p.kind.as_str(),
                k = k + 1,
                j = j + 1,
                me = side.letter(),
                other = side.other().letter(),
            )?;
            let slice = &text[s..e];
            if (s, e) == side.range(p) && slice == side.text(p) {
                self.passage_text(p, side)?;
            } else {
                write!(self.out, "{}", Read(slice))?;
            }
            write!(self.out, "</mark>")?;
            cursor = e;
        }
        write!(self.out, "{}", Read(&text[cursor..]))?;
        writeln!(self.out, "</div></div>")
    }

    /// A passage's text on one side, with its word-level diff when the diff spells out that
    /// text exactly (it always does for the aligner's passages).
    fn passage_text(&mut self, p: &Passage, side: Side) -> io::Result<()> {
        let text = side.text(p);
        let mut rest = text;
        let spelled = p
            .diff_texts()
            .all(|seg| match rest.strip_prefix(side.diff_part(seg)) {
                Some(r) => {
                    rest = r;
                    true
                }
                None => false,
            });
        if !spelled || !rest.is_empty() {
            return write!(self.out, "{}", Read(text));
        }
        for seg in p.diff_texts() {
            let t = crate::markup::readable(side.diff_part(seg));
            let changed = match (seg.0, side) {
                (DiffOp::Equal, _) => None,
                (DiffOp::Replace, Side::A) => Some(("del", "replace")),
                (DiffOp::Replace, Side::B) => Some(("ins", "replace")),
                (DiffOp::Delete, _) => Some(("del", "delete")),
                (DiffOp::Insert, _) => Some(("ins", "insert")),
            };
            match changed {
                Some((tag, class)) if !t.trim().is_empty() => {
                    // Keep the trailing space outside the tag so only the words are marked.
                    let words = t.trim_end();
                    write!(
                        self.out,
                        "<{tag} class=\"{class}\">{}</{tag}>{}",
                        Esc(words),
                        Esc(&t[words.len()..])
                    )?;
                }
                _ => write!(self.out, "{}", Esc(&t))?,
            }
        }
        Ok(())
    }

    fn documents(&mut self) -> io::Result<()> {
        let report = self.report;
        writeln!(
            self.out,
            "<section id=\"documents\">\n<h2>Documents<span class=\"count\">{} in the listed \
             pairs, of {} scanned</span></h2>",
            thousands(self.docs.len() as u64),
            thousands(report.documents.len() as u64)
        )?;
        if self.docs.is_empty() {
            return writeln!(
                self.out,
                "<p class=\"none\">No document is in a pair.</p>\n</section>"
            );
        }
        writeln!(
            self.out,
            "<div class=\"scroll\"><table class=\"sortable filterable\">\n<thead><tr>\
             <th class=\"num\">#</th><th>document</th><th>outlet</th><th>date</th><th>title</th>\
             <th class=\"num\">bytes</th><th>pairs</th></tr></thead>\n<tbody>"
        )?;
        for (i, d) in report.documents.iter().enumerate() {
            if !self.docs.contains_key(d.id.as_str()) {
                continue;
            }
            let n = i + 1;
            write!(
                self.out,
                "<tr id=\"doc-{n}\"><td class=\"num\" data-v=\"{n}\">{n}</td><td><span \
                 class=\"id\">{}</span>",
                Esc(&d.id)
            )?;
            if let Some(url) = &d.meta.url {
                let lower = url.to_ascii_lowercase();
                if lower.starts_with("https://") || lower.starts_with("http://") {
                    write!(
                        self.out,
                        "<br><a class=\"id\" href=\"{0}\" rel=\"noopener noreferrer\">{0}</a>",
                        Esc(url)
                    )?;
                } else {
                    write!(self.out, "<br><span class=\"id dim\">{}</span>", Esc(url))?;
                }
            }
            write!(
                self.out,
                "</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\" data-v=\"{}\">{}</td>\
                 <td class=\"links\">",
                Esc(d.meta.outlet.as_deref().unwrap_or("")),
                Esc(d.meta.date.as_deref().unwrap_or("")),
                Esc(d.meta.title.as_deref().unwrap_or("")),
                d.bytes,
                thousands(d.bytes)
            )?;
            let ks = self
                .pairs_of
                .get(d.id.as_str())
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            let listed: Vec<usize> = ks.iter().copied().filter(|&k| k < self.listed).collect();
            for &k in listed.iter().take(MAX_DOC_PAIRS) {
                write!(self.out, "<a href=\"#pair-{0}\">pair {0}</a>", k + 1)?;
            }
            if ks.len() > MAX_DOC_PAIRS.min(listed.len()) {
                write!(
                    self.out,
                    "<span class=\"dim\">+{}</span>",
                    ks.len() - MAX_DOC_PAIRS.min(listed.len())
                )?;
            }
            writeln!(self.out, "</td></tr>")?;
        }
        writeln!(self.out, "</tbody></table></div>\n</section>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::DiffSegment;
    use crate::align::PassageKind;
    use crate::report::{Cluster, DocumentInfo, Stats};
    use crate::spread::{ClusterMember, Coverage, CoverageShare, PassageCluster};

    const SCRIPT_TAG: &str = "<script>alert(1)</script>";
    const IMG: &str = "\"><img src=x onerror=alert(1)>";
    const TEXTAREA: &str = "</textarea>";

    fn passage(a: (usize, usize), b: (usize, usize), ta: &str, tb: &str) -> Passage {
        Passage {
            a_start: a.0,
            a_end: a.1,
            b_start: b.0,
            b_end: b.1,
            a_text: ta.into(),
            b_text: tb.into(),
            kind: PassageKind::Verbatim,
            similarity: 1.0,
            matched: 3,
            inserted: 0,
            deleted: 0,
            substituted: 0,
            quote: false,
            speaker: None,
            diff: DiffSegment::tile(&[(DiffOp::Equal, ta, tb)]),
        }
    }

    /// Two documents sharing one verbatim and one reworded passage, with metadata.
    fn tiny() -> (Report, BTreeMap<String, String>) {
        let a = "Intro. The minister said taxes will rise next year. Middle. \
                 We will never extradite our citizens, he said.";
        let b = "Other intro. The minister said taxes will rise next year. \
                 We shall never extradite our own citizens, he said. End.";
        let v = "The minister said taxes will rise next year.";
        let (va, vb) = (a.find(v).unwrap(), b.find(v).unwrap());
        let ra = "We will never extradite our citizens, he said.";
        let rb = "We shall never extradite our own citizens, he said.";
        let (xa, xb) = (a.find(ra).unwrap(), b.find(rb).unwrap());
        let mut reworded = passage((xa, xa + ra.len()), (xb, xb + rb.len()), ra, rb);
        reworded.kind = PassageKind::Reworded;
        reworded.similarity = 0.82;
        reworded.matched = 7;
        reworded.substituted = 1;
        reworded.inserted = 1;
        reworded.quote = true;
        reworded.speaker = Some("the minister".into());
        reworded.diff = DiffSegment::tile(&[
            (DiffOp::Equal, "We ", "We "),
            (DiffOp::Replace, "will ", "shall "),
            (
                DiffOp::Equal,
                "never extradite our ",
                "never extradite our ",
            ),
            (DiffOp::Insert, "", "own "),
            (DiffOp::Equal, "citizens, he said.", "citizens, he said."),
        ]);
        let report = Report {
            documents: vec![
                DocumentInfo {
                    id: "a.txt".into(),
                    bytes: a.len() as u64,
                    meta: Metadata {
                        outlet: Some("Daily A".into()),
                        date: Some("2018-03-01".into()),
                        url: Some("https://a.example/story".into()),
                        title: Some("Taxes".into()),
                    },
                },
                DocumentInfo {
                    id: "b.txt".into(),
                    bytes: b.len() as u64,
                    meta: Metadata {
                        outlet: Some("Weekly B".into()),
                        date: Some("2018-03-02".into()),
                        url: Some("javascript:alert(1)".into()),
                        title: None,
                    },
                },
                DocumentInfo {
                    id: "c.txt".into(),
                    bytes: 10,
                    meta: Metadata::default(),
                },
            ],
            pairs: vec![Pair {
                a: "a.txt".into(),
                b: "b.txt".into(),
                jaccard: 0.21,
                jaccard_estimate: 0.2188,
                containment_a: 0.4,
                containment_b: 0.31,
                near_duplicate: false,
                passages: vec![
                    passage((va, va + v.len()), (vb, vb + v.len()), v, v),
                    reworded,
                ],
            }],
            clusters: vec![],
            passage_clusters: vec![PassageCluster {
                text: v.into(),
                documents: 2,
                outlets: 2,
                source: Some("a.txt".into()),
                source_reason: "earliest date".into(),
                members: vec![
                    ClusterMember {
                        doc: "a.txt".into(),
                        start: va,
                        end: va + v.len(),
                        kind: PassageKind::Verbatim,
                        outlet: Some("Daily A".into()),
                        date: Some("2018-03-01".into()),
                        text: v.into(),
                    },
                    ClusterMember {
                        doc: "b.txt".into(),
                        start: vb,
                        end: vb + v.len(),
                        kind: PassageKind::Verbatim,
                        outlet: Some("Weekly B".into()),
                        date: Some("2018-03-02".into()),
                        text: v.into(),
                    },
                ],
            }],
            coverage: vec![Coverage {
                doc: "a.txt".into(),
                words: 18,
                reused_words: 16,
                share: 0.8889,
                by_document: vec![CoverageShare {
                    name: "b.txt".into(),
                    words: 16,
                    share: 0.8889,
                }],
                by_outlet: vec![CoverageShare {
                    name: "Weekly B".into(),
                    words: 16,
                    share: 0.8889,
                }],
            }],
            stats: Stats {
                documents: 3,
                bytes: 230,
                pairs: 1,
                passages: 2,
                passage_clusters: 1,
                elapsed_ms: 4,
                bands: 26,
                rows: 3,
                threshold: 0.5,
                shingle: "word:5".into(),
                num_perm: 128,
                ..Default::default()
            },
        };
        let texts = [("a.txt", a), ("b.txt", b)]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        (report, texts)
    }

    fn render(report: &Report, texts: &BTreeMap<String, String>, opts: &HtmlOptions) -> String {
        let mut buf = Vec::new();
        write_html(report, texts, opts, &mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    }

    /// A report whose every untrusted string carries the payloads.
    fn hostile() -> (Report, BTreeMap<String, String>) {
        let payload = format!("{SCRIPT_TAG} {IMG} {TEXTAREA} it's");
        let (mut report, _) = tiny();
        let ida = format!("a{payload}");
        let idb = format!("b{payload}");
        let text = format!("Start. {payload} shared words here. End.");
        let (s, e) = (7, text.len() - 5);
        let shared = text[s..e].to_owned();
        report.documents = vec![
            DocumentInfo {
                id: ida.clone(),
                bytes: text.len() as u64,
                meta: Metadata {
                    outlet: Some(payload.as_str().into()),
                    date: Some(payload.as_str().into()),
                    url: Some(format!("https://x.example/{payload}")),
                    title: Some(payload.clone()),
                },
            },
            DocumentInfo {
                id: idb.clone(),
                bytes: text.len() as u64,
                meta: Metadata {
                    outlet: Some(payload.as_str().into()),
                    url: Some(payload.clone()),
                    ..Default::default()
                },
            },
        ];
        let mut p = passage((s, e), (s, e), &shared, &shared);
        p.speaker = Some(payload.clone());
        report.pairs = vec![Pair {
            a: ida.clone(),
            b: idb.clone(),
            near_duplicate: true,
            passages: vec![p],
            ..Default::default()
        }];
        report.clusters = vec![Cluster {
            members: vec![ida.clone(), idb.clone()],
        }];
        report.passage_clusters[0].text = payload.as_str().into();
        report.passage_clusters[0].source = None;
        report.passage_clusters[0].source_reason = payload.clone();
        for (m, id) in report.passage_clusters[0]
            .members
            .iter_mut()
            .zip([&ida, &idb])
        {
            m.doc = id.clone();
            m.outlet = Some(payload.as_str().into());
            m.date = Some(payload.as_str().into());
            m.text = payload.as_str().into();
        }
        report.coverage[0].doc = ida.clone();
        report.coverage[0].by_document[0].name = idb.clone();
        report.stats.shingle = payload.clone();
        report.stats.warnings.bad_lines = 1;
        report.stats.warnings.messages = vec![payload.clone()];
        let texts = [(ida, text.clone()), (idb, text)].into_iter().collect();
        (report, texts)
    }

    #[test]
    fn escapes_the_five_characters() {
        assert_eq!(
            Esc("<a href=\"x\">it's & more</a>\0").to_string(),
            "&lt;a href=&quot;x&quot;&gt;it&#39;s &amp; more&lt;/a&gt;\u{FFFD}"
        );
        assert_eq!(Esc("plain ünïcode").to_string(), "plain ünïcode");
    }

    #[test]
    fn payloads_never_appear_unescaped() {
        let (report, texts) = hostile();
        let html = render(&report, &texts, &HtmlOptions::new());
        for raw in [SCRIPT_TAG, "<script>alert", "<img", IMG, TEXTAREA, "it's"] {
            assert!(!html.contains(raw), "raw {raw:?} in the page");
        }
        for escaped in [
            "&lt;script&gt;alert(1)&lt;/script&gt;",
            "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
            "&lt;/textarea&gt;",
            "it&#39;s",
        ] {
            assert!(html.contains(escaped), "escaped {escaped:?} missing");
        }
        // Exactly one script element, the page's own; `onerror=` occurs only as escaped text.
        assert_eq!(html.matches("<script").count(), 1);
        assert!(!html.contains("<img"));
        // A URL that is not http(s) never becomes a link.
        assert!(!html.contains("href=\"&quot;"));
        // Ids in anchors come from positions, never from the input.
        for id_attr in html.split(" id=\"").skip(1) {
            let id = &id_attr[..id_attr.find('"').unwrap()];
            assert!(
                id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'),
                "unsafe id {id:?}"
            );
        }
    }

    #[test]
    fn script_hash_matches_the_script() {
        let digest = sha256(SCRIPT.as_bytes());
        let b64 = base64(&digest);
        assert_eq!(
            SCRIPT_SHA256, b64,
            "update SCRIPT_SHA256 to {b64} after editing the script"
        );
    }

    #[test]
    fn nothing_is_loaded_from_anywhere() {
        let (report, texts) = tiny();
        let html = render(&report, &texts, &HtmlOptions::new());
        assert!(html.contains("default-src 'none'"));
        for bad in [" src=", "<link", "url(", "@import", "<iframe", "<object"] {
            assert!(!html.contains(bad), "{bad:?} in the page");
        }
    }

    #[test]
    fn one_mark_per_passage_per_side() {
        let (report, texts) = tiny();
        let html = render(&report, &texts, &HtmlOptions::new());
        let passages: usize = report.pairs.iter().map(|p| p.passages.len()).sum();
        assert_eq!(html.matches("<mark class=\"passage ").count(), 2 * passages);
        for side in ["a", "b"] {
            for j in 1..=passages {
                assert_eq!(html.matches(&format!("id=\"p1-{j}-{side}\"")).count(), 1);
            }
        }
        // The reworded passage's diff: replaced word on a, replacing and inserted words on b.
        assert!(html.contains("<del class=\"replace\">will</del> "));
        assert!(html.contains("<ins class=\"replace\">shall</ins> "));
        assert!(html.contains("<ins class=\"insert\">own</ins> "));
    }

    #[test]
    fn without_texts_or_past_the_limit_no_marks() {
        let (report, texts) = tiny();
        let none = render(&report, &BTreeMap::new(), &HtmlOptions::new());
        assert_eq!(none.matches("<mark class=\"passage ").count(), 0);
        assert!(none.contains("not available"));
        let listed = render(&report, &texts, HtmlOptions::new().max_side_by_side(0));
        assert_eq!(listed.matches("<mark class=\"passage ").count(), 0);
        assert!(listed.contains("<span class=\"ptext\">"));
        assert!(documents_needing_text(&report, HtmlOptions::new().max_side_by_side(0)).is_empty());
        let hidden = render(&report, &texts, HtmlOptions::new().max_pairs(0));
        assert!(hidden.contains("Showing 0 of 1 pairs"));
    }

    #[test]
    fn bad_offsets_and_overlaps_do_not_panic() {
        let (mut report, mut texts) = tiny();
        texts.insert("a.txt".into(), "ünï".into());
        let first = report.pairs[0].passages[0].clone();
        report.pairs[0].passages.push(first);
        report.pairs[0].passages[1].a_start = 1;
        let html = render(&report, &texts, &HtmlOptions::new());
        assert_eq!(html.matches("<mark class=\"passage ").count(), 6);
    }

    #[test]
    fn output_is_deterministic() {
        let (report, texts) = hostile();
        let opts = HtmlOptions::new();
        assert_eq!(
            render(&report, &texts, &opts),
            render(&report, &texts, &opts)
        );
        let (report, texts) = tiny();
        assert_eq!(
            render(&report, &texts, &opts),
            render(&report.clone(), &texts.clone(), &opts)
        );
    }

    #[test]
    fn snapshot_tiny_report() {
        let (report, texts) = tiny();
        let html = render(&report, &texts, &HtmlOptions::new());
        // The stylesheet and the script are constants; the snapshot holds the page around them.
        let html = html
            .replace(CSS, "/* report.css */\n")
            .replace(SCRIPT, "/* report.js */")
            .replace(SCRIPT_SHA256, "SCRIPT-HASH");
        insta::assert_snapshot!(html);
    }

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    /// SHA-256 (FIPS 180-4), only to check [`SCRIPT_SHA256`].
    fn sha256(data: &[u8]) -> [u8; 32] {
        const K: [u32; 64] = [
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
            0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
            0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
            0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
            0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
            0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
            0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
            0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
            0xc67178f2,
        ];
        let mut h: [u32; 8] = [
            0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
            0x5be0cd19,
        ];
        let mut msg = data.to_vec();
        msg.push(0x80);
        while msg.len() % 64 != 56 {
            msg.push(0);
        }
        msg.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
        for block in msg.chunks(64) {
            let mut w = [0u32; 64];
            for (i, c) in block.chunks(4).enumerate() {
                w[i] = u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
            }
            for i in 16..64 {
                let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
                let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
                w[i] = w[i - 16]
                    .wrapping_add(s0)
                    .wrapping_add(w[i - 7])
                    .wrapping_add(s1);
            }
            let mut v = h;
            for i in 0..64 {
                let s1 = v[4].rotate_right(6) ^ v[4].rotate_right(11) ^ v[4].rotate_right(25);
                let ch = (v[4] & v[5]) ^ (!v[4] & v[6]);
                let t1 = v[7]
                    .wrapping_add(s1)
                    .wrapping_add(ch)
                    .wrapping_add(K[i])
                    .wrapping_add(w[i]);
                let s0 = v[0].rotate_right(2) ^ v[0].rotate_right(13) ^ v[0].rotate_right(22);
                let maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
                let t2 = s0.wrapping_add(maj);
                v = [
                    t1.wrapping_add(t2),
                    v[0],
                    v[1],
                    v[2],
                    v[3].wrapping_add(t1),
                    v[4],
                    v[5],
                    v[6],
                ];
            }
            for (x, y) in h.iter_mut().zip(v) {
                *x = x.wrapping_add(y);
            }
        }
        let mut out = [0u8; 32];
        for (i, x) in h.iter().enumerate() {
            out[i * 4..i * 4 + 4].copy_from_slice(&x.to_be_bytes());
        }
        out
    }

    fn base64(data: &[u8]) -> String {
        const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for c in data.chunks(3) {
            let n = (c[0] as u32) << 16
                | (*c.get(1).unwrap_or(&0) as u32) << 8
                | *c.get(2).unwrap_or(&0) as u32;
            for i in 0..4 {
                if i <= c.len() {
                    out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    #[test]
    fn sha256_known_answer() {
        assert_eq!(
            base64(&sha256(b"abc")),
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
        assert_eq!(
            base64(&sha256(b"")),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
    }
}
