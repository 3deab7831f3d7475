#ifndef TESSEL_CONVERSION_PASSES
#define TESSEL_CONVERSION_PASSES

include "mlir/Pass/PassBase.td"

def LowerGraphToGrid : Pass<"tt-lower-graph-to-grid", "mlir::ModuleOp"> {
  let summary = "Lowers graph ops to grid.dispatch ops over core ranges";
  let description = [{
    Each compute op becomes a `grid.empty` for its result and a `grid.dispatch` over a core range.
    Work is split over the chip's grid in units of output tiles. Each core of the range takes an
    equal, contiguous run of units, addressed with affine expressions of `grid.core_index` and
    loop counters.

    Streaming ops (elementwise ops, transposes, concats, embedding lookups, and the remaps and
    reshapes that move values between tile positions: one tile per input in, one tile out per
    unit) get a tile loop: an `scf.for` over the core's units that reads tiles (`grid.load` a
    whole tile, `grid.load_one_of` a whole tile of the one input that holds it, `grid.gather`
    one assembled from runs of values, or `grid.gather_rows` rows of a table picked by run-time
    indices), computes on them (`grid.compute`, tile math on Dst) and stores the result
    (`grid.store`). Reductions (`graph.reduce`: pools, depthwise convolutions, split-K sums) get
    one too: per unit, a `grid.compute` starts an accumulator tile, an `scf.for` over the steps
    reads each step's tiles and folds them into it with another, and a last one finishes it
    (scale, bias, activation, mask) for the store. A reduce whose `#grid.reduce_config` cuts its
    rows is two such dispatches: S cores a row each reduce a run of its tiles into a partial
    tile (kept in L1, unfinished), and one a row adds its S partials and finishes them; both
    keep the config. A matmul is such a reduction over its K
    tiles, laid out as its `#grid.matmul_config` blocks it: core c's units are its output tiles
    pass by pass, each block's Dst-sized subblocks in turn, each step reads a tile of the lhs
    (gathered from the windows' input for an implicit GEMM) and of the rhs and accumulates their
    `tile.matmul`, and the finish is the fused epilogue (bias row, residual, activation, rows past
    the end zeroed). The dispatch keeps the config. `tt-lower-grid-to-kernels` then builds their
    kernels. Softmax and the normalisations (layer, RMS and group norms) get a row loop: per
    unit (a row of tiles; a group norm's unit is a sample's group, its channels' tiles one
    after another) a `grid.load_row` takes the row once as a `tensor` of tiles (a layer norm's
    scale and bias rows are taken once per core, before the loop over the units; a group norm's
    scale and bias per unit, a channel's value a tile, `scalars`), and passes over it in order:
    reductions along it (a `grid.compute` starts the accumulator, from the row's first tile or
    from nothing, an `scf.for` folds tiles into it, a `grid.compute` finishes it into the row's
    statistic), an `scf.for` that fills a new row (`tensor.insert`; softmax's exponentials, a
    layer norm's centred tiles, whose squares it folds into a sum as it goes), and a last
    `scf.for` that stores each tile of the result; a masked last tile (`-huge` past the row's
    end) replaces the row's own for softmax's maximum. Attention still gets its reader, compute
    and writer `noc.kernel`s here (its online softmax carries running statistics and output
    across its key blocks, which the row loop does not say yet).

    A `grid.reshard` gets a tile loop too, on its result's cores: each core copies the tiles of
    its own shard (core c shard c, row-major) from wherever the input keeps them; to an
    interleaved layout, the most cores its tiles divide over.

    It is a dialect conversion: one pattern per graph op and for `grid.reshard`, every graph op
    illegal but constants and what readers absorb (a remap that only gathering readers read, a
    cache that attention appends to in place), which is erased once its readers are lowered. A lowering that cannot
    build its op's dispatch names the reason at the op.

    Before:
    ```mlir
    %y = graph.unary relu %x : tensor<64x64xf32, #l> -> tensor<64x64xf32, #l>
    ```
    After:
    ```mlir
    %e = grid.empty : tensor<64x64xf32, #l>
    %y = grid.dispatch "relu" on <(0, 0) to (3, 0)> ins(%x : tensor<64x64xf32, #l>)
        outs(%e : tensor<64x64xf32, #l>) attributes {...} {
    ^bb0(%in: tensor<64x64xf32, #l>, %out: tensor<64x64xf32, #l>):
      %core = grid.core_index linear
      scf.for %i = %c0 to %c1 step %c1 {
        %u = affine.apply affine_map<(d0, d1) -> (d0 + d1)>(%core, %i)
        %t = grid.load %in[%u] map affine_map<(d0) -> (d0)> : tensor<64x64xf32, #l> -> !tile.tile<32x32, f32>
        %r = grid.compute(%t : !tile.tile<32x32, f32>) at %u -> !tile.tile<32x32, f32> {
        ^bb0(%a: !tile.tile<32x32, f32>, %unit: index):
          %c0 = arith.constant 0 : index
          tile.copy %a, dst[%c0] : !tile.tile<32x32, f32>
          tile.unary relu dst[%c0]
          %p = tile.pack dst[%c0] : !tile.tile<32x32, f32>
          grid.yield %p : !tile.tile<32x32, f32>
        }
        grid.store %r, %out[%u] map affine_map<(d0) -> (d0)> : !tile.tile<32x32, f32>, tensor<64x64xf32, #l>
      }
    } -> tensor<64x64xf32, #l>
    ```
  }];
  let dependentDialects = [
    "::tessel::grid::GridDialect", "::tessel::noc::NoCDialect", "::tessel::tile::TileDialect",
    "::mlir::arith::ArithDialect", "::mlir::affine::AffineDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def LowerGridToKernels : Pass<"tt-lower-grid-to-kernels", "mlir::ModuleOp"> {
  let summary = "Builds the reader, compute and writer kernels of tile-loop dispatches";
  let description = [{
    A dialect conversion: a `grid.dispatch` whose body is a tile loop is illegal, and its pattern
    rebuilds it with circular buffers and three `noc.kernel`s. In a streaming loop the reader
    issues a NoC read per `grid.load` into a double-buffered circular buffer (an input whose
    tile is the same at every unit is read once and held, by the writer so that the reader's
    first reads overlap it; over sixteen cores or more the first core reads it and
    `noc.mcast`s it to the others, where every core's read would queue a tile each at its
    one source), one per run of a `grid.gather`, or
    one from the picked input of a `grid.load_one_of` (a 0/1-trip loop per input, as kernels
    have no branches); the compute kernel waits for the tiles, runs the `grid.compute` body on
    Dst and packs Dst[0] into the output buffer; the writer writes each packed tile where
    `grid.store` puts it. A reduction's kernels keep the accumulator in Dst from its start
    through the steps to the finish (the tile loop's copies of it into Dst[0] and packs of it
    are not emitted), the reader fetches up to sixteen steps' tiles per barrier (all nine of a 3x3 window), a tile a body
    packs for its own later ops goes through a one-tile buffer (freed after its last use),
    and a body's input tiles are freed when the body is done. A reduction in a dispatch that
    carries a `#grid.matmul_config` gets the config's kernels instead, once its tiles are checked
    to be where the config puts them: per pass, the core's block accumulated over K chunks in
    Dst-sized subblocks whose partial sums wait in L1 (added to the block in the output buffer,
    `noc.cb_put ... accumulate`, where the finish only packs them and no rhs tile is skipped;
    otherwise packed apart and reloaded into Dst), the operand blocks a row or column of
    cores shares read by one of them and multicast, and the loop's finish run as the epilogue on
    each finished subblock (each of its ops on every tile of the subblock, its packed sums staged
    through one buffer). A row loop (softmax, the normalisations) gets a reader that brings
    each unit's rows (`grid.load_row`) into buffers of their tiles once, behind one barrier,
    held until the last pass that reads them (two rows' worth with `prefetch`; rows every unit
    shares once per core; `scalars`, one value into each tile's first position); the compute
    kernel runs the passes in order over them, reading tile j of a row from slot j: a
    reduction's accumulator stays in Dst from its start to its finish (in Dst[1] where the
    same pass fills a row, whose new tile it then takes from Dst[0]), a tile computed between
    passes (a statistic, a masked last tile) goes through a one-tile buffer, a pass that fills
    a row through a buffer of the row's tiles, and the last pass's tiles to the writer. Loops
    of one trip that canonicalization folded away (the unit loop of a core with one unit, a
    reduction's loop of one step) are put back first, so the pass may run after
    `--canonicalize`; a row loop's passes over a row of one tile, folded to their one step,
    are taken as they are (the tile a layer norm centres then goes through its buffer to the
    step that squares it, a copy more). Dispatches that already hold kernels are legal and left
    alone. A tile loop of another shape (several outputs, several computes per unit, a unit that is not the
    core's, a matmul loop that its config does not describe) is an error naming the dispatch.

    Before (see `tt-lower-graph-to-grid`):
    ```mlir
    scf.for %i = %c0 to %c1 step %c1 {
      %u = affine.apply affine_map<(d0, d1) -> (d0 + d1)>(%core, %i)
      %t = grid.load %in[%u] map affine_map<(d0) -> (d0)> : tensor<64x64xf32, #l> -> !tile.tile<32x32, f32>
      %r = grid.compute(%t : !tile.tile<32x32, f32>) at %u -> !tile.tile<32x32, f32> {...}
      grid.store %r, %out[%u] map affine_map<(d0) -> (d0)> : !tile.tile<32x32, f32>, tensor<64x64xf32, #l>
    }
    ```
    After:
    ```mlir
    %cb0 = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    %cb1 = noc.cb 1 : !noc.cb<!tile.tile<32x32, f32>, 2>
    noc.kernel reader { ... noc.read %in[%u] into %cb0[%c0] ... }
    noc.kernel compute { ... noc.cb_wait %cb0, 1 ... tile.copy ... tile.unary relu dst[%c0] ... tile.pack ... }
    noc.kernel writer { ... noc.write %cb1[%c0] into %out[%u] ... }
    ```
  }];
  let dependentDialects = [
    "::tessel::grid::GridDialect", "::tessel::noc::NoCDialect", "::tessel::tile::TileDialect",
    "::mlir::arith::ArithDialect", "::mlir::affine::AffineDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

#endif
