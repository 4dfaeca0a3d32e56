// Data movement: strided copy (transpose, slice, broadcastTo, tile), gather / scatterAdd,
// concat, pad, and cast. Copies move elements by size (1, 4 or 8 bytes), so every dtype shares
// one loop; cast has one converting loop per (from, to) pair with JS store semantics (float to
// int32 truncates and wraps like ToInt32; to bool is x != 0).
#include <algorithm>
#include <cstring>
#include <vector>

#include "../threadpool.h"
#include "kernels.h"

namespace tapeflow {
namespace {

template <class T>
void copy_loop(const T* x, const Plan<1>& p, T* out) {
  parallel_range(p.size, kElementwiseGrain, kElementwiseMin, [&](int64_t begin, int64_t end) {
    for_runs(p, begin, end, [&](const int64_t* off, int64_t pos, int64_t n, const int64_t* st) {
      const T* px = x + off[0];
      T* po = out + pos;
      if (st[0] == 1) std::memcpy(po, px, size_t(n) * sizeof(T));
      else if (st[0] == 0) std::fill(po, po + n, *px);
      else for (int64_t i = 0; i < n; i++) po[i] = px[i * st[0]];
    });
  });
}

template <class T>
void gather_loop(const T* x, int64_t outer, int64_t axis, int64_t inner, const int32_t* idx, int64_t nidx, T* out) {
  for (int64_t o = 0; o < outer; o++)
    for (int64_t j = 0; j < nidx; j++)
      std::memcpy(out + (o * nidx + j) * inner, x + (o * axis + idx[j]) * inner, size_t(inner) * sizeof(T));
}

template <class T>
void scatter_loop(const T* u, int64_t outer, int64_t axis, int64_t inner, const int32_t* idx, int64_t nidx, T* out) {
  if (inner == 1 && !std::is_same<T, int32_t>::value) {  // element scatter (maxPool's routing): no inner loop
    for (int64_t o = 0; o < outer; o++) {
      const T* src = u + o * nidx;
      T* dst = out + o * axis;
      for (int64_t j = 0; j < nidx; j++) dst[idx[j]] += src[j];
    }
    return;
  }
  for (int64_t o = 0; o < outer; o++)
    for (int64_t j = 0; j < nidx; j++) {
      const T* src = u + (o * nidx + j) * inner;
      T* dst = out + (o * axis + idx[j]) * inner;
      if constexpr (std::is_same<T, int32_t>::value) {
        for (int64_t i = 0; i < inner; i++) dst[i] = int32_t(uint32_t(dst[i]) + uint32_t(src[i]));
      } else {
        for (int64_t i = 0; i < inner; i++) dst[i] += src[i];
      }
    }
}

template <class From, class To>
void cast_loop(const void* xv, void* ov, int64_t n) {
  const From* x = static_cast<const From*>(xv);
  To* out = static_cast<To*>(ov);
  parallel_range(n, kElementwiseGrain, kElementwiseMin, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) {
      if constexpr (std::is_same<To, uint8_t>::value) out[i] = x[i] != 0;  // bool: x != 0 (NaN → 1)
      else if constexpr (std::is_same<To, int32_t>::value && !std::is_integral<From>::value) out[i] = to_int32(double(x[i]));
      else out[i] = To(x[i]);
    }
  });
}

template <class From>
void cast_from(DType to, const void* x, void* out, int64_t n) {
  switch (to) {
    case DType::f32: return cast_loop<From, float>(x, out, n);
    case DType::f64: return cast_loop<From, double>(x, out, n);
    case DType::i32: return cast_loop<From, int32_t>(x, out, n);
    default: return cast_loop<From, uint8_t>(x, out, n);
  }
}

template <class F>
void by_size(int esize, F&& f) {
  switch (esize) {
    case 1: return f(uint8_t());
    case 4: return f(uint32_t());
    default: return f(uint64_t());
  }
}

}  // namespace

void copy_strided_run(int esize, const void* x, int64_t offset, const std::vector<int64_t>& strides,
                      const std::vector<int64_t>& shape, void* out) {
  const std::vector<int64_t>* st[1] = {&strides};
  Plan<1> p = make_plan<1>(shape, st);
  if (p.size == 0) return;
  by_size(esize, [&](auto tag) {
    using T = decltype(tag);
    copy_loop<T>(static_cast<const T*>(x) + offset, p, static_cast<T*>(out));
  });
}

