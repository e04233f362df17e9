#!/usr/bin/env python3
"""Times two shell commands in turns: A, B, B, A, A, B, ...

hyperfine runs all of one command's runs, then all of the other's, so a
change in what else the machine is doing falls on one command more than
the other; on a busy machine that moved a 20% difference between 20% and
40% from one run to the next. Taking turns puts both under the same
conditions, and the median of each pair's ratio is the figure to read.

Usage: paired.py RUNS JSON_OUT CMD_A CMD_B
Prints "median_a_ms median_b_ms pair_ratio" (wall time; pair_ratio is the
median over the pairs of A's time over B's) and writes every run to
JSON_OUT.
"""
import json
import resource
import statistics
import subprocess
import sys
import time


def run(command):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main():
    runs, out, a, b = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    for command in (a, b, a, b):  # warm-up
        run(command)
    times = {a: [], b: []}
    for i in range(runs):
        for command in (a, b) if i % 2 == 0 else (b, a):
            times[command].append(run(command))
    wall = {c: [w for w, _ in t] for c, t in times.items()}
    cpu = {c: [u for _, u in t] for c, t in times.items()}
    ratio = statistics.median(x / y for x, y in zip(wall[a], wall[b]))
    cpu_ratio = statistics.median(x / y for x, y in zip(cpu[a], cpu[b]))
    with open(out, "w") as f:
        json.dump({"a": a, "b": b, "wall_s": wall, "cpu_s": cpu,
                   "pair_ratio": ratio, "cpu_pair_ratio": cpu_ratio}, f, indent=1)
    print("%.3f %.3f %.4f %.4f" % (statistics.median(wall[a]) * 1000,
                                   statistics.median(wall[b]) * 1000, ratio, cpu_ratio))


if __name__ == "__main__":
    main()
