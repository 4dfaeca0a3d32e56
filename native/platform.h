// Compiler, architecture and OS spellings: the one place that knows GCC, clang (Linux, Apple
// clang, clang-cl) and MSVC apart. Everything else in native/ uses only the names below, so a
// kernel or vector header never holds a compiler #if.
//
//   TAPEFLOW_X86_64, TAPEFLOW_AARCH64       1 on that architecture, else 0 (any compiler)
//   TAPEFLOW_TARGET_AVX2_BEGIN / _END       code between is compiled for AVX2+FMA
//   TAPEFLOW_TARGET_AVX512_BEGIN / _END     ... for AVX-512F (+AVX2, FMA)
//   TAPEFLOW_TARGET_AVX2 / _AVX512          the same as an attribute on one function
//   TAPEFLOW_NOINLINE, TAPEFLOW_UNROLL(n)   noinline; "unroll this loop n times" (a hint)
//   TAPEFLOW_PAUSE()                        spin-wait hint (pause / yield)
//   tapeflow::int128                        signed 128-bit integer for overflow-proof checks
//   tapeflow::platform::cpu_avx2_fma(), cpu_avx512f()   the CPU and the OS support the level
//   tapeflow::platform::cpuid(leaf, subleaf, r)          raw cpuid (x86-64): r = eax, ebx, ecx, edx
//   tapeflow::platform::aligned_malloc / aligned_free
//
// Targets. GCC: `#pragma GCC target` between push/pop_options. clang ignores that pragma, so it
// gets `#pragma clang attribute push(target(...), apply_to = function)`, which puts the same
// attribute on every function defined in between (templates and Vec's members included).
// MSVC needs nothing: its intrinsics compile without /arch and emit the instruction asked for,
// while the code around them stays SSE2 (so no FMA contraction can appear either).
//
// CPU detection. GCC and clang: __builtin_cpu_supports, which also checks that the OS saves the
// AVX / AVX-512 registers (XCR0); compiler-rt knows that macOS enables AVX-512 state lazily.
// MSVC (and clang-cl, whose runtime lacks __cpu_model): cpuid plus xgetbv.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#if defined(__x86_64__) || (defined(_M_X64) && !defined(_M_ARM64EC))
#define TAPEFLOW_X86_64 1
#else
#define TAPEFLOW_X86_64 0
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
#define TAPEFLOW_AARCH64 1
#else
#define TAPEFLOW_AARCH64 0
#endif

#if TAPEFLOW_X86_64
#include <immintrin.h>
#endif
#if defined(_MSC_VER)
#include <intrin.h>
#elif TAPEFLOW_X86_64
#include <cpuid.h>
#endif
#if defined(_WIN32)
#include <malloc.h>
#endif

#define TAPEFLOW_PRAGMA(x) _Pragma(#x)

// ---- per-level target ---------------------------------------------------------------------
#if defined(__clang__)
#define TAPEFLOW_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define TAPEFLOW_TARGET_AVX512 __attribute__((target("avx512f,avx2,fma")))
#define TAPEFLOW_TARGET_AVX2_BEGIN TAPEFLOW_PRAGMA(clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function))
#define TAPEFLOW_TARGET_AVX512_BEGIN \
  TAPEFLOW_PRAGMA(clang attribute push(__attribute__((target("avx512f,avx2,fma"))), apply_to = function))
#define TAPEFLOW_TARGET_END TAPEFLOW_PRAGMA(clang attribute pop)
#elif defined(__GNUC__)
#define TAPEFLOW_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define TAPEFLOW_TARGET_AVX512 __attribute__((target("avx512f,avx2,fma")))
#define TAPEFLOW_TARGET_AVX2_BEGIN TAPEFLOW_PRAGMA(GCC push_options) TAPEFLOW_PRAGMA(GCC target("avx2,fma"))
// GCC 12's avx512fintrin.h (_mm512_undefined_ps) trips -Wmaybe-uninitialized.
#define TAPEFLOW_TARGET_AVX512_BEGIN                                                   \
  TAPEFLOW_PRAGMA(GCC push_options) TAPEFLOW_PRAGMA(GCC target("avx512f,avx2,fma")) \
  TAPEFLOW_PRAGMA(GCC diagnostic ignored "-Wmaybe-uninitialized")
#define TAPEFLOW_TARGET_END TAPEFLOW_PRAGMA(GCC pop_options)
#else  // MSVC
#define TAPEFLOW_TARGET_AVX2
#define TAPEFLOW_TARGET_AVX512
#define TAPEFLOW_TARGET_AVX2_BEGIN
#define TAPEFLOW_TARGET_AVX512_BEGIN
#define TAPEFLOW_TARGET_END
#endif

// ---- function and loop hints ----------------------------------------------------------------
#if defined(__clang__)
#define TAPEFLOW_NOINLINE __attribute__((noinline))
#define TAPEFLOW_UNROLL(n) TAPEFLOW_PRAGMA(unroll n)
#elif defined(__GNUC__)
#define TAPEFLOW_NOINLINE __attribute__((noinline))
#define TAPEFLOW_UNROLL(n) TAPEFLOW_PRAGMA(GCC unroll n)
#else  // MSVC: no unroll pragma; it unrolls small constant-trip loops on its own
#define TAPEFLOW_NOINLINE __declspec(noinline)
#define TAPEFLOW_UNROLL(n)
#endif

