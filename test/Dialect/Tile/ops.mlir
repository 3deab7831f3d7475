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
  // The rhs transposed by the unpacker (attention's keys, read as tiles of K).
  // CHECK-NEXT: tile.matmul %{{.*}}, %{{.*}}, dst[%{{.*}}] {transpose_rhs} : !tile.tile<32x32, bf16>, !tile.tile<32x32, bf16>
  tile.matmul %a, %b, dst[%d] {transpose_rhs} : !tile.tile<32x32, bf16>, !tile.tile<32x32, bf16>
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
  // CHECK-NEXT: tile.pack dst[%{{.*}}] relu : !tile.tile<32x32, bfp8_b>
  %pr = tile.pack dst[%d] relu : !tile.tile<32x32, bfp8_b>
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

// -----

// tile.dst_binary combines two Dst tiles on the SFPU, including into a third.
// CHECK-LABEL: func.func @dst_binary
// CHECK-SAME: (%[[D0:[^:]*]]: index, %[[D1:[^:]*]]: index, %[[D2:[^:]*]]: index)
func.func @dst_binary(%d0: index, %d1: index, %d2: index) {
  // CHECK-NEXT: tile.dst_binary add dst[%{{.*}}], dst[%{{.*}}] -> dst[%{{.*}}]{{$}}
  tile.dst_binary add dst[%d0], dst[%d1] -> dst[%d0]
  // CHECK-NEXT: tile.dst_binary sub dst[%{{.*}}], dst[%{{.*}}] -> dst[%{{.*}}]{{$}}
  tile.dst_binary sub dst[%d0], dst[%d1] -> dst[%d0]
  // CHECK-NEXT: tile.dst_binary mul dst[%{{.*}}], dst[%{{.*}}] -> dst[%{{.*}}]{{$}}
  tile.dst_binary mul dst[%d0], dst[%d1] -> dst[%d0]
  // CHECK-NEXT: tile.dst_binary div dst[%{{.*}}], dst[%{{.*}}] -> dst[%{{.*}}]{{$}}
  tile.dst_binary div dst[%d0], dst[%d1] -> dst[%d0]
  // CHECK-NEXT: tile.dst_binary max dst[%{{.*}}], dst[%{{.*}}] -> dst[%{{.*}}]{{$}}
  tile.dst_binary max dst[%d0], dst[%d1] -> dst[%d0]
  // CHECK-NEXT: tile.dst_binary min dst[%{{.*}}], dst[%{{.*}}] -> dst[%{{.*}}]{{$}}
  tile.dst_binary min dst[%d0], dst[%d1] -> dst[%d0]
  // CHECK-NEXT: tile.dst_binary pow dst[%{{.*}}], dst[%{{.*}}] -> dst[%{{.*}}]{{$}}
  tile.dst_binary pow dst[%d0], dst[%d1] -> dst[%d0]
  // CHECK-NEXT: tile.dst_binary eq dst[%{{.*}}], dst[%{{.*}}] -> dst[%{{.*}}]{{$}}
  tile.dst_binary eq dst[%d0], dst[%d1] -> dst[%d0]
  // CHECK-NEXT: tile.dst_binary lt dst[%{{.*}}], dst[%{{.*}}] -> dst[%{{.*}}]{{$}}
  tile.dst_binary lt dst[%d0], dst[%d1] -> dst[%d0]
  // CHECK-NEXT: tile.dst_binary ge dst[%{{.*}}], dst[%{{.*}}] -> dst[%{{.*}}]{{$}}
  tile.dst_binary ge dst[%d0], dst[%d1] -> dst[%d0]
  // CHECK-NEXT: tile.dst_binary and dst[%{{.*}}], dst[%{{.*}}] -> dst[%{{.*}}]{{$}}
  tile.dst_binary and dst[%d0], dst[%d1] -> dst[%d0]
  // CHECK-NEXT: tile.dst_binary or dst[%{{.*}}], dst[%{{.*}}] -> dst[%{{.*}}]{{$}}
  tile.dst_binary or dst[%d0], dst[%d1] -> dst[%d0]
  // CHECK-NEXT: tile.dst_binary xor dst[%{{.*}}], dst[%{{.*}}] -> dst[%{{.*}}]{{$}}
  tile.dst_binary xor dst[%d0], dst[%d1] -> dst[%d0]
  // CHECK-NEXT: tile.dst_binary mul dst[%[[D0]]], dst[%[[D1]]] -> dst[%[[D2]]]{{$}}
  tile.dst_binary mul dst[%d0], dst[%d1] -> dst[%d2]
  return
}

// -----

