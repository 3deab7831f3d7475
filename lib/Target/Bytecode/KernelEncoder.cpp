#include "tessel/Target/KernelEncoder.h"

#include "Grid/GridOps.h"
#include "Tile/TileOps.h"
#include "tessel/runtime/Bytecode.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace tessel;
using namespace tessel::target;
using rt::ExprTag;
using Opc = rt::Op;

// The IR's enums are encoded by value; these pin them to the bytecode's.
static_assert(int(tile::BinaryKind::add) == int(rt::BinaryOp::Add) &&
              int(tile::BinaryKind::sub) == int(rt::BinaryOp::Sub) &&
              int(tile::BinaryKind::mul) == int(rt::BinaryOp::Mul) &&
              int(tile::BinaryKind::max) == int(rt::BinaryOp::Max) &&
              int(tile::BinaryKind::and_) == int(rt::BinaryOp::And) &&
              int(tile::BinaryKind::where_into) == int(rt::BinaryOp::WhereInto));
static_assert(int(tile::Broadcast::none) == int(rt::Broadcast::None) &&
              int(tile::Broadcast::rows) == int(rt::Broadcast::Rows) &&
              int(tile::Broadcast::cols) == int(rt::Broadcast::Cols) &&
              int(tile::Broadcast::scalar) == int(rt::Broadcast::Scalar));
static_assert(int(tile::UnaryKind::relu) == int(rt::UnaryOp::Relu) &&
              int(tile::UnaryKind::exp) == int(rt::UnaryOp::Exp) &&
              int(tile::UnaryKind::recip) == int(rt::UnaryOp::Reciprocal) &&
              int(tile::UnaryKind::neg) == int(rt::UnaryOp::Negate) &&
              int(tile::UnaryKind::scale) == int(rt::UnaryOp::Scale) &&
              int(tile::UnaryKind::shift) == int(rt::UnaryOp::AddScalar) &&
              int(tile::UnaryKind::sign) == int(rt::UnaryOp::Sign) &&
              int(tile::UnaryKind::not_) == int(rt::UnaryOp::Not) &&
              int(tile::UnaryKind::isinf) == int(rt::UnaryOp::IsInf));
static_assert(int(tile::ReduceKind::sum) == int(rt::ReduceOp::Sum) &&
              int(tile::ReduceKind::max) == int(rt::ReduceOp::Max) &&
              int(tile::ReduceKind::prod) == int(rt::ReduceOp::Prod));

static int32_t op(Opc o) { return static_cast<int32_t>(o); }
static int32_t floatBits(float f) {
  int32_t bits;
  memcpy(&bits, &f, sizeof bits);
  return bits;
}

FailureOr<EncodedKernel> KernelEncoder::encode(noc::KernelOp k) {
  kernel = EncodedKernel();
  kernel.numVars = rt::kFirstLoopVar;
  kernelOp = k;
  if (failed(encodeBlock(k.getBody().front())))
    return failure();
  return kernel;
}

LogicalResult KernelEncoder::encodeBlock(Block &block) {
  for (Operation &o : block)
    if (failed(encodeOp(o)))
      return failure();
  return success();
}

LogicalResult KernelEncoder::emitConstant(int64_t value, std::vector<int32_t> &out) {
  if (value >= -rt::kMaxExprOperand && value <= rt::kMaxExprOperand) {
    out.push_back(rt::exprTerm(ExprTag::Const, value));
    return success();
  }
  // A term holds 28 bits and a sign: a larger constant is high * 2^24 + low.
  constexpr int64_t kLow = int64_t(1) << 24;
  int64_t high = llvm::divideFloorSigned(value, kLow), low = value - high * kLow;
  if (high > rt::kMaxExprOperand || high < -rt::kMaxExprOperand)
    return kernelOp.emitError("index constant ") << value << " is beyond the kernel bytecode's 2^52";
  out.insert(out.end(), {rt::exprTerm(ExprTag::Const, high), rt::exprTerm(ExprTag::Const, kLow),
                         rt::exprTerm(ExprTag::Mul, 0), rt::exprTerm(ExprTag::Const, low),
                         rt::exprTerm(ExprTag::Add, 0)});
  return success();
}

