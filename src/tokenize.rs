//! Tokenisation: words with byte spans into the original text, normalised for comparison.
//!
//! Every later stage compares *normalised* words but reports *original* bytes, so a token is a
//! byte span plus a hash of its normalised form.
//!
//! 1. **Segmentation** follows Unicode word boundaries (UAX #29, via `unicode-segmentation`):
//!    a word is a segment with at least one letter or digit. Punctuation and white space are never
//!    part of a token, so they never reach a shingle. Apostrophes *inside* a word stay
//!    (`We'll`, `Putin's`), as UAX #29 says. CJK ideographs are one token each.
//! 2. **ASCII fast path.** A document that is pure ASCII is segmented by a hand-written scanner
//!    that implements the same UAX #29 rules restricted to ASCII (a property test checks that it
//!    agrees with `unicode-segmentation` on arbitrary ASCII).
//! 3. **Normalisation** of each word: Unicode NFKC, then full case folding (`caseless`), then
//!    curly and straight quotes are unified (`’` → `'`, `“` → `"`), every dash becomes `-`,
//!    invisible format characters (soft hyphens, zero-width joiners, bidirectional marks) go,
//!    and so do the optional accents: those of Latin and Greek letters, Russian `ё` and stress
//!    marks, Arabic harakat and hamza on alef, Hebrew points (`fold_accents` says which, and
//!    why). Outlets and feeds differ in exactly
//!    these: "Sao Paulo" for "São Paulo", "выдает" for "выдаёт". An ASCII word is only
//!    lower-cased, which is what those steps do to it.
//! 4. **Hashing.** A token's hash is `xxh3_64` of its normalised UTF-8 bytes: stable across runs,
//!    platforms and thread counts.

use std::borrow::Cow;

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};
use unicode_segmentation::UnicodeSegmentation;
use xxhash_rust::xxh3::xxh3_64;

/// One word of a document: its byte span in the original text and the hash of its normalised form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Token {
    /// Byte offset where the word starts in the original text.
    pub start: usize,
    /// Byte offset one past the word's end (half-open).
    pub end: usize,
    /// `xxh3_64` of the normalised word.
    pub hash: u64,
}

