//===- Formats.cpp - Data formats, rounding, tilization -------------------===//
//
// Block floating point layout of one tile (our own, documented here because
// docs/ttb-format.md fixes only the sizes): 64 exponent bytes first, one per
// block of 16 consecutive row-major values (the f32 biased exponent of the
// block's largest magnitude), then the sign-magnitude mantissas with no hidden
// bit: bfp8_b one byte per value (sign in bit 7, 7 magnitude bits), bfp4_b a
// nibble (sign bit 3, 3 bits; even element in the low nibble), bfp2_b two bits
// (sign bit 1, 1 bit; element 4k in the lowest bits). A value decodes as
// magnitude * 2^(exp - 127 - (bits - 1)). Magnitudes round to nearest even and
// saturate. A block holding NaN or Inf gets exponent 255: its finite values
// become 0, Inf keeps magnitude 1 and NaN the largest magnitude.
//
//===----------------------------------------------------------------------===//
#include "tessel/runtime/Formats.h"

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

uint16_t bf16Bits(float v) {
  uint32_t b = bitsOf(v);
  if (std::isnan(v)) // Keep it a NaN after dropping the low half: set quiet bit.
    return uint16_t((b | 0x00400000u) >> 16);
  b += 0x7FFFu + ((b >> 16) & 1u);
  return uint16_t(b >> 16);
}

float roundInt32(float v) {
  if (std::isnan(v))
    return 0.0f;
  double r = std::nearbyint(double(v));
  if (r > 2147483647.0) r = 2147483647.0;
  if (r < -2147483648.0) r = -2147483648.0;
  return float(r);
}

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
  bool special = false;
  int shared = 0;
  for (int i = 0; i < n; ++i) {
    uint32_t b = bitsOf(v[i]);
    int e = int((b >> 23) & 0xFF);
    special |= e == 0xFF;
    shared = std::max(shared, e == 0 ? 1 : e);
  }
  for (int i = 0; i < n; ++i) {
    uint32_t b = bitsOf(v[i]);
    sign[i] = uint8_t(b >> 31);
    int e = int((b >> 23) & 0xFF);
    uint64_t m = b & 0x7FFFFFu;
    if (special) {
      mag[i] = e != 0xFF ? 0 : (m ? maxMag : 1);
      continue;
    }
    if (e == 0) { // denormal: no hidden bit, exponent 1
      e = 1;
    } else {
      m |= 0x800000u;
    }
    int shift = (24 - bits) + (shared - e);
    uint64_t q = 0;
    if (shift < 40) {
      q = m >> shift;
      uint64_t rem = m & ((uint64_t(1) << shift) - 1);
      uint64_t half = uint64_t(1) << (shift - 1);
      if (rem > half || (rem == half && (q & 1)))
        ++q;
    }
    mag[i] = uint32_t(std::min<uint64_t>(q, maxMag));
  }
  return uint8_t(special ? 0xFF : shared);
}

float bfpDecode(uint8_t exp, uint8_t sign, uint32_t mag, int bits) {
  float v;
  if (exp == 0xFF) {
    uint32_t maxMag = (1u << bits) - 1;
    v = mag == 0 ? 0.0f
                 : (mag == maxMag && maxMag != 1
                        ? std::numeric_limits<float>::quiet_NaN()
                        : std::numeric_limits<float>::infinity());
  } else {
    v = std::ldexp(float(mag), int(exp) - 127 - (bits - 1));
  }
  return sign ? -v : v;
}

void bfpRoundBlock(float *v, int n, int bits) {
  uint8_t sign[kBfpBlock];
  uint32_t mag[kBfpBlock];
  uint8_t exp = bfpQuantize(v, n, bits, sign, mag);
  for (int i = 0; i < n; ++i)
    v[i] = bfpDecode(exp, sign[i], mag[i], bits);
}

} // namespace

float roundToFormat(float v, DataFormat fmt) {
  switch (fmt) {
  case DataFormat::Float32: return v;
  case DataFormat::BFloat16: return fromBits(uint32_t(bf16Bits(v)) << 16);
  case DataFormat::Int32: return roundInt32(v);
  case DataFormat::Bfp8_b:
  case DataFormat::Bfp4_b:
  case DataFormat::Bfp2_b:
    bfpRoundBlock(&v, 1, bfpMantissaBits(fmt));
    return v;
  }
  return v;
}

void roundTile(float *tile, DataFormat fmt) {
  if (fmt == DataFormat::Float32)
    return;
  if (isBfp(fmt)) {
    for (int64_t b = 0; b < kTileElems; b += kBfpBlock)
      bfpRoundBlock(tile + b, kBfpBlock, bfpMantissaBits(fmt));
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
  case DataFormat::Int32:
    for (int64_t i = 0; i < kTileElems; ++i) {
      uint32_t b = uint32_t(int32_t(roundInt32(tile[i])));
      for (int k = 0; k < 4; ++k)
        out[4 * i + k] = uint8_t(b >> (8 * k));
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

void decodeTile(const uint8_t *in, DataFormat fmt, float *tile) {
  switch (fmt) {
  case DataFormat::Float32:
  case DataFormat::Int32:
    for (int64_t i = 0; i < kTileElems; ++i) {
      uint32_t b = 0;
      for (int k = 0; k < 4; ++k)
        b |= uint32_t(in[4 * i + k]) << (8 * k);
      tile[i] = fmt == DataFormat::Float32 ? fromBits(b) : float(int32_t(b));
    }
    return;
  case DataFormat::BFloat16:
    for (int64_t i = 0; i < kTileElems; ++i)
      tile[i] = fromBits((uint32_t(in[2 * i]) | uint32_t(in[2 * i + 1]) << 8) << 16);
    return;
  case DataFormat::Bfp8_b:
  case DataFormat::Bfp4_b:
  case DataFormat::Bfp2_b: {
    int bits = bfpMantissaBits(fmt);
    int perByte = 8 / (bits + 1);
    const uint8_t *mant = in + kTileElems / kBfpBlock;
    uint32_t mask = (1u << (bits + 1)) - 1;
    for (int64_t e = 0; e < kTileElems; ++e) {
      uint32_t code = (mant[e / perByte] >> ((e % perByte) * (bits + 1))) & mask;
      tile[e] = bfpDecode(in[e / kBfpBlock], uint8_t(code >> bits),
                          code & ((1u << bits) - 1), bits);
    }
    return;
  }
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
