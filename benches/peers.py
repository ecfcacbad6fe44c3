#!/usr/bin/env python3
"""Side-by-side benchmark: reprint's near-duplicate scan against the Python MinHash+LSH
tools users would otherwise pick, on one JSON Lines archive ({"id": ..., "text": ...} per line).

What it measures, per tool, each in its own fresh child process:
  * time (s)    -- datasketch / rensa: wall time inside the child from opening the archive to
                   having the deduplicated candidate pairs: JSON parsing, tokenising, MinHash,
                   LSH insert and one LSH query per document. Interpreter start-up and imports
                   are not counted (they are kept in the JSON output as `startup_s`).
                   reprint: wall time of the whole `reprint scan` process.
  * MB/s        -- input file bytes / time, MB = 10^6 bytes.
  * peak RSS    -- ru_maxrss of that child alone (os.wait4), MB = 10^6 bytes.
  * candidates  -- pairs the LSH proposed (a < b, deduplicated); for reprint `stats.candidates`.
  * reported    -- pairs the tool hands to the user: for the peers their LSH candidates (that is
                   how they are used), for reprint its verified `pairs`.
  * recall@0.6, recall@0.5 -- share of the pairs whose exact word-5-shingle Jaccard is >= 0.6
                   (>= 0.5) that the tool reported, plus `below 0.5`: reported pairs whose exact
                   Jaccard is < 0.5. Only when the archive has at most --exact-limit documents.

The peers run the way users run them: MinHash with num_perm=128 over word 5-shingles made by
Python (lower-case, words = re.findall(r"\\w+"), 5 consecutive words joined by a space, UTF-8
bytes), LSH with threshold 0.5.
  * datasketch: MinHash.update_batch + MinHashLSH(threshold=0.5, num_perm=128) (it picks
    b=25 bands x r=5 rows itself), insert every document, then query every document.
  * rensa: RMinHash(num_perm=128, seed=42).update(shingles) + RMinHashLSH(threshold=0.5,
    num_perm=128, num_bands=B), insert every document, then query every document. RMinHashLSH
    needs B to divide 128; B is chosen the way datasketch chooses its bands (least
    0.5*false-positive + 0.5*false-negative area at the threshold), which gives B=32 (r=4).
  * rensa-batch (optional): the same sketches through rensa's batch API
    (RMinHash.from_token_sets, RMinHashLSH.insert_many, RMinHashLSH.query_all).
A document with fewer than 5 words is one shingle of all its words; a document with no word is
not indexed. The exact Jaccard uses the same tokenisation (reprint tokenises on its own, with
Unicode word boundaries and case folding, so small differences on such text are expected).

The exact pairs come from an exact set-similarity join: an inverted index on shingles, probed
only with each document's prefix filter (its |x| - ceil(0.5*|x|) + 1 rarest shingles), which
provably finds every pair with Jaccard >= 0.5 while checking only pairs that share a shingle;
each candidate is then verified by intersecting the full shingle sets.

Run (from the repository root; benches/peers.sh makes the venv with the pinned peers):
    cargo build --release
    bash benches/peers.sh archive.jsonl [target/release/reprint] [--json out.json]
or directly, in an environment with datasketch, rensa and numpy:
    python benches/peers.py archive.jsonl --reprint target/release/reprint \\
        [--tools datasketch,rensa,reprint] [--exact-limit 20000] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

NUM_PERM = 128
THRESHOLD = 0.5
SHINGLE = 5
RENSA_SEED = 42
DEFAULT_TOOLS = "datasketch,rensa,reprint"
KNOWN_TOOLS = ("datasketch", "rensa", "rensa-batch", "reprint", "reprint-minhash")
PEERS = ("datasketch", "rensa", "rensa-batch")

WORD_RE = re.compile(r"\w+", re.UNICODE)


# --------------------------------------------------------------------------- tokenisation


def shingles(text: str) -> set[str]:
    """Word 5-shingles of `text`, as users build them for datasketch or rensa."""
    words = WORD_RE.findall(text.lower())
    if len(words) < SHINGLE:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def read_texts(path: str):
    """Yields the `text` of each non-blank line of the archive, in order."""
    with open(path, "rb") as f:
        for line in f:
            if line.strip():
                yield json.loads(line).get("text") or ""


def read_ids(path: str) -> list[str]:
    ids = []
    with open(path, "rb") as f:
        for line in f:
            if line.strip():
                ids.append(str(json.loads(line).get("id")))
    return ids


def count_docs(path: str) -> int:
    with open(path, "rb") as f:
        return sum(1 for line in f if line.strip())


# --------------------------------------------------------------------------- LSH band choice


def _integrate(f, a: float, b: float, n: int = 1000) -> float:
    h = (b - a) / n
    return h * (0.5 * f(a) + sum(f(a + i * h) for i in range(1, n)) + 0.5 * f(b))


def best_bands(num_perm: int, threshold: float) -> int:
    """Bands for an LSH index over `num_perm` slots whose band count must divide `num_perm`:
    datasketch's own criterion (equal weights on the false-positive area below the threshold
    and the false-negative area above it), restricted to divisors."""

    def cost(b: int) -> float:
        r = num_perm // b
        fp = _integrate(lambda s: 1 - (1 - s**r) ** b, 0.0, threshold)
        fn = _integrate(lambda s: (1 - s**r) ** b, threshold, 1.0)
        return 0.5 * fp + 0.5 * fn

    return min((b for b in range(1, num_perm + 1) if num_perm % b == 0), key=cost)


# --------------------------------------------------------------------------- peer workers
# Each runs inside its own child process (`peers.py --worker TOOL ...`) and returns
# (version, candidate pairs as document indices in archive order, seconds of work).


def pairs_from_queries(results) -> set[tuple[int, int]]:
    """(i, keys LSH returned for document i) -> deduplicated pairs (a, b) with a < b."""
    out = set()
    for i, keys in results:
        for j in keys:
            if j != i:
                out.add((i, j) if i < j else (j, i))
    return out


def run_datasketch(archive: str):
    import datasketch
    from datasketch import MinHash, MinHashLSH

    t0 = time.perf_counter()
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    sketches = []
    for i, text in enumerate(read_texts(archive)):
        sh = shingles(text)
        if not sh:
            continue
        m = MinHash(num_perm=NUM_PERM)
        m.update_batch([s.encode("utf8") for s in sh])
        lsh.insert(i, m)
        sketches.append((i, m))
    pairs = pairs_from_queries((i, lsh.query(m)) for i, m in sketches)
    secs = time.perf_counter() - t0
    return datasketch.__version__, pairs, secs, {"bands": lsh.b, "rows": lsh.r}


def run_rensa(archive: str, bands: int):
    from importlib.metadata import version

    from rensa import RMinHash, RMinHashLSH

    t0 = time.perf_counter()
    lsh = RMinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, num_bands=bands)
    sketches = []
    for i, text in enumerate(read_texts(archive)):
        sh = shingles(text)
        if not sh:
            continue
        m = RMinHash(num_perm=NUM_PERM, seed=RENSA_SEED)
        m.update([s.encode("utf8") for s in sh])
        lsh.insert(i, m)
        sketches.append((i, m))
    pairs = pairs_from_queries((i, lsh.query(m)) for i, m in sketches)
    secs = time.perf_counter() - t0
    return version("rensa"), pairs, secs, {"bands": bands, "rows": NUM_PERM // bands}


def run_rensa_batch(archive: str, bands: int):
    from importlib.metadata import version

    from rensa import RMinHash, RMinHashLSH

    t0 = time.perf_counter()
    keys, token_sets = [], []
    for i, text in enumerate(read_texts(archive)):
        sh = shingles(text)
        if sh:
            keys.append(i)
            token_sets.append([s.encode("utf8") for s in sh])
    sketches = RMinHash.from_token_sets(token_sets, num_perm=NUM_PERM, seed=RENSA_SEED)
    del token_sets
    lsh = RMinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, num_bands=bands)
    lsh.insert_many(sketches, start_key=0)  # keys are positions in `keys`
    found = lsh.query_all(sketches)
    pairs = pairs_from_queries((keys[p], [keys[q] for q in qs]) for p, qs in enumerate(found))
    secs = time.perf_counter() - t0
    return version("rensa"), pairs, secs, {"bands": bands, "rows": NUM_PERM // bands}


def worker_main(tool: str, archive: str, out: str, bands: int) -> None:
    if tool == "datasketch":
        ver, pairs, secs, extra = run_datasketch(archive)
    elif tool == "rensa":
        ver, pairs, secs, extra = run_rensa(archive, bands)
    elif tool == "rensa-batch":
        ver, pairs, secs, extra = run_rensa_batch(archive, bands)
    else:
        raise SystemExit(f"unknown peer {tool!r}")
    with open(out, "w") as f:
        json.dump({"version": ver, "seconds": secs, "pairs": sorted(pairs), **extra}, f)


# --------------------------------------------------------------------------- child processes


def run_child(cmd: list[str], stdout_path: str, stderr_path: str):
    """Runs `cmd` to completion; returns (exit status, wall seconds, peak RSS bytes of that child).

    os.wait4 gives the rusage of exactly this child, so each tool's peak is its own."""
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped: tell Popen
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    return proc.returncode, wall, ru.ru_maxrss * scale


