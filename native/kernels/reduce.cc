// Reductions (sum, max, min, prod over any axes) and argMax/argMin along one axis.
//
// The shape is collapsed into alternating kept/reduced groups. Four loops cover every case:
// all axes reduced (fixed chunks of kReduceChunk, partials combined in chunk order: the same
// result for any thread count), innermost group reduced ([kept, reduced]: one contiguous
// reduction per output, rows in parallel), column sums ([outer, reduced, inner]: blocks of
// columns in parallel), and the general case (x walked in order, each element combined into its
// output's accumulator). Each op is a functor with an accumulator type: float32 sums and
// products accumulate in double, int32 sums in int64 (wrapped at the end, as the TS kernel's
// store does). To add an op: a functor and a row in `kReduce`.
#include <cmath>
#include <limits>
#include <vector>

#include "../simd/simd.h"
#include "../threadpool.h"
#include "kernels.h"

namespace tapeflow {
namespace {

template <class T> constexpr T lowest() { return std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::lowest(); }
template <class T> constexpr T highest() { return std::numeric_limits<T>::has_infinity ? std::numeric_limits<T>::infinity() : std::numeric_limits<T>::max(); }

template <class T> struct AccOf { using type = double; };
template <> struct AccOf<int32_t> { using type = int64_t; };

template <class T> struct Sum {
  using Acc = typename AccOf<T>::type;
  static Acc init() { return 0; }
  static Acc add(Acc a, T v) { return a + Acc(v); }
  static Acc merge(Acc a, Acc b) { return a + b; }
  static T finish(Acc a) {
    if constexpr (std::is_same<T, int32_t>::value) return int32_t(uint32_t(uint64_t(a)));
    else return T(a);
  }
};
template <class T> struct Prod {
  using Acc = double;
  static Acc init() { return 1; }
  static Acc add(Acc a, T v) { return a * Acc(v); }
  static Acc merge(Acc a, Acc b) { return a * b; }
  static T finish(Acc a) { return T(a); }
};
template <> struct Prod<int32_t> {  // wraps, as Math.imul
  using Acc = uint32_t;
  static Acc init() { return 1; }
  static Acc add(Acc a, int32_t v) { return a * uint32_t(v); }
  static Acc merge(Acc a, Acc b) { return a * b; }
  static int32_t finish(Acc a) { return int32_t(a); }
};
template <class T> struct Max {  // NaN propagates
  using Acc = T;
  static Acc init() { return lowest<T>(); }
  static Acc add(Acc a, T v) { return v > a || v != v ? v : a; }
  static Acc merge(Acc a, Acc b) { return add(a, b); }
  static T finish(Acc a) { return a; }
};
template <class T> struct Min {
  using Acc = T;
  static Acc init() { return highest<T>(); }
  static Acc add(Acc a, T v) { return v < a || v != v ? v : a; }
  static Acc merge(Acc a, Acc b) { return add(a, b); }
  static T finish(Acc a) { return a; }
};

// Contiguous reduction of n elements in 8 fixed lanes (float32 sum/max/min: the SIMD table).
template <template <class> class Op, class T>
typename Op<T>::Acc reduce_contig(const T* x, int64_t n) {
  using R = Op<T>;
  if constexpr (std::is_same<T, float>::value) {
    if constexpr (std::is_same<R, Sum<float>>::value) return simd::active()->sum(x, n);
    if constexpr (std::is_same<R, Max<float>>::value) return n ? simd::active()->max(x, n) : R::init();
    if constexpr (std::is_same<R, Min<float>>::value) return n ? simd::active()->min(x, n) : R::init();
  }
  typename R::Acc acc[8];
  for (auto& a : acc) a = R::init();
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++) acc[j] = R::add(acc[j], x[i + j]);
  for (int j = 0; i < n; i++, j++) acc[j] = R::add(acc[j], x[i]);
  for (int s = 4; s >= 1; s /= 2)
    for (int j = 0; j < s; j++) acc[j] = R::merge(acc[j], acc[j + s]);
  return acc[0];
}

using Loop = void (*)(const void* x, const std::vector<int64_t>& ext, const std::vector<bool>& red, void* out);

template <template <class> class Op, class T>
void reduce_loop(const void* xv, const std::vector<int64_t>& ext, const std::vector<bool>& red, void* ov) {
  using R = Op<T>;
  using Acc = typename R::Acc;
  const T* x = static_cast<const T*>(xv);
  T* out = static_cast<T*>(ov);
  const size_t g = ext.size();
  int64_t total = 1, out_size = 1;
  for (size_t i = 0; i < g; i++) {
    total *= ext[i];
    if (!red[i]) out_size *= ext[i];
  }
  if (out_size == 0) return;
  if (total == 0) {
    for (int64_t i = 0; i < out_size; i++) out[i] = R::finish(R::init());
    return;
  }
  if (g == 0) {  // a scalar
    out[0] = R::finish(R::add(R::init(), x[0]));
    return;
  }
  if (g == 1 && red[0]) {  // every axis
    int64_t chunks = (total + kReduceChunk - 1) / kReduceChunk;
    std::vector<Acc> part(size_t(chunks), R::init());
    auto run = [&](int64_t c) {
      int64_t b = c * kReduceChunk, e = b + kReduceChunk < total ? b + kReduceChunk : total;
      part[size_t(c)] = reduce_contig<Op, T>(x + b, e - b);
    };
    if (total >= kElementwiseMin) parallel_for(chunks, run);
    else for (int64_t c = 0; c < chunks; c++) run(c);
    Acc acc = part[0];
    for (int64_t c = 1; c < chunks; c++) acc = R::merge(acc, part[size_t(c)]);
    out[0] = R::finish(acc);
    return;
  }
  if (g == 2 && red[1]) {  // [kept, reduced]
    const int64_t rows = ext[0], n = ext[1];
    auto run = [&](int64_t b, int64_t e) {
      for (int64_t r = b; r < e; r++) out[r] = R::finish(reduce_contig<Op, T>(x + r * n, n));
    };
    int64_t grain = kElementwiseGrain / n + 1;
    parallel_range(rows, grain, total >= kElementwiseMin ? 2 : rows + 1, run);
    return;
  }
  if ((g == 2 && red[0]) || (g == 3 && !red[0] && red[1])) {  // [outer, reduced, inner]: columns
    // Blocks of columns in parallel, each column adding its rows in order as the general loop
    // does, so the result is the same for any split (bias gradients are this shape).
    const int64_t outer = g == 3 ? ext[0] : 1, rows = ext[g - 2], n = ext[g - 1];
    const int64_t threads = total >= kElementwiseMin ? num_threads() : 1;
    constexpr int64_t kMaxBlock = 512;
    const int64_t share = (n + threads - 1) / threads;  // one block per thread
    const int64_t block = std::min<int64_t>(kMaxBlock, (share + 15) / 16 * 16);
    const int64_t blocks = (n + block - 1) / block;
    run_tasks(outer * blocks, threads > 1, [&](int64_t task) {
      const int64_t o = task / blocks, c0 = task % blocks * block, w = std::min(block, n - c0);
      Acc acc[kMaxBlock];
      for (int64_t j = 0; j < w; j++) acc[j] = R::init();
      const T* px = x + o * rows * n + c0;
      int64_t r = 0;
      for (; r + 4 <= rows; r += 4, px += 4 * n)  // four rows per pass over acc, still in row order
        for (int64_t j = 0; j < w; j++)
          acc[j] = R::add(R::add(R::add(R::add(acc[j], px[j]), px[n + j]), px[2 * n + j]), px[3 * n + j]);
      for (; r < rows; r++, px += n)
        for (int64_t j = 0; j < w; j++) acc[j] = R::add(acc[j], px[j]);
      for (int64_t j = 0; j < w; j++) out[o * n + c0 + j] = R::finish(acc[j]);
    });
    return;
  }
  // General: walk x in order; acc index through kept-axis strides (0 on reduced axes).
  std::vector<Acc> acc(size_t(out_size), R::init());
  std::vector<int64_t> shape(ext), strides(g);
  int64_t s = 1;
  for (size_t i = g; i-- > 0;) {
    strides[i] = red[i] ? 0 : s;
    if (!red[i]) s *= ext[i];
  }
  const std::vector<int64_t>* st[1] = {&strides};
  Plan<1> p = make_plan<1>(shape, st);
  Acc* a = acc.data();
  for_runs(p, 0, total, [&](const int64_t* off, int64_t pos, int64_t n, const int64_t* in) {
    Acc* pa = a + off[0];
    const T* px = x + pos;
    if (in[0] == 1) {
      for (int64_t i = 0; i < n; i++) pa[i] = R::add(pa[i], px[i]);
    } else if (in[0] == 0) {
      Acc v = *pa;
      for (int64_t i = 0; i < n; i++) v = R::add(v, px[i]);
      *pa = v;
    } else {
      for (int64_t i = 0; i < n; i++) pa[i * in[0]] = R::add(pa[i * in[0]], px[i]);
    }
  });
  for (int64_t i = 0; i < out_size; i++) out[i] = R::finish(acc[size_t(i)]);
}

struct ReduceRow {
  const char* name;
  Loop f32, f64, i32;  // nullptr: no kernel
};

const ReduceRow kReduce[] = {
    {"sum", &reduce_loop<Sum, float>, &reduce_loop<Sum, double>, &reduce_loop<Sum, int32_t>},
    {"max", &reduce_loop<Max, float>, &reduce_loop<Max, double>, &reduce_loop<Max, int32_t>},
    {"min", &reduce_loop<Min, float>, &reduce_loop<Min, double>, &reduce_loop<Min, int32_t>},
    {"prod", &reduce_loop<Prod, float>, &reduce_loop<Prod, double>, &reduce_loop<Prod, int32_t>},
};

// First index of the max (min); a NaN wins at its first position.
template <class T, bool Max>
void arg_loop(const T* x, int64_t outer, int64_t n, int64_t inner, int32_t* out) {
  if (n == 0) {
    for (int64_t i = 0; i < outer * inner; i++) out[i] = 0;
    return;
  }
  parallel_range(outer, 1, outer * n * inner >= kElementwiseMin ? 2 : outer + 1, [&](int64_t ob, int64_t oe) {
    std::vector<T> best(static_cast<size_t>(inner));
    for (int64_t o = ob; o < oe; o++) {
      const T* xo = x + o * n * inner;
      int32_t* po = out + o * inner;
      for (int64_t i = 0; i < inner; i++) {
        best[size_t(i)] = xo[i];
        po[i] = 0;
      }
      for (int64_t j = 1; j < n; j++) {
        const T* row = xo + j * inner;
        for (int64_t i = 0; i < inner; i++) {
          T b = best[size_t(i)], v = row[i];
          if (b != b) continue;
          if ((Max ? v > b : v < b) || v != v) {
            best[size_t(i)] = v;
            po[i] = int32_t(j);
          }
        }
      }
    }
  });
}

}  // namespace

