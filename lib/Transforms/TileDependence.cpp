// The Presburger relations between a tile loop's iteration points and the tiles they touch, and
// what fusion needs to know from them.
#include "tessel/Transforms/TileLoopFusion.h"

#include "mlir/Analysis/Presburger/IntegerRelation.h"
#include "mlir/Analysis/Presburger/PresburgerRelation.h"
#include "mlir/Dialect/Affine/Analysis/AffineStructures.h"

using namespace mlir;
using namespace mlir::presburger;
using namespace tessel;

/// {(core, iv, step) -> tile} of `access`, its iteration points bounded by their extents.
static FailureOr<IntegerRelation> relationOf(const TileAccess &access) {
  AffineMap map = AffineMap::get(3, 0, access.tile);
  IntegerRelation rel(PresburgerSpace::getRelationSpace());
  if (failed(affine::getRelationFromMap(map, rel)))
    return failure();
  // It gives every dim as a range variable: the map's three are the domain.
  if (rel.getNumDomainVars() == 0)
    rel.convertVarKind(VarKind::Range, 0, 3, VarKind::Domain, 0);
  for (unsigned d = 0; d < 3; ++d) {
    rel.addBound(BoundType::LB, d, 0);
    rel.addBound(BoundType::UB, d, access.extent[d] - 1);
  }
  return rel;
}

/// Adds to `pairs`, a relation from `a`'s iteration points to `b`'s, that b's point comes after
/// a's in the loops' order: its linear index (core, counter, step) is larger.
static void addLater(IntegerRelation &pairs, const TileAccess &a, const TileAccess &b) {
  SmallVector<int64_t> ineq(pairs.getNumCols(), 0);
  auto linear = [](const TileAccess &x) {
    return std::array<int64_t, 3>{x.extent[1] * x.extent[2], x.extent[2], 1};
  };
  for (unsigned d = 0; d < 3; ++d) {
    ineq[d] = -linear(a)[d];
    ineq[3 + d] = linear(b)[d];
  }
  ineq.back() = -1;
  pairs.addInequality(ineq);
}

/// Points of `a` and of `b` that touch the same tile: a's relation then b's inverse.
static IntegerRelation sameTile(const IntegerRelation &a, const IntegerRelation &b) {
  IntegerRelation inverse = b;
  inverse.inverse();
  IntegerRelation pairs = a;
  pairs.compose(inverse);
  return pairs;
}

FailureOr<TileDependence> tessel::analyzeTileDependence(const TileAccess &write, int64_t tiles,
                                                        ArrayRef<TileAccess> reads) {
  FailureOr<IntegerRelation> written = relationOf(write);
  if (failed(written))
    return failure();
  written->addBound(BoundType::LB, 3, 0);
  written->addBound(BoundType::UB, 3, tiles - 1);
  std::vector<IntegerRelation> readRels;
  for (const TileAccess &read : reads) {
    FailureOr<IntegerRelation> rel = relationOf(read);
    if (failed(rel))
      return failure();
    readRels.push_back(*rel);
  }

  TileDependence dep;
  PresburgerSet writtenTiles(written->getRangeSet());
  dep.covered = llvm::all_of(readRels, [&](const IntegerRelation &rel) {
    return PresburgerSet(rel.getRangeSet()).isSubsetOf(writtenTiles);
  });
  // Two points writing one tile: by symmetry, a later one is enough to look for.
  IntegerRelation twoWriters = sameTile(*written, *written);
  addLater(twoWriters, write, write);
  dep.singleWriter = twoWriters.isIntegerEmpty();
  dep.readOnce = true;
  for (size_t a = 0; a < reads.size() && dep.readOnce; ++a)
    for (size_t b = a; b < reads.size() && dep.readOnce; ++b) {
      IntegerRelation twice = sameTile(readRels[a], readRels[b]);
      if (a == b)
        addLater(twice, reads[a], reads[b]);
      dep.readOnce = twice.isIntegerEmpty();
    }
  for (const TileAccess &read : reads)
    dep.reads += read.points();
  return dep;
}
