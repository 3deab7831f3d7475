// Sampling at positions computed at run time (GridSample) and signal windows (Hann, Hamming,
// Blackman, MelWeightMatrix): interpolation weights and window values computed on the chip.
//
// The parameters (the grid, the window size...) may be fed at run time while the output shape is
// static, so the weights are built on the chip with elementwise ops against iota constants of
// the positions, the way ResizeOps.cpp builds its run-time interpolation matrices, and applied
// with graph.matmul.
#include "ChipArith.h"

#include <cmath>

using namespace mlir;
using namespace tessel;
using namespace tessel::onnx_import;



//===----------------------------------------------------------------------===//
// GridSample
//===----------------------------------------------------------------------===//
//
// The samples follow PyTorch's grid_sampler, which the ONNX spec and its test data mirror. Each
// output position p reads the input at (x, y) from the grid, and the interpolation weight of
// input pixel (i, j) factors as Wy[i, p] * Wx[j, p]: bilinear and nearest pick taps around the
// padded coordinate, bicubic pads each of its 4 taps per axis. The dense weight matrix
// [N, H*W, Ho*Wo] costs H*W*Ho*Wo elements per batch, fine for the small images GridSample is
// used on; the product is then a single batched matmul on the chip.

namespace {
struct GridSampleMode {
  std::string mode, padding;
  bool alignCorners;
};
} // namespace

/// The grid coordinate `component` (0 for x, 1 for y) of every output position as [N, 1, P].
static Value gridComponent(NodeContext &ctx, Value grid, int64_t component) {
  ArrayRef<int64_t> shape = shapeOf(grid);
  int64_t n = shape[0], positions = shape[1] * shape[2];
  Value flat = reshapeTo(ctx, grid, {n, positions, 2});
  MLIRContext *c = ctx.builder.getContext();
  return remap(
      ctx, flat, RankedTensorType::get({n, 1, positions}, ctx.builder.getF32Type()),
      {getAffineDimExpr(0, c), getAffineDimExpr(2, c), getAffineConstantExpr(component, c)});
}

/// PyTorch's reflect_coordinates: `v` folded into [low / 2, high / 2] by mirroring at its ends.
static Value reflect(Chip &c, Value v, double twiceLow, double twiceHigh) {
  if (twiceLow == twiceHigh)
    return c.mul(v, 0.0);
  double low = twiceLow / 2, span = (twiceHigh - twiceLow) / 2;
  Value distance = c.abs(c.sub(v, low));
  Value extra = c.mod(distance, span);
  Value odd = c.mod(c.floor(c.div(distance, span)), 2.0);
  // Even flips keep low + extra, odd ones mirror it to low + span - extra.
  return c.add(c.add(extra, low), c.mul(odd, c.sub(span, c.mul(extra, 2.0))));
}

/// PyTorch's compute_coordinates: the coordinate `v` of an axis of `size` after border or
/// reflection padding; zeros padding leaves it, and positions outside then weigh nothing.
static Value padCoordinate(Chip &c, const GridSampleMode &m, Value v, int64_t size) {
  double last = (double)(size - 1);
  if (m.padding == "zeros")
    return v;
  if (m.padding == "reflection")
    v = m.alignCorners ? reflect(c, v, 0, 2 * last) : reflect(c, v, -1, 2 * (double)size - 1);
  return c.clamp(v, 0.0, last);
}

/// The cubic convolution weights (A = -0.75) of the 4 taps of a position `t` past the second.
static SmallVector<Value> cubicWeights(Chip &c, Value t) {
  const double A = -0.75;
  // |d| <= 1: ((A + 2) d - (A + 3)) d^2 + 1; 1 < |d| < 2: ((A d - 5A) d + 8A) d - 4A.
  auto nearW = [&](Value d) {
    return c.add(c.mul(c.mul(c.sub(c.mul(d, A + 2), A + 3), d), d), 1.0);
  };
  auto farW = [&](Value d) {
    return c.sub(c.mul(c.add(c.mul(c.sub(c.mul(d, A), 5 * A), d), 8 * A), d), 4 * A);
  };
  return {farW(c.add(t, 1.0)), nearW(t), nearW(c.sub(1.0, t)), farW(c.sub(2.0, t))};
}

