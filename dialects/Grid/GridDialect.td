#ifndef TESSEL_GRID_DIALECT
#define TESSEL_GRID_DIALECT

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "Tile/TileDialect.td"
include "Grid/GridEnums.td"

def Grid_Dialect : Dialect {
  let name = "grid";
  let cppNamespace = "::tessel::grid";
  let summary = "Where a computation runs on the chip";
  let description = [{
    The chip (`#grid.chip`), ranges of cores, tensor layouts (`#grid.layout`, carried as the
    encoding of ranked tensor types), and `grid.dispatch`, an SPMD region over a core range whose
    body holds either a tile loop (`grid.load`, `grid.compute`, `grid.store` per unit of the
    running core) or the per-core kernels that `tt-lower-grid-to-kernels` builds from it.
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
  let dependentDialects = ["::tessel::tile::TileDialect"];
}



def Grid_ChipAttr : AttrDef<Grid_Dialect, "Chip"> {
  let mnemonic = "chip";
  let summary = "The chip a module is compiled for, from its descriptor";
  let description = [{
    `tt-assign-layouts` reads the descriptor once and records every figure of it here: the
    grid and L1 size, and in `figures` the rest, under the descriptor file's keys. Later passes
    read the chip from this attribute only, never from a file.

    ```mlir
    module attributes {grid.chip = #grid.chip<"wormhole_b0", grid = [8, 8], l1 = 1499136,
        {clock_mhz = 1000 : i64, dram_channels = 12 : i64, ...}>} {}
    ```
  }];
  let parameters = (ins StringRefParameter<>:$name, "int64_t":$gridX, "int64_t":$gridY,
                    "int64_t":$l1Bytes, OptionalParameter<"::mlir::DictionaryAttr">:$figures);
  let assemblyFormat = [{
    `<` $name `,` `grid` `=` `[` $gridX `,` $gridY `]` `,` `l1` `=` $l1Bytes (`,` $figures^)? `>`
  }];
  let genVerifyDecl = 1;
}

def Grid_CoreRangeAttr : AttrDef<Grid_Dialect, "CoreRange"> {
  let mnemonic = "core_range";
  let summary = "An inclusive rectangle of worker cores";
  let description = [{
    ```mlir
    #grid.core_range<(0, 0) to (7, 3)>
    ```
  }];
  let parameters = (ins "int64_t":$x0, "int64_t":$y0, "int64_t":$x1, "int64_t":$y1);
  let assemblyFormat = "`<` `(` $x0 `,` $y0 `)` `to` ` ` `(` $x1 `,` $y1 `)` `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    int64_t width() const { return getX1() - getX0() + 1; }
    int64_t height() const { return getY1() - getY0() + 1; }
    int64_t size() const { return width() * height(); }
  }];
}

def Grid_OperandSharingParameter : EnumParameter<Grid_OperandSharing> {
  let defaultValue = "::tessel::grid::OperandSharing::multicast";
}

def Grid_LhsSourceParameter : EnumParameter<Grid_LhsSource> {
  let defaultValue = "::tessel::grid::LhsSource::tensor";
}

def Grid_ComputeConfigAttr : AttrDef<Grid_Dialect, "ComputeConfig"> {
  let mnemonic = "compute";
  let summary = "How an op's math runs: the format Dst accumulates in and the math fidelity";
  let description = [{
    `tt-assign-precision` gives every graph op one as `grid.compute`; the lowerings build the
    op's dispatch with them and the cost model charges its matmul phases by the fidelity. The
    formats of the operands and the result are their tensors' layouts.

    ```mlir
    %y = graph.matmul %x, %w {grid.compute = #grid.compute<dst = bf16, fidelity = HiFi2>} : ...
    ```
  }];
  let parameters = (ins EnumParameter<Tile_DataFormat>:$dst,
                        EnumParameter<Tile_MathFidelity>:$fidelity);
  let assemblyFormat = "`<` `dst` `=` $dst `,` `fidelity` `=` $fidelity `>`";
}

