//===- Formats.cpp - Data formats, rounding, tilization -------------------===//
//
// Block floating point layout of one tile (our own, documented here because
// docs/ttb-format.md fixes only the sizes): 64 exponent bytes first, one per
// block of 16 consecutive row-major values (a row of one 16x16 face, the same
// grouping as tt-metal's), then the sign-magnitude mantissas with no hidden
// bit: bfp8_b one byte per value (sign in bit 7, 7 magnitude bits), bfp4_b a
// nibble (sign bit 3, 3 bits; even element in the low nibble), bfp2_b two bits
// (sign bit 1, 1 bit; element 4k in the lowest bits).
//
// Values are what tt-metal's packer (convert_u32_to_bfp, round to nearest)
// produces:
//   - the shared exponent is the largest biased f32 exponent of the block,
//     255 included (Inf, NaN);
//   - zeros and denormals encode as 0 (the packer flushes them);
//   - a value's 24-bit mantissa (hidden bit made explicit) is shifted right by
//     (shared - own exponent), dropping the bits shifted out, then rounded to
//     `bits` bits at nearest, ties to even on what is left, and saturated;
//   - a magnitude of 0 clears the sign.
// Decoding normalises the magnitude: mag * 2^(exp - 127 - (bits - 1)). With
// exponent 255 and the magnitude's top bit set the value is Inf (no other
// bit) or NaN; bfp2_b has no bit to tell them apart, so NaN decodes as Inf.
//
//===----------------------------------------------------------------------===//
#include "tessel/runtime/Formats.h"

#include "Bf16.h"
#include "HostVectors.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace tessel::rt {

int64_t tileBytes(DataFormat fmt) {
  switch (fmt) {
  case DataFormat::Float32: return 4096;
  case DataFormat::BFloat16: return 2048;
  case DataFormat::Bfp8_b: return 1088;
  case DataFormat::Bfp4_b: return 576;
  case DataFormat::Bfp2_b: return 320;
  case DataFormat::Int32: return 4096;
  }
  return 0;
}

const char *formatName(DataFormat fmt) {
  switch (fmt) {
  case DataFormat::Float32: return "f32";
  case DataFormat::BFloat16: return "bf16";
  case DataFormat::Bfp8_b: return "bfp8_b";
  case DataFormat::Bfp4_b: return "bfp4_b";
  case DataFormat::Bfp2_b: return "bfp2_b";
  case DataFormat::Int32: return "int32";
  }
  return "unknown";
}

namespace {

uint32_t bitsOf(float v) {
  uint32_t b;
  std::memcpy(&b, &v, 4);
  return b;
}
float fromBits(uint32_t b) {
  float v;
  std::memcpy(&v, &b, 4);
  return v;
}


} // namespace

int32_t saturateInt32(double v) {
  if (std::isnan(v))
    return 0;
  double r = std::nearbyint(v);
  return r <= double(INT32_MIN) ? INT32_MIN : r >= double(INT32_MAX) ? INT32_MAX : int32_t(r);
}