LogicalResult KernelEncoder::emitAffine(AffineExpr e, ValueRange dims, ValueRange syms,
                                        std::vector<int32_t> &out) {
  if (auto c = dyn_cast<AffineConstantExpr>(e))
    return emitConstant(c.getValue(), out);
  if (auto d = dyn_cast<AffineDimExpr>(e))
    return emitValue(dims[d.getPosition()], out);
  if (auto s = dyn_cast<AffineSymbolExpr>(e))
    return emitValue(syms[s.getPosition()], out);
  auto bin = cast<AffineBinaryOpExpr>(e);
  std::vector<int32_t> term;
  if (failed(emitAffine(bin.getLHS(), dims, syms, term)) ||
      failed(emitAffine(bin.getRHS(), dims, syms, term)))
    return failure();
  ExprTag tag;
  switch (e.getKind()) {
  case AffineExprKind::Add:
    tag = ExprTag::Add;
    break;
  case AffineExprKind::Mul:
    tag = ExprTag::Mul;
    break;
  case AffineExprKind::FloorDiv:
    tag = ExprTag::FloorDiv;
    break;
  case AffineExprKind::CeilDiv:
    tag = ExprTag::CeilDiv;
    break;
  case AffineExprKind::Mod:
    tag = ExprTag::Mod;
    break;
  default:
    return failure();
  }
  term.push_back(rt::exprTerm(tag, 0));
  // A gather's indices nest the same sums under several divisions: a longer sub-term becomes an
  // expression of its own, written once and read by reference (ExprTag::Ref) wherever it
  // recurs. (Sharing only sub-terms seen twice made ResNet-50's kernels a quarter larger: the
  // first copy stays written out with its own sub-terms.)
  if (term.size() >= kSharedTerms)
    out.push_back(rt::exprTerm(ExprTag::Ref, intern(std::move(term))));
  else
    out.insert(out.end(), term.begin(), term.end());
  return success();
}

LogicalResult KernelEncoder::emitValue(Value v, std::vector<int32_t> &out) {
  auto it = loopVars.find(v);
  if (it != loopVars.end()) {
    out.push_back(rt::exprTerm(ExprTag::Var, it->second));
    return success();
  }
  Operation *def = v.getDefiningOp();
  if (!def)
    return emitError(v.getLoc(), "index value is not a loop counter, core index or constant");
  if (auto c = dyn_cast<arith::ConstantIndexOp>(def))
    return emitConstant(c.value(), out);
  if (auto core = dyn_cast<grid::CoreIndexOp>(def)) {
    static const int64_t vars[] = {rt::VarCoreX, rt::VarCoreY, rt::VarCoreIndex, rt::VarNumCores};
    out.push_back(rt::exprTerm(ExprTag::Var, vars[int(core.getDim())]));
    return success();
  }
  if (auto apply = dyn_cast<affine::AffineApplyOp>(def)) {
    AffineMap map = apply.getAffineMap();
    ValueRange operands = apply.getMapOperands();
    return emitAffine(map.getResult(0), operands.take_front(map.getNumDims()),
                      operands.drop_front(map.getNumDims()), out);
  }
  return def->emitError("cannot encode this index computation in kernel bytecode");
}

FailureOr<int32_t> KernelEncoder::expr(Value v) {
  std::vector<int32_t> code;
  if (failed(emitValue(v, code)))
    return failure();
  if (code.size() == 1 && rt::exprTag(code[0]) == ExprTag::Ref)
    return int32_t(rt::exprOperand(code[0])); // the whole value is a shared term already
  return intern(std::move(code));
}

int32_t KernelEncoder::intern(std::vector<int32_t> code) {
  auto [it, inserted] = interned.try_emplace(code, (int32_t)kernel.exprs.size());
  if (inserted)
    kernel.exprs.push_back(std::move(code));
  return it->second;
}

FailureOr<int32_t> KernelEncoder::cbId(Value cb) {
  auto decl = cb.getDefiningOp<noc::CBOp>();
  if (!decl)
    return emitError(cb.getLoc(), "circular buffer is not a noc.cb of the dispatch");
  return (int32_t)decl.getId();
}

LogicalResult KernelEncoder::tileSource(Value tileValue, int32_t &cb, int32_t &slot) {
  auto get = tileValue.getDefiningOp<noc::CBGetOp>();
  if (!get)
    return emitError(tileValue.getLoc(), "tile operand must come from noc.cb_get");
  FailureOr<int32_t> id = cbId(get.getCb());
  FailureOr<int32_t> s = expr(get.getSlot());
  if (failed(id) || failed(s))
    return failure();
  cb = *id;
  slot = *s;
  return success();
}

