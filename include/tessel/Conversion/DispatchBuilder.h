// Builds one grid.dispatch and its kernels: the vocabulary tt-lower-grid-to-kernels and the op
// lowerings of tt-lower-graph-to-grid that still build their kernels directly share.
#ifndef TESSEL_CONVERSION_DISPATCHBUILDER_H
#define TESSEL_CONVERSION_DISPATCHBUILDER_H

#include "tessel/Conversion/Passes.h"
#include "tessel/Transforms/ChipInfo.h"
#include "tessel/runtime/Chip.h"

namespace tessel::lowering {

/// A tensor seen as tiles: batch x Mt x Nt, with the logical rows and columns kept for padding.
struct TiledView {
  llvm::SmallVector<int64_t> batchShape; // dims before the last two
  int64_t rows = 1, cols = 1;            // logical M and N
  int64_t batch = 1, mt = 1, nt = 1;

  static TiledView of(mlir::Type type);
  /// The same tiles as one matrix: the batch's rows one after another (see batchIsRows).
  TiledView batchAsRows() const;
  int64_t tiles() const { return batch * mt * nt; }
};

/// Tile index in `operand` of the output tile (b, mt, nt), following numpy broadcasting: dims
/// where the operand has size 1 read index 0.
mlir::AffineExpr broadcastTileIndex(const TiledView &operand, const TiledView &out,
                                    mlir::AffineExpr b, mlir::AffineExpr mt, mlir::AffineExpr nt);

/// How the FPU broadcasts a tile of `operand` over a tile of `out`: its one row over the rows,
/// its one column over the columns, or its one value over both.
tile::Broadcast inTileBroadcast(const TiledView &operand, const TiledView &out);

/// Whether a tile broadcast so needs only its first row (its one row, or its one value).
inline bool readsFirstRowOnly(tile::Broadcast bcast) {
  return bcast == tile::Broadcast::rows || bcast == tile::Broadcast::scalar;
}

using tessel::CoreSplit;
using tessel::splitOverCores;

/// Per-op settings of the lowering.
struct LoweringOptions {
  const rt::ChipDesc &chip;
  tile::DataFormat dstFormat;
  tile::MathFidelity fidelity;
  /// Tiles Dst holds for one sub-block, with double buffering between math and pack.
  int64_t dstCapacity() const;
};

struct TileGather;

class DispatchBuilder {
public:
  /// A dispatch writing a new tensor of each of `outputTypes`; with `into`, writing into the
  /// buffer of `into` instead (a tensor of the output's type it overwrites).
  DispatchBuilder(mlir::OpBuilder &b, mlir::Location loc, llvm::StringRef opName,
                  const CoreSplit &split, mlir::ValueRange inputs,
                  llvm::ArrayRef<mlir::Type> outputTypes, const LoweringOptions &options,
                  int64_t macs = 0, mlir::Value into = nullptr);
  /// Rebuilds `like` with the same ins (or `inputs`), outs and attributes and an empty body, in
  /// front of it.
  DispatchBuilder(mlir::OpBuilder &b, grid::DispatchOp like, const CoreSplit &split,
                  std::optional<mlir::ValueRange> inputs = std::nullopt);

  mlir::Value input(unsigned i) { return body->getArgument(i); }
  mlir::Value output(unsigned i) { return body->getArgument(numInputs + i); }
  mlir::ValueRange results() { return dispatch.getResults(); }
  grid::DispatchOp dispatchOp() { return dispatch; }
  const CoreSplit &split() const { return coreSplit; }

  /// Declares the next circular buffer of the dispatch.
  mlir::Value cb(tile::DataFormat format, int64_t numTiles);
  /// Starts a kernel; ops built afterwards go into its body.
  void kernel(noc::ThreadKind thread);
  /// Starts the body's tile loop form instead of kernels; ops built afterwards go into the
  /// dispatch's body.
  void tileLoop();

