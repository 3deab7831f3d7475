// .ttb -> JSON, with kernels disassembled one instruction per line.
#include "tessel/Target/Ttb.h"

#include "tessel/runtime/Binary.h"
#include "tessel/runtime/Bytecode.h"
#include "tessel/runtime/ttb_generated.h"

#include "llvm/Support/JSON.h"

#include <functional>

using namespace mlir;
using namespace tessel;

static std::string disassemble(const int32_t *code, size_t &pc, size_t size) {
  int32_t opcode = code[pc];
  std::string text = rt::opName(opcode);
  int n = rt::operandCount(opcode);
  const char *kinds = rt::operandKinds(opcode);
  for (int i = 0; i < n && pc + 1 + i < size; ++i)
    text += std::string(" ") + kinds[i] + std::to_string(code[pc + 1 + i]);
  pc += 1 + std::max(n, 0);
  return text;
}

static std::string exprText(const flatbuffers::Vector<int32_t> *code) {
  static const char *ops[] = {"", "", "+", "*", "floordiv", "mod", "ceildiv"};
  std::string out;
  for (size_t i = 0; code && i < code->size(); ++i) {
    int64_t tag = int64_t(rt::exprTag(code->Get(i))), v = rt::exprOperand(code->Get(i));
    if (!out.empty())
      out += " ";
    if (tag == 0)
      out += std::to_string(v);
    else if (tag == 1)
      out += "v" + std::to_string(v);
    else if (tag >= 2 && tag <= 6)
      out += ops[tag];
    else if (tag == int64_t(rt::ExprTag::Ref))
      out += "e" + std::to_string(v);
    else
      out += "?";
  }
  return out;
}

template <typename T> static llvm::json::Array shapeOf(const flatbuffers::Vector<T> *v) {
  llvm::json::Array a;
  for (size_t i = 0; v && i < v->size(); ++i)
    a.push_back(v->Get(i));
  return a;
}

static const char *str(const flatbuffers::String *s) { return s ? s->c_str() : ""; }

