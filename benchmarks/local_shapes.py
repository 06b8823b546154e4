"""Random-weight GGUF files of the local director's real model shapes, for the timed benchmarks.

    python -m benchmarks.local_shapes qwen3-1.7b     # prints the cached file's path, building it when missing

What a token costs on a CPU depends on the tensors' shapes and quantisation types, not on their values,
so each file holds the real model's tensors (the shapes from its config.json, the types llama.cpp's
`llama-quantize` gives them) filled with random blocks whose scales are small and finite (no NaN
logits), under the metadata of the tests' tiny Qwen3 converted by llama.cpp's own converter with the
real vocabulary size (151,936 rows; the tiny byte-level BPE's 3,000 tokens, the rest padding). Written
block by block with llama.cpp's gguf-py, in seconds (the transformers route, a bf16 model saved and
converted, took eight minutes and 8 GB for the 1.7B). Cached in `~/.cache/shotcaller/shapes/`.

The Q8_0 1.7B file that segfaulted llama-server and llama-bench last time was not malformed: ggml's AMX
kernels crash on any quantised weights (a tiny Q8_0 model too); assistant/local_runtime.no_repack_args.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import numpy as np

VOCAB = 151936
# config.json of Qwen/Qwen3-1.7B and Qwen/Qwen3-4B-Instruct-2507 (both tie the embeddings to the output)
SHAPES = {
    "qwen3-1.7b": dict(hidden=2048, ffn=6144, layers=28, heads=16, kv_heads=8, head_dim=128, quant="q8_0",
                       rope_base=1e6, context=40960),
    "qwen3-4b": dict(hidden=2560, ffn=9728, layers=36, heads=32, kv_heads=8, head_dim=128, quant="q4_k_m",
                     rope_base=5e6, context=262144),
}
ROOT = Path(__file__).resolve().parents[1]


def cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "shotcaller" / "shapes"


def _gguf_py():
    from assistant.local_runtime import source_dir

    src = source_dir()
    if src is None:
        raise SystemExit("llama.cpp is not built here: python -m assistant.local_runtime build")
    sys.path.insert(0, str(src / "gguf-py"))
    import gguf

    return gguf


def _more_bits(i: int, n: int) -> bool:
    """llama-quantize's `use_more_bits`: the layers Q4_K_M gives Q6_K for attn_v and ffn_down."""
    return i < n // 8 or i >= 7 * n // 8 or (i - n // 8) % 3 == 2


def tensor_types(shape: dict, gguf) -> list[tuple[str, tuple[int, int] | tuple[int], object]]:
    """(name, (rows, columns) or (n,), GGML type) for every tensor, in the converter's order."""
    T = gguf.GGMLQuantizationType
    h, f, n, hd = shape["hidden"], shape["ffn"], shape["layers"], shape["head_dim"]
    q, kv = shape["heads"] * hd, shape["kv_heads"] * hd

    def weight(kind: str, i: int = 0):
        if shape["quant"] == "q8_0":
            return T.Q8_0
        if kind == "token_embd":  # tied: the output's type, Q6_K
            return T.Q6_K
        return T.Q6_K if kind in ("attn_v", "ffn_down") and _more_bits(i, n) else T.Q4_K

    out = [("token_embd.weight", (VOCAB, h), weight("token_embd"))]
    for i in range(n):
        b = f"blk.{i}."
        out += [(b + "attn_norm.weight", (h,), T.F32), (b + "ffn_down.weight", (h, f), weight("ffn_down", i)),
                (b + "ffn_gate.weight", (f, h), weight("ffn_gate", i)), (b + "ffn_up.weight", (f, h), weight("ffn_up", i)),
                (b + "ffn_norm.weight", (h,), T.F32), (b + "attn_k_norm.weight", (hd,), T.F32),
                (b + "attn_k.weight", (kv, h), weight("attn_k", i)), (b + "attn_output.weight", (h, q), weight("o", i)),
                (b + "attn_q_norm.weight", (hd,), T.F32), (b + "attn_q.weight", (q, h), weight("attn_q", i)),
                (b + "attn_v.weight", (kv, h), weight("attn_v", i))]
    return out + [("output_norm.weight", (h,), T.F32)]


