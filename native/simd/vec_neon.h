// Vector layer, NEON level (AArch64): 4 floats in a float32x4_t. Included by level_neon.cc
// inside its namespace.
struct Vec {
  static constexpr int W = 4;
  using V = float32x4_t;
  using M = uint32x4_t;
  using I = uint32x4_t;
  static V load(const float* p) { return vld1q_f32(p); }
  static void store(float* p, V v) { vst1q_f32(p, v); }
  // First n (0..W) lanes; the others load as 0 / are not written.
  static V load_part(const float* p, int n) { float t[4] = {}; std::memcpy(t, p, size_t(n) * 4); return vld1q_f32(t); }
  static void store_part(float* p, V v, int n) { float t[4]; vst1q_f32(t, v); std::memcpy(p, t, size_t(n) * 4); }
  static V set1(float x) { return vdupq_n_f32(x); }
  static V add(V a, V b) { return vaddq_f32(a, b); }
  static V sub(V a, V b) { return vsubq_f32(a, b); }
  static V mul(V a, V b) { return vmulq_f32(a, b); }
  static V div(V a, V b) { return vdivq_f32(a, b); }
  static V fmadd(V a, V b, V c) { return vfmaq_f32(c, a, b); }
  static V sqrt(V a) { return vsqrtq_f32(a); }
  static M lt(V a, V b) { return vcltq_f32(a, b); }
  static M gt(V a, V b) { return vcgtq_f32(a, b); }
  static M eq(V a, V b) { return vceqq_f32(a, b); }
  static M unord(V a, V b) { return vmvnq_u32(vandq_u32(vceqq_f32(a, a), vceqq_f32(b, b))); }
  static M mor(M a, M b) { return vorrq_u32(a, b); }
  static V select(M m, V t, V f) { return vbslq_f32(m, t, f); }
  static bool any(M m) { return vmaxvq_u32(m) != 0; }
  // Sum and max of the lanes (hmax ignores NaN lanes' meaning: callers test for NaN).
  static float hsum(V v) { return vaddvq_f32(v); }
  static float hmax(V v) { return vmaxvq_f32(v); }
  static I bits(V a) { return vreinterpretq_u32_f32(a); }
  static V from_bits(I i) { return vreinterpretq_f32_u32(i); }
  static V vand(V a, V b) { return from_bits(vandq_u32(bits(a), bits(b))); }
  static V vxor(V a, V b) { return from_bits(veorq_u32(bits(a), bits(b))); }
  static V round_even(V a) { return vrndnq_f32(a); }
  static V floor(V a) { return vrndmq_f32(a); }
  static V ceil(V a) { return vrndpq_f32(a); }
  static I iset1(int32_t x) { return vdupq_n_u32(uint32_t(x)); }
  static I iadd(I a, I b) { return vaddq_u32(a, b); }
  static I iand(I a, I b) { return vandq_u32(a, b); }
  static I ior(I a, I b) { return vorrq_u32(a, b); }
  template <int S> static I srl(I a) { return vshrq_n_u32(a, S); }
  template <int S> static I sll(I a) { return vshlq_n_u32(a, S); }
  static V i2f(I a) { return vcvtq_f32_s32(vreinterpretq_s32_u32(a)); }
  static I f2i(V a) { return vreinterpretq_u32_s32(vcvtnq_s32_f32(a)); }
};
