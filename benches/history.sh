#!/usr/bin/env bash
# How fast is `cannery history`? On a generated repository of 10,000
# responses and 10,000 commits (edits, renames, moves, deletions): the full
# history derivation beside `git log --raw -M --no-abbrev` over the same
# repository, both in one hyperfine run; the update of a cached history
# after one new commit (what `cannery serve` does on each reload); and the
# peak memory of both commands. Prints a Markdown report ready for
# BENCHMARKS.md and keeps hyperfine's JSON beside it.
#
# Usage: benches/history.sh [RESULTS_DIR]      (default: target/bench-results)
#
# Environment:
#   BENCH_RESPONSES=10000 BENCH_COMMITS=10000
#   BENCH_WARMUP=2 BENCH_RUNS=10
#   BENCH_ROUNDS=20            timed updates, one new commit each
#   CANNERY_BIN=path           benchmark this binary instead of building one
#                              (the update benchmark is still built)
#
# Runs under `nice -n -10` when allowed (root), so that other work on the
# machine disturbs the timings less; the report says whether it did.
# Needs: cargo, git, python3, hyperfine, GNU time (/usr/bin/time).
# On Debian: apt-get install -y git hyperfine time
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/benches/lib.sh"
results=${1:-$root/target/bench-results}
responses=${BENCH_RESPONSES:-10000}
commits=${BENCH_COMMITS:-10000}
warmup=${BENCH_WARMUP:-2}
runs=${BENCH_RUNS:-10}
rounds=${BENCH_ROUNDS:-20}

need python3 python3
need git git
need hyperfine hyperfine
need_gnu_time

load_before=$(load_average)
results=$(results_dir "$results")
work=$(mktemp -d "${TMPDIR:-/tmp}/cannery-history-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

nice=()
if nice -n -10 true 2> /dev/null && [[ $(nice -n -10 nice) -lt $(nice) ]]; then
    nice=(nice -n -10)
fi

# ------------------------------------------------------------- binaries
target=${CARGO_TARGET_DIR:-$root/target}
# The update benchmark (benches/history_update.rs) first: building a bench
# target unifies the dev-dependencies' features into the library and
# rewrites target/release/cannery with them, and that binary measured 3x
# slower. The plain release build after it restores the real one.
update_bin=$(cd "$root" && cargo build --release --bench history_update --message-format=json 2> /dev/null |
    python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "history_update" and m.get("executable"):
        print(m["executable"])')
if [[ -n "${CANNERY_BIN:-}" ]]; then
    cannery=$CANNERY_BIN
else
    (cd "$root" && cargo build --release --quiet)
    cannery=$work/cannery
    cp "$target/release/cannery" "$cannery"
fi
if [[ ! -x "$cannery" || ! -x "$update_bin" ]]; then
    echo "error: could not build cannery and benches/history_update.rs" >&2
    exit 2
fi

# --------------------------------------------------------------- corpus
repo=$work/repo
echo "== generating $responses responses, $commits commits" >&2
python3 "$root/benches/gen_corpus.py" "$repo" --responses "$responses" --history "$commits" --seed 1
git_size=$(du -sk "$repo/.git" | cut -f1)
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null

q() { printf '%q' "$1"; }
cmd_cannery="$(q "$cannery") --library $(q "$repo/library") history --json > /dev/null"
cmd_git="git -C $(q "$repo") log --raw -M --no-abbrev > /dev/null"

# Before timing: Cannery must derive the same events as git log reports
# for the same commits, or its figure means nothing.
"$cannery" --library "$repo/library" history --json > "$work/history.json"
git -C "$repo" log --raw -M --no-abbrev --format='commit %H' > "$work/log.txt"
agreement=$(python3 - "$work/history.json" "$work/log.txt" << 'EOF'
import json, re, sys
ours = {(e["commit"], e["kind"], e["path"], e["old_path"]) for e in json.load(open(sys.argv[1]))}
kinds = {"A": "created", "M": "changed", "D": "deleted", "R": "renamed"}
theirs, commit = set(), None
def response(path):
    # src/source.rs is_response_path, under the library folder.
    if not path.startswith("library/"):
        return False
    parts = path[len("library/"):].split("/")
    return (parts[-1].endswith(".md") and parts[-1] != "README.md"
            and all(p and p[0] not in "._" for p in parts))
for line in open(sys.argv[2]):
    if line.startswith("commit "):
        commit = line.split()[1]
    elif line.startswith(":"):
        status, *paths = line.rstrip("\n").split("\t")
        kind = kinds[status.split()[-1][0]]
        new = paths[-1]
        if not response(new):
            continue
        old = paths[0][len("library/"):] if kind == "renamed" else None
        theirs.add((commit, kind, new[len("library/"):], old))
if ours == theirs:
    print("same %d events" % len(ours))
else:
    print("DIFFERENT: %d events only in cannery, %d only in git log" % (len(ours - theirs), len(theirs - ours)))
EOF
)
echo "== cannery and git log: $agreement" >&2
if [[ $agreement != same* ]]; then
    echo "error: cannery's history differs from git log's; not timing it" >&2
    exit 1
fi
events=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))))' "$work/history.json")

echo "== full derivation: cannery history vs git log" >&2
"${nice[@]}" hyperfine --style basic --warmup "$warmup" --runs "$runs" \
    --export-json "$results/history.json" \
    -n "cannery history" "$cmd_cannery" -n "git log" "$cmd_git" >&2

