"""Re-creates the BertTokenizer fixtures with transformers' slow (pure Python) BertTokenizer.

The cases (texts, max_length, pad) are read from the committed JSONL files, encoded again with
transformers, written to --out in the same format, and compared with the committed expectations.
Exit status 1 when any case differs. See README.md.

    pip install 'transformers>=4.30' && python gen_transformers.py --out /tmp/tokenizer-fixtures
"""

import argparse
import json
import pathlib
import sys
import unicodedata

try:  # transformers >= 5 keeps the slow tokenizer under this name; BertTokenizer is the Rust one there.
    from transformers.models.bert.tokenization_bert_legacy import BertTokenizerLegacy as SlowBertTokenizer
except ImportError:
    from transformers import BertTokenizer as SlowBertTokenizer
import transformers

HERE = pathlib.Path(__file__).resolve().parent
RESOURCES = HERE.parents[2] / "nezha-core" / "src" / "test" / "resources" / "tokenizer"
FIXTURES = {"hf_bert_uncased.jsonl": True, "hf_bert_cased.jsonl": False}


def escape_invisible(line):
    """The same escaping gen.mjs applies: categories C*, Z* (but the space) and M* as \\u escapes."""
    out = []
    for ch in line:
        if ch != " " and unicodedata.category(ch)[0] in "CZM":
            units = ch.encode("utf-16-be", "surrogatepass")
            out.extend("\\u%02x%02x" % (units[i], units[i + 1]) for i in range(0, len(units), 2))
        else:
            out.append(ch)
    return "".join(out)


def encode_case(tokenizer, case):
    text_a, text_b, max_length, pad = case["text_a"], case["text_b"], case["max_length"], case["pad"]
    record = {"text_a": text_a, "text_b": text_b, "max_length": max_length, "pad": pad}
    if text_b is None:
        record["tokens"] = tokenizer.tokenize(text_a)
    encoded = tokenizer(
        text_a,
        text_b,
        max_length=max_length,
        truncation="longest_first" if max_length is not None else False,
        padding="max_length" if pad else False,
        return_token_type_ids=True,
        return_attention_mask=True,
    )
    record["input_ids"] = encoded["input_ids"]
    record["token_type_ids"] = encoded["token_type_ids"]
    record["attention_mask"] = encoded["attention_mask"]
    return record


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--vocab", default=str(RESOURCES / "vocab.txt"))
    parser.add_argument("--cases", default=str(RESOURCES), help="folder with the committed JSONL files")
    parser.add_argument("--out", required=True, help="folder to write the regenerated JSONL files to")
    args = parser.parse_args()
    out_dir = pathlib.Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    differences = 0
    for name, do_lower_case in FIXTURES.items():
        tokenizer = SlowBertTokenizer(args.vocab, do_lower_case=do_lower_case)
        assert not getattr(tokenizer, "is_fast", False), "needs the slow (Python) BertTokenizer"
        lines = []
        with open(pathlib.Path(args.cases) / name, encoding="utf-8") as committed:
            for number, line in enumerate(committed, 1):
                expected = json.loads(line)
                actual = encode_case(tokenizer, expected)
                if actual != expected:
                    differences += 1
                    print(f"{name}:{number} differs: {ascii(expected['text_a'])[:60]}", file=sys.stderr)
                    print(f"  committed {ascii(expected.get('tokens', expected['input_ids']))[:200]}", file=sys.stderr)
                    print(f"  slow      {ascii(actual.get('tokens', actual['input_ids']))[:200]}", file=sys.stderr)
                lines.append(escape_invisible(json.dumps(actual, ensure_ascii=False, separators=(",", ":"))))
        (out_dir / name).write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
        print(f"{name}: {len(lines)} cases, transformers {transformers.__version__} {SlowBertTokenizer.__name__}")
    print(f"{differences} cases differ from the committed fixtures")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