def Grid_MatmulConfigAttr : AttrDef<Grid_Dialect, "MatmulConfig"> {
  let mnemonic = "matmul_config";
  let summary = "How a matmul is spread over cores, blocked and streamed";
  let description = [{
    Chosen by `tt-choose-op-configs` and only read by the lowering. The output's tiles are cut
    into `grid[0]` x `grid[1]` blocks of `block` tiles (M x N) computed at once, one per core of
    a `cores` rectangle (x by y); more blocks than that are computed in passes. Each block is
    accumulated in `subblock`s that fit Dst, over chunks of `k_chunk` tiles of K (where it does
    not divide K, each pass's first chunk is the shorter one, so that compute starts sooner and
    the last chunk, during which the block is stored, stays long; with `k_lead = [a, b, ...]`
    each pass starts with chunks of a, b, ... tiles, growing so that each arrives while the one
    before is computed, and the rest of K comes in chunks of `k_chunk`). With both grid
    dims above 1 the rectangle's rows share the lhs (a core of the row reads a chunk and
    multicasts it along the row) and its columns the rhs (a core of the column multicasts it
    down the column); with one of them 1, that operand is multicast to the whole rectangle. The
    senders move from chunk to chunk, and a chunk of few pieces is spread over several senders
    (`cost::spreadsChunk`). With `operands = unicast` (only in
    one dimension) every core reads its own blocks and the cores take the output's blocks in
    turn, batch included: `grid` then counts cores, not rows or columns of blocks. That spreads
    many small matmuls (a depthwise convolution's groups) over the grid. With `groups = G` (a
    batched multicast matmul), G such rectangles stacked in y take the batch in turn: rectangle
    g computes batches g, g + G, ... at once with the others, each sharing its own chunks. That
    gives a split K's partial products, or attention's heads, G times the cores. With `lhs = gather`
    the lhs is a `graph.remap` (a convolution's windows) that no dispatch materialises: the
    reader assembles each lhs tile from runs of the remap's input, reading its padding and the
    rows and columns past the lhs's end as zeros (an implicit GEMM). With `rhs_stored_tiles = S`
    the rhs is a constant of which only S tiles are not all zero: the binary stores those alone,
    with a map from each tile to its place among them (0: not stored), and the kernels neither
    read nor multiply the others. With `writes = deferred` (several passes of several K chunks)
    the writer stores a pass's block while it feeds the next pass's chunks, a share after each,
    instead of as the last chunk finishes it: the block waits in L1. With `lhs_zero_tiles =
    skipped` compute tests each lhs tile before it multiplies it and skips those that are all
    zeros (as a ReLU leaves them). `cycles` is the cost model's estimate.

    ```mlir
    #grid.matmul_config<grid = [8, 8], cores = [8, 8], block = [8, 8], subblock = [2, 4],
                        k_chunk = 16, cycles = 296000>
    #grid.matmul_config<grid = [1, 16], cores = [8, 2], block = [2, 1], subblock = [1, 1],
                        k_chunk = 8, groups = 2>
    #grid.matmul_config<grid = [8, 8], cores = [8, 8], block = [16, 16], subblock = [2, 4],
                        k_chunk = 4, rhs_stored_tiles = 8192>
    #grid.matmul_config<grid = [8, 8], cores = [8, 8], block = [8, 8], subblock = [1, 1],
                        k_chunk = 40, k_lead = [8, 16]>
    ```
  }];
  let parameters = (ins "int64_t":$gridM, "int64_t":$gridN, "int64_t":$coresX, "int64_t":$coresY,
                    "int64_t":$blockM, "int64_t":$blockN, "int64_t":$subM, "int64_t":$subN,
                    "int64_t":$kChunk, Grid_OperandSharingParameter:$operands,
                    Grid_LhsSourceParameter:$lhs, DefaultValuedParameter<"int64_t", "0">:$cycles,
                    DefaultValuedParameter<"int64_t", "1">:$groups,
                    DefaultValuedParameter<"int64_t", "0">:$rhsStoredTiles,
                    DefaultValuedParameter<"bool", "false">:$deferWrites,
                    DefaultValuedParameter<"bool", "false">:$skipZeroLhs,
                    OptionalArrayRefParameter<"int64_t">:$kLead);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Both operands are multicast: rows of cores share the lhs, columns the rhs.
    bool isTwoDimensional() const { return getGridM() > 1 && getGridN() > 1; }
    bool isMulticast() const { return getOperands() == OperandSharing::multicast; }
    bool gathersLhs() const { return getLhs() == LhsSource::gather; }
    /// Cores of every group's rectangle together.
    int64_t getCores() const { return getCoresX() * getCoresY() * getGroups(); }
    /// The kernels skip the rhs's all-zero tiles.
    bool skipsZeroRhsTiles() const { return getRhsStoredTiles() > 0; }
  }];
}

