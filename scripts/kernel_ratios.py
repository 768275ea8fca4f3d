#!/usr/bin/env python3
"""Prints the ratio tables of a lapbench-kernels JSON file.

For every benchmark shape: matvec as a fraction of the read bandwidth
measured in the same run (bw_fraction), matmul as a fraction of the measured
peak FP32 FLOP/s (peak_fraction), per format x variant x threads, then each
variant's speed-up over ref on the same format, shape and thread count.

Usage: kernel_ratios.py RESULTS.json [--shape SUBSTRING] [--speedup-only]
"""

import argparse
import json
import statistics
import sys
from collections import defaultdict

VARIANT_ORDER = ["avx512", "avx2", "onednn", "ref"]
FORMAT_ORDER = ["f32", "f16", "bf16", "q8_0", "q6_k", "q4_k", "q4_0"]


def parse_name(name):
    """BM_MatVec/avx512/q4_0/shape/n_threads:2[/real_time] -> fields."""
    parts = name.split("/")
    if len(parts) < 5 or not parts[4].startswith("n_threads:"):
        return None
    return {
        "op": parts[0].removeprefix("BM_"),
        "variant": parts[1],
        "format": parts[2],
        "shape": parts[3],
        "threads": int(parts[4].split(":")[1]),
    }


def load(path):
    """Benchmark entries keyed by (op, shape, format, variant, threads),
    the median over repetitions, and the run's context."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    samples = defaultdict(list)
    for bench in data.get("benchmarks", []):
        if bench.get("run_type", "iteration") != "iteration":
            continue
        if bench.get("error_occurred"):
            continue
        fields = parse_name(bench["run_name"] if "run_name" in bench
                            else bench["name"])
        if fields is None:
            continue
        key = tuple(fields[k] for k in
                    ("op", "shape", "format", "variant", "threads"))
        samples[key].append(bench)
    merged = {}
    for key, runs in samples.items():
        merged[key] = {
            field: statistics.median(r[field] for r in runs)
            for field in ("real_time", "bw_fraction", "peak_fraction",
                          "cpu_share")
            if all(field in r for r in runs)
        }
    return merged, data.get("context", {})


def ordered(values, order):
    return sorted(values, key=lambda v: (order.index(v) if v in order
                                         else len(order), v))


def print_table(title, rows, columns, cell):
    print(title)
    widths = [max(len("format"), *(len(r) for r in rows))]
    header = ["format"] + [c[0] for c in columns]
    widths += [max(8, len(h)) for h in header[1:]]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    for row in rows:
        cells = [row] + [cell(row, c[1]) for c in columns]
        print("  ".join(c.ljust(w) for c, w in zip(cells, widths)))
    print()


def print_shape(results, op, shape, speedup_only):
    keys = [k for k in results if k[0] == op and k[1] == shape]
    formats = ordered({k[2] for k in keys}, FORMAT_ORDER)
    variants = ordered({k[3] for k in keys}, VARIANT_ORDER)
    threads = sorted({k[4] for k in keys})
    columns = [(f"{v}@{t}", (v, t)) for t in threads for v in variants]
    ratio = "bw_fraction" if op == "MatVec" else "peak_fraction"

    def field_cell(field):
        def cell(fmt, vt):
            entry = results.get((op, shape, fmt, *vt))
            if entry is None or field not in entry:
                return "-"
            return f"{entry[field]:.3f}"
        return cell

    def speedup_cell(fmt, vt):
        entry = results.get((op, shape, fmt, *vt))
        base = results.get((op, shape, fmt, "ref", vt[1]))
        if entry is None or base is None:
            return "-"
        return f"{base['real_time'] / entry['real_time']:.1f}x"

    if not speedup_only:
        print_table(f"{op} {shape}: {ratio} (variant@threads)", formats,
                    columns, field_cell(ratio))
        if any("cpu_share" in results[k] for k in keys):
            print_table(f"{op} {shape}: cpu_share (CPU time the benchmark "
                        "got per thread; below ~0.9 the machine was busy)",
                        formats, columns, field_cell("cpu_share"))
    print_table(f"{op} {shape}: speed-up over ref at the same threads",
                formats, columns, speedup_cell)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", help="lapbench-kernels --benchmark_out JSON")
    parser.add_argument("--shape", default="", help="only shapes containing")
    parser.add_argument("--speedup-only", action="store_true")
    args = parser.parse_args()
    results, context = load(args.results)
    if not results:
        sys.exit(f"kernel_ratios: error: no BM_MatVec/BM_MatMul results: "
                 f"'{args.results}' (expected lapbench-kernels JSON)")

    gb = 1e9
    for threads in ("1", "all"):
        bw = float(context.get(f"lapbench_read_bytes_per_s_{threads}", 0))
        peak = float(context.get(f"lapbench_peak_flops_{threads}", 0))
        print(f"reference ({threads} threads): read {bw / gb:.1f} GB/s, "
              f"peak {peak / gb:.1f} GFLOP/s "
              f"({context.get('lapbench_peak_isa', '?')})")
    print()
    for op in ("MatVec", "MatMul"):
        shapes = sorted({k[1] for k in results if k[0] == op})
        for shape in shapes:
            if args.shape in shape:
                print_shape(results, op, shape, args.speedup_only)


if __name__ == "__main__":
    main()
