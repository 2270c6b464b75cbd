"""Write a fr->en Argos package whose model has the size of a real one, for the benchmarks.

NOT a translation model: its output is noise. It is a compute stand-in with OPUS-MT's shape
(the Marian models Argos packages are made from): a CTranslate2 Transformer of 6 encoder and
6 decoder layers, d_model 512, 8 heads, FFN 2048, with seeded random weights (normal, standard
deviation 1/sqrt(fan_in), so activations stay of order one through the layers). No real model
can be downloaded here and torch is not installed; numpy and ctranslate2 write it in seconds.

- The SentencePiece model and vocabulary are the fr->en copy fixture's (2,000 pieces). OPUS-MT
  fr-en has 59,514: ``--vocab`` pads the vocabulary with pieces that never occur in the input
  and that a bias of -10,000 keeps out of the output, so that the output projection (a
  vocab x 512 product at every decoding step) costs what it costs in a real model.
  ``--vocab 0`` keeps the fixture's 2,000.
- Saved in int8 (``--quantization``), as Argos's published packages are; served with
  ``compute_type=default`` both Triglot and LibreTranslate decode it in int8.
- A random decoder never chooses to stop at a realistic length by itself: the bias of the
  end-of-sentence token is tuned (bisection) so that decoding the benchmark's sentences the
  way argostranslate and Triglot do (beam 4, length penalty 0.2) gives outputs of a
  realistic length, by default a median of 25 tokens (``--target``); the lengths are
  measured and printed. Both servers decode the same model with the same options, so they
  do the same work.

Written to ``.bench-models/fr_en-realsize.argosmodel`` (git-ignored), same layout as the
fixtures: one top folder with metadata.json, model/ and sentencepiece.model.

    .venv/bin/python bench/realsize_model.py [--out FILE] [--vocab 59514] [--target 25]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

import ctranslate2
import numpy as np
import sentencepiece as spm
from ctranslate2.specs import TransformerSpec

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.translate_latency import SENTENCES  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "models" / "fr_en.argosmodel"
OUT = ROOT / ".bench-models" / "fr_en-realsize.argosmodel"
LAYERS, HEADS, D_MODEL, D_FFN, MAX_POS = 6, 8, 512, 2048, 512
OPUS_MT_FR_EN_VOCAB = 59_514
EOS = "</s>"
RAMP = D_MODEL - 2  # a slow sine of the usual encodings, replaced by the step
NEVER = -10_000.0  # the bias of padding pieces: never in a beam of 4 over 2,000 real pieces


def fixture_parts(folder: Path) -> tuple[Path, list[str]]:
    """The fixture package's SentencePiece model (extracted into ``folder``) and vocabulary."""
    with zipfile.ZipFile(FIXTURE) as archive:
        archive.extractall(folder)
    top = next(folder.iterdir())
    vocab = json.loads((top / "model" / "shared_vocabulary.json").read_text(encoding="utf-8"))
    return top / "sentencepiece.model", [str(piece) for piece in vocab]


def sinusoids(length: int, dim: int) -> np.ndarray:
    pos = np.arange(length)[:, None]
    rates = np.exp(-np.log(10000.0) * np.arange(0, dim, 2) / dim)
    pe = np.zeros((length, dim), dtype=np.float32)
    pe[:, 0::2] = np.sin(pos * rates)
    pe[:, 1::2] = np.cos(pos * rates)
    return pe


