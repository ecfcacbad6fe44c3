//! Human-readable output for a terminal.
//!
//! The report starts with a summary (what was scanned, what was found, how), then the
//! near-duplicate pairs as a table, the clusters, and finally, per pair, each shared passage
//! with both texts. Reworded passages show a word-level diff: with colour, deleted and replaced
//! words of `a` in red and inserted and replacing words of `b` in green; without colour, in the
//! `wdiff` style `[-deleted-]` and `{+inserted+}`.
//!
//! A stretch of more than [`ELIDE_ABOVE`] words that both texts share (a syndicated copy is
//! one of a thousand) is shown by its first and last [`ELIDE_KEEP`] words around
//! `[… N words …]`, as a diff tool shows context around its changes: every change stays in view,
//! quotes are shown whole, and a scan of an archive does not print each copied article twice in
//! full. [`TerminalOptions::full_text`] turns that off; JSON and HTML always carry every text.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use super::{noun, Pair, Report};
use crate::align::{DiffOp, Passage, PassageKind};

/// How terminal output looks.
#[derive(Clone, Copy, Debug, Default)]
pub struct TerminalOptions {
    /// Use ANSI colours. Default: `false`.
    pub color: bool,
    /// Show long shared stretches whole instead of by their ends. Default: `false`.
    pub full_text: bool,
}

/// Shared stretches longer than this many words are shown by their ends.
pub const ELIDE_ABOVE: usize = 48;

/// Words shown at each end of an elided stretch.
pub const ELIDE_KEEP: usize = 16;

struct Styles {
    head: Style,
    del: Style,
    ins: Style,
    dim: Style,
    full_text: bool,
}

impl Styles {
    fn new(opts: TerminalOptions) -> Styles {
        if !opts.color {
            let s = Style::new();
            return Styles {
                head: s,
                del: s,
                ins: s,
                dim: s,
                full_text: opts.full_text,
            };
        }
        Styles {
            head: Style::new().bold(),
            del: Style::new().fg_color(Some(AnsiColor::Red.into())).bold(),
            ins: Style::new().fg_color(Some(AnsiColor::Green.into())).bold(),
            dim: Style::new().dimmed(),
            full_text: opts.full_text,
        }
    }

    /// A stretch both texts share, on one line, as read ([`crate::markup::readable`]): whole,
    /// or by its ends when it is long.
    fn shared(&self, s: &str) -> String {
        let s = crate::markup::readable(s);
        let words: Vec<&str> = s.split_whitespace().collect();
        if self.full_text || words.len() <= ELIDE_ABOVE {
            return words.join(" ");
        }
        let n = words.len();
        format!(
            "{} {}[… {} words …]{} {}",
            words[..ELIDE_KEEP].join(" "),
            self.dim.render(),
            n - 2 * ELIDE_KEEP,
            self.dim.render_reset(),
            words[n - ELIDE_KEEP..].join(" ")
        )
    }
}