max_rss_kb() { sed -n 's/.*Maximum resident set size (kbytes): *//p' "$1"; }
"${nice[@]}" /usr/bin/time -v -o "$work/cannery.time" bash -c "$cmd_cannery"
"${nice[@]}" /usr/bin/time -v -o "$work/git.time" bash -c "$cmd_git"
rss_cannery=$(max_rss_kb "$work/cannery.time")
rss_git=$(max_rss_kb "$work/git.time")

echo "== update after one new commit ($rounds rounds)" >&2
# Last: it commits into the repository.
"${nice[@]}" "$update_bin" "$repo/library" "$rounds" | tee "$results/history-update.json" >&2
"${nice[@]}" /usr/bin/time -v -o "$work/update.time" "$update_bin" "$repo/library" 1 > /dev/null
rss_update=$(max_rss_kb "$work/update.time")

# ---------------------------------------------------------------- report
read -r med_cannery med_git mean_cpu_cannery mean_cpu_git <<< "$(python3 -c '
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
c, g = r["cannery history"], r["git log"]
print(c["median"] * 1000, g["median"] * 1000, (c["user"] + c["system"]) * 1000, (g["user"] + g["system"]) * 1000)
' "$results/history.json")"
field() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$results/history-update.json" "$1"; }
fmt_ms() {
    python3 -c '
import sys
v = float(sys.argv[1])
print("%.3g ms" % v if v < 1000 else "%.3g s" % (v / 1000))' "$1"
}
ratio() { python3 -c 'import sys; print("%.2f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"; }
mib() { python3 -c 'import sys; print("%.1f MiB" % (int(sys.argv[1]) / 1024))' "$1"; }
thousands() { python3 -c 'import sys; print("{:,}".format(int(sys.argv[1])))' "$1"; }
shown() {
    local c=${1//"$work"/\$WORK}
    c=${c//"$(q "$cannery")"/cannery}
    c=${c//"$(q "$update_bin")"/history_update}
    printf '%s' "$c"
}

{
    echo "## history"
    echo
    echo "A generated repository of $(thousands "$commits") commits that add $(thousands "$responses") responses in batches, then edit, retitle, rename, move, delete and create them (1–5 changes a commit; $(mib "$git_size") of \`.git\`). Cannery's history of it has $(thousands "$events") events, and they are the ones \`git log --raw -M\` reports for the same commits (checked before timing: $agreement)."
    echo
    echo "Wall time: median of $runs runs after $warmup warm-up runs, both commands in one hyperfine run (warm page cache); CPU time: user + system, mean of the same runs."
    echo
    echo "| | cannery history --json | git log --raw -M --no-abbrev | cannery / git | target |"
    echo "|---|---:|---:|---:|---|"
    echo "| full derivation, wall | $(fmt_ms "$med_cannery") | $(fmt_ms "$med_git") | $(ratio "$med_cannery" "$med_git") | ≤ 1.0 |"
    echo "| full derivation, CPU | $(fmt_ms "$mean_cpu_cannery") | $(fmt_ms "$mean_cpu_git") | $(ratio "$mean_cpu_cannery" "$mean_cpu_git") | |"
    echo "| peak memory (GNU time) | $(mib "$rss_cannery") | $(mib "$rss_git") | | < 200 MB |"
    echo
    echo "Update after one new commit (\`Repository::history_with\` with the \`HistoryCache\` of the previous call, as \`cannery serve\` does on each reload; \`benches/history_update.rs\`): median **$(fmt_ms "$(field update_median_ms)")** over $(field rounds) commits (min $(fmt_ms "$(field update_min_ms)"), max $(fmt_ms "$(field update_max_ms)")); target < 50 ms. Each update examined exactly one commit and found its event (the benchmark fails otherwise). The first walk, filling the cache, took $(fmt_ms "$(field first_walk_ms)") in the same process; its peak memory with one update was $(mib "$rss_update")."
    echo
    echo "Machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(uname -sr)."
    echo "Tools: $(git --version), $(hyperfine --version), $("$cannery" --version 2> /dev/null || echo cannery)."
    if [[ -n "${CANNERY_BIN:-}" ]]; then
        echo "Cannery: the binary given in CANNERY_BIN."
    else
        echo "Cannery: \`cargo build --release\` at commit $(git -C "$root" rev-parse --short HEAD 2> /dev/null || echo unknown)$([[ -n "$(git -C "$root" status --porcelain -- src benches Cargo.toml Cargo.lock 2> /dev/null)" ]] && echo ", with uncommitted changes")."
    fi
    echo "Load average before the run: $load_before (1, 5, 15 minutes)$([[ ${#nice[@]} -gt 0 ]] && echo "; every timed command ran under \`nice -n -10\`" || echo "; not run under \`nice\` (not allowed)")."
    echo
    echo "Exact commands (\$WORK is a temporary folder):"
    echo
    echo '```sh'
    echo "python3 benches/gen_corpus.py \$WORK/repo --responses $responses --history $commits --seed 1"
    echo "${nice[*]}${nice[*]:+ }hyperfine --warmup $warmup --runs $runs -n 'cannery history' \"$(shown "$cmd_cannery")\" -n 'git log' \"$(shown "$cmd_git")\""
    echo "${nice[*]}${nice[*]:+ }/usr/bin/time -v bash -c \"$(shown "$cmd_cannery")\""
    echo "${nice[*]}${nice[*]:+ }/usr/bin/time -v bash -c \"$(shown "$cmd_git")\""
    echo "${nice[*]}${nice[*]:+ }history_update \$WORK/repo/library $rounds    # cargo build --release --bench history_update"
    echo '```'
} | tee "$results/history-report.md"
echo >&2
echo "hyperfine JSON and history-report.md are in $results" >&2
