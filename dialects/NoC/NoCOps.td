#ifndef TESSEL_NOC_OPS
#define TESSEL_NOC_OPS

include "NoC/NoCDialect.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def NoC_CBOp : NoC_Op<"cb", [Pure]> {
  let summary = "Declares a circular buffer of a dispatch";
  let description = [{
    `id` is unique within the dispatch; `tt-allocate-buffers` adds its `l1_address`.

    ```mlir
    %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, bf16>, 4>
    ```
  }];
  let arguments = (ins I64Attr:$id, OptionalAttr<I64Attr>:$l1_address);
  let results = (outs NoC_CircularBufferType:$result);
  let assemblyFormat = "$id attr-dict `:` qualified(type($result))";
  let hasVerifier = 1;
}

def NoC_KernelOp : NoC_Op<"kernel", [SingleBlock, NoTerminator]> {
  let summary = "One thread of every core of the enclosing dispatch";
  let description = [{
    ```mlir
    noc.kernel reader {
      noc.cb_reserve %cb, 1 : !noc.cb<!tile.tile<32x32, f32>, 2>
      ...
    }
    ```
  }];
  let arguments = (ins NoC_ThreadKind:$thread);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$thread attr-dict-with-keyword $body";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Its `noc.wait_go`, if it reads constants before the go (one at most, at the top level).
    WaitGoOp getWaitGo();
  }];
}

class NoC_CBCountOp<string mnemonic, string what> : NoC_Op<mnemonic> {
  let summary = what;
  let description = [{
    ```mlir
    noc.}] # mnemonic # [{ %cb, 2 : !noc.cb<!tile.tile<32x32, f32>, 4>
    ```
  }];
  let arguments = (ins NoC_CircularBufferType:$cb, I64Attr:$count);
  let assemblyFormat = "$cb `,` $count attr-dict `:` qualified(type($cb))";
  let hasVerifier = 1;
}

def NoC_CBReserveOp : NoC_CBCountOp<"cb_reserve", "Producer: waits for free slots">;
def NoC_CBPushOp : NoC_CBCountOp<"cb_push", "Producer: publishes the reserved slots">;
def NoC_CBWaitOp : NoC_CBCountOp<"cb_wait", "Consumer: waits for published tiles">;
def NoC_CBPopOp : NoC_CBCountOp<"cb_pop", "Consumer: frees tiles">;

def NoC_CBGetOp : NoC_Op<"cb_get"> {
  let summary = "Reads a published tile of a circular buffer (slot relative to the read pointer)";
  let description = [{
    ```mlir
    %t = noc.cb_get %cb[%i] : !noc.cb<!tile.tile<32x32, f32>, 4> -> !tile.tile<32x32, f32>
    ```
  }];
  let arguments = (ins NoC_CircularBufferType:$cb, Index:$slot);
  let results = (outs Tile_TileType:$result);
  let assemblyFormat = "$cb `[` $slot `]` attr-dict `:` qualified(type($cb)) `->` qualified(type($result))";
  let hasVerifier = 1;
}

def NoC_CBPutOp : NoC_Op<"cb_put"> {
  let summary = "Stores a tile into a reserved slot (relative to the write pointer)";
  let description = [{
    With `accumulate`, the tile is added to what the slot holds (zeros if nothing was stored
    there yet) rather than replacing it: the packer's L1 accumulation, for f32 and bf16 buffers.
    A matmul over several K chunks packs each chunk's partial sums onto the previous ones in
    place instead of reloading them into Dst.

    ```mlir
    noc.cb_put %t, %cb[%i] : !tile.tile<32x32, f32>, !noc.cb<!tile.tile<32x32, f32>, 4>
    noc.cb_put %u, %cb[%i] accumulate : !tile.tile<32x32, f32>, !noc.cb<!tile.tile<32x32, f32>, 4>
    ```
  }];
  let arguments = (ins Tile_TileType:$value, NoC_CircularBufferType:$cb, Index:$slot,
                       UnitAttr:$accumulate);
  let assemblyFormat = "$value `,` $cb `[` $slot `]` (`accumulate` $accumulate^)? attr-dict `:` qualified(type($value)) `,` qualified(type($cb))";
  let hasVerifier = 1;
}

