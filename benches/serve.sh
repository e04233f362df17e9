#!/usr/bin/env bash
# How fast is `cannery serve`? On a generated library of 10,000 responses:
# requests per second and p50/p99 latency for one response by id and for a
# `q=` search, with wrk at 32 connections, beside nginx serving the same
# answer bytes as static files (the floor); the time from saving one file
# to serving it; and the server's peak memory. Prints a Markdown report
# ready for BENCHMARKS.md and keeps wrk's output beside it.
#
# Usage: benches/serve.sh [RESULTS_DIR]      (default: target/bench-results)
#
# Environment:
#   BENCH_RESPONSES=10000      library size
#   BENCH_QUERY=refund         the search
#   BENCH_CONNECTIONS=32 BENCH_THREADS=2 BENCH_DURATION=10 (seconds)
#   BENCH_RUNS=3               wrk runs per target; the report shows medians
#   BENCH_RELOADS=5            saves to time
#   CANNERY_BIN=path           benchmark this binary instead of building one
#
# Needs: cargo, python3, curl, wrk, nginx (Debian: apt-get install -y wrk nginx curl).
# wrk, nginx and cannery share the machine's cores: the ratio to nginx is
# the figure to read, more than the absolute numbers.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/benches/lib.sh"
results=${1:-$root/target/bench-results}
responses=${BENCH_RESPONSES:-10000}
query=${BENCH_QUERY:-refund}
connections=${BENCH_CONNECTIONS:-32}
threads=${BENCH_THREADS:-2}
duration=${BENCH_DURATION:-10}
runs=${BENCH_RUNS:-3}
reloads=${BENCH_RELOADS:-5}

need python3 python3
need curl curl
need wrk wrk
need nginx nginx

if [[ -n "${CANNERY_BIN:-}" ]]; then
    cannery=$CANNERY_BIN
else
    (cd "$root" && cargo build --release --quiet)
    cannery=${CARGO_TARGET_DIR:-$root/target}/release/cannery
fi

results=$(results_dir "$results")
work=$(mktemp -d "${TMPDIR:-/tmp}/cannery-serve-bench.XXXXXX")
server=""
floor=""
cleanup() {
    [[ -n "$server" ]] && kill "$server" 2> /dev/null || true
    [[ -n "$floor" ]] && kill "$floor" 2> /dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
load_before=$(load_average)

python3 "$root/benches/gen_corpus.py" "$work/library" --responses "$responses" > /dev/null

"$cannery" --library "$work/library" serve --addr 127.0.0.1:0 --quiet \
    > "$work/serve.out" 2> "$work/serve.err" &
server=$!
url=""
for _ in $(seq 300); do
    # The start line may hold two URLs (the problems link): take the first.
    url=$(grep -o -m1 'http://[^ ]*' "$work/serve.out" | head -n1 || true)
    [[ -n "$url" ]] && break
    sleep 0.1
done
[[ -n "$url" ]] || { cat "$work/serve.err" >&2; exit 2; }
url=${url%/}

# The response in the middle of the library, by title.
id=$(curl -sf "$url/api/v1/canned-responses?per_page=1&page=$((responses / 2))" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["data"][0]["id"])')
by_id="/api/v1/canned-responses/$id"
search="/api/v1/canned-responses?q=$query"
hits=$(curl -sf "$url$search" | python3 -c 'import json, sys; print(json.load(sys.stdin)["meta"]["total"])')

# The floor: nginx serving the very same bytes as static files.
mkdir -p "$work/static" "$work/nginx"
# nginx's workers may run as another user: let them read the files.
chmod 755 "$work" "$work/static"
curl -sf "$url$by_id" > "$work/static/one.json"
curl -sf "$url$search" > "$work/static/search.json"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$work/nginx/nginx.conf" << EOF
worker_processes auto;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    keepalive_requests 1000000;
    client_body_temp_path $work/nginx;
    proxy_temp_path $work/nginx;
    fastcgi_temp_path $work/nginx;
    uwsgi_temp_path $work/nginx;
    scgi_temp_path $work/nginx;
    server {
        listen 127.0.0.1:$port;
        root $work/static;
        default_type application/json;
    }
}
EOF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
floor=$!
for _ in $(seq 50); do
    curl -sf "http://127.0.0.1:$port/one.json" > /dev/null && break
    sleep 0.1
done

