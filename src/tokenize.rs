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
//!    curly and straight quotes are unified (`’` → `'`, `“` → `"`) and every dash becomes `-`.
//!    An ASCII word is only lower-cased, which is what those steps do to it.
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
            for (s, word) in chunk.unicode_word_indices() {
                let norm = normalize_word(word);
                f(start + s, start + s + word.len(), &norm);
            }
        }
    }
}

/// The fast path for ASCII `text` (at byte `offset` in the document): lower-cased words.
fn ascii_words<F: FnMut(usize, usize, &str)>(
    text: &str,
    offset: usize,
    buf: &mut String,
    f: &mut F,
) {
    for_each_ascii_word(text.as_bytes(), |s, e| {
        buf.clear();
        buf.extend(
            text.as_bytes()[s..e]
                .iter()
                .map(|b| b.to_ascii_lowercase() as char),
        );
        f(offset + s, offset + e, buf);
    });
}

/// Tokenises `text` into `out` (cleared first): one [`Token`] per word.
pub fn tokenize(text: &str, out: &mut Vec<Token>) {
    out.clear();
    for_each_word(text, |start, end, norm| {
        out.push(Token {
            start,
            end,
            hash: xxh3_64(norm.as_bytes()),
        })
    });
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

/// Normalises one word: NFKC, full case folding, unified quotes and dashes.
pub fn normalize_word(word: &str) -> Cow<'_, str> {
    if word.is_ascii() {
        if word.bytes().any(|b| b.is_ascii_uppercase()) {
            return Cow::Owned(word.to_ascii_lowercase());
        }
        return Cow::Borrowed(word);
    }
    let nfkc: Cow<'_, str> = match is_nfkc_quick(word.chars()) {
        IsNormalized::Yes => Cow::Borrowed(word),
        _ => Cow::Owned(word.nfkc().collect()),
    };
    let folded = caseless::default_case_fold_str(&nfkc);
    Cow::Owned(folded.chars().map(unify_char).collect())
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

/// Scans ASCII bytes for UAX #29 words, calling `f(start, end)` for each one that holds a letter
/// or digit (a run of underscores alone is not a word).
fn for_each_ascii_word<F: FnMut(usize, usize)>(bytes: &[u8], mut f: F) {
    let n = bytes.len();
    let mut i = 0;
    while i < n {
        if !is_word_class(class(bytes[i])) {
            i += 1;
            continue;
        }
        let start = i;
        let mut alnum = bytes[i] != b'_';
        i += 1;
        while i < n {
            let c = class(bytes[i]);
            if is_word_class(c) {
                alnum |= c != Class::Underscore;
                i += 1;
                continue;
            }
            if i + 1 < n {
                let prev = class(bytes[i - 1]);
                let next = class(bytes[i + 1]);
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
    fn unicode_scripts() {
        assert_eq!(words("Путин сказал"), ["путин", "сказал"]);
        assert_eq!(words("Straße ÉTÉ"), ["strasse", "été"]);
        assert_eq!(words("ＡＢＣ"), ["abc"]);
        assert_eq!(words("北京大学").len(), 4);
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
        fn chunked_segmentation_matches_whole_text(
            s in "[a-zA-Z0-9 \\n\\t,.;:'’“”«»éÉßçПутинсказал北京大学\\-—!?()]{0,60}"
        ) {
            let mut chunked = Vec::new();
            for_each_word(&s, |a, b, _| chunked.push((a, b)));
            let whole: Vec<(usize, usize)> =
                s.unicode_word_indices().map(|(a, w)| (a, a + w.len())).collect();
            prop_assert_eq!(chunked, whole);
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
