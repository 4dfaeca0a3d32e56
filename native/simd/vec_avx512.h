// Vector layer, AVX-512 level: 16 floats in a __m512, masks in __mmask16. Included by
// level_avx512.cc (compiled with target("avx512f,avx2,fma")) inside its namespace.
struct Vec {
  static constexpr int W = 16;
  using V = __m512;
  using M = __mmask16;
  using I = __m512i;
  static V load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
  // First n (0..W) lanes; the others load as 0 / are not written.
  static V load_part(const float* p, int n) { return _mm512_maskz_loadu_ps(__mmask16((1u << n) - 1), p); }
  static void store_part(float* p, V v, int n) { _mm512_mask_storeu_ps(p, __mmask16((1u << n) - 1), v); }
  static V set1(float x) { return _mm512_set1_ps(x); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static V sub(V a, V b) { return _mm512_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static V div(V a, V b) { return _mm512_div_ps(a, b); }
  static V fmadd(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V sqrt(V a) { return _mm512_sqrt_ps(a); }
  static M lt(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
  static M gt(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ); }
  static M eq(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ); }
  static M unord(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_UNORD_Q); }
  static M mor(M a, M b) { return M(a | b); }
  static V select(M m, V t, V f) { return _mm512_mask_blend_ps(m, f, t); }
  static bool any(M m) { return m != 0; }
  // Sum and max of the lanes (a tree; hmax ignores NaN lanes' meaning: callers test for NaN).
  static float hsum(V v) { return _mm512_reduce_add_ps(v); }
  static float hmax(V v) { return _mm512_reduce_max_ps(v); }
  static I bits(V a) { return _mm512_castps_si512(a); }
  static V from_bits(I i) { return _mm512_castsi512_ps(i); }
  static V vand(V a, V b) { return from_bits(_mm512_and_si512(bits(a), bits(b))); }
  static V vxor(V a, V b) { return from_bits(_mm512_xor_si512(bits(a), bits(b))); }
  static V round_even(V a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static V floor(V a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC); }
  static V ceil(V a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC); }
  static I iset1(int32_t x) { return _mm512_set1_epi32(x); }
  static I iadd(I a, I b) { return _mm512_add_epi32(a, b); }
  static I iand(I a, I b) { return _mm512_and_si512(a, b); }
  static I ior(I a, I b) { return _mm512_or_si512(a, b); }
  template <int S> static I srl(I a) { return _mm512_srli_epi32(a, S); }
  template <int S> static I sll(I a) { return _mm512_slli_epi32(a, S); }
  static V i2f(I a) { return _mm512_cvtepi32_ps(a); }
  static I f2i(V a) { return _mm512_cvtps_epi32(a); }
};
