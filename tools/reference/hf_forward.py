#!/usr/bin/python3
"""Independent reference forward pass of Hugging Face decoder LMs, in plain numpy (float64).

Reads a Hugging Face folder (config.json + model.safetensors) and writes the logits of a prompt
as .npy, following the semantics of transformers' modeling code for LlamaForCausalLM,
MistralForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM, Phi3ForCausalLM, GemmaForCausalLM and
Gemma2ForCausalLM: GQA, rope_theta, rope_scaling (linear, dynamic, llama3), attention biases,
q/k norms, sliding windows, attention and final logit soft-capping, Gemma's (1 + w) RMSNorm and
sqrt(hidden) embedding scale. It shares no code with the converter: it is what the converted IR
is checked against.

usage: hf_forward.py MODEL_DIR --ids 1,2,3 --out logits.npy [--decode]
"""
import argparse
import json
import math
import os
import struct
import sys

import numpy as np

DTYPES = {"F32": np.float32, "F16": np.float16, "F64": np.float64}


def load_safetensors(folder):
    files = []
    index = os.path.join(folder, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            files = sorted(set(json.load(f)["weight_map"].values()))
    else:
        files = ["model.safetensors"]
    out = {}
    for name in files:
        with open(os.path.join(folder, name), "rb") as f:
            data = f.read()
        (n,) = struct.unpack("<Q", data[:8])
        header = json.loads(data[8:8 + n])
        base = 8 + n
        for key, v in header.items():
            if key == "__metadata__":
                continue
            b, e = v["data_offsets"]
            raw = data[base + b:base + e]
            if v["dtype"] == "BF16":
                u = np.frombuffer(raw, dtype=np.uint16).astype(np.uint32) << 16
                arr = u.view(np.float32)
            else:
                arr = np.frombuffer(raw, dtype=DTYPES[v["dtype"]])
            out[key] = arr.reshape(v["shape"]).astype(np.float64)
    return out


class Config:
    def __init__(self, c):
        self.arch = c["architectures"][0]
        gemma = self.arch in ("GemmaForCausalLM", "Gemma2ForCausalLM")
        self.gemma = gemma
        self.gemma2 = self.arch == "Gemma2ForCausalLM"
        self.E = c["hidden_size"]
        self.I = c["intermediate_size"]
        self.L = c["num_hidden_layers"]
        self.H = c["num_attention_heads"]
        self.Hkv = c.get("num_key_value_heads") or self.H
        default_hd = 128 if self.arch == "Qwen3ForCausalLM" else 256 if gemma else self.E // self.H
        self.D = c.get("head_dim") or default_hd
        self.V = c["vocab_size"]
        self.eps = c.get("rms_norm_eps", 1e-5 if self.arch == "Phi3ForCausalLM" else 1e-6)
        self.theta = c.get("rope_theta", 10000.0)
        self.max_pos = c.get("max_position_embeddings", 2048)
        self.rope_scaling = c.get("rope_scaling")
        self.tie = c.get("tie_word_embeddings", gemma)
        if self.arch == "LlamaForCausalLM":
            self.qkv_bias = self.o_bias = c.get("attention_bias", False)
            self.mlp_bias = c.get("mlp_bias", False)
        elif self.arch == "Qwen2ForCausalLM":
            self.qkv_bias, self.o_bias, self.mlp_bias = True, False, False
        elif self.arch in ("Qwen3ForCausalLM", "GemmaForCausalLM", "Gemma2ForCausalLM"):
            self.qkv_bias = self.o_bias = c.get("attention_bias", False)
            self.mlp_bias = False
        else:
            self.qkv_bias = self.o_bias = self.mlp_bias = False
        self.qk_norm = self.arch == "Qwen3ForCausalLM"
        act = (c.get("hidden_activation") or "gelu_pytorch_tanh") if gemma else c.get("hidden_act", "silu")
        self.act = act
        self.scale = self.D ** -0.5
        self.attn_cap = None
        self.final_cap = None
        if self.gemma2:
            self.scale = c.get("query_pre_attn_scalar", 256) ** -0.5
            self.attn_cap = c["attn_logit_softcapping"] if "attn_logit_softcapping" in c else 50.0
            self.final_cap = c["final_logit_softcapping"] if "final_logit_softcapping" in c else 30.0
        # sliding window per layer (None = full attention)
        W = c.get("sliding_window")
        self.windows = [None] * self.L
        if c.get("layer_types"):
            self.windows = [W if t == "sliding_attention" else None for t in c["layer_types"]]
        elif self.arch in ("MistralForCausalLM", "Phi3ForCausalLM"):
            self.windows = [W] * self.L
        elif self.arch in ("Qwen2ForCausalLM", "Qwen3ForCausalLM"):
            if c.get("use_sliding_window", False) and W:
                first = c.get("max_window_layers", 28)
                self.windows = [W if i >= first else None for i in range(self.L)]
        elif self.gemma2:
            W = W or 4096
            self.windows = [W if i % 2 == 0 else None for i in range(self.L)]


def inv_freq(cfg, seq_len):
    D = cfg.D
    exps = np.arange(0, D, 2, dtype=np.float64) / D
    base = cfg.theta
    rs = cfg.rope_scaling
    kind = None if rs is None else rs.get("rope_type", rs.get("type"))
    if kind == "dynamic" and seq_len > cfg.max_pos:
        f = rs["factor"]
        base = base * ((f * seq_len / cfg.max_pos) - (f - 1)) ** (D / (D - 2))
    inv = 1.0 / base ** exps
    if kind == "linear":
        inv = inv / rs["factor"]
    elif kind == "llama3":
        f = rs["factor"]
        lo, hi = rs.get("low_freq_factor", 1.0), rs.get("high_freq_factor", 4.0)
        old = rs.get("original_max_position_embeddings", 8192)
        low_wl, high_wl = old / lo, old / hi
        wl = 2 * math.pi / inv
        scaled = np.where(wl > low_wl, inv / f, inv)
        smooth = (old / wl - lo) / (hi - lo)
        smoothed = (1 - smooth) * scaled / f + smooth * scaled
        medium = ~(wl < high_wl) & ~(wl > low_wl)
        inv = np.where(medium, smoothed, scaled)
    return inv


def rms(x, w, eps, gemma):
    y = x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps)
    return y * (1.0 + w) if gemma else y * w


