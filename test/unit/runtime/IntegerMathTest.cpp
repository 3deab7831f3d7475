//===- IntegerMathTest.cpp - int32 tiles and the int32 Dst ----------------===//
#include "Compute.h"
#include "TestBinaries.h"

#include "tessel/runtime/Formats.h"
#include "tessel/runtime/Simulator.h"
#include "tessel/runtime/TensorIO.h"

#include <gtest/gtest.h>

#include <climits>
#include <cmath>
#include <vector>

using namespace tessel::rt;
using namespace tessel::rt::test;
namespace ttb = tessel::ttb;

namespace {
constexpr DataFormat kI32 = DataFormat::Int32;

std::vector<float> slots(std::vector<int32_t> values) {
  std::vector<float> tile(kTileElems, int32Slot(0));
  for (size_t i = 0; i < values.size(); ++i)
    tile[i] = int32Slot(values[i]);
  return tile;
}

int32_t at(const std::vector<float> &tile, size_t i) { return slotInt32(tile[i]); }
} // namespace

// Values past 2^24, where f32 is no longer exact, and past int32's ends, where the chip's adder
// and multiplier wrap.
TEST(IntegerMath, BinaryOpsAreExactAndWrap) {
  std::vector<float> a = slots({16777217, INT_MAX, 123456789, -7, 5, 5}),
                     b = slots({1, 1, 3, 7, 5, -5}), d(kTileElems);
  auto binary = [&](BinaryOp op) {
    tileBinary(op, Broadcast::None, a.data(), b.data(), d.data(), /*fpu=*/false,
               ttb::MathFidelity::HiFi4, kI32);
  };
  binary(BinaryOp::Add);
  EXPECT_EQ(at(d, 0), 16777218);
  EXPECT_EQ(at(d, 1), INT_MIN);
  binary(BinaryOp::Mul);
  EXPECT_EQ(at(d, 2), 370370367);
  EXPECT_EQ(at(d, 3), -49);
  binary(BinaryOp::Sub);
  EXPECT_EQ(at(d, 0), 16777216);
  EXPECT_EQ(at(d, 5), 10);
  binary(BinaryOp::Max);
  EXPECT_EQ(at(d, 3), 7);
  binary(BinaryOp::Less);
  EXPECT_EQ(at(d, 3), 1);
  EXPECT_EQ(at(d, 4), 0);
  binary(BinaryOp::Equal);
  EXPECT_EQ(at(d, 4), 1);
  EXPECT_EQ(at(d, 0), 0);
}

TEST(IntegerMath, DivisionTruncatesAndRemaindersTakeTheirSigns) {
  std::vector<float> a = slots({-7, 7, INT_MIN, 123456789, 5}), b = slots({2, -2, -1, 10, 0}),
                     d(kTileElems);
  auto binary = [&](BinaryOp op) {
    tileBinary(op, Broadcast::None, a.data(), b.data(), d.data(), false,
               ttb::MathFidelity::HiFi4, kI32);
  };
  binary(BinaryOp::Div);
  EXPECT_EQ(at(d, 0), -3);
  EXPECT_EQ(at(d, 1), -3);
  EXPECT_EQ(at(d, 2), INT_MIN); // wraps, as the negation does
  EXPECT_EQ(at(d, 3), 12345678);
  EXPECT_EQ(at(d, 4), 0);
  binary(BinaryOp::Mod);
  EXPECT_EQ(at(d, 0), 1);  // the divisor's sign
  EXPECT_EQ(at(d, 1), -1);
  EXPECT_EQ(at(d, 3), 9);
  binary(BinaryOp::Pow);
  EXPECT_EQ(at(d, 0), 49);  // (-7)^2
  EXPECT_EQ(at(d, 1), 0);   // 7^-2 truncates to 0
  EXPECT_EQ(at(d, 2), 0);   // INT_MIN^-1 too
  EXPECT_EQ(at(d, 4), 1);   // 5^0
  uint32_t wrapped = 1;
  for (int k = 0; k < 10; ++k)
    wrapped *= 123456789u;
  EXPECT_EQ(at(d, 3), int32_t(wrapped)); // 123456789^10, wrapping as int32
  binary(BinaryOp::Fmod);
  EXPECT_EQ(at(d, 0), -1); // the dividend's sign
  EXPECT_EQ(at(d, 1), 1);
  EXPECT_EQ(at(d, 4), 0);
  ChipDesc chip = testChip();
  EXPECT_GT(binaryCycles(chip, BinaryOp::Div, kI32, kI32, ttb::MathFidelity::HiFi4),
            binaryCycles(chip, BinaryOp::Div, DataFormat::Float32, DataFormat::Float32,
                         ttb::MathFidelity::HiFi4));
}

