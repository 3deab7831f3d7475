//===- Compute.cpp - Tile math and its cycle costs ------------------------===//
//
// Costs per instruction (cycles, one core; "unpack(f)" is
// tileBytes(f) / unpackBytesPerCycle, "sfpu" is 1024 / sfpuLanes). The two
// operands go through the two unpackers (unpacker 0 fills srcA, unpacker 1
// srcB) side by side, so a two-operand op pays unpack2 = max(unpack(a),
// unpack(b)); unpacking overlaps the math of the previous tile.
//
//   MATMUL     max(16 * phases * 2048 / matmulMacsPerCycle, unpack2)
//              phases: LoFi 1, HiFi2 2, HiFi3 3, HiFi4 4; f32 operands 24
//              (six HiFi4 passes of the three-way bf16 split); int32 operands 4
//              (exact integer products into an int32 Dst)
//   BINARY     bf16/bfp operands on the FPU: add/sub/max 1024 / fpuAddFlopsPerCycle,
//              mul 1024 / fpuMulFlopsPerCycle * phases; an f32 or int32 operand moves it
//              to the SFPU: sfpu (int32 div/mod/pow: sfpu * 32); then max with unpack2
//   UNARY      sfpu * op cost (relu, negate, scale, add 1; reciprocal 6; exp 8)
//   COPY       max(unpack(a), 1024 / fpuAddFlopsPerCycle)
//   TRANSPOSE  max(unpack(a), sfpu)
//   REDUCE     max(unpack(a), 16 * phases * 2048 / matmulMacsPerCycle)
//              (a matmul against a scaler tile, as on the hardware); int32: max(unpack(a),
//              5 * sfpu), a tree of combining passes on the SFPU
//   MASK       sfpu
//   PACK       tileBytes(out) / packBytesPerCycle
//
// With an int32 Dst (a dispatch of integer math) Dst and the int32 tiles hold int32 values
// (Formats.h's slots), and the binary, unary and Dst ops run their integer forms on the SFPU,
// at the SFPU's costs above: two's complement, wrapping as the chip's int32 adder and
// multiplier do.
//
//===----------------------------------------------------------------------===//
#include "Compute.h"
#include "Bf16.h"
#include "ElementwiseMath.h"
#include "TileProducts.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace tessel::rt {

namespace {
constexpr int N = int(kTileDim);

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

void roundDst(float *dst, DataFormat fmt) { roundTile(dst, fmt); }

uint32_t wrap(int32_t v) { return uint32_t(v); }

int32_t integerBinary(BinaryOp op, int32_t a, int32_t b, int32_t current) {
  switch (op) {
  case BinaryOp::Add: return int32_t(wrap(a) + wrap(b));
  case BinaryOp::Sub: return int32_t(wrap(a) - wrap(b));
  case BinaryOp::Mul: return int32_t(wrap(a) * wrap(b));
  case BinaryOp::Max: return std::max(a, b);
  case BinaryOp::Min: return std::min(a, b);
  case BinaryOp::Equal: return a == b;
  case BinaryOp::Less: return a < b;
  case BinaryOp::Greater: return a > b;
  case BinaryOp::LessEqual: return a <= b;
  case BinaryOp::GreaterEqual: return a >= b;
  case BinaryOp::WhereInto: return a != 0 ? b : current;
  // Division truncates toward zero; Mod takes the divisor's sign (ONNX Mod, numpy's %), Fmod
  // the dividend's. A zero divisor gives 0 (as numpy), INT_MIN / -1 wraps.
  case BinaryOp::Div:
    return b == 0 ? 0 : b == -1 ? int32_t(0u - wrap(a)) : a / b;
  case BinaryOp::Fmod:
    return b == 0 || b == -1 ? 0 : a % b;
  case BinaryOp::Mod: {
    if (b == 0 || b == -1)
      return 0;
    int32_t r = a % b;
    return r != 0 && (r < 0) != (b < 0) ? r + b : r;
  }
  // Squaring and multiplying, wrapping as int32; a negative exponent gives 1 / a truncated.
  case BinaryOp::Pow: {
    if (b < 0)
      return a == 1 ? 1 : a == -1 ? (b % 2 ? -1 : 1) : 0;
    uint32_t result = 1, base = wrap(a);
    for (uint32_t e = uint32_t(b); e; e >>= 1, base *= base)
      if (e & 1)
        result *= base;
    return int32_t(result);
  }
  default: return a; // no integer form: the kernel VM refuses the instruction first
  }
}

int32_t integerUnary(UnaryOp op, int32_t x) {
  switch (op) {
  case UnaryOp::Relu: return std::max(x, 0);
  case UnaryOp::Negate: return int32_t(0u - wrap(x));
  case UnaryOp::Abs: return x < 0 ? int32_t(0u - wrap(x)) : x;
  case UnaryOp::Sign: return (x > 0) - (x < 0);
  default: return x; // no integer form: the kernel VM refuses the instruction first
  }
}
} // namespace

