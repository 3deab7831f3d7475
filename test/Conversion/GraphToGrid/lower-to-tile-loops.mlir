// RUN: tt-opt %s -split-input-file --tt-assign-layouts --tt-choose-op-configs --tt-lower-graph-to-grid --mlir-print-local-scope | FileCheck %s

// Streaming ops (elementwise, transposes, gathers, concats, row gathers) and reductions lower to
// a tile loop, not to kernels: per unit of the running core, a read of each input, a
// grid.compute of the math and a grid.store.

// Four output tiles on four cores, one unit each.
// CHECK-LABEL: func.func @relu
// CHECK: grid.dispatch "relu" on <(0, 0) to{{ ?}}(3, 0)>
// CHECK-NEXT: ^bb0(%[[IN:.*]]: tensor<64x64xf32, {{.*}}>, %[[OUT:.*]]: tensor<64x64xf32, {{.*}}>):
// CHECK: %[[CORE:.*]] = grid.core_index linear
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step
// CHECK-NEXT: %[[U:.*]] = affine.apply affine_map<(d0, d1) -> (d0 + d1)>(%[[CORE]], %[[I]])
// CHECK-NEXT: %[[T:.*]] = grid.load %[[IN]][%[[U]]] map affine_map<(d0) -> ({{.*}})> : tensor<64x64xf32, {{.*}}> -> !tile.tile<32x32, f32>
// CHECK-NEXT: %[[R:.*]] = grid.compute(%[[T]] : !tile.tile<32x32, f32>) at %[[U]] -> !tile.tile<32x32, f32> {
// CHECK-NEXT: ^bb0(%[[A:.*]]: !tile.tile<32x32, f32>, %{{.*}}: index):
// CHECK-NEXT: %[[D0:.*]] = arith.constant 0 : index
// CHECK-NEXT: tile.copy %[[A]], dst[%[[D0]]]
// CHECK: tile.unary relu dst[%[[D0]]]
// CHECK-NEXT: %[[P:.*]] = tile.pack dst[%[[D0]]] : !tile.tile<32x32, f32>
// CHECK-NEXT: grid.yield %[[P]]
// CHECK: grid.store %[[R]], %[[OUT]][%[[U]]] map affine_map<(d0) -> (d0)>
// CHECK-NOT: noc.kernel
func.func @relu(%x: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %0 = graph.unary relu %x : tensor<64x64xf32> -> tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}

// -----
// A row broadcast reads the row's tile in the output tile's column, its first row only (the
// FPU broadcasts it).
// CHECK-LABEL: func.func @add_row
// CHECK: grid.load %{{.*}} map affine_map<(d0) -> (d0 mod 2)> {first_row} : tensor<1x64xf32, {{.*}}>
// CHECK: tile.binary add bcast rows
func.func @add_row(%x: tensor<64x64xf32>, %y: tensor<1x64xf32>) -> tensor<64x64xf32> {
  %0 = graph.binary add %x, %y : (tensor<64x64xf32>, tensor<1x64xf32>) -> tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}

// -----
// A one-tile operand is the same tile at every unit: its map has a constant result. Broadcast
// as a scalar, only its first row is read.
// CHECK-LABEL: func.func @mul_scalar_tile
// CHECK: grid.load %{{.*}} map affine_map<(d0) -> (0)> {first_row} : tensor<1x1xf32, {{.*}}>
// CHECK: tile.binary mul bcast scalar
func.func @mul_scalar_tile(%x: tensor<64x64xf32>, %y: tensor<1x1xf32>) -> tensor<64x64xf32> {
  %0 = graph.binary mul %x, %y : (tensor<64x64xf32>, tensor<1x1xf32>) -> tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}

// -----
// A partial tile masks its padding, from the unit the compute body receives.
// CHECK-LABEL: func.func @exp_partial
// CHECK: grid.compute
// CHECK-NEXT: ^bb0(%{{.*}}: !tile.tile<32x32, f32>, %[[UNIT:.*]]: index):
// CHECK: tile.unary exp
// CHECK: %[[ROWS:.*]] = affine.apply affine_map<(d0) -> ({{.*}})>(%[[UNIT]])
// CHECK: tile.mask dst[%{{.*}}] rows %[[ROWS]]
func.func @exp_partial(%x: tensor<40x40xf32>) -> tensor<40x40xf32> {
  %0 = graph.unary exp %x : tensor<40x40xf32> -> tensor<40x40xf32>
  return %0 : tensor<40x40xf32>
}

