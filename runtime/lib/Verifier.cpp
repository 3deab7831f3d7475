//===- Verifier.cpp - Structural and semantic checks of a .ttb ------------===//
//
// The simulator trusts every static index once a binary has passed here, so
// anything a truncated, bit-flipped or miscompiled file could get wrong is
// checked: table structure, compatibility, buffer and L1 placement, and every
// kernel instruction's operands.
//
//===----------------------------------------------------------------------===//
#include "tessel/runtime/Binary.h"
#include "tessel/runtime/Bytecode.h"
#include "tessel/runtime/Formats.h"
#include "tessel/runtime/L1Tensors.h"
#include "tessel/runtime/OneLine.h"
#include "tessel/runtime/TensorIO.h"

#include "HostOps.h"

#include <algorithm>
#include <map>
#include <cmath>
#include <functional>
#include <functional>
#include <set>

namespace tessel::rt {

namespace {

const char *threadName(ttb::ThreadKind k) {
  switch (k) {
  case ttb::ThreadKind::Reader: return "reader";
  case ttb::ThreadKind::Compute: return "compute";
  case ttb::ThreadKind::Writer: return "writer";
  }
  return "unknown";
}

bool validFormat(ttb::DataFormat f) { return tileBytes(f) != 0; }
// Block floats share an exponent per 16 values, so their tiles cannot be split into spans.
bool blockFloat(ttb::DataFormat f) {
  return f == ttb::DataFormat::Bfp8_b || f == ttb::DataFormat::Bfp4_b || f == ttb::DataFormat::Bfp2_b;
}

std::string bufferLabel(const ttb::Buffer *b, size_t i) {
  if (b && b->name() && b->name()->size())
    return "buffer " + std::to_string(i) + " '" + b->name()->str() + "'";
  return "buffer " + std::to_string(i);
}

class BinaryChecker {
public:
  BinaryChecker(const ttb::Binary &bin, const ChipDesc &chip, std::string &error)
      : bin(bin), chip(chip), error(error) {}

  bool run() {
    return checkAlignment() && checkBuffers() && checkConstants() && checkSignatures() &&
           checkGenerated() && checkHostOps() && checkDispatches();
  }

private:
  const ttb::Binary &bin;
  const ChipDesc &chip;
  std::string &error;
  std::vector<std::vector<int64_t>> shapes;

  bool fail(const std::string &msg) {
    error = msg;
    return false;
  }

  size_t numBuffers() const { return bin.buffers() ? bin.buffers()->size() : 0; }

  /// flatbuffers' verifier checks the alignment of scalars and of a vector's length, not of
  /// the elements of a vector of 8-byte values, which a damaged file may misplace.
  bool checkAlignment() {
    auto aligned = [](const flatbuffers::Vector<int64_t> *v) {
      return !v || v->size() == 0 ||
             reinterpret_cast<uintptr_t>(v->data()) % alignof(int64_t) == 0;
    };
    for (size_t i = 0; i < numBuffers(); ++i)
      if (!aligned(bin.buffers()->Get(i)->shape()))
        return fail("buffer " + std::to_string(i) + ": shape not aligned to 8 bytes");
    auto signatureAligned = [&](const ttb::TensorSignature *sig) {
      return !sig || (aligned(sig->shape()) && aligned(sig->exact_range()));
    };
    for (const auto *sigs : {bin.inputs(), bin.outputs(), bin.host_values()})
      if (sigs)
        for (const ttb::TensorSignature *sig : *sigs)
          if (!signatureAligned(sig))
            return fail("signature shape or range not aligned to 8 bytes");
    if (bin.generated())
      for (const ttb::Generated *g : *bin.generated())
        if (!signatureAligned(g->signature()))
          return fail("signature shape or range not aligned to 8 bytes");
    // Host ops' integer attributes, in the bodies too.
    std::function<bool(const flatbuffers::Vector<flatbuffers::Offset<ttb::HostOp>> *)> opsAligned =
        [&](const auto *ops) {
          if (!ops)
            return true;
          for (const ttb::HostOp *op : *ops) {
            if (op->attributes())
              for (const ttb::HostAttribute *a : *op->attributes())
                if (!aligned(a->ints()))
                  return false;
            if (!opsAligned(op->body()) || !opsAligned(op->else_body()))
              return false;
          }
          return true;
        };
    if (!opsAligned(bin.host_ops()))
      return fail("host op attribute not aligned to 8 bytes");
    return true;
  }