/// Collapses runs of white space (newlines included) into one space, for one-line display of
/// text as read ([`crate::markup::readable`]: with HTML markup left in the text, `&#8217;` shows
/// as `’` and `<em>` not at all; the offsets printed beside it still count bytes of the text as
/// given).
fn one_line(s: &str) -> String {
    crate::markup::readable(s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes the warnings counted while reading, if any: the counts, then the first messages
/// (`file:line: what`). The table includes them; the CLI also writes them to standard error
/// when the report goes elsewhere.
pub fn write_warnings<W: Write>(w: &crate::corpus::Warnings, mut out: W) -> io::Result<()> {
    if w.total() == 0 {
        return Ok(());
    }
    writeln!(out, "warnings: {}", w.counts_in_words())?;
    for m in &w.messages {
        writeln!(out, "  {m}")?;
    }
    let shown = w.messages.len() as u64;
    if w.total() > shown {
        writeln!(
            out,
            "  … and {} more (counted in stats.warnings)",
            w.total() - shown
        )?;
    }
    Ok(())
}

/// Writes the scan report.
pub fn write_report<W: Write>(
    report: &Report,
    opts: TerminalOptions,
    mut out: W,
) -> io::Result<()> {
    let st = Styles::new(opts);
    let s = &report.stats;
    let passage_pairs = report
        .pairs
        .iter()
        .filter(|p| !p.passages.is_empty())
        .count();
    writeln!(
        out,
        "{}{} {}, {} bytes: {} near-duplicate {}, {} {}, {} {} sharing {} {}{}",
        st.head.render(),
        s.documents,
        noun(s.documents, "document", "documents"),
        s.bytes,
        s.near_duplicate_pairs,
        noun(s.near_duplicate_pairs, "pair", "pairs"),
        s.clusters,
        noun(s.clusters, "cluster", "clusters"),
        passage_pairs,
        noun(passage_pairs as u64, "pair", "pairs"),
        s.passages,
        noun(s.passages, "passage", "passages"),
        st.head.render_reset()
    )?;
    writeln!(
        out,
        "{}threshold {:.2}, {}, {}, LSH {} bands × {} rows: {} {}, {} passage {}, {} ms{}",
        st.dim.render(),
        s.threshold,
        s.shingle,
        s.sketch_summary(),
        s.bands,
        s.rows,
        s.candidates,
        noun(s.candidates, "candidate", "candidates"),
        s.passage_candidates,
        noun(s.passage_candidates, "candidate", "candidates"),
        s.elapsed_ms,
        st.dim.render_reset()
    )?;
    write_warnings(&s.warnings, &mut out)?;

    write_spread(&mut out, report, &st)?;

    let near: Vec<&Pair> = report.pairs.iter().filter(|p| p.near_duplicate).collect();
    if !near.is_empty() {
        writeln!(
            out,
            "\n{}Near-duplicate pairs{}",
            st.head.render(),
            st.head.render_reset()
        )?;
        writeln!(out, "  jaccard  estimate  cont_a  cont_b  a  b")?;
        for p in &near {
            writeln!(
                out,
                "  {:>7.4}  {:>8.4}  {:>6.4}  {:>6.4}  {}  {}",
                p.jaccard, p.jaccard_estimate, p.containment_a, p.containment_b, p.a, p.b
            )?;
        }
    }
    if !report.clusters.is_empty() {
        writeln!(
            out,
            "\n{}Clusters{}",
            st.head.render(),
            st.head.render_reset()
        )?;
        for (k, c) in report.clusters.iter().enumerate() {
            writeln!(
                out,
                "  {}. {} documents: {}",
                k + 1,
                c.members.len(),
                c.members.join(", ")
            )?;
        }
    }
    let with_passages: Vec<&Pair> = report
        .pairs
        .iter()
        .filter(|p| !p.passages.is_empty())
        .collect();
    if !with_passages.is_empty() {
        writeln!(
            out,
            "\n{}Shared passages{}",
            st.head.render(),
            st.head.render_reset()
        )?;
        for p in with_passages {
            writeln!(
                out,
                "\n{}{}  ↔  {}{}  (jaccard {:.4}, {} {})",
                st.head.render(),
                p.a,
                p.b,
                st.head.render_reset(),
                p.jaccard,
                p.passages.len(),
                noun(p.passages.len() as u64, "passage", "passages")
            )?;
            for (k, x) in p.passages.iter().enumerate() {
                write_passage(&mut out, k + 1, x, &st)?;
            }
        }
    }
    Ok(())
}

/// How many passage clusters and articles the first screen lists.
const TOP: usize = 5;

/// Shortens `s` to at most `max` characters, marking the cut with `…`.
fn clip(s: &str, max: usize) -> String {
    let s = one_line(s);
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

/// The answers first: the most widely carried passages and the most-copied articles.
fn write_spread<W: Write>(out: &mut W, report: &Report, st: &Styles) -> io::Result<()> {
    if !report.passage_clusters.is_empty() {
        writeln!(
            out,
            "\n{}Most-carried passages{} ({} in all)",
            st.head.render(),
            st.head.render_reset(),
            report.passage_clusters.len()
        )?;
        for (k, c) in report.passage_clusters.iter().take(TOP).enumerate() {
            let source = match &c.source {
                Some(s) => format!("likely source {s}"),
                None => format!("source unknown: {}", c.source_reason),
            };
            let carriers = if c.outlets_known() {
                let outlets = noun(c.outlets as u64, "outlet", "outlets");
                format!("{} {outlets}, {} documents", c.outlets, c.documents)
            } else {
                format!("{} documents", c.documents)
            };
            writeln!(out, "  {}. {carriers}, {source}", k + 1)?;
            writeln!(out, "     \"{}\"", clip(&c.text, 110))?;
            let members: Vec<String> = c
                .members
                .iter()
                .map(|m| {
                    let mut tag = m.doc.clone();
                    if let Some(o) = &m.outlet {
                        tag.push_str(&format!(" ({o})"));
                    }
                    format!("{tag} {}", m.kind.as_str())
                })
                .collect();
            writeln!(
                out,
                "     {}{}{}",
                st.dim.render(),
                members.join(", "),
                st.dim.render_reset()
            )?;
        }
    }
    if !report.coverage.is_empty() {
        writeln!(
            out,
            "\n{}Most-copied articles{} (share of words found in other articles)",
            st.head.render(),
            st.head.render_reset()
        )?;
        for c in report.coverage.iter().take(TOP) {
            // The three largest shares, as `name 12%`.
            let top = |shares: &[crate::spread::CoverageShare]| -> String {
                shares
                    .iter()
                    .take(3)
                    .map(|p| format!("{} {:.0}%", p.name, p.share * 100.0))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let partners = top(&c.by_document);
            let by_outlet = if c.by_outlet.is_empty() {
                String::new()
            } else {
                format!("; outlets: {}", top(&c.by_outlet))
            };
            writeln!(
                out,
                "  {:>5.1}%  {}  ({} of {} words; {partners}{by_outlet})",
                c.share * 100.0,
                c.doc,
                c.reused_words,
                c.words,
            )?;
        }
    }
    Ok(())
}

/// Writes the passages of a direct two-file comparison (`reprint diff`).
pub fn write_passages<W: Write>(
    a: &str,
    b: &str,
    passages: &[Passage],
    opts: TerminalOptions,
    mut out: W,
) -> io::Result<()> {
    let st = Styles::new(opts);
    writeln!(
        out,
        "{}{a}  ↔  {b}: {} shared {}{}",
        st.head.render(),
        passages.len(),
        noun(passages.len() as u64, "passage", "passages"),
        st.head.render_reset()
    )?;
    for (k, p) in passages.iter().enumerate() {
        write_passage(&mut out, k + 1, p, &st)?;
    }
    Ok(())
}

fn write_passage<W: Write>(out: &mut W, n: usize, p: &Passage, st: &Styles) -> io::Result<()> {
    let mut tags = vec![p.kind.as_str().to_owned()];
    if p.quote {
        tags.push("quote".into());
    }
    if let Some(s) = &p.speaker {
        tags.push(format!("speaker: {s}"));
    }
    writeln!(
        out,
        "  [{n}] {}  similarity {:.2}  ({} matched, {} substituted, {} inserted, {} deleted)",
        tags.join(", "),
        p.similarity,
        p.matched,
        p.substituted,
        p.inserted,
        p.deleted
    )?;
    let color = st.del != Style::new();
    if p.kind == PassageKind::Verbatim {
        writeln!(
            out,
            "      a {}..{}  {}",
            p.a_start,
            p.a_end,
            st.shared(&p.a_text)
        )?;
        writeln!(
            out,
            "      b {}..{}  {}",
            p.b_start,
            p.b_end,
            st.shared(&p.b_text)
        )?;
        return Ok(());
    }
    let (mut a_line, mut b_line) = (DiffLine::default(), DiffLine::default());
    for (op, ta, tb) in p.diff_texts() {
        match op {
            DiffOp::Equal => {
                a_line.push(ta, &st.shared(ta), None, color);
                b_line.push(tb, &st.shared(tb), None, color);
            }
            DiffOp::Replace | DiffOp::Delete | DiffOp::Insert => {
                a_line.push(ta, &one_line(ta), Some((st.del, "[-", "-]")), color);
                b_line.push(tb, &one_line(tb), Some((st.ins, "{+", "+}")), color);
            }
        }
    }
    let (a_line, b_line) = (a_line.text, b_line.text);
    writeln!(out, "      a {}..{}  {}", p.a_start, p.a_end, a_line)?;
    writeln!(out, "      b {}..{}  {}", p.b_start, p.b_end, b_line)?;
    Ok(())
}

/// One side's line of a reworded passage, built a diff piece at a time.
#[derive(Default)]
struct DiffLine {
    text: String,
    /// Whether the text before the next piece ended in white space: pieces are joined by a
    /// space only where the text has one (`data [on` and `said: “We’ll` stay as written).
    space: bool,
}

impl DiffLine {
    /// Appends piece `raw` of the passage text, shown as `shown`; a changed piece is marked in
    /// its style with colour, else between its brackets (`mark`).
    fn push(&mut self, raw: &str, shown: &str, mark: Option<(Style, &str, &str)>, color: bool) {
        let spaced = self.space || raw.starts_with(char::is_whitespace);
        if !raw.is_empty() {
            self.space = raw.ends_with(char::is_whitespace);
        }
        if shown.is_empty() {
            return;
        }
        if !self.text.is_empty() && spaced {
            self.text.push(' ');
        }
        match mark {
            None => self.text.push_str(shown),
            Some((style, ..)) if color => {
                let (on, off) = (style.render(), style.render_reset());
                self.text.push_str(&format!("{on}{shown}{off}"));
            }
            Some((_, open, close)) => self.text.push_str(&format!("{open}{shown}{close}")),
        }
    }
}

/// Writes a quality evaluation (`reprint eval`) as a Markdown table.
pub fn write_quality<W: Write>(q: &crate::quality::Quality, mut out: W) -> io::Result<()> {
    writeln!(
        out,
        "| kind | cases | detected | precision | recall | granularity | plagdet | labels right |"
    )?;
    writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|")?;
    for k in &q.kinds {
        writeln!(
            out,
            "| {:?} | {} | {} | {:.3} | {:.3} | {:.3} | {:.3} | {}/{} |",
            k.kind,
            k.cases,
            k.detected,
            k.precision,
            k.recall,
            k.granularity,
            k.plagdet,
            k.labels_right,
            k.labelled
        )?;
    }
    let o = &q.overall;
    writeln!(
        out,
        "| **all** | {} | | {:.3} | {:.3} | {:.3} | {:.3} | {:.1}% |",
        o.cases,
        o.precision,
        o.recall,
        o.granularity,
        o.plagdet,
        q.label_accuracy * 100.0
    )?;
    writeln!(
        out,
        "\n{} detections, {} between two copies of one source left out",
        o.detections, q.sibling_detections
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Warnings;

    #[test]
    fn warnings_list_counts_messages_and_the_rest() {
        let mut out = Vec::new();
        write_warnings(&Warnings::default(), &mut out).unwrap();
        assert!(out.is_empty());
        let w = Warnings {
            binary: 2,
            empty: 23,
            messages: vec!["a.txt: binary file (NUL byte), skipped".into()],
            ..Warnings::default()
        };
        write_warnings(&w, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("warnings: 0 invalid UTF-8, 23 empty, 2 binary"),
            "{text}"
        );
        assert!(text.contains("  a.txt: binary file"), "{text}");
        assert!(text.contains("… and 24 more"), "{text}");
    }

    #[test]
    fn long_shared_stretches_show_their_ends_and_every_change() {
        let words: Vec<String> = (0..200).map(|k| format!("w{k}")).collect();
        let a = words.join(" ");
        let mut edited = words.clone();
        edited[100] = "CHANGED".into();
        let b = edited.join(" ");
        let aligner = crate::Aligner::default();
        let show = |a: &str, b: &str, full_text: bool| {
            let mut out = Vec::new();
            let opts = TerminalOptions {
                color: false,
                full_text,
            };
            write_passages("a", "b", &aligner.align_texts(a, b), opts, &mut out).unwrap();
            String::from_utf8(out).unwrap()
        };
        // Verbatim: first and last sixteen words, the 168 between counted.
        let text = show(&a, &a, false);
        assert!(text.contains("w0 w1 "), "{text}");
        assert!(text.contains(" w15 [… 168 words …] w184 "), "{text}");
        assert!(text.contains(" w199\n"), "{text}");
        assert!(!text.contains(" w16 "), "{text}");
        // Reworded: the change and its context stay; the stretches on either side shrink.
        let text = show(&a, &b, false);
        assert!(text.contains(" w15 [… 68 words …] w84 "), "{text}");
        assert!(text.contains(" w116 [… 67 words …] w184 "), "{text}");
        assert!(
            text.contains("[-w100-]") && text.contains("{+CHANGED+}"),
            "{text}"
        );
        assert!(text.contains(" w99 [-w100-] w101 "), "{text}");
        // Whole on request.
        let text = show(&a, &b, true);
        assert!(!text.contains('…') && text.contains(" w16 ") && text.contains(" w150 "));
        // A quote-sized passage is never cut.
        let short = words[..ELIDE_ABOVE].join(" ");
        assert!(!show(&short, &short, false).contains('…'));
    }
}
