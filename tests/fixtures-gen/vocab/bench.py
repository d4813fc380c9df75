"""Times Hugging Face's BertWordPieceTokenizer.train (Rust tokenizers through its Python binding)
on corpus files with nezha vocab's options, for docs/BENCHMARKS.md. See README.md.

    python bench.py --vocab-size 8000 [--min-frequency 2] [--limit-alphabet 1000] FILE...
"""
import argparse
import time

import tokenizers
from tokenizers import BertWordPieceTokenizer

parser = argparse.ArgumentParser()
parser.add_argument('files', nargs='+')
parser.add_argument('--vocab-size', type=int, required=True)
parser.add_argument('--min-frequency', type=int, default=2)
parser.add_argument('--limit-alphabet', type=int, default=1000)
args = parser.parse_args()
tokenizer = BertWordPieceTokenizer()
start = time.perf_counter()
tokenizer.train(args.files, vocab_size=args.vocab_size, min_frequency=args.min_frequency,
                limit_alphabet=args.limit_alphabet, show_progress=False)
print(f'tokenizers {tokenizers.__version__}: {tokenizer.get_vocab_size()} tokens in {time.perf_counter() - start:.2f} s')
