// The N-API entry point: one export table (bottom of this file) mapping each Backend primitive
// (names as in src/backend/backend.ts) to a function that checks every argument with `Args`
// and then calls its kernel family in kernels/. Every export runs inside `guarded`, which turns
// argument errors into JS TypeError/RangeError and any other C++ exception into a JS error; no
// argument can make a kernel read or write outside its buffers.
//
// To add a primitive: write `Napi::Value name(const Napi::CallbackInfo&)` here (phase 1: read
// numbers, lists and typed-array handles; phase 2: resolve buffers with `resolve` (inputs) or
// `resolve_out` (outputs), size shapes with `elements` and check lengths; return if the output
// is empty; then call the kernel) and add one line to the table.
#include <napi.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <new>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string>
#include <system_error>
#include <tuple>
#include <vector>

#include "args.h"
#include "cpu.h"
#include "kernels/kernels.h"
#include "simd/simd.h"
#include "threadpool.h"

namespace tapeflow {
namespace probes {  // probes.cc: machine-limit probes for bench/ (not kernels)
Napi::Value probe_triad(const Napi::CallbackInfo& info);
Napi::Value probe_sum(const Napi::CallbackInfo& info);
Napi::Value probe_peak_fma(const Napi::CallbackInfo& info);
}  // namespace probes
namespace mpi {  // mpi.cc: libmpi loaded at run time, for src/distribute/
Napi::Value mpi_init(const Napi::CallbackInfo& info);
Napi::Value mpi_all_reduce(const Napi::CallbackInfo& info);
Napi::Value mpi_all_reduce_async(const Napi::CallbackInfo& info);
Napi::Value mpi_all_gather(const Napi::CallbackInfo& info);
Napi::Value mpi_all_gather_async(const Napi::CallbackInfo& info);
Napi::Value mpi_broadcast(const Napi::CallbackInfo& info);
Napi::Value mpi_broadcast_async(const Napi::CallbackInfo& info);
Napi::Value mpi_barrier(const Napi::CallbackInfo& info);
Napi::Value mpi_abort(const Napi::CallbackInfo& info);
Napi::Value mpi_finalize(const Napi::CallbackInfo& info);
}  // namespace mpi

namespace {

using Fn = Napi::Value (*)(const Napi::CallbackInfo&);

// Runs an export and turns every C++ exception into a JS one, so that none can leave a native
// entry point (which would end the process in std::terminate). The export's name is the
// function's data (see `init`).
template <Fn F>
Napi::Value guarded(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* name = static_cast<const char*>(info.Data());
  auto fail = [&](bool range, const std::string& message) {
    if (env.IsExceptionPending()) return;  // a JS exception is already on its way
    if (range) Napi::RangeError::New(env, message).ThrowAsJavaScriptException();
    else Napi::Error::New(env, message).ThrowAsJavaScriptException();
  };
  try {
    return F(info);
  } catch (const ArgError& e) {
    if (env.IsExceptionPending()) return env.Undefined();
    if (e.range) Napi::RangeError::New(env, e.message).ThrowAsJavaScriptException();
    else Napi::TypeError::New(env, e.message).ThrowAsJavaScriptException();
  } catch (const PendingJsError&) {
    // a getter threw while we read an argument: its exception is already pending
  } catch (const std::bad_alloc&) {
    fail(true, std::string(name) + ": out of memory");
  } catch (const std::system_error& e) {
    fail(false, std::string(name) + ": system error: " + e.what());
  } catch (const std::exception& e) {
    fail(false, std::string(name) + ": internal error: " + e.what());
  } catch (...) {
    fail(false, std::string(name) + ": internal error (unknown exception)");
  }
  return env.Undefined();
}

[[noreturn]] void no_kernel(const Args& args, const std::string& op, DType d) {
  args.type_error("op '" + op + "' has no native " + dtype_name(d) + " kernel (see src/backend/native/fallback.ts)");
}

// Every export checks all its arguments (args.h: sizes, dtypes, lengths, bounds, aliasing), then
// returns before the kernel when there is nothing to compute: kernels only see nonzero sizes.

Napi::Value unary(const Napi::CallbackInfo& info) {
  Args args(info, "unary", 4);
  std::string op = args.str(0, "op");
  double alpha = args.number(3, "alpha");
  napi_value hx = args.typed(1, "x"), ho = args.typed(2, "out");
  int idx = unary_find(op);
  if (idx < 0) args.type_error("unknown op '" + op + "'");
  Array x = args.resolve(hx, "x"), out = args.resolve_out(ho, "out");
  args.need_dtype(out, x.dtype, "out");
  args.need_length(x, out.length, "x");
  if (!unary_supports(idx, x.dtype)) no_kernel(args, op, x.dtype);
  unary_run(idx, x.dtype, x.data, out.data, out.length, alpha);
  return info.Env().Undefined();
}

Napi::Value binary(const Napi::CallbackInfo& info) {
  Args args(info, "binary", 7);
  std::string op = args.str(0, "op");
  std::vector<int64_t> sa = args.int_list(2, "aStrides", -kMaxExtent, kMaxExtent);
  std::vector<int64_t> sb = args.int_list(4, "bStrides", -kMaxExtent, kMaxExtent);
  std::vector<int64_t> shape = args.int_list(5, "outShape");
  napi_value ha = args.typed(1, "a"), hb = args.typed(3, "b"), ho = args.typed(6, "out");
  int idx = binary_find(op);
  if (idx < 0) args.type_error("unknown op '" + op + "'");
  int64_t size = args.elements(shape, "outShape");
  Array a = args.resolve(ha, "a"), b = args.resolve(hb, "b"), out = args.resolve_out(ho, "out");
  args.need_dtype(b, a.dtype, "b");
  args.need_dtype(out, binary_is_compare(idx) ? DType::u8 : a.dtype, "out");
  check_strided(args, shape, sa, 0, a.length, "a");
  check_strided(args, shape, sb, 0, b.length, "b");
  args.need_length(out, size, "out");
  if (!binary_supports(idx, a.dtype)) no_kernel(args, op, a.dtype);
  if (size == 0) return info.Env().Undefined();
  binary_run(idx, a.dtype, a.data, sa, b.data, sb, shape, out.data);
  return info.Env().Undefined();
}

Napi::Value mul_add(const Napi::CallbackInfo& info) {
  Args args(info, "mulAdd", 4);
  napi_value ha = args.typed(0, "a"), hb = args.typed(1, "b"), hc = args.typed(2, "c"), ho = args.typed(3, "out");
  Array a = args.resolve(ha, "a"), b = args.resolve(hb, "b"), c = args.resolve(hc, "c"), out = args.resolve_out(ho, "out");
  args.need_dtype(b, a.dtype, "b");
  args.need_dtype(c, a.dtype, "c");
  args.need_dtype(out, a.dtype, "out");
  args.need_length(a, out.length, "a");
  args.need_length(b, out.length, "b");
  args.need_length(c, out.length, "c");
  if (!mul_add_supports(a.dtype)) no_kernel(args, "mulAdd", a.dtype);
  mul_add_run(a.dtype, a.data, b.data, c.data, out.data, out.length);
  return info.Env().Undefined();
}

Napi::Value select(const Napi::CallbackInfo& info) {
  Args args(info, "select", 8);
  std::vector<int64_t> sc = args.int_list(1, "condStrides", -kMaxExtent, kMaxExtent);
  std::vector<int64_t> sa = args.int_list(3, "aStrides", -kMaxExtent, kMaxExtent);
  std::vector<int64_t> sb = args.int_list(5, "bStrides", -kMaxExtent, kMaxExtent);
  std::vector<int64_t> shape = args.int_list(6, "outShape");
  napi_value hc = args.typed(0, "cond"), ha = args.typed(2, "a"), hb = args.typed(4, "b"), ho = args.typed(7, "out");
  int64_t size = args.elements(shape, "outShape");
  Array c = args.resolve(hc, "cond"), a = args.resolve(ha, "a"), b = args.resolve(hb, "b"), out = args.resolve_out(ho, "out");
  args.need_dtype(c, DType::u8, "cond");
  args.need_dtype(b, a.dtype, "b");
  args.need_dtype(out, a.dtype, "out");
  check_strided(args, shape, sc, 0, c.length, "cond");
  check_strided(args, shape, sa, 0, a.length, "a");
  check_strided(args, shape, sb, 0, b.length, "b");
  args.need_length(out, size, "out");
  if (size == 0) return info.Env().Undefined();
  select_run(a.dtype, c.as<uint8_t>(), sc, a.data, sa, b.data, sb, shape, out.data);
  return info.Env().Undefined();
}

Napi::Value reduce(const Napi::CallbackInfo& info) {
  Args args(info, "reduce", 5);
  std::string op = args.str(0, "op");
  std::vector<int64_t> shape = args.int_list(2, "shape");
  std::vector<int64_t> axes = args.int_list(3, "axes");
  napi_value hx = args.typed(1, "x"), ho = args.typed(4, "out");
  int idx = reduce_find(op);
  if (idx < 0) args.type_error("unknown op '" + op + "'");
  std::vector<bool> reduced(shape.size(), false);
  for (size_t i = 0; i < axes.size(); i++) {
    if (axes[i] >= int64_t(shape.size()) || (i > 0 && axes[i] <= axes[i - 1]))
      args.range_error("axes must be sorted, distinct and below the rank " + std::to_string(shape.size()));
    reduced[size_t(axes[i])] = true;
  }
  int64_t size = args.elements(shape, "shape");
  std::vector<int64_t> kept;
  for (size_t i = 0; i < shape.size(); i++)
    if (!reduced[i]) kept.push_back(shape[i]);
  int64_t out_size = args.elements(kept, "kept axes of shape");
  Array x = args.resolve(hx, "x"), out = args.resolve_out(ho, "out");
  args.need_dtype(out, x.dtype, "out");
  args.need_length(x, size, "x");
  args.need_length(out, out_size, "out");
  if (!reduce_supports(idx, x.dtype)) no_kernel(args, op, x.dtype);
  if (out_size == 0) return info.Env().Undefined();
  reduce_run(idx, x.dtype, x.data, shape, reduced, out.data);
  return info.Env().Undefined();
}

Napi::Value arg_reduce(const Napi::CallbackInfo& info) {
  Args args(info, "argReduce", 5);
  std::string op = args.str(0, "op");
  std::vector<int64_t> shape = args.int_list(2, "shape");
  int64_t axis = args.integer(3, "axis", 0, shape.empty() ? 0 : int64_t(shape.size()) - 1);
  napi_value hx = args.typed(1, "x"), ho = args.typed(4, "out");
  int idx = arg_reduce_find(op);
  if (idx < 0) args.type_error("unknown op '" + op + "'");
  int64_t size = args.elements(shape, "shape");
  // [outer, n, inner] around the axis (a scalar is [1, 1, 1]).
  const size_t ax = size_t(axis), rank = shape.size();
  int64_t outer = args.elements(shape.data(), rank ? ax : 0, "shape before axis");
  int64_t n = rank ? shape[ax] : 1;
  int64_t inner = args.elements(shape.data() + (rank ? ax + 1 : 0), rank ? rank - ax - 1 : 0, "shape after axis");
  int64_t out_size = args.elements({outer, inner}, "output [outer, inner]");
  Array x = args.resolve(hx, "x"), out = args.resolve_out(ho, "out");
  args.need_dtype(out, DType::i32, "out");
  args.need_length(x, size, "x");
  args.need_length(out, out_size, "out");
  if (!arg_reduce_supports(x.dtype)) no_kernel(args, op, x.dtype);
  if (out_size == 0) return info.Env().Undefined();
  if (n > int64_t(INT32_MAX)) args.range_error("axis is too long for int32 indices");
  arg_reduce_run(idx, x.dtype, x.data, outer, n, inner, out.as<int32_t>());
  return info.Env().Undefined();
}

Napi::Value scan(const Napi::CallbackInfo& info) {
  Args args(info, "scan", 8);
  std::string op = args.str(0, "op");
  int64_t outer = args.integer(2, "outer"), n = args.integer(3, "n"), inner = args.integer(4, "inner");
  bool exclusive = args.boolean(5, "exclusive"), reverse = args.boolean(6, "reverse");
  napi_value hx = args.typed(1, "x"), ho = args.typed(7, "out");
  int idx = scan_find(op);
  if (idx < 0) args.type_error("unknown op '" + op + "'");
  int64_t size = args.elements({outer, n, inner}, "[outer, n, inner]");
  Array x = args.resolve(hx, "x"), out = args.resolve_out(ho, "out");
  args.need_dtype(out, x.dtype, "out");
  args.need_length(x, size, "x");
  args.need_length(out, size, "out");
  if (!scan_supports(x.dtype)) no_kernel(args, op, x.dtype);
  if (size == 0) return info.Env().Undefined();
  scan_run(idx, x.dtype, x.data, outer, n, inner, exclusive, reverse, out.data);
  return info.Env().Undefined();
}

Napi::Value top_k(const Napi::CallbackInfo& info) {
  Args args(info, "topK", 7);
  int64_t rows = args.integer(1, "rows"), n = args.integer(2, "n", 0, int64_t(INT32_MAX));
  int64_t k = args.integer(3, "k");
  bool descending = args.boolean(4, "descending");
  napi_value hx = args.typed(0, "x"), hv = args.typed(5, "values"), hi = args.typed(6, "indices");
  if (k > n) args.range_error("k = " + std::to_string(k) + " is larger than the row length " + std::to_string(n));
  int64_t size = args.elements({rows, n}, "[rows, n]"), picked = args.elements({rows, k}, "[rows, k]");
  Array x = args.resolve(hx, "x"), values = args.resolve_out(hv, "values"), indices = args.resolve_out(hi, "indices");
  args.need_dtype(values, x.dtype, "values");
  args.need_dtype(indices, DType::i32, "indices");
  args.need_length(x, size, "x");
  args.need_length(values, picked, "values");
  args.need_length(indices, picked, "indices");
  if (!scan_supports(x.dtype)) no_kernel(args, "topK", x.dtype);
  if (picked == 0) return info.Env().Undefined();
  top_k_run(x.dtype, x.data, rows, n, k, descending, values.data, indices.as<int32_t>());
  return info.Env().Undefined();
}

Napi::Value matmul(const Napi::CallbackInfo& info) {
  Args args(info, "matmul", 11);
  MatmulArgs g;
  g.batch = args.integer(3, "batch");
  g.m = args.integer(4, "m");
  g.n = args.integer(5, "n");
  g.k = args.integer(6, "k");
  g.transpose_a = args.boolean(7, "transposeA");
  g.transpose_b = args.boolean(8, "transposeB");
  g.a_batch_stride = args.integer(9, "aBatchStride");
  g.b_batch_stride = args.integer(10, "bBatchStride");
  napi_value ha = args.typed(0, "a"), hb = args.typed(1, "b"), ho = args.typed(2, "out");
  const int64_t a_size = args.elements({g.m, g.k}, "a [m, k]");
  const int64_t b_size = args.elements({g.k, g.n}, "b [k, n]");
  const int64_t out_size = args.elements({g.batch, g.m, g.n}, "out [batch, m, n]");
  args.elements({g.m, g.n, g.k}, "work [m, n, k]");
  Array a = args.resolve(ha, "a"), b = args.resolve(hb, "b"), out = args.resolve_out(ho, "out");
  if (!matmul_supports(a.dtype)) no_kernel(args, "matmul", a.dtype);
  args.need_dtype(b, a.dtype, "b");
  args.need_dtype(out, a.dtype, "out");
  auto need = [&](const Array& arr, int64_t stride, int64_t per, const char* name) {
    if (g.batch == 0 || per == 0) return;
    int128 last = int128(g.batch - 1) * stride + per;
    if (last > arr.length)
      args.range_error(std::string(name) + " has " + std::to_string(arr.length) + " elements, too few for batch " +
                       std::to_string(g.batch) + " with batch stride " + std::to_string(stride));
  };
  need(a, g.a_batch_stride, a_size, "a");
  need(b, g.b_batch_stride, b_size, "b");
  args.need_length(out, out_size, "out");
  if (out_size == 0) return info.Env().Undefined();
  matmul_run(a.dtype, a.data, b.data, out.data, g);
  return info.Env().Undefined();
}

Napi::Value copy_strided(const Napi::CallbackInfo& info) {
  Args args(info, "copyStrided", 5);
  int64_t offset = args.integer(1, "offset");
  std::vector<int64_t> strides = args.int_list(2, "strides", -kMaxExtent, kMaxExtent);
  std::vector<int64_t> shape = args.int_list(3, "outShape");
  napi_value hx = args.typed(0, "x"), ho = args.typed(4, "out");
  int64_t size = args.elements(shape, "outShape");
  Array x = args.resolve(hx, "x"), out = args.resolve_out(ho, "out");
  args.need_dtype(out, x.dtype, "out");
  check_strided(args, shape, strides, offset, x.length, "x");
  args.need_length(out, size, "out");
  if (size == 0) return info.Env().Undefined();
  copy_strided_run(dtype_size(x.dtype), x.data, offset, strides, shape, out.data);
  return info.Env().Undefined();
}

// gather and scatterAdd share their checks: src is [outer, axis|nidx, inner] and dst the other.
Napi::Value gather_like(const Napi::CallbackInfo& info, bool scatter) {
  Args args(info, scatter ? "scatterAdd" : "gather", 6);
  const char* src_name = scatter ? "updates" : "x";
  int64_t outer = args.integer(1, "outer"), axis = args.integer(2, "axisSize"), inner = args.integer(3, "inner");
  napi_value hx = args.typed(0, src_name), hi = args.typed(4, "indices"), ho = args.typed(5, "out");
  int64_t full = args.elements({outer, axis, inner}, scatter ? "out [outer, axisSize, inner]" : "x [outer, axisSize, inner]");
  Array x = args.resolve(hx, src_name), idx = args.resolve(hi, "indices"), out = args.resolve_out(ho, "out");
  args.need_dtype(idx, DType::i32, "indices");
  args.need_dtype(out, x.dtype, "out");
  int64_t picked = args.elements({outer, idx.length, inner},
                                 scatter ? "updates [outer, indices.length, inner]" : "out [outer, indices.length, inner]");
  args.need_length(x, scatter ? picked : full, src_name);
  args.need_length(out, scatter ? full : picked, "out");
  const int32_t* ip = idx.as<int32_t>();
  for (int64_t j = 0; j < idx.length; j++)
    if (ip[j] < 0 || ip[j] >= axis)
      args.range_error("indices[" + std::to_string(j) + "] = " + std::to_string(ip[j]) + " is out of range [0, " +
                       std::to_string(axis) + ")");
  if (scatter && !scatter_add_supports(x.dtype)) no_kernel(args, "scatterAdd", x.dtype);
  if (picked == 0) return info.Env().Undefined();
  if (scatter) {
    scatter_add_run(x.dtype, x.data, outer, axis, inner, ip, idx.length, out.data);
  } else {
    gather_run(dtype_size(x.dtype), x.data, outer, axis, inner, ip, idx.length, out.data);
  }
  return info.Env().Undefined();
}
Napi::Value gather(const Napi::CallbackInfo& info) { return gather_like(info, false); }
Napi::Value scatter_add(const Napi::CallbackInfo& info) { return gather_like(info, true); }

Napi::Value concat(const Napi::CallbackInfo& info) {
  Args args(info, "concat", 4);
  int64_t outer = args.integer(1, "outer");
  std::vector<int64_t> inners = args.int_list(2, "inners", 0, kMaxExtent, 1 << 16);
  std::vector<napi_value> hs = args.typed_list(0, "inputs");
  napi_value ho = args.typed(3, "out");
  if (inners.size() != hs.size())
    args.range_error("inners has " + std::to_string(inners.size()) + " entries for " + std::to_string(hs.size()) + " inputs");
  int128 total = 0;
  for (int64_t w : inners) {
    total += w;
    if (total > kMaxExtent) args.range_error("inners sum past 2^53");
  }
  const int64_t out_size = args.elements({outer, int64_t(total)}, "out [outer, sum of inners]");
  Array out = args.resolve_out(ho, "out");
  std::vector<const void*> ptrs;
  ptrs.reserve(hs.size());
  for (size_t q = 0; q < hs.size(); q++) {
    Array in = args.resolve(hs[q], "inputs", int64_t(q));
    args.need_dtype(in, out.dtype, "inputs", int64_t(q));
    args.need_length(in, args.elements({outer, inners[q]}, "input [outer, inner]"), "inputs", int64_t(q));
    ptrs.push_back(in.data);
  }
  args.need_length(out, out_size, "out");
  if (out_size == 0) return info.Env().Undefined();
  concat_run(dtype_size(out.dtype), ptrs, inners, outer, out.data);
  return info.Env().Undefined();
}

Napi::Value pad(const Napi::CallbackInfo& info) {
  Args args(info, "pad", 5);
  std::vector<int64_t> shape = args.int_list(1, "shape");
  std::vector<int64_t> paddings = args.int_list(2, "paddings", 0, kMaxExtent, 2 * kMaxRank);
  double value = args.number(3, "value");
  napi_value hx = args.typed(0, "x"), ho = args.typed(4, "out");
  if (paddings.size() != 2 * shape.size())
    args.range_error("paddings has " + std::to_string(paddings.size()) + " entries, needs 2 per axis (" +
                     std::to_string(2 * shape.size()) + ")");
  std::vector<int64_t> out_shape(shape.size());
  for (size_t i = 0; i < shape.size(); i++) {
    int128 e = int128(shape[i]) + paddings[2 * i] + paddings[2 * i + 1];
    if (e > kMaxExtent) args.range_error("padded shape is too large: axis " + std::to_string(i) + " passes 2^53");
    out_shape[i] = int64_t(e);
  }
  int64_t size = args.elements(shape, "shape"), out_size = args.elements(out_shape, "padded shape");
  Array x = args.resolve(hx, "x"), out = args.resolve_out(ho, "out");
  args.need_dtype(out, x.dtype, "out");
  args.need_length(x, size, "x");
  args.need_length(out, out_size, "out");
  if (out_size == 0) return info.Env().Undefined();
  pad_run(x.dtype, x.data, shape, paddings, value, out.data);
  return info.Env().Undefined();
}

Napi::Value cast(const Napi::CallbackInfo& info) {
  Args args(info, "cast", 2);
  napi_value hx = args.typed(0, "x"), ho = args.typed(1, "out");
  Array x = args.resolve(hx, "x"), out = args.resolve_out(ho, "out");
  args.need_length(x, out.length, "x");
  cast_run(x.dtype, out.dtype, x.data, out.data, out.length);
  return info.Env().Undefined();
}

// arrays = [variable, gradient, slots…]: the variable and the slots are updated in place (each
// element read before it is written), so they are outputs; the gradient is only read. None may
// overlap another.
Napi::Value fused_update(const Napi::CallbackInfo& info) {
  Args args(info, "fusedUpdate", 3);
  std::string name = args.str(0, "kind");
  OptimKind kind;
  int idx = optim_find(name, &kind);
  if (idx < 0) return Napi::Boolean::New(info.Env(), false);
  std::vector<double> scalars = args.number_list(2, "scalars", 64);
  std::vector<napi_value> hs = args.typed_list(1, "arrays", 64);
  if (int(hs.size()) != kind.n_arrays)
    args.range_error("'" + name + "' takes " + std::to_string(kind.n_arrays) + " arrays, got " + std::to_string(hs.size()));
  if (int(scalars.size()) != kind.n_scalars)
    args.range_error("'" + name + "' takes " + std::to_string(kind.n_scalars) + " scalars, got " +
                     std::to_string(scalars.size()));
  std::vector<void*> ptrs;
  Array first;
  for (size_t q = 0; q < hs.size(); q++) {
    const int64_t el = int64_t(q);
    Array a = q == 1 ? args.resolve(hs[q], "arrays", el) : args.resolve_out(hs[q], "arrays", el);
    if (q == 0) {
      first = a;
      if (a.dtype != DType::f32 && a.dtype != DType::f64) no_kernel(args, name, a.dtype);
    }
    args.need_dtype(a, first.dtype, "arrays", el);
    if (a.length != first.length)
      args.range_error("arrays[" + std::to_string(q) + "] has " + std::to_string(a.length) + " elements, arrays[0] has " +
                       std::to_string(first.length));
    ptrs.push_back(a.data);
  }
  optim_run(idx, first.dtype, ptrs.data(), first.length, scalars.data());
  return Napi::Boolean::New(info.Env(), true);
}

// lstmCell(z, cPrev, batch, units, h, c, act): z [batch, 4·units], cPrev [batch, units] in;
// h, c [batch, units] and act [batch, 5·units] out (src/backend/backend.ts `lstmCell`).
Napi::Value lstm_cell(const Napi::CallbackInfo& info) {
  Args args(info, "lstmCell", 7);
  const int64_t batch = args.integer(2, "batch"), units = args.integer(3, "units");
  napi_value hz = args.typed(0, "z"), hp = args.typed(1, "cPrev");
  napi_value hh = args.typed(4, "h"), hc = args.typed(5, "c"), ha = args.typed(6, "act");
  const int64_t n = args.elements({batch, units}, "h [batch, units]");
  const int64_t nz = args.elements({batch, 4, units}, "z [batch, 4·units]");
  const int64_t na = args.elements({batch, 5, units}, "act [batch, 5·units]");
  Array z = args.resolve(hz, "z"), cp = args.resolve(hp, "cPrev");
  Array h = args.resolve_out(hh, "h"), c = args.resolve_out(hc, "c"), act = args.resolve_out(ha, "act");
  if (!lstm_supports(z.dtype)) no_kernel(args, "lstmCell", z.dtype);
  args.need_dtype(cp, z.dtype, "cPrev");
  args.need_dtype(h, z.dtype, "h");
  args.need_dtype(c, z.dtype, "c");
  args.need_dtype(act, z.dtype, "act");
  args.need_length(z, nz, "z");
  args.need_length(cp, n, "cPrev");
  args.need_length(h, n, "h");
  args.need_length(c, n, "c");
  args.need_length(act, na, "act");
  if (n == 0) return info.Env().Undefined();
  lstm_cell_run(z.dtype, z.data, cp.data, h.data, c.data, act.data, batch, units);
  return info.Env().Undefined();
}

// lstmCellGrad(dh, dc, cPrev, act, batch, units, dz, dcPrev): dh, dc, cPrev [batch, units] and
// act [batch, 5·units] in; dz [batch, 4·units] and dcPrev [batch, units] out.
Napi::Value lstm_cell_grad(const Napi::CallbackInfo& info) {
  Args args(info, "lstmCellGrad", 8);
  const int64_t batch = args.integer(4, "batch"), units = args.integer(5, "units");
  napi_value hdh = args.typed(0, "dh"), hdc = args.typed(1, "dc"), hp = args.typed(2, "cPrev"), ha = args.typed(3, "act");
  napi_value hdz = args.typed(6, "dz"), hdp = args.typed(7, "dcPrev");
  const int64_t n = args.elements({batch, units}, "dh [batch, units]");
  const int64_t nz = args.elements({batch, 4, units}, "dz [batch, 4·units]");
  const int64_t na = args.elements({batch, 5, units}, "act [batch, 5·units]");
  Array dh = args.resolve(hdh, "dh"), dc = args.resolve(hdc, "dc"), cp = args.resolve(hp, "cPrev"), act = args.resolve(ha, "act");
  Array dz = args.resolve_out(hdz, "dz"), dcp = args.resolve_out(hdp, "dcPrev");
  if (!lstm_supports(dh.dtype)) no_kernel(args, "lstmCellGrad", dh.dtype);
  args.need_dtype(dc, dh.dtype, "dc");
  args.need_dtype(cp, dh.dtype, "cPrev");
  args.need_dtype(act, dh.dtype, "act");
  args.need_dtype(dz, dh.dtype, "dz");
  args.need_dtype(dcp, dh.dtype, "dcPrev");
  args.need_length(dh, n, "dh");
  args.need_length(dc, n, "dc");
  args.need_length(cp, n, "cPrev");
  args.need_length(act, na, "act");
  args.need_length(dz, nz, "dz");
  args.need_length(dcp, n, "dcPrev");
  if (n == 0) return info.Env().Undefined();
  lstm_cell_grad_run(dh.dtype, dh.data, dc.data, cp.data, act.data, dz.data, dcp.data, batch, units);
  return info.Env().Undefined();
}

// The mask of softmax and softmaxGrad: a Uint8Array [maskRows, cols] and an Int32Array giving
// each of the `rows` rows its mask row; both empty for none. Null when there is no mask.
const uint8_t* softmax_mask(const Args& args, const Array& mask, const Array& mask_row, int64_t rows, int64_t cols,
                            const int32_t** row_of) {
  args.need_dtype(mask, DType::u8, "mask");
  args.need_dtype(mask_row, DType::i32, "maskRow");
  *row_of = nullptr;
  if (mask_row.length == 0) {
    if (mask.length != 0) args.range_error("mask is given but maskRow is empty (pass both, or two empty arrays)");
    return nullptr;
  }
  args.need_length(mask_row, rows, "maskRow");
  const int64_t mask_rows = mask.length / cols;
  const int32_t* ip = mask_row.as<int32_t>();
  for (int64_t r = 0; r < rows; r++)
    if (ip[r] < 0 || ip[r] >= mask_rows)
      args.range_error("maskRow[" + std::to_string(r) + "] = " + std::to_string(ip[r]) + " is out of range [0, " +
                       std::to_string(mask_rows) + ") (mask has " + std::to_string(mask.length) + " elements, rows of " +
                       std::to_string(cols) + ")");
  *row_of = ip;
  return mask.as<uint8_t>();
}

// softmax(x, rows, cols, mask, maskRow, y): x, y [rows, cols] (src/backend/backend.ts `softmax`).
Napi::Value softmax(const Napi::CallbackInfo& info) {
  Args args(info, "softmax", 6);
  const int64_t rows = args.integer(1, "rows"), cols = args.integer(2, "cols");
  napi_value hx = args.typed(0, "x"), hm = args.typed(3, "mask"), hr = args.typed(4, "maskRow"), hy = args.typed(5, "y");
  const int64_t n = args.elements({rows, cols}, "x [rows, cols]");
  Array x = args.resolve(hx, "x"), mask = args.resolve(hm, "mask"), row = args.resolve(hr, "maskRow");
  Array y = args.resolve_out(hy, "y");
  if (!softmax_supports(x.dtype)) no_kernel(args, "softmax", x.dtype);
  args.need_dtype(y, x.dtype, "y");
  args.need_length(x, n, "x");
  args.need_length(y, n, "y");
  if (n == 0) return info.Env().Undefined();
  const int32_t* row_of = nullptr;
  const uint8_t* m = softmax_mask(args, mask, row, rows, cols, &row_of);
  softmax_run(x.dtype, x.data, rows, cols, m, row_of, y.data);
  return info.Env().Undefined();
}

// softmaxGrad(y, dy, rows, cols, mask, maskRow, dx): y, dy, dx [rows, cols].
Napi::Value softmax_grad(const Napi::CallbackInfo& info) {
  Args args(info, "softmaxGrad", 7);
  const int64_t rows = args.integer(2, "rows"), cols = args.integer(3, "cols");
  napi_value hy = args.typed(0, "y"), hd = args.typed(1, "dy"), hm = args.typed(4, "mask"), hr = args.typed(5, "maskRow");
  napi_value hx = args.typed(6, "dx");
  const int64_t n = args.elements({rows, cols}, "y [rows, cols]");
  Array y = args.resolve(hy, "y"), dy = args.resolve(hd, "dy"), mask = args.resolve(hm, "mask"), row = args.resolve(hr, "maskRow");
  Array dx = args.resolve_out(hx, "dx");
  if (!softmax_supports(y.dtype)) no_kernel(args, "softmaxGrad", y.dtype);
  args.need_dtype(dy, y.dtype, "dy");
  args.need_dtype(dx, y.dtype, "dx");
  args.need_length(y, n, "y");
  args.need_length(dy, n, "dy");
  args.need_length(dx, n, "dx");
  if (n == 0) return info.Env().Undefined();
  const int32_t* row_of = nullptr;
  const uint8_t* m = softmax_mask(args, mask, row, rows, cols, &row_of);
  softmax_grad_run(y.dtype, y.data, dy.data, rows, cols, m, row_of, dx.data);
  return info.Env().Undefined();
}

// The geometry of attention and attentionGrad: [batch, t, s, heads, kvHeads, keyDim, valueDim,
// maskBatchStride, maskHeadStride] and the scale (src/backend/backend.ts AttentionDims).
AttentionDims attention_dims(const Args& args, size_t dims_at, size_t scale_at) {
  std::vector<int64_t> v = args.int_list(dims_at, "dims", 0, kMaxExtent, 9);
  if (v.size() != 9) args.type_error("dims must have 9 entries [batch, t, s, heads, kvHeads, keyDim, valueDim, maskBatchStride, maskHeadStride], got " + std::to_string(v.size()));
  AttentionDims d{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], args.number(scale_at, "scale")};
  if (d.kv_heads < 1 || d.heads < d.kv_heads || d.heads % d.kv_heads != 0)
    args.range_error("heads (" + std::to_string(d.heads) + ") must be a positive multiple of kvHeads (" + std::to_string(d.kv_heads) + ")");
  if (!std::isfinite(d.scale)) args.range_error("scale must be finite");
  return d;
}

// The mask of an attention call: empty for none, else bool rows reaching
// (batch−1)·maskBatchStride + (heads−1)·maskHeadStride + t·s elements.
const uint8_t* attention_mask(const Args& args, const Array& mask, const AttentionDims& d) {
  if (mask.length == 0) return nullptr;
  args.need_dtype(mask, DType::u8, "mask");
  const int128 reach = int128(d.batch - 1) * d.mask_batch_stride + int128(d.heads - 1) * d.mask_head_stride + int128(d.t) * d.s;
  if (d.batch > 0 && d.t > 0 && reach > mask.length)
    args.range_error("mask has " + std::to_string(mask.length) + " elements, its strides reach past them");
  return mask.as<uint8_t>();
}

// attention(q, k, v, mask, dims, scale, out, probs): q [batch, t, heads, keyDim], k [batch, s,
// kvHeads, keyDim], v [batch, s, kvHeads, valueDim] in; out [batch, t, heads, valueDim] and probs
// [batch, heads, t, s] out (src/backend/backend.ts `attention`).
Napi::Value attention(const Napi::CallbackInfo& info) {
  Args args(info, "attention", 8);
  const AttentionDims d = attention_dims(args, 4, 5);
  napi_value hq = args.typed(0, "q"), hk = args.typed(1, "k"), hv = args.typed(2, "v"), hm = args.typed(3, "mask");
  napi_value ho = args.typed(6, "out"), hp = args.typed(7, "probs");
  const int64_t nq = args.elements({d.batch, d.t, d.heads, d.key_dim}, "q [batch, t, heads, keyDim]");
  const int64_t nk = args.elements({d.batch, d.s, d.kv_heads, d.key_dim}, "k [batch, s, kvHeads, keyDim]");
  const int64_t nv = args.elements({d.batch, d.s, d.kv_heads, d.value_dim}, "v [batch, s, kvHeads, valueDim]");
  const int64_t no = args.elements({d.batch, d.t, d.heads, d.value_dim}, "out [batch, t, heads, valueDim]");
  const int64_t np = args.elements({d.batch, d.heads, d.t, d.s}, "probs [batch, heads, t, s]");
  Array q = args.resolve(hq, "q"), k = args.resolve(hk, "k"), v = args.resolve(hv, "v"), mask = args.resolve(hm, "mask");
  Array out = args.resolve_out(ho, "out"), probs = args.resolve_out(hp, "probs");
  if (q.dtype != DType::f32) no_kernel(args, "attention", q.dtype);
  for (const auto& [a, name, n] : {std::tuple{&q, "q", nq}, {&k, "k", nk}, {&v, "v", nv}, {&out, "out", no}, {&probs, "probs", np}}) {
    args.need_dtype(*a, DType::f32, name);
    args.need_length(*a, n, name);
  }
  const uint8_t* m = attention_mask(args, mask, d);
  if (no == 0 && np == 0) return info.Env().Undefined();
  attention_run(d, q.as<float>(), k.as<float>(), v.as<float>(), m, out.as<float>(), probs.as<float>());
  return info.Env().Undefined();
}

// attentionGrad(q, k, v, probs, dout, mask, dims, scale, dq, dk, dv): the forward's inputs, its
// probs and the upstream dout in; dq, dk, dv (shaped as q, k, v) out.
Napi::Value attention_grad(const Napi::CallbackInfo& info) {
  Args args(info, "attentionGrad", 11);
  const AttentionDims d = attention_dims(args, 6, 7);
  napi_value hq = args.typed(0, "q"), hk = args.typed(1, "k"), hv = args.typed(2, "v"), hp = args.typed(3, "probs");
  napi_value hd = args.typed(4, "dout"), hm = args.typed(5, "mask");
  napi_value hdq = args.typed(8, "dq"), hdk = args.typed(9, "dk"), hdv = args.typed(10, "dv");
  const int64_t nq = args.elements({d.batch, d.t, d.heads, d.key_dim}, "q [batch, t, heads, keyDim]");
  const int64_t nk = args.elements({d.batch, d.s, d.kv_heads, d.key_dim}, "k [batch, s, kvHeads, keyDim]");
  const int64_t nv = args.elements({d.batch, d.s, d.kv_heads, d.value_dim}, "v [batch, s, kvHeads, valueDim]");
  const int64_t no = args.elements({d.batch, d.t, d.heads, d.value_dim}, "dout [batch, t, heads, valueDim]");
  const int64_t np = args.elements({d.batch, d.heads, d.t, d.s}, "probs [batch, heads, t, s]");
  Array q = args.resolve(hq, "q"), k = args.resolve(hk, "k"), v = args.resolve(hv, "v"), probs = args.resolve(hp, "probs");
  Array dout = args.resolve(hd, "dout"), mask = args.resolve(hm, "mask");
  Array dq = args.resolve_out(hdq, "dq"), dk = args.resolve_out(hdk, "dk"), dv = args.resolve_out(hdv, "dv");
  if (q.dtype != DType::f32) no_kernel(args, "attentionGrad", q.dtype);
  for (const auto& [a, name, n] : {std::tuple{&q, "q", nq}, {&k, "k", nk}, {&v, "v", nv}, {&probs, "probs", np},
                                   {&dout, "dout", no}, {&dq, "dq", nq}, {&dk, "dk", nk}, {&dv, "dv", nv}}) {
    args.need_dtype(*a, DType::f32, name);
    args.need_length(*a, n, name);
  }
  const uint8_t* m = attention_mask(args, mask, d);
  if (nq == 0 && nk == 0 && nv == 0) return info.Env().Undefined();
  attention_grad_run(d, q.as<float>(), k.as<float>(), v.as<float>(), probs.as<float>(), dout.as<float>(), m,
                     dq.as<float>(), dk.as<float>(), dv.as<float>());
  return info.Env().Undefined();
}

Napi::Value info_fn(const Napi::CallbackInfo& info) {
  Args args(info, "info", 0);
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("simd", simd::active()->name);
  o.Set("threads", num_threads());
  o.Set("simdAvailable", simd::available_levels());
  const cpu::Info& c = cpu::info();
  Napi::Object co = Napi::Object::New(info.Env());
  co.Set("vendor", c.vendor);
  co.Set("family", c.family);
  co.Set("model", c.model);
  co.Set("l1d", double(c.l1d.bytes));
  co.Set("l1dWays", c.l1d.ways);
  co.Set("l2", double(c.l2.bytes));
  co.Set("l3", double(c.l3.bytes));
  o.Set("cpu", co);
  const GemmPlan g = gemm_plan(num_threads());
  Napi::Object go = Napi::Object::New(info.Env());
  go.Set("tile", std::to_string(g.mr) + "x" + std::to_string(g.nr));
  go.Set("kc", double(g.kc));
  go.Set("nc", double(g.nc));
  go.Set("packA", g.pack_a == kPackAuto ? "auto" : g.pack_a == kPackAlways ? "always" : "never");
  go.Set("source", g.source);
  o.Set("gemm", go);
  return o;
}

// Which dtypes each kernel runs, for the native backend's routing (src/backend/native):
// {unary: {op: [dtype…]}, binary: …, reduce: …, matmul: [dtype…], …}. Kernels not listed run
// every dtype. The single-kernel lists state what their `_run` functions accept.
// The flat geometry of the conv and pool exports (src/backend/native/native-backend.ts
// `convGeometry` / `poolGeometry`): 16 integers, checked so that every index a kernel forms
// (oh·sh + kh·dh, …) stays far inside int64_t. Reads outside the input are clipped by the
// kernels, so any pads are memory-safe; pools also need every window to hold an element of x.
ConvGeom conv_geometry(const Args& args, size_t i, bool pool) {
  std::vector<int64_t> v = args.int_list(i, "geometry", 0, kMaxExtent, 16);
  if (v.size() != 16) args.range_error("geometry must have 16 entries, got " + std::to_string(v.size()));
  if (v[15] > 1) args.range_error("geometry[15] (depthwise) must be 0 or 1");
  ConvGeom g{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15] == 1};
  if (g.sh < 1 || g.sw < 1 || g.dh < 1 || g.dw < 1) args.range_error("strides and dilations must be at least 1");
  const int128 limit = int128(int64_t(1) << 62);
  if (int128(g.out_h) * g.sh + int128(g.fh) * g.dh + g.pt >= limit ||
      int128(g.out_w) * g.sw + int128(g.fw) * g.dw + g.pl >= limit)
    args.range_error("geometry: the window reach passes 2^62");
  if (g.depthwise && (g.in_c == 0 ? g.out_c != 0 : g.out_c % g.in_c != 0))
    args.range_error("depthwise outC (" + std::to_string(g.out_c) + ") must be a multiple of inC (" + std::to_string(g.in_c) + ")");
  if (pool) {
    if (!g.depthwise || g.in_c != g.out_c || g.dh != 1 || g.dw != 1)
      args.range_error("pool geometry must be depthwise with inC = outC and dilations 1");
    const bool rows = g.out_h == 0 || (g.in_h > 0 && g.pt < g.fh && (g.out_h - 1) * g.sh - g.pt < g.in_h);
    const bool cols = g.out_w == 0 || (g.in_w > 0 && g.pl < g.fw && (g.out_w - 1) * g.sw - g.pl < g.in_w);
    if (!rows || !cols) args.range_error("pool geometry: a window would hold only padding");
  }
  return g;
}