  mlir::Value index(int64_t v);
  /// affine.apply of `expr` over dims bound to `dims`.
  mlir::Value apply(mlir::AffineExpr expr, mlir::ValueRange dims);
  /// scf.for %iv = 0 to count; `body` builds inside it.
  void loop(mlir::Value count, llvm::function_ref<void(mlir::Value iv)> body);
  void loop(int64_t count, llvm::function_ref<void(mlir::Value iv)> body);
  /// scf.for %iv = from to to carrying `carried`: `body(iv, carried)` builds inside it and
  /// gives what the next trip carries; the values after the last trip.
  mlir::ValueRange loopCarrying(
      int64_t from, int64_t to, mlir::ValueRange carried,
      llvm::function_ref<llvm::SmallVector<mlir::Value>(mlir::Value iv, mlir::ValueRange carried)>
          body);
  /// The unit a core works on at step `iv` of its run: core_linear * perCore + iv.
  mlir::Value unit(mlir::Value iv);
  /// The running core's linear index in the range.
  mlir::Value core() { return coreLinear; }
  /// Builds `body` to run only where `flag` (an expression over d0 = core index) is 1, as a loop
  /// of 0 or 1 trips: kernels are straight-line SPMD code without branches.
  void when(mlir::AffineExpr flag, llvm::function_ref<void()> body);

  // Tile loops.
  /// The body of a grid.compute: `tiles` and `indices` are its block arguments; it leaves its
  /// result in Dst[dst].
  using ComputeBody = llvm::function_ref<void(llvm::ArrayRef<mlir::Value> tiles,
                                              llvm::ArrayRef<mlir::Value> indices,
                                              mlir::Value dst)>;
  /// A grid.compute over `tiles` at `indices` whose body yields Dst[0] packed as `format`.
  mlir::Value compute(mlir::ValueRange tiles, mlir::ValueRange indices, tile::DataFormat format,
                      ComputeBody body);
  /// Inside a grid.compute: Dst[dst] packed as a tile of `format`, for later ops of the body.
  mlir::Value packTile(mlir::Value dst, tile::DataFormat format);
  /// grid.load of tile `tile` (over d0 = `index`) of `tensor`, its first row only with
  /// `firstRow`.
  mlir::Value load(mlir::Value tensor, mlir::Value index, mlir::AffineExpr tile,
                   bool firstRow = false);
  /// grid.gather of the tile at `index` that `g` assembles from `tensor`'s values.
  mlir::Value gather(mlir::Value tensor, mlir::Value index, const TileGather &g);
  /// How grid.load_row reads its tiles.
  enum class RowRead { tiles, firstRows, scalars };
  /// grid.load_row of `count` tiles of `tensor` at `unit`: tile j is `tile` over (d0 = unit,
  /// d1 = j), read as `how` says (with `scalars`, `tile` gives a value's index); the next
  /// unit's read ahead with `prefetch`.
  mlir::Value loadRow(mlir::Value tensor, mlir::Value unit, mlir::AffineExpr tile, int64_t count,
                      RowRead how = RowRead::tiles, bool prefetch = false);
  /// A row of `count` tiles of `format` that a loop fills (tensor.empty).
  mlir::Value emptyRow(tile::DataFormat format, int64_t count);
  /// Tile `j` of row `row` (tensor.extract), and `row` with tile `j` replaced by `tile`
  /// (tensor.insert).
  mlir::Value rowTile(mlir::Value row, mlir::Value j);
  mlir::Value rowInsert(mlir::Value tile, mlir::Value row, mlir::Value j);