namespace {

int bfpMantissaBits(DataFormat fmt) {
  switch (fmt) {
  case DataFormat::Bfp8_b: return 7;
  case DataFormat::Bfp4_b: return 3;
  case DataFormat::Bfp2_b: return 1;
  default: return 0;
  }
}

bool isBfp(DataFormat fmt) { return bfpMantissaBits(fmt) != 0; }

// Quantizes `n` values sharing one exponent: returns the exponent byte and the
// sign-magnitude codes.
uint8_t bfpQuantize(const float *v, int n, int bits, uint8_t *sign,
                    uint32_t *mag) {
  const uint32_t maxMag = (1u << bits) - 1;
  const int shift = 24 - bits;
  const uint32_t roundMask = (1u << shift) - 1, tie = 1u << (shift - 1);
  uint32_t shared = 0;
  for (int i = 0; i < n; ++i)
    shared = std::max(shared, (bitsOf(v[i]) >> 23) & 0xFFu);
  for (int i = 0; i < n; ++i) {
    uint32_t b = bitsOf(v[i]);
    uint32_t e = (b >> 23) & 0xFFu;
    if (e == 0) { // zero or denormal
      sign[i] = 0;
      mag[i] = 0;
      continue;
    }
    uint32_t diff = shared - e;
    uint32_t m = diff > 31 ? 0 : ((b & 0x7FFFFFu) | 0x800000u) >> diff;
    uint32_t q = m >> shift, rest = m & roundMask;
    if (rest > tie || (rest == tie && (q & 1)))
      ++q;
    mag[i] = std::min(q, maxMag);
    sign[i] = mag[i] ? uint8_t(b >> 31) : 0;
  }
  return uint8_t(shared);
}

/// The value of a magnitude's unit in a block of shared exponent `exp`: 2^(exp - 127 - (bits -
/// 1)), a power of two no smaller than 2^-133, which a float holds exactly (denormal below
/// 2^-126); infinite only for bfp2_b's exponent 255, whose one finite magnitude is 0.
float bfpUnit(uint8_t exp, int bits) { return std::ldexp(1.0f, int(exp) - 127 - (bits - 1)); }

/// A value of a block whose unit is `unit` (bfpUnit). The product is exact: the magnitude has
/// at most `bits` significant bits, so mag * unit is a multiple of 2^-149 below 2^128.
float bfpDecode(uint8_t exp, float unit, uint8_t sign, uint32_t mag, int bits) {
  float v;
  uint32_t top = 1u << (bits - 1);
  if (exp == 0xFF && (mag & top))
    v = (mag & ~top) ? std::numeric_limits<float>::quiet_NaN()
                     : std::numeric_limits<float>::infinity();
  else
    v = mag ? float(mag) * unit : 0.0f;
  return sign ? -v : v;
}

void bfpRoundBlock(float *v, int n, int bits) {
  uint8_t sign[kBfpBlock];
  uint32_t mag[kBfpBlock];
  uint8_t exp = bfpQuantize(v, n, bits, sign, mag);
  float unit = bfpUnit(exp, bits);
  for (int i = 0; i < n; ++i)
    v[i] = bfpDecode(exp, unit, sign[i], mag[i], bits);
}

} // namespace

float roundToFormat(float v, DataFormat fmt) {
  switch (fmt) {
  case DataFormat::Float32: return v;
  case DataFormat::BFloat16: return fromBits(uint32_t(bf16Bits(v)) << 16);
  case DataFormat::Int32: return v;
  case DataFormat::Bfp8_b:
  case DataFormat::Bfp4_b:
  case DataFormat::Bfp2_b:
    bfpRoundBlock(&v, 1, bfpMantissaBits(fmt));
    return v;
  }
  return v;
}