TEST(IntegerMath, RowBroadcastAndDstOps) {
  std::vector<float> a = slots({}), row = slots({}), d(kTileElems);
  for (int r = 0; r < 32; ++r)
    a[size_t(r * 32)] = int32Slot(r * 60000000 + 16777216);
  row[0] = int32Slot(3);
  tileBinary(BinaryOp::Add, Broadcast::Rows, a.data(), row.data(), d.data(), false,
             ttb::MathFidelity::HiFi4, kI32);
  EXPECT_EQ(at(d, 31 * 32), 1876777219); // every row gets row 0 of the rhs, exactly
  std::vector<float> x = slots({INT_MIN, -5, 0, 9}), y = slots({1, 2, 3, 4}), out(kTileElems);
  tileDstBinary(BinaryOp::Mul, x.data(), y.data(), out.data(), kI32);
  EXPECT_EQ(at(out, 3), 36);
  tileUnary(UnaryOp::Negate, 0.0f, x.data(), kI32);
  EXPECT_EQ(at(x, 0), INT_MIN); // -INT_MIN wraps, as two's complement does
  EXPECT_EQ(at(x, 1), 5);
  tileUnary(UnaryOp::Sign, 0.0f, x.data(), kI32);
  EXPECT_EQ(at(x, 0), -1);
  EXPECT_EQ(at(x, 2), 0);
  tileMask(out.data(), 1, 1, -3.0e38f, kI32);
  EXPECT_EQ(at(out, 1), INT_MIN); // the fill saturates into int32
}

TEST(IntegerMath, ReducesFoldExactly) {
  std::vector<float> a = slots({}), d = slots({});
  for (int c = 0; c < 32; ++c)
    a[size_t(c)] = int32Slot(c == 5 ? INT_MAX : 16777217 + c); // row 0
  a[32] = int32Slot(INT_MIN); // row 1, column 0
  tileReduce(ReduceOp::Max, 0, false, a.data(), d.data(), kI32);
  EXPECT_EQ(at(d, 0), INT_MAX);
  tileReduce(ReduceOp::Min, 1, false, a.data(), d.data(), kI32);
  EXPECT_EQ(at(d, 0), INT_MIN); // column 0 into row 0
  d = slots({});
  tileReduce(ReduceOp::Sum, 0, false, a.data(), d.data(), kI32);
  int64_t sum = 0;
  for (int c = 0; c < 32; ++c)
    sum += c == 5 ? INT_MAX : 16777217 + c;
  EXPECT_EQ(at(d, 0), int32_t(uint32_t(uint64_t(sum)))); // wraps as int32
  tileReduce(ReduceOp::Sum, 0, true, a.data(), d.data(), kI32);
  EXPECT_EQ(at(d, 0), int32_t(uint32_t(uint64_t(2 * sum))));
}

// Integer products summed exactly and added to Dst, wrapping as int32; charged every
// multiplier phase whatever the fidelity.
TEST(IntegerMath, MatmulIsExact) {
  std::vector<float> a(kTileElems), b(kTileElems), d = slots({INT_MAX});
  for (int64_t e = 0; e < kTileElems; ++e) {
    a[size_t(e)] = int32Slot(int32_t(e % 255));
    b[size_t(e)] = int32Slot(int32_t(e % 127) - 63);
  }
  tileMatmul(a.data(), b.data(), d.data(), kI32, kI32, ttb::MathFidelity::LoFi, kI32);
  for (int i : {0, 7, 31})
    for (int j : {0, 13, 31}) {
      int64_t want = i == 0 && j == 0 ? INT_MAX : 0;
      for (int k = 0; k < 32; ++k)
        want += int64_t((i * 32 + k) % 255) * ((k * 32 + j) % 127 - 63);
      EXPECT_EQ(at(d, size_t(i * 32 + j)), int32_t(uint32_t(uint64_t(want)))) << i << "," << j;
    }
  ChipDesc chip = testChip();
  EXPECT_EQ(matmulCycles(chip, kI32, kI32, ttb::MathFidelity::LoFi),
            matmulCycles(chip, kI32, kI32, ttb::MathFidelity::HiFi4));
}

