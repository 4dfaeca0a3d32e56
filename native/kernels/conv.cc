// Convolution and pooling over NHWC float32 (the geometry is src/backend/backend.ts
// `Conv2DArgs`; pools use the same struct with in_c = out_c = channels and no filter).
//
// conv2d with a unit column dilation: implicit GEMM, the packed GEMM's micro-kernel reading
// pixel slivers in place from a zero-padded strip of each output row's window rows (no im2col;
// forward [32,14,14,32]→64 into a reused output 326-357 -> 357-375 GFLOP/s, 2 threads AVX-512).
// Its input gradient at stride 1 is the same kernel on dy with the filter turned (2.4-3.1x
// faster than the GEMM + col2im below). Otherwise: im2col per tile of output rows (batch·oh·ow)
// into thread-local scratch, then the packed GEMM of matmul.cc (gemm_f32_run) against the
// filter seen as [fh·fw·inC, outC], written straight into the output rows. Tiles are the
// parallel tasks (each GEMM single-threaded) when there are enough of them; otherwise tiles run
// in turn on the threaded GEMM. A 1x1 stride-1 unpadded conv is one GEMM on x.
// backprop-filter: partial colᵀ·dy per fixed group of tiles (groups depend only on the
// problem), summed in group order, so results do not depend on the thread count. Other
// backprop-input: dcol = dy·filterᵀ per tile, scattered back (col2im) within one image per
// task, so no two tasks write one element. Few input channels (first layers, where
// k = fh·fw·inC is too short for a GEMM): forward and filter gradient are direct, per output
// row, through the SIMD table's conv_taps / conv_taps_filter on a zero-padded strip of the
// window's input rows. Depthwise convolution and pooling are direct loops with channels
// innermost (depthwise through the SIMD table's fma_acc).
//
// To add a windowed kernel: take ConvGeom, split over output rows (or images when outputs of
// different rows overlap), keep channels innermost.
#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "../simd/simd.h"
#include "../threadpool.h"
#include "kernels.h"

namespace tapeflow {
namespace {

constexpr int64_t kTileFloats = 1 << 17;   // im2col floats per tile (512 KiB, an L2)
constexpr int64_t kFilterGroups = 8;       // partial filter gradients summed in order
constexpr int64_t kShallowK = 32;          // up to this k, the forward streams rows (gemm_rows)
// Up to this many input channels, forward and filter gradient run direct (conv_taps) rather than
// im2col + GEMM. Measured (2 threads, AVX-512, 3x3 'same', into reused outputs): forward
// [32,28,28,Ci]→32 2.4-3.3x faster for Ci = 1-4, 1.2x at Ci = 16, 0.95x at [32,14,14,32]→64.
constexpr int64_t kDirectMaxC = 16;

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

bool pointwise(const ConvGeom& g) {
  return g.fh == 1 && g.fw == 1 && g.sh == 1 && g.sw == 1 && g.pt == 0 && g.pl == 0 && g.out_h == g.in_h &&
         g.out_w == g.in_w;
}

// Rows [r0, r1) of the im2col matrix ([rows, fh·fw·inC]) from x, or (add) summed back into x.
template <bool Add>
void patches(float* x, const ConvGeom& g, int64_t r0, int64_t r1, float* col) {
  const int64_t C = g.in_c;
  float* o = col;
  for (int64_t r = r0; r < r1; r++) {
    const int64_t ow = r % g.out_w, t = r / g.out_w, oh = t % g.out_h, n = t / g.out_h;
    const int64_t ih0 = oh * g.sh - g.pt, iw0 = ow * g.sw - g.pl;
    for (int64_t kh = 0; kh < g.fh; kh++) {
      const int64_t ih = ih0 + kh * g.dh;
      if (ih < 0 || ih >= g.in_h) {
        if (!Add) std::fill(o, o + g.fw * C, 0.0f);
        o += g.fw * C;
        continue;
      }
      float* row = x + (n * g.in_h + ih) * g.in_w * C;
      for (int64_t kw = 0; kw < g.fw; kw++, o += C) {
        const int64_t iw = iw0 + kw * g.dw;
        if (iw < 0 || iw >= g.in_w) {
          if (!Add) std::fill(o, o + C, 0.0f);
          continue;
        }
        float* src = row + iw * C;
        if (Add) for (int64_t c = 0; c < C; c++) src[c] += o[c];
        else if (C >= 16) std::memcpy(o, src, size_t(C) * sizeof(float));
        else for (int64_t c = 0; c < C; c++) o[c] = src[c];  // first layers: 1-3 channels
      }
    }
  }
}

// Rows per chunk of a row-parallel loop: fixed by the problem (at most 64 chunks).
int64_t grain(int64_t rows) { return std::max<int64_t>(1, ceil_div(rows, 64)); }

// (At most 1024 rows, so a shallow tile's output rows stay in L2 too.)
int64_t tile_rows(int64_t k) { return std::clamp<int64_t>(kTileFloats / std::max<int64_t>(k, 1), 16, 1024); }

// Multiply-adds of the whole product, saturated (it decides threading only).
int64_t work(const ConvGeom& g) {
  const double w = double(g.batch) * double(g.out_h * g.out_w) * double(g.out_c) * double(g.fh * g.fw) *
                   double(g.depthwise ? 1 : g.in_c);
  return w > 9e18 ? std::numeric_limits<int64_t>::max() : int64_t(w);
}

// ---- depthwise: output channel c·mult + q reads input channel c and filter [kh, kw, c, q] ----

template <class F>
void each_tap(const ConvGeom& g, int64_t n, int64_t oh, int64_t ow, F&& f) {
  for (int64_t kh = 0; kh < g.fh; kh++) {
    const int64_t ih = oh * g.sh - g.pt + kh * g.dh;
    if (ih < 0 || ih >= g.in_h) continue;
    for (int64_t kw = 0; kw < g.fw; kw++) {
      const int64_t iw = ow * g.sw - g.pl + kw * g.dw;
      if (iw < 0 || iw >= g.in_w) continue;
      f(((n * g.in_h + ih) * g.in_w + iw) * g.in_c, (kh * g.fw + kw) * g.out_c);
    }
  }
}

void depthwise_forward(const ConvGeom& g, const float* x, const float* w, float* y) {
  const simd::Table* t = simd::active();
  const int64_t C = g.in_c, mult = g.out_c / g.in_c;
  parallel_range(g.batch * g.out_h, grain(g.batch * g.out_h), work(g) >= kMatmulMinFlops ? 2 : g.batch * g.out_h + 1, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; b++) {
      const int64_t n = b / g.out_h, oh = b % g.out_h;
      for (int64_t ow = 0; ow < g.out_w; ow++) {
        float* acc = y + ((n * g.out_h + oh) * g.out_w + ow) * g.out_c;
        std::fill(acc, acc + g.out_c, 0.0f);
        each_tap(g, n, oh, ow, [&](int64_t xb, int64_t wb) {
          if (mult == 1) t->fma_acc(acc, x + xb, w + wb, C);
          else
            for (int64_t c = 0; c < C; c++)
              for (int64_t q = 0; q < mult; q++) acc[c * mult + q] += x[xb + c] * w[wb + c * mult + q];
        });
      }
    }
  });
}

