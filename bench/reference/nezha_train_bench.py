#!/usr/bin/env python3
"""PyTorch reference for `nezha bench train`: the NEZHA masked-LM training step on synthetic tokens.

Plain PyTorch (>= 2.1), no `transformers`: the model below is HF's NEZHA formulation written out
(eager attention with NEZHA's functional relative positions, MLM head tied to the word embeddings,
applied only at the masked positions). One step = autocast forward (bf16/fp16; none for fp32),
backward (fp16 with a GradScaler), gradient clipping at 1.0, AdamW, zero_grad(set_to_none=True).

`--help` and `--flops-only` work without PyTorch installed: torch is imported inside main().
See README.md next to this file.
"""

import argparse
import contextlib
import json
import math
import statistics
import sys
import time

# Optional fields and HF's defaults for them (the required ones are checked in load_config).
OPTIONAL_DEFAULTS = {
    "hidden_act": "gelu",
    "hidden_dropout_prob": 0.1,
    "attention_probs_dropout_prob": 0.1,
    "max_position_embeddings": 512,
    "max_relative_position": 64,
    "type_vocab_size": 2,
    "initializer_range": 0.02,
    "layer_norm_eps": 1e-12,
    "pad_token_id": 0,
}

# NEZHA-base, as data/configs/nezha-base.json of this repository.
DEFAULT_CONFIG = {
    "model_type": "nezha",
    "vocab_size": 21128,
    "hidden_size": 768,
    "num_hidden_layers": 12,
    "num_attention_heads": 12,
    "intermediate_size": 3072,
    **OPTIONAL_DEFAULTS,
    "position_embedding_type": "relative_functional",
}
REQUIRED_FIELDS = ("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size")
ACTIVATIONS = ("gelu", "gelu_new", "relu", "tanh")

FIRST_ORDINARY_ID = 106  # [PAD], [unused...], [UNK], [CLS], [SEP], [MASK] come first in BERT-style Chinese vocabularies
MAX_PREDICTIONS = 20
MASK_PROB = 0.15

LR = 1e-4
BETAS = (0.9, 0.999)
ADAM_EPS = 1e-6
WEIGHT_DECAY = 0.01
MAX_GRAD_NORM = 1.0
MODEL_SEED = 1234
DATA_SEED = 99


# --------------------------------------------------------------------------------------------
# Config and FLOPs (no torch needed)
# --------------------------------------------------------------------------------------------

