// RUN: tt-opt %s -verify-diagnostics --tt-assign-layouts=precision=fp16
// RUN: not tt-opt %s --tt-assign-layouts=chip=nochip 2>&1 | FileCheck %s --check-prefix=CHIP
// RUN: not tt-opt %s --tt-assign-layouts=chip=%t.missing.chip 2>&1 | FileCheck %s --check-prefix=PATH
// RUN: printf 'name = bad\ngrid_x = 0\n' > %t.bad.chip
// RUN: not tt-opt %s --tt-assign-layouts=chip=%t.bad.chip 2>&1 | FileCheck %s --check-prefix=BAD

// CHIP: error: unknown chip 'nochip' (no {{.*}}/runtime/chips/nochip.chip)
// PATH: error: cannot open chip descriptor '{{.*}}.missing.chip'
// BAD: error: {{.*}}.bad.chip:2: value of 'grid_x' is out of range: 0
// CHIP-NOT: grid.layout
// PATH-NOT: grid.layout

// expected-error @+1 {{unknown precision 'fp16' (expected fp32, bf16, bfp8 or bfp4)}}
module {
  func.func @main(%x: tensor<32x32xf32>) -> tensor<32x32xf32> {
    %0 = graph.unary relu %x : tensor<32x32xf32> -> tensor<32x32xf32>
    return %0 : tensor<32x32xf32>
  }
}