// Every tile.binary kind, including the comparisons, logic, prelu and where_into.
// CHECK-LABEL: func.func @binary_kinds
func.func @binary_kinds(%a: !tile.tile<32x32, f32>, %b: !tile.tile<32x32, bf16>, %d: index) {
  // CHECK-NEXT: tile.binary add bcast none %{{.*}}, %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  tile.binary add bcast none %a, %b, dst[%d] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  // CHECK-NEXT: tile.binary sub bcast rows %{{.*}}, %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  tile.binary sub bcast rows %a, %b, dst[%d] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  // CHECK-NEXT: tile.binary mul bcast cols %{{.*}}, %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  tile.binary mul bcast cols %a, %b, dst[%d] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  // CHECK-NEXT: tile.binary max bcast scalar %{{.*}}, %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  tile.binary max bcast scalar %a, %b, dst[%d] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  // CHECK-NEXT: tile.binary min bcast none %{{.*}}, %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  tile.binary min bcast none %a, %b, dst[%d] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  // CHECK-NEXT: tile.binary div bcast rows %{{.*}}, %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  tile.binary div bcast rows %a, %b, dst[%d] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  // CHECK-NEXT: tile.binary pow bcast cols %{{.*}}, %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  tile.binary pow bcast cols %a, %b, dst[%d] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  // CHECK-NEXT: tile.binary fmod bcast scalar %{{.*}}, %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  tile.binary fmod bcast scalar %a, %b, dst[%d] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  // CHECK-NEXT: tile.binary mod bcast none %{{.*}}, %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  tile.binary mod bcast none %a, %b, dst[%d] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  // CHECK-NEXT: tile.binary eq bcast rows %{{.*}}, %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  tile.binary eq bcast rows %a, %b, dst[%d] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  // CHECK-NEXT: tile.binary lt bcast cols %{{.*}}, %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  tile.binary lt bcast cols %a, %b, dst[%d] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  // CHECK-NEXT: tile.binary gt bcast scalar %{{.*}}, %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  tile.binary gt bcast scalar %a, %b, dst[%d] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  // CHECK-NEXT: tile.binary le bcast none %{{.*}}, %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  tile.binary le bcast none %a, %b, dst[%d] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  // CHECK-NEXT: tile.binary ge bcast rows %{{.*}}, %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  tile.binary ge bcast rows %a, %b, dst[%d] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  // CHECK-NEXT: tile.binary and bcast cols %{{.*}}, %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  tile.binary and bcast cols %a, %b, dst[%d] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  // CHECK-NEXT: tile.binary or bcast scalar %{{.*}}, %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  tile.binary or bcast scalar %a, %b, dst[%d] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  // CHECK-NEXT: tile.binary xor bcast none %{{.*}}, %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  tile.binary xor bcast none %a, %b, dst[%d] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  // CHECK-NEXT: tile.binary prelu bcast rows %{{.*}}, %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  tile.binary prelu bcast rows %a, %b, dst[%d] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  // CHECK-NEXT: tile.binary where_into bcast cols %{{.*}}, %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  tile.binary where_into bcast cols %a, %b, dst[%d] : !tile.tile<32x32, f32>, !tile.tile<32x32, bf16>
  return
}

// -----

// The SFPU functions without a constant print no param; an explicit zero is the default.
// CHECK-LABEL: func.func @unary_no_param
func.func @unary_no_param(%d: index) {
  // CHECK-NEXT: tile.unary relu dst[%{{.*}}]{{$}}
  tile.unary relu dst[%d]
  // CHECK-NEXT: tile.unary exp dst[%{{.*}}]{{$}}
  tile.unary exp dst[%d]
  // CHECK-NEXT: tile.unary recip dst[%{{.*}}]{{$}}
  tile.unary recip dst[%d]
  // CHECK-NEXT: tile.unary neg dst[%{{.*}}]{{$}}
  tile.unary neg dst[%d]
  // CHECK-NEXT: tile.unary abs dst[%{{.*}}]{{$}}
  tile.unary abs dst[%d]
  // CHECK-NEXT: tile.unary sqrt dst[%{{.*}}]{{$}}
  tile.unary sqrt dst[%d]
  // CHECK-NEXT: tile.unary log dst[%{{.*}}]{{$}}
  tile.unary log dst[%d]
  // CHECK-NEXT: tile.unary sigmoid dst[%{{.*}}]{{$}}
  tile.unary sigmoid dst[%d]
  // CHECK-NEXT: tile.unary tanh dst[%{{.*}}]{{$}}
  tile.unary tanh dst[%d]
  // CHECK-NEXT: tile.unary erf dst[%{{.*}}]{{$}}
  tile.unary erf dst[%d]
  // CHECK-NEXT: tile.unary sin dst[%{{.*}}]{{$}}
  tile.unary sin dst[%d]
  // CHECK-NEXT: tile.unary cos dst[%{{.*}}]{{$}}
  tile.unary cos dst[%d]
  // CHECK-NEXT: tile.unary floor dst[%{{.*}}]{{$}}
  tile.unary floor dst[%d]
  // CHECK-NEXT: tile.unary ceil dst[%{{.*}}]{{$}}
  tile.unary ceil dst[%d]
  // CHECK-NEXT: tile.unary round dst[%{{.*}}]{{$}}
  tile.unary round dst[%d]
  // CHECK-NEXT: tile.unary sign dst[%{{.*}}]{{$}}
  tile.unary sign dst[%d]
  // CHECK-NEXT: tile.unary softplus dst[%{{.*}}]{{$}}
  tile.unary softplus dst[%d]
  // CHECK-NEXT: tile.unary not dst[%{{.*}}]{{$}}
  tile.unary not dst[%d]
  // CHECK-NEXT: tile.unary square dst[%{{.*}}]{{$}}
  tile.unary square dst[%d]
  // CHECK-NEXT: tile.unary rsqrt dst[%{{.*}}]{{$}}
  tile.unary rsqrt dst[%d]
  // CHECK-NEXT: tile.unary isnan dst[%{{.*}}]{{$}}
  tile.unary isnan dst[%d]
  // CHECK-NEXT: tile.unary sqrt dst[%{{.*}}]{{$}}
  tile.unary sqrt dst[%d] {param = 0.0 : f32}
  return
}

