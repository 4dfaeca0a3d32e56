// Vector layer, scalar level: one float per "vector". Included by level_scalar.cc inside its
// namespace (see impl.h for the interface every vec_<level>.h provides).
struct Vec {
  static constexpr int W = 1;
  using V = float;
  using M = bool;
  using I = uint32_t;
  static V load(const float* p) { return *p; }
  static void store(float* p, V v) { *p = v; }
  // First n (0..W) lanes; the others load as 0 / are not written.
  static V load_part(const float* p, int n) { return n > 0 ? *p : 0.0f; }
  static void store_part(float* p, V v, int n) { if (n > 0) *p = v; }
  static V set1(float x) { return x; }
  static V add(V a, V b) { return a + b; }
  static V sub(V a, V b) { return a - b; }
  static V mul(V a, V b) { return a * b; }
  static V div(V a, V b) { return a / b; }
  // As a fused multiply-add: the float product is exact in double, so only the sum rounds (then
  // again to float; the rare double rounding is the TS backend's too). A rounded float product
  // would make 1e30·(−1e30) + Infinity NaN here and Infinity on every other level.
  static V fmadd(V a, V b, V c) { return float(double(a) * double(b) + double(c)); }
  static V sqrt(V a) { return std::sqrt(a); }
  static M lt(V a, V b) { return a < b; }
  static M gt(V a, V b) { return a > b; }
  static M eq(V a, V b) { return a == b; }
  static M unord(V a, V b) { return a != a || b != b; }
  static M mor(M a, M b) { return a || b; }
  static V select(M m, V t, V f) { return m ? t : f; }
  static bool any(M m) { return m; }
  static float hsum(V v) { return v; }
  static float hmax(V v) { return v; }
  static I bits(V a) { I i; std::memcpy(&i, &a, 4); return i; }
  static V from_bits(I i) { V a; std::memcpy(&a, &i, 4); return a; }
  static V vand(V a, V b) { return from_bits(bits(a) & bits(b)); }
  static V vxor(V a, V b) { return from_bits(bits(a) ^ bits(b)); }
  static V round_even(V a) { return std::nearbyint(a); }
  static V floor(V a) { return std::floor(a); }
  static V ceil(V a) { return std::ceil(a); }
  static I iset1(int32_t x) { return I(x); }
  static I iadd(I a, I b) { return a + b; }
  static I iand(I a, I b) { return a & b; }
  static I ior(I a, I b) { return a | b; }
  template <int S> static I srl(I a) { return a >> S; }
  template <int S> static I sll(I a) { return a << S; }
  static V i2f(I a) { return float(int32_t(a)); }
  static I f2i(V a) { return I(int32_t(a)); }  // a integral and in int32 range
};