  bool checkBuffers() {
    for (size_t i = 0; i < numBuffers(); ++i) {
      const ttb::Buffer *b = bin.buffers()->Get(i);
      std::string label = bufferLabel(b, i);
      std::vector<int64_t> shape;
      if (b->shape())
        for (int64_t d : *b->shape()) {
          if (d < 0 || d > (int64_t(1) << 40))
            return fail(label + ": bad dimension " + std::to_string(d));
          shape.push_back(d);
        }
      int64_t elems = 1;
      for (int64_t d : shape)
        if (__builtin_mul_overflow(elems, d, &elems) || elems > (int64_t(1) << 40))
          return fail(label + ": shape is too large");
      if (!validFormat(b->format()))
        return fail(label + ": unknown data format " + std::to_string(int(b->format())));
      TiledShape ts = tiledShape(shape);
      if (ts.batch != b->batch() || ts.rowsTiles != b->rows_tiles() ||
          ts.colsTiles != b->cols_tiles())
        return fail(label + ": tiled shape " + std::to_string(b->batch()) + "x" +
                    std::to_string(b->rows_tiles()) + "x" +
                    std::to_string(b->cols_tiles()) + " does not match its shape (" +
                    std::to_string(ts.batch) + "x" + std::to_string(ts.rowsTiles) +
                    "x" + std::to_string(ts.colsTiles) + ")");
      bool sharded = b->shard_rows() != 0 || b->shard_cols() != 0;
      // A shard no larger than the tensor also keeps its byte size far from overflow.
      if (sharded && (b->shard_rows() < 1 || b->shard_cols() < 1 ||
                      b->shard_rows() > std::max<int64_t>(1, ts.batch * ts.rowsTiles) ||
                      b->shard_cols() > std::max<int64_t>(1, ts.colsTiles) ||
                      b->memory() != ttb::MemorySpace::L1))
        return fail(label + ": shards of " + std::to_string(b->shard_rows()) + "x" +
                    std::to_string(b->shard_cols()) +
                    " tiles need positive sizes within the tensor and an L1 buffer");
      if (sharded) {
        int64_t shards = shardCount(ts.batch * ts.rowsTiles, ts.colsTiles, b->shard_rows(),
                                    b->shard_cols());
        int64_t w = b->shard_cores_x();
        if (w < 1 || w > chip.gridX || (shards + w - 1) / w > chip.gridY)
          return fail(label + ": " + std::to_string(shards) + " shards in rows of " +
                      std::to_string(w) + " cores do not fit the " + std::to_string(chip.gridX) +
                      "x" + std::to_string(chip.gridY) + " grid");
      }
      if (b->memory() == ttb::MemorySpace::L1) {
        int64_t bytes = l1BytesPerCore(*b, chip);
        if (b->address() < uint64_t(chip.l1ReservedBytes) ||
            b->address() > uint64_t(chip.l1Bytes) || int64_t(b->address()) + bytes > chip.l1Bytes)
          return fail(label + ": L1 range [" + std::to_string(b->address()) + ", " +
                      std::to_string(int64_t(b->address()) + bytes) + ") is outside [" +
                      std::to_string(chip.l1ReservedBytes) + ", " +
                      std::to_string(chip.l1Bytes) + ")");
        shapes.push_back(shape);
        continue;
      }
      if (uint8_t(b->memory()) > uint8_t(ttb::MemorySpace::L1))
        return fail(label + ": unknown memory space " + std::to_string(int(b->memory())));
      int64_t bytes = interleavedChannelBytes(ts.tiles(), b->format(), chip.dramChannels);
      if (b->address() > uint64_t(chip.dramChannelBytes) ||
          int64_t(b->address()) + bytes > chip.dramChannelBytes)
        return fail(label + ": address " + std::to_string(b->address()) + " + " +
                    std::to_string(bytes) + " bytes per channel exceeds the DRAM channel size " +
                    std::to_string(chip.dramChannelBytes));
      shapes.push_back(shape);
    }
    return true;
  }

  bool checkConstants() {
    constant.assign(numBuffers(), false);
    if (!bin.constants())
      return true;
    for (size_t i = 0; i < bin.constants()->size(); ++i) {
      const ttb::Constant *c = bin.constants()->Get(i);
      std::string label = "constant " + std::to_string(i);
      if (c->buffer() >= numBuffers())
        return fail(label + ": buffer " + std::to_string(c->buffer()) + " out of range");
      const ttb::Buffer *b = bin.buffers()->Get(c->buffer());
      int64_t want = tiledShape(shapes[c->buffer()]).tiles() * tileBytes(b->format());
      int64_t got = c->data() ? int64_t(c->data()->size()) : 0;
      if (want != got)
        return fail(label + " (" + bufferLabel(b, c->buffer()) + "): data has " +
                    std::to_string(got) + " bytes, expected " + std::to_string(want));
      if (b->memory() != ttb::MemorySpace::Dram)
        return fail(label + " (" + bufferLabel(b, c->buffer()) + "): constants are loaded into "
                    "DRAM, but its buffer is in L1");
      constant[c->buffer()] = true;
    }
    return true;
  }

