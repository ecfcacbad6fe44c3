//! Large-archive behaviour: bounded memory with spilling, re-reading texts from every kind of
//! input, warnings and errors on standard error.

use std::io::Write;

use predicates::prelude::*;

use crate::util::{reprint, write};

/// A synthetic archive with planted near-duplicates and passages, and its path.
fn archive(dir: &std::path::Path, articles: usize) -> std::path::PathBuf {
    let path = dir.join("archive.jsonl");
    reprint()
        .args(["synth", "--articles", &articles.to_string(), "--seed", "7"])
        .arg("-o")
        .arg(&path)
        .assert()
        .success();
    path
}

/// Drops the fields of a JSON report that may differ between runs: timings and spilling.
fn without_run_fields(mut report: serde_json::Value) -> serde_json::Value {
    let stats = report["stats"].as_object_mut().unwrap();
    for k in ["elapsed_ms", "stage_ms", "spilled_bytes", "max_memory"] {
        stats.remove(k);
    }
    report
}

/// A scan's JSON report without the fields that may differ between runs (timings, spilling).
fn scan(args: &[&str], input: &std::path::Path) -> (serde_json::Value, String) {
    let out = reprint()
        .arg("scan")
        .arg(input)
        .args(args)
        .args(["--format", "json", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    (
        without_run_fields(v),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn a_tiny_memory_budget_spills_and_gives_the_same_report() {
    let dir = tempfile::tempdir().unwrap();
    let input = archive(dir.path(), 1500);
    let (roomy, _) = scan(&[], &input);
    let out = reprint()
        .arg("scan")
        .arg(&input)
        .args(["--max-memory", "64K", "--format", "json", "-o"])
        .arg(dir.path().join("tight.json"))
        .args(["--temp-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("spilled to temporary files"), "{stderr}");
    let tight: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("tight.json")).unwrap()).unwrap();
    assert!(tight["stats"]["spilled_bytes"].as_u64().unwrap() > 0);
    let tight = without_run_fields(tight);
    assert!(roomy["pairs"].as_array().unwrap().len() > 10);
    assert_eq!(roomy, tight);
    // The temporary files are gone.
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 2, "{left:?}");
}

#[test]
fn one_thread_or_two_give_the_same_report_on_an_archive() {
    let dir = tempfile::tempdir().unwrap();
    let input = archive(dir.path(), 1200);
    let (one, _) = scan(&["--threads", "1"], &input);
    let (two, _) = scan(&["--threads", "2"], &input);
    assert!(one["stats"]["passages"].as_u64().unwrap() > 0);
    assert_eq!(one, two);
}

#[test]
fn stdin_and_gzip_texts_are_spooled_and_give_the_same_report() {
    let dir = tempfile::tempdir().unwrap();
    let input = archive(dir.path(), 600);
    let (from_file, _) = scan(&[], &input);
    assert!(from_file["stats"]["passages"].as_u64().unwrap() > 0);

    let bytes = std::fs::read(&input).unwrap();
    let out = reprint()
        .args(["scan", "-", "--format", "json", "--quiet"])
        .write_stdin(bytes.clone())
        .output()
        .unwrap();
    let from_stdin: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let gz_path = dir.path().join("archive.jsonl.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&bytes).unwrap();
    std::fs::write(&gz_path, gz.finish().unwrap()).unwrap();
    let (from_gz, _) = scan(&[], &gz_path);
    assert_eq!(from_file["pairs"], from_stdin["pairs"]);
    assert_eq!(from_file["pairs"], from_gz["pairs"]);
    assert_eq!(from_file["coverage"], from_gz["coverage"]);
}

#[test]
fn warnings_reach_stderr_when_the_report_goes_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bin.txt", b"abc\0def");
    write(dir.path(), "latin1.txt", b"caf\xe9 au lait, and more words");
    reprint()
        .arg("scan")
        .arg(dir.path())
        .args(["--format", "json", "--quiet"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("1 invalid UTF-8").and(predicate::str::contains(
                "bin.txt: binary file (NUL byte), skipped",
            )),
        );
}

#[test]
fn an_error_names_its_cause_once() {
    let out = reprint()
        .args(["scan", "--quiet", "/no/such/archive.jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("/no/such/archive.jsonl"), "{stderr}");
    assert_eq!(stderr.matches("No such file").count(), 1, "{stderr}");
}

#[test]
fn memory_sizes_are_checked() {
    reprint()
        .args(["scan", "--max-memory", "lots", "x.jsonl"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "invalid value 'lots' for '--max-memory",
        ));
}

#[cfg(unix)]
#[test]
fn a_named_pipe_is_read_once_and_spooled() {
    let dir = tempfile::tempdir().unwrap();
    let input = archive(dir.path(), 300);
    let (from_file, _) = scan(&[], &input);
    let fifo = dir.path().join("pipe.jsonl");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let writer = {
        let (input, fifo) = (input.clone(), fifo.clone());
        std::thread::spawn(move || {
            let bytes = std::fs::read(input).unwrap();
            std::fs::OpenOptions::new()
                .write(true)
                .open(fifo)
                .unwrap()
                .write_all(&bytes)
                .unwrap();
        })
    };
    let (from_pipe, _) = scan(&[], &fifo);
    writer.join().unwrap();
    assert!(from_file["stats"]["passages"].as_u64().unwrap() > 0);
    assert_eq!(from_file["pairs"], from_pipe["pairs"]);
}

#[test]
fn both_sketches_find_the_same_near_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let input = archive(dir.path(), 1500);
    let pairs = |report: &serde_json::Value| -> std::collections::BTreeSet<(String, String)> {
        report["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                assert!(p["jaccard"].as_f64().unwrap() >= 0.5, "{p}");
                (p["a"].to_string(), p["b"].to_string())
            })
            .collect()
    };
    let (classic, _) = scan(&["--no-passages", "--sketch", "minhash"], &input);
    let (oph, _) = scan(&["--no-passages"], &input);
    assert_eq!(classic["stats"]["sketch"], "minhash");
    // One-permutation hashing is the default.
    assert_eq!(oph["stats"]["sketch"], "oph");
    let (a, b) = (pairs(&classic), pairs(&oph));
    assert!(
        a.len() > 50,
        "the archive plants near-duplicates: {}",
        a.len()
    );
    // Both verify candidates with exact Jaccard; they may differ only in what LSH proposed.
    let differ = a.symmetric_difference(&b).count();
    assert!(
        differ * 100 <= a.len(),
        "{differ} of {} pairs differ",
        a.len()
    );
    reprint()
        .args(["scan", "--no-passages"])
        .arg(&input)
        .assert()
        .stdout(predicate::str::contains("128 one-permutation hashing bins"));
    reprint()
        .args(["scan", "--no-passages", "--sketch", "minhash"])
        .arg(&input)
        .assert()
        .stdout(predicate::str::contains("128 MinHash permutations"));
    reprint()
        .args(["scan", "--sketch", "bbit"])
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("minhash or oph"));
}
