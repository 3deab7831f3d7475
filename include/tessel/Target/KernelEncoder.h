// Encodes one noc.kernel's structured IR as the runtime's kernel bytecode.
#ifndef TESSEL_TARGET_KERNELENCODER_H
#define TESSEL_TARGET_KERNELENCODER_H

#include "Grid/GridOps.h"
#include "NoC/NoCOps.h"
#include "tessel/runtime/Binary.h"
#include "mlir/IR/AffineExpr.h"
#include "llvm/ADT/DenseMap.h"

#include <map>
#include <vector>

namespace tessel::target {

struct EncodedKernel {
  uint32_t numVars = 0;
  std::vector<int32_t> code;
  std::vector<std::vector<int32_t>> exprs;
};

class KernelEncoder {
public:
  /// `bufferIndex` maps the dispatch's block arguments to positions in its buffer list.
  KernelEncoder(llvm::DenseMap<mlir::Value, int32_t> bufferIndex)
      : bufferIndex(std::move(bufferIndex)) {}

  mlir::FailureOr<EncodedKernel> encode(noc::KernelOp kernel);

private:
  mlir::LogicalResult encodeBlock(mlir::Block &block);
  mlir::LogicalResult encodeOp(mlir::Operation &op);
  /// Index of the expression computing `v`, interned.
  mlir::FailureOr<int32_t> expr(mlir::Value v);
  /// Index of the expression `code`, added if no expression of the kernel is the same.
  int32_t intern(std::vector<int32_t> code);
  /// Sub-terms of at least this many terms are expressions of their own.
  static constexpr size_t kSharedTerms = 4;
  mlir::LogicalResult emitValue(mlir::Value v, std::vector<int32_t> &out);
  mlir::LogicalResult emitConstant(int64_t value, std::vector<int32_t> &out);
  mlir::LogicalResult emitAffine(mlir::AffineExpr e, mlir::ValueRange dims,
                                 mlir::ValueRange syms, std::vector<int32_t> &out);
  mlir::FailureOr<int32_t> cbId(mlir::Value cb);
  /// The CB and slot expression a tile value was read from (noc.cb_get).
  mlir::LogicalResult tileSource(mlir::Value tile, int32_t &cb, int32_t &slot);
  void emit(std::initializer_list<int32_t> words) {
    kernel.code.insert(kernel.code.end(), words);
  }

  llvm::DenseMap<mlir::Value, int32_t> bufferIndex;
  llvm::DenseMap<mlir::Value, int64_t> loopVars;
  std::map<std::vector<int32_t>, int32_t> interned;
  EncodedKernel kernel;
  noc::KernelOp kernelOp;
};

/// The semaphores each dispatch gives its cores (the kernels' ids are below it).
constexpr uint32_t kDispatchSemaphores = 4;

/// The kernel configuration a lowered dispatch puts on each of its cores, as the binary will
/// hold it (rt::kernelConfigSize): its kernels encoded, its circular buffers and semaphores.
mlir::FailureOr<rt::KernelConfigSize> kernelConfigSize(grid::DispatchOp dispatch);

} // namespace tessel::target

#endif
