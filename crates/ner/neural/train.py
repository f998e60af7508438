#!/usr/bin/env python3
"""Trains rasd's neural NER tagger (a BiLSTM-CRF) with PyTorch.

Inputs are exported by the Rust side, so that training sees exactly the
features the tagger computes at run time:

    cargo run --release -p rasd-ner --example neural_export -- \
        conll ../shared/ner/anercorp-camel-train.txt .neural/anercorp.tsv
    cargo run --release -p rasd-ner --example neural_export -- \
        corpus ../shared/corpora/saudinewsnet .neural/snn

Then (a GPU helps; a CPU works, slowly):

    python3 crates/ner/neural/train.py --data .neural/anercorp.tsv \
        --snn .neural/snn --out .neural/out

1. Word vectors: skip-gram with negative sampling over SaudiNewsNet's word
   keys and, separately, over its clitic-stripped stems.
2. The tagger, per token: word vector, stem vector (both fine-tuned), a
   character CNN, embeddings of the clitics and of the 15 categorical
   features (word clusters, shape, trigger, gazetteer, statistics); a
   bidirectional LSTM; a linear layer to the BIO labels; a CRF with the
   BIO constraints. Trained on the first 90% of the sentences, scored on
   the last 10% (the dev split of `rasd ner train`) after every epoch; then,
   with `--all`, retrained on every sentence for the best number of epochs.
3. Writes `model-dev.bin` (the 90% model) and, with `--all`, `model.bin`, in
   the format `rasd_ner::neural::NeuralModel::load` reads: word and stem
   tables as int8 with a scale per row, the rest as float32.

Deterministic for a fixed seed on one device (cuDNN's LSTM aside; the
script fixes PYTHONHASHSEED, which gensim's seeding depends on).
"""

import argparse
import gzip
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

LABELS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"]
# Sizes of the categorical features (see rasd_ner::neural::NeuralToken::cats)
# and the width of their embeddings.
CAT_SIZES = [66, 258, 1026, 66, 258, 1026, 128, 4, 3, 2, 17, 5, 4, 4, 4]
CAT_DIMS = [8, 16, 24, 8, 16, 24, 8, 4, 4, 2, 4, 4, 4, 4, 4]
MAX_CHARS = 20
BOUNDARY = 65535


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


# ---------------------------------------------------------------- data


def read_vocab(path):
    words, counts = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            w, c = line.rstrip("\n").split("\t")
            words.append(w)
            counts.append(int(c))
    return words, np.array(counts, dtype=np.float64)


def open_text(path):
    return gzip.open(path, "rt", encoding="utf-8") if path.endswith(".gz") else open(path, encoding="utf-8")