// The FPU multiplier and math fidelity (tt-metal tech_reports/matrix_engine).
// The multiplier is 5 x 7 bits. srcA feeds it the hidden bit and the 4
// mantissa MSBs of its value ("A hi"), or the next 3 bits ("A lo"); srcB the
// hidden bit and 6 MSBs ("B hi") or its 7th mantissa bit ("B lo"). Bits the
// chosen phases do not cover are dropped (truncation toward zero). Each phase
// is one pass over the tile:
//   LoFi   A hi x B hi
//   HiFi2  + A lo x B hi              = A x B hi
//   HiFi3  + A hi x B lo              = A x B hi + A hi x B lo
//   HiFi4  + A lo x B lo              = A x B
// so bf16 operands (7 mantissa bits) are exact at HiFi4, bfp8 (7 magnitude
// bits, no hidden bit) at HiFi2 and bfp4 (3 bits) at LoFi. A matmul unpacks
// in0 to srcB and in1 to srcA; an eltwise op in0 to srcA and in1 to srcB.
// Simplification: the partial products of the phases are summed exactly (they
// fit in f32) and added to Dst once, where the hardware accumulates each pass
// in Dst; the error this leaves out is one rounding of Dst per pass.
namespace {

// Keeps the hidden bit and the top `explicitBits` mantissa bits of `v`
// (Inf and NaN pass unchanged).
float keepMantissa(float v, int explicitBits) {
  uint32_t b;
  std::memcpy(&b, &v, 4);
  if ((b & 0x7F800000u) != 0x7F800000u)
    b &= ~((1u << (23 - explicitBits)) - 1u);
  std::memcpy(&v, &b, 4);
  return v;
}

constexpr int kSrcAHiBits = 4, kSrcBHiBits = 6, kSrcFullBits = 7;

// Mantissa bits below the leading one that a value stored in `fmt` may have (a block float's
// magnitude has no hidden bit: bfp8's 7 bits leave at most 6 below its leading one).
int mantissaBits(DataFormat fmt) {
  switch (fmt) {
  case DataFormat::BFloat16: return 7;
  case DataFormat::Bfp8_b: return 6;
  case DataFormat::Bfp4_b: return 2;
  case DataFormat::Bfp2_b: return 0;
  default: return 23;
  }
}

// One product as the multiplier computes it at `fidelity`.
float fidelityProduct(float srcA, float srcB, ttb::MathFidelity fidelity) {
  float aFull = keepMantissa(srcA, kSrcFullBits), bFull = keepMantissa(srcB, kSrcFullBits);
  float aHi = keepMantissa(srcA, kSrcAHiBits), bHi = keepMantissa(srcB, kSrcBHiBits);
  switch (fidelity) {
  case ttb::MathFidelity::LoFi: return aHi * bHi;
  case ttb::MathFidelity::HiFi2: return aFull * bHi;
  case ttb::MathFidelity::HiFi3: return aFull * bHi + aHi * (bFull - bHi);
  case ttb::MathFidelity::HiFi4: break;
  }
  return aFull * bFull;
}

} // namespace