LogicalResult KernelEncoder::encodeOp(Operation &o) {
  // Pure index and tile-value producers are folded into the instructions that use them.
  if (isa<arith::ConstantOp, affine::AffineApplyOp, grid::CoreIndexOp, noc::CBGetOp,
          tile::PackOp, scf::YieldOp>(o))
    return success();

  auto countOp = [&](Opc opcode, Value cb, uint64_t n) -> LogicalResult {
    FailureOr<int32_t> id = cbId(cb);
    if (failed(id))
      return failure();
    emit({op(opcode), *id, (int32_t)n});
    return success();
  };
  auto buffer = [&](Value v) -> FailureOr<int32_t> {
    auto it = bufferIndex.find(v);
    if (it == bufferIndex.end())
      return emitError(v.getLoc(), "buffer is not an argument of the dispatch");
    return it->second;
  };
  auto exprs = [&](ArrayRef<Value> values,
                   SmallVectorImpl<int32_t> &out) -> LogicalResult {
    for (Value v : values) {
      FailureOr<int32_t> e = expr(v);
      if (failed(e))
        return failure();
      out.push_back(*e);
    }
    return success();
  };

  // (cb, slot expression) of each tile operand, then the expressions of `indices`.
  auto tileOperands = [&](std::initializer_list<Value> tiles, std::initializer_list<Value> indices,
                          SmallVectorImpl<int32_t> &out) -> LogicalResult {
    for (Value t : tiles) {
      int32_t cb, slot;
      if (failed(tileSource(t, cb, slot)))
        return failure();
      out.append({cb, slot});
    }
    return exprs(indices, out);
  };

  return llvm::TypeSwitch<Operation *, LogicalResult>(&o)
      .Case([&](scf::ForOp f) -> LogicalResult {
        auto lb = getConstantIntValue(f.getLowerBound());
        auto step = getConstantIntValue(f.getStep());
        if (!lb || *lb != 0 || !step || *step != 1)
          return f.emitError("kernel loops must start at 0 with step 1");
        FailureOr<int32_t> count = expr(f.getUpperBound());
        if (failed(count))
          return failure();
        int32_t var = kernel.numVars++;
        loopVars[f.getInductionVar()] = var;
        size_t at = kernel.code.size();
        emit({op(Opc::Loop), var, *count, 0});
        if (failed(encodeBlock(*f.getBody())))
          return failure();
        emit({op(Opc::EndLoop)});
        kernel.code[at + 3] = (int32_t)kernel.code.size();
        return success();
      })
      .Case([&](noc::CBReserveOp c) { return countOp(Opc::CbReserve, c.getCb(), c.getCount()); })
      .Case([&](noc::CBPushOp c) { return countOp(Opc::CbPush, c.getCb(), c.getCount()); })
      .Case([&](noc::CBWaitOp c) { return countOp(Opc::CbWait, c.getCb(), c.getCount()); })
      .Case([&](noc::CBPopOp c) { return countOp(Opc::CbPop, c.getCb(), c.getCount()); })
      .Case([&](noc::CBLoadIndexOp l) -> LogicalResult {
        FailureOr<int32_t> cb = cbId(l.getCb());
        SmallVector<int32_t> e;
        if (failed(cb) || failed(exprs({l.getSlot(), l.getElement()}, e)))
          return failure();
        // The index becomes a variable that later expressions read like a loop counter.
        int32_t var = kernel.numVars++;
        loopVars[l.getResult()] = var;
        emit({op(Opc::CbLoadIndex), var, *cb, e[0], e[1], (int32_t)l.getWrap()});
        return success();
      })
      .Case([&](noc::CBTileNonzeroOp n) -> LogicalResult {
        FailureOr<int32_t> cb = cbId(n.getCb());
        SmallVector<int32_t> e;
        if (failed(cb) || failed(exprs({n.getSlot()}, e)))
          return failure();
        int32_t var = kernel.numVars++;
        loopVars[n.getResult()] = var;
        emit({op(Opc::CbTileNonzero), var, *cb, e[0], (int32_t)n.getSkips()});
        return success();
      })
      .Case([&](noc::ReadOp r) -> LogicalResult {
        FailureOr<int32_t> buf = buffer(r.getBuffer()), cb = cbId(r.getCb());
        SmallVector<int32_t> e;
        SmallVector<Value> operands = {r.getTile(), r.getSlot()};
        if (r.getNoc())
          operands.push_back(r.getNoc());
        if (failed(buf) || failed(cb) || failed(exprs(operands, e)))
          return failure();
        if (r.getNoc())
          emit({op(Opc::NocReadOn), *buf, e[0], *cb, e[1], e[2]});
        else
          emit({op(Opc::NocRead), *buf, e[0], *cb, e[1]});
        return success();
      })
      .Case([&](noc::WriteOp w) -> LogicalResult {
        FailureOr<int32_t> buf = buffer(w.getBuffer()), cb = cbId(w.getCb());
        SmallVector<int32_t> e;
        if (failed(buf) || failed(cb) || failed(exprs({w.getSlot(), w.getTile()}, e)))
          return failure();
        emit({op(w.getNoc0() ? Opc::NocWrite0 : Opc::NocWrite), *cb, e[0], *buf, e[1]});
        return success();
      })
      .Case([&](noc::ReadSpanOp r) -> LogicalResult {
        FailureOr<int32_t> buf = buffer(r.getBuffer()), cb = cbId(r.getCb());
        SmallVector<int32_t> e;
        if (failed(buf) || failed(cb) ||
            failed(exprs({r.getTile(), r.getOffset(), r.getSlot(), r.getDstOffset(), r.getCount(),
                          r.getOutside()},
                         e)))
          return failure();
        emit({op(Opc::NocReadSpan), *buf, e[0], e[1], *cb, e[2], e[3], e[4], e[5],
              floatBits(r.getFill().convertToFloat())});
        return success();
      })
      .Case([&](noc::ReadRunsOp r) -> LogicalResult {
        FailureOr<int32_t> buf = buffer(r.getBuffer()), cb = cbId(r.getCb());
        FailureOr<int32_t> slot = expr(r.getSlot());
        if (failed(buf) || failed(cb) || failed(slot))
          return failure();
        // The run is a variable the instruction walks, which its body's indices read.
        int32_t var = kernel.numVars++;
        loopVars[r.getBody().getArgument(0)] = var;
        auto yield = cast<noc::YieldOp>(r.getBody().front().getTerminator());
        SmallVector<int32_t> e;
        if (failed(exprs({yield.getTile(), yield.getOffset(), yield.getOutside()}, e)))
          return failure();
        emit({op(Opc::NocReadRuns), *buf, *cb, *slot, var, (int32_t)r.getRuns(),
              (int32_t)r.getLength(), (int32_t)r.getPerRow(), e[0], e[1], e[2],
              floatBits(r.getFill().convertToFloat()),
              r.getNearer() ? 1 : 0});
        return success();
      })
      .Case([&](noc::BarrierOp) {
        emit({op(Opc::NocBarrier)});
        return success();
      })
      .Case([&](noc::FlushOp) {
        emit({op(Opc::NocFlush)});
        return success();
      })
      .Case([&](noc::WaitGoOp) {
        emit({op(Opc::WaitGo)});
        return success();
      })
      .Case([&](noc::MulticastOp m) -> LogicalResult {
        FailureOr<int32_t> cb = cbId(m.getCb());
        SmallVector<int32_t> e;
        SmallVector<Value> operands = {m.getSlot(), m.getX0(), m.getY0(),
                                       m.getX1(),   m.getY1(), m.getDstSlot()};
        if (m.getNoc())
          operands.push_back(m.getNoc());
        if (failed(cb) || failed(exprs(operands, e)))
          return failure();
        if (m.getNoc())
          emit({op(Opc::NocMcastOn), *cb, e[0], e[1], e[2], e[3], e[4], e[5], e[6]});
        else
          emit({op(Opc::NocMcast), *cb, e[0], e[1], e[2], e[3], e[4], e[5]});
        return success();
      })
      .Case([&](noc::SemaphoreWaitOp s) -> LogicalResult {
        SmallVector<int32_t> e;
        if (failed(exprs({s.getValue()}, e)))
          return failure();
        emit({op(Opc::SemWait), (int32_t)s.getSem(), e[0]});
        return success();
      })
      .Case([&](noc::SemaphoreIncOp s) -> LogicalResult {
        SmallVector<int32_t> e;
        if (failed(exprs({s.getX(), s.getY()}, e)))
          return failure();
        emit({op(Opc::SemInc), e[0], e[1], (int32_t)s.getSem(), (int32_t)s.getIncrement()});
        return success();
      })
      .Case([&](tile::AcquireDstOp) {
        emit({op(Opc::DstAcquire)});
        return success();
      })
      .Case([&](tile::ReleaseDstOp) {
        emit({op(Opc::DstRelease)});
        return success();
      })
      .Case([&](tile::MatmulOp m) -> LogicalResult {
        SmallVector<int32_t> w;
        if (failed(tileOperands({m.getLhs(), m.getRhs()}, {m.getDst()}, w)))
          return failure();
        emit({op(m.getTransposeRhs() ? Opc::MatmulBt : Opc::Matmul), w[0], w[1], w[2], w[3],
              w[4]});
        return success();
      })
      .Case([&](tile::BinaryOp m) -> LogicalResult {
        SmallVector<int32_t> w;
        if (failed(tileOperands({m.getLhs(), m.getRhs()}, {m.getDst()}, w)))
          return failure();
        emit({op(Opc::Binary), (int32_t)m.getKind(), (int32_t)m.getBcast(), w[0], w[1], w[2], w[3],
              w[4]});
        return success();
      })
      .Case([&](tile::DstBinaryOp d) -> LogicalResult {
        SmallVector<int32_t> e;
        if (failed(exprs({d.getLhs(), d.getRhs(), d.getDst()}, e)))
          return failure();
        emit({op(Opc::DstBinary), (int32_t)d.getKind(), e[0], e[1], e[2]});
        return success();
      })
      .Case([&](tile::UnaryOp u) -> LogicalResult {
        SmallVector<int32_t> e;
        if (failed(exprs({u.getDst()}, e)))
          return failure();
        emit({op(Opc::Unary), (int32_t)u.getKind(), e[0], floatBits(u.getParam().convertToFloat())});
        return success();
      })
      .Case([&](tile::CopyOp c) -> LogicalResult {
        SmallVector<int32_t> w;
        if (failed(tileOperands({c.getInput()}, {c.getDst()}, w)))
          return failure();
        emit({op(Opc::Copy), w[0], w[1], w[2]});
        return success();
      })
      .Case([&](tile::TransposeOp c) -> LogicalResult {
        SmallVector<int32_t> w;
        if (failed(tileOperands({c.getInput()}, {c.getDst()}, w)))
          return failure();
        emit({op(Opc::Transpose), w[0], w[1], w[2]});
        return success();
      })
      .Case([&](tile::ReduceOp r) -> LogicalResult {
        SmallVector<int32_t> w;
        if (failed(tileOperands({r.getInput()}, {r.getDst()}, w)))
          return failure();
        emit({op(Opc::Reduce), (int32_t)r.getKind(), (int32_t)r.getDim(), r.getAccumulate() ? 1 : 0,
              w[0], w[1], w[2]});
        return success();
      })
      .Case([&](tile::MaskOp m) -> LogicalResult {
        SmallVector<int32_t> e;
        if (failed(exprs({m.getDst(), m.getRows(), m.getCols()}, e)))
          return failure();
        emit({op(Opc::Mask), e[0], e[1], e[2], floatBits(m.getFill().convertToFloat())});
        return success();
      })
      .Case([&](noc::CBPutOp p) -> LogicalResult {
        auto pack = p.getValue().getDefiningOp<tile::PackOp>();
        if (!pack)
          return p.emitError("only packed Dst tiles can be stored into a circular buffer");
        FailureOr<int32_t> cb = cbId(p.getCb());
        SmallVector<int32_t> e;
        if (failed(cb) || failed(exprs({pack.getDst(), p.getSlot()}, e)))
          return failure();
        emit({op(pack.getRelu()     ? Opc::PackRelu
                 : p.getAccumulate() ? Opc::PackAcc
                                     : Opc::Pack),
              e[0], *cb, e[1]});
        return success();
      })
      .Default([](Operation *other) {
        return other->emitError("cannot be encoded in kernel bytecode");
      });
}

FailureOr<rt::KernelConfigSize> tessel::target::kernelConfigSize(grid::DispatchOp dispatch) {
  Block &body = dispatch.getBody().front();
  DenseMap<Value, int32_t> argIndex;
  for (auto [i, arg] : llvm::enumerate(body.getArguments()))
    argIndex[arg] = int32_t(i);
  rt::KernelConfigSize size;
  for (auto kernel : body.getOps<noc::KernelOp>()) {
    FailureOr<EncodedKernel> encoded = KernelEncoder(argIndex).encode(kernel);
    if (failed(encoded))
      return failure();
    ++size.kernels;
    size.codeWords += int64_t(encoded->code.size());
    for (const std::vector<int32_t> &e : encoded->exprs)
      size.exprWords += int64_t(e.size());
  }
  size.cbs = int64_t(llvm::range_size(body.getOps<noc::CBOp>()));
  size.semaphores = kDispatchSemaphores;
  return size;
}
