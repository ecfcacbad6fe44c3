//! The `reprint` command line: a thin layer over the library.
//!
//! Exit status, like grep: 0 when the work completed and found something, 1 when it completed
//! and found nothing, 2 on error. A closed pipe (`reprint scan … | head`) exits 0.

use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};

use reprint::report::{html, json, terminal};

/// mimalloc: the aligner and the parser allocate many small, short-lived buffers from every
/// thread, where it is measurably faster than the system allocator (see docs/benchmarks.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use reprint::{AlignerBuilder, Passage, Progress, ReadOptions, Report, ScanBuilder, Shingling};

/// Find near-duplicate articles and reused passages in a news corpus.
#[derive(Parser, Debug)]
#[command(name = "reprint", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Scan a corpus for near-duplicate articles and reused passages.
    Scan(ScanArgs),
    /// Align two files directly and show the passages they share.
    Diff(DiffArgs),
    /// Write a synthetic news archive with planted reuse, and its ground truth.
    Synth(SynthArgs),
    /// Measure a scan's passages against planted ground truth (PAN PlagDet, per kind).
    Eval(EvalArgs),
}

#[derive(clap::Args, Debug)]
struct SynthArgs {
    /// Number of articles.
    #[arg(long, default_value_t = 10_000)]
    articles: usize,
    /// Random seed: the same seed writes the same archive, byte for byte.
    #[arg(long, default_value_t = 0x5EED)]
    seed: u64,
    /// Share of articles that are exact copies of an earlier one.
    #[arg(long, default_value_t = 0.03)]
    syndicated_rate: f64,
    /// Share of articles that are edited copies (5%, 15% or 30% of words edited).
    #[arg(long, default_value_t = 0.06)]
    edited_rate: f64,
    /// Share of articles that carry passages of an earlier one.
    #[arg(long, default_value_t = 0.10)]
    passage_rate: f64,
    /// The archive, as JSON Lines (written atomically).
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    /// The ground truth, one planted record per line (written atomically).
    #[arg(long, value_name = "FILE")]
    truth: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
struct EvalArgs {
    /// Ground truth written by `reprint synth --truth`.
    #[arg(long, value_name = "FILE")]
    truth: PathBuf,
    /// A report written by `reprint scan --format json`.
    report: PathBuf,
    /// Output format (table or json).
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Human-readable text.
    Table,
    /// One JSON document.
    Json,
    /// JSON Lines: one record per line.
    Jsonl,
    /// One self-contained HTML page with side-by-side views (scan only; re-reads the inputs).
    Html,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum Color {
    /// Colour when writing to a terminal and NO_COLOR is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

#[derive(clap::Args, Debug)]
struct ScanArgs {
    /// Directories (walked for .txt, .md, .html and .htm), text files, JSON Lines files
    /// (.jsonl, .ndjson, .jsonl.gz, .ndjson.gz), CSV or TSV files with a header row (.csv, .tsv,
    /// .csv.gz, .tsv.gz), or - for JSON Lines on standard input.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Write the output to FILE (atomically: a temporary file, then a rename).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Exact Jaccard from which two articles are near-duplicates.
    #[arg(long, default_value_t = 0.5)]
    threshold: f64,
    /// Shingles: word:K (word k-grams) or char:K (character k-grams).
    #[arg(long, default_value = "word:5")]
    shingle: Shingling,
    /// Signature size: MinHash permutations, or one-permutation hashing bins.
    #[arg(long, default_value_t = 128)]
    num_perm: usize,
    /// Signatures: oph (one-permutation hashing with optimal densification, the default) or
    /// minhash (classic: num-perm hash functions, about 6x slower; for documents of a few dozen
    /// words). Their accuracy is compared in docs/benchmarks.md.
    #[arg(long, default_value = "oph", value_name = "SCHEME")]
    sketch: reprint::minhash::Scheme,
    /// Seed of the MinHash hash family.
    #[arg(long, default_value_t = reprint::minhash::DEFAULT_SEED)]
    seed: u64,
    /// LSH bands (with --rows; default: derived from --threshold).
    #[arg(long, requires = "rows")]
    bands: Option<usize>,
    /// LSH rows per band (with --bands).
    #[arg(long, requires = "bands")]
    rows: Option<usize>,
    /// LSH buckets larger than this are paired as stars, not all pairs.
    #[arg(long, default_value_t = 200)]
    max_bucket: usize,
    /// Near-duplicate articles only: skip passage detection (fastest).
    #[arg(long)]
    no_passages: bool,
    /// Shortest reported passage, in words (in Chinese and Japanese a character counts as half
    /// a word, in Thai, Lao, Khmer and Myanmar as a third).
    #[arg(long, default_value_t = 8)]
    min_words: usize,
    /// Word n-grams found in more documents than this are boilerplate, unless most of those
    /// documents quote them (a widely carried quotation: its articles are paired with one of
    /// them, not all with all). Raise it to see a quote most articles carry without quotation marks.
    #[arg(long, default_value_t = 50)]
    max_df: usize,
    /// Length, in words, of the n-grams that index documents for passage reuse.
    #[arg(long, default_value_t = 4)]
    index_words: usize,
    /// Rare n-grams two documents must share before they are aligned (2 finds a few more short
    /// reworded passages, at several times the alignment work).
    #[arg(long, default_value_t = 3)]
    min_shared: usize,
    /// Memory for the large working sets (band keys, passage index, text blocks), e.g. 512M or
    /// 2G; past it they spill to temporary files, with the same results.
    #[arg(long, default_value = "256M", value_name = "SIZE", value_parser = parse_size)]
    max_memory: usize,
    /// Directory for temporary files (default: the system's).
    #[arg(long, value_name = "DIR")]
    temp_dir: Option<PathBuf>,
    /// Turn malformed JSON lines into counted warnings instead of errors.
    #[arg(long)]
    skip_bad_lines: bool,
    /// The JSON Lines field (or CSV column) that holds each document's id.
    #[arg(long, default_value = "id", value_name = "NAME")]
    id_field: String,
    /// The JSON Lines field (or CSV column) that holds each document's text.
    #[arg(long, default_value = "text", value_name = "NAME")]
    text_field: String,
    /// Worker threads (default: one per core).
    #[arg(long)]
    threads: Option<usize>,
    /// No progress bar.
    #[arg(short, long)]
    quiet: bool,
    #[command(flatten)]
    table: TableArgs,
}

/// How the table view looks: the options `scan` and `diff` share.
#[derive(clap::Args, Debug)]
struct TableArgs {
    /// When to use colours.
    #[arg(long, value_enum, default_value = "auto")]
    color: Color,
    /// In the table view, show long shared stretches whole (by default a stretch of more than
    /// 48 shared words shows its first and last 16).
    #[arg(long)]
    full_text: bool,
}

impl TableArgs {
    /// The terminal renderer's options; `to_file` when the output does not go to standard
    /// output.
    fn options(&self, to_file: bool) -> terminal::TerminalOptions {
        terminal::TerminalOptions {
            color: use_color(self.color, to_file),
            full_text: self.full_text,
        }
    }
}

#[derive(clap::Args, Debug)]
struct DiffArgs {
    /// The first file.
    a: PathBuf,
    /// The second file.
    b: PathBuf,
    /// Output format (table or json; html is for scan).
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Shortest reported passage, in words (in Chinese and Japanese a character counts as half
    /// a word, in Thai, Lao, Khmer and Myanmar as a third).
    #[arg(long, default_value_t = 8)]
    min_words: usize,
    #[command(flatten)]
    table: TableArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => scan(args),
        Command::Diff(args) => diff(args),
        Command::Synth(args) => synth(args),
        Command::Eval(args) => eval(args),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("reprint: {err:#}");
            // A bad line after good ones is most often a damaged record in a large archive,
            // not a format the reader does not understand: say how to go on without it.
            if let Some(reprint::Error::BadLine { line, .. }) = err.downcast_ref() {
                if *line > 1 {
                    eprintln!(
                        "reprint: --skip-bad-lines counts malformed lines as warnings and goes on"
                    );
                }
            }
            ExitCode::from(2)
        }
    }
}

/// A byte count for people: `512 MiB`, `3.2 GiB`.
fn human_bytes(n: u64) -> String {
    let units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < units.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} bytes")
    } else if v < 10.0 {
        format!("{v:.1} {}", units[u])
    } else {
        format!("{v:.0} {}", units[u])
    }
}