TEST(IntegerMath, Int32RunsOnTheSfpu) {
  ChipDesc chip = testChip();
  EXPECT_EQ(binaryCycles(chip, BinaryOp::Add, kI32, kI32, ttb::MathFidelity::HiFi4),
            binaryCycles(chip, BinaryOp::Add, DataFormat::Float32, DataFormat::Float32,
                         ttb::MathFidelity::HiFi4));
  EXPECT_GT(binaryCycles(chip, BinaryOp::Add, kI32, kI32, ttb::MathFidelity::HiFi4),
            binaryCycles(chip, BinaryOp::Add, DataFormat::BFloat16, DataFormat::BFloat16,
                         ttb::MathFidelity::HiFi4));
}

namespace {
bool runCopy(DataFormat dst, const HostTensor &x, RunResult &r, std::string &error) {
  BinarySpec spec = copySpec(x.shape, kI32);
  spec.dispatches[0].dstFormat = dst;
  LoadedBinary bin;
  if (!loadBinaryFromBytes(buildBinary(spec), testChip(), bin, error))
    return false;
  return runBinary(bin, {x}, SimOptions{}, r, error);
}
} // namespace

// An int32 tensor goes onto the chip, through the unpacker, Dst and the packer, and back, every
// value exact.
TEST(IntegerMath, Int32TensorsRoundTripExactly) {
  HostTensor x{"x", {2, 40}};
  for (int i = 0; i < 80; ++i) {
    x.ints.push_back(i % 3 == 0 ? INT_MAX - i : i % 3 == 1 ? INT_MIN + i : 16777217 + i);
    x.data.push_back(float(x.ints.back()));
  }
  RunResult r;
  std::string error;
  ASSERT_TRUE(runCopy(kI32, x, r, error)) << error;
  EXPECT_EQ(r.outputs[0].ints, x.ints);
  // Written as .npy int32, the values stay exact.
  HostTensor back;
  std::string bytes = npyBytes(r.outputs[0], "i32");
  ASSERT_TRUE(parseNpy(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size(), back,
                       error, "i32"))
      << error;
  EXPECT_EQ(back.ints, x.ints);
}

// A bf16 Dst holds 16 bits a value: no int32 tile goes through it.
TEST(IntegerMath, Int32TilesNeedA32BitDst) {
  HostTensor x{"x", {32, 32}, std::vector<float>(1024, 1.0f)};
  RunResult r;
  std::string error;
  EXPECT_FALSE(runCopy(DataFormat::BFloat16, x, r, error));
  EXPECT_NE(error.find("COPY takes a tile of int32 with a bf16 Dst"), std::string::npos) << error;
  // An f32 Dst moves its bits unchanged.
  x.ints.assign(1024, INT_MIN + 3);
  ASSERT_TRUE(runCopy(DataFormat::Float32, x, r, error)) << error;
  EXPECT_EQ(r.outputs[0].ints, x.ints);
}

TEST(IntegerMath, TypecastsConvertBetweenInt32AndF32) {
  std::vector<float> d = slots({16777217, -7, INT_MAX});
  tileUnary(UnaryOp::ToFloat, 0.0f, d.data(), kI32);
  EXPECT_EQ(d[0], 16777216.0f); // to the nearest f32
  EXPECT_EQ(d[1], -7.0f);
  d[0] = -2.9f;
  d[1] = 3.0e9f;
  d[2] = std::nanf("");
  tileUnary(UnaryOp::ToInt, 0.0f, d.data(), DataFormat::Float32);
  EXPECT_EQ(at(d, 0), -2); // truncated toward zero
  EXPECT_EQ(at(d, 1), INT_MAX);
  EXPECT_EQ(at(d, 2), 0);
}