// The three conv passes share one export shape: (a, b, out, geometry), Pass 0 forward
// (x, filter, y), 1 backprop-input (dy, filter, dx), 2 backprop-filter (x, dy, dfilter).
template <int Pass>
Napi::Value conv_pass(const Napi::CallbackInfo& info) {
  static const char* const kNames[3] = {"conv2d", "conv2dBackpropInput", "conv2dBackpropFilter"};
  static const char* const kArgs[3][3] = {{"x", "filter", "out"}, {"dy", "filter", "dx"}, {"x", "dy", "dfilter"}};
  Args args(info, kNames[Pass], 4);
  const char* const* names = kArgs[Pass];
  ConvGeom g = conv_geometry(args, 3, false);
  napi_value h0 = args.typed(0, names[0]), h1 = args.typed(1, names[1]), h2 = args.typed(2, names[2]);
  const int64_t x_size = args.elements({g.batch, g.in_h, g.in_w, g.in_c}, "x [batch, inH, inW, inC]");
  const int64_t y_size = args.elements({g.batch, g.out_h, g.out_w, g.out_c}, "y [batch, outH, outW, outC]");
  const int64_t q = g.depthwise ? (g.in_c == 0 ? 0 : g.out_c / g.in_c) : g.out_c;
  const int64_t f_size = args.elements({g.fh, g.fw, g.in_c, q}, "filter [fh, fw, inC, outC or multiplier]");
  args.elements({g.batch, g.out_h, g.out_w, g.fh, g.fw, g.in_c}, "im2col [batch·outH·outW, fh·fw·inC]");
  Array a = args.resolve(h0, names[0]), b = args.resolve(h1, names[1]), out = args.resolve_out(h2, names[2]);
  if (!conv_supports(a.dtype)) no_kernel(args, kNames[Pass], a.dtype);
  args.need_dtype(b, a.dtype, names[1]);
  args.need_dtype(out, a.dtype, names[2]);
  const int64_t sizes[3][3] = {{x_size, f_size, y_size}, {y_size, f_size, x_size}, {x_size, y_size, f_size}};
  args.need_length(a, sizes[Pass][0], names[0]);
  args.need_length(b, sizes[Pass][1], names[1]);
  args.need_length(out, sizes[Pass][2], names[2]);
  if (sizes[Pass][2] == 0) return info.Env().Undefined();
  if (Pass == 0) conv2d_run(g, a.as<float>(), b.as<float>(), out.as<float>());
  if (Pass == 1) conv2d_backprop_input_run(g, a.as<float>(), b.as<float>(), out.as<float>());
  if (Pass == 2) conv2d_backprop_filter_run(g, a.as<float>(), b.as<float>(), out.as<float>());
  return info.Env().Undefined();
}