/// Parses a size: a number of bytes with an optional K, M or G suffix (powers of 1024).
fn parse_size(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let (num, mult) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let m: usize = match c.to_ascii_uppercase() {
                'K' => 1 << 10,
                'M' => 1 << 20,
                'G' => 1 << 30,
                _ => return Err(format!("{s:?}: the suffix must be K, M or G")),
            };
            (&t[..i], m)
        }
        _ => (t, 1),
    };
    let n: f64 = num
        .trim()
        .parse()
        .map_err(|_| format!("{s:?}: expected a size such as 512M or 2G"))?;
    if n.is_nan() || n < 0.0 || n * mult as f64 > usize::MAX as f64 {
        return Err(format!("{s:?}: out of range"));
    }
    Ok((n * mult as f64) as usize)
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn use_color(choice: Color, to_file: bool) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            !to_file && std::env::var_os("NO_COLOR").is_none() && io::stdout().is_terminal()
        }
    }
}

/// A progress bar on standard error. While reading, it counts bytes of input (with an ETA
/// when the input's size is known) and articles per second.
struct Bar {
    bar: ProgressBar,
    docs: std::sync::atomic::AtomicU64,
    start: std::time::Instant,
}

impl Bar {
    fn new() -> Bar {
        Bar {
            bar: ProgressBar::new_spinner(),
            docs: std::sync::atomic::AtomicU64::new(0),
            start: std::time::Instant::now(),
        }
    }
}

