//! Quotations: is a passage quoted, and who is it attributed to?
//!
//! 1. **Inside quotes.** From the start of the paragraph (after the last blank line, a line of
//!    white space only; or 4 KiB back in a longer paragraph) up to the passage, opening marks
//!    (`“ « „ ‹ 「 『`, and a straight `"` when none is open) and closing marks (`” » › 」 』`, a
//!    straight `"` when one is open, and `“` after `„`, as German and Czech quote) are counted.
//!    A position is quoted when a mark is still open there ([`open_quote`]); a passage is a
//!    quotation when at least half of its bytes are ([`quotation`]), so a passage that reaches
//!    a word past the marks (`said: "…," Putin added`) still is one, and a copied article that
//!    only opens with a quote is not. Single quotes are not counted: `’` is also the
//!    apostrophe.
//! 2. **Speaker.** News attributes quotes in a few fixed shapes: after the closing mark
//!    (`," Putin said`, `," said Vladimir Frolov`) or before the opening one
//!    (`Putin said: "`). A speaker is a run of one to four capitalised words next to a speech
//!    verb (`said`, `says`, `told`, `added`, …). Pronouns (`he said`) name nobody, and are not
//!    reported. The verbs are English, German (`sagte Scholz`, `so Scholz`), French
//!    (`a déclaré Macron`, `selon Macron`), Spanish (`dijo Sánchez`), Italian (`ha detto
//!    Meloni`), Portuguese (`disse Lula`) and Russian (`сказал Путин`); in other languages no
//!    speaker is reported.
//! 3. **Quoted stretches of a whole text** ([`quoted_stretches`]), for the passage index: the
//!    same marks and paragraphs, in one forward pass over the text (`memchr` finds the marks'
//!    lead bytes), so every word n-gram of an article can say whether it is quoted (see
//!    [`crate::reuse`]).

use crate::tokenize::{ceil_boundary, floor_boundary, normalize_word};

