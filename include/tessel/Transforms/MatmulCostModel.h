//===- MatmulCostModel.h - Cycles of a matmul under a blocking -----------===//
//
// The model tt-choose-op-configs ranks matmul blockings with. It charges what
// the simulator charges (the tile costs are the runtime's own), on the critical
// path of one core: the compute thread's tile math, reloads and packs, the wait
// for the first K chunk, the chunks whose operands arrive slower than they are
// consumed, and the whole chip's DRAM bandwidth as a floor.
// test/e2e/test_cost_model.py checks its ranking and error against tt-run.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_TRANSFORMS_MATMULCOSTMODEL_H
#define TESSEL_TRANSFORMS_MATMULCOSTMODEL_H

#include "tessel/runtime/Chip.h"
#include "tessel/runtime/TileCosts.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <algorithm>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

namespace tessel::cost {

/// A multicasting sender reads and multicasts a chunk in pieces of about this many tiles:
/// larger pieces pay the DRAM latency less often, smaller ones start multicasting sooner.
/// Measured on a bf16 2048^3 matmul (8x8 blocks, K chunks of 16): 309.9k, 304.1k, 305.1k and
/// 307.8k cycles for pieces of 8, 16, 32 and 64 tiles.
inline constexpr int64_t kPieceTiles = 16;

/// The share of NoC0's link capacity that all-to-all reads of L1 tensors get (measured in
/// MatmulCostModel.cpp).
inline constexpr double kL1NocEfficiency = 0.45;
/// How much more a gather from L1 gets than kL1NocEfficiency's all-to-all reads: each request
/// goes over the NoC whose route is shorter (noc.read_runs over nearer), so the reads load both
/// NoCs' links over routes of 5.5 hops on average instead of 8 on wormhole_b0's 10 x 8 torus
/// (2.9 at most). Measured on ResNet-50's stem at batch 16 in bf16 (64 cores gathering 103 MB of
/// windows from an L1-interleaved tensor): blocks of 14, 49 and 49 row tiles (K chunks of 2, 2,
/// 1) took 180.5k, 188.7k and 240.4k cycles, estimated 198.0k, 181.7k and 226.1k with 2.5
/// (440k, 390k, 384k with the all-to-all figure).
inline constexpr double kL1GatherNocFactor = 2.5;

/// The rows of a `rows` x `cols` tile block that make one piece (whole rows, dividing `rows`).
inline int64_t rowsPerPiece(int64_t rows, int64_t cols) {
  int64_t best = 1;
  for (int64_t r = 1; r <= rows; ++r)
    if (rows % r == 0 && r * cols <= std::max(kPieceTiles, cols))
      best = r;
  return best;
}

/// Whether a shared chunk of `rows` x `cols` tiles is spread over several senders. A sender
/// multicasts a piece while it reads the next, so one sender of many pieces hides its reads;
/// with two pieces or fewer it cannot, and several senders reading at once pay the DRAM latency
/// once. A one-dimensional grid always spreads: its one group is the whole rectangle, whose
/// cores would otherwise all wait on one sender.
inline bool spreadsChunk(int64_t rows, int64_t cols, bool twoDimensional, int64_t passes) {
  return !twoDimensional || (passes == 1 && rows / rowsPerPiece(rows, cols) <= 2);
}

/// How a shared chunk of `rows` x `cols` tiles is cut into pieces: whole rows of about
/// kPieceTiles tiles, or, when its pieces are spread over a group of `groupSize` cores, as many
/// pieces as the group has cores where the chunk divides so: fewer rows per piece, then rows cut
/// into columns too.
struct PieceShape {
  int64_t rows, cols;
};
inline PieceShape pieceShape(int64_t rows, int64_t cols, bool spread, int64_t groupSize) {
  PieceShape shape{rowsPerPiece(rows, cols), cols};
  int64_t rowPieces = rows / shape.rows;
  if (!spread || rowPieces >= groupSize)
    return shape;
  for (int64_t r = rowPieces; r <= std::min(rows, groupSize); ++r)
    if (rows % r == 0)
      rowPieces = r, shape.rows = rows / r;
  for (int64_t q = 1; q <= cols; ++q)
    if (cols % q == 0 && rowPieces * q <= groupSize)
      shape.cols = cols / q;
  return shape;
}

/// The cores among `groupSize` that read and multicast a shared chunk of `pieces` pieces: as
/// many as can take an equal share, so that the pieces' DRAM reads overlap.
inline int64_t sendersOf(int64_t pieces, int64_t groupSize) {
  int64_t best = 1;
  for (int64_t s = 1; s <= std::min(pieces, groupSize); ++s)
    if (pieces % s == 0)
      best = s;
  return best;
}

/// How a chunk of `rows` x `cols` tiles shared by a group of `groupSize` cores travels: in
/// `pieces` pieces of `shape`, read and multicast by `senders` members of the group (spread when
/// spreadsChunk says so). A group of one core reads its own chunk in pieces of whole rows.
struct ChunkPieces {
  PieceShape shape;
  int64_t pieces, senders;
};
inline ChunkPieces chunkPieces(int64_t rows, int64_t cols, bool twoDimensional, int64_t passes,
                               int64_t groupSize) {
  bool spread = spreadsChunk(rows, cols, twoDimensional, passes);
  PieceShape shape = pieceShape(rows, cols, spread, groupSize);
  int64_t pieces = (rows / shape.rows) * (cols / shape.cols);
  return {shape, pieces, spread ? sendersOf(pieces, groupSize) : 1};
}

/// A rectangle of `cores` cores (width, height) that fits the grid at its origin, widest
/// first; none if there is none.
std::optional<std::pair<int64_t, int64_t>> rectangle(const rt::ChipDesc &chip, int64_t cores);

/// Cycles from the end of one dispatch to the start of the next, over `width` x `height` cores
/// from (0, 0): the chip's launch, or, where consecutive dispatches join one program (`joined`:
/// tt-form-programs will run and the chip has a kernel config buffer), the barrier between
/// them: a semaphore from the farthest core to the first and the go multicast back (the
/// runtime's joinedStart). The joined dispatch's configuration, streamed with its program, is
/// left out: fusing two dispatches moves it rather than removes it, and a split's reduce kernel
/// is small.
double dispatchGapCycles(const rt::ChipDesc &chip, bool joined, int64_t width, int64_t height);

/// A matmul seen in tiles: batch x (mt x kt) times (kt x nt).
struct MatmulProblem {
  int64_t batch = 1, mt = 1, nt = 1, kt = 1;
  rt::DataFormat lhs = rt::DataFormat::BFloat16, rhs = rt::DataFormat::BFloat16,
                 out = rt::DataFormat::BFloat16;
  ttb::MathFidelity fidelity = ttb::MathFidelity::HiFi4;
  /// Tiles Dst holds for one sub-block (half of Dst: the other half is packed meanwhile).
  int64_t dstCapacity = 8;
  /// A fused bias (its tiles are held per pass) and the cycles the epilogue (bias, residual,
  /// activation, masking) adds to each output tile.
  bool hasBias = false;
  rt::DataFormat bias = rt::DataFormat::BFloat16;
  /// A fused residual: one tile per output tile, read by the reader as the block finishes.
  bool hasResidual = false;
  rt::DataFormat residual = rt::DataFormat::BFloat16;
  int64_t epilogueCycles = 0;
  /// A fused ReLU, which costs no epilogue cycles: the packer applies it (the other
  /// activations are in epilogueCycles).
  bool packerRelu = false;
  /// With `lhs = gather` the reader assembles each lhs tile from runs of a remap's input: the
  /// requests it makes per tile (reads and fills) and the bytes a read moves. 0: whole tiles.
  int64_t lhsRuns = 0, lhsRunBytes = 0;
  /// Operands (for a gathered lhs, the remap's input) and result kept in L1 between ops: their
  /// tiles are NoC hops away and no DRAM channel carries them.
  bool lhsInL1 = false, rhsInL1 = false, residualInL1 = false, outInL1 = false;
  /// An lhs (for a gathered one, the remap's input) height-sharded over a rectangle of cores,
  /// in shards of `lhsShardRows` row tiles of the same positions as the output's rows (0: it is
  /// not). Cores that compute those rows, in that order, read their rows from their own L1
  /// (their windows from their own and a neighbour's).
  int64_t lhsShardRows = 0, lhsShardCoresX = 0, lhsShardCoresY = 0;
  /// The same for the residual: a core that computes a shard's rows reads them in its own L1.
  int64_t residualShardRows = 0, residualShardCoresX = 0, residualShardCoresY = 0;
  /// A constant rhs whose all-zero tiles the kernels skip: the tiles stored, read and
  /// multiplied (0: a dense rhs, every tile).
  int64_t rhsStoredTiles = 0;
  /// How many of those tiles each of the rhs's nt tile columns stores (null: unknown, the
  /// stored ones taken as spread evenly).
  std::shared_ptr<const std::vector<int64_t>> rhsStoredPerColumn;
  /// The share of the lhs's tiles that are all zeros, as a profile measured them (0: unknown).
  double lhsZeroShare = 0.0;