namespace {
/// All of a lane's bits where `x` is not 0, else none: the top bit of x or of its negation.
/// (Vectors by reference: GCC compares lanes one at a time here, and a vector returned by
/// value changes the ABI between the clones.)
template <typename V>
__attribute__((always_inline)) inline void nonzeroLanes(const V &x, V &mask) {
  mask = V{} - ((x | (V{} - x)) >> 31);
}

/// bfpRoundBlock on a whole block of 16 at once, its values a lane each: the same steps in
/// integers (the shared exponent, each magnitude shifted, rounded to nearest even and
/// saturated; zeros and denormals flushed to +0), then each code times the block's unit, a
/// power of two, which is exact. False, and nothing written, for a block whose shared exponent
/// is 255 (Inf or NaN), which bfpRoundBlock rounds instead. PACK to a bfp format rounds every
/// tile this way: lane by lane it had taken two fifths of a run in bfp8.
__attribute__((always_inline)) inline bool bfpRoundLanes(float *v, int bits) {
  static_assert(kBfpBlock == 16, "a block is one vector of 16 lanes");
  typedef uint32_t Lanes __attribute__((vector_size(64)));
  typedef int32_t Ints __attribute__((vector_size(64)));
  typedef float Floats __attribute__((vector_size(64)));
  Lanes b;
  std::memcpy(&b, v, sizeof b);
  Lanes e = (b >> 23) & 0xFFu;
  uint32_t shared = 0;
  for (int i = 0; i < 16; ++i)
    shared = std::max(shared, uint32_t(e[i]));
  if (shared == 0xFFu)
    return false;
  // In shifts, masks and adds: no lane comparisons.
  const int shift = 24 - bits;
  const uint32_t tie = 1u << (shift - 1);
  Lanes diff = shared - e, far, kept, nonzero;
  // A shift by 32 or more (into a mantissa of 24 bits) leaves nothing.
  nonzeroLanes(diff >> 5, far);
  Lanes m = (((b & 0x7FFFFFu) | 0x800000u) >> (diff & 31u)) & ~far;
  // To nearest, ties to even: the tie less one, plus the kept part's last bit, carries over.
  Lanes q = (m + (tie - 1) + ((m >> shift) & 1u)) >> shift;
  q -= q >> bits; // saturated: 2^bits (all a rounding can reach) is 2^bits - 1
  nonzeroLanes(e, kept);
  q &= kept; // zeros and denormals: +0
  // The unit, 2^(shared - 127 - (bits - 1)), from 2^-133 (denormal) up: its bits directly.
  int unitExp = int(shared) - 127 - (bits - 1);
  uint32_t unitBits = unitExp >= -126 ? uint32_t(unitExp + 127) << 23 : 1u << (unitExp + 149);
  float unit;
  std::memcpy(&unit, &unitBits, sizeof unit);
  Floats value = __builtin_convertvector(Ints(q), Floats) * unit;
  Lanes out;
  std::memcpy(&out, &value, sizeof out);
  nonzeroLanes(q, nonzero);
  out |= b & 0x80000000u & nonzero;
  std::memcpy(v, &out, sizeof out);
  return true;
}
} // namespace

TESSEL_WIDE_VECTORS
void roundTile(float *tile, DataFormat fmt) {
  if (fmt == DataFormat::Float32 || fmt == DataFormat::Int32)
    return;
  if (isBfp(fmt)) {
    int bits = bfpMantissaBits(fmt);
    for (int64_t b = 0; b < kTileElems; b += kBfpBlock)
      if (!bfpRoundLanes(tile + b, bits))
        bfpRoundBlock(tile + b, kBfpBlock, bits);
    return;
  }
  if (fmt == DataFormat::BFloat16) {
    for (int64_t i = 0; i < kTileElems; ++i)
      tile[i] = roundBf16(tile[i]);
    return;
  }
  for (int64_t i = 0; i < kTileElems; ++i)
    tile[i] = roundToFormat(tile[i], fmt);
}

TiledShape tiledShape(const std::vector<int64_t> &shape) {
  auto tilesOf = [](int64_t n) { return (n + kTileDim - 1) / kTileDim; };
  if (shape.empty())
    return {1, 1, 1};
  if (shape.size() == 1)
    return {1, 1, tilesOf(shape[0])};
  int64_t batch = 1;
  for (size_t i = 0; i + 2 < shape.size(); ++i)
    batch *= shape[i];
  return {batch, tilesOf(shape[shape.size() - 2]), tilesOf(shape.back())};
}