impl Token {
    /// The token's span as a range, for slicing the original text.
    pub fn span(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

/// Calls `f(start, end, normalised)` for every word of `text`, in order.
///
/// This is the single definition of "a word" in reprint; [`tokenize`] and the aligner both use it.
pub fn for_each_word<F: FnMut(usize, usize, &str)>(text: &str, mut f: F) {
    let mut buf = String::new();
    let bytes = text.as_bytes();
    if text.is_ascii() {
        ascii_words(text, 0, &mut buf, &mut f);
        return;
    }
    // Words never span ASCII white space, so each white-space-delimited chunk can be segmented
    // on its own: pure-ASCII chunks (most of them, in most languages with spaces) by the fast
    // scanner, the others by `unicode-segmentation`.
    let n = bytes.len();
    let mut i = 0;
    while i < n {
        while i < n && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        let mut ascii = true;
        while i < n && !bytes[i].is_ascii_whitespace() {
            ascii &= bytes[i].is_ascii();
            i += 1;
        }
        let chunk = &text[start..i];
        if ascii {
            ascii_words(chunk, start, &mut buf, &mut f);
        } else {
            for_each_mixed_word(chunk, |s, e| {
                let norm = normalize_word(&chunk[s..e]);
                f(start + s, start + e, &norm);
            });
        }
    }
}

/// The fast path for ASCII `text` (at byte `offset` in the document): lower-cased words.
fn ascii_words<F: FnMut(usize, usize, &str)>(
    text: &str,
    offset: usize,
    _buf: &mut String,
    f: &mut F,
) {
    with_lowercase(text.as_bytes(), |lower| {
        // ASCII stays ASCII when lower-cased: valid UTF-8, checked once.
        let lower_str = std::str::from_utf8(lower).expect("ASCII");
        for_each_ascii_word(lower, |s, e| f(offset + s, offset + e, &lower_str[s..e]));
    });
}

/// Tokenises `text` into `out` (cleared first): one [`Token`] per word.
///
/// The same tokens as [`for_each_word`], faster: ASCII words are lower-cased into a stack
/// buffer and hashed there, with no string built.
pub fn tokenize(text: &str, out: &mut Vec<Token>) {
    out.clear();
    out.reserve(text.len() / 5);
    if text.is_ascii() {
        tokenize_ascii(text.as_bytes(), 0, out);
        return;
    }
    let bytes = text.as_bytes();
    for_each_stretch(text, |s| match s {
        Stretch::Ascii(r) => tokenize_ascii(&bytes[r.clone()], r.start, out),
        Stretch::Mixed(r) => {
            let chunk = &text[r.clone()];
            for_each_mixed_word(chunk, |s, e| {
                out.push(Token {
                    start: r.start + s,
                    end: r.start + e,
                    hash: xxh3_64(normalize_word(&chunk[s..e]).as_bytes()),
                });
            });
        }
    });
}

/// A piece of a text, for tokenising it piece by piece.
pub(crate) enum Stretch {
    /// Bytes that are all ASCII: for the fast scanner.
    Ascii(std::ops::Range<usize>),
    /// A white-space-delimited chunk that holds non-ASCII bytes: for `unicode-segmentation`.
    Mixed(std::ops::Range<usize>),
}

/// Calls `f` for the pieces of `text`, in order: words never span ASCII white space, so each
/// white-space-delimited chunk with a non-ASCII byte can be segmented on its own, and the ASCII
/// text between such chunks by the fast scanner. An ASCII stretch may be empty.
pub(crate) fn for_each_stretch(text: &str, mut f: impl FnMut(Stretch)) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut ascii_from = 0;
    let mut i = 0;
    while let Some(p) = next_non_ascii(bytes, i) {
        let mut start = p;
        while start > ascii_from && !bytes[start - 1].is_ascii_whitespace() {
            start -= 1;
        }
        let mut end = p;
        while end < n && !bytes[end].is_ascii_whitespace() {
            end += 1;
        }
        f(Stretch::Ascii(ascii_from..start));
        f(Stretch::Mixed(start..end));
        ascii_from = end;
        i = end;
    }
    f(Stretch::Ascii(ascii_from..n));
}

/// The position of the first non-ASCII byte at or after `from`, eight bytes at a time.
fn next_non_ascii(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i + 8 <= bytes.len() {
        let w = u64::from_le_bytes(bytes[i..i + 8].try_into().expect("8 bytes"));
        let high = w & 0x8080_8080_8080_8080;
        if high != 0 {
            return Some(i + (high.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    (i..bytes.len()).find(|&k| !bytes[k].is_ascii())
}

/// [`tokenize`] for ASCII `bytes` at byte `offset` of the document.
fn tokenize_ascii(bytes: &[u8], offset: usize, out: &mut Vec<Token>) {
    if bytes.is_empty() {
        return;
    }
    with_lowercase(bytes, |lower| {
        for_each_ascii_word(bytes, |s, e| {
            out.push(Token {
                start: offset + s,
                end: offset + e,
                hash: xxh3_64(&lower[s..e]),
            });
        });
    });
}

thread_local! {
    static LOWER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Calls `f` with `bytes` lower-cased (ASCII), in a per-thread buffer: one vectorised pass
/// instead of a copy per word.
fn with_lowercase<R>(bytes: &[u8], f: impl FnOnce(&[u8]) -> R) -> R {
    LOWER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buf) => {
            buf.clear();
            buf.extend_from_slice(bytes);
            buf.make_ascii_lowercase();
            f(&buf)
        }
        // Re-entered from `f` (not done today): use a buffer of its own.
        Err(_) => f(&bytes.to_ascii_lowercase()),
    })
}

/// Tokenises `text` keeping each token's normalised string, for alignment.
pub fn tokenize_with_text(text: &str) -> Vec<(Token, String)> {
    let mut out = Vec::new();
    for_each_word(text, |start, end, norm| {
        out.push((
            Token {
                start,
                end,
                hash: xxh3_64(norm.as_bytes()),
            },
            norm.to_owned(),
        ))
    });
    out
}

/// The largest char boundary of `s` at or below `i`.
pub(crate) fn floor_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The smallest char boundary of `s` at or above `i`.
pub(crate) fn ceil_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Normalises one word: NFKC, full case folding, unified quotes and dashes, invisible format
/// characters (soft hyphens, zero-width joiners, bidirectional marks) dropped, and optional
/// accents folded: Latin and Greek diacritics, Russian `ё` and stress marks, Arabic harakat and
/// hamza on alef, Hebrew points (see the module documentation).
pub fn normalize_word(word: &str) -> Cow<'_, str> {
    if word.is_ascii() {
        if word.bytes().any(|b| b.is_ascii_uppercase()) {
            return Cow::Owned(word.to_ascii_lowercase());
        }
        return Cow::Borrowed(word);
    }
    if let Some(quick) = normalize_common(word) {
        return Cow::Owned(quick);
    }
    normalize_any(word)
}

/// [`normalize_word`] for a word of ASCII, Latin-1 and Latin Extended-A letters, basic
/// Cyrillic (U+0400–U+045F), monotonic Greek and basic Arabic letters: most words of the
/// European languages and of Arabic. Their letters are their own NFKC form and case-fold to one
/// lower-case letter, so each letter is folded on its own ([`lower_common`]) and loses its
/// accents by the same helpers as [`fold_accents`] uses: what the whole pipeline does,
/// without its tables and buffers (with which Cyrillic text tokenised at a fifteenth of the
/// speed of English). `None` for a word with any other character, and for the few letters of
/// those blocks that fold or decompose otherwise (`ß` → `ss`, `İ`, `ĳ`, `ŀ`, `ŉ`, `ſ`, `ΐ`,
/// `ΰ`). An exhaustive test and a property test hold it to [`normalize_any`].
fn normalize_common(word: &str) -> Option<String> {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        match c {
            _ if c.is_ascii() => out.push(unify_char(c.to_ascii_lowercase())),
            // Letters of these blocks that case-fold or decompose to more than one letter.
            '\u{00DF}' | '\u{0130}' | '\u{0132}' | '\u{0133}' | '\u{013F}' | '\u{0140}'
            | '\u{0149}' | '\u{017F}' | '\u{0390}' | '\u{03B0}' => return None,
            // Arabic harakat, dropped as `fold_accents` drops them; not the hamza marks
            // (U+0653–U+0655) that NFKC composes with the letter before them.
            '\u{064B}'..='\u{0652}' | '\u{0656}'..='\u{065F}' => {}
            '\u{0400}'..='\u{045F}' => out.push(fold_cyrillic(lower_common(c))),
            '\u{0621}'..='\u{064A}' if is_common_letter(c) => out.push(fold_alef(c)),
            // Latin and Greek.
            _ if is_common_letter(c) => push_base_letter(lower_common(c), &mut out),
            _ => return None,
        }
    }
    Some(out)
}

/// The letters [`normalize_common`] and [`for_each_mixed_word`] handle themselves: Latin-1 and
/// Latin Extended-A, basic Cyrillic, monotonic Greek and basic Arabic letters.
#[inline]
fn is_common_letter(c: char) -> bool {
    matches!(
        c,
        '\u{00C0}'..='\u{00D6}'
            | '\u{00D8}'..='\u{00F6}'
            | '\u{00F8}'..='\u{017F}'
            | '\u{0400}'..='\u{045F}'
            | '\u{0386}'
            | '\u{0388}'..='\u{038A}'
            | '\u{038C}'
            | '\u{038E}'..='\u{03A1}'
            | '\u{03A3}'..='\u{03CE}'
            | '\u{0621}'..='\u{063A}'
            | '\u{0641}'..='\u{064A}'
    )
}

/// The case folding of a letter for which [`is_common_letter`] holds (and that folds to one
/// letter): by arithmetic where its block allows, without the case tables.
#[inline]
fn lower_common(c: char) -> char {
    match c {
        // Latin-1 capitals are their small letters' codes less 0x20; Cyrillic Ѐ–Џ less 0x50,
        // А–Я less 0x20.
        '\u{00C0}'..='\u{00DE}' | '\u{0410}'..='\u{042F}' => offset(c, 0x20),
        '\u{0400}'..='\u{040F}' => offset(c, 0x50),
        // Small letters already, and Arabic, which has no case.
        '\u{00DF}'..='\u{00FF}' | '\u{0430}'..='\u{045F}' | '\u{0621}'..='\u{064A}' => c,
        // The final sigma folds to sigma.
        '\u{03C2}' => '\u{03C3}',
        // Latin Extended-A and Greek.
        _ => c.to_lowercase().next().unwrap_or(c),
    }
}

/// The character `by` code points after `c` (which the callers know to be a letter).
fn offset(c: char, by: u32) -> char {
    char::from_u32(c as u32 + by).unwrap_or(c)
}

/// [`normalize_word`] for any word: each step in full.
fn normalize_any(word: &str) -> Cow<'_, str> {
    let nfkc: Cow<'_, str> = match is_nfkc_quick(word.chars()) {
        IsNormalized::Yes => Cow::Borrowed(word),
        _ => Cow::Owned(word.nfkc().collect()),
    };
    let folded = caseless::default_case_fold_str(&nfkc);
    let mut out = String::with_capacity(folded.len());
    let mut base = None;
    for c in folded.chars().filter(|&c| !is_invisible(c)).map(unify_char) {
        fold_accents(c, &mut base, &mut out);
    }
    Cow::Owned(out)
}