  /// The share of the rhs's tiles that are read and multiplied.
  double rhsDensity() const {
    return rhsStoredTiles > 0 ? double(rhsStoredTiles) / double(kt * nt) : 1.0;
  }
  /// The share of the rhs's tiles that the busiest of `plan`'s cores multiplies: the cores of
  /// a pass meet at every chunk's multicast, so the column block with the most stored tiles
  /// bounds each pass (a random half of a 1024 x 1024 weight's tiles zero: blocks of four
  /// columns hold 53 to 72 of their 128 tiles).
  double rhsBusiestDensity(const struct MatmulPlan &plan) const;
  /// Whether `plan`'s cores read their lhs from their own shard (gather it from their own
  /// shard and its neighbours').
  bool readsLhsLocally(const struct MatmulPlan &plan) const;
  /// Whether `plan`'s cores read their residual from their own shard.
  bool readsResidualLocally(const struct MatmulPlan &plan) const;
};

/// Matmuls estimated shorter spread their multicasts and DRAM reads over both NoCs
/// (MatmulPlan::spreadsOverNocs).
inline constexpr int64_t kSpreadNocsBelowCycles = 20000;

/// The same fields as #grid.matmul_config.
struct MatmulPlan {
  int64_t gridM = 1, gridN = 1, coresX = 1, coresY = 1;
  int64_t blockM = 1, blockN = 1, subM = 1, subN = 1, kChunk = 1;
  /// Whether shared operand blocks are multicast (always, in a two-dimensional grid) or read by
  /// every core itself.
  bool multicast = true;
  /// Rectangles stacked in y that take the batch in turn (multicast only).
  int64_t groups = 1;
  /// The writer stores a pass's output block while it feeds the next pass's K chunks, a share
  /// after each, rather than as the last chunk finishes it (with several passes of several
  /// chunks): the block waits in L1, and its writes, which converge on the few links into DRAM,
  /// overlap compute instead of holding up the next pass's rhs.
  bool deferWrites = false;
  /// Compute tests each lhs tile and skips the products of those that are all zeros.
  bool skipZeroLhs = false;