/// `“ « „ ‹ 「 『`
const OPEN: &[char] = &[
    '\u{201C}', '\u{00AB}', '\u{201E}', '\u{2039}', '\u{300C}', '\u{300E}',
];
/// `” » › 」 』`
const CLOSE: &[char] = &['\u{201D}', '\u{00BB}', '\u{203A}', '\u{300D}', '\u{300F}'];
/// The low opening mark `„`, closed by `“` in German and Czech (`„So“`) and by `”` in Polish
/// or Romanian.
const LOW_OPEN: char = '\u{201E}';
/// `“`: opens in English, closes after `„`.
const HIGH_OPEN: char = '\u{201C}';
/// Words that attribute a quotation to the name next to them, lower-case: speech verbs in
/// English, German, French, Spanish, Italian, Portuguese and Russian.
const VERBS: &[&str] = &[
    // English
    "said",
    "says",
    "told",
    "tells",
    "added",
    "adds",
    "stated",
    "states",
    "noted",
    "explained",
    "stressed",
    "concluded",
    "commented",
    "declared",
    "wrote",
    "insisted",
    "argued",
    "asked",
    "replied",
    "demanded",
    // German (`fügte Scholz hinzu`: the name follows the verb)
    "sagte",
    "sagt",
    "sagten",
    "erklärte",
    "erklärt",
    "betonte",
    "betont",
    "fügte",
    "ergänzte",
    "meinte",
    "schrieb",
    "warnte",
    "kritisierte",
    "forderte",
    // French (after `a`, see `AUXILIARIES`)
    "dit",
    "déclaré",
    "déclare",
    "affirmé",
    "affirme",
    "ajouté",
    "ajoute",
    "expliqué",
    "explique",
    "souligné",
    "souligne",
    "estimé",
    "estime",
    "indiqué",
    "précisé",
    "assuré",
    // Spanish
    "dijo",
    "afirmó",
    "señaló",
    "explicó",
    "añadió",
    "aseguró",
    "declaró",
    "indicó",
    "sostuvo",
    // Italian (after `ha`)
    "detto",
    "dichiarato",
    "affermato",
    "spiegato",
    "aggiunto",
    "sottolineato",
    // Portuguese
    "disse",
    "afirmou",
    "declarou",
    "explicou",
    "acrescentou",
    // Russian
    "сказал",
    "сказала",
    "заявил",
    "заявила",
    "отметил",
    "отметила",
    "добавил",
    "добавила",
    "подчеркнул",
    "подчеркнула",
    "пояснил",
    "пояснила",
    "сообщил",
    "сообщила",
];
/// "According to" in German, French, Spanish, Italian and Portuguese: `», so Scholz.`,
/// `», selon Emmanuel Macron, …`. Common words otherwise (English `so`), so they attribute only
/// when the name ends the phrase.
const PREPOSITIONS: &[&str] = &["so", "selon", "según", "secondo", "segundo"];
/// Auxiliaries of compound past tenses that stand before the verb: French `a déclaré`, Italian
/// `ha detto`, Portuguese `tem dito` is rare in news and left out.
const AUXILIARIES: &[&str] = &["a", "ont", "ha", "hanno"];
/// Capitalised words that name nobody: pronouns, in the languages of `VERBS` (and the English
/// articles that start a sentence). Other languages' articles are not listed: they begin names
/// too (`Le Pen`, `La Russa`, `Die Linke`). German capitalises every noun, so `Der Minister
/// sagte` gives `Der Minister`: an attribution, if not a name.
const PRONOUNS: &[&str] = &[
    "He", "She", "They", "It", "We", "I", "You", "The", "This", // English
    "Er", "Sie", "Es", "Wir", "Ich", "Man", // German
    "Il", "Elle", "Ils", "Elles", "On", "Nous", "Je", // French
    "Él", "Ella", "Ellos", "Ellas", "Yo", // Spanish
    "Lui", "Lei", "Loro", "Io", // Italian
    "Ele", "Ela", "Eles", "Elas", "Eu", // Portuguese
    "Он", "Она", "Они", "Мы", "Я",  // Russian
    "So", // a sentence's first word, and German's "according to"
];

/// How far quote detection looks on either side of a position: to the paragraph's end, but
/// no further than this many bytes. News paragraphs are shorter, so this only matters for a
/// text without blank lines (one paragraph of megabytes), where looking back to its start for
/// every passage would cost the whole text each time: 3.4 s for 495 passages of a 5 MB text.
/// A quotation opened further back than this is not seen.
const REACH: usize = 4096;

/// The blank lines of `s` (lines of white space only, so `\r\n\r\n` and a line of spaces count
/// as well as `\n\n`), in order: the byte offsets of the line breaks before and after each.
fn blank_lines(s: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let breaks = memchr::memchr_iter(b'\n', s.as_bytes());
    breaks
        .clone()
        .zip(breaks.skip(1))
        .filter(move |&(a, b)| s[a + 1..b].trim().is_empty())
}

/// Byte offset where the paragraph holding `pos` starts, or `REACH` bytes before `pos`
/// (rounded to a character boundary) if it starts further back.
fn paragraph_start(text: &str, pos: usize) -> usize {
    let from = ceil_boundary(text, pos.saturating_sub(REACH));
    blank_lines(&text[from..pos])
        .last()
        .map_or(from, |(_, b)| from + b + 1)
}

/// Byte offset where the paragraph holding `pos` ends, or `REACH` bytes after `pos` (rounded to
/// a character boundary) if it ends further on.
fn paragraph_end(text: &str, pos: usize) -> usize {
    let to = floor_boundary(text, pos + REACH);
    blank_lines(&text[pos..to])
        .next()
        .map_or(to, |(a, _)| pos + a)
}

/// True when byte `pos` of `text` lies inside quotation marks opened in the same paragraph.
pub fn inside_quotes(text: &str, pos: usize) -> bool {
    open_quote(text, pos).is_some()
}