def read_tsv(path):
    sents, cur = [], []
    with open_text(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                if cur:
                    sents.append(cur)
                    cur = []
                continue
            p = line.split("\t")
            un = lambda x: "" if x == "-" else x
            cur.append((un(p[0]), un(p[1]), un(p[2]), un(p[3]), [int(x) for x in p[4:19]], p[19]))
    if cur:
        sents.append(cur)
    return sents


def entities(tags):
    out, open_ = set(), None
    for i, t in enumerate(tags + ["O"]):
        bi, ty = (t.split("-", 1) + [""])[:2] if t != "O" else ("O", "")
        cont = bi == "I" and open_ is not None and open_[1] == ty
        if not cont:
            if open_ is not None:
                out.add((open_[0], i, open_[1]))
                open_ = None
            if bi in ("B", "I"):
                open_ = (i, ty)
    return out


def f1_of(gold, pred):
    tp = np_ = ng = 0
    for g, p in zip(gold, pred):
        ge, pe = entities(g), entities(p)
        tp += len(ge & pe)
        np_ += len(pe)
        ng += len(ge)
    pr = tp / np_ if np_ else 0.0
    rc = tp / ng if ng else 0.0
    return 2 * pr * rc / (pr + rc) if pr + rc else 0.0


class Encoder:
    """Maps exported tokens to id tensors."""

    def __init__(self, norm_words, stem_words, train_sents):
        self.norm = {w: i for i, w in enumerate(norm_words)}
        self.stem = {w: i for i, w in enumerate(stem_words)}
        chars, procl, encl = {}, {}, {}
        for s in train_sents:
            for tok in s:
                for c in tok[0]:
                    chars[c] = chars.get(c, 0) + 1
                procl[tok[2]] = procl.get(tok[2], 0) + 1
                encl[tok[3]] = encl.get(tok[3], 0) + 1
        # 0 padding, 1 unknown
        self.chars = ["<pad>", "<unk>"] + sorted(c for c, n in chars.items() if n >= 2)
        self.char_id = {c: i for i, c in enumerate(self.chars)}
        # 0 unknown ("" has its own id)
        self.procl = ["<unk>"] + sorted(procl)
        self.procl_id = {c: i for i, c in enumerate(self.procl)}
        self.encl = ["<unk>"] + sorted(encl)
        self.encl_id = {c: i for i, c in enumerate(self.encl)}
        self.label_id = {l: i for i, l in enumerate(LABELS)}

    def encode(self, sent):
        n = len(sent)
        w = np.zeros(n, np.int64)
        st = np.zeros(n, np.int64)
        ch = np.zeros((n, MAX_CHARS), np.int64)
        pr = np.zeros(n, np.int64)
        en = np.zeros(n, np.int64)
        cats = np.zeros((n, len(CAT_SIZES)), np.int64)
        y = np.zeros(n, np.int64)
        for i, (norm, stem, p, e, c, tag) in enumerate(sent):
            w[i] = self.norm.get(norm, 0)
            st[i] = self.stem.get(stem, 0)
            for j, x in enumerate(norm[:MAX_CHARS]):
                ch[i, j] = self.char_id.get(x, 1)
            pr[i] = self.procl_id.get(p, 0)
            en[i] = self.encl_id.get(e, 0)
            for k, v in enumerate(c):
                cats[i, k] = v if v < CAT_SIZES[k] else 0
            y[i] = self.label_id.get(tag, 0)
        # CoNLL semantics: an I-X that does not continue an X begins one
        # (ANERcorp has a few; the CRF forbids them)
        for i in range(n):
            lab = LABELS[y[i]]
            if lab.startswith("I-") and (i == 0 or LABELS[y[i - 1]][2:] != lab[2:]):
                y[i] = self.label_id["B-" + lab[2:]]
        return dict(w=w, st=st, ch=ch, pr=pr, en=en, cats=cats, y=y, n=n)


def batchify(items, device):
    n = max(it["n"] for it in items)
    b = len(items)
    out = {}
    for k, shape in [("w", ()), ("st", ()), ("pr", ()), ("en", ()), ("y", ()),
                     ("ch", (MAX_CHARS,)), ("cats", (len(CAT_SIZES),))]:
        a = np.zeros((b, n) + shape, np.int64)
        for i, it in enumerate(items):
            a[i, : it["n"]] = it[k]
        out[k] = torch.from_numpy(a).to(device)
    mask = np.zeros((b, n), bool)
    for i, it in enumerate(items):
        mask[i, : it["n"]] = True
    out["mask"] = torch.from_numpy(mask).to(device)
    out["lens"] = torch.tensor([it["n"] for it in items], device=device)
    return out


# ---------------------------------------------------------------- word vectors


def word2vec(path_u16, counts, dim, epochs, window, neg, device, seed, batch=65536):
    g = torch.Generator(device=device).manual_seed(seed)
    torch.manual_seed(seed)
    if path_u16.endswith(".gz"):
        with gzip.open(path_u16, "rb") as f:
            raw = np.frombuffer(f.read(), dtype="<u2")
    else:
        raw = np.fromfile(path_u16, dtype="<u2")
    seq = torch.from_numpy(raw.astype(np.int64)).to(device)
    v = len(counts)
    boundary = seq == BOUNDARY
    sent = torch.cumsum(boundary.long(), 0)
    valid = (~boundary) & (seq != 0)
    cnt = torch.tensor(counts, device=device, dtype=torch.float64)
    cnt[0] = 0
    freq = cnt / cnt.sum()
    t = 1e-4
    keep_p = torch.clamp((torch.sqrt(freq / t) + 1) * t / torch.clamp(freq, min=1e-12), max=1.0).float()
    noise = cnt ** 0.75
    noise = noise / noise.sum()
    table = torch.repeat_interleave(torch.arange(v, device=device), torch.round(noise * 2e7).long())
    e_in = nn.Embedding(v, dim, sparse=True).to(device)
    e_out = nn.Embedding(v, dim, sparse=True).to(device)
    with torch.no_grad():
        e_in.weight.uniform_(-0.5 / dim, 0.5 / dim, generator=g)
        e_out.weight.zero_()
    opt = torch.optim.SparseAdam(list(e_in.parameters()) + list(e_out.parameters()), lr=0.002)
    seq_safe = torch.where(boundary, torch.zeros_like(seq), seq)
    for ep in range(epochs):
        r = torch.rand(seq.shape[0], generator=g, device=device)
        keep = valid & (r < keep_p[seq_safe])
        idx = keep.nonzero().squeeze(1)
        s, sid = seq[idx], sent[idx]
        b = torch.randint(1, window + 1, (s.shape[0],), generator=g, device=device)
        cs, os_ = [], []
        for d in range(1, window + 1):
            same = sid[d:] == sid[:-d]
            m1 = same & (b[:-d] >= d)
            cs.append(s[:-d][m1])
            os_.append(s[d:][m1])
            m2 = same & (b[d:] >= d)
            cs.append(s[d:][m2])
            os_.append(s[:-d][m2])
        c = torch.cat(cs)
        o = torch.cat(os_)
        perm = torch.randperm(c.shape[0], generator=g, device=device)
        c, o = c[perm], o[perm]
        total = 0.0
        steps = 0
        for k in range(0, c.shape[0], batch):
            cb, ob = c[k: k + batch], o[k: k + batch]
            nb = table[torch.randint(0, table.shape[0], (cb.shape[0], neg), generator=g, device=device)]
            u = e_in(cb)
            pos = (u * e_out(ob)).sum(-1)
            ng = torch.bmm(e_out(nb), u.unsqueeze(2)).squeeze(2)
            loss = -(F.logsigmoid(pos) + F.logsigmoid(-ng).sum(-1)).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() if steps % 50 == 0 else 0.0
            steps += 1
        log(f"word2vec {os.path.basename(path_u16)} epoch {ep + 1}: {c.shape[0]} pairs, {steps} steps")
    w = e_in.weight.detach().float()
    w[0] = 0
    return (w / w[1:].std()).cpu()


def word2vec_gensim(path_u16, vocab_size, dim, epochs, window, neg, seed):
    """The same skip-gram with gensim's fast CPU trainer (one worker, so
    deterministic for a fixed seed)."""
    from gensim.models import Word2Vec

    if path_u16.endswith(".gz"):
        with gzip.open(path_u16, "rb") as f:
            raw = np.frombuffer(f.read(), dtype="<u2")
    else:
        raw = np.fromfile(path_u16, dtype="<u2")
    cuts = np.flatnonzero(raw == BOUNDARY)
    names = np.array([str(i) for i in range(vocab_size)], dtype=object)
    sents, start = [], 0
    for c in list(cuts) + [len(raw)]:
        ids = raw[start:c]
        ids = ids[ids != 0]
        if len(ids) > 1:
            sents.append(list(names[ids]))
        start = c + 1
    log(f"word2vec {os.path.basename(path_u16)}: {len(sents)} lines")
    m = Word2Vec(sents, vector_size=dim, window=window, negative=neg, sg=1, min_count=1,
                 sample=1e-4, epochs=epochs, workers=1, seed=seed)
    w = np.zeros((vocab_size, dim), np.float32)
    for i in range(1, vocab_size):
        k = m.wv.key_to_index.get(str(i))
        if k is not None:
            w[i] = m.wv.vectors[k]
    log(f"word2vec {os.path.basename(path_u16)}: done")
    return torch.from_numpy(w / w[1:].std())


# ---------------------------------------------------------------- tagger


def constraints():
    """Additive masks forbidding BIO-invalid transitions and starts."""
    L = len(LABELS)
    trans = torch.zeros(L, L)
    start = torch.zeros(L)
    for y, l in enumerate(LABELS):
        if l.startswith("I-"):
            ty = l[2:]
            start[y] = -1e4
            for p, pl in enumerate(LABELS):
                if pl[2:] != ty or pl == "O":
                    trans[p, y] = -1e4
    return trans, start


class Tagger(nn.Module):
    def __init__(self, enc, word_vecs, stem_vecs, hidden, char_dim=24, char_filters=48,
                 dropout=0.5, word_dropout=0.1, freeze=False):
        super().__init__()
        L = len(LABELS)
        self.word = nn.Embedding.from_pretrained(word_vecs.clone(), freeze=freeze)
        self.stem = nn.Embedding.from_pretrained(stem_vecs.clone(), freeze=freeze)
        self.char = nn.Embedding(len(enc.chars), char_dim, padding_idx=0)
        self.conv = nn.Conv1d(char_dim, char_filters, 3, padding=1)
        self.procl = nn.Embedding(len(enc.procl), 8)
        self.encl = nn.Embedding(len(enc.encl), 8)
        self.cats = nn.ModuleList(nn.Embedding(s, d) for s, d in zip(CAT_SIZES, CAT_DIMS))
        self.in_dim = word_vecs.shape[1] + stem_vecs.shape[1] + char_filters + 16 + sum(CAT_DIMS)
        self.drop = nn.Dropout(dropout)
        self.word_dropout = word_dropout
        self.lstm = nn.LSTM(self.in_dim, hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, L)
        self.trans = nn.Parameter(torch.zeros(L, L))
        self.start = nn.Parameter(torch.zeros(L))
        self.end = nn.Parameter(torch.zeros(L))
        ct, cs = constraints()
        self.register_buffer("forbid_t", ct)
        self.register_buffer("forbid_s", cs)
        self.hidden = hidden
        self.char_dim = char_dim
        self.char_filters = char_filters

    def features(self, b):
        w, st = b["w"], b["st"]
        if self.training and self.word_dropout > 0:
            drop = torch.rand(w.shape, device=w.device) < self.word_dropout
            w = torch.where(drop, torch.zeros_like(w), w)
            drop = torch.rand(st.shape, device=st.device) < self.word_dropout
            st = torch.where(drop, torch.zeros_like(st), st)
        B, T = w.shape
        ch = b["ch"].view(B * T, MAX_CHARS)
        ce = self.char(ch).transpose(1, 2)  # [BT, C, MAX]
        conv = self.conv(ce)  # [BT, F, MAX]
        cm = (ch != 0).unsqueeze(1)
        conv = conv.masked_fill(~cm, -1e4).max(2).values
        conv = torch.where(conv < -1e3, torch.zeros_like(conv), conv)
        conv = torch.tanh(conv).view(B, T, -1)
        parts = [self.word(w), self.stem(st), conv, self.procl(b["pr"]), self.encl(b["en"])]
        for k, e in enumerate(self.cats):
            parts.append(e(b["cats"][:, :, k]))
        x = self.drop(torch.cat(parts, -1))
        packed = nn.utils.rnn.pack_padded_sequence(x, b["lens"].cpu(), batch_first=True, enforce_sorted=False)
        h, _ = self.lstm(packed)
        h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True, total_length=T)
        return self.out(self.drop(h))

    def tr(self):
        return self.trans + self.forbid_t, self.start + self.forbid_s

    def nll(self, b):
        em = self.features(b)
        y, mask, lens = b["y"], b["mask"], b["lens"]
        trans, start = self.tr()
        B, T, L = em.shape
        gold = start[y[:, 0]] + em[:, 0].gather(1, y[:, :1]).squeeze(1)
        emg = em.gather(2, y.unsqueeze(2)).squeeze(2)
        tg = trans[y[:, :-1], y[:, 1:]]
        gold = gold + ((tg + emg[:, 1:]) * mask[:, 1:]).sum(1)
        last = y.gather(1, (lens - 1).unsqueeze(1)).squeeze(1)
        gold = gold + self.end[last]
        alpha = start.unsqueeze(0) + em[:, 0]
        for t in range(1, T):
            nxt = torch.logsumexp(alpha.unsqueeze(2) + trans.unsqueeze(0), 1) + em[:, t]
            alpha = torch.where(mask[:, t: t + 1], nxt, alpha)
        logz = torch.logsumexp(alpha + self.end.unsqueeze(0), 1)
        return (logz - gold).mean()

    @torch.no_grad()
    def decode(self, b):
        em = self.features(b).float().cpu().numpy()
        trans, start = self.tr()
        trans, start = trans.cpu().numpy(), start.cpu().numpy()
        end = self.end.detach().cpu().numpy()
        out = []
        for i, n in enumerate(b["lens"].tolist()):
            out.append(viterbi(em[i, :n], trans, start, end))
        return out


