"""A stand-in for the llama-cpp-python sdist: its layout (`vendor/llama.cpp` with the GGUF converter's files
the build keeps) around a tiny real CMake project whose `llama-server` and `llama-bench` compile in seconds,
so `assistant.local_runtime.build` runs CMake and the compiler for real and reads CMake's real progress.
`steps` generated sources, each taking `step_s` seconds, spread the percent over time; `broken` puts a
syntax error in llama-server's source."""

from __future__ import annotations

import tarfile
from pathlib import Path

from assistant.local_runtime import VERSION

CMAKE = """cmake_minimum_required(VERSION 3.13)
project(tiny_llama CXX)
set(CMAKE_RUNTIME_OUTPUT_DIRECTORY ${{CMAKE_BINARY_DIR}}/bin)
set(parts)
set(previous)
foreach(i RANGE 1 {steps})
  add_custom_command(OUTPUT ${{CMAKE_BINARY_DIR}}/part${{i}}.cpp
    COMMAND ${{CMAKE_COMMAND}} -E sleep {step_s}
    COMMAND ${{CMAKE_COMMAND}} -E echo "int part${{i}}() {{ return ${{i}}; }}" > ${{CMAKE_BINARY_DIR}}/part${{i}}.cpp
    DEPENDS ${{previous}} VERBATIM)
  set(previous ${{CMAKE_BINARY_DIR}}/part${{i}}.cpp)
  list(APPEND parts ${{previous}})
endforeach()
add_executable(llama-server server.cpp ${{parts}})
add_executable(llama-bench bench.cpp)
"""


def tiny_sdist(folder: Path, steps: int = 3, step_s: float = 0.0, broken: bool = False) -> Path:
    tree = folder / "tree" / f"llama_cpp_python-{VERSION}"
    src = tree / "vendor" / "llama.cpp"
    (src / "conversion").mkdir(parents=True)
    (src / "gguf-py").mkdir()
    (src / "convert_hf_to_gguf.py").write_text("# the converter\n")
    (src / "LICENSE").write_text("MIT\n")
    (src / "CMakeLists.txt").write_text(CMAKE.format(steps=steps, step_s=step_s))
    (src / "server.cpp").write_text("int main() { return 0; }\n" + ("int broken( {\n" if broken else ""))
    (src / "bench.cpp").write_text("int main() { return 0; }\n")
    sdist = folder / f"llama_cpp_python-{VERSION}.tar.gz"
    with tarfile.open(sdist, "w:gz") as tar:
        tar.add(tree, arcname=tree.name)
    return sdist
