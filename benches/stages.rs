//! Per-stage throughput: tokenise + shingle, MinHash, LSH, the passage index, passage alignment.
//!
//! Inputs are built outside the timed loops from the deterministic synthetic archive
//! (`reprint::synth`), so every run measures the same bytes. See `benches/README.md`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use reprint::align::{AlignDoc, Aligner};
use reprint::lsh::{self, LshParams};
use reprint::minhash::{MinHasher, Scheme, DEFAULT_SEED};
use reprint::shingle::{Shingler, Shingling};

fn corpus(n: usize) -> Vec<String> {
    let mut b = reprint::synth::ArchiveBuilder::new();
    b.articles(n).seed(7);
    b.build().map(|(a, _)| a.text).collect()
}

fn bytes(texts: &[String]) -> u64 {
    texts.iter().map(|t| t.len() as u64).sum()
}

fn tokenize_shingle(c: &mut Criterion) {
    let texts = corpus(500);
    let mut g = c.benchmark_group("tokenize+shingle");
    g.throughput(Throughput::Bytes(bytes(&texts)));
    for scheme in [Shingling::Words(5), Shingling::Chars(9)] {
        g.bench_function(scheme.to_string(), |b| {
            let mut sh = Shingler::new(scheme);
            let mut out = Vec::new();
            b.iter(|| {
                let mut n = 0;
                for t in &texts {
                    sh.shingle_into(t, &mut out);
                    n += out.len();
                }
                n
            })
        });
    }
    g.finish();
}

/// The corpus with its letters mapped one to one onto another alphabet: the same words in
/// Cyrillic (with `ё`), accented Latin, Greek or Arabic, for the tokeniser's non-ASCII paths.
fn transliterated(texts: &[String], alphabet: &str) -> Vec<String> {
    let letters: Vec<char> = alphabet.chars().collect();
    assert_eq!(letters.len(), 26);
    let map = |c: char| match c {
        'a'..='z' => letters[(c as u8 - b'a') as usize],
        'A'..='Z' => letters[(c as u8 - b'A') as usize]
            .to_uppercase()
            .next()
            .unwrap_or(c),
        _ => c,
    };
    texts.iter().map(|t| t.chars().map(map).collect()).collect()
}

fn tokenize(c: &mut Criterion) {
    let english = corpus(500);
    let cyrillic = transliterated(&english, "абцдёфгхийклмнопярстувшхыз");
    let accented = transliterated(&english, "àbçdéfghíjklmñöpqrstüvwxýz");
    let greek = transliterated(&english, "αβγδέζηθίκλμνξοπρστυφχψωάή");
    let arabic = transliterated(&english, "ابتثجحخدذرزسشصضطظعغفقكلمنه");
    let mut g = c.benchmark_group("tokenize");
    for (name, texts) in [
        ("words", &english),
        ("words-cyrillic", &cyrillic),
        ("words-accented", &accented),
        ("words-greek", &greek),
        ("words-arabic", &arabic),
    ] {
        g.throughput(Throughput::Bytes(bytes(texts)));
        g.bench_function(name, |b| {
            let mut tokens = Vec::new();
            b.iter(|| {
                let mut n = 0;
                for t in texts {
                    reprint::tokenize::tokenize(t, &mut tokens);
                    n += tokens.len();
                }
                n
            })
        });
    }
    g.finish();
}

fn prepare(c: &mut Criterion) {
    let texts = corpus(500);
    let mut g = c.benchmark_group("prepare");
    g.throughput(Throughput::Bytes(bytes(&texts)));
    g.bench_function("AlignDoc::new", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| AlignDoc::new(t).words())
                .sum::<usize>()
        })
    });
    g.finish();
}

fn minhash(c: &mut Criterion) {
    let texts = corpus(500);
    let mut sh = Shingler::new(Shingling::Words(5));
    let sets: Vec<Vec<u64>> = texts.iter().map(|t| sh.shingle(t)).collect();
    let mut g = c.benchmark_group("minhash");
    g.throughput(Throughput::Bytes(bytes(&texts)));
    for (name, scheme) in [
        ("128 perms", Scheme::MinHash),
        ("oph 128 bins", Scheme::Oph),
    ] {
        let hasher = MinHasher::with_scheme(128, DEFAULT_SEED, scheme).unwrap();
        g.bench_function(name, |b| {
            let mut sig = vec![0u32; 128];
            b.iter(|| {
                for s in &sets {
                    hasher.signature_into(s, &mut sig);
                }
                sig[0]
            })
        });
    }
    g.finish();
}

fn banding(c: &mut Criterion) {
    let texts = corpus(5000);
    let mut sh = Shingler::new(Shingling::Words(5));
    let hasher = MinHasher::new(128, DEFAULT_SEED).unwrap();
    let sigs: Vec<u32> = texts
        .iter()
        .flat_map(|t| hasher.signature(&sh.shingle(t)))
        .collect();
    let params = LshParams::for_threshold(0.5, 128).unwrap();
    let mut g = c.benchmark_group("lsh");
    g.throughput(Throughput::Bytes(bytes(&texts)));
    g.sample_size(20);
    g.bench_function("26x3 over 5000 docs", |b| {
        b.iter(|| lsh::candidates(&sigs, 128, params, 200).pairs.len())
    });
    g.finish();
}

fn passage_index(c: &mut Criterion) {
    let texts = corpus(5000);
    let mut tokens = Vec::new();
    let grams: Vec<Vec<u64>> = texts
        .iter()
        .map(|t| {
            reprint::tokenize::tokenize(t, &mut tokens);
            let hashes: Vec<u64> = tokens.iter().map(|t| t.hash).collect();
            let mut g = Vec::new();
            reprint::shingle::word_shingles(&hashes, 4, &mut g);
            g
        })
        .collect();
    let mut g = c.benchmark_group("passage index");
    g.throughput(Throughput::Bytes(bytes(&texts)));
    g.sample_size(20);
    g.bench_function("4-grams of 5000 docs, df <= 50, 3 shared", |b| {
        b.iter(|| reprint::reuse::candidates(&grams, 50, 3).pairs.len())
    });
    g.finish();
}

fn alignment(c: &mut Criterion) {
    let mut b = reprint::synth::ArchiveBuilder::new();
    b.articles(2000).seed(11).passage_rate(0.5);
    let archive = b.build().collect_archive();
    let by_id: std::collections::HashMap<&str, &str> = archive
        .articles
        .iter()
        .map(|a| (a.id.as_str(), a.text.as_str()))
        .collect();
    let pairs: Vec<(&str, &str)> = archive
        .planted
        .iter()
        .take(200)
        .map(|p| (by_id[p.source.as_str()], by_id[p.copy.as_str()]))
        .collect();
    let total: u64 = pairs.iter().map(|(a, b)| (a.len() + b.len()) as u64).sum();
    let aligner = Aligner::default();
    let mut g = c.benchmark_group("align");
    g.throughput(Throughput::Bytes(total));
    g.sample_size(10);
    g.bench_function("200 planted pairs, prepare + align", |bch| {
        bch.iter_batched(
            || (),
            |_| {
                let mut n = 0;
                for (a, b) in &pairs {
                    let (da, db) = (AlignDoc::new(a), AlignDoc::new(b));
                    n += aligner.align(a, &da, b, &db, 4, &|_| true).len();
                }
                n
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group!(
    benches,
    tokenize,
    prepare,
    tokenize_shingle,
    minhash,
    banding,
    passage_index,
    alignment
);
criterion_main!(benches);
