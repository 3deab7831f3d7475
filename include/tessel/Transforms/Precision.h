//===- Precision.h - What a --precision name asks of the ops it covers ----===//
#ifndef TESSEL_TRANSFORMS_PRECISION_H
#define TESSEL_TRANSFORMS_PRECISION_H

#include "Tile/TileDialect.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/GlobPattern.h"

#include <optional>

namespace tessel {

/// The weights' format and the fidelity. Tenstorrent's rule of thumb pairs bf16 with HiFi4,
/// bfp8 with HiFi2 and bfp4 with LoFi: each drops the multiplier phases whose bits the narrower
/// mantissas no longer have. Activations stay f32 with fp32 and bf16 otherwise
/// (tt-assign-layouts); a block-float precision narrows to bfp8 only activations that matmuls
/// alone read (tt-assign-precision).
struct Precision {
  tile::DataFormat weights;
  tile::MathFidelity fidelity;
};

inline std::optional<Precision> precisionNamed(llvm::StringRef name) {
  if (name == "fp32")
    return Precision{tile::DataFormat::f32, tile::MathFidelity::HiFi4};
  if (name == "bf16")
    return Precision{tile::DataFormat::bf16, tile::MathFidelity::HiFi4};
  if (name == "bfp8")
    return Precision{tile::DataFormat::bfp8_b, tile::MathFidelity::HiFi2};
  if (name == "bfp4")
    return Precision{tile::DataFormat::bfp4_b, tile::MathFidelity::LoFi};
  return std::nullopt;
}

/// `--precision-override=NODE_GLOB=PRECISION`: the ops of the ONNX nodes the glob names get
/// another precision; the last override that names one of an op's nodes wins.
struct PrecisionOverride {
  llvm::GlobPattern nodes;
  Precision precision;
};

/// `spec` parsed, or none where it is not NODE_GLOB=fp32|bf16|bfp8|bfp4.
inline std::optional<PrecisionOverride> parsePrecisionOverride(llvm::StringRef spec) {
  auto [glob, name] = spec.rsplit('=');
  std::optional<Precision> precision = precisionNamed(name);
  llvm::Expected<llvm::GlobPattern> pattern = llvm::GlobPattern::create(glob);
  if (!pattern) {
    llvm::consumeError(pattern.takeError());
    return std::nullopt;
  }
  if (glob.empty() || !precision)
    return std::nullopt;
  return PrecisionOverride{std::move(*pattern), *precision};
}

} // namespace tessel

#endif
