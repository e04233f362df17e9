#!/usr/bin/env bash
# How fast is `cannery check`? Compared with the floor (cat of the same
# files) and with a trivial Hugo build of the same files, on generated
# libraries of 1,000 and 10,000 responses. Prints a Markdown report ready
# for BENCHMARKS.md and keeps hyperfine's JSON beside it.
#
# Usage: benches/check.sh [RESULTS_DIR]      (default: target/bench-results)
#
# Environment:
#   BENCH_SIZES="1000 10000"   library sizes, in responses
#   BENCH_WARMUP=2 BENCH_RUNS=10
#   BENCH_PAIRS=30             turns of near-duplicates on and off
#   CANNERY_BIN=path           benchmark this binary instead of building one
#
# The binary is built into $CARGO_TARGET_DIR if set, else target/.
# Needs: cargo, python3, hyperfine, hugo, GNU time (/usr/bin/time).
# On Debian: apt-get install -y hyperfine hugo time
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/benches/lib.sh"
results=${1:-$root/target/bench-results}
read -r -a sizes <<< "${BENCH_SIZES:-1000 10000}"
warmup=${BENCH_WARMUP:-2}
runs=${BENCH_RUNS:-10}
pairs=${BENCH_PAIRS:-30}

need python3 python3
need hyperfine hyperfine
need hugo hugo
need_gnu_time

load_before=$(load_average)
results=$(results_dir "$results")
work=$(mktemp -d "${TMPDIR:-/tmp}/cannery-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# ---------------------------------------------------------------- cannery
cannery=""
skip_reason=""
if [[ -n "${CANNERY_BIN:-}" ]]; then
    cannery=$CANNERY_BIN
elif (cd "$root" && cargo build --release); then
    cannery=${CARGO_TARGET_DIR:-$root/target}/release/cannery
else
    # Never fall back to an older binary left in target/: its numbers would
    # be reported as this commit's.
    skip_reason="\`cargo build --release\` failed"
fi
if [[ -z "$skip_reason" && ! -x "$cannery" ]]; then
    skip_reason="${cannery#"$root"/} does not exist"
fi
if [[ -n "$skip_reason" ]]; then
    echo "warning: $skip_reason; measuring cat and hugo only" >&2
    cannery=""
fi

# Reads check's JSON summary and prints "errors warnings responses", or
# nothing when the output is not that document.
summary() {
    python3 -c '
import json, sys
try:
    s = json.load(open(sys.argv[1]))["summary"]
    print(s["errors"], s["warnings"], s["responses"])
except Exception:
    pass
' "$1"
}

cpu_ms() { # mean user + system time of a hyperfine JSON's first command (or of command $2), in ms
    python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]; print((r["user"] + r["system"]) * 1000)' "$1" "${2:-0}"
}

median_ms() { # median of a hyperfine JSON's first command (or of command $2), in ms
    python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["median"] * 1000)' "$1" "${2:-0}"
}

max_rss_kb() {
    sed -n 's/.*Maximum resident set size (kbytes): *//p' "$1"
}

q() { printf '%q' "$1"; }

bench() { # name json command [hyperfine options and more -n NAME COMMAND...]
    local name=$1 json=$2 cmd=$3
    shift 3
    hyperfine --style basic --warmup "$warmup" --runs "$runs" \
        --export-json "$json" -n "$name" "$cmd" "$@" >&2
}