def viterbi(em, trans, start, end):
    n, L = em.shape
    score = start + em[0]
    back = np.zeros((n, L), np.int64)
    for t in range(1, n):
        s = score[:, None] + trans
        back[t] = s.argmax(0)
        score = s.max(0) + em[t]
    score = score + end
    y = int(score.argmax())
    path = [y]
    for t in range(n - 1, 0, -1):
        y = int(back[t, y])
        path.append(y)
    return path[::-1]


def evaluate(model, items, device, bs=64):
    model.eval()
    pred, gold = [], []
    for k in range(0, len(items), bs):
        chunk = items[k: k + bs]
        b = batchify(chunk, device)
        for it, p in zip(chunk, model.decode(b)):
            pred.append([LABELS[y] for y in p])
            gold.append([LABELS[y] for y in it["y"]])
    return f1_of(gold, pred)


def quantize_(model):
    """Rounds the word and stem tables to int8 with a scale per row (as
    shipped), so that the dev score is the shipped model's."""
    with torch.no_grad():
        for e in (model.word, model.stem):
            w = e.weight
            scale = w.abs().max(1, keepdim=True).values.clamp(min=1e-8) / 127
            e.weight.copy_(torch.round(w / scale).clamp(-127, 127) * scale)


def train_tagger(cfg, enc, train_items, dev_items, word_vecs, stem_vecs, device, epochs, seed):
    torch.manual_seed(seed)
    rng = np.random.RandomState(seed)
    model = Tagger(enc, word_vecs, stem_vecs, cfg["hidden"], dropout=cfg["dropout"],
                   word_dropout=cfg["word_dropout"], freeze=cfg["freeze"],
                   char_filters=cfg["char_filters"]).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    best = (-1.0, 0, None)
    order = np.argsort([it["n"] for it in train_items], kind="stable")
    bs = cfg["batch"]
    buckets = [order[k: k + bs] for k in range(0, len(order), bs)]
    for ep in range(1, epochs + 1):
        model.train()
        rng.shuffle(buckets)
        tot = 0.0
        for bk in buckets:
            b = batchify([train_items[i] for i in bk], device)
            loss = model.nll(b)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            tot += loss.item()
        for gparam in opt.param_groups:
            gparam["lr"] = cfg["lr"] / (1 + cfg["decay"] * ep)
        if dev_items:
            f = evaluate(model, dev_items, device)
            if f > best[0]:
                best = (f, ep, {k: v.detach().clone() for k, v in model.state_dict().items()})
            log(f"{cfg['name']} epoch {ep}: loss {tot / len(buckets):.3f} dev F1 {f:.4f}")
        else:
            log(f"{cfg['name']} epoch {ep}: loss {tot / len(buckets):.3f}")
    if dev_items:
        model.load_state_dict(best[2])
    return model, best[0], best[1]