impl Progress for Bar {
    fn stage(&self, name: &str, total: Option<u64>) {
        self.bar.reset();
        let template = match (name, total) {
            ("reading", Some(_)) => {
                "{msg:>10} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, eta {eta}) {prefix}"
            }
            ("reading", None) => "{msg:>10} {spinner} {bytes} ({bytes_per_sec}) {prefix}",
            (_, Some(_)) => "{msg:>10} [{bar:30}] {pos}/{len} ({per_sec}, eta {eta})",
            (_, None) => "{msg:>10} {spinner} {pos} ({per_sec})",
        };
        match total {
            Some(t) => self.bar.set_length(t),
            None => self.bar.unset_length(),
        }
        self.bar.set_style(
            ProgressStyle::with_template(template)
                .expect("valid template")
                .progress_chars("=> "),
        );
        self.bar.set_message(name.to_owned());
    }

    fn advance(&self, n: u64) {
        self.bar.inc(n);
    }

    fn documents(&self, n: u64) {
        use std::sync::atomic::Ordering;
        let done = self.docs.fetch_add(n, Ordering::Relaxed) + n;
        if done % 1000 < n {
            let rate = done as f64 / self.start.elapsed().as_secs_f64().max(1e-3);
            self.bar
                .set_prefix(format!("{done} articles, {rate:.0} articles/s"));
        }
    }
}

