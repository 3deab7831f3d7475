//===- Normalization.h - graph.layer_norm and graph.rms_norm in passes ----===//
//
// Both normalisations lower to one row loop that holds a row of tiles in L1 while it takes the
// row's statistics. That loop normalises over the last axis only, with a scale and bias that
// are rows; the other forms, and rows L1 cannot hold, are expanded back into reduces and
// elementwise ops (tt-decompose-graph and tt-choose-op-configs).
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_TRANSFORMS_NORMALIZATION_H
#define TESSEL_TRANSFORMS_NORMALIZATION_H

#include "Graph/GraphOps.h"
#include "mlir/IR/PatternMatch.h"

namespace tessel {

/// What graph.layer_norm and graph.rms_norm have in common.
struct NormView {
  mlir::Operation *op = nullptr;
  mlir::Value input, scale, bias;
  int64_t axis = 0;
  float epsilon = 0;
  bool rms = false;

  /// The view of `op` when it is a layer_norm or an rms_norm.
  static std::optional<NormView> of(mlir::Operation *op);
  mlir::RankedTensorType type() const;
};

/// Whether the row kernel computes `norm`: over the last axis, with a scale and bias (when
/// given) of one value per column.
bool normHasRowKernel(const NormView &norm);

/// L1 bytes per core the row kernel needs at least for one row of `norm` (in its result's
/// format): the row, the centred row (layer norm), the scale and bias rows, and eight single
/// tiles.
int64_t normRowL1Bytes(const NormView &norm);

/// Rows of tiles of `norm`'s result: the row kernel's units, a core each.
int64_t normTileRows(const NormView &norm);

/// Tiles of one of those rows.
int64_t normRowTiles(const NormView &norm);

/// Replaces `norm` by the reduces and elementwise ops it stands for; the new tensors take its
/// result's encoding.
void expandNorm(mlir::RewriterBase &rewriter, const NormView &norm);

/// The tiles of one channel of graph.group_norm's [N, C, spatial...] (its spatial dims but the
/// last two, times the tiles of those two): a sample's group is that times its channels, and
/// consecutive.
int64_t groupNormChannelTiles(graph::GroupNormOp op);

/// L1 bytes per core graph.group_norm's kernel needs: a sample's group twice (as read and
/// centred), a tile per channel of the group for each parameter, and nine single tiles.
int64_t groupNormL1Bytes(graph::GroupNormOp op);

/// Replaces `op` by a reshape to [N, G, rest], the reduces and elementwise ops of its
/// normalisation, a reshape back and the per-channel scale and bias; the new tensors take its
/// result's encoding.
void expandGroupNorm(mlir::RewriterBase &rewriter, graph::GroupNormOp op);

} // namespace tessel

#endif
