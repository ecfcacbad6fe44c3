//! HTML character references in article text.
//!
//! Text scraped from web pages often keeps its character references: `We&#8217;ll` for
//! `We’ll`, `&quot;` for a quotation mark, `&nbsp;` between words. Tokenised as it stands,
//! `We&#8217;ll` is three words (`We`, `8217`, `ll`) that match nothing in a copy written with
//! the character itself, a quotation opened by `&#8220;` is not seen as a quotation, and a quote
//! copied from a page that encodes its apostrophes is reported as reworded.
//!
//! So the detectors read a *decoded view* of such a text, and every offset they report is mapped
//! back to the bytes of the text as given ([`OffsetMap`]): `a_start..a_end` still cut the
//! original text, references and all, and `a_text` is that original slice.
//!
//! What counts as a reference follows HTML (WHATWG, §13.2.5.72–80, "character reference
//! state"), with the closing `;` required:
//! * `&name;` with a name from the HTML5 table (2,125 names; the table is `html-escape`'s);
//! * `&#digits;` and `&#xhex;`, where 128–159 are read as Windows-1252, as browsers do
//!   (`&#146;` is `’`), and NUL, surrogates, values past U+10FFFF and other control characters
//!   are not references.
//!
//! Anything else — `AT&T`, `Q&A`, `&nosuchname;`, the legacy `&amp` without its `;` — stays
//! text. A reference is decoded once: `&amp;#8217;` reads as `&#8217;`, the text a page that
//! escaped its own markup shows. Texts without `&` cost one `memchr`.

/// Where the bytes of a decoded view came from in the text it was decoded from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OffsetMap {
    /// Per decoded reference: its end in the view and in the original text. Between two
    /// references, view and original differ by a constant.
    ends: Vec<(u32, u32)>,
}

impl OffsetMap {
    /// The offset in the original text of byte `i` of the view: a character decoded from a
    /// reference starts where the reference starts, and the byte after it is the byte after
    /// the reference's `;`.
    pub fn source(&self, i: usize) -> usize {
        let k = self.ends.partition_point(|&(view, _)| view as usize <= i);
        match k.checked_sub(1).map(|k| self.ends[k]) {
            Some((view, source)) => source as usize + (i - view as usize),
            None => i,
        }
    }
}

/// The decoded view of `text` and the map back to it, or `None` when `text` holds no character
/// reference (the view would be the text itself).
///
/// ```
/// let text = "We&#8217;ll talk, &quot;maybe&quot;.";
/// let (view, map) = reprint::entities::decode(text).unwrap();
/// assert_eq!(view, "We’ll talk, \"maybe\".");
/// let talk = view.find("talk").unwrap();
/// assert_eq!(&text[map.source(talk)..map.source(talk + 4)], "talk");
/// assert_eq!(&text[map.source(0)..map.source("We’ll".len())], "We&#8217;ll");
/// assert!(reprint::entities::decode("AT&T and Q&A").is_none());
/// ```
pub fn decode(text: &str) -> Option<(String, OffsetMap)> {
    let bytes = text.as_bytes();
    let mut at = memchr::memchr(b'&', bytes)?;
    let mut view = String::new();
    let mut map = OffsetMap::default();
    let mut copied = 0;
    loop {
        if let Some((len, value)) = reference(&bytes[at..]) {
            if view.capacity() == 0 {
                view.reserve(text.len());
            }
            view.push_str(&text[copied..at]);
            match value {
                Value::Char(c) => view.push(c),
                Value::Str(s) => view.push_str(s),
            }
            copied = at + len;
            map.ends.push((view.len() as u32, copied as u32));
            at = copied;
        } else {
            at += 1;
        }
        match memchr::memchr(b'&', &bytes[at..]) {
            Some(k) => at += k,
            None => break,
        }
    }
    if map.ends.is_empty() {
        return None;
    }
    view.push_str(&text[copied..]);
    Some((view, map))
}

/// `text` with its character references decoded, borrowed when it has none.
pub fn decoded(text: &str) -> std::borrow::Cow<'_, str> {
    match decode(text) {
        Some((view, _)) => view.into(),
        None => text.into(),
    }
}

