// Times Hugging Face's Rust WordPiece trainer through its Node binding on corpus files, for
// docs/BENCHMARKS.md. The binding's Tokenizer.train always uses the model's default trainer
// (vocab_size 30000, min_frequency 0, no alphabet limit, no special tokens): compare with
// `nezha vocab --vocab-size 30005 --min-frequency 1 --limit-alphabet 1000000` (see README.md).
//
//   node bench.mjs --modules DIR_WITH_NODE_MODULES [--lowercase false] FILE...
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i < 0 ? fallback : argv.splice(i, 2)[1];
};
const here = path.dirname(fileURLToPath(import.meta.url));
const modules = option('modules', here);
const lowercase = option('lowercase', 'true') === 'true';
const require = createRequire(path.join(path.resolve(modules), 'package.json'));
const { Tokenizer } = require('tokenizers');

const tokenizer = Tokenizer.fromString(JSON.stringify({
  version: '1.0',
  truncation: null,
  padding: null,
  added_tokens: [],
  normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase },
  pre_tokenizer: { type: 'BertPreTokenizer' },
  post_processor: null,
  decoder: null,
  model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: {} },
}));
const start = process.hrtime.bigint();
tokenizer.train(argv);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(`tokenizers ${require('tokenizers/package.json').version}: ${tokenizer.getVocabSize()} tokens in ${seconds.toFixed(2)} s`);
