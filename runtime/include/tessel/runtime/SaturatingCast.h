// Float to integer conversion for values a model supplies.
#ifndef TESSEL_RUNTIME_SATURATINGCAST_H
#define TESSEL_RUNTIME_SATURATINGCAST_H

#include <cmath>
#include <cstdint>

namespace tessel {

/// `v` as an int64, saturating, with NaN read as 0. Tensors are held as floating point, where
/// INT64_MAX (the exporters' "to the end") reads back as 2^63 and a malformed model holds
/// anything; a plain cast of either is undefined.
inline int64_t saturatingInt64(double v) {
  if (std::isnan(v))
    return 0;
  if (v >= 9223372036854775807.0)
    return INT64_MAX;
  if (v <= -9223372036854775808.0)
    return INT64_MIN;
  return static_cast<int64_t>(v);
}

} // namespace tessel

#endif // TESSEL_RUNTIME_SATURATINGCAST_H
