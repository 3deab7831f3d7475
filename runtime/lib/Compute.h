//===- Compute.h - Tile math of the compute thread and its costs ----------===//
#ifndef TESSEL_RUNTIME_LIB_COMPUTE_H
#define TESSEL_RUNTIME_LIB_COMPUTE_H

#include "tessel/runtime/Bytecode.h"
#include "tessel/runtime/Chip.h"
#include "tessel/runtime/Formats.h"

namespace tessel::rt {

// Functional tile math. Every result written to Dst is rounded to `dstFmt`.

/// dst += a x b. With `splitF32` the operands are split into bf16 hi + lo and
/// the product is a_hi*b_hi + a_hi*b_lo + a_lo*b_hi (exact partial products);
/// otherwise each product keeps the mantissa bits `fidelity`'s multiplier
/// phases consume (Compute.cpp). Either way the tile product is summed in f32,
/// then added to dst.
void tileMatmul(const float *a, const float *b, float *dst, bool splitF32,
                ttb::MathFidelity fidelity, DataFormat dstFmt);
/// With `fpu` (operands of an FPU format: bf16, block floats) Mul goes through the
/// multiplier at `fidelity`; f32 operands are multiplied exactly on the SFPU, as are
/// all other ops.
void tileBinary(BinaryOp op, Broadcast bcast, const float *a, const float *b,
                float *dst, bool fpu, ttb::MathFidelity fidelity, DataFormat dstFmt);
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

// Cycle costs of one instruction on one core; see Compute.cpp for the table.

/// Multiplier phases of a matmul: LoFi 1 .. HiFi4 4, f32 operands 6 x HiFi4.
int matmulPhases(ttb::MathFidelity fidelity, bool f32Operands);
int64_t matmulCycles(const ChipDesc &chip, DataFormat a, DataFormat b,
                     ttb::MathFidelity fidelity);
int64_t binaryCycles(const ChipDesc &chip, BinaryOp op, DataFormat a,
                     DataFormat b, ttb::MathFidelity fidelity);
int64_t unaryCycles(const ChipDesc &chip, UnaryOp op);
int64_t dstBinaryCycles(const ChipDesc &chip, BinaryOp op);
int64_t copyCycles(const ChipDesc &chip, DataFormat a);
int64_t transposeCycles(const ChipDesc &chip, DataFormat a);
int64_t reduceCycles(const ChipDesc &chip, DataFormat a,
                     ttb::MathFidelity fidelity);
int64_t maskCycles(const ChipDesc &chip);
int64_t packCycles(const ChipDesc &chip, DataFormat out);

} // namespace tessel::rt

#endif
