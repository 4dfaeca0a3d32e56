// Argument unpacking and checks for the export table in addon.cc.
//
// Every exported kernel reads its JS arguments through `Args`, in two phases:
//   1. numbers, strings, number lists and typed-array *handles* (reading a JS array element
//      may run a getter, which could detach a buffer read earlier), then
//   2. `resolve()` / `resolve_out()` turn handles into raw pointers; no JS runs after that.
// A bad argument throws `ArgError`, which the export wrapper turns into a JS TypeError or
// RangeError whose message names the kernel and the argument.
//
// The checks every kernel relies on, all made here, once per call (never per element):
//   - Sizes: `elements()` is the one overflow check for products of extents. Each extent is at
//     most kMaxExtent (2^53) and the product of a shape's *nonzero* extents must be at most
//     kMaxExtent too, even when another extent is 0: then no partial product of any subset of
//     a shape's extents can pass 2^53, so the kernels can multiply extents in any order in
//     int64_t. Strided bounds (`check_strided`) are computed in 128 bits.
//   - Buffers: a typed array must be one of the four kernel kinds, not detached, and aligned
//     to its element size.
//   - Aliasing: an output (`resolve_out`) must not share a byte with any other array of the
//     call (input, indices or another output): kernels read inputs after writing outputs, and
//     indices are range-checked before the kernel runs. Memory ranges are compared by address,
//     which covers two views of one ArrayBuffer and two SharedArrayBuffers over one memory.
#pragma once

#include <napi.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "dtype.h"
#include "platform.h"

namespace tapeflow {

// Thrown by checks; `range` selects RangeError over TypeError.
struct ArgError {
  bool range;
  std::string message;
};
// Thrown when a JS getter threw while we read an argument: the JS exception is already pending.
struct PendingJsError {};

// A resolved typed array: pointer to its first element, element count and dtype.
struct Array {
  void* data = nullptr;
  int64_t length = 0;
  DType dtype = DType::f32;
  template <class T> T* as() const { return static_cast<T*>(data); }
  int64_t bytes() const { return length * dtype_size(dtype); }
};

// The product of `n` extents, each in [0, kMaxExtent]; -1 when the product of the nonzero ones
// passes kMaxExtent (or an extent is out of range). The one overflow check for sizes: every
// product of extents in native/ is bounded by a call to this (through Args::elements).
inline int64_t extent_product(const int64_t* dims, size_t n) {
  int64_t nonzero = 1;
  bool zero = false;
  for (size_t i = 0; i < n; i++) {
    const int64_t d = dims[i];
    if (d < 0 || d > kMaxExtent) return -1;
    if (d == 0) {
      zero = true;
      continue;
    }
    if (nonzero > kMaxExtent / d) return -1;  // nonzero · d > kMaxExtent, exactly
    nonzero *= d;
  }
  return zero ? 0 : nonzero;
}

// Whether the byte ranges [a0, a1) and [b0, b1) share a byte (an empty range shares none).
inline bool overlaps(uintptr_t a0, uintptr_t a1, uintptr_t b0, uintptr_t b1) {
  return a0 < a1 && b0 < b1 && a0 < b1 && b0 < a1;
}

class Args {
 public:
  Args(const Napi::CallbackInfo& info, const char* kernel, size_t count)
      : info_(info), env_(info.Env()), kernel_(kernel) {
    if (info.Length() != count)
      type_error("expected " + std::to_string(count) + " arguments, got " + std::to_string(info.Length()));
  }

  const char* kernel() const { return kernel_; }

  [[noreturn]] void type_error(const std::string& msg) const { throw ArgError{false, std::string(kernel_) + ": " + msg}; }
  [[noreturn]] void range_error(const std::string& msg) const { throw ArgError{true, std::string(kernel_) + ": " + msg}; }

  std::string str(size_t i, const char* name) const {
    Napi::Value v = info_[i];
    if (!v.IsString()) type_error(std::string(name) + " must be a string");
    return v.As<Napi::String>().Utf8Value();
  }

  double number(size_t i, const char* name) const { return number_of(info_[i], name); }

  bool boolean(size_t i, const char* name) const {
    Napi::Value v = info_[i];
    if (!v.IsBoolean()) type_error(std::string(name) + " must be a boolean");
    return v.As<Napi::Boolean>().Value();
  }

  int64_t integer(size_t i, const char* name, int64_t lo = 0, int64_t hi = kMaxExtent) const {
    return integer_of(info_[i], name, lo, hi);
  }

  // A JS array of integers in [lo, hi], at most `max_len` long.
  std::vector<int64_t> int_list(size_t i, const char* name, int64_t lo = 0, int64_t hi = kMaxExtent,
                                size_t max_len = kMaxRank) const {
    std::vector<int64_t> out;
    Napi::Array arr = array_of(info_[i], name, max_len);
    uint32_t n = arr.Length();
    out.reserve(n);
    for (uint32_t k = 0; k < n; k++) out.push_back(integer_of(get(arr, k), name, lo, hi, k));
    return out;
  }

