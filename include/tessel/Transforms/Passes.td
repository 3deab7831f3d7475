#ifndef TESSEL_TRANSFORMS_PASSES
#define TESSEL_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def FuseGraph : Pass<"tt-fuse-graph", "mlir::ModuleOp"> {
  let summary = "Recognises subgraphs that one chip function computes";
  let description = [{
    Exporters spell GELU out: PyTorch writes `x * 0.5 * (1 + erf(x / sqrt(2)))`, or with
    `approximate="tanh"` `0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3)))`. Either form,
    in any operand order, becomes one `graph.unary gelu` (or `gelu_tanh`), a single SFPU function
    instead of five to nine elementwise dispatches. LayerNorm spelled out,
    `(x - mean(x)) / sqrt(mean((x - mean(x))^2) + eps)` with Pow or Mul for the square and Div,
    or Reciprocal (or 1 / ...) and Mul, both means over the same trailing axes, becomes
    `graph.layer_norm`; `x / sqrt(mean(x^2) + eps)` becomes `graph.rms_norm`; a multiplication
    and then an addition by tensors that vary along the normalised axes only become the norm's
    scale and bias. A layer norm over the spatial axes of [N, C, spatial...]
    (InstanceNormalization), and PyTorch's GroupNorm export (a reshape to [N, G, rest], an
    instance norm with unit scale and zero bias, a reshape back), become `graph.group_norm`,
    taking the per-channel multiplication and addition after them as its scale and bias.
    Attention, `softmax(q @ kt * c + mask) @ v` with the scale a Div or Mul by a constant
    scalar (or none), the mask an optional Add (or a Where filling the hidden scores), the
    softmax over the keys and each intermediate read only by the next op, becomes `graph.sdpa`
    (its kernel never writes the scores out); a constant mask that is causal becomes its
    `causal`. Its q, keys and v, when Reshape and Transpose (or Unsqueeze and Expand, for
    grouped queries) split them into heads of whole tiles, become one `graph.remap` each of the
    tensor they split, which it reads through; a Transpose and Reshape merging its heads back
    become its `result_map`. A fused op's location lists every node it covers. The ops left
    without users are erased.

    Before:
    ```mlir
    %d = graph.binary div %x, %sqrt2 : (tensor<16x64xf32>, tensor<f32>) -> tensor<16x64xf32>
    %e = graph.unary erf %d : tensor<16x64xf32> -> tensor<16x64xf32>
    %a = graph.binary add %e, %one : (tensor<16x64xf32>, tensor<f32>) -> tensor<16x64xf32>
    %m = graph.binary mul %x, %a : (tensor<16x64xf32>, tensor<16x64xf32>) -> tensor<16x64xf32>
    %y = graph.binary mul %m, %half : (tensor<16x64xf32>, tensor<f32>) -> tensor<16x64xf32>
    ```
    After:
    ```mlir
    %y = graph.unary gelu %x : tensor<16x64xf32> -> tensor<16x64xf32>
    ```
    Before:
    ```mlir
    %m = graph.reduce mean %x {axes = array<i64: 1>} : (tensor<8x64xf32>) -> tensor<8x1xf32>
    %d = graph.binary sub %x, %m : (tensor<8x64xf32>, tensor<8x1xf32>) -> tensor<8x64xf32>
    %p = graph.binary pow %d, %two : (tensor<8x64xf32>, tensor<f32>) -> tensor<8x64xf32>
    %v = graph.reduce mean %p {axes = array<i64: 1>} : (tensor<8x64xf32>) -> tensor<8x1xf32>
    %e = graph.binary add %v, %eps : (tensor<8x1xf32>, tensor<f32>) -> tensor<8x1xf32>
    %s = graph.unary sqrt %e : tensor<8x1xf32> -> tensor<8x1xf32>
    %n = graph.binary div %d, %s : (tensor<8x64xf32>, tensor<8x1xf32>) -> tensor<8x64xf32>
    %y = graph.binary mul %n, %g : (tensor<8x64xf32>, tensor<64xf32>) -> tensor<8x64xf32>
    ```
    After:
    ```mlir
    %y = graph.layer_norm %x scale %g {axis = 1 : i64, epsilon = 9.99999974E-6 : f32}
        : (tensor<8x64xf32>, tensor<64xf32>) -> tensor<8x64xf32>
    ```
    Before:
    ```mlir
    %s = graph.matmul %q, %kt : (tensor<2x96x64xf32>, tensor<2x64x96xf32>) -> tensor<2x96x96xf32>
    %d = graph.binary div %s, %c8 : (tensor<2x96x96xf32>, tensor<f32>) -> tensor<2x96x96xf32>
    %p = graph.softmax %d {axis = 2 : i64} : tensor<2x96x96xf32>
    %o = graph.matmul %p, %v : (tensor<2x96x96xf32>, tensor<2x96x64xf32>) -> tensor<2x96x64xf32>
    ```
    After:
    ```mlir
    %o = graph.sdpa %q, %kt, %v {scale = 1.250000e-01 : f32}
        : (tensor<2x96x64xf32>, tensor<2x64x96xf32>, tensor<2x96x64xf32>) -> tensor<2x96x64xf32>
    ```
  }];
  let dependentDialects = ["::tessel::graph::GraphDialect"];
}

def FoldBatchNorm : Pass<"tt-fold-batch-norm", "mlir::ModuleOp"> {
  let summary = "Folds inference batch norms into the convolutions before them";
  let description = [{
    A `graph.batch_norm` whose input is a `graph.conv` used nowhere else, with constant f32
    weights, bias and parameters, becomes that convolution with its weights scaled per output
    channel by `scale / sqrt(var + epsilon)` and its bias shifted: the batch norm costs nothing
    at run time. Batch norms left over are decomposed by `tt-decompose-graph`.

    Before:
    ```mlir
    %c = graph.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,
        pads = array<i64: 1, 1>, group = 1 : i64}
        : (tensor<1x8x16x16xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x16x16xf32>
    %y = graph.batch_norm %c, %scale, %bias, %mean, %var {epsilon = 1.0e-05 : f32} : ...
    ```
    After:
    ```mlir
    %w2 = graph.constant dense_resource<...> : tensor<16x8x3x3xf32>
    %b2 = graph.constant dense<...> : tensor<16xf32>
    %y = graph.conv %x, %w2, %b2 {...} : (...) -> tensor<1x16x16x16xf32>
    ```
  }];
  let statistics = [
    Statistic<"numFolded", "folded", "Batch norms folded into convolutions">,
  ];
  let dependentDialects = ["::tessel::graph::GraphDialect"];
}