def act(x, kind):
    if kind == "silu":
        return x / (1.0 + np.exp(-x))
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def rotate_half(x):
    h = x.shape[-1] // 2
    return np.concatenate([-x[..., h:], x[..., :h]], axis=-1)


def forward(cfg, W, ids, decode=False):
    """Logits [S, V] for the token ids, every position attending causally to the earlier ones.

    Only dynamic rope scaling tells the two modes apart: transformers recomputes the frequencies
    from max(position_ids) + 1 at each call, so a one-shot prefill rotates every position with
    the frequencies of length S, while token-by-token decoding rotates position t (and caches its
    key) with those of length t + 1."""
    S = len(ids)
    x = W["model.embed_tokens.weight"][ids]
    if cfg.gemma:
        x = x * math.sqrt(cfg.E)
    pos = np.arange(S, dtype=np.float64)
    if decode:
        freqs = np.stack([t * inv_freq(cfg, t + 1) for t in range(S)])
    else:
        freqs = np.outer(pos, inv_freq(cfg, S))
    emb = np.concatenate([freqs, freqs], axis=-1)
    cos, sin = np.cos(emb), np.sin(emb)  # [S, D]
    i_idx = np.arange(S)[:, None]
    j_idx = np.arange(S)[None, :]
    for l in range(cfg.L):
        p = f"model.layers.{l}."
        h = rms(x, W[p + "input_layernorm.weight"], cfg.eps, cfg.gemma)
        qd, kd = cfg.H * cfg.D, cfg.Hkv * cfg.D
        if cfg.arch == "Phi3ForCausalLM":
            qkv = h @ W[p + "self_attn.qkv_proj.weight"].T
            q, k, v = qkv[:, :qd], qkv[:, qd:qd + kd], qkv[:, qd + kd:]
        else:
            q = h @ W[p + "self_attn.q_proj.weight"].T
            k = h @ W[p + "self_attn.k_proj.weight"].T
            v = h @ W[p + "self_attn.v_proj.weight"].T
            if cfg.qkv_bias:
                q = q + W[p + "self_attn.q_proj.bias"]
                k = k + W[p + "self_attn.k_proj.bias"]
                v = v + W[p + "self_attn.v_proj.bias"]
        q = q.reshape(S, cfg.H, cfg.D)
        k = k.reshape(S, cfg.Hkv, cfg.D)
        v = v.reshape(S, cfg.Hkv, cfg.D)
        if cfg.qk_norm:
            q = rms(q, W[p + "self_attn.q_norm.weight"], cfg.eps, False)
            k = rms(k, W[p + "self_attn.k_norm.weight"], cfg.eps, False)
        q = q * cos[:, None, :] + rotate_half(q) * sin[:, None, :]
        k = k * cos[:, None, :] + rotate_half(k) * sin[:, None, :]
        rep = cfg.H // cfg.Hkv
        k = np.repeat(k, rep, axis=1)  # head h uses kv head h // rep
        v = np.repeat(v, rep, axis=1)
        allowed = j_idx <= i_idx
        if cfg.windows[l]:
            allowed = allowed & (i_idx - j_idx < cfg.windows[l])
        out = np.zeros((S, cfg.H, cfg.D))
        for hh in range(cfg.H):
            s = (q[:, hh, :] @ k[:, hh, :].T) * cfg.scale
            if cfg.attn_cap:
                s = np.tanh(s / cfg.attn_cap) * cfg.attn_cap
            s = np.where(allowed, s, -np.inf)
            s = s - s.max(axis=-1, keepdims=True)
            e = np.exp(s)
            out[:, hh, :] = (e / e.sum(axis=-1, keepdims=True)) @ v[:, hh, :]
        a = out.reshape(S, qd) @ W[p + "self_attn.o_proj.weight"].T
        if cfg.o_bias:
            a = a + W[p + "self_attn.o_proj.bias"]
        if cfg.gemma2:
            a = rms(a, W[p + "post_attention_layernorm.weight"], cfg.eps, True)
            x = x + a
            h = rms(x, W[p + "pre_feedforward_layernorm.weight"], cfg.eps, True)
        else:
            x = x + a
            h = rms(x, W[p + "post_attention_layernorm.weight"], cfg.eps, cfg.gemma)
        if cfg.arch == "Phi3ForCausalLM":
            gu = h @ W[p + "mlp.gate_up_proj.weight"].T
            gate, up = gu[:, :cfg.I], gu[:, cfg.I:]
        else:
            gate = h @ W[p + "mlp.gate_proj.weight"].T
            up = h @ W[p + "mlp.up_proj.weight"].T
            if cfg.mlp_bias:
                gate = gate + W[p + "mlp.gate_proj.bias"]
                up = up + W[p + "mlp.up_proj.bias"]
        m = act(gate, cfg.act) * up
        m = m @ W[p + "mlp.down_proj.weight"].T
        if cfg.mlp_bias:
            m = m + W[p + "mlp.down_proj.bias"]
        if cfg.gemma2:
            m = rms(m, W[p + "post_feedforward_layernorm.weight"], cfg.eps, True)
        x = x + m
    x = rms(x, W["model.norm.weight"], cfg.eps, cfg.gemma)
    head = W["model.embed_tokens.weight"] if cfg.tie else W["lm_head.weight"]
    logits = x @ head.T
    if cfg.final_cap:
        logits = np.tanh(logits / cfg.final_cap) * cfg.final_cap
    return logits


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model")
    ap.add_argument("--ids", required=True, help="comma-separated token ids")
    ap.add_argument("--out", required=True, help="output .npy for logits [S, V] (float32)")
    ap.add_argument("--decode", action="store_true", help="token-by-token semantics (matters for dynamic rope)")
    args = ap.parse_args()
    with open(os.path.join(args.model, "config.json")) as f:
        cfg = Config(json.load(f))
    ids = [int(t) for t in args.ids.split(",")]
    logits = forward(cfg, load_safetensors(args.model), ids, args.decode)
    np.save(args.out, logits.astype(np.float32))
    return 0


if __name__ == "__main__":
    sys.exit(main())