  bool checkSignatures() {
    for (auto [list, what] : {std::pair{bin.inputs(), "input"},
                              {bin.outputs(), "output"},
                              {bin.host_values(), "host value"}}) {
      if (!list)
        continue;
      for (size_t i = 0; i < list->size(); ++i) {
        const ttb::TensorSignature *s = list->Get(i);
        std::string label = std::string(what) + " " + std::to_string(i);
        std::string type = s->element_type() ? s->element_type()->str() : "";
        bool hostOnly = type == "string" || !sequenceElementType(type).empty() ||
                        !optionalElementType(type).empty();
        if (hostOnly && !s->from_host())
          return fail(label + ": a string tensor, a sequence or an optional must be the host's");
        if (s->exact_range() &&
            (list != bin.inputs() || s->exact_range()->size() != 2 ||
             s->exact_range()->Get(0) > s->exact_range()->Get(1)))
          return fail(label + ": an exact range is two values, low then high, of an input");
        if (s->from_host()) {
          if (list == bin.host_values() || s->buffer() != kNoBuffer)
            return fail(label + ": only an input or output with no buffer can be the host's");
          if (s->shape())
            for (int64_t d : *s->shape())
              if (d < -1 || d > (int64_t(1) << 40))
                return fail(label + ": bad dimension " + std::to_string(d));
          continue;
        }
        if (s->buffer() == kNoBuffer && list == bin.host_values())
          return fail(label + ": has no buffer");
        if (s->buffer() == kNoBuffer) {
          bool empty = false;
          if (s->shape())
            for (int64_t d : *s->shape()) {
              if (d < 0 || d > (int64_t(1) << 40))
                return fail(label + ": bad dimension " + std::to_string(d));
              empty |= d == 0;
            }
          if (!empty)
            return fail(label + ": has no buffer but is not an empty tensor");
          continue;
        }
        if (s->buffer() >= numBuffers())
          return fail(label + ": buffer " + std::to_string(s->buffer()) + " out of range");
        if (!matchesDramBuffer(s, label, "reads and writes"))
          return false;
      }
    }
    return true;
  }

  /// Whether signature `s` (of a buffer in range) has its buffer's shape and a DRAM buffer,
  /// which the host `access`es.
  bool matchesDramBuffer(const ttb::TensorSignature *s, const std::string &label,
                         const char *access) {
    std::vector<int64_t> shape;
    if (s->shape())
      shape.assign(s->shape()->begin(), s->shape()->end());
    if (shape != shapes[s->buffer()])
      return fail(label + ": shape differs from its buffer's shape");
    if (bin.buffers()->Get(s->buffer())->memory() != ttb::MemorySpace::Dram)
      return fail(label + ": the host " + access + " DRAM, but its buffer is in L1");
    return true;
  }

  /// Each random tensor has a DRAM buffer of its shape that no input or other random tensor
  /// has (an output may be it), and finite parameters: a scale of 0 or more, a low end no higher
  /// than the high one.
  bool checkGenerated() {
    if (!bin.generated())
      return true;
    std::set<uint32_t> taken;
    if (bin.inputs())
      for (const ttb::TensorSignature *s : *bin.inputs())
        taken.insert(s->buffer());
    for (size_t i = 0; i < bin.generated()->size(); ++i) {
      const ttb::Generated *g = bin.generated()->Get(i);
      std::string label = "random tensor " + std::to_string(i);
      const ttb::TensorSignature *s = g->signature();
      if (!s)
        return fail(label + ": has no signature");
      if (s->buffer() >= numBuffers() || !taken.insert(s->buffer()).second)
        return fail(label + ": its buffer is out of range, an input's or another's");
      if (!matchesDramBuffer(s, label, "writes"))
        return false;
      if (!std::isfinite(g->a()) || !std::isfinite(g->b()) || !std::isfinite(g->seed()) ||
          (g->normal() ? g->b() < 0 : g->a() > g->b()))
        return fail(label + ": bad parameters " + std::to_string(g->a()) + ", " +
                    std::to_string(g->b()));
    }
    return true;
  }