def NoC_ReadOp : NoC_Op<"read"> {
  let summary = "Asynchronous read of a DRAM tile into a reserved CB slot";
  let description = [{
    `tile` is the tile's linear index in the tensor (see docs/ttb-format.md). The request and
    the response travel over NoC 0, or over the NoC `noc` names, 0 or 1, which may differ from
    core to core (tt-metal's reads take either NoC): cores that read at once spread their
    responses over both NoCs' links.

    ```mlir
    noc.read %a[%t] into %cb[%s] : tensor<64x64xf32, #l>, !noc.cb<!tile.tile<32x32, f32>, 4>
    noc.read %a[%t] into %cb[%s] on noc %n : tensor<64x64xf32, #l>, !noc.cb<!tile.tile<32x32, f32>, 4>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$buffer, Index:$tile, NoC_CircularBufferType:$cb, Index:$slot,
                   Optional<Index>:$noc);
  let assemblyFormat = "$buffer `[` $tile `]` `into` $cb `[` $slot `]` (`on` `noc` $noc^)? attr-dict `:` type($buffer) `,` qualified(type($cb))";
  let hasVerifier = 1;
}

def NoC_WriteOp : NoC_Op<"write"> {
  let summary = "Asynchronous write of a published CB tile to DRAM";
  let description = [{
    The write travels over NoC 1, or over NoC 0 with `over noc0` (tt-metal's writes may take
    either): where many cores write into the DRAM columns at once, their NoC 1 links into them
    are busy and NoC 0's are another set.

    ```mlir
    noc.write %cb[%s] into %out[%t] : !noc.cb<!tile.tile<32x32, f32>, 4>, tensor<64x64xf32, #l>
    noc.write %cb[%s] into %out[%t] over noc0 : !noc.cb<!tile.tile<32x32, f32>, 4>, tensor<64x64xf32, #l>
    ```
  }];
  let arguments = (ins NoC_CircularBufferType:$cb, Index:$slot, AnyRankedTensor:$buffer, Index:$tile,
                   UnitAttr:$noc0);
  let assemblyFormat = "$cb `[` $slot `]` `into` $buffer `[` $tile `]` (`over` `noc0` $noc0^)? attr-dict `:` qualified(type($cb)) `,` type($buffer)";
  let hasVerifier = 1;
}

def NoC_ReadSpanOp : NoC_Op<"read_span"> {
  let summary = "Asynchronous read of a run of values of a DRAM tile into a reserved CB slot";
  let description = [{
    Copies `count` consecutive values, from row-major position `offset` of tile `tile`, to
    position `dst_offset` of the slot. Reshapes and other data movement assemble output tiles
    this way; block-float tiles cannot be split. When `outside` is non-zero the source lies
    outside the tensor (padding) and the values are set to `fill` instead.

    ```mlir
    noc.read_span %a[%t] offset %o into %cb[%s] offset %d count %c outside %z fill 0.0 : tensor<64x64xf32, #l>, !noc.cb<!tile.tile<32x32, f32>, 2>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$buffer, Index:$tile, Index:$offset,
                   NoC_CircularBufferType:$cb, Index:$slot, Index:$dstOffset, Index:$count,
                   Index:$outside, DefaultValuedAttr<F32Attr, "0.0">:$fill);
  let assemblyFormat = [{
    $buffer `[` $tile `]` `offset` $offset `into` $cb `[` $slot `]` `offset` $dstOffset `count` $count
    `outside` $outside `fill` $fill attr-dict `:` type($buffer) `,` qualified(type($cb))
  }];
  let hasVerifier = 1;
}

def NoC_ReadRunsOp : NoC_Op<"read_runs"> {
  let summary = "Asynchronous reads of a CB slot's runs of values, a request per contiguous stretch";
  let description = [{
    Fills `runs` runs of `length` values of the slot, `per_row` to a tile row: run `r` goes to
    row `r / per_row` at column `(r mod per_row) * length` and comes from row-major position
    `offset` of tile `tile`, or is `fill` where `outside` is non-zero (padding), the three
    yielded by the body for `r`. Runs that follow each other in both the slot and the source
    (the same tile, each offset `length` past the previous run's) or that are all padding are
    read by one request: a data-movement kernel walks the runs' sources and reads each
    contiguous stretch at once, as a convolution's window rows run along the rows of its input.
    Block-float tiles cannot be split.

    Each request travels over NoC 0, or with `over nearer` over the NoC whose route from the
    source has fewer hops: a core that reads the neighbour after it on NoC 0 (+x, +y) has its
    data come round the whole torus, on NoC 1 one hop.

    ```mlir
    noc.read_runs %a into %cb[%s] runs 32 of 32, 1 per row fill 0.0 over nearer : tensor<64x64xbf16, #l>, !noc.cb<!tile.tile<32x32, bf16>, 2> {
    ^bb0(%row: index):
      %t = affine.apply affine_map<(d0) -> (d0 floordiv 16)>(%row)
      %o = affine.apply affine_map<(d0) -> ((d0 mod 16) * 64)>(%row)
      noc.yield %t, %o, %c0
    }
    ```
  }];
  let arguments = (ins AnyRankedTensor:$buffer, NoC_CircularBufferType:$cb, Index:$slot,
                   I64Attr:$runs, I64Attr:$length, I64Attr:$per_row,
                   DefaultValuedAttr<F32Attr, "0.0">:$fill, UnitAttr:$nearer);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $buffer `into` $cb `[` $slot `]` `runs` $runs `of` $length `,` $per_row `per` `row`
    `fill` $fill
    (`over` `nearer` $nearer^)? attr-dict `:` type($buffer) `,` qualified(type($cb)) $body
  }];
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let skipDefaultBuilders = 1;
  let builders = [
    // The body is built by `bodyFn` from the run; it returns (tile, offset, outside).
    OpBuilder<(ins "::mlir::Value":$buffer, "::mlir::Value":$cb, "::mlir::Value":$slot,
                   "int64_t":$runs, "int64_t":$length, "int64_t":$perRow, "float":$fill,
                   "bool":$nearer,
                   "::llvm::function_ref<std::array<::mlir::Value, 3>(::mlir::OpBuilder &, ::mlir::Value)>":$bodyFn)>
  ];
}

def NoC_YieldOp : NoC_Op<"yield", [Pure, Terminator, ReturnLike, HasParent<"ReadRunsOp">]> {
  let summary = "A run's source in noc.read_runs: its tile, offset and outside flag";
  let arguments = (ins Index:$tile, Index:$offset, Index:$outside);
  let assemblyFormat = "$tile `,` $offset `,` $outside attr-dict";
}

def NoC_CBLoadIndexOp : NoC_Op<"cb_load_index"> {
  let summary = "Reads an index out of a tile in a slot the thread holds";
  let description = [{
    A data-movement thread reads a slot it has reserved, the compute thread one it has waited
    for. Gathers by run-time indices (embedding lookups) read the index tile into a slot of their
    own (reserved, never pushed) and address each row they fetch with an index read here; a
    matmul that skips zero weight tiles reads each tile's place in the stored ones, on both
    sides of the buffer, and runs a loop of zero or one trips on it. An index
    below 0 counts from the end (`+ wrap`); one outside [0, wrap) is clamped, so that a bad index
    reads a wrong row but never outside the tensor.

    ```mlir
    %i = noc.cb_load_index %cb[%c0, %r] wrap 30522 : !noc.cb<!tile.tile<32x32, f32>, 1>
    noc.read_span %table[%i] offset %c0 into %rows[%c0] offset %c0 count %c32 outside %c0 fill 0.0 : ...
    ```
  }];
  let arguments = (ins NoC_CircularBufferType:$cb, Index:$slot, Index:$element, I64Attr:$wrap);
  let results = (outs Index:$result);
  let assemblyFormat = [{
    $cb `[` $slot `,` $element `]` `wrap` $wrap attr-dict `:` qualified(type($cb))
  }];
  let hasVerifier = 1;
}

def NoC_CBTileNonzeroOp : NoC_Op<"cb_tile_nonzero"> {
  let summary = "1 when a tile the compute thread waited for holds a non-zero value, else 0";
  let description = [{
    The unpacker streams the tile and flags a non-zero value: a matmul that skips zero
    activation tiles (as a ReLU leaves them) tests each lhs tile before it multiplies it, and
    runs a loop of that many trips over its products. When the tile is all zeros the `skips`
    tile products the loop would have run are counted as skipped in the perf report.

    ```mlir
    %nz = noc.cb_tile_nonzero %cb[%slot] skips 4 : !noc.cb<!tile.tile<32x32, bf16>, 8>
    scf.for %i = %c0 to %nz step %c1 { ... }
    ```
  }];
  let arguments = (ins NoC_CircularBufferType:$cb, Index:$slot, I64Attr:$skips);
  let results = (outs Index:$result);
  let assemblyFormat = [{
    $cb `[` $slot `]` `skips` $skips attr-dict `:` qualified(type($cb))
  }];
  let hasVerifier = 1;
}

def NoC_BarrierOp : NoC_Op<"barrier"> {
  let summary = "Waits until this thread's NoC reads and writes have landed";
  let description = [{
    ```mlir
    noc.barrier
    ```
  }];
  let assemblyFormat = "attr-dict";
  let hasVerifier = 1;
}

def NoC_WaitGoOp : NoC_Op<"wait_go"> {
  let summary = "Waits for the go of the barrier before a dispatch joined to a program";
  let description = [{
    A dispatch joined to the program of the one before it starts on the go that the barrier
    between them multicasts once every core of the one before has ended. A data-movement kernel
    may instead begin with reads of constants into its own circular buffers and wait for the go
    here: those reads then travel while the barrier's semaphores and go do. Only
    `noc.cb_reserve`, `noc.cb_push`, `noc.barrier`, loops, index arithmetic and reads of
    constants may come before it (`tt-hoist-constant-reads` places it), at the top level of its
    kernel, once. In a dispatch that starts a program it passes at once.

    ```mlir
    noc.kernel writer {
      noc.cb_reserve %cb, 2 : !noc.cb<!tile.tile<32x32, bfp8_b>, 4>
      scf.for %i = %c0 to %c2 step %c1 {
        noc.read %weights[%i] into %cb[%i] : tensor<...>, !noc.cb<!tile.tile<32x32, bfp8_b>, 4>
      }
      noc.wait_go
      ...
    }
    ```
  }];
  let assemblyFormat = "attr-dict";
  let hasVerifier = 1;
}

def NoC_FlushOp : NoC_Op<"flush"> {
  let summary = "Waits until this thread's NoC writes have left its L1";
  let description = [{
    As tt-metal's `noc_async_writes_flushed`: the slots the writes read from may be reused (the
    writer pops them) once the data has left the core, before it lands and is acknowledged,
    which `noc.barrier` waits for. Reads are not waited for. A kernel's end still waits for
    every transfer to land.

    ```mlir
    noc.flush
    ```
  }];
  let assemblyFormat = "attr-dict";
  let hasVerifier = 1;
}

