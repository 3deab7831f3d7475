//===- TileLoopIndex.h - Reading the indices of a dispatch's tile loop ----===//
//
// A tile loop (the body tt-lower-graph-to-grid gives a dispatch) computes the tile each read
// and store touches from the running core, the unit loop's counter and a reduction's step
// counter. tt-fuse-tile-loops builds its dependence relations from these expressions and
// tt-lower-grid-to-kernels checks the loop's shape with them.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_TRANSFORMS_TILELOOPINDEX_H
#define TESSEL_TRANSFORMS_TILELOOPINDEX_H

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/AffineExpr.h"

namespace tessel {

/// The trip count of an scf.for from 0 by 1 to a constant, if it is one.
std::optional<int64_t> tripCount(mlir::scf::ForOp loop);

/// `v` as an affine expression through the constants and affine.apply ops that compute it, with
/// `leaf` giving the expressions of the values it stops at (null: look further); null when `v`
/// is computed otherwise.
mlir::AffineExpr affineExprOf(mlir::Value v,
                              llvm::function_ref<mlir::AffineExpr(mlir::Value)> leaf);

/// Index `v` over d0 = the running core, d1 = the unit loop's counter `iv` and d2 = a step
/// loop's counter `step`, through the constants and affine.apply ops that compute it; null
/// when it is computed otherwise.
mlir::AffineExpr indexExpr(mlir::Value v, mlir::Value iv, mlir::Value step);

/// Whether `a` and `b` agree over dims of the given sizes: their difference simplifies to 0
/// there (canonicalization may have written either in another form).
bool agreeOver(mlir::AffineExpr a, mlir::AffineExpr b, llvm::ArrayRef<int64_t> sizes);

/// Whether `unit` is the running core's `iv`-th unit: core_index linear * perCore + iv (or
/// the core's index itself, when it has one unit).
bool isUnitOfCore(mlir::Value unit, mlir::Value iv, int64_t perCore);

} // namespace tessel

#endif