  /// The host ops of `ops` in order, each reading only what `defined` holds or an op before it
  /// defined; a body (a Loop's or SequenceMap's) sees its body inputs besides, one per input of
  /// the op, and defines its body outputs: a SequenceMap's, one per output; a Loop's, the
  /// condition, the loop-carried values and the scan outputs, one more than its outputs.
  bool checkHostOpList(const flatbuffers::Vector<flatbuffers::Offset<ttb::HostOp>> &ops,
                       std::set<std::string> &defined, const std::string &where) {
    for (size_t i = 0; i < ops.size(); ++i) {
      const ttb::HostOp *op = ops.Get(i);
      std::string label = where + "host op " + std::to_string(i) + " '" +
                          (op->name() ? op->name()->str() : "") + "'";
      std::string type = op->op() ? op->op()->str() : "";
      if (!isHostOp(type))
        return fail(label + ": '" + type + "' is not an op the runtime runs on the host");
      if (!op->inputs() || !op->outputs())
        return fail(label + ": has no input or output list");
      for (const flatbuffers::String *in : *op->inputs())
        if (in->size() && !defined.count(in->str()))
          return fail(label + ": reads '" + in->str() + "', which nothing before it defines");
      if (op->attributes())
        for (const ttb::HostAttribute *a : *op->attributes())
          if (!a->name())
            return fail(label + ": has an attribute with no name");
      bool loop = type == "Loop", map = type == "SequenceMap";
      // An If has branches (a body and an else body) or, outside bodies, two values to pick.
      bool branches = type == "If" && op->body();
      if ((loop || map || branches) != (op->body() != nullptr) ||
          branches != (op->else_body() != nullptr))
        return fail(label + (op->body() || op->else_body()
                                 ? ": has a body, which only a Loop, SequenceMap or If has"
                                 : ": has no body"));
      if (op->body()) {
        // A Loop's body also gives the condition; it takes the trip count and the condition.
        // An If's branches take nothing and give one value per output.
        size_t in = op->inputs()->size(), out = op->outputs()->size();
        if (!op->body_inputs() || !op->body_outputs() ||
            op->body_inputs()->size() != (branches ? 0 : in) ||
            op->body_outputs()->size() != out + (loop ? 1 : 0) ||
            (loop && (in < 2 || out < in - 2)) || (map && in < 1) || (branches && in != 1) ||
            (branches && (!op->else_outputs() || op->else_outputs()->size() != out)))
          return fail(label + ": its body's inputs and outputs do not match the op's");
        auto checkBody = [&](const auto &ops, const auto *outs, const std::string &what) {
          std::set<std::string> scope = defined;
          for (const flatbuffers::String *in : *op->body_inputs())
            if (in->size())
              scope.insert(in->str());
          if (!checkHostOpList(ops, scope, label + ", " + what + ": "))
            return false;
          for (const flatbuffers::String *o : *outs)
            if (!o->size() || !scope.count(o->str()))
              return fail(label + ": its " + what + " does not compute '" + o->str() + "'");
          return true;
        };
        if (!checkBody(*op->body(), op->body_outputs(), "body") ||
            (branches && !checkBody(*op->else_body(), op->else_outputs(), "else body")))
          return false;
      }
      for (const flatbuffers::String *out : *op->outputs())
        if (out->size() && !defined.insert(out->str()).second)
          return fail(label + ": defines '" + out->str() + "' again");
    }
    return true;
  }

  /// Every host op is one the runtime runs, reads only values defined before it (inputs, outputs
  /// and host values with buffers, earlier host ops' outputs), and every output from the host is
  /// one of their outputs.
  bool checkHostOps() {
    std::set<std::string> defined;
    auto define = [&](const auto *list, bool withBuffer) {
      for (size_t i = 0; list && i < list->size(); ++i)
        if (list->Get(i)->name() && (!withBuffer || list->Get(i)->buffer() != kNoBuffer))
          defined.insert(list->Get(i)->name()->str());
    };
    define(bin.inputs(), /*withBuffer=*/false);
    define(bin.outputs(), /*withBuffer=*/true);
    define(bin.host_values(), /*withBuffer=*/true);
    if (bin.host_ops() && !checkHostOpList(*bin.host_ops(), defined, ""))
      return false;
    for (size_t i = 0; bin.outputs() && i < bin.outputs()->size(); ++i) {
      const ttb::TensorSignature *s = bin.outputs()->Get(i);
      if (s->from_host() && (!s->name() || !defined.count(s->name()->str()) ||
                             !bin.host_ops() || bin.host_ops()->size() == 0))
        return fail("output " + std::to_string(i) + ": comes from the host, but no host op "
                    "computes it");
    }
    return true;
  }

  bool checkDispatches() {
    if (!bin.dispatches())
      return true;
    // Dispatch buffer ids are checked before liveness reads them.
    for (size_t i = 0; i < bin.dispatches()->size(); ++i) {
      const ttb::Dispatch *d = bin.dispatches()->Get(i);
      std::string label = "dispatch " + std::to_string(i);
      if (d->name())
        label += " '" + d->name()->str() + "'";
      if (!checkDispatch(*d, label))
        return false;
    }
    return checkPrograms() && checkL1Tensors();
  }

