#!/usr/bin/env bash
# How fast is `cannery export`? `--to json` and `--to supporthub` on a
# generated library of 10,000 responses, beside a trivial Hugo build of the
# same files, in one hyperfine run. Prints a Markdown section for
# BENCHMARKS.md and keeps hyperfine's JSON beside it.
#
# Usage: benches/export.sh [RESULTS_DIR]      (default: target/bench-results)
#
# Environment:
#   BENCH_RESPONSES=10000   library size
#   BENCH_WARMUP=2 BENCH_RUNS=10
#   CANNERY_BIN=path        benchmark this binary instead of building one
#
# Needs: cargo, python3, hyperfine, hugo (Debian: apt-get install -y hyperfine hugo).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/benches/lib.sh"
results=${1:-$root/target/bench-results}
n=${BENCH_RESPONSES:-10000}
warmup=${BENCH_WARMUP:-2}
runs=${BENCH_RUNS:-10}

for tool in python3 hyperfine hugo; do
    if ! command -v "$tool" > /dev/null; then
        echo "error: \`$tool\` is not installed (Debian: apt-get install -y $tool)" >&2
        exit 2
    fi
done

load_before=$(load_average)
results=$(results_dir "$results")
work=$(mktemp -d "${TMPDIR:-/tmp}/cannery-export-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

if [[ -n "${CANNERY_BIN:-}" ]]; then
    cannery=$CANNERY_BIN
else
    (cd "$root" && cargo build --release)
    cannery=${CARGO_TARGET_DIR:-$root/target}/release/cannery
fi

# ---------------------------------------------------------------- corpus
corpus=$work/library
echo "== generating $n responses" >&2
python3 "$root/benches/gen_corpus.py" "$corpus" --responses "$n" --seed 1 > /dev/null

# Support-hub knows one placeholder (ticket.id) and no departments, so the
# corpus as generated is refused, as it should be. Its copy gives every
# placeholder the corpus uses a spelling (what a team on Support-hub would
# write in cannery.yaml) and makes department responses shared; the export
# then writes every active response.
supporthub=$work/library-supporthub
cp -r "$corpus" "$supporthub"
find "$supporthub" -name '*.md' -exec sed -i '/^visibility: department$/d; /^department: /d' {} +
python3 - "$supporthub/cannery.yaml" << 'EOF'
import sys
path = sys.argv[1]
text = open(path).read()
text = text.replace(
    '      zendesk: "{{ticket.ticket_field_360001}}"\n',
    '      zendesk: "{{ticket.ticket_field_360001}}"\n      supporthub: "{{ticket.order_number}}"\n',
)
for name, spelling in [
    ("contact.name", "customer.name"),
    ("contact.first_name", "customer.first_name"),
    ("contact.email", "customer.email"),
    ("agent.name", "user.name"),
    ("agent.first_name", "user.first_name"),
]:
    text += f'  {name}:\n    targets:\n      supporthub: "{{{{{spelling}}}}}"\n'
open(path, "w").write(text)
EOF

# hugo: the same throwaway site as benches/check.sh: front matter, Markdown,
# one HTML file per response, nothing else.
site=$work/site
mkdir -p "$site/layouts/_default"
printf 'baseURL = "http://localhost/"\ncontentDir = "%s"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]\n' \
    "$corpus" > "$site/config.toml"
printf '{{ .Title }}{{ .Content }}\n' > "$site/layouts/_default/single.html"
printf '{{ .Title }}{{ .Content }}\n' > "$site/layouts/_default/list.html"

q() { printf '%q' "$1"; }
json_cmd="$(q "$cannery") --library $(q "$corpus") export --to json -o $(q "$work/out.json")"
supporthub_cmd="$(q "$cannery") --library $(q "$supporthub") export --to supporthub -o $(q "$work/out-supporthub.json") 2> /dev/null"
hugo_cmd="hugo --quiet -s $(q "$site") -d $(q "$work/hugo-out")"

# Each export must really write every response before it is timed: a
# refused export is fast for the wrong reason.
for cmd in "$json_cmd" "$supporthub_cmd"; do
    bash -c "$cmd"
done
count() { python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))))' "$1"; }
json_count=$(count "$work/out.json")
supporthub_count=$(count "$work/out-supporthub.json")
echo "json: $json_count elements, supporthub: $supporthub_count elements" >&2