/// Where the quotation mark that is open at `pos` starts, if one is (opened in the same
/// paragraph and not closed before `pos`).
pub fn open_quote(text: &str, pos: usize) -> Option<usize> {
    let start = paragraph_start(text, pos);
    let mut quoting = Quoting::default();
    for (i, c) in marks(&text[start..pos]) {
        quoting.mark(start + i, c);
    }
    quoting.open
}

/// The quotation that holds `text[start..end]`, if at least half of its bytes lie inside
/// quotation marks: where the mark that opens the first quotation the range reaches into
/// starts, and the first byte of the range inside it (for [`speaker`]).
///
/// A passage often reaches a word or two past the marks on both sides (`that "We will …
/// about it," Putin said`), or joins two quotations over a short attribution; it is still a
/// quotation. A passage that only starts inside one (a copied article that opens with a
/// quote) is not.
pub fn quotation(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    if start >= end {
        return None;
    }
    let from = paragraph_start(text, start);
    let to = paragraph_end(text, end);
    let mut quoted = 0;
    let mut first: Option<std::ops::Range<usize>> = None;
    for r in quoted_stretches(&text[from..to]) {
        let r = from + r.start..from + r.end;
        let inside = r.end.min(end).saturating_sub(r.start.max(start));
        if inside > 0 {
            quoted += inside;
            first.get_or_insert(r);
        }
    }
    if 2 * quoted < end - start {
        return None;
    }
    // A stretch starts just after its opening mark.
    let r = first?;
    Some((floor_boundary(text, r.start - 1), r.start.max(start)))
}

/// The quotation state of a paragraph read up to some point: the rules of the module docs'
/// first item, shared by [`open_quote`] and [`quoted_stretches`].
#[derive(Default)]
struct Quoting {
    /// Where the open quotation's mark is, if one is open.
    open: Option<usize>,
    /// The last opening mark was `„`, so `“` closes.
    low: bool,
}

impl Quoting {
    /// Reads quotation mark `c` at offset `i`. Returns where the quotation it ends (or restarts)
    /// was opened.
    fn mark(&mut self, i: usize, c: char) -> Option<usize> {
        if c == HIGH_OPEN && self.low && self.open.is_some() {
            self.low = false;
            self.open.take()
        } else if OPEN.contains(&c) {
            self.low = c == LOW_OPEN;
            self.open.replace(i)
        } else if CLOSE.contains(&c) || (c == '"' && self.open.is_some()) {
            self.open.take()
        } else {
            if c == '"' {
                self.open = Some(i);
            }
            None
        }
    }
}

/// The offset and character of every quotation mark of `text` (`"`, [`OPEN`], [`CLOSE`]), in
/// order.
///
/// Every mark is `"` or starts with one of the lead bytes of `« » “ ” „ ‹ › 「 」 『 』` (`C2`,
/// `E2`, `E3`): `memchr` finds those bytes (several at a time, with SIMD) and only they are
/// decoded.
fn marks(text: &str) -> Vec<(usize, char)> {
    let bytes = text.as_bytes();
    let mut out: Vec<(usize, char)> = memchr::memchr3_iter(b'"', 0xC2, 0xE2, bytes)
        .chain(memchr::memchr_iter(0xE3, bytes))
        .filter_map(|i| {
            let c = text[i..].chars().next()?;
            (c == '"' || OPEN.contains(&c) || CLOSE.contains(&c)).then_some((i, c))
        })
        .collect();
    out.sort_unstable_by_key(|&(i, _)| i);
    out
}

