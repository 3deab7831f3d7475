#ifndef TESSEL_DIALECTS_GRAPH_GRAPHDIALECT_H
#define TESSEL_DIALECTS_GRAPH_GRAPHDIALECT_H

#include "mlir/IR/Dialect.h"

#include "Graph/GraphDialect.h.inc"

#endif
