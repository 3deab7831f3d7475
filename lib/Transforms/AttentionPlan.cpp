#include "tessel/Transforms/AttentionPlan.h"
#include "tessel/Transforms/ChipInfo.h"
#include "tessel/Transforms/L1Tensors.h"

#include "Tile/TileOps.h"
#include "tessel/runtime/Formats.h"

using namespace mlir;
using namespace tessel;

namespace {
/// What the blocking depends on, in tiles.
struct AttentionShape {
  int64_t batch, queryTiles, queryRows, keyTiles, queryCols, valueCols;
  bool masked;
  int64_t tileBytes;

  static AttentionShape of(graph::SDPAOp op) {
    auto tiled = [](Value v) { return tiledShapeOf(v.getType()); };
    rt::TiledShape q = tiled(op.getQ()), kt = tiled(op.getKt()), v = tiled(op.getV());
    ArrayRef<int64_t> qShape = op.getQ().getType().getShape();
    return {q.batch,
            q.rowsTiles,
            qShape.size() >= 2 ? qShape[qShape.size() - 2] : 1,
            kt.colsTiles,
            q.colsTiles,
            v.colsTiles,
            bool(op.getMask()),
            tile::tileBytes(grid::getLayout(op.getType()).getFormat())};
  }
};
} // namespace

grid::AttentionConfigAttr tessel::chooseAttentionConfig(graph::SDPAOp op,
                                                       const rt::ChipDesc &chip) {
  AttentionShape s = AttentionShape::of(op);
  int64_t budget = chip.l1Bytes - chip.l1ReservedBytes;
  int64_t cores = int64_t(chip.gridX) * chip.gridY;
  int64_t stateTiles = s.queryCols + 2 * (2 + s.valueCols);
  int64_t blockLimit = std::max<int64_t>(1, s.batch * s.queryTiles / cores);
  blockLimit = std::min(blockLimit,
                        std::max<int64_t>(1, budget / 2 / (stateTiles * s.tileBytes)));
  int64_t block = 1, busiest = 0;
  for (int64_t candidate = 1; candidate <= blockLimit; ++candidate) {
    if (s.queryTiles % candidate != 0)
      continue;
    int64_t used = splitOverCores(s.batch * s.queryTiles / candidate, chip).cores();
    if (used >= busiest) {
      busiest = used;
      block = candidate;
    }
  }
  // A decoder's few queries (fewer than a tile's rows) do little work per key tile, and their
  // keys and values stream in: chunks of one key tile let compute follow each read, and leave
  // only one tile's compute after the last (the Llama decode layer's attention over 128 keys:
  // 72.3k cycles as one chunk of four, 69.0k as four of one).
  bool decode = s.queryTiles == 1 && s.queryRows < 32;
  auto chunkBytes = [&](int64_t chunk) {
    int64_t perKeyTile = 2 * s.queryCols + 2 * s.valueCols + (s.masked ? 2 * block : 0) + 2;
    return chunk * perKeyTile * s.tileBytes;
  };
  int64_t chunk = 1;
  for (int64_t candidate = 1; candidate <= (decode ? 1 : s.keyTiles); ++candidate)
    if (s.keyTiles % candidate == 0 &&
        chunkBytes(candidate) <= int64_t((1 - kL1TensorShare) * double(budget)))
      chunk = candidate;
  return grid::AttentionConfigAttr::get(op.getContext(), block, chunk);
}

LogicalResult tessel::verifyAttentionConfig(graph::SDPAOp op,
                                            grid::AttentionConfigAttr config) {
  AttentionShape s = AttentionShape::of(op);
  auto unsuited = [&]() {
    return op.emitError() << "attention config " << config << " does not suit this attention: ";
  };
  if (s.queryTiles % config.getBlock() != 0)
    return unsuited() << "its block of " << config.getBlock() << " query tiles does not divide "
                      << s.queryTiles;
  if (s.keyTiles % config.getChunk() != 0)
    return unsuited() << "its chunk of " << config.getChunk() << " key tiles does not divide "
                      << s.keyTiles;
  return success();
}