LogicalResult tessel::dumpTtb(StringRef bytes, raw_ostream &os, std::string &error) {
  auto *data = reinterpret_cast<const uint8_t *>(bytes.data());
  flatbuffers::Verifier verifier(data, bytes.size());
  if (!ttb::BinaryBufferHasIdentifier(data) || !ttb::VerifyBinaryBuffer(verifier)) {
    error = "not a valid .ttb file (bad identifier or corrupted flatbuffer)";
    return failure();
  }
  const ttb::Binary *bin = ttb::GetBinary(data);
  llvm::json::OStream j(os, 2);
  j.object([&] {
    j.attribute("schema_version", bin->schema_version());
    j.attribute("chip", str(bin->chip()));
    j.attribute("compiler", str(bin->compiler()));
    j.attribute("precision", str(bin->precision()));
    auto signatures = [&](const char *key, auto *list) {
      j.attributeArray(key, [&] {
        for (size_t i = 0; list && i < list->size(); ++i) {
          auto *s = list->Get(i);
          j.object([&] {
            j.attribute("name", str(s->name()));
            j.attribute("shape", shapeOf(s->shape()));
            j.attribute("element_type", str(s->element_type()));
            // An empty tensor and a host op's output have no buffer.
            if (s->buffer() == rt::kNoBuffer)
              j.attribute("buffer", nullptr);
            else
              j.attribute("buffer", s->buffer());
            if (s->from_host())
              j.attribute("from_host", true);
            if (s->exact_range() && s->exact_range()->size() == 2) {
              j.attribute("exact_range", shapeOf(s->exact_range()));
              j.attribute("exact_reason", str(s->exact_reason()));
            }
          });
        }
      });
    };
    signatures("inputs", bin->inputs());
    signatures("outputs", bin->outputs());
    if (bin->host_values())
      signatures("host_values", bin->host_values());
    if (bin->generated())
      j.attributeArray("generated", [&] {
        for (const ttb::Generated *g : *bin->generated())
          j.object([&] {
            const ttb::TensorSignature *s = g->signature();
            j.attribute("name", str(s ? s->name() : nullptr));
            j.attribute("shape", shapeOf(s ? s->shape() : nullptr));
            j.attribute("buffer", s ? s->buffer() : rt::kNoBuffer);
            j.attribute("distribution", g->normal() ? "normal" : "uniform");
            j.attribute(g->normal() ? "mean" : "low", g->a());
            j.attribute(g->normal() ? "scale" : "high", g->b());
            if (g->seeded())
              j.attribute("seed", g->seed());
          });
      });
    if (bin->host_ops()) {
      auto strings = [](const auto *list) {
        llvm::json::Array a;
        for (size_t i = 0; list && i < list->size(); ++i)
          a.push_back(list->Get(i)->str());
        return a;
      };
      // A Loop's body is a list of host ops of its own.
      std::function<void(const flatbuffers::Vector<flatbuffers::Offset<ttb::HostOp>> &)>
          hostOps = [&](const auto &ops) {
            for (const ttb::HostOp *op : ops)
              j.object([&] {
                j.attribute("name", str(op->name()));
                j.attribute("op", str(op->op()));
                j.attribute("inputs", strings(op->inputs()));
                j.attribute("outputs", strings(op->outputs()));
                j.attributeObject("attributes", [&] {
                  for (size_t i = 0; op->attributes() && i < op->attributes()->size(); ++i) {
                    const ttb::HostAttribute *a = op->attributes()->Get(i);
                    llvm::json::Array values = shapeOf(a->ints());
                    for (size_t f = 0; a->floats() && f < a->floats()->size(); ++f)
                      values.push_back(double(a->floats()->Get(f)));
                    for (llvm::json::Value &v : strings(a->strings()))
                      values.push_back(std::move(v));
                    if (a->scalar() && values.size() == 1)
                      j.attribute(str(a->name()), std::move(values[0]));
                    else
                      j.attribute(str(a->name()), std::move(values));
                  }
                });
                if (op->body()) {
                  j.attribute("body_inputs", strings(op->body_inputs()));
                  j.attribute("body_outputs", strings(op->body_outputs()));
                  j.attributeArray("body", [&] { hostOps(*op->body()); });
                }
                if (op->else_body()) {
                  j.attribute("else_outputs", strings(op->else_outputs()));
                  j.attributeArray("else_body", [&] { hostOps(*op->else_body()); });
                }
              });
          };
      j.attributeArray("host_ops", [&] { hostOps(*bin->host_ops()); });
    }
    j.attributeArray("buffers", [&] {
      for (size_t i = 0; bin->buffers() && i < bin->buffers()->size(); ++i) {
        auto *b = bin->buffers()->Get(i);
        j.object([&] {
          j.attribute("id", (int64_t)i);
          j.attribute("name", str(b->name()));
          j.attribute("shape", shapeOf(b->shape()));
          j.attribute("format", ttb::EnumNameDataFormat(b->format()));
          j.attribute("memory", ttb::EnumNameMemorySpace(b->memory()));
          j.attribute("address", (int64_t)b->address());
          j.attribute("tiles", llvm::json::Array{b->batch(), b->rows_tiles(), b->cols_tiles()});
          if (b->shard_rows() > 0)
            j.attribute("shards", llvm::json::Object{{"rows", b->shard_rows()},
                                                     {"cols", b->shard_cols()},
                                                     {"cores_x", b->shard_cores_x()}});
        });
      }
    });
    j.attributeArray("constants", [&] {
      for (size_t i = 0; bin->constants() && i < bin->constants()->size(); ++i) {
        auto *c = bin->constants()->Get(i);
        j.object([&] {
          j.attribute("buffer", c->buffer());
          j.attribute("bytes", (int64_t)(c->data() ? c->data()->size() : 0));
        });
      }
    });
    j.attributeArray("dispatches", [&] {
      for (size_t i = 0; bin->dispatches() && i < bin->dispatches()->size(); ++i) {
        auto *d = bin->dispatches()->Get(i);
        j.object([&] {
          j.attribute("name", str(d->name()));
          j.attribute("op", str(d->op()));
          j.attribute("location", str(d->location()));
          j.attribute("cores", llvm::json::Array{d->core_x0(), d->core_y0(), d->core_x1(),
                                                 d->core_y1()});
          j.attribute("fidelity", ttb::EnumNameMathFidelity(d->fidelity()));
          j.attribute("dst_format", ttb::EnumNameDataFormat(d->dst_format()));
          j.attribute("macs", (int64_t)d->macs());
          if (d->config())
            j.attribute("config", str(d->config()));
          if (d->joined())
            j.attribute("joined", true);
          j.attribute("kernel_config_bytes", rt::kernelConfigSize(*d).bytes());
          j.attribute("buffers", shapeOf(d->buffers()));
          j.attributeArray("cbs", [&] {
            for (size_t c = 0; d->cbs() && c < d->cbs()->size(); ++c) {
              auto *cb = d->cbs()->Get(c);
              j.object([&] {
                j.attribute("id", cb->id());
                j.attribute("format", ttb::EnumNameDataFormat(cb->format()));
                j.attribute("tiles", cb->num_tiles());
                j.attribute("l1_address", cb->l1_address());
              });
            }
          });
          j.attributeArray("kernels", [&] {
            for (size_t k = 0; d->kernels() && k < d->kernels()->size(); ++k) {
              auto *kernel = d->kernels()->Get(k);
              j.object([&] {
                j.attribute("thread", ttb::EnumNameThreadKind(kernel->thread()));
                j.attribute("vars", kernel->num_vars());
                j.attributeArray("exprs", [&] {
                  for (size_t e = 0; kernel->exprs() && e < kernel->exprs()->size(); ++e)
                    j.value(exprText(kernel->exprs()->Get(e)->code()));
                });
                j.attributeArray("code", [&] {
                  auto *code = kernel->code();
                  size_t pc = 0, size = code ? code->size() : 0;
                  while (pc < size) {
                    size_t at = pc;
                    j.value(std::to_string(at) + ": " + disassemble(code->data(), pc, size));
                  }
                });
              });
            }
          });
        });
      }
    });
  });
  os << "\n";
  return success();
}
