#!/usr/bin/env bash
# Times one epoch of article 002's network (784-64-64-64-10 ReLU, Adam lr 0.001,
# Fashion-MNIST's 60,000 training images) in this project's ch07_mnist and in
# three peers written the way their users write them (see docs/performance.md):
#
#   numpy_mlp.py   NumPy, float64, layer classes in the style of the best-known
#                  NumPy "from scratch" book
#   torch_mlp.py   PyTorch, float32, one thread
#   gonum/         the same network by hand on gonum's mat.Dense, float64 (its
#                  own module; built when gonum can be had from the module cache
#                  or proxy)
#
# Every program reports its own training time per epoch (loading and testing
# are left out). Each is run REPS times (default 3), the runs interleaved so
# that a busy moment of a shared machine hits all of them alike, and the median
# is kept. The last line gives, per batch size, Go's time divided by the
# fastest peer's: below 1, Go is faster.
#
# Usage, from anywhere in the repository:
#   docs/bench/compare.sh [BATCH...]          default: 15 128
# Environment: DATA (default /usr/share/datasets/fashion-mnist), REPS, PYTHON.
# Needs (Debian): apt-get install python3-numpy python3-torch dataset-fashion-mnist
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
bench=$root/docs/bench
data=${DATA:-/usr/share/datasets/fashion-mnist}
reps=${REPS:-3}
[ $# -gt 0 ] || set -- 15 128

if [ ! -e "$data/train-images-idx3-ubyte.gz" ] && [ ! -e "$data/train-images-idx3-ubyte" ]; then
  echo "compare.sh: no Fashion-MNIST in $data (Debian: apt-get install dataset-fashion-mnist, or set DATA)" >&2
  exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$root" && go build -o "$tmp/ch07" ./ch07_mnist)
have_gonum=yes
if ! (cd "$bench/gonum" && go build -o "$tmp/gonum_mlp" . 2>"$tmp/gonum.err"); then
  have_gonum=
  echo "note: the gonum peer did not build (gonum v0.17.0 is neither in the module cache nor reachable):" >&2
  sed 's/^/  /' "$tmp/gonum.err" >&2
fi

python=${PYTHON:-python3}
[ -z "${PYTHON:-}" ] && [ -x /usr/bin/python3 ] && python=/usr/bin/python3 # Debian's, with its numpy and torch
# OPENBLAS_CORETYPE, where an environment sets it, can force OpenBLAS onto
# kernels slower than the best ones for this CPU; let it choose.
py() { env -u OPENBLAS_CORETYPE "$python" "$@"; }
have_numpy=yes have_torch=yes
py -c 'import numpy' 2>/dev/null || { have_numpy=; echo "note: $python has no numpy: that column is left empty" >&2; }
py -c 'import torch' 2>/dev/null || { have_torch=; echo "note: $python has no torch: that column is left empty" >&2; }

# seconds PROGRAM BATCH prints the training seconds of one epoch, or nothing.
seconds() {
  local out
  case $1 in
    go) out=$("$tmp/ch07" -data "$data" -layers 784,64,64,64,10 -act relu -opt adam -lr 0.001 -batchnorm=false -schedule none -validate=false -batch "$2" -epochs 1 </dev/null 2>/dev/null) ;;
    numpy) [ -n "$have_numpy" ] && out=$(py "$bench/numpy_mlp.py" --data "$data" --batch "$2" --epochs 1 2>/dev/null) ;;
    torch) [ -n "$have_torch" ] && out=$(py "$bench/torch_mlp.py" --data "$data" --batch "$2" --epochs 1 --threads 1 2>/dev/null) ;;
    gonum) [ -n "$have_gonum" ] && out=$("$tmp/gonum_mlp" -data "$data" -batch "$2" -epochs 1 2>/dev/null) ;;
  esac
  grep -o 'train_seconds_per_epoch=[0-9.]*' <<<"${out:-}" | tail -n 1 | cut -d= -f2 || true
}

# median prints the median of the numbers on its input, or nothing.
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }

programs=(go numpy torch gonum)
printf '%-6s %9s %9s %9s %9s %12s\n' batch go_s numpy_s torch_s gonum_s go/fastest
ratios=ratios
for b in "$@"; do
  for p in "${programs[@]}"; do : >"$tmp/$p.$b"; done
  for _ in $(seq "$reps"); do
    for p in "${programs[@]}"; do seconds "$p" "$b" >>"$tmp/$p.$b"; done
  done
  declare -A med=()
  for p in "${programs[@]}"; do med[$p]=$(median <"$tmp/$p.$b"); done
  fastest=$(printf '%s\n' "${med[numpy]}" "${med[torch]}" "${med[gonum]}" | grep . | sort -g | head -n 1 || true)
  ratio=-
  [ -n "${med[go]}" ] && [ -n "$fastest" ] && ratio=$(awk -v g="${med[go]}" -v f="$fastest" 'BEGIN { printf "%.2f", g / f }')
  printf '%-6s %9s %9s %9s %9s %12s\n' "$b" "${med[go]:--}" "${med[numpy]:--}" "${med[torch]:--}" "${med[gonum]:--}" "$ratio"
  ratios="$ratios b$b=$ratio"
done
echo "$ratios"