  /// Whether its multicasts and its operands' DRAM reads spread over both NoCs, each core's on
  /// the NoC of its parity, rather than all over NoC 1 and NoC 0: in a short matmul (estimated
  /// below kSpreadNocsBelowCycles) whose product stays in L1, but not in a grid whose cores each
  /// read their own rhs from DRAM, whose responses fill NoC 0's links. A short matmul waits on
  /// each chunk's multicasts, which one NoC's links serialise; a long one streams, and its
  /// multicasts over NoC 0 take the links the DRAM responses need. Measured on ResNet-50 at
  /// batch 1 (every matmul short) with every multicast spread: the grids that share the rhs
  /// (its first stages) 1.05 to 1.25x faster, in bf16 and bfp4, and those that read it for
  /// themselves (its last stage) 1.05 to 1.2x slower; with every DRAM read spread too,
  /// two-dimensional grids (its third stage) another 1.05 to 1.1x faster. Long ones spread: at
  /// batch 16 in bf16 3,709.2 -> 3,763.2 us, the BERT-Large layer 1,842.7 -> 1,865.0 us; a
  /// 2048^3 bfp4 matmul whose product goes to DRAM over both NoCs 84.0k -> 95.2k cycles.
  bool spreadsOverNocs(bool rhsInL1, bool outInL1, int64_t estimatedCycles) const {
    return multicast && coresX * coresY > 1 && outInL1 &&
           estimatedCycles < kSpreadNocsBelowCycles && (gridN == 1 || gridM > 1 || rhsInL1);
  }

