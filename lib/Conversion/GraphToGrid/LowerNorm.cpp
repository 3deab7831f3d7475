// graph.layer_norm and graph.rms_norm over the last axis as a row loop, one row of tiles per
// unit held in L1 (grid.load_row): the row's statistics, then the row normalised, scaled and
// shifted.
//   layer: m = rowsum(x) / n; c = x - m; r = rsqrt(rowsum(c * c) / n + eps); y = c * r * g + b
//   rms:                              r = rsqrt(rowsum(x * x) / n + eps); y = x * r * g
// The sum of squares accumulates in a second Dst register while the first squares each tile, so
// only the centred row is kept besides the input. Padding columns of the centred row are masked
// (they would hold -m); padding of the result is masked to zeros as every kernel leaves it.
#include "Lowerings.h"
#include "tessel/Transforms/Normalization.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::lowering;

FailureOr<Value> tessel::lowering::lowerNorm(OpBuilder &b, Operation *op,
                                             const LoweringOptions &opts) {
  NormView norm = *NormView::of(op);
  StringRef name = norm.rms ? "rms_norm" : "layer_norm";
  if (!normHasRowKernel(norm))
    return op->emitError() << name
                           << " must be over the last axis with row parameters here; run "
                              "tt-decompose-graph first";
  int64_t budget = opts.chip.l1Bytes - opts.chip.l1ReservedBytes;
  if (normRowL1Bytes(norm) > budget)
    return op->emitError() << "a " << name << " row of " << norm.type().getShape().back()
                           << " values does not fit one core's L1; run tt-choose-op-configs, "
                              "which expands it";
  MLIRContext *ctx = b.getContext();
  Location loc = op->getLoc();
  RankedTensorType type = norm.type();
  TiledView view = TiledView::of(type);
  tile::DataFormat format = grid::getLayout(type).getFormat(), acc = opts.dstFormat;
  int64_t nt = view.nt;
  bool partialCols = view.cols % 32 != 0, partial = partialCols || view.rows % 32 != 0;
  float inverseCount = 1.0f / float(view.cols);

  SmallVector<Value> inputs{norm.input};
  for (Value p : {norm.scale, norm.bias})
    if (p)
      inputs.push_back(p);
  DispatchBuilder db(b, loc, name, splitOverCores(view.batch * view.mt, opts.chip), inputs,
                     {type}, opts);
  AffineExpr d0 = getAffineDimExpr(0, ctx), d1 = getAffineDimExpr(1, ctx);
  AffineExpr tileOf = d0 * nt + d1; // (row unit, column tile)
  // The next row streams in while this one is normalised, when L1 has room for it.
  bool prefetch = normRowL1Bytes(norm) + nt * tile::tileBytes(format) <= budget;

  db.tileLoop();
  // Every row shares the parameters: each core reads them once, the one row of values a tile
  // that the FPU broadcasts.
  SmallVector<Value> params;
  for (unsigned k = 1; k < inputs.size(); ++k)
    params.push_back(db.loadRow(db.input(k), db.index(0), d1, nt,
                                DispatchBuilder::RowRead::firstRows));
  Value scaleRow = norm.scale ? params[0] : Value();
  Value biasRow = norm.bias ? params.back() : Value();
  auto noTiles = [](ArrayRef<Value>, ArrayRef<Value>, Value) {};

  db.loop(db.split().perCore, [&](Value iv) {
    Value unit = db.unit(iv);
    Value x = db.loadRow(db.input(0), unit, tileOf, nt, DispatchBuilder::RowRead::tiles, prefetch);
    // Folds `tile` into the sum accumulator `sum` in Dst: REDUCE reads a tile, not Dst, so a
    // square computed on Dst is packed first.
    auto addRowSums = [&](Value sum, ArrayRef<Value> tiles, Value j,
                          function_ref<Value(ArrayRef<Value> t)> prepare) {
      SmallVector<Value> in{sum};
      in.append(tiles.begin(), tiles.end());
      return db.compute(in, {unit, j}, acc, [&](ArrayRef<Value> t, ArrayRef<Value>, Value dst) {
        db.copy(t[0], dst);
        db.reduce(tile::ReduceKind::sum, 0, prepare(t.drop_front()), dst, true);
      });
    };

    Value mean;
    if (!norm.rms) {
      Value sum = db.loopCarrying(
          0, nt, db.compute({}, unit, acc, noTiles), [&](Value j, ValueRange carried) {
            return SmallVector<Value>{addRowSums(carried[0], db.rowTile(x, j), j,
                                                 [](ArrayRef<Value> t) { return t[0]; })};
          })[0];
      mean = db.compute(sum, unit, format, [&](ArrayRef<Value> t, ArrayRef<Value>, Value dst) {
        db.copy(t[0], dst);
        db.unary(tile::UnaryKind::scale, dst, inverseCount);
      });
    }
    // The squares' sum: of the row, or of its centred tiles, which a row keeps for the output.
    Value squares, centred;
    Value zeroSum = db.compute({}, unit, acc, noTiles);
    if (norm.rms) {
      squares = db.loopCarrying(0, nt, zeroSum, [&](Value j, ValueRange carried) {
        return SmallVector<Value>{
            addRowSums(carried[0], db.rowTile(x, j), j, [&](ArrayRef<Value> t) {
              db.binary(tile::BinaryKind::mul, tile::Broadcast::none, t[0], t[0], db.index(1));
              return db.packTile(db.index(1), format);
            })};
      })[0];
    } else {
      ValueRange both = db.loopCarrying(
          0, nt, {db.emptyRow(format, nt), zeroSum}, [&](Value j, ValueRange carried) {
            Value c = db.compute(
                {db.rowTile(x, j), mean}, {unit, j}, format,
                [&](ArrayRef<Value> t, ArrayRef<Value> idx, Value dst) {
                  db.binary(tile::BinaryKind::sub, tile::Broadcast::cols, t[0], t[1], dst);
                  if (partialCols)
                    db.mask(dst, db.index(32), db.apply(view.cols - d0 * 32, idx[1]), 0.0f);
                });
            Value next = addRowSums(carried[1], c, j, [&](ArrayRef<Value> t) {
              db.copy(t[0], db.index(1));
              db.unary(tile::UnaryKind::square, db.index(1));
              return db.packTile(db.index(1), format);
            });
            return SmallVector<Value>{db.rowInsert(c, carried[0], j), next};
          });
      centred = both[0];
      squares = both[1];
    }
    Value rstd =
        db.compute(squares, unit, format, [&](ArrayRef<Value> t, ArrayRef<Value>, Value dst) {
          db.copy(t[0], dst);
          db.unary(tile::UnaryKind::scale, dst, inverseCount);
          db.unary(tile::UnaryKind::shift, dst, norm.epsilon);
          db.unary(tile::UnaryKind::rsqrt, dst);
        });

    db.loop(nt, [&](Value j) {
      SmallVector<Value> in{db.rowTile(centred ? centred : x, j), rstd};
      for (Value p : params)
        in.push_back(db.rowTile(p, j));
      Value y = db.compute(in, {unit, j}, format,
                           [&](ArrayRef<Value> t, ArrayRef<Value> idx, Value dst) {
        db.binary(tile::BinaryKind::mul, tile::Broadcast::cols, t[0], t[1], dst);
        // The parameters broadcast their one row; the FPU combines tiles, not Dst.
        unsigned k = 2;
        for (auto [param, kind] : {std::pair(scaleRow, tile::BinaryKind::mul),
                                   std::pair(biasRow, tile::BinaryKind::add)})
          if (param)
            db.binary(kind, tile::Broadcast::rows, db.packTile(dst, format), t[k++], dst);
        if (partial)
          db.mask(dst, db.apply(view.rows - (d0 % view.mt) * 32, idx[0]),
                  db.apply(view.cols - d0 * 32, idx[1]), 0.0f);
      });
      b.create<grid::StoreOp>(loc, y, db.output(0), db.apply(tileOf, {unit, j}),
                              AffineMapAttr::get(AffineMap::getMultiDimIdentityMap(1, ctx)));
    });
  });
  return db.results()[0];
}

