#!/usr/bin/env bash
# End-to-end archive benchmark: `reprint scan` on synthetic news archives with planted reuse.
#
#   bash benches/archive.sh [SIZES...]        # default: 10000 100000; 1000000 on request
#
# Run from the repository root. Per size it generates the archive once (reused afterwards), then
# runs `reprint scan --no-passages` (near-duplicates only) and `reprint scan` (with passages)
# under /usr/bin/time -v, and reports wall time, articles/s, MB/s (input file bytes / wall
# time, MB = 10^6 bytes), peak RSS, peak RSS per article, recall of the planted near-duplicate
# pairs, the PAN PlagDet table of `reprint eval` for the passage scan, and the ratio of the two
# scans' times. It prints Markdown tables and appends one JSON record per scan to RESULTS.
#
# Environment:
#   REPRINT     binary to measure (default target/release/reprint, built with
#               `cargo build --release` if missing)
#   BENCH_DIR   archives, truth files, reports and logs (default target/bench)
#   RESULTS     JSON array of records, appended to (default $BENCH_DIR/results.json)
#   SEED        seed of `reprint synth` (default 24301, synth's own default)
#   THREADS     passed to `reprint scan --threads` when set (default: reprint's, one per core)
#   MAX_BUSY    before each scan, wait (up to WAIT_MAX seconds, default 900) until the machine's
#               other work, sampled over 3 s from /proc/stat, uses fewer than MAX_BUSY cores
#               (e.g. 0.3). Unset: do not wait, only record it.
#   MEM_LIMIT_MB  run each scan under `prlimit --as` with this many MiB of address space, so
#               a scan that would outgrow the machine fails (recorded with its exit code)
#               instead of taking memory from everything else on it
#   MODES       which scans to run, of "near-duplicate passages" (the default: both)
#   SCAN_ARGS   extra `reprint scan` arguments for every scan, e.g. "--sketch minhash"; recorded,
#               and shown after the mode in the tables
#   KEEP_REPORTS=1  keep the scan reports (they are large with passages; deleted by default)
#   COLD=1      do not read the archive once before each scan (by default every scan starts
#               with the archive in the page cache)
#
# Needs: python3 (standard library only), /usr/bin/time (installed with apt-get when missing
# and running as root), git (only to record the commit).
set -euo pipefail

