//===- TestBinaries.cpp - Hand-built .ttb binaries for runtime tests ------===//
#include "TestBinaries.h"

#include "tessel/runtime/Formats.h"
#include "tessel/runtime/TensorIO.h"

#include <gtest/gtest.h>

#include <cstdio>

#include <unistd.h>

namespace tessel::rt::test {

using ttb::ThreadKind;

ChipDesc testChip() {
  ChipDesc chip;
  std::string error;
  EXPECT_TRUE(loadChip(kDefaultChip, chip, error)) << error;
  return chip;
}

std::string loadError(const BinarySpec &spec) {
  LoadedBinary bin;
  std::string error;
  EXPECT_FALSE(loadBinaryFromBytes(buildBinary(spec), testChip(), bin, error));
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  return error;
}

bool runSpec(const BinarySpec &spec, const std::vector<HostTensor> &inputs,
             const SimOptions &options, RunResult &result, std::string &error) {
  LoadedBinary bin;
  return loadBinaryFromBytes(buildBinary(spec), testChip(), bin, error) &&
         runBinary(bin, inputs, options, result, error);
}

namespace {
constexpr uint32_t kL1Base = 200000;

// Postfix for "count of tiles this core handles": ceildiv(tiles - core, cores).
std::vector<int64_t> perCoreCount(int64_t tiles) {
  return {0, tiles, 1, VarCoreIndex, 0, -1, 3, 0, 2, 0, 1, VarNumCores, 6, 0};
}
// Postfix for "i * cores + core".
std::vector<int64_t> perCoreTile(int var) {
  return {1, var, 1, VarNumCores, 3, 0, 1, VarCoreIndex, 2, 0};
}
} // namespace

void emitCopyTile(KernelSpec &compute, int32_t zero, int32_t in, int32_t out) {
  compute.emit(Op::CbWait, {in, 1});
  compute.emit(Op::CbReserve, {out, 1});
  compute.emit(Op::DstAcquire);
  compute.emit(Op::Copy, {in, zero, zero});
  compute.emit(Op::Pack, {zero, out, zero});
  compute.emit(Op::DstRelease);
  compute.emit(Op::CbPop, {in, 1});
  compute.emit(Op::CbPush, {out, 1});
}

BinarySpec copySpec(std::vector<int64_t> shape, ttb::DataFormat format,
                    uint32_t x1, uint32_t y1, uint32_t inCbTiles) {
  BinarySpec spec;
  int64_t tiles = tiledShape(shape).tiles();
  spec.buffers = {{"x", shape, format, 0}, {"y", shape, format, 1 << 20}};
  spec.inputs = {0};
  spec.outputs = {1};
  DispatchSpec d;
  d.name = "copy";
  d.op = "identity";
  d.x1 = x1;
  d.y1 = y1;
  d.buffers = {0, 1};
  d.cbs = {{0, format, inCbTiles, kL1Base}, {16, format, 2, kL1Base + 65536}};

  KernelSpec reader(ThreadKind::Reader);
  int32_t count = reader.expr(perCoreCount(tiles)), tile = reader.expr(perCoreTile(4)),
          zero = reader.constant(0);
  size_t l = reader.loop(4, count);
  reader.emit(Op::CbReserve, {0, 1});
  reader.emit(Op::NocRead, {0, tile, 0, zero});
  reader.emit(Op::NocBarrier);
  reader.emit(Op::CbPush, {0, 1});
  reader.endLoop(l);

  KernelSpec compute(ThreadKind::Compute);
  count = compute.expr(perCoreCount(tiles));
  zero = compute.constant(0);
  l = compute.loop(4, count);
  emitCopyTile(compute, zero, 0, 16);
  compute.endLoop(l);

  KernelSpec writer(ThreadKind::Writer);
  count = writer.expr(perCoreCount(tiles));
  tile = writer.expr(perCoreTile(4));
  zero = writer.constant(0);
  l = writer.loop(4, count);
  writer.emit(Op::CbWait, {16, 1});
  writer.emit(Op::NocWrite, {16, zero, 1, tile});
  writer.emit(Op::NocBarrier);
  writer.emit(Op::CbPop, {16, 1});
  writer.endLoop(l);

  d.kernels = {reader, compute, writer};
  spec.dispatches = {d};
  return spec;
}

BinarySpec matmulSpec(int64_t m, int64_t k, int64_t n, ttb::DataFormat format,
                      ttb::DataFormat dstFormat, ttb::MathFidelity fidelity, bool transposeB) {
  BinarySpec spec;
  int64_t mt = (m + 31) / 32, kt = (k + 31) / 32, nt = (n + 31) / 32;
  spec.buffers = {{"a", {m, k}, format, 0},
                  {"b", {k, n}, format, 1 << 20},
                  {"c", {m, n}, dstFormat, 2 << 20}};
  spec.inputs = {0, 1};
  spec.outputs = {2};
  DispatchSpec d;
  d.name = "matmul";
  d.op = "matmul";
  d.fidelity = fidelity;
  d.dstFormat = dstFormat;
  d.macs = uint64_t(m * k * n);
  d.buffers = {0, 1, 2};
  d.cbs = {{0, format, 2, kL1Base},
           {1, format, 2, kL1Base + 16384},
           {16, dstFormat, 2, kL1Base + 32768}};
  // Loop vars: 4 = mi, 5 = ni, 6 = ki.
  KernelSpec reader(ThreadKind::Reader);
  reader.numVars = 7;
  int32_t zero = reader.constant(0);
  int32_t aTile = reader.expr({1, 4, 0, kt, 3, 0, 1, 6, 2, 0});  // mi*Kt + ki
  int32_t bTile = reader.expr({1, 6, 0, nt, 3, 0, 1, 5, 2, 0});  // ki*Nt + ni
  size_t lm = reader.loop(4, reader.constant(mt));
  size_t ln = reader.loop(5, reader.constant(nt));
  size_t lk = reader.loop(6, reader.constant(kt));
  reader.emit(Op::CbReserve, {0, 1});
  reader.emit(Op::NocRead, {0, aTile, 0, zero});
  reader.emit(Op::CbReserve, {1, 1});
  reader.emit(Op::NocRead, {1, bTile, 1, zero});
  reader.emit(Op::NocBarrier);
  reader.emit(Op::CbPush, {0, 1});
  reader.emit(Op::CbPush, {1, 1});
  reader.endLoop(lk);
  reader.endLoop(ln);
  reader.endLoop(lm);

  KernelSpec compute(ThreadKind::Compute);
  compute.numVars = 7;
  zero = compute.constant(0);
  lm = compute.loop(4, compute.constant(mt * nt));
  compute.emit(Op::DstAcquire);
  lk = compute.loop(6, compute.constant(kt));
  compute.emit(Op::CbWait, {0, 1});
  compute.emit(Op::CbWait, {1, 1});
  compute.emit(transposeB ? Op::MatmulBt : Op::Matmul, {0, zero, 1, zero, zero});
  compute.emit(Op::CbPop, {0, 1});
  compute.emit(Op::CbPop, {1, 1});
  compute.endLoop(lk);
  compute.emit(Op::CbReserve, {16, 1});
  compute.emit(Op::Pack, {zero, 16, zero});
  compute.emit(Op::CbPush, {16, 1});
  compute.emit(Op::DstRelease);
  compute.endLoop(lm);

  KernelSpec writer(ThreadKind::Writer);
  zero = writer.constant(0);
  lm = writer.loop(4, writer.constant(mt * nt));
  writer.emit(Op::CbWait, {16, 1});
  writer.emit(Op::NocWrite, {16, zero, 2, writer.var(4)});
  writer.emit(Op::NocBarrier);
  writer.emit(Op::CbPop, {16, 1});
  writer.endLoop(lm);

  d.kernels = {reader, compute, writer};
  spec.dispatches = {d};
  return spec;
}

namespace {
constexpr uint32_t kGatherL1 = 200000;
} // namespace
BinarySpec withIds(const char *name, std::vector<int64_t> shape, uint32_t tiles) {
  BinarySpec spec;
  spec.buffers = {{name, std::move(shape), DataFormat::Float32, 0},
                  {"ids", {32}, DataFormat::Float32, 1 << 20},
                  {"out", {32, 32}, DataFormat::Float32, 2 << 20}};
  spec.inputs = {0, 1};
  spec.outputs = {2};
  DispatchSpec d;
  d.buffers = {0, 1, 2};
  d.cbs = {{0, DataFormat::Float32, tiles, kGatherL1},
           {1, DataFormat::Float32, 1, kGatherL1 + 65536},
           {16, DataFormat::Float32, tiles, kGatherL1 + 131072}};
  spec.dispatches = {d};
  return spec;
}

KernelSpec tileWriter() {
  KernelSpec writer(ThreadKind::Writer);
  int32_t zero = writer.constant(0);
  writer.emit(Op::CbWait, {16, 1});
  writer.emit(Op::NocWrite, {16, zero, 2, zero});
  writer.emit(Op::NocBarrier);
  writer.emit(Op::CbPop, {16, 1});
  return writer;
}

BinarySpec gatherSpec() {
  BinarySpec spec = withIds("table", {64, 32}, 2);
  DispatchSpec d = spec.dispatches[0];
  using T = ExprTag;
  auto tag = [](T t) { return int64_t(t); };

  KernelSpec reader(ThreadKind::Reader);
  int32_t zero = reader.constant(0), rows = reader.constant(32);
  // var 4: the row; var 5: the index loaded for it.
  int32_t row = reader.var(4);
  int32_t tile = reader.expr({tag(T::Var), 5, tag(T::Const), 32, tag(T::FloorDiv), 0});
  int32_t src = reader.expr({tag(T::Var), 5, tag(T::Const), 32, tag(T::Mod), 0, tag(T::Const), 32,
                             tag(T::Mul), 0});
  int32_t dst = reader.expr({tag(T::Var), 4, tag(T::Const), 32, tag(T::Mul), 0});
  reader.emit(Op::CbReserve, {1, 1});
  reader.emit(Op::NocRead, {1, zero, 1, zero});
  reader.emit(Op::NocBarrier);
  reader.emit(Op::CbReserve, {0, 1});
  size_t l = reader.loop(4, rows);
  reader.emit(Op::CbLoadIndex, {5, 1, zero, row, 64});
  reader.emit(Op::NocReadSpan, {0, tile, src, 0, zero, dst, rows, zero, 0});
  reader.endLoop(l);
  reader.emit(Op::NocBarrier);
  reader.emit(Op::CbPush, {0, 1});

  KernelSpec compute(ThreadKind::Compute);
  emitCopyTile(compute, compute.constant(0), 0, 16);

  KernelSpec writer = tileWriter();

  d.kernels = {reader, compute, writer};
  spec.dispatches = {d};
  return spec;
}

bool readTensorFile(const std::string &bytes, TensorFileReader read, HostTensor &out,
                    std::string &error, const std::string &declared) {
  // Per process: the unit and ASan binaries may run at once.
  std::string path =
      ::testing::TempDir() + "tessel_tensor_file." + std::to_string(::getpid()) + ".pb";
  std::FILE *f = std::fopen(path.c_str(), "wb");
  if (!f) {
    error = "cannot write " + path;
    return false;
  }
  bool written = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  if (std::fclose(f) != 0 || !written) {
    error = "cannot write " + path;
    return false;
  }
  return read(path, out, error, declared);
}

} // namespace tessel::rt::test
