# What every benchmark script starts with: sourced, not run.
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   need TOOL DEBIAN_PACKAGE...   stop with a clear message unless TOOL exists
#   need_gnu_time                 the same for /usr/bin/time
#   results_dir DIR               make DIR, print it as an absolute path
#   load_average                  the 1, 5 and 15 minute load averages

need() {
    if ! command -v "$1" > /dev/null; then
        echo "error: \`$1\` is not installed (Debian: apt-get install -y $2)" >&2
        exit 2
    fi
}

need_gnu_time() {
    if [[ ! -x /usr/bin/time ]]; then
        echo "error: GNU time is not installed (Debian: apt-get install -y time)" >&2
        exit 2
    fi
}

results_dir() {
    mkdir -p "$1"
    (cd "$1" && pwd)
}

load_average() {
    cut -d' ' -f1-3 /proc/loadavg 2> /dev/null || echo unknown
}
