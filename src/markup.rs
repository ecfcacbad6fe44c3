//! HTML left in article text: character references and tags.
//!
//! Text scraped from web pages often keeps its markup: `We&#8217;ll` for `We’ll`, `&quot;` for
//! a quotation mark, `<p>` between paragraphs, `<a href="…">` around a name. Tokenised as it
//! stands, `We&#8217;ll` is three words (`We`, `8217`, `ll`) that match nothing in a copy written
//! with the character itself, a link inside a quote adds words (`a`, `href`, `https`, …) that
//! break it in two, a quotation opened by `&#8220;` is not seen as a quotation, and a quote
//! copied from a page that encodes its apostrophes is reported as reworded.
//!
//! So the detectors read a *decoded view* of such a text, and every offset they report is mapped
//! back to the bytes of the text as given ([`OffsetMap`]): `a_start..a_end` still cut the
//! original text, markup and all, and `a_text` is that original slice.
//!
//! **Character references** follow HTML (WHATWG HTML, §13.2.5.72–80, "character reference
//! state"), with the closing `;` required:
//! * `&name;` with a name from the HTML5 table (2,125 names; the table is `html-escape`'s);
//! * `&#digits;` and `&#xhex;`, where 128–159 are read as Windows-1252, as browsers do
//!   (`&#146;` is `’`), and NUL, surrogates, values past U+10FFFF and other control characters
//!   are not references.
//!
//! Anything else — `AT&T`, `Q&A`, `&nosuchname;`, the legacy `&amp` without its `;` — stays
//! text. A reference is decoded once: `&amp;#8217;` reads as `&#8217;`, the text a page that
//! escaped its own markup shows.
//!
//! **Tags** are read as a browser lays them out: an element that starts a block (`<p>`,
//! `</div>`, `<li>`, `<h2>`, `<blockquote>`, …) as a blank line, so paragraphs stay paragraphs
//! for quote detection, `<br>` as a line break, and an inline element (`<a href="…">`, `<b>`,
//! `</em>`, `<span class=x>`) and a comment (`<!-- … -->`) as nothing, so a word split by
//! one stays whole. What a browser does not show (`<head>`, `<script>`, `<style>`,
//! `<template>`, `<noscript>`) and a page's chrome around its article (`<nav>`, `<header>`,
//! `<footer>`, `<aside>`) go with their contents, as a reader view leaves them out: chrome
//! repeats on every page of a site, and in a folder of a few saved pages no document-frequency
//! cap can tell it from reuse. Only the names of HTML elements count (`<p>`, not `<Reuters>` or
//! `<3`), a tag ends at the first `>` outside quoted attribute values and holds no `<` (not even
//! quoted), a tag or comment longer than 4 KiB and a `<script>` or `<style>` element longer
//! than 64 KiB are taken for text, and decoding stays linear in the text whatever it holds.
//!
//! Texts with neither `&` nor `<` cost one `memchr2` and are their own view.

/// Where the bytes of a decoded view came from in the text it was decoded from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OffsetMap {
    /// Per replaced piece of markup, in order: its range in the view and in the original text.
    /// Between two of them, view and original differ by a constant.
    marks: Vec<Mark>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Mark {
    view: (u32, u32),
    source: (u32, u32),
}

impl OffsetMap {
    /// Bytes the map holds on the heap.
    pub fn heap_bytes(&self) -> usize {
        self.marks.capacity() * std::mem::size_of::<Mark>()
    }

    /// Where byte `i` of the view starts in the original text: a character decoded from a
    /// reference starts where the reference starts, and markup read as nothing just before `i`
    /// is passed over.
    pub fn start(&self, i: usize) -> usize {
        let k = self.marks.partition_point(|m| m.view.1 as usize <= i);
        // Inside what one reference decoded to (`&fjlig;` is two letters): where it starts.
        if let Some(m) = self.marks.get(k).filter(|m| (m.view.0 as usize) < i) {
            return m.source.0 as usize;
        }
        match k.checked_sub(1).map(|k| self.marks[k]) {
            Some(m) => m.source.1 as usize + (i - m.view.1 as usize),
            None => i,
        }
    }

