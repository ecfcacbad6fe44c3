//! Bad input never panics: it is an error naming the place, or a counted warning.

use predicates::prelude::*;

use crate::util::{reprint, scan_json, write};

#[test]
fn malformed_json_line_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "c.jsonl",
        b"{\"id\":\"a\",\"text\":\"fine text here\"}\n{\"id\":\"b\",\"text\": broken\n",
    );
    reprint()
        .args(["scan", "--quiet"])
        .arg(&p)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("c.jsonl:2").and(predicate::str::contains(
                "--skip-bad-lines counts malformed lines as warnings and goes on",
            )),
        );
    let v = scan_json(&["--skip-bad-lines", p.to_str().unwrap()]);
    assert_eq!(v["stats"]["warnings"]["bad_lines"], 1);
    assert_eq!(v["stats"]["documents"], 1);
}

#[test]
fn missing_fields_are_malformed() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "c.jsonl", b"{\"id\":\"a\"}\n");
    reprint()
        .args(["scan", "--quiet"])
        .arg(&p)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("c.jsonl:1")
                .and(predicate::str::contains("text"))
                // Every line would be skipped: the hint is about field names, not skipping.
                .and(predicate::str::contains("--skip-bad-lines").not()),
        );
}

#[test]
fn other_field_names_are_chosen_with_flags() {
    // Another tool's archive: `doc_id` and `content`. Two articles share a passage, so the
    // scan reads their texts again, by the same field.
    let dir = tempfile::tempdir().unwrap();
    let quote = "we will be prepared to look at them and talk about it with everyone";
    let lines = format!(
        "{{\"doc_id\":\"a\",\"content\":\"The minister said: {quote}. Markets fell on the news.\"}}\n\
         {{\"doc_id\":\"b\",\"content\":\"Weather was cold. Officials added that {quote}, later.\"}}\n"
    );
    let p = write(dir.path(), "other.jsonl", lines.as_bytes());
    reprint()
        .args(["scan", "--quiet"])
        .arg(&p)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("other.jsonl:1").and(predicate::str::contains(
                "the line's fields: `content`, `doc_id`; --id-field and --text-field",
            )),
        );
    let v = scan_json(&[
        "--id-field",
        "doc_id",
        "--text-field",
        "content",
        p.to_str().unwrap(),
    ]);
    assert_eq!(v["documents"].as_array().unwrap().len(), 2);
    let passage = &v["pairs"][0]["passages"][0];
    assert!(
        passage["a_text"].as_str().unwrap().contains(quote),
        "{passage}"
    );
}

#[test]
fn duplicate_ids_name_both_sources() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "d.jsonl",
        b"{\"id\":\"a\",\"text\":\"one\"}\n{\"id\":\"b\",\"text\":\"two\"}\n{\"id\":\"a\",\"text\":\"three\"}\n",
    );
    reprint()
        .args(["scan", "--quiet"])
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("d.jsonl:1").and(predicate::str::contains("d.jsonl:3")));
}

#[test]
fn binary_empty_and_invalid_utf8_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bin.txt", b"\x7fELF\0\0\x01binary");
    write(dir.path(), "empty.md", b"");
    write(dir.path(), "blank.txt", b" \n\t ... \n");
    write(
        dir.path(),
        "latin1.txt",
        b"Caf\xe9 cr\xe8me and some more words",
    );
    write(dir.path(), "ok.txt", b"A normal article with normal words.");
    let v = scan_json(&[dir.path().to_str().unwrap()]);
    let w = &v["stats"]["warnings"];
    assert_eq!(w["binary"], 1);
    assert_eq!(w["empty"], 2);
    assert_eq!(w["invalid_utf8"], 1);
    assert_eq!(v["stats"]["documents"], 2);
}

#[test]
fn binary_without_nul_bytes_is_not_text() {
    let dir = tempfile::tempdir().unwrap();
    // High bytes that are not UTF-8, and control characters, but no NUL.
    let noise: Vec<u8> = (0..600u32).map(|i| (i * 131 % 255 + 1) as u8).collect();
    assert!(!noise.contains(&0));
    let bin = write(dir.path(), "image.txt", &noise);
    let ok = write(dir.path(), "ok.txt", b"A normal article with normal words.");
    let v = scan_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(v["stats"]["warnings"]["binary"], 1);
    assert_eq!(v["stats"]["documents"], 1);
    reprint()
        .arg("diff")
        .arg(&ok)
        .arg(&bin)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("image.txt: binary file"));
}

