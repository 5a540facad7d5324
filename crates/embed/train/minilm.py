"""All-MiniLM-L6-v2 (BERT, 6 layers, 384-d) in plain numpy: a hand-written safetensors reader,
the BERT uncased tokenizer (basic + WordPiece) and the forward pass with mean pooling.

Other sentence encoders over the same BERT uncased vocabulary load too (the teacher's
config.json and 1_Pooling/config.json are read when present): BERT models of any depth and
width with mean or CLS pooling (bge-small-en-v1.5 style), and MPNet (all-mpnet-base-v2), whose
vocab.txt is BERT's with <s> <pad> </s> <unk> before and <mask> after: its tokenizer is given in
BERT ids and the forward pass maps them to the teacher's ids, so a distilled table keeps the
BERT vocabulary that crates/embed reads.

Shared by distill.py (the teacher of the static table) and eval_pairs.py (teacher figures).
Python 3.11 + numpy only.
"""

import json
import math
import struct
import unicodedata
from pathlib import Path

import numpy as np

# ---------------------------------------------------------------- safetensors


def read_safetensors(path):
    """{name: np.ndarray} from a .safetensors file (8-byte LE header length, JSON, raw data)."""
    raw = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    base = 8 + n
    dtypes = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32}
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        arr = np.frombuffer(raw, dtype=dtypes[info["dtype"]], count=(end - start) // np.dtype(dtypes[info["dtype"]]).itemsize, offset=base + start)
        out[name] = arr.reshape(info["shape"])
    return out


# ---------------------------------------------------------------- tokenizer


def _is_punct(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp):
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2B73F
        or 0x2B740 <= cp <= 0x2B81F
        or 0x2B820 <= cp <= 0x2CEAF
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
    )


def basic_tokenize(text):
    """BERT BasicTokenizer (uncased): clean, CJK split, lowercase, strip accents, punct split."""
    buf = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD:
            continue
        cat = unicodedata.category(ch)
        if ch in " \t\n\r" or cat == "Zs":
            buf.append(" ")
            continue
        if cat in ("Cc", "Cf"):
            continue
        if _is_cjk(cp):
            buf.append(" " + ch + " ")
        else:
            buf.append(ch)
    words = []
    for w in "".join(buf).split():
        w = unicodedata.normalize("NFD", w.lower())
        w = "".join(c for c in w if unicodedata.category(c) != "Mn")
        cur = []
        for c in w:
            if _is_punct(c):
                if cur:
                    words.append("".join(cur))
                    cur = []
                words.append(c)
            else:
                cur.append(c)
        if cur:
            words.append("".join(cur))
    return words


def read_vocab(vocab_path):
    itos = Path(vocab_path).read_text(encoding="utf-8").split("\n")
    if itos and itos[-1] == "":
        itos.pop()
    return itos


class WordPiece:
    def __init__(self, vocab_path=None, itos=None):
        self.itos = list(itos) if itos is not None else read_vocab(vocab_path)
        self.stoi = {t: i for i, t in enumerate(self.itos)}
        self.unk = self.stoi["[UNK]"]
        self.cls = self.stoi["[CLS]"]
        self.sep = self.stoi["[SEP]"]

    def word_ids(self, word):
        if len(word) > 100:
            return [self.unk]
        ids, start = [], 0
        while start < len(word):
            end, cur = len(word), None
            while start < end:
                sub = word[start:end]
                if start > 0:
                    sub = "##" + sub
                if sub in self.stoi:
                    cur = self.stoi[sub]
                    break
                end -= 1
            if cur is None:
                return [self.unk]
            ids.append(cur)
            start = end
        return ids

    def encode(self, text, max_len=256, specials=True):
        ids = []
        for w in basic_tokenize(text):
            ids.extend(self.word_ids(w))
        if specials:
            ids = [self.cls] + ids[: max_len - 2] + [self.sep]
        return ids


# ---------------------------------------------------------------- BERT forward


def _erf(x):
    # Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): exact-GELU within float32 noise.
    # float32 throughout (a numpy float64 scalar would silently upcast the whole network)
    s = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * np.exp(-a * a)
    return s * y


def gelu(x):
    return 0.5 * x * (1.0 + _erf(x * np.float32(1.0 / math.sqrt(2.0))))


def relative_buckets(T, num_buckets=32, max_distance=128):
    """MPNet's (T5-style, bidirectional) relative position bucket of key j for query i: [T, T]."""
    rel = np.arange(T)[None, :] - np.arange(T)[:, None]
    n = -rel
    half = num_buckets // 2
    ret = (n < 0).astype(np.int64) * half
    n = np.abs(n)
    exact = half // 2
    with np.errstate(divide="ignore"):
        large = exact + (np.log(np.maximum(n, 1) / exact) / math.log(max_distance / exact) * (half - exact)).astype(np.int64)
    large = np.minimum(large, half - 1)
    return ret + np.where(n < exact, n, large)


def layernorm(x, w, b, eps=1e-12):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + np.float32(eps)) * w + b


# RoBERTa-style specials that MPNet's vocab.txt adds around BERT's
MPNET_EXTRA = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")