# ---------------------------------------------------------------- export


def export(model, enc, norm_words, stem_words, path, meta):
    tensors = []

    def add(name, arr, dtype="f32"):
        tensors.append((name, np.ascontiguousarray(arr), dtype))

    sd = {k: v.detach().float().cpu().numpy() for k, v in model.state_dict().items()}
    for nm in ("word", "stem"):
        w = sd[f"{nm}.weight"]
        scale = np.maximum(np.abs(w).max(1), 1e-8) / 127
        q = np.clip(np.round(w / scale[:, None]), -127, 127).astype(np.int8)
        add(f"{nm}.q", q, "i8")
        add(f"{nm}.scale", scale.astype(np.float32))
    add("char", sd["char.weight"])
    add("conv.w", sd["conv.weight"])
    add("conv.b", sd["conv.bias"])
    add("procl", sd["procl.weight"])
    add("encl", sd["encl.weight"])
    for k in range(len(CAT_SIZES)):
        add(f"cat{k}", sd[f"cats.{k}.weight"])
    for sfx, nm in (("", "fwd"), ("_reverse", "bwd")):
        add(f"lstm.{nm}.wih", sd[f"lstm.weight_ih_l0{sfx}"])
        add(f"lstm.{nm}.whh", sd[f"lstm.weight_hh_l0{sfx}"])
        add(f"lstm.{nm}.b", sd[f"lstm.bias_ih_l0{sfx}"] + sd[f"lstm.bias_hh_l0{sfx}"])
    add("out.w", sd["out.weight"])
    add("out.b", sd["out.bias"])
    trans, start = model.tr()
    add("crf.trans", trans.detach().cpu().numpy())
    add("crf.start", start.detach().cpu().numpy())
    add("crf.end", sd["end"])
    header = dict(meta)
    header.update(
        labels=LABELS, hidden=model.hidden, char_dim=model.char_dim,
        char_filters=model.char_filters, max_chars=MAX_CHARS, cat_sizes=CAT_SIZES,
        cat_dims=CAT_DIMS, words=norm_words, stems=stem_words, chars=enc.chars,
        procl=enc.procl, encl=enc.encl, tensors=[],
    )
    off = 0
    for name, arr, dtype in tensors:
        nbytes = arr.size * (1 if dtype == "i8" else 4)
        header["tensors"].append(dict(name=name, dtype=dtype, shape=list(arr.shape), offset=off))
        off += nbytes
    hb = json.dumps(header, ensure_ascii=False).encode("utf-8")
    with open(path, "wb") as f:
        f.write(b"RASDNN01")
        f.write(struct.pack("<I", len(hb)))
        f.write(hb)
        for name, arr, dtype in tensors:
            f.write(arr.astype(np.int8 if dtype == "i8" else "<f4").tobytes())
    log(f"wrote {path} ({os.path.getsize(path) / 1e6:.1f} MB)")


