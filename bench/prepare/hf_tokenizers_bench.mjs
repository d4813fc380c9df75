// Hugging Face's Rust tokenizers (npm `tokenizers`, BertWordPiece as transformers' BertConverter sets it up)
// encoding a corpus the way `nezha prepare` reads it: every non-blank line, ids only, no [CLS]/[SEP].
// Threads: RAYON_RS_NUM_THREADS (set it to the --threads given to nezha prepare). See README.md.
//
//   RAYON_RS_NUM_THREADS=2 node hf_tokenizers_bench.mjs --modules DIR_WITH_NODE_MODULES --vocab VOCAB_TXT FILE...
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const argv = process.argv.slice(2);
const option = (name) => { const i = argv.indexOf(`--${name}`); return i < 0 ? undefined : argv.splice(i, 2)[1]; };
const modules = option('modules') ?? '.';
const vocabPath = option('vocab');
const lowercase = (option('lowercase') ?? 'true') === 'true';
const files = argv;
const require = createRequire(path.join(path.resolve(modules), 'package.json'));
const { Tokenizer } = require('tokenizers');

const started = process.hrtime.bigint();
const vocabTokens = fs.readFileSync(vocabPath, 'utf8').split(/\r?\n/);
if (vocabTokens.at(-1) === '') vocabTokens.pop();
const vocab = Object.fromEntries(vocabTokens.map((token, id) => [token, id]));
const tokenizer = Tokenizer.fromString(JSON.stringify({
  version: '1.0', truncation: null, padding: null,
  added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map((content) => ({
    id: vocab[content], content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
  })),
  normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase },
  pre_tokenizer: { type: 'BertPreTokenizer' },
  post_processor: null,
  decoder: null,
  model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
}));

const CHUNK_LINES = 2048; // as nezha prepare's chunks
let bytes = 0, lines = 0, tokens = 0;
for (const file of files) {
  const text = fs.readFileSync(file, 'utf8');
  bytes += Buffer.byteLength(text, 'utf8');
  const sentences = text.split('\n').filter((line) => line.trim() !== '');
  for (let i = 0; i < sentences.length; i += CHUNK_LINES) {
    const encodings = await tokenizer.encodeBatch(sentences.slice(i, i + CHUNK_LINES), { addSpecialTokens: false });
    for (const e of encodings) tokens += e.getIds().length;
  }
  lines += sentences.length;
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(JSON.stringify({ files: files.length, lines, tokens, mb: bytes / 1e6, seconds, mb_per_s: bytes / 1e6 / seconds,
  threads: process.env.RAYON_RS_NUM_THREADS ?? process.env.RAYON_NUM_THREADS ?? 'default' }));