/// The stretches of `text` that lie inside quotation marks, in order, as [`open_quote`] sees
/// them, in one pass: `r` is in the list when `open_quote(text, p)` is some for every `p` in
/// `r` (give or take [`open_quote`]'s 4 KiB reach, which this pass does not have). A stretch
/// runs from just after its opening mark to its closing mark, or to the end of the paragraph
/// when none closes it.
pub fn quoted_stretches(text: &str) -> Vec<std::ops::Range<usize>> {
    // A stretch starts after its opening mark.
    let after_mark = |o: usize| o + text[o..].chars().next().map_or(0, char::len_utf8);
    let mut out = Vec::new();
    let mut quoting = Quoting::default();
    // Offsets where a paragraph ends: each blank line's first line break.
    let mut ends = blank_lines(text).map(|(a, _)| a).peekable();
    for (i, c) in marks(text) {
        // A paragraph ended since the last mark: a quotation still open ends with it, and the
        // next paragraph starts afresh.
        while let Some(end) = ends.next_if(|&end| end < i) {
            if let Some(o) = std::mem::take(&mut quoting).open {
                out.push(after_mark(o)..end);
            }
        }
        if let Some(o) = quoting.mark(i, c) {
            out.push(after_mark(o)..i);
        }
    }
    if let Some(o) = quoting.open {
        out.push(after_mark(o)..ends.find(|&e| e >= o).unwrap_or(text.len()));
    }
    out.retain(|r| !r.is_empty());
    out
}

/// Where the quotation open at `pos` closes: the byte after the closing mark. `low`: it was
/// opened by `„`, which `“` also closes.
fn close_quote(text: &str, pos: usize, low: bool) -> Option<usize> {
    let stop = paragraph_end(text, pos);
    text[pos..stop]
        .char_indices()
        .find(|&(_, c)| CLOSE.contains(&c) || c == '"' || (low && c == HIGH_OPEN))
        .map(|(i, c)| pos + i + c.len_utf8())
}

/// The speaker of the quotation that holds byte `start` and opens at `open` (from
/// [`open_quote`]), if an adjacent attribution names one. The mark that closes the quotation
/// may lie inside the passage or after it.
pub fn speaker(text: &str, start: usize, open: usize) -> Option<String> {
    let low = text[open..].starts_with(LOW_OPEN);
    if let Some(close) = close_quote(text, start, low) {
        let stop = floor_boundary(text, paragraph_end(text, close).min(close + 120));
        if let Some(s) = after_attribution(&text[close..stop]) {
            return Some(s);
        }
    }
    let from = ceil_boundary(
        text,
        paragraph_start(text, open).max(open.saturating_sub(120)),
    );
    before_attribution(&text[from..open])
}

/// The words of `s`, without the punctuation around them (a lone dash or mark is no word).
fn words(s: &str) -> Vec<&str> {
    phrased_words(s).into_iter().map(|(w, _)| w).collect()
}

/// [`words`], each with whether a comma (or another mark that ends a phrase: `;`, `:`, a dash)
/// follows it. A name does not run across one: in "Speaking at the Kremlin, Putin said", the
/// speaker is Putin, not "Kremlin Putin".
fn phrased_words(s: &str) -> Vec<(&str, bool)> {
    let mut out: Vec<(&str, bool)> = Vec::new();
    let punctuation = |c: char| !c.is_alphanumeric() && c != '\'' && c != '-';
    for raw in s.split_whitespace() {
        let w = raw.trim_matches(punctuation);
        if w.is_empty() {
            // A lone dash or mark ends the phrase before it.
            if let Some(last) = out.last_mut() {
                last.1 |= raw.chars().any(ends_phrase);
            }
            continue;
        }
        let after = &raw[raw.trim_end_matches(punctuation).len()..];
        out.push((w, after.chars().any(ends_phrase)));
    }
    out
}

fn ends_phrase(c: char) -> bool {
    matches!(
        c,
        ',' | ';' | ':' | '\u{2013}' | '\u{2014}' | '\u{3001}' | '\u{FF0C}'
    )
}

/// Up to four name words of `w` from its start, not across a phrase break.
fn name_from<'a>(w: &[(&'a str, bool)]) -> Vec<&'a str> {
    let mut name = Vec::new();
    for &(x, brk) in w.iter().take(4) {
        if !is_name_word(x) {
            break;
        }
        name.push(x);
        if brk {
            break;
        }
    }
    name
}