// The hottest loop of a simulation: compiled for the host's widest vectors too. Products are
// exact (at most 8 + 8 significant bits) and Compute.cpp is built without FMA contraction, so
// every version gives the same bits; TileProducts.h says when the sums may be fused.
TESSEL_WIDE_VECTORS
void tileMatmul(const float *a, const float *b, float *dst, DataFormat fmtA, DataFormat fmtB,
                ttb::MathFidelity fidelity, DataFormat dstFmt) {
  if (dstFmt == DataFormat::Int32) {
    // Integer products summed exactly, then added to Dst wrapping as int32 does.
    for (int i = 0; i < N; ++i)
      for (int j = 0; j < N; ++j) {
        int64_t sum = 0;
        for (int k = 0; k < N; ++k)
          sum += int64_t(slotInt32(a[i * N + k])) * slotInt32(b[k * N + j]);
        float &d = dst[i * N + j];
        d = int32Slot(int32_t(wrap(slotInt32(d)) + uint32_t(uint64_t(sum))));
      }
    return;
  }
  alignas(64) float acc[kTileElems];
  if (fmtA != DataFormat::Float32 && fmtB != DataFormat::Float32) {
    // in0 = a sits in srcB, in1 = b in srcA.
    alignas(64) float x[kTileElems], y[kTileElems];
    switch (fidelity) {
    case ttb::MathFidelity::LoFi:
    case ttb::MathFidelity::HiFi2:
    case ttb::MathFidelity::HiFi4: {
      int keptB = fidelity == ttb::MathFidelity::HiFi4 ? kSrcFullBits : kSrcBHiBits;
      int keptA = fidelity != ttb::MathFidelity::LoFi ? kSrcFullBits : kSrcAHiBits;
      // A format whose values carry no more bits than the multiplier keeps is used as it is.
      const float *xs = a, *ys = b;
      if (mantissaBits(fmtA) > keptB) {
        for (int64_t e = 0; e < kTileElems; ++e)
          x[e] = keepMantissa(a[e], keptB);
        xs = x;
      }
      if (mantissaBits(fmtB) > keptA) {
        for (int64_t e = 0; e < kTileElems; ++e)
          y[e] = keepMantissa(b[e], keptA);
        ys = y;
      }
      // A bf16 or f32 Dst takes the sums as they are made; another is rounded below.
      bool direct = dstFmt == DataFormat::BFloat16 || dstFmt == DataFormat::Float32;
      bool roundBf16 = dstFmt == DataFormat::BFloat16;
      float *to = direct ? dst : acc;
      if (!direct)
        std::memset(acc, 0, sizeof(acc));
      switch (productSums(xs, ys)) {
      case ProductSums::Paired:
        addPairedProducts(xs, ys, to, roundBf16);
        break;
      case ProductSums::Fused:
        addExactProducts(xs, ys, to, roundBf16);
        break;
      case ProductSums::Rounded: // each product rounded: this file is built without contraction
        addProductsForHost(xs, ys, to, roundBf16);
        break;
      }
      if (direct)
        return;
      break;
    }
    case ttb::MathFidelity::HiFi3: {
      // A x B hi + A hi x B lo, with A = b (srcA) and B = a (srcB). The two
      // products of one (i, k, j) are summed exactly before accumulating.
      alignas(64) float xLo[kTileElems], yHi[kTileElems];
      for (int64_t e = 0; e < kTileElems; ++e) {
        x[e] = keepMantissa(a[e], kSrcBHiBits);
        xLo[e] = keepMantissa(a[e], kSrcFullBits) - x[e];
        y[e] = keepMantissa(b[e], kSrcFullBits);
        yHi[e] = keepMantissa(b[e], kSrcAHiBits);
      }
      for (int i = 0; i < N; ++i) {
        float row[N] = {};
        for (int k = 0; k < N; ++k) {
          float hi = x[i * N + k], lo = xLo[i * N + k];
          const float *full = y + k * N, *part = yHi + k * N;
          for (int j = 0; j < N; ++j)
            row[j] += full[j] * hi + part[j] * lo;
        }
        std::memcpy(acc + i * N, row, sizeof(row));
      }
      break;
    }
    }
  } else {
    // f32 operands: each splits into three bf16 parts (8 mantissa bits each, 24
    // in all, f32's precision); the six products whose weight reaches f32's
    // precision are six HiFi4 passes (exact products of bf16 parts), accumulated
    // in f32 in this order. Two parts (bf16x3) would keep only 16 bits, an error
    // of about 1e-5 that ONNX's fp32 tolerances reject.
    alignas(64) float a0[kTileElems], a1[kTileElems], a2[kTileElems];
    alignas(64) float b0[kTileElems], b1[kTileElems], b2[kTileElems];
    for (int64_t e = 0; e < kTileElems; ++e) {
      a0[e] = roundBf16(a[e]);
      a1[e] = roundBf16(a[e] - a0[e]);
      a2[e] = roundBf16(a[e] - a0[e] - a1[e]);
      b0[e] = roundBf16(b[e]);
      b1[e] = roundBf16(b[e] - b0[e]);
      b2[e] = roundBf16(b[e] - b0[e] - b1[e]);
    }
    for (int i = 0; i < N; ++i) {
      float row[N] = {};
      for (int k = 0; k < N; ++k) {
        float x0 = a0[i * N + k], x1 = a1[i * N + k], x2 = a2[i * N + k];
        const float *y0 = b0 + k * N, *y1 = b1 + k * N, *y2 = b2 + k * N;
        for (int j = 0; j < N; ++j) {
          // Smallest terms first, so they are not lost against the largest.
          float small = x0 * y2[j] + x1 * y1[j] + x2 * y0[j];
          float mid = x0 * y1[j] + x1 * y0[j];
          row[j] += x0 * y0[j] + (mid + small);
        }
      }
      std::memcpy(acc + i * N, row, sizeof(row));
    }
  }
  for (int64_t e = 0; e < kTileElems; ++e)
    dst[e] += acc[e];
  roundDst(dst, dstFmt);
}

