"""Fuzzed inputs (≥ 1,000 cases each): only our user-facing error, never a crash."""

import io

import numpy as np
import pytest
import soundfile as sf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shotlist.audio import load_audio
from shotlist.errors import ShotcallerError
from shotlist.export import get_format
from shotlist.lyrics import parse_lyrics
from test_exports import export, small_project

MANY = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LRC_TOKENS = st.sampled_from(["[", "]", ":", ".", "00", "01:2", "[00:12.00]", "[ti:", "[offset:-", "x", "\n", " ",
                              "[99:99.99]", "[00:00]", "é", "\x00", "[length:03:00]"])


@MANY
@given(st.lists(LRC_TOKENS, max_size=40).map("".join) | st.text(max_size=300))
def test_lrc_parser(text):
    try:
        lines, _ = parse_lyrics(text)
        assert all(line.time is None or line.time >= 0 for line in lines)
    except ShotcallerError:
        pass


PROJECT = small_project()
EXPORTS = {fmt: export(fmt, PROJECT) for fmt in ("csv", "json", "otio")}


def mutate(data: bytes, cuts: list[int], junk: bytes) -> bytes:
    out = bytearray(data)
    for c in cuts:
        if out:
            i = c % len(out)
            out[i : i + len(junk)] = junk
    return bytes(out)


@pytest.mark.parametrize("fmt", ["csv", "json", "otio"])
@MANY
@given(cuts=st.lists(st.integers(0, 10**6), max_size=4), junk=st.binary(max_size=8), truncate=st.integers(0, 10**6))
def test_importers_on_mutated_exports(fmt, cuts, junk, truncate):
    data = mutate(EXPORTS[fmt], cuts, junk)
    data = data[: truncate % (len(data) + 1)] if truncate % 3 == 0 else data
    try:
        get_format(fmt).read(data, PROJECT.model_copy(update={"shots": []}))
    except ShotcallerError:
        pass


def _wav_bytes() -> bytes:
    buf = io.BytesIO()
    sf.write(buf, (np.sin(np.arange(22050) / 10) * 0.5).astype(np.float32), 22050, format="WAV")
    return buf.getvalue()


WAV = _wav_bytes()


@MANY
@given(st.integers(0, len(WAV)), st.lists(st.integers(0, len(WAV)), max_size=3), st.binary(min_size=1, max_size=6),
       st.sampled_from([".wav", ".mp3", ".ogg", ".flac"]))
def test_audio_loader_on_truncated_and_garbage_files(tmp_path_factory, cut, spots, junk, suffix):
    data = mutate(WAV[:cut], spots, junk)
    path = tmp_path_factory.getbasetemp() / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        audio = load_audio(path)
        assert np.isfinite(audio.samples).all() and audio.duration > 0
    except ShotcallerError:
        pass
