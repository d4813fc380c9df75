// Generates the BertTokenizer fixtures (JSONL) with Hugging Face's Rust `tokenizers`, set up exactly
// as transformers' BertConverter turns a slow BertTokenizer into its fast twin. See README.md.
//
//   node gen.mjs --modules DIR_WITH_NODE_MODULES --vocab VOCAB_TXT --out OUT_DIR
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(path.resolve(args.modules ?? here), 'package.json'));
const { Tokenizer } = require('tokenizers');
const tokenizersVersion = require('tokenizers/package.json').version;
const vocabPath = args.vocab ?? path.join(here, '../../../nezha-core/src/test/resources/tokenizer/vocab.txt');
const outDir = args.out ?? path.join(here, '../../../nezha-core/src/test/resources/tokenizer');

// Same reading as transformers' load_vocab: one token per line, id = line index.
const vocabTokens = fs.readFileSync(vocabPath, 'utf8').split('\n');
if (vocabTokens.at(-1) === '') vocabTokens.pop();
const vocab = Object.fromEntries(vocabTokens.map((token, id) => [token, id]));
const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];

function tokenizerJson(doLowerCase, maxLength, pad) {
  const cls = { id: '[CLS]', ids: [vocab['[CLS]']], tokens: ['[CLS]'] };
  const sep = { id: '[SEP]', ids: [vocab['[SEP]']], tokens: ['[SEP]'] };
  return {
    version: '1.0',
    truncation: maxLength == null ? null : { direction: 'Right', max_length: maxLength, strategy: 'LongestFirst', stride: 0 },
    padding: maxLength == null || !pad ? null : {
      strategy: { Fixed: maxLength }, direction: 'Right', pad_to_multiple_of: null,
      pad_id: vocab['[PAD]'], pad_type_id: 0, pad_token: '[PAD]',
    },
    // Special tokens match the raw text, case-sensitively, before normalisation (slow: tokens_trie).
    added_tokens: SPECIALS.map((content) => ({
      id: vocab[content], content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
    })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: doLowerCase },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: { '[CLS]': cls, '[SEP]': sep },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
}

const tokenizers = new Map();
function tokenizer(doLowerCase, maxLength, pad) {
  const key = `${doLowerCase}/${maxLength}/${pad}`;
  if (!tokenizers.has(key)) tokenizers.set(key, Tokenizer.fromString(JSON.stringify(tokenizerJson(doLowerCase, maxLength, pad))));
  return tokenizers.get(key);
}

const CJK_LONG = '自然语言处理是计算机科学领域与人工智能领域中的一个重要方向它研究能实现人与计算机之间用自然语言进行有效通信的各种理论和方法';
const EN_LONG = 'Natural language processing is an interdisciplinary subfield of computer science and linguistics concerned with giving computers the ability to understand text';

// Texts whose ids the fast and the slow tokenizer agree on in both casing modes.
const TEXTS = [
  // Chinese
  '今天天气很好，我们去公园散步吧。',
  '中华人民共和国成立于1949年10月1日。',
  '自然语言处理（NLP）是人工智能的一个重要分支！',
  '「你好」《三体》——刘慈欣？真的吗！',
  '他说：“这是2023年的新款iPhone 15 Pro Max，售价￥8999。”',
  '我爱NLP和深度学习Deep Learning',
  '繁體中文測試：臺灣、香港、澳門',
  '１２３４５６ＡＢＣｄｅｆ！？',
  '数学公式：E=mc²，π≈3.14159，∑∞',
  '网址https://www.example.com/path?q=1&r=2，邮箱test@example.org',
  '价格：$19.99、€20、£15、¥100',
  '第一章\t第一节\n正文内容\r\n结束',
  '日本語のテキスト：ひらがなとカタカナ',
  '한국어 텍스트 테스트',
  CJK_LONG,
  // English
  'Hello World! This is a TEST.',
  'The quick brown fox jumps over the lazy dog.',
  'UPPERCASE lowercase MiXeD CaSe',
  'Café naïve Ångström résumé façade',
  "Don't stop-believing: it's 3:00 p.m.; okay?",
  'unaffable unbelievably internationalization',
  'Supercalifragilisticexpialidocious antidisestablishmentarianism',
  'e-mail: john.doe+spam@gmail.com',
  'C++ and C# are programming languages; so is Java 25.',
  EN_LONG,
  // numbers
  '3.1415926 1,000,000 2024-01-01 12:30:45 100% 0.5',
  '１２３ 456 七八九 ⅠⅡⅢ ①②③',
  // punctuation
  '...!!!???,,,;;;:::\'\'\'"""',
  '，。！？、；：「」『』（）【】《》〈〉…—～·',
  '@#$%^&*()_+-=[]{}|\\/<>`~',
  '¿Qué? ¡Sí! «quoted» ‹single› „low“ ‘curly’ §¶†‡',
  // emoji
  '😀👍🏽',
  '👨‍👩‍👧‍👦 family',
  '我今天很开心😀😀😀！',
  '❤️ 🇨🇳 🇺🇸 ☺︎',
  '🥰 party🎉time',
  '笑死😂😂👍🔥😎了 cool😎',
  // CJK extensions
  '𠀀𠀁𠮷野家',
  '𪚥 𪜀 𫝀 𬀀',
  '㐀㐁 龥',
  // control and invisible characters
  'abc\u0000def\u0001ghi\u007fjkl\u0085mno',
  'zero\u200bwidth\u200cnon\u200djoiner!',
  'soft\u00adhyphen bom\ufeffstart repl\ufffdchar private\ue000use',
  'vertical\u000btab form\u000cfeed\u001cfs',
  'lone \ud800 surrogate',
  // whitespace
  '\t\n\r  \u3000\u00a0\u2028\u2029x\u2003y\u202fz',
  '   \t\n\u3000',
  '',
  ' ',
  // long words
  'a'.repeat(100),
  'a'.repeat(101),
  // 😂 is one code point but two UTF-16 units, and "##😂" is in the vocabulary: the limit counts code points.
  'x'.repeat(99) + '😂',
  'x'.repeat(100) + '😂',
  'ab'.repeat(60) + ' ok',
  '中'.repeat(150),
  'pneumonoultramicroscopicsilicovolcanoconiosis',
  // unknown characters
  'ꙮ ᚠᚢᚦ ∰ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ⠁⠃⠉',
  'ߊߋߌ ᐁᐃᐅ ꓐꓑꓒ',
  // special tokens written in the text
  '[CLS] 你好 [SEP] 世界 [MASK]',
  '这是[MASK]的测试',
  '[mask] [Mask] [MASK][MASK]',
  '[UNK][PAD]x',
  '[[MASK]]',
  '[MASK',
  '[unused1] [unused99] <S> <T>',
  'The [MASK] sat on the [MASK].',
  // casing
  'İstanbul ıstanbul',
  'ΟΔΟΣ ΣΑΣ σας',
  'STRASSE Straße ẞ',
  'Ǆ ǅ ǆ ﬁ ﬂ',
  'ДОБРЫЙ день Москва',
  'ÀÉÎÕÜ àéîõü Ñ ñ Ç ç',
  // mixed
  'BERT模型在2018年由Google提出，使用了Transformer架构。',
  '用户ID：user_123，密码：P@ssw0rd!',
  '“引号”‘单引号’ "ascii" \'quotes\'',
  '溫度：-5°C～+35°C，濕度80％',
];

// Texts the fast tokenizer handles differently from the slow one only when accents are kept
// (do_lower_case=false): the slow tokenizer NFC-normalises, the fast one does not.
const LOWERCASE_ONLY_TEXTS = [
  'Cafe\u0301 nai\u0308ve',
  '\u1100\u1161\u11a8',
  '\uf900\uf901\ufa0e',
  '\u212b \u2126 \u212a',
];

const pairs = [
  ['今天天气很好', '适合出去玩', null, false],
  ['今天天气很好', '适合出去玩', 32, true],
  ['今天天气很好', '适合出去玩', 16, false],
  [CJK_LONG, '短句', 16, true],
  [CJK_LONG, '短句', 8, true],
  ['短句', CJK_LONG, 16, true],
  ['短句', CJK_LONG, 8, false],
  // Both cut: an odd budget (max_length - 3) is where fast and slow disagree, so these are dropped
  // by the check below and the even-budget twins stay.
  [CJK_LONG, CJK_LONG.slice(0, 30), 16, true],
  [CJK_LONG, CJK_LONG.slice(0, 30), 17, true],
  [CJK_LONG.slice(0, 30), CJK_LONG, 17, true],
  [CJK_LONG, CJK_LONG.slice(0, 20), 8, true],
  [CJK_LONG, CJK_LONG.slice(0, 20), 9, true],
  [CJK_LONG.slice(0, 20), CJK_LONG.slice(5, 25), 16, true],
  [CJK_LONG.slice(0, 20), CJK_LONG.slice(5, 25), 17, true],
  [CJK_LONG.slice(0, 20), CJK_LONG.slice(5, 25), 8, true],
  [CJK_LONG.slice(0, 20), CJK_LONG.slice(5, 25), 9, false],
  [EN_LONG, 'What is NLP?', 16, true],
  ['What is NLP?', EN_LONG, 16, true],
  [EN_LONG, EN_LONG.toUpperCase(), 32, true],
  [EN_LONG, EN_LONG.toUpperCase(), 33, true],
  ['Hello world', '你好世界', 16, true],
  ['一二三四五六七', '一二三', 12, true],
  ['一二三四五六七', '一二三', 10, true],
  ['一二三', '一二三四五六七', 10, true],
  ['一二三四', '一二三四五六', 12, true],
  ['一二三四五', '一二三四五', 11, true],
  ['一二三四五', '一二三四五', 12, false],
  ['空的第二句', '', 16, true],
  ['', '空的第一句', 16, true],
  ['', '', 8, true],
  ['空白', '   \t', 8, true],
  ['[MASK]是什么', '这是[MASK]', 16, true],
  ['😀👍🏽 emoji', '𠀀𠀁 ext-b', 16, true],
  ['刚好放下', '四个', 11, true],
  ['刚好放下', '四个', 11, false],
  [CJK_LONG, null, 16, true],
  [CJK_LONG, null, 8, false],
  [EN_LONG, null, 16, true],
  ['短', null, 16, true],
  ['', null, 8, true],
  ['两个字', null, 5, true],
];

// The slow tokenizer's longest_first loop: drop the last token of the longer sequence, of the
// second on a tie. The fast one splits an odd budget the other way when the first is not longer.
function slowKeptLengths(lengthA, lengthB, budget) {
  let a = lengthA;
  let b = lengthB;
  for (let remove = a + b - budget; remove > 0; remove--) {
    if (a > b) a--;
    else b--;
  }
  return [a, b];
}

// Keeps the fixture readable and byte-safe: invisible, combining and control characters as \u escapes.
function jsonLine(record) {
  return JSON.stringify(record).replace(/[\p{C}\p{Z}\p{M}]/gu, (ch) =>
    ch === ' ' ? ch : [...Array(ch.length).keys()].map((i) => '\\u' + ch.charCodeAt(i).toString(16).padStart(4, '0')).join(''),
  );
}

async function generate(doLowerCase, fileName) {
  const lines = [];
  const excluded = [];
  const texts = doLowerCase ? [...TEXTS, ...LOWERCASE_ONLY_TEXTS] : TEXTS;
  for (const text of texts) {
    const encoding = await tokenizer(doLowerCase, null, false).encode(text);
    const plain = await tokenizer(doLowerCase, null, false).encode(text, null, { addSpecialTokens: false });
    lines.push(jsonLine({
      text_a: text, text_b: null, max_length: null, pad: false, tokens: plain.getTokens(),
      input_ids: encoding.getIds(), token_type_ids: encoding.getTypeIds(), attention_mask: encoding.getAttentionMask(),
    }));
  }
  for (const [textA, textB, maxLength, pad] of pairs) {
    const encoding = await tokenizer(doLowerCase, maxLength, pad).encode(textA, textB);
    const record = { text_a: textA, text_b: textB, max_length: maxLength, pad };
    if (textB == null) {
      record.tokens = (await tokenizer(doLowerCase, null, false).encode(textA, null, { addSpecialTokens: false })).getTokens();
    } else if (maxLength != null) {
      const lengthA = (await tokenizer(doLowerCase, null, false).encode(textA, null, { addSpecialTokens: false })).getLength();
      const lengthB = (await tokenizer(doLowerCase, null, false).encode(textB, null, { addSpecialTokens: false })).getLength();
      const [keptA, keptB] = slowKeptLengths(lengthA, lengthB, maxLength - 3);
      const typeIds = encoding.getTypeIds();
      const fastKeptB = typeIds.filter((t) => t === 1).length - 1;
      const fastKeptA = encoding.getAttentionMask().filter((m) => m === 1).length - 3 - fastKeptB;
      if (fastKeptA !== keptA || fastKeptB !== keptB) {
        excluded.push(`${JSON.stringify([textA.slice(0, 12), textB.slice(0, 12), maxLength])}: lengths ${lengthA}+${lengthB}, slow keeps ${keptA}+${keptB}, fast ${fastKeptA}+${fastKeptB}`);
        continue;
      }
    }
    Object.assign(record, {
      input_ids: encoding.getIds(), token_type_ids: encoding.getTypeIds(), attention_mask: encoding.getAttentionMask(),
    });
    lines.push(jsonLine(record));
  }
  fs.writeFileSync(path.join(outDir, fileName), lines.join('\n') + '\n');
  console.log(`${fileName}: ${lines.length} cases (tokenizers ${tokenizersVersion}, do_lower_case=${doLowerCase})`);
  for (const line of excluded) console.log(`  excluded, truncation differs between fast and slow: ${line}`);
}

await generate(true, 'hf_bert_uncased.jsonl');
await generate(false, 'hf_bert_cased.jsonl');