def Grid_ReduceConfigAttr : AttrDef<Grid_Dialect, "ReduceConfig"> {
  let mnemonic = "reduce_config";
  let summary = "How a reduce of few long rows is split over cores";
  let description = [{
    Chosen by `tt-choose-op-configs` for a `graph.reduce` of its last axis whose output has
    too few tiles to occupy the grid (a core takes an output tile and streams its whole row):
    the lowering cuts each row of tiles into `splits` runs, reduces each on a core of its own
    into a partial tile, and a second dispatch combines each output tile's partials and
    finishes it (the mean's scale, a square root or log, the bias and the activation).
    `cycles` is the cost model's estimate of the pair.

    ```mlir
    %m = graph.reduce mean %x {axes = array<i64: 1>,
        grid.config = #grid.reduce_config<splits = 16, cycles = 2600>}
        : (tensor<32x4096xf32, #l>) -> tensor<32x1xf32, #l>
    ```
  }];
  let parameters = (ins "int64_t":$splits, DefaultValuedParameter<"int64_t", "0">:$cycles);
  let assemblyFormat = "`<` `splits` `=` $splits (`,` `cycles` `=` $cycles^)? `>`";
  let genVerifyDecl = 1;
}

def Grid_AttentionConfigAttr : AttrDef<Grid_Dialect, "AttentionConfig"> {
  let mnemonic = "attention_config";
  let summary = "How attention's queries and keys are blocked";
  let description = [{
    Chosen by `tt-choose-op-configs` for a `graph.sdpa` and read by `tt-lower-graph-to-grid`:
    a unit of the dispatch is `block` query tiles (32 queries each) of one batch element, which
    its core keeps while it streams the keys and values through L1 in chunks of `chunk` key
    tiles, each chunk read once for the whole block. `block` divides the query tiles and
    `chunk` the key tiles.

    ```mlir
    %o = graph.sdpa %q, %kt, %v {scale = 0.125 : f32,
        grid.config = #grid.attention_config<block = 1, chunk = 12>} : ...
    ```
  }];
  let parameters = (ins "int64_t":$block, "int64_t":$chunk);
  let assemblyFormat = "`<` `block` `=` $block `,` `chunk` `=` $chunk `>`";
  let genVerifyDecl = 1;
}

def Grid_ConvConfigAttr : AttrDef<Grid_Dialect, "ConvConfig"> {
  let mnemonic = "conv_config";
  let summary = "How a convolution is computed, and the cost model's estimates of each way";
  let description = [{
    Chosen by `tt-choose-conv-algorithms` for a `graph.conv` that Winograd F(2x2, 3x3) can
    compute (3x3, stride 1, dilation 1, one group, constant weights) and read by
    `tt-decompose-graph`: `implicit_gemm` is one matmul whose reader gathers the windows,
    `winograd` transforms the input tiles, multiplies them by the transformed weights in 16
    matmuls and transforms the products back. Both estimates are in cycles.

    ```mlir
    %y = graph.conv %x, %w, %b {..., grid.config = #grid.conv_config<algorithm = winograd,
                                implicit_gemm_cycles = 421440, winograd_cycles = 324718>}
    ```
  }];
  let parameters = (ins EnumParameter<Grid_ConvAlgorithm>:$algorithm,
                        "int64_t":$implicitGemmCycles, "int64_t":$winogradCycles);
  let assemblyFormat = [{
    `<` `algorithm` `=` $algorithm `,` `implicit_gemm_cycles` `=` $implicitGemmCycles `,`
    `winograd_cycles` `=` $winogradCycles `>`
  }];
}

def Grid_LayoutAttr : AttrDef<Grid_Dialect, "Layout"> {
  let mnemonic = "layout";
  let summary = "How a tensor is laid out on the chip";
  let description = [{
    The encoding of a ranked tensor once layouts are assigned: tile shape, on-chip data format,
    memory space and sharding. Sharded layouts name their shard shape (in tiles) and core range.

    ```mlir
    tensor<32x1024xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>
    tensor<256x1024xf32, #grid.layout<tile 32x32, bf16, l1, height_sharded, shard 1x32,
                                      cores <(0, 0) to (7, 0)>>>
    ```
  }];
  let parameters = (ins "int64_t":$tileRows, "int64_t":$tileCols,
                    "::tessel::tile::DataFormat":$format, "MemorySpace":$memory,
                    "Sharding":$sharding, ArrayRefParameter<"int64_t">:$shardShape,
                    "CoreRangeAttr":$cores);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The interleaved DRAM layout every tensor starts with.
    static LayoutAttr getInterleaved(::mlir::MLIRContext *ctx, ::tessel::tile::DataFormat format);
  }];
}

class Grid_Op<string mnemonic, list<Trait> traits = []> : Op<Grid_Dialect, mnemonic, traits>;

#endif