  /// A joined dispatch continues the program of the one before it; the program's kernel
  /// configuration must fit the chip's kernel config buffer.
  bool checkPrograms() {
    int64_t bytes = 0;
    size_t first = 0;
    for (size_t i = 0; i < bin.dispatches()->size(); ++i) {
      const ttb::Dispatch *d = bin.dispatches()->Get(i);
      int64_t own = kernelConfigSize(*d).bytes();
      if (chip.kernelConfigBytes > 0 && own > chip.kernelConfigBytes)
        return fail("dispatch " + std::to_string(i) + ": " + std::to_string(own) +
                    " bytes of kernel configuration; chip '" + chip.name + "' holds " +
                    std::to_string(chip.kernelConfigBytes));
      if (!d->joined()) {
        first = i;
        bytes = own;
        continue;
      }
      if (i == 0)
        return fail("dispatch 0: joined, but no dispatch comes before it");
      if (chip.kernelConfigBytes <= 0)
        return fail("dispatch " + std::to_string(i) + ": joined, but chip '" + chip.name +
                    "' gives no kernel_config_bytes: each of its programs holds one dispatch");
      bytes += own;
      if (bytes > chip.kernelConfigBytes)
        return fail("dispatches " + std::to_string(first) + " to " + std::to_string(i) +
                    ": one program of " + std::to_string(bytes) +
                    " bytes of kernel configuration; chip '" + chip.name + "' holds " +
                    std::to_string(chip.kernelConfigBytes));
    }
    return true;
  }

  /// Tensors kept in L1 must not overlap one another while both live, nor any circular buffer of
  /// a dispatch that runs meanwhile.
  bool checkL1Tensors() {
    std::vector<L1Tensor> tensors = l1Tensors(bin, chip);
    auto overlap = [](int64_t b0, int64_t e0, int64_t b1, int64_t e1) {
      return b0 < e1 && b1 < e0;
    };
    for (size_t i = 0; i < tensors.size(); ++i) {
      const L1Tensor &a = tensors[i];
      std::string label = bufferLabel(bin.buffers()->Get(a.buffer), a.buffer);
      for (size_t j = i + 1; j < tensors.size(); ++j) {
        const L1Tensor &b = tensors[j];
        if (a.firstDispatch <= b.lastDispatch && b.firstDispatch <= a.lastDispatch &&
            overlap(a.begin, a.end, b.begin, b.end))
          return fail(label + " and " + bufferLabel(bin.buffers()->Get(b.buffer), b.buffer) +
                      " overlap in L1 while both are live");
      }
      for (size_t d = a.firstDispatch; d <= a.lastDispatch; ++d) {
        const ttb::Dispatch *dispatch = bin.dispatches()->Get(d);
        if (dispatch->cbs())
          for (const ttb::CircularBuffer *cb : *dispatch->cbs()) {
            int64_t begin = cb->l1_address();
            if (overlap(begin, begin + int64_t(cb->num_tiles()) * tileBytes(cb->format()),
                        a.begin, a.end))
              return fail(label + " (L1 [" + std::to_string(a.begin) + ", " +
                          std::to_string(a.end) + ")) overlaps cb " + std::to_string(cb->id()) +
                          " of dispatch " + std::to_string(d) + ", which runs while it is live");
          }
      }
    }
    return true;
  }

