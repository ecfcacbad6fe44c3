//! `reprint scan --format html`: hostile input stays inert text, and the page works in a real
//! browser (headless Chromium).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command as Proc, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;

const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "\"><img src=x onerror=alert(1)>";
const TEXTAREA: &str = "</textarea>";

/// How many pairs get a side-by-side view by default (`HtmlOptions::max_side_by_side`).
const SIDE_BY_SIDE: usize = 200;

fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/seeds")
}

/// Two articles sharing a long passage full of payloads, with payloads in id, outlet, title
/// and date too.
fn hostile_corpus(dir: &Path) -> PathBuf {
    let shared = format!(
        "The committee heard on Tuesday that {SCRIPT} was found in the archive, and a second \
         sample {IMG} turned up next to {TEXTAREA} in the same folder; officials said it's the \
         third such case this year and that they will publish a full account of the incident \
         next month after the review of every affected server is complete."
    );
    let docs = [
        serde_json::json!({
            "id": format!("a{SCRIPT}"),
            "text": format!("Morning edition. Weather was mild across the region. {shared} \
                             Sports results follow below."),
            "outlet": format!("{TEXTAREA}{SCRIPT}"),
            "title": format!("{IMG} it's news"),
            "date": "2018-03-01",
            "url": format!("javascript:alert(1)//{IMG}"),
        }),
        serde_json::json!({
            "id": format!("b{IMG}'"),
            "text": format!("Evening bulletin. Markets closed higher on strong earnings. \
                             {shared} Traffic was light tonight."),
            "outlet": format!("{IMG}"),
            "title": format!("{SCRIPT}"),
            "date": format!("{SCRIPT}"),
            "url": format!("https://example.org/{IMG}"),
        }),
    ];
    let path = dir.join("hostile.jsonl");
    let lines: Vec<String> = docs.iter().map(|d| d.to_string()).collect();
    fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

fn scan_html(input: &Path, out: &Path) -> String {
    Command::cargo_bin("reprint")
        .unwrap()
        .args(["scan", "--quiet", "--format", "html", "-o"])
        .arg(out)
        .arg(input)
        .assert()
        .success();
    fs::read_to_string(out).unwrap()
}

#[test]
fn hostile_input_is_escaped_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = hostile_corpus(dir.path());
    let html = scan_html(&corpus, &dir.path().join("out.html"));
    // The shared passage was found and shown on both sides.
    assert_eq!(html.matches("<mark class=\"passage ").count(), 2);
    for raw in ["<script>alert", "<img", "</textarea>", "it's"] {
        assert!(!html.contains(raw), "unescaped {raw:?} in the page");
    }
    for escaped in [
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
        "&lt;/textarea&gt;",
        "it&#39;s",
    ] {
        assert!(html.contains(escaped), "escaped {escaped:?} missing");
    }
    // The page's own script is the only one; the javascript: URL is not a link.
    assert_eq!(html.matches("<script").count(), 1);
    assert!(!html.contains("href=\"javascript"));
}

#[test]
fn html_cannot_read_standard_input_twice() {
    Command::cargo_bin("reprint")
        .unwrap()
        .args(["scan", "--format", "html", "-"])
        .write_stdin("{\"id\": 1, \"text\": \"x\"}\n")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("standard input"));
}

/// Headless Chromium, or `None` (with a notice) when it is not installed. Under CI it must be.
fn chromium() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .flat_map(|dir| ["chromium", "chromium-browser"].map(|n| dir.join(n)))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        if std::env::var_os("CI").is_some() {
            panic!(
                "chromium is not installed, and CI must run the real-browser tests: \
                 install it with `apt-get install chromium` (.ci/run does)"
            );
        }
        // Straight to stderr: the test harness captures `eprintln!` of passing tests.
        writeln!(
            std::io::stderr(),
            "note: chromium not found; skipping the real-browser test (apt-get install chromium)"
        )
        .ok();
    }
    found
}

/// What one headless Chromium run printed.
struct Run {
    stdout: String,
    stderr: String,
}

/// Runs headless Chromium on `page` with a fresh profile, no network services, and console
/// messages logged to stderr; kills it after two minutes.
fn run_chromium(bin: &Path, page: &Path, extra: &[String]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("profile");
    let (out, err) = (dir.path().join("stdout"), dir.path().join("stderr"));
    let mut child = Proc::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(fs::File::create(&out).unwrap())
        .stderr(fs::File::create(&err).unwrap())
        .spawn()
        .expect("starting chromium");
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().ok();
            child.wait().ok();
            panic!("chromium did not finish within two minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let run = Run {
        stdout: fs::read_to_string(&out).unwrap(),
        stderr: fs::read_to_string(&err).unwrap(),
    };
    assert!(
        status.success(),
        "chromium failed: {status}\n{}",
        run.stderr
    );
    run
}