void depthwise_backprop_input(const ConvGeom& g, const float* dy, const float* w, float* dx) {
  const simd::Table* t = simd::active();
  const int64_t C = g.in_c, mult = g.out_c / g.in_c;
  const int64_t image = g.in_h * g.in_w * C;
  run_tasks(g.batch, work(g) >= kMatmulMinFlops, [&](int64_t n) {
    std::fill(dx + n * image, dx + (n + 1) * image, 0.0f);
    for (int64_t oh = 0; oh < g.out_h; oh++)
      for (int64_t ow = 0; ow < g.out_w; ow++) {
        const float* d = dy + ((n * g.out_h + oh) * g.out_w + ow) * g.out_c;
        each_tap(g, n, oh, ow, [&](int64_t xb, int64_t wb) {
          if (mult == 1) t->fma_acc(dx + xb, d, w + wb, C);
          else
            for (int64_t c = 0; c < C; c++) {
              float s = 0;
              for (int64_t q = 0; q < mult; q++) s += d[c * mult + q] * w[wb + c * mult + q];
              dx[xb + c] += s;
            }
        });
      }
  });
}

void depthwise_backprop_filter(const ConvGeom& g, const float* x, const float* dy, float* dw) {
  const simd::Table* t = simd::active();
  const int64_t C = g.in_c, mult = g.out_c / g.in_c, size = g.fh * g.fw * g.out_c;
  const int64_t rows = g.batch * g.out_h, groups = std::min(rows, kFilterGroups);
  std::vector<float> part(size_t(groups * size), 0.0f);
  run_tasks(groups, work(g) >= kMatmulMinFlops, [&](int64_t grp) {
    float* acc = part.data() + grp * size;
    for (int64_t b = grp * rows / groups; b < (grp + 1) * rows / groups; b++) {
      const int64_t n = b / g.out_h, oh = b % g.out_h;
      for (int64_t ow = 0; ow < g.out_w; ow++) {
        const float* d = dy + ((n * g.out_h + oh) * g.out_w + ow) * g.out_c;
        each_tap(g, n, oh, ow, [&](int64_t xb, int64_t wb) {
          if (mult == 1) t->fma_acc(acc + wb, x + xb, d, C);
          else
            for (int64_t c = 0; c < C; c++)
              for (int64_t q = 0; q < mult; q++) acc[wb + c * mult + q] += x[xb + c] * d[c * mult + q];
        });
      }
    }
  });
  std::copy(part.begin(), part.begin() + size, dw);
  for (int64_t grp = 1; grp < groups; grp++)
    for (int64_t i = 0; i < size; i++) dw[i] += part[size_t(grp * size + i)];
}

