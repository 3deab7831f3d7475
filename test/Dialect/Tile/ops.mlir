// RUN: tt-opt %s | tt-opt | FileCheck %s
// RUN: tt-opt %s --mlir-print-op-generic | tt-opt | FileCheck %s

// CHECK-LABEL: func.func @types
// CHECK-SAME: : !tile.tile<32x32, f32>
// CHECK-SAME: : !tile.tile<32x32, bf16>
// CHECK-SAME: : !tile.tile<32x32, bfp8_b>
// CHECK-SAME: : !tile.tile<32x32, bfp4_b>
// CHECK-SAME: : !tile.tile<32x32, bfp2_b>
// CHECK-SAME: : !tile.tile<32x32, int32>
func.func @types(%a: !tile.tile<32x32, f32>, %b: !tile.tile<32x32, bf16>, %c: !tile.tile<32x32, bfp8_b>,
                 %d: !tile.tile<32x32, bfp4_b>, %e: !tile.tile<32x32, "bfp2_b">, %f: !tile.tile<32x32, int32>) {
  return
}

// CHECK-LABEL: func.func @enum_attrs
// CHECK-SAME: f = #tile<fidelity HiFi3>, g = #tile<format bfp4_b>
func.func @enum_attrs() attributes {f = #tile<fidelity HiFi3>, g = #tile<format bfp4_b>} {
  return
}

// CHECK-LABEL: func.func @math
func.func @math(%a: !tile.tile<32x32, bf16>, %b: !tile.tile<32x32, bf16>, %x: !tile.tile<32x32, f32>,
                %y: !tile.tile<32x32, bfp8_b>, %d: index, %r: index, %c: index) -> !tile.tile<32x32, bfp8_b> {
  // CHECK: tile.acquire_dst
  tile.acquire_dst
  // CHECK-NEXT: tile.matmul %{{.*}}, %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, bf16>, !tile.tile<32x32, bf16>
  tile.matmul %a, %b, dst[%d] : !tile.tile<32x32, bf16>, !tile.tile<32x32, bf16>
  // Mixed formats: block floats go through the FPU as floats.
  // CHECK-NEXT: tile.matmul %{{.*}}, %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, f32>, !tile.tile<32x32, bfp8_b>
  tile.matmul %x, %y, dst[%d] : !tile.tile<32x32, f32>, !tile.tile<32x32, bfp8_b>
  // CHECK-NEXT: tile.binary add bcast none %{{.*}}, %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, bf16>, !tile.tile<32x32, bf16>
  tile.binary add bcast none %a, %b, dst[%d] : !tile.tile<32x32, bf16>, !tile.tile<32x32, bf16>
  // CHECK-NEXT: tile.binary sub bcast rows %{{.*}}, %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
  tile.binary sub bcast rows %x, %x, dst[%d] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
  // CHECK-NEXT: tile.binary mul bcast cols %{{.*}}, %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, f32>, !tile.tile<32x32, bfp8_b>
  tile.binary mul bcast cols %x, %y, dst[%d] : !tile.tile<32x32, f32>, !tile.tile<32x32, bfp8_b>
  // CHECK-NEXT: tile.binary max bcast scalar %{{.*}}, %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, bf16>, !tile.tile<32x32, bf16>
  tile.binary max bcast scalar %a, %b, dst[%d] : !tile.tile<32x32, bf16>, !tile.tile<32x32, bf16>
  // CHECK-NEXT: tile.unary relu dst[%{{.*}}]{{$}}
  tile.unary relu dst[%d]
  // CHECK-NEXT: tile.unary exp dst[%{{.*}}]{{$}}
  tile.unary exp dst[%d]
  // CHECK-NEXT: tile.unary recip dst[%{{.*}}]{{$}}
  tile.unary recip dst[%d]
  // CHECK-NEXT: tile.unary neg dst[%{{.*}}]{{$}}
  tile.unary neg dst[%d] {param = 0.0 : f32}
  // CHECK-NEXT: tile.unary scale dst[%{{.*}}] {param = 2.500000e+00 : f32}
  tile.unary scale dst[%d] {param = 2.5 : f32}
  // CHECK-NEXT: tile.unary shift dst[%{{.*}}] {param = -1.000000e+00 : f32}
  tile.unary shift dst[%d] {param = -1.0 : f32}
  // CHECK-NEXT: tile.copy %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, bf16>
  tile.copy %a, dst[%d] : !tile.tile<32x32, bf16>
  // Copies of integer tiles are fine: only math needs floats.
  // CHECK-NEXT: tile.transpose %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, f32>
  tile.transpose %x, dst[%d] : !tile.tile<32x32, f32>
  // CHECK-NEXT: tile.reduce max dim 0 %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, f32>
  tile.reduce max dim 0 %x, dst[%d] : !tile.tile<32x32, f32>
  // CHECK-NEXT: tile.reduce sum dim 1 %{{.*}}, dst[%{{.*}}] {accumulate} : !tile.tile<32x32, bf16>
  tile.reduce sum dim 1 %a, dst[%d] {accumulate} : !tile.tile<32x32, bf16>
  // CHECK-NEXT: tile.mask dst[%{{.*}}] rows %{{.*}} cols %{{.*}} fill -3.000000e+38
  tile.mask dst[%d] rows %r cols %c fill -3.0e38
  // CHECK-NEXT: tile.mask dst[%{{.*}}] rows %{{.*}} cols %{{.*}} fill 0.000000e+00
  tile.mask dst[%d] rows %r cols %c fill 0.0
  // CHECK-NEXT: %[[P:.*]] = tile.pack dst[%{{.*}}] : !tile.tile<32x32, bfp8_b>
  %p = tile.pack dst[%d] : !tile.tile<32x32, bfp8_b>
  // CHECK-NEXT: tile.release_dst
  tile.release_dst
  // CHECK-NEXT: return %[[P]]
  return %p : !tile.tile<32x32, bfp8_b>
}

// CHECK-LABEL: func.func @int_copy
func.func @int_copy(%i: !tile.tile<32x32, int32>, %d: index) -> !tile.tile<32x32, int32> {
  // CHECK: tile.copy %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, int32>
  tile.copy %i, dst[%d] : !tile.tile<32x32, int32>
  // CHECK: tile.pack dst[%{{.*}}] : !tile.tile<32x32, int32>
  %p = tile.pack dst[%d] : !tile.tile<32x32, int32>
  return %p : !tile.tile<32x32, int32>
}
