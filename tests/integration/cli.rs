//! The command line: formats, exit codes, atomic output, determinism, `diff`.

use predicates::prelude::*;

use crate::util::{fixtures, reprint, write};

#[test]
fn exit_status_is_like_grep() {
    let seeds = fixtures().join("seeds");
    reprint()
        .args(["scan", "--quiet"])
        .arg(&seeds)
        .assert()
        .code(0);
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.txt", b"one small article about the harbour");
    write(
        dir.path(),
        "b.txt",
        b"another unrelated text on mountain weather",
    );
    reprint()
        .args(["scan", "--quiet"])
        .arg(dir.path())
        .assert()
        .code(1);
    reprint()
        .args(["scan", "--quiet", "/no/such/path"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/no/such/path"));
}

#[test]
fn output_is_identical_for_any_thread_count() {
    let seeds = fixtures().join("seeds");
    let run = |threads: &str| {
        let out = reprint()
            .args(["scan", "--quiet", "--format", "jsonl", "--threads", threads])
            .arg(&seeds)
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        // Drop the timing, the only field allowed to differ.
        text.lines()
            .filter(|l| !l.starts_with("{\"type\":\"stats\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(run("1"), run("2"));
}

#[test]
fn jsonl_has_one_record_per_line() {
    let out = reprint()
        .args(["scan", "--quiet", "--format", "jsonl"])
        .arg(fixtures().join("seeds"))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let types: Vec<String> = text
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["type"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(types.iter().filter(|t| *t == "document").count(), 5);
    assert_eq!(types.last().unwrap(), "stats");
    assert!(types.iter().any(|t| t == "pair"));
}

#[test]
fn output_file_is_written_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    reprint()
        .args(["scan", "--quiet", "--format", "json", "-o"])
        .arg(&out)
        .arg(fixtures().join("seeds"))
        .assert()
        .code(0)
        .stdout("");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["stats"]["documents"], 5);
    // No temporary files left beside it.
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1);
}

#[test]
fn unwritable_output_is_an_error_and_leaves_nothing() {
    reprint()
        .args(["scan", "--quiet", "-o", "/no/such/dir/report.json"])
        .arg(fixtures().join("seeds"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/no/such/dir/report.json"));
}

#[test]
fn jsonl_from_stdin() {
    let input = concat!(
        r#"{"id":"x","text":"The harbour committee approved the long expansion plan after months of heated debate in the city council.","outlet":"Gazette","date":"2020-01-02"}"#,
        "\n",
        r#"{"id":"y","text":"The harbour committee approved the long expansion plan after months of heated debate in the city council.","outlet":"Herald"}"#,
        "\n"
    );
    let out = reprint()
        .args(["scan", "--quiet", "--format", "json", "-"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["pairs"][0]["jaccard"], 1.0);
    assert_eq!(v["pairs"][0]["near_duplicate"], true);
    assert_eq!(v["documents"][0]["outlet"], "Gazette");
    assert_eq!(v["documents"][0]["date"], "2020-01-02");
    assert_eq!(v["clusters"][0]["members"], serde_json::json!(["x", "y"]));
    assert_eq!(v["passage_clusters"][0]["source"], "x");
}

#[test]
fn csv_archive_scans_like_json_lines() {
    // A generated archive written as JSON Lines and as CSV (texts with commas, quotes and
    // paragraph breaks, so every field is quoted), plain and gzipped: the same report.
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("a.jsonl");
    reprint()
        .args(["synth", "--articles", "150", "-o"])
        .arg(&jsonl)
        .assert()
        .success();
    let mut w = csv::Writer::from_path(dir.path().join("a.csv")).unwrap();
    w.write_record(["id", "outlet", "date", "title", "text"])
        .unwrap();
    for line in std::fs::read_to_string(&jsonl).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let field = |k: &str| v[k].as_str().unwrap_or_default().to_owned();
        w.write_record([
            field("id"),
            field("outlet"),
            field("date"),
            field("title"),
            field("text"),
        ])
        .unwrap();
    }
    w.flush().unwrap();
    drop(w);
    let csv_bytes = std::fs::read(dir.path().join("a.csv")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &csv_bytes).unwrap();
    write(dir.path(), "a.csv.gz", &gz.finish().unwrap());
    let report = |name: &str| {
        let mut v = crate::util::scan_json(&[dir.path().join(name).to_str().unwrap()]);
        v.as_object_mut().unwrap().remove("stats");
        v
    };
    let want = report("a.jsonl");
    assert!(!want["pairs"].as_array().unwrap().is_empty());
    assert_eq!(report("a.csv"), want);
    assert_eq!(report("a.csv.gz"), want);
}

#[test]
fn no_passages_reports_near_duplicates_only() {
    let v = crate::util::scan_json(&["--no-passages", fixtures().join("seeds").to_str().unwrap()]);
    assert!(v["pairs"].as_array().unwrap().is_empty());
    assert_eq!(v["stats"]["passage_candidates"], 0);
}

#[test]
fn diff_two_files() {
    let dir = fixtures().join("seeds");
    let a = dir.join("000_4b77a17db4c38624.txt");
    let b = dir.join("001_88679cce598a3a05.txt");
    let out = reprint()
        .args(["diff", "--format", "json"])
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ps = v["passages"].as_array().unwrap();
    assert!(ps.len() >= 3);
    assert!(ps.iter().any(|p| p["kind"] == "verbatim"));
    assert!(ps.iter().any(|p| p["kind"] == "reworded"));

    // Terminal view: colour only when asked.
    let plain = reprint()
        .args(["diff", "--color", "never"])
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    let plain = String::from_utf8(plain.stdout).unwrap();
    assert!(!plain.contains('\u{1b}') && plain.contains("{+"));
    let coloured = reprint()
        .args(["diff", "--color", "always"])
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    assert!(String::from_utf8(coloured.stdout)
        .unwrap()
        .contains('\u{1b}'));
    let auto = reprint()
        .args(["diff", "--color", "always"])
        .env("NO_COLOR", "1")
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    // --color always wins over NO_COLOR; auto honours it (stdout is not a terminal here anyway).
    assert!(String::from_utf8(auto.stdout).unwrap().contains('\u{1b}'));

    // Nothing shared: exit 1.
    let c = dir.join("003_5b12e4d389ea33b2.txt");
    reprint()
        .args(["diff"])
        .arg(&a)
        .arg(&c)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(": 0 shared passages"));
}

#[test]
fn counts_agree_with_their_nouns() {
    let dir = tempfile::tempdir().unwrap();
    let quote = "nobody in this town will ever forget the night the old mill burned down";
    let a = dir.path().join("a.txt");
    let b = dir.path().join("b.txt");
    std::fs::write(&a, format!("The mayor spoke on Monday. {quote}, she said.")).unwrap();
    std::fs::write(&b, format!("A neighbour recalled that {quote} in 1998.")).unwrap();
    reprint()
        .args(["diff", "--color", "never"])
        .arg(&a)
        .arg(&b)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(": 1 shared passage\n"));
    reprint()
        .args(["scan", "--color", "never"])
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "bytes: 0 near-duplicate pairs, 0 clusters, 1 pair sharing 1 passage\n",
        ))
        .stdout(predicate::str::contains(
            ": 1 candidate, 1 passage candidate, ",
        ))
        .stdout(predicate::str::contains("(jaccard"))
        .stdout(predicate::str::contains(", 1 passage)"));
}

#[test]
fn bad_settings_are_errors() {
    let seeds = fixtures().join("seeds");
    for args in [
        vec!["--threshold", "0"],
        vec!["--threshold", "1.5"],
        vec!["--shingle", "line:3"],
        vec!["--num-perm", "0"],
        vec!["--bands", "20", "--rows", "7"],
        vec!["--threads", "0"],
    ] {
        reprint()
            .arg("scan")
            .args(&args)
            .arg(&seeds)
            .assert()
            .code(2);
    }
}

#[test]
fn the_table_shows_a_copied_article_by_its_ends_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let article: String = (0..120).map(|k| format!("word{k} ")).collect();
    write(dir.path(), "a.txt", article.as_bytes());
    write(dir.path(), "b.txt", article.as_bytes());
    let table = |extra: &[&str]| {
        let out = reprint()
            .args(["scan", "--color", "never", "--quiet"])
            .arg(dir.path())
            .args(extra)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let short = table(&[]);
    assert!(short.contains(" word15 [… 88 words …] word104 "), "{short}");
    let full = table(&["--full-text"]);
    assert!(!full.contains("[…") && full.contains(" word60 "), "{full}");
}