/// The weights [N, size, P] of the input positions of one axis for the unnormalized source
/// coordinates `coord` [N, 1, P].
static Value axisWeights(Chip &c, const GridSampleMode &m, Value coord, int64_t size) {
  NodeContext &ctx = c.ctx;
  Value positions = iota(ctx, size, 1);
  if (m.mode == "bicubic") {
    Value base = c.floor(coord);
    SmallVector<Value> weights = cubicWeights(c, c.sub(coord, base));
    Value matrix;
    for (int64_t k = 0; k < 4; ++k) {
      Value tap = padCoordinate(c, m, c.add(base, (double)(k - 1)), size);
      Value term = c.mul(weights[k], c.eq(positions, tap));
      matrix = matrix ? c.add(matrix, term) : term;
    }
    return matrix;
  }
  Value distance = c.abs(c.sub(padCoordinate(c, m, coord, size), positions));
  if (m.mode == "bilinear")
    return unary(ctx, graph::UnaryKind::relu, c.sub(1.0, distance));
  // Nearest rounds half to even: a tie picks the even neighbour.
  SmallVector<double> even;
  for (int64_t j = 0; j < size; ++j)
    even.push_back(j % 2 == 0 ? 1.0 : 0.0);
  Value tie = c.mul(c.eq(distance, 0.5), c.constants({size, 1}, even));
  return c.add(c.lt(distance, 0.5), tie);
}

/// The source coordinate along an axis of `size` of the normalized grid values `g` in [-1, 1].
static Value unnormalize(Chip &c, const GridSampleMode &m, Value g, int64_t size) {
  double s = (double)size;
  if (m.alignCorners)
    return c.mul(c.div(c.add(g, 1.0), 2.0), s - 1);
  return c.div(c.sub(c.mul(c.add(g, 1.0), s), 1.0), 2.0);
}

static FailureOr<GridSampleMode> gridSampleMode(NodeContext &ctx) {
  GridSampleMode m{ctx.stringAttr("mode", "bilinear"), ctx.stringAttr("padding_mode", "zeros"),
                   ctx.intAttr("align_corners", 0) != 0};
  // Opset 20 renames the modes.
  if (m.mode == "linear")
    m.mode = "bilinear";
  else if (m.mode == "cubic")
    m.mode = "bicubic";
  if (m.mode != "bilinear" && m.mode != "nearest" && m.mode != "bicubic")
    return ctx.emitError() << "GridSample mode '" << m.mode << "' is not supported";
  if (m.padding != "zeros" && m.padding != "border" && m.padding != "reflection")
    return ctx.emitError() << "GridSample padding_mode '" << m.padding << "' is not supported";
  return m;
}

static Result convertGridSample(NodeContext &ctx) {
  auto m = gridSampleMode(ctx);
  if (failed(m))
    return failure();
  Chip c(ctx);
  Value x = castElements(ctx, ctx.operands[0], c.f32());
  Value grid = castElements(ctx, ctx.operands[1], c.f32());
  ArrayRef<int64_t> in = shapeOf(x), g = shapeOf(grid);
  if (in.size() != 4 || g.size() != 4 || g[3] != 2 || g[0] != in[0])
    return ctx.emitError() << "GridSample supports only 2-D sampling: X [N, C, H, W] and grid "
                              "[N, Ho, Wo, 2]";
  int64_t n = in[0], channels = in[1], h = in[2], w = in[3], positions = g[1] * g[2];
  Value wx = axisWeights(c, *m, unnormalize(c, *m, gridComponent(ctx, grid, 0), w), w);
  Value wy = axisWeights(c, *m, unnormalize(c, *m, gridComponent(ctx, grid, 1), h), h);
  Value weights =
      c.mul(reshapeTo(ctx, wy, {n, h, 1, positions}), reshapeTo(ctx, wx, {n, 1, w, positions}));
  weights = reshapeTo(ctx, weights, {n, h * w, positions});
  Value pixels = reshapeTo(ctx, x, {n, channels, h * w});
  Value y = ctx.builder.create<graph::MatMulOp>(
      ctx.loc, RankedTensorType::get({n, channels, positions}, c.f32()), pixels, weights);
  y = reshapeTo(ctx, y, {n, channels, g[1], g[2]});
  return one(castElements(ctx, y, ctx.resultTypes[0].getElementType()));
}

