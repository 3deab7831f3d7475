//===- BinaryBuilder.h - Assembling .ttb binaries in memory ---------------===//
//
// Kernels, dispatches and whole binaries written as plain structs and
// serialised to the .ttb flatbuffer. The runtime's microbenchmarks (tt-peak)
// and its tests build their binaries with it; the compiler has its own path
// from IR (lib/Target).
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_RUNTIME_BINARYBUILDER_H
#define TESSEL_RUNTIME_BINARYBUILDER_H

#include "tessel/runtime/Binary.h"
#include "tessel/runtime/Bytecode.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tessel::rt {

/// Assembles one kernel: instructions, expressions and loops.
struct KernelSpec {
  ttb::ThreadKind thread = ttb::ThreadKind::Reader;
  uint32_t numVars = 6;
  std::vector<int32_t> code;
  std::vector<std::vector<int32_t>> exprs;

  explicit KernelSpec(ttb::ThreadKind thread) : thread(thread) {}
  /// Index of a new expression with the given postfix (tag, operand) pairs, packed a term a word.
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
  ttb::MemorySpace memory = ttb::MemorySpace::Dram;
  /// Sharded in L1: a shard's rows and columns of tiles and the cores per row of shards (0:
  /// interleaved).
  int64_t shardRows = 0, shardCols = 0, shardCoresX = 0;
  /// As an input: the values it accepts ([lo, hi], or empty for any) and why.
  std::vector<int64_t> exactRange;
  std::string exactReason;
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
  bool joined = false;
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

} // namespace tessel::rt

#endif
