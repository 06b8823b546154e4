"""A tiny random-weight chat model of the local default's architecture (Qwen3), built offline and saved
with `save_pretrained`, so `transformers serve` loads it from a folder the way it loads a hub model.

The tokenizer is a byte-level BPE trained in-process (~50 ms) with Qwen's special tokens and a
Qwen-style chat template that renders tools, tool calls and tool results, so the server's Qwen
response parser (`<tool_call>` … `</tool_call>`, `<think>` … `</think>`) applies to it unchanged.
"""

from __future__ import annotations

from pathlib import Path

SPECIAL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
ADDED = ["<tool_call>", "</tool_call>", "<tool_response>", "</tool_response>", "<think>", "</think>"]

# Qwen2.5's tool-calling template, trimmed to what an OpenAI-style request needs.
CHAT_TEMPLATE = """
{%- if tools %}{{- '<|im_start|>system\\n' }}{%- if messages[0].role == 'system' %}{{- messages[0].content + '\\n\\n' }}{%- endif %}
{{- '# Tools\\n\\nYou may call one or more functions. Function signatures are within <tools></tools>:\\n<tools>' }}
{%- for tool in tools %}{{- '\\n' }}{{- tool | tojson }}{%- endfor %}
{{- '\\n</tools>\\n\\nFor each call, return a json object within <tool_call></tool_call> tags:\\n<tool_call>\\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\\n</tool_call><|im_end|>\\n' }}
{%- elif messages[0].role == 'system' %}{{- '<|im_start|>system\\n' + messages[0].content + '<|im_end|>\\n' }}{%- endif %}
{%- for message in messages %}
{%- if message.role == 'user' or (message.role == 'system' and not loop.first) or (message.role == 'assistant' and not message.tool_calls) %}
{{- '<|im_start|>' + message.role + '\\n' + (message.content or '') + '<|im_end|>\\n' }}
{%- elif message.role == 'assistant' %}{{- '<|im_start|>assistant' }}{%- if message.content %}{{- '\\n' + message.content }}{%- endif %}
{%- for tool_call in message.tool_calls %}{%- if tool_call.function is defined %}{%- set tool_call = tool_call.function %}{%- endif %}
{{- '\\n<tool_call>\\n{\"name\": \"' + tool_call.name + '\", \"arguments\": ' + (tool_call.arguments | tojson) + '}\\n</tool_call>' }}
{%- endfor %}{{- '<|im_end|>\\n' }}
{%- elif message.role == 'tool' %}{%- if loop.index0 == 0 or messages[loop.index0 - 1].role != 'tool' %}{{- '<|im_start|>user' }}{%- endif %}
{{- '\\n<tool_response>\\n' + (message.content or '') + '\\n</tool_response>' }}
{%- if loop.last or messages[loop.index0 + 1].role != 'tool' %}{{- '<|im_end|>\\n' }}{%- endif %}
{%- endif %}{%- endfor %}
{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- if messages[-1].role == 'tool' %}{{- ' ' }}{%- endif %}{%- endif %}
""".strip()

CORPUS = ["The song is about a lover who asks for impossible tasks.", "What is the song about, for you?",
          "a shirt of fog at a night market, herbs growing out of cloth", "medium shot, low angle, push in",
          '{"name": "update_brief", "arguments": {"meaning": "impossible tasks"}}', "propose_shot_list shots start end",
          "Record what the artist said about the song in the brief.", "chorus verse bridge intro outro"] * 4


def corpus() -> list[str]:
    """Short prompts keep the tiny model's requests fast: train on what it will read (the director's
    prompts and the JSON schemas its tools are described with)."""
    import json

    from shotlist.models import Brief, Shot, StyleBible

    root = Path(__file__).resolve().parents[1] / "prompts"
    texts = [p.read_text() for p in sorted(root.glob("*.md"))]
    texts += [json.dumps(m.model_json_schema()) for m in (Brief, Shot, StyleBible)]
    return CORPUS + texts * 4


