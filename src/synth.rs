//! A deterministic synthetic news archive with planted text reuse.
//!
//! The generator feeds integration tests (recall and precision), quality measurement (PlagDet on
//! planted passages) and end-to-end benchmarks. It streams: only a bounded window of recent
//! articles is kept in memory as copy sources, so archives of a million articles can be written
//! straight to disk as JSON Lines. Output is byte-identical across runs and platforms for a given
//! seed: randomness comes from a hand-written xoshiro256** generator seeded per article with
//! SplitMix64, all sampling tables are built with integer arithmetic, and no hash-map iteration
//! order ever reaches the output.
//!
//! The model:
//!
//! 1. **Vocabulary.** Rank 0, 1, 2, … of a vocabulary of `vocabulary` words. The most frequent
//!    ranks are real English function words (`the`, `of`, `and`, `we`, `will`, `do`, `not`,
//!    `it`, `is`, …); every later rank is a pseudo-word made of syllables, derived from its rank
//!    alone (longer words for rarer ranks). Word frequencies follow Zipf's law with exponent
//!    s = 1 (weight of rank r proportional to 1 / (r + 1)); ranks are drawn in O(1) from an
//!    integer alias table.
//! 2. **Sentences** have 8–30 words, a capitalised first word, occasional commas, and end in
//!    `.`. About a third of them contain one of the phrases `we will`, `we'll`, `do not`,
//!    `don't`, `it is`, `it's`, so that contractions can be swapped by rewording.
//! 3. **Paragraphs** have 2–6 sentences and are separated by a blank line (`\n\n`). About one
//!    paragraph in four has a quote in place of one of its sentences, in one of two forms:
//!    `"Quoted sentence(s)," Name Surname said.` or `Name Surname said: "Quoted sentence(s)."`,
//!    with curly quotes (“ ”) about a third of the time. Names come from fixed lists of
//!    syllable-made first names and surnames.
//! 4. **Articles** have a title (4–10 words, not part of `text`) and a body of exactly `n` words
//!    (whitespace-separated tokens), `n` drawn uniformly from `min_words..=max_words`. Each has an
//!    `id` (`a0000042`, zero-padded so that ids sort in generation order), an `outlet`
//!    (`outlet-07`) and a `date` (`YYYY-MM-DD`, starting on 2020-01-01 and advancing by one day
//!    after about every 200 articles, so dates never decrease in generation order).
//! 5. **Sources.** Copies take their source among the last `window` *original* articles (articles
//!    with no planted content). Copies are never used as sources, so the ground truth has no
//!    transitive chains; note that two copies of the same source still resemble each other
//!    without a [`Planted`] record between them.
//! 6. **Planted reuse.** For each article one draw decides, with the configured probabilities
//!    (the rest are originals):
//!    - *syndicated*: the source's text copied exactly (same title, another outlet, the copy's
//!      own date, which is never earlier);
//!    - *edited*: the source's text with a fraction `f` of its words edited, `f` drawn uniformly
//!      from `edit_fractions`; each edit substitutes a word with another vocabulary word,
//!      deletes it, or inserts a new word after it (equal thirds);
//!    - *passages*: a new original article into which one to three passages of a single source
//!      are planted at sentence boundaries. Each passage comes from a different paragraph of the
//!      source and is a run of 1–4 consecutive sentences (at least 8 words where the paragraph
//!      allows). Its kind is drawn with the `passage_kinds` weights: [`PlantKind::Verbatim`]
//!      (copied exactly), [`PlantKind::LightRewording`] (contractions swapped, 5–15 % of the
//!      words substituted, one or two punctuation changes, straight ↔ curly quotes),
//!      [`PlantKind::HeavyRewording`] (sentence order shuffled, 25–40 % of the words
//!      substituted, deleted or inserted) or [`PlantKind::LiftedQuote`] (only the quoted words
//!      of a source quote, placed verbatim in a quote of the same form with a new attribution).
//!
//!    While the window is still empty every article is an original. A passage copy has the
//!    words of its own body plus those of its passages, so it may exceed `max_words`.
//! 7. **Ground truth.** Every planted item is a [`Planted`] record with half-open byte ranges
//!    into both `text`s, on UTF-8 character boundaries and without surrounding whitespace. For
//!    whole-article copies the ranges cover both texts entirely. For a lifted quote they cover
//!    the words between the quotation marks (including the final `,` or `.` inside them). For a
//!    heavy rewording the source range covers the original, unshuffled run.
//!
//! Size and speed: with the defaults an article averages about 650 words and 3.8 KB of JSON,
//! so a million articles make about 3.8 GB; release builds generate about 200 MB/s of JSON Lines
//! on one core. Use [`Generator::write_jsonl`] (or the iterator) for large archives and
//! [`Generator::collect_archive`] for small ones.
//!
//! ```
//! # use reprint::synth::ArchiveBuilder;
//! let archive = ArchiveBuilder::new().articles(200).seed(7).build().collect_archive();
//! assert_eq!(archive.articles.len(), 200);
//! for p in &archive.planted {
//!     let source = archive.article(&p.source).unwrap();
//!     let copy = archive.article(&p.copy).unwrap();
//!     assert!(source.text.get(p.source_start..p.source_end).is_some());
//!     assert!(copy.text.get(p.copy_start..p.copy_end).is_some());
//! }
//! ```

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::io::{self, BufWriter, Write};
use std::iter::FusedIterator;

use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

/// One generated article, serialised as one JSON Lines record
/// (`{"id","outlet","date","title","text"}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SynthArticle {
    /// Identifier such as `a0000042`; ids sort in generation order.
    pub id: String,
    /// Outlet name such as `outlet-07`.
    pub outlet: String,
    /// Publication date, ISO 8601 `YYYY-MM-DD`, non-decreasing in generation order.
    pub date: String,
    /// Title line (not part of `text`).
    pub title: String,
    /// Body: paragraphs separated by `\n\n`, no leading or trailing whitespace.
    pub text: String,
}

/// The kind of reuse a [`Planted`] record describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlantKind {
    /// Whole text copied exactly.
    Syndicated,
    /// Whole text copied with a fraction of its words substituted, deleted or inserted.
    Edited,
    /// A passage copied exactly.
    Verbatim,
    /// A passage with 5–15 % of its words changed, contractions, punctuation and quote style
    /// changed.
    LightRewording,
    /// A passage with its sentences shuffled and 25–40 % of its words changed.
    HeavyRewording,
    /// The quoted words of a source quote, placed verbatim under a new attribution.
    LiftedQuote,
}

impl PlantKind {
    /// Every kind, in declaration order (the order used by [`GenerationSummary::planted`]).
    pub const ALL: [PlantKind; 6] = [
        PlantKind::Syndicated,
        PlantKind::Edited,
        PlantKind::Verbatim,
        PlantKind::LightRewording,
        PlantKind::HeavyRewording,
        PlantKind::LiftedQuote,
    ];

    /// Whether this kind copies a whole article ([`Syndicated`](Self::Syndicated) or
    /// [`Edited`](Self::Edited)) rather than a passage.
    pub fn is_whole_article(self) -> bool {
        matches!(self, PlantKind::Syndicated | PlantKind::Edited)
    }
}

/// Ground truth for one planted reuse: `copy.text[copy_start..copy_end]` was made from
/// `source.text[source_start..source_end]`.
///
/// Ranges are half-open byte offsets on UTF-8 character boundaries, without surrounding
/// whitespace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Planted {
    /// What kind of reuse this is.
    pub kind: PlantKind,
    /// Id of the (earlier) source article.
    pub source: String,
    /// Id of the (later) article containing the copy.
    pub copy: String,
    /// Fraction of words edited for [`PlantKind::Edited`]; `0.0` for every other kind.
    pub edit_fraction: f64,
    /// Start of the copied text in the source, in bytes.
    pub source_start: usize,
    /// End (exclusive) of the copied text in the source, in bytes.
    pub source_end: usize,
    /// Start of the inserted text in the copy, in bytes.
    pub copy_start: usize,
    /// End (exclusive) of the inserted text in the copy, in bytes.
    pub copy_end: usize,
}

/// A whole archive in memory: see [`Generator::collect_archive`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Archive {
    /// Articles in generation order (sorted by id).
    pub articles: Vec<SynthArticle>,
    /// Ground truth, grouped by copy in generation order, by `copy_start` within a copy.
    pub planted: Vec<Planted>,
}

impl Archive {
    /// The article with this id, found by binary search (ids sort in generation order).
    pub fn article(&self, id: &str) -> Option<&SynthArticle> {
        self.articles
            .binary_search_by(|a| a.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.articles[i])
    }
}

