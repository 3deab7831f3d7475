//===- FidelityTest.cpp - Math fidelity changes the numbers ---------------===//
//
// The multiplier model of Compute.cpp: srcA (matmul in1) gives the hidden bit
// and 4 mantissa MSBs per pass, srcB (in0) the hidden bit and 6; LoFi drops
// the rest, each further phase adds the next partial product.
//
//===----------------------------------------------------------------------===//
#include "TestBinaries.h"

#include "tessel/runtime/Formats.h"
#include "tessel/runtime/Simulator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace tessel::rt;
using namespace tessel::rt::test;
namespace ttb = tessel::ttb;

namespace {
constexpr int M = 64, K = 96, Nn = 64;

std::vector<float> runMatmul(const HostTensor &a, const HostTensor &b,
                             ttb::MathFidelity fidelity) {
  LoadedBinary bin;
  std::string error;
  EXPECT_TRUE(loadBinaryFromBytes(
      buildBinary(matmulSpec(M, K, Nn, DataFormat::BFloat16, DataFormat::Float32, fidelity)),
      testChip(), bin, error))
      << error;
  RunResult r;
  EXPECT_TRUE(runBinary(bin, {a, b}, SimOptions(), r, error)) << error;
  return r.outputs.empty() ? std::vector<float>() : r.outputs[0].data;
}

HostTensor randomBf16(const std::string &name, std::vector<int64_t> shape, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  HostTensor t{name, shape, std::vector<float>(size_t(numElements(shape)))};
  for (float &v : t.data)
    v = roundToFormat(dist(rng), DataFormat::BFloat16);
  return t;
}

std::vector<double> exactProduct(const HostTensor &a, const HostTensor &b) {
  std::vector<double> c(size_t(M * Nn), 0.0);
  for (int i = 0; i < M; ++i)
    for (int k = 0; k < K; ++k)
      for (int j = 0; j < Nn; ++j)
        c[size_t(i * Nn + j)] += double(a.data[size_t(i * K + k)]) * b.data[size_t(k * Nn + j)];
  return c;
}

double rmsError(const std::vector<float> &got, const std::vector<double> &ref) {
  double s = 0;
  for (size_t i = 0; i < ref.size(); ++i)
    s += (got[i] - ref[i]) * (got[i] - ref[i]);
  return std::sqrt(s / double(ref.size()));
}

const ttb::MathFidelity kAll[] = {ttb::MathFidelity::LoFi, ttb::MathFidelity::HiFi2,
                                  ttb::MathFidelity::HiFi3, ttb::MathFidelity::HiFi4};
} // namespace

TEST(Fidelity, MorePhasesLessErrorOnRandomBf16) {
  HostTensor a = randomBf16("a", {M, K}, 1), b = randomBf16("b", {K, Nn}, 2);
  std::vector<double> ref = exactProduct(a, b);
  double err[4];
  for (int f = 0; f < 4; ++f)
    err[f] = rmsError(runMatmul(a, b, kAll[f]), ref);
  EXPECT_GT(err[0], err[1]);
  EXPECT_GT(err[1], err[2]);
  EXPECT_GT(err[2], err[3]);
  // LoFi keeps 5 bits of in1: a relative error of a few percent per product.
  EXPECT_GT(err[0], 1e-2);
  // HiFi4 products of bf16 are exact; only the f32 accumulation rounds.
  EXPECT_LT(err[3], 1e-5);
}

TEST(Fidelity, HiFi4IsExactOnBf16) {
  HostTensor a = randomBf16("a", {M, K}, 3), b = randomBf16("b", {K, Nn}, 4);
  std::vector<float> got = runMatmul(a, b, ttb::MathFidelity::HiFi4);
  // Same order of f32 additions as the simulator: k ascending per tile, then
  // the tile sums into Dst.
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < Nn; ++j) {
      float dst = 0;
      for (int kt = 0; kt < K / 32; ++kt) {
        float acc = 0;
        for (int k = kt * 32; k < kt * 32 + 32; ++k)
          acc += a.data[size_t(i * K + k)] * b.data[size_t(k * Nn + j)];
        dst += acc;
      }
      ASSERT_EQ(got[size_t(i * Nn + j)], dst) << i << "," << j;
    }
}