  bool checkDispatch(const ttb::Dispatch &d, const std::string &label) {
    if (d.core_x0() > d.core_x1() || d.core_y0() > d.core_y1() ||
        d.core_x1() >= uint32_t(chip.gridX) || d.core_y1() >= uint32_t(chip.gridY))
      return fail(label + ": core range [" + std::to_string(d.core_x0()) + "," +
                  std::to_string(d.core_x1()) + "]x[" + std::to_string(d.core_y0()) +
                  "," + std::to_string(d.core_y1()) + "] is not inside the " +
                  std::to_string(chip.gridX) + "x" + std::to_string(chip.gridY) + " grid");
    if (uint8_t(d.fidelity()) > uint8_t(ttb::MathFidelity::HiFi4))
      return fail(label + ": unknown math fidelity " + std::to_string(int(d.fidelity())));
    if (d.dst_format() != ttb::DataFormat::Float32 &&
        d.dst_format() != ttb::DataFormat::BFloat16 && d.dst_format() != ttb::DataFormat::Int32)
      return fail(label + ": Dst format must be f32, bf16 or int32, got " +
                  formatName(d.dst_format()));
    if (d.semaphores() > 256)
      return fail(label + ": " + std::to_string(d.semaphores()) + " semaphores (at most 256)");
    if (d.buffers())
      for (size_t k = 0; k < d.buffers()->size(); ++k)
        if (d.buffers()->Get(k) >= numBuffers())
          return fail(label + ": buffer list entry " + std::to_string(k) + " (" +
                      std::to_string(d.buffers()->Get(k)) + ") out of range");
    cbs.clear();
    std::vector<std::pair<int64_t, int64_t>> ranges;
    if (d.cbs())
      for (const ttb::CircularBuffer *cb : *d.cbs()) {
        std::string cl = label + ": cb " + std::to_string(cb->id());
        if (cbs.count(cb->id()))
          return fail(cl + " defined twice");
        if (!validFormat(cb->format()))
          return fail(cl + ": unknown data format " + std::to_string(int(cb->format())));
        if (cb->num_tiles() == 0)
          return fail(cl + ": holds no tiles");
        int64_t begin = cb->l1_address();
        int64_t end = begin + int64_t(cb->num_tiles()) * tileBytes(cb->format());
        if (begin < chip.l1ReservedBytes || end > chip.l1Bytes)
          return fail(cl + ": L1 range [" + std::to_string(begin) + ", " +
                      std::to_string(end) + ") is outside [" +
                      std::to_string(chip.l1ReservedBytes) + ", " +
                      std::to_string(chip.l1Bytes) + ")");
        cbs[cb->id()] = cb;
        ranges.push_back({begin, end});
      }
    std::sort(ranges.begin(), ranges.end());
    for (size_t k = 1; k < ranges.size(); ++k)
      if (ranges[k].first < ranges[k - 1].second)
        return fail(label + ": circular buffers overlap in L1 at " +
                    std::to_string(ranges[k].first));
    bool seenKind[3] = {false, false, false};
    if (d.kernels())
      for (const ttb::Kernel *k : *d.kernels()) {
        if (uint8_t(k->thread()) > 2)
          return fail(label + ": unknown thread kind " + std::to_string(int(k->thread())));
        std::string kl = label + " " + threadName(k->thread()) + " kernel";
        if (seenKind[uint8_t(k->thread())])
          return fail(kl + " given twice");
        seenKind[uint8_t(k->thread())] = true;
        if (!checkKernel(d, *k, kl))
          return false;
      }
    return true;
  }