//===----------------------------------------------------------------------===//
// Windows
//===----------------------------------------------------------------------===//

/// The window of a size known here, in f64.
static SmallVector<double> windowValues(ArrayRef<double> coefficients, int64_t length,
                                        bool periodic) {
  double span = (double)(periodic ? length : length - 1);
  SmallVector<double> values;
  for (int64_t n = 0; n < length; ++n) {
    double v = 0;
    for (auto [k, a] : llvm::enumerate(coefficients))
      v += (k % 2 == 0 ? a : -a) * std::cos(2 * M_PI * (double)k * (double)n / span);
    values.push_back(v);
  }
  return values;
}

/// A generalized cosine window sum_k (-1)^k a_k cos(2 pi k n / N) over n = 0..size-1, where N is
/// the size (periodic) or size - 1 (symmetric) and the size, operand 0, may come at run time;
/// the output length is the static result shape. A constant size gives a constant window.
static Result cosineWindow(NodeContext &ctx, ArrayRef<double> coefficients) {
  RankedTensorType out = ctx.resultTypes[0];
  if (out.getRank() != 1)
    return ctx.emitError() << ctx.node.op_type() << " output must be 1-D";
  int64_t length = out.getDimSize(0);
  bool periodic = ctx.intAttr("periodic", 1) != 0;
  Value size = runtimeOperand(ctx, 0);
  if (!size) {
    auto known = ctx.constantOperand(0);
    if (!known || known->size() != 1 || (int64_t)known->front() != length)
      return ctx.emitError() << ctx.node.op_type() << " size does not match its output length "
                             << length;
    return one(constant(ctx, out, windowValues(coefficients, length, periodic)));
  }
  Chip c(ctx);
  Value span = periodic ? c.scalar(size) : c.sub(c.scalar(size), 1.0);
  // n / N first, so that the last sample of a symmetric window sits exactly on a full turn.
  Value turns = c.div(iota(ctx, length), span);
  Value y;
  for (size_t k = 1; k < coefficients.size(); ++k) {
    double scale = k % 2 == 0 ? coefficients[k] : -coefficients[k];
    Value angle = c.mul(turns, 2 * M_PI * (double)k);
    Value term = c.mul(c.apply(graph::UnaryKind::cos, angle), scale);
    y = y ? c.add(y, term) : term;
  }
  y = c.add(coefficients[0], y);
  return one(castElements(ctx, y, out.getElementType()));
}

static Result convertHannWindow(NodeContext &ctx) { return cosineWindow(ctx, {0.5, 0.5}); }

static Result convertHammingWindow(NodeContext &ctx) {
  return cosineWindow(ctx, {25.0 / 46.0, 21.0 / 46.0});
}

static Result convertBlackmanWindow(NodeContext &ctx) {
  return cosineWindow(ctx, {0.42, 0.5, 0.08});
}

//===----------------------------------------------------------------------===//
// MelWeightMatrix
//===----------------------------------------------------------------------===//

/// The mel scale of the frequency `hertz`, and back.
static Value toMel(Chip &c, Num hertz) {
  Value ratio = c.add(c.div(hertz, 700.0), 1.0);
  return c.mul(c.apply(graph::UnaryKind::log, ratio), 2595.0 / std::log(10.0));
}

static Value fromMel(Chip &c, Value mel) {
  Value power = c.op(graph::BinaryKind::pow, 10.0, c.div(mel, 2595.0));
  return c.mul(c.sub(power, 1.0), 700.0);
}

