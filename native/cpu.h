// What the CPU is, for the choices that depend on the micro-architecture rather than on the
// instruction set (the SIMD level is chosen in simd/dispatch.cc): the vendor, family and model,
// and the data cache sizes that the GEMM blocking is derived from (kernels/matmul.cc
// `gemm_plan`). Read once, at first use.
//
// x86-64: cpuid leaf 0 (vendor), 1 (family and model, with the extended fields), and the
// deterministic cache parameters, leaf 4 on Intel and 0x8000001D on AMD (the same layout:
// ways, partitions, line size and sets per level). Elsewhere (arm64 Linux), the sizes the kernel
// exports in /sys/devices/system/cpu/cpu0/cache/index*/. A size that cannot be read is 0, and
// its user falls back to a conservative default.
#pragma once

#include <cstdint>

namespace tapeflow::cpu {

struct Cache {
  int64_t bytes = 0;  // 0: unknown
  int ways = 0;       // associativity (0: unknown or fully associative)
  int line = 64;
};

struct Info {
  char vendor[16] = "unknown";  // GenuineIntel, AuthenticAMD, arm, …
  int family = 0, model = 0;    // display family and model (x86), 0 elsewhere
  Cache l1d, l2, l3;            // per core (l1d, l2) and per package (l3)
};

const Info& info();

}  // namespace tapeflow::cpu