int reduce_find(const std::string& name) {
  for (int i = 0; i < int(sizeof(kReduce) / sizeof(kReduce[0])); i++)
    if (name == kReduce[i].name) return i;
  return -1;
}

std::vector<OpDTypes> reduce_catalog() {
  std::vector<OpDTypes> c;
  for (const ReduceRow& r : kReduce) c.push_back({r.name, {r.f32 != nullptr, r.f64 != nullptr, r.i32 != nullptr, false}});
  return c;
}

static Loop reduce_loop_of(int op, DType d) {
  const ReduceRow& r = kReduce[op];
  return d == DType::f32 ? r.f32 : d == DType::f64 ? r.f64 : d == DType::i32 ? r.i32 : nullptr;
}

bool reduce_supports(int op, DType d) { return reduce_loop_of(op, d) != nullptr; }

void reduce_run(int op, DType d, const void* x, const std::vector<int64_t>& shape, const std::vector<bool>& reduced,
                void* out) {
  Loop loop = reduce_loop_of(op, d);
  // Collapse: drop size-1 axes, merge neighbours of the same kind (x is contiguous).
  std::vector<int64_t> ext;
  std::vector<bool> red;
  bool empty = false;
  for (size_t i = 0; i < shape.size(); i++) {
    if (shape[i] == 0) empty = true;
    if (shape[i] == 1) continue;
    if (!ext.empty() && red.back() == reduced[i]) ext.back() *= shape[i];
    else {
      ext.push_back(shape[i]);
      red.push_back(reduced[i]);
    }
  }
  if (empty) {  // keep zero extents so the loop sees total == 0
    ext.clear();
    red.clear();
    for (size_t i = 0; i < shape.size(); i++) {
      ext.push_back(shape[i]);
      red.push_back(reduced[i]);
    }
  }
  loop(x, ext, red, out);
}

int arg_reduce_find(const std::string& name) {
  return name == "argMax" ? 0 : name == "argMin" ? 1 : -1;
}

bool arg_reduce_supports(DType d) { return d != DType::u8; }

void arg_reduce_run(int op, DType d, const void* x, int64_t outer, int64_t n, int64_t inner, int32_t* out) {
  switch (d) {
    case DType::f32: return op == 0 ? arg_loop<float, true>(static_cast<const float*>(x), outer, n, inner, out)
                                    : arg_loop<float, false>(static_cast<const float*>(x), outer, n, inner, out);
    case DType::f64: return op == 0 ? arg_loop<double, true>(static_cast<const double*>(x), outer, n, inner, out)
                                    : arg_loop<double, false>(static_cast<const double*>(x), outer, n, inner, out);
    default: return op == 0 ? arg_loop<int32_t, true>(static_cast<const int32_t*>(x), outer, n, inner, out)
                            : arg_loop<int32_t, false>(static_cast<const int32_t*>(x), outer, n, inner, out);
  }
}

}  // namespace tapeflow