def tail(path: str, n: int = 15) -> str:
    with open(path, "rb") as f:
        lines = f.read().decode("utf8", "replace").rstrip().splitlines()
    return "\n".join("    " + line for line in lines[-n:])


def measure_peer(tool: str, archive: str, bands: int, tmp: str) -> dict | None:
    out = os.path.join(tmp, f"{tool}.json")
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", tool, archive,
           "--worker-out", out, "--rensa-bands", str(bands)]
    log_out, log_err = os.path.join(tmp, f"{tool}.out"), os.path.join(tmp, f"{tool}.err")
    code, wall, rss = run_child(cmd, log_out, log_err)
    if code != 0:
        print(f"!! {tool}: failed (exit {code}), skipped:\n{tail(log_err)}", file=sys.stderr)
        return None
    with open(out) as f:
        res = json.load(f)
    pairs = {tuple(p) for p in res.pop("pairs")}
    secs = res.pop("seconds")
    return {
        "tool": tool,
        "version": res.pop("version"),
        "seconds": secs,
        "startup_s": max(0.0, wall - secs),  # interpreter, imports, writing the pairs out
        "peak_rss_bytes": rss,
        "candidates": len(pairs),
        "reported": len(pairs),
        "params": {"num_perm": NUM_PERM, "threshold": THRESHOLD, **res},
        "_pairs": pairs,
    }