REPRINT=${REPRINT:-target/release/reprint}
BENCH_DIR=${BENCH_DIR:-target/bench}
RESULTS=${RESULTS:-$BENCH_DIR/results.json}
SEED=${SEED:-24301}
WAIT_MAX=${WAIT_MAX:-900}
SIZES=("$@")
[[ ${#SIZES[@]} -gt 0 ]] || SIZES=(10000 100000)
for n in "${SIZES[@]}"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "archive.sh: size must be a positive integer: $n" >&2; exit 2; }
done

say() { echo "archive.sh: $*" >&2; }

command -v python3 >/dev/null || { say "python3 is required"; exit 1; }

if [[ ! -x /usr/bin/time ]]; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        say "installing GNU time (apt-get install time)"
        apt-get install -y -qq time >/dev/null 2>&1 \
            || { apt-get update -qq >/dev/null && apt-get install -y -qq time >/dev/null; }
    fi
    [[ -x /usr/bin/time ]] || { say "/usr/bin/time (GNU time) is required: apt-get install time"; exit 1; }
fi

if [[ ! -x $REPRINT ]]; then
    if [[ $REPRINT == target/release/reprint ]]; then
        say "building $REPRINT (cargo build --release)"
        cargo build --release
    else
        say "no executable at REPRINT=$REPRINT"; exit 1
    fi
fi

mkdir -p "$BENCH_DIR"
RUN_ID=$(date -u +%Y%m%dT%H%M%SZ)-$$
RUN_RECORDS="$BENCH_DIR/run-$RUN_ID.json"
echo "[]" >"$RUN_RECORDS"

# --------------------------------------------------------------------------- Python helpers
read -r -d '' PY <<'PYEOF' || true
import json, math, os, re, subprocess, sys, time

MB = 1e6
WORD_RE = re.compile(r"\w+", re.UNICODE)

def shingles(text, k=5):
    # Same tokenisation as benches/peers.py: lower case, \w+ words, word 5-shingles.
    w = WORD_RE.findall(text.lower())
    if len(w) < k:
        return {" ".join(w)} if w else set()
    return {" ".join(w[i:i + k]) for i in range(len(w) - k + 1)}

def jaccard(a, b):
    if not a or not b:
        return 0.0
    i = len(a & b)
    return i / (len(a) + len(b) - i)

def planted_nd(truth):
    """Planted near-duplicate candidates: syndicated and edited pairs, one per (source, copy)."""
    out = {}
    with open(truth) as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            if r["kind"] in ("syndicated", "edited"):
                key = tuple(sorted((r["source"], r["copy"])))
                out[key] = (r["kind"], r.get("edit_fraction") or 0.0)
    return out

def cmd_jaccard(archive, truth, cache):
    """Exact word-5-shingle Jaccard of every planted syndicated/edited pair (cached per archive)."""
    st = os.stat(archive)
    stamp = [st.st_size, int(st.st_mtime)]
    if os.path.exists(cache):
        with open(cache) as f:
            c = json.load(f)
        if c.get("archive_stamp") == stamp:
            return
    planted = planted_nd(truth)
    need = {d for p in planted for d in p}
    texts = {}
    id_re = re.compile(rb'"id"\s*:\s*"((?:[^"\\]|\\.)*)"')
    with open(archive, "rb") as f:
        for line in f:
            m = id_re.search(line, 0, 200)
            if m is not None and m.group(1).decode() not in need:
                continue
            if not line.strip():
                continue
            r = json.loads(line)
            if str(r.get("id")) in need:
                texts[str(r["id"])] = r.get("text") or ""
    pairs = []
    # Shingle sets are made per pair and dropped: caching them all would take gigabytes at 1M.
    for (a, b), (kind, frac) in sorted(planted.items()):
        j = jaccard(shingles(texts.get(a, "")), shingles(texts.get(b, "")))
        pairs.append([a, b, kind, frac, j])
    with open(cache + ".tmp", "w") as f:
        json.dump({"archive_stamp": stamp, "pairs": pairs}, f)
    os.replace(cache + ".tmp", cache)

def parse_time_v(path):
    out = {}
    with open(path) as f:
        for line in f:
            k, _, v = line.strip().rpartition(": ")
            out[k] = v
    def secs(s):
        parts = [float(x) for x in s.split(":")]
        t = 0.0
        for p in parts:
            t = t * 60 + p
        return t
    return {
        "peak_rss_bytes": int(out["Maximum resident set size (kbytes)"]) * 1024,
        "user_s": float(out["User time (seconds)"]),
        "sys_s": float(out["System time (seconds)"]),
        "time_v_wall_s": secs(out["Elapsed (wall clock) time (h:mm:ss or m:ss)"]),
        "exit_status": int(out.get("Exit status", "-1")),
    }

def cpuinfo():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    return {"cpu_model": model, "nproc": os.cpu_count(), "mem_total_bytes": mem,
            "kernel": os.uname().release}

def git(*args):
    try:
        return subprocess.run(["git", *args], capture_output=True, text=True,
                              timeout=30).stdout.strip()
    except OSError:
        return ""

def cmd_record(a):
    # a: dict of string arguments from the shell
    n = int(a["articles"])
    size = os.path.getsize(a["archive"])
    tv = parse_time_v(a["timefile"])
    wall = float(a["wall"])
    rec = {
        "run_id": a["run_id"],
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "git_commit": git("rev-parse", "HEAD"),
        "git_dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "reprint_bin": os.path.abspath(a["bin"]),
        "reprint_version": a["version"],
        "machine": cpuinfo(),
        "load_before": [float(x) for x in a["load"].split()[:3]],
        "other_busy_cores_before": float(a["busy_before"]),
        "articles": n,
        "seed": int(a["seed"]),
        "archive_bytes": size,
        "mode": a["mode"],
        "extra_args": a.get("extra_args", ""),
        "command": a["cmd"],
        "mem_limit_mb": int(a["mem_limit"]) if a.get("mem_limit") else None,
        "exit_code": int(a["rc"]),
        "wall_s": wall,
        **{k: v for k, v in tv.items() if k != "exit_status"},
    }
    cpu_s = tv["user_s"] + tv["sys_s"]
    rec["cpu_cores_used"] = cpu_s / wall if wall > 0 else None
    # The machine's busy time during the scan minus the scan's own CPU time: other work.
    # Sampled from /proc/stat just before and just after the scan (the window is a little
    # longer than the scan; approximate for scans of a few seconds or less).
    (j0, s0), (j1, s1) = [map(float, a[k].split()) for k in ("jiffies0", "jiffies1")]
    busy, window = (j1 - j0) / os.sysconf("SC_CLK_TCK"), s1 - s0
    rec["other_busy_cores_during"] = max(0.0, (busy - cpu_s) / window) if window > 0 else None
    rec["articles_per_s"] = n / wall
    rec["mb_per_s"] = size / MB / wall
    rec["peak_rss_mb"] = tv["peak_rss_bytes"] / MB
    rec["rss_per_article_bytes"] = tv["peak_rss_bytes"] / n
    rec["memory_budget_bytes"] = 1500 * n + 300 * MB  # issue target: 1.5 KB/article + 300 MB
    rec["memory_within_budget"] = tv["peak_rss_bytes"] <= rec["memory_budget_bytes"]

    if rec["exit_code"] in (0, 1) and os.path.exists(a["report"]):
        with open(a["report"]) as f:
            rep = json.load(f)
        rec["report_bytes"] = os.path.getsize(a["report"])
        st = rep.get("stats", {})
        rec["stats"] = {k: st.get(k) for k in ("documents", "bytes", "candidates",
                        "passage_candidates", "pairs", "near_duplicate_pairs", "passages",
                        "clusters", "elapsed_ms", "bands", "rows", "oversized_buckets")}
        found = {}
        for p in rep.get("pairs", []):
            if p.get("near_duplicate"):
                found[tuple(sorted((str(p["a"]), str(p["b"]))))] = p.get("jaccard")
        del rep
        with open(a["jcache"]) as f:
            planted = json.load(f)["pairs"]
        groups = {}
        diffs = []
        for x, y, kind, frac, j in planted:
            g = "syndicated" if kind == "syndicated" else f"edited {round(frac * 100):d}%"
            s = groups.setdefault(g, {"planted": 0, "found": 0, "ge_0.5": 0, "ge_0.5_found": 0,
                                      "jaccard_sum": 0.0, "jaccard_min": 1.0, "jaccard_max": 0.0})
            hit = (x, y) in found
            s["planted"] += 1
            s["found"] += hit
            s["jaccard_sum"] += j
            s["jaccard_min"] = min(s["jaccard_min"], j)
            s["jaccard_max"] = max(s["jaccard_max"], j)
            if j >= 0.5:
                s["ge_0.5"] += 1
                s["ge_0.5_found"] += hit
            if hit and found[(x, y)] is not None:
                diffs.append(abs(found[(x, y)] - j))
        for s in groups.values():
            s["jaccard_mean"] = s.pop("jaccard_sum") / s["planted"] if s["planted"] else None
        tot = sum(s["ge_0.5"] for s in groups.values())
        hit = sum(s["ge_0.5_found"] for s in groups.values())
        rec["near_duplicate_recall"] = {
            "recall_jaccard_ge_0.5": hit / tot if tot else None,
            "planted_jaccard_ge_0.5": tot,
            "found_jaccard_ge_0.5": hit,
            "by_group": dict(sorted(groups.items(), key=lambda kv: (kv[0] != "syndicated", kv[0]))),
            "max_abs_jaccard_diff_python_vs_reprint": max(diffs) if diffs else None,
        }
    if a.get("evalfile") and os.path.exists(a["evalfile"]):
        with open(a["evalfile"]) as f:
            rec["plagdet"] = json.load(f)

    for path in (a["results"], a["run_records"]):
        recs = []
        if os.path.exists(path) and os.path.getsize(path) > 0:
            with open(path) as f:
                recs = json.load(f)
        recs.append(rec)
        with open(path + ".tmp", "w") as f:
            json.dump(recs, f, indent=1)
            f.write("\n")
        os.replace(path + ".tmp", path)
    r = rec
    if r["exit_code"] not in (0, 1):
        print(f"  {r['mode']}: FAILED (exit {r['exit_code']}) after {r['wall_s']:.2f} s, "
              f"peak RSS {r['peak_rss_mb']:.0f} MB", file=sys.stderr)
        return
    print(f"  {r['mode']}: {r['wall_s']:.2f} s, {r['mb_per_s']:.1f} MB/s, "
          f"peak RSS {r['peak_rss_mb']:.0f} MB, {r['cpu_cores_used']:.2f} cores used, "
          f"other work {r['other_busy_cores_during']:.2f} cores", file=sys.stderr)

def f(x, spec):
    return "n/a" if x is None else format(x, spec)

def cmd_table(run_records):
    with open(run_records) as fh:
        recs = json.load(fh)
    if not recs:
        return
    m = recs[0]["machine"]
    print(f"Machine: {m['cpu_model']}, {m['nproc']} cores, "
          f"{m['mem_total_bytes'] / 2**30:.1f} GiB RAM; reprint {recs[0]['reprint_version']} "
          f"at {recs[0]['git_commit'][:7]}{' (dirty tree)' if recs[0]['git_dirty'] else ''}; "
          f"run {recs[0]['run_id']}, one run per cell.")
    print()
    print("| articles | archive (MB) | mode | wall (s) | articles/s | MB/s | peak RSS (MB) "
          "| RSS/article (KB) | budget 1.5 KB/art + 300 MB | CPU cores used | other load (cores) "
          "| near-dup recall (J ≥ 0.5) |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in recs:
        nd = r.get("near_duplicate_recall") or {}
        rc = nd.get("recall_jaccard_ge_0.5")
        budget = r["memory_budget_bytes"] / MB
        mode = r["mode"] + (f" `{r['extra_args']}`" if r.get("extra_args") else "")
        if r["exit_code"] not in (0, 1):
            lim = f" under a {r['mem_limit_mb']:,} MiB address-space limit" if r.get("mem_limit_mb") else ""
            mode += f" **failed: exit {r['exit_code']}{lim}**"
        if r["exit_code"] not in (0, 1):
            print(f"| {r['articles']:,} | {r['archive_bytes'] / MB:,.0f} | {mode} "
                  f"| {r['wall_s']:.2f} (until it failed) | — | — | {r['peak_rss_mb']:,.0f} | — "
                  f"| {budget:,.0f} MB | {f(r.get('cpu_cores_used'), '.2f')} "
                  f"| {f(r.get('other_busy_cores_during'), '.2f')} | — |")
            continue
        print(f"| {r['articles']:,} | {r['archive_bytes'] / MB:,.0f} | {mode} "
              f"| {r['wall_s']:.2f} | {r['articles_per_s']:,.0f} | {r['mb_per_s']:.1f} "
              f"| {r['peak_rss_mb']:,.0f} | {r['rss_per_article_bytes'] / 1e3:.2f} "
              f"| {budget:,.0f} MB: {'within' if r['memory_within_budget'] else 'OVER'} "
              f"| {f(r.get('cpu_cores_used'), '.2f')} | {f(r.get('other_busy_cores_during'), '.2f')} "
              f"| {f(rc, '.4f')} ({nd.get('found_jaccard_ge_0.5', '?')}/{nd.get('planted_jaccard_ge_0.5', '?')}) |")
    print()
    by_size = {}
    for r in recs:
        if r["exit_code"] in (0, 1):
            by_size.setdefault(r["articles"], {})[r["mode"]] = r
    print("| articles | with passages / near-dup only (time) | with passages / near-dup only (peak RSS) |")
    print("|---:|---:|---:|")
    for n, d in by_size.items():
        if "near-duplicate" in d and "passages" in d:
            print(f"| {n:,} | {d['passages']['wall_s'] / d['near-duplicate']['wall_s']:.2f}× "
                  f"| {d['passages']['peak_rss_bytes'] / d['near-duplicate']['peak_rss_bytes']:.2f}× |")
    print()
    print("Planted near-duplicate pairs found (`near_duplicate: true` in the report), by kind; "
          "J = exact word-5-shingle Jaccard of the planted pair (Python, benches/peers.py's tokenisation):")
    print()
    print("| articles | mode | group | planted | found | J min / mean / max | J ≥ 0.5 | found of J ≥ 0.5 |")
    print("|---:|---|---|---:|---:|---|---:|---:|")
    for r in recs:
        nd = r.get("near_duplicate_recall")
        if not nd:
            continue
        for g, s in nd["by_group"].items():
            print(f"| {r['articles']:,} | {r['mode']} | {g} | {s['planted']} | {s['found']} "
                  f"| {s['jaccard_min']:.3f} / {f(s['jaccard_mean'], '.3f')} / {s['jaccard_max']:.3f} "
                  f"| {s['ge_0.5']} | {s['ge_0.5_found']} |")
    diffs = [r["near_duplicate_recall"]["max_abs_jaccard_diff_python_vs_reprint"]
             for r in recs if r.get("near_duplicate_recall")
             and r["near_duplicate_recall"]["max_abs_jaccard_diff_python_vs_reprint"] is not None]
    if diffs:
        print()
        print(f"Largest |J(Python) − J(reprint)| over the planted pairs found: {max(diffs):.4f}.")
    for r in recs:
        pd = r.get("plagdet")
        if not pd:
            continue
        print()
        print(f"PlagDet of the passage scan, {r['articles']:,} articles (`reprint eval`):")
        print()
        print("| kind | cases | detected | precision | recall | granularity | plagdet |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for k in pd.get("kinds", []):
            print(f"| {k['kind']} | {k['cases']} | {k['detected']} | {k['precision']:.3f} "
                  f"| {k['recall']:.3f} | {k['granularity']:.3f} | {k['plagdet']:.3f} |")
        o = pd.get("overall", {})
        if o:
            print(f"| **all** | {o['cases']} | {o.get('detections', '')} | {o['precision']:.3f} "
                  f"| {o['recall']:.3f} | {o['granularity']:.3f} | {o['plagdet']:.3f} |")

def cmd_busy():
    # Busy cores over 3 s, from /proc/stat (everything but idle and iowait).
    b0, t0 = busy_jiffies()
    time.sleep(3)
    b1, t1 = busy_jiffies()
    print(f"{(b1 - b0) / max(1, t1 - t0) * os.cpu_count():.2f}")

def busy_jiffies():
    # user nice system idle iowait irq softirq steal [guest guest_nice]: guest time is already
    # in user/nice, and idle, iowait and steal are not work done on this machine's cores.
    with open("/proc/stat") as fh:
        v = [int(x) for x in fh.readline().split()[1:]]
    return sum(v[:8]) - v[3] - v[4] - v[7], sum(v[:8])

def cmd_jiffies():
    print(f"{busy_jiffies()[0]} {time.time():.6f}")

if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "jaccard":
        cmd_jaccard(*sys.argv[2:5])
    elif cmd == "record":
        cmd_record(dict(x.split("=", 1) for x in sys.argv[2:]))
    elif cmd == "table":
        cmd_table(sys.argv[2])
    elif cmd == "busy":
        cmd_busy()
    elif cmd == "jiffies":
        cmd_jiffies()
    else:
        raise SystemExit(f"unknown helper command {cmd}")
PYEOF
py() { python3 -c "$PY" "$@"; }

wait_quiet() {
    local busy waited=0
    busy=$(py busy)
    if [[ -n ${MAX_BUSY:-} ]]; then
        while python3 -c "import sys; sys.exit(0 if float('$busy') >= float('$MAX_BUSY') else 1)"; do
            if (( waited >= WAIT_MAX )); then
                say "other work still uses $busy cores after ${WAIT_MAX}s: measuring anyway"
                break
            fi
            say "other work uses $busy cores (MAX_BUSY=$MAX_BUSY): waiting"
            sleep 15; waited=$((waited + 18))
            busy=$(py busy)
        done
    fi
    echo "$busy"
}

version=$("$REPRINT" --version 2>/dev/null | awk '{print $NF}')
threads=()
[[ -n ${THREADS:-} ]] && threads=(--threads "$THREADS")
limit=()
if [[ -n ${MEM_LIMIT_MB:-} ]]; then
    command -v prlimit >/dev/null || { say "MEM_LIMIT_MB needs prlimit (util-linux)"; exit 1; }
    limit=(prlimit --as=$((MEM_LIMIT_MB * 1024 * 1024)) --)
fi

for n in "${SIZES[@]}"; do
    archive="$BENCH_DIR/archive-$n-s$SEED.jsonl"
    truth="$BENCH_DIR/truth-$n-s$SEED.jsonl"
    if [[ ! -s $archive || ! -s $truth ]]; then
        say "generating $archive ($n articles, seed $SEED)"
        t0=$(date +%s.%N)
        "$REPRINT" synth --articles "$n" --seed "$SEED" -o "$archive" --truth "$truth" >&2
        say "generated in $(python3 -c "print(f'{$(date +%s.%N) - $t0:.1f}')") s"
    fi
    jcache="$BENCH_DIR/planted-jaccard-$n-s$SEED.json"
    say "exact Jaccard of the planted pairs ($n articles)"
    py jaccard "$archive" "$truth" "$jcache"

    for mode in ${MODES:-near-duplicate passages}; do
        [[ $mode == near-duplicate || $mode == passages ]] \
            || { say "MODES: unknown mode $mode (near-duplicate, passages)"; exit 2; }
        report="$BENCH_DIR/report-$n-$mode.json"
        timefile="$BENCH_DIR/time-$n-$mode.txt"
        evalfile=""
        args=(scan "$archive" --format json -o "$report" --quiet "${threads[@]}")
        [[ $mode == near-duplicate ]] && args+=(--no-passages)
        read -ra extra <<<"${SCAN_ARGS:-}"
        args+=(${extra[@]+"${extra[@]}"})
        rm -f "$report"
        # Every scan starts with the archive in the page cache, as a second run would: the
        # first scan after generating or after a larger archive otherwise pays for the disk.
        [[ -n ${COLD:-} ]] || cat "$archive" >/dev/null
        busy=$(wait_quiet)
        load=$(cat /proc/loadavg)
        say "$n articles, $mode: $REPRINT ${args[*]}"
        j0=$(py jiffies)
        t0=$(date +%s%N)
        rc=0
        /usr/bin/time -v -o "$timefile" "${limit[@]}" "$REPRINT" "${args[@]}" || rc=$?
        t1=$(date +%s%N)
        j1=$(py jiffies)
        if [[ $rc -ne 0 && $rc -ne 1 ]]; then
            say "scan failed (exit $rc); see $timefile"
        fi
        if [[ $mode == passages && -s $report ]]; then
            evalfile="$BENCH_DIR/eval-$n.json"
            "$REPRINT" eval --truth "$truth" "$report" --format json >"$evalfile" || evalfile=""
        fi
        py record run_id="$RUN_ID" articles="$n" seed="$SEED" archive="$archive" mode="$mode" \
            cmd="reprint ${args[*]}" rc="$rc" timefile="$timefile" report="$report" \
            wall="$(python3 -c "print(($t1 - $t0) / 1e9)")" jiffies0="$j0" jiffies1="$j1" \
            load="$load" busy_before="$busy" bin="$REPRINT" version="$version" \
            jcache="$jcache" evalfile="$evalfile" results="$RESULTS" run_records="$RUN_RECORDS" \
            mem_limit="${MEM_LIMIT_MB:-}" extra_args="${SCAN_ARGS:-}"
        [[ ${KEEP_REPORTS:-0} == 1 ]] || rm -f "$report"
    done
done

echo
py table "$RUN_RECORDS"
echo
say "records appended to $RESULTS (this run alone: $RUN_RECORDS)"