/// Appends `c` to `out` without the accents that writers and news feeds keep or drop at will;
/// `base` is the script of the last letter appended, which decides what a lone combining mark
/// after it is.
///
/// * A Latin or Greek letter loses every combining diacritic (U+0300–U+036F) of its canonical
///   decomposition: "São Paulo" and "Sao Paulo", "Zürich" and "Zurich", "Ελλάδα" and
///   "ΕΛΛΑΔΑ" (whose capitals carry no tonos) are the same words. Letters without a
///   decomposition stay as they are (`ø`, `ł`, `ı`; `ß` is `ss` already, by case folding).
/// * Cyrillic keeps its letters that are written with a mark (`й`, `ї`, `ў` are letters of
///   their own), but `ё` is `е`, as most Russian text writes it, and stress marks go.
/// * Arabic loses its harakat (the short vowels and other marks that most text leaves out)
///   and the tatweel that stretches words for layout, and writes the hamza forms of alef
///   (`أ إ آ ٱ`) as bare alef, which much news text does: "تُملي" is "تملي", "أن" is "ان".
/// * Hebrew loses its points (niqqud) and cantillation marks: "שָׁלוֹם" is "שלום".
/// * Other scripts are untouched: their combining marks are vowels and signs (Devanagari,
///   Thai), not optional accents.
fn fold_accents(c: char, base: &mut Option<Script>, out: &mut String) {
    match c {
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => return,
        '\u{0622}' | '\u{0623}' | '\u{0625}' | '\u{0671}' => {
            *base = None;
            out.push(fold_alef(c));
            return;
        }
        '\u{0591}'..='\u{05BD}'
        | '\u{05BF}'
        | '\u{05C1}'
        | '\u{05C2}'
        | '\u{05C4}'
        | '\u{05C5}'
        | '\u{05C7}' => return,
        _ => {}
    }
    if COMBINING.contains(&c) {
        // A mark NFKC could not compose with the letter before it.
        let drop = match base {
            Some(Script::LatinGreek) => true,
            Some(Script::Cyrillic) => matches!(c, '\u{0300}' | '\u{0301}'),
            None => false,
        };
        if !drop {
            out.push(c);
        }
        return;
    }
    *base = script(c);
    match *base {
        Some(Script::LatinGreek) if !c.is_ascii() => push_base_letter(c, out),
        Some(Script::Cyrillic) => out.push(fold_cyrillic(c)),
        _ => out.push(c),
    }
}

/// The combining diacritical marks: the accents of Latin, Greek and Cyrillic letters.
const COMBINING: std::ops::RangeInclusive<char> = '\u{0300}'..='\u{036F}';

/// Appends a Latin or Greek letter without the diacritics of its canonical decomposition.
#[inline]
fn push_base_letter(c: char, out: &mut String) {
    unicode_normalization::char::decompose_canonical(c, |d| {
        if !COMBINING.contains(&d) {
            out.push(d);
        }
    })
}

