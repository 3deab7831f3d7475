// RUN: tt-opt %s | FileCheck %s --strict-whitespace

// Tile ops with enum operands print with single spaces, the way TileOps.td documents them
// (e.g. `tile.binary add bcast rows %a, %b, dst[%d]`), not `tile.binary  add bcast  rows`.

// CHECK-LABEL: func.func @spelling
func.func @spelling(%a: !tile.tile<32x32, f32>, %d: index) {
  // CHECK: {{^}}    tile.binary add bcast rows %{{.*}}, %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>{{$}}
  tile.binary add bcast rows %a, %a, dst[%d] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
  // CHECK: {{^}}    tile.unary exp dst[%{{.*}}]{{$}}
  tile.unary exp dst[%d]
  // CHECK: {{^}}    tile.reduce max dim 0 %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, f32>{{$}}
  tile.reduce max dim 0 %a, dst[%d] : !tile.tile<32x32, f32>
  return
}