/// MelWeightMatrix (opset 17): triangular filters [bins, mels] between the mels + 2 band edges
/// spread evenly on the mel scale, each edge rounded down to a spectrogram bin as the reference
/// does. Every parameter may come at run time; the static output shape gives the counts.
static Result convertMelWeightMatrix(NodeContext &ctx) {
  RankedTensorType out = ctx.resultTypes[0];
  if (out.getRank() != 2)
    return ctx.emitError() << "MelWeightMatrix output must be 2-D";
  int64_t bins = out.getDimSize(0), mels = out.getDimSize(1);
  Chip c(ctx);
  Value dftLength = c.scalar(ctx.operands[1]), sampleRate = c.scalar(ctx.operands[2]);
  Value lowMel = toMel(c, c.scalar(ctx.operands[3]));
  Value highMel = toMel(c, c.scalar(ctx.operands[4]));
  Value melStep = c.div(c.sub(highMel, lowMel), (double)(mels + 2));
  Value edgeMel = c.add(c.mul(reshapeTo(ctx, iota(ctx, mels + 2), {1, mels + 2}), melStep), lowMel);
  Value edges = c.floor(c.div(c.mul(fromMel(c, edgeMel), c.add(dftLength, 1.0)), sampleRate));
  MLIRContext *m = ctx.builder.getContext();
  auto edge = [&](int64_t k) {
    return remap(ctx, edges, RankedTensorType::get({1, mels}, c.f32()),
                 {getAffineDimExpr(0, m), getAffineDimExpr(1, m) + k});
  };
  Value low = edge(0), center = edge(1), high = edge(2);
  Value j = iota(ctx, bins, 1);
  // Rising from the low edge to 1 at the center, falling to the high edge; the divisors are at
  // least 1 where the ranges are not empty.
  Value rising = c.mul(c.mul(c.le(low, j), c.lt(j, center)),
                       c.div(c.sub(j, low), c.max(c.sub(center, low), 1.0)));
  Value falling = c.mul(c.mul(c.lt(center, j), c.lt(j, high)),
                        c.div(c.sub(high, j), c.max(c.sub(high, center), 1.0)));
  Value y = c.add(c.add(rising, falling), c.eq(j, center));
  return one(castElements(ctx, y, out.getElementType()));
}

//===----------------------------------------------------------------------===//
// STFT
//===----------------------------------------------------------------------===//
//
// The frames are picked from the signal by a one-hot matrix [F*M, S] (frame f, sample n reads
// f * step + n), built on the chip since the step may come at run time, and then go through the
// DFT as matmuls with cosine and sine matrices [bins, M]. M is the frame length when it is
// static (a window, or a constant frame_length); a run-time frame_length L is bounded by the
// static number of bins (L is 2 bins - 2 or 2 bins - 1 when one-sided, bins otherwise), samples
// n >= L are masked out and the matrices are computed on the chip from L.

namespace {
struct FrameLength {
  int64_t max; // the static bound M of the frame length
  Num length;  // the frame length L, a run-time scalar or a constant
};
} // namespace

static FailureOr<FrameLength> stftFrameLength(Chip &c, int64_t bins, bool onesided,
                                              int64_t signalLength) {
  NodeContext &ctx = c.ctx;
  Value window = optionalOperand(ctx, 2);
  if (window) {
    if (shapeOf(window).size() != 1)
      return ctx.emitError() << "STFT window must be 1-D";
    int64_t m = shapeOf(window)[0];
    return FrameLength{m, (double)m};
  }
  if (!optionalOperand(ctx, 3))
    return ctx.emitError() << "STFT needs a window or a frame_length";
  if (auto l = ctx.constantOperand(3)) {
    if (l->size() != 1 || l->front() <= 0)
      return ctx.emitError() << "STFT frame_length must be one positive value";
    return FrameLength{saturatingInt64(l->front()), (double)l->front()};
  }
  int64_t max = std::min(onesided ? 2 * bins - 1 : bins, signalLength);
  return FrameLength{max, c.scalar(ctx.operands[3])};
}

/// The cosine and sine matrices [bins, M] of a DFT of L points: constants for a static L, exact
/// at the quarter turns as the reference's FFT is.
static std::pair<Value, Value> dftMatrices(Chip &c, int64_t bins, const FrameLength &f) {
  if (!f.length.value) {
    auto length = (int64_t)f.length.number;
    SmallVector<double> cosines, sines;
    for (int64_t k = 0; k < bins; ++k)
      for (int64_t n = 0; n < f.max; ++n) {
        int64_t r = k * n % length;
        double angle = 2 * M_PI * (double)r / (double)length;
        bool quarter = 4 * r % length == 0;
        cosines.push_back(quarter ? std::round(std::cos(angle)) : std::cos(angle));
        sines.push_back(quarter ? std::round(std::sin(angle)) : std::sin(angle));
      }
    return {c.constants({bins, f.max}, cosines), c.constants({bins, f.max}, sines)};
  }
  // k n mod L keeps the angles within one turn, where f32 cos and sin are accurate; the masks
  // zero the quarter turns that f32 pi misses and the samples past L.
  Value k = iota(c.ctx, bins, 1), n = reshapeTo(c.ctx, iota(c.ctx, f.max), {1, f.max});
  Value length = f.length.value, r = c.mod(c.mul(k, n), length);
  Value angle = c.mul(c.div(r, length), 2 * M_PI);
  Value inside = c.lt(n, length);
  Value quarters = c.mul(r, 4.0);
  Value cosZero = c.max(c.eq(quarters, length), c.eq(quarters, c.mul(length, 3.0)));
  Value sinZero = c.eq(c.mul(r, 2.0), length);
  Value cosines = c.mul(c.apply(graph::UnaryKind::cos, angle), c.mul(inside, c.sub(1.0, cosZero)));
  Value sines = c.mul(c.apply(graph::UnaryKind::sin, angle), c.mul(inside, c.sub(1.0, sinZero)));
  return {cosines, sines};
}

