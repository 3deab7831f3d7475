#ifndef TESSEL_TILE_OPS
#define TESSEL_TILE_OPS

include "Tile/TileDialect.td"

// Dst accesses are side effects on the core's Dst register file, which is not an SSA value.
defvar Tile_DstIndex = Index;

def Tile_AcquireDstOp : Tile_Op<"acquire_dst"> {
  let summary = "Takes the Dst register file for this compute kernel, zeroed";
  let description = [{
    ```mlir
    tile.acquire_dst
    ```
  }];
  let assemblyFormat = "attr-dict";
}

def Tile_ReleaseDstOp : Tile_Op<"release_dst"> {
  let summary = "Hands Dst back to the packer";
  let description = [{
    ```mlir
    tile.release_dst
    ```
  }];
  let assemblyFormat = "attr-dict";
}

def Tile_MatmulOp : Tile_Op<"matmul"> {
  let summary = "Dst[dst] += lhs x rhs on the FPU";
  let description = [{
    With `transpose_rhs`, Dst[dst] += lhs x rhs^T: the unpacker transposes the rhs tile as it
    loads it (tt-metal's `matmul_tiles(..., transpose)`), at a plain product's cost; attention
    multiplies its queries by tiles of K so, without a transposed copy of the keys.

    ```mlir
    tile.matmul %a, %b, dst[%d] : !tile.tile<32x32, bf16>, !tile.tile<32x32, bf16>
    tile.matmul %q, %k, dst[%d] {transpose_rhs} : !tile.tile<32x32, bf16>, !tile.tile<32x32, bf16>
    ```
  }];
  let arguments = (ins Tile_TileType:$lhs, Tile_TileType:$rhs, Tile_DstIndex:$dst,
                   UnitAttr:$transpose_rhs);
  let assemblyFormat = "$lhs `,` $rhs `,` `dst` `[` $dst `]` attr-dict `:` qualified(type($lhs)) `,` qualified(type($rhs))";
  let hasVerifier = 1;
}

def Tile_BinaryOp : Tile_Op<"binary"> {
  let summary = "Dst[dst] = lhs op broadcast(rhs) on the FPU";
  let description = [{
    ```mlir
    tile.binary add bcast rows %a, %b, dst[%d] : !tile.tile<32x32, f32>, !tile.tile<32x32, f32>
    ```
  }];
  let arguments = (ins Tile_BinaryKind:$kind, Tile_Broadcast:$bcast,
                   Tile_TileType:$lhs, Tile_TileType:$rhs, Tile_DstIndex:$dst);
  let assemblyFormat = [{
    $kind `bcast` $bcast $lhs `,` $rhs `,` `dst` `[` $dst `]` attr-dict `:` qualified(type($lhs)) `,` qualified(type($rhs))
  }];
  let hasVerifier = 1;
}

def Tile_DstBinaryOp : Tile_Op<"dst_binary"> {
  let summary = "Dst[dst] = Dst[lhs] op Dst[rhs] on the SFPU";
  let description = [{
    Combines two tiles already in Dst, e.g. `x * sigmoid(x)` after the sigmoid ran on a copy.

    ```mlir
    tile.dst_binary mul dst[%a], dst[%b] -> dst[%d]
    ```
  }];
  let arguments = (ins Tile_BinaryKind:$kind, Tile_DstIndex:$lhs, Tile_DstIndex:$rhs,
                   Tile_DstIndex:$dst);
  let assemblyFormat = "$kind `dst` `[` $lhs `]` `,` `dst` `[` $rhs `]` `->` `dst` `[` $dst `]` attr-dict";
}

def Tile_UnaryOp : Tile_Op<"unary"> {
  let summary = "Dst[dst] = f(Dst[dst]) on the SFPU";
  let description = [{
    `param` is the constant of `scale`, `shift`, `max_scalar`, `min_scalar`, `leaky_relu`,
    `elu`, `pow_scalar`, `thresholded_relu` and `isinf` (its sign selects the infinities);
    other functions take none.

    ```mlir
    tile.unary exp dst[%d]
    tile.unary scale dst[%d] {param = 2.5 : f32}
    ```
  }];
  let arguments = (ins Tile_UnaryKind:$kind, Tile_DstIndex:$dst,
                   DefaultValuedAttr<F32Attr, "0.0">:$param);
  let assemblyFormat = "$kind `dst` `[` $dst `]` attr-dict";
  let hasVerifier = 1;
}

def Tile_CopyOp : Tile_Op<"copy"> {
  let summary = "Dst[dst] = input (unpack a tile into Dst)";
  let description = [{
    ```mlir
    tile.copy %a, dst[%d] : !tile.tile<32x32, f32>
    ```
  }];
  let arguments = (ins Tile_TileType:$input, Tile_DstIndex:$dst);
  let assemblyFormat = "$input `,` `dst` `[` $dst `]` attr-dict `:` qualified(type($input))";
}

def Tile_TransposeOp : Tile_Op<"transpose"> {
  let summary = "Dst[dst] = transpose of the input tile";
  let description = [{
    ```mlir
    tile.transpose %a, dst[%d] : !tile.tile<32x32, f32>
    ```
  }];
  let arguments = (ins Tile_TileType:$input, Tile_DstIndex:$dst);
  let assemblyFormat = "$input `,` `dst` `[` $dst `]` attr-dict `:` qualified(type($input))";
}

def Tile_ReduceOp : Tile_Op<"reduce"> {
  let summary = "Reduces a tile along rows (dim 0) or columns (dim 1) into Dst";
  let description = [{
    Dim 0 reduces each row across its columns into column 0 of Dst[dst]; dim 1 reduces each column
    into row 0. With `accumulate` the result combines with what Dst already holds.

    ```mlir
    tile.reduce max dim 0 %a, dst[%d] {accumulate} : !tile.tile<32x32, f32>
    ```
  }];
  let arguments = (ins Tile_ReduceKind:$kind, I64Attr:$dim, Tile_TileType:$input,
                   Tile_DstIndex:$dst, UnitAttr:$accumulate);
  let assemblyFormat = "$kind `dim` $dim $input `,` `dst` `[` $dst `]` attr-dict `:` qualified(type($input))";
  let hasVerifier = 1;
}

def Tile_MaskOp : Tile_Op<"mask"> {
  let summary = "Fills Dst[dst] outside its first `rows` x `cols` corner";
  let description = [{
    Padding of partial tiles holds zeros; reductions that must not see them (max, exp-sum) mask
    them first.

    ```mlir
    tile.mask dst[%d] rows %r cols %c fill -3.0e38
    ```
  }];
  let arguments = (ins Tile_DstIndex:$dst, Index:$rows, Index:$cols, F32Attr:$fill);
  let assemblyFormat = "`dst` `[` $dst `]` `rows` $rows `cols` $cols `fill` $fill attr-dict";
}

def Tile_PackOp : Tile_Op<"pack"> {
  let summary = "Converts Dst[dst] to a tile of the result's data format";
  let description = [{
    With `relu` the packer clamps negative values to zero as it converts them (its ReLU
    stage, which tt-metal's matmuls configure for a fused ReLU): the ReLU costs no cycles of
    its own and leaves Dst as it was.

    ```mlir
    %t = tile.pack dst[%d] : !tile.tile<32x32, bf16>
    %r = tile.pack dst[%d] relu : !tile.tile<32x32, bf16>
    ```
  }];
  let arguments = (ins Tile_DstIndex:$dst, UnitAttr:$relu);
  let results = (outs Tile_TileType:$result);
  let assemblyFormat = "`dst` `[` $dst `]` (`relu` $relu^)? attr-dict `:` qualified(type($result))";
}

#endif
