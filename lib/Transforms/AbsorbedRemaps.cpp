#include "tessel/Transforms/AbsorbedRemaps.h"

using namespace tessel;

bool tessel::absorbableIntoReduce(graph::RemapOp op) {
  return graph::gatherRunLength(op) >= kMinAbsorbedRun;
}

bool tessel::absorbableIntoMatmul(graph::RemapOp op) {
  return (!op.readsPadding() || op.getPadding().isZero()) && absorbableIntoReduce(op);
}
