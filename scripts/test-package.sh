#!/usr/bin/env bash
# npm run test:package — the install paths, end to end, from the `npm pack` tarball into fresh
# temporary projects (nothing from this checkout is visible to them but the tarball):
#   a. prebuild present, no compiler on PATH, install script runs: installs, compiles
#      nothing; `import` and `require` both work; backendInfo().backend is 'native'
#   b. --ignore-scripts: still native, loaded from the prebuild at run time
#   c. no prebuild for this platform, no compiler: install succeeds, import works, backend is
#      'js', and exactly one line on stderr says why
#   d. no prebuild, compiler present: node-gyp builds the addon at install; backend 'native'
# Only npm packages are fetched (tapeflow's dependencies, from the registry or npm's cache):
# node-gyp is pointed at the running Node's headers (npm_config_nodedir), and its header cache
# ($XDG_CACHE_HOME/node-gyp, in the temporary directory) is checked to be absent afterwards.
# npm 11 runs a dependency's install script unless allowScripts denies it (it only warns that
# the script is unreviewed); a, c and d check that the script ran, b that it did not.
# TAPEFLOW_KEEP_TMP=1 keeps the temporary projects for inspection.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

say() { printf '\n== %s\n' "$*"; }
fail() { printf 'test:package: FAIL: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

platform=$(node -p 'process.platform + "-" + process.arch')
work=$(mktemp -d "${TMPDIR:-/tmp}/tapeflow-package.XXXXXX")
if [[ "${TAPEFLOW_KEEP_TMP:-}" != 1 ]]; then trap 'rm -rf "$work"' EXIT; else echo "temporary projects kept in $work"; fi

# Node headers for node-gyp without a download (same rule as scripts/prebuild.mjs).
node_prefix=$(node -p 'require("path").resolve(process.execPath, "../..")')
if [[ -f "$node_prefix/include/node/node_api.h" ]]; then export npm_config_nodedir="$node_prefix"; fi
export XDG_CACHE_HOME="$work/xdg-cache"   # node-gyp would download headers into node-gyp/ here
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
unset CC CXX LINK AR PYTHON npm_config_python TAPEFLOW_BACKEND TAPEFLOW_SIMD TAPEFLOW_NATIVE_PATH PREBUILDS_ONLY

# --- the host prebuild: build it when missing or older than the native sources --------------
prebuild=$(ls prebuilds/"$platform"/*.node 2>/dev/null | head -1 || true)
if [[ -z "$prebuild" || -n "$(find native binding.gyp -newer "$prebuild" -type f 2>/dev/null | head -1)" ]]; then
  say "prebuilds/$platform missing or stale: npm run prebuild"
  npm run prebuild
  prebuild=$(ls prebuilds/"$platform"/*.node | head -1)
fi

# --- pack ------------------------------------------------------------------------------------
say "npm pack"
t=$(now)
tarball="$work/$(npm pack --silent --pack-destination "$work" | tail -1)"
[[ -f "$tarball" ]] || fail "npm pack produced no tarball"
listing=$(tar tzf "$tarball")
size=$(wc -c <"$tarball")
echo "tarball: $(basename "$tarball"): $size bytes ($(awk -v s="$size" 'BEGIN { printf "%.0f KiB", s / 1024 }')), $(wc -l <<<"$listing") files, unpacked $(tar xzf "$tarball" -O | wc -c) bytes ($(since "$t"))"
for f in package/package.json package/README.md package/LICENSE package/binding.gyp package/dist/tapeflow.js \
  package/dist/index.d.ts package/native/addon.cc "package/prebuilds/$platform/$(basename "$prebuild")"; do
  grep -qx "$f" <<<"$listing" || fail "tarball lacks $f"
done
if bad=$(grep -E '^package/(test|bench|examples|src|scripts|build|node_modules|\.ci|\.github)/|\.map$|\.test\.' <<<"$listing"); then
  fail "tarball holds files it must not: $(head -5 <<<"$bad" | tr '\n' ' ')"
fi
echo "contents: $(sed -E 's#^package/##; s#/.*##' <<<"$listing" | sort | uniq -c | awk '{ printf "%s%s (%s)", sep, $2, $1; sep = ", " }')"

# The same package without a prebuild for this platform (other platforms' stay).
nopre="$work/nopre/$(basename "$tarball" .tgz)-no-$platform.tgz"
mkdir -p "$work/nopre/x"
tar xzf "$tarball" -C "$work/nopre/x"
rm -rf "$work/nopre/x/package/prebuilds/$platform"
tar czf "$nopre" -C "$work/nopre/x" package

# --- a PATH with no compiler, make or python: node, npm and basic tools only -----------------
nocc="$work/nocc-bin"
mkdir -p "$nocc"
for tool in node npm npx sh bash env cat ls mkdir rm rmdir cp mv ln chmod touch tar gzip uname \
  dirname basename sed grep head tail readlink realpath mktemp sort tr find xargs true false \
  test expr printf echo wc cut awk date sleep id; do
  p=$(command -v "$tool" || true)
  [[ -n "$p" && "$p" == /* ]] && ln -sf "$p" "$nocc/$tool"
done
for tool in cc gcc g++ c++ clang clang++ make gmake python python3; do
  PATH="$nocc" command -v "$tool" >/dev/null 2>&1 && fail "no-compiler PATH still has $tool"
done

# --- the consumer project: ESM and CommonJS checks --------------------------------------------
check_src='
const info = tf.backendInfo();
const w = new tf.Variable(0, { dtype: "float32" });
const optimizer = new tf.optimizers.Adam({ learningRate: 0.1 });
for (let i = 0; i < 1000; i++) {
  const tape = new tf.GradientTape();
  const cost = tape.record(() => w.square().sub(w.mul(10)).add(25));
  optimizer.applyGradients(tf.zip(tape.gradient(cost, [w]), [w]));
}
const big = tf.ones([4096]).mul(2).sum().item();   // large enough to run on the native kernels
if (big !== 8192) throw new Error("wrong sum " + big);
if (!/numpy=5\.0000/.test(String(w))) throw new Error("seed did not converge: " + String(w));
console.log(JSON.stringify({ backend: info.backend, simd: info.simd, nativeError: info.nativeError }));
'
new_project() { # dir
  mkdir -p "$1"
  printf '{ "name": "consumer", "version": "1.0.0", "private": true }\n' >"$1/package.json"
  printf 'import * as tf from "tapeflow";\n%s' "$check_src" >"$1/check.mjs"
  printf 'const tf = require("tapeflow");\n%s' "$check_src" >"$1/check.cjs"
}
install() { # dir, tarball, PATH, extra npm args...
  local dir=$1 tgz=$2 path=$3; shift 3
  ( cd "$dir" && PATH="$path" npm install --foreground-scripts --no-audit --no-fund "$@" "$tgz" ) >"$dir/install.log" 2>&1 \
    || { cat "$dir/install.log"; fail "npm install failed in $(basename "$dir")"; }
}
run_check() { # dir, file, expected backend -> sets $out and $err
  local dir=$1 file=$2 expected=$3
  out=$(cd "$dir" && PATH="$nocc" node "$file" 2>"$dir/stderr.txt") || { cat "$dir/stderr.txt"; fail "$(basename "$dir")/$file failed"; }
  err=$(cat "$dir/stderr.txt")
  echo "  $file: $out"
  [[ $(node -p 'JSON.parse(process.argv[1]).backend' "$out") == "$expected" ]] || { echo "$err"; fail "$(basename "$dir")/$file: backend is not $expected"; }
}
script_ran() { grep -q 'node-gyp-build' "$1/install.log"; }
compiled() { [[ -d "$1/node_modules/tapeflow/build" ]] || grep -qE 'gyp info spawn (make|g\+\+)|CXX\(target\)' "$1/install.log"; }

# a. prebuild present, no compiler on PATH, install script runs
say "a. prebuild, no compiler on PATH, install script runs"
t=$(now)
new_project "$work/a"
install "$work/a" "$tarball" "$nocc"
script_ran "$work/a" || { cat "$work/a/install.log"; fail "a: the install script did not run"; }
compiled "$work/a" && { cat "$work/a/install.log"; fail "a: something was compiled"; }
echo "  installed in $(since "$t"); install script ran (node-gyp-build found the prebuild), nothing compiled"
run_check "$work/a" check.mjs native
[[ -z "$err" ]] || fail "a: unexpected stderr from import: $err"
run_check "$work/a" check.cjs native

# b. --ignore-scripts
say "b. prebuild, --ignore-scripts"
t=$(now)
new_project "$work/b"
install "$work/b" "$tarball" "$nocc" --ignore-scripts
script_ran "$work/b" && { cat "$work/b/install.log"; fail "b: the install script ran"; }
echo "  installed in $(since "$t"); no install script"
run_check "$work/b" check.mjs native
run_check "$work/b" check.cjs native

# c. no prebuild for this platform, no compiler
say "c. no prebuild for $platform, no compiler"
t=$(now)
new_project "$work/c"
install "$work/c" "$nopre" "$nocc"
script_ran "$work/c" || { cat "$work/c/install.log"; fail "c: the install script did not run"; }
[[ -e "$work/c/node_modules/tapeflow/build/Release/tapeflow.node" ]] && fail "c: an addon was built without a compiler?"
echo "  installed in $(since "$t") (exit 0; the install script's node-gyp attempt failed and was tolerated)"
run_check "$work/c" check.mjs js
lines=$(grep -c '' <<<"$err" || true)
[[ -n "$err" && $lines -eq 1 ]] || { printf '%s\n' "$err"; fail "c: expected exactly one line on stderr, got $lines"; }
grep -q 'tapeflow' <<<"$err" || fail "c: the stderr line does not name tapeflow: $err"
echo "  stderr (1 line): $err"
run_check "$work/c" check.cjs js
( cd "$work/c" && TAPEFLOW_BACKEND=js node check.mjs 2>"$work/c/stderr-js.txt" >/dev/null )
[[ ! -s "$work/c/stderr-js.txt" ]] || fail "c: TAPEFLOW_BACKEND=js did not silence stderr: $(cat "$work/c/stderr-js.txt")"
echo "  TAPEFLOW_BACKEND=js: nothing on stderr"

# d. no prebuild, compiler present: built from source at install
say "d. no prebuild, compiler present: node-gyp builds at install"
t=$(now)
new_project "$work/d"
install "$work/d" "$nopre" "$PATH"
[[ -f "$work/d/node_modules/tapeflow/build/Release/tapeflow.node" ]] || { cat "$work/d/install.log"; fail "d: build/Release/tapeflow.node was not built"; }
echo "  installed and compiled in $(since "$t")"
run_check "$work/d" check.mjs native
run_check "$work/d" check.cjs native

if [[ -e "$XDG_CACHE_HOME/node-gyp" ]]; then
  fail "node-gyp downloaded headers into $XDG_CACHE_HOME/node-gyp: $(find "$XDG_CACHE_HOME/node-gyp" -maxdepth 2 | head -3 | tr '\n' ' ')"
fi
say "test:package: all four install paths pass (tarball $size bytes)"