  // Kernel statements.
  void reserve(mlir::Value cb, int64_t n);
  void push(mlir::Value cb, int64_t n);
  void wait(mlir::Value cb, int64_t n);
  void pop(mlir::Value cb, int64_t n);
  /// Reads a tile into a slot, over NoC `noc` (0 or 1; without it, NoC 0); with `firstRow` only
  /// its first row, all the FPU uses of a tile it broadcasts by rows.
  void read(mlir::Value buffer, mlir::Value tile, mlir::Value cb, mlir::Value slot,
            bool firstRow = false, mlir::Value noc = {});
  /// Writes a tile of a slot, over NoC 0 with `noc0` (else NoC 1).
  void write(mlir::Value cb, mlir::Value slot, mlir::Value buffer, mlir::Value tile,
             bool noc0 = false);
  /// Reads `count` values of tile `tile` from value `offset` on into a slot from value
  /// `dstOffset` on (not of block-float tiles).
  void readSpan(mlir::Value buffer, mlir::Value tile, mlir::Value offset, mlir::Value cb,
                mlir::Value slot, mlir::Value dstOffset, int64_t count);
  /// Sets `count` values of a slot from value `dstOffset` on to `fill`, without a request
  /// (`buffer` is any input: the instruction names one).
  void fillSpan(mlir::Value buffer, mlir::Value cb, mlir::Value slot, mlir::Value dstOffset,
                int64_t count, float fill);
  /// The index value `element` of slot `slot` holds, below `wrap` (cb_load_index): a slot the
  /// data-movement thread reserved, or one the compute thread waited for.
  mlir::Value loadIndex(mlir::Value cb, mlir::Value slot, mlir::Value element, int64_t wrap);
  /// 1 when the tile in waited-for slot `slot` of `cb` has a non-zero value, else 0, counting
  /// `skips` tile products as skipped (cb_tile_nonzero; the compute thread).
  mlir::Value tileNonzero(mlir::Value cb, mlir::Value slot, int64_t skips);
  void barrier();
  /// Waits until this thread's writes have left the core (their slots may be popped).
  void flush();
  /// For each of the running core's units u, writes the `tilesPerUnit` tiles compute pushes to
  /// `cb` one at a time to tiles `tile`(u, t) of output 0.
  void writeUnits(int64_t tilesPerUnit, mlir::Value cb, mlir::AffineExpr tile);
  void semWait(int64_t sem, mlir::Value value);
  void semInc(mlir::Value x, mlir::Value y, int64_t sem, int64_t n);
  /// Multicasts reserved slot `slot` of `cb` into the same slot of the cores of a rectangle,
  /// over NoC `noc` (0 or 1; without it, NoC 1).
  void multicast(mlir::Value cb, mlir::Value slot, mlir::Value x0, mlir::Value y0,
                 mlir::Value x1, mlir::Value y1, mlir::Value noc = {});
  mlir::Value get(mlir::Value cb, mlir::Value slot);
  void acquireDst();
  void releaseDst();
  /// Packs Dst[dst] into reserved slot `slot` of `cb` (in its format); with `accumulate`, adds
  /// it to the slot's tile.
  void pack(mlir::Value dst, mlir::Value cb, mlir::Value slot, bool accumulate = false,
            bool relu = false);
  /// Packs Dst[dst] into one more slot of `cb` and publishes it (reserve, pack, push).
  void packOne(mlir::Value dst, mlir::Value cb);
  /// Packs Dst[dst] through one-tile buffer `cb` for the compute kernel's own later ops (the FPU
  /// reads tiles, not Dst): the tile, to pop from `cb` after its last use.
  mlir::Value stage(mlir::Value dst, mlir::Value cb);

  // Tile math on Dst.
  void copy(mlir::Value tile, mlir::Value dst);
  void transpose(mlir::Value tile, mlir::Value dst);
  void matmul(mlir::Value lhs, mlir::Value rhs, mlir::Value dst, bool transposeRhs = false);
  void unary(tile::UnaryKind kind, mlir::Value dst, float param = 0.0f);
  void binary(tile::BinaryKind kind, tile::Broadcast bcast, mlir::Value lhs, mlir::Value rhs,
              mlir::Value dst);
  void dstBinary(tile::BinaryKind kind, mlir::Value lhs, mlir::Value rhs, mlir::Value dst);
  void reduce(tile::ReduceKind kind, int64_t dim, mlir::Value tile, mlir::Value dst,
              bool accumulate);
  /// Applies an epilogue's activation (graph::isEpilogueActivation; clip to [lo, hi]) to
  /// Dst[dst] on the SFPU.
  void activation(graph::UnaryKind kind, float lo, float hi, mlir::Value dst);
  /// Sets Dst[dst] to `fill` outside its first `rows` x `cols` corner.
  void mask(mlir::Value dst, mlir::Value rows, mlir::Value cols, float fill);

  mlir::OpBuilder &builder() { return b; }
  mlir::Location location() const { return loc; }
  mlir::MLIRContext *context() { return b.getContext(); }

private:
  void createBody();
  /// Defines the running core's linear index at the insertion point.
  void defineCore();