def NoC_MulticastOp : NoC_Op<"mcast"> {
  let summary = "Writes a published tile into the same CB of every core of a rectangle";
  let description = [{
    Coordinates are relative to the dispatch's core range; the rectangle is inclusive and the
    destination slot is relative to each receiver's write pointer. The packet travels over NoC 1,
    or over the NoC `noc` names, 0 or 1, which may differ from core to core (tt-metal's
    multicasts take either NoC): senders that share a row or column of links spread their
    packets over both.

    ```mlir
    noc.mcast %cb[%s] over (%x0, %y0) to (%x1, %y1) slot %d : !noc.cb<!tile.tile<32x32, bf16>, 2>
    noc.mcast %cb[%s] over (%x0, %y0) to (%x1, %y1) slot %d on noc %n : !noc.cb<!tile.tile<32x32, bf16>, 2>
    ```
  }];
  let arguments = (ins NoC_CircularBufferType:$cb, Index:$slot, Index:$x0, Index:$y0,
                   Index:$x1, Index:$y1, Index:$dstSlot, Optional<Index>:$noc);
  let assemblyFormat = [{
    $cb `[` $slot `]` `over` ` ` `(` $x0 `,` $y0 `)` `to` ` ` `(` $x1 `,` $y1 `)` `slot` $dstSlot (`on` `noc` $noc^)? attr-dict `:` qualified(type($cb))
  }];
  let hasVerifier = 1;
}

def NoC_SemaphoreWaitOp : NoC_Op<"sem_wait"> {
  let summary = "Waits until this core's semaphore reaches a value, then takes it";
  let description = [{
    ```mlir
    noc.sem_wait 0, %n
    ```
  }];
  let arguments = (ins I64Attr:$sem, Index:$value);
  let assemblyFormat = "$sem `,` $value attr-dict";
  let hasVerifier = 1;
}

def NoC_SemaphoreIncOp : NoC_Op<"sem_inc"> {
  let summary = "Adds to a semaphore of another core over the NoC";
  let description = [{
    ```mlir
    noc.sem_inc 0, 1 at (%x, %y)
    ```
  }];
  let arguments = (ins I64Attr:$sem, I64Attr:$increment, Index:$x, Index:$y);
  let assemblyFormat = "$sem `,` $increment `at` ` ` `(` $x `,` $y `)` attr-dict";
  let hasVerifier = 1;
}

#endif
