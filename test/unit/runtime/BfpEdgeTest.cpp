//===- BfpEdgeTest.cpp - Data formats on edge values ----------------------===//
//
// Block floating point as tt-metal's packer produces it (Formats.cpp): shared
// exponent = largest of the block, zeros and denormals flushed, mantissas
// shifted (dropping bits) then rounded to nearest even and saturated. Also
// f32, bf16 and int32 on zero, denormals, NaN and Inf.
//
//===----------------------------------------------------------------------===//
#include "FloatBits.h"
#include "tessel/runtime/Formats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

using namespace tessel::rt;

namespace {
const float kInf = std::numeric_limits<float>::infinity();


// Rounds the first block of an otherwise zero tile holding `values`.
std::vector<float> roundBlock(std::vector<float> values, DataFormat fmt) {
  std::vector<float> tile(kTileElems, 0.0f);
  std::copy(values.begin(), values.end(), tile.begin());
  roundTile(tile.data(), fmt);
  return {tile.begin(), tile.begin() + long(values.size())};
}

// `tile` encoded as the packer encodes it, and decoded again.
std::vector<float> packedAndBack(const std::vector<float> &tile, DataFormat fmt) {
  std::vector<uint8_t> bytes(size_t(tileBytes(fmt)));
  encodeTile(tile.data(), fmt, bytes.data());
  std::vector<float> decoded(kTileElems);
  decodeTile(bytes.data(), fmt, decoded.data());
  return decoded;
}

std::vector<uint8_t> encode(std::vector<float> values, DataFormat fmt) {
  std::vector<float> tile(kTileElems, 0.0f);
  std::copy(values.begin(), values.end(), tile.begin());
  std::vector<uint8_t> bytes(size_t(tileBytes(fmt)));
  encodeTile(tile.data(), fmt, bytes.data());
  return bytes;
}
} // namespace

TEST(BfpEdge, ZeroAndNegativeZeroEncodeAsZero) {
  for (DataFormat fmt : {DataFormat::Bfp8_b, DataFormat::Bfp4_b, DataFormat::Bfp2_b}) {
    std::vector<uint8_t> bytes = encode({0.0f, -0.0f}, fmt);
    for (uint8_t b : bytes)
      ASSERT_EQ(b, 0) << formatName(fmt);
    std::vector<float> r = roundBlock({-0.0f}, fmt);
    EXPECT_EQ(bitsOf(r[0]), 0u) << "the sign of a zero magnitude is cleared";
  }
}

TEST(BfpEdge, DenormalsFlushToZero) {
  float denormal = fromBits(0x00400000u), tinyNormal = fromBits(0x00800000u);
  std::vector<float> r = roundBlock({denormal, tinyNormal, -denormal}, DataFormat::Bfp8_b);
  EXPECT_EQ(r[0], 0.0f);
  EXPECT_EQ(r[1], tinyNormal);
  EXPECT_EQ(bitsOf(r[2]), 0u);
  // bf16 keeps denormals (the packer's bf16 path does not flush).
  EXPECT_EQ(roundToFormat(denormal, DataFormat::BFloat16), denormal);
}

TEST(BfpEdge, BytesOfASimpleBlock) {
  std::vector<uint8_t> bytes = encode({1.0f, -0.5f, 0.75f}, DataFormat::Bfp8_b);
  EXPECT_EQ(bytes[0], 127);      // shared exponent of block 0
  EXPECT_EQ(bytes[1], 0);        // block 1: all zero
  EXPECT_EQ(bytes[64], 0x40);    // 1.0: magnitude 64 = 1.000000b
  EXPECT_EQ(bytes[65], 0x80 | 32);
  EXPECT_EQ(bytes[66], 48);
  bytes = encode({1.0f, -0.5f}, DataFormat::Bfp4_b);
  EXPECT_EQ(bytes[64], 0x4 | (0x8 | 0x2) << 4);
  bytes = encode({1.0f, -1.0f, 0.5f, 0.25f}, DataFormat::Bfp2_b);
  // 1 -> 01, -1 -> 11, 0.5 -> magnitude 0.5 ties to even 0 -> 00, 0.25 -> 00.
  EXPECT_EQ(bytes[64], 0x1 | 0x3 << 2);
}