    /// Where a piece of the view that ends before byte `i` ends in the original text: like
    /// [`OffsetMap::start`], except that markup read as nothing right at `i` (`</b>` after the
    /// last word of a passage) is left out. For a piece that is not empty, `start(i) <= end(j)`
    /// when `i < j`.
    pub fn end(&self, i: usize) -> usize {
        let k = self.marks.partition_point(|m| m.view.1 as usize <= i);
        let empty_here = self.marks[..k]
            .iter()
            .rev()
            .take_while(|m| m.view == (i as u32, i as u32))
            .last();
        match empty_here {
            Some(m) => m.source.0 as usize,
            None => self.start(i),
        }
    }
}

/// The decoded view of `text` and the map back to it, or `None` when `text` holds no markup
/// (the view would be the text itself).
///
/// ```
/// let text = "<p>We&#8217;ll <b>talk</b>, &quot;maybe&quot;.</p>";
/// let (view, map) = reprint::markup::decode(text).unwrap();
/// assert_eq!(view, "\n\nWe’ll talk, \"maybe\".\n\n");
/// let talk = view.find("talk").unwrap();
/// assert_eq!(&text[map.start(talk)..map.end(talk + 4)], "talk");
/// let we = view.find("We").unwrap();
/// assert_eq!(&text[map.start(we)..map.end(we + "We’ll".len())], "We&#8217;ll");
/// assert!(reprint::markup::decode("AT&T and Q&A, x <y and z> w").is_none());
/// ```
pub fn decode(text: &str) -> Option<(String, OffsetMap)> {
    let bytes = text.as_bytes();
    let mut at = memchr::memchr2(b'&', b'<', bytes)?;
    let mut view = String::new();
    let mut map = OffsetMap::default();
    let mut copied = 0;
    let mut unclosed = Unclosed::default();
    loop {
        let found = match bytes[at] {
            b'&' => reference(&bytes[at..]),
            _ => {
                tag(&bytes[at..], at, &mut unclosed).map(|(len, layout)| (len, Value::Str(layout)))
            }
        };
        if let Some((len, value)) = found {
            if view.capacity() == 0 {
                view.reserve(text.len());
            }
            view.push_str(&text[copied..at]);
            let from = view.len() as u32;
            match value {
                Value::Char(c) => view.push(c),
                Value::Str(s) => view.push_str(s),
            }
            copied = at + len;
            map.marks.push(Mark {
                view: (from, view.len() as u32),
                source: (at as u32, copied as u32),
            });
            at = copied;
        } else {
            at += 1;
        }
        match memchr::memchr2(b'&', b'<', &bytes[at..]) {
            Some(k) => at += k,
            None => break,
        }
    }
    if map.marks.is_empty() {
        return None;
    }
    view.push_str(&text[copied..]);
    Some((view, map))
}

/// What to read of `text`, given [`decode`]'s result for it: the decoded view and the map back,
/// or `text` itself.
pub fn view<'a>(
    text: &'a str,
    decoded: &'a Option<(String, OffsetMap)>,
) -> (&'a str, Option<&'a OffsetMap>) {
    match decoded {
        Some((view, map)) => (view, Some(map)),
        None => (text, None),
    }
}

/// `text` with its markup decoded, borrowed when it has none.
pub fn decoded(text: &str) -> std::borrow::Cow<'_, str> {
    match decode(text) {
        Some((view, _)) => view.into(),
        None => text.into(),
    }
}

/// `text` decoded for a reader: [`decoded`], with the line breaks that tags lay out kept to one
/// blank line at most (consecutive block elements, and the source's own line breaks between
/// them, would otherwise stack up blank lines a browser never shows). Text without markup is
/// returned as it is. For display only: the detectors read [`decode`]'s view, whose offsets
/// map back to the text.
pub fn readable(text: &str) -> std::borrow::Cow<'_, str> {
    let Some((view, _)) = decode(text) else {
        return text.into();
    };
    let mut out = String::with_capacity(view.len());
    let mut rest = view.as_str();
    while let Some(at) = rest.find(char::is_whitespace) {
        out.push_str(&rest[..at]);
        let run = &rest[at..];
        let len = run.find(|c: char| !c.is_whitespace()).unwrap_or(run.len());
        let breaks = run[..len].matches('\n').count();
        out.push_str(match breaks {
            0 | 1 => &run[..len],
            _ => "\n\n",
        });
        rest = &run[len..];
    }
    out.push_str(rest);
    out.into()
}

