#ifndef TESSEL_NOC_ENUMS
#define TESSEL_NOC_ENUMS

include "mlir/IR/EnumAttr.td"

def NoC_ThreadKind : I32EnumAttr<"ThreadKind", "which of a core's threads runs a kernel", [
    I32EnumAttrCase<"reader", 0>, I32EnumAttrCase<"compute", 1>, I32EnumAttrCase<"writer", 2>]> {
  let cppNamespace = "::tessel::noc";
}

#endif
