// Three elementwise dispatches (fusion off), lowered and allocated with one dispatch per program,
// then joined by tt-form-programs. Each dispatch's kernel configuration takes 352 bytes.
// RUN: tt-opt %s --tt-compile-pipeline="fusion=false join-dispatches=false" | tt-opt --tt-form-programs=join=false | FileCheck %s --check-prefix=OFF
// RUN: tt-opt %s --tt-compile-pipeline="fusion=false join-dispatches=false" | tt-opt --tt-form-programs | FileCheck %s
// RUN: tt-opt %s --tt-compile-pipeline="fusion=false join-dispatches=false chip=%S/Inputs/tiny_programs.chip" | tt-opt --tt-form-programs | FileCheck %s --check-prefix=SMALL
// A chip whose descriptor gives no kernel config buffer keeps one dispatch per program.
// RUN: tt-opt %s --tt-compile-pipeline="fusion=false join-dispatches=false chip=%S/Inputs/tiny.chip" | tt-opt --tt-form-programs | FileCheck %s --check-prefix=NONE
// A chip whose buffer holds no single dispatch's configuration cannot run them.
// RUN: not tt-opt %s --tt-compile-pipeline="fusion=false chip=%S/Inputs/tiny_config.chip" 2>&1 | FileCheck %s --check-prefix=TOOBIG
// TOOBIG: error: the kernels of dispatch 'relu' take 324 bytes of kernel configuration; chip 'tiny_config' holds 256
// The pipeline runs the pass.
// RUN: tt-opt %s --tt-compile-pipeline="fusion=false" | FileCheck %s

// Wormhole's 69 KB hold all three: one program, the exp and the neg start at a barrier.
// CHECK-LABEL: func.func @chain
// CHECK:       grid.dispatch "relu"
// CHECK-NOT:   joined
// CHECK-SAME:  {
// CHECK:       grid.dispatch "exp"
// CHECK-SAME:  joined}
// CHECK:       grid.dispatch "neg"
// CHECK-SAME:  joined}

// 800 bytes hold the relu and the exp; the neg starts a program of its own.
// SMALL-LABEL: func.func @chain
// SMALL:       grid.dispatch "relu"
// SMALL-NOT:   joined
// SMALL-SAME:  {
// SMALL:       grid.dispatch "exp"
// SMALL-SAME:  joined}
// SMALL:       grid.dispatch "neg"
// SMALL-NOT:   joined
// SMALL-SAME:  {

// NONE-LABEL: func.func @chain
// NONE-NOT:   joined

// OFF-LABEL: func.func @chain
// OFF-NOT:   joined
func.func @chain(%x: tensor<32x64xf32>) -> tensor<32x64xf32> {
  %a = graph.unary relu %x : tensor<32x64xf32> -> tensor<32x64xf32>
  %b = graph.unary exp %a : tensor<32x64xf32> -> tensor<32x64xf32>
  %c = graph.unary neg %b : tensor<32x64xf32> -> tensor<32x64xf32>
  return %c : tensor<32x64xf32>
}
