//===- StreamSoftmax.h - Softmax rows too long to hold in L1 ---------------===//
//
// Softmax's kernel holds a row of tiles in L1 while it takes the row's max and sum. A row that
// does not fit (a language model's logits over a large vocabulary) is computed instead by ops
// that each stream the row: a max reduction, a subtraction and exp, a sum reduction, and a
// scale (or, for log-softmax, a subtraction of max + log(sum)). tt-choose-op-configs decides.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_TRANSFORMS_STREAMSOFTMAX_H
#define TESSEL_TRANSFORMS_STREAMSOFTMAX_H

#include "Graph/GraphOps.h"

namespace tessel {

/// L1 bytes per core the softmax kernel needs for one row of `type` (in its layout's format):
/// the row and its exponentials, and five single tiles.
int64_t softmaxRowL1Bytes(mlir::RankedTensorType type);

/// Replaces `op`, a softmax over its last axis, by graph ops that stream its rows: max =
/// reduce max, e = exp(x - max), s = reduce sum(e), and e * (1 / s), or x - (max + log(s)) for
/// log-softmax. The new results take the layout of `op`'s.
void streamSoftmax(graph::SoftmaxOp op);

} // namespace tessel

#endif