def random_blocks(rows: int, columns: int, qtype, gguf, rng: np.random.Generator) -> np.ndarray:
    """`rows` rows of random quantised blocks whose f16 scales are set small and finite (weights of the
    order of 0.02, as an initialised model's)."""
    block, size = gguf.GGML_QUANT_SIZES[qtype]
    data = rng.integers(0, 256, size=(rows, columns // block, size), dtype=np.uint8)
    T = gguf.GGMLQuantizationType
    scales = {T.Q8_0: [(0, 3e-4)], T.Q4_K: [(0, 1e-4), (2, 1e-4)], T.Q6_K: [(size - 2, 1e-5)]}[qtype]
    for offset, value in scales:
        data[:, :, offset:offset + 2] = np.frombuffer(np.float16(value).tobytes(), dtype=np.uint8)
    return data.reshape(rows, -1)


def tokenizer_gguf(work: Path) -> Path:
    """The tests' tiny Qwen3 with the real vocabulary size, converted by llama.cpp's converter: its metadata
    (tokenizer, chat template) is what the big file carries."""
    sys.path.insert(0, str(ROOT / "tests"))
    import tiny_llm

    return tiny_llm.gguf(tiny_llm.qwen3(work / "tiny-qwen3-vocab", shape={"vocab_size": VOCAB}))


def build(name: str, out: Path | None = None, seed: int = 0, say=print) -> Path:
    """Write the random-weight GGUF of shape `name` (SHAPES) to `out` (default: the cache); return it."""
    gguf = _gguf_py()
    shape = SHAPES[name]
    out = out or cache_dir() / f"{name}-random.{shape['quant']}.gguf"
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="shape-") as d:
        meta = gguf.GGUFReader(tokenizer_gguf(Path(d)))
        writer = gguf.GGUFWriter(out.with_suffix(".part"), "qwen3")
        arch = {"block_count": shape["layers"], "embedding_length": shape["hidden"], "context_length": shape["context"],
                "feed_forward_length": shape["ffn"], "attention.head_count": shape["heads"],
                "attention.head_count_kv": shape["kv_heads"], "attention.key_length": shape["head_dim"],
                "attention.value_length": shape["head_dim"]}
        file_type = {"q8_0": gguf.LlamaFileType.MOSTLY_Q8_0, "q4_k_m": gguf.LlamaFileType.MOSTLY_Q4_K_M}[shape["quant"]]
        for field in meta.fields.values():
            if field.name.startswith("GGUF.") or field.name == "general.architecture":
                continue
            key = field.name.removeprefix("qwen3.")
            value = arch.get(key, field.contents())
            if field.name == "general.file_type":
                value = int(file_type)
            elif field.name == "general.name":
                value = f"{name} random weights"
            elif field.name == "qwen3.rope.freq_base":
                value = shape["rope_base"]
            sub = field.types[-1] if field.types[0] == gguf.GGUFValueType.ARRAY else None
            writer.add_key_value(field.name, value, field.types[0], sub_type=sub)
        tensors = tensor_types(shape, gguf)
        for tname, dims, qtype in tensors:
            if qtype == gguf.GGMLQuantizationType.F32:
                writer.add_tensor_info(tname, dims, np.dtype(np.float32), dims[0] * 4)
            else:
                block, size = gguf.GGML_QUANT_SIZES[qtype]
                nbytes = dims[0] * dims[1] // block * size
                writer.add_tensor_info(tname, (dims[0], dims[1] // block * size), np.dtype(np.uint8), nbytes,
                                       raw_dtype=qtype)
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_ti_data_to_file()
        rng = np.random.default_rng(seed)
        for _, dims, qtype in tensors:
            if qtype == gguf.GGMLQuantizationType.F32:
                writer.write_tensor_data(np.ones(dims, dtype=np.float32))
            else:
                writer.write_tensor_data(random_blocks(dims[0], dims[1], qtype, gguf, rng))
        writer.close()
    os.replace(out.with_suffix(".part"), out)
    say(f"wrote {out} ({out.stat().st_size / 2**30:.2f} GiB, {len(tensors)} tensors)")
    return out


def ensure(name: str, say=print) -> Path:
    """The cached file of shape `name`, built when missing."""
    shape = SHAPES[name]
    path = cache_dir() / f"{name}-random.{shape['quant']}.gguf"
    return path if path.is_file() else build(name, path, say=say)


if __name__ == "__main__":
    for arg in sys.argv[1:] or ["qwen3-1.7b"]:
        print(ensure(arg))