Napi::Value pool(const Napi::CallbackInfo& info) {
  Args args(info, "pool", 4);
  std::string op = args.str(0, "op");
  ConvGeom g = conv_geometry(args, 3, true);
  napi_value hx = args.typed(1, "x"), ho = args.typed(2, "out");
  if (op != "max" && op != "avg") args.type_error("unknown op '" + op + "' (max or avg)");
  const int64_t x_size = args.elements({g.batch, g.in_h, g.in_w, g.in_c}, "x [batch, inH, inW, channels]");
  const int64_t y_size = args.elements({g.batch, g.out_h, g.out_w, g.out_c}, "out [batch, outH, outW, channels]");
  Array x = args.resolve(hx, "x"), out = args.resolve_out(ho, "out");
  if (!conv_supports(x.dtype)) no_kernel(args, "pool", x.dtype);
  args.need_dtype(out, x.dtype, "out");
  args.need_length(x, x_size, "x");
  args.need_length(out, y_size, "out");
  if (y_size == 0) return info.Env().Undefined();
  pool_run(op == "max" ? 0 : 1, g, x.as<float>(), out.as<float>());
  return info.Env().Undefined();
}

Napi::Value avg_pool_backprop(const Napi::CallbackInfo& info) {
  Args args(info, "avgPoolBackprop", 3);
  ConvGeom g = conv_geometry(args, 2, true);
  napi_value hd = args.typed(0, "dy"), ho = args.typed(1, "dx");
  const int64_t x_size = args.elements({g.batch, g.in_h, g.in_w, g.in_c}, "dx [batch, inH, inW, channels]");
  const int64_t y_size = args.elements({g.batch, g.out_h, g.out_w, g.out_c}, "dy [batch, outH, outW, channels]");
  Array dy = args.resolve(hd, "dy"), dx = args.resolve_out(ho, "dx");
  if (!conv_supports(dy.dtype)) no_kernel(args, "avgPoolBackprop", dy.dtype);
  args.need_dtype(dx, dy.dtype, "dx");
  args.need_length(dy, y_size, "dy");
  args.need_length(dx, x_size, "dx");
  if (x_size == 0) return info.Env().Undefined();
  if (y_size == 0) {
    std::fill(dx.as<float>(), dx.as<float>() + x_size, 0.0f);
    return info.Env().Undefined();
  }
  avg_pool_backprop_run(g, dy.as<float>(), dx.as<float>());
  return info.Env().Undefined();
}

