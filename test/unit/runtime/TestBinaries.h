//===- TestBinaries.h - Hand-built .ttb binaries for runtime tests --------===//
#ifndef TESSEL_TEST_UNIT_RUNTIME_TESTBINARIES_H
#define TESSEL_TEST_UNIT_RUNTIME_TESTBINARIES_H

#include "tessel/runtime/Binary.h"
#include "tessel/runtime/BinaryBuilder.h"
#include "tessel/runtime/Bytecode.h"
#include "tessel/runtime/Chip.h"
#include "tessel/runtime/Simulator.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tessel::rt::test {

// The builder lives in the runtime (tt-peak uses it too).
using rt::BinarySpec;
using rt::BufferSpec;
using rt::CbSpec;
using rt::DispatchSpec;
using rt::KernelSpec;
using rt::buildBinary;

/// The default chip descriptor (fails the test if it cannot be loaded).
ChipDesc testChip();
/// Why the loader refuses `spec` (fails the test if it loads, or if the error is not one line).
std::string loadError(const BinarySpec &spec);
/// Loads `spec` on the default chip and runs it on `inputs`; false with `error` where either
/// fails.
bool runSpec(const BinarySpec &spec, const std::vector<HostTensor> &inputs,
             const SimOptions &options, RunResult &result, std::string &error);

/// Writes `bytes` to a file of the test's own and reads it back with `read` (readOnnxTensor,
/// readOnnxSequence or readOnnxOptional, TensorIO.h).
using TensorFileReader = bool (*)(const std::string &, HostTensor &, std::string &,
                                  const std::string &);
bool readTensorFile(const std::string &bytes, TensorFileReader read, HostTensor &out,
                    std::string &error, const std::string &declared = "");

/// Compute's copy of one tile: wait on cb `in`, COPY to Dst, PACK into cb `out`, pop and push.
void emitCopyTile(KernelSpec &compute, int32_t zeroExpr, int32_t in, int32_t out);

/// A single-dispatch copy: reader DRAM -> cb 0, compute COPY + PACK -> cb 16,
/// writer cb 16 -> DRAM, tiles spread over the cores of [0,x1]x[0,y1]
/// (tile i * cores + core index). `inCbTiles` sizes cb 0.
BinarySpec copySpec(std::vector<int64_t> shape, ttb::DataFormat format,
                    uint32_t x1 = 0, uint32_t y1 = 0, uint32_t inCbTiles = 2);

/// A single-core C[M,N] = A[M,K] x B[K,N] on tiles, operands in `format`; with `transposeB`
/// (MATMUL_BT) each tile of B's buffer holds its tile of B transposed.
BinarySpec matmulSpec(int64_t m, int64_t k, int64_t n, ttb::DataFormat format,
                      ttb::DataFormat dstFormat, ttb::MathFidelity fidelity,
                      bool transposeB = false);

/// A binary of f32 buffers `name` (shape `shape`), ids [32] and out [32, 32], the first two its
/// inputs, and one dispatch over all three whose cbs 0 (for `name`, `tiles` tiles), 1 (ids, one
/// tile) and 16 (out, `tiles` tiles) the caller gives kernels.
BinarySpec withIds(const char *name, std::vector<int64_t> shape, uint32_t tiles);
/// Writes the one tile compute pushes to cb 16 into tile 0 of dispatch buffer 2.
KernelSpec tileWriter();
/// out[r, :] = table[ids[r], :] for a [64, 32] table and 32 ids: the reader loads each index
/// out of the id tile it holds and reads that row with NOC_READ_SPAN.
BinarySpec gatherSpec();

} // namespace tessel::rt::test

#endif