/// What [`Generator::write_jsonl`] wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenerationSummary {
    /// Number of articles written.
    pub articles: usize,
    /// Total bytes of the `text` fields (UTF-8, before JSON escaping).
    pub text_bytes: u64,
    /// Number of planted records of each kind, one entry per kind in [`PlantKind::ALL`] order.
    pub planted: Vec<(PlantKind, usize)>,
}

// ---------------------------------------------------------------------------------------------
// Builder
// ---------------------------------------------------------------------------------------------

/// Configures a synthetic archive; [`build`](Self::build) returns the streaming [`Generator`].
#[derive(Clone, Debug, PartialEq)]
pub struct ArchiveBuilder {
    articles: usize,
    seed: u64,
    min_words: usize,
    max_words: usize,
    vocabulary: usize,
    outlets: usize,
    window: usize,
    syndicated_rate: f64,
    edited_rate: f64,
    passage_rate: f64,
    edit_fractions: Vec<f64>,
    passage_kinds: [f64; 4],
}

impl Default for ArchiveBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl ArchiveBuilder {
    /// A builder with every setting at its default.
    pub fn new() -> Self {
        ArchiveBuilder {
            articles: 10_000,
            seed: 0x5EED,
            min_words: 300,
            max_words: 1000,
            vocabulary: 50_000,
            outlets: 50,
            window: 1000,
            syndicated_rate: 0.03,
            edited_rate: 0.06,
            passage_rate: 0.10,
            edit_fractions: vec![0.05, 0.15, 0.30],
            passage_kinds: [1.0; 4],
        }
    }

    /// Number of articles to generate. Default: `10_000`.
    pub fn articles(&mut self, n: usize) -> &mut Self {
        self.articles = n;
        self
    }

    /// Seed of all randomness; the same seed gives byte-identical output. Default: 0x5EED.
    pub fn seed(&mut self, s: u64) -> &mut Self {
        self.seed = s;
        self
    }

    /// Smallest number of words in an original article's text (at least 1). Default: 300.
    pub fn min_words(&mut self, n: usize) -> &mut Self {
        self.min_words = n;
        self
    }

    /// Largest number of words in an original article's text (at least `min_words`).
    /// Default: 1000.
    pub fn max_words(&mut self, n: usize) -> &mut Self {
        self.max_words = n;
        self
    }

    /// Number of distinct words in the vocabulary (at least 2). Default: `50_000`.
    pub fn vocabulary(&mut self, n: usize) -> &mut Self {
        self.vocabulary = n;
        self
    }

    /// Number of outlets articles are spread over (at least 1). Default: 50.
    pub fn outlets(&mut self, n: usize) -> &mut Self {
        self.outlets = n;
        self
    }

    /// How many of the most recent original articles are kept as copy sources; 0 disables
    /// copying. Default: 1000.
    pub fn window(&mut self, n: usize) -> &mut Self {
        self.window = n;
        self
    }

    /// Probability that an article is an exact copy of a source. Default: 0.03.
    pub fn syndicated_rate(&mut self, p: f64) -> &mut Self {
        self.syndicated_rate = p;
        self
    }

    /// Probability that an article is an edited copy of a source. Default: 0.06.
    pub fn edited_rate(&mut self, p: f64) -> &mut Self {
        self.edited_rate = p;
        self
    }

    /// Probability that an article is an original with one to three planted passages.
    /// Default: 0.10.
    pub fn passage_rate(&mut self, p: f64) -> &mut Self {
        self.passage_rate = p;
        self
    }

    /// Fractions of words edited in edited copies, each in `0.0..=1.0`; each copy draws one
    /// uniformly from the list. Default: `[0.05, 0.15, 0.30]`.
    pub fn edit_fractions(&mut self, f: &[f64]) -> &mut Self {
        self.edit_fractions = f.to_vec();
        self
    }

    /// Relative weights of the passage kinds, in the order [`PlantKind::Verbatim`],
    /// [`PlantKind::LightRewording`], [`PlantKind::HeavyRewording`], [`PlantKind::LiftedQuote`]
    /// (non-negative, not all zero). A lifted quote needs a source paragraph with a quote; when
    /// the chosen source has none left, another kind is drawn instead.
    /// Default: `[1.0, 1.0, 1.0, 1.0]`.
    pub fn passage_kinds(&mut self, weights: [f64; 4]) -> &mut Self {
        self.passage_kinds = weights;
        self
    }

    /// Checks the settings and returns the streaming generator (building the vocabulary takes a
    /// few milliseconds).
    ///
    /// # Panics
    ///
    /// If a setting is out of range: `min_words` is 0 or above `max_words`, `vocabulary` is
    /// below 2 or above `u32::MAX`, `outlets` is 0, a rate is outside `0.0..=1.0` or the rates
    /// add up to more than 1, `edited_rate > 0` with no edit fraction or a fraction outside
    /// `0.0..=1.0`, or `passage_rate > 0` with a negative or non-finite kind weight or all
    /// weights zero.
    pub fn build(&self) -> Generator {
        assert!(self.min_words >= 1, "synth: min_words must be at least 1");
        assert!(
            self.min_words <= self.max_words,
            "synth: min_words ({}) must not exceed max_words ({})",
            self.min_words,
            self.max_words
        );
        assert!(
            (2..=u32::MAX as usize).contains(&self.vocabulary),
            "synth: vocabulary must be in 2..=u32::MAX"
        );
        assert!(self.outlets >= 1, "synth: outlets must be at least 1");
        for (name, p) in [
            ("syndicated_rate", self.syndicated_rate),
            ("edited_rate", self.edited_rate),
            ("passage_rate", self.passage_rate),
        ] {
            assert!((0.0..=1.0).contains(&p), "synth: {name} must be in 0..=1");
        }
        assert!(
            self.syndicated_rate + self.edited_rate + self.passage_rate <= 1.0 + 1e-12,
            "synth: the rates add up to more than 1"
        );
        if self.edited_rate > 0.0 {
            assert!(
                !self.edit_fractions.is_empty(),
                "synth: edit_fractions is empty"
            );
            assert!(
                self.edit_fractions.iter().all(|f| (0.0..=1.0).contains(f)),
                "synth: edit fractions must be in 0..=1"
            );
        }
        if self.passage_rate > 0.0 {
            assert!(
                self.passage_kinds
                    .iter()
                    .all(|w| w.is_finite() && *w >= 0.0),
                "synth: passage kind weights must be finite and non-negative"
            );
            assert!(
                self.passage_kinds.iter().sum::<f64>() > 0.0,
                "synth: passage kind weights are all zero"
            );
        }
        let id_width = decimal_digits(self.articles.saturating_sub(1)).max(7);
        let outlet_width = decimal_digits(self.outlets - 1).max(2);
        let outlet_names = (0..self.outlets)
            .map(|i| format!("outlet-{i:0outlet_width$}"))
            .collect();
        Generator {
            cfg: self.clone(),
            lex: Lexicon::new(self.vocabulary),
            next: 0,
            day: START_DAY,
            date: format_date(START_DAY),
            id_width,
            outlet_names,
            window: VecDeque::with_capacity(self.window.min(1 << 16)),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Generator
// ---------------------------------------------------------------------------------------------

/// Streams the archive: each item is one article and the [`Planted`] records whose copy it is
/// (sorted by `copy_start`). Made by [`ArchiveBuilder::build`].
pub struct Generator {
    cfg: ArchiveBuilder,
    lex: Lexicon,
    next: usize,
    day: i64,
    date: String,
    id_width: usize,
    outlet_names: Vec<String>,
    window: VecDeque<Source>,
}

impl fmt::Debug for Generator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Generator")
            .field("config", &self.cfg)
            .field("next", &self.next)
            .field("date", &self.date)
            .field("window_len", &self.window.len())
            .finish_non_exhaustive()
    }
}

impl Generator {
    /// Generates everything into memory (fine for ≤ 100k articles: about 4.2 KB per article).
    pub fn collect_archive(self) -> Archive {
        let mut archive = Archive {
            articles: Vec::with_capacity(self.len()),
            planted: Vec::new(),
        };
        for (article, planted) in self {
            archive.articles.push(article);
            archive.planted.extend(planted);
        }
        archive
    }

