//! Text scraped with its HTML left in (character references, tags): found as the same words,
//! reported at offsets into the text as given.

use crate::util::{reprint, scan_json, write};

/// The byte range `start..end` of `text`, from a passage's JSON fields.
fn cut<'t>(text: &'t str, p: &serde_json::Value, side: &str) -> &'t str {
    let at = |k: &str| p[format!("{side}_{k}")].as_u64().unwrap() as usize;
    &text[at("start")..at("end")]
}

#[test]
fn a_quote_with_references_is_the_same_quote_at_offsets_into_the_raw_text() {
    let encoded = "Officials met on Monday in Geneva. Putin said: &#8220;We&#8217;ll be prepared \
                   to look at them and talk about it, but we&rsquo;ve seen nothing so far &amp; \
                   expect nothing.&#8221; The talks then ended without a statement.";
    let plain = "Markets were quiet across Asia. Putin said: \u{201C}We\u{2019}ll be prepared to \
                 look at them and talk about it, but we\u{2019}ve seen nothing so far & expect \
                 nothing.\u{201D} Analysts expect more of the same next week.";
    let dir = tempfile::tempdir().unwrap();
    let lines: String = [("a", encoded), ("b", plain)]
        .iter()
        .map(|(id, text)| serde_json::json!({ "id": id, "text": text }).to_string() + "\n")
        .collect();
    let path = write(dir.path(), "archive.jsonl", lines.as_bytes());
    let v = scan_json(&[path.to_str().unwrap()]);
    let pair = &v["pairs"][0];
    assert_eq!(
        (pair["a"].as_str(), pair["b"].as_str()),
        (Some("a"), Some("b"))
    );
    let ps = pair["passages"].as_array().unwrap();
    assert_eq!(ps.len(), 1, "{ps:#?}");
    let p = &ps[0];
    // Verbatim: `&#8217;` is the apostrophe, `&amp;` the ampersand.
    assert_eq!(p["kind"], "verbatim");
    assert_eq!(
        (p["inserted"].as_u64(), p["deleted"].as_u64()),
        (Some(0), Some(0))
    );
    // `&#8220;` opens the quotation.
    assert_eq!(p["quote"], true);
    assert_eq!(p["speaker"], "Putin");
    // Offsets and texts are those of the text as given, references included.
    assert_eq!(p["a_text"], cut(encoded, p, "a"));
    assert_eq!(p["b_text"], cut(plain, p, "b"));
    assert!(p["a_text"]
        .as_str()
        .unwrap()
        .contains("We&#8217;ll be prepared"));
    assert!(p["a_text"].as_str().unwrap().ends_with("expect nothing"));
    // The diff still tiles both texts.
    for side in ["a", "b"] {
        let joined: String = p["diff"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d[side].as_str().unwrap())
            .collect();
        assert_eq!(joined, p[format!("{side}_text")].as_str().unwrap());
    }
}

#[test]
fn a_copy_that_encodes_its_punctuation_is_a_near_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let seed = crate::util::fixtures().join("seeds");
    let first = std::fs::read_dir(&seed)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .min()
        .unwrap();
    let plain = std::fs::read_to_string(first).unwrap();
    let encoded = plain
        .replace('&', "&amp;")
        .replace('\u{2019}', "&rsquo;")
        .replace('\'', "&#39;")
        .replace('"', "&quot;")
        .replace('\u{201C}', "&#x201C;")
        .replace('\u{201D}', "&#x201D;");
    assert_ne!(encoded, plain, "the seed has punctuation to encode");
    write(dir.path(), "plain.txt", plain.as_bytes());
    write(dir.path(), "encoded.txt", encoded.as_bytes());
    let v = scan_json(&[dir.path().to_str().unwrap()]);
    let pair = &v["pairs"][0];
    assert_eq!(pair["near_duplicate"], true);
    assert_eq!(pair["jaccard"], 1.0);
    let p = &pair["passages"][0];
    assert_eq!(p["kind"], "verbatim");
    // `encoded.txt` sorts first, so it is the `a` side.
    assert_eq!(pair["a"], "encoded.txt");
    assert_eq!(p["a_text"], cut(&encoded, p, "a"));
    assert_eq!(p["b_text"], cut(&plain, p, "b"));
    assert_ne!(p["a_text"], p["b_text"]);
}

#[test]
fn an_html_article_shares_its_quote_with_a_plain_one() {
    // A link and an emphasis inside the quotation, paragraphs as tags: without reading the
    // markup, the link's words split the quote and `<em>` is a word.
    let html = "<p>Officials met on Monday in Geneva.</p>\n<p>Putin told <a \
                href=\"https://www.example.com/news\">NBC News</a>: &ldquo;We&rsquo;ll be \
                prepared to look at them and talk about it, but <em>we have seen nothing</em> \
                so far.&rdquo;</p><p>The talks then ended.</p>";
    let plain = "Markets were quiet.\n\nPutin told NBC News: \u{201C}We\u{2019}ll be prepared \
                 to look at them and talk about it, but we have seen nothing so far.\u{201D}\n\n\
                 Other news followed.";
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "html.txt", html.as_bytes());
    write(dir.path(), "plain.txt", plain.as_bytes());
    let v = scan_json(&[dir.path().to_str().unwrap()]);
    let ps = v["pairs"][0]["passages"].as_array().unwrap();
    assert_eq!(ps.len(), 1, "{ps:#?}");
    let p = &ps[0];
    assert_eq!(
        (p["kind"].as_str(), p["quote"].as_bool()),
        (Some("verbatim"), Some(true))
    );
    assert_eq!(p["speaker"], "Putin");
    assert_eq!(p["a_text"], cut(html, p, "a"));
    assert_eq!(p["b_text"], cut(plain, p, "b"));
    let a_text = p["a_text"].as_str().unwrap();
    assert!(a_text.starts_with("Putin told <a href="), "{a_text}");
    assert!(a_text.ends_with("</em> so far"), "{a_text}");
}

