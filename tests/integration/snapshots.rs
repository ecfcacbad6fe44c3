//! Snapshots of the rendered output on the seed articles. Timings are zeroed: they are the only
//! fields that may differ between runs.

use reprint::report::{json, terminal};
use reprint::{NoProgress, Report, ScanBuilder};

use crate::util::fixtures;

fn seeds_report() -> Report {
    let scanner = ScanBuilder::new().build().unwrap();
    let mut r = scanner
        .scan_paths(&[fixtures().join("seeds")], &NoProgress)
        .unwrap();
    r.stats.elapsed_ms = 0;
    for s in &mut r.stats.stage_ms {
        s.ms = 0;
    }
    // Ids are relative paths: the same on every machine.
    r
}

#[test]
fn seeds_table() {
    let mut out = Vec::new();
    terminal::write_report(
        &seeds_report(),
        terminal::TerminalOptions::default(),
        &mut out,
    )
    .unwrap();
    insta::assert_snapshot!(String::from_utf8(out).unwrap());
}

#[test]
fn seeds_json() {
    let mut out = Vec::new();
    json::write_json(&seeds_report(), &mut out).unwrap();
    insta::assert_snapshot!(String::from_utf8(out).unwrap());
}

#[test]
fn seeds_json_round_trips_strictly() {
    // Every field the JSON carries is a field of the report types, and back.
    let r = seeds_report();
    let mut out = Vec::new();
    json::write_json(&r, &mut out).unwrap();
    let back: Report = serde_json::from_slice(&out).unwrap();
    assert_eq!(back, r);
}