class Weights:
    """Seeded random weights, drawn in a fixed order (same seed, same model)."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def linear(self, spec: Any, out_dim: int, in_dim: int) -> None:
        spec.weight = self.rng.normal(0.0, in_dim**-0.5, (out_dim, in_dim)).astype(np.float32)
        spec.bias = np.zeros(out_dim, dtype=np.float32)

    @staticmethod
    def norm(spec: Any) -> None:
        spec.gamma = np.ones(D_MODEL, dtype=np.float32)
        spec.beta = np.zeros(D_MODEL, dtype=np.float32)

    def ffn(self, spec: Any) -> None:
        self.norm(spec.layer_norm)
        self.linear(spec.linear_0, D_FFN, D_MODEL)
        self.linear(spec.linear_1, D_MODEL, D_FFN)


def build_spec(vocab: list[str], real: int, eos_bias: float, seed: int) -> TransformerSpec:
    """The spec with its weights; the ``real`` first pieces of ``vocab`` may be output.

    A decoder of random weights picks the end of sentence at no particular step (lengths of 1
    or of the 160-token limit, measured): so one dimension of the decoder's residual stream,
    ``RAMP``, carries the decoding step and nothing else (its position encoding is the step
    number, and no embedding or sublayer writes to it), and the end-of-sentence logit reads
    only that dimension. It rises about 0.3 a step; ``eos_bias`` sets where it overtakes the
    other logits (random, of order one)."""
    w = Weights(seed)
    spec = TransformerSpec.from_config((LAYERS, LAYERS), HEADS, pre_norm=True)
    # Embeddings are scaled by sqrt(d_model) when read: entries of 1/sqrt(d) give unit ones.
    emb = w.rng.normal(0.0, D_MODEL**-0.5, (len(vocab), D_MODEL)).astype(np.float32)
    spec.encoder.embeddings[0].weight = emb  # one list entry per source feature
    dec_emb = emb.copy()
    dec_emb[:, RAMP] = 0.0
    spec.decoder.embeddings.weight = dec_emb
    pe = sinusoids(MAX_POS, D_MODEL)
    spec.encoder.position_encodings.encodings = pe
    dec_pe = pe.copy()
    dec_pe[:, RAMP] = np.arange(MAX_POS, dtype=np.float32)
    spec.decoder.position_encodings.encodings = dec_pe
    for side in (spec.encoder, spec.decoder):
        w.norm(side.layer_norm)
    for layer in spec.encoder.layer:
        w.norm(layer.self_attention.layer_norm)
        w.linear(layer.self_attention.linear[0], 3 * D_MODEL, D_MODEL)  # q, k, v fused
        w.linear(layer.self_attention.linear[1], D_MODEL, D_MODEL)
        w.ffn(layer.ffn)
    for layer in spec.decoder.layer:
        w.norm(layer.self_attention.layer_norm)
        w.linear(layer.self_attention.linear[0], 3 * D_MODEL, D_MODEL)
        w.linear(layer.self_attention.linear[1], D_MODEL, D_MODEL)
        w.norm(layer.attention.layer_norm)
        w.linear(layer.attention.linear[0], D_MODEL, D_MODEL)  # q
        w.linear(layer.attention.linear[1], 2 * D_MODEL, D_MODEL)  # k, v fused
        w.linear(layer.attention.linear[2], D_MODEL, D_MODEL)
        w.ffn(layer.ffn)
        for out in (layer.self_attention.linear[1], layer.attention.linear[2], layer.ffn.linear_1):
            out.weight[RAMP] = 0.0  # nothing but the step in the ramp dimension
    projection = dec_emb.copy()  # tied to the embeddings, as in OPUS-MT, but for the ramp
    eos = vocab.index(EOS)
    projection[eos] = 0.0
    projection[eos, RAMP] = 1.0
    spec.decoder.projection.weight = projection
    bias = np.zeros(len(vocab), dtype=np.float32)
    bias[real:] = NEVER
    bias[eos] = eos_bias
    spec.decoder.projection.bias = bias
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    return spec


def save(spec: TransformerSpec, out: Path, quantization: str | None) -> None:
    spec.validate()
    spec.optimize(quantization=quantization)
    out.mkdir(parents=True, exist_ok=True)
    spec.save(str(out))


def lengths(model_dir: Path, sp: spm.SentencePieceProcessor, sentences: list[str]) -> list[int]:
    """Output lengths (tokens) with argostranslate's and Triglot's decoding options."""
    translator = ctranslate2.Translator(
        str(model_dir), device="cpu", compute_type="default", inter_threads=1, intra_threads=2
    )
    tokens = [sp.encode(s, out_type=str) for s in sentences]
    results = translator.translate_batch(
        tokens, beam_size=4, length_penalty=0.2, replace_unknowns=True, max_decoding_length=160
    )
    return [len(r.hypotheses[0]) for r in results]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--vocab", type=int, default=OPUS_MT_FR_EN_VOCAB, help="0: 2,000")
    parser.add_argument("--target", type=float, default=25.0, help="median output tokens")
    parser.add_argument("--quantization", default="int8", help="'none' for float32")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    quantization = None if args.quantization == "none" else args.quantization
    began = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sp_file, vocab = fixture_parts(work / "fixture")
        real = len(vocab)
        vocab += [f"<realsize-pad-{i}>" for i in range(max(0, args.vocab - real))]
        sp = spm.SentencePieceProcessor(model_file=str(sp_file))
        sample = SENTENCES  # all of the benchmark's sentences
        print(
            f"{LAYERS}+{LAYERS} layers, d_model {D_MODEL}, {HEADS} heads, FFN {D_FFN}, "
            f"vocabulary {len(vocab)} ({real} real pieces), {args.quantization}"
        )
        # More end-of-sentence bias, shorter outputs: bisect for the target median.
        low, high, found = -40.0, 10.0, None
        for _ in range(9):
            bias = (low + high) / 2
            model_dir = work / f"model-{bias:.3f}"
            save(build_spec(vocab, real, bias, args.seed), model_dir, quantization)
            out = lengths(model_dir, sp, sample)
            median = statistics.median(out)
            print(f"  end-of-sentence bias {bias:7.3f}: output tokens median {median}, {out}")
            if abs(median - args.target) <= 3 and max(out) < 160:
                found = model_dir
                break
            low, high = (bias, high) if median > args.target else (low, bias)
        if found is None:
            raise SystemExit("no end-of-sentence bias gave the target length; try another --seed")
        inputs = [len(sp.encode(s)) for s in sample]
        print(f"  input tokens median {statistics.median(inputs)}, {inputs}")
        top = "translate-fr_en-realsize"
        metadata = {
            "package_version": "0.1",
            "argos_version": "1.9",
            "from_code": "fr",
            "to_code": "en",
            "from_name": "French",
            "to_name": "English",
            "type": "translate",
            "code": "fr_en_realsize",
            "name": "French - English REAL-SIZE NOISE (benchmark only: random weights)",
        }
        readme = (
            "# Triglot benchmark stand-in\n\nNOT a translation model: random weights with the "
            "shape of an OPUS-MT model (6+6 layers, d_model 512). Its output is noise. "
            "Written by bench/realsize_model.py for speed measurements only.\n"
        )
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(args.out, "w", zipfile.ZIP_STORED) as zf:  # random: no gain
            zf.writestr(f"{top}/metadata.json", json.dumps(metadata, indent=2))
            zf.writestr(f"{top}/README.md", readme)
            zf.write(sp_file, f"{top}/sentencepiece.model")
            for file in sorted(found.iterdir()):
                zf.write(file, f"{top}/model/{file.name}")
    size = args.out.stat().st_size / 1e6
    took = time.monotonic() - began
    print(f"wrote {args.out} ({size:.0f} MB) in {took:.0f} s")


if __name__ == "__main__":
    main()