def tokenizer(vocab_size: int = 3000):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=SPECIAL + ADDED,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(corpus(), trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|im_end|>", pad_token="<|endoftext|>",
                                   model_max_length=32768)
    fast.chat_template = CHAT_TEMPLATE
    return fast


TINY = dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
            head_dim=8)
# Qwen/Qwen3-1.7B's shape (its config.json): 2.03 B parameters, so a token costs what the CPU default's does
QWEN3_1_7B = dict(hidden_size=2048, intermediate_size=6144, num_hidden_layers=28, num_attention_heads=16,
                  num_key_value_heads=8, head_dim=128, vocab_size=151936)


def qwen3(folder: Path, max_new_tokens: int = 24, seed: int = 0, shape: dict | None = None,
          dtype: str = "float32") -> Path:
    """Build and save the tiny model (or a random one of `shape`, e.g. `QWEN3_1_7B`, in `dtype`) and
    its tokenizer in `folder`; return the folder. A vocabulary larger than the tokenizer's leaves the
    extra rows unused (they cost what they cost in the real model)."""
    import torch
    from transformers import GenerationConfig, Qwen3Config, Qwen3ForCausalLM

    tok = tokenizer()
    torch.manual_seed(seed)
    dims = {**TINY, "vocab_size": len(tok), **(shape or {})}
    config = Qwen3Config(**dims, max_position_embeddings=32768, eos_token_id=tok.eos_token_id,
                         pad_token_id=tok.pad_token_id, bos_token_id=None, tie_word_embeddings=True)
    if dtype == "float32":  # the tests' model, initialised as it always was
        model = Qwen3ForCausalLM(config).eval()
    else:
        model = Qwen3ForCausalLM._from_config(config, dtype=getattr(torch, dtype)).eval()
    model.generation_config = GenerationConfig(max_new_tokens=max_new_tokens, do_sample=False,
                                               eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id)
    folder = Path(folder)
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def _set_hops(model, tok, hops: list[tuple[int, int]], seed: int) -> None:
    """Weights so that greedy decoding goes from each hop's first token to its second, whatever came
    before: attention and MLP outputs are zeroed, so the last hidden state is the current token's
    embedding, and the (untied) LM head maps each `here` embedding to `next`."""
    import torch

    g = torch.Generator().manual_seed(seed)
    model.config.tie_word_embeddings = False
    rows, dtype = model.config.vocab_size, model.model.embed_tokens.weight.dtype
    with torch.no_grad():
        emb = torch.randn(rows, model.config.hidden_size, generator=g)
        model.model.embed_tokens.weight = torch.nn.Parameter(emb.to(dtype))
        for layer in model.model.layers:  # zeroed, not removed: their matmuls cost what they cost
            layer.self_attn.o_proj.weight.zero_()
            layer.mlp.down_proj.weight.zero_()
        head = torch.zeros(rows, model.config.hidden_size, dtype=dtype)
        for here, nxt in hops:
            unit = emb[here] / emb[here].norm() * model.config.hidden_size ** 0.5
            head[nxt] += (unit * 4.0).to(dtype)
        model.lm_head.weight = torch.nn.Parameter(head)


def _prompt_end(tok, messages: list[dict]) -> int:
    return tok(tok.apply_chat_template(messages, add_generation_prompt=True, tokenize=False))["input_ids"][-1]