// ---- direct convolution of few input channels (first layers) ----
// Per output row: the input rows of its window, zero-padded at the sides, in a strip; each output
// pixel then reads its fh·fw·inC taps at fixed offsets from its own start (the SIMD table's
// conv_taps, which holds a block of pixels × output channels in registers).

// Columns of a strip: (out_w − 1)·sw + (fw − 1)·dw + 1, strip column s holding x column s − pl.
int64_t strip_width(const ConvGeom& g) { return (g.out_w - 1) * g.sw + (g.fw - 1) * g.dw + 1; }

// A strip holds only the window rows inside x (at most in_h), so it stays within a small multiple
// of x as long as the window reach is not far wider than x; wider reaches (a huge dilation or
// explicit pads far past the edges, legal in TF) take the im2col path, whose scratch is bounded
// by the filter.
bool direct(const ConvGeom& g) {
  return !g.depthwise && g.in_c <= kDirectMaxC && g.out_w > 0 && strip_width(g) <= 2 * g.in_w + 64;
}
int64_t strip_floats(const ConvGeom& g) { return std::min(g.fh, g.in_h) * strip_width(g) * g.in_c; }

// One strip row (strip_width·inC floats): row ih of image n with pl zero columns before it and
// zeros after, or all zeros when ih is outside x. Returns whether ih is inside.
bool strip_row(const ConvGeom& g, const float* x, int64_t n, int64_t ih, float* row) {
  const int64_t C = g.in_c, width = strip_width(g), stride = width * C;
  if (ih < 0 || ih >= g.in_h) {
    std::fill(row, row + stride, 0.0f);
    return false;
  }
  const int64_t lo = std::min(g.pl, width), hi = std::clamp<int64_t>(g.in_w + g.pl, lo, width);
  std::fill(row, row + lo * C, 0.0f);
  if (hi > lo) std::copy_n(x + ((n * g.in_h + ih) * g.in_w + (lo - g.pl)) * C, (hi - lo) * C, row + lo * C);
  std::fill(row + hi * C, row + stride, 0.0f);
  return true;
}

// 2·k offsets of the calling thread (grow-only, so a row loop allocates nothing).
int64_t* tap_scratch(int64_t k) {
  thread_local std::vector<int64_t> taps;
  if (taps.size() < size_t(2 * k)) taps.resize(size_t(2 * k));
  return taps.data();
}

// Copies the window rows of output row (n, oh) that lie inside x into strip and lists their taps:
// xo (offset in the strip) and wo (offset of the filter row [outC]); returns how many.
int64_t row_taps(const ConvGeom& g, const float* x, int64_t n, int64_t oh, float* strip, int64_t* xo, int64_t* wo) {
  const int64_t C = g.in_c, stride = strip_width(g) * C;
  int64_t k = 0, r = 0;
  for (int64_t kh = 0; kh < g.fh; kh++) {
    const int64_t ih = oh * g.sh - g.pt + kh * g.dh;
    if (ih < 0 || ih >= g.in_h) continue;
    strip_row(g, x, n, ih, strip + r * stride);
    for (int64_t kw = 0; kw < g.fw; kw++)
      for (int64_t c = 0; c < C; c++, k++) {
        xo[k] = r * stride + kw * g.dw * C + c;
        wo[k] = ((kh * g.fw + kw) * C + c) * g.out_c;
      }
    r++;
  }
  return k;
}

void direct_forward(const ConvGeom& g, const float* x, const float* w, float* y) {
  const simd::Table* t = simd::active();
  const int64_t rows = g.batch * g.out_h, k = g.fh * g.fw * g.in_c, row_out = g.out_w * g.out_c;
  parallel_range(rows, grain(rows), work(g) >= kMatmulMinFlops ? 2 : rows + 1, [&](int64_t b0, int64_t b1) {
    float* strip = thread_scratch(2, strip_floats(g));
    int64_t* xo = tap_scratch(k);
    int64_t* wo = xo + k;
    for (int64_t b = b0; b < b1; b++) {
      const int64_t taps = row_taps(g, x, b / g.out_h, b % g.out_h, strip, xo, wo);
      float* yr = y + b * row_out;
      if (taps == 0) std::fill(yr, yr + row_out, 0.0f);
      else t->conv_taps(strip, g.sw * g.in_c, xo, wo, taps, w, g.out_c, yr, g.out_w);
    }
  });
}

