// tt-translate: mlir-translate with --import-onnx, --serialize-ttb and --dump-ttb.
#include "tessel/Registration.h"
#include "tessel/Target/Ttb.h"

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  tessel::hideLibraryOptions();
  tessel::registerTranslations();
  return mlir::failed(mlir::mlirTranslateMain(argc, argv, "Tessel translation driver\n")) ? 1 : 0;
}