  /// Whether deferWrites applies: several passes of several chunks.
  bool defersWrites(const MatmulProblem &p) const {
    return deferWrites && passes(p) > 1 && chunks(p) > 1;
  }

  /// Whether the partial sums of a pass's K chunks are packed onto each other in the output
  /// block's buffer (the packer's L1 accumulation), which then holds the whole block (two
  /// where the writes are deferred: the last pass's waits for the writer), rather than into a
  /// buffer of partial sums reloaded into Dst: where the block needs no epilogue and its format
  /// is one the packer accumulates in.
  bool accumulatesInL1(const MatmulProblem &p) const {
    return chunks(p) > 1 && !p.hasBias && !p.hasResidual && !p.packerRelu &&
           p.epilogueCycles == 0 &&
           (p.out == rt::DataFormat::BFloat16 || p.out == rt::DataFormat::Float32);
  }

  /// Cores of every group's rectangle together.
  int64_t cores() const { return coresX * coresY * groups; }
  /// Output blocks, batch included.
  int64_t blocks(const MatmulProblem &p) const {
    return p.batch * (p.mt / blockM) * (p.nt / blockN);
  }
  /// With multicast the rectangle's rows and columns hold fixed rows and columns of blocks
  /// (of every group's share of the batch); without, its cores take the blocks (batch
  /// included) in turn.
  int64_t passes(const MatmulProblem &p) const {
    if (!multicast)
      return blocks(p) / (gridM * gridN);
    return p.batch / groups * (p.mt / (gridM * blockM)) * (p.nt / (gridN * blockN));
  }
  /// K is cut into chunks of kChunk tiles after the `kLead` ones, which grow from a short
  /// first chunk: compute starts once the first has come, and each next one arrives while the
  /// one before is computed. Without kLead, where kChunk does not divide K, the first chunk is
  /// the shorter one. The last chunk, while whose subblocks the writer stores the block, stays
  /// long.
  std::vector<int64_t> kLead = {};

