//===- Bytecode.h - Kernel instructions and affine expressions ------------===//
//
// The kernel bytecode of docs/ttb-format.md: opcodes with their fixed operand
// counts, and the postfix integer expressions kernels use for tile indices.
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_RUNTIME_BYTECODE_H
#define TESSEL_RUNTIME_BYTECODE_H

#include <cstdint>
#include <string>

namespace tessel::rt {

enum class Op : int32_t {
  EndLoop = 0,
  Loop = 1,
  CbReserve = 2,
  CbPush = 3,
  CbWait = 4,
  CbPop = 5,
  NocRead = 6,
  NocWrite = 7,
  NocBarrier = 8,
  DstAcquire = 9,
  DstRelease = 10,
  Matmul = 11,
  Binary = 12,
  Unary = 13,
  Copy = 14,
  Transpose = 15,
  Reduce = 16,
  Mask = 17,
  Pack = 18,
  SemWait = 19,
  SemInc = 20,
  NocMcast = 21,
  DstBinary = 22,
  NocReadSpan = 23,
  CbLoadIndex = 24,
  NocFlush = 25,
  CbTileNonzero = 26,
  // NOC_WRITE over NoC 0 (NOC_WRITE takes NoC 1): tt-metal's writes may take either NoC.
  NocWrite0 = 27,
  // PACK adding into the slot instead of overwriting it: the packer's L1 accumulation
  // (tt-metal's packer_l1_acc), which spares reloading partial sums into Dst.
  PackAcc = 28,
  // MATMUL of A by B transposed: the unpacker transposes the in1 tile as it loads srcA
  // (tt-metal's matmul_tiles(..., transpose)), as attention multiplies queries by keys.
  MatmulBt = 29,
  // NOC_READ_SPAN for each run of a slot (its rows, or equal pieces of them), over a run
  // variable, with the runs whose sources follow each other in one request: a data-movement
  // kernel walks the runs' addresses and reads each contiguous stretch at once.
  NocReadRuns = 30,
  // PACK of each value's ReLU (UNARY relu's values) as it converts them: the packer's ReLU
  // stage (tt-metal's pack_relu_config, which its matmuls use for a fused ReLU), at PACK's cost.
  PackRelu = 31,
  // NOC_MCAST over the NoC its last operand gives, 0 or 1 (NOC_MCAST takes NoC 1): tt-metal's
  // multicasts may take either NoC, and the senders of a row may alternate.
  NocMcastOn = 32,
  // NOC_READ over the NoC its last operand gives, 0 or 1 (NOC_READ takes NoC 0), request and
  // response alike: tt-metal's reads may take either NoC.
  NocReadOn = 33,
  // Waits for the barrier's go (a joined dispatch's; a launched one's has come). A data-movement
  // kernel may read constants into its CBs before it: it starts when the dispatch before it has
  // ended on every core, while the barrier's semaphores and go travel.
  WaitGo = 34,
};
inline constexpr int32_t kNumOps = 35;
/// Runs NOC_READ_RUNS walks at most: a tile's values, one by one.
inline constexpr int32_t kMaxReadRuns = 1024;

/// Operand words following opcode `op`; -1 for an unknown opcode.
int operandCount(int32_t op);
/// One letter per operand word of `op`: c cb id, e expr index, b position in
/// the dispatch's buffers, s semaphore, n tile count of a CB op, v loop
/// variable, p loop end pc, r raw word (f32 bits or a count), B binary op,
/// G broadcast, U unary op, R reduce op, D reduce dim, A accumulate flag.
const char *operandKinds(int32_t op);
/// Upper-case mnemonic ("CB_WAIT"); "?" for an unknown opcode.
const char *opName(int32_t op);

enum class BinaryOp : int32_t {
  Add = 0, Sub = 1, Mul = 2, Max = 3, Min = 4, Div = 5, Pow = 6, Fmod = 7, Mod = 8,
  Equal = 9, Less = 10, Greater = 11, LessEqual = 12, GreaterEqual = 13,
  And = 14, Or = 15, Xor = 16, PRelu = 17, WhereInto = 18
};
enum class Broadcast : int32_t { None = 0, Rows = 1, Cols = 2, Scalar = 3 };
enum class UnaryOp : int32_t {
  Relu = 0, Exp = 1, Reciprocal = 2, Negate = 3, Scale = 4, AddScalar = 5, Abs = 6, Sqrt = 7,
  Log = 8, Sigmoid = 9, Tanh = 10, Erf = 11, Sin = 12, Cos = 13, Floor = 14, Ceil = 15,
  Round = 16, Sign = 17, MaxScalar = 18, MinScalar = 19, LeakyRelu = 20, Elu = 21,
  Softplus = 22, Not = 23, PowScalar = 24, Square = 25, ThresholdedRelu = 26, Rsqrt = 27,
  IsNan = 28, IsInf = 29, Tan = 30, Asin = 31, Acos = 32, Atan = 33, Sinh = 34, Cosh = 35, Asinh = 36, Acosh = 37, Atanh = 38, Gelu = 39, GeluTanh = 40, DivScalar = 41,
  // The SFPU's typecasts in a 32-bit Dst: an int32 to the nearest f32, an f32 to int32
  // truncated toward zero (saturating; NaN gives 0).
  ToFloat = 42, ToInt = 43
};
enum class ReduceOp : int32_t { Sum = 0, Max = 1, Min = 2, Prod = 3 };
/// Whether the op has an integer form, which a dispatch whose Dst is int32 computes on the SFPU
/// (wrapping add, sub, mul and pow; truncating div, mod, fmod; max, min; comparisons giving 1 or 0;
/// where; relu, negate, abs, sign; the typecasts). The compiler's verifiers ask the same.
bool hasIntegerForm(BinaryOp op);
bool hasIntegerForm(UnaryOp op);
inline constexpr int32_t kNumBinaryOps = 19, kNumBroadcasts = 4,
                         kNumUnaryOps = 44, kNumReduceOps = 4;

/// The fixed variables every kernel sees; loop counters start at kFirstLoopVar.
enum Var : int { VarCoreX = 0, VarCoreY = 1, VarCoreIndex = 2, VarNumCores = 3 };
inline constexpr int kFirstLoopVar = 4;

/// Ref pushes the value of an earlier expression of the same kernel (its operand: that
/// expression's index), so that sub-terms an index repeats are written once.
enum class ExprTag : int64_t {
  Const = 0, Var = 1, Add = 2, Mul = 3, FloorDiv = 4, Mod = 5, CeilDiv = 6, Ref = 7
};
/// An expression is postfix terms, one 32-bit word each: the operand (a constant, a variable's
/// index, an expression's index; 0 for an operator) times 8, plus the tag. Operands must lie
/// within +-kMaxExprOperand (the compiler writes a larger constant as a sum of products).
inline constexpr int32_t kMaxExprOperand = (int32_t(1) << 28) - 1;
inline int32_t exprTerm(ExprTag tag, int64_t operand) {
  return int32_t(uint32_t(operand) * 8u + uint32_t(tag));
}
inline ExprTag exprTag(int32_t term) { return ExprTag(term & 7); }
inline int64_t exprOperand(int32_t term) { return term >> 3; }
/// Deepest evaluation stack a verified expression may need.
inline constexpr int kMaxExprDepth = 64;

/// Static check of a postfix program of `terms` words: known
/// tags, variables below `numVars`, references to the `earlier` expressions
/// before it only, no stack underflow, depth at most kMaxExprDepth, exactly
/// one value left.
bool checkExpr(const int32_t *code, size_t terms, uint32_t numVars, size_t earlier,
               std::string &error);

/// Evaluates a checked expression; `earlier` holds the values of the kernel's
/// expressions before it (those a Ref reads). Fails (with `error`) on a
/// divisor <= 0 or on 64-bit overflow.
bool evalExpr(const int32_t *code, size_t terms, const int64_t *vars, const int64_t *earlier,
              int64_t &result, std::string &error);

/// Binary operator `tag` (Add .. CeilDiv) applied to a and b; fails (with
/// `error`) as evalExpr does.
bool applyExprOp(ExprTag tag, int64_t a, int64_t b, int64_t &r, std::string &error);

} // namespace tessel::rt

#endif