TEST(BfpEdge, BlockSpanningManyExponents) {
  std::vector<float> v;
  for (int k = 0; k < 16; ++k)
    v.push_back(std::ldexp(1.0f, -k));
  std::vector<float> r8 = roundBlock(v, DataFormat::Bfp8_b);
  for (int k = 0; k <= 6; ++k)
    EXPECT_EQ(r8[size_t(k)], v[size_t(k)]) << k; // 7 magnitude bits reach 2^-6
  for (int k = 7; k < 16; ++k)
    EXPECT_EQ(r8[size_t(k)], 0.0f) << k;         // 2^-7 is a tie: to even, 0
  std::vector<float> r4 = roundBlock(v, DataFormat::Bfp4_b);
  EXPECT_EQ(r4[2], 0.25f);
  EXPECT_EQ(r4[3], 0.0f);
  // Just above the tie rounds up to the smallest magnitude.
  EXPECT_EQ(roundBlock({1.0f, 1.5f * std::ldexp(1.0f, -7)}, DataFormat::Bfp8_b)[1],
            std::ldexp(1.0f, -6));
  // A large exponent range: the largest value keeps its precision, the tiny
  // ones vanish, each block on its own.
  std::vector<float> wide = {3.0e30f, 1.0f, -2.5e-30f, 7.0f};
  std::vector<float> rw = roundBlock(wide, DataFormat::Bfp8_b);
  EXPECT_NEAR(rw[0], 3.0e30f, 3.0e30f / 64);
  EXPECT_EQ(rw[1], 0.0f);
  EXPECT_EQ(rw[2], 0.0f);
}

TEST(BfpEdge, ShiftDropsBitsBeforeRounding) {
  // 0.5 * (1 + 2^-6 + 2^-23) next to 1.0: exact rounding to 1/64 steps would
  // go up (just above the tie), but the packer shifts the lowest bit out
  // first, sees an exact tie and rounds to even.
  float x = 0.5f * (1.0f + std::ldexp(1.0f, -6) + std::ldexp(1.0f, -23));
  EXPECT_EQ(roundBlock({1.0f, x}, DataFormat::Bfp8_b)[1], 0.5f);
  // Without a shift nothing is dropped: the tie goes to even, above it up.
  EXPECT_EQ(roundBlock({1.0f + std::ldexp(1.0f, -7)}, DataFormat::Bfp8_b)[0], 1.0f);
  EXPECT_EQ(roundBlock({1.0f + 3 * std::ldexp(1.0f, -7)}, DataFormat::Bfp8_b)[0],
            1.0f + std::ldexp(1.0f, -5));
}

TEST(BfpEdge, SaturatesInsteadOfCarryingIntoTheExponent) {
  // 1.999 rounds to 2.0 at 7 bits, but the shared exponent stays at 2^0: the
  // magnitude saturates at 127/64.
  EXPECT_EQ(roundBlock({1.999f}, DataFormat::Bfp8_b)[0], 127.0f / 64);
  EXPECT_EQ(roundBlock({1.999f}, DataFormat::Bfp4_b)[0], 7.0f / 4);
  EXPECT_EQ(roundBlock({-1.999f}, DataFormat::Bfp2_b)[0], -1.0f);
}