namespace {
// One loop per op, the op a constant: applyUnary's and applyBinary's switches fold away and the
// cheap ops' loops vectorise, where a switch per value does not. Same values, same order.
template <UnaryOp Op> void unaryTile(float *dst, float param) {
  for (int64_t e = 0; e < kTileElems; ++e)
    dst[e] = applyUnary(Op, dst[e], param);
}

/// dst = f(a, b, dst) with b broadcast as `bcast` says.
template <typename F>
void broadcastTile(Broadcast bcast, const float *a, const float *b, float *dst, F f) {
  for (int r = 0; r < N; ++r) {
    const float *ar = a + r * N;
    float *dr = dst + r * N;
    switch (bcast) {
    case Broadcast::Rows:
      for (int c = 0; c < N; ++c)
        dr[c] = f(ar[c], b[c], dr[c]);
      break;
    case Broadcast::Cols:
    case Broadcast::Scalar: {
      float y = bcast == Broadcast::Cols ? b[r * N] : b[0];
      for (int c = 0; c < N; ++c)
        dr[c] = f(ar[c], y, dr[c]);
      break;
    }
    default:
      for (int c = 0; c < N; ++c)
        dr[c] = f(ar[c], b[r * N + c], dr[c]);
      break;
    }
  }
}

template <BinaryOp Op>
void binaryTile(Broadcast bcast, const float *a, const float *b, float *dst) {
  broadcastTile(bcast, a, b, dst,
                [](float x, float y, float current) { return applyBinary(Op, x, y, current); });
}
} // namespace

void tileBinary(BinaryOp op, Broadcast bcast, const float *a, const float *b,
                float *dst, bool fpu, ttb::MathFidelity fidelity, DataFormat dstFmt,
                DataFormat fmtA) {
  if (dstFmt == DataFormat::Int32) {
    bool floatCondition = fmtA != DataFormat::Int32;
    broadcastTile(bcast, a, b, dst, [op, floatCondition](float x, float y, float current) {
      int32_t lhs = floatCondition ? int32_t(truthOf(x)) : slotInt32(x);
      return int32Slot(integerBinary(op, lhs, slotInt32(y), slotInt32(current)));
    });
    return;
  }
  if (fpu && op == BinaryOp::Mul) {
    // An FPU Mul runs through the multiplier, whose phases drop mantissa bits;
    // f32 operands are multiplied on the SFPU, exactly.
    broadcastTile(bcast, a, b, dst, [fidelity](float x, float y, float) {
      return fidelityProduct(x, y, fidelity);
    });
  } else {
    switch (op) {
    case BinaryOp::Add: binaryTile<BinaryOp::Add>(bcast, a, b, dst); break;
    case BinaryOp::Sub: binaryTile<BinaryOp::Sub>(bcast, a, b, dst); break;
    case BinaryOp::Mul: binaryTile<BinaryOp::Mul>(bcast, a, b, dst); break;
    case BinaryOp::Max: binaryTile<BinaryOp::Max>(bcast, a, b, dst); break;
    case BinaryOp::Min: binaryTile<BinaryOp::Min>(bcast, a, b, dst); break;
    default:
      broadcastTile(bcast, a, b, dst, [op](float x, float y, float current) {
        return applyBinary(op, x, y, current);
      });
      break;
    }
  }
  roundDst(dst, dstFmt);
}