int64_t numElements(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

int64_t interleavedChannelBytes(int64_t tiles, DataFormat fmt, int channels) {
  return (tiles + channels - 1) / channels * tileBytes(fmt);
}

namespace {
// Logical matrix view of a shape: batch x rows x cols.
void matrixDims(const std::vector<int64_t> &shape, int64_t &batch,
                int64_t &rows, int64_t &cols) {
  batch = 1;
  rows = 1;
  cols = 1;
  if (shape.empty())
    return;
  cols = shape.back();
  if (shape.size() >= 2)
    rows = shape[shape.size() - 2];
  for (size_t i = 0; i + 2 < shape.size(); ++i)
    batch *= shape[i];
}
} // namespace

void tilize(const float *data, const std::vector<int64_t> &shape,
            float *tiles) {
  TiledShape ts = tiledShape(shape);
  int64_t batch, rows, cols;
  matrixDims(shape, batch, rows, cols);
  std::memset(tiles, 0, sizeof(float) * size_t(ts.tiles() * kTileElems));
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t r = 0; r < rows; ++r) {
      const float *src = data + (b * rows + r) * cols;
      for (int64_t c = 0; c < cols; ++c) {
        int64_t t = (b * ts.rowsTiles + r / kTileDim) * ts.colsTiles + c / kTileDim;
        tiles[t * kTileElems + (r % kTileDim) * kTileDim + c % kTileDim] = src[c];
      }
    }
}

void untilize(const float *tiles, const std::vector<int64_t> &shape,
              float *data) {
  TiledShape ts = tiledShape(shape);
  int64_t batch, rows, cols;
  matrixDims(shape, batch, rows, cols);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t r = 0; r < rows; ++r) {
      float *dst = data + (b * rows + r) * cols;
      for (int64_t c = 0; c < cols; ++c) {
        int64_t t = (b * ts.rowsTiles + r / kTileDim) * ts.colsTiles + c / kTileDim;
        dst[c] = tiles[t * kTileElems + (r % kTileDim) * kTileDim + c % kTileDim];
      }
    }
}

void encodeTile(const float *tile, DataFormat fmt, uint8_t *out) {
  switch (fmt) {
  case DataFormat::Float32:
  case DataFormat::Int32:
    for (int64_t i = 0; i < kTileElems; ++i) {
      uint32_t b = bitsOf(tile[i]);
      for (int k = 0; k < 4; ++k)
        out[4 * i + k] = uint8_t(b >> (8 * k));
    }
    return;
  case DataFormat::BFloat16:
    for (int64_t i = 0; i < kTileElems; ++i) {
      uint16_t b = bf16Bits(tile[i]);
      out[2 * i] = uint8_t(b);
      out[2 * i + 1] = uint8_t(b >> 8);
    }
    return;
  case DataFormat::Bfp8_b:
  case DataFormat::Bfp4_b:
  case DataFormat::Bfp2_b: {
    int bits = bfpMantissaBits(fmt);
    int perByte = 8 / (bits + 1);
    uint8_t *mant = out + kTileElems / kBfpBlock;
    std::memset(mant, 0, size_t(kTileElems / perByte));
    for (int64_t blk = 0; blk < kTileElems / kBfpBlock; ++blk) {
      uint8_t sign[kBfpBlock];
      uint32_t mag[kBfpBlock];
      out[blk] = bfpQuantize(tile + blk * kBfpBlock, kBfpBlock, bits, sign, mag);
      for (int i = 0; i < kBfpBlock; ++i) {
        int64_t e = blk * kBfpBlock + i;
        uint32_t code = (uint32_t(sign[i]) << bits) | mag[i];
        mant[e / perByte] |= uint8_t(code << ((e % perByte) * (bits + 1)));
      }
    }
    return;
  }
  }
}

