// CPU identity and cache sizes (see cpu.h).
#include "cpu.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "platform.h"

namespace tapeflow::cpu {
namespace {

#if TAPEFLOW_X86_64
// One level of cpuid's deterministic cache parameters (leaf 4 / 0x8000001D, subleaf i):
// eax[4:0] type (0 none, 1 data, 2 instruction, 3 unified), eax[7:5] level; ebx ways-1 [31:22],
// partitions-1 [21:12], line-1 [11:0]; ecx sets-1.
void read_cache_leaf(int leaf, Info& out) {
  for (int sub = 0; sub < 16; sub++) {
    int r[4];
    platform::cpuid(leaf, sub, r);
    const int type = r[0] & 0x1f, level = (r[0] >> 5) & 0x7;
    if (type == 0) break;
    if (type == 2) continue;
    Cache c;
    c.ways = ((r[1] >> 22) & 0x3ff) + 1;
    const int partitions = ((r[1] >> 12) & 0x3ff) + 1;
    c.line = (r[1] & 0xfff) + 1;
    c.bytes = int64_t(c.ways) * partitions * c.line * (int64_t(uint32_t(r[2])) + 1);
    if (r[0] & (1 << 9)) c.ways = 0;  // fully associative
    if (level == 1) out.l1d = c;
    else if (level == 2) out.l2 = c;
    else if (level == 3) out.l3 = c;
  }
}

void read_x86(Info& out) {
  int r[4];
  platform::cpuid(0, 0, r);
  const int max_leaf = r[0];
  std::memcpy(out.vendor, &r[1], 4);
  std::memcpy(out.vendor + 4, &r[3], 4);
  std::memcpy(out.vendor + 8, &r[2], 4);
  out.vendor[12] = 0;
  platform::cpuid(1, 0, r);
  const int base_family = (r[0] >> 8) & 0xf, base_model = (r[0] >> 4) & 0xf;
  out.family = base_family == 0xf ? base_family + ((r[0] >> 20) & 0xff) : base_family;
  out.model = base_family == 0x6 || base_family == 0xf ? (((r[0] >> 16) & 0xf) << 4) + base_model : base_model;
  const bool amd = !std::strcmp(out.vendor, "AuthenticAMD") || !std::strcmp(out.vendor, "HygonGenuine");
  if (amd) {
    platform::cpuid(int(0x80000000u), 0, r);
    const unsigned max_ext = unsigned(r[0]);
    platform::cpuid(int(0x80000001u), 0, r);
    const bool topoext = r[2] & (1 << 22);
    if (topoext && max_ext >= 0x8000001Du) read_cache_leaf(int(0x8000001Du), out);
  } else if (max_leaf >= 4) {
    read_cache_leaf(4, out);
  }
}
#endif

#if defined(__linux__)
// The first line of a sysfs file, without its newline ("" when unreadable).
std::string read_sysfs_word(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (!f) return "";
  char buf[32] = {0};
  const bool ok = std::fgets(buf, sizeof buf, f) != nullptr;
  std::fclose(f);
  if (!ok) return "";
  std::string s(buf);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// "48K", "2048K", "32M", "12" -> bytes or count (0 when unreadable).
int64_t read_sysfs_size(const std::string& path) {
  const std::string word = read_sysfs_word(path);
  char* end = nullptr;
  const long long v = std::strtoll(word.c_str(), &end, 10);
  if (v <= 0) return 0;
  const int64_t scale = *end == 'K' ? 1024 : *end == 'M' ? 1024 * 1024 : *end == 'G' ? 1024LL * 1024 * 1024 : 1;
  return int64_t(v) * scale;
}

void read_sysfs(Info& out) {
  for (int i = 0; i < 8; i++) {
    const std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(i) + "/";
    const std::string type = read_sysfs_word(dir + "type");
    if (type.empty()) break;
    if (type == "Instruction") continue;
    Cache c;
    c.bytes = read_sysfs_size(dir + "size");
    c.ways = int(read_sysfs_size(dir + "ways_of_associativity"));
    const int64_t line = read_sysfs_size(dir + "coherency_line_size");
    if (line > 0) c.line = int(line);
    const std::string level = read_sysfs_word(dir + "level");
    Cache* slot = level == "1" ? &out.l1d : level == "2" ? &out.l2 : level == "3" ? &out.l3 : nullptr;
    if (slot && slot->bytes == 0) *slot = c;
  }
}
#endif

Info detect() {
  Info out;
#if TAPEFLOW_X86_64
  read_x86(out);
#elif TAPEFLOW_AARCH64
  std::strcpy(out.vendor, "arm");
#endif
#if defined(__linux__)
  // Fills what cpuid left unknown (and everything on arm64).
  Info fs;
  read_sysfs(fs);
  if (out.l1d.bytes == 0) out.l1d = fs.l1d;
  if (out.l2.bytes == 0) out.l2 = fs.l2;
  if (out.l3.bytes == 0) out.l3 = fs.l3;
#endif
  return out;
}

}  // namespace

const Info& info() {
  static const Info detected = detect();
  return detected;
}

}  // namespace tapeflow::cpu