// Partial sums per fixed group of output rows, added in group order.
void direct_backprop_filter(const ConvGeom& g, const float* x, const float* dy, float* dw) {
  const simd::Table* t = simd::active();
  const int64_t rows = g.batch * g.out_h, k = g.fh * g.fw * g.in_c, size = k * g.out_c;
  const int64_t groups = std::min(rows, kFilterGroups);
  std::vector<float> part(size_t(groups * size), 0.0f);
  run_tasks(groups, work(g) >= kMatmulMinFlops && num_threads() > 1, [&](int64_t grp) {
    float* strip = thread_scratch(2, strip_floats(g));
    int64_t* xo = tap_scratch(k);
    int64_t* wo = xo + k;
    for (int64_t b = grp * rows / groups; b < (grp + 1) * rows / groups; b++) {
      const int64_t taps = row_taps(g, x, b / g.out_h, b % g.out_h, strip, xo, wo);
      t->conv_taps_filter(strip, g.sw * g.in_c, xo, wo, taps, dy + b * g.out_w * g.out_c, g.out_c,
                          part.data() + grp * size, g.out_w);
    }
  });
  std::copy(part.begin(), part.begin() + size, dw);
  for (int64_t grp = 1; grp < groups; grp++)
    for (int64_t i = 0; i < size; i++) dw[i] += part[size_t(grp * size + i)];
}

// ---- implicit GEMM (no im2col): the window rows of one output row are a strip (as above);
// with dw == 1 the taps (kw, c) of one filter row kh are fw·inC consecutive floats of the strip,
// and consecutive output pixels start sw·inC floats apart, so a sliver of MR pixels is an A
// sliver read in place at row stride sw·inC. Each filter row (cut into slices of at most the
// GEMM's kc) is packed once as B; a pixel sliver then accumulates over the slices of the window
// rows inside x with the micro-kernel, writing output rows directly.

// A row stride of at most 256 floats keeps the MR rows of a sliver in at least 4 L1 sets.
constexpr int64_t kImplicitMaxStride = 256;

// Output channels fill at least half of the micro-kernel's columns (few, as in the input
// gradient of a first layer, leave it to the GEMM's other shapes).
bool implicit_shape(const ConvGeom& g) {
  return !g.depthwise && g.dw == 1 && g.out_w > 0 && g.fw * g.in_c >= 16 && 2 * g.out_c >= simd::active()->gemm_nr &&
         strip_width(g) <= 2 * g.in_w + 64;
}
bool implicit(const ConvGeom& g) { return implicit_shape(g) && g.sw * g.in_c <= kImplicitMaxStride; }

void implicit_forward(const ConvGeom& g, const float* x, const float* w, float* y) {
  const simd::Table* t = simd::active();
  const int MR = t->gemm_mr, NR = t->gemm_nr;
  const int64_t C = g.in_c, O = g.out_c, span = g.fw * C, slivers = ceil_div(O, NR);
  const int64_t per_row = ceil_div(span, ceil_div(span, gemm_plan(1).kc));  // balanced slices of a filter row
  const int64_t slices = ceil_div(span, per_row);
  // packed[(kh·slices + j)·slivers·NR·per_row + s·NR·kc_j]: slice j of filter row kh, sliver s.
  std::vector<float> packed(size_t(g.fh * slices * slivers * NR * per_row));
  auto slice_at = [&](int64_t kh, int64_t j) { return packed.data() + (kh * slices + j) * slivers * NR * per_row; };
  for (int64_t kh = 0; kh < g.fh; kh++)
    for (int64_t j = 0; j < slices; j++) {
      const int64_t q0 = j * per_row, kc = std::min(per_row, span - q0);
      for (int64_t sv = 0; sv < slivers; sv++)
        t->gemm_pack_b(w + (kh * span + q0) * O + sv * NR, O, 1, int(std::min<int64_t>(NR, O - sv * NR)), kc,
                       slice_at(kh, j) + sv * NR * kc);
    }
  const int64_t rows = g.batch * g.out_h, stride = strip_width(g) * C, lda = g.sw * C;
  parallel_range(rows, grain(rows), work(g) >= kMatmulMinFlops ? 2 : rows + 1, [&](int64_t b0, int64_t b1) {
    float* strip = thread_scratch(2, strip_floats(g));
    std::vector<int64_t> kh_of(size_t(std::min(g.fh, g.in_h)));  // the kh of each strip row
    for (int64_t b = b0; b < b1; b++) {
      const int64_t n = b / g.out_h, oh = b % g.out_h;
      int64_t r = 0;
      for (int64_t kh = 0; kh < g.fh; kh++) {
        const int64_t ih = oh * g.sh - g.pt + kh * g.dh;
        if (ih < 0 || ih >= g.in_h) continue;
        strip_row(g, x, n, ih, strip + r * stride);
        kh_of[r++] = kh;
      }
      float* yr = y + b * g.out_w * O;
      if (r == 0) {
        std::fill(yr, yr + g.out_w * O, 0.0f);
        continue;
      }
      for (int64_t i0 = 0; i0 < g.out_w; i0 += MR) {
        const int mr = int(std::min<int64_t>(MR, g.out_w - i0));
        for (int64_t sv = 0; sv < slivers; sv++) {
          const int nr = int(std::min<int64_t>(NR, O - sv * NR));
          int accumulate = 0;
          for (int64_t q = 0; q < r; q++)
            for (int64_t j = 0; j < slices; j++) {
              const int64_t q0 = j * per_row, kc = std::min(per_row, span - q0);
              t->gemm_micro_direct(kc, strip + q * stride + i0 * lda + q0, lda, slice_at(kh_of[q], j) + sv * NR * kc,
                                   yr + i0 * O + sv * NR, O, accumulate, mr, nr);
              accumulate = 1;
            }
        }
      }
    }
  });
}

