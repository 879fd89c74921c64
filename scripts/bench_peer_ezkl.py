"""EZKL's side of `make bench-peer`: one step per process, so GNU time measures each step's
peak memory on its own.

  bench_peer_ezkl.py setup <dir> <model.onnx> <batch> <calibration.json>
      gen_settings (batch bound to the ONNX symbolic dimension), calibrate_settings for
      resources, compile_circuit, gen_srs (a locally generated SRS: EZKL's public one needs a
      download this machine cannot make), setup (KZG keys) and the EVM verifier.
  bench_peer_ezkl.py prove <dir> <input.json>
      gen_witness + prove: what a seller runs per claim.
  bench_peer_ezkl.py verify <dir>
      the native verifier, and the EVM calldata of the proof (<dir>/calldata.bin).

EZKL's defaults for visibility: private input and parameters, public output — the closest to
zkmodel's committed model, committed input and public logits.
"""

import asyncio
import inspect
import json
import os
import sys

import ezkl


async def _call(f):
    result = f()
    if inspect.isawaitable(result):
        result = await result
    return result


def run(f):
    """Calls `f` inside an event loop: some EZKL calls return futures and need a running loop."""
    return asyncio.run(_call(f))


def paths(d):
    return {k: os.path.join(d, v) for k, v in {
        "settings": "settings.json", "compiled": "model.compiled", "srs": "kzg.srs",
        "vk": "vk.key", "pk": "pk.key", "witness": "witness.json", "proof": "proof.json",
        "sol": "EzklVerifier.sol", "abi": "EzklVerifier.abi", "calldata": "calldata.bin",
    }.items()}


def setup(d, onnx, batch, calibration):
    p = paths(d)
    args = ezkl.PyRunArgs()
    args.variables = [("N", int(batch))]
    assert run(lambda: ezkl.gen_settings(onnx, p["settings"], py_run_args=args)), "gen_settings failed"
    assert run(lambda: ezkl.calibrate_settings(calibration, onnx, p["settings"], "resources")), \
        "calibrate_settings failed"
    assert run(lambda: ezkl.compile_circuit(onnx, p["compiled"], p["settings"])), "compile_circuit failed"
    logrows = json.load(open(p["settings"]))["run_args"]["logrows"]
    run(lambda: ezkl.gen_srs(p["srs"], logrows))
    assert run(lambda: ezkl.setup(p["compiled"], p["vk"], p["pk"], p["srs"])), "setup failed"
    try:
        run(lambda: ezkl.create_evm_verifier(p["vk"], p["settings"], p["sol"], p["abi"], p["srs"]))
    except RuntimeError as e:
        # EZKL renders the verifier, then fetches a solc build (svm) only to derive its ABI:
        # that download cannot happen here. The rendered contract is compiled by the
        # project's solc (0.8.30) instead.
        if "svm" not in str(e) or not os.path.exists(p["sol"]):
            raise
    print(json.dumps({"logrows": logrows}))


def prove(d, data):
    p = paths(d)
    run(lambda: ezkl.gen_witness(data, p["compiled"], p["witness"]))
    run(lambda: ezkl.prove(p["witness"], p["compiled"], p["pk"], p["proof"], p["srs"]))


def verify(d):
    p = paths(d)
    assert run(lambda: ezkl.verify(p["proof"], p["settings"], p["vk"], p["srs"])), "EZKL rejected its proof"
    calldata = bytes(run(lambda: ezkl.encode_evm_calldata(p["proof"], p["calldata"])))
    open(p["calldata"], "wb").write(calldata)
    print(json.dumps({"proof_bytes": os.path.getsize(p["proof"]), "calldata_bytes": len(calldata)}))


if __name__ == "__main__":
    step, rest = sys.argv[1], sys.argv[2:]
    {"setup": setup, "prove": prove, "verify": verify}[step](*rest)