void tileDstBinary(BinaryOp op, const float *a, const float *b, float *dst,
                   DataFormat dstFmt) {
  if (dstFmt == DataFormat::Int32) {
    for (int64_t e = 0; e < kTileElems; ++e)
      dst[e] = int32Slot(
          integerBinary(op, slotInt32(a[e]), slotInt32(b[e]), slotInt32(dst[e])));
    return;
  }
  for (int64_t e = 0; e < kTileElems; ++e)
    dst[e] = applyBinary(op, a[e], b[e], dst[e]);
  roundDst(dst, dstFmt);
}

void tileUnary(UnaryOp op, float param, float *dst, DataFormat dstFmt) {
  if (op == UnaryOp::ToFloat || op == UnaryOp::ToInt) {
    // The same in either 32-bit Dst (a bf16 Dst holds no int32: the kernel VM refuses it).
    for (int64_t e = 0; e < kTileElems; ++e)
      dst[e] = applyUnary(op, dst[e], param);
    return;
  }
  if (dstFmt == DataFormat::Int32) {
    for (int64_t e = 0; e < kTileElems; ++e)
      dst[e] = int32Slot(integerUnary(op, slotInt32(dst[e])));
    return;
  }
  switch (op) {
  case UnaryOp::Relu: unaryTile<UnaryOp::Relu>(dst, param); break;
  case UnaryOp::Negate: unaryTile<UnaryOp::Negate>(dst, param); break;
  case UnaryOp::Scale: unaryTile<UnaryOp::Scale>(dst, param); break;
  case UnaryOp::AddScalar: unaryTile<UnaryOp::AddScalar>(dst, param); break;
  case UnaryOp::Square: unaryTile<UnaryOp::Square>(dst, param); break;
  case UnaryOp::MaxScalar: unaryTile<UnaryOp::MaxScalar>(dst, param); break;
  case UnaryOp::MinScalar: unaryTile<UnaryOp::MinScalar>(dst, param); break;
  case UnaryOp::Reciprocal: unaryTile<UnaryOp::Reciprocal>(dst, param); break;
  case UnaryOp::DivScalar: unaryTile<UnaryOp::DivScalar>(dst, param); break;
  default:
    for (int64_t e = 0; e < kTileElems; ++e)
      dst[e] = applyUnary(op, dst[e], param);
    break;
  }
  roundDst(dst, dstFmt);
}

void tileCopy(const float *a, float *dst, DataFormat dstFmt) {
  std::memcpy(dst, a, sizeof(float) * kTileElems);
  roundDst(dst, dstFmt);
}

void tileTranspose(const float *a, float *dst, DataFormat dstFmt) {
  for (int r = 0; r < N; ++r)
    for (int c = 0; c < N; ++c)
      dst[c * N + r] = a[r * N + c];
  roundDst(dst, dstFmt);
}

void tileReduce(ReduceOp op, int dim, bool accumulate, const float *a,
                float *dst, DataFormat dstFmt) {
  if (dstFmt == DataFormat::Int32) {
    BinaryOp combine = op == ReduceOp::Sum ? BinaryOp::Add
                       : op == ReduceOp::Max ? BinaryOp::Max
                       : op == ReduceOp::Min ? BinaryOp::Min
                                             : BinaryOp::Mul;
    auto fold = [combine](int32_t x, int32_t y) { return integerBinary(combine, x, y, 0); };
    for (int i = 0; i < N; ++i) {
      int32_t v = slotInt32(dim == 0 ? a[i * N] : a[i]);
      for (int k = 1; k < N; ++k)
        v = fold(v, slotInt32(dim == 0 ? a[i * N + k] : a[k * N + i]));
      float &out = dim == 0 ? dst[i * N] : dst[i];
      out = int32Slot(accumulate ? fold(slotInt32(out), v) : v);
    }
    return;
  }
  auto combine = [op](float x, float y) { return applyReduce(op, x, y); };
  for (int i = 0; i < N; ++i) {
    // dim 0: row i across its columns into column 0; dim 1: column i into row 0.
    float v = dim == 0 ? a[i * N] : a[i];
    for (int k = 1; k < N; ++k)
      v = combine(v, dim == 0 ? a[i * N + k] : a[k * N + i]);
    float &out = dim == 0 ? dst[i * N] : dst[i];
    out = roundToFormat(accumulate ? combine(out, v) : v, dstFmt);
  }
}