def measure_reprint(binary: str, archive: str, tmp: str, ids: list[str] | None,
                    tool: str = "reprint") -> dict | None:
    """`reprint scan --no-passages` (one-permutation hashing, the default); the tool
    "reprint-minhash" adds `--sketch minhash`, classic MinHash like the peers'."""
    exe = binary if os.sep in binary else (shutil.which(binary) or binary)
    if not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
        print(f"!! reprint: no executable at {binary!r}, skipped "
              "(build it with `cargo build --release`, or pass --reprint PATH)", file=sys.stderr)
        return None
    try:
        ver = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30)
        version = ver.stdout.strip().split()[-1] if ver.returncode == 0 and ver.stdout.strip() else "?"
    except (OSError, subprocess.TimeoutExpired):
        version = "?"
    out = os.path.join(tmp, "reprint.json")
    cmd = [exe, "scan", "--no-passages", "--format", "json", "--quiet", "-o", out, archive]
    if tool == "reprint-minhash":
        cmd[2:2] = ["--sketch", "minhash"]
    log_out, log_err = os.path.join(tmp, "reprint.out"), os.path.join(tmp, "reprint.err")
    code, wall, rss = run_child(cmd, log_out, log_err)
    if code not in (0, 1):  # 0: no duplicates, 1: duplicates found
        print(f"!! reprint: `{' '.join(cmd)}` failed (exit {code}), skipped:\n{tail(log_err)}",
              file=sys.stderr)
        return None
    try:
        with open(out) as f:
            rep = json.load(f)
        raw = rep["pairs"]
        candidates = rep["stats"]["candidates"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"!! reprint: cannot read its report {out}: {e!r}, skipped", file=sys.stderr)
        return None
    pairs = None
    if ids is not None:
        pairs = reprint_pairs_to_indices(raw, ids)
    return {
        "tool": tool,
        "version": version,
        "seconds": wall,
        "startup_s": 0.0,
        "peak_rss_bytes": rss,
        "candidates": candidates,
        "reported": len(raw),
        "params": {"command": cmd[:-2] + ["OUT", "ARCHIVE"]},
        "_pairs": pairs,
    }


