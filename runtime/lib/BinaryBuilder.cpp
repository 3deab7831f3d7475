//===- BinaryBuilder.cpp - Assembling .ttb binaries in memory -------------===//
#include "tessel/runtime/BinaryBuilder.h"

#include "tessel/runtime/Formats.h"

#include <cstdio>
#include <cstdlib>

namespace tessel::rt {

using ttb::ThreadKind;

int32_t KernelSpec::expr(std::vector<int64_t> words) {
  std::vector<int32_t> terms;
  for (size_t i = 0; i + 1 < words.size(); i += 2) {
    // A hand-built binary with an operand a term cannot hold is a mistake in its builder.
    if (words[i + 1] > kMaxExprOperand || words[i + 1] < -kMaxExprOperand) {
      std::fprintf(stderr, "KernelSpec::expr: operand %lld beyond +-(2^28 - 1)\n",
                   (long long)words[i + 1]);
      std::abort();
    }
    terms.push_back(exprTerm(ExprTag(words[i]), words[i + 1]));
  }
  exprs.push_back(std::move(terms));
  return int32_t(exprs.size() - 1);
}

void KernelSpec::emit(Op op, std::vector<int32_t> operands) {
  code.push_back(int32_t(op));
  code.insert(code.end(), operands.begin(), operands.end());
}

size_t KernelSpec::loop(int32_t var, int32_t countExpr) {
  size_t pc = code.size();
  emit(Op::Loop, {var, countExpr, 0});
  return pc;
}

void KernelSpec::endLoop(size_t loopPc) {
  emit(Op::EndLoop);
  code[loopPc + 3] = int32_t(code.size());
}

std::vector<uint8_t> buildBinary(const BinarySpec &spec) {
  flatbuffers::FlatBufferBuilder fbb;
  std::vector<flatbuffers::Offset<ttb::Buffer>> buffers;
  for (const BufferSpec &b : spec.buffers) {
    TiledShape ts = tiledShape(b.shape);
    buffers.push_back(ttb::CreateBufferDirect(fbb, b.name.c_str(), &b.shape, b.format,
                                              b.address, ts.batch, ts.rowsTiles,
                                              ts.colsTiles, b.memory, b.shardRows,
                                              b.shardCols, b.shardCoresX));
  }
  std::vector<flatbuffers::Offset<ttb::Constant>> constants;
  for (const auto &c : spec.constants)
    constants.push_back(ttb::CreateConstantDirect(fbb, c.first, &c.second));
  auto signatures = [&](const std::vector<uint32_t> &ids) {
    std::vector<flatbuffers::Offset<ttb::TensorSignature>> out;
    // An id without a buffer still makes a signature (the verifier's to refuse).
    static const std::vector<int64_t> noShape;
    for (uint32_t id : ids) {
      const BufferSpec *b = id < spec.buffers.size() ? &spec.buffers[id] : nullptr;
      bool exact = b && !b->exactRange.empty();
      out.push_back(ttb::CreateTensorSignatureDirect(
          fbb, b ? b->name.c_str() : "", b ? &b->shape : &noShape, "f32", id,
          /*from_host=*/false, exact ? &b->exactRange : nullptr,
          exact ? b->exactReason.c_str() : nullptr));
    }
    return out;
  };
  auto inputs = signatures(spec.inputs);
  auto outputs = signatures(spec.outputs);
  std::vector<flatbuffers::Offset<ttb::Dispatch>> dispatches;
  for (const DispatchSpec &d : spec.dispatches) {
    std::vector<flatbuffers::Offset<ttb::CircularBuffer>> cbs;
    for (const CbSpec &cb : d.cbs)
      cbs.push_back(ttb::CreateCircularBuffer(fbb, cb.id, cb.format, cb.numTiles, cb.l1Address));
    std::vector<flatbuffers::Offset<ttb::Kernel>> kernels;
    for (const KernelSpec &k : d.kernels) {
      std::vector<flatbuffers::Offset<ttb::Expr>> exprs;
      for (const auto &e : k.exprs)
        exprs.push_back(ttb::CreateExprDirect(fbb, &e));
      kernels.push_back(ttb::CreateKernelDirect(fbb, k.thread, k.numVars, &k.code, &exprs));
    }
    dispatches.push_back(ttb::CreateDispatchDirect(
        fbb, d.name.c_str(), d.op.c_str(), d.location.c_str(), d.x0, d.y0, d.x1, d.y1,
        d.fidelity, d.dstFormat, d.macs, &d.buffers, &cbs, &kernels, d.semaphores,
        /*config=*/nullptr, /*skipped_tiles=*/0, d.joined));
  }
  auto root = ttb::CreateBinaryDirect(fbb, spec.schemaVersion, spec.chip.c_str(), "test",
                                      "test", &buffers, &constants, &inputs, &outputs,
                                      &dispatches);
  fbb.TrackMinAlign(8); // whole 8-byte words, as the compiler writes them
  ttb::FinishBinaryBuffer(fbb, root);
  return {fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize()};
}

} // namespace tessel::rt
