#ifndef TESSEL_TILE_DIALECT
#define TESSEL_TILE_DIALECT

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "Tile/TileEnums.td"

def Tile_Dialect : Dialect {
  let name = "tile";
  let cppNamespace = "::tessel::tile";
  let summary = "What one core computes on 32x32 tiles";
  let description = [{
    Tile values (`!tile.tile<32x32, bf16>`) carry their on-chip data format. Math ops read tiles
    that the unpacker brings from circular buffers and write into the Dst register file, addressed
    by index; `tile.pack` converts a Dst tile into a tile value of a chosen format.
  }];
  let useDefaultTypePrinterParser = 1;
  let useDefaultAttributePrinterParser = 1;
}

def Tile_DataFormatAttr : EnumAttr<Tile_Dialect, Tile_DataFormat, "format">;





def Tile_MathFidelityAttr : EnumAttr<Tile_Dialect, Tile_MathFidelity, "fidelity">;

def Tile_TileType : TypeDef<Tile_Dialect, "Tile"> {
  let mnemonic = "tile";
  let summary = "A 32x32 tile in an on-chip data format";
  let parameters = (ins "int64_t":$rows, "int64_t":$cols, "DataFormat":$format);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
}

class Tile_Op<string mnemonic, list<Trait> traits = []> : Op<Tile_Dialect, mnemonic, traits>;

#endif