  mlir::OpBuilder &b;
  mlir::Location loc;
  CoreSplit coreSplit;
  unsigned numInputs;
  grid::DispatchOp dispatch;
  mlir::Block *body;
  int64_t nextCB = 0;
  mlir::Value coreLinear;
};

/// How a reader assembles a tile of a gather's output from runs of input values (graph.remap
/// and graph.reshape kernels, and a matmul reader that absorbs its lhs's remap).
struct TileGather {
  /// A run of the whole tile: the output tile is an input tile in place.
  static constexpr int64_t kWholeTile = 32 * 32;
  /// Values a request moves (graph::gatherRunLength), or kWholeTile.
  int64_t runLength = 1;
  /// Over d0 = the output tile (linear index), d1 = the row in the tile, d2 = the column of a
  /// run's first value: the input tile and offset it reads, and a value that is non-zero when
  /// it reads `fill` instead.
  mlir::AffineExpr inTile, inOffset, outside;
  float fill = 0.0f;
  /// The columns of each tile row that are assembled.
  int64_t columns = 32;
};
/// Reads output tile `unit` of `g` from `input` into slot `slot` of `cb`.
void emitTileGather(DispatchBuilder &db, const TileGather &g, mlir::Value input, mlir::Value unit,
                    mlir::Value cb, mlir::Value slot);

/// How the reader fills one input buffer of a streaming dispatch per unit.
struct TileRead {
  /// The dispatch inputs it reads: one, or several of one format when it picks.
  llvm::SmallVector<unsigned> inputs;
  /// Over d0 = unit, per input: the tile index it reads, and (when it picks) a flag that is 1
  /// for the one input read at that unit and 0 for the others.
  llvm::SmallVector<mlir::AffineExpr> tiles, flags;
  /// Set when the tile is assembled from runs of the one input's values instead.
  std::optional<TileGather> gather;
  /// Set when the tile is rows of the first input (a table) picked by indices that the second
  /// holds (`tiles`: the indices' tile, the table's column tile); rows from `count` on are
  /// zeros.
  std::optional<int64_t> rowCount;
  /// Only the first row of the one input's tile is read: the FPU broadcasts it by rows.
  bool firstRow = false;
};

/// The units of a single-output streaming dispatch: for each unit, one tile per read in, math
/// that leaves the result in Dst[0], and one tile out. Reads take the dispatch's inputs in
/// order.
struct TileMapping {
  llvm::SmallVector<TileRead, 2> reads;
  /// The output tile over d0 = unit.
  mlir::AffineExpr outputTile;

  /// The next input, read whole at tile `tile` (only its first row with `firstRow`).
  void read(mlir::AffineExpr tile, bool firstRow = false);
  /// The next input, its tiles assembled by `g`.
  void gather(const TileGather &g);
  /// The next `tiles.size()` inputs: at each unit, tile `tiles[k]` of the input `k` whose
  /// `flags[k]` is 1 (a concat's inputs).
  void pick(llvm::ArrayRef<mlir::AffineExpr> flags, llvm::ArrayRef<mlir::AffineExpr> tiles);
  /// The next two inputs: rows of the first (a table) picked by the indices in tile
  /// `indicesTile` of the second, from the table's column tile `column`; `count` rows are real.
  void gatherRows(mlir::AffineExpr indicesTile, mlir::AffineExpr column, int64_t count);

private:
  unsigned nextInput = 0;
};
/// `math(tiles, unit, dst)` computes a unit's result into Dst[dst] from its input tiles.
using TileMath = llvm::function_ref<void(llvm::ArrayRef<mlir::Value> tiles, mlir::Value unit,
                                         mlir::Value dst)>;

/// Builds the dispatch's body as a tile loop: per unit of the running core, a grid.load,
/// grid.gather, grid.load_one_of or grid.gather_rows per read, a grid.compute running `math`,
/// and a grid.store of its tile.
void buildTileLoop(DispatchBuilder &db, const TileMapping &mapping,
                   tile::DataFormat outputFormat, TileMath math);

/// Builds the dispatch's kernels for the same units: the reader fills one buffer per read (in
/// its inputs' format), a group of units at a time (streamingGroup, for `l1Usable` bytes of
/// L1 a core), the compute kernel runs `math` and packs its result, and the writer stores it at
/// the output tile.
void buildTileStreaming(DispatchBuilder &db, const TileMapping &mapping,
                        tile::DataFormat outputFormat, int64_t l1Usable, TileMath math);

/// The data format of a tensor's tiles, or of a tile.
tile::DataFormat formatOf(mlir::Value v);

} // namespace tessel::lowering

#endif