// -----

// The nine functions that take a param keep it, negative values and zero included.
// CHECK-LABEL: func.func @unary_param
func.func @unary_param(%d: index) {
  // CHECK-NEXT: tile.unary scale dst[%{{.*}}] {param = 0.166666672 : f32}{{$}}
  tile.unary scale dst[%d] {param = 0.166666672 : f32}
  // CHECK-NEXT: tile.unary shift dst[%{{.*}}] {param = -5.000000e-01 : f32}{{$}}
  tile.unary shift dst[%d] {param = -0.5 : f32}
  // max_scalar 0 is relu: a zero param is elided.
  // CHECK-NEXT: tile.unary max_scalar dst[%{{.*}}]{{$}}
  tile.unary max_scalar dst[%d] {param = 0.0 : f32}
  // CHECK-NEXT: tile.unary min_scalar dst[%{{.*}}] {param = 1.000000e+00 : f32}{{$}}
  tile.unary min_scalar dst[%d] {param = 1.0 : f32}
  // CHECK-NEXT: tile.unary leaky_relu dst[%{{.*}}] {param = 0.00999999977 : f32}{{$}}
  tile.unary leaky_relu dst[%d] {param = 0.01 : f32}
  // CHECK-NEXT: tile.unary elu dst[%{{.*}}] {param = 1.500000e+00 : f32}{{$}}
  tile.unary elu dst[%d] {param = 1.5 : f32}
  // CHECK-NEXT: tile.unary pow_scalar dst[%{{.*}}] {param = 3.000000e+00 : f32}{{$}}
  tile.unary pow_scalar dst[%d] {param = 3.0 : f32}
  // CHECK-NEXT: tile.unary thresholded_relu dst[%{{.*}}] {param = 2.000000e+00 : f32}{{$}}
  tile.unary thresholded_relu dst[%d] {param = 2.0 : f32}
  // CHECK-NEXT: tile.unary isinf dst[%{{.*}}] {param = -1.000000e+00 : f32}{{$}}
  tile.unary isinf dst[%d] {param = -1.0 : f32}
  // CHECK-NEXT: tile.unary isinf dst[%{{.*}}] {param = 1.000000e+00 : f32}{{$}}
  tile.unary isinf dst[%d] {param = 1.0 : f32}
  return
}

// -----

// CHECK-LABEL: func.func @reduce_kinds
func.func @reduce_kinds(%a: !tile.tile<32x32, f32>, %b: !tile.tile<32x32, bfp8_b>, %d: index) {
  // CHECK-NEXT: tile.reduce min dim 0 %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, f32>
  tile.reduce min dim 0 %a, dst[%d] : !tile.tile<32x32, f32>
  // CHECK-NEXT: tile.reduce prod dim 1 %{{.*}}, dst[%{{.*}}] : !tile.tile<32x32, f32>
  tile.reduce prod dim 1 %a, dst[%d] : !tile.tile<32x32, f32>
  // CHECK-NEXT: tile.reduce min dim 1 %{{.*}}, dst[%{{.*}}] {accumulate} : !tile.tile<32x32, bfp8_b>
  tile.reduce min dim 1 %b, dst[%d] {accumulate} : !tile.tile<32x32, bfp8_b>
  // CHECK-NEXT: tile.reduce prod dim 0 %{{.*}}, dst[%{{.*}}] {accumulate} : !tile.tile<32x32, bfp8_b>
  tile.reduce prod dim 0 %b, dst[%d] {accumulate} : !tile.tile<32x32, bfp8_b>
  return
}