/// A lower-case Cyrillic letter as most Russian text writes it: `ё` (and the rare `ѐ`) as `е`,
/// `ѝ` as `и`.
#[inline]
fn fold_cyrillic(c: char) -> char {
    match c {
        '\u{0450}' | '\u{0451}' => '\u{0435}',
        '\u{045D}' => '\u{0438}',
        _ => c,
    }
}

/// The hamza forms of Arabic alef (`أ إ آ ٱ`) as bare alef.
#[inline]
fn fold_alef(c: char) -> char {
    match c {
        '\u{0622}' | '\u{0623}' | '\u{0625}' | '\u{0671}' => '\u{0627}',
        _ => c,
    }
}

/// The scripts whose accents [`fold_accents`] folds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Script {
    LatinGreek,
    Cyrillic,
}

/// The script of a letter, among those [`fold_accents`] treats; `None` for anything else.
fn script(c: char) -> Option<Script> {
    match c {
        'a'..='z'
        | 'A'..='Z'
        | '\u{00C0}'..='\u{024F}'
        | '\u{1E00}'..='\u{1EFF}'
        | '\u{0370}'..='\u{03FF}'
        | '\u{1F00}'..='\u{1FFF}' => Some(Script::LatinGreek),
        '\u{0400}'..='\u{04FF}' => Some(Script::Cyrillic),
        _ => None,
    }
}

/// A word, in [`word_parts`]: the unit in which passage lengths (`--min-words`) are counted.
pub const WORD: u32 = 6;

/// How much of a word one token is, in sixths of a word ([`WORD`]).
///
/// Languages written with spaces between words give a whole word per token. Chinese, Japanese
/// and the languages of South-East Asia are written without spaces, and Unicode word
/// segmentation (UAX #29, without a dictionary) gives a token per character there. Counted as
/// words, such characters would make `--min-words 8` mean eight characters: a name and a title
/// ("俄罗斯外交部发言人", "spokeswoman of the Russian foreign ministry") would be a passage.
/// So a token counts as the part of a word that its character is, on average:
///
/// * a Han ideograph or a hiragana character: half a word (3). Running Chinese text, segmented
///   into words, averages about 1.6 characters a word, and Japanese about two;
/// * a character of Thai, Lao, Khmer or Myanmar (a consonant with its marks): a third (2);
///   their words run to about three such characters.
///
/// Everything else, including a katakana run (which segmentation keeps whole) and Korean
/// (written with spaces), is a whole word. Only a token's first character is looked at: these
/// tokens are one character with its marks.
pub fn word_parts(token: &str) -> u32 {
    let Some(c) = token.chars().next() else {
        return WORD;
    };
    if c.is_ascii() {
        return WORD;
    }
    match c {
        '\u{3005}'..='\u{3007}'
        | '\u{3040}'..='\u{309F}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3134F}' => WORD / 2,
        '\u{0E00}'..='\u{0EFF}'
        | '\u{1000}'..='\u{109F}'
        | '\u{1780}'..='\u{17FF}'
        | '\u{19E0}'..='\u{19FF}'
        | '\u{A9E0}'..='\u{A9FF}'
        | '\u{AA60}'..='\u{AA7F}' => WORD / 3,
        _ => WORD,
    }
}

/// Format characters that change nothing a reader sees, and that web text carries inside words:
/// the soft hyphen (`&shy;`, which German and Dutch sites put in long words), the combining
/// grapheme joiner, the zero-width joiners (ZWNJ, ZWJ), the word joiner and invisible
/// operators, the byte order mark, and the bidirectional marks and controls. NFKC keeps them,
/// so "extra&shy;dition" would not equal "extradition". Unicode word segmentation already keeps
/// them inside the word (UAX #29 rule WB4). The zero-width space is not among them: it ends a
/// word.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{180E}'
            | '\u{200C}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Maps the quote and dash variants to their ASCII forms; other characters are unchanged.
pub fn unify_char(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' | '`' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
        | '\u{00BB}' => '"',
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => '-',
        _ => c,
    }
}

/// The UAX #29 word-break classes that matter for ASCII.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Letter,
    Digit,
    Underscore,
    /// `:` (MidLetter)
    MidLetter,
    /// `.` and `'` (MidNumLet, Single_Quote)
    MidNumLet,
    /// `,` and `;` (MidNum)
    MidNum,
    Other,
}

/// [`Class`] of every byte, looked up instead of matched in the hot loop.
static CLASSES: [Class; 256] = {
    let mut t = [Class::Other; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = class_of(b as u8);
        b += 1;
    }
    t
};

#[inline(always)]
fn class(b: u8) -> Class {
    CLASSES[b as usize]
}

const fn class_of(b: u8) -> Class {
    match b {
        b'a'..=b'z' | b'A'..=b'Z' => Class::Letter,
        b'0'..=b'9' => Class::Digit,
        b'_' => Class::Underscore,
        b':' => Class::MidLetter,
        b'.' | b'\'' => Class::MidNumLet,
        b',' | b';' => Class::MidNum,
        _ => Class::Other,
    }
}

#[inline]
fn is_word_class(c: Class) -> bool {
    matches!(c, Class::Letter | Class::Digit | Class::Underscore)
}