fn scan(args: ScanArgs) -> anyhow::Result<bool> {
    if args.format == Format::Html && args.paths.iter().any(|p| p.as_os_str() == "-") {
        bail!("--format html reads the inputs twice, so it cannot read standard input; save it to a file first");
    }
    if let Some(n) = args.threads {
        if n == 0 {
            bail!("--threads must be at least 1");
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("starting the thread pool")?;
    }
    let mut read = ReadOptions::new();
    read.skip_bad_lines(args.skip_bad_lines)
        .id_field(args.id_field.as_str())
        .text_field(args.text_field.as_str());
    let mut builder = ScanBuilder::new();
    builder
        .threshold(args.threshold)
        .shingling(args.shingle)
        .num_perm(args.num_perm)
        .sketch(args.sketch)
        .seed(args.seed)
        .max_bucket(args.max_bucket)
        .passages(!args.no_passages)
        .min_words(args.min_words)
        .max_df(args.max_df)
        .seed_words(args.index_words)
        .min_shared(args.min_shared)
        .max_memory(args.max_memory)
        .read_options(read.clone());
    if let Some(dir) = &args.temp_dir {
        builder.temp_dir(dir);
    }
    if let (Some(b), Some(r)) = (args.bands, args.rows) {
        builder.bands_rows(b, r);
    }
    let scanner = builder.build()?;
    let show_bar = !args.quiet && io::stderr().is_terminal();
    let report = if show_bar {
        let bar = Bar::new();
        let r = scanner.scan_paths(&args.paths, &bar);
        bar.bar.finish_and_clear();
        r?
    } else {
        scanner.scan_paths(&args.paths, &reprint::NoProgress)?
    };
    // The table shows the warnings; any other output gets them on standard error.
    if args.format != Format::Table || args.output.is_some() {
        let mut err = io::stderr().lock();
        terminal::write_warnings(&report.stats.warnings, &mut err).context("writing warnings")?;
    }
    if report.stats.spilled_bytes > 0 && !args.quiet {
        eprintln!(
            "reprint: the working sets outgrew --max-memory {}: {} spilled to temporary files",
            human_bytes(args.max_memory as u64),
            human_bytes(report.stats.spilled_bytes)
        );
    }
    let format = args.format;
    let html_opts = html::HtmlOptions::new();
    let texts = if format == Format::Html {
        texts_for_html(&args.paths, &read, &report, &html_opts)?
    } else {
        BTreeMap::new()
    };
    write_output(args.output.as_deref(), |out| match format {
        Format::Table => {
            terminal::write_report(&report, args.table.options(args.output.is_some()), out)
        }
        Format::Json => json::write_json(&report, out),
        Format::Jsonl => json::write_jsonl(&report, out),
        Format::Html => html::write_html(&report, &texts, &html_opts, out),
    })?;
    let found = !report.pairs.is_empty();
    // The process ends next, and with it every allocation at once: freeing the report's one
    // by one first took 80 ms at 100,000 articles (43,802 passages with their texts and diffs).
    std::mem::forget(report);
    Ok(found)
}

/// Re-reads the inputs and keeps the texts the HTML page shows side by side, so memory holds
/// only those documents.
fn texts_for_html(
    paths: &[PathBuf],
    read: &ReadOptions,
    report: &Report,
    opts: &html::HtmlOptions,
) -> anyhow::Result<BTreeMap<String, String>> {
    let wanted = html::documents_needing_text(report, opts);
    let mut texts = BTreeMap::new();
    reprint::corpus::read_inputs(paths, read, |d| {
        if wanted.contains(d.id.as_str()) {
            texts.insert(d.id, d.text);
        }
        Ok(())
    })
    .context("re-reading the inputs for the HTML report")?;
    Ok(texts)
}

/// Writes to `path` atomically (temporary file in the same directory, then rename), or to
/// standard output.
fn write_output<F>(path: Option<&Path>, f: F) -> anyhow::Result<()>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    match path {
        None => {
            let stdout = io::stdout();
            let mut out = io::BufWriter::new(stdout.lock());
            f(&mut out).context("writing to standard output")?;
            out.flush().context("writing to standard output")?;
        }
        Some(path) => {
            let dir = match path.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            let ctx = || format!("writing {}", path.display());
            let tmp = tempfile::NamedTempFile::new_in(dir).with_context(ctx)?;
            // A report is meant to be shared: the usual mode of a new file, not the temporary
            // file's private 0600.
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                tmp.as_file()
                    .set_permissions(std::fs::Permissions::from_mode(0o644))
                    .with_context(ctx)?;
            }
            let mut out = io::BufWriter::new(tmp);
            f(&mut out).with_context(ctx)?;
            let tmp = out
                .into_inner()
                .map_err(|e| e.into_error())
                .with_context(ctx)?;
            tmp.as_file().sync_all().with_context(ctx)?;
            tmp.persist(path).map_err(|e| e.error).with_context(ctx)?;
        }
    }
    Ok(())
}

fn read_one(path: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    match reprint::corpus::text_of(bytes) {
        Ok((text, encoding)) => {
            if let Some(encoding) = encoding {
                let origin = path.display().to_string();
                eprintln!(
                    "reprint: {}",
                    reprint::corpus::encoding_note(&origin, encoding)
                );
            }
            Ok(text)
        }
        Err(why) => bail!("{}: binary file ({why})", path.display()),
    }
}

#[derive(serde::Serialize)]
struct DiffOutput<'a> {
    a: String,
    b: String,
    passages: &'a [Passage],
}