def PruneWeights : Pass<"tt-prune-weights", "mlir::ModuleOp"> {
  let summary = "Zeroes the weakest 32x32 tiles of every matmul's constant weight";
  let description = [{
    For users who accept the loss (`tt-compile --prune=tile:F`): in each constant that is the
    rhs of a `graph.matmul` and holds one matrix (a linear layer's or, after
    `tt-decompose-graph`, a convolution's weights), the share `tile-fraction` of its 32x32
    tiles with the smallest L2 norm (ties: the earlier tile) become zeros, so that the kernels
    can skip them (`tt-choose-op-configs`, `rhs_stored_tiles`). Tiles already zero count
    towards the share. Nothing else changes; the accuracy cost is for the caller to measure.

    Before (`tile-fraction=0.5`, a 64x64 weight of four tiles):
    ```mlir
    %w = graph.constant dense_resource<w> : tensor<64x64xf32>
    %y = graph.matmul %x, %w : (tensor<32x64xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
    ```
    After (the two tiles of least norm are zeros):
    ```mlir
    %w = graph.constant dense_resource<w> : tensor<64x64xf32>
    %y = graph.matmul %x, %w : (tensor<32x64xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
    ```
  }];
  let options = [
    Option<"tileFraction", "tile-fraction", "double", /*default=*/"0.5",
           "The share of each weight's tiles to zero, in [0, 1]">,
  ];
  let statistics = [
    Statistic<"numWeights", "weights", "Weights pruned">,
    Statistic<"numZeroed", "zeroed-tiles", "Tiles zeroed (besides those already zero)">,
  ];
  let dependentDialects = ["::tessel::graph::GraphDialect"];
}

def ChooseConvAlgorithms : Pass<"tt-choose-conv-algorithms", "mlir::ModuleOp"> {
  let summary = "Chooses implicit GEMM or Winograd F(2x2, 3x3) for each 3x3 convolution by cost";
  let description = [{
    For every `graph.conv` that Winograd F(2x2, 3x3) can compute (2-D, 3x3, stride 1,
    dilation 1, one group, constant f32 weights), estimates two ways of computing it on the
    module's chip at the precision given and records the cheaper as a `#grid.conv_config`, which
    `tt-decompose-graph` follows:
    - `implicit_gemm`: one matmul whose reader gathers the windows, estimated by the matmul cost
      model's best blocking (`cost::choosePlan`);
    - `winograd`: the input's 4x4 tiles transformed (a reduce of four signed taps per value),
      16 batched matmuls with the weights transformed at compile time (2.25x fewer products, at
      the price of whole-tile padding of the tile count) and the products transformed back (nine
      signed taps per output). The matmuls are estimated as above; each transform by the
      slowest of the bytes its windows move over one NoC's links, out of the cores that hold
      them and into each reducing core, its reader's requests and DRAM round trips, and its
      math, plus a dispatch gap.

    `auto` takes Winograd only where its estimate is at least 15% below the implicit GEMM's
    (the transforms' estimates run up to 40% low on small convolutions, whose fixed costs they
    miss), the output's height and width are even (odd ones leave a padded tile row and a crop
    that costs a pass of its own) and the weights stay f32 or bf16 (block-float weights would
    share exponents across transformed weights of different scales). `always` takes it wherever it applies, `never` nowhere; both still record the
    estimates. The module's `#grid.chip` is used if it has one; otherwise the descriptor is
    loaded and recorded there (`tt-assign-layouts` then keeps it). `test_winograd.py` checks the
    estimates against the simulator.

    Before:
    ```mlir
    %y = graph.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64,
                                pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
        : (tensor<16x256x14x14xf32>, tensor<256x256x3x3xf32>, tensor<256xf32>)
        -> tensor<16x256x14x14xf32>
    ```
    After (`precision=fp32`):
    ```mlir
    %y = graph.conv %x, %w, %b {..., grid.config = #grid.conv_config<algorithm = winograd,
                                implicit_gemm_cycles = 421440, winograd_cycles = 324718>} ...
    ```
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"wormhole_b0\"",
           "Chip descriptor, where the module has no #grid.chip: a name under runtime/chips or "
           "a path to a .chip file">,
    Option<"precision", "precision", "std::string", /*default=*/"\"fp32\"",
           "The precision the model will be compiled at: fp32, bf16, bfp8 or bfp4">,
    ListOption<"overrides", "precision-override", "std::string",
               "NODE_GLOB=fp32|bf16|bfp8|bfp4: the precision tt-assign-precision will give "
               "the matching nodes">,
    Option<"winograd", "winograd", "std::string", /*default=*/"\"auto\"",
           "auto (where its estimate is 15% below the implicit GEMM's, the output's sides "
           "even and the weights f32 or bf16), always (wherever it applies) or never">,
  ];
  let dependentDialects = ["::tessel::grid::GridDialect"];
}

def DecomposeGraph : Pass<"tt-decompose-graph", "mlir::ModuleOp"> {
  let summary = "Rewrites graph ops the chip has no kernel for into ones it has";
  let description = [{
    A `graph.conv` whose `#grid.conv_config` (tt-choose-conv-algorithms) says `winograd` becomes
    Winograd F(2x2, 3x3), channels-last (ConvLowering.h). Any other `graph.conv` becomes an
    im2col `graph.remap` of its input's windows, a batched
    `graph.matmul` with the (transposed, at compile time) weights per group, the bias added in
    the matmul's layout, and a remap back to [N, M, spatial...]. A stride-2 convolution over at
    most 8 channels with constant weights (a stem) is first rewritten space to depth: a stride-1
    convolution over the input's 2x2 blocks, with four times the channels and half the kernel,
    so that its windows move runs four times as long. `graph.batch_norm` becomes a
    per-channel multiply and add, their factors computed at compile time when the parameters
    are constants. `graph.gemm` becomes transposes, a `graph.matmul`, scalar multiplications for `alpha` and
    `beta` and an addition of the bias. A `graph.softmax` over an axis other than the last is wrapped
    in transposes that bring the axis last, since kernels reduce along tile rows. A
    `graph.layer_norm` or `graph.rms_norm` over several axes, or whose scale or bias varies
    along more than the last axis, becomes the reduces and elementwise ops it stands for (its
    kernel holds one row of the last axis); so does a `graph.group_norm` of [N, C, L], between
    reshapes to [N, G, rest] and back (its kernel takes channels in the batch dims). A transpose of
    a constant (Gemm's `transB` weights) is folded into a transposed constant at compile time.
    The FPU broadcasts only the second operand of a binary op (and `where` only its first value)
    within a 32x32 tile; an operand that would need more, such as the lhs of an outer-product
    comparison `[M, 1] == [K]`, is broadcast in memory by a `graph.remap` first.

    Before:
    ```mlir
    %y = graph.gemm %a, %b, %c {alpha = 2.0 : f32, transB = true}
        : (tensor<3x6xf32>, tensor<4x6xf32>, tensor<1x4xf32>) -> tensor<3x4xf32>
    ```
    After:
    ```mlir
    %bt = graph.transpose %b {perm = array<i64: 1, 0>} : (tensor<4x6xf32>) -> tensor<6x4xf32>
    %m = graph.matmul %a, %bt : (tensor<3x6xf32>, tensor<6x4xf32>) -> tensor<3x4xf32>
    %alpha = graph.constant dense<2.0> : tensor<f32>
    %s = graph.binary mul %m, %alpha : (tensor<3x4xf32>, tensor<f32>) -> tensor<3x4xf32>
    %y = graph.binary add %s, %c : (tensor<3x4xf32>, tensor<1x4xf32>) -> tensor<3x4xf32>
    ```
  }];
  let options = [
    Option<"expandNorms", "expand-norms", "bool", /*default=*/"false",
           "Expand every layer_norm and rms_norm into reduces and elementwise ops, not only "
           "those their kernel does not take (tt-compile --fusion=off)">,
  ];
  let dependentDialects = ["::tessel::graph::GraphDialect"];
}

def SinkRemaps : Pass<"tt-sink-remaps", "mlir::ModuleOp"> {
  let summary = "Moves layout changes below elementwise ops so that they meet and cancel";
  let description = [{
    A `graph.remap` that only relays values out (none read twice, none padding) commutes with
    elementwise ops: a unary op of it becomes the remap of the unary op, and a binary op of two
    such remaps with the same map (or of one and a scalar) becomes the remap of the binary op.
    Sunk this way, the remap that takes a convolution's channels-last result back to
    [N, C, H, W] meets the remap that takes it to channels-last again for the next convolution,
    through the ReLUs and residual adds between them, and the two compose into the identity
    (graph.remap's canonicalization, which this pass also applies). The activations of a CNN
    then stay channels-last from one convolution to the next.

    Before:
    ```mlir
    %a = graph.remap %m {map = affine_map<(d0, d1, d2, d3) -> (d0, 0, d2 * 2 + d3, d1)>}
        : (tensor<1x1x4x8xf32>) -> tensor<1x8x2x2xf32>
    %r = graph.unary relu %a : tensor<1x8x2x2xf32> -> tensor<1x8x2x2xf32>
    %b = graph.remap %r {map = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2 floordiv 2, d2 mod 2)>}
        : (tensor<1x8x2x2xf32>) -> tensor<1x1x4x8xf32>
    ```
    After:
    ```mlir
    %b = graph.unary relu %m : tensor<1x1x4x8xf32> -> tensor<1x1x4x8xf32>
    ```
  }];
  let dependentDialects = ["::tessel::graph::GraphDialect"];
}

def FuseEpilogues : Pass<"tt-fuse-epilogues", "mlir::ModuleOp"> {
  let summary = "Fuses a bias add, a residual add and an activation into the matmul or reduce before them";
  let description = [{
    A bias [N] (or [1, ..., N]) added to a matmul's result, and then relu, gelu or gelu_tanh of
    it, become the matmul's `bias` and `activation`: its kernel applies them to the output tiles
    before they leave the core, instead of two more dispatches that each read and write the whole
    tensor. A residual of the result's type added to it becomes its `residual`. A product
    multiplied (or divided) by a constant scalar first, such as attention's scores by
    1 / sqrt(head dim), takes it as its `scale`. A
    `graph.reduce` (a depthwise convolution's weighted sum) takes a bias and an activation the
    same way. (tt-sink-remaps, run before, moves a convolution's remap back to [N, M,
    spatial...] below its activation.)

    Before:
    ```mlir
    %m = graph.matmul %x, %w : (tensor<32x64xf32>, tensor<64x128xf32>) -> tensor<32x128xf32>
    %a = graph.binary add %m, %b : (tensor<32x128xf32>, tensor<128xf32>) -> tensor<32x128xf32>
    %y = graph.unary relu %a : tensor<32x128xf32> -> tensor<32x128xf32>
    ```
    After:
    ```mlir
    %y = graph.matmul %x, %w, %b then relu
        : (tensor<32x64xf32>, tensor<64x128xf32>, tensor<128xf32>) -> tensor<32x128xf32>
    ```
  }];
  let dependentDialects = ["::tessel::graph::GraphDialect"];
}

def AssignLayouts : Pass<"tt-assign-layouts", "mlir::ModuleOp"> {
  let summary = "Gives every tensor a #grid.layout and the module its #grid.chip";
  let description = [{
    Loads the chip descriptor, records it with every figure on the module as `grid.chip` (the
    only time a descriptor file is read: later passes take the chip from there; a module that
    already has one, from `tt-choose-conv-algorithms`, keeps it), and encodes every tensor
    type (function signature, op results, constants) with the interleaved DRAM layout in the data
    format of the chosen precision: `fp32` keeps f32 tiles, `bf16` uses bf16 tiles, and `bfp8`
    and `bfp4` use bf16 tiles for everything but the weights, whose formats `tt-assign-precision`
    chooses. The precision goes on the module as `grid.precision`.

    Integer tensors that only integer math and moves touch (integer matmuls; the SFPU's integer
    add, sub, mul, div, mod, pow, max, min, comparisons, where, reduces and typecasts for casts;
    reshapes, transposes, concats, zero pads, gathers) are int32 tiles at every precision, exact
    over the whole int32 range (`IntegerTensors.h`). Booleans, and integers that an op without
    an integer form reads or writes (a Cast to bool, a pool), stay f32 tiles, which hold integers
    exactly up to 2^24.

    Before:
    ```mlir
    func.func @main(%x: tensor<32x64xf32>) -> tensor<32x64xf32> {
      %y = graph.unary relu %x : tensor<32x64xf32> -> tensor<32x64xf32>
      return %y : tensor<32x64xf32>
    }
    ```
    After (`precision=bf16`):
    ```mlir
    module attributes {grid.chip = #grid.chip<"wormhole_b0", grid = [8, 8], l1 = 1499136,
        {clock_mhz = 1000 : i64, dram_channels = 12 : i64, ...}>} {
      func.func @main(%x: tensor<32x64xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>) -> ... {
        %y = graph.unary relu %x : tensor<32x64xf32, #l> -> tensor<32x64xf32, #l>
        ...
    ```
    Integers, before:
    ```mlir
    %s = graph.binary add %a, %b : (tensor<4x8xi64>, tensor<4x8xi64>) -> tensor<4x8xi64>
    %lt = graph.binary less %s, %b : (tensor<4x8xi64>, tensor<4x8xi64>) -> tensor<4x8xi1>
    ```
    After:
    ```mlir
    %s = graph.binary add %a, %b : (tensor<4x8xi64, #i>, tensor<4x8xi64, #i>) -> tensor<4x8xi64, #i>
    %lt = graph.binary less %s, %b : (tensor<4x8xi64, #i>, tensor<4x8xi64, #i>) -> tensor<4x8xi1, #f>
    // #i = #grid.layout<tile 32x32, int32, dram, interleaved>, #f = ...<tile 32x32, f32, ...>
    ```
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"wormhole_b0\"",
           "Chip descriptor: a name under runtime/chips or a path to a .chip file">,
    Option<"precision", "precision", "std::string", /*default=*/"\"fp32\"",
           "fp32 (f32 tiles), bf16 (bf16 tiles), bfp8 or bfp4 (bf16 tiles, block-float weights)">,
  ];
  let dependentDialects = ["::tessel::grid::GridDialect"];
}

def BoundIntegerInputs : Pass<"tt-bound-integer-inputs", "mlir::ModuleOp"> {
  let summary = "Bounds each integer input so that the integers computed from it stay exact";
  let description = [{
    Runs after `tt-assign-layouts`. ONNX computes an i64 tensor in 64 bits; the chip holds it in
    int32 (or in f32, exact to 2^24, where an op without an integer form touches it), and a sum
    past int32 wraps. Instead of a wrapped result, the runtime refuses an input value that could
    take a tensor out of its format's exact range, and names that tensor.

    Interval arithmetic over the graph gives each tensor the values it may hold: an integer
    input starts at its type's range within int32 (the runtime refuses more), a float input
    unbounded, a constant at its elements' extremes, and each op maps its operands' ranges (a
    sum adds them, a matmul scales the product by K, a truncating division never grows the
    dividend, a comparison gives 0 or 1, a concat's placed pieces do not add, a cast from
    float keeps the float's range within its type; an op it does not follow, such as an exp,
    gives anything). Where an i64, u32 or u64 tensor held in int32 would leave int32, or a 32-
    or 64-bit integer held in f32 would leave +-2^24, the inputs it follows (a float one first
    to 2^31) lose one bit
    of magnitude together, until no tensor is out of range; then each bounded input takes back
    the bits it can alone, one at a time round the inputs, so the bounds stay balanced (a base
    beside a small exponent). A tensor still out of range with every input at [-2, 1] (an exp
    cast to i64) bounds no input: the pass warns at its op instead. An i32 tensor in
    int32 wraps as ONNX's does, so it bounds nothing. A narrower integer (u8, i16) the chip
    holds unwrapped: sums, differences, products, moves and the outputs (which the runtime
    writes wrapped) are exact modulo its type, so it is bounded only where an op reads it that
    needs it wrapped (a comparison, a division, a cast), to its type's range. The bounds are conservative: they are what keeps every element in range
    for any inputs within them, so an input can be refused whose own results would have fit.

    The bounds go on the arguments as `graph.exact_range`; the binary's input signatures carry
    them (`exact_range`, `exact_reason`), and the runtime checks each input value against them.

    Before:
    ```mlir
    func.func @main(%a: tensor<4xi64, #i>, %b: tensor<4xi64, #i>) -> tensor<4xi64, #i> {
      %s = graph.binary add %a, %b : (tensor<4xi64, #i>, tensor<4xi64, #i>) -> tensor<4xi64, #i> loc("sum")
      return %s : tensor<4xi64, #i>
    }
    // #i = #grid.layout<tile 32x32, int32, dram, interleaved>
    ```
    After:
    ```mlir
    func.func @main(%a: tensor<4xi64, #i> {graph.exact_range = {hi = 1073741823 : i64,
        lo = -1073741824 : i64, reason = "node 'sum' (i64) would leave int32, the format the chip holds it in"}},
        %b: tensor<4xi64, #i> {graph.exact_range = {...}}) -> tensor<4xi64, #i>
    ```
  }];
}

def AssignPrecision : Pass<"tt-assign-precision", "mlir::ModuleOp"> {
  let summary = "Gives every graph op its compute config and every matmul weight its format";
  let description = [{
    Runs after `tt-assign-layouts`, which records the model's precision (`grid.precision`) and
    gives the activations their format (f32 for `fp32`, bf16 for the others). Each graph op gets
    `grid.compute`: Dst accumulates in f32 for f32 results, in bf16 otherwise, and is int32 for
    integer math (an int32 result, or an elementwise op on int32 operands: a comparison, a cast
    to float), and the math
    fidelity follows the precision: HiFi4 for `fp32` and `bf16`, HiFi2 for `bfp8`, LoFi for
    `bfp4`. The constant weights a matmul reads (a convolution's too, once it is a matmul) take
    the precision's format: bfp8_b or bfp4_b tiles, which the binary stores packed as the chip's
    packer packs them; a weight two matmuls ask different formats of gets the wider. So do, in
    bfp8_b, the activations that only matmuls read whole tiles of, as an operand or as the
    residual added to the product (a ResNet's residual stream between its blocks); an activation
    a gather, a norm or an elementwise op reads stays bf16. Option
    `overrides` (`tt-compile --precision-override`) gives the ops whose ONNX node names match a
    glob another precision; the last match wins.

    Before (`tt-assign-layouts=precision=bfp8`):
    ```mlir
    %w = graph.constant dense<...> : tensor<64x64xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>
    %y = graph.matmul %x, %w : (tensor<64x64xf32, #l>, tensor<64x64xf32, #l>) -> tensor<64x64xf32, #l>
    ```
    After:
    ```mlir
    %w = graph.constant dense<...> : tensor<64x64xf32, #grid.layout<tile 32x32, bfp8_b, dram, interleaved>>
    %y = graph.matmul %x, %w {grid.compute = #grid.compute<dst = bf16, fidelity = HiFi2>} : ...
    ```
  }];
  let options = [
    ListOption<"overrides", "overrides", "std::string",
               "NODE_GLOB=fp32|bf16|bfp8|bfp4: the precision of the ops whose ONNX node names "
               "match the glob">,
  ];
  let dependentDialects = ["::tessel::grid::GridDialect"];
}

def ChooseOpConfigs : Pass<"tt-choose-op-configs", "mlir::ModuleOp"> {
  let summary = "Chooses each matmul's core grid, blocking and multicast by a cost model";
  let description = [{
    The one place where strategy is decided; the lowerings only read what it records. For every
    `graph.matmul` it enumerates the blockings that tile the output exactly and fit L1: a grid of
    per-core output blocks (two-dimensional, where rows of cores share the lhs and columns the
    rhs by multicast, or one-dimensional, where the whole rectangle shares one operand), passes
    when the output has more blocks than cores, Dst-sized subblocks and the K chunk streamed
    through double-buffered circular buffers (a K chunk that does not divide K leaves each pass
    a shorter first chunk, so compute starts sooner: tried where rows and columns of cores share
    the operands, or none is shared; in a single pass of such a grid with blocks of 8 tiles or
    more, also `k_lead`: two or three short chunks growing two- or threefold before those of
    `k_chunk`, each arriving while the one before is computed, kept only where estimated
    fastest outright). It keeps the one the cost model
    (`MatmulCostModel.h`, checked against the simulator by `test/e2e/test_cost_model.py`)
    estimates fastest and records it, with the estimate, as `grid.config`. A config already
    present is kept, checked against the chip and estimated: tests and users can force one.

    Every `graph.sdpa` gets `#grid.attention_config<block = B, chunk = C>` (`AttentionPlan.h`):
    units of B query tiles of a batch element, as many as keep the most cores busy while their
    state fits L1, each streaming the keys and values in chunks of C key tiles, the longest
    whose buffers fit the L1 that tensors kept between ops leave (one for a decoder's few
    queries). A given one is kept where B divides the query tiles and C the key tiles.

    A matmul whose lhs is a `graph.remap` that reads zeros as padding in runs of at least four
    values (a convolution's windows) gets `lhs = gather`, and the model charges its reader a
    request per run: the lowering then assembles the lhs tiles from the remap's input and no
    dispatch writes the windows to DRAM (an implicit GEMM). A `graph.reduce` over such a remap
    (a pool's or a depthwise convolution's windows, in runs of four or more, any padding) gets
    `grid.gather_input` and its reader does the same.

    A matmul whose rhs is a constant with all-zero 32x32 tiles (a pruned weight) gets
    `rhs_stored_tiles` when the model, charging the lookups, estimates skipping them faster than
    the best dense blocking: the lowering stores only the other tiles and its kernels neither read
    nor multiply the zero ones. A matmul whose activation lhs a profile found partly zero tiles
    (`lhs-zero-shares`, from `tt-compile --sparsity=activations`) gets `lhs_zero_tiles = skipped`
    when the model, charging a test per lhs tile, estimates it faster by the same margin.

    ```mlir
    %y = graph.matmul %x, %w {grid.config = #grid.matmul_config<grid = [8, 8], cores = [8, 8],
        block = [16, 16], subblock = [2, 4], k_chunk = 4, rhs_stored_tiles = 8192,
        cycles = 1190000>} : ...
    ```

    ```mlir
    %win = graph.remap %rows {map = ..., guards = ..., guard_bounds = array<i64: 56, 56>}
        : (tensor<1x1x3136x64xf32, #l>) -> tensor<1x1x3136x576xf32, #l>
    %y = graph.matmul %win, %w {grid.config = #grid.matmul_config<grid = [14, 1],
        cores = [7, 2], block = [7, 2], subblock = [1, 2], k_chunk = 3, lhs = gather,
        cycles = 26362>} : ...
    ```

    First, a softmax whose row its kernel cannot hold in the budget (`StreamSoftmax.h`: the row
    and its exponentials, a language model's logits over a large vocabulary) is replaced by
    ops that stream the row: `graph.reduce max`, a subtraction and `exp`, `graph.reduce sum`,
    and a multiply by the reciprocal (log-softmax: a subtraction of max + log(sum)). Likewise a
    `graph.layer_norm` or `graph.rms_norm` whose row, centred row and parameter rows do not fit
    (`Normalization.h`) becomes `graph.reduce mean`s and elementwise ops, and so does one of long
    rows (64 tiles or more) with at most a row of tiles for each eight cores, which its kernel
    (a core a row) would run on a few cores while the elementwise ops spread over all of them.

    Then it decides which tensors stay in L1 between ops (`L1Tensors.h`): those that only ops
    of the chip read (not the function's arguments, constants or results), in program order while
    the tensors live at once take at most three quarters of every core's free L1. Their layout
    becomes `l1, interleaved`; each matmul's circular buffers then get the L1 that the tensors
    live during it leave (less half of theirs, for the gaps between them), of the blockings within
    2% of the fastest estimate it takes the one that needs the least L1, and the cost model
    charges an operand in L1 NoC hops instead of DRAM.

    A DRAM tensor that a remap with a dispatch of its own gathers in runs of fewer bytes than a
    NoC flit (an image converted to rows of channels: pairs of pixels) reads every flit for a
    few of its bytes. Where the estimate of a copy to L1 (`grid.reshard`, whole tiles, with the
    gap of a dispatch more) and the gathers from every core's L1 is 10% below that of the
    gathers from DRAM, and the copy fits beside the tensors kept in L1 then
    (`StageGatherSources.h`; checked against the simulator by
    `test/e2e/test_staged_gathers.py`), the remap reads the copy (`stage-gathers=false`: never):

    ```mlir
    %rows = graph.remap %x {map = #pairs, guards = #real, guard_bounds = array<i64: 12>}
        : (tensor<1x3x224x224xf32, #dram>) -> tensor<1x1x12544x16xf32, #l1>
    ```
    becomes
    ```mlir
    %copy = grid.reshard %x {grid.staged_cycles = array<i64: 6517, 9090>}
        : tensor<1x3x224x224xf32, #dram> -> tensor<1x3x224x224xf32, #l1>
    %rows = graph.remap %copy {map = #pairs, guards = #real, guard_bounds = array<i64: 12>}
        : (tensor<1x3x224x224xf32, #l1>) -> tensor<1x1x12544x16xf32, #l1>
    ```

    Then a matmul over one image's rows of channels (`[1, 1, M, K]` times constant
    `[1, K, N]`, no residual) whose output has too few tiles to occupy the grid may be split along
    K (`SplitK.h`): S partial products `[1, S, M, N]` over K/S each, from a remap of the lhs the
    matmul gathers and the weights reshaped `[S, K/S, N]`, summed by a `graph.reduce` that applies
    the bias and the activation. It splits when the cost model estimates the batched matmul's best
    blocking plus the reduce, a dispatch of its own with its launch (or, `join-dispatches`, the
    barrier of a joined program: `cost::dispatchGapCycles`), faster than the matmul's own
    best (`split-k=false`: never). A batched
    matmul's blockings include `groups = G` rectangles stacked in y that take the batch in turn,
    so that the partial products are computed at once on G times the cores.

    ```mlir
    %p = graph.matmul %win, %ws {grid.config = #grid.matmul_config<grid = [1, 16],
        cores = [8, 2], block = [2, 1], subblock = [1, 1], k_chunk = 2, groups = 4,
        lhs = gather, cycles = 18620>} : (tensor<1x4x49x1152xf32, #dram>,
        tensor<4x1152x512xf32, #dram>) -> tensor<1x4x49x512xf32, #l1>
    %y = graph.reduce sum %p, %b then relu {axes = array<i64: 1>} : ...
    ```

    A `graph.reduce` of its last axis whose output has too few tiles to occupy the grid (a core
    takes an output tile and streams its whole row: a decode step's RMSNorm statistic, a streamed
    softmax's row) gets a `#grid.reduce_config` that cuts its rows into runs, each reduced on a
    core of its own, whose partials a second dispatch combines (`ReduceSplit.h`), where the
    estimate of the pair (charged as `estimateTileLoop` charges a reduce dispatch, with the
    barrier or launch between them; checked against the simulator by
    `test/e2e/test_reduce_split.py`) is 10% below the unsplit one (`split-reduce=false` or
    `tt-compile --no-split-reduce`: never):

    ```mlir
    %m = graph.reduce mean %sq {axes = array<i64: 1>} : (tensor<32x4096xf32, #l1>)
        -> tensor<32x1xf32, #l1>
    ```
    becomes
    ```mlir
    %m = graph.reduce mean %sq {axes = array<i64: 1>,
        grid.config = #grid.reduce_config<splits = 16, cycles = 4002>}
        : (tensor<32x4096xf32, #l1>) -> tensor<32x1xf32, #l1>
    ```

    Last, a matmul result kept in L1 whose cores each compute one block in one pass becomes
    sharded over those cores, each core's block in its own L1 (height-sharded when the blocks are
    whole rows, block-sharded over a two-dimensional grid, width-sharded when one row of blocks
    covers every row), and so does the result of an op whose
    dispatch splits its output tiles evenly over the cores (reduces, elementwise ops,
    transposes, concats, remaps, reshapes, softmax) where each core writes whole rows
    (height-sharded) or an equal piece of a row (block-sharded, shards of one row; width-sharded
    when the tensor is one row of tiles), when every matmul reading it computes in one pass too.
    Width shards only where an op other than a matmul reads them: a matmul reads its lhs in K
    chunks, each from the few cores holding its columns
    (`l1-shards=false`: never). An implicit GEMM whose windows' input is then sharded as its
    own rows are (same cores, in order, a shard per block of rows) gathers them from its own L1
    and a neighbour's rather than over the whole NoC: its K chunk and subblocks are chosen again
    under that cost (`MatmulProblem::readsLhsLocally`), its grid and blocks kept. Before that,
    where the producer of such a GEMM's windows is a matmul whose chosen plan would shard its
    result otherwise, the producer takes the best plan that shards it as the GEMM's rows if the
    two estimates together are lower so. The runtime finds each tile where
    its shard is; producer and consumer need no reshard, and a consumer whose cores take the same
    rows reads locally or from a neighbour instead of from every core:

    ```mlir
    %a = graph.matmul %x, %w {grid.config = #grid.matmul_config<grid = [49, 1], cores = [7, 7],
        block = [2, 2], subblock = [1, 1], k_chunk = 2>} : ...
        -> tensor<1x1x3136x64xf32, #grid.layout<tile 32x32, bf16, l1, height_sharded,
           shard 2x2, cores <(0, 0) to (6, 6)>>>
    ```

    Matmuls whose L1 results feed each other over the same rows (a bottleneck's 1x1 and
    stride-1 3x3 convolutions and its residual) are weighed as a group first (RowShards.h):
    every member on one rectangle of cores, each core one block of whole rows in one pass, so
    that each reads the others' results in its own L1 (its windows in its own and a
    neighbour's). The group takes those plans where their estimates, reads counted from where
    they will be, are 5% below those of the plans chosen alone, and the larger shards leave
    every op that runs meanwhile its circular buffers. A matmul that adds a residual nothing
    reads after it, another matmul's L1 result laid out as its own, writes its result over it
    (`grid.over_residual`; each core reads a residual tile before it writes the output tile in
    its place): the two take one buffer, which `keepTensorsInL1` counts once.

    ```mlir
    %y = graph.matmul %a, %w2 plus %x then relu : (tensor<50176x64xf32, #s2>,
        tensor<64x256xf32, #dram>, tensor<50176x256xf32, #s8>) -> tensor<50176x256xf32, #l1>
    ```
    becomes, with `#s8 = #grid.layout<tile 32x32, bf16, l1, height_sharded, shard 28x8,
    cores <(0, 0) to (7, 6)>>`,
    ```mlir
    %y = graph.matmul %a, %w2 plus %x then relu {grid.config = #grid.matmul_config<
        grid = [56, 1], cores = [8, 7], block = [28, 8], ...>, grid.over_residual}
        : (...) -> tensor<50176x256xf32, #s8>
    ```

    ```mlir
    %h = graph.unary relu %x : tensor<256x512xf32, #dram> -> tensor<256x512xf32, #l1>
    %y = graph.matmul %h, %w : (tensor<256x512xf32, #l1>, tensor<512x64xf32, #dram>)
        -> tensor<256x64xf32, #dram>
    ```
    with `#dram = #grid.layout<tile 32x32, bf16, dram, interleaved>` and
    `#l1 = #grid.layout<tile 32x32, bf16, l1, interleaved>`.

    Before (`tt-assign-layouts` done, bf16):
    ```mlir
    %y = graph.matmul %x, %w : (tensor<2048x2048xf32, #l>, tensor<2048x2048xf32, #l>)
        -> tensor<2048x2048xf32, #l>
    ```
    After:
    ```mlir
    %y = graph.matmul %x, %w {grid.config = #grid.matmul_config<grid = [8, 8],
        cores = [8, 8], block = [8, 8], subblock = [2, 4], k_chunk = 16, cycles = 290000>}
        : (tensor<2048x2048xf32, #l>, tensor<2048x2048xf32, #l>) -> tensor<2048x2048xf32, #l>
    ```
  }];
  let options = [
    Option<"l1Budget", "l1-budget", "int64_t", /*default=*/"0",
           "Bytes of L1 per core a dispatch may use (0: all the chip leaves to kernels); "
           "a smaller budget forces streaming blockings">,
    Option<"l1Tensors", "l1-tensors", "bool", /*default=*/"true",
           "Keep tensors that only the chip reads in L1 between ops (false: all in DRAM)">,
    Option<"joinDispatches", "join-dispatches", "bool", /*default=*/"true",
           "Charge a dispatch the barrier of a joined program (tt-form-programs) instead of a "
           "launch, where the chip has a kernel config buffer">,
    Option<"splitK", "split-k", "bool", /*default=*/"true",
           "Split a matmul's K over more cores where the cost model estimates it faster">,
    Option<"splitReduce", "split-reduce", "bool", /*default=*/"true",
           "Split a reduce's long rows over more cores where the cost model estimates it "
           "faster">,
    Option<"l1Shards", "l1-shards", "bool", /*default=*/"true",
           "Shard a matmul's L1 result over its cores where each writes one block in one pass "
           "(false: interleaved)">,
    Option<"stageGathers", "stage-gathers", "bool", /*default=*/"true",
           "Copy a DRAM tensor that a remap gathers in runs shorter than a NoC flit into L1 "
           "first (grid.reshard) where the cost model estimates it faster">,
    Option<"skipZeroTiles", "skip-zero-tiles", "bool", /*default=*/"true",
           "Skip a constant rhs's all-zero tiles where the cost model estimates it faster">,
    Option<"forceSkipZeroTiles", "force-skip-zero-tiles", "bool", /*default=*/"false",
           "Skip a constant rhs's all-zero tiles, and test every activation lhs's tiles, "
           "wherever the kernels can, whatever the estimate (to check it, or to profile)">,
    ListOption<"lhsZeroShares", "lhs-zero-shares", "std::string",
               "NODE_GLOB=SHARE: the share of a matmul's activation lhs tiles that a profile "
               "found all zero; where the model estimates testing and skipping them faster, "
               "the matmul does">,
  ];
  let statistics = [
    Statistic<"numChosen", "chosen", "Matmul configs chosen by the cost model">,
    Statistic<"numSparse", "sparse", "Matmuls that skip their constant rhs's zero tiles">,
    Statistic<"numZeroLhs", "zero-lhs", "Matmuls that test their lhs tiles and skip zero ones">,
    Statistic<"numSharded", "sharded", "Results sharded over the cores that write them">,
    Statistic<"numRefined", "refined",
              "Matmuls whose K chunk or subblocks changed for an lhs, windows or a residual read locally">,
    Statistic<"numAligned", "aligned",
              "Producers of an implicit GEMM's windows whose plan changed so that their shards "
              "are the GEMM's rows">,
    Statistic<"numRowAligned", "row-aligned",
              "Matmuls given one-pass plans over the same row blocks as the matmuls whose "
              "results they read (or that read theirs)">,
    Statistic<"numOverResidual", "over-residual",
              "Matmuls that write their result over their residual in L1">,
    Statistic<"numStreamedSoftmax", "streamed-softmax",
              "Softmaxes whose rows do not fit L1, streamed through reductions instead">,
    Statistic<"numExpandedNorms", "expanded-norms",
              "Layer, RMS and group norms whose rows (groups) do not fit L1, expanded into reductions">,
    Statistic<"numStagedGathers", "staged-gathers",
              "DRAM tensors copied to L1 before the remap that gathers them in short runs">,
    Statistic<"numSplitReduces", "split-reduces",
              "Reduces whose long rows are cut into runs reduced on cores of their own">,
  ];
  let dependentDialects = ["::tessel::grid::GridDialect"];
}

def FuseTileLoops : Pass<"tt-fuse-tile-loops", "mlir::ModuleOp"> {
  let summary = "Moves a streaming dispatch's tile loop into the loops that read its result";
  let description = [{
    Runs on the grid level, between `tt-lower-graph-to-grid` and `tt-lower-grid-to-kernels`. A
    producer is a dispatch whose unit loop reads tiles, computes one (`grid.compute`) and stores
    it at the unit (elementwise ops, transposes, remaps and reshapes, concats, row gathers). For
    each tile loop that reads its result with `grid.load` (a streaming loop, or a reduction's
    unit or step reads, but not a matmul's operands, a row loop's held rows (softmax, the
    normalisations), nor attention's kernels, which are built whole), the pass asks:

    - **Is it legal?** From the Presburger relations {iteration point -> tile} of the producer's
      store and of every consumer load (`TileLoopFusion.h`): every tile read must be one the
      producer writes, at one iteration point only. The relations also say whether a tile is
      read at several points, where fusing recomputes it.
    - **Does it pay?** The fused loops are built and estimated (`estimateTileLoop`: DRAM and L1
      bytes over the channels and the NoC, one DRAM latency per unit, the simulator's per-tile
      math costs, and each dispatch's launch, `launch_cycles` of the chip, or with
      `join-dispatches` the barrier of a joined program) against the
      producer's and consumers' own. The producer goes away when every
      reader takes it, else it stays and its readers recompute. Dst slots and circular buffers
      must fit, in the L1 that `tt-choose-op-configs` leaves to them.

    A consumer load of a produced tile becomes the producer's reads, each map composed with the
    load's, and the producer's math is inlined into the consumer's `grid.compute` before the tile's
    first use, on Dst slots above the consumer's. The producer's `tile.pack` stays: the kernels
    send it through a one-tile circular buffer, so the intermediate never leaves L1. In a
    streaming loop, reads of one tile that fusion duplicated (a diamond: x and f(x)) are merged.
    Option `print` writes each decision and its reason on stdout (`tt-compile --print-fusion`).

    Before (`y = x * sigmoid(x)`, two dispatches and `%s` in DRAM):
    ```mlir
    %s = grid.dispatch "sigmoid" on <(0, 0) to (3, 0)> ins(%x : ...) outs(%e0 : ...) {
    ^bb0(%in: ..., %out: ...):
      scf.for %i = %c0 to %c1 step %c1 {
        %u = affine.apply affine_map<(d0, d1) -> (d0 + d1)>(%core, %i)
        %t = grid.load %in[%u] map affine_map<(d0) -> (d0)> : ... -> !tile.tile<32x32, bf16>
        %r = grid.compute(%t : !tile.tile<32x32, bf16>) at %u -> !tile.tile<32x32, bf16> {
        ^bb0(%a: !tile.tile<32x32, bf16>, %unit: index):
          tile.copy %a, dst[%c0] : !tile.tile<32x32, bf16>
          tile.unary sigmoid dst[%c0]
          %p = tile.pack dst[%c0] : !tile.tile<32x32, bf16>
          grid.yield %p : !tile.tile<32x32, bf16>
        }
        grid.store %r, %out[%u] map affine_map<(d0) -> (d0)> : ...
      }
    } -> tensor<64x64xf32, ...>
    %y = grid.dispatch "mul" on <(0, 0) to (3, 0)> ins(%x, %s : ...) outs(%e1 : ...) { ... }
    ```
    After (one dispatch reading `%x` once):
    ```mlir
    %y = grid.dispatch "sigmoid+mul" on <(0, 0) to (3, 0)> ins(%x : ...) outs(%e1 : ...) {
    ^bb0(%in: ..., %out: ...):
      scf.for %i = %c0 to %c1 step %c1 {
        %u = affine.apply affine_map<(d0, d1) -> (d0 + d1)>(%core, %i)
        %t = grid.load %in[%u] map affine_map<(d0) -> (d0)> : ... -> !tile.tile<32x32, bf16>
        %r = grid.compute(%t, %t : ...) at %u -> !tile.tile<32x32, bf16> {
        ^bb0(%a: !tile.tile<32x32, bf16>, %b: !tile.tile<32x32, bf16>, %unit: index):
          tile.copy %b, dst[%c1] : !tile.tile<32x32, bf16>
          tile.unary sigmoid dst[%c1]
          %s = tile.pack dst[%c1] : !tile.tile<32x32, bf16>
          tile.binary mul bcast none %a, %s, dst[%c0] : ...
          %p = tile.pack dst[%c0] : !tile.tile<32x32, bf16>
          grid.yield %p : !tile.tile<32x32, bf16>
        }
        grid.store %r, %out[%u] map affine_map<(d0) -> (d0)> : ...
      }
    } -> tensor<64x64xf32, ...>
    ```
  }];
  let options = [
    Option<"print", "print", "bool", /*default=*/"false",
           "Print each producer -> consumer decision and its reason on stdout">,
    Option<"force", "force", "bool", /*default=*/"false",
           "Fuse wherever it is legal, whatever the estimate (to check the estimate against "
           "the simulator)">,
    Option<"joinDispatches", "join-dispatches", "bool", /*default=*/"true",
           "Charge a dispatch the barrier of a joined program (tt-form-programs) instead of a "
           "launch, where the chip has a kernel config buffer">,
  ];
  let dependentDialects = ["::mlir::affine::AffineDialect", "::mlir::arith::ArithDialect"];
}

def HoistConstantReads : Pass<"tt-hoist-constant-reads", "mlir::ModuleOp"> {
  let summary = "Lets data-movement kernels read constants before the barrier's go";
  let description = [{
    A dispatch joined to the program of the one before it waits at a barrier: every core of
    the one before signals its end to a coordinator, which multicasts the go (a few hundred
    cycles). Weights and biases are constants that no dispatch writes, and the dispatch's
    circular buffers are its own: a matmul's writer may read its first chunk of weights, and
    its reader the bias, while the barrier's semaphores and go travel.

    For each reader and writer `noc.kernel`, this pass takes the longest run of top-level ops
    from its start that only reserve and push its circular buffers, wait for its own reads,
    compute indices, loop over those, or read (`noc.read`, `noc.read_span`) a dispatch input
    that a `graph.constant` defines; where that run reads a constant, it puts a `noc.wait_go`
    after it. The runtime starts such a kernel when the dispatch before has ended on every core
    and the others at the go; in a dispatch that starts a program the go has come with the
    launch. On the chip such a kernel could start as soon as its core has ended the dispatch
    before, while other cores still read that dispatch's L1 tensors: `tt-allocate-buffers`
    takes the `noc.wait_go` back out where one of those lies below this dispatch's circular
    buffers (statistic `kernels`: the kernels given one).

    Before:
    ```mlir
    noc.kernel writer {
      noc.cb_reserve %cb, 2 : !noc.cb<!tile.tile<32x32, bfp8_b>, 4>
      scf.for %i = %c0 to %c2 step %c1 {
        noc.read %weights[%i] into %cb[%i] : tensor<...>, !noc.cb<!tile.tile<32x32, bfp8_b>, 4>
      }
      noc.sem_inc ...
      ...
    }
    ```
    After:
    ```mlir
    noc.kernel writer {
      noc.cb_reserve %cb, 2 : !noc.cb<!tile.tile<32x32, bfp8_b>, 4>
      scf.for %i = %c0 to %c2 step %c1 {
        noc.read %weights[%i] into %cb[%i] : tensor<...>, !noc.cb<!tile.tile<32x32, bfp8_b>, 4>
      }
      noc.wait_go
      noc.sem_inc ...
      ...
    }
    ```
  }];
  let statistics = [
    Statistic<"numKernels", "kernels", "Kernels that read constants before the go">,
  ];
}

def AllocateBuffers : Pass<"tt-allocate-buffers", "mlir::ModuleOp"> {
  let summary = "Places tensors in L1 or DRAM as their layouts say, and circular buffers in L1";
  let description = [{
    Every `noc.cb` of a dispatch gets an `l1_address` above the L1 the chip reserves; a dispatch
    whose circular buffers do not fit L1 is an error naming the dispatch and the sizes.

    A `grid.empty` lives from its position to the last reader of what dispatches write into it.
    One whose layout is `l1, interleaved` (tt-choose-op-configs kept it on chip) gets an L1
    `address`: its tiles are interleaved over every core's L1, above the circular buffers of
    every dispatch of its live range and clear of the other L1 tensors live meanwhile, taken from
    the top of L1 down in program order. If the circular buffers leave no room for it, it goes
    to DRAM after all and its layout says so again, on the `grid.empty`, on the dispatch block
    arguments and on the results that name the same buffer (statistic `moved-to-dram`). The
    runtime serves an L1 tensor's tiles from the cores' L1 over the NoC, without a DRAM channel;
    the perf report counts those bytes as `l1_bytes_read` and `l1_bytes_written` and the L1 they
    hold in `l1_peak_bytes`.

    Every other tensor gets a DRAM `address`: the same offset in every DRAM channel, since
    tensors are interleaved tile by tile. Arguments and constants stay for the whole run; a
    `grid.empty` takes the lowest gap that no tensor live at the same time holds, so buffers are
    reused. The runtime reports the resulting footprint as `dram_peak_bytes`.

    Before:
    ```mlir
    %e = grid.empty : tensor<32x64xf32, #grid.layout<tile 32x32, f32, l1, interleaved>>
    %r = grid.dispatch "relu" ... ins(%x : ...) outs(%e : ...) { ...
      %cb = noc.cb 0 : !noc.cb<!tile.tile<32x32, f32>, 2>
    ...
    %o = grid.empty : tensor<32x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
    %s = grid.dispatch "neg" ... ins(%r : ...) outs(%o : ...)
    ```
    After:
    ```mlir
    %e = grid.empty {address = 1495040 : i64}
        : tensor<32x64xf32, #grid.layout<tile 32x32, f32, l1, interleaved>>
    %r = grid.dispatch "relu" ... ins(%x : ...) outs(%e : ...) { ...
      %cb = noc.cb 0 {l1_address = 131072 : i64} : !noc.cb<!tile.tile<32x32, f32>, 2>
    ...
    %o = grid.empty {address = 8192 : i64}
        : tensor<32x64xf32, #grid.layout<tile 32x32, f32, dram, interleaved>>
    ```
  }];
  let statistics = [
    Statistic<"numInL1", "in-l1", "Tensors placed in L1 between dispatches">,
    Statistic<"numWaitsAtStart", "waits-at-start",
              "Dispatches whose kernels wait for the go at their start after all (an L1 tensor "
              "of the dispatch before lies below their circular buffers)">,
    Statistic<"numMovedToDram", "moved-to-dram",
              "L1 tensors the circular buffers left no room for, placed in DRAM">,
  ];
}

def FormPrograms : Pass<"tt-form-programs", "mlir::ModuleOp"> {
  let summary = "Joins consecutive dispatches into programs the chip launches once";
  let description = [{
    The chip pays a launch (`launch_cycles` of `grid.chip`, 4,000 cycles on Wormhole) before
    every program: the dispatcher sends kernel binaries, run-time arguments, CB configuration and
    the go signal, and waits for every core to report the end of the previous program. A program
    may hold several dispatches one after another: their kernels and CB configurations go to the
    cores with its launch, and between two of them the cores meet at a barrier on the NoC (each
    core of the first signals its end to the first dispatch's first core, which multicasts the
    go), a few hundred cycles where a launch takes thousands.

    Walking each function's dispatches in order, this pass sets `joined` on every dispatch that
    still fits the program of the one before it: the kernels, circular buffers and semaphores of
    a program's dispatches, encoded as the binary holds them (`rt::kernelConfigSize`), must fit
    the chip's kernel config buffer (`kernel_config_bytes`, 69 KB on Wormhole); the dispatch that
    would overflow it starts a new program. A chip whose descriptor gives no
    `kernel_config_bytes` keeps one dispatch per program. `join=false` (`tt-compile
    --separate-dispatches`) clears every `joined`, for comparison.

    Before (lowered and allocated):
    ```mlir
    %r = grid.dispatch "relu" on <(0, 0) to (3, 0)> ins(%x : ...) outs(%e : ...) { ... }
    %s = grid.dispatch "neg" on <(0, 0) to (1, 0)> ins(%r : ...) outs(%o : ...) { ... }
    ```
    After:
    ```mlir
    %r = grid.dispatch "relu" on <(0, 0) to (3, 0)> ins(%x : ...) outs(%e : ...) { ... }
    %s = grid.dispatch "neg" on <(0, 0) to (1, 0)> ins(%r : ...) outs(%o : ...)
        attributes {joined} { ... }
    ```
  }];
  let options = [
    Option<"join", "join", "bool", "true",
           "Join dispatches into programs where they fit (false: one dispatch per program)">,
  ];
  let statistics = [
    Statistic<"numPrograms", "programs", "Programs the chip launches">,
    Statistic<"numJoined", "joined", "Dispatches joined to the program before them">,
  ];
}

#endif