// At stride 1 the input gradient is a forward convolution of dy with the filter turned by 180°
// and its channel axes swapped ([fh, fw, outC, inC]), padded (fh − 1)·dh − pt above and
// (fw − 1)·dw − pl at the left: dx[ih] = Σ dy[ih − ((fh − 1)·dh − pt) + kh'·dh] · w'[kh'].
// Returns false (nothing written) where that is not an implicit forward.
bool implicit_input_gradient(const ConvGeom& g, const float* dy, const float* w, float* dx) {
  if (g.sh != 1 || g.sw != 1) return false;
  ConvGeom t = g;
  t.in_h = g.out_h, t.in_w = g.out_w, t.in_c = g.out_c;
  t.out_h = g.in_h, t.out_w = g.in_w, t.out_c = g.in_c;
  t.pt = (g.fh - 1) * g.dh - g.pt, t.pl = (g.fw - 1) * g.dw - g.pl;
  if (t.pt < 0 || t.pl < 0 || !implicit(t)) return false;
  const int64_t C = g.in_c, O = g.out_c;
  std::vector<float> turned(size_t(g.fh * g.fw * C * O));
  for (int64_t kh = 0; kh < g.fh; kh++)
    for (int64_t kw = 0; kw < g.fw; kw++) {
      const float* src = w + ((g.fh - 1 - kh) * g.fw + (g.fw - 1 - kw)) * C * O;
      float* dst = turned.data() + (kh * g.fw + kw) * O * C;
      for (int64_t c = 0; c < C; c++)
        for (int64_t o = 0; o < O; o++) dst[o * C + c] = src[c * O + o];
    }
  implicit_forward(t, dy, turned.data(), dx);
  return true;
}

// The filter gradient the same way round: per filter row kh, dw[kh] ([fw·inC, outC]) = Σ over
// pixels of the window taps (fw·inC consecutive floats of the strip) times dy's row. The taps of
// a chunk of output rows are packed straight from their strips into the GEMM's transposed-A
// layout (MR taps per pixel step), dy's rows of the chunk as B, so no im2col matrix is written
// and read back. Partial sums per fixed group of output rows, added in group order.
constexpr int64_t kFilterStripMax = 1 << 22;  // floats of the strips of one chunk

// (The taps are packed, not read in place, so any row stride will do.)
bool implicit_filter(const ConvGeom& g) {
  return implicit_shape(g) && g.fh <= kFilterStripMax / (strip_width(g) * g.in_c);
}