// -----
// A transpose of the last two dims reads the mirrored tile and transposes it in Dst.
// CHECK-LABEL: func.func @transpose
// CHECK: grid.dispatch "transpose" on <(0, 0) to{{ ?}}(1, 0)>
// CHECK: grid.load %{{.*}} map affine_map<(d0) -> ({{.*}})> : tensor<32x64xf32, {{.*}}>
// CHECK: tile.transpose
// CHECK: grid.store
func.func @transpose(%x: tensor<32x64xf32>) -> tensor<64x32xf32> {
  %0 = graph.transpose %x {perm = array<i64: 1, 0>} : (tensor<32x64xf32>) -> tensor<64x32xf32>
  return %0 : tensor<64x32xf32>
}

// -----
// A reshape that moves values between tile positions gathers each output tile from runs of the
// input's values (here whole 32-value rows), then masks the padding.
// CHECK-LABEL: func.func @reshape
// CHECK: grid.dispatch "reshape"
// CHECK: %[[G:.*]] = grid.gather %{{.*}}[%[[U:.*]]] map affine_map<(d0, d1, d2) -> ({{.*}})> run 32 columns 32 fill 0.000000e+00 : tensor<2x64xf32, {{.*}}> -> !tile.tile<32x32, f32>
// CHECK-NEXT: grid.compute(%[[G]] : !tile.tile<32x32, f32>) at %[[U]]
// CHECK: tile.copy
// CHECK: tile.mask
// CHECK: grid.store
func.func @reshape(%x: tensor<2x64xf32>) -> tensor<4x32xf32> {
  %0 = graph.reshape %x : (tensor<2x64xf32>) -> tensor<4x32xf32>
  return %0 : tensor<4x32xf32>
}

// -----
// A concat reads each output tile whole from the one input that holds it: a flag and a tile
// index per input.
// CHECK-LABEL: func.func @concat
// CHECK: grid.dispatch "concat"
// CHECK: %[[T:.*]] = grid.load_one_of %{{.*}}, %{{.*}}[%[[U:.*]]] map affine_map<(d0) -> ({{.*}}, {{.*}}, {{.*}}, {{.*}})> : tensor<1x2x32x32xf32, {{.*}}>, tensor<1x3x32x32xf32, {{.*}}> -> !tile.tile<32x32, f32>
// CHECK-NEXT: grid.compute(%[[T]] : !tile.tile<32x32, f32>) at %[[U]]
// CHECK: tile.copy
func.func @concat(%a: tensor<1x2x32x32xf32>, %b: tensor<1x3x32x32xf32>) -> tensor<1x5x32x32xf32> {
  %0 = graph.concat %a, %b {axis = 1 : i64} : (tensor<1x2x32x32xf32>, tensor<1x3x32x32xf32>) -> tensor<1x5x32x32xf32>
  return %0 : tensor<1x5x32x32xf32>
}

// -----
// An embedding lookup reads each output tile as rows of the table that a tile of indices names;
// rows from the 40th on are zeros.
// CHECK-LABEL: func.func @embed
// CHECK: %[[T:.*]] = grid.gather_rows %{{.*}}, %{{.*}}[%[[U:.*]]] map affine_map<(d0) -> (d0 floordiv 2, d0 mod 2)> count 40 : tensor<100x64xf32, {{.*}}>, tensor<40xi64, {{.*}}> -> !tile.tile<32x32, f32>
// CHECK-NEXT: grid.compute(%[[T]] : !tile.tile<32x32, f32>) at %[[U]]
func.func @embed(%table: tensor<100x64xf32>, %ids: tensor<40xi64>) -> tensor<40x64xf32> {
  %0 = graph.gather_rows %table, %ids : (tensor<100x64xf32>, tensor<40xi64>) -> tensor<40x64xf32>
  return %0 : tensor<40x64xf32>
}

