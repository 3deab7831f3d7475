#include "tessel/Transforms/ZeroTiles.h"

#include "Graph/GraphOps.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace tessel;

namespace {
constexpr int64_t kTile = 32, kTileElems = kTile * kTile;
} // namespace

std::optional<ConstantTiles> tessel::constantTiles(Value rhs) {
  auto constant = rhs.getDefiningOp<graph::ConstantOp>();
  if (!constant)
    return std::nullopt;
  ArrayRef<int64_t> shape = constant.getType().getShape();
  if (shape.size() < 2 || llvm::any_of(shape.drop_back(2), [](int64_t d) { return d != 1; }))
    return std::nullopt;
  ConstantTiles t;
  t.rows = shape[shape.size() - 2];
  t.cols = shape.back();
  t.kt = (t.rows + kTile - 1) / kTile;
  t.nt = (t.cols + kTile - 1) / kTile;
  if (t.nt > kTileElems)
    return std::nullopt;
  std::optional<std::vector<float>> values = graph::readF32Elements(constant.getValue());
  if (!values)
    return std::nullopt;
  t.values = std::move(*values);
  t.place.assign(size_t(t.tiles()), 0);
  for (int64_t r = 0; r < t.rows; ++r)
    for (int64_t c = 0; c < t.cols; ++c)
      if (t.values[size_t(r * t.cols + c)] != 0.0f)
        t.place[size_t(t.tileOf(r, c))] = 1;
  for (int64_t &p : t.place)
    if (p)
      p = ++t.stored;
  return t;
}

std::vector<float> ConstantTiles::packed() const {
  std::vector<float> out(size_t(stored * kTileElems), 0.0f);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      if (int64_t p = place[size_t(tileOf(r, c))])
        out[size_t((p - 1) * kTileElems + (r % kTile) * kTile + c % kTile)] =
            values[size_t(r * cols + c)];
  return out;
}

int64_t ConstantTiles::mapStride() const { return int64_t(llvm::PowerOf2Ceil(uint64_t(nt))); }

int64_t ConstantTiles::mapTiles() const {
  return std::max<int64_t>(1, (kt * mapStride() + kTileElems - 1) / kTileElems);
}

std::vector<float> ConstantTiles::map() const {
  std::vector<float> out(size_t(mapTiles() * kTileElems), 0.0f);
  for (int64_t k = 0; k < kt; ++k)
    for (int64_t n = 0; n < nt; ++n)
      out[size_t(k * mapStride() + n)] = float(place[size_t(k * nt + n)]);
  return out;
}
