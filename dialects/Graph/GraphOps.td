#ifndef TESSEL_GRAPH_OPS
#define TESSEL_GRAPH_OPS

include "Graph/GraphDialect.td"
include "Graph/GraphEnums.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/IR/BuiltinAttributes.td"

// Every graph value is a ranked tensor; element types are the model's logical types.
def Graph_Tensor : RankedTensorOf<[F32, BF16, F16, F64, I64, I32, I16, I8, UI64, UI32, UI16, UI8, I1]>;

def Graph_ConstantOp : Graph_Op<"constant", [Pure]> {
  let summary = "A constant tensor (weights, biases, scalars)";
  let description = [{
    Large weights are held as `DenseResourceElementsAttr` so that they are not uniqued in the
    context; small ones may be dense. The result type may add a `#grid.layout` encoding to the
    value's type; it is printed after the value only then.

    ```mlir
    %w = graph.constant dense<1.0> : tensor<4x4xf32>
    %l = graph.constant dense<1.0> : tensor<4x4xf32> : tensor<4x4xf32, #layout>
    ```
  }];
  let arguments = (ins TypedAttrInterface:$value);
  let results = (outs Graph_Tensor:$result);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
}

def Graph_ConvOp : Graph_Op<"conv", [Pure]> {
  let summary = "Grouped N-d convolution with explicit padding (ONNX Conv)";
  let description = [{
    `input` is [N, C, spatial...], `weight` [M, C / group, kernel...], the optional `bias` [M].
    `pads` are the padding before each spatial dim; the padding after it is whatever the result's
    spatial dims imply (ONNX's auto_pad and end pads are resolved by the importer). How the chip
    computes it is a later pass's choice (today `tt-decompose-graph`: an im2col `graph.remap` and a
    `graph.matmul`).

    ```mlir
    %y = graph.conv %x, %w, %b {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>,
        pads = array<i64: 3, 3>, group = 1 : i64}
        : (tensor<1x3x224x224xf32>, tensor<64x3x7x7xf32>, tensor<64xf32>) -> tensor<1x64x112x112xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_Tensor:$weight, Optional<Graph_Tensor>:$bias,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                   DenseI64ArrayAttr:$pads, I64Attr:$group);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Graph_PoolOp : Graph_Op<"pool", [Pure]> {
  let summary = "Max or average pooling over N-d windows (ONNX MaxPool, AveragePool, Global*Pool)";
  let description = [{
    `input` is [N, C, spatial...]; each output value is the max or the average of one channel's
    window. `kernel`, `strides` and `dilations` have one value per spatial dim, `pads` two (all
    the begin pads, then all the end pads, as ONNX writes them). A window may reach past the end
    pad when the result is larger (ONNX's ceil_mode); what it reaches there is not counted.
    The average divides by the taps inside the input, or with `count_include_pad` by those inside
    the pads too. A global pool is a pool whose window is the whole input.

    ```mlir
    %y = graph.pool max %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>,
        dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>}
        : (tensor<1x64x112x112xf32>) -> tensor<1x64x56x56xf32>
    ```
  }];
  let arguments = (ins Graph_PoolKind:$kind, Graph_Tensor:$input, DenseI64ArrayAttr:$kernel,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                   DenseI64ArrayAttr:$pads, UnitAttr:$count_include_pad);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$kind $input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_BatchNormOp : Graph_Op<"batch_norm", [Pure]> {
  let summary = "Inference-mode batch normalization over dim 1 (ONNX BatchNormalization)";
  let description = [{
    `(input - mean) / sqrt(var + epsilon) * scale + bias`, the four parameters [C] per channel of
    `input` [N, C, ...]. `tt-fold-batch-norm` folds it into a preceding convolution with constant
    weights; `tt-decompose-graph` turns what is left into elementwise ops.

    ```mlir
    %y = graph.batch_norm %x, %scale, %bias, %mean, %var {epsilon = 1.0e-05 : f32}
        : (tensor<1x64x56x56xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>)
        -> tensor<1x64x56x56xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Graph_Tensor:$scale, Graph_Tensor:$bias,
                   Graph_Tensor:$mean, Graph_Tensor:$var, F32Attr:$epsilon);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $var attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Graph_MatMulOp : Graph_Op<"matmul", [Pure, AttrSizedOperandSegments]> {
  let summary = "Matrix product with numpy batch broadcasting (ONNX MatMul)";
  let description = [{
    Rank-1 operands are not promoted here: the importer reshapes them, so both operands have
    rank >= 2. Leading dimensions broadcast. `tt-fuse-epilogues` may give it a `scale` the
    product is multiplied by first (attention's 1 / sqrt(head dim)), a `bias` [N] added to every
    row, a `residual` of the result's type added to it (a residual connection), and an
    `activation` (relu, gelu, gelu_tanh, or clip to [`alpha`, `beta`] such as ReLU6) applied
    last, which the kernel computes on the output tiles before they leave the core.

    ```mlir
    %c = graph.matmul %a, %b : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
    %d = graph.matmul %a, %b, %bias plus %c then relu
        : (tensor<2x3x4xf32>, tensor<4x5xf32>, tensor<5xf32>, tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$lhs, Graph_Tensor:$rhs, Optional<Graph_Tensor>:$bias,
                   Optional<Graph_Tensor>:$residual, OptionalAttr<Graph_UnaryKind>:$activation,
                   DefaultValuedAttr<F32Attr, "0.0">:$alpha, DefaultValuedAttr<F32Attr, "0.0">:$beta,
                   DefaultValuedAttr<F32Attr, "1.0">:$scale);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`,` $bias^)? (`plus` $residual^)? (`then` $activation^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Type":$result, "::mlir::Value":$lhs, "::mlir::Value":$rhs), [{
      build($_builder, $_state, result, lhs, rhs, ::mlir::Value(), ::mlir::Value(),
            UnaryKindAttr(), $_builder.getF32FloatAttr(0), $_builder.getF32FloatAttr(0),
            $_builder.getF32FloatAttr(1));
    }]>,
  ];
  let hasVerifier = 1;
}

def Graph_GemmOp : Graph_Op<"gemm", [Pure]> {
  let summary = "ONNX Gemm: alpha * op(A) * op(B) + beta * C";
  let description = [{
    Kept as imported so that its attributes survive to `tt-decompose-graph`, which rewrites it into
    `graph.transpose`, `graph.matmul` and `graph.binary` ops.

    ```mlir
    %y = graph.gemm %a, %b, %c {alpha = 1.0 : f32, beta = 1.0 : f32, transA = false, transB = true}
        : (tensor<3x5xf32>, tensor<4x5xf32>, tensor<4xf32>) -> tensor<3x4xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$a, Graph_Tensor:$b, Optional<Graph_Tensor>:$c,
                   DefaultValuedAttr<F32Attr, "1.0">:$alpha,
                   DefaultValuedAttr<F32Attr, "1.0">:$beta,
                   DefaultValuedAttr<BoolAttr, "false">:$transA,
                   DefaultValuedAttr<BoolAttr, "false">:$transB);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$a `,` $b (`,` $c^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_UnaryOp : Graph_Op<"unary", [Pure, SameOperandsAndResultShape]> {
  let summary = "An elementwise function of one tensor (Relu, Exp, Sigmoid, Clip, ...)";
  let description = [{
    `alpha` and `beta` hold the ONNX op's float attributes: the slope of `leaky_relu`, the alpha
    of `elu`, `selu`'s alpha and gamma, `hard_sigmoid`'s alpha and beta, `clip`'s bounds,
    `thresholded_relu`'s alpha, and for `isinf` whether to detect negative and positive
    infinities (1 or 0). Predicates (`not`, `isnan`, `isinf`) may return a boolean tensor.

    ```mlir
    %y = graph.unary relu %x : tensor<4x8xf32> -> tensor<4x8xf32>
    %c = graph.unary clip %x {alpha = -1.0 : f32, beta = 1.0 : f32} : tensor<4x8xf32> -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins Graph_UnaryKind:$kind, Graph_Tensor:$input,
                   DefaultValuedAttr<F32Attr, "0.0">:$alpha,
                   DefaultValuedAttr<F32Attr, "0.0">:$beta);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$kind $input attr-dict `:` type($input) `->` type($result)";
}

def Graph_BinaryOp : Graph_Op<"binary", [Pure]> {
  let summary = "An elementwise function of two tensors, with numpy broadcasting";
  let description = [{
    Add, Sub, Mul, Div, Pow, Max, Min, Mod/Fmod, the comparisons, And/Or/Xor and PRelu. Operands
    broadcast to the result shape following numpy rules; the verifier checks that the result
    shape is the broadcast of the operand shapes.

    ```mlir
    %z = graph.binary add %x, %y : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
    ```
  }];
  let arguments = (ins Graph_BinaryKind:$kind, Graph_Tensor:$lhs, Graph_Tensor:$rhs);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$kind $lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_WhereOp : Graph_Op<"where", [Pure]> {
  let summary = "Chooses between two tensors by a condition (ONNX Where), with broadcasting";
  let description = [{
    ```mlir
    %r = graph.where %c, %x, %y : (tensor<2x2xi1>, tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$condition, Graph_Tensor:$lhs, Graph_Tensor:$rhs);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$condition `,` $lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_SoftmaxOp : Graph_Op<"softmax", [Pure, AllShapesMatch<["input", "result"]>,
                                           AllElementTypesMatch<["input", "result"]>]> {
  let summary = "Softmax, or with `log` LogSoftmax, along one axis (ONNX opset 13 semantics)";
  let description = [{
    `axis` is normalised to be non-negative by the importer; older opsets' "flatten then softmax"
    semantics are rewritten into a reshape around a softmax on the last axis.

    One type is printed when the operand's and the result's are the same; their layouts may
    differ (one kept in L1, the other in DRAM).

    ```mlir
    %y = graph.softmax %x {axis = 1 : i64} : tensor<3x4x5xf32>
    %z = graph.softmax %h {axis = 1 : i64} : tensor<32x64xf32, #l1> -> tensor<32x64xf32, #dram>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, I64Attr:$axis, UnitAttr:$log);
  let results = (outs Graph_Tensor:$result);
  let builders = [
    OpBuilder<(ins "::mlir::Value":$input, "::mlir::IntegerAttr":$axis, "::mlir::UnitAttr":$log), [{
      build($_builder, $_state, input.getType(), input, axis, log);
    }]>
  ];
  let assemblyFormat = "$input attr-dict `:` custom<OneOrTwoTypes>(type($input), type($result))";
  let hasVerifier = 1;
}

def Graph_LayerNormOp : Graph_Op<"layer_norm", [Pure, AttrSizedOperandSegments]> {
  let summary = "Layer normalisation over the axes from `axis` on (ONNX LayerNormalization)";
  let description = [{
    `y = (x - mean) / sqrt(var + epsilon) * scale + bias`, with the mean and the (biased)
    variance taken over the axes `axis` to the last. `scale` and `bias` are optional (1 and 0)
    and broadcast over the normalised axes only. `tt-fuse-graph` also forms it from the ops
    exporters spell it with (ReduceMean, Sub, Pow or Mul, Add, Sqrt, Div or Reciprocal and Mul).
    It lowers to one kernel that holds a row in L1; `tt-decompose-graph` expands the forms that
    kernel does not take (several axes, parameters that are not rows) back into those ops.

    ```mlir
    %y = graph.layer_norm %x scale %g bias %b {axis = 2 : i64, epsilon = 1.0e-05 : f32}
        : (tensor<2x8x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<2x8x64xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Optional<Graph_Tensor>:$scale,
                   Optional<Graph_Tensor>:$bias, I64Attr:$axis, F32Attr:$epsilon);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = [{
    $input (`scale` $scale^)? (`bias` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Graph_RMSNormOp : Graph_Op<"rms_norm", [Pure]> {
  let summary = "Root-mean-square normalisation over the axes from `axis` on";
  let description = [{
    `y = x / sqrt(mean(x^2) + epsilon) * scale`, the mean taken over the axes `axis` to the
    last (LLaMA's and T5's RMSNorm). `scale` is optional and broadcasts over the normalised axes
    only. `tt-fuse-graph` forms it from Pow or Mul, ReduceMean, Add, Sqrt, and Div or Reciprocal
    and Mul; it lowers like `graph.layer_norm`.

    ```mlir
    %y = graph.rms_norm %x scale %g {axis = 1 : i64, epsilon = 1.0e-06 : f32}
        : (tensor<8x4096xf32>, tensor<4096xf32>) -> tensor<8x4096xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Optional<Graph_Tensor>:$scale, I64Attr:$axis,
                   F32Attr:$epsilon);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input (`scale` $scale^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_GroupNormOp : Graph_Op<"group_norm", [Pure, AttrSizedOperandSegments]> {
  let summary = "Group normalisation of [N, C, spatial...] (ONNX GroupNormalization, opset 21)";
  let description = [{
    The C channels form `num_groups` groups of consecutive channels; each sample's group is
    normalised by its own mean and (biased) variance over its channels and spatial positions,
    then each channel is scaled and shifted by its `scale` and `bias` [C] (optional: 1 and 0).
    `tt-fuse-graph` forms it from the Reshape to [N, G, rest], InstanceNormalization (or a
    layer norm over the last axis) and Reshape back that PyTorch exports, with the per-channel
    Mul and Add after it. It lowers to one kernel whose unit is one sample's group.

    ```mlir
    %y = graph.group_norm %x scale %g bias %b {num_groups = 8 : i64, epsilon = 1.0e-05 : f32}
        : (tensor<2x32x16x16xf32>, tensor<32xf32>, tensor<32xf32>) -> tensor<2x32x16x16xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, Optional<Graph_Tensor>:$scale,
                   Optional<Graph_Tensor>:$bias, I64Attr:$num_groups, F32Attr:$epsilon);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = [{
    $input (`scale` $scale^)? (`bias` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Graph_SDPAOp : Graph_Op<"sdpa", [Pure]> {
  let summary = "Scaled dot-product attention: softmax(q kt * scale + mask) v";
  let description = [{
    `q` is [..., Sq, D], `kt` the keys already transposed [..., D, Sk] (as exporters write
    K^T), `v` [..., Sk, Dv], with the same leading dims; the optional additive `mask`
    broadcasts to the scores [..., Sq, Sk]. With `causal`, query i sees key j only when
    j <= i + Sk - Sq (Sk - Sq a multiple of 32). The softmax is over the keys. `tt-fuse-graph`
    forms it from MatMul, a Div or Mul by a constant scalar, an Add of the mask (or a Where
    that fills the masked scores), Softmax and MatMul; a constant mask that is causal becomes
    `causal`, whose kernel skips the key tiles after the diagonal. With `result_map` the
    result is the attention output [..., Sq, Dv] laid out again: output index i is result
    index result_map(i) (the heads merged back by Transpose and Reshape, which the kernel's
    writer does by where it puts each tile).
    It lowers to one FlashAttention-style kernel: each core takes blocks of 32 queries, streams
    the keys and values through L1 a tile of 32 keys at a time and keeps a running maximum and
    sum, so that the Sq x Sk scores never leave the core.

    ```mlir
    %o = graph.sdpa %q, %kt, %v {scale = 1.250000e-01 : f32}
        : (tensor<1x16x2048x64xf32>, tensor<1x16x64x2048xf32>, tensor<1x16x2048x64xf32>)
        -> tensor<1x16x2048x64xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$q, Graph_Tensor:$kt, Graph_Tensor:$v,
                   Optional<Graph_Tensor>:$mask, F32Attr:$scale, UnitAttr:$causal,
                   OptionalAttr<AffineMapAttr>:$result_map);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = [{
    $q `,` $kt `,` $v (`mask` $mask^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Graph_ReduceOp : Graph_Op<"reduce", [Pure, AttrSizedOperandSegments]> {
  let summary = "Reduces over some axes, keeping them as size 1 (ONNX Reduce* with keepdims)";
  let description = [{
    The importer follows it with a `graph.reshape` when the ONNX op drops the reduced axes.
    With `weights` (broadcast to the input) a sum reduces the products `input * weights`
    instead, over leading axes only: a depthwise convolution's windows times its weights,
    summed over the taps, without the products ever leaving the core. `tt-fuse-epilogues` may
    give it, as a matmul, a `bias` [N] added to every row of the result and an `activation`
    (relu, gelu, gelu_tanh, or clip to [`alpha`, `beta`]) applied last, by the same kernel.

    ```mlir
    %s = graph.reduce sum %x {axes = array<i64: 1>} : (tensor<3x4x5xf32>) -> tensor<3x1x5xf32>
    %d = graph.reduce sum %windows times %w, %bias then clip {axes = array<i64: 1>, beta = 6.0 : f32}
        : (tensor<1x9x64x96xf32>, tensor<9x1x96xf32>, tensor<96xf32>) -> tensor<1x1x64x96xf32>
    ```
  }];
  let arguments = (ins Graph_ReduceKind:$kind, Graph_Tensor:$input,
                   Optional<Graph_Tensor>:$weights, Optional<Graph_Tensor>:$bias,
                   DenseI64ArrayAttr:$axes, OptionalAttr<Graph_UnaryKind>:$activation,
                   DefaultValuedAttr<F32Attr, "0.0">:$alpha, DefaultValuedAttr<F32Attr, "0.0">:$beta);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = [{
    $kind $input (`times` $weights^)? (`,` $bias^)? (`then` $activation^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Type":$result, "ReduceKind":$kind, "::mlir::Value":$input,
                   "::mlir::DenseI64ArrayAttr":$axes), [{
      build($_builder, $_state, result, kind, input, ::mlir::Value(), axes);
    }]>,
    OpBuilder<(ins "::mlir::Type":$result, "ReduceKind":$kind, "::mlir::Value":$input,
                   "::mlir::Value":$weights, "::mlir::DenseI64ArrayAttr":$axes), [{
      build($_builder, $_state, result, ReduceKindAttr::get($_builder.getContext(), kind), input,
            weights, ::mlir::Value(), axes,
            UnaryKindAttr(), $_builder.getF32FloatAttr(0), $_builder.getF32FloatAttr(0));
    }]>,
  ];
  let hasVerifier = 1;
}

def Graph_ReshapeOp : Graph_Op<"reshape", [Pure]> {
  let summary = "The same values in row-major order under another shape";
  let description = [{
    ONNX Reshape, Flatten, Squeeze and Unsqueeze all become this op; the importer resolves their
    shape inputs and attributes. A reshape of a `graph.remap` becomes one remap
    (canonicalization).

    ```mlir
    %y = graph.reshape %x : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

def Graph_RemapOp : Graph_Op<"remap", [Pure]> {
  let summary = "Each output value copied from the input value a map picks";
  let description = [{
    `map` takes the output's multi-index to the input's. Expand, Tile, Split, DepthToSpace,
    SpaceToDepth, Slice, Pad, Concat and the im2col of convolutions and pools become this op.
    An index outside the input (by less than twice the dim's size below, three times above)
    reads `padding`.

    `guards` with `guard_bounds` add conditions of their own: an output value whose guard `k`
    leaves `[0, guard_bounds[k])` reads `padding` too. They keep the bounds of dims that `map`
    flattens, such as the row and column of a convolution's window over a channels-last
    `[N, 1, H * W, C]` input.

    ```mlir
    %y = graph.remap %x {map = affine_map<(d0, d1) -> (d0 mod 2, d1)>} : (tensor<2x3xf32>) -> tensor<6x3xf32>
    %w = graph.remap %x {map = affine_map<(d0, d1) -> (d0 + d1 - 1)>,
                         guards = affine_map<(d0, d1) -> (d0 mod 4 + d1 - 1)>,
                         guard_bounds = array<i64: 4>} : (tensor<16xf32>) -> tensor<16x3xf32>
    ```

    Canonicalization composes a remap of a remap into one when either of the two never reads
    padding, and folds a remap that is the identity.
  }];
  let arguments = (ins Graph_Tensor:$input, AffineMapAttr:$map,
                   DefaultValuedAttr<F32Attr, "0.0">:$padding,
                   OptionalAttr<AffineMapAttr>:$guards,
                   OptionalAttr<DenseI64ArrayAttr>:$guard_bounds);
  let results = (outs Graph_Tensor:$result);
  let builders = [
    OpBuilder<(ins "mlir::Type":$type, "mlir::Value":$input, "mlir::AffineMapAttr":$map,
                   "mlir::FloatAttr":$padding), [{
      build($_builder, $_state, type, input, map, padding, nullptr, nullptr);
    }]>
  ];
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let extraClassDeclaration = [{
    /// Whether some output value may read `padding`: a guard, or a map result that can leave
    /// the input.
    bool readsPadding();
    /// The guard expressions, none without guards.
    llvm::ArrayRef<mlir::AffineExpr> getGuardExprs() {
      std::optional<mlir::AffineMap> guards = getGuards();
      return guards ? guards->getResults() : llvm::ArrayRef<mlir::AffineExpr>();
    }
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Graph_GatherRowsOp : Graph_Op<"gather_rows", [Pure]> {
  let summary = "Rows of a table picked by indices known at run time (embedding lookup)";
  let description = [{
    `result[m, :] = table[indices[m], :]`. A negative index counts from the end; one outside the
    table is clamped. ONNX Gather along the first axis of a float tensor becomes this op (with
    reshapes around it); the chip fetches each row over the NoC at an address computed from the
    index.

    ```mlir
    %e = graph.gather_rows %table, %ids : (tensor<30522x768xf32>, tensor<128xi64>) -> tensor<128x768xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$table, Graph_Tensor:$indices);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$table `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Graph_ConcatOp : Graph_Op<"concat", [Pure]> {
  let summary = "Joins tensors along an axis (ONNX Concat)";
  let description = [{
    The inputs have the result's rank and element type and its dims except along `axis`, where
    theirs add up to the result's. Along an axis before the last two, each tile of the result
    is a tile of one input, which the kernel copies; `tt-decompose-graph` places the inputs of a
    concat along one of the last two axes with remaps that read zeros elsewhere, and adds them.

    ```mlir
    %y = graph.concat %a, %b {axis = 1 : i64}
        : (tensor<1x64x28x28xf32>, tensor<1x32x28x28xf32>) -> tensor<1x96x28x28xf32>
    ```
  }];
  let arguments = (ins Variadic<Graph_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type($inputs, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Graph_TransposeOp : Graph_Op<"transpose", [Pure]> {
  let summary = "Permutes dimensions (ONNX Transpose)";
  let description = [{
    ```mlir
    %y = graph.transpose %x {perm = array<i64: 1, 0>} : (tensor<3x4xf32>) -> tensor<4x3xf32>
    ```
  }];
  let arguments = (ins Graph_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Graph_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

#endif