// -----
// A reduction: per unit, an accumulator (a tile of Dst's format) that the first grid.compute
// starts at the identity, an scf.for of steps that each read a tile and fold it in (a tile the
// body prepares is packed for REDUCE to read), and a finish that masks the result.
// CHECK-LABEL: func.func @reduce_max
// CHECK: %[[INIT:.*]] = grid.compute() at %[[U:.*]] -> !tile.tile<32x32, f32> {
// CHECK: tile.mask dst[%{{.*}}] rows %{{.*}} cols %{{.*}} fill -3.000000e+38
// CHECK: %[[ACC:.*]] = scf.for %[[S:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[A:.*]] = %[[INIT]]) -> (!tile.tile<32x32, f32>) {
// CHECK: %[[T:.*]] = grid.load %{{.*}}[%{{.*}}] map affine_map<(d0) -> (d0)> : tensor<3x40xf32, {{.*}}> -> !tile.tile<32x32, f32>
// CHECK-NEXT: %[[N:.*]] = grid.compute(%[[A]], %[[T]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>) at %[[U]], %[[S]] -> !tile.tile<32x32, f32> {
// CHECK-NEXT: ^bb0(%[[BA:.*]]: !tile.tile<32x32, f32>, %{{.*}}: !tile.tile<32x32, f32>, %{{.*}}: index, %{{.*}}: index):
// CHECK: tile.copy %[[BA]], dst[%[[D0:.*]]] : !tile.tile<32x32, f32>
// CHECK: %[[P:.*]] = tile.pack dst[%{{.*}}] : !tile.tile<32x32, f32>
// CHECK-NEXT: tile.reduce max dim 0 %[[P]], dst[%[[D0]]] {accumulate}
// CHECK: scf.yield %[[N]] : !tile.tile<32x32, f32>
// CHECK: %[[Y:.*]] = grid.compute(%[[ACC]] : !tile.tile<32x32, f32>) at %[[U]] -> !tile.tile<32x32, f32> {
// CHECK: tile.mask
// CHECK: grid.store %[[Y]]
func.func @reduce_max(%x: tensor<3x40xf32>) -> tensor<3x1xf32> {
  %0 = graph.reduce max %x {axes = array<i64: 1>} : (tensor<3x40xf32>) -> tensor<3x1xf32>
  return %0 : tensor<3x1xf32>
}

// -----
// A depthwise convolution's weighted sum: each step reads the window's tile and the weights'
// row (its first row only, which the FPU broadcasts); the bias row is read once per unit and
// added by the finish.
// CHECK-LABEL: func.func @weighted_sum
// CHECK: %[[B:.*]] = grid.load %{{.*}}[%{{.*}}] map affine_map<(d0) -> (d0)> {first_row} : tensor<64xf32, {{.*}}>
// CHECK: scf.for
// CHECK: %[[W:.*]] = grid.load %{{.*}}[%{{.*}}] map affine_map<(d0) -> (d0)> {first_row} : tensor<9x1x64xf32, {{.*}}>
// CHECK: tile.binary mul bcast rows
// CHECK: tile.dst_binary add
// CHECK: grid.compute(%{{.*}}, %[[B]] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>)
// CHECK: tile.binary add bcast rows
// CHECK: tile.unary min_scalar dst[%{{.*}}] {param = 6.000000e+00 : f32}
func.func @weighted_sum(%x: tensor<9x64x64xf32>, %w: tensor<9x1x64xf32>, %b: tensor<64xf32>) -> tensor<1x64x64xf32> {
  %0 = graph.reduce sum %x times %w, %b then clip {axes = array<i64: 0>, beta = 6.0 : f32} : (tensor<9x64x64xf32>, tensor<9x1x64xf32>, tensor<64xf32>) -> tensor<1x64x64xf32>
  return %0 : tensor<1x64x64xf32>
}