def load_config(path):
    """Reads a HF-style config.json (or returns NEZHA-base when path is None) and fills HF's defaults."""
    if path is None:
        raw = dict(DEFAULT_CONFIG)
    else:
        with open(path, "r", encoding="utf-8") as f:
            raw = json.load(f)
        if not isinstance(raw, dict):
            raise SystemExit("%s: a config must be a JSON object" % path)
    cfg = dict(OPTIONAL_DEFAULTS)
    cfg.update(raw)
    for field in REQUIRED_FIELDS:
        v = cfg.get(field)
        if not isinstance(v, int) or isinstance(v, bool) or v <= 0:
            raise SystemExit("%s: \"%s\" must be a positive integer, got %r" % (path or "default config", field, v))
    if cfg["hidden_size"] % cfg["num_attention_heads"] != 0:
        raise SystemExit("hidden_size %d is not a multiple of num_attention_heads %d"
                         % (cfg["hidden_size"], cfg["num_attention_heads"]))
    if cfg["hidden_act"] not in ACTIVATIONS:
        raise SystemExit("hidden_act %r is not supported (use one of %s)" % (cfg["hidden_act"], ", ".join(ACTIVATIONS)))
    # Same rule as the Java engine's NezhaConfig: position_embedding_type when present, else a BERT config
    # (model_type "bert") means absolute positions and anything else NEZHA's functional relative positions.
    pet = cfg.get("position_embedding_type")
    if pet is None:
        pet = "absolute" if cfg.get("model_type") == "bert" else "relative_functional"
    if pet not in ("relative_functional", "absolute"):
        raise SystemExit("position_embedding_type %r is not supported (use relative_functional or absolute)" % pet)
    cfg["position_embedding_type"] = pet
    cfg["relative"] = pet == "relative_functional"
    if cfg["relative"] and (cfg["hidden_size"] // cfg["num_attention_heads"]) % 2 != 0:
        raise SystemExit("relative positions need an even head size, got %d"
                         % (cfg["hidden_size"] // cfg["num_attention_heads"]))
    return cfg


def masked_per_sequence(seq_len, mask_prob=MASK_PROB, max_predictions=MAX_PREDICTIONS):
    """Masked (predicted) positions per sequence: M = max(1, min(max_predictions, round(mask_prob * L))).

    round() is Java's Math.round (half up: floor(x + 0.5)), not Python's round (half to even), so that
    both sides pick the same M for every L (e.g. L = 128 -> 19, L = 512 -> 20).
    """
    return max(1, min(max_predictions, int(math.floor(seq_len * mask_prob + 0.5))))


def training_flops_per_step(cfg, seq_len, batch_size, masked):
    """Model FLOPs of one training step of one process (identical to TrainBenchmark.trainingFlopsPerStep in Java).

    forward per sequence = n_layers * [ L*(8h^2 + 4*h*I) + 4*L^2*h + 4*L^2*h ] + M*(2h^2 + 2*h*V)

      h = hidden_size, I = intermediate_size, V = vocab_size, L = seq_len, M = masked positions per sequence.
      L*(8h^2 + 4hI): the Q, K, V and attention-output projections and the two FFN matmuls;
      the first 4*L^2*h: Q.K^T and P.V; the second 4*L^2*h: the relative key and value terms
      (q.T[r] and p.T[r]; 0 for an absolute-position config); M*(2h^2 + 2hV): the MLM head's dense
      transform and the tied decoder at the masked positions only.

    training step = 3 * forward * batch_size (backward = 2 * forward).
    """
    h = cfg["hidden_size"]
    inter = cfg["intermediate_size"]
    v = cfg["vocab_size"]
    n_layers = cfg["num_hidden_layers"]
    L = seq_len
    relative = 4 * L * L * h if cfg.get("relative", True) else 0
    per_layer = L * (8 * h * h + 4 * h * inter) + 4 * L * L * h + relative
    forward = n_layers * per_layer + masked * (2 * h * h + 2 * h * v)
    return 3 * forward * batch_size


# --------------------------------------------------------------------------------------------
# Arguments
# --------------------------------------------------------------------------------------------

def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description="PyTorch reference for `nezha bench train`: the NEZHA masked-LM training step "
                    "(HF-style eager attention with relative positions, AMP, AdamW) on synthetic tokens.",
        epilog="Model FLOPs per step = 3 x forward; forward per sequence = layers x [L(8h^2 + 4hI) + 8L^2h] "
               "+ M(2h^2 + 2hV). MFU = model FLOPs per second / dense matmul peak measured in the same run.")
    p.add_argument("--model-config", metavar="PATH", default=None,
                   help="HF-style config.json (default: NEZHA-base, as data/configs/nezha-base.json)")
    p.add_argument("--seq-len", type=int, default=128, metavar="L", help="sequence length (default 128)")
    p.add_argument("--batch-size", type=int, default=256, metavar="B", help="sequences per step (default 256)")
    p.add_argument("--precision", choices=("bf16", "fp16", "fp32"), default="bf16", help="default bf16")
    p.add_argument("--device", default="cuda", help="cuda, cuda:N or cpu (cpu: a smoke run; default cuda)")
    p.add_argument("--steps", type=int, default=20, metavar="N", help="timed steps (default 20)")
    p.add_argument("--warmup", type=int, default=5, metavar="N", help="untimed steps first (default 5)")
    p.add_argument("--breakdown-steps", type=int, default=3, metavar="N",
                   help="extra steps that synchronize between forward, backward and optimizer (default 3)")
    p.add_argument("--optimizer", choices=("adamw",), default="adamw",
                   help="adamw only (PyTorch has no built-in LAMB)")
    p.add_argument("--compile", action="store_true", help="wrap the model (forward + loss) in torch.compile")
    p.add_argument("--peak-size", type=int, default=0, metavar="N",
                   help="n of the n x n x n peak matmul (default 8192 on CUDA, 1024 on CPU)")
    p.add_argument("--json", action="store_true",
                   help="print a JSON array with one object on stdout (the summary line goes to stderr)")
    p.add_argument("--flops-only", action="store_true",
                   help="print M and the model FLOPs per step for the config and shape, then exit (no torch needed)")
    args = p.parse_args(argv)
    if args.seq_len < 3:
        p.error("--seq-len must be at least 3")
    if args.batch_size < 1:
        p.error("--batch-size must be at least 1")
    if args.steps < 1:
        p.error("--steps must be at least 1")
    if args.warmup < 1:
        p.error("--warmup must be at least 1 (the first step allocates the optimizer state)")
    if args.breakdown_steps < 1:
        p.error("--breakdown-steps must be at least 1")
    if args.peak_size < 0:
        p.error("--peak-size must be >= 0")
    return args


# --------------------------------------------------------------------------------------------
# Model (defined after torch is imported)
# --------------------------------------------------------------------------------------------

def define_model(torch):
    """Returns the NezhaForMaskedLM class; a function so that the module imports without torch."""
    nn = torch.nn
    F = torch.nn.functional

    def activation(name):
        if name == "gelu":
            return F.gelu  # exact (erf) GELU, HF's "gelu"
        if name == "gelu_new":
            return lambda x: F.gelu(x, approximate="tanh")
        if name == "relu":
            return F.relu
        return torch.tanh

    def relative_positions(seq_len, depth, k):
        """[L, L, d] fp32: T[clip(j - i, -K, K) + K] with HF's sinusoid table T (NezhaRelativePositionsEncoding)."""
        table = torch.zeros(2 * k + 1, depth)
        position = torch.arange(0, 2 * k + 1, dtype=torch.int64).float().unsqueeze(1)
        div_term = torch.exp(torch.arange(0, depth, 2).float() * (-math.log(10000.0) / depth))
        table[:, 0::2] = torch.sin(position * div_term)
        table[:, 1::2] = torch.cos(position * div_term)
        r = torch.arange(seq_len)
        distance = r.unsqueeze(0) - r.unsqueeze(1)  # [i, j] = j - i
        index = torch.clamp(distance, -k, k) + k
        return table[index].contiguous()

    class Embeddings(nn.Module):
        def __init__(self, cfg):
            super().__init__()
            h = cfg["hidden_size"]
            self.word_embeddings = nn.Embedding(cfg["vocab_size"], h, padding_idx=cfg["pad_token_id"])
            self.token_type_embeddings = nn.Embedding(cfg["type_vocab_size"], h)
            # NEZHA has no absolute position embeddings; a BERT (absolute) config gets them.
            self.position_embeddings = None if cfg["relative"] else nn.Embedding(cfg["max_position_embeddings"], h)
            self.LayerNorm = nn.LayerNorm(h, eps=cfg["layer_norm_eps"])
            self.dropout = nn.Dropout(cfg["hidden_dropout_prob"])

        def forward(self, input_ids, token_type_ids):
            x = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
            if self.position_embeddings is not None:
                positions = torch.arange(input_ids.size(1), device=input_ids.device)
                x = x + self.position_embeddings(positions).unsqueeze(0)
            return self.dropout(self.LayerNorm(x))

    class SelfAttention(nn.Module):
        """HF's NezhaSelfAttention: eager scores with the relative key and value terms."""

        def __init__(self, cfg):
            super().__init__()
            h = cfg["hidden_size"]
            self.num_heads = cfg["num_attention_heads"]
            self.head_size = h // self.num_heads
            self.hidden_size = h
            self.query = nn.Linear(h, h)
            self.key = nn.Linear(h, h)
            self.value = nn.Linear(h, h)
            self.dropout = nn.Dropout(cfg["attention_probs_dropout_prob"])

        def forward(self, x, mask, rel):
            B, L, _ = x.shape
            H, d = self.num_heads, self.head_size
            q = self.query(x).view(B, L, H, d).permute(0, 2, 1, 3)  # [B, H, L, d]
            k = self.key(x).view(B, L, H, d).permute(0, 2, 1, 3)
            v = self.value(x).view(B, L, H, d).permute(0, 2, 1, 3)

            scores = torch.matmul(q, k.transpose(-1, -2))  # [B, H, L, L]
            if rel is not None:
                # relative key term: einsum('bhld,lrd->bhlr', q, rel), as HF computes it (a batched matmul over l)
                q_r = q.permute(2, 0, 1, 3).reshape(L, B * H, d)  # [L, BH, d]
                key_pos = torch.matmul(q_r, rel.transpose(1, 2))  # [L, BH, d] x [L, d, L] -> [L, BH, L]
                scores = scores + key_pos.view(L, B, H, L).permute(1, 2, 0, 3)
            scores = scores / math.sqrt(d)
            scores = scores + mask  # fp32 [B, 1, 1, L] additive mask, as HF's extended attention mask
            # fp32 under autocast: the fp32 mask promotes the scores and autocast runs softmax in fp32 (as in HF)
            probs = torch.softmax(scores, dim=-1)
            probs = self.dropout(probs)

            context = torch.matmul(probs, v)  # [B, H, L, d]
            if rel is not None:
                # relative value term: einsum('bhlr,lrd->bhld', probs, rel)
                p_r = probs.permute(2, 0, 1, 3).reshape(L, B * H, L)  # [L, BH, L]
                value_pos = torch.matmul(p_r, rel)  # [L, BH, L] x [L, L, d] -> [L, BH, d]
                context = context + value_pos.view(L, B, H, d).permute(1, 2, 0, 3)
            return context.permute(0, 2, 1, 3).reshape(B, L, self.hidden_size)

    class Layer(nn.Module):
        def __init__(self, cfg):
            super().__init__()
            h, inter, eps = cfg["hidden_size"], cfg["intermediate_size"], cfg["layer_norm_eps"]
            self.attention = SelfAttention(cfg)
            self.attention_output = nn.Linear(h, h)
            self.attention_dropout = nn.Dropout(cfg["hidden_dropout_prob"])
            self.attention_LayerNorm = nn.LayerNorm(h, eps=eps)
            self.intermediate = nn.Linear(h, inter)
            self.act = activation(cfg["hidden_act"])
            self.output = nn.Linear(inter, h)
            self.output_dropout = nn.Dropout(cfg["hidden_dropout_prob"])
            self.output_LayerNorm = nn.LayerNorm(h, eps=eps)

        def forward(self, x, mask, rel):
            a = self.attention(x, mask, rel)
            x = self.attention_LayerNorm(self.attention_dropout(self.attention_output(a)) + x)
            f = self.act(self.intermediate(x))
            return self.output_LayerNorm(self.output_dropout(self.output(f)) + x)

    class NezhaForMaskedLM(nn.Module):
        def __init__(self, cfg, seq_len):
            super().__init__()
            h = cfg["hidden_size"]
            self.hidden_size = h
            self.embeddings = Embeddings(cfg)
            self.layers = nn.ModuleList([Layer(cfg) for _ in range(cfg["num_hidden_layers"])])
            # MLM head (HF's cls.predictions): transform dense + act + LayerNorm, decoder tied to the word embeddings
            self.head_dense = nn.Linear(h, h)
            self.head_act = activation(cfg["hidden_act"])
            self.head_LayerNorm = nn.LayerNorm(h, eps=cfg["layer_norm_eps"])
            self.head_bias = nn.Parameter(torch.zeros(cfg["vocab_size"]))
            if cfg["relative"]:
                rel = relative_positions(seq_len, h // cfg["num_attention_heads"], cfg["max_relative_position"])
                self.register_buffer("rel", rel, persistent=False)  # fp32 [L, L, d], shared by all layers
            else:
                self.rel = None
            self._init_weights(cfg["initializer_range"])

        def _init_weights(self, std):
            for m in self.modules():
                if isinstance(m, nn.Linear):
                    m.weight.data.normal_(mean=0.0, std=std)
                    if m.bias is not None:
                        m.bias.data.zero_()
                elif isinstance(m, nn.Embedding):
                    m.weight.data.normal_(mean=0.0, std=std)
                    if m.padding_idx is not None:
                        m.weight.data[m.padding_idx].zero_()
                elif isinstance(m, nn.LayerNorm):
                    m.weight.data.fill_(1.0)
                    m.bias.data.zero_()

        def forward(self, input_ids, token_type_ids, attention_mask, flat_positions, labels):
            """Mean cross-entropy at the masked positions; flat_positions index the flattened [B*L] tokens."""
            # HF's extended attention mask in the parameters' dtype (fp32): 0 where attended, min where padded
            mask = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * torch.finfo(torch.float32).min
            x = self.embeddings(input_ids, token_type_ids)
            for layer in self.layers:
                x = layer(x, mask, self.rel)
            picked = x.reshape(-1, self.hidden_size).index_select(0, flat_positions)  # [B*M, h]
            t = self.head_LayerNorm(self.head_act(self.head_dense(picked)))
            logits = F.linear(t, self.embeddings.word_embeddings.weight, self.head_bias)  # [B*M, V]
            return F.cross_entropy(logits.float(), labels)

    return NezhaForMaskedLM


# --------------------------------------------------------------------------------------------
# Measurement
# --------------------------------------------------------------------------------------------

def synthetic_batch(torch, cfg, seq_len, batch_size, masked, device):
    """A fixed batch: ids uniform in [106, V), no padding, token types 0 then 1, M distinct masked positions in [1, L-1)."""
    g = torch.Generator().manual_seed(DATA_SEED)
    vocab = cfg["vocab_size"]
    low = FIRST_ORDINARY_ID if vocab > FIRST_ORDINARY_ID else 0
    input_ids = torch.randint(low, vocab, (batch_size, seq_len), generator=g)
    token_type_ids = torch.zeros(batch_size, seq_len, dtype=torch.long)
    token_type_ids[:, seq_len // 2:] = min(1, cfg["type_vocab_size"] - 1)
    attention_mask = torch.ones(batch_size, seq_len, dtype=torch.long)
    # M distinct positions per sequence among 1..L-2 (M <= L-2 holds for every L >= 3)
    positions = torch.rand(batch_size, seq_len - 2, generator=g).argsort(dim=1)[:, :masked] + 1
    positions, _ = positions.sort(dim=1)
    flat_positions = (positions + torch.arange(batch_size).unsqueeze(1) * seq_len).reshape(-1)
    labels = torch.randint(low, vocab, (batch_size * masked,), generator=g)
    return tuple(t.to(device) for t in (input_ids, token_type_ids, attention_mask, flat_positions, labels))


def synchronize(torch, device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def matmul_peak_tflops(torch, device, dtype, n):
    """Dense n x n x n matmul in dtype: 2 n^3 / the median time of 10 after 3 warm-up runs (upper median, as Java)."""
    a = torch.randn(n, n, device=device, dtype=dtype)
    b = torch.randn(n, n, device=device, dtype=dtype)
    for _ in range(3):
        torch.matmul(a, b)
    synchronize(torch, device)
    times = []
    for _ in range(10):
        if device.type == "cuda":
            start = torch.cuda.Event(enable_timing=True)
            end = torch.cuda.Event(enable_timing=True)
            start.record()
            torch.matmul(a, b)
            end.record()
            end.synchronize()
            times.append(start.elapsed_time(end) / 1e3)
        else:
            t0 = time.perf_counter()
            torch.matmul(a, b)
            times.append(time.perf_counter() - t0)
    times.sort()
    del a, b
    return 2.0 * n ** 3 / times[len(times) // 2] / 1e12


def finite_or_none(x):
    return x if isinstance(x, (int, float)) and math.isfinite(x) else None


def main(argv=None):
    args = parse_args(argv)
    cfg = load_config(args.model_config)
    L, B = args.seq_len, args.batch_size
    masked = masked_per_sequence(L)
    flops_per_step = training_flops_per_step(cfg, L, B, masked)

    if args.flops_only:
        print("seq_len %d, batch_size %d, masked per sequence M = %d, model FLOPs per step = %d (%.4f TFLOP)"
              % (L, B, masked, flops_per_step, flops_per_step / 1e12))
        return 0

    import torch  # imported here so that --help and --flops-only work without PyTorch

    device = torch.device(args.device)
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise SystemExit("--device %s: CUDA is not available to this PyTorch" % args.device)
        if device.index is not None:
            torch.cuda.set_device(device)
    elif device.type != "cpu":
        raise SystemExit("--device must be cuda, cuda:N or cpu, got %s" % args.device)
    if args.precision == "fp16" and device.type != "cuda":
        raise SystemExit("--precision fp16 needs --device cuda (use bf16 or fp32 on the CPU)")
    # fp32 means fp32: no TF32 for the model's matmuls nor for the fp32 peak
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False

    amp_dtype = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[args.precision]

    # 1. dense matmul peak in the run's precision, before the model takes the memory
    n = args.peak_size or (8192 if device.type == "cuda" else 1024)
    peak_tflops = matmul_peak_tflops(torch, device, amp_dtype, n)
    if device.type == "cuda":
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats(device)

    # 2. model, optimizer, batch
    torch.manual_seed(MODEL_SEED)
    model = define_model(torch)(cfg, L).to(device)
    model.train()
    decay, no_decay = [], []
    for name, p in model.named_parameters():  # the tied decoder weight is the word embedding (listed once)
        (no_decay if name.endswith("bias") or "LayerNorm" in name else decay).append(p)
    params = decay + no_decay
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": WEIGHT_DECAY},
                                   {"params": no_decay, "weight_decay": 0.0}],
                                  lr=LR, betas=BETAS, eps=ADAM_EPS)
    scaler = None
    if args.precision == "fp16":
        scaler_cls = getattr(torch.amp, "GradScaler", None)
        scaler = scaler_cls("cuda") if scaler_cls is not None else torch.cuda.amp.GradScaler()
    step_model = torch.compile(model) if args.compile else model
    batch = synthetic_batch(torch, cfg, L, B, masked, device)

    def autocast():
        if args.precision == "fp32":
            return contextlib.nullcontext()
        return torch.autocast(device_type=device.type, dtype=amp_dtype)

    def forward():
        with autocast():
            return step_model(*batch)

    def backward(loss):
        if scaler is not None:
            scaler.scale(loss).backward()
        else:
            loss.backward()

    def optimizer_step():
        if scaler is not None:
            scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(params, MAX_GRAD_NORM)
        if scaler is not None:
            scaler.step(optimizer)
            scaler.update()
        else:
            optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    def train_step():
        loss = forward()
        backward(loss)
        optimizer_step()
        return loss

    # 3. warm-up, timed steps back to back, then the per-phase breakdown
    for _ in range(args.warmup):
        loss = train_step()
    synchronize(torch, device)
    t0 = time.perf_counter()
    for _ in range(args.steps):
        loss = train_step()
    synchronize(torch, device)
    elapsed = time.perf_counter() - t0
    last_loss = float(loss.detach().float().item())

    phase_s = {"forward": [], "backward": [], "optimizer": []}
    for _ in range(args.breakdown_steps):
        synchronize(torch, device)
        t0 = time.perf_counter()
        loss = forward()
        synchronize(torch, device)
        t1 = time.perf_counter()
        backward(loss)
        synchronize(torch, device)
        t2 = time.perf_counter()
        optimizer_step()
        synchronize(torch, device)
        t3 = time.perf_counter()
        phase_s["forward"].append(t1 - t0)
        phase_s["backward"].append(t2 - t1)
        phase_s["optimizer"].append(t3 - t2)
    phase_ms = {k: 1e3 * statistics.mean(v) for k, v in phase_s.items()}  # mean, as the Java side

    peak_mem = int(torch.cuda.max_memory_allocated(device)) if device.type == "cuda" else None

    step_s = elapsed / args.steps
    model_tflops = flops_per_step / 1e12
    mfu = model_tflops / step_s / peak_tflops
    result = {
        "implementation": "pytorch-compile" if args.compile else "pytorch-eager",
        "device": str(device),
        "seq_len": L,
        "batch_size": B,
        "precision": args.precision,
        "attention": "eager",
        "world_size": 1,
        "tokens_per_s": finite_or_none(L * B / step_s),
        "seqs_per_s": finite_or_none(B / step_s),
        "step_ms": finite_or_none(1e3 * step_s),
        "forward_ms": finite_or_none(phase_ms["forward"]),
        "backward_ms": finite_or_none(phase_ms["backward"]),
        "optimizer_ms": finite_or_none(phase_ms["optimizer"]),
        "mfu": finite_or_none(mfu),
        "model_tflops_per_step": finite_or_none(model_tflops),
        "matmul_peak_tflops": finite_or_none(peak_tflops),
        "peak_mem_bytes": peak_mem,
    }

    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU"
    summary = ("%s %s (torch %s, %s): seq %d x batch %d, %s, M=%d: %.0f tokens/s, %.1f seqs/s, step %.2f ms "
               "(fwd %.2f, bwd %.2f, opt %.2f ms), peak mem %s, MFU %.1f%% of %.4g TFLOP/s matmul peak "
               "(%.4g TFLOP/step), loss %.4f"
               % (result["implementation"], device, torch.__version__, name, L, B, args.precision, masked,
                  L * B / step_s, B / step_s, 1e3 * step_s, phase_ms["forward"], phase_ms["backward"],
                  phase_ms["optimizer"], "-" if peak_mem is None else "%.0f MiB" % (peak_mem / 1048576.0),
                  100.0 * mfu, peak_tflops, model_tflops, last_loss))
    if not math.isfinite(last_loss):
        summary += " (WARNING: loss is not finite)"
    if args.json:
        print(summary, file=sys.stderr)
        print(json.dumps([result], indent=2))
    else:
        print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
