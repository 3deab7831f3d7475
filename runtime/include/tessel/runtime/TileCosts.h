//===- TileCosts.h - Cycles one core spends per tile instruction ----------===//
//
// Public so that the compiler's cost model charges exactly what the simulator
// charges (runtime/lib/Compute.cpp holds the table).
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_RUNTIME_TILECOSTS_H
#define TESSEL_RUNTIME_TILECOSTS_H

#include "tessel/runtime/Bytecode.h"
#include "tessel/runtime/Chip.h"
#include "tessel/runtime/Formats.h"

namespace tessel::rt {

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
/// CB_TILE_NONZERO: the unpacker streams the tile and flags a non-zero value.
int64_t tileTestCycles(const ChipDesc &chip, DataFormat a);

} // namespace tessel::rt

#endif