class MiniLM:
    def __init__(self, model_dir):
        model_dir = Path(model_dir)
        self.w = read_safetensors(model_dir / "model.safetensors")
        cfg_path, pool_path = model_dir / "config.json", model_dir / "1_Pooling" / "config.json"
        cfg = json.loads(cfg_path.read_text()) if cfg_path.exists() else {}
        pool = json.loads(pool_path.read_text()) if pool_path.exists() else {}
        self.kind = cfg.get("model_type", "bert")
        self.eps = float(cfg.get("layer_norm_eps", 1e-12))
        self.heads = int(cfg.get("num_attention_heads", 12))
        self.pooling = "cls" if pool.get("pooling_mode_cls_token") else "mean"
        itos = read_vocab(model_dir / "vocab.txt")
        self.id_map = None  # tokenizer id -> teacher id, where they differ
        if self.kind == "mpnet":
            keep = [i for i, t in enumerate(itos) if t not in MPNET_EXTRA]
            self.tok = WordPiece(itos=[itos[i] for i in keep])
            self.id_map = np.array(keep, np.int64)
            self.id_map[self.tok.cls] = itos.index("<s>")
            self.id_map[self.tok.sep] = itos.index("</s>")
        else:
            self.tok = WordPiece(itos=itos)
        self.layers = 1 + max(int(k.split(".")[2]) for k in self.w if k.startswith("encoder.layer."))

    def forward(self, ids, mask):
        """ids, mask: [B, T] int arrays -> last hidden states [B, T, H] float32."""
        w, eps = self.w, self.eps
        B, T = ids.shape
        mpnet = self.kind == "mpnet"
        if self.id_map is not None:
            ids = self.id_map[ids]
        if mpnet:
            # positions count from padding_idx + 1 = 2 over the real tokens; no token types
            pos = np.cumsum(mask, 1) * mask + 1
            x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][pos]
        else:
            x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:T][None] + w["embeddings.token_type_embeddings.weight"][0][None, None]
        x = layernorm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
        H = x.shape[-1]
        nh, hd = self.heads, H // self.heads
        bias = ((1.0 - mask[:, None, None, :].astype(np.float32)) * -1e9).astype(np.float32)
        if mpnet:
            # one relative-position bias [heads, T, T] shared by all layers
            rel = w["encoder.relative_attention_bias.weight"][relative_buckets(T)].transpose(2, 0, 1)
            bias = bias + rel[None].astype(np.float32)
        names = (
            ("attention.attn.q", "attention.attn.k", "attention.attn.v", "attention.attn.o", "attention.LayerNorm")
            if mpnet
            else ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense", "attention.output.LayerNorm")
        )
        for i in range(self.layers):
            p = f"encoder.layer.{i}."

            def lin(h, name):
                # one 2-D GEMM over all positions (a stacked 3-D matmul runs B tiny GEMMs)
                wt = w[p + name + ".weight"]
                y = h.reshape(-1, h.shape[-1]) @ wt.T + w[p + name + ".bias"]
                return y.reshape(*h.shape[:-1], wt.shape[0])

            q = lin(x, names[0]).reshape(B, T, nh, hd).transpose(0, 2, 1, 3)
            k = lin(x, names[1]).reshape(B, T, nh, hd).transpose(0, 2, 3, 1)
            v = lin(x, names[2]).reshape(B, T, nh, hd).transpose(0, 2, 1, 3)
            s = (q @ k) * np.float32(1.0 / math.sqrt(hd)) + bias
            s = s - s.max(-1, keepdims=True)
            e = np.exp(s)
            a = e / e.sum(-1, keepdims=True)
            c = (a @ v).transpose(0, 2, 1, 3).reshape(B, T, H)
            x = layernorm(lin(c, names[3]) + x, w[p + names[4] + ".weight"], w[p + names[4] + ".bias"], eps)
            h = gelu(lin(x, "intermediate.dense"))
            x = layernorm(lin(h, "output.dense") + x, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps)
        return x

    def encode_ids(self, seqs, batch=64):
        """Pooled (mean over the attention mask, or the [CLS] position, as the teacher pools),
        L2-normalised vectors of token-id sequences."""
        out = np.zeros((len(seqs), self.w["embeddings.word_embeddings.weight"].shape[1]), np.float32)
        order = np.argsort([len(s) for s in seqs])
        for b0 in range(0, len(seqs), batch):
            idx = order[b0 : b0 + batch]
            T = max(len(seqs[i]) for i in idx)
            ids = np.zeros((len(idx), T), np.int64)
            mask = np.zeros((len(idx), T), np.int64)
            for r, i in enumerate(idx):
                ids[r, : len(seqs[i])] = seqs[i]
                mask[r, : len(seqs[i])] = 1
            h = self.forward(ids, mask)
            if self.pooling == "cls":
                out[idx] = h[:, 0]
            else:
                m = mask[:, :, None].astype(np.float32)
                out[idx] = (h * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        n = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(n, 1e-12)

    def encode(self, texts, batch=64, max_len=256):
        return self.encode_ids([self.tok.encode(t, max_len) for t in texts], batch)
