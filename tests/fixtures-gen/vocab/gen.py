"""Trains the expected WordPiece vocabularies of nezha-core's VocabTrainerTest with Hugging Face's
BertWordPieceTokenizer (Rust tokenizers through its Python binding). See README.md.

    python gen.py [--corpus CORPUS] [--out DIR]
"""
import argparse
import os
import shutil
import tempfile

import tokenizers
from tokenizers import BertWordPieceTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
RESOURCES = os.path.join(HERE, '..', '..', '..', 'nezha-core', 'src', 'test', 'resources', 'vocab')

# name: (vocab_size, min_frequency, limit_alphabet, lowercase); every other option is the
# BertWordPieceTokenizer default: clean_text, handle_chinese_chars, strip_accents=None (follows
# lowercase), special tokens [PAD] [UNK] [CLS] [SEP] [MASK], initial_alphabet [], prefix "##".
OPTION_SETS = {
    'hf_v800_min1_alpha300_lower.txt': (800, 1, 300, True),
    'hf_v2000_min2_lower.txt': (2000, 2, 1000, True),
    'hf_v3000_min3_cased.txt': (3000, 3, 1000, False),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--corpus', default=os.path.join(RESOURCES, 'corpus.txt'))
    parser.add_argument('--out', default=RESOURCES)
    args = parser.parse_args()
    for name, (vocab_size, min_frequency, limit_alphabet, lowercase) in OPTION_SETS.items():
        tokenizer = BertWordPieceTokenizer(clean_text=True, handle_chinese_chars=True, strip_accents=None, lowercase=lowercase)
        tokenizer.train([args.corpus], vocab_size=vocab_size, min_frequency=min_frequency,
                        limit_alphabet=limit_alphabet, show_progress=False)
        with tempfile.TemporaryDirectory(dir=args.out) as scratch:
            tokenizer.save_model(scratch)
            shutil.move(os.path.join(scratch, 'vocab.txt'), os.path.join(args.out, name))
        print(f'{name}: {tokenizer.get_vocab_size()} tokens (tokenizers {tokenizers.__version__})')


if __name__ == '__main__':
    main()