/// Calls `f(start, end)` for the UAX #29 words of `chunk`, a white-space-free piece of text that
/// holds non-ASCII characters, as `unicode-segmentation` finds them.
///
/// Most such chunks in European text are a word with a few letters beyond ASCII (Latin-1, Latin
/// Extended-A, basic Cyrillic) and the punctuation around it (`«выдаёт»,`, `Zürich’s`). Those
/// letters are all ALetter, the curly single quotes MidNumLet, and guillemets, curly double
/// quotes, dashes and the no-break space break words, so the ASCII rules
/// ([`for_each_ascii_word_scalar`]) segment such a chunk a character at a time, several times
/// faster than the general segmenter. A chunk with any other character, or longer than
/// [`QUICK_CHARS`] characters, goes to `unicode-segmentation`. A property test holds the two to
/// the same words.
pub(crate) fn for_each_mixed_word<F: FnMut(usize, usize)>(chunk: &str, mut f: F) {
    let mut classes = [(0u32, Class::Other); QUICK_CHARS];
    let mut n = 0;
    for (i, c) in chunk.char_indices() {
        match (n < QUICK_CHARS).then(|| quick_class(c)).flatten() {
            Some(class) => {
                classes[n] = (i as u32, class);
                n += 1;
            }
            None => {
                for (s, word) in chunk.unicode_word_indices() {
                    f(s, s + word.len());
                }
                return;
            }
        }
    }
    let classes = &classes[..n];
    let at = |k: usize| classes.get(k).map_or(chunk.len(), |c| c.0 as usize);
    scan_classes(n, |k| classes[k].1, |s, e| f(at(s), at(e)));
}

/// The most characters a chunk can have for [`for_each_mixed_word`]'s quick path.
const QUICK_CHARS: usize = 64;

/// The word-break class of `c` when [`for_each_mixed_word`]'s quick path knows it.
fn quick_class(c: char) -> Option<Class> {
    Some(match c {
        _ if c.is_ascii() => class(c as u8),
        _ if is_common_letter(c) => Class::Letter,
        '\u{060C}' => Class::MidNum,
        '\u{2018}' | '\u{2019}' => Class::MidNumLet,
        '\u{00A0}' | '\u{00AB}' | '\u{00BB}' | '\u{2013}' | '\u{2014}' | '\u{201C}'
        | '\u{201D}' | '\u{201E}' => Class::Other,
        _ => return None,
    })
}

/// Scans ASCII bytes for UAX #29 words, calling `f(start, end)` for each one that holds a letter
/// or digit (a run of underscores alone is not a word).
///
/// Inputs of 64 bytes or more are scanned 64 bytes at a time: each byte's class becomes a bit
/// in a few 64-bit masks (a loop the compiler vectorises), the joining punctuation (`.` `'` `:`
/// between letters, `.` `'` `,` `;` between digits) is found with shifts of those masks, and
/// words are the runs of set bits, found with trailing-zero counts. No branch depends on a
/// single byte, so word ends cost no mispredicted branches.
pub(crate) fn for_each_ascii_word<F: FnMut(usize, usize)>(bytes: &[u8], mut f: F) {
    if bytes.len() < 64 {
        return for_each_ascii_word_scalar(bytes, f);
    }
    let blocks = bytes.len().div_ceil(64);
    let block = |k: usize| -> Masks {
        if k >= blocks {
            return Masks::default();
        }
        Masks::of(&bytes[k * 64..bytes.len().min(k * 64 + 64)])
    };
    let mut cur = block(0);
    // The letter and digit bits of the byte before the current block.
    let (mut prev_l, mut prev_d) = (0u64, 0u64);
    // A word that runs on from an earlier block: its start, and whether it has a letter or
    // digit yet.
    let mut open: Option<(usize, bool)> = None;
    for k in 0..blocks {
        let next = block(k + 1);
        let lp = cur.letter << 1 | prev_l;
        let ln = cur.letter >> 1 | (next.letter & 1) << 63;
        let dp = cur.digit << 1 | prev_d;
        let dn = cur.digit >> 1 | (next.digit & 1) << 63;
        let word = cur.word | (cur.mid_letter & lp & ln) | (cur.mid_num & dp & dn);
        let alnum = cur.letter | cur.digit;
        let base = k * 64;
        let mut w = word;
        if let Some((start, has)) = open {
            let len = (!w).trailing_zeros();
            let has = has || alnum & low_bits(len) != 0;
            if len == 64 {
                open = Some((start, has));
                prev_l = cur.letter >> 63;
                prev_d = cur.digit >> 63;
                cur = next;
                continue;
            }
            if has {
                f(start, base + len as usize);
            }
            open = None;
            w &= !low_bits(len);
        }
        while w != 0 {
            let s = w.trailing_zeros();
            let len = (!(w >> s)).trailing_zeros().min(64 - s);
            let has = (alnum >> s) & low_bits(len) != 0;
            if s + len == 64 {
                open = Some((base + s as usize, has));
                break;
            }
            if has {
                f(base + s as usize, base + (s + len) as usize);
            }
            w &= !(low_bits(len) << s);
        }
        prev_l = cur.letter >> 63;
        prev_d = cur.digit >> 63;
        cur = next;
    }
    if let Some((start, true)) = open {
        f(start, bytes.len());
    }
}

/// The low `n` bits set (`n` up to 64).
#[inline(always)]
fn low_bits(n: u32) -> u64 {
    if n >= 64 {
        u64::MAX
    } else {
        (1u64 << n) - 1
    }
}

/// One bit per byte of a block of up to 64 ASCII bytes, per class.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Masks {
    /// Letters, digits and `_`.
    word: u64,
    letter: u64,
    digit: u64,
    /// `:` `.` `'`: join letters.
    mid_letter: u64,
    /// `,` `;` `.` `'`: join digits.
    mid_num: u64,
}