declare -A med rss commands note size
for n in "${sizes[@]}"; do
    corpus=$work/library-$n
    echo "== $n responses: generating" >&2
    python3 "$root/benches/gen_corpus.py" "$corpus" --responses "$n" --seed 1
    size[$n]=$(du -sk "$corpus" | cut -f1)

    # cat: reading every response once is the least any checker must do.
    commands[$n,cat]="find $(q "$corpus") -name '*.md' -print0 | xargs -0 cat > /dev/null"
    bench cat "$results/$n-cat.json" "${commands[$n,cat]}"
    med[$n,cat]=$(median_ms "$results/$n-cat.json")

    # hugo: a throwaway site whose content is the library and whose
    # templates print only the title and the rendered body. Taxonomies,
    # feeds, sitemap, robots.txt and 404 are off, so it parses front matter,
    # renders Markdown and writes one HTML file per response.
    site=$work/site-$n
    mkdir -p "$site/layouts/_default"
    printf 'baseURL = "http://localhost/"\ncontentDir = "%s"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]\n' \
        "$corpus" > "$site/config.toml"
    printf '{{ .Title }}{{ .Content }}\n' > "$site/layouts/_default/single.html"
    printf '{{ .Title }}{{ .Content }}\n' > "$site/layouts/_default/list.html"
    commands[$n,hugo]="hugo --quiet -s $(q "$site") -d $(q "$work/hugo-out-$n")"
    bench hugo "$results/$n-hugo.json" "${commands[$n,hugo]}"
    med[$n,hugo]=$(median_ms "$results/$n-hugo.json")
    /usr/bin/time -v -o "$work/hugo-$n.time" bash -c "${commands[$n,hugo]}"
    rss[$n,hugo]=$(max_rss_kb "$work/hugo-$n.time")

    if [[ -n "$cannery" ]]; then
        commands[$n,cannery]="$(q "$cannery") --library $(q "$corpus") check --format json > /dev/null"
        # One run first, to see that this binary really checks the library:
        # an unfinished main() that exits 0 at once must not pass for fast.
        status=0 errors="" warnings="" responses=""
        "$cannery" --library "$corpus" check --format json > "$results/$n-check.json" 2> "$work/check.err" || status=$?
        read -r errors warnings responses <<< "$(summary "$results/$n-check.json")" || true
        if [[ -z "${responses:-}" ]]; then
            echo "warning: \`cannery check --format json\` printed no summary (exit $status); leaving cannery out" >&2
            sed -n 1,5p "$work/check.err" >&2
            cannery=""
        elif [[ "$responses" != "$n" ]]; then
            echo "warning: cannery counted $responses responses, not $n; leaving cannery out" >&2
            cannery=""
        else
            ignore=()
            if [[ "$status" != 0 ]]; then
                # The corpus is meant to be valid; say so loudly, but still
                # time it (hyperfine stops at a failing command otherwise).
                echo "warning: cannery check exits $status on the $n corpus ($errors errors, $warnings warnings)" >&2
                ignore=(--ignore-failure)
            fi
            note[$n]="$errors errors, $warnings warnings, exit $status"
            bench "cannery check" "$results/$n-cannery.json" "${commands[$n,cannery]}" "${ignore[@]}"
            med[$n,cannery]=$(median_ms "$results/$n-cannery.json")
            # The same library with near-duplicate detection off, to see
            # what that detection costs (SPEC §7.3): the two commands in
            # turns (benches/paired.py), so that other work on the machine
            # weighs on both alike.
            nodup=$work/library-$n-no-duplicates
            cp -r "$corpus" "$nodup"
            printf 'duplicates:\n  threshold: 0\n' >> "$nodup/cannery.yaml"
            commands[$n,nodup]="$(q "$cannery") --library $(q "$nodup") check --format json > /dev/null"
            read -r med[$n,on] med[$n,nodup] pair[$n] cpu_pair[$n] <<< "$(python3 "$root/benches/paired.py" \
                "$pairs" "$results/$n-near-duplicates.json" "${commands[$n,cannery]}" "${commands[$n,nodup]}")"
            /usr/bin/time -v -o "$work/cannery-$n.time" bash -c "${commands[$n,cannery]}" || true
            rss[$n,cannery]=$(max_rss_kb "$work/cannery-$n.time")
        fi
    fi
done

