"""criterion_table.py CRITERION_DIR — the latest run of every criterion benchmark as a Markdown table.

Reads CRITERION_DIR/**/new/benchmark.json and estimates.json (criterion's own files);
times are the median and mean of criterion's samples, with its 95 % interval of the mean.
"""
import json
import os
import sys


def human(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def main():
    root = sys.argv[1]
    rows = []
    for d, _, files in os.walk(root):
        if os.path.basename(d) != "new" or "benchmark.json" not in files:
            continue
        b = json.load(open(os.path.join(d, "benchmark.json")))
        e = json.load(open(os.path.join(d, "estimates.json")))
        mean, median = e["mean"]["point_estimate"], e["median"]["point_estimate"]
        lo, hi = e["mean"]["confidence_interval"]["lower_bound"], e["mean"]["confidence_interval"]["upper_bound"]
        per = ""
        t = b.get("throughput") or {}
        if "Elements" in t and t["Elements"] > 1:
            per = f"{t['Elements']:,} items; {human(median / t['Elements'])} each"
        rows.append((b["group_id"], b["full_id"], human(median), human(mean), f"{human(lo)} – {human(hi)}", per))
    rows.sort()
    print("| group | benchmark | median | mean | 95 % interval of the mean | per item |")
    print("|---|---|---:|---:|---|---|")
    for g, full, med, mean, ci, per in rows:
        print(f"| {g} | `{full}` | {med} | {mean} | {ci} | {per} |")


if __name__ == "__main__":
    main()