  bool checkKernel(const ttb::Dispatch &d, const ttb::Kernel &k,
                   const std::string &label) {
    if (k.num_vars() < uint32_t(kFirstLoopVar) || k.num_vars() > 4096)
      return fail(label + ": num_vars " + std::to_string(k.num_vars()) +
                  " must be in [4, 4096]");
    size_t numExprs = k.exprs() ? k.exprs()->size() : 0;
    for (size_t i = 0; i < numExprs; ++i) {
      const ttb::Expr *e = k.exprs()->Get(i);
      size_t n = e->code() ? e->code()->size() : 0;
      std::string why;
      checkExpr(n ? e->code()->data() : nullptr, n, k.num_vars(), i, why);
      if (!why.empty())
        return fail(label + ": expr " + std::to_string(i) + ": " + why);
    }
    size_t numBufs = d.buffers() ? d.buffers()->size() : 0;
    size_t size = k.code() ? k.code()->size() : 0;
    std::vector<size_t> loops;
    for (size_t pc = 0; pc < size;) {
      int32_t op = k.code()->Get(pc);
      int count = operandCount(op);
      // Named only for a message: a binary has hundreds of thousands of instructions.
      auto at = [&] { return label + ": pc " + std::to_string(pc); };
      if (count < 0)
        return fail(at() + ": unknown opcode " + std::to_string(op));
      auto atOp = [&] { return at() + " (" + opName(op) + ")"; };
      if (pc + size_t(count) >= size)
        return fail(atOp() + ": truncated, needs " + std::to_string(count) + " operands");
      const char *kinds = operandKinds(op);
      const ttb::CircularBuffer *lastCb = nullptr;
      int64_t lastBuf = -1;
      for (int j = 0; j < count; ++j) {
        int64_t w = k.code()->Get(pc + 1 + j);
        std::string bad;
        switch (kinds[j]) {
        case 'c': {
          auto it = cbs.find(uint32_t(w));
          if (w < 0 || it == cbs.end())
            bad = "cb " + std::to_string(w) + " is not a circular buffer of the dispatch";
          else
            lastCb = it->second;
          break;
        }
        case 'n':
          if (w < 0 || !lastCb || w > int64_t(lastCb->num_tiles()))
            bad = "count " + std::to_string(w) + " exceeds the cb's " +
                  std::to_string(lastCb ? lastCb->num_tiles() : 0) + " tiles";
          break;
        case 'e':
          if (w < 0 || size_t(w) >= numExprs)
            bad = "expr " + std::to_string(w) + " out of range (" +
                  std::to_string(numExprs) + " exprs)";
          break;
        case 'b':
          if (w < 0 || size_t(w) >= numBufs)
            bad = "buffer " + std::to_string(w) + " out of range (" +
                  std::to_string(numBufs) + " in the dispatch)";
          else
            lastBuf = w;
          break;
        case 's':
          if (w < 0 || w >= int64_t(d.semaphores()))
            bad = "semaphore " + std::to_string(w) + " out of range (" +
                  std::to_string(d.semaphores()) + ")";
          break;
        case 'v':
          if (w < kFirstLoopVar || w >= int64_t(k.num_vars()))
            bad = "loop variable " + std::to_string(w) + " out of range [4, " +
                  std::to_string(k.num_vars()) + ")";
          break;
        case 'p':
          loops.push_back(size_t(w < 0 ? 0 : w));
          if (w <= int64_t(pc))
            bad = "end_pc " + std::to_string(w) + " is not after the loop";
          break;
        case 'B': if (w < 0 || w >= kNumBinaryOps) bad = "unknown binary op " + std::to_string(w); break;
        case 'G': if (w < 0 || w >= kNumBroadcasts) bad = "unknown broadcast " + std::to_string(w); break;
        case 'U': if (w < 0 || w >= kNumUnaryOps) bad = "unknown unary op " + std::to_string(w); break;
        case 'R': if (w < 0 || w >= kNumReduceOps) bad = "unknown reduce op " + std::to_string(w); break;
        case 'D':
        case 'A': if (w < 0 || w > 1) bad = "flag " + std::to_string(w) + " must be 0 or 1"; break;
        default: break;
        }
        if (!bad.empty())
          return fail(atOp() + ": " + bad);
      }
      if (op == int32_t(Op::CbTileNonzero) && k.thread() != ttb::ThreadKind::Compute)
        return fail(atOp() + ": CB_TILE_NONZERO runs on the compute thread, which unpacks tiles");
      if (op == int32_t(Op::CbTileNonzero) && k.code()->Get(pc + 4) < 0)
        return fail(atOp() + ": CB_TILE_NONZERO skips " + std::to_string(k.code()->Get(pc + 4)) +
                    " tile products, not a count");
      if (op == int32_t(Op::CbLoadIndex) && k.code()->Get(pc + 5) < 1)
        return fail(atOp() + ": CB_LOAD_INDEX wraps at " + std::to_string(k.code()->Get(pc + 5)) +
                    ", not a positive size");
      if (op == int32_t(Op::NocReadRuns)) {
        int64_t runs = k.code()->Get(pc + 5), length = k.code()->Get(pc + 6),
                perRow = k.code()->Get(pc + 7);
        if (runs < 1 || runs > kMaxReadRuns || length < 1 || perRow < 1 ||
            perRow * length > kTileDim || (runs + perRow - 1) / perRow > kTileDim)
          return fail(atOp() + ": NOC_READ_RUNS of " + std::to_string(runs) + " runs of " +
                      std::to_string(length) + " values, " + std::to_string(perRow) +
                      " a row: 1 to " + std::to_string(kMaxReadRuns) +
                      " runs of at least one value, a row's runs within its 32 values");
      }
      // DRAM <-> CB moves copy bytes, so both sides must share a format.
      bool span = op == int32_t(Op::NocReadSpan) || op == int32_t(Op::NocReadRuns);
      if (span && lastCb && blockFloat(lastCb->format()))
        return fail(atOp() + ": " + opName(op) + " cannot split tiles of block-float cb " +
                    std::to_string(lastCb->id()));
      if ((op == int32_t(Op::NocRead) || op == int32_t(Op::NocReadOn) || op == int32_t(Op::NocWrite) ||
           op == int32_t(Op::NocWrite0) || span) &&
          lastCb) {
        const ttb::Buffer *b = bin.buffers()->Get(d.buffers()->Get(size_t(lastBuf)));
        if (b->format() != lastCb->format())
          return fail(atOp() + ": " + bufferLabel(b, d.buffers()->Get(size_t(lastBuf))) +
                      " is " + formatName(b->format()) + " but cb " +
                      std::to_string(lastCb->id()) + " is " + formatName(lastCb->format()));
      }
      if (op == int32_t(Op::EndLoop)) {
        if (loops.empty())
          return fail(atOp() + ": END_LOOP without LOOP");
        if (loops.back() != pc + 1)
          return fail(atOp() + ": matching LOOP has end_pc " + std::to_string(loops.back()) +
                      ", expected " + std::to_string(pc + 1));
        loops.pop_back();
      }
      pc += size_t(count) + 1;
    }
    if (!loops.empty())
      return fail(label + ": LOOP without END_LOOP");
    return checkGoPrefix(d, k, label);
  }