void gather_run(int esize, const void* x, int64_t outer, int64_t axis, int64_t inner, const int32_t* idx,
                int64_t nidx, void* out) {
  if (outer == 0 || inner == 0 || nidx == 0) return;  // nothing to move (outer alone may be huge)
  by_size(esize, [&](auto tag) {
    using T = decltype(tag);
    gather_loop<T>(static_cast<const T*>(x), outer, axis, inner, idx, nidx, static_cast<T*>(out));
  });
}

bool scatter_add_supports(DType d) { return d != DType::u8; }

void scatter_add_run(DType d, const void* u, int64_t outer, int64_t axis, int64_t inner, const int32_t* idx,
                     int64_t nidx, void* out) {
  if (outer == 0 || inner == 0 || nidx == 0) return;
  switch (d) {
    case DType::f32: return scatter_loop<float>(static_cast<const float*>(u), outer, axis, inner, idx, nidx, static_cast<float*>(out));
    case DType::f64: return scatter_loop<double>(static_cast<const double*>(u), outer, axis, inner, idx, nidx, static_cast<double*>(out));
    default: return scatter_loop<int32_t>(static_cast<const int32_t*>(u), outer, axis, inner, idx, nidx, static_cast<int32_t*>(out));
  }
}

void concat_run(int esize, const std::vector<const void*>& inputs, const std::vector<int64_t>& inners, int64_t outer,
                void* out) {
  int64_t total = 0;
  for (int64_t w : inners) total += w;
  if (total == 0) return;  // nothing to move (outer alone may be huge)
  char* o = static_cast<char*>(out);
  for (int64_t r = 0; r < outer; r++) {
    for (size_t q = 0; q < inputs.size(); q++) {
      size_t bytes = size_t(inners[q]) * size_t(esize);
      if (bytes) std::memcpy(o, static_cast<const char*>(inputs[q]) + size_t(r) * bytes, bytes);
      o += bytes;
    }
  }
}

void pad_run(DType d, const void* x, const std::vector<int64_t>& shape, const std::vector<int64_t>& paddings,
             double value, void* out) {
  const size_t r = shape.size();
  std::vector<int64_t> out_shape(r), out_strides(r);
  int64_t size = 1;
  for (size_t i = r; i-- > 0;) {
    out_shape[i] = shape[i] + paddings[2 * i] + paddings[2 * i + 1];
    out_strides[i] = size;
    size *= out_shape[i];
  }
  // fill with the value as a JS store would convert it, then copy x into the interior
  switch (d) {
    case DType::f32: std::fill(static_cast<float*>(out), static_cast<float*>(out) + size, float(value)); break;
    case DType::f64: std::fill(static_cast<double*>(out), static_cast<double*>(out) + size, value); break;
    case DType::i32: std::fill(static_cast<int32_t*>(out), static_cast<int32_t*>(out) + size, to_int32(value)); break;
    default: std::fill(static_cast<uint8_t*>(out), static_cast<uint8_t*>(out) + size, to_uint8(value)); break;
  }
  int64_t in_size = 1, offset = 0;
  for (size_t i = 0; i < r; i++) {
    in_size *= shape[i];
    offset += paddings[2 * i] * out_strides[i];
  }
  if (in_size == 0) return;
  // Writing x's elements into out through out_strides is a strided copy read from the other side:
  // walk x in order (contiguous) and place each run at its out offset.
  const std::vector<int64_t>* st[1] = {&out_strides};
  Plan<1> p = make_plan<1>(shape, st);
  const int es = dtype_size(d);
  const char* xs = static_cast<const char*>(x);
  char* os = static_cast<char*>(out) + offset * es;
  for_runs(p, 0, p.size, [&](const int64_t* off, int64_t pos, int64_t n, const int64_t* in) {
    if (in[0] == 1) std::memcpy(os + off[0] * es, xs + pos * es, size_t(n) * size_t(es));
    else for (int64_t i = 0; i < n; i++) std::memcpy(os + (off[0] + i * in[0]) * es, xs + (pos + i) * es, size_t(es));
  });
}

void cast_run(DType from, DType to, const void* x, void* out, int64_t n) {
  switch (from) {
    case DType::f32: return cast_from<float>(to, x, out, n);
    case DType::f64: return cast_from<double>(to, x, out, n);
    case DType::i32: return cast_from<int32_t>(to, x, out, n);
    default: return cast_from<uint8_t>(to, x, out, n);
  }
}

}  // namespace tapeflow