// ---- spin-wait hint -------------------------------------------------------------------------
#if TAPEFLOW_X86_64
#define TAPEFLOW_PAUSE() _mm_pause()
#elif TAPEFLOW_AARCH64 && defined(_MSC_VER) && !defined(__clang__)
#define TAPEFLOW_PAUSE() __yield()
#elif TAPEFLOW_AARCH64
#define TAPEFLOW_PAUSE() __asm__ __volatile__("yield")
#else
#define TAPEFLOW_PAUSE() ((void)0)
#endif

namespace tapeflow {

// ---- 128-bit integer ------------------------------------------------------------------------
// The argument checks multiply extents and strides of up to 2^53 in 128 bits so that no input
// can overflow them. GCC and clang have __int128; MSVC gets the few operations the checks use
// (+ * += *= comparisons, conversion to int64_t), two's complement in two 64-bit halves.
#if defined(__SIZEOF_INT128__) && !defined(TAPEFLOW_NO_INT128)
using int128 = __int128;
#else
class int128 {
 public:
  constexpr int128(int64_t v = 0) : hi_(v < 0 ? ~uint64_t(0) : 0), lo_(uint64_t(v)) {}
  explicit constexpr operator int64_t() const { return int64_t(lo_); }

  friend constexpr int128 operator+(int128 a, int128 b) {
    uint64_t lo = a.lo_ + b.lo_;
    return int128(a.hi_ + b.hi_ + (lo < a.lo_ ? 1 : 0), lo);
  }
  // Low 128 bits of the product (the same for signed and unsigned in two's complement).
  friend constexpr int128 operator*(int128 a, int128 b) {
    uint64_t hi = 0, lo = mul_64x64(a.lo_, b.lo_, &hi);
    return int128(hi + a.hi_ * b.lo_ + a.lo_ * b.hi_, lo);
  }
  int128& operator+=(int128 b) { return *this = *this + b; }
  int128& operator*=(int128 b) { return *this = *this * b; }

  friend constexpr bool operator<(int128 a, int128 b) {
    return int64_t(a.hi_) != int64_t(b.hi_) ? int64_t(a.hi_) < int64_t(b.hi_) : a.lo_ < b.lo_;
  }
  friend constexpr bool operator>(int128 a, int128 b) { return b < a; }
  friend constexpr bool operator<=(int128 a, int128 b) { return !(b < a); }
  friend constexpr bool operator>=(int128 a, int128 b) { return !(a < b); }
  friend constexpr bool operator==(int128 a, int128 b) { return a.hi_ == b.hi_ && a.lo_ == b.lo_; }
  friend constexpr bool operator!=(int128 a, int128 b) { return !(a == b); }

 private:
  constexpr int128(uint64_t hi, uint64_t lo) : hi_(hi), lo_(lo) {}
  // Full 64×64 -> 128 unsigned product from 32-bit halves (portable, no intrinsics).
  static constexpr uint64_t mul_64x64(uint64_t a, uint64_t b, uint64_t* hi) {
    uint64_t a0 = a & 0xffffffffu, a1 = a >> 32, b0 = b & 0xffffffffu, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
    *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    return (mid << 32) | (p00 & 0xffffffffu);
  }
  uint64_t hi_, lo_;
};
#endif

namespace platform {

// ---- CPU features (x86-64) ------------------------------------------------------------------
#if TAPEFLOW_X86_64
#if defined(_MSC_VER)
inline void cpuid(int leaf, int sub, int r[4]) { __cpuidex(r, leaf, sub); }
// XCR0 bits the OS must save: 1|2 = SSE|AVX state; 0xe0 = opmask, ZMM0-15 upper, ZMM16-31.
inline bool os_saves(uint64_t mask) {
  int r[4];
  cpuid(1, 0, r);
  if (!(r[2] & (1 << 27))) return false;  // OSXSAVE: xgetbv usable
  return (_xgetbv(0) & mask) == mask;
}
inline bool cpu_avx2_fma() {
  int r[4];
  cpuid(0, 0, r);
  if (r[0] < 7) return false;
  cpuid(1, 0, r);
  const bool avx = r[2] & (1 << 28), fma = r[2] & (1 << 12);
  cpuid(7, 0, r);
  const bool avx2 = r[1] & (1 << 5);
  return avx && fma && avx2 && os_saves(0x6);
}
inline bool cpu_avx512f() {
  int r[4];
  cpuid(0, 0, r);
  if (r[0] < 7) return false;
  cpuid(7, 0, r);
  return (r[1] & (1 << 16)) && cpu_avx2_fma() && os_saves(0xe6);
}
#else
inline void cpuid(int leaf, int sub, int r[4]) {
  unsigned a, b, c, d;
  __cpuid_count(unsigned(leaf), unsigned(sub), a, b, c, d);
  r[0] = int(a), r[1] = int(b), r[2] = int(c), r[3] = int(d);
}
inline bool cpu_avx2_fma() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
inline bool cpu_avx512f() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#endif
#endif

// ---- aligned allocation ---------------------------------------------------------------------
// `align` a power of two; `bytes` a multiple of it (std::aligned_alloc's rule).
inline void* aligned_malloc(size_t align, size_t bytes) {
#if defined(_WIN32)
  return _aligned_malloc(bytes, align);
#else
  return std::aligned_alloc(align, bytes);
#endif
}
inline void aligned_free(void* p) {
#if defined(_WIN32)
  _aligned_free(p);
#else
  std::free(p);
#endif
}

}  // namespace platform
}  // namespace tapeflow