    /// Streams articles as JSON Lines (`{"id","outlet","date","title","text"}` one per line) to
    /// `out` and the ground truth as JSON Lines to `truth` (one [`Planted`] per line, fields in
    /// declaration order, `kind` in `snake_case`). Both writers are buffered internally and
    /// flushed before returning. Returns how many articles, text bytes and planted records of
    /// each kind were written.
    ///
    /// # Errors
    ///
    /// The first error of either writer (serialisation itself cannot fail).
    pub fn write_jsonl<W: Write, T: Write>(
        self,
        out: W,
        truth: T,
    ) -> io::Result<GenerationSummary> {
        let mut out = BufWriter::with_capacity(1 << 20, out);
        let mut truth = BufWriter::with_capacity(1 << 16, truth);
        let mut summary = GenerationSummary {
            articles: 0,
            text_bytes: 0,
            planted: PlantKind::ALL.iter().map(|&k| (k, 0)).collect(),
        };
        for (article, planted) in self {
            serde_json::to_writer(&mut out, &article)?;
            out.write_all(b"\n")?;
            summary.articles += 1;
            summary.text_bytes += article.text.len() as u64;
            for p in &planted {
                serde_json::to_writer(&mut truth, p)?;
                truth.write_all(b"\n")?;
                summary.planted[p.kind as usize].1 += 1;
            }
        }
        out.flush()?;
        truth.flush()?;
        Ok(summary)
    }

    fn article_id(&self, index: usize) -> String {
        format!("a{index:0w$}", w = self.id_width)
    }

    fn other_outlet(&self, outlet: usize, rng: &mut Rng) -> usize {
        let n = self.outlet_names.len();
        if n < 2 {
            return 0;
        }
        let o = rng.below(n - 1);
        if o >= outlet {
            o + 1
        } else {
            o
        }
    }

    fn generate(&mut self, index: usize) -> (SynthArticle, Vec<Planted>) {
        let mut rng = Rng::for_article(self.cfg.seed, index as u64);
        if index > 0 && rng.chance(1.0 / ARTICLES_PER_DAY) {
            self.day += 1;
            self.date = format_date(self.day);
        }
        let id = self.article_id(index);
        let u = rng.unit();
        let c = &self.cfg;
        let choice = if self.window.is_empty() {
            Choice::Original
        } else if u < c.syndicated_rate {
            Choice::Syndicated
        } else if u < c.syndicated_rate + c.edited_rate {
            Choice::Edited
        } else if u < c.syndicated_rate + c.edited_rate + c.passage_rate {
            Choice::Passages
        } else {
            Choice::Original
        };
        match choice {
            Choice::Syndicated | Choice::Edited => self.whole_copy(id, choice, &mut rng),
            Choice::Passages => self.passage_copy(id, &mut rng),
            Choice::Original => self.original(id, &mut rng),
        }
    }

    fn original(&mut self, id: String, rng: &mut Rng) -> (SynthArticle, Vec<Planted>) {
        let outlet = rng.below(self.outlet_names.len());
        let title = self.lex.title(rng);
        let target = rng.range(self.cfg.min_words, self.cfg.max_words);
        let doc = self.lex.doc(target, rng);
        let article = SynthArticle {
            id: id.clone(),
            outlet: self.outlet_names[outlet].clone(),
            date: self.date.clone(),
            title: title.clone(),
            text: doc.text.clone(),
        };
        if self.cfg.window > 0 {
            if self.window.len() == self.cfg.window {
                self.window.pop_front();
            }
            self.window.push_back(Source {
                id,
                outlet,
                title,
                doc,
            });
        }
        (article, Vec::new())
    }

    fn whole_copy(
        &self,
        id: String,
        choice: Choice,
        rng: &mut Rng,
    ) -> (SynthArticle, Vec<Planted>) {
        let src = &self.window[rng.below(self.window.len())];
        let outlet = self.other_outlet(src.outlet, rng);
        let (kind, text, edit_fraction) = if let Choice::Edited = choice {
            let fractions = &self.cfg.edit_fractions;
            let f = fractions[rng.below(fractions.len())];
            let k = round_count(f, src.doc.words);
            let mut text = String::with_capacity(src.doc.text.len() + 64);
            self.lex
                .edit_words(&src.doc.text, k, EditOps::Mixed, rng, &mut text);
            (PlantKind::Edited, text, f)
        } else {
            (PlantKind::Syndicated, src.doc.text.clone(), 0.0)
        };
        let planted = Planted {
            kind,
            source: src.id.clone(),
            copy: id.clone(),
            edit_fraction,
            source_start: 0,
            source_end: src.doc.text.len(),
            copy_start: 0,
            copy_end: text.len(),
        };
        let article = SynthArticle {
            id,
            outlet: self.outlet_names[outlet].clone(),
            date: self.date.clone(),
            title: src.title.clone(),
            text,
        };
        (article, vec![planted])
    }

    fn passage_copy(&self, id: String, rng: &mut Rng) -> (SynthArticle, Vec<Planted>) {
        let outlet = rng.below(self.outlet_names.len());
        let title = self.lex.title(rng);
        let target = rng.range(self.cfg.min_words, self.cfg.max_words);
        let doc = self.lex.doc(target, rng);
        let wanted = rng.range(1, 3);
        let mut kinds: Vec<PlantKind> = (0..wanted)
            .map(|_| draw_kind(&self.cfg.passage_kinds, rng))
            .collect();
        // Lifted quotes first, so that passages of other kinds do not use up the quotes.
        kinds.sort_by_key(|k| *k != PlantKind::LiftedQuote);
        let lifted = kinds
            .iter()
            .filter(|k| **k == PlantKind::LiftedQuote)
            .count();
        // A source with enough quotes when lifted quotes are wanted (a few tries).
        let mut src = &self.window[rng.below(self.window.len())];
        for _ in 0..16 {
            if src.doc.quoted_paras() >= lifted {
                break;
            }
            src = &self.window[rng.below(self.window.len())];
        }

        let mut used: Vec<usize> = Vec::with_capacity(3);
        let mut inserts: Vec<Insert> = Vec::with_capacity(3);
        for (seq, mut kind) in kinds.into_iter().enumerate() {
            if kind == PlantKind::LiftedQuote {
                let quoted: Vec<usize> = (0..src.doc.paras.len())
                    .filter(|p| !used.contains(p) && src.doc.para_quote(*p).is_some())
                    .collect();
                if quoted.is_empty() {
                    let mut w = self.cfg.passage_kinds;
                    w[3] = 0.0;
                    kind = if w.iter().sum::<f64>() > 0.0 {
                        draw_kind(&w, rng)
                    } else {
                        PlantKind::Verbatim
                    };
                } else {
                    let p = quoted[rng.below(quoted.len())];
                    used.push(p);
                    let (piece, rel, src_span) = self.lifted_quote(&src.doc, p, rng);
                    inserts.push(Insert::new(&doc, piece, rel, src_span, kind, seq, rng));
                    continue;
                }
            }
            let free: Vec<usize> = (0..src.doc.paras.len())
                .filter(|p| !used.contains(p))
                .collect();
            if free.is_empty() {
                break;
            }
            let p = free[rng.below(free.len())];
            used.push(p);
            let (a, b) = src.doc.paras[p];
            let n_units = b - a;
            let mut len = rng.range(1, n_units.min(4));
            let first = a + rng.below(n_units - len + 1);
            while len < 4
                && first + len < b
                && count_words(src.doc.run_text(first, first + len)) < 8
            {
                len += 1;
            }
            let src_span = src.doc.run_span(first, first + len);
            let piece = match kind {
                PlantKind::LightRewording => self
                    .lex
                    .light_reword(src.doc.run_text(first, first + len), rng),
                PlantKind::HeavyRewording => {
                    self.lex.heavy_reword(&src.doc, first, first + len, rng)
                }
                _ => src.doc.run_text(first, first + len).to_string(),
            };
            let rel = (0, piece.len());
            inserts.push(Insert::new(&doc, piece, rel, src_span, kind, seq, rng));
        }

        inserts.sort_by_key(|i| (i.pos, i.seq));
        let extra: usize = inserts.iter().map(|i| i.piece.len() + 1).sum();
        let mut text = String::with_capacity(doc.text.len() + extra);
        let mut planted = Vec::with_capacity(inserts.len());
        let mut last = 0;
        for ins in &inserts {
            text.push_str(&doc.text[last..ins.pos]);
            last = ins.pos;
            if ins.at_para_end {
                text.push(' ');
            }
            let base = text.len();
            text.push_str(&ins.piece);
            if !ins.at_para_end {
                text.push(' ');
            }
            planted.push(Planted {
                kind: ins.kind,
                source: src.id.clone(),
                copy: id.clone(),
                edit_fraction: 0.0,
                source_start: ins.src_span.0,
                source_end: ins.src_span.1,
                copy_start: base + ins.rel.0,
                copy_end: base + ins.rel.1,
            });
        }
        text.push_str(&doc.text[last..]);
        let article = SynthArticle {
            id,
            outlet: self.outlet_names[outlet].clone(),
            date: self.date.clone(),
            title,
            text,
        };
        (article, planted)
    }

