//===- Compute.cpp - Tile math and its cycle costs ------------------------===//
//
// Costs per instruction (cycles, one core; "unpack(f)" is
// tileBytes(f) / unpackBytesPerCycle, "sfpu" is 1024 / sfpuLanes):
//
//   MATMUL     max(16 * phases * 2048 / matmulMacsPerCycle, unpack(a) + unpack(b))
//              phases: LoFi 1, HiFi2 2, HiFi3 3, HiFi4 4; f32 operands 12
//              (three HiFi4 passes of the bf16 split)
//   BINARY     bf16/bfp operands on the FPU: add/sub/max 1024 / fpuAddFlopsPerCycle,
//              mul 1024 / fpuMulFlopsPerCycle * phases; an f32 operand moves it
//              to the SFPU: sfpu; then max with unpack(a) + unpack(b)
//   UNARY      sfpu * op cost (relu, negate, scale, add 1; reciprocal 6; exp 8)
//   COPY       max(unpack(a), 1024 / fpuAddFlopsPerCycle)
//   TRANSPOSE  max(unpack(a), sfpu)
//   REDUCE     max(unpack(a), 16 * phases * 2048 / matmulMacsPerCycle)
//              (a matmul against a scaler tile, as on the hardware)
//   MASK       sfpu
//   PACK       tileBytes(out) / packBytesPerCycle
//
//===----------------------------------------------------------------------===//
#include "Compute.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace tessel::rt {

namespace {
constexpr int N = int(kTileDim);

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

void roundDst(float *dst, DataFormat fmt) { roundTile(dst, fmt); }
} // namespace

void tileMatmul(const float *a, const float *b, float *dst, bool splitF32,
                DataFormat dstFmt) {
  float acc[kTileElems] = {};
  if (!splitF32) {
    for (int i = 0; i < N; ++i)
      for (int k = 0; k < N; ++k) {
        float av = a[i * N + k];
        for (int j = 0; j < N; ++j)
          acc[i * N + j] += av * b[k * N + j];
      }
  } else {
    float aHi[kTileElems], aLo[kTileElems], bHi[kTileElems], bLo[kTileElems];
    for (int64_t e = 0; e < kTileElems; ++e) {
      aHi[e] = roundToFormat(a[e], DataFormat::BFloat16);
      aLo[e] = roundToFormat(a[e] - aHi[e], DataFormat::BFloat16);
      bHi[e] = roundToFormat(b[e], DataFormat::BFloat16);
      bLo[e] = roundToFormat(b[e] - bHi[e], DataFormat::BFloat16);
    }
    for (int i = 0; i < N; ++i)
      for (int k = 0; k < N; ++k) {
        float ah = aHi[i * N + k], al = aLo[i * N + k];
        for (int j = 0; j < N; ++j) {
          float &c = acc[i * N + j];
          c += ah * bHi[k * N + j];
          c += ah * bLo[k * N + j];
          c += al * bHi[k * N + j];
        }
      }
  }
  for (int64_t e = 0; e < kTileElems; ++e)
    dst[e] += acc[e];
  roundDst(dst, dstFmt);
}

void tileBinary(BinaryOp op, Broadcast bcast, const float *a, const float *b,
                float *dst, DataFormat dstFmt) {
  for (int r = 0; r < N; ++r)
    for (int c = 0; c < N; ++c) {
      float x = a[r * N + c], y;
      switch (bcast) {
      case Broadcast::Rows: y = b[c]; break;
      case Broadcast::Cols: y = b[r * N]; break;
      case Broadcast::Scalar: y = b[0]; break;
      default: y = b[r * N + c]; break;
      }
      float v;
      switch (op) {
      case BinaryOp::Add: v = x + y; break;
      case BinaryOp::Sub: v = x - y; break;
      case BinaryOp::Mul: v = x * y; break;
      default: v = std::isnan(x) || std::isnan(y) ? NAN : std::max(x, y); break;
      }
      dst[r * N + c] = v;
    }
  roundDst(dst, dstFmt);
}

void tileUnary(UnaryOp op, float param, float *dst, DataFormat dstFmt) {
  for (int64_t e = 0; e < kTileElems; ++e) {
    float x = dst[e];
    switch (op) {
    case UnaryOp::Relu: x = x > 0 ? x : (std::isnan(x) ? x : 0.0f); break;
    case UnaryOp::Exp: x = std::exp(x); break;
    case UnaryOp::Reciprocal: x = 1.0f / x; break;
    case UnaryOp::Negate: x = -x; break;
    case UnaryOp::Scale: x = x * param; break;
    case UnaryOp::AddScalar: x = x + param; break;
    }
    dst[e] = x;
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
  auto combine = [op](float x, float y) {
    return op == ReduceOp::Sum ? x + y : std::max(x, y);
  };
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
  float f = roundToFormat(fill, dstFmt);
  for (int r = 0; r < N; ++r)
    for (int c = 0; c < N; ++c)
      if (r >= rows || c >= cols)
        dst[r * N + c] = f;
}

int matmulPhases(ttb::MathFidelity fidelity, bool f32Operands) {
  return f32Operands ? 12 : int(fidelity) + 1;
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
  return std::max(fpuMath(chip, matmulPhases(fidelity, f32)),
                  unpack(chip, a) + unpack(chip, b));
}

int64_t binaryCycles(const ChipDesc &chip, BinaryOp op, DataFormat a,
                     DataFormat b, ttb::MathFidelity fidelity) {
  int64_t math;
  if (a == DataFormat::Float32 || b == DataFormat::Float32)
    math = sfpuPass(chip);
  else if (op == BinaryOp::Mul)
    math = ceilDiv(kTileElems, chip.fpuMulFlopsPerCycle) * (int(fidelity) + 1);
  else
    math = ceilDiv(kTileElems, chip.fpuAddFlopsPerCycle);
  return std::max(math, unpack(chip, a) + unpack(chip, b));
}

int64_t unaryCycles(const ChipDesc &chip, UnaryOp op) {
  int cost = 1;
  if (op == UnaryOp::Exp)
    cost = 8;
  else if (op == UnaryOp::Reciprocal)
    cost = 6;
  return sfpuPass(chip) * cost;
}

int64_t copyCycles(const ChipDesc &chip, DataFormat a) {
  return std::max(unpack(chip, a), ceilDiv(kTileElems, chip.fpuAddFlopsPerCycle));
}

int64_t transposeCycles(const ChipDesc &chip, DataFormat a) {
  return std::max(unpack(chip, a), sfpuPass(chip));
}

int64_t reduceCycles(const ChipDesc &chip, DataFormat a,
                     ttb::MathFidelity fidelity) {
  return std::max(unpack(chip, a), fpuMath(chip, matmulPhases(fidelity, false)));
}

int64_t maskCycles(const ChipDesc &chip) { return sfpuPass(chip); }

int64_t packCycles(const ChipDesc &chip, DataFormat out) {
  return ceilDiv(tileBytes(out), chip.packBytesPerCycle);
}

} // namespace tessel::rt
