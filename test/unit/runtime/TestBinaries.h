//===- TestBinaries.h - Hand-built .ttb binaries for runtime tests --------===//
#ifndef TESSEL_TEST_UNIT_RUNTIME_TESTBINARIES_H
#define TESSEL_TEST_UNIT_RUNTIME_TESTBINARIES_H

#include "tessel/runtime/Binary.h"
#include "tessel/runtime/Bytecode.h"
#include "tessel/runtime/Chip.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tessel::rt::test {

/// Assembles one kernel: instructions, expressions and loops.
struct KernelSpec {
  ttb::ThreadKind thread = ttb::ThreadKind::Reader;
  uint32_t numVars = 6;
  std::vector<int32_t> code;
  std::vector<std::vector<int64_t>> exprs;

  explicit KernelSpec(ttb::ThreadKind thread) : thread(thread) {}
  /// Index of a new expression with the given postfix (tag, operand) words.
  int32_t expr(std::vector<int64_t> words);
  int32_t constant(int64_t v) { return expr({0, v}); }
  int32_t var(int64_t v) { return expr({1, v}); }
  void emit(Op op, std::vector<int32_t> operands = {});
  /// LOOP var, count_expr, <patched by endLoop>; returns the LOOP's pc.
  size_t loop(int32_t var, int32_t countExpr);
  void endLoop(size_t loopPc);
};

struct BufferSpec {
  std::string name;
  std::vector<int64_t> shape;
  ttb::DataFormat format = ttb::DataFormat::BFloat16;
  uint64_t address = 0;
};

struct CbSpec {
  uint32_t id;
  ttb::DataFormat format;
  uint32_t numTiles;
  uint32_t l1Address;
};

struct DispatchSpec {
  std::string name = "d", op = "test", location = "node";
  uint32_t x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  ttb::MathFidelity fidelity = ttb::MathFidelity::HiFi4;
  ttb::DataFormat dstFormat = ttb::DataFormat::Float32;
  uint64_t macs = 0;
  std::vector<uint32_t> buffers;
  std::vector<CbSpec> cbs;
  std::vector<KernelSpec> kernels;
  uint32_t semaphores = 0;
};

struct BinarySpec {
  uint32_t schemaVersion = kSchemaVersion;
  std::string chip = "wormhole_b0";
  std::vector<BufferSpec> buffers;
  std::vector<std::pair<uint32_t, std::vector<uint8_t>>> constants;
  std::vector<uint32_t> inputs, outputs; // buffer ids; names/shapes from them
  std::vector<DispatchSpec> dispatches;
};

std::vector<uint8_t> buildBinary(const BinarySpec &spec);

/// The default chip descriptor (fails the test if it cannot be loaded).
ChipDesc testChip();

/// A single-dispatch copy: reader DRAM -> cb 0, compute COPY + PACK -> cb 16,
/// writer cb 16 -> DRAM, tiles spread over the cores of [0,x1]x[0,y1]
/// (tile i * cores + core index). `inCbTiles` sizes cb 0.
BinarySpec copySpec(std::vector<int64_t> shape, ttb::DataFormat format,
                    uint32_t x1 = 0, uint32_t y1 = 0, uint32_t inCbTiles = 2);

/// A single-core C[M,N] = A[M,K] x B[K,N] on tiles, operands in `format`.
BinarySpec matmulSpec(int64_t m, int64_t k, int64_t n, ttb::DataFormat format,
                      ttb::DataFormat dstFormat, ttb::MathFidelity fidelity);

} // namespace tessel::rt::test

#endif