def reprint_pairs_to_indices(raw: list[dict], ids: list[str]) -> set[tuple[int, int]]:
    """reprint names documents by their `id`; map them to archive positions (ids are expected
    to be unique; an integer that is not an id is taken as a 0-based line index)."""
    index = {}
    for i, d in enumerate(ids):
        index.setdefault(d, i)
    out, unknown = set(), 0
    for p in raw:
        ends = []
        for key in (p["a"], p["b"]):
            if str(key) in index:
                ends.append(index[str(key)])
            elif isinstance(key, int) and 0 <= key < len(ids):
                ends.append(key)
            else:
                unknown += 1
        if len(ends) == 2 and ends[0] != ends[1]:
            out.add((min(ends), max(ends)))
    if unknown:
        print(f"!! reprint: {unknown} pair ends name no document of the archive", file=sys.stderr)
    return out


# --------------------------------------------------------------------------- exact Jaccard


class ExactJaccard:
    """Exact word-5-shingle Jaccard over the archive (numpy arrays of shingle hashes)."""

    def __init__(self, archive: str):
        import numpy as np

        self.np = np
        # hash() of a str is 64-bit and stable within this process; with a few million
        # distinct shingles a collision is ~1e-5 likely and would move one pair by one shingle.
        self.sets = [np.unique(np.fromiter((hash(s) for s in shingles(t)), dtype=np.int64))
                     for t in read_texts(archive)]

    def jaccard(self, a: int, b: int) -> float:
        x, y = self.sets[a], self.sets[b]
        if len(x) == 0 or len(y) == 0:
            return 0.0
        inter = len(self.np.intersect1d(x, y, assume_unique=True))
        return inter / (len(x) + len(y) - inter)

    def pairs_at_least(self, t: float) -> dict[tuple[int, int], float]:
        """Every pair (a < b) with Jaccard >= t: inverted index on each document's prefix-filter
        shingles (rarest first), length filter, then exact verification."""
        np = self.np
        sizes = np.array([len(s) for s in self.sets])
        nonempty = [i for i in range(len(self.sets)) if sizes[i]]
        if not nonempty:
            return {}
        flat = np.concatenate([self.sets[i] for i in nonempty])
        uniq, df = np.unique(flat, return_counts=True)
        rank = np.empty(len(uniq), dtype=np.int64)
        rank[np.lexsort((uniq, df))] = np.arange(len(uniq))  # rare shingles first
        post_tok, post_doc = [], []
        for i in nonempty:
            r = np.sort(rank[np.searchsorted(uniq, self.sets[i])])
            keep = int(sizes[i]) - math.ceil(t * int(sizes[i]) - 1e-9) + 1
            post_tok.append(r[:keep])
            post_doc.append(np.full(min(keep, len(r)), i, dtype=np.int64))
        tok, doc = np.concatenate(post_tok), np.concatenate(post_doc)
        order = np.lexsort((doc, tok))
        tok, doc = tok[order], doc[order]
        starts = np.flatnonzero(np.r_[True, tok[1:] != tok[:-1]])
        ends = np.r_[starts[1:], len(tok)]
        cands = set()
        for s, e in zip(starts[ends - starts > 1].tolist(), ends[ends - starts > 1].tolist()):
            group = doc[s:e].tolist()
            for x in range(len(group)):
                a = group[x]
                for b in group[x + 1 :]:
                    lo, hi = sorted((int(sizes[a]), int(sizes[b])))
                    if lo >= t * hi - 1e-9:  # length filter: J <= lo/hi
                        cands.add((a, b) if a < b else (b, a))
        out = {}
        for a, b in cands:
            j = self.jaccard(a, b)
            if j >= t:
                out[(a, b)] = j
        return out