/// This Chromium logs every console message, errors included, as an `INFO:CONSOLE` line with
/// no level of its own, so any console line fails: the page's script never logs, and an
/// uncaught exception or a Content-Security-Policy violation (a blocked load or script, or a
/// script hash that no longer matches) shows up here.
fn assert_quiet_console(run: &Run) {
    let noisy: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("Uncaught"))
        .collect();
    assert!(noisy.is_empty(), "console messages:\n{}", noisy.join("\n"));
}

#[test]
fn seeds_report_in_a_real_browser() {
    let Some(bin) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    let html = scan_html(&seeds(), &page);
    let json = Command::cargo_bin("reprint")
        .unwrap()
        .args(["scan", "--quiet", "--format", "json"])
        .arg(seeds())
        .output()
        .unwrap()
        .stdout;
    let report: reprint::Report = serde_json::from_slice(&json).unwrap();

    let run = run_chromium(&bin, &page, &["--dump-dom".to_owned()]);
    assert_quiet_console(&run);
    let dom = &run.stdout;
    // Every pair among the first SIDE_BY_SIDE in report order has a side-by-side view (the
    // seeds are files, so both texts are at hand), and it marks each of its passages once in
    // each column; no other part of the page uses `mark.passage`. So the marks the browser
    // parsed number exactly twice the passages of those pairs.
    let shown = &report.pairs[..report.pairs.len().min(SIDE_BY_SIDE)];
    let passages: usize = shown.iter().map(|p| p.passages.len()).sum();
    assert!(passages > 0, "the seeds share passages");
    assert_eq!(dom.matches("<mark class=\"passage ").count(), 2 * passages);
    // The two marks of each passage link to each other.
    for (k, p) in shown.iter().enumerate() {
        for j in 1..=p.passages.len() {
            for (me, other) in [("a", "b"), ("b", "a")] {
                let (k, j) = (k + 1, j);
                assert!(dom.contains(&format!("id=\"p{k}-{j}-{me}\"")));
                assert!(dom.contains(&format!("href=\"#p{k}-{j}-{other}\"")));
            }
        }
    }
    // The script ran (so its CSP hash matches): it adds the filter boxes.
    assert!(!html.contains("class=\"filter\""));
    assert!(dom.contains("class=\"filter\""));

    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-seeds.png");
    fs::remove_file(&shot).ok();
    let run = run_chromium(
        &bin,
        &page,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,2400".to_owned(),
            "--hide-scrollbars".to_owned(),
        ],
    );
    assert_quiet_console(&run);
    let png = fs::read(&shot).expect("the screenshot was written");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    // A blank 1280×2400 page compresses to a few kilobytes; the report is far richer.
    assert!(png.len() > 50_000, "screenshot only {} bytes", png.len());
    eprintln!("screenshot: {}", shot.display());
}

#[test]
fn seeds_report_reads_with_javascript_off() {
    let Some(bin) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    let html = scan_html(&seeds(), &page);
    // Everything a reader needs is in the page as served, which is what a browser with
    // JavaScript off shows: the sections, the clusters, the coverage bars and both texts of
    // every pair with their passages marked; nothing is hidden until a script reveals it.
    // (Headless Chromium here runs page scripts even under --blink-settings=scriptEnabled=false
    // or --disable-javascript for screenshots and --dump-dom, so the served page is checked.)
    for needle in [
        "<h2>Summary",
        "<h2>Coverage",
        "<h2>Passage clusters",
        "id=\"pc-1\"",
        "class=\"bar\"",
        "id=\"pair-1\"",
    ] {
        assert!(
            html.contains(needle),
            "{needle} missing from the static page"
        );
    }
    let hidden_tags: Vec<&str> = html
        .split('<')
        .filter_map(|t| t.split('>').next())
        .filter(|tag| {
            tag.split_whitespace()
                .skip(1)
                .any(|attr| attr == "hidden" || attr.starts_with("hidden="))
        })
        .collect();
    assert!(
        hidden_tags.is_empty(),
        "hidden until a script runs: {hidden_tags:?}"
    );
    assert!(!html.contains("<noscript"));
    // The script adds the filter boxes and sorting, and no content: the browser's DOM with
    // scripts on has exactly the marks of the static page.
    let marks = html.matches("<mark class=\"passage ").count();
    assert!(marks > 0);
    let on = run_chromium(&bin, &page, &["--dump-dom".to_owned()]);
    assert_quiet_console(&on);
    assert_eq!(on.stdout.matches("<mark class=\"passage ").count(), marks);
}

#[test]
fn hostile_report_in_a_real_browser() {
    let Some(bin) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let corpus = hostile_corpus(dir.path());
    let page = dir.path().join("out.html");
    scan_html(&corpus, &page);
    let run = run_chromium(&bin, &page, &["--dump-dom".to_owned()]);
    // Had a payload become markup, the parsed DOM would hold an <img> or a second <script>,
    // and the Content-Security-Policy would log the blocked handler or script.
    assert_quiet_console(&run);
    assert!(!run.stdout.contains("<img"));
    assert!(!run.stdout.contains("<textarea"));
    assert_eq!(run.stdout.matches("<script").count(), 1);
    assert_eq!(run.stdout.matches("<mark class=\"passage ").count(), 2);
}