    /// The quote of source paragraph `p` with a new attribution: (piece, span of the quoted
    /// words in the piece, span of the quoted words in the source).
    fn lifted_quote(
        &self,
        src: &Doc,
        p: usize,
        rng: &mut Rng,
    ) -> (String, (usize, usize), (usize, usize)) {
        let (s, e) = src.para_quote(p).expect("paragraph has a quote");
        let inner = &src.text[s..e];
        let (open, close) = quote_marks(rng.chance(CURLY_RATE));
        let mut piece = String::with_capacity(inner.len() + 32);
        let rel;
        if inner.ends_with(',') {
            piece.push(open);
            let start = piece.len();
            piece.push_str(inner);
            rel = (start, piece.len());
            piece.push(close);
            piece.push(' ');
            self.lex.push_name(&mut piece, rng);
            piece.push_str(" said.");
        } else {
            self.lex.push_name(&mut piece, rng);
            piece.push_str(" said: ");
            piece.push(open);
            let start = piece.len();
            piece.push_str(inner);
            rel = (start, piece.len());
            piece.push(close);
        }
        (piece, rel, (s, e))
    }
}

impl Iterator for Generator {
    type Item = (SynthArticle, Vec<Planted>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.next >= self.cfg.articles {
            return None;
        }
        let index = self.next;
        self.next += 1;
        Some(self.generate(index))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.cfg.articles - self.next;
        (left, Some(left))
    }
}

impl ExactSizeIterator for Generator {}

impl FusedIterator for Generator {}

// ---------------------------------------------------------------------------------------------
// Internals: documents, sources, planting
// ---------------------------------------------------------------------------------------------

/// Expected number of articles per day.
const ARTICLES_PER_DAY: f64 = 200.0;
/// Days from 1970-01-01 to 2020-01-01.
const START_DAY: i64 = 18_262;
/// Probability that a sentence contains a contraction-able phrase.
const PHRASE_RATE: f64 = 0.35;
/// Probability of a comma after a (non-final) word.
const COMMA_RATE: f64 = 0.06;
/// Probability that a paragraph contains a quote.
const QUOTE_RATE: f64 = 0.25;
/// Probability that a quote uses curly quotation marks.
const CURLY_RATE: f64 = 0.3;

#[derive(Clone, Copy)]
enum Choice {
    Original,
    Syndicated,
    Edited,
    Passages,
}

/// A generated body with its structure (needed to cut passages from it later).
struct Doc {
    text: String,
    /// Sentence-like units (a plain sentence or a whole quote construct), in text order.
    units: Vec<Unit>,
    /// Paragraphs as half-open ranges of unit indices.
    paras: Vec<(usize, usize)>,
    /// Number of words (whitespace-separated tokens).
    words: usize,
}

struct Unit {
    start: usize,
    end: usize,
    /// Byte range of the words between the quotation marks, for a quote unit.
    quote: Option<(usize, usize)>,
}

impl Doc {
    fn run_span(&self, first: usize, end: usize) -> (usize, usize) {
        (self.units[first].start, self.units[end - 1].end)
    }

    fn run_text(&self, first: usize, end: usize) -> &str {
        let (s, e) = self.run_span(first, end);
        &self.text[s..e]
    }

    fn quoted_paras(&self) -> usize {
        (0..self.paras.len())
            .filter(|p| self.para_quote(*p).is_some())
            .count()
    }

    fn para_quote(&self, p: usize) -> Option<(usize, usize)> {
        let (a, b) = self.paras[p];
        self.units[a..b].iter().find_map(|u| u.quote)
    }
}

/// An original article kept in the window as a copy source.
struct Source {
    id: String,
    outlet: usize,
    title: String,
    doc: Doc,
}

/// A piece of text to insert into a passage copy.
struct Insert {
    /// Byte offset in the copy's own text: a unit start (insert `piece + " "`) or a paragraph
    /// end (insert `" " + piece`).
    pos: usize,
    at_para_end: bool,
    seq: usize,
    piece: String,
    /// The planted span within `piece`.
    rel: (usize, usize),
    src_span: (usize, usize),
    kind: PlantKind,
}

impl Insert {
    fn new(
        doc: &Doc,
        piece: String,
        rel: (usize, usize),
        src_span: (usize, usize),
        kind: PlantKind,
        seq: usize,
        rng: &mut Rng,
    ) -> Insert {
        let (a, b) = doc.paras[rng.below(doc.paras.len())];
        let k = rng.range(0, b - a);
        let (pos, at_para_end) = if k < b - a {
            (doc.units[a + k].start, false)
        } else {
            (doc.units[b - 1].end, true)
        };
        Insert {
            pos,
            at_para_end,
            seq,
            piece,
            rel,
            src_span,
            kind,
        }
    }
}

fn draw_kind(weights: &[f64; 4], rng: &mut Rng) -> PlantKind {
    const KINDS: [PlantKind; 4] = [
        PlantKind::Verbatim,
        PlantKind::LightRewording,
        PlantKind::HeavyRewording,
        PlantKind::LiftedQuote,
    ];
    let total: f64 = weights.iter().sum();
    let mut u = rng.unit() * total;
    for (k, w) in KINDS.iter().zip(weights) {
        if u < *w {
            return *k;
        }
        u -= w;
    }
    // Rounding left `u` at or past the last weight: take the last kind with a weight.
    let last = weights.iter().rposition(|w| *w > 0.0).unwrap_or(0);
    KINDS[last]
}

fn quote_marks(curly: bool) -> (char, char) {
    if curly {
        ('\u{201C}', '\u{201D}')
    } else {
        ('"', '"')
    }
}

/// `round(f * n)` as a count, at most `n`.
fn round_count(f: f64, n: usize) -> usize {
    ((f * n as f64).round() as usize).min(n)
}

fn decimal_digits(mut n: usize) -> usize {
    let mut d = 1;
    while n >= 10 {
        n /= 10;
        d += 1;
    }
    d
}

/// `YYYY-MM-DD` for a count of days since 1970-01-01 (proleptic Gregorian calendar).
fn format_date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Howard Hinnant's `civil_from_days`.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

// ---------------------------------------------------------------------------------------------
// Internals: words and tokens
// ---------------------------------------------------------------------------------------------

/// Bytes that make up words: ASCII letters, digits and the apostrophe of contractions.
/// Every other byte (spaces, punctuation, the bytes of curly quotes) separates words, so word
/// boundaries always fall on character boundaries.
#[inline]
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'\''
}

#[inline]
fn scan_word(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && is_word_byte(b[i]) {
        i += 1;
    }
    i
}

#[inline]
fn scan_sep(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && !is_word_byte(b[i]) {
        i += 1;
    }
    i
}

/// Alternating word and separator tokens: `(is_word, text)`.
fn tokenize(s: &str) -> Vec<(bool, &str)> {
    let b = s.as_bytes();
    let mut toks = Vec::with_capacity(s.len() / 3 + 2);
    let mut i = 0;
    while i < b.len() {
        let word = is_word_byte(b[i]);
        let j = if word {
            scan_word(b, i)
        } else {
            scan_sep(b, i)
        };
        toks.push((word, &s[i..j]));
        i = j;
    }
    toks
}