fn is_name_word(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase) && !PRONOUNS.contains(&w)
}

/// Whether `w` is one of [`VERBS`], compared as words are ([`normalize_word`]: case, and the
/// accents a feed may drop: `declare` for `déclaré`, `afirmo` for `afirmó`).
fn is_verb(w: &str) -> bool {
    static FOLDED: std::sync::OnceLock<std::collections::HashSet<String>> =
        std::sync::OnceLock::new();
    FOLDED
        .get_or_init(|| {
            VERBS
                .iter()
                .map(|v| normalize_word(v).into_owned())
                .collect()
        })
        .contains(normalize_word(w).as_ref())
}

/// `, Putin said.` / `, said Vladimir Frolov, a former…` / `, Russian President Putin told NBC`.
fn after_attribution(s: &str) -> Option<String> {
    // Only the clause that follows the quote, up to the end of its sentence.
    let clause = s.split(['.', ';', '!', '?']).next().unwrap_or("");
    let w = phrased_words(clause);
    // `a déclaré Emmanuel Macron`, `ha detto Meloni`: the verb after its auxiliary.
    let w = match w.as_slice() {
        [(aux, _), (verb, _), ..] if AUXILIARIES.contains(aux) && is_verb(verb) => w[1..].to_vec(),
        _ => w,
    };
    let first = w.first()?.0;
    if PREPOSITIONS.contains(&first.to_lowercase().as_str()) {
        // The phrase up to its first comma must be the preposition and a name, nothing more.
        let phrase = clause.split(',').map(words).find(|p| !p.is_empty())?;
        let name = &phrase[1..];
        let whole = !name.is_empty() && name.len() <= 4 && name.iter().all(|x| is_name_word(x));
        return whole.then(|| name.join(" "));
    }
    if is_verb(first) {
        let name = name_from(&w[1..]);
        return (!name.is_empty()).then(|| name.join(" "));
    }
    let name = name_from(&w);
    let verb_follows = w.get(name.len()).is_some_and(|v| is_verb(v.0));
    let broken = name.len().checked_sub(1).is_some_and(|k| w[k].1);
    if !name.is_empty() && verb_follows && !broken {
        return Some(name.join(" "));
    }
    None
}