impl Masks {
    #[inline(always)]
    fn of(chunk: &[u8]) -> Masks {
        #[cfg(target_arch = "x86_64")]
        {
            // Only the last block of a text is short; it is padded with bytes of no class.
            let mut padded = [0u8; 64];
            let block: &[u8; 64] = match chunk.try_into() {
                Ok(full) => full,
                Err(_) => {
                    padded[..chunk.len()].copy_from_slice(chunk);
                    &padded
                }
            };
            // SAFETY: SSE2 is part of x86-64, so every CPU this code runs on has it.
            #[allow(unsafe_code)]
            unsafe {
                Masks::of_sse2(block)
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        Masks::of_table(chunk)
    }

    /// [`Masks::of`] with SSE2 (part of every x86-64 CPU): each class is a byte comparison or
    /// two over 16 bytes at a time, and a byte mask becomes 16 bits with `movemask`.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "sse2")]
    #[inline]
    fn of_sse2(block: &[u8; 64]) -> Masks {
        use std::arch::x86_64::{
            _mm_and_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_cmplt_epi8, _mm_movemask_epi8,
            _mm_or_si128, _mm_set1_epi8, _mm_set_epi64x,
        };
        let mut planes = [0u64; 6];
        for (q, sixteen) in block.chunks_exact(16).enumerate() {
            let half = |h: usize| {
                let eight: [u8; 8] = sixteen[8 * h..8 * h + 8].try_into().expect("8 bytes");
                i64::from_le_bytes(eight)
            };
            let v = _mm_set_epi64x(half(1), half(0));
            let splat = |b: u8| _mm_set1_epi8(b as i8);
            let eq = |b: u8| _mm_cmpeq_epi8(v, splat(b));
            // ASCII bytes are non-negative as `i8`, so signed comparisons bound a range.
            let within = |x, lo: u8, hi: u8| {
                _mm_and_si128(
                    _mm_cmpgt_epi8(x, splat(lo - 1)),
                    _mm_cmplt_epi8(x, splat(hi + 1)),
                )
            };
            // Setting bit 5 maps `A`..=`Z` onto `a`..=`z` and no other byte into that range.
            let folded = _mm_or_si128(v, splat(0x20));
            let classes = [
                within(folded, b'a', b'z'),
                within(v, b'0', b'9'),
                eq(b'_'),
                _mm_or_si128(eq(b'.'), eq(b'\'')),
                eq(b':'),
                _mm_or_si128(eq(b','), eq(b';')),
            ];
            for (plane, m) in planes.iter_mut().zip(classes) {
                *plane |= u64::from(_mm_movemask_epi8(m) as u16) << (16 * q);
            }
        }
        Masks::from_planes(planes)
    }

    /// [`Masks::of`] without SIMD instructions: one flag byte per input byte (a table lookup),
    /// then each flag's plane is packed eight bytes at a time, a multiplication gathering the
    /// low bits of eight bytes into one.
    #[cfg_attr(all(target_arch = "x86_64", not(test)), allow(dead_code))]
    #[inline(always)]
    fn of_table(chunk: &[u8]) -> Masks {
        let mut flags = [0u8; 64];
        for (f, &x) in flags.iter_mut().zip(chunk) {
            *f = FLAGS[x as usize];
        }
        let mut planes = [0u64; 6];
        for (k, eight) in flags.chunks_exact(8).enumerate() {
            let w = u64::from_le_bytes(eight.try_into().expect("8 bytes"));
            for (bit, plane) in planes.iter_mut().enumerate() {
                let b = (w >> bit) & 0x0101_0101_0101_0101;
                *plane |= (b.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * k);
            }
        }
        Masks::from_planes(planes)
    }

    /// The masks from the planes of letters, digits, `_`, `.` or `'`, `:`, and `,` or `;`.
    #[inline(always)]
    fn from_planes(planes: [u64; 6]) -> Masks {
        let [letter, digit, under, dot_quote, colon, comma] = planes;
        Masks {
            word: letter | digit | under,
            letter,
            digit,
            mid_letter: dot_quote | colon,
            mid_num: dot_quote | comma,
        }
    }
}

/// Class flags of each ASCII byte for [`Masks::of`]: letter, digit, `_`, `.` or `'`, `:`,
/// `,` or `;`.
static FLAGS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let x = b as u8;
        t[b] = if x.is_ascii_alphabetic() {
            1
        } else if x.is_ascii_digit() {
            2
        } else if x == b'_' {
            4
        } else if x == b'.' || x == b'\'' {
            8
        } else if x == b':' {
            16
        } else if x == b',' || x == b';' {
            32
        } else {
            0
        };
        b += 1;
    }
    t
};

/// [`for_each_ascii_word`] one byte at a time: the reference, and the faster way for a few bytes.
fn for_each_ascii_word_scalar<F: FnMut(usize, usize)>(bytes: &[u8], f: F) {
    scan_classes(bytes.len(), |i| class(bytes[i]), f);
}

