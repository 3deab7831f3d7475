// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-assign-layouts=precision=bf16 --tt-choose-op-configs --tt-lower-graph-to-grid --tt-fuse-tile-loops=print --mlir-print-local-scope | FileCheck %s
// RUN: tt-opt %s -split-input-file --tt-assign-layouts=precision=bf16 --tt-choose-op-configs --tt-lower-graph-to-grid --mlir-print-local-scope | FileCheck %s --check-prefix=BEFORE
// Charging every dispatch a launch of its own (no program joins them) makes more fusions pay.
// RUN: tt-opt %s -split-input-file --tt-assign-layouts=precision=bf16 --tt-choose-op-configs --tt-lower-graph-to-grid --tt-fuse-tile-loops="print join-dispatches=false" --mlir-print-local-scope | FileCheck %s --check-prefix=LAUNCH
// RUN: tt-opt %s -split-input-file -verify-diagnostics --tt-assign-layouts=precision=bf16 --tt-choose-op-configs --tt-lower-graph-to-grid --tt-fuse-tile-loops --tt-lower-grid-to-kernels | FileCheck %s --check-prefix=KERNELS

// x * sigmoid(x), a diamond: two loops, the sigmoid's result written and read again...
// BEFORE-LABEL: func.func @silu
// BEFORE: grid.dispatch "sigmoid"
// BEFORE: tile.unary sigmoid dst
// BEFORE: grid.store
// BEFORE: grid.dispatch "mul"
// BEFORE-COUNT-2: grid.load
// BEFORE: tile.binary mul

// ...become one, which reads x once: the sigmoid's math runs on Dst[1], above the mul's Dst[0],
// and its pack feeds the mul.
// CHECK: sigmoid -> mul: fused: each of the 16 tiles read once; estimated [[B:[0-9]+]] -> [[A:[0-9]+]] cycles
// CHECK-LABEL: func.func @silu
// CHECK-NOT: grid.dispatch "sigmoid"
// CHECK: grid.dispatch "sigmoid+mul" on <(0, 0) to (7, 1)> ins(%{{.*}} : tensor<64x256xf32, {{.*}}>) outs
// CHECK: %[[U:.*]] = affine.apply affine_map<(d0, d1) -> (d0 + d1)>
// CHECK-NEXT: %[[X:.*]] = grid.load %{{.*}}[%[[U]]] map affine_map<(d0) -> (d0)>
// CHECK-NEXT: grid.compute(%[[X]], %[[X]] : {{.*}}) at %[[U]]
// CHECK-NEXT: ^bb0(%[[A0:.*]]: !tile.tile<32x32, bf16>, %[[A1:.*]]: !tile.tile<32x32, bf16>, %{{.*}}: index):
// CHECK: tile.copy %[[A1]], dst[%[[ONE:.*]]]
// CHECK: tile.unary sigmoid dst
// CHECK: %[[S:.*]] = tile.pack dst
// CHECK: tile.binary mul bcast none %[[A0]], %[[S]], dst
// CHECK: grid.yield
// CHECK-NOT: grid.dispatch
// The kernels send the sigmoid's tile through a one-tile buffer of the compute kernel.
// KERNELS-LABEL: func.func @silu
// KERNELS: grid.dispatch "sigmoid+mul"
// KERNELS: %[[STAGE:.*]] = noc.cb 0 : !noc.cb<!tile.tile<32x32, bf16>, 1>
// KERNELS: noc.kernel compute
// KERNELS: tile.unary sigmoid
// KERNELS: noc.cb_reserve %[[STAGE]], 1
// KERNELS-NEXT: %[[P:.*]] = tile.pack
// KERNELS-NEXT: noc.cb_put %[[P]], %[[STAGE]]
// KERNELS-NEXT: noc.cb_push %[[STAGE]], 1
// KERNELS-NEXT: noc.cb_wait %[[STAGE]], 1
// KERNELS-NEXT: %[[T:.*]] = noc.cb_get %[[STAGE]]
// KERNELS-NEXT: tile.binary mul bcast none %{{.*}}, %[[T]]
// KERNELS-NEXT: noc.cb_pop %[[STAGE]], 1
func.func @silu(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %s = graph.unary sigmoid %x : tensor<64x256xf32> -> tensor<64x256xf32>
  %y = graph.binary mul %x, %s : (tensor<64x256xf32>, tensor<64x256xf32>) -> tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}