Napi::Value max_pool_argmax(const Napi::CallbackInfo& info) {
  Args args(info, "maxPoolArgmax", 3);
  ConvGeom g = conv_geometry(args, 2, true);
  napi_value hx = args.typed(0, "x"), ho = args.typed(1, "out");
  const int64_t x_size = args.elements({g.batch, g.in_h, g.in_w, g.in_c}, "x [batch, inH, inW, channels]");
  const int64_t y_size = args.elements({g.batch, g.out_h, g.out_w, g.out_c}, "out [batch, outH, outW, channels]");
  if (x_size > 0x7fffffff) args.range_error("x has " + std::to_string(x_size) + " elements, more than int32 indices reach");
  Array x = args.resolve(hx, "x"), out = args.resolve_out(ho, "out");
  if (!conv_supports(x.dtype)) no_kernel(args, "maxPoolArgmax", x.dtype);
  args.need_dtype(out, DType::i32, "out");
  args.need_length(x, x_size, "x");
  args.need_length(out, y_size, "out");
  if (y_size == 0) return info.Env().Undefined();
  max_pool_argmax_run(g, x.as<float>(), out.as<int32_t>());
  return info.Env().Undefined();
}

Napi::Value max_pool_backprop(const Napi::CallbackInfo& info) {
  Args args(info, "maxPoolBackprop", 4);
  ConvGeom g = conv_geometry(args, 3, true);
  napi_value hx = args.typed(0, "x"), hd = args.typed(1, "dy"), ho = args.typed(2, "dx");
  const int64_t x_size = args.elements({g.batch, g.in_h, g.in_w, g.in_c}, "x [batch, inH, inW, channels]");
  const int64_t y_size = args.elements({g.batch, g.out_h, g.out_w, g.out_c}, "dy [batch, outH, outW, channels]");
  if (x_size > 0x7fffffff) args.range_error("x has " + std::to_string(x_size) + " elements, more than int32 indices reach");
  Array x = args.resolve(hx, "x"), dy = args.resolve(hd, "dy"), dx = args.resolve_out(ho, "dx");
  if (!conv_supports(x.dtype)) no_kernel(args, "maxPoolBackprop", x.dtype);
  args.need_dtype(dy, x.dtype, "dy");
  args.need_dtype(dx, x.dtype, "dx");
  args.need_length(x, x_size, "x");
  args.need_length(dy, y_size, "dy");
  args.need_length(dx, x_size, "dx");
  if (x_size == 0) return info.Env().Undefined();
  if (y_size == 0) {
    std::fill(dx.as<float>(), dx.as<float>() + x_size, 0.0f);
    return info.Env().Undefined();
  }
  max_pool_backprop_run(g, x.as<float>(), dy.as<float>(), dx.as<float>());
  return info.Env().Undefined();
}

