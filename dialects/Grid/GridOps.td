#ifndef TESSEL_GRID_OPS
#define TESSEL_GRID_OPS

include "Grid/GridDialect.td"
include "mlir/IR/RegionKindInterface.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Grid_EmptyOp : Grid_Op<"empty"> {
  let summary = "A device tensor whose contents a dispatch will write";
  let description = [{
    `tt-allocate-buffers` gives it a DRAM `address`.

    ```mlir
    %e = grid.empty {address = 4096 : i64} : tensor<32x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
    ```
  }];
  let arguments = (ins OptionalAttr<I64Attr>:$address);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "attr-dict `:` type($result)";
  let hasVerifier = 1;
}


def Grid_ReshardOp : Grid_Op<"reshard", [Pure]> {
  let summary = "The same tensor laid out otherwise";
  let description = [{
    The input's values in the result's layout: another memory space or sharding, the same
    shape, element type and data format. Every reader reads any layout where it is (the
    runtime finds each tile's home), so a reshard only moves data where a consumer reads its
    operand more cheaply laid out its own way: a sharded result puts each core's shard in its
    own L1. `tt-lower-graph-to-grid` makes it a dispatch on the result's cores (or, for an
    interleaved result, the most cores its tiles divide over) in which each core copies its
    tiles from wherever the input keeps them.

    ```mlir
    %r = grid.reshard %x : tensor<3136x64xf32, #grid.layout<tile 32x32, bf16, l1, interleaved>>
        -> tensor<3136x64xf32, #grid.layout<tile 32x32, bf16, l1, height_sharded, shard 2x2,
                                            cores <(0, 0) to (6, 6)>>>
    ```

    A reshard to the input's own layout folds away, and so does one of a reshard's result
    back to that reshard's input's layout.
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Grid_CoreIndexOp : Grid_Op<"core_index", [Pure]> {
  let summary = "The running core's position in its dispatch's core range";
  let description = [{
    `x` and `y` are relative to the range's corner, `linear` is `y * width + x`, and `count` is
    the number of cores in the range.

    ```mlir
    %id = grid.core_index linear
    ```
  }];
  let arguments = (ins Grid_CoreDim:$dim);
  let results = (outs Index:$result);
  let assemblyFormat = "$dim attr-dict";
  let hasVerifier = 1;
}

def Grid_DispatchOp : Grid_Op<"dispatch", [
    AttrSizedOperandSegments, SingleBlock, NoTerminator]> {
  let summary = "An SPMD launch of per-core kernels over a core range";
  let description = [{
    Every core of `cores` runs the body at once. The body is in one of two forms:
    - a tile loop (what `tt-lower-graph-to-grid` emits for streaming ops): `scf.for` over the
      units of the running core, each unit reading tiles (`grid.load`, `grid.load_one_of`,
      `grid.gather`, `grid.gather_rows`), computing one (`grid.compute`) and storing it (`grid.store`);
      `tt-lower-grid-to-kernels` turns it into
    - kernels: the `noc.kernel` ops of the body (reader, compute, writer).
    The body's block arguments stand for the `ins` then the `outs` tensors in DRAM; results are
    the `outs` after the dispatch has written them. Circular buffers are declared in the body so
    that the kernels of one core can share them. `op` names the graph op it implements and `loc`
    of the dispatch carries the ONNX node name.

    `joined` (set by `tt-form-programs`) makes the dispatch part of the program of the dispatch
    before it: the chip launches that program once, and this dispatch's cores start after a
    barrier on the NoC instead of a launch of their own.

    ```mlir
    %r = grid.dispatch "relu" on <(0, 0) to (0, 0)> ins(%x : tensor<32x32xf32, #l>) outs(%e : tensor<32x32xf32, #l>) {
    ^bb0(%in: tensor<32x32xf32, #l>, %out: tensor<32x32xf32, #l>):
      %cb0 = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
      ...
    } -> tensor<32x32xf32, #l>
    ```
  }];
  let arguments = (ins StrAttr:$op, Grid_CoreRangeAttr:$cores,
                   Variadic<AnyRankedTensor>:$inputs, Variadic<AnyRankedTensor>:$outputs,
                   DefaultValuedAttr<I64Attr, "0">:$macs,
                   Tile_MathFidelityAttr:$fidelity, Tile_DataFormatAttr:$dst_format,
                   UnitAttr:$joined);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $op `on` $cores (`ins` `(` $inputs^ `:` type($inputs) `)`)? `outs` `(` $outputs `:` type($outputs) `)`
    attr-dict-with-keyword $body `->` type($results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The tile ops of the body agree with `dst_format`: int32 tiles and integer ops in an
    /// int32 Dst, no int32 tile in a float one.
    ::mlir::LogicalResult verifyDstFormat();
  }];
}

def Grid_LoadOp : Grid_Op<"load", [Pure]> {
  let summary = "One tile of a dispatch's tensor, read for a unit of a tile loop";
  let description = [{
    `map` takes the unit to the tile's linear index in `source` (batch, then row-tile, then
    column-tile order). A map without dims reads the same tile at every unit. With `first_row`
    only the tile's first row is read, all that a tile the FPU broadcasts by rows needs.

    ```mlir
    %t = grid.load %in[%u] map affine_map<(d0) -> (d0 floordiv 2)> : tensor<64x64xf32, #l> -> !tile.tile<32x32, f32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$source, Index:$unit, AffineMapAttr:$map,
                   UnitAttr:$first_row);
  let results = (outs Tile_TileType:$result);
  let assemblyFormat = [{
    $source `[` $unit `]` `map` $map attr-dict `:` type($source) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def Grid_LoadRowOp : Grid_Op<"load_row", [Pure]> {
  let summary = "A unit's row of tiles of a dispatch's tensor, held while the unit computes";
  let description = [{
    Tile j of the result (a `tensor` of `!tile.tile`s, one per j) is the tile of `source` at
    linear index `map`(unit, j). A unit that computes over the same tiles in several passes
    (softmax: the row's maximum, then the sum of its exponentials, then their quotients) reads
    them once this way: the kernels bring the row into L1 once per unit and hold it there until
    the unit is done. `tensor.extract` takes a tile of the row, and `tensor.insert` makes a row
    with one tile replaced (the last one, masked) or fills a row of tiles the unit computes.
    Outside the loop over the units, the row is one that every unit of the core shares (a
    normalisation's scale), read once per core. With `first_row` only each tile's first row is
    read, all that a tile the FPU broadcasts by rows needs; with `scalars` (of a
    one-dimensional source) `map` gives a value's index instead, and tile j holds that one value
    at its first position, all that a tile the FPU broadcasts as a scalar needs (a group norm's
    scale per channel); with `prefetch` the kernels may read the next unit's row while this one
    computes (two rows of buffer).

    ```mlir
    %row = grid.load_row %in[%u] map affine_map<(d0, d1) -> (d0 * 4 + d1)> {prefetch}
        : tensor<64x128xf32, #l> -> tensor<4x!tile.tile<32x32, f32>>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$source, Index:$unit, AffineMapAttr:$map,
                   UnitAttr:$first_row, UnitAttr:$scalars, UnitAttr:$prefetch);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $source `[` $unit `]` `map` $map attr-dict `:` type($source) `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The tiles of the row.
    int64_t getCount() { return getResult().getType().getDimSize(0); }
    ::tessel::tile::TileType getTileType() {
      return ::llvm::cast<::tessel::tile::TileType>(getResult().getType().getElementType());
    }
  }];
}

def Grid_LoadOneOfOp : Grid_Op<"load_one_of", [Pure]> {
  let summary = "A unit's tile, read whole from the one of several tensors its map picks";
  let description = [{
    `map` takes the unit to a (flag, tile) pair per source, in order: the tile is read from the
    source whose flag is 1 (one flag is 1, the others 0) at that source's tile index. A concat
    reads its tiles this way.

    ```mlir
    %t = grid.load_one_of %a, %b[%u] map affine_map<(d0) -> (1 - d0 floordiv 2, d0, d0 floordiv 2, d0 - 2)>
        : tensor<64x32xf32, #l>, tensor<64x32xf32, #l> -> !tile.tile<32x32, f32>
    ```
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$sources, Index:$unit, AffineMapAttr:$map);
  let results = (outs Tile_TileType:$result);
  let assemblyFormat = [{
    $sources `[` $unit `]` `map` $map attr-dict `:` type($sources) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def Grid_GatherOp : Grid_Op<"gather", [Pure]> {
  let summary = "A unit's tile assembled from runs of a dispatch's tensor's values";
  let description = [{
    Each of the tile's 32 rows is read in runs of `run_length` values over its first `columns`
    columns (the rest of a row is left as it is); a run of 1024 reads the whole tile at once,
    rows after rows of one source tile. `map` takes (unit, row in the tile, first
    column of the run) to three indices: the source tile the run comes from, the offset of its
    first value in that tile (row-major within the tile), and a value that is non-zero when the
    run lies outside the source and reads `fill` instead. Remaps and reshapes that move values
    between tile positions read their tiles this way.

    ```mlir
    %t = grid.gather %in[%u] map affine_map<(d0, d1, d2) -> (d0 floordiv 2, d1 * 32 + d2, 0)>
        run 32 columns 32 fill 0.0 : tensor<64x64xf32, #l> -> !tile.tile<32x32, f32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$source, Index:$unit, AffineMapAttr:$map,
                   I64Attr:$run_length, I64Attr:$columns, F32Attr:$fill);
  let results = (outs Tile_TileType:$result);
  let assemblyFormat = [{
    $source `[` $unit `]` `map` $map `run` $run_length `columns` $columns `fill` $fill attr-dict
    `:` type($source) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def Grid_GatherRowsOp : Grid_Op<"gather_rows", [Pure]> {
  let summary = "A unit's tile of rows of a table, picked by run-time indices";
  let description = [{
    `map` takes the unit to two tile indices: the tile of `indices` whose elements 0 to 31 are
    the table rows of the tile's 32 rows, and the column tile of `table` read. Rows from
    `count` on (padding of the last tile) read zeros. An embedding lookup reads its tiles this
    way.

    ```mlir
    %t = grid.gather_rows %table, %ids[%u] map affine_map<(d0) -> (d0 floordiv 2, d0 mod 2)> count 40
        : tensor<100x64xf32, #l>, tensor<40xi64, #l> -> !tile.tile<32x32, f32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$table, AnyRankedTensor:$indices, Index:$unit,
                   AffineMapAttr:$map, I64Attr:$count);
  let results = (outs Tile_TileType:$result);
  let assemblyFormat = [{
    $table `,` $indices `[` $unit `]` `map` $map `count` $count attr-dict `:` type($table) `,`
    type($indices) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def Grid_StoreOp : Grid_Op<"store"> {
  let summary = "Writes a unit's tile into one of its dispatch's outs";
  let description = [{
    ```mlir
    grid.store %r, %out[%u] map affine_map<(d0) -> (d0)> : !tile.tile<32x32, f32>, tensor<64x64xf32, #l>
    ```
  }];
  let arguments = (ins Tile_TileType:$value, AnyRankedTensor:$dest, Index:$unit,
                   AffineMapAttr:$map);
  let assemblyFormat = [{
    $value `,` $dest `[` $unit `]` `map` $map attr-dict `:` qualified(type($value)) `,` type($dest)
  }];
  let hasVerifier = 1;
}

def Grid_ComputeOp : Grid_Op<"compute", [IsolatedFromAbove, SingleBlock, AttrSizedOperandSegments]> {
  let summary = "The tile math of one unit: tiles in, one tile out through Dst";
  let description = [{
    The body runs on the core's math engines with Dst acquired (and zeroed): it takes the input
    tiles and the indices (the unit, and in a reduction's steps the step), computes into Dst with
    `tile` ops, and yields the `tile.pack` of Dst[0]. A `tile.pack` inside the body gives a tile
    that later ops of the body read (the FPU reduces tiles, not Dst). It is isolated from above
    so that `tt-lower-grid-to-kernels` can move it whole into a compute kernel.

    ```mlir
    %r = grid.compute(%a, %b : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>) at %u -> !tile.tile<32x32, f32> {
    ^bb0(%x: !tile.tile<32x32, f32>, %y: !tile.tile<32x32, f32>, %unit: index):
      %c0 = arith.constant 0 : index
      tile.binary add bcast none %x, %y, dst[%c0] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
      %p = tile.pack dst[%c0] : !tile.tile<32x32, f32>
      grid.yield %p : !tile.tile<32x32, f32>
    }
    ```
  }];
  let arguments = (ins Variadic<Tile_TileType>:$inputs, Variadic<Index>:$indices);
  let results = (outs Tile_TileType:$result);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    `(` ($inputs^ `:` qualified(type($inputs)))? `)` `at` $indices `->` qualified(type($result))
    attr-dict-with-keyword $body
  }];
  let hasVerifier = 1;
}

def Grid_YieldOp : Grid_Op<"yield", [Pure, Terminator, ReturnLike, HasParent<"ComputeOp">]> {
  let summary = "The tile a grid.compute produces";
  let description = [{
    ```mlir
    grid.yield %p : !tile.tile<32x32, f32>
    ```
  }];
  let arguments = (ins Tile_TileType:$value);
  let assemblyFormat = "$value attr-dict `:` qualified(type($value))";
}

#endif
