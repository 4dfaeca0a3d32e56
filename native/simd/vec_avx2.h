// Vector layer, AVX2+FMA level: 8 floats in a __m256. Included by level_avx2.cc (compiled with
// target("avx2,fma")) inside its namespace.
struct Vec {
  static constexpr int W = 8;
  using V = __m256;
  using M = __m256;
  using I = __m256i;
  static V load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  // First n (0..W) lanes; the others load as 0 / are not written.
  static __m256i part_mask(int n) { return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)); }
  static V load_part(const float* p, int n) { return _mm256_maskload_ps(p, part_mask(n)); }
  static void store_part(float* p, V v, int n) { _mm256_maskstore_ps(p, part_mask(n), v); }
  static V set1(float x) { return _mm256_set1_ps(x); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static V sub(V a, V b) { return _mm256_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static V div(V a, V b) { return _mm256_div_ps(a, b); }
  static V fmadd(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static V sqrt(V a) { return _mm256_sqrt_ps(a); }
  static M lt(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
  static M gt(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
  static M eq(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
  static M unord(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_UNORD_Q); }
  static M mor(M a, M b) { return _mm256_or_ps(a, b); }
  static V select(M m, V t, V f) { return _mm256_blendv_ps(f, t, m); }
  static bool any(M m) { return _mm256_movemask_ps(m) != 0; }
  // Sum and max of the lanes (a tree; hmax ignores NaN lanes' meaning: callers test for NaN).
  static float hsum(V v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_shuffle_ps(s, s, 1)));
  }
  static float hmax(V v) {
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_max_ss(s, _mm_shuffle_ps(s, s, 1)));
  }
  static I bits(V a) { return _mm256_castps_si256(a); }
  static V from_bits(I i) { return _mm256_castsi256_ps(i); }
  static V vand(V a, V b) { return _mm256_and_ps(a, b); }
  static V vxor(V a, V b) { return _mm256_xor_ps(a, b); }
  static V round_even(V a) { return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static V floor(V a) { return _mm256_round_ps(a, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC); }
  static V ceil(V a) { return _mm256_round_ps(a, _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC); }
  static I iset1(int32_t x) { return _mm256_set1_epi32(x); }
  static I iadd(I a, I b) { return _mm256_add_epi32(a, b); }
  static I iand(I a, I b) { return _mm256_and_si256(a, b); }
  static I ior(I a, I b) { return _mm256_or_si256(a, b); }
  template <int S> static I srl(I a) { return _mm256_srli_epi32(a, S); }
  template <int S> static I sll(I a) { return _mm256_slli_epi32(a, S); }
  static V i2f(I a) { return _mm256_cvtepi32_ps(a); }
  static I f2i(V a) { return _mm256_cvtps_epi32(a); }
};
