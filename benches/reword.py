#!/usr/bin/env python3
"""Rewording check on real sentences, with edits of another kind than `reprint synth` makes.

Takes the sentences of 12-40 words of the five seed articles (fixtures/seeds, real news text),
edits copies of them at a given rate with operations `reprint synth` does not use the same way
(a synonym from a small list or an inserted adverb, a dropped word, two words swapped, an
inserted hedge such as "reportedly", a transposed-letter typo), and plants each original and
its edited copy in two articles of unrelated filler. Then, per edit rate:

* `diff`: `reprint diff` on each pair of articles; found when the passages cover more than half
  of the original sentence;
* `scan`: one `reprint scan` over all articles of that rate (as JSON Lines); found when the pair
  of articles holding the sentence is reported with a passage.

Deterministic (fixed seeds); the filler is words of the seeds in random order, so pairs of
articles other than the planted ones can share a real quote of the seeds and are not counted.

Usage: python3 benches/reword.py [path/to/reprint]   (default target/release/reprint)
"""

import glob
import json
import os
import random
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPRINT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/release/reprint")
RATES = [0.0, 0.05, 0.1, 0.2, 0.3]
SENTENCES = 60

SYNONYMS = {
    "said": "stated", "big": "large", "help": "assist", "start": "begin", "show": "demonstrate",
    "people": "individuals", "about": "regarding", "but": "however", "also": "additionally",
    "very": "extremely", "many": "numerous", "get": "obtain", "use": "utilize",
    "need": "require", "country": "nation", "important": "significant", "told": "informed",
    "asked": "questioned",
}


def edit(rng, sentence, rate):
    words = sentence.split()
    out = []
    i = 0
    while i < len(words):
        w = words[i]
        if rng.random() < rate:
            op = rng.choice(["synonym", "drop", "swap", "insert", "typo"])
            if op == "synonym":
                key = w.lower().strip('.,"')
                out.append(SYNONYMS.get(key, rng.choice(["really", "indeed", "now", "quite"]) + " " + w))
            elif op == "drop":
                pass
            elif op == "swap" and i + 1 < len(words):
                out += [words[i + 1], w]
                i += 1
            elif op == "insert":
                out += [w, rng.choice(["reportedly", "allegedly", "also", "still"])]
            elif op == "typo" and len(w) > 4:
                j = rng.randrange(1, len(w) - 2)
                out.append(w[:j] + w[j + 1] + w[j] + w[j + 2:])
            else:
                out.append(w)
        else:
            out.append(w)
        i += 1
    return " ".join(out)


def main():
    seeds = [open(f, encoding="utf-8").read() for f in sorted(glob.glob(os.path.join(ROOT, "fixtures/seeds/*.txt")))]
    sentences = sorted({
        s.strip() for t in seeds for s in re.split(r"(?<=[.!?])\s+", t) if 12 <= len(s.split()) <= 40
    })
    vocab = [w for t in seeds for w in re.findall(r"[A-Za-z']+", t)]
    rng = random.Random(7)

    def filler(words):
        return " ".join(
            " ".join(rng.choice(vocab) for _ in range(12)).capitalize() + "." for _ in range(words // 12)
        )

    print(f"{len(sentences)} sentences of 12-40 words in the seeds; {SENTENCES} per rate\n")
    print("| words edited | diff: found | scan: found |")
    print("|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for rate in RATES:
            picked = rng.sample(sentences, SENTENCES)
            diff_found = 0
            lines = []
            for k, s in enumerate(picked):
                e = edit(rng, s, rate)
                a = filler(150) + " " + s + " " + filler(150)
                b = filler(150) + " " + e + " " + filler(150)
                pa, pb = os.path.join(tmp, "a.txt"), os.path.join(tmp, "b.txt")
                open(pa, "w", encoding="utf-8").write(a)
                open(pb, "w", encoding="utf-8").write(b)
                r = subprocess.run([REPRINT, "diff", pa, pb, "--format", "json"], capture_output=True, text=True)
                passages = json.loads(r.stdout)["passages"]
                start = a.index(s)
                covered = sum(
                    max(0, min(p["a_end"], start + len(s)) - max(p["a_start"], start)) for p in passages
                )
                diff_found += covered > len(s) / 2
                lines.append(json.dumps({"id": f"{k:03d}a", "text": a}))
                lines.append(json.dumps({"id": f"{k:03d}b", "text": b}))
            archive = os.path.join(tmp, "c.jsonl")
            open(archive, "w", encoding="utf-8").write("\n".join(lines) + "\n")
            r = subprocess.run([REPRINT, "scan", archive, "--format", "json", "--quiet"], capture_output=True, text=True)
            report = json.loads(r.stdout)
            scan_found = len({
                p["a"][:3] for p in report["pairs"] if p["a"][:3] == p["b"][:3] and p["passages"]
            })
            print(f"| {rate:.0%} | {diff_found}/{SENTENCES} | {scan_found}/{SENTENCES} |")


if __name__ == "__main__":
    main()
