#ifndef TESSEL_NOC_DIALECT
#define TESSEL_NOC_DIALECT

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "Tile/TileDialect.td"
include "NoC/NoCEnums.td"

def NoC_Dialect : Dialect {
  let name = "noc";
  let cppNamespace = "::tessel::noc";
  let summary = "How data moves: kernels, circular buffers, NoC transfers and semaphores";
  let description = [{
    The per-core threads of a `grid.dispatch` (`noc.kernel`), the circular buffers that connect
    them, asynchronous NoC reads and writes of tiles between DRAM and L1, multicast to a rectangle
    of cores, and semaphores.
  }];
  let useDefaultTypePrinterParser = 1;
  let dependentDialects = ["::tessel::tile::TileDialect"];
}


def NoC_CircularBufferType : TypeDef<NoC_Dialect, "CircularBuffer"> {
  let mnemonic = "cb";
  let summary = "A FIFO of tiles in L1 shared by two threads of a core";
  let parameters = (ins "::tessel::tile::TileType":$tileType, "int64_t":$numTiles);
  let assemblyFormat = "`<` qualified($tileType) `,` $numTiles `>`";
  let genVerifyDecl = 1;
}

class NoC_Op<string mnemonic, list<Trait> traits = []> : Op<NoC_Dialect, mnemonic, traits>;

#endif