/// `Putin said: "` / `Putin told NBC: "`.
fn before_attribution(s: &str) -> Option<String> {
    let s = s.trim_end();
    let s = s.strip_suffix(':').or_else(|| s.strip_suffix(','))?;
    let clause = s
        .rsplit(['.', ';', '!', '?', '"', '\u{201D}'])
        .next()
        .unwrap_or("");
    let w = phrased_words(clause);
    // The last verb with a name before it: `So Putin said:` is Putin's, not the word `So`'s.
    (0..w.len())
        .rev()
        .filter(|&v| is_verb(w[v].0))
        .find_map(|verb| {
            // Backwards from the verb, up to a phrase break before the name.
            let mut name: Vec<&str> = Vec::new();
            for &(x, brk) in w[..verb].iter().rev().take(4) {
                if !is_name_word(x) || (brk && !name.is_empty()) {
                    break;
                }
                name.push(x);
            }
            name.reverse();
            (!name.is_empty()).then(|| name.join(" "))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(text: &str, needle: &str) -> (bool, Option<String>) {
        let s = text.find(needle).unwrap();
        let open = open_quote(text, s);
        (
            inside_quotes(text, s),
            open.and_then(|o| speaker(text, s, o)),
        )
    }

    /// `quotation` of the range from `from` to the end of `to`, as (quoted, speaker).
    fn quotation_of(text: &str, from: &str, to: &str) -> (bool, Option<String>) {
        let s = text.find(from).unwrap();
        let e = text.find(to).unwrap() + to.len();
        match quotation(text, s, e) {
            Some((open, at)) => (true, speaker(text, at, open)),
            None => (false, None),
        }
    }

    #[test]
    fn a_passage_is_a_quotation_when_most_of_it_is_quoted() {
        let t = "Intro.\n\nPutin told NBC: \"We will look at them and talk about it,\" he said.";
        // Starting a word before the mark and ending after it.
        assert_eq!(
            quotation_of(t, "NBC", "he said"),
            (true, Some("Putin".into()))
        );
        assert_eq!(
            quotation_of(t, "We will", "about it"),
            (true, Some("Putin".into()))
        );
        // Mostly outside, though it starts inside.
        let t = "\"It is.\" Then many plain words follow here, and more of them after that.";
        assert_eq!(quotation_of(t, "is.", "after that"), (false, None));
        // Two quotations joined over an attribution.
        let t = "«Мы готовы посмотреть», — заявил Путин. «И поговорить об этом тоже».";
        assert_eq!(quotation_of(t, "Мы", "тоже"), (true, Some("Путин".into())));
        // Another paragraph's quotation does not count.
        let t = "\"A quoted paragraph that is long.\"\n\nPlain words of the next one.";
        assert_eq!(quotation_of(t, "Plain", "one"), (false, None));
        assert_eq!(quotation(t, 3, 3), None);
    }

    #[test]
    fn attribution_after_the_quote() {
        let t = "Intro.\n\n\"I have no idea what they did,\" Putin said. Later text.";
        assert_eq!(quoted(t, "I have no idea"), (true, Some("Putin".into())));
    }

    #[test]
    fn said_then_name() {
        let t = "Putin \"that this threat does exist\", said Vladimir Frolov, a former diplomat.";
        assert_eq!(
            quoted(t, "this threat"),
            (true, Some("Vladimir Frolov".into()))
        );
    }

    #[test]
    fn attribution_before_the_quote() {
        let t = "Putin told NBC: “We will be prepared to look at them.”";
        assert_eq!(quoted(t, "We will"), (true, Some("Putin".into())));
    }

    #[test]
    fn a_name_does_not_run_across_a_comma() {
        let t = "Speaking at the Kremlin, Putin said: \"We will look at them.\"";
        assert_eq!(quoted(t, "We will"), (true, Some("Putin".into())));
        let t = "Выступая в Кремле, Путин заявил: «Россия никогда не выдаёт своих граждан».";
        assert_eq!(quoted(t, "Россия"), (true, Some("Путин".into())));
        // After the quote: the name ends at its comma, and a name split from its verb by one
        // is nobody's.
        let t = "\"We will look at them,\" said Vladimir Frolov, Moscow analyst.";
        assert_eq!(quoted(t, "We will"), (true, Some("Vladimir Frolov".into())));
        let t = "\"We will look at them,\" Moscow, Putin said.";
        assert_eq!(quoted(t, "We will"), (true, None));
    }

    #[test]
    fn a_speech_verb_is_known_without_its_accents() {
        // A feed that drops accents still attributes the quotation.
        let t = "\"Nous ne cederons pas\", a declare Emmanuel Macron lundi.";
        assert_eq!(quoted(t, "Nous ne"), (true, Some("Emmanuel Macron".into())));
        let t = "«No vamos a ceder», afirmo Pedro Sanchez.";
        assert_eq!(quoted(t, "No vamos"), (true, Some("Pedro Sanchez".into())));
    }

    #[test]
    fn pronouns_name_nobody() {
        let t = "\"We will look at them,\" he added.";
        assert_eq!(quoted(t, "We will"), (true, None));
    }

    #[test]
    fn outside_quotes() {
        let t = "\"Quoted.\" Then plain words follow here.";
        assert_eq!(quoted(t, "plain words"), (false, None));
    }

    #[test]
    fn quotes_do_not_leak_across_paragraphs() {
        let t = "An \"unclosed mark.\n\nNew paragraph words.";
        assert!(!quoted(t, "New paragraph").0);
    }

    #[test]
    fn german_low_high_quotes_close() {
        let t = "Er sagte: „Wir sind bereit, darüber zu sprechen“, und ging. Danach Schweigen.";
        assert!(quoted(t, "Wir sind").0);
        assert!(!quoted(t, "Danach").0);
        // Polish and Romanian close the low mark with `”`.
        let t = "Powiedział: „Jesteśmy gotowi” i wyszedł. Potem cisza.";
        assert!(quoted(t, "Jesteśmy").0);
        assert!(!quoted(t, "Potem").0);
    }

    #[test]
    fn corner_brackets_and_single_guillemets_quote() {
        let t = "プーチン氏は「彼らに資料を提供させればいい」と述べた。その後、会見は終わった。";
        assert!(quoted(t, "彼らに").0);
        assert!(!quoted(t, "その後").0);
        let t = "Il a dit ‹ nous sommes prêts › puis il est parti.";
        assert!(quoted(t, "nous sommes").0);
        assert!(!quoted(t, "puis").0);
    }

    #[test]
    fn speakers_in_other_languages() {
        let cases = [
            (
                "Er sagte nichts. „Wir sind bereit“, sagte Scholz am Abend.",
                "Wir sind",
                "Scholz",
            ),
            (
                "„Wir sind bereit“, so Olaf Scholz.",
                "Wir sind",
                "Olaf Scholz",
            ),
            ("Scholz erklärte: „Wir sind bereit.“", "Wir sind", "Scholz"),
            (
                "« Nous sommes prêts », a déclaré Emmanuel Macron.",
                "Nous sommes",
                "Emmanuel Macron",
            ),
            (
                "« Nous sommes prêts », selon Macron.",
                "Nous sommes",
                "Macron",
            ),
            (
                "« Nous sommes prêts », selon Emmanuel Macron, président.",
                "Nous sommes",
                "Emmanuel Macron",
            ),
            (
                "\"Estamos listos\", dijo Pedro Sánchez.",
                "Estamos",
                "Pedro Sánchez",
            ),
            ("«Siamo pronti», ha detto Meloni.", "Siamo", "Meloni"),
            ("\"Estamos prontos\", disse Lula.", "Estamos", "Lula"),
            (
                "«Мы готовы к переговорам», — заявил Путин.",
                "Мы готовы",
                "Путин",
            ),
            ("Путин сказал: «Мы готовы».", "Мы готовы", "Путин"),
            (
                "« Nous sommes prêts », a dit Marine Le Pen.",
                "Nous sommes",
                "Marine Le Pen",
            ),
        ];
        for (text, needle, who) in cases {
            assert_eq!(quoted(text, needle), (true, Some(who.into())), "{text}");
        }
        // Pronouns and articles name nobody, in any of these languages.
        for (text, needle) in [
            ("„Wir sind bereit“, sagte er.", "Wir sind"),
            ("Er sagte: „Wir sind bereit.“", "Wir sind"),
            ("« Nous sommes prêts », a-t-il dit.", "Nous sommes"),
            ("«Мы готовы», — сказал он.", "Мы готовы"),
        ] {
            assert_eq!(quoted(text, needle), (true, None), "{text}");
        }
    }

    #[test]
    fn the_last_verb_with_a_name_before_it_attributes() {
        let t = "So Putin said: \"We will look at them.\"";
        assert_eq!(quoted(t, "We will"), (true, Some("Putin".into())));
        // English `so` is no attribution: the name must end the phrase.
        let t = "\"We have no choice,\" so Russia will respond.";
        assert_eq!(quoted(t, "We have"), (true, None));
        // A verb inside a name does not end it.
        let t = "The United States said: \"We will look at them.\"";
        assert_eq!(quoted(t, "We will"), (true, Some("United States".into())));
    }

    #[test]
    fn blank_lines_of_any_kind_end_a_paragraph() {
        for gap in ["\n\n", "\r\n\r\n", "\n  \n", "\n\t\r\n"] {
            let t = format!(
                "An \"unclosed mark.{gap}New paragraph words. \"Quoted here,\" Putin said."
            );
            assert!(!quoted(&t, "New paragraph").0, "{gap:?}");
            assert_eq!(
                quoted(&t, "Quoted here"),
                (true, Some("Putin".into())),
                "{gap:?}"
            );
            // The attribution is looked for up to the paragraph's end, not past it.
            let t = format!("\"Quoted here,\"{gap}Putin said nothing.");
            assert_eq!(quoted(&t, "Quoted here"), (true, None), "{gap:?}");
        }
        // A line break alone does not end a paragraph.
        let t = "An \"open mark.\nStill quoted words.";
        assert!(quoted(t, "Still quoted").0);
    }

    #[test]
    fn quotes_are_looked_for_within_reach() {
        // One paragraph far longer than the reach: a quotation opened just before the passage
        // is seen, one opened further back than the reach is not.
        let filler = "word ".repeat(REACH / 5 + 10);
        let near = format!("{filler}Putin said: \"We are ready,\" and left.");
        assert_eq!(quoted(&near, "We are"), (true, Some("Putin".into())));
        let far = format!("“{filler}We are ready, and left.");
        assert!(!quoted(&far, "We are").0);
        // Multi-byte text whose reach ends inside a character.
        let wide = format!("{}«Мы готовы», — сказал Путин.", "ё".repeat(REACH));
        assert_eq!(quoted(&wide, "Мы"), (true, Some("Путин".into())));
    }

    #[test]
    fn never_panics_on_odd_text() {
        let t = "«Ça va» — dit‐il: “…”\n\n\"";
        for i in 0..=t.len() {
            if t.is_char_boundary(i) {
                let _ = inside_quotes(t, i);
                let _ = open_quote(t, i).map(|o| speaker(t, i, o));
            }
        }
    }

    /// Every letter of `text` is inside a stretch of [`quoted_stretches`] exactly when
    /// [`open_quote`] says it is quoted.
    fn stretches_agree(text: &str) {
        let stretches = quoted_stretches(text);
        assert!(
            stretches.windows(2).all(|w| w[0].end <= w[1].start),
            "{stretches:?}"
        );
        for (i, c) in text.char_indices() {
            if c.is_alphanumeric() {
                let inside = stretches.iter().any(|r| r.contains(&i));
                assert_eq!(
                    inside,
                    inside_quotes(text, i),
                    "{text:?} at {i}: {stretches:?}"
                );
            }
        }
    }

    #[test]
    fn quoted_stretches_follow_the_marks() {
        let t = "He said \"we will go\" and \u{201C}they\u{201D} left. \u{201E}So\u{201C} ok";
        let got: Vec<&str> = quoted_stretches(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(got, ["we will go", "they", "So"]);
        for t in [
            t,
            "An \"open quote\n\nends with its paragraph\" here, \u{00AB}and\u{00BB} not later",
            "Blank lines of spaces: \u{201C}a b\r\n  \r\nc\" d \"e",
            "\u{201C}New \u{201C}opening restarts\u{201D} x \u{300C}CJK\u{300D} \u{2039}y\u{203A}",
            "\u{201E}Low opened, closed by high\u{201D} then \"straight",
            "\u{201E}a\u{201D} b\n\n\"c\u{201C} d",
            "",
            "\"",
        ] {
            stretches_agree(t);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 500,
            rng_seed: proptest::test_runner::RngSeed::Fixed(0x9e07),
            ..proptest::prelude::ProptestConfig::default()
        })]
        #[test]
        fn quoted_stretches_agree_with_open_quote(
            s in "[ab \"\n\u{201C}\u{201D}\u{201E}\u{00AB}\u{00BB}\u{300C}\u{300D}]{0,60}"
        ) {
            stretches_agree(&s);
        }
    }
}