// graph.group_norm of [N, C, spatial...] (rank 4 or more) as a row loop, one sample's group per
// unit: its channels' tiles are consecutive, cg * planes * mt * nt of them, the unit's row. The
// statistics are one value for the whole group: each tile's row sums accumulate in column 0 of
// Dst, whose column is then summed into [0, 0] (a second reduction over the packed partial
// sums), and broadcast as a scalar. Padding rows and columns of the centred tiles are masked.
// Each channel's scale and bias value is read into the first position of a tile of its own
// (a row of the unit's cg channels), broadcast as a scalar too.
FailureOr<Value> tessel::lowering::lowerGroupNorm(OpBuilder &b, graph::GroupNormOp op,
                                                  const LoweringOptions &opts) {
  RankedTensorType type = op.getType();
  if (type.getRank() < 4)
    return op.emitError("group_norm needs [N, C, spatial...] with two spatial dims or more "
                        "here; run tt-decompose-graph first");
  int64_t budget = opts.chip.l1Bytes - opts.chip.l1ReservedBytes;
  if (groupNormL1Bytes(op) > budget)
    return op.emitError("a group_norm group does not fit one core's L1; run "
                        "tt-choose-op-configs, which expands it");
  MLIRContext *ctx = b.getContext();
  Location loc = op.getLoc();
  TiledView view = TiledView::of(type);
  tile::DataFormat format = grid::getLayout(type).getFormat(), acc = opts.dstFormat;
  ArrayRef<int64_t> shape = type.getShape();
  int64_t channels = shape[1], groups = op.getNumGroups(), cg = channels / groups;
  int64_t planeTiles = groupNormChannelTiles(op);
  int64_t tiles = cg * planeTiles, units = shape[0] * groups;
  int64_t count = cg * (view.batch / (shape[0] * channels)) * view.rows * view.cols;
  bool partial = view.rows % 32 != 0 || view.cols % 32 != 0;
  float inverseCount = 1.0f / float(count);

  SmallVector<Value> inputs{op.getInput()};
  for (Value p : {op.getScale(), op.getBias()})
    if (p)
      inputs.push_back(p);
  DispatchBuilder db(b, loc, "group_norm", splitOverCores(units, opts.chip), inputs, {type},
                     opts);
  AffineExpr d0 = getAffineDimExpr(0, ctx), d1 = getAffineDimExpr(1, ctx);
  AffineExpr tileOf = d0 * tiles + d1;            // (unit, tile of the group)
  AffineExpr channelOf = (d0 % groups) * cg + d1; // (unit, channel of the group)
  AffineExpr rowsLeft = view.rows - ((d0.floorDiv(view.nt)) % view.mt) * 32;
  AffineExpr colsLeft = view.cols - (d0 % view.nt) * 32;
  auto scalar = tile::Broadcast::scalar;

  db.tileLoop();
  db.loop(db.split().perCore, [&](Value iv) {
    Value unit = db.unit(iv);
    Value x = db.loadRow(db.input(0), unit, tileOf, tiles);
    SmallVector<Value> params;
    for (unsigned k = 1; k < inputs.size(); ++k)
      params.push_back(
          db.loadRow(db.input(k), unit, channelOf, cg, DispatchBuilder::RowRead::scalars));
    Value scaleRow = op.getScale() ? params[0] : Value();
    Value biasRow = op.getBias() ? params.back() : Value();
    auto noTiles = [](ArrayRef<Value>, ArrayRef<Value>, Value) {};
    // Folds the row sums of a tile into the accumulator `sum`, in column 0.
    auto addRowSums = [&](Value sum, Value tile, Value t, bool squared) {
      return db.compute({sum, tile}, {unit, t}, acc,
                        [&](ArrayRef<Value> in, ArrayRef<Value>, Value dst) {
        db.copy(in[0], dst);
        Value summed = in[1];
        if (squared) {
          db.copy(in[1], db.index(1));
          db.unary(tile::UnaryKind::square, db.index(1));
          summed = db.packTile(db.index(1), format);
        }
        db.reduce(tile::ReduceKind::sum, 0, summed, dst, true);
      });
    };
    // The group's mean of what `sum` holds: its column summed into [0, 0], over the count;
    // REDUCE reads a tile, so the partial sums are packed first.
    auto groupMean = [&](Value sum, function_ref<void(Value dst)> then) {
      return db.compute(sum, unit, format, [&](ArrayRef<Value> in, ArrayRef<Value>, Value dst) {
        db.copy(in[0], dst);
        db.reduce(tile::ReduceKind::sum, 1, db.packTile(dst, format), dst, false);
        db.unary(tile::UnaryKind::scale, dst, inverseCount);
        then(dst);
      });
    };

    Value sum = db.loopCarrying(
        0, tiles, db.compute({}, unit, acc, noTiles), [&](Value t, ValueRange carried) {
          return SmallVector<Value>{addRowSums(carried[0], db.rowTile(x, t), t, false)};
        })[0];
    Value mean = groupMean(sum, [](Value) {});
    ValueRange both = db.loopCarrying(
        0, tiles, {db.emptyRow(format, tiles), db.compute({}, unit, acc, noTiles)},
        [&](Value t, ValueRange carried) {
          Value c = db.compute({db.rowTile(x, t), mean}, {unit, t}, format,
                               [&](ArrayRef<Value> in, ArrayRef<Value> idx, Value dst) {
                                 db.binary(tile::BinaryKind::sub, scalar, in[0], in[1], dst);
                                 if (partial)
                                   db.mask(dst, db.apply(rowsLeft, idx[1]),
                                           db.apply(colsLeft, idx[1]), 0.0f);
                               });
          return SmallVector<Value>{db.rowInsert(c, carried[0], t),
                                    addRowSums(carried[1], c, t, true)};
        });
    Value centred = both[0];
    Value rstd = groupMean(both[1], [&](Value dst) {
      db.unary(tile::UnaryKind::shift, dst, op.getEpsilon().convertToFloat());
      db.unary(tile::UnaryKind::rsqrt, dst);
    });

    db.loop(tiles, [&](Value t) {
      SmallVector<Value> in{db.rowTile(centred, t), rstd};
      Value channel = db.apply(d0.floorDiv(planeTiles), t);
      for (Value p : params)
        in.push_back(db.rowTile(p, channel));
      Value y = db.compute(in, {unit, t}, format,
                           [&](ArrayRef<Value> v, ArrayRef<Value> idx, Value dst) {
        db.binary(tile::BinaryKind::mul, scalar, v[0], v[1], dst);
        // The FPU combines tiles, not Dst.
        unsigned k = 2;
        for (auto [param, kind] : {std::pair(scaleRow, tile::BinaryKind::mul),
                                   std::pair(biasRow, tile::BinaryKind::add)})
          if (param)
            db.binary(kind, scalar, db.packTile(dst, format), v[k++], dst);
        if (partial)
          db.mask(dst, db.apply(rowsLeft, idx[1]), db.apply(colsLeft, idx[1]), 0.0f);
      });
      b.create<grid::StoreOp>(loc, y, db.output(0), db.apply(tileOf, {unit, t}),
                              AffineMapAttr::get(AffineMap::getMultiDimIdentityMap(1, ctx)));
    });
  });
  return db.results()[0];
}