  std::vector<double> number_list(size_t i, const char* name, size_t max_len = 1024) const {
    std::vector<double> out;
    Napi::Array arr = array_of(info_[i], name, max_len);
    uint32_t n = arr.Length();
    for (uint32_t k = 0; k < n; k++) out.push_back(number_of(get(arr, k), name, k));
    return out;
  }

  // Phase 1 for typed arrays: a checked handle, resolved later.
  napi_value typed(size_t i, const char* name) const { return typed_of(info_[i], name); }

  std::vector<napi_value> typed_list(size_t i, const char* name, size_t max_len = 1 << 16) const {
    Napi::Array arr = array_of(info_[i], name, max_len);
    uint32_t n = arr.Length();
    std::vector<napi_value> out;
    out.reserve(n);
    for (uint32_t k = 0; k < n; k++) out.push_back(typed_of(get(arr, k), name, k));
    return out;
  }

  // Phase 2: pointer, length and dtype of a typed array the kernel only reads (runs no JS).
  // `index` >= 0 names an element of a list argument: name[index].
  Array resolve(napi_value v, const char* name, int64_t index = -1) { return resolve_as(v, name, index, false); }
  // ... of one it writes (or updates in place): it must not overlap any other array of the call.
  Array resolve_out(napi_value v, const char* name, int64_t index = -1) { return resolve_as(v, name, index, true); }

  void need_dtype(const Array& a, DType d, const char* name, int64_t index = -1) const {
    if (a.dtype != d)
      type_error(label(name, index) + " must be " + dtype_name(d) + ", got " + dtype_name(a.dtype));
  }
  void need_length(const Array& a, int64_t needed, const char* name, int64_t index = -1) const {
    if (a.length < needed)
      range_error(label(name, index) + " has " + std::to_string(a.length) + " elements, needs " +
                  std::to_string(needed));
  }

  // Element count of a shape (see extent_product), or a RangeError naming the shape. `what`
  // names it, e.g. "outShape" or "x [outer, axisSize, inner]".
  int64_t elements(const int64_t* dims, size_t n, const char* what) const {
    const int64_t p = extent_product(dims, n);
    if (p < 0) {
      std::string shape = "[";
      for (size_t i = 0; i < n; i++) shape += (i ? ", " : "") + std::to_string(dims[i]);
      range_error(std::string(what) + " = " + shape + "] is too large: its nonzero extents multiply past 2^53");
    }
    return p;
  }
  int64_t elements(const std::vector<int64_t>& dims, const char* what) const {
    return elements(dims.data(), dims.size(), what);
  }
  int64_t elements(std::initializer_list<int64_t> dims, const char* what) const {
    return elements(dims.begin(), dims.size(), what);
  }

 private:
  // An array resolved so far, for the overlap checks.
  // (No member initializers: the inline slots of SeenList cost nothing until used.)
  struct Seen {
    uintptr_t begin, end;  // its bytes
    const char* name;
    int64_t index;
  };

  Array resolve_as(napi_value v, const char* name, int64_t index, bool out) {
    napi_typedarray_type type;
    size_t length = 0, offset = 0;
    void* data = nullptr;
    if (napi_get_typedarray_info(env_, v, &type, &length, &data, nullptr, &offset) != napi_ok)
      type_error(label(name, index) + " must be a typed array");
    Array a;
    switch (type) {
      case napi_float32_array: a.dtype = DType::f32; break;
      case napi_float64_array: a.dtype = DType::f64; break;
      case napi_int32_array: a.dtype = DType::i32; break;
      case napi_uint8_array: a.dtype = DType::u8; break;
      default:
        type_error(label(name, index) + " must be a Float32Array, Float64Array, Int32Array or Uint8Array, got " +
                   kind_name(type));
    }
    if (length == 0) {  // a detached buffer's views have no elements: only then ask
      napi_value buffer = nullptr;
      bool detached = false;
      if (napi_get_typedarray_info(env_, v, &type, &length, &data, &buffer, &offset) != napi_ok ||
          napi_is_detached_arraybuffer(env_, buffer, &detached) != napi_ok || detached)
        type_error(label(name, index) + " is a view of a detached ArrayBuffer");
    }
    if (length > 0 && (data == nullptr || (reinterpret_cast<uintptr_t>(data) & uintptr_t(dtype_size(a.dtype) - 1)) != 0))
      type_error(label(name, index) + " is not aligned to its " + std::to_string(dtype_size(a.dtype)) +
                 "-byte elements (byte offset " + std::to_string(offset) + ")");
    a.data = length ? data : nullptr;
    a.length = int64_t(length);
    // An input is compared with the outputs so far, an output with every array so far.
    const uintptr_t begin = reinterpret_cast<uintptr_t>(a.data), end = begin + uintptr_t(a.bytes());
    auto check = [&](const Seen& s) {
      if (overlaps(begin, end, s.begin, s.end))
        range_error(label(out ? name : s.name, out ? index : s.index) + " overlaps " +
                    label(out ? s.name : name, out ? s.index : index) +
                    " in memory (views of one buffer): an output must not share memory with any other argument");
    };
    outs_.each(check);
    if (out) ins_.each(check);
    if (out) outs_.push(Seen{begin, end, name, index});
    else ins_.push(Seen{begin, end, name, index});
    return a;
  }