def score(results: list[dict], exact: ExactJaccard) -> dict:
    truth = exact.pairs_at_least(0.5)
    t6 = {p for p, j in truth.items() if j >= 0.6}
    t5 = set(truth)
    for r in results:
        pairs = r.get("_pairs")
        if pairs is None:
            continue
        r["recall_0.6"] = len(pairs & t6) / len(t6) if t6 else None
        r["recall_0.5"] = len(pairs & t5) / len(t5) if t5 else None
        r["below_0.5"] = sum(1 for p in pairs - t5 if exact.jaccard(*p) < 0.5)
    return {"pairs_jaccard_ge_0.6": len(t6), "pairs_jaccard_ge_0.5": len(t5)}


# --------------------------------------------------------------------------- report


def fmt(x, spec: str) -> str:
    return "n/a" if x is None else format(x, spec)


def table(results: list[dict], size: int, exact: bool) -> str:
    head = ["tool", "version", "time (s)", "MB/s", "peak RSS (MB)", "candidate pairs",
            "reported pairs"]
    if exact:
        head += ["recall@0.6", "recall@0.5", "reported J<0.5"]
    rows = [head, ["---"] * len(head)]
    for r in results:
        row = [r["tool"], r["version"], fmt(r["seconds"], ".2f"),
               fmt(size / 1e6 / r["seconds"] if r["seconds"] > 0 else None, ".1f"),
               fmt(r["peak_rss_bytes"] / 1e6, ".0f"), str(r["candidates"]), str(r["reported"])]
        if exact:
            row += [fmt(r.get("recall_0.6"), ".4f"), fmt(r.get("recall_0.5"), ".4f"),
                    fmt(r.get("below_0.5"), "d")]
        rows.append(row)
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def speed_lines(results: list[dict]) -> list[str]:
    lines = []
    for rep in results:
        if not rep["tool"].startswith("reprint") or rep["seconds"] <= 0:
            continue
        for r in results:
            if r["tool"].startswith("reprint"):
                continue
            ratio = r["seconds"] / rep["seconds"]
            lines.append(f"{rep['tool']} is {ratio:.1f}× faster than {r['tool']}" if ratio >= 1
                         else f"{rep['tool']} is {1 / ratio:.1f}× slower than {r['tool']}")
    return lines