TEST(BfpEdge, InfAndNaN) {
  float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> r = roundBlock({kInf, 1.0f, std::ldexp(1.0f, 127), -kInf, nan},
                                    DataFormat::Bfp8_b);
  EXPECT_EQ(r[0], kInf);
  EXPECT_EQ(r[1], 0.0f);                    // far below the shared exponent 255
  EXPECT_EQ(r[2], std::ldexp(1.0f, 127));   // one below it keeps its value
  EXPECT_EQ(r[3], -kInf);
  EXPECT_TRUE(std::isnan(r[4]));
  EXPECT_TRUE(std::isnan(roundBlock({nan}, DataFormat::Bfp4_b)[0]));
  // bfp2_b's single magnitude bit cannot tell NaN from Inf.
  EXPECT_EQ(roundBlock({nan}, DataFormat::Bfp2_b)[0], kInf);
  EXPECT_EQ(roundBlock({-kInf}, DataFormat::Bfp2_b)[0], -kInf);
}

TEST(BfpEdge, EncodeDecodeAgreeWithRoundTile) {
  std::vector<float> tile(kTileElems);
  for (int64_t i = 0; i < kTileElems; ++i)
    tile[size_t(i)] = std::ldexp(float((i * 7919) % 2001 - 1000), int(i % 41) - 20);
  tile[5] = kInf;
  tile[77] = fromBits(0x00000123u);
  for (DataFormat fmt : {DataFormat::Bfp8_b, DataFormat::Bfp4_b, DataFormat::Bfp2_b,
                         DataFormat::BFloat16, DataFormat::Float32, DataFormat::Int32}) {
    std::vector<float> rounded = tile;
    roundTile(rounded.data(), fmt);
    std::vector<float> decoded = packedAndBack(tile, fmt);
    for (int64_t i = 0; i < kTileElems; ++i)
      ASSERT_EQ(bitsOf(decoded[size_t(i)]), bitsOf(rounded[size_t(i)]))
          << formatName(fmt) << " element " << i;
    // Rounding is idempotent.
    std::vector<float> twice = rounded;
    roundTile(twice.data(), fmt);
    EXPECT_EQ(twice, rounded) << formatName(fmt);
  }
}

// roundTile rounds a block as one vector (Formats.cpp, bfpRoundLanes); the packer encodes it a
// value at a time. On blocks of random bits, exponents from the whole range (0, denormals and
// 255 included) or from a few neighbours, both give the same bits.
TEST(BfpEdge, RoundTileAgreesWithThePackerOnRandomBits) {
  uint64_t state = 0x9E3779B97F4A7C15u;
  auto next = [&] {
    state = state * 6364136223846793005u + 1442695040888963407u;
    return uint32_t(state >> 32);
  };
  for (int trial = 0; trial < 400; ++trial) {
    std::vector<float> tile(kTileElems);
    for (int64_t block = 0; block < kTileElems; block += kBfpBlock) {
      uint32_t base = next() % 256, spread = 1u << (next() % 9);
      for (int64_t i = block; i < block + kBfpBlock; ++i) {
        uint32_t r = next();
        uint32_t exp = (trial % 2 ? next() % 256 : (base + r % spread) % 256);
        if (r % 13 == 0)
          exp = 0; // a zero or a denormal
        // A quarter keep only the mantissa's top 9 bits: rounding ties then come often.
        uint32_t mantissa = next() & (r % 4 == 1 ? 0x7FC000u : 0x7FFFFFu);
        tile[size_t(i)] = fromBits((r & 0x80000000u) | exp << 23 | mantissa);
      }
    }
    for (DataFormat fmt : {DataFormat::Bfp8_b, DataFormat::Bfp4_b, DataFormat::Bfp2_b}) {
      std::vector<float> rounded = tile;
      roundTile(rounded.data(), fmt);
      std::vector<float> decoded = packedAndBack(tile, fmt);
      for (int64_t i = 0; i < kTileElems; ++i)
        ASSERT_EQ(bitsOf(rounded[size_t(i)]), bitsOf(decoded[size_t(i)]))
            << formatName(fmt) << " trial " << trial << " element " << i << " of bits "
            << std::hex << bitsOf(tile[size_t(i)]);
    }
  }
}