fn diff(args: DiffArgs) -> anyhow::Result<bool> {
    if args.format == Format::Html {
        bail!("--format html is for scan; diff prints table or json");
    }
    let (a, b) = (read_one(&args.a)?, read_one(&args.b)?);
    let aligner = AlignerBuilder::new().min_words(args.min_words).build()?;
    let passages = aligner.align_texts(&a, &b);
    let (na, nb) = (args.a.display().to_string(), args.b.display().to_string());
    write_output(None, |out| match args.format {
        Format::Table => {
            terminal::write_passages(&na, &nb, &passages, args.table.options(false), out)
        }
        Format::Json | Format::Jsonl | Format::Html => {
            let value = DiffOutput {
                a: na.clone(),
                b: nb.clone(),
                passages: &passages,
            };
            if args.format == Format::Json {
                serde_json::to_writer_pretty(&mut *out, &value)?;
            } else {
                serde_json::to_writer(&mut *out, &value)?;
            }
            out.write_all(b"\n")
        }
    })?;
    Ok(!passages.is_empty())
}

fn synth(args: SynthArgs) -> anyhow::Result<bool> {
    let mut b = reprint::synth::ArchiveBuilder::new();
    b.articles(args.articles)
        .seed(args.seed)
        .syndicated_rate(args.syndicated_rate)
        .edited_rate(args.edited_rate)
        .passage_rate(args.passage_rate);
    let rates = args.syndicated_rate + args.edited_rate + args.passage_rate;
    if !(0.0..=1.0).contains(&rates)
        || [args.syndicated_rate, args.edited_rate, args.passage_rate]
            .iter()
            .any(|r| *r < 0.0)
    {
        bail!("the rates must be non-negative and add up to at most 1");
    }
    let mut truth_buf = Vec::new();
    let mut summary = None;
    write_output(Some(&args.output), |out| {
        summary = Some(b.build().write_jsonl(out, &mut truth_buf)?);
        Ok(())
    })?;
    if let Some(t) = &args.truth {
        write_output(Some(t), |out| out.write_all(&truth_buf))?;
    }
    let s = summary.expect("written");
    eprintln!(
        "reprint: wrote {} articles ({} bytes of text) to {}",
        s.articles,
        s.text_bytes,
        args.output.display()
    );
    for (kind, n) in &s.planted {
        eprintln!("  {n:>8} {kind:?}");
    }
    Ok(true)
}

fn eval(args: EvalArgs) -> anyhow::Result<bool> {
    if args.format == Format::Html {
        bail!("eval writes --format table or json");
    }
    let truth_text = std::fs::read_to_string(&args.truth)
        .with_context(|| format!("reading {}", args.truth.display()))?;
    let mut planted = Vec::new();
    for (k, line) in truth_text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let p: reprint::synth::Planted = serde_json::from_str(line).with_context(|| {
            format!(
                "{}:{}: malformed ground-truth line",
                args.truth.display(),
                k + 1
            )
        })?;
        planted.push(p);
    }
    let report_bytes = std::fs::read(&args.report)
        .with_context(|| format!("reading {}", args.report.display()))?;
    let report: Report = serde_json::from_slice(&report_bytes)
        .with_context(|| format!("{}: not a reprint JSON report", args.report.display()))?;
    let q = reprint::quality::evaluate(&report, &planted);
    write_output(None, |out| match args.format {
        Format::Table => reprint::report::terminal::write_quality(&q, out),
        Format::Json | Format::Jsonl | Format::Html => {
            serde_json::to_writer_pretty(&mut *out, &q)?;
            out.write_all(b"\n")
        }
    })?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_suffixes() {
        assert_eq!(parse_size("256M"), Ok(256 << 20));
        assert_eq!(parse_size("2g"), Ok(2 << 30));
        assert_eq!(parse_size("1.5K"), Ok(1536));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("-1M").is_err());
        assert!(parse_size("12X").unwrap_err().contains("K, M or G"));
    }

    #[test]
    fn byte_counts_read_like_people_write_them() {
        assert_eq!(human_bytes(512), "512 bytes");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(300 << 20), "300 MiB");
        assert_eq!(human_bytes(5 << 30), "5.0 GiB");
    }
}
