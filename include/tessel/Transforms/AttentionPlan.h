//===- AttentionPlan.h - How attention's queries and keys are blocked -----===//
//
// graph.sdpa runs as one FlashAttention-style dispatch (tt-lower-graph-to-grid): a unit is a
// block of query tiles of one batch element, whose core streams the keys and values through
// L1 in chunks of key tiles, each chunk read once for the whole block. tt-choose-op-configs
// records the blocking as #grid.attention_config; the lowering reads it.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_TRANSFORMS_ATTENTIONPLAN_H
#define TESSEL_TRANSFORMS_ATTENTIONPLAN_H

#include "Graph/GraphOps.h"
#include "Grid/GridDialect.h"
#include "tessel/runtime/Chip.h"

namespace tessel {

/// The blocking of `op` on `chip`: of the blocks that divide a batch element's query tiles
/// and keep the block's state (its queries, the running maximum, sum and output, twice) in
/// half the usable L1, the one whose units split over the most cores, then the largest (each
/// block reads every key and value once); and chunks, the longest divisor of the key tiles
/// whose buffers (keys and values twice, the mask's tiles twice per query tile, scores and
/// probabilities) fit the share of L1 that tensors kept between ops leave, or one key tile for
/// a decoder's few queries, which then compute each tile as it comes.
grid::AttentionConfigAttr chooseAttentionConfig(graph::SDPAOp op, const rt::ChipDesc &chip);

/// Whether `config` blocks `op`: an error on `op` when its block does not divide the query
/// tiles or its chunk the key tiles.
mlir::LogicalResult verifyAttentionConfig(graph::SDPAOp op, grid::AttentionConfigAttr config);

} // namespace tessel

#endif
