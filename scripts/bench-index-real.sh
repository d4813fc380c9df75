#!/usr/bin/env bash
# The vector index on real sentence embeddings (docs/BENCHMARKS.md, "Vector index (HNSW)"): every distinct
# sentence of the bundled AFQMC, STS-B and pretraining corpora (103,414), shuffled with a fixed seed, embedded by
# MODEL_DIR (e.g. scripts/bench-retrieval.sh's target/bench-retrieval/bi-encoder/best), then nezha bench index
# on those vectors: the last 1,000 are the queries, the rest the index; recall@10 against exact search.
# Usage: scripts/bench-index-real.sh MODEL_DIR [EF_SEARCH_LIST]   (default 10,20,50,100,200)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="${1:?usage: scripts/bench-index-real.sh MODEL_DIR [EF_SEARCH_LIST]}"
ef="${2:-10,20,50,100,200}"
data="$root/data"
work="$root/target/bench-index-real"
"$root/nezha" --version >/dev/null   # builds the application if needed
rm -rf "$work"
mkdir -p "$work"
python3 - "$data" "$work/texts.jsonl" <<'PY'
import csv, glob, json, random, sys
data, out = sys.argv[1], sys.argv[2]
seen = {}
def add(text):
    text = text.strip()
    if text and text not in seen:
        seen[text] = len(seen)
for name in ("train", "dev"):
    for i, row in enumerate(csv.reader(open(f"{data}/afqmc/{name}.tsv", encoding="utf-8"), delimiter="\t", quoting=csv.QUOTE_NONE)):
        if i > 0:
            add(row[0]); add(row[1])
    for line in open(f"{data}/sts_b_zh/{name}.txt", encoding="utf-8"):
        fields = line.rstrip("\n").split("||"); add(fields[1]); add(fields[2])
for path in sorted(glob.glob(f"{data}/corpus/*.txt")):
    for line in open(path, encoding="utf-8"):
        add(line)
lines = [json.dumps({"id": str(i), "text": t}, ensure_ascii=False) for t, i in seen.items()]
random.Random(1).shuffle(lines)
open(out, "w", encoding="utf-8").write("\n".join(lines) + "\n")
PY
"$root/nezha" embed --model "$model" --input "$work/texts.jsonl" --output "$work/vectors.npy" --seq-len 64 2>/dev/null
"$root/nezha" bench index --vectors-file "$work/vectors.npy" --queries 1000 --m 16 --ef-construction 100 --ef-search "$ef" \
    --work-dir "$work" 2>/dev/null