  static const char* kind_name(napi_typedarray_type t) {
    switch (t) {
      case napi_int8_array: return "Int8Array";
      case napi_uint8_clamped_array: return "Uint8ClampedArray";
      case napi_int16_array: return "Int16Array";
      case napi_uint16_array: return "Uint16Array";
      case napi_uint32_array: return "Uint32Array";
      case napi_bigint64_array: return "BigInt64Array";
      case napi_biguint64_array: return "BigUint64Array";
      default: return "another typed array";
    }
  }

  Napi::Value get(const Napi::Array& arr, uint32_t k) const {
    Napi::Value v = arr.Get(k);
    if (env_.IsExceptionPending()) throw PendingJsError{};
    return v;
  }
  Napi::Array array_of(Napi::Value v, const char* name, size_t max_len) const {
    if (!v.IsArray()) type_error(std::string(name) + " must be an array");
    Napi::Array arr = v.As<Napi::Array>();
    if (arr.Length() > max_len)
      range_error(std::string(name) + " has " + std::to_string(arr.Length()) + " entries, at most " +
                  std::to_string(max_len) + " allowed");
    return arr;
  }
  // `name`, or `name[index]` for a list element (spelled out only when a check fails).
  static std::string label(const char* name, int64_t index) {
    return index < 0 ? std::string(name) : std::string(name) + "[" + std::to_string(index) + "]";
  }
  double number_of(Napi::Value v, const char* name, int64_t index = -1) const {
    if (!v.IsNumber()) type_error(label(name, index) + " must be a number");
    return v.As<Napi::Number>().DoubleValue();
  }
  int64_t integer_of(Napi::Value v, const char* name, int64_t lo, int64_t hi, int64_t index = -1) const {
    double d = number_of(v, name, index);
    if (!(d >= double(lo) && d <= double(hi)) || d != double(int64_t(d)))
      range_error(label(name, index) + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                  "], got " + Napi::Number::New(env_, d).ToString().Utf8Value());
    return int64_t(d);
  }
  napi_value typed_of(Napi::Value v, const char* name, int64_t index = -1) const {
    if (!v.IsTypedArray())
      type_error(label(name, index) + " must be a typed array, got " +
                 (v.IsDataView() ? "a DataView" : v.IsArrayBuffer() ? "an ArrayBuffer" : "a non-typed-array value"));
    return v;
  }

  const Napi::CallbackInfo& info_;
  Napi::Env env_;
  const char* kernel_;
  // The arrays resolved so far: a few inline (no allocation for the common call), then a vector.
  template <size_t N>
  struct SeenList {
    Seen first[N];
    std::vector<Seen> rest;
    size_t count = 0;
    void push(const Seen& s) {
      if (count < N) first[count] = s;
      else rest.push_back(s);
      count++;
    }
    template <class F> void each(F&& f) const {
      for (size_t q = 0; q < count && q < N; q++) f(first[q]);
      for (const Seen& s : rest) f(s);
    }
  };
  SeenList<6> ins_;
  SeenList<2> outs_;
};

// Checks that every index offset + Σ idx_d·strides_d (idx_d < shape_d) lies in [0, length).
// Nothing is read when an extent is 0: then only the shape's size is checked (by the caller).
inline void check_strided(const Args& args, const std::vector<int64_t>& shape, const std::vector<int64_t>& strides,
                          int64_t offset, int64_t length, const char* name) {
  if (strides.size() != shape.size())
    args.range_error(std::string(name) + " strides have " + std::to_string(strides.size()) + " entries for rank " +
                     std::to_string(shape.size()));
  int128 lo = offset, hi = offset;
  for (size_t d = 0; d < shape.size(); d++) {
    if (shape[d] == 0) return;  // nothing is read
    int128 span = int128(shape[d] - 1) * strides[d];
    if (span > 0) hi += span; else lo += span;
  }
  if (lo < 0 || hi >= length)
    args.range_error(std::string(name) + " is too short for its shape and strides: reads index " +
                     std::to_string(int64_t(lo < 0 ? lo : hi)) + " of " + std::to_string(length) + " elements");
}

}  // namespace tapeflow