Napi::Value kernels_fn(const Napi::CallbackInfo& info) {
  Args args(info, "kernels", 0);
  Napi::Env env = info.Env();
  auto dtype_list = [&](std::initializer_list<DType> ds) {
    Napi::Array a = Napi::Array::New(env);
    for (DType d : ds) a.Set(a.Length(), dtype_name(d));
    return a;
  };
  auto family = [&](const std::vector<OpDTypes>& ops) {
    Napi::Object o = Napi::Object::New(env);
    for (const OpDTypes& e : ops) {
      Napi::Array a = Napi::Array::New(env);
      for (int d = 0; d < 4; d++)
        if (e.dtypes[d]) a.Set(a.Length(), dtype_name(DType(d)));
      o.Set(e.op, a);
    }
    return o;
  };
  Napi::Object o = Napi::Object::New(env);
  o.Set("unary", family(unary_catalog()));
  o.Set("binary", family(binary_catalog()));
  o.Set("reduce", family(reduce_catalog()));
  o.Set("argReduce", dtype_list({DType::f32, DType::f64, DType::i32}));
  o.Set("matmul", dtype_list({DType::f32, DType::f64}));
  o.Set("mulAdd", dtype_list({DType::f32, DType::f64}));
  o.Set("scatterAdd", dtype_list({DType::f32, DType::f64, DType::i32}));
  o.Set("fusedUpdate", dtype_list({DType::f32, DType::f64}));
  o.Set("conv", dtype_list({DType::f32}));
  o.Set("lstm", dtype_list({DType::f32, DType::f64}));
  o.Set("softmax", dtype_list({DType::f32, DType::f64}));
  o.Set("attention", dtype_list({DType::f32}));
  return o;
}