// -----
// A transpose's mirrored read becomes the relu's own: no transposed copy is written.
// CHECK: transpose -> relu: fused: each of the 8 tiles read once
// CHECK-LABEL: func.func @transpose_relu
// CHECK: grid.dispatch "transpose+relu"
// CHECK: grid.load %{{.*}} map affine_map<(d0) -> ((d0 mod 2) * 4 + d0 floordiv 2)> : tensor<64x128xf32
// CHECK: tile.transpose
// CHECK: tile.pack
// CHECK: tile.unary relu
func.func @transpose_relu(%x: tensor<64x128xf32>) -> tensor<128x64xf32> {
  %t = graph.transpose %x {perm = array<i64: 1, 0>} : (tensor<64x128xf32>) -> tensor<128x64xf32>
  %y = graph.unary relu %t : tensor<128x64xf32> -> tensor<128x64xf32>
  return %y : tensor<128x64xf32>
}

// -----
// A reduction's steps read the negated tiles: each step negates its tile, packs it and folds it
// into the accumulator, which stays in Dst[0].
// BEFORE-LABEL: func.func @neg_sum
// BEFORE: grid.dispatch "neg"
// BEFORE: grid.dispatch "reduce_sum"
// CHECK: neg -> reduce_sum: fused: each of the 128 tiles read once
// CHECK-LABEL: func.func @neg_sum
// CHECK: grid.dispatch "neg+reduce_sum"
// CHECK: scf.for
// CHECK: scf.for {{.*}} iter_args
// CHECK: %[[T:.*]] = grid.load
// CHECK: grid.compute(%{{.*}}, %[[T]] : {{.*}})
// CHECK-NEXT: ^bb0(%[[ACC:.*]]: !tile.tile<32x32, bf16>, %[[IN:.*]]: !tile.tile<32x32, bf16>, %{{.*}}: index, %{{.*}}: index):
// CHECK: tile.copy %[[ACC]], dst
// CHECK: tile.copy %[[IN]], dst
// CHECK: tile.unary neg
// CHECK: %[[N:.*]] = tile.pack
// CHECK-NEXT: tile.reduce sum dim 0 %[[N]], dst{{.*}} {accumulate}
func.func @neg_sum(%x: tensor<256x512xf32>) -> tensor<256x1xf32> {
  %e = graph.unary neg %x : tensor<256x512xf32> -> tensor<256x512xf32>
  %s = graph.reduce sum %e {axes = array<i64: 1>} : (tensor<256x512xf32>) -> tensor<256x1xf32>
  return %s : tensor<256x1xf32>
}

// -----
// A square before a sum (RMSNorm's statistic): the fused step reads each tile once and
// multiplies it by itself.
// CHECK: mul -> reduce_sum: fused
// CHECK-LABEL: func.func @square_sum
// CHECK: grid.dispatch "mul+reduce_sum"
// CHECK: scf.for {{.*}} iter_args
// CHECK: %[[T:.*]] = grid.load
// CHECK-NOT: grid.load
// CHECK: grid.compute(%{{.*}}, %[[T]] : {{.*}})
// CHECK-NEXT: ^bb0(%[[ACC:.*]]: !tile.tile<32x32, bf16>, %[[IN:.*]]: !tile.tile<32x32, bf16>, %{{.*}}: index, %{{.*}}: index):
// CHECK: tile.binary mul bcast none %[[IN]], %[[IN]]
func.func @square_sum(%x: tensor<256x512xf32>) -> tensor<256x1xf32> {
  %e = graph.binary mul %x, %x : (tensor<256x512xf32>, tensor<256x512xf32>) -> tensor<256x512xf32>
  %s = graph.reduce sum %e {axes = array<i64: 1>} : (tensor<256x512xf32>) -> tensor<256x1xf32>
  return %s : tensor<256x1xf32>
}

// -----
// An exp before a sum of long rows: the sum's rows are cut into runs reduced on 16 cores
// (#grid.reduce_config), and the exp's math there costs more than the round trip of its result
// saves; the runs' partial sums are combined by a dispatch of their own, which a reduction's
// loop of steps cannot be fused into.
// CHECK: exp -> reduce_sum: not fused, it does not pay: each of the 256 tiles read once; estimated [[B:[0-9]+]] -> [[A:[0-9]+]] cycles
// CHECK: reduce_sum -> reduce_sum_combine: not fused: the producer is a reduction
// CHECK-LABEL: func.func @exp_sum
// CHECK: grid.dispatch "exp"
// CHECK: grid.dispatch "reduce_sum" on <(0, 0) to (7, 1)>
// CHECK: grid.dispatch "reduce_sum_combine" on <(0, 0) to (1, 0)>
func.func @exp_sum(%x: tensor<64x4096xf32>) -> tensor<64x1xf32> {
  %e = graph.unary exp %x : tensor<64x4096xf32> -> tensor<64x4096xf32>
  %s = graph.reduce sum %e {axes = array<i64: 1>} : (tensor<64x4096xf32>) -> tensor<64x1xf32>
  return %s : tensor<64x1xf32>
}