void tileMask(float *dst, int64_t rows, int64_t cols, float fill,
              DataFormat dstFmt) {
  float f = dstFmt == DataFormat::Int32 ? int32Slot(saturateInt32(fill))
                                         : roundToFormat(fill, dstFmt);
  for (int r = 0; r < N; ++r)
    for (int c = 0; c < N; ++c)
      if (r >= rows || c >= cols)
        dst[r * N + c] = f;
}

int matmulPhases(ttb::MathFidelity fidelity, bool f32Operands) {
  return f32Operands ? 24 : int(fidelity) + 1;
}

namespace {
int64_t unpack(const ChipDesc &chip, DataFormat f) {
  return ceilDiv(tileBytes(f), chip.unpackBytesPerCycle);
}
int64_t sfpuPass(const ChipDesc &chip) { return ceilDiv(kTileElems, chip.sfpuLanes); }
int64_t fpuMath(const ChipDesc &chip, int phases) {
  return ceilDiv(16 * phases * 2048, chip.matmulMacsPerCycle);
}
} // namespace

int64_t matmulCycles(const ChipDesc &chip, DataFormat a, DataFormat b,
                     ttb::MathFidelity fidelity) {
  bool f32 = a == DataFormat::Float32 || b == DataFormat::Float32;
  // Integer operands take every multiplier phase, whatever the fidelity: the products are exact.
  if (a == DataFormat::Int32 || b == DataFormat::Int32)
    fidelity = ttb::MathFidelity::HiFi4;
  return std::max(fpuMath(chip, matmulPhases(fidelity, f32)),
                  std::max(unpack(chip, a), unpack(chip, b)));
}

int64_t binaryCycles(const ChipDesc &chip, BinaryOp op, DataFormat a,
                     DataFormat b, ttb::MathFidelity fidelity) {
  int64_t math;
  // The FPU has no int32 datapath: integer math runs on the SFPU, where a division is a loop of
  // shifts and subtracts, one per quotient bit, and a power a loop of squarings, one per bit.
  bool integer = a == DataFormat::Int32 || b == DataFormat::Int32;
  bool divides = op == BinaryOp::Div || op == BinaryOp::Mod || op == BinaryOp::Fmod ||
                 op == BinaryOp::Pow;
  if (integer && divides)
    math = sfpuPass(chip) * 32;
  else if (a == DataFormat::Float32 || b == DataFormat::Float32 || integer || !binaryOnFpu(op))
    math = sfpuPass(chip) * binarySfpuCost(op);
  else if (op == BinaryOp::Mul)
    math = ceilDiv(kTileElems, chip.fpuMulFlopsPerCycle) * (int(fidelity) + 1);
  else
    math = ceilDiv(kTileElems, chip.fpuAddFlopsPerCycle);
  return std::max(math, std::max(unpack(chip, a), unpack(chip, b)));
}

int64_t tileTestCycles(const ChipDesc &chip, DataFormat a) { return unpack(chip, a) + 1; }

int64_t unaryCycles(const ChipDesc &chip, UnaryOp op) {
  return sfpuPass(chip) * unarySfpuCost(op);
}

int64_t dstBinaryCycles(const ChipDesc &chip, BinaryOp op) {
  return sfpuPass(chip) * binarySfpuCost(op);
}

int64_t copyCycles(const ChipDesc &chip, DataFormat a) {
  return std::max(unpack(chip, a), ceilDiv(kTileElems, chip.fpuAddFlopsPerCycle));
}

int64_t transposeCycles(const ChipDesc &chip, DataFormat a) {
  return std::max(unpack(chip, a), sfpuPass(chip));
}

int64_t reduceCycles(const ChipDesc &chip, DataFormat a,
                     ttb::MathFidelity fidelity) {
  // The FPU reduces floats as a matmul against a scaler tile; int32 tiles fold on the SFPU, a
  // tree of 5 combining passes over the tile's 32 lanes.
  if (a == DataFormat::Int32)
    return std::max(unpack(chip, a), 5 * sfpuPass(chip));
  return std::max(unpack(chip, a), fpuMath(chip, matmulPhases(fidelity, false)));
}

int64_t maskCycles(const ChipDesc &chip) { return sfpuPass(chip); }

int64_t packCycles(const ChipDesc &chip, DataFormat out) {
  return ceilDiv(tileBytes(out), chip.packBytesPerCycle);
}

} // namespace tessel::rt