  /// How many chunks come before those of kChunk tiles: kLead's, or the remainder of K.
  int64_t leads(const MatmulProblem &p) const {
    return kLead.empty() ? int64_t(p.kt % kChunk != 0) : int64_t(kLead.size());
  }
  /// Tiles of K of chunk `i` of a pass.
  int64_t chunkK(const MatmulProblem &p, int64_t i) const {
    if (i >= leads(p))
      return kChunk;
    return kLead.empty() ? p.kt % kChunk : kLead[i];
  }
  /// The chunks before those of kChunk tiles.
  llvm::SmallVector<int64_t, 4> leadChunks(const MatmulProblem &p) const {
    llvm::SmallVector<int64_t, 4> lead;
    for (int64_t i = 0; i < leads(p); ++i)
      lead.push_back(chunkK(p, i));
    return lead;
  }
  int64_t leadK() const { return std::accumulate(kLead.begin(), kLead.end(), int64_t(0)); }
  int64_t chunks(const MatmulProblem &p) const {
    if (!kLead.empty())
      return int64_t(kLead.size()) + (p.kt - leadK()) / kChunk;
    return (p.kt + kChunk - 1) / kChunk;
  }
  int64_t firstChunk(const MatmulProblem &p) const { return chunkK(p, 0); }
  /// Tiles of K two consecutive chunks hold together (the last of a pass and the next pass's
  /// first too), which an operand's buffer must fit. Past the leading chunks and the first
  /// two of kChunk, pairs repeat.
  int64_t chunkPairK(const MatmulProblem &p) const {
    int64_t n = chunks(p), most = 0;
    for (int64_t i = 0; i < std::min(n, leads(p) + 2); ++i)
      most = std::max(most, chunkK(p, i) + chunkK(p, (i + 1) % n));
    return n > 1 ? std::max(most, chunkK(p, n - 1) + chunkK(p, 0)) : 2 * chunkK(p, 0);
  }
};

/// Whether `plan`'s cores compute the rows of shards of `rows` row tiles over a rectangle of
/// `coresX` x `coresY` cores, core c the rows of shard c in every pass: a multicast grid of one
/// column of blocks, or cores that read for themselves one block of whole rows each.
inline bool computesShardRows(const MatmulProblem &p, const MatmulPlan &plan, int64_t rows,
                              int64_t coresX, int64_t coresY) {
  return rows > 0 && plan.gridN == 1 && plan.groups == 1 && plan.blockM == rows &&
         plan.coresX == coresX && plan.coresY == coresY && plan.gridM == coresX * coresY &&
         p.batch == 1 && (plan.multicast || plan.blockN == p.nt);
}

inline bool MatmulProblem::readsLhsLocally(const MatmulPlan &plan) const {
  // A gathered lhs takes its windows in the multicast kernel's order of rows.
  return (lhsRuns == 0 || plan.multicast) &&
         computesShardRows(*this, plan, lhsShardRows, lhsShardCoresX, lhsShardCoresY);
}

inline bool MatmulProblem::readsResidualLocally(const MatmulPlan &plan) const {
  return computesShardRows(*this, plan, residualShardRows, residualShardCoresX,
                           residualShardCoresY);
}

struct MatmulCost {
  double cycles = 0;       // the estimate
  double compute = 0;      // one core's compute thread, every pass
  double fill = 0;         // waiting for the first chunk's operands
  double starved = 0;      // chunks whose operands arrive slower than compute uses them
  double dramFloor = 0;    // the DRAM bytes at the chip's sustained bandwidth
  double operandBytes = 0; // the operands' bytes that cross the NoC, from DRAM or L1
  double chunkCompute = 0; // one K chunk of a pass on one core's compute thread
  double blockWrite = 0;   // a pass's output blocks of every core, at the write bandwidth
};

/// `plan` with its writes deferred where that pays: its pass's block writes outlast a chunk's
/// compute, which they would otherwise hold up, and the block fits `l1Budget` beside the rest.
MatmulPlan deferWritesWherePaying(const rt::ChipDesc &chip, const MatmulProblem &p,
                                  MatmulPlan plan, int64_t l1Budget);

/// Circular buffer bytes one core needs for `plan`.
int64_t l1Bytes(const MatmulProblem &p, const MatmulPlan &plan);

/// Whether `plan` tiles `p` exactly and fits the chip; on failure `why` says what is wrong.
bool isValid(const rt::ChipDesc &chip, const MatmulProblem &p, const MatmulPlan &plan,
             int64_t l1Budget, std::string *why = nullptr);

MatmulCost estimate(const rt::ChipDesc &chip, const MatmulProblem &p, const MatmulPlan &plan);

/// Every valid plan, in a deterministic order.
std::vector<MatmulPlan> enumeratePlans(const rt::ChipDesc &chip, const MatmulProblem &p,
                                       int64_t l1Budget);

/// The valid plans that put `base`'s blocks on `base`'s cores and chunk K and cut subblocks
/// every way (as enumeratePlans does); how the zero lhs tiles and (where the block still fits)
/// the writes go stays as `base` has it.
std::vector<MatmulPlan> chunkings(const rt::ChipDesc &chip, const MatmulProblem &p,
                                  const MatmulPlan &base, int64_t l1Budget);

/// The valid plans whose `cores` cores (a rectangle at the origin) each compute one block of
/// `p.mt / cores` whole rows of tiles, core c row block c, in one pass; none if `cores` does not
/// divide the rows or form a rectangle.
std::vector<MatmulPlan> rowBlockPlans(const rt::ChipDesc &chip, const MatmulProblem &p,
                                      int64_t cores, int64_t l1Budget);

/// Plans whose estimates differ by less than this share of the fastest are equally fast for
/// choosing: the model's median error is several times larger.
inline constexpr double kTimeTolerance = 0.02;

/// The plan of least estimated cycles (ties: less L1), or with `spareL1` the one that takes the
/// least L1 of those within kTimeTolerance of it; none when nothing fits.
std::optional<MatmulPlan> choosePlan(const rt::ChipDesc &chip, const MatmulProblem &p,
                                     int64_t l1Budget, bool spareL1 = false);

} // namespace tessel::cost

#endif