hyperfine --style basic --warmup "$warmup" --runs "$runs" --export-json "$results/export.json" \
    -n "cannery export --to json" "$json_cmd" \
    -n "cannery export --to supporthub" "$supporthub_cmd" \
    -n "hugo" "$hugo_cmd" >&2

# ---------------------------------------------------------------- report
python3 - "$results/export.json" "$n" "$json_count" "$supporthub_count" "$warmup" "$runs" > "$work/table.md" << 'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
n, json_count, sh_count, warmup, runs = sys.argv[2:]
med = {r["command"]: r["median"] for r in doc["results"]}
# CPU time (user + system, mean): on a busy machine wall time mostly
# measures the other processes; CPU time measures the work.
cpu = {r["command"]: r["user"] + r["system"] for r in doc["results"]}
fmt = lambda s: "%.3g ms" % (s * 1000) if s < 1 else "%.3g s" % s
print(f"Wall time: median of {runs} runs after {warmup} warm-up runs (hyperfine, warm page cache); CPU time: user + system, mean of the same runs. {int(n):,} responses.")
print()
print("| command | elements written | wall (median) | hugo / command | CPU (user + sys) | hugo / command |")
print("|---|---:|---:|---:|---:|---:|")
counts = {"cannery export --to json": json_count, "cannery export --to supporthub": sh_count, "hugo": n}
for name in ["cannery export --to json", "cannery export --to supporthub", "hugo"]:
    wall = "" if name == "hugo" else "%.1f×" % (med["hugo"] / med[name])
    work = "" if name == "hugo" else "%.1f×" % (cpu["hugo"] / cpu[name])
    print(f"| `{name}` | {int(counts[name]):,} | {fmt(med[name])} | {wall} | {fmt(cpu[name])} | {work} |")
EOF

shown() {
    local c=${1//"$work"/\$WORK}
    c=${c//"$(q "$cannery")"/cannery}
    printf '%s' "${c//"$root"\//}"
}
{
    echo "## export"
    echo
    cat "$work/table.md"
    echo
    echo "The json export writes every response (inactive and private ones included); the Support-hub one leaves out the inactive ones, which Support-hub cannot hold switched off."
    echo
    echo "Machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(uname -sr)."
    echo "Tools: $(hugo version | cut -d' ' -f1-2), $(hyperfine --version), $("$cannery" --version)."
    echo "Cannery: $([[ -n "${CANNERY_BIN:-}" ]] && echo "the binary in CANNERY_BIN" || echo "\`cargo build --release\` at commit $(git -C "$root" rev-parse --short HEAD 2> /dev/null || echo unknown)")."
    echo "Load average before the run: $load_before (1, 5, 15 minutes)."
    echo
    echo "Library: \`python3 benches/gen_corpus.py \$WORK/library --responses $n --seed 1\`. For Support-hub, a copy with department responses made shared and a Support-hub spelling for each placeholder in cannery.yaml (see benches/export.sh). The Hugo site is the one of benches/check.sh."
    echo
    echo '```sh'
    echo "hyperfine --warmup $warmup --runs $runs \\"
    echo "  -n 'cannery export --to json' \"$(shown "$json_cmd")\" \\"
    echo "  -n 'cannery export --to supporthub' \"$(shown "$supporthub_cmd")\" \\"
    echo "  -n hugo \"$(shown "$hugo_cmd")\""
    echo '```'
} | tee "$results/export-report.md"
echo >&2
echo "hyperfine JSON and export-report.md are in $results" >&2