/// The longest tag read as markup, in bytes.
const MAX_TAG: usize = 4096;

/// How far `<script>` and `<style>` elements are followed to their end tag.
const MAX_RAW_ELEMENT: usize = 1 << 16;

/// How far the other [`DROPPED`] elements are followed to their end tag: a page's `<head>` can
/// hold hundreds of kilobytes of inline scripts and data.
const MAX_DROPPED_ELEMENT: usize = 1 << 20;

/// Elements read as nothing, with everything in them: what a browser does not show (`head`,
/// `template`; `script`, `style` and, since scripts run, `noscript`) and a page's chrome around
/// its article (`nav`, `header`, `footer`, `aside`: menus, sign-up boxes, related links), as a
/// reader view leaves it out. Chrome repeats on every page of a site, and in a folder of a few
/// saved pages no document-frequency cap can tell it from reuse. `script` and `style` hold raw
/// text: without an end tag within [`MAX_RAW_ELEMENT`] their opener is taken for text. The
/// others hold markup, and without an end tag within [`MAX_DROPPED_ELEMENT`] (`</head>` may be
/// left out) only their tag is markup, laid out as usual. Sorted by name.
const DROPPED: &[&str] = &[
    "aside", "footer", "head", "header", "nav", "noscript", "script", "style", "template",
];

/// Where earlier searches for the end of a comment and of each [`DROPPED`] element found none:
/// an opener before that point is not searched again, so that a text of many unclosed openers
/// is read in linear time.
#[derive(Default)]
struct Unclosed {
    comment: usize,
    dropped: [usize; DROPPED.len()],
}

/// The tag (or comment) at the start of `s` (which starts with `<`, at byte `at` of the text):
/// its length, and the text it is laid out as.
fn tag(s: &[u8], at: usize, unclosed: &mut Unclosed) -> Option<(usize, &'static str)> {
    if s.starts_with(b"<!--") {
        if at < unclosed.comment {
            return None;
        }
        let hay = &s[4..s.len().min(4 + MAX_TAG)];
        return match memchr::memmem::find(hay, b"-->") {
            Some(k) => Some((4 + k + 3, "")),
            None => {
                unclosed.comment = at + 4 + hay.len();
                None
            }
        };
    }
    let closing = s.get(1) == Some(&b'/');
    let from = 1 + usize::from(closing);
    let name_len = s[from..]
        .iter()
        .take(MAX_ELEMENT_NAME + 1)
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    if name_len == 0 || name_len > MAX_ELEMENT_NAME || !s[from].is_ascii_alphabetic() {
        return None;
    }
    let mut name = [0u8; MAX_ELEMENT_NAME];
    for (d, b) in name.iter_mut().zip(&s[from..from + name_len]) {
        *d = b.to_ascii_lowercase();
    }
    let name = &name[..name_len];
    let k = ELEMENTS
        .binary_search_by(|(n, _)| n.as_bytes().cmp(name))
        .ok()?;
    let layout = ELEMENTS[k].1;
    // The tag ends at the first `>` outside a quoted attribute value, and holds no `<` (which
    // also keeps the scan linear: it never passes the next `<`).
    let mut i = from + name_len;
    match s.get(i) {
        Some(b'>' | b'/') => {}
        Some(b) if b.is_ascii_whitespace() => {}
        _ => return None,
    }
    let mut quote = None;
    let end = loop {
        let &b = s.get(i).filter(|_| i < MAX_TAG)?;
        match (quote, b) {
            (None, b'>') => break i + 1,
            (_, b'<') => return None,
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), b) if b == q => quote = None,
            _ => {}
        }
        i += 1;
    };
    let dropped = if closing {
        None
    } else {
        DROPPED.binary_search_by(|n| n.as_bytes().cmp(name)).ok()
    };
    let Some(d) = dropped else {
        return Some((end, layout));
    };
    let raw = name == b"script" || name == b"style";
    let unclosed_tag = if raw { None } else { Some((end, layout)) };
    if at < unclosed.dropped[d] {
        return unclosed_tag;
    }
    let reach = if raw {
        MAX_RAW_ELEMENT
    } else {
        MAX_DROPPED_ELEMENT
    };
    let rest = &s[end..s.len().min(end + reach)];
    match end_tag(rest, name) {
        Some(k) => Some((end + k, layout)),
        None => {
            unclosed.dropped[d] = at + end + rest.len();
            unclosed_tag
        }
    }
}

