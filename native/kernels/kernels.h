// The kernel families behind the export table: pure C++ over raw pointers, called by addon.cc
// only after every argument was checked (lengths, dtypes, bounds). Each family file holds one
// strided loop and a table of one-line functors; `*_find` maps an op name to its table index.
//
// `Plan` is the shared strided iteration: the output shape is collapsed (size-1 axes dropped,
// neighbours merged where every operand is contiguous across them), then `for_runs` walks the
// flat output range [begin, end) as runs along the innermost axis, handing each run's operand
// offsets to a 1-D inner loop. Contiguous, scalar-broadcast and row/column broadcasts are then
// just inner loops with strides (1,1), (1,0), (0,1).
//
// Sizes. addon.cc calls a kernel only after args.h checked the call: every shape's nonzero
// extents multiply to at most 2^53 (so does any subset of them, in any order), each strided
// operand's reach ((extent - 1)·|stride| summed over axes) lies inside its array, and the work
// is not empty (it returns first when an output has no elements). So products of extents, and
// of an extent with a stride, cannot overflow int64_t here and need no checks of their own.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "../dtype.h"

namespace tapeflow {

// 1/(1+e^-x) for x >= 0, e^x/(1+e^x) below: never overflows (the float64 sigmoid of
// unary.cc and lstm.cc).
inline double sigmoid(double x) {
  if (x >= 0) return 1 / (1 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1 + e);
}

template <int K>
struct Plan {
  int rank = 0;
  int64_t size = 1;
  int64_t shape[kMaxRank];
  int64_t strides[K][kMaxRank];
};

template <int K>
Plan<K> make_plan(const std::vector<int64_t>& shape, const std::vector<int64_t>* const (&strides)[K]) {
  Plan<K> p;
  for (int64_t n : shape)
    if (n == 0) {  // empty: nothing to plan (the strides of an empty operand were never checked)
      p.size = 0;
      p.rank = 1;
      p.shape[0] = 0;
      for (int q = 0; q < K; q++) p.strides[q][0] = 0;
      return p;
    }
  for (size_t d = 0; d < shape.size(); d++) {
    int64_t n = shape[d];
    p.size *= n;
    if (n == 1) continue;
    bool merge = p.rank > 0;
    for (int q = 0; q < K && merge; q++) merge = p.strides[q][p.rank - 1] == (*strides[q])[d] * n;
    if (merge) {
      p.shape[p.rank - 1] *= n;
      for (int q = 0; q < K; q++) p.strides[q][p.rank - 1] = (*strides[q])[d];
    } else {
      p.shape[p.rank] = n;
      for (int q = 0; q < K; q++) p.strides[q][p.rank] = (*strides[q])[d];
      p.rank++;
    }
  }
  if (p.rank == 0) {
    p.rank = 1;
    p.shape[0] = 1;
    for (int q = 0; q < K; q++) p.strides[q][0] = 0;
  }
  return p;
}

// fn(const int64_t off[K], int64_t out_index, int64_t count, const int64_t inner_stride[K]).
template <int K, class F>
void for_runs(const Plan<K>& p, int64_t begin, int64_t end, F&& fn) {
  if (begin >= end) return;
  const int r = p.rank;
  int64_t idx[kMaxRank], off[K] = {}, inner[K];
  int64_t rest = begin;
  for (int d = r - 1; d >= 0; d--) {
    idx[d] = rest % p.shape[d];
    rest /= p.shape[d];
    for (int q = 0; q < K; q++) off[q] += idx[d] * p.strides[q][d];
  }
  for (int q = 0; q < K; q++) inner[q] = p.strides[q][r - 1];
  int64_t pos = begin;
  while (pos < end) {
    int64_t count = p.shape[r - 1] - idx[r - 1];
    if (count > end - pos) count = end - pos;
    fn(off, pos, count, inner);
    pos += count;
    if (pos >= end) break;
    // advance: the inner axis is now complete (count reached its end)
    for (int q = 0; q < K; q++) off[q] -= idx[r - 1] * inner[q];
    idx[r - 1] = 0;
    for (int d = r - 2; d >= 0; d--) {
      for (int q = 0; q < K; q++) off[q] += p.strides[q][d];
      if (++idx[d] < p.shape[d]) break;
      for (int q = 0; q < K; q++) off[q] -= p.strides[q][d] * p.shape[d];
      idx[d] = 0;
    }
  }
}

// JS typed-array store conversions (what `int32Array[i] = x` does): ToInt32 and ToUint8.
inline int32_t to_int32(double x) {
  if (!(x == x) || x == std::numeric_limits<double>::infinity() || x == -std::numeric_limits<double>::infinity()) return 0;
  double t = std::trunc(x);
  double m = std::fmod(t, 4294967296.0);
  if (m < 0) m += 4294967296.0;
  return int32_t(uint32_t(m));
}
inline uint8_t to_uint8(double x) { return uint8_t(uint32_t(to_int32(x)) & 0xff); }

// What a family with ops runs: one entry per op, `dtypes` indexed by DType. The `kernels`
// export reports these, and the native backend (src/backend/native) sends every other
// (op, dtype) pair to the TS kernels.
struct OpDTypes {
  const char* op;
  bool dtypes[4];
};
std::vector<OpDTypes> unary_catalog();
std::vector<OpDTypes> binary_catalog();
std::vector<OpDTypes> reduce_catalog();


// Each family's `*_supports` says whether an (op, dtype) pair has a kernel; addon.cc asks before
// anything runs, so `*_run` is only called for pairs that have one.

// unary.cc: out[i] = f(x[i]), i < n.
int unary_find(const std::string& name);
bool unary_supports(int op, DType d);
void unary_run(int op, DType d, const void* x, void* out, int64_t n, double alpha);

// binary.cc: out (contiguous, `shape`) = a op b read through strides. Comparisons write u8.
int binary_find(const std::string& name);
bool binary_is_compare(int op);
bool binary_supports(int op, DType d);
void binary_run(int op, DType d, const void* a, const std::vector<int64_t>& sa, const void* b,
                const std::vector<int64_t>& sb, const std::vector<int64_t>& shape, void* out);
// out[i] = a[i]*b[i] + c[i] (contiguous, float dtypes; product rounded before the sum).
bool mul_add_supports(DType d);
void mul_add_run(DType d, const void* a, const void* b, const void* c, void* out, int64_t n);
void select_run(DType d, const uint8_t* cond, const std::vector<int64_t>& sc, const void* a,
                const std::vector<int64_t>& sa, const void* b, const std::vector<int64_t>& sb,
                const std::vector<int64_t>& shape, void* out);

// reduce.cc: x contiguous `shape`, reduced over `reduced[d]` axes; out holds the kept axes.
int reduce_find(const std::string& name);
bool reduce_supports(int op, DType d);
void reduce_run(int op, DType d, const void* x, const std::vector<int64_t>& shape, const std::vector<bool>& reduced,
                void* out);
int arg_reduce_find(const std::string& name);
bool arg_reduce_supports(DType d);
void arg_reduce_run(int op, DType d, const void* x, int64_t outer, int64_t n, int64_t inner, int32_t* out);

// scan.cc: x viewed as [outer, n, inner], scanned along n (cumsum 0, cumprod 1); and per-row
// selection of the first k of [rows, n] in the order of src/backend/backend.ts `topK`.
int scan_find(const std::string& name);
bool scan_supports(DType d);  // also top_k's dtypes
void scan_run(int op, DType d, const void* x, int64_t outer, int64_t n, int64_t inner, bool exclusive, bool reverse,
              void* out);
void top_k_run(DType d, const void* x, int64_t rows, int64_t n, int64_t k, bool descending, void* values,
               int32_t* indices);

// matmul.cc
struct MatmulArgs {
  int64_t batch, m, n, k;
  bool transpose_a, transpose_b;
  int64_t a_batch_stride, b_batch_stride;
};
bool matmul_supports(DType d);
void matmul_run(DType d, const void* a, const void* b, void* out, const MatmulArgs& args);

// The float32 GEMM's blocking on this CPU (matmul.cc): micro-tile mr×nr of the SIMD level in
// use, k slices of at most kc, B panels of at most nc columns for `threads` threads, and when
// rows of A are packed rather than read in place; `source` is "cpu" (derived from its caches),
// "default" (caches unknown) or "TAPEFLOW_GEMM".
enum GemmPackA { kPackAuto, kPackAlways, kPackNever };
struct GemmPlan {
  int mr = 0, nr = 0;
  int64_t kc = 0, nc = 0;
  GemmPackA pack_a = kPackAuto;
  const char* source = "";
};
GemmPlan gemm_plan(int threads);

// The float32 packed GEMM behind matmul_run, for other kernels: C (m×n, row stride n) =
// A·B with A(i, p) = a[i·rsa + p·csa] and B(p, j) = b[p·rsb + j·csb]; `threaded` lets it split
// over the pool (pass false from inside a pool task).
void gemm_f32_run(const float* a, int64_t rsa, int64_t csa, const float* b, int64_t rsb, int64_t csb, float* c,
                  int64_t m, int64_t n, int64_t k, bool threaded);

// attention.cc: fused scaled dot-product attention, float32 (src/backend/backend.ts
// `attention`): q [batch, t, heads, key_dim], k [batch, s, kv_heads, key_dim], v [batch, s,
// kv_heads, value_dim] (heads a multiple of kv_heads), mask null or bool rows of s where the row
// of (b, n, i) starts at b·mask_batch_stride + n·mask_head_stride + i·s; out [batch, t, heads,
// value_dim] and probs [batch, heads, t, s] fully written. The backward pass reads probs and
// dout and fully writes dq, dk, dv (shaped as q, k, v).
struct AttentionDims {
  int64_t batch, t, s, heads, kv_heads, key_dim, value_dim, mask_batch_stride, mask_head_stride;
  double scale;
};
void attention_run(const AttentionDims& d, const float* q, const float* k, const float* v, const uint8_t* mask,
                   float* out, float* probs);
void attention_grad_run(const AttentionDims& d, const float* q, const float* k, const float* v, const float* probs,
                        const float* dout, const uint8_t* mask, float* dq, float* dk, float* dv);

// conv.cc: NHWC convolution and pooling, float32. The fields are src/backend/backend.ts
// Conv2DArgs (pools: in_c = out_c = channels, depthwise, dh = dw = 1, no filter); pool op 0 is
// max, 1 avg. Outputs are fully written.
struct ConvGeom {
  int64_t batch, in_h, in_w, in_c, out_h, out_w, out_c, fh, fw, sh, sw, dh, dw, pt, pl;
  bool depthwise;
};
bool conv_supports(DType d);
void conv2d_run(const ConvGeom& g, const float* x, const float* w, float* y);
void conv2d_backprop_input_run(const ConvGeom& g, const float* dy, const float* w, float* dx);
void conv2d_backprop_filter_run(const ConvGeom& g, const float* x, const float* dy, float* dw);
void pool_run(int op, const ConvGeom& g, const float* x, float* y);
void avg_pool_backprop_run(const ConvGeom& g, const float* dy, float* dx);
void max_pool_argmax_run(const ConvGeom& g, const float* x, int32_t* out);
void max_pool_backprop_run(const ConvGeom& g, const float* x, const float* dy, float* dx);

// copy.cc: data movement by element size, plus cast and pad.
void copy_strided_run(int esize, const void* x, int64_t offset, const std::vector<int64_t>& strides,
                      const std::vector<int64_t>& shape, void* out);
void gather_run(int esize, const void* x, int64_t outer, int64_t axis, int64_t inner, const int32_t* idx,
                int64_t nidx, void* out);
bool scatter_add_supports(DType d);
void scatter_add_run(DType d, const void* updates, int64_t outer, int64_t axis, int64_t inner, const int32_t* idx,
                     int64_t nidx, void* out);
void concat_run(int esize, const std::vector<const void*>& inputs, const std::vector<int64_t>& inners, int64_t outer,
                void* out);
void pad_run(DType d, const void* x, const std::vector<int64_t>& shape, const std::vector<int64_t>& paddings,
             double value, void* out);
void cast_run(DType from, DType to, const void* x, void* out, int64_t n);

// optim.cc: fused optimizer updates. optim_find gives the kind's index and its layout.
struct OptimKind {
  const char* name;
  int n_arrays;   // variable, gradient, slots…
  int n_scalars;  // hyperparameters
};
int optim_find(const std::string& name, OptimKind* kind);
void optim_run(int kind, DType d, void* const* arrays, int64_t n, const double* scalars);

// lstm.cc: the fused LSTM cell step over `batch` rows (src/backend/backend.ts lstmCell):
// z [batch, 4·units], cp [batch, units] -> h, c [batch, units], act [batch, 5·units]; and its
// backward dh, dc, cp, act -> dz [batch, 4·units], dcp [batch, units]. float32 and float64.
bool lstm_supports(DType d);
void lstm_cell_run(DType d, const void* z, const void* cp, void* h, void* c, void* act, int64_t batch, int64_t units);
void lstm_cell_grad_run(DType d, const void* dh, const void* dc, const void* cp, const void* act, void* dz, void* dcp,
                        int64_t batch, int64_t units);

// softmax.cc: softmax over `rows` rows of `cols` (src/backend/backend.ts softmax), masked where
// mask (nullptr: none) row mask_row[r] holds 0; and its backward y, dy -> dx. float32, float64.
bool softmax_supports(DType d);
void softmax_run(DType d, const void* x, int64_t rows, int64_t cols, const uint8_t* mask, const int32_t* mask_row,
                 void* y);
void softmax_grad_run(DType d, const void* y, const void* dy, int64_t rows, int64_t cols, const uint8_t* mask,
                      const int32_t* mask_row, void* dx);

}  // namespace tapeflow