TEST(Fidelity, FewMantissaBitsAreExactAtEveryFidelity) {
  // in1 (srcA) values with at most 4 explicit mantissa bits and in0 (srcB)
  // with at most 6 fit LoFi's single pass.
  HostTensor a{"a", {M, K}, std::vector<float>(size_t(M * K))};
  HostTensor b{"b", {K, Nn}, std::vector<float>(size_t(K * Nn))};
  for (size_t i = 0; i < a.data.size(); ++i)
    a.data[i] = float(int(i % 127) - 63) / 64.0f; // 6 significant bits
  for (size_t i = 0; i < b.data.size(); ++i)
    b.data[i] = float(int(i % 31) - 15) / 8.0f;   // 4 significant bits
  std::vector<float> lofi = runMatmul(a, b, ttb::MathFidelity::LoFi);
  for (ttb::MathFidelity f : kAll)
    EXPECT_EQ(runMatmul(a, b, f), lofi);
  std::vector<double> ref = exactProduct(a, b);
  for (size_t i = 0; i < ref.size(); ++i)
    ASSERT_EQ(double(lofi[i]), ref[i]) << i;
}

TEST(Fidelity, LoFiTruncatesTowardZero) {
  // -(1 + 2^-4 + 2^-6) in in1: LoFi sees the hidden bit and 4 MSBs of it,
  // -(1 + 2^-4); the rest is dropped, not rounded.
  HostTensor a{"a", {M, K}, std::vector<float>(size_t(M * K), 0.0f)};
  HostTensor b{"b", {K, Nn}, std::vector<float>(size_t(K * Nn), 0.0f)};
  a.data[0] = 1.0f;
  b.data[0] = -(1.0f + std::ldexp(1.0f, -4) + std::ldexp(1.0f, -6));
  EXPECT_EQ(runMatmul(a, b, ttb::MathFidelity::LoFi)[0], -(1.0f + std::ldexp(1.0f, -4)));
  EXPECT_EQ(runMatmul(a, b, ttb::MathFidelity::HiFi2)[0], b.data[0]);
  // in0 (srcB) keeps 6 MSBs at LoFi and HiFi2; its 7th bit arrives at HiFi3.
  a.data[0] = -(1.0f + std::ldexp(1.0f, -4) + std::ldexp(1.0f, -7));
  b.data[0] = 1.0f;
  EXPECT_EQ(runMatmul(a, b, ttb::MathFidelity::HiFi2)[0], -(1.0f + std::ldexp(1.0f, -4)));
  EXPECT_EQ(runMatmul(a, b, ttb::MathFidelity::HiFi3)[0], a.data[0]);
}

// MATMUL_BT multiplies by its B tile transposed (the unpacker's transpose of in1), with the same
// numbers as MATMUL of the tile it transposes: the same products, summed in the same order.
TEST(Fidelity, MatmulBtIsMatmulOfTheTransposedTile) {
  HostTensor a = randomBf16("a", {M, K}, 11), b = randomBf16("b", {K, Nn}, 12);
  HostTensor bt = b;
  for (int64_t i = 0; i < K; ++i)
    for (int64_t j = 0; j < Nn; ++j) {
      int64_t ti = i / 32 * 32, tj = j / 32 * 32, r = i % 32, c = j % 32;
      bt.data[size_t((ti + c) * Nn + tj + r)] = b.data[size_t(i * Nn + j)];
    }
  auto run = [](const BinarySpec &spec, const std::vector<HostTensor> &inputs) {
    LoadedBinary bin;
    std::string error;
    RunResult r;
    EXPECT_TRUE(loadBinaryFromBytes(buildBinary(spec), testChip(), bin, error)) << error;
    EXPECT_TRUE(runBinary(bin, inputs, SimOptions(), r, error)) << error;
    return r;
  };
  for (auto fidelity : {ttb::MathFidelity::LoFi, ttb::MathFidelity::HiFi4}) {
    RunResult plain = run(matmulSpec(M, K, Nn, DataFormat::BFloat16, DataFormat::Float32,
                                     fidelity),
                          {a, b});
    RunResult transposed = run(matmulSpec(M, K, Nn, DataFormat::BFloat16, DataFormat::Float32,
                                          fidelity, /*transposeB=*/true),
                               {a, bt});
    ASSERT_EQ(transposed.outputs.size(), 1u);
    ASSERT_EQ(transposed.outputs[0].data, plain.outputs[0].data);
    EXPECT_EQ(transposed.perf.cycles, plain.perf.cycles);
  }
}