// Every code of every shared exponent decodes to mag * 2^(exp - 127 - (bits - 1)), exactly,
// denormal results included; with exponent 255 and the magnitude's top bit set, Inf (no other
// bit) or NaN.
TEST(BfpEdge, EveryCodeDecodesExactly) {
  for (DataFormat fmt : {DataFormat::Bfp8_b, DataFormat::Bfp4_b, DataFormat::Bfp2_b}) {
    int bits = fmt == DataFormat::Bfp8_b ? 7 : fmt == DataFormat::Bfp4_b ? 3 : 1;
    int perByte = 8 / (bits + 1);
    uint32_t codes = 1u << (bits + 1), top = 1u << (bits - 1);
    for (int exp = 0; exp < 256; ++exp) {
      std::vector<uint8_t> bytes(size_t(tileBytes(fmt)), 0);
      std::fill(bytes.begin(), bytes.begin() + kTileElems / 16, uint8_t(exp));
      for (int64_t e = 0; e < kTileElems; ++e)
        bytes[size_t(kTileElems / 16 + e / perByte)] |=
            uint8_t((uint32_t(e) % codes) << ((e % perByte) * (bits + 1)));
      std::vector<float> tile(kTileElems);
      decodeTile(bytes.data(), fmt, tile.data());
      for (int64_t e = 0; e < kTileElems; ++e) {
        uint32_t code = uint32_t(e) % codes, mag = code & ((1u << bits) - 1);
        bool negative = code >> bits;
        if (exp == 255 && (mag & top)) {
          if (mag & ~top)
            ASSERT_TRUE(std::isnan(tile[size_t(e)])) << formatName(fmt) << " " << exp;
          else
            ASSERT_EQ(tile[size_t(e)], negative ? -kInf : kInf) << formatName(fmt) << " " << exp;
          continue;
        }
        float want = std::ldexp(float(mag), exp - 127 - (bits - 1));
        ASSERT_EQ(bitsOf(tile[size_t(e)]), bitsOf(negative ? -want : want))
            << formatName(fmt) << " exp " << exp << " code " << code;
      }
    }
  }
}

TEST(FormatEdge, F32KeepsEveryBitPattern) {
  for (uint32_t b : {0x00000001u, 0x80000000u, 0x7F800000u, 0x7FC00001u, 0xFF7FFFFFu})
    EXPECT_EQ(bitsOf(roundToFormat(fromBits(b), DataFormat::Float32)), b);
}

TEST(FormatEdge, Int32SlotsHoldEveryInt32Exactly) {
  const DataFormat i32 = DataFormat::Int32;
  for (int32_t v : {0, 1, -1, 16777217, -16777217, 2147483647, -2147483647 - 1}) {
    float slot = int32Slot(v);
    EXPECT_EQ(slotInt32(roundToFormat(slot, i32)), v);
    std::vector<float> tile(kTileElems, slot);
    std::vector<uint8_t> bytes(size_t(tileBytes(i32)));
    encodeTile(tile.data(), i32, bytes.data());
    uint32_t word = uint32_t(bytes[0]) | uint32_t(bytes[1]) << 8 | uint32_t(bytes[2]) << 16 |
                    uint32_t(bytes[3]) << 24;
    EXPECT_EQ(int32_t(word), v); // two's complement, little-endian, as the chip stores it
    std::vector<float> back(kTileElems);
    decodeTile(bytes.data(), i32, back.data());
    EXPECT_EQ(slotInt32(back[0]), v);
  }
}

TEST(FormatEdge, SaturateInt32RoundsTiesToEvenAndZeroesNaN) {
  EXPECT_EQ(saturateInt32(0.5), 0);
  EXPECT_EQ(saturateInt32(1.5), 2);
  EXPECT_EQ(saturateInt32(-2.5), -2);
  EXPECT_EQ(saturateInt32(3.0e9), 2147483647);
  EXPECT_EQ(saturateInt32(-double(kInf)), -2147483647 - 1);
  EXPECT_EQ(saturateInt32(std::nan("")), 0);
}