#[test]
fn the_terminal_and_html_views_show_marked_up_text_as_read() {
    // A page's quote, reworded in a plain copy: the views show `’` and no `<em>`, while JSON
    // keeps the text as given (the tests above).
    let html = "<p>Officials met.</p>\n<p>Putin said: &ldquo;We&rsquo;ll be prepared to look at \
                <em>them</em> and talk about it, but we have seen nothing so far.&rdquo;</p>";
    let plain = "Markets were quiet. Putin said: \u{201C}We will be prepared to look at them and \
                 talk about it, but we have seen nothing so far.\u{201D} Other news.";
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.txt", html.as_bytes());
    let b = write(dir.path(), "b.txt", plain.as_bytes());
    let out = reprint()
        .args(["diff", "--color", "never"])
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{table}");
    assert!(
        table.contains("Putin said: [-\u{201C}We\u{2019}ll-] be prepared to look at them and"),
        "{table}"
    );
    assert!(
        !table.contains("&rsquo;") && !table.contains("<em>"),
        "{table}"
    );

    let page = dir.path().join("report.html");
    let out = reprint()
        .args(["scan", "--format", "html", "--quiet", "-o"])
        .arg(&page)
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let page = std::fs::read_to_string(&page).unwrap();
    assert!(
        page.contains("<del class=\"replace\">\u{201C}We\u{2019}ll</del>"),
        "{page}"
    );
    assert!(page.contains("look at them and talk"), "{page}");
    assert!(
        !page.contains("&amp;rsquo;") && !page.contains("&lt;em&gt;"),
        "{page}"
    );
    // Blocks keep one blank line between them, not one per tag.
    assert!(page.contains("Officials met.\n\n<mark"), "{page}");
}

#[test]
fn a_folder_of_saved_pages_shares_quotes_not_site_chrome() {
    // Two pages of one site: the same menu, sign-up box and footer around different stories.
    // A page of another site quotes the first story.
    let page = |title: &str, body: &str| {
        format!(
            "<!DOCTYPE html><html><head><title>{title} | The Daily Example</title>\
             <script>window.dataLayer = [];</script></head><body><header><nav><a href=/>Home</a> \
             <a href=/world>World news</a> <a href=/politics>Politics and elections</a> \
             <a href=/business>Business and markets</a> <a href=/sport>Sport</a></nav></header>\
             <main><article><h1>{title}</h1>{body}</article></main><aside><h2>Newsletter</h2>\
             <p>Sign up for our free morning briefing and get the day's top stories delivered \
             to your inbox every weekday morning.</p></aside><footer><p>&copy; 2018 The Daily \
             Example. All rights reserved. Terms of use, privacy policy and cookie settings for \
             readers in every country.</p></footer></body></html>"
        )
    };
    let story = page(
        "Talks in Geneva",
        "<p>Officials met on Monday.</p><p>Putin said: &ldquo;We&rsquo;ll be prepared to look \
         at them and talk about it, but we have seen nothing so far.&rdquo;</p>",
    );
    let other = page(
        "Harvest season",
        "<p>Farmers in the north expect a record crop of wheat this year after a wet spring \
         and a mild summer.</p>",
    );
    let quoting = "<html><body><p>Markets were quiet on Tuesday.</p><p>The Kremlin leader told \
                   reporters: \u{201C}We\u{2019}ll be prepared to look at them and talk about \
                   it, but we have seen nothing so far.\u{201D}</p></body></html>";
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "example/geneva.html", story.as_bytes());
    write(dir.path(), "example/harvest.htm", other.as_bytes());
    write(dir.path(), "wire/kremlin.html", quoting.as_bytes());
    let v = scan_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(v["stats"]["documents"], 3);
    let pairs = v["pairs"].as_array().unwrap();
    // Only the quote: the two pages of one site share their menu, sign-up box and footer
    // (over 60 words), none of it article text.
    assert_eq!(pairs.len(), 1, "{pairs:#?}");
    let pair = &pairs[0];
    assert_eq!(
        (pair["a"].as_str(), pair["b"].as_str()),
        (Some("example/geneva.html"), Some("wire/kremlin.html"))
    );
    let ps = pair["passages"].as_array().unwrap();
    assert_eq!(ps.len(), 1, "{ps:#?}");
    assert_eq!(ps[0]["kind"], "verbatim");
    assert_eq!(ps[0]["a_text"], cut(&story, &ps[0], "a"));
    assert!(ps[0]["a_text"]
        .as_str()
        .unwrap()
        .starts_with("We&rsquo;ll be prepared"));
}