/// What a reference stands for.
enum Value {
    Char(char),
    Str(&'static str),
}

/// The longest name in the HTML5 table is 31 bytes (`CounterClockwiseContourIntegral`).
const MAX_NAME: usize = 32;

/// The reference at the start of `s` (which starts with `&`): its length with the `;`, and what
/// it stands for.
fn reference(s: &[u8]) -> Option<(usize, Value)> {
    let body = |from: usize, ok: fn(&u8) -> bool, max: usize| -> Option<usize> {
        let len = s[from..].iter().take(max + 1).take_while(|b| ok(b)).count();
        (len > 0 && len <= max && s.get(from + len) == Some(&b';')).then_some(from + len)
    };
    if s.get(1) == Some(&b'#') {
        let (from, radix, ok): (usize, u32, fn(&u8) -> bool) = match s.get(2) {
            Some(b'x' | b'X') => (3, 16, u8::is_ascii_hexdigit),
            _ => (2, 10, u8::is_ascii_digit),
        };
        // Seven hex or eight decimal digits reach past U+10FFFF; leading zeros a page may pad
        // with are allowed up to a point.
        let end = body(from, ok, 12)?;
        let digits = std::str::from_utf8(&s[from..end]).ok()?;
        let n = u32::from_str_radix(digits, radix).ok()?;
        return numeric(n).map(|c| (end + 1, Value::Char(c)));
    }
    let end = body(1, u8::is_ascii_alphanumeric, MAX_NAME)?;
    let name = &s[1..end];
    html_escape::NAMED_ENTITIES
        .binary_search_by(|(n, _)| n.cmp(&name))
        .ok()
        .map(|k| (end + 1, Value::Str(html_escape::NAMED_ENTITIES[k].1)))
}

/// The character a numeric reference stands for, if it stands for one reprint should read.
fn numeric(n: u32) -> Option<char> {
    let c = match n {
        0x80..=0x9F => WINDOWS_1252[n as usize - 0x80]?,
        _ => char::from_u32(n)?,
    };
    match c {
        '\t' | '\n' | '\r' | '\u{000C}' => Some(c),
        c if c.is_control() => None,
        c => Some(c),
    }
}

/// Windows-1252 at 0x80–0x9F: what HTML reads numeric references in that range as (the five
/// bytes Windows-1252 leaves undefined stay control characters, and so are not read).
const WINDOWS_1252: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn view(s: &str) -> String {
        decoded(s).into_owned()
    }

    #[test]
    fn named_and_numeric_references_are_decoded() {
        assert_eq!(view("&quot;Hi&quot; &amp; bye"), "\"Hi\" & bye");
        assert_eq!(view("caf&eacute; &Eacute;"), "café É");
        assert_eq!(view("We&#8217;ll &#x201C;go&#X201d;"), "We’ll “go”");
        assert_eq!(view("a&nbsp;b"), "a\u{A0}b");
        // Browsers read 128–159 as Windows-1252.
        assert_eq!(view("it&#146;s &#150; &#128;5"), "it’s – €5");
        // A name the table has in two cases.
        assert_eq!(view("&AMP;&amp;"), "&&");
    }

    #[test]
    fn what_is_not_a_reference_stays_text() {
        for s in [
            "AT&T",
            "Q&A and R&D",
            "&",
            "a & b",
            "&amp",
            "&amp ;",
            "&nosuchname;",
            "&#;",
            "&#x;",
            "&#0;",
            "&#xD800;",
            "&#x110000;",
            "&#99999999999999;",
            "&#7;",
            "&#129;",
            "&#x-41;",
            "& quot;",
            "&#0000000000065;",
        ] {
            assert_eq!(decode(s), None, "{s}");
        }
        // Decoded once: an escaped reference reads as the reference.
        assert_eq!(view("&amp;#8217;"), "&#8217;");
        assert_eq!(view("&&amp;&"), "&&&");
        assert_eq!(view("&#000065;"), "A");
    }

    #[test]
    fn offsets_map_back_to_the_reference() {
        let text = "x &#8220;We&rsquo;ll&#8221; y";
        let (v, map) = decode(text).unwrap();
        assert_eq!(v, "x “We’ll” y");
        let cut = |from: &str, to: &str| {
            let (i, j) = (v.find(from).unwrap(), v.find(to).unwrap() + to.len());
            &text[map.source(i)..map.source(j)]
        };
        assert_eq!(cut("“", "”"), "&#8220;We&rsquo;ll&#8221;");
        assert_eq!(cut("We", "ll"), "We&rsquo;ll");
        assert_eq!(cut("x", "x"), "x");
        assert_eq!(cut("y", "y"), "y");
        assert_eq!(map.source(v.len()), text.len());
    }

    proptest! {
        /// Every character of the view maps to a piece of the original that decodes to it, and
        /// the pieces tile the original in order.
        #[test]
        fn the_map_tiles_the_original(
            parts in proptest::collection::vec(
                prop_oneof![
                    "[a-z &;#]{0,6}",
                    Just("&amp;".to_string()),
                    Just("&#8217;".to_string()),
                    Just("&#x1F600;".to_string()),
                    Just("&eacute;".to_string()),
                    Just("&nbsp;".to_string()),
                    Just("é".to_string()),
                ],
                0..12,
            )
        ) {
            let text: String = parts.concat();
            match decode(&text) {
                None => prop_assert!(!text.contains("&amp;") && !text.contains("&#8217;")),
                Some((v, map)) => {
                    let mut at = 0;
                    for (i, c) in v.char_indices() {
                        let (s, e) = (map.source(i), map.source(i + c.len_utf8()));
                        prop_assert_eq!(s, at);
                        let piece = &text[s..e];
                        prop_assert_eq!(view(piece), c.to_string());
                        at = e;
                    }
                    prop_assert_eq!(at, text.len());
                }
            }
        }
    }
}
