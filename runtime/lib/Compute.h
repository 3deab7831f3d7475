//===- Compute.h - Tile math of the compute thread and its costs ----------===//
#ifndef TESSEL_RUNTIME_LIB_COMPUTE_H
#define TESSEL_RUNTIME_LIB_COMPUTE_H

#include "HostVectors.h"
#include "tessel/runtime/Bytecode.h"
#include "tessel/runtime/Chip.h"
#include "tessel/runtime/Formats.h"
#include "tessel/runtime/TileCosts.h"


namespace tessel::rt {

// Functional tile math. Every result written to Dst is rounded to `dstFmt`; with an int32 Dst
// the values are int32 slots (Formats.h) and the math is integer.

/// dst += a x b, a and b stored in `fmtA` and `fmtB`. If either is f32 the
/// operands are split into bf16 parts and multiplied exactly part by part;
/// otherwise each product keeps the mantissa bits `fidelity`'s multiplier
/// phases consume (Compute.cpp). Either way the tile product is summed in f32,
/// then added to dst.
void tileMatmul(const float *a, const float *b, float *dst, DataFormat fmtA, DataFormat fmtB,
                ttb::MathFidelity fidelity, DataFormat dstFmt);
/// With `fpu` (operands of an FPU format: bf16, block floats) Mul goes through the
/// multiplier at `fidelity`; f32 operands are multiplied exactly on the SFPU, as are
/// all other ops.
/// With an int32 Dst the op's integer form runs; `fmtA` is a's format, which for a where's
/// condition may be a float's.
void tileBinary(BinaryOp op, Broadcast bcast, const float *a, const float *b,
                float *dst, bool fpu, ttb::MathFidelity fidelity, DataFormat dstFmt,
                DataFormat fmtA = DataFormat::Int32);
/// dst = a op b elementwise, all three Dst tiles (on the SFPU).
void tileDstBinary(BinaryOp op, const float *a, const float *b, float *dst,
                   DataFormat dstFmt);
void tileUnary(UnaryOp op, float param, float *dst, DataFormat dstFmt);
void tileCopy(const float *a, float *dst, DataFormat dstFmt);
void tileTranspose(const float *a, float *dst, DataFormat dstFmt);
void tileReduce(ReduceOp op, int dim, bool accumulate, const float *a,
                float *dst, DataFormat dstFmt);
void tileMask(float *dst, int64_t rows, int64_t cols, float fill,
              DataFormat dstFmt);

} // namespace tessel::rt

#endif