// -----
// A matmul is a reduction over K tiles in the order its config computes it: core c's units are
// its output tiles (here two cores, each a block of one row of two tiles), each step reads a
// tile of the lhs and of the rhs and accumulates their product in Dst, and the finish adds the
// bias's row and the residual (each packed sum read back by the FPU), applies the ReLU and
// zeroes the rows past the 50th.
// CHECK-LABEL: func.func @matmul_epilogue
// CHECK: grid.dispatch "matmul" on <(0, 0) to{{ ?}}(1, 0)> {{.*}}grid.config = #grid.matmul_config<grid = [2, 1], cores = [2, 1], block = [1, 2]
// CHECK: %[[CORE:.*]] = grid.core_index linear
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step
// CHECK-NEXT: %[[U:.*]] = affine.apply affine_map<(d0, d1) -> (d0 * 2 + d1)>(%[[CORE]], %[[I]])
// CHECK-NEXT: %[[BIAS:.*]] = grid.load %{{.*}}[%[[U]]] map affine_map<(d0) -> (d0 mod 2)> {first_row} : tensor<64xf32
// CHECK-NEXT: %[[RES:.*]] = grid.load %{{.*}}[%[[U]]] map affine_map<(d0) -> (d0)> : tensor<50x64xf32
// CHECK-NEXT: %[[INIT:.*]] = grid.compute() at %[[U]]
// CHECK: %[[ACC:.*]] = scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[A:.*]] = %[[INIT]])
// CHECK-NEXT: %[[AI:.*]] = affine.apply affine_map<(d0, d1, d2) -> (d0 + d1 * 2 + (d2 floordiv 2) * 2)>(%[[K]], %[[CORE]], %[[I]])
// CHECK-NEXT: %[[X:.*]] = grid.load %{{.*}}[%[[AI]]] map affine_map<(d0) -> (d0)> : tensor<50x64xf32
// CHECK-NEXT: %[[BI:.*]] = affine.apply affine_map<(d0, d1, d2) -> (d0 * 2 + d2 - (d2 floordiv 2) * 2)>(%[[K]], %[[CORE]], %[[I]])
// CHECK-NEXT: %[[W:.*]] = grid.load %{{.*}}[%[[BI]]] map affine_map<(d0) -> (d0)> : tensor<64x64xf32
// CHECK-NEXT: grid.compute(%[[A]], %[[X]], %[[W]] : {{.*}}) at %[[U]], %[[K]]
// CHECK: tile.matmul
// CHECK: grid.compute(%[[ACC]], %[[BIAS]], %[[RES]] : {{.*}}) at %[[U]]
// CHECK: tile.binary add bcast rows
// CHECK: tile.binary add bcast none
// CHECK: tile.unary relu
// CHECK: affine.apply affine_map<(d0) -> ((d0 floordiv 2) * -32 + 50)>
// CHECK-NEXT: tile.mask
// CHECK: grid.store %{{.*}}, %{{.*}}[%[[U]]] map affine_map<(d0) -> (d0)>
// CHECK-NOT: noc.kernel
func.func @matmul_epilogue(%a: tensor<50x64xf32>, %b: tensor<64x64xf32>, %bias: tensor<64xf32>, %r: tensor<50x64xf32>) -> tensor<50x64xf32> {
  %0 = graph.matmul %a, %b, %bias plus %r then relu {grid.config = #grid.matmul_config<grid = [2, 1], cores = [2, 1], block = [1, 2], subblock = [1, 1], k_chunk = 1>} : (tensor<50x64xf32>, tensor<64x64xf32>, tensor<64xf32>, tensor<50x64xf32>) -> tensor<50x64xf32>
  return %0 : tensor<50x64xf32>
}

// -----
// An implicit GEMM's lhs is gathered from the windows' input, at the windows' tile.
// CHECK-LABEL: func.func @implicit_gemm
// CHECK: grid.dispatch "matmul" on {{.*}} ins(%{{.*}}, %{{.*}} : tensor<25x32xf32
// CHECK: scf.for
// CHECK: grid.gather %{{.*}}[%{{.*}}] map affine_map<(d0, d1, d2) -> ({{.*}})> run 32 {{.*}} : tensor<25x32xf32
// CHECK: tile.matmul
func.func @implicit_gemm(%x: tensor<25x32xf32>, %w: tensor<288x32xf32>) -> tensor<25x32xf32> {
  %win = graph.remap %x {map = affine_map<(d0, d1) -> (d0 + ((d1 floordiv 32) floordiv 3 - 1) * 5 + (d1 floordiv 32) mod 3 - 1, d1 mod 32)>, guards = affine_map<(d0, d1) -> (d0 floordiv 5 + (d1 floordiv 32) floordiv 3 - 1, d0 mod 5 + (d1 floordiv 32) mod 3 - 1)>, guard_bounds = array<i64: 5, 5>} : (tensor<25x32xf32>) -> tensor<25x288xf32>
  %0 = graph.matmul %win, %w {grid.config = #grid.matmul_config<grid = [1, 1], cores = [1, 1], block = [1, 1], subblock = [1, 1], k_chunk = 9, lhs = gather>} : (tensor<25x288xf32>, tensor<288x32xf32>) -> tensor<25x32xf32>
  return %0 : tensor<25x32xf32>
}

// -----
// A matmul that writes over its residual (tt-choose-op-configs marks it grid.over_residual: the
// residual is a matmul's L1 result that nothing reads later) takes the residual's buffer as its
// output instead of a new one.
// CHECK-LABEL: func.func @over_residual
// CHECK: %[[X:.*]] = grid.dispatch "matmul"
// CHECK: %[[A:.*]] = grid.dispatch "matmul" {{.*}}ins(%[[X]],
// CHECK-NOT: grid.empty
// CHECK: grid.dispatch "matmul" {{.*}}ins(%[[A]], %{{.*}}, %[[X]] : {{.*}}) outs(%[[X]] :
func.func @over_residual(%in: tensor<128x64xf32>) -> tensor<128x64xf32> {
  %w = graph.constant dense<0.1> : tensor<64x64xf32>
  %x = graph.matmul %in, %w : (tensor<128x64xf32>, tensor<64x64xf32>) -> tensor<128x64xf32>
  %a = graph.matmul %x, %w : (tensor<128x64xf32>, tensor<64x64xf32>) -> tensor<128x64xf32>
  %y = graph.matmul %a, %w plus %x : (tensor<128x64xf32>, tensor<64x64xf32>, tensor<128x64xf32>) -> tensor<128x64xf32>
  %z = graph.matmul %y, %w : (tensor<128x64xf32>, tensor<64x64xf32>) -> tensor<128x64xf32>
  return %z : tensor<128x64xf32>
}

// -----
// Softmax is a row loop: each unit loads its row of tiles once, takes its max (the first tile
// starts the accumulator, the others fold into it), fills a row of exponentials, sums them,
// and stores each exponential times the sum's reciprocal.
// CHECK-LABEL: func.func @softmax_row_loop
// CHECK: grid.dispatch "softmax"
// CHECK: %[[ROW:.*]] = grid.load_row %{{.*}}[%[[U:.*]]] map affine_map<(d0, d1) -> (d0 * 2 + d1)> : tensor<32x64xf32, {{.*}}> -> tensor<2x!tile.tile<32x32, f32>>
// CHECK: %[[T0:.*]] = tensor.extract %[[ROW]]
// CHECK: %[[START:.*]] = grid.compute(%[[T0]] : !tile.tile<32x32, f32>) at %[[U]]
// CHECK: tile.reduce max dim 0
// CHECK: %[[ACC:.*]] = scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[A:.*]] = %[[START]])
// CHECK: tensor.extract %[[ROW]][%[[J]]]
// CHECK: grid.compute(%[[A]], %{{.*}}) at %[[U]], %[[J]]
// CHECK: tile.reduce max dim 0 %{{.*}} {accumulate}
// CHECK: %[[MAX:.*]] = grid.compute(%[[ACC]] : !tile.tile<32x32, f32>) at %[[U]]
// CHECK: %[[EMPTY:.*]] = tensor.empty() : tensor<2x!tile.tile<32x32, f32>>
// CHECK: %[[EXPS:.*]] = scf.for %[[J:.*]] = {{.*}} iter_args(%[[R:.*]] = %[[EMPTY]])
// CHECK: grid.compute(%{{.*}}, %[[MAX]] : {{.*}}) at %[[U]], %[[J]]
// CHECK: tile.unary exp
// CHECK: tensor.insert %{{.*}} into %[[R]][%[[J]]]
// CHECK: tile.reduce sum dim 0
// CHECK: tile.unary recip
// CHECK: scf.for %[[J:.*]] =
// CHECK: tensor.extract %[[EXPS]][%[[J]]]
// CHECK: tile.binary mul bcast cols
// CHECK: grid.store
// CHECK-NOT: noc.kernel
func.func @softmax_row_loop(%a: tensor<32x64xf32>) -> tensor<32x64xf32> {
  %0 = graph.softmax %a {axis = 1 : i64} : tensor<32x64xf32>
  return %0 : tensor<32x64xf32>
}