void implicit_backprop_filter(const ConvGeom& g, const float* x, const float* dy, float* dw) {
  const simd::Table* t = simd::active();
  const int MR = t->gemm_mr, NR = t->gemm_nr;
  const int64_t C = g.in_c, O = g.out_c, span = g.fw * C, size = g.fh * span * O, slivers = ceil_div(O, NR);
  const int64_t width = strip_width(g), stride = width * C, lda = g.sw * C, full = g.fh * stride;
  const int64_t rows = g.batch * g.out_h, groups = std::min(rows, kFilterGroups);
  const int64_t chunk = std::clamp<int64_t>(gemm_plan(1).kc / g.out_w, 1, std::max<int64_t>(1, kFilterStripMax / full));
  std::vector<float> part(size_t(groups * size));
  run_tasks(groups, work(g) >= kMatmulMinFlops && num_threads() > 1, [&](int64_t grp) {
    float* acc = part.data() + grp * size;
    const int64_t r0 = grp * rows / groups, r1 = (grp + 1) * rows / groups;
    const int64_t most = std::min(chunk, r1 - r0), kmax = most * g.out_w;  // rows and pixels of a chunk
    float* strips = thread_scratch(2, most * full + kmax * MR + slivers * NR * kmax);
    float* pa = strips + most * full;
    float* pb = pa + kmax * MR;
    for (int64_t c0 = r0; c0 < r1; c0 += chunk) {
      const int64_t c1 = std::min(r1, c0 + chunk), K = (c1 - c0) * g.out_w;
      for (int64_t b = c0; b < c1; b++) {  // every window row of output row b, zeros outside x
        const int64_t n = b / g.out_h, oh = b % g.out_h;
        for (int64_t kh = 0; kh < g.fh; kh++)
          strip_row(g, x, n, oh * g.sh - g.pt + kh * g.dh, strips + (b - c0) * full + kh * stride);
      }
      for (int64_t sv = 0; sv < slivers; sv++)
        t->gemm_pack_b(dy + c0 * g.out_w * O + sv * NR, O, 1, int(std::min<int64_t>(NR, O - sv * NR)), K, pb + sv * NR * K);
      for (int64_t kh = 0; kh < g.fh; kh++)
        for (int64_t q0 = 0; q0 < span; q0 += MR) {
          const int mr = int(std::min<int64_t>(MR, span - q0));
          for (int64_t b = c0; b < c1; b++)
            t->gemm_pack_a(strips + (b - c0) * full + kh * stride + q0, 1, lda, mr, g.out_w, pa + (b - c0) * g.out_w * MR);
          for (int64_t sv = 0; sv < slivers; sv++)
            t->gemm_micro(K, pa, pb + sv * NR * K, acc + (kh * span + q0) * O + sv * NR, O, c0 > r0,
                          mr, int(std::min<int64_t>(NR, O - sv * NR)));
        }
    }
  });
  std::copy(part.begin(), part.begin() + size, dw);
  for (int64_t grp = 1; grp < groups; grp++)
    for (int64_t i = 0; i < size; i++) dw[i] += part[size_t(grp * size + i)];
}

}  // namespace

bool conv_supports(DType d) { return d == DType::f32; }

void conv2d_run(const ConvGeom& g, const float* x, const float* w, float* y) {
  const int64_t k = g.fh * g.fw * g.in_c, n = g.out_c, m = g.batch * g.out_h * g.out_w;
  if (k == 0) {  // no input channels (fh·fw may be anything then: never loop over it)
    std::fill(y, y + m * n, 0.0f);
    return;
  }
  if (g.depthwise) return depthwise_forward(g, x, w, y);
  if (direct(g)) return direct_forward(g, x, w, y);
  if (pointwise(g)) return gemm_f32_run(x, k, 1, w, n, 1, y, m, n, k, true);
  if (implicit(g)) return implicit_forward(g, x, w, y);
  const int64_t rows = tile_rows(k), tiles = ceil_div(m, rows);
  const bool big = work(g) >= kMatmulMinFlops && num_threads() > 1;
  const bool by_tiles = big && tiles >= num_threads();
  run_tasks(tiles, by_tiles, [&](int64_t tile) {
    const int64_t r0 = tile * rows, r1 = std::min(m, r0 + rows);
    float* col = thread_scratch(2, (r1 - r0) * k);
    patches<false>(const_cast<float*>(x), g, r0, r1, col);
    // A shallow product (first layers: k = fh·fw·inC of 9 to 27) is output-bound: stream the
    // filter rows once per patch row, accumulators in registers (packing would cost more).
    if (k <= kShallowK) simd::active()->gemm_rows(k, col, k, 1, w, n, y + r0 * n, n, int(r1 - r0), n);
    else gemm_f32_run(col, k, 1, w, n, 1, y + r0 * n, r1 - r0, n, k, big && !by_tiles);
  });
}

void conv2d_backprop_input_run(const ConvGeom& g, const float* dy, const float* w, float* dx) {
  const int64_t k = g.fh * g.fw * g.in_c, n = g.out_c, m = g.batch * g.out_h * g.out_w;
  const int64_t image = g.in_h * g.in_w * g.in_c, per_image = g.out_h * g.out_w;
  if (m == 0 || n == 0) {  // (out_h or fh may be anything when dy is empty: never loop over them)
    std::fill(dx, dx + g.batch * image, 0.0f);
    return;
  }
  if (g.depthwise) return depthwise_backprop_input(g, dy, w, dx);
  if (pointwise(g)) return gemm_f32_run(dy, n, 1, w, 1, n, dx, m, k, n, true);
  if (implicit_input_gradient(g, dy, w, dx)) return;
  const int64_t rows = std::min(tile_rows(k), per_image);
  const bool big = work(g) >= kMatmulMinFlops && num_threads() > 1;
  const bool by_images = big && g.batch >= num_threads();
  run_tasks(g.batch, by_images, [&](int64_t img) {
    std::fill(dx + img * image, dx + (img + 1) * image, 0.0f);
    float* col = thread_scratch(2, rows * k);
    for (int64_t r0 = img * per_image; r0 < (img + 1) * per_image; r0 += rows) {
      const int64_t r1 = std::min((img + 1) * per_image, r0 + rows);
      gemm_f32_run(dy + r0 * n, n, 1, w, 1, n, col, r1 - r0, k, n, big && !by_images);
      patches<true>(dx, g, r0, r1, col);
    }
  });
}