#[test]
fn invalid_utf8_in_json_lines_is_decoded_lossily() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "u.jsonl",
        b"{\"id\":\"a\",\"text\":\"caf\xe9 words here\"}\n",
    );
    let v = scan_json(&[p.to_str().unwrap()]);
    assert_eq!(v["stats"]["warnings"]["invalid_utf8"], 1);
    assert_eq!(v["stats"]["documents"], 1);
}

#[test]
fn unreadable_path_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("missing.jsonl");
    reprint()
        .args(["scan", "--quiet"])
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.jsonl"));
}

#[test]
fn huge_and_odd_documents_do_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    // One long document, one of a single very long word, one of only punctuation and emoji,
    // one mixing scripts, one made of control characters.
    let mut long = String::new();
    for i in 0..200_000 {
        long.push_str(&format!("w{} ", i % 5000));
    }
    write(dir.path(), "long.txt", long.as_bytes());
    write(dir.path(), "word.txt", "x".repeat(1 << 20).as_bytes());
    write(dir.path(), "emoji.txt", "🙂🙂 !!! ??? — … «»".as_bytes());
    write(
        dir.path(),
        "mixed.txt",
        "Путин 北京大学 Ελλάδα العربية हिन्दी".as_bytes(),
    );
    write(dir.path(), "ctrl.txt", b"\x01\x02\x03 abc \x1b[31m def");
    let v = scan_json(&[dir.path().to_str().unwrap()]);
    assert!(v["stats"]["documents"].as_u64().unwrap() >= 4);
}

#[test]
fn gzipped_json_lines() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let text = "The river flooded the lower town again this spring and residents asked for help.";
    writeln!(gz, "{{\"id\":\"a\",\"text\":\"{text}\"}}").unwrap();
    writeln!(gz, "{{\"id\":\"b\",\"text\":\"{text}\"}}").unwrap();
    let p = write(dir.path(), "c.jsonl.gz", &gz.finish().unwrap());
    let v = scan_json(&[p.to_str().unwrap()]);
    assert_eq!(v["stats"]["near_duplicate_pairs"], 1);
}

#[test]
fn files_a_directory_scan_passes_over_are_counted_and_named() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.txt", b"A normal article with normal words.");
    write(
        dir.path(),
        "more/archive.jsonl",
        b"{\"id\": \"x\", \"text\": \"y\"}\n",
    );
    write(dir.path(), ".DS_Store", b"\0\0");
    let v = scan_json(&[dir.path().to_str().unwrap()]);
    let w = &v["stats"]["warnings"];
    assert_eq!(w["other_files"], 1);
    let messages = w["messages"].to_string();
    assert!(
        messages.contains("archive.jsonl: not a .txt, .md or .html file"),
        "{messages}"
    );
    assert_eq!(v["stats"]["documents"], 1);
}

#[test]
fn a_directory_without_text_files_says_what_it_holds() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "articles/one",
        b"An article saved without an extension.",
    );
    write(dir.path(), "articles/two.pdf", b"%PDF-1.4 another one");
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    for (sub, holds) in [("articles", "such as one"), ("empty", "(no files)")] {
        reprint()
            .args(["scan", "--quiet"])
            .arg(dir.path().join(sub))
            .assert()
            .code(2)
            .stderr(
                predicate::str::contains(format!("{sub}: no .txt, .md or .html files"))
                    .and(predicate::str::contains(holds)),
            );
    }
}

#[test]
fn a_byte_order_mark_before_the_first_json_line_is_not_an_error() {
    // PowerShell's `Out-File -Encoding utf8` starts a file with one.
    let text = "The minister said on Tuesday that the government would never extradite its \
                citizens to anyone under any circumstances.";
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    for id in ["a", "b"] {
        bytes.extend(
            serde_json::json!({ "id": id, "text": text })
                .to_string()
                .bytes(),
        );
        bytes.push(b'\n');
    }
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "windows.jsonl", &bytes);
    let v = scan_json(&[path.to_str().unwrap()]);
    assert_eq!(v["stats"]["documents"], 2);
    // The first line is read again for its passage, offsets into its text.
    let p = &v["pairs"][0]["passages"][0];
    assert_eq!(
        (p["a_start"].as_u64(), p["a_text"].as_str()),
        (Some(0), Some(&text[..text.len() - 1]))
    );
}

#[test]
fn ndjson_is_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let line = |id: &str| {
        format!("{{\"id\":\"{id}\",\"text\":\"The harbour authority will not extend the deadline for the container terminal this year, officials said.\"}}\n")
    };
    let p = write(dir.path(), "c.ndjson", (line("a") + &line("b")).as_bytes());
    let v = scan_json(&[p.to_str().unwrap()]);
    assert_eq!(v["stats"]["documents"], 2);
    assert_eq!(v["pairs"][0]["a"], "a");
}
