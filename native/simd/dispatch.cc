// Chooses the SIMD table once: the best level the CPU supports, capped by TAPEFLOW_SIMD.
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <string>

#include "../platform.h"
#include "simd.h"

namespace tapeflow::simd {
namespace {

bool cpu_has(const char* level) {
#if TAPEFLOW_X86_64
  if (!strcmp(level, "avx512")) return platform::cpu_avx512f();
  if (!strcmp(level, "avx2")) return platform::cpu_avx2_fma();
  return !strcmp(level, "scalar");
#elif TAPEFLOW_AARCH64
  return !strcmp(level, "neon") || !strcmp(level, "scalar");
#else
  return !strcmp(level, "scalar");
#endif
}

const Table* table_for(const char* level) {
  if (!cpu_has(level)) return nullptr;
  if (!strcmp(level, "avx512")) return table_avx512();
  if (!strcmp(level, "avx2")) return table_avx2();
  if (!strcmp(level, "neon")) return table_neon();
  if (!strcmp(level, "scalar")) return table_scalar();
  return nullptr;
}

const char* const kOrder[] = {"avx512", "avx2", "neon", "scalar"};

// Best available level at or below `cap` in kOrder (cap nullptr: no cap).
const Table* choose(const char* cap) {
  bool reached = cap == nullptr;
  for (const char* level : kOrder) {
    if (!reached && cap && !strcmp(level, cap)) reached = true;
    if (!reached) continue;
    if (const Table* t = table_for(level)) return t;
  }
  return nullptr;
}

bool known(const char* name) {
  for (const char* level : kOrder) if (!strcmp(level, name)) return true;
  return false;
}

std::atomic<const Table*> g_table{nullptr};

}  // namespace

const Table* active() {
  const Table* t = g_table.load(std::memory_order_acquire);
  if (t) return t;
  const char* env = std::getenv("TAPEFLOW_SIMD");
  t = (env && known(env)) ? choose(env) : nullptr;
  if (!t) t = choose(nullptr);
  g_table.store(t, std::memory_order_release);
  return t;
}

const char* set_level(const char* name) {
  if (known(name)) {
    if (const Table* t = choose(name)) g_table.store(t, std::memory_order_release);
  }
  return active()->name;
}

const char* available_levels() {
  static std::string s = [] {
    std::string out;
    for (const char* level : kOrder)
      if (table_for(level)) out += (out.empty() ? "" : ",") + std::string(level);
    return out;
  }();
  return s.c_str();
}

}  // namespace tapeflow::simd
