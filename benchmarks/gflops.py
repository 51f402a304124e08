#!/usr/bin/env python3
"""Turns a JMH JSON result file (run.sh ... -rf json -rff FILE) into a Markdown table with GFLOP/s.

GFLOP/s is given for the benchmarks with a fixed floating-point operation count:
  Sgemm  2*M*K*N            (shape MxKxN)
  Spmm   2*nnz*width        (nnz of the benchmark graph, printed by its set-up: 2,447,876)
Other rows (CsrMax, training steps) get time only.

usage: gflops.py RESULT.json [--nnz 2447876]
"""
import argparse
import json

TO_SECONDS = {"s/op": 1.0, "ms/op": 1e-3, "us/op": 1e-6, "ns/op": 1e-9}


def flops(name, params, nnz):
    if name.endswith((".Sgemm.cpu", ".Sgemm.cuda", ".Sgemm.cudaQueued", ".Sgemm.openblas")):
        m, k, n = (int(v) for v in params["shape"].split("x"))
        return 2.0 * m * k * n
    if ".Spmm." in name:
        return 2.0 * nnz * int(params["width"])
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("result")
    ap.add_argument("--nnz", type=int, default=2447876, help="stored entries of the Spmm graph")
    args = ap.parse_args()
    with open(args.result) as f:
        results = json.load(f)
    print("| benchmark | parameters | time | GFLOP/s |")
    print("| --- | --- | ---: | ---: |")
    for r in results:
        name = r["benchmark"]
        params = r.get("params", {})
        metric = r["primaryMetric"]
        unit = metric["scoreUnit"]
        score, err = float(metric["score"]), float(metric["scoreError"])  # JMH writes NaN as a string
        time = f"{score:.3f} ± {err:.3f} {unit}" if err == err else f"{score:.3f} {unit}"  # NaN: one iteration
        work = flops(name, params, args.nnz)
        rate = ""
        if work is not None and unit in TO_SECONDS:
            rate = f"{work / (score * TO_SECONDS[unit]) / 1e9:.1f}"
        shown = ", ".join(f"{k}={v}" for k, v in params.items())
        print(f"| {name.replace('dev.mmgcn.bench.', '')} | {shown} | {time} | {rate} |")


if __name__ == "__main__":
    main()
