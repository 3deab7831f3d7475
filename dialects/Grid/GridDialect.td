#ifndef TESSEL_GRID_DIALECT
#define TESSEL_GRID_DIALECT

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "Tile/TileDialect.td"
include "Grid/GridEnums.td"

def Grid_Dialect : Dialect {
  let name = "grid";
  let cppNamespace = "::tessel::grid";
  let summary = "Where a computation runs on the chip";
  let description = [{
    The chip (`#grid.chip`), ranges of cores, tensor layouts (`#grid.layout`, carried as the
    encoding of ranked tensor types), and `grid.dispatch`, an SPMD region over a core range whose
    body holds the per-core kernels.
  }];
  let useDefaultAttributePrinterParser = 1;
  let dependentDialects = ["::tessel::tile::TileDialect"];
}



def Grid_ChipAttr : AttrDef<Grid_Dialect, "Chip"> {
  let mnemonic = "chip";
  let summary = "The chip a module is compiled for, from its descriptor";
  let description = [{
    ```mlir
    module attributes {grid.chip = #grid.chip<"wormhole_b0", grid = [8, 8], l1 = 1499136>} {}
    ```
  }];
  let parameters = (ins StringRefParameter<>:$name, "int64_t":$gridX, "int64_t":$gridY,
                    "int64_t":$l1Bytes);
  let assemblyFormat = "`<` $name `,` `grid` `=` `[` $gridX `,` $gridY `]` `,` `l1` `=` $l1Bytes `>`";
  let genVerifyDecl = 1;
}

def Grid_CoreRangeAttr : AttrDef<Grid_Dialect, "CoreRange"> {
  let mnemonic = "core_range";
  let summary = "An inclusive rectangle of worker cores";
  let description = [{
    ```mlir
    #grid.core_range<(0, 0) to (7, 3)>
    ```
  }];
  let parameters = (ins "int64_t":$x0, "int64_t":$y0, "int64_t":$x1, "int64_t":$y1);
  let assemblyFormat = "`<` `(` $x0 `,` $y0 `)` `to` ` ` `(` $x1 `,` $y1 `)` `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    int64_t width() const { return getX1() - getX0() + 1; }
    int64_t height() const { return getY1() - getY0() + 1; }
    int64_t size() const { return width() * height(); }
  }];
}

def Grid_LayoutAttr : AttrDef<Grid_Dialect, "Layout"> {
  let mnemonic = "layout";
  let summary = "How a tensor is laid out on the chip";
  let description = [{
    The encoding of a ranked tensor once layouts are assigned: tile shape, on-chip data format,
    memory space and sharding. Sharded layouts name their shard shape (in tiles) and core range.

    ```mlir
    tensor<32x1024xf32, #grid.layout<tile 32x32, bf16, dram, interleaved>>
    tensor<256x1024xf32, #grid.layout<tile 32x32, bf16, l1, height_sharded, shard 1x32, cores <(0, 0) to (7, 0)>>>
    ```
  }];
  let parameters = (ins "int64_t":$tileRows, "int64_t":$tileCols,
                    "::tessel::tile::DataFormat":$format, "MemorySpace":$memory,
                    "Sharding":$sharding, ArrayRefParameter<"int64_t">:$shardShape,
                    "CoreRangeAttr":$cores);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The interleaved DRAM layout every tensor starts with.
    static LayoutAttr getInterleaved(::mlir::MLIRContext *ctx, ::tessel::tile::DataFormat format);
  }];
}

class Grid_Op<string mnemonic, list<Trait> traits = []> : Op<Grid_Dialect, mnemonic, traits>;

#endif
