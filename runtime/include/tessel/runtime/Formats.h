//===- Formats.h - Tile data formats and tilization -----------------------===//
//
// Tensors on the chip are 32x32 tiles of one data format. These helpers are
// shared by the compiler (to pack constants, size buffers) and the simulator
// (which stores every value already rounded to its format).
//
//===----------------------------------------------------------------------===//
#ifndef TESSEL_RUNTIME_FORMATS_H
#define TESSEL_RUNTIME_FORMATS_H

#include "tessel/runtime/ttb_generated.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tessel::rt {

using ttb::DataFormat;

inline constexpr int64_t kTileDim = 32;
inline constexpr int64_t kTileElems = kTileDim * kTileDim;
/// Values sharing one exponent in the block floating point formats.
inline constexpr int64_t kBfpBlock = 16;

/// Bytes of one packed tile: f32 4096, bf16 2048, bfp8_b 1088, bfp4_b 576,
/// bfp2_b 320, int32 4096. 0 for a value outside the enum.
int64_t tileBytes(DataFormat fmt);

/// Short lowercase name ("f32", "bf16", "bfp8_b", ...) for messages/reports.
const char *formatName(DataFormat fmt);

/// An int32 value as the simulator holds it: its two's-complement bits in a float's slot, so
/// that every int32 is exact (a float holds integers exactly only to 2^24). Tiles of the int32
/// format, and Dst in a dispatch whose Dst format is int32, hold values so; the packers and
/// unpackers move them as bits, as the chip's do.
inline float int32Slot(int32_t v) {
  float f;
  __builtin_memcpy(&f, &v, 4);
  return f;
}
inline int32_t slotInt32(float f) {
  int32_t v;
  __builtin_memcpy(&v, &f, 4);
  return v;
}
/// `v` rounded to the nearest integer and saturated to int32 (NaN: 0).
int32_t saturateInt32(double v);

/// Rounds one value to `fmt`: bf16 round-to-nearest-even with NaN kept NaN,
/// f32 identity, bfp as a block of one; int32 slots hold bits and stay as they are.
float roundToFormat(float v, DataFormat fmt);

/// Rounds a whole 32x32 tile in place. Needed for bfp formats, whose blocks
/// of 16 consecutive (row-major) values share one exponent.
void roundTile(float *tile, DataFormat fmt);

/// Logical [..., M, N] seen as batch x M x N in whole tiles.
struct TiledShape {
  int64_t batch, rowsTiles, colsTiles;
  int64_t tiles() const { return batch * rowsTiles * colsTiles; }
};
TiledShape tiledShape(const std::vector<int64_t> &shape);

/// Number of elements of a logical shape (1 for a scalar).
int64_t numElements(const std::vector<int64_t> &shape);

/// Bytes a tensor of `tiles` tiles takes in each DRAM channel when its tiles
/// are interleaved over `channels` channels (what an allocator must reserve).
int64_t interleavedChannelBytes(int64_t tiles, DataFormat fmt, int channels);

/// Tilizes (zero padding) and encodes a row-major tensor (int32: of int32 slots). Tiles come in the
/// order t = (b*Mt + mt)*Nt + nt, each tile row-major. Returns false with
/// `error` set for a format it cannot encode.
bool packTiles(const float *data, const std::vector<int64_t> &shape,
               DataFormat fmt, std::vector<uint8_t> &out, std::string &error);
/// Convenience form for the formats that cannot fail (all of them today);
/// returns an empty vector on failure.
std::vector<uint8_t> packTiles(const float *data,
                               const std::vector<int64_t> &shape,
                               DataFormat fmt);

/// Decodes packed tiles back to a row-major tensor of `shape` (padding is
/// dropped). `bytes` must hold exactly tiledShape(shape).tiles() tiles.
bool unpackTiles(const uint8_t *bytes, size_t size,
                 const std::vector<int64_t> &shape, DataFormat fmt,
                 std::vector<float> &out, std::string &error);

/// Tile-level helpers used by the simulator: tilize/untilize without encoding.
/// `tiles` holds tiledShape(shape).tiles() * kTileElems floats.
void tilize(const float *data, const std::vector<int64_t> &shape, float *tiles);
void untilize(const float *tiles, const std::vector<int64_t> &shape,
              float *data);

/// Encodes/decodes one tile of kTileElems values (already rounded or not;
/// encoding rounds) into tileBytes(fmt) bytes.
void encodeTile(const float *tile, DataFormat fmt, uint8_t *out);
void decodeTile(const uint8_t *in, DataFormat fmt, float *tile);

} // namespace tessel::rt

#endif
