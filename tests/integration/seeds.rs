//! Acceptance on the five seed articles: the quotes they share, and nothing more.

use serde_json::Value;

use crate::util::{fixtures, scan_json};

fn seeds() -> Value {
    scan_json(&[fixtures().join("seeds").to_str().unwrap()])
}

/// Collapses white space and unifies the non-breaking space, for comparing texts.
fn squash(s: &str) -> String {
    s.replace('\u{a0}', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The passages of the pair whose ids start with `a` and `b`.
fn passages(r: &Value, a: &str, b: &str) -> Vec<Value> {
    r["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| {
            p["a"].as_str().unwrap().starts_with(a) && p["b"].as_str().unwrap().starts_with(b)
        })
        .flat_map(|p| p["passages"].as_array().unwrap().clone())
        .collect()
}

/// The passage of `a`↔`b` whose `a` text holds `a_part` and whose `b` text holds `b_part`.
fn find(r: &Value, a: &str, b: &str, a_part: &str, b_part: &str) -> Value {
    let ps = passages(r, a, b);
    ps.iter()
        .find(|p| {
            squash(p["a_text"].as_str().unwrap()).contains(&squash(a_part))
                && squash(p["b_text"].as_str().unwrap()).contains(&squash(b_part))
        })
        .unwrap_or_else(|| panic!("no passage {a_part:?} ↔ {b_part:?} in {a}↔{b}: {ps:#?}"))
        .clone()
}

#[test]
fn article_level_finds_nothing() {
    let r = seeds();
    assert_eq!(r["stats"]["near_duplicate_pairs"], 0);
    assert!(r["clusters"].as_array().unwrap().is_empty());
    for p in r["pairs"].as_array().unwrap() {
        assert!(p["jaccard"].as_f64().unwrap() < 0.05, "{p}");
    }
}

#[test]
fn verbatim_quote_000_001() {
    let r = seeds();
    let q = "I know that they do not represent the Russian state, the Russian authorities. What they did specifically, I have no idea,";
    let p = find(&r, "000", "001", q, q);
    assert_eq!(p["kind"], "verbatim");
    assert_eq!(p["quote"], true);
}

#[test]
fn reworded_prepared_000_001() {
    let r = seeds();
    let p = find(
        &r,
        "000",
        "001",
        "let them provide some materials, specifics and data. We'll be prepared to look at them and talk about it",
        "Let them provide some materials, specifics and data [on this case]. We will be prepared to look at them and talk about it",
    );
    assert_eq!(p["kind"], "reworded");
    assert!(p["inserted"].as_u64().unwrap() >= 3, "{p}");
}

#[test]
fn reworded_extradite_000_001() {
    let r = seeds();
    let p = find(
        &r,
        "000",
        "001",
        "Never. Russian never extradites its citizens to anyone, just like the United States",
        "Russia does not extradite its citizens to anyone, just like the United States",
    );
    assert_eq!(p["kind"], "reworded");
    assert!(p["substituted"].as_u64().unwrap() >= 1, "{p}");
}

#[test]
fn prepared_quote_reaches_002() {
    let r = seeds();
    let q = "be prepared to look at them and talk about it";
    find(&r, "000", "002", q, q);
    find(&r, "001", "002", q, q);
}

#[test]
fn nothing_from_003_or_004() {
    let r = seeds();
    for p in r["pairs"].as_array().unwrap() {
        for side in ["a", "b"] {
            let id = p[side].as_str().unwrap();
            assert!(
                !id.starts_with("003") && !id.starts_with("004"),
                "unexpected pair {p}"
            );
        }
    }
}

#[test]
fn offsets_point_at_the_raw_bytes() {
    let r = seeds();
    let dir = fixtures().join("seeds");
    for pair in r["pairs"].as_array().unwrap() {
        let a = std::fs::read_to_string(dir.join(pair["a"].as_str().unwrap())).unwrap();
        let b = std::fs::read_to_string(dir.join(pair["b"].as_str().unwrap())).unwrap();
        for p in pair["passages"].as_array().unwrap() {
            let s = |k: &str| p[k].as_u64().unwrap() as usize;
            assert_eq!(&a[s("a_start")..s("a_end")], p["a_text"].as_str().unwrap());
            assert_eq!(&b[s("b_start")..s("b_end")], p["b_text"].as_str().unwrap());
            let words = |t: &str| t.split_whitespace().count();
            assert!(words(p["a_text"].as_str().unwrap()) >= 8);
        }
    }
}

#[test]
fn speakers_are_attributed() {
    let r = seeds();
    let q = "Never. Russian never extradites";
    let p = find(&r, "000", "001", q, "extradite");
    assert_eq!(p["speaker"], "Putin");
}