def env_versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": sys.version.split()[0]}
    for pkg in ("datasketch", "rensa", "numpy", "scipy"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


# --------------------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("archive", help="JSON Lines archive, one {\"id\", \"text\"} per line")
    ap.add_argument("--reprint", default="target/release/reprint", help="reprint binary")
    ap.add_argument("--tools", default=DEFAULT_TOOLS,
                    help=f"comma-separated subset of {','.join(KNOWN_TOOLS)} "
                         f"(default {DEFAULT_TOOLS})")
    ap.add_argument("--exact-limit", type=int, default=20000,
                    help="compute exact Jaccard and recall only up to this many documents")
    ap.add_argument("--json", metavar="OUT", help="also write the numbers as JSON to OUT")
    ap.add_argument("--rensa-bands", type=int, default=0,
                    help="bands for RMinHashLSH (default: chosen as datasketch chooses, 32)")
    ap.add_argument("--worker", choices=PEERS, help=argparse.SUPPRESS)
    ap.add_argument("--worker-out", help=argparse.SUPPRESS)
    args = ap.parse_args()

    bands = args.rensa_bands or best_bands(NUM_PERM, THRESHOLD)
    if NUM_PERM % bands:
        ap.error(f"--rensa-bands must divide {NUM_PERM}")
    if args.worker:
        worker_main(args.worker, args.archive, args.worker_out, bands)
        return 0

    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    bad = [t for t in tools if t not in KNOWN_TOOLS]
    if bad:
        ap.error(f"unknown tool(s) {bad}; known: {', '.join(KNOWN_TOOLS)}")
    if not os.path.isfile(args.archive):
        ap.error(f"no archive at {args.archive}")
    archive = os.path.abspath(args.archive)
    size = os.path.getsize(archive)
    n_docs = count_docs(archive)
    do_exact = n_docs <= args.exact_limit
    print(f"archive: {args.archive}: {n_docs} documents, {size / 1e6:.1f} MB", file=sys.stderr)

    ids = read_ids(archive) if do_exact and any(t.startswith("reprint") for t in tools) else None
    results = []
    with tempfile.TemporaryDirectory(prefix="reprint-peers-") as tmp:
        for tool in tools:
            print(f"running {tool} ...", file=sys.stderr, flush=True)
            if tool.startswith("reprint"):
                r = measure_reprint(args.reprint, archive, tmp, ids, tool)
            else:
                r = measure_peer(tool, archive, bands, tmp)
            if r is not None:
                print(f"  {tool}: {r['seconds']:.2f} s", file=sys.stderr, flush=True)
                results.append(r)

    if not results:
        print("no tool ran: nothing to report", file=sys.stderr)
        return 1

    exact_info = None
    if do_exact:
        try:
            import numpy  # noqa: F401  (datasketch depends on it)
        except ImportError:
            print("!! numpy is missing: no exact Jaccard / recall", file=sys.stderr)
            do_exact = False
        else:
            print("computing exact Jaccard ...", file=sys.stderr, flush=True)
            t0 = time.perf_counter()
            exact_info = score(results, ExactJaccard(archive))
            exact_info["seconds"] = time.perf_counter() - t0
    elif not do_exact:
        print(f"more than --exact-limit={args.exact_limit} documents: no exact Jaccard / recall",
              file=sys.stderr)

    print()
    print(f"Archive `{os.path.basename(archive)}`: {n_docs} documents, {size / 1e6:.1f} MB. "
          f"Peers: MinHash num_perm={NUM_PERM}, LSH threshold={THRESHOLD}, word {SHINGLE}-shingles.")
    if exact_info:
        print(f"Exact word-{SHINGLE}-shingle Jaccard: {exact_info['pairs_jaccard_ge_0.6']} pairs "
              f">= 0.6, {exact_info['pairs_jaccard_ge_0.5']} pairs >= 0.5.")
    print()
    print(table(results, size, exact_info is not None))
    lines = speed_lines(results)
    if lines:
        print()
        for line in lines:
            print(line)

    if args.json:
        doc = {
            "archive": {"path": archive, "bytes": size, "documents": n_docs},
            "environment": env_versions(),
            "exact": exact_info,
            "tools": [
                {k: v for k, v in r.items() if not k.startswith("_")}
                | {"mb_per_s": size / 1e6 / r["seconds"] if r["seconds"] > 0 else None,
                   "peak_rss_mb": r["peak_rss_bytes"] / 1e6}
                for r in results
            ],
            "speedup": speed_lines(results),
        }
        with open(args.json, "w") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