// -----
// The same with short rows: the exp's math on the sum's 2 cores costs less than the sum's
// launch and the round trip of the exp's result, but more than the round trip and the barrier
// that starts the sum in the exp's program.
// CHECK: exp -> reduce_sum: not fused, it does not pay: each of the 16 tiles read once
// CHECK-LABEL: func.func @short_exp_sum
// CHECK: grid.dispatch "exp"
// CHECK: grid.dispatch "reduce_sum"
// LAUNCH: exp -> reduce_sum: fused: each of the 16 tiles read once
// LAUNCH-LABEL: func.func @short_exp_sum
// LAUNCH: grid.dispatch "exp+reduce_sum"
func.func @short_exp_sum(%x: tensor<64x256xf32>) -> tensor<64x1xf32> {
  %e = graph.unary exp %x : tensor<64x256xf32> -> tensor<64x256xf32>
  %s = graph.reduce sum %e {axes = array<i64: 1>} : (tensor<64x256xf32>) -> tensor<64x1xf32>
  return %s : tensor<64x1xf32>
}

// -----
// The relu is returned, so it is written anyway: recomputing it in the neg saves nothing.
// CHECK: relu -> neg: not fused, it does not pay: {{.*}} (the producer stays for its other readers)
// CHECK-LABEL: func.func @returned
// CHECK: grid.dispatch "relu"
// CHECK: grid.dispatch "neg"
func.func @returned(%x: tensor<64x256xf32>) -> (tensor<64x256xf32>, tensor<64x256xf32>) {
  %r = graph.unary relu %x : tensor<64x256xf32> -> tensor<64x256xf32>
  %n = graph.unary neg %r : tensor<64x256xf32> -> tensor<64x256xf32>
  return %r, %n : tensor<64x256xf32>, tensor<64x256xf32>
}

// -----
// A matmul's operands stream through its blocks and multicasts: the exp keeps its dispatch.
// CHECK: exp -> matmul: not fused: the consumer is a matmul
// CHECK-LABEL: func.func @into_matmul
// CHECK: grid.dispatch "exp"
// CHECK: grid.dispatch "matmul"
func.func @into_matmul(%x: tensor<64x64xf32>, %w: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %r = graph.unary exp %x : tensor<64x64xf32> -> tensor<64x64xf32>
  %y = graph.matmul %r, %w : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
  return %y : tensor<64x64xf32>
}

// -----
// Softmax's row loop holds each row in L1 across its passes: a streaming producer does not move
// into its reads (the row's tiles are read once, not computed per pass), nor does the row loop
// move into a reader's.
// CHECK: exp -> softmax: not fused: the consumer holds rows of the tensor across passes (a row loop: softmax, a norm)
// CHECK: softmax -> neg: not fused: the producer holds rows across passes (a row loop: softmax, a norm)
// CHECK-LABEL: func.func @around_softmax
// CHECK: grid.dispatch "exp"
// CHECK: grid.dispatch "softmax"
// CHECK: grid.dispatch "neg"
func.func @around_softmax(%x: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %e = graph.unary exp %x : tensor<64x64xf32> -> tensor<64x64xf32>
  %s = graph.softmax %e {axis = 1 : i64} : tensor<64x64xf32>
  %y = graph.unary neg %s : tensor<64x64xf32> -> tensor<64x64xf32>
  return %y : tensor<64x64xf32>
}

// -----
// A reshape that moves values between tile positions gathers them in runs from several tiles:
// a tile of the relu is not one tile of the exp.
// CHECK: exp -> reshape: not fused: the consumer gathers the tensor's values in runs from several tiles
// CHECK-LABEL: func.func @into_gather
func.func @into_gather(%x: tensor<2x64xf32>) -> tensor<4x32xf32> {
  %e = graph.unary exp %x : tensor<2x64xf32> -> tensor<2x64xf32>
  %y = graph.reshape %e : (tensor<2x64xf32>) -> tensor<4x32xf32>
  return %y : tensor<4x32xf32>
}
