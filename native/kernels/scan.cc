// Scans (cumsum, cumprod) and selection (topK, which also serves sort and argsort), along one
// axis, as src/backend/ts/scan.ts does them: the same arithmetic in the same order, so the two
// backends agree bit for bit.
//
// scan: x viewed as [outer, n, inner]. Floats accumulate in double and each partial is stored
// rounded to the dtype; int32 wraps (uint32 arithmetic). Work is split into lanes of fixed
// size (a row when inner == 1, else up to kScanLanes consecutive inner positions of one outer
// index), which threads take in order; each lane is a sequential scan over n, so the result
// does not depend on the thread count.
//
// topK: per row, the first k in the total order "value first in the requested direction, then
// lower index, NaN larger than any number"; small k keeps a sorted buffer of the k best, large k
// sorts the row's indices. Rows run in parallel.
//
// To add a scan op: a functor (identity and combine) and a branch in scan_run.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "../threadpool.h"
#include "kernels.h"

namespace tapeflow {
namespace {

constexpr int64_t kScanLanes = 1024;  // inner positions per task when inner > 1
constexpr int64_t kTopKSortFraction = 16;  // k·16 >= n: sort all indices (as the TS kernel)

template <class T> struct AccOf { using type = double; };
template <> struct AccOf<int32_t> { using type = uint32_t; };

struct SumOp {
  template <class A> static A init() { return A(0); }
  template <class A, class T> static A combine(A a, T v) { return a + A(v); }
};
struct ProdOp {
  template <class A> static A init() { return A(1); }
  template <class A, class T> static A combine(A a, T v) { return a * A(v); }
};

template <class Op, class T>
void scan_loop(const T* x, int64_t outer, int64_t n, int64_t inner, bool exclusive, bool reverse, T* out) {
  using A = typename AccOf<T>::type;
  const int64_t total = outer * n * inner;
  if (total == 0) return;
  const int64_t chunks = inner == 1 ? 1 : (inner + kScanLanes - 1) / kScanLanes;
  const int64_t tasks = outer * chunks;
  // Rows per task so that one task holds about kElementwiseGrain elements.
  const int64_t per_task = n * std::min(inner, kScanLanes);
  const int64_t grain = per_task >= kElementwiseGrain ? 1 : kElementwiseGrain / (per_task ? per_task : 1);
  parallel_range(tasks, grain, total >= kElementwiseMin ? 2 : tasks + 1, [&](int64_t tb, int64_t te) {
    std::vector<A> acc;
    for (int64_t t = tb; t < te; t++) {
      const int64_t o = t / chunks, c = t % chunks;
      if (inner == 1) {
        const int64_t step = reverse ? -1 : 1;
        int64_t p = reverse ? o * n + n - 1 : o * n;
        A a = Op::template init<A>();
        if (exclusive) {
          for (int64_t j = 0; j < n; j++, p += step) {
            out[p] = T(a);
            a = Op::combine(a, x[p]);
          }
        } else {
          for (int64_t j = 0; j < n; j++, p += step) {
            a = Op::combine(a, x[p]);
            out[p] = T(a);
          }
        }
        continue;
      }
      const int64_t i0 = c * kScanLanes, i1 = std::min(inner, i0 + kScanLanes), w = i1 - i0;
      acc.assign(size_t(w), Op::template init<A>());
      A* a = acc.data();
      for (int64_t s = 0; s < n; s++) {
        const int64_t j = reverse ? n - 1 - s : s;
        const int64_t base = (o * n + j) * inner + i0;
        const T* px = x + base;
        T* po = out + base;
        if (exclusive) {
          for (int64_t i = 0; i < w; i++) {
            po[i] = T(a[i]);
            a[i] = Op::combine(a[i], px[i]);
          }
        } else {
          for (int64_t i = 0; i < w; i++) {
            a[i] = Op::combine(a[i], px[i]);
            po[i] = T(a[i]);
          }
        }
      }
    }
  });
}

template <class T>
bool is_nan(T v) {
  if constexpr (std::is_floating_point<T>::value) return v != v;
  else return false;
}

// > 0 when a comes first in the direction, < 0 when b does, 0 for equal values (NaN == NaN).
template <class T>
int cmp_values(T a, T b, bool descending) {
  const int sign = descending ? 1 : -1;
  if (a == b) return 0;
  if (is_nan(a)) return is_nan(b) ? 0 : sign;
  if (is_nan(b)) return -sign;
  return a > b ? sign : -sign;
}

template <class T>
void top_k_loop(const T* x, int64_t rows, int64_t n, int64_t k, bool descending, T* values, int32_t* indices) {
  if (rows == 0 || k == 0) return;
  const bool sort_all = k * kTopKSortFraction >= n;
  const int64_t work = rows * n;
  parallel_range(rows, std::max<int64_t>(1, kElementwiseGrain / (n * 8 + 1)), work >= (1 << 15) ? 2 : rows + 1,
                 [&](int64_t rb, int64_t re) {
    std::vector<int32_t> order;
    std::vector<T> bv;
    std::vector<int32_t> bi;
    if (sort_all) order.resize(size_t(n));
    else {
      bv.resize(size_t(k));
      bi.resize(size_t(k));
    }
    for (int64_t r = rb; r < re; r++) {
      const T* row = x + r * n;
      T* vo = values + r * k;
      int32_t* io = indices + r * k;
      if (sort_all) {
        for (int64_t j = 0; j < n; j++) order[size_t(j)] = int32_t(j);
        auto before = [&](int32_t a, int32_t b) {
          int c = cmp_values(row[a], row[b], descending);
          return c != 0 ? c > 0 : a < b;
        };
        if (k < n) std::partial_sort(order.begin(), order.begin() + k, order.end(), before);
        else std::sort(order.begin(), order.end(), before);
        for (int64_t j = 0; j < k; j++) {
          io[j] = order[size_t(j)];
          vo[j] = row[order[size_t(j)]];
        }
        continue;
      }
      int64_t filled = 0;
      for (int64_t j = 0; j < n; j++) {
        const T v = row[j];
        // Later indices lose ties: j enters only if strictly before the worst kept value.
        if (filled == k && cmp_values(v, bv[size_t(k - 1)], descending) <= 0) continue;
        int64_t pos = filled < k ? filled++ : k - 1;
        while (pos > 0 && cmp_values(v, bv[size_t(pos - 1)], descending) > 0) {
          bv[size_t(pos)] = bv[size_t(pos - 1)];
          bi[size_t(pos)] = bi[size_t(pos - 1)];
          pos--;
        }
        bv[size_t(pos)] = v;
        bi[size_t(pos)] = int32_t(j);
      }
      for (int64_t j = 0; j < k; j++) {
        io[j] = bi[size_t(j)];
        vo[j] = bv[size_t(j)];
      }
    }
  });
}

}  // namespace

int scan_find(const std::string& name) { return name == "cumsum" ? 0 : name == "cumprod" ? 1 : -1; }

bool scan_supports(DType d) { return d != DType::u8; }

void scan_run(int op, DType d, const void* x, int64_t outer, int64_t n, int64_t inner, bool exclusive, bool reverse,
              void* out) {
  auto run = [&](auto tag) {
    using T = decltype(tag);
    const T* px = static_cast<const T*>(x);
    T* po = static_cast<T*>(out);
    if (op == 0) scan_loop<SumOp, T>(px, outer, n, inner, exclusive, reverse, po);
    else scan_loop<ProdOp, T>(px, outer, n, inner, exclusive, reverse, po);
  };
  switch (d) {
    case DType::f32: run(float()); break;
    case DType::f64: run(double()); break;
    case DType::i32: run(int32_t()); break;
    default: break;
  }
}

void top_k_run(DType d, const void* x, int64_t rows, int64_t n, int64_t k, bool descending, void* values,
               int32_t* indices) {
  switch (d) {
    case DType::f32: top_k_loop(static_cast<const float*>(x), rows, n, k, descending, static_cast<float*>(values), indices); break;
    case DType::f64: top_k_loop(static_cast<const double*>(x), rows, n, k, descending, static_cast<double*>(values), indices); break;
    case DType::i32: top_k_loop(static_cast<const int32_t*>(x), rows, n, k, descending, static_cast<int32_t*>(values), indices); break;
    default: break;
  }
}

}  // namespace tapeflow