  /// A kernel starts before the go only to read constants, which no dispatch writes, into its
  /// own CBs: what it does before its WAIT_GO touches no other core's L1, semaphore or output.
  bool checkGoPrefix(const ttb::Dispatch &d, const ttb::Kernel &k, const std::string &label) {
    size_t size = k.code() ? k.code()->size() : 0, goPc = size;
    int depth = 0, depthAtGo = 0;
    for (size_t pc = 0; pc < size; pc += size_t(operandCount(k.code()->Get(pc))) + 1) {
      Op op = Op(k.code()->Get(pc));
      if (op == Op::Loop)
        ++depth;
      if (op == Op::EndLoop)
        --depth;
      if (op != Op::WaitGo)
        continue;
      std::string at = label + ": pc " + std::to_string(pc);
      if (goPc != size)
        return fail(at + ": a second WAIT_GO");
      if (k.thread() == ttb::ThreadKind::Compute)
        return fail(at + ": WAIT_GO on the compute thread, which reads nothing");
      goPc = pc;
      depthAtGo = depth;
    }
    if (goPc == size)
      return true;
    if (depthAtGo != 0)
      return fail(label + ": pc " + std::to_string(goPc) + ": WAIT_GO inside a loop");
    for (size_t pc = 0; pc < goPc; pc += size_t(operandCount(k.code()->Get(pc))) + 1) {
      Op op = Op(k.code()->Get(pc));
      auto at = [&] { return label + ": pc " + std::to_string(pc) + ": " + opName(int32_t(op)); };
      switch (op) {
      case Op::Loop:
      case Op::EndLoop:
      case Op::CbReserve:
      case Op::CbPush:
      case Op::NocBarrier:
        break;
      case Op::NocRead:
      case Op::NocReadOn:
      case Op::NocReadSpan: {
        uint32_t buffer = d.buffers()->Get(size_t(k.code()->Get(pc + 1)));
        if (!constant[buffer])
          return fail(at() + " before WAIT_GO reads " +
                      bufferLabel(bin.buffers()->Get(buffer), buffer) +
                      ", not a constant: the dispatch before may still write it");
        break;
      }
      default:
        return fail(at() + " before WAIT_GO: only reads of constants into the kernel's CBs "
                         "may run before the go");
      }
    }
    return true;
  }

  std::map<uint32_t, const ttb::CircularBuffer *> cbs;
  /// Per buffer: a constant's, which no dispatch writes (checkConstants).
  std::vector<bool> constant;
};

} // namespace

static bool verifyRaw(const uint8_t *data, size_t size, const ChipDesc &chip,
                      std::string &error) {
  if (size < 8 || !flatbuffers::BufferHasIdentifier(data, ttb::BinaryIdentifier())) {
    error = "not a .ttb binary (file identifier TTB0 missing)";
    return false;
  }
  if (size >= (size_t(1) << 31)) {
    error = "binary larger than 2 GiB";
    return false;
  }
  // The compiler finishes every binary on a whole number of 8-byte words: the flatbuffer
  // verifier cannot tell a file cut in the padding at its end.
  if (size % 8) {
    error = "corrupt .ttb binary (" + std::to_string(size) +
            " bytes, not a whole number of 8-byte words; truncated file?)";
    return false;
  }
  flatbuffers::Verifier verifier(data, size, /*max_depth=*/64,
                                 /*max_tables=*/10'000'000);
  if (!ttb::VerifyBinaryBuffer(verifier)) {
    error = "corrupt .ttb binary (flatbuffer verification failed; truncated or damaged file?)";
    return false;
  }
  const ttb::Binary *bin = ttb::GetBinary(data);
  std::string chipName = bin->chip() ? bin->chip()->str() : "";
  if (bin->schema_version() != kSchemaVersion || chipName != chip.name) {
    error = "binary was compiled for chip '" + chipName + "' (schema " +
            std::to_string(bin->schema_version()) + ") but this runtime runs '" +
            chip.name + "' (schema " + std::to_string(kSchemaVersion) + ")";
    return false;
  }
  return BinaryChecker(*bin, chip, error).run();
}

bool verifyBinary(const uint8_t *data, size_t size, const ChipDesc &chip, std::string &error) {
  if (verifyRaw(data, size, chip, error))
    return true;
  error = oneLine(error);
  return false;
}

} // namespace tessel::rt