void conv2d_backprop_filter_run(const ConvGeom& g, const float* x, const float* dy, float* dw) {
  const int64_t k = g.fh * g.fw * g.in_c, n = g.out_c, m = g.batch * g.out_h * g.out_w;
  const int64_t size = g.fh * g.fw * g.in_c * (g.depthwise ? g.out_c / std::max<int64_t>(g.in_c, 1) : g.out_c);
  if (m == 0 || size == 0) {
    std::fill(dw, dw + size, 0.0f);
    return;
  }
  if (g.depthwise) return depthwise_backprop_filter(g, x, dy, dw);
  if (direct(g)) return direct_backprop_filter(g, x, dy, dw);
  if (pointwise(g)) return gemm_f32_run(x, 1, k, dy, n, 1, dw, k, n, m, true);
  if (implicit_filter(g)) return implicit_backprop_filter(g, x, dy, dw);
  const int64_t rows = tile_rows(k), tiles = ceil_div(m, rows);
  const int64_t groups = std::min(tiles, kFilterGroups);
  const bool big = work(g) >= kMatmulMinFlops && num_threads() > 1;
  const bool by_groups = big && groups >= num_threads();
  std::vector<float> part(size_t(groups * size));
  run_tasks(groups, by_groups, [&](int64_t grp) {
    float* acc = part.data() + grp * size;
    const int64_t t0 = grp * tiles / groups, t1 = (grp + 1) * tiles / groups;
    float* col = thread_scratch(2, rows * k + (t1 - t0 > 1 ? size : 0));
    float* tmp = col + rows * k;
    for (int64_t tile = t0; tile < t1; tile++) {
      const int64_t r0 = tile * rows, r1 = std::min(m, r0 + rows);
      patches<false>(const_cast<float*>(x), g, r0, r1, col);
      // colᵀ (k × rows, read through strides) · dy rows.
      float* out = tile == t0 ? acc : tmp;
      if (k <= kShallowK)  // few filter rows: stream dy rows once per row, no packing
        simd::active()->gemm_rows(r1 - r0, col, 1, k, dy + r0 * n, n, out, n, int(k), n);
      else
        gemm_f32_run(col, 1, k, dy + r0 * n, n, 1, out, k, n, r1 - r0, big && !by_groups);
      if (tile != t0)
        for (int64_t i = 0; i < size; i++) acc[i] += tmp[i];
    }
  });
  std::copy(part.begin(), part.begin() + size, dw);
  for (int64_t grp = 1; grp < groups; grp++)
    for (int64_t i = 0; i < size; i++) dw[i] += part[size_t(grp * size + i)];
}

// ---- pooling: windows clipped to x; padding is never a candidate ----

void pool_run(int op, const ConvGeom& g, const float* x, float* y) {
  const int64_t C = g.in_c, rows = g.batch * g.out_h;
  const bool threaded = rows * g.out_w * C * g.fh * g.fw >= kElementwiseMin;
  parallel_range(rows, grain(rows), threaded ? 2 : rows + 1, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; b++) {
      const int64_t n = b / g.out_h, oh = b % g.out_h;
      const int64_t hs = oh * g.sh - g.pt, h0 = std::max<int64_t>(hs, 0), h1 = std::min(hs + g.fh, g.in_h);
      for (int64_t ow = 0; ow < g.out_w; ow++) {
        const int64_t ws = ow * g.sw - g.pl, w0 = std::max<int64_t>(ws, 0), w1 = std::min(ws + g.fw, g.in_w);
        float* o = y + ((n * g.out_h + oh) * g.out_w + ow) * C;
        std::fill(o, o + C, op == 0 ? -std::numeric_limits<float>::infinity() : 0.0f);
        for (int64_t ih = h0; ih < h1; ih++)
          for (int64_t iw = w0; iw < w1; iw++) {
            const float* v = x + ((n * g.in_h + ih) * g.in_w + iw) * C;
            if (op == 0)
              for (int64_t c = 0; c < C; c++) o[c] = v[c] > o[c] ? v[c] : o[c];
            else
              for (int64_t c = 0; c < C; c++) o[c] += v[c];
          }
        if (op == 1) {
          const float scale = 1.0f / float((h1 - h0) * (w1 - w0));
          for (int64_t c = 0; c < C; c++) o[c] *= scale;
        }
      }
    }
  });
}