# ---------------------------------------------------------------- main


CONFIGS = {
    "h64": dict(hidden=64, dropout=0.5, word_dropout=0.1, freeze=False, lr=2e-3, decay=0.05, batch=16, char_filters=48),
    "h32": dict(hidden=32, dropout=0.5, word_dropout=0.1, freeze=False, lr=2e-3, decay=0.05, batch=16, char_filters=32),
    "h64f": dict(hidden=64, dropout=0.5, word_dropout=0.1, freeze=True, lr=2e-3, decay=0.05, batch=16, char_filters=48),
    "h128": dict(hidden=128, dropout=0.5, word_dropout=0.1, freeze=False, lr=2e-3, decay=0.05, batch=16, char_filters=48),
}


def main():
    # gensim seeds each word vector from Python's string hash: fix it, so
    # that a run is reproducible
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable] + sys.argv)
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--snn", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--config", default="h64", choices=sorted(CONFIGS))
    ap.add_argument("--dim", type=int, default=64)
    ap.add_argument("--w2v-epochs", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--vectors", help="a folder with the word vectors of an earlier run (vectors-*.npy)")
    ap.add_argument("--only-vectors", action="store_true")
    ap.add_argument("--all", action="store_true", help="then train on all sentences")
    ap.add_argument("--only-all", type=int, metavar="EPOCHS",
                    help="skip the dev run: train on all sentences for EPOCHS epochs")
    ap.add_argument("--smoke", action="store_true", help="tiny run to check the pipeline")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    torch.backends.cudnn.deterministic = True
    norm_words, norm_counts = read_vocab(os.path.join(a.snn, "norm.vocab"))
    stem_words, stem_counts = read_vocab(os.path.join(a.snn, "stem.vocab"))
    def corpus(kind):
        p = os.path.join(a.snn, f"{kind}.u16")
        return p if os.path.exists(p) else p + ".gz"

    if a.vectors:
        wv = torch.from_numpy(np.load(os.path.join(a.vectors, "vectors-word.npy")).astype(np.float32))
        sv = torch.from_numpy(np.load(os.path.join(a.vectors, "vectors-stem.npy")).astype(np.float32))
    else:
        ep = 1 if a.smoke else a.w2v_epochs
        if device == "cpu":
            wv = word2vec_gensim(corpus("norm"), len(norm_words), a.dim, ep, 5, 5, a.seed)
            sv = word2vec_gensim(corpus("stem"), len(stem_words), a.dim, ep, 5, 5, a.seed + 1)
        else:
            wv = word2vec(corpus("norm"), norm_counts, a.dim, ep, 5, 5, device, a.seed)
            sv = word2vec(corpus("stem"), stem_counts, a.dim, ep, 5, 5, device, a.seed + 1)
        wv = wv.numpy().astype(np.float16)
        sv = sv.numpy().astype(np.float16)
        np.save(os.path.join(a.out, "vectors-word.npy"), wv)
        np.save(os.path.join(a.out, "vectors-stem.npy"), sv)
        wv = torch.from_numpy(wv.astype(np.float32))
        sv = torch.from_numpy(sv.astype(np.float32))
    if a.only_vectors:
        return
    sents = read_tsv(a.data)
    cut = len(sents) * 9 // 10
    tr, dev = sents[:cut], sents[cut:]
    if a.smoke:
        tr, dev = tr[:200], dev[:50]
    enc = Encoder(norm_words, stem_words, tr)
    tr_items = [enc.encode(s) for s in tr]
    dev_items = [enc.encode(s) for s in dev]
    cfg = dict(CONFIGS[a.config], name=a.config)
    epochs = 2 if a.smoke else a.epochs
    t0 = time.time()
    if a.only_all:
        enc = Encoder(norm_words, stem_words, sents)
        items = [enc.encode(s) for s in sents]
        model, _, _ = train_tagger(cfg, enc, items, None, wv, sv, device, a.only_all, a.seed)
        quantize_(model)
        meta = dict(config=a.config, seed=a.seed, epochs=a.only_all, trained_on="all")
        export(model, enc, norm_words, stem_words, os.path.join(a.out, f"{a.config}.bin"), meta)
        return
    model, f1, best_ep = train_tagger(cfg, enc, tr_items, dev_items, wv, sv, device, epochs, a.seed)
    quantize_(model)
    fq = evaluate(model, dev_items, device)
    log(f"RESULT {a.config}: dev F1 {f1:.4f} at epoch {best_ep}, int8 tables {fq:.4f} ({time.time() - t0:.0f} s)")
    meta = dict(config=a.config, seed=a.seed, dev_f1=fq, epochs=best_ep, trained_on="first 90%")
    export(model, enc, norm_words, stem_words, os.path.join(a.out, f"{a.config}-dev.bin"), meta)
    if a.all:
        enc = Encoder(norm_words, stem_words, sents if not a.smoke else tr)
        items = [enc.encode(s) for s in (sents if not a.smoke else tr)]
        model, _, _ = train_tagger(cfg, enc, items, None, wv, sv, device, best_ep, a.seed)
        quantize_(model)
        meta = dict(config=a.config, seed=a.seed, dev_f1=fq, epochs=best_ep, trained_on="all")
        export(model, enc, norm_words, stem_words, os.path.join(a.out, f"{a.config}.bin"), meta)


if __name__ == "__main__":
    main()