def scripted(folder: Path, call: dict, reply: str, seed: int = 0) -> Path:
    """A tiny Qwen3 that answers every artist message with one tool call (`<tool_call>` + `call` as
    JSON + `</tool_call>`, on lines of their own as Qwen models write it) and every tool result with
    `reply`: real output for the real server's tool call parser and the real agent. The call's JSON,
    with the newlines around it, is one added token; the reply is added tokens too."""
    import json

    from transformers import AutoTokenizer, Qwen3ForCausalLM

    qwen3(folder, max_new_tokens=32, seed=seed)
    tok = AutoTokenizer.from_pretrained(folder)
    body, words = "\n" + json.dumps(call) + "\n", reply.split(" ")
    pieces = [w if i == 0 else " " + w for i, w in enumerate(words)]
    tok.add_tokens([body, *pieces])
    model = Qwen3ForCausalLM.from_pretrained(folder)
    model.resize_token_embeddings(len(tok))
    ids = tok.convert_tokens_to_ids
    after_user = _prompt_end(tok, [{"role": "user", "content": "hi"}])
    after_tool = _prompt_end(tok, [{"role": "user", "content": "hi"}, {"role": "tool", "content": "ok"}])
    assert after_user != after_tool
    call_path = [after_user, ids("<tool_call>"), ids(body), ids("</tool_call>"), tok.eos_token_id]
    reply_path = [after_tool, *ids(pieces), tok.eos_token_id]
    _set_hops(model, tok, [*zip(call_path, call_path[1:]), *zip(reply_path, reply_path[1:])], seed)
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def chain(folder: Path, length: int = 64, seed: int = 0, shape: dict | None = None,
          dtype: str = "float32") -> tuple[Path, list[int]]:
    """The same tiny architecture with weights set so that greedy decoding walks a fixed chain of
    `length` distinct tokens after the generation prompt, then ends: every run generates exactly
    `length` tokens, the same ones through the server and through `generate` (for the benchmark).
    Attention and MLP outputs are zeroed, so the last hidden state is the current token's embedding,
    and the (untied) LM head maps each chain token's embedding to the next one. `shape`/`dtype`: as
    for `qwen3` (the zeroed layers still do all their work)."""
    import torch
    from transformers import AutoTokenizer, Qwen3ForCausalLM

    qwen3(folder, max_new_tokens=length, seed=seed, shape=shape, dtype=dtype)
    tok = AutoTokenizer.from_pretrained(folder)
    model = Qwen3ForCausalLM.from_pretrained(folder, dtype=getattr(torch, dtype))
    end = _prompt_end(tok, [{"role": "user", "content": "hi"}])
    specials = set(tok.all_special_ids) | set(tok.convert_tokens_to_ids(ADDED)) | {end}
    words = [i for i in range(len(tok)) if i not in specials and tok.decode([i]).strip().isalpha()]
    g = torch.Generator().manual_seed(seed)
    path = [words[int(i)] for i in torch.randperm(len(words), generator=g)[:length]]
    _set_hops(model, tok, list(zip([end, *path], [*path, tok.eos_token_id])), seed)
    model.save_pretrained(folder)
    return folder, path


# llama.cpp's converter, run in a child with its own gguf-py. Our tiny byte-level BPE tokenizer is not one
# the converter knows by the hash of its output on a test string, so it is named what it is: GPT-2's
# byte-level pre-tokenizer, which is what `tokenizer()` trains with (`pre_tokenizers.ByteLevel`).
_CONVERT = """import sys
src = sys.argv.pop(1)
sys.path[:0] = [src, src + "/gguf-py"]
import convert_hf_to_gguf
from conversion import base
base.TextModel.get_vocab_base_pre = lambda self, tokenizer: "gpt-2"
convert_hf_to_gguf.main()
"""


def gguf(folder: Path, out: Path | None = None, outtype: str = "f32", source: Path | None = None) -> Path:
    """The saved model in `folder` as one GGUF file (`outtype`: f32, f16, bf16 or q8_0), written by the
    vendored llama.cpp's own `convert_hf_to_gguf.py` (assistant/local_runtime.py keeps its source)."""
    import subprocess
    import sys

    from assistant.local_runtime import source_dir

    source = source or source_dir()
    if source is None:
        raise RuntimeError("llama.cpp is not built here: python -m assistant.local_runtime build")
    out = out or Path(folder).with_name(f"{Path(folder).name}.{outtype}.gguf")
    done = subprocess.run([sys.executable, "-c", _CONVERT, str(source), str(folder), "--outfile", str(out),
                           "--outtype", outtype], capture_output=True, text=True)
    if done.returncode or not out.is_file():
        raise RuntimeError(f"convert_hf_to_gguf failed: {done.stderr[-2000:]}")
    return out