/// The frames [B * F, M, C] of the signal [B, S, C]: frame f, sample n reads f * step + n.
static Value stftFrames(Chip &c, Value signal, Num step, int64_t frames, int64_t m) {
  NodeContext &ctx = c.ctx;
  ArrayRef<int64_t> shape = shapeOf(signal);
  int64_t batch = shape[0], length = shape[1], components = shape[2];
  Value start = c.add(c.mul(iota(ctx, frames, 1), step), reshapeTo(ctx, iota(ctx, m), {1, m}));
  start = reshapeTo(ctx, start, {frames * m, 1});
  Value pick = c.eq(start, iota(ctx, length));
  Value picked = ctx.builder.create<graph::MatMulOp>(
      ctx.loc, RankedTensorType::get({batch, frames * m, components}, c.f32()), pick, signal);
  return reshapeTo(ctx, picked, {batch * frames, m, components});
}

static Result convertSTFT(NodeContext &ctx) {
  Chip c(ctx);
  Value signal = castElements(ctx, ctx.operands[0], c.f32());
  RankedTensorType out = ctx.resultTypes[0];
  ArrayRef<int64_t> in = shapeOf(signal);
  if (in.size() != 3 || (in[2] != 1 && in[2] != 2) || out.getRank() != 4)
    return ctx.emitError() << "STFT signal must be [batch, length, 1 or 2]";
  int64_t batch = in[0], frames = out.getDimSize(1), bins = out.getDimSize(2);
  bool onesided = ctx.intAttr("onesided", 1) != 0;
  auto f = stftFrameLength(c, bins, onesided, in[1]);
  if (failed(f))
    return failure();
  Num step = 0.0;
  if (auto s = ctx.constantOperand(1))
    step = (double)s->front();
  else
    step = c.scalar(ctx.operands[1]);
  Value x = stftFrames(c, signal, step, frames, f->max);
  if (Value window = optionalOperand(ctx, 2))
    x = c.mul(x, reshapeTo(ctx, castElements(ctx, window, c.f32()), {f->max, 1}));
  auto [cosines, sines] = dftMatrices(c, bins, *f);
  auto apply = [&](Value matrix) -> Value {
    return ctx.builder.create<graph::MatMulOp>(
        ctx.loc, RankedTensorType::get({batch * frames, bins, in[2]}, c.f32()), matrix, x);
  };
  // X = sum x e^{-i theta}: re = C re + S im, im = C im - S re.
  SmallVector<double> fromCos{1, 0, 0, 1}, fromSin{0, 1, -1, 0};
  if (in[2] == 1) {
    fromCos = {1, 0};
    fromSin = {0, -1};
  }
  Value y = c.add(alongAxis(ctx, apply(cosines), 2, 2, fromCos),
                  alongAxis(ctx, apply(sines), 2, 2, fromSin));
  y = reshapeTo(ctx, y, {batch, frames, bins, 2});
  return one(castElements(ctx, y, out.getElementType()));
}

void tessel::onnx_import::addSamplingConverters(ConverterMap &map) {
  map["GridSample"] = convertGridSample;
  map["HannWindow"] = convertHannWindow;
  map["HammingWindow"] = convertHammingWindow;
  map["BlackmanWindow"] = convertBlackmanWindow;
  map["STFT"] = convertSTFT;
  map["MelWeightMatrix"] = convertMelWeightMatrix;
}