# Runs wrk `runs` times; prints "req/s p50_ms p99_ms" medians.
measure() {
    local name=$1 target=$2
    for run in $(seq "$runs"); do
        wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "$target" > "$results/serve-$name-$run.txt"
        python3 - "$results/serve-$name-$run.txt" << 'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(value):
    n, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
    return float(n) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = ms(re.search(r"\s50%\s+(\S+)", text).group(1))
p99 = ms(re.search(r"\s99%\s+(\S+)", text).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
if errors:
    sys.exit(f"{sys.argv[1]}: {errors.group(1)} failed requests")
print(rps, p50, p99)
PY
    done | python3 -c '
import statistics, sys
rows = [list(map(float, l.split())) for l in sys.stdin if l.strip()]
print(" ".join(f"{statistics.median(c):.3f}" for c in zip(*rows)))'
}

read -r id_rps id_p50 id_p99 <<< "$(measure by-id "$url$by_id")"
read -r nginx_id_rps nginx_id_p50 nginx_id_p99 <<< "$(measure nginx-by-id "http://127.0.0.1:$port/one.json")"
read -r q_rps q_p50 q_p99 <<< "$(measure search "$url$search")"
read -r nginx_q_rps nginx_q_p50 nginx_q_p99 <<< "$(measure nginx-search "http://127.0.0.1:$port/search.json")"

# Reload: append a line to one response, time until the new index is
# served (save -> visible, the 50 ms settle included), and read the
# server's own load-and-index time from its log.
file="$work/library/$id.md"
# Polled every 5 ms: no Python here, whose start-up would take a core
# from the reload being timed.
generation() {
    local health
    health=$(curl -sf "$url/api/v1/health")
    [[ $health =~ \"generation\":([0-9]+) ]] && echo "${BASH_REMATCH[1]}"
}
visible=()
for i in $(seq "$reloads"); do
    before=$(generation)
    start=$(date +%s%N)
    echo "Edited for the benchmark, save $i." >> "$file"
    for _ in $(seq 500); do
        [[ $(generation) -gt $before ]] && break
        sleep 0.005
    done
    visible+=($((($(date +%s%N) - start) / 1000000)))
    sleep 0.3
done
loads=$(grep -o 'reloaded: .* (\([0-9]*\) ms)' "$work/serve.err" | grep -o '([0-9]* ms)' | tr -dc '0-9\n')
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
load_ms=$(median $loads)
visible_ms=$(median "${visible[@]}")
peak_kb=$(awk '/VmHWM/ { print $2 }' "/proc/$server/status")
load_after=$(cut -d' ' -f1-3 /proc/loadavg 2> /dev/null || echo unknown)

ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
report="$results/serve.md"
{
    echo "## serve"
    echo
    echo "\`benches/serve.sh\`: \`cannery serve --quiet\` on a library of $responses generated responses (\`benches/gen_corpus.py\`), wrk with $threads threads and $connections connections for ${duration}s, median of $runs runs; nginx serves the same answer bytes as static files from the same machine (the floor)."
    echo
    echo "Machine: $(nproc) cores ($cpu), load average before the run $load_before, after it $load_after. wrk, nginx and cannery share those cores."
    echo
    echo "| target | cannery req/s | p50 ms | p99 ms | nginx req/s | nginx p50 ms | nginx p99 ms | cannery/nginx |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    echo "| one response by id (\`$by_id\`) | $id_rps | $id_p50 | $id_p99 | $nginx_id_rps | $nginx_id_p50 | $nginx_id_p99 | $(ratio "$id_rps" "$nginx_id_rps") |"
    echo "| search (\`$search\`, $hits hits, first page) | $q_rps | $q_p50 | $q_p99 | $nginx_q_rps | $nginx_q_p50 | $nginx_q_p99 | $(ratio "$q_rps" "$nginx_q_rps") |"
    echo
    echo "Reload after one saved file (median of $reloads saves): loading and indexing $load_ms ms; from the save to the new index served $visible_ms ms (this includes the watcher's 50 ms wait for a burst to settle)."
    echo
    echo "Peak memory (VmHWM) of the server after all of the above: $((peak_kb / 1024)) MiB."
    echo
    echo "Targets: by id at least half of nginx's throughput with p99 < 5 ms; search p99 < 10 ms; reload < 100 ms; < 150 MB."
} | tee "$report"