/// The ASCII word rules over `n` characters whose classes `class(i)` gives: `f(start, end)` in
/// characters, for each word that holds a letter or digit.
#[inline]
fn scan_classes<C, F>(n: usize, class: C, mut f: F)
where
    C: Fn(usize) -> Class,
    F: FnMut(usize, usize),
{
    let mut i = 0;
    while i < n {
        let first = class(i);
        if !is_word_class(first) {
            i += 1;
            continue;
        }
        let start = i;
        let mut alnum = first != Class::Underscore;
        i += 1;
        while i < n {
            let c = class(i);
            if is_word_class(c) {
                alnum |= c != Class::Underscore;
                i += 1;
                continue;
            }
            if i + 1 < n {
                let prev = class(i - 1);
                let next = class(i + 1);
                let letters = prev == Class::Letter
                    && next == Class::Letter
                    && matches!(c, Class::MidLetter | Class::MidNumLet);
                let digits = prev == Class::Digit
                    && next == Class::Digit
                    && matches!(c, Class::MidNum | Class::MidNumLet);
                if letters || digits {
                    i += 2;
                    continue;
                }
            }
            break;
        }
        if alnum {
            f(start, i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn words(text: &str) -> Vec<String> {
        let mut v = Vec::new();
        for_each_word(text, |_, _, w| v.push(w.to_owned()));
        v
    }

    /// The word spans `unicode-segmentation` gives `s`: what the quick segmenters must match.
    fn uax29_spans(s: &str) -> Vec<(usize, usize)> {
        s.unicode_word_indices()
            .map(|(a, w)| (a, a + w.len()))
            .collect()
    }

    #[test]
    fn characters_of_unspaced_scripts_count_as_parts_of_words() {
        let parts =
            |text: &str| -> Vec<u32> { words(text).iter().map(|w| word_parts(w)).collect() };
        // Words of languages written with spaces, a katakana run and Korean: whole words.
        assert_eq!(parts("Putin said"), [WORD, WORD]);
        assert_eq!(parts("Путин заявил"), [WORD, WORD]);
        assert_eq!(parts("トランプ 대통령은"), [WORD, WORD]);
        // Han and hiragana: half a word each character.
        assert_eq!(parts("普京说"), [WORD / 2; 3]);
        assert_eq!(parts("のは"), [WORD / 2; 2]);
        // Thai: a third of a word per character (with its marks).
        let thai = parts("ข่าว");
        assert_eq!(thai, vec![WORD / 3; thai.len()]);
        assert!(!thai.is_empty());
        assert_eq!(word_parts(""), WORD);
    }

    #[test]
    fn punctuation_is_dropped_and_case_folded() {
        assert_eq!(
            words("Never, never. Russia does NOT extradite!"),
            ["never", "never", "russia", "does", "not", "extradite"]
        );
    }

    #[test]
    fn contractions_and_quotes_unify() {
        assert_eq!(words("We’ll"), words("We'll"));
        assert_eq!(words("We’ll"), ["we'll"]);
        assert_eq!(words("“Quoted” text"), ["quoted", "text"]);
    }

    #[test]
    fn numbers_keep_separators() {
        assert_eq!(
            words("1,000.5 people at 10:30"),
            ["1,000.5", "people", "at", "10", "30"]
        );
        assert_eq!(words("U.S. officials"), ["u.s", "officials"]);
    }

    #[test]
    fn invisible_format_characters_are_dropped() {
        assert_eq!(
            words("extra\u{AD}dition Zu\u{AD}kunft\u{200D} \u{FEFF}Putin"),
            words("extradition Zukunft Putin")
        );
        assert_eq!(normalize_word("ac\u{2060}cepted"), "accepted");
        // The zero-width space is a word break, as UAX #29 has it.
        assert_eq!(words("ac\u{200B}cepted"), ["ac", "cepted"]);
    }

    #[test]
    fn unicode_scripts() {
        assert_eq!(words("Путин сказал"), ["путин", "сказал"]);
        assert_eq!(words("Straße ÉTÉ"), ["strasse", "ete"]);
        assert_eq!(words("ＡＢＣ"), ["abc"]);
        assert_eq!(words("北京大学").len(), 4);
    }

    #[test]
    fn optional_accents_fold_and_letters_of_their_own_stay() {
        assert_eq!(words("São Paulo, Zürich"), words("Sao Paulo, Zurich"));
        assert_eq!(words("Ελλάδα ΕΛΛΆΔΑ"), ["ελλαδα", "ελλαδα"]);
        assert_eq!(words("İstanbul Kraków"), ["istanbul", "krakow"]);
        // Decomposed input: a lone combining accent goes with its letter's.
        assert_eq!(words("Sa\u{0303}o"), ["sao"]);
        // Russian: ё is е, and stress marks go; й, ї and ў are letters.
        assert_eq!(words("Всё выдаёт"), words("Все выдает"));
        assert_eq!(words("заме\u{0301}тно"), ["заметно"]);
        assert_eq!(words("мой її ўсё"), ["мой", "її", "ўсе"]);
        assert_ne!(words("мой"), words("мои"));
        // Letters without a decomposition, and the marks of other scripts, stay.
        assert_eq!(words("Ørsted łódź"), ["ørsted", "łodz"]);
        assert_eq!(words("हिन्दी"), ["हिन्दी"]);
        // Arabic harakat, tatweel and hamza on alef; Hebrew points.
        assert_eq!(words("تُملي أنّ إلى"), words("تملي ان الى"));
        assert_eq!(words("كتـــاب"), words("كتاب"));
        assert_ne!(words("كتاب"), words("كتب"));
        assert_eq!(words("שָׁלוֹם"), words("שלום"));
        assert_eq!(words("ภาษาไทย").concat(), "ภาษาไทย");
    }

    #[test]
    fn news_chunks_segment_as_unicode_segmentation_does() {
        for chunk in [
            "«Η",
            "κυβέρνηση»,",
            "ΕΠΙΧΕΙΡΗΣΕΙΣ.",
            "1،000",
            "«كتاب»،",
            "الرئيس:",
            "выдаёт»,",
            "Zürich’s",
            "l’Élysée",
            "—Putin",
        ] {
            let mut quick = Vec::new();
            for_each_mixed_word(chunk, |a, b| quick.push(&chunk[a..b]));
            let slow: Vec<&str> = chunk.unicode_words().collect();
            assert_eq!(quick, slow, "{chunk}");
        }
    }

    #[test]
    fn every_common_letter_normalises_as_the_full_pipeline_does() {
        // `normalize_common` works a character at a time: checking each character of its blocks
        // checks it all.
        let blocks = (0u32..0x80)
            .chain(0xC0..0x180)
            .chain(0x370..0x460)
            .chain(0x600..0x680);
        let mut quick = 0;
        for c in blocks.filter_map(char::from_u32) {
            let word = format!("{c}a{c}");
            if let Some(got) = normalize_common(&word) {
                assert_eq!(got, normalize_any(&word), "{c:?} U+{:04X}", c as u32);
                quick += 1;
            }
        }
        assert!(quick > 500, "{quick}");
        // Hamza marks after a letter compose with it (و + U+0654 is ؤ): not the quick path's.
        assert_eq!(normalize_common("\u{0648}\u{0654}"), None);
    }

    #[test]
    fn spans_point_at_original_bytes() {
        let text = "  “Ça va,” dit-il.";
        let mut toks = Vec::new();
        tokenize(text, &mut toks);
        let originals: Vec<&str> = toks.iter().map(|t| &text[t.span()]).collect();
        assert_eq!(originals, ["Ça", "va", "dit", "il"]);
    }

    #[test]
    fn hashes_are_stable() {
        let mut toks = Vec::new();
        tokenize("Hello", &mut toks);
        // xxh3_64(b"hello"), fixed forever: changing it changes every signature.
        assert_eq!(toks[0].hash, xxh3_64(b"hello"));
        assert_eq!(toks[0].hash, 0x9555e8555c62dcfd);
    }

    proptest! {
        #[test]
        fn ascii_fast_path_matches_uax29(s in "[a-zA-Z0-9_.,;:' \\-\"!?]{0,40}") {
            let mut fast = Vec::new();
            for_each_ascii_word(s.as_bytes(), |a, b| fast.push((a, &s[a..b])));
            let slow: Vec<(usize, &str)> = s.unicode_word_indices().collect();
            prop_assert_eq!(fast, slow);
        }

        #[test]
        fn block_scanner_matches_uax29(
            s in "[a-zA-Z0-9_.,;:' \\-\"!?]{60,300}|([a-zA-Z0-9]{1,70}[ .,';:_\"-]{1,2}){5,40}"
        ) {
            let mut fast = Vec::new();
            for_each_ascii_word(s.as_bytes(), |a, b| fast.push((a, &s[a..b])));
            let slow: Vec<(usize, &str)> = s.unicode_word_indices().collect();
            prop_assert_eq!(fast, slow);
        }

        /// The SSE2 masks and the table's agree on any block, full or short (x86-64 uses SSE2).
        #[test]
        fn class_masks_agree_with_the_table(bytes in proptest::collection::vec(0u8..128, 0..=64)) {
            prop_assert_eq!(Masks::of(&bytes), Masks::of_table(&bytes));
        }

        #[test]
        fn chunked_segmentation_matches_whole_text(
            s in "[a-zA-Z0-9 \\n\\t,.;:'’“”«»éÉßçПутинсказал北京大学\\-—!?()]{0,60}"
        ) {
            let mut chunked = Vec::new();
            for_each_word(&s, |a, b, _| chunked.push((a, b)));
            prop_assert_eq!(chunked, uax29_spans(&s));
        }

        #[test]
        fn mixed_chunks_segment_as_unicode_segmentation_does(
            s in "[a-zA-Z0-9_'.,;:\u{00C0}-\u{0180}\u{0400}-\u{0460}\u{0370}-\u{03FF}\u{0600}-\u{0660}\u{00A0}\u{00AB}\u{00BB}\u{2013}\u{2014}\u{2018}\u{2019}\u{201C}-\u{201E}\u{0301}\u{00B7}\u{00AA}]{1,80}"
        ) {
            let mut quick = Vec::new();
            for_each_mixed_word(&s, |a, b| quick.push((a, b)));
            prop_assert_eq!(quick, uax29_spans(&s));
        }

        #[test]
        fn common_words_normalise_as_every_word_does(
            s in "[A-Za-z0-9'`.,\u{00C0}-\u{0180}\u{0400}-\u{0460}\u{0370}-\u{03FF}\u{0600}-\u{0660}\u{0301}]{1,12}"
        ) {
            if let Some(quick) = normalize_common(&s) {
                prop_assert_eq!(quick, normalize_any(&s).into_owned());
            }
        }

        #[test]
        fn never_panics_and_spans_slice(s in any::<String>()) {
            let mut toks = Vec::new();
            tokenize(&s, &mut toks);
            let mut last = 0;
            for t in &toks {
                prop_assert!(t.start < t.end && t.end <= s.len() && t.start >= last);
                prop_assert!(s.is_char_boundary(t.start) && s.is_char_boundary(t.end));
                last = t.end;
            }
        }

        #[test]
        fn never_panics_on_bytes(b in proptest::collection::vec(any::<u8>(), 0..200)) {
            let s = String::from_utf8_lossy(&b);
            let mut toks = Vec::new();
            tokenize(&s, &mut toks);
            for t in &toks {
                prop_assert!(s.get(t.span()).is_some());
            }
        }
    }
}