/// A block-float tile of `Bits` magnitude bits, its layout known when compiled: loading a binary
/// decodes every weight tile, the bulk of its time for bfp8 and bfp4 models.
template <int Bits>
static void decodeBfpTile(const uint8_t *in, float *tile) {
  constexpr int perByte = 8 / (Bits + 1);
  constexpr uint32_t mask = (1u << (Bits + 1)) - 1, magMask = (1u << Bits) - 1;
  const uint8_t *mant = in + kTileElems / kBfpBlock;
  for (int64_t block = 0; block < kTileElems / kBfpBlock; ++block) {
    uint8_t exp = in[block];
    float unit = bfpUnit(exp, Bits);
    float *out = tile + block * kBfpBlock;
    const uint8_t *codes = mant + block * kBfpBlock / perByte;
    for (int i = 0; i < kBfpBlock; ++i) {
      uint32_t code = (codes[i / perByte] >> ((i % perByte) * (Bits + 1))) & mask;
      // bfpDecode's finite case written out: called for every value it is 1.8x slower.
      out[i] = exp == 0xFF ? bfpDecode(exp, unit, uint8_t(code >> Bits), code & magMask, Bits)
                           : (code >> Bits ? -1.0f : 1.0f) * (float(code & magMask) * unit);
    }
  }
}

void decodeTile(const uint8_t *in, DataFormat fmt, float *tile) {
  switch (fmt) {
  case DataFormat::Float32:
  case DataFormat::Int32:
    for (int64_t i = 0; i < kTileElems; ++i) {
      uint32_t b = 0;
      for (int k = 0; k < 4; ++k)
        b |= uint32_t(in[4 * i + k]) << (8 * k);
      tile[i] = fromBits(b);
    }
    return;
  case DataFormat::BFloat16:
    for (int64_t i = 0; i < kTileElems; ++i)
      tile[i] = fromBits((uint32_t(in[2 * i]) | uint32_t(in[2 * i + 1]) << 8) << 16);
    return;
  case DataFormat::Bfp8_b: return decodeBfpTile<7>(in, tile);
  case DataFormat::Bfp4_b: return decodeBfpTile<3>(in, tile);
  case DataFormat::Bfp2_b: return decodeBfpTile<1>(in, tile);
  }
}

bool packTiles(const float *data, const std::vector<int64_t> &shape,
               DataFormat fmt, std::vector<uint8_t> &out, std::string &error) {
  if (tileBytes(fmt) == 0) {
    error = "cannot pack tiles of unknown data format " + std::to_string(int(fmt));
    return false;
  }
  int64_t tiles = tiledShape(shape).tiles();
  std::vector<float> tiled(size_t(tiles * kTileElems));
  tilize(data, shape, tiled.data());
  out.assign(size_t(tiles * tileBytes(fmt)), 0);
  for (int64_t t = 0; t < tiles; ++t)
    encodeTile(tiled.data() + t * kTileElems, fmt, out.data() + t * tileBytes(fmt));
  return true;
}

std::vector<uint8_t> packTiles(const float *data,
                               const std::vector<int64_t> &shape,
                               DataFormat fmt) {
  std::vector<uint8_t> out;
  std::string error;
  if (!packTiles(data, shape, fmt, out, error))
    out.clear();
  return out;
}

bool unpackTiles(const uint8_t *bytes, size_t size,
                 const std::vector<int64_t> &shape, DataFormat fmt,
                 std::vector<float> &out, std::string &error) {
  int64_t tb = tileBytes(fmt);
  if (tb == 0) {
    error = "cannot unpack tiles of unknown data format " + std::to_string(int(fmt));
    return false;
  }
  int64_t tiles = tiledShape(shape).tiles();
  if (int64_t(size) != tiles * tb) {
    error = "packed data has " + std::to_string(size) + " bytes, expected " +
            std::to_string(tiles * tb) + " (" + std::to_string(tiles) +
            " tiles of " + formatName(fmt) + ")";
    return false;
  }
  std::vector<float> tiled(size_t(tiles * kTileElems));
  for (int64_t t = 0; t < tiles; ++t)
    decodeTile(bytes + t * tb, fmt, tiled.data() + t * kTileElems);
  out.assign(size_t(numElements(shape)), 0.0f);
  untilize(tiled.data(), shape, out.data());
  return true;
}

} // namespace tessel::rt