# ---------------------------------------------------------------- report
fmt_ms() { # milliseconds -> "12.3 ms" / "1.23 s"
    python3 -c '
import sys
v = float(sys.argv[1])
print("%.3g ms" % v if v < 1000 else "%.3g s" % (v / 1000))' "$1"
}
ratio() { python3 -c 'import sys; print("%.1f×" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"; }
# A command as the report shows it: temporary and checkout paths left out,
# so that the report holds nothing specific to this machine.
shown() {
    local c=${1//"$work"/\$WORK}
    if [[ -n "$cannery" ]]; then
        c=${c//"$(q "$cannery")"/cannery}
    fi
    c=${c//"$root"\//}
    printf '"%s"' "$c"
}
thousands() { python3 -c 'import sys; print("{:,}".format(int(sys.argv[1])))' "$1"; }
mib() { python3 -c 'import sys; print("%.1f MiB" % (int(sys.argv[1]) / 1024))' "$1"; }

{
    echo "## \`cannery check\`, the floor and Hugo"
    echo
    echo "Median wall time of $runs runs after $warmup warm-up run$([[ $warmup == 1 ]] || echo s) (hyperfine, warm page cache)."
    echo
    echo "| responses | cat (floor) | cannery check | hugo | cannery / cat | hugo / cannery |"
    echo "|---:|---:|---:|---:|---:|---:|"
    for n in "${sizes[@]}"; do
        c=${med[$n,cannery]:-}
        printf '| %s | %s | %s | %s | %s | %s |\n' \
            "$(thousands "$n")" \
            "$(fmt_ms "${med[$n,cat]}")" \
            "$([[ -n "$c" ]] && fmt_ms "$c" || echo "n/a")" \
            "$(fmt_ms "${med[$n,hugo]}")" \
            "$([[ -n "$c" ]] && ratio "$c" "${med[$n,cat]}" || echo "n/a")" \
            "$([[ -n "$c" ]] && ratio "${med[$n,hugo]}" "$c" || echo "n/a")"
    done
    echo
    echo "CPU time (user + system, mean of the same runs): what each tool asked of the machine, less sensitive to other work on it than wall time."
    echo
    echo "| responses | cat | cannery check | hugo | hugo / cannery |"
    echo "|---:|---:|---:|---:|---:|"
    for n in "${sizes[@]}"; do
        if [[ -n "${med[$n,cannery]:-}" ]]; then
            c=$(cpu_ms "$results/$n-cannery.json")
            h=$(cpu_ms "$results/$n-hugo.json")
            printf '| %s | %s | %s | %s | %s |\n' "$(thousands "$n")" "$(fmt_ms "$(cpu_ms "$results/$n-cat.json")")" \
                "$(fmt_ms "$c")" "$(fmt_ms "$h")" "$(ratio "$h" "$c")"
        fi
    done
    echo
    echo "What near-duplicate detection costs (SPEC §7.3; the library's \`duplicates: {threshold: 0}\` turns it off):"
    echo
    echo "$pairs runs of each, taking turns (\`benches/paired.py\`); medians of wall time, and the median over the pairs of on / off, in wall and in CPU time:"
    echo
    echo "| responses | check, detection off | check, detection on | cost of detection, wall | CPU |"
    echo "|---:|---:|---:|---:|---:|"
    percent() { python3 -c 'import sys; print("%+.1f%%" % ((float(sys.argv[1]) - 1) * 100))' "$1"; }
    for n in "${sizes[@]}"; do
        if [[ -n "${med[$n,nodup]:-}" ]]; then
            printf '| %s | %s | %s | %s | %s |\n' "$(thousands "$n")" "$(fmt_ms "${med[$n,nodup]}")" "$(fmt_ms "${med[$n,on]}")" \
                "$(percent "${pair[$n]}")" "$(percent "${cpu_pair[$n]}")"
        fi
    done
    echo
    echo "Peak memory (maximum resident set size, GNU time):"
    echo
    echo "| responses | cannery check | hugo |"
    echo "|---:|---:|---:|"
    for n in "${sizes[@]}"; do
        c=${rss[$n,cannery]:-}
        printf '| %s | %s | %s |\n' "$(thousands "$n")" "$([[ -n "$c" ]] && mib "$c" || echo "n/a")" "$(mib "${rss[$n,hugo]}")"
    done
    echo
    for n in "${sizes[@]}"; do
        if [[ -n "${note[$n]:-}" ]]; then
            echo "- cannery on $n responses: ${note[$n]}."
        fi
    done
    if [[ -z "${med[${sizes[0]},cannery]:-}" ]]; then
        echo "- cannery was not measured: ${skip_reason:-its check did not report on the corpus (see the warnings above)}."
    fi
    echo
    echo "Machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(uname -sr)."
    echo "Tools: $(hugo version | cut -d' ' -f1-2), $(hyperfine --version)$([[ -n "$cannery" ]] && echo ", $("$cannery" --version 2> /dev/null || echo cannery)")."
    if [[ -n "${CANNERY_BIN:-}" ]]; then
        echo "Cannery: the binary given in CANNERY_BIN."
    else
        echo "Cannery: \`cargo build --release\` at commit $(git -C "$root" rev-parse --short HEAD 2> /dev/null || echo unknown)$([[ -n "$(git -C "$root" status --porcelain -- src Cargo.toml Cargo.lock 2> /dev/null)" ]] && echo ", with uncommitted changes")."
    fi
    echo "Load average before the run: $load_before (1, 5, 15 minutes); numbers taken on a busy machine are not worth publishing."
    echo
    echo "Libraries: \`python3 benches/gen_corpus.py \$WORK/library-N --responses N --seed 1\`$(for n in "${sizes[@]}"; do printf ', %s responses in %s' "$(thousands "$n")" "$(mib "${size[$n]}")"; done)."
    echo "Exact commands (\$WORK is a temporary folder):"
    echo
    echo '```sh'
    for n in "${sizes[@]}"; do
        for tool in cat cannery hugo; do
            if [[ -n "${commands[$n,$tool]:-}" ]]; then
                echo "hyperfine --warmup $warmup --runs $runs --export-json $n-$tool.json $(shown "${commands[$n,$tool]}")"
                if [[ $tool == cannery && -n "${commands[$n,nodup]:-}" ]]; then
                    echo "python3 benches/paired.py $pairs $n-near-duplicates.json $(shown "${commands[$n,cannery]}") $(shown "${commands[$n,nodup]}")"
                fi
            fi
        done
        for tool in cannery hugo; do
            if [[ -n "${rss[$n,$tool]:-}" ]]; then
                echo "/usr/bin/time -v bash -c $(shown "${commands[$n,$tool]}")"
            fi
        done
    done
    echo '```'
    echo
    echo "The Hugo site: \`config.toml\` with \`contentDir\` set to the library and \`disableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\", \"robotsTXT\", \"404\"]\`; \`layouts/_default/single.html\` and \`list.html\` both \`{{ .Title }}{{ .Content }}\`."
} | tee "$results/report.md"
echo >&2
echo "hyperfine JSON and report.md are in $results" >&2
