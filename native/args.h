// Argument unpacking and checks for the export table in addon.cc.
//
// Every exported kernel reads its JS arguments through `Args`, in two phases:
//   1. numbers, strings, number lists and typed-array *handles* (reading a JS array element
//      may run a getter, which could detach a buffer read earlier), then
//   2. `resolve()` turns handles into raw pointers; no JS runs after that.
// A bad argument throws `ArgError`, which the export wrapper turns into a JS TypeError or
// RangeError whose message names the kernel and the argument. Bounds helpers
// (`strided_extent`) compute in 128-bit so a hostile shape cannot overflow the check.
#pragma once

#include <napi.h>

#include <cstdint>
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
};

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
    for (uint32_t k = 0; k < n; k++) {
      std::string el = std::string(name) + "[" + std::to_string(k) + "]";
      out.push_back(typed_of(get(arr, k), el.c_str()));
    }
    return out;
  }

  // Phase 2: pointer, length and dtype of a typed array (runs no JS).
  Array resolve(napi_value v, const char* name) const {
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    if (napi_get_typedarray_info(env_, v, &type, &length, &data, nullptr, nullptr) != napi_ok)
      type_error(std::string(name) + " must be a typed array");
    Array a;
    switch (type) {
      case napi_float32_array: a.dtype = DType::f32; break;
      case napi_float64_array: a.dtype = DType::f64; break;
      case napi_int32_array: a.dtype = DType::i32; break;
      case napi_uint8_array: a.dtype = DType::u8; break;
      default:
        type_error(std::string(name) + " must be a Float32Array, Float64Array, Int32Array or Uint8Array");
    }
    a.data = length ? data : nullptr;
    a.length = data ? int64_t(length) : 0;  // a detached buffer has no data: treat as empty
    return a;
  }

  void need_dtype(const Array& a, DType d, const char* name) const {
    if (a.dtype != d)
      type_error(std::string(name) + " must be " + dtype_name(d) + ", got " + dtype_name(a.dtype));
  }
  void need_length(const Array& a, int64_t needed, const char* name) const {
    if (a.length < needed)
      range_error(std::string(name) + " has " + std::to_string(a.length) + " elements, needs " +
                  std::to_string(needed));
  }

 private:
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
  napi_value typed_of(Napi::Value v, const char* name) const {
    if (!v.IsTypedArray()) type_error(std::string(name) + " must be a typed array");
    return v;
  }

  const Napi::CallbackInfo& info_;
  Napi::Env env_;
  const char* kernel_;
};

// Product of extents, or throws if it passes 2^53.
inline int64_t checked_size(const Args& args, const std::vector<int64_t>& shape, const char* name) {
  int128 n = 1;
  for (int64_t d : shape) {
    n *= d;
    if (n > kMaxExtent) args.range_error(std::string(name) + " describes more than 2^53 elements");
  }
  return int64_t(n);
}

// Checks that every index offset + Σ idx_d·strides_d (idx_d < shape_d) lies in [0, length).
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
