#!/usr/bin/env python3
"""Writes a synthetic news archive with planted reuse, as JSON Lines on standard output.

    python3 benches/planted_corpus.py N [SEED] > archive.jsonl

Every article is 250-600 words of made-up vocabulary (so only planted text is shared), with an
outlet (one of 40), a 2018 date and a title. Then, for a reproducible random choice of articles:

  * 5% are near-duplicates of an earlier article: the whole text, with about 3% of the words
    changed and a line added;
  * 15% lift one passage of 40-120 words from an earlier article, verbatim;
  * 10% lift one passage of 40-120 words from an earlier article, reworded: about 10% of its
    words replaced and a few inserted;
  * a "wire story" passage of 60 words is carried by 1% of the articles, verbatim.

Used to measure the size of the HTML report on a larger corpus (docs/html-report.md); the same
seed always gives the same file.
"""

import json
import random
import sys


def main():
    n = int(sys.argv[1])
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 7)
    syll = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "si", "pe", "da", "gu", "ri", "mo", "fe",
            "za", "ni", "te", "bo", "la", "chi", "sha", "ven", "tor", "mar", "sel", "dan"]
    vocab = sorted({"".join(rng.choice(syll) for _ in range(rng.randint(1, 4)))
                    for _ in range(30000)})
    common = ["the", "a", "of", "to", "and", "in", "said", "on", "for", "that", "with", "was"]
    outlets = [f"Outlet {i:02d}" for i in range(40)]

    def words(k):
        out = []
        for _ in range(k):
            out.append(rng.choice(common) if rng.random() < 0.3 else rng.choice(vocab))
        return out

    def text_of(ws):
        sentences, i = [], 0
        while i < len(ws):
            k = rng.randint(8, 20)
            s = " ".join(ws[i:i + k])
            sentences.append(s[:1].upper() + s[1:] + ".")
            i += k
        paras = [" ".join(sentences[j:j + 4]) for j in range(0, len(sentences), 4)]
        return "\n\n".join(paras)

    wire = words(60)
    docs = []
    for i in range(n):
        ws = words(rng.randint(250, 600))
        r = rng.random()
        if i > 0 and r < 0.05:
            src = docs[rng.randrange(len(docs))]["words"]
            ws = [w if rng.random() > 0.03 else rng.choice(vocab) for w in src] + words(12)
        elif i > 0 and r < 0.30:
            src = docs[rng.randrange(len(docs))]["words"]
            k = rng.randint(40, 120)
            s = rng.randrange(max(1, len(src) - k))
            piece = src[s:s + k]
            if r >= 0.20:
                piece = [w if rng.random() > 0.10 else rng.choice(vocab) for w in piece]
                for _ in range(3):
                    piece.insert(rng.randrange(len(piece)), rng.choice(vocab))
            at = rng.randrange(len(ws))
            ws = ws[:at] + piece + ws[at:]
        if rng.random() < 0.01:
            at = rng.randrange(len(ws))
            ws = ws[:at] + wire + ws[at:]
        docs.append({"words": ws})
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        record = {
            "id": f"a{i:06d}",
            "outlet": rng.choice(outlets),
            "date": f"2018-{month:02d}-{day:02d}",
            "title": " ".join(words(6)).capitalize(),
            "url": f"https://news.example/{i:06d}",
            "text": text_of(ws),
        }
        sys.stdout.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    main()