fn count_words(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Pushes `w`, with its first (ASCII) letter upper-cased when `cap`.
#[inline]
fn push_word(out: &mut String, w: &str, cap: bool) {
    let b = w.as_bytes();
    if cap && !b.is_empty() && b[0].is_ascii_lowercase() {
        out.push(b[0].to_ascii_uppercase() as char);
        out.push_str(&w[1..]);
    } else {
        out.push_str(w);
    }
}

/// Contraction pairs: (first word, second word, contraction).
const CONTRACTIONS: [(&str, &str, &str); 3] = [
    ("we", "will", "we'll"),
    ("do", "not", "don't"),
    ("it", "is", "it's"),
];

/// Phrases planted in sentences so that contractions occur; even indices have two words, odd
/// indices one.
const PHRASES: [(&str, usize); 6] = [
    ("we will", 2),
    ("we'll", 1),
    ("do not", 2),
    ("don't", 1),
    ("it is", 2),
    ("it's", 1),
];

/// Swaps every `we will`/`do not`/`it is` for its contraction and back.
fn swap_contractions(s: &str) -> String {
    let toks = tokenize(s);
    let mut out = String::with_capacity(s.len() + 16);
    let mut i = 0;
    while i < toks.len() {
        let (is_word, t) = toks[i];
        if is_word {
            let cap = t.as_bytes()[0].is_ascii_uppercase();
            if i + 2 < toks.len() && toks[i + 1].1 == " " && toks[i + 2].0 {
                let next = toks[i + 2].1;
                if let Some(c) = CONTRACTIONS
                    .iter()
                    .find(|c| t.eq_ignore_ascii_case(c.0) && next.eq_ignore_ascii_case(c.1))
                {
                    push_word(&mut out, c.2, cap);
                    i += 3;
                    continue;
                }
            }
            if let Some(c) = CONTRACTIONS.iter().find(|c| t.eq_ignore_ascii_case(c.2)) {
                push_word(&mut out, c.0, cap);
                out.push(' ');
                out.push_str(c.1);
                i += 1;
                continue;
            }
        }
        out.push_str(t);
        i += 1;
    }
    out
}

/// One or two punctuation changes: remove a comma, add a comma, or turn an inner sentence end
/// `. X` into `; x`.
fn punctuate(s: &str, rng: &mut Rng) -> String {
    let mut toks: Vec<(bool, String)> = tokenize(s)
        .into_iter()
        .map(|(w, t)| (w, t.to_string()))
        .collect();
    let changes = if rng.chance(0.5) { 2 } else { 1 };
    let mut changed: Vec<usize> = Vec::with_capacity(2);
    for _ in 0..changes {
        let mut commas = Vec::new();
        let mut spaces = Vec::new();
        let mut stops = Vec::new();
        for i in 1..toks.len().saturating_sub(1) {
            if toks[i].0 || !toks[i - 1].0 || !toks[i + 1].0 || changed.contains(&i) {
                continue;
            }
            match toks[i].1.as_str() {
                ", " => commas.push(i),
                " " => spaces.push(i),
                ". " => stops.push(i),
                _ => {}
            }
        }
        let options: Vec<&Vec<usize>> = [&commas, &spaces, &stops]
            .into_iter()
            .filter(|v| !v.is_empty())
            .collect();
        if options.is_empty() {
            break;
        }
        let list = options[rng.below(options.len())];
        let i = list[rng.below(list.len())];
        changed.push(i);
        match toks[i].1.as_str() {
            ", " => toks[i].1 = " ".to_string(),
            " " => toks[i].1 = ", ".to_string(),
            _ => {
                toks[i].1 = "; ".to_string();
                let w = &mut toks[i + 1].1;
                let lower = w[..1].to_ascii_lowercase();
                w.replace_range(..1, &lower);
            }
        }
    }
    toks.into_iter().map(|(_, t)| t).collect()
}

/// Straight quotes become curly (opening after whitespace or at the start, closing elsewhere);
/// curly quotes become straight.
fn swap_quote_style(s: &str) -> String {
    if s.contains('"') {
        let mut out = String::with_capacity(s.len() + 8);
        let mut prev: Option<char> = None;
        for c in s.chars() {
            if c == '"' {
                let opening = match prev {
                    None => true,
                    Some(p) => p.is_whitespace(),
                };
                if opening {
                    out.push('\u{201C}');
                } else {
                    out.push('\u{201D}');
                }
            } else {
                out.push(c);
            }
            prev = Some(c);
        }
        out
    } else {
        s.replace(['\u{201C}', '\u{201D}'], "\"")
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum EditOps {
    /// Substitutions only.
    Substitute,
    /// Substitutions, deletions and insertions in equal thirds.
    Mixed,
}

/// Real English function words: the most frequent ranks of the vocabulary.
const FUNCTION_WORDS: &[&str] = &[
    "the", "of", "and", "to", "a", "in", "that", "is", "for", "it", "was", "on", "with", "as",
    "he", "be", "at", "by", "we", "will", "not", "this", "have", "from", "or", "had", "but", "are",
    "they", "his", "do", "which", "an", "were", "she", "has", "their", "been", "would", "its",
    "one", "there", "her", "all", "can", "more", "who", "about", "after", "when", "new", "also",
    "than", "over", "into", "some", "could", "them", "other", "what", "our", "only", "most",
    "last", "first", "two", "year", "people", "may", "before", "while", "should", "between",
    "under", "those", "these", "where", "because", "during", "against",
];

const ONSETS: &[&str] = &[
    "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "b",
    "d", "g", "k", "l", "m", "n", "p", "r", "s", "t", "br", "ch", "dr", "gr", "pl", "sh", "st",
    "th", "tr",
];
const VOWELS: &[&str] = &[
    "a", "e", "i", "o", "u", "a", "e", "i", "o", "a", "e", "o", "ai", "ea", "ou",
];
const CODAS: &[&str] = &[
    "n", "r", "s", "l", "m", "t", "n", "r", "s", "nd", "st", "ck",
];

fn make_word(rng: &mut Rng, syllables: usize, out: &mut String) {
    for i in 0..syllables {
        if !(i == 0 && rng.chance(0.12)) {
            out.push_str(ONSETS[rng.below(ONSETS.len())]);
        }
        out.push_str(VOWELS[rng.below(VOWELS.len())]);
        if (i + 1 == syllables && rng.chance(0.45)) || rng.chance(0.06) {
            out.push_str(CODAS[rng.below(CODAS.len())]);
        }
    }
}

/// Vocabulary, Zipf sampler and names.
struct Lexicon {
    arena: String,
    spans: Vec<(u32, u32)>,
    /// Alias table: `(threshold << 32) | alias` per bucket.
    alias: Vec<u64>,
    first_names: Vec<String>,
    surnames: Vec<String>,
}

impl Lexicon {
    fn new(n: usize) -> Lexicon {
        let mut arena = String::with_capacity(n * 9);
        let mut spans = Vec::with_capacity(n);
        let mut seen: HashSet<String> = HashSet::with_capacity(n + 16);
        for phrase in PHRASES {
            seen.insert(phrase.0.to_string());
        }
        seen.insert("said".to_string());
        let mut word = String::new();
        for rank in 0..n {
            if let Some(w) = FUNCTION_WORDS.get(rank) {
                word.clear();
                word.push_str(w);
                seen.insert(word.clone());
            } else {
                let mut rng = Rng::new(0x0057_0CAB ^ (rank as u64).wrapping_mul(GOLDEN));
                let mut syllables = match rank {
                    0..=499 => 1,
                    500..=9_999 => 2,
                    10_000..=199_999 => 3,
                    _ => 4,
                } + usize::from(rng.chance(0.1));
                let mut attempts = 0;
                loop {
                    word.clear();
                    make_word(&mut rng, syllables, &mut word);
                    if seen.insert(word.clone()) {
                        break;
                    }
                    attempts += 1;
                    if attempts % 4 == 0 {
                        syllables += 1;
                    }
                }
            }
            let start = arena.len() as u32;
            arena.push_str(&word);
            spans.push((start, arena.len() as u32));
        }
        let names = |seed: u64, count: usize, base: usize| -> Vec<String> {
            let mut rng = Rng::new(seed);
            let mut out = Vec::with_capacity(count);
            let mut seen_names = HashSet::new();
            while out.len() < count {
                let mut w = String::new();
                let syllables = base + usize::from(rng.chance(0.4));
                make_word(&mut rng, syllables, &mut w);
                if w.len() >= 3 && seen_names.insert(w.clone()) {
                    let mut name = String::with_capacity(w.len());
                    push_word(&mut name, &w, true);
                    out.push(name);
                }
            }
            out
        };
        let first_names = names(0x00F1_257A, 400, 2);
        let surnames = names(0x0005_0AA3, 1500, 2);
        Lexicon {
            arena,
            spans,
            alias: build_alias(n),
            first_names,
            surnames,
        }
    }

    #[inline]
    fn word(&self, rank: usize) -> &str {
        let (s, e) = self.spans[rank];
        &self.arena[s as usize..e as usize]
    }

    /// A Zipf-distributed rank.
    #[inline]
    fn sample(&self, rng: &mut Rng) -> usize {
        let r = rng.next_u64();
        let j = (((r >> 32) * self.alias.len() as u64) >> 32) as usize;
        let e = self.alias[j];
        if (r & 0xFFFF_FFFF) < (e >> 32) {
            j
        } else {
            (e & 0xFFFF_FFFF) as usize
        }
    }

    /// A vocabulary word that differs from `old` (ignoring case) when the vocabulary allows.
    fn other_word(&self, old: &str, rng: &mut Rng) -> &str {
        let mut w = self.word(self.sample(rng));
        for _ in 0..16 {
            if !w.eq_ignore_ascii_case(old) {
                break;
            }
            w = self.word(self.sample(rng));
        }
        if w.eq_ignore_ascii_case(old) {
            w = self.word(if old.eq_ignore_ascii_case(self.word(0)) {
                1
            } else {
                0
            });
        }
        w
    }

    fn push_name(&self, out: &mut String, rng: &mut Rng) {
        out.push_str(&self.first_names[rng.below(self.first_names.len())]);
        out.push(' ');
        out.push_str(&self.surnames[rng.below(self.surnames.len())]);
    }

    fn title(&self, rng: &mut Rng) -> String {
        let n = rng.range(4, 10);
        let mut t = String::with_capacity(n * 8);
        for i in 0..n {
            if i > 0 {
                t.push(' ');
            }
            push_word(&mut t, self.word(self.sample(rng)), i == 0);
        }
        t
    }

    /// A sentence of exactly `n` words ending in `end`.
    fn sentence(&self, out: &mut String, n: usize, end: char, rng: &mut Rng) {
        let phrase_at = if n >= 2 && rng.chance(PHRASE_RATE) {
            rng.below(n)
        } else {
            usize::MAX
        };
        let mut i = 0;
        while i < n {
            if i > 0 {
                out.push(' ');
            }
            if i == phrase_at {
                let mut p = rng.below(PHRASES.len());
                if PHRASES[p].1 > n - i {
                    p |= 1;
                }
                push_word(out, PHRASES[p].0, i == 0);
                i += PHRASES[p].1;
            } else {
                push_word(out, self.word(self.sample(rng)), i == 0);
                i += 1;
            }
            if i < n && rng.chance(COMMA_RATE) {
                out.push(',');
            }
        }
        out.push(end);
    }

    /// A quote construct of exactly `n >= 5` words; returns the byte range of the quoted words
    /// (between the quotation marks).
    fn quote(&self, out: &mut String, n: usize, rng: &mut Rng) -> (usize, usize) {
        let content = n - 3;
        let (open, close) = quote_marks(rng.chance(CURLY_RATE));
        let say_first = rng.chance(0.5);
        if say_first {
            self.push_name(out, rng);
            out.push_str(" said: ");
        }
        out.push(open);
        let start = out.len();
        let end = if say_first { '.' } else { ',' };
        if content >= 12 && rng.chance(0.35) {
            let a = rng.range(5, content - 5);
            self.sentence(out, a, '.', rng);
            out.push(' ');
            self.sentence(out, content - a, end, rng);
        } else {
            self.sentence(out, content, end, rng);
        }
        let stop = out.len();
        out.push(close);
        if !say_first {
            out.push(' ');
            self.push_name(out, rng);
            out.push_str(" said.");
        }
        (start, stop)
    }

    /// A body of exactly `target` words.
    fn doc(&self, target: usize, rng: &mut Rng) -> Doc {
        let mut lens: Vec<usize> = Vec::with_capacity(target / 15 + 2);
        let mut rem = target;
        while rem > 0 {
            let l = if rem <= 30 {
                rem
            } else if rem < 38 {
                rng.range(8, rem - 8)
            } else {
                rng.range(8, 30)
            };
            lens.push(l);
            rem -= l;
        }
        let mut paras = Vec::with_capacity(lens.len() / 3 + 1);
        let mut a = 0;
        while a < lens.len() {
            let left = lens.len() - a;
            let mut p = if left <= 6 { left } else { rng.range(2, 6) };
            if left - p == 1 {
                p -= 1;
            }
            paras.push((a, a + p));
            a += p;
        }
        let mut text = String::with_capacity(target * 7 + 16);
        let mut units = Vec::with_capacity(lens.len());
        for &(a, b) in &paras {
            let quote_at = if rng.chance(QUOTE_RATE) {
                a + rng.below(b - a)
            } else {
                usize::MAX
            };
            for (u, &len) in lens.iter().enumerate().take(b).skip(a) {
                if u == a {
                    if u > 0 {
                        text.push_str("\n\n");
                    }
                } else {
                    text.push(' ');
                }
                let start = text.len();
                let quote = if u == quote_at && len >= 5 {
                    Some(self.quote(&mut text, len, rng))
                } else {
                    self.sentence(&mut text, len, '.', rng);
                    None
                };
                units.push(Unit {
                    start,
                    end: text.len(),
                    quote,
                });
            }
        }
        Doc {
            text,
            units,
            paras,
            words: target,
        }
    }

    /// Edits exactly `k` of the words of `src` (chosen uniformly) and appends the result.
    fn edit_words(&self, src: &str, k: usize, ops: EditOps, rng: &mut Rng, out: &mut String) {
        let b = src.as_bytes();
        let n = count_words(src);
        let mut need = k.min(n);
        let mut left = n;
        let mut cap_next = false;
        let mut i = scan_sep(b, 0);
        out.push_str(&src[..i]);
        while i < b.len() {
            let we = scan_word(b, i);
            let se = scan_sep(b, we);
            let word = &src[i..we];
            let mut sep = &src[we..se];
            i = se;
            let selected = left > 0 && rng.below(left) < need;
            left = left.saturating_sub(1);
            if !selected {
                push_word(out, word, cap_next);
                cap_next = false;
                out.push_str(sep);
                continue;
            }
            need -= 1;
            let op = match ops {
                EditOps::Substitute => 0,
                EditOps::Mixed => rng.below(3),
            };
            let cap = word.as_bytes()[0].is_ascii_uppercase() || cap_next;
            cap_next = false;
            match op {
                0 => {
                    push_word(out, self.other_word(word, rng), cap);
                    out.push_str(sep);
                }
                1 => {
                    // Delete: keep the text well-formed around the gap.
                    let sentence_start = match out.trim_end_matches(' ').chars().next_back() {
                        None => true,
                        Some(c) => !(c.is_ascii_alphanumeric() || c == ','),
                    };
                    if sep == " " {
                        cap_next = cap && sentence_start;
                        continue;
                    }
                    if out.ends_with(' ') {
                        out.pop();
                    } else if let Some(rest) = sep.strip_prefix(", ") {
                        sep = rest;
                        cap_next = cap && sentence_start;
                    } else if let Some(rest) = sep.strip_prefix(',') {
                        sep = rest;
                    }
                    out.push_str(sep);
                }
                _ => {
                    push_word(out, word, cap);
                    out.push(' ');
                    out.push_str(self.word(self.sample(rng)));
                    out.push_str(sep);
                }
            }
        }
    }

    fn light_reword(&self, src: &str, rng: &mut Rng) -> String {
        let swapped = swap_contractions(src);
        let f = 0.05 + 0.10 * rng.unit();
        let k = round_count(f, count_words(&swapped)).max(1);
        let mut edited = String::with_capacity(swapped.len() + 16);
        self.edit_words(&swapped, k, EditOps::Substitute, rng, &mut edited);
        swap_quote_style(&punctuate(&edited, rng))
    }

    fn heavy_reword(&self, src: &Doc, first: usize, end: usize, rng: &mut Rng) -> String {
        let mut order: Vec<usize> = (first..end).collect();
        if order.len() >= 2 {
            for i in (1..order.len()).rev() {
                let j = rng.below(i + 1);
                order.swap(i, j);
            }
            if order.windows(2).all(|w| w[0] < w[1]) {
                order.swap(0, 1);
            }
        }
        let mut joined = String::with_capacity(src.run_span(first, end).1 - src.units[first].start);
        for (i, &u) in order.iter().enumerate() {
            if i > 0 {
                joined.push(' ');
            }
            joined.push_str(&src.text[src.units[u].start..src.units[u].end]);
        }
        let f = 0.25 + 0.15 * rng.unit();
        let k = round_count(f, count_words(&joined)).max(1);
        let mut out = String::with_capacity(joined.len() + 64);
        self.edit_words(&joined, k, EditOps::Mixed, rng, &mut out);
        out
    }
}

/// Vose's alias method over Zipf weights `2^40 / (rank + 1)`, in exact integer arithmetic.
fn build_alias(n: usize) -> Vec<u64> {
    let weights: Vec<u128> = (0..n as u64)
        .map(|i| u128::from((1u64 << 40) / (i + 1)))
        .collect();
    let total: u128 = weights.iter().sum();
    let mut q: Vec<u128> = weights.iter().map(|w| w * n as u128).collect();
    let mut alias: Vec<u32> = (0..n as u32).collect();
    let (mut small, mut large): (Vec<usize>, Vec<usize>) = (0..n).partition(|&i| q[i] < total);
    while let (Some(&s), Some(&l)) = (small.last(), large.last()) {
        small.pop();
        alias[s] = l as u32;
        q[l] -= total - q[s];
        if q[l] < total {
            large.pop();
            small.push(l);
        }
    }
    // The sums balance exactly, so whatever is left is full.
    for i in small.into_iter().chain(large) {
        q[i] = total;
        alias[i] = i as u32;
    }
    (0..n)
        .map(|i| {
            let t = ((q[i] << 32) / total).min(u128::from(u32::MAX)) as u64;
            (t << 32) | u64::from(alias[i])
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// PRNG
// ---------------------------------------------------------------------------------------------

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(GOLDEN);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// xoshiro256** seeded with SplitMix64.
#[derive(Clone, Debug)]
struct Rng {
    s: [u64; 4],
}

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut sm = seed;
        Rng {
            s: [
                splitmix64(&mut sm),
                splitmix64(&mut sm),
                splitmix64(&mut sm),
                splitmix64(&mut sm),
            ],
        }
    }

    /// An independent stream for article `index` of the archive seeded with `seed`.
    fn for_article(seed: u64, index: u64) -> Rng {
        let mut sm = seed;
        let base = splitmix64(&mut sm);
        Rng::new(base ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03))
    }

    #[inline]
    fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in `0..n` (`n > 0`), by multiply-shift.
    #[inline]
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    #[inline]
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// Uniform in `[0, 1)` with 53 bits.
    #[inline]
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }

    #[inline]
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn archive(n: usize, seed: u64) -> Archive {
        ArchiveBuilder::new()
            .articles(n)
            .seed(seed)
            .build()
            .collect_archive()
    }

    fn jsonl(b: &ArchiveBuilder) -> (Vec<u8>, Vec<u8>, GenerationSummary) {
        let (mut out, mut truth) = (Vec::new(), Vec::new());
        let summary = b.build().write_jsonl(&mut out, &mut truth).unwrap();
        (out, truth, summary)
    }

    /// `s` with every contraction written out.
    fn expand(s: &str) -> String {
        let mut out = s.to_string();
        for (a, b, c) in CONTRACTIONS {
            out = out.replace(c, &format!("{a} {b}"));
        }
        out
    }

    fn words(s: &str) -> Vec<String> {
        s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '\''))
            .filter(|w| !w.is_empty())
            .map(|w| w.to_ascii_lowercase())
            .collect()
    }

    #[test]
    fn same_seed_same_bytes_other_seed_other_bytes() {
        let mut b = ArchiveBuilder::new();
        b.articles(400).seed(42);
        let (out1, truth1, s1) = jsonl(&b);
        let (out2, truth2, s2) = jsonl(&b);
        assert_eq!(out1, out2);
        assert_eq!(truth1, truth2);
        assert_eq!(s1, s2);
        assert!(!truth1.is_empty());
        b.seed(43);
        let (out3, truth3, _) = jsonl(&b);
        assert_ne!(out1, out3);
        assert_ne!(truth1, truth3);
    }

    #[test]
    fn output_is_pinned() {
        // Guards against accidental changes of the model and against platform differences:
        // the default archive's first 300 articles and their ground truth never change. If the
        // model is changed on purpose, update the digest (it changes every generated archive).
        let mut b = ArchiveBuilder::new();
        b.articles(300);
        let (out, truth, _) = jsonl(&b);
        let fnv = |h: u64, b: &u8| (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01B3);
        let digest = out.iter().chain(&truth).fold(0xCBF2_9CE4_8422_2325, fnv);
        let first = String::from_utf8(out[..120].to_vec()).unwrap();
        assert_eq!(digest, PINNED_DIGEST, "{first}");
    }

    const PINNED_DIGEST: u64 = 4_382_392_151_419_764_715;

    #[test]
    fn jsonl_round_trips_and_matches_iterator() {
        let mut b = ArchiveBuilder::new();
        b.articles(300).seed(9);
        let (out, truth, summary) = jsonl(&b);
        let archive = b.build().collect_archive();
        let parsed: Vec<SynthArticle> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let planted: Vec<Planted> = String::from_utf8(truth)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(parsed, archive.articles);
        assert_eq!(planted, archive.planted);
        assert_eq!(summary.articles, 300);
        let bytes: u64 = archive.articles.iter().map(|a| a.text.len() as u64).sum();
        assert_eq!(summary.text_bytes, bytes);
        for (kind, count) in &summary.planted {
            assert_eq!(*count, planted.iter().filter(|p| p.kind == *kind).count());
        }
        let line = serde_json::to_string(&archive.articles[0]).unwrap();
        assert!(line.starts_with("{\"id\":\"a0000000\",\"outlet\":\"outlet-"));
    }

    #[test]
    fn spans_are_exact() {
        let archive = archive(2000, 1);
        let mut seen_kinds = HashSet::new();
        let mut contraction_swaps = 0;
        for p in &archive.planted {
            seen_kinds.insert(p.kind);
            let src = archive.article(&p.source).unwrap();
            let copy = archive.article(&p.copy).unwrap();
            assert!(src.id < copy.id, "{p:?}");
            assert!(src.date <= copy.date);
            let s = src
                .text
                .get(p.source_start..p.source_end)
                .expect("source span");
            let c = copy.text.get(p.copy_start..p.copy_end).expect("copy span");
            assert!(p.source_start < p.source_end && p.copy_start < p.copy_end);
            for t in [s, c] {
                assert_eq!(t, t.trim(), "{p:?}");
            }
            if p.kind != PlantKind::Edited {
                assert_eq!(p.edit_fraction, 0.0);
            }
            match p.kind {
                PlantKind::Syndicated | PlantKind::Verbatim | PlantKind::LiftedQuote => {
                    assert_eq!(s, c, "{p:?}")
                }
                PlantKind::Edited => {
                    assert!(p.edit_fraction > 0.0);
                    assert_eq!((p.source_start, p.source_end), (0, src.text.len()));
                    assert_eq!((p.copy_start, p.copy_end), (0, copy.text.len()));
                }
                PlantKind::LightRewording => {
                    assert_ne!(s, c);
                    let sw: HashSet<String> = words(&expand(s)).into_iter().collect();
                    let cw = words(&expand(c));
                    let shared = cw.iter().filter(|w| sw.contains(*w)).count();
                    assert!(shared * 10 >= cw.len() * 7, "{s}\n{c}");
                    let has = |t: &str, w: &str| words(t).iter().any(|x| x == w);
                    if (has(s, "we'll") && !has(c, "we'll"))
                        || (has(s, "don't") && !has(c, "don't"))
                        || (has(s, "it's") && !has(c, "it's"))
                    {
                        contraction_swaps += 1;
                    }
                }
                PlantKind::HeavyRewording => {
                    assert_ne!(s, c);
                }
            }
            if p.kind.is_whole_article() {
                assert_eq!((p.source_start, p.source_end), (0, src.text.len()));
                assert_eq!((p.copy_start, p.copy_end), (0, copy.text.len()));
                assert_ne!(src.outlet, copy.outlet);
                assert_eq!(src.title, copy.title);
            } else {
                // Passages end at sentence boundaries of both texts.
                let before = &copy.text[..p.copy_start];
                if p.kind == PlantKind::LiftedQuote {
                    assert!(before.ends_with(['"', '\u{201C}']), "{p:?}");
                    assert!(copy.text[p.copy_end..].starts_with(['"', '\u{201D}']));
                    assert!(src.text[..p.source_start].ends_with(['"', '\u{201C}']));
                } else {
                    assert!(before.is_empty() || before.ends_with([' ', '\n']), "{p:?}");
                    assert!(
                        copy.text[p.copy_end..].is_empty()
                            || copy.text[p.copy_end..].starts_with([' ', '\n'])
                    );
                    assert!(count_words(s) >= 8 || p.kind == PlantKind::HeavyRewording);
                }
            }
        }
        assert_eq!(seen_kinds.len(), 6, "{seen_kinds:?}");
        assert!(contraction_swaps > 0);
        // Passage spans within one copy do not overlap and come in order.
        for w in archive.planted.windows(2) {
            if w[0].copy == w[1].copy {
                assert!(w[0].copy_end < w[1].copy_start);
            }
        }
    }

    #[test]
    fn ids_dates_and_word_counts() {
        let archive = archive(2000, 5);
        let copies: HashSet<&str> = archive.planted.iter().map(|p| p.copy.as_str()).collect();
        for w in archive.articles.windows(2) {
            assert!(w[0].id < w[1].id);
            assert!(w[0].date <= w[1].date);
        }
        assert_eq!(archive.articles[0].date, "2020-01-01");
        for a in &archive.articles {
            assert_eq!(a.id.len(), 8);
            assert_eq!(a.date.len(), 10);
            assert!(a.outlet.starts_with("outlet-") && a.outlet.len() == 9);
            assert_eq!(a.text, a.text.trim());
            assert!(!a.title.is_empty() && !a.title.contains('\n'));
            if !copies.contains(a.id.as_str()) {
                let n = count_words(&a.text);
                assert!((300..=1000).contains(&n), "{} has {n} words", a.id);
                for para in a.text.split("\n\n") {
                    assert!(para.ends_with(['.', '"', '\u{201D}']), "{para}");
                    assert!(!para.is_empty() && para == para.trim());
                }
            }
        }
        let last = &archive.articles.last().unwrap().date;
        assert!(last.as_str() > "2020-01-02", "{last}");
    }

    #[test]
    fn rates_are_roughly_honoured() {
        let archive = archive(2000, 11);
        let mut per_copy: HashMap<&str, PlantKind> = HashMap::new();
        for p in &archive.planted {
            per_copy.insert(&p.copy, p.kind);
        }
        let count =
            |pred: &dyn Fn(PlantKind) -> bool| per_copy.values().filter(|k| pred(**k)).count();
        let synd = count(&|k| k == PlantKind::Syndicated);
        let edited = count(&|k| k == PlantKind::Edited);
        let passages = count(&|k| !k.is_whole_article());
        assert!((35..=90).contains(&synd), "syndicated {synd}");
        assert!((85..=160).contains(&edited), "edited {edited}");
        assert!((150..=250).contains(&passages), "passage copies {passages}");
        let mut by_kind: HashMap<PlantKind, usize> = HashMap::new();
        for p in archive
            .planted
            .iter()
            .filter(|p| !p.kind.is_whole_article())
        {
            *by_kind.entry(p.kind).or_default() += 1;
        }
        let total: usize = by_kind.values().sum();
        assert!(total >= passages && total <= 3 * passages);
        for k in [
            PlantKind::Verbatim,
            PlantKind::LightRewording,
            PlantKind::HeavyRewording,
            PlantKind::LiftedQuote,
        ] {
            let n = by_kind.get(&k).copied().unwrap_or(0);
            assert!(n * 8 >= total && n * 3 <= total, "{k:?}: {n} of {total}");
        }
        // About one paragraph in four holds a quote.
        let originals: Vec<&SynthArticle> = archive
            .articles
            .iter()
            .filter(|a| !per_copy.contains_key(a.id.as_str()))
            .collect();
        let paras: Vec<&str> = originals
            .iter()
            .flat_map(|a| a.text.split("\n\n"))
            .collect();
        let quoted = paras
            .iter()
            .filter(|p| p.contains(" said.") || p.contains(" said: "))
            .count();
        let share = quoted as f64 / paras.len() as f64;
        assert!((0.2..0.3).contains(&share), "quote share {share}");
        let curly = paras.iter().filter(|p| p.contains('\u{201C}')).count();
        assert!(curly * 5 > quoted && curly * 2 < quoted);
    }

    #[test]
    fn edited_copies_change_about_the_requested_fraction() {
        let archive = ArchiveBuilder::new()
            .articles(600)
            .seed(3)
            .edited_rate(0.3)
            .edit_fractions(&[0.2])
            .build()
            .collect_archive();
        let mut n = 0;
        for p in archive
            .planted
            .iter()
            .filter(|p| p.kind == PlantKind::Edited)
        {
            assert_eq!(p.edit_fraction, 0.2);
            let s = words(&archive.article(&p.source).unwrap().text);
            let c = words(&archive.article(&p.copy).unwrap().text);
            // Each edit changes the length by -1, 0 or +1, so the lengths stay close.
            let diff = s.len().abs_diff(c.len()) as f64 / s.len() as f64;
            assert!(diff < 0.2, "{diff}");
            let sw: HashSet<&String> = s.iter().collect();
            let kept = c.iter().filter(|w| sw.contains(w)).count() as f64 / c.len() as f64;
            assert!(kept > 0.75 && kept < 0.99, "{kept}");
            n += 1;
        }
        assert!(n > 100);
    }

    #[test]
    fn settings_are_honoured() {
        let archive = ArchiveBuilder::new()
            .articles(300)
            .seed(1)
            .min_words(50)
            .max_words(60)
            .vocabulary(500)
            .outlets(3)
            .window(10)
            .syndicated_rate(0.0)
            .edited_rate(0.0)
            .passage_rate(0.5)
            .passage_kinds([0.0, 0.0, 0.0, 1.0])
            .build()
            .collect_archive();
        let outlets: HashSet<&str> = archive.articles.iter().map(|a| a.outlet.as_str()).collect();
        assert_eq!(outlets.len(), 3);
        let index: HashMap<&str, usize> = archive
            .articles
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.as_str(), i))
            .collect();
        let copies: HashSet<&str> = archive.planted.iter().map(|p| p.copy.as_str()).collect();
        assert!(!archive.planted.is_empty());
        for p in &archive.planted {
            // Lifted quotes when the source has one, verbatim otherwise.
            assert!(matches!(
                p.kind,
                PlantKind::LiftedQuote | PlantKind::Verbatim
            ));
            // The source is one of the last 10 originals.
            let (s, c) = (index[p.source.as_str()], index[p.copy.as_str()]);
            let between = archive.articles[s + 1..c]
                .iter()
                .filter(|a| !copies.contains(a.id.as_str()))
                .count();
            assert!(between < 10, "{between}");
            assert!(!copies.contains(p.source.as_str()));
        }
        let vocab: HashSet<String> = archive
            .articles
            .iter()
            .flat_map(|a| words(&a.text))
            .collect();
        // 500 words plus contractions plus names.
        assert!(vocab.len() < 500 + 3 + 2000, "{}", vocab.len());

        let none = ArchiveBuilder::new()
            .articles(50)
            .window(0)
            .build()
            .collect_archive();
        assert!(none.planted.is_empty());
    }

    #[test]
    fn tiny_settings_work() {
        for (min, max) in [(1, 1), (1, 12), (5, 40)] {
            let archive = ArchiveBuilder::new()
                .articles(300)
                .min_words(min)
                .max_words(max)
                .vocabulary(2)
                .outlets(1)
                .window(3)
                .syndicated_rate(0.2)
                .edited_rate(0.2)
                .passage_rate(0.4)
                .build()
                .collect_archive();
            assert!(archive.planted.len() > 100);
            for p in &archive.planted {
                let src = archive.article(&p.source).unwrap();
                let copy = archive.article(&p.copy).unwrap();
                assert!(src.text.get(p.source_start..p.source_end).is_some());
                assert!(copy.text.get(p.copy_start..p.copy_end).is_some());
            }
        }
        let empty = ArchiveBuilder::new().articles(0).build();
        assert_eq!(empty.len(), 0);
        assert!(empty.collect_archive().articles.is_empty());
    }

    #[test]
    #[should_panic(expected = "rates add up")]
    fn bad_rates_panic() {
        ArchiveBuilder::new()
            .syndicated_rate(0.5)
            .edited_rate(0.6)
            .build();
    }

    #[test]
    fn dates_and_ids_format() {
        assert_eq!(format_date(START_DAY), "2020-01-01");
        assert_eq!(format_date(START_DAY + 59), "2020-02-29");
        assert_eq!(format_date(START_DAY + 366), "2021-01-01");
        assert_eq!(format_date(0), "1970-01-01");
        let g = ArchiveBuilder::new().articles(12_345_678).build();
        assert_eq!(g.article_id(42), "a00000042");
        let g = ArchiveBuilder::new().articles(1000).outlets(120).build();
        assert_eq!(g.article_id(42), "a0000042");
        assert_eq!(g.outlet_names[7], "outlet-007");
    }

    #[test]
    fn vocabulary_is_unique_and_zipfian() {
        let lex = Lexicon::new(50_000);
        let distinct: HashSet<&str> = (0..50_000).map(|r| lex.word(r)).collect();
        assert_eq!(distinct.len(), 50_000);
        assert_eq!(lex.word(0), "the");
        let mut rng = Rng::new(1);
        let mut counts = vec![0u32; 50_000];
        let draws = 1_000_000;
        for _ in 0..draws {
            counts[lex.sample(&mut rng)] += 1;
        }
        // P(rank r) = 1 / ((r + 1) H_n), H_50000 ≈ 11.4.
        let expect = |r: usize| draws as f64 / ((r + 1) as f64 * 11.397);
        for r in [0, 1, 9, 99] {
            let ratio = f64::from(counts[r]) / expect(r);
            assert!((0.9..1.1).contains(&ratio), "rank {r}: {ratio}");
        }
    }

    #[test]
    fn rewording_helpers() {
        assert_eq!(
            swap_contractions("We will go, it's fine."),
            "We'll go, it is fine."
        );
        assert_eq!(swap_contractions("Do not do it"), "Don't do it");
        assert_eq!(
            swap_quote_style("\"Hi there,\" Ann Lee said."),
            "\u{201C}Hi there,\u{201D} Ann Lee said."
        );
        assert_eq!(swap_quote_style("\u{201C}Hi.\u{201D}"), "\"Hi.\"");
        let lex = Lexicon::new(1000);
        let mut rng = Rng::new(3);
        let src = "Alpha beta gamma, delta. Epsilon zeta eta theta iota kappa.";
        for _ in 0..200 {
            let mut out = String::new();
            lex.edit_words(src, 3, EditOps::Mixed, &mut rng, &mut out);
            assert!(
                !out.contains("  ") && !out.contains(" .") && !out.contains(" ,"),
                "{out}"
            );
            assert!(out.ends_with('.') && out == out.trim(), "{out}");
            let p = punctuate(src, &mut rng);
            assert_ne!(p, src);
        }
    }
}