Napi::Value set_simd_level(const Napi::CallbackInfo& info) {
  Args args(info, "setSimdLevel", 1);
  std::string level = args.str(0, "level");
  return Napi::String::New(info.Env(), simd::set_level(level.c_str()));
}

Napi::Value set_num_threads_fn(const Napi::CallbackInfo& info) {
  Args args(info, "setNumThreads", 1);
  set_num_threads(int(args.integer(0, "threads", 1, 1024)));
  return Napi::Number::New(info.Env(), num_threads());
}

struct Export {
  const char* name;
  Napi::Value (*fn)(const Napi::CallbackInfo&);
};

// The export table: kernel names are spelled as in backend.ts.
const Export kExports[] = {
    {"unary", &guarded<unary>},
    {"binary", &guarded<binary>},
    {"mulAdd", &guarded<mul_add>},
    {"select", &guarded<select>},
    {"reduce", &guarded<reduce>},
    {"argReduce", &guarded<arg_reduce>},
    {"scan", &guarded<scan>},
    {"topK", &guarded<top_k>},
    {"matmul", &guarded<matmul>},
    {"copyStrided", &guarded<copy_strided>},
    {"gather", &guarded<gather>},
    {"scatterAdd", &guarded<scatter_add>},
    {"concat", &guarded<concat>},
    {"pad", &guarded<pad>},
    {"cast", &guarded<cast>},
    {"fusedUpdate", &guarded<fused_update>},
    {"lstmCell", &guarded<lstm_cell>},
    {"lstmCellGrad", &guarded<lstm_cell_grad>},
    {"softmax", &guarded<softmax>},
    {"softmaxGrad", &guarded<softmax_grad>},
    {"attention", &guarded<attention>},
    {"attentionGrad", &guarded<attention_grad>},
    {"conv2d", &guarded<conv_pass<0>>},
    {"conv2dBackpropInput", &guarded<conv_pass<1>>},
    {"conv2dBackpropFilter", &guarded<conv_pass<2>>},
    {"pool", &guarded<pool>},
    {"avgPoolBackprop", &guarded<avg_pool_backprop>},
    {"maxPoolArgmax", &guarded<max_pool_argmax>},
    {"maxPoolBackprop", &guarded<max_pool_backprop>},
    {"info", &guarded<info_fn>},
    {"kernels", &guarded<kernels_fn>},
    {"setSimdLevel", &guarded<set_simd_level>},
    {"setNumThreads", &guarded<set_num_threads_fn>},
    {"probeTriad", &guarded<probes::probe_triad>},
    {"probeSum", &guarded<probes::probe_sum>},
    {"probePeakFma", &guarded<probes::probe_peak_fma>},
    {"mpiInit", &guarded<mpi::mpi_init>},
    {"mpiAllReduce", &guarded<mpi::mpi_all_reduce>},
    {"mpiAllReduceAsync", &guarded<mpi::mpi_all_reduce_async>},
    {"mpiAllGather", &guarded<mpi::mpi_all_gather>},
    {"mpiAllGatherAsync", &guarded<mpi::mpi_all_gather_async>},
    {"mpiBroadcast", &guarded<mpi::mpi_broadcast>},
    {"mpiBroadcastAsync", &guarded<mpi::mpi_broadcast_async>},
    {"mpiBarrier", &guarded<mpi::mpi_barrier>},
    {"mpiAbort", &guarded<mpi::mpi_abort>},
    {"mpiFinalize", &guarded<mpi::mpi_finalize>},
};

// Tensor storage is malloc'd by Node (ArrayBuffers). glibc serves blocks above a dynamic
// threshold (at most 32 MiB) with fresh mmaps, so every large tensor pays its page faults
// again; keeping blocks up to 1 GiB on the heap lets freed tensor memory be reused. Free memory
// at the top of the heap is returned to the system past 64 MiB (a 1 GiB trim threshold kept it
// all and let RSS creep over long runs); bench/memory.ts checks RSS at 10,000 and 40,000 steps.
void tune_allocator() {
#ifdef __GLIBC__
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
}

Napi::Object init(Napi::Env env, Napi::Object exports) {
  tune_allocator();
  // The name is also the function's data: `guarded` puts it in the messages it makes.
  for (const Export& e : kExports)
    exports.Set(e.name, Napi::Function::New(env, e.fn, e.name, const_cast<char*>(e.name)));
  return exports;
}

}  // namespace
}  // namespace tapeflow

static Napi::Object tapeflow_init(Napi::Env env, Napi::Object exports) { return tapeflow::init(env, exports); }

NODE_API_MODULE(tapeflow, tapeflow_init)