// Gathered per input row (not scattered per window), so rows of dx are independent tasks:
// input (ih, iw) lies in windows oh ∈ [ceil((ih + pt − fh + 1)/sh), floor((ih + pt)/sh)].
void avg_pool_backprop_run(const ConvGeom& g, const float* dy, float* dx) {
  const int64_t C = g.in_c, rows = g.batch * g.in_h;
  const bool threaded = rows * g.in_w * C * g.fh * g.fw >= kElementwiseMin;
  auto first = [](int64_t i, int64_t p, int64_t f, int64_t s) {
    const int64_t a = i + p - f + 1;
    return a <= 0 ? 0 : ceil_div(a, s);
  };
  parallel_range(rows, grain(rows), threaded ? 2 : rows + 1, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; b++) {
      const int64_t n = b / g.in_h, ih = b % g.in_h;
      const int64_t oh0 = first(ih, g.pt, g.fh, g.sh), oh1 = std::min(g.out_h - 1, (ih + g.pt) / g.sh);
      for (int64_t iw = 0; iw < g.in_w; iw++) {
        float* d = dx + ((n * g.in_h + ih) * g.in_w + iw) * C;
        std::fill(d, d + C, 0.0f);
        const int64_t ow0 = first(iw, g.pl, g.fw, g.sw), ow1 = std::min(g.out_w - 1, (iw + g.pl) / g.sw);
        for (int64_t oh = oh0; oh <= oh1; oh++) {
          const int64_t hs = oh * g.sh - g.pt, hc = std::min(hs + g.fh, g.in_h) - std::max<int64_t>(hs, 0);
          for (int64_t ow = ow0; ow <= ow1; ow++) {
            const int64_t ws = ow * g.sw - g.pl, wc = std::min(ws + g.fw, g.in_w) - std::max<int64_t>(ws, 0);
            const float scale = 1.0f / float(hc * wc);
            const float* u = dy + ((n * g.out_h + oh) * g.out_w + ow) * C;
            for (int64_t c = 0; c < C; c++) d[c] += u[c] * scale;
          }
        }
      }
    }
  });
}

// For each window, the flat index into x of its first maximum per channel (at, C entries).
void window_argmax(const simd::Table* t, const ConvGeom& g, const float* x, int64_t n, int64_t oh, int64_t ow,
                   float* best, int32_t* at) {
  const int64_t C = g.in_c;
  const int64_t hs = oh * g.sh - g.pt, h0 = std::max<int64_t>(hs, 0), h1 = std::min(hs + g.fh, g.in_h);
  const int64_t ws = ow * g.sw - g.pl, w0 = std::max<int64_t>(ws, 0), w1 = std::min(ws + g.fw, g.in_w);
  const int64_t start = ((n * g.in_h + h0) * g.in_w + w0) * C;
  std::fill(best, best + C, -std::numeric_limits<float>::infinity());
  for (int64_t c = 0; c < C; c++) at[c] = int32_t(start + c);
  for (int64_t ih = h0; ih < h1; ih++)
    for (int64_t iw = w0; iw < w1; iw++) {
      const int64_t base = ((n * g.in_h + ih) * g.in_w + iw) * C;
      t->argmax_update(x + base, best, at, int32_t(base), C);
    }
}

void max_pool_argmax_run(const ConvGeom& g, const float* x, int32_t* out) {
  const simd::Table* t = simd::active();
  const int64_t C = g.in_c, rows = g.batch * g.out_h;
  const bool threaded = rows * g.out_w * C * g.fh * g.fw >= kElementwiseMin;
  parallel_range(rows, grain(rows), threaded ? 2 : rows + 1, [&](int64_t b0, int64_t b1) {
    std::vector<float> best(static_cast<size_t>(C));
    for (int64_t b = b0; b < b1; b++)
      for (int64_t ow = 0; ow < g.out_w; ow++)
        window_argmax(t, g, x, b / g.out_h, b % g.out_h, ow, best.data(), out + (b * g.out_w + ow) * C);
  });
}

// One task per image (windows of one image route only into it): its dx zeroed, then each dy
// element added at its window's first maximum, while the image is in cache.
void max_pool_backprop_run(const ConvGeom& g, const float* x, const float* dy, float* dx) {
  const simd::Table* t = simd::active();
  const int64_t C = g.in_c, image = g.in_h * g.in_w * C;
  const bool threaded = g.batch * g.out_h * g.out_w * C * g.fh * g.fw >= kElementwiseMin;
  run_tasks(g.batch, threaded, [&](int64_t n) {
    std::vector<float> best(static_cast<size_t>(C));
    std::vector<int32_t> at(static_cast<size_t>(C));
    std::fill(dx + n * image, dx + (n + 1) * image, 0.0f);
    for (int64_t oh = 0; oh < g.out_h; oh++)
      for (int64_t ow = 0; ow < g.out_w; ow++) {
        window_argmax(t, g, x, n, oh, ow, best.data(), at.data());
        const float* d = dy + ((n * g.out_h + oh) * g.out_w + ow) * C;
        for (int64_t c = 0; c < C; c++) dx[at[size_t(c)]] += d[c];
      }
  });
}

}  // namespace tapeflow