/// The end of the first end tag of element `name` (lower case) in `s`, in any case: `</name>`,
/// or `</name` then white space or `/` up to its `>`.
fn end_tag(s: &[u8], name: &[u8]) -> Option<usize> {
    for k in memchr::memmem::find_iter(s, b"</") {
        let after = &s[k + 2..];
        if after.len() > name.len()
            && after[..name.len()].eq_ignore_ascii_case(name)
            && matches!(
                after[name.len()],
                b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0c'
            )
        {
            let gt = memchr::memchr(b'>', &after[name.len()..])?;
            return Some(k + 2 + name.len() + gt + 1);
        }
    }
    None
}

/// The longest element name in [`ELEMENTS`] (`blockquote`, `figcaption`).
const MAX_ELEMENT_NAME: usize = 10;

/// A paragraph break, as the layout of a block element's tags.
const BLOCK: &str = "\n\n";

/// The elements of HTML (WHATWG HTML, §4, plus a few obsolete ones still met in archived
/// pages: `center`, `font`, `tt`, `big`, `strike`), sorted by name, with how their tags are laid
/// out: a block's as a paragraph break, `br`'s as a line break, the rest as nothing.
const ELEMENTS: &[(&str, &str)] = &[
    ("a", ""),
    ("abbr", ""),
    ("address", BLOCK),
    ("area", ""),
    ("article", BLOCK),
    ("aside", BLOCK),
    ("audio", ""),
    ("b", ""),
    ("bdi", ""),
    ("bdo", ""),
    ("big", ""),
    ("blockquote", BLOCK),
    ("body", BLOCK),
    ("br", "\n"),
    ("button", ""),
    ("caption", BLOCK),
    ("center", BLOCK),
    ("cite", ""),
    ("code", ""),
    ("col", ""),
    ("colgroup", ""),
    ("data", ""),
    ("dd", BLOCK),
    ("del", ""),
    ("details", BLOCK),
    ("dfn", ""),
    ("dialog", BLOCK),
    ("div", BLOCK),
    ("dl", BLOCK),
    ("dt", BLOCK),
    ("em", ""),
    ("embed", ""),
    ("figcaption", BLOCK),
    ("figure", BLOCK),
    ("font", ""),
    ("footer", BLOCK),
    ("form", BLOCK),
    ("h1", BLOCK),
    ("h2", BLOCK),
    ("h3", BLOCK),
    ("h4", BLOCK),
    ("h5", BLOCK),
    ("h6", BLOCK),
    ("head", BLOCK),
    ("header", BLOCK),
    ("hr", BLOCK),
    ("html", BLOCK),
    ("i", ""),
    ("iframe", ""),
    ("img", ""),
    ("input", ""),
    ("ins", ""),
    ("kbd", ""),
    ("label", ""),
    ("legend", BLOCK),
    ("li", BLOCK),
    ("link", ""),
    ("main", BLOCK),
    ("mark", ""),
    ("meta", ""),
    ("nav", BLOCK),
    ("noscript", ""),
    ("object", ""),
    ("ol", BLOCK),
    ("option", ""),
    ("p", BLOCK),
    ("picture", ""),
    ("pre", BLOCK),
    ("q", ""),
    ("s", ""),
    ("samp", ""),
    ("script", ""),
    ("section", BLOCK),
    ("select", ""),
    ("small", ""),
    ("source", ""),
    ("span", ""),
    ("strike", ""),
    ("strong", ""),
    ("style", ""),
    ("sub", ""),
    ("summary", BLOCK),
    ("sup", ""),
    ("table", BLOCK),
    ("tbody", BLOCK),
    ("td", BLOCK),
    ("template", ""),
    ("tfoot", BLOCK),
    ("th", BLOCK),
    ("thead", BLOCK),
    ("time", ""),
    ("title", BLOCK),
    ("tr", BLOCK),
    ("tt", ""),
    ("u", ""),
    ("ul", BLOCK),
    ("var", ""),
    ("video", ""),
    ("wbr", ""),
];

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
/// 0x80–0x9F are read as the Windows-1252 bytes they are in HTML (`&#146;` is `’`); the five
/// bytes Windows-1252 leaves undefined stay control characters, and so are not read.
fn numeric(n: u32) -> Option<char> {
    let c = match n {
        0x80..=0x9F => {
            let byte = [n as u8];
            let (c, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&byte);
            c.chars().next()?
        }
        _ => char::from_u32(n)?,
    };
    match c {
        '\t' | '\n' | '\r' | '\u{000C}' => Some(c),
        c if c.is_control() => None,
        c => Some(c),
    }
}

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
    fn what_is_not_markup_stays_text() {
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
            "<",
            "a < b and c > d",
            "<Reuters> and <3",
            "<blockquotes>",
            "x<p",
            "<p<p",
            "<p title=\"a>b",
            "<!-- never closed",
            "<script>never closed",
            "< p>",
            "<a title=\"x<y\">",
        ] {
            assert_eq!(decode(s), None, "{s}");
        }
        // Decoded once: an escaped reference reads as the reference, an escaped tag as the tag.
        assert_eq!(view("&amp;#8217;"), "&#8217;");
        assert_eq!(view("&lt;p&gt;"), "<p>");
        assert_eq!(view("&&amp;&"), "&&&");
        assert_eq!(view("&#000065;"), "A");
    }

    #[test]
    fn tags_are_laid_out_as_a_browser_would() {
        assert_eq!(view("<p>One.</p><P>Two</P>"), "\n\nOne.\n\n\n\nTwo\n\n");
        assert_eq!(view("line<br>next<br/>last<BR />"), "line\nnext\nlast\n");
        // Inline elements and comments split no word, whatever their attributes hold.
        assert_eq!(
            view("said <a href=\"https://x.test/?a=1&b=2\" title='a > b'>Put<b>in</b></a>."),
            "said Putin."
        );
        assert_eq!(
            view("Pu<!-- x -->tin <span\nclass=x>said</span>"),
            "Putin said"
        );
        assert_eq!(
            view("a<script type=\"text/javascript\">if (x < y) {}</SCRIPT >b<style>p{}</style>c"),
            "abc"
        );
    }

    #[test]
    fn readable_text_keeps_one_blank_line_between_blocks() {
        assert_eq!(
            readable("<div>\n  <p>One &amp; two.</p>\n<p>Three\nfour<br>five</p></div>"),
            "\n\nOne & two.\n\nThree\nfour\nfive\n\n"
        );
        assert_eq!(readable("a <em>b</em>  c"), "a b  c");
        // Text without markup is left as it is, blank lines and all.
        let plain = "One.\n\n\n\nTwo  three.";
        assert!(matches!(readable(plain), std::borrow::Cow::Borrowed(t) if t == plain));
    }

    #[test]
    fn what_a_reader_view_leaves_out_goes_with_its_contents() {
        let page = "<HTML><head><title>Site | Story</title><meta charset=utf-8>\
                    <script>if (a</b) {}</script></head><body><header><nav><a href=/>Home</a> \
                    <a href=/world>World</a></nav></header><article><p>Putin said it.</p>\
                    <aside>Read more: <a href=x>other story</a></aside><p>He left.</p>\
                    <noscript><img src=t.gif></noscript></article><footer>&copy; Site \
                    2018</FOOTER ></body></html>";
        assert_eq!(readable(page), "\n\nPutin said it.\n\nHe left.\n\n");
        // Without its end tag only the tag is markup (a page may leave out `</head>`).
        assert_eq!(
            view("<head><title>T</title><body><p>Text"),
            "\n\n\n\nT\n\n\n\n\n\nText"
        );
        assert_eq!(view("a<nav>b"), "a\n\nb");
        // An end tag needs its name whole: `</navigation>` does not close `<nav>`.
        assert_eq!(view("<nav>x</navigation>y</nav>z"), "\n\nz");
    }

    #[test]
    fn many_unclosed_openers_are_text() {
        // Each of these openers would search kilobytes ahead for its end; the text holds a
        // hundred thousand of them and no end, and comes back as it is.
        for unit in ["<a \"", "<!--", "<script>", "<style x='"] {
            let text = unit.repeat(100_000);
            assert!(decode(&text).is_none(), "{unit}");
        }
        // Openers of elements that hold markup are tags, each searched for its end once.
        let text = "<nav>x ".repeat(200_000);
        assert_eq!(view(&text), "\n\nx ".repeat(200_000));
        // Past the openers' reach, a comment that is closed is still read.
        let openers = "<!--".repeat(2000) + &"z".repeat(5000);
        let text = format!("{openers}<!-- c -->y");
        assert!(
            view(&text) == format!("{openers}y"),
            "the closed comment is read"
        );
    }

    #[test]
    fn offsets_map_back_to_the_markup() {
        let text = "x <b>&#8220;We&rsquo;ll</b>&#8221; y<br>z";
        let (v, map) = decode(text).unwrap();
        assert_eq!(v, "x “We’ll” y\nz");
        let cut = |from: &str, to: &str| {
            let (i, j) = (v.find(from).unwrap(), v.find(to).unwrap() + to.len());
            &text[map.start(i)..map.end(j)]
        };
        assert_eq!(cut("“", "”"), "&#8220;We&rsquo;ll</b>&#8221;");
        // An inline tag before the first word and after the last is left out.
        assert_eq!(cut("We", "ll"), "We&rsquo;ll");
        assert_eq!(cut("x", "x"), "x");
        assert_eq!(cut("y", "z"), "y<br>z");
        assert_eq!(map.start(v.len()), text.len());
        // Inside what one reference decoded to, offsets go to the reference's start.
        let (v, map) = decode("a&fjlig;b").unwrap();
        assert_eq!(v, "afjb");
        assert_eq!((map.start(1), map.start(2), map.start(3)), (1, 1, 8));
    }

    proptest! {
        /// Any text, markup-like or not: decoding never panics and maps back onto the text.
        #[test]
        fn any_text_decodes_and_maps_back(text in "(\\PC|[<>&;#/!-]|<p>|&amp;|<!--|-->){0,40}") {
            if let Some((v, map)) = decode(&text) {
                prop_assert_eq!(map.start(v.len()), text.len());
                if !v.is_empty() {
                    let whole = &text[map.start(0)..map.end(v.len())];
                    prop_assert_eq!(view(whole), v);
                }
            }
        }

        /// The pieces of the original that the view's characters map to tile it in order and
        /// decode, each on its own, to those characters; start and end cut the same text but
        /// for markup read as nothing at the edges.
        #[test]
        fn the_map_tiles_the_original(
            parts in proptest::collection::vec(
                prop_oneof![
                    "[a-z &;#<>/]{0,6}",
                    Just("&amp;".to_string()),
                    Just("&#8217;".to_string()),
                    Just("&#x1F600;".to_string()),
                    Just("&eacute;".to_string()),
                    Just("&fjlig;".to_string()),
                    Just("<p>".to_string()),
                    Just("<b>".to_string()),
                    Just("</a>".to_string()),
                    Just("<br/>".to_string()),
                    Just("<!-- c -->".to_string()),
                    Just("é".to_string()),
                ],
                0..12,
            )
        ) {
            let text: String = parts.concat();
            match decode(&text) {
                None => prop_assert!(!text.contains("&amp;") && !text.contains("<p>")),
                Some((v, map)) => {
                    let mut decoded_pieces = view(&text[..map.start(0)]);
                    let mut at = map.start(0);
                    for (i, c) in v.char_indices() {
                        let (s, e) = (map.start(i), map.start(i + c.len_utf8()));
                        prop_assert_eq!(s, at);
                        decoded_pieces += &view(&text[s..e]);
                        at = e;
                    }
                    prop_assert_eq!(at, text.len());
                    prop_assert_eq!(&decoded_pieces, &v);
                    if !v.is_empty() {
                        let whole = &text[map.start(0)..map.end(v.len())];
                        prop_assert_eq!(view(whole), v);
                    }
                }
            }
        }
    }
}
