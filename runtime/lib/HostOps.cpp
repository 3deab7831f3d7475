//===- HostOps.cpp - ONNX ops the runtime runs on the host ----------------===//
#include "HostOpContext.h"
#include "LegacyRandom.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <map>
#include <numeric>
#include <random>

namespace tessel::rt {

using namespace host;

namespace {


bool nonZero(Context &c) {
  const HostTensor &x = *c.in(0);
  std::vector<int64_t> shape = x.shape.empty() ? std::vector<int64_t>{1} : x.shape;
  std::vector<int64_t> hits;
  for (int64_t i = 0; i < int64_t(x.data.size()); ++i)
    if (x.data[i] != 0.0f)
      hits.push_back(i);
  HostTensor y;
  int64_t rank = int64_t(shape.size()), n = int64_t(hits.size());
  y.shape = {rank, n};
  y.data.resize(size_t(rank * n));
  for (int64_t k = 0; k < n; ++k)
    for (int64_t a = rank - 1, rest = hits[k]; a >= 0; --a) {
      y.data[size_t(a * n + k)] = float(rest % shape[a]);
      rest /= shape[a];
    }
  c.outputs = {std::move(y)};
  return true;
}

bool compress(Context &c) {
  const HostTensor &x = *c.in(0), &cond = *c.in(1);
  if (cond.shape.size() != 1)
    return c.fail("the condition must be 1-D, got rank " + std::to_string(cond.shape.size()));
  bool hasAxis;
  int64_t axis;
  if (!c.axis(int64_t(x.shape.size()), hasAxis, axis))
    return false;
  HostTensor flat = x;
  if (!hasAxis)
    flat.shape = {int64_t(x.data.size())};
  int64_t dim = flat.shape[hasAxis ? axis : 0];
  if (cond.shape[0] > dim)
    return c.fail("the condition has " + std::to_string(cond.shape[0]) +
                  " values for an axis of " + std::to_string(dim));
  std::vector<int64_t> keep;
  for (int64_t i = 0; i < cond.shape[0]; ++i)
    if (cond.data[i] != 0.0f)
      keep.push_back(i);
  c.outputs = {takeSlices(flat, hasAxis ? axis : 0, keep)};
  return true;
}

bool unique(Context &c) {
  const HostTensor &x = *c.in(0);
  bool hasAxis;
  int64_t axis;
  if (!c.axis(int64_t(x.shape.size()), hasAxis, axis))
    return false;
  HostTensor flat = x;
  if (!hasAxis) {
    flat.shape = {int64_t(x.data.size())};
    axis = 0;
  }
  int64_t outer, dim, inner;
  splitAround(flat.shape, axis, outer, dim, inner);
  // Slice k along the axis, flattened in row-major order of the other axes.
  auto slice = [&](int64_t k) {
    std::vector<float> v;
    v.reserve(size_t(outer * inner));
    for (int64_t o = 0; o < outer; ++o) {
      const float *src = flat.data.data() + (o * dim + k) * inner;
      v.insert(v.end(), src, src + inner);
    }
    return v;
  };
  std::vector<std::vector<float>> slices;
  for (int64_t k = 0; k < dim; ++k)
    slices.push_back(slice(k));
  // The first occurrence of each distinct slice, in order of appearance.
  std::map<std::vector<float>, int64_t> firstOf;
  std::vector<int64_t> firsts;
  for (int64_t k = 0; k < dim; ++k)
    if (firstOf.emplace(slices[k], k).second)
      firsts.push_back(k);
  if (c.attrs.i("sorted", 1) != 0)
    std::sort(firsts.begin(), firsts.end(),
              [&](int64_t a, int64_t b) { return slices[a] < slices[b]; });
  std::map<std::vector<float>, int64_t> position;
  for (size_t u = 0; u < firsts.size(); ++u)
    position[slices[firsts[u]]] = int64_t(u);
  std::vector<int64_t> inverse(static_cast<size_t>(dim), 0), counts(firsts.size(), 0);
  for (int64_t k = 0; k < dim; ++k) {
    inverse[k] = position[slices[k]];
    ++counts[size_t(inverse[k])];
  }
  c.outputs = {takeSlices(flat, axis, firsts), vector1d(firsts), vector1d(inverse),
               vector1d(counts)};
  return true;
}

/// A box as (y1, x1, y2, x2) with y1 <= y2 and x1 <= x2.
struct Box {
  float y1, x1, y2, x2;
};

Box boxAt(const float *b, bool centerPoint) {
  if (centerPoint) // [x_center, y_center, width, height]
    return {b[1] - b[3] / 2, b[0] - b[2] / 2, b[1] + b[3] / 2, b[0] + b[2] / 2};
  return {std::min(b[0], b[2]), std::min(b[1], b[3]), std::max(b[0], b[2]),
          std::max(b[1], b[3])};
}

float iou(const Box &a, const Box &b) {
  float areaA = (a.y2 - a.y1) * (a.x2 - a.x1), areaB = (b.y2 - b.y1) * (b.x2 - b.x1);
  if (areaA <= 0 || areaB <= 0)
    return 0;
  float h = std::max(0.0f, std::min(a.y2, b.y2) - std::max(a.y1, b.y1));
  float w = std::max(0.0f, std::min(a.x2, b.x2) - std::max(a.x1, b.x1));
  float inter = h * w;
  return inter / (areaA + areaB - inter);
}

bool nonMaxSuppression(Context &c) {
  const HostTensor &boxes = *c.in(0), &scores = *c.in(1);
  if (boxes.shape.size() != 3 || boxes.shape[2] != 4)
    return c.fail("boxes must be [batches, boxes, 4]");
  if (scores.shape.size() != 3 || scores.shape[0] != boxes.shape[0] ||
      scores.shape[2] != boxes.shape[1])
    return c.fail("scores must be [batches, classes, boxes] for boxes of [batches, boxes, 4]");
  int64_t batches = boxes.shape[0], numBoxes = boxes.shape[1], classes = scores.shape[1];
  double maxPerClass = std::max(0.0, c.scalar(2, 0));
  float iouThreshold = float(c.scalar(3, 0));
  const HostTensor *scoreThreshold = c.in(4);
  bool centerPoint = c.attrs.i("center_point_box", 0) != 0;
  std::vector<int64_t> selected;
  for (int64_t b = 0; b < batches; ++b)
    for (int64_t k = 0; k < classes; ++k) {
      const float *s = scores.data.data() + (b * classes + k) * numBoxes;
      std::vector<int64_t> order;
      for (int64_t i = 0; i < numBoxes; ++i)
        if (!scoreThreshold || scoreThreshold->data.empty() || s[i] > scoreThreshold->data[0])
          order.push_back(i);
      // Highest score first; among equal scores, the first box.
      std::stable_sort(order.begin(), order.end(),
                       [&](int64_t i, int64_t j) { return s[i] > s[j]; });
      std::vector<Box> kept;
      for (int64_t i : order) {
        if (double(kept.size()) >= maxPerClass)
          break;
        Box box = boxAt(boxes.data.data() + (b * numBoxes + i) * 4, centerPoint);
        if (std::any_of(kept.begin(), kept.end(),
                        [&](const Box &other) { return iou(box, other) > iouThreshold; }))
          continue;
        kept.push_back(box);
        selected.insert(selected.end(), {b, k, i});
      }
    }
  HostTensor y;
  y.shape = {int64_t(selected.size() / 3), 3};
  y.data.assign(selected.begin(), selected.end());
  c.outputs = {std::move(y)};
  return true;
}

/// TfIdfVectorizer over integer pools: each row's n-grams of min_gram_length to max_gram_length
/// items, `skip` items apart for each skip of 0 to max_skip_count, counted at their ngram_indexes
/// where the pool holds them (unigrams once, at skip 0), then weighted by the mode; as ONNX's
/// reference does, `weights` is indexed by output position.
bool tfIdfVectorizer(Context &c) {
  const HostTensor &x = *c.in(0);
  if (c.attrs.has("pool_strings"))
    return c.fail("string pools need string inputs, which the runtime does not take");
  if (x.shape.size() != 1 && x.shape.size() != 2)
    return c.fail("the input must be 1-D or 2-D");
  int64_t minGram = c.attrs.i("min_gram_length", 1), maxGram = c.attrs.i("max_gram_length", 1);
  int64_t maxSkip = c.attrs.i("max_skip_count", 0);
  std::string mode = c.attrs.s("mode", "TF");
  std::vector<int64_t> counts = c.attrs.ints("ngram_counts"),
                       indexes = c.attrs.ints("ngram_indexes"), pool = c.attrs.ints("pool_int64s");
  std::vector<float> weights = c.attrs.floats("weights");
  if (minGram < 1 || maxGram < minGram || maxSkip < 0)
    return c.fail("needs 1 <= min_gram_length <= max_gram_length and max_skip_count >= 0");
  if (mode != "TF" && mode != "IDF" && mode != "TFIDF")
    return c.fail("unknown mode '" + mode + "'");
  // The pool's n-grams, by their items, to their place in ngram_indexes.
  std::map<std::vector<int64_t>, size_t> ngrams;
  size_t place = 0;
  for (size_t n = 0; n < counts.size(); ++n) {
    int64_t begin = counts[n], end = n + 1 < counts.size() ? counts[n + 1] : int64_t(pool.size());
    int64_t len = int64_t(n) + 1;
    if (begin < 0 || end > int64_t(pool.size()) || begin > end || (end - begin) % len)
      return c.fail("ngram_counts does not split pool_int64s into whole n-grams");
    for (int64_t at = begin; at < end; at += len, ++place)
      ngrams[std::vector<int64_t>(pool.begin() + at, pool.begin() + at + len)] = place;
  }
  if (place != indexes.size())
    return c.fail("ngram_indexes must have one entry per n-gram of the pool");
  int64_t size = 0;
  for (int64_t i : indexes) {
    if (i < 0)
      return c.fail("ngram_indexes holds a negative index");
    size = std::max(size, i + 1);
  }
  if (!weights.empty() && int64_t(weights.size()) < size)
    return c.fail("weights must have one entry per output position");
  if (size > kMaxElements / std::max<int64_t>(x.shape.size() == 2 ? x.shape[0] : 1, 1))
    return c.fail("the output would hold more than 2^31 values");
  int64_t rows = x.shape.size() == 2 ? x.shape[0] : 1, cols = x.shape.back();
  HostTensor y;
  y.shape = x.shape.size() == 2 ? std::vector<int64_t>{rows, size} : std::vector<int64_t>{size};
  y.data.assign(size_t(rows * size), 0.0f);
  std::vector<int64_t> items;
  for (int64_t r = 0; r < rows; ++r) {
    std::vector<int64_t> found(size_t(size), 0);
    const float *row = x.data.data() + r * cols;
    for (int64_t skip = 0; skip <= maxSkip; ++skip)
      for (int64_t start = 0; start < cols; ++start)
        for (int64_t n = std::max(minGram, skip ? int64_t(2) : int64_t(1)); n <= maxGram; ++n) {
          if (start + (n - 1) * (skip + 1) >= cols)
            break;
          items.clear();
          for (int64_t k = 0; k < n; ++k)
            items.push_back(int64_t(row[start + k * (skip + 1)]));
          if (auto it = ngrams.find(items); it != ngrams.end())
            ++found[size_t(indexes[it->second])];
        }
    for (int64_t i = 0; i < size; ++i) {
      float w = weights.empty() ? 1.0f : weights[size_t(i)];
      float v = mode == "TF" ? float(found[i]) : mode == "IDF" ? (found[i] ? w : 0.0f)
                                                                : float(found[i]) * w;
      y.data[size_t(r * size + i)] = v;
    }
  }
  c.outputs = {std::move(y)};
  return true;
}

bool range(Context &c) {
  for (size_t i = 0; i < 3; ++i)
    if (c.in(i)->data.size() != 1)
      return c.fail("start, limit and delta must be scalars");
  double start = c.in(0)->data[0], limit = c.in(1)->data[0], delta = c.in(2)->data[0];
  if (delta == 0)
    return c.fail("delta is 0");
  double n = std::max(std::ceil((limit - start) / delta), 0.0);
  if (!(n <= double(kMaxElements)))
    return c.fail("the range holds more than 2^31 values");
  HostTensor y;
  y.shape = {int64_t(n)};
  for (int64_t i = 0; i < y.shape[0]; ++i)
    y.data.push_back(float(start + double(i) * delta));
  c.outputs = {std::move(y)};
  return true;
}

/// Dropout: in training with a ratio r > 0, y = x * mask / (1 - r) where mask = u >= r for u
/// uniform in [0, 1), drawn in order from numpy's legacy generator (MT19937 seeded with the
/// `seed` attribute, doubles of 53 random bits) so that a seeded model gives numpy's numbers;
/// without `seed`, from a seed the system draws. Otherwise y = x and the mask is all true.
bool dropout(Context &c) {
  const HostTensor &x = *c.in(0);
  double ratio = c.scalar(1, 0.5);
  bool training = c.scalar(2, 0.0) != 0;
  if (!(ratio >= 0 && ratio < 1)) {
    return c.fail("ratio must be in [0, 1), got " + formatFloat(ratio));
  }
  HostTensor y = x, mask;
  mask.shape = x.shape;
  mask.data.assign(x.data.size(), 1.0f);
  if (training && ratio > 0) {
    LegacyRandom rng(c.attrs.has("seed") ? uint32_t(c.attrs.i("seed", 0))
                                          : std::random_device{}());
    float scale = float(1.0 / (1.0 - ratio));
    for (size_t k = 0; k < x.data.size(); ++k) {
      bool keep = rng.uniform() >= ratio;
      mask.data[k] = keep ? 1.0f : 0.0f;
      y.data[k] = keep ? x.data[k] * scale : 0.0f;
    }
  }
  c.outputs.push_back(std::move(y));
  c.outputs.push_back(std::move(mask));
  return true;
}

/// Multinomial: `sample_size` classes per row of unnormalised log-probabilities [B, C], each the
/// first class whose cumulative probability passes a uniform number of numpy's legacy generator
/// (seeded with `seed`, else by the system), drawn row by row.
bool multinomial(Context &c) {
  const HostTensor &x = *c.in(0);
  if (x.shape.size() != 2 || x.shape[1] < 1)
    return c.fail("takes [batch, classes] with a class at least");
  int64_t samples = c.attrs.i("sample_size", 1);
  if (samples < 0 || samples > (int64_t(1) << 24))
    return c.fail("sample_size must be in [0, 2^24], got " + std::to_string(samples));
  if (x.shape[0] > 0 && samples > kMaxElements / x.shape[0])
    return c.fail("the output would hold more than 2^31 values");
  std::vector<float> seed = c.attrs.floats("seed");
  LegacyRandom rng(seed.size() == 1 ? uint32_t(saturatingInt64(seed[0]))
                                    : std::random_device{}());
  int64_t rows = x.shape[0], classes = x.shape[1];
  HostTensor y;
  y.shape = {rows, samples};
  y.data.reserve(size_t(rows * samples));
  std::vector<double> cumulative(static_cast<size_t>(classes));
  for (int64_t r = 0; r < rows; ++r) {
    const float *logits = x.data.data() + r * classes;
    double top = *std::max_element(logits, logits + classes), total = 0;
    for (int64_t k = 0; k < classes; ++k)
      cumulative[size_t(k)] = total += std::exp(double(logits[k]) - top);
    for (int64_t s = 0; s < samples; ++s) {
      double u = rng.uniform() * total;
      auto at = std::upper_bound(cumulative.begin(), cumulative.end(), u);
      y.data.push_back(float(std::min<int64_t>(at - cumulative.begin(), classes - 1)));
    }
  }
  c.outputs = {std::move(y)};
  return true;
}

/// The determinant of each [M, M] matrix, by LU decomposition with partial pivoting in double.
bool det(Context &c) {
  const HostTensor &x = *c.in(0);
  size_t rank = x.shape.size();
  if (rank < 2 || x.shape[rank - 1] != x.shape[rank - 2])
    return c.fail("takes square matrices [..., M, M]");
  int64_t m = x.shape[rank - 1], count = m ? int64_t(x.data.size()) / (m * m) : 0;
  HostTensor y;
  y.shape.assign(x.shape.begin(), x.shape.end() - 2);
  for (int64_t k = 0; k < count; ++k) {
    std::vector<double> a(x.data.begin() + k * m * m, x.data.begin() + (k + 1) * m * m);
    double d = 1;
    for (int64_t col = 0; col < m && d != 0; ++col) {
      int64_t pivot = col;
      for (int64_t r = col + 1; r < m; ++r)
        if (std::fabs(a[r * m + col]) > std::fabs(a[pivot * m + col]))
          pivot = r;
      if (a[pivot * m + col] == 0) {
        d = 0;
        break;
      }
      if (pivot != col) {
        for (int64_t j = 0; j < m; ++j)
          std::swap(a[col * m + j], a[pivot * m + j]);
        d = -d;
      }
      d *= a[col * m + col];
      for (int64_t r = col + 1; r < m; ++r) {
        double f = a[r * m + col] / a[col * m + col];
        for (int64_t j = col; j < m; ++j)
          a[r * m + j] -= f * a[col * m + j];
      }
    }
    y.data.push_back(float(d));
  }
  c.outputs = {std::move(y)};
  return true;
}

/// The four weighted corners of a bilinear sample of a [H, W] plane at (y, x), as RoiAlign takes
/// it: zero beyond a pixel outside the plane, clamped to the border within it.
std::array<double, 4> bilinear(const float *plane, int64_t h, int64_t w, double y, double x) {
  // Written to hold for a NaN too: a NaN coordinate samples nothing.
  if (!(y >= -1.0 && y <= double(h) && x >= -1.0 && x <= double(w)))
    return {0, 0, 0, 0};
  y = std::max(y, 0.0);
  x = std::max(x, 0.0);
  int64_t y0 = int64_t(y), x0 = int64_t(x), y1, x1;
  if (y0 >= h - 1) {
    y0 = y1 = h - 1;
    y = double(y0);
  } else {
    y1 = y0 + 1;
  }
  if (x0 >= w - 1) {
    x0 = x1 = w - 1;
    x = double(x0);
  } else {
    x1 = x0 + 1;
  }
  double ly = y - double(y0), lx = x - double(x0), hy = 1 - ly, hx = 1 - lx;
  return {hy * hx * plane[y0 * w + x0], hy * lx * plane[y0 * w + x1],
          ly * hx * plane[y1 * w + x0], ly * lx * plane[y1 * w + x1]};
}

/// RoiAlign: each region's bins averaged over a grid of bilinear samples; in max mode, as ONNX's
/// reference and ONNX Runtime define it, the largest weighted corner of any sample.
/// MaxRoiPool as Caffe's ROI pooling, which ONNX's follows: each region (batch index, x1, y1, x2,
/// y2, scaled by spatial_scale and rounded) is cut into pooled_shape bins of whole pixels, each
/// the maximum of its pixels inside the input, 0 when it has none.
bool maxRoiPool(Context &c) {
  const HostTensor &x = *c.in(0), &rois = *c.in(1);
  std::vector<int64_t> pooled = c.attrs.ints("pooled_shape");
  if (x.shape.size() != 4 || rois.shape.size() != 2 || rois.shape[1] != 5 ||
      pooled.size() != 2 || pooled[0] < 1 || pooled[1] < 1)
    return c.fail("takes X [N, C, H, W], rois [R, 5] and a positive pooled_shape of two");
  std::vector<float> scaleAttr = c.attrs.floats("spatial_scale");
  double scale = scaleAttr.size() == 1 ? scaleAttr[0] : 1.0;
  int64_t channels = x.shape[1], h = x.shape[2], w = x.shape[3], regions = rois.shape[0];
  int64_t outH = pooled[0], outW = pooled[1];
  if (outH > kMaxElements / outW || regions * channels > kMaxElements / (outH * outW))
    return c.fail("the output would hold more than 2^31 values");
  HostTensor y;
  y.shape = {regions, channels, outH, outW};
  y.data.assign(size_t(regions * channels * outH * outW), 0.0f);
  // A coordinate in input pixels, clamped to what an int64 holds (NaN reads 0).
  auto pixel = [&](float v) { return saturatingInt64(std::round(double(v) * scale)); };
  for (int64_t r = 0; r < regions; ++r) {
    const float *box = rois.data.data() + r * 5;
    if (!(box[0] >= 0 && box[0] < float(x.shape[0])))
      return c.fail("batch index " + formatFloat(box[0]) + " is out of range");
    int64_t n = int64_t(box[0]);
    int64_t x1 = pixel(box[1]), y1 = pixel(box[2]), x2 = pixel(box[3]), y2 = pixel(box[4]);
    // Bin edges in double, clamped to the input before they become indices: a region far
    // outside it has no pixel, not an overflow.
    double binH = std::max(double(y2) - double(y1) + 1, 1.0) / double(outH);
    double binW = std::max(double(x2) - double(x1) + 1, 1.0) / double(outW);
    auto edge = [](double v, double origin, int64_t size) {
      return int64_t(std::clamp(v + origin, 0.0, double(size)));
    };
    for (int64_t ph = 0; ph < outH; ++ph)
      for (int64_t pw = 0; pw < outW; ++pw) {
        int64_t h0 = edge(std::floor(double(ph) * binH), double(y1), h);
        int64_t h1 = edge(std::ceil(double(ph + 1) * binH), double(y1), h);
        int64_t w0 = edge(std::floor(double(pw) * binW), double(x1), w);
        int64_t w1 = edge(std::ceil(double(pw + 1) * binW), double(x1), w);
        if (h1 <= h0 || w1 <= w0)
          continue;
        for (int64_t ch = 0; ch < channels; ++ch) {
          const float *plane = x.data.data() + (n * channels + ch) * h * w;
          float best = -std::numeric_limits<float>::infinity();
          for (int64_t i = h0; i < h1; ++i)
            for (int64_t j = w0; j < w1; ++j)
              best = std::max(best, plane[i * w + j]);
          y.data[size_t(((r * channels + ch) * outH + ph) * outW + pw)] = best;
        }
      }
  }
  c.outputs = {std::move(y)};
  return true;
}

bool roiAlign(Context &c) {
  const HostTensor &x = *c.in(0), &rois = *c.in(1), &batch = *c.in(2);
  if (x.shape.size() != 4 || rois.shape.size() != 2 || rois.shape[1] != 4 ||
      batch.shape != std::vector<int64_t>{rois.shape[0]})
    return c.fail("takes X [N, C, H, W], rois [R, 4] and batch_indices [R]");
  int64_t channels = x.shape[1], h = x.shape[2], w = x.shape[3], regions = rois.shape[0];
  int64_t outH = c.attrs.i("output_height", 1), outW = c.attrs.i("output_width", 1);
  int64_t sampling = c.attrs.i("sampling_ratio", 0);
  const ttb::HostAttribute *scaleAttr = c.attrs.find("spatial_scale");
  double scale = scaleAttr && scaleAttr->floats() && scaleAttr->floats()->size() == 1
                     ? scaleAttr->floats()->Get(0)
                     : 1.0;
  std::string mode = c.attrs.s("mode", "avg");
  bool halfPixel = c.attrs.s("coordinate_transformation_mode", "half_pixel") == "half_pixel";
  if (outH < 1 || outW < 1 || sampling < 0 || (mode != "avg" && mode != "max"))
    return c.fail("needs positive output sizes, sampling_ratio >= 0 and mode avg or max");
  if (outH > kMaxElements / outW || regions * channels > kMaxElements / (outH * outW))
    return c.fail("the output would hold more than 2^31 values");
  HostTensor y;
  y.shape = {regions, channels, outH, outW};
  y.data.resize(size_t(regions * channels * outH * outW));
  double offset = halfPixel ? 0.5 : 0.0;
  for (int64_t r = 0; r < regions; ++r) {
    float index = batch.data[r];
    if (!(index >= 0 && index < float(x.shape[0])))
      return c.fail("batch index " + formatFloat(index) + " is out of range");
    int64_t n = int64_t(index);
    const float *box = rois.data.data() + r * 4; // x1, y1, x2, y2
    double startX = box[0] * scale - offset, startY = box[1] * scale - offset;
    double width = box[2] * scale - offset - startX, height = box[3] * scale - offset - startY;
    if (!halfPixel) {
      width = std::max(width, 1.0);
      height = std::max(height, 1.0);
    }
    double binH = height / double(outH), binW = width / double(outW);
    // An adaptive grid as fine as the bin is tall and wide; a region of no size (or a NaN one)
    // has none.
    auto adaptive = [](double extent, int64_t bins) -> int64_t {
      double g = std::ceil(extent / double(bins));
      if (!(g > 0))
        return 0;
      return g > double(kMaxElements) ? kMaxElements : int64_t(g);
    };
    int64_t gridH = sampling > 0 ? sampling : adaptive(height, outH);
    int64_t gridW = sampling > 0 ? sampling : adaptive(width, outW);
    // Bounded far past any real model's regions, so that a malformed one cannot run for hours.
    if (double(gridH) * double(gridW) * double(channels * outH * outW) > double(int64_t(1) << 28))
      return c.fail("region " + std::to_string(r) + " would take more than 2^28 samples");
    double count = double(std::max<int64_t>(gridH * gridW, 1));
    for (int64_t ch = 0; ch < channels; ++ch) {
      const float *plane = x.data.data() + (n * channels + ch) * h * w;
      for (int64_t ph = 0; ph < outH; ++ph)
        for (int64_t pw = 0; pw < outW; ++pw) {
          double acc = mode == "max" ? -INFINITY : 0.0;
          for (int64_t iy = 0; iy < gridH; ++iy)
            for (int64_t ix = 0; ix < gridW; ++ix) {
              double sy = startY + double(ph) * binH + (double(iy) + 0.5) * binH / double(gridH);
              double sx = startX + double(pw) * binW + (double(ix) + 0.5) * binW / double(gridW);
              std::array<double, 4> corners = bilinear(plane, h, w, sy, sx);
              acc = mode == "max"
                        ? std::max(acc, *std::max_element(corners.begin(), corners.end()))
                        : acc + corners[0] + corners[1] + corners[2] + corners[3];
            }
          y.data[size_t(((r * channels + ch) * outH + ph) * outW + pw)] =
              float(mode == "max" ? (gridH * gridW ? acc : 0.0) : acc / count);
        }
    }
  }
  c.outputs = {std::move(y)};
  return true;
}

/// ReduceSum over axes given at run time (all of them when none are given, unless
/// noop_with_empty_axes).
bool reduceSum(Context &c) {
  const HostTensor &x = *c.in(0);
  int64_t rank = int64_t(x.shape.size());
  std::vector<bool> reduced(size_t(rank), false);
  const HostTensor *axes = c.in(1);
  if (!axes || axes->data.empty()) {
    if (c.attrs.i("noop_with_empty_axes", 0) == 0)
      reduced.assign(size_t(rank), true);
  } else {
    for (float f : axes->data) {
      int64_t a = saturatingInt64(f);
      if (!c.normalizeAxis(a, rank))
        return false;
      reduced[size_t(a)] = true;
    }
  }
  bool keep = c.attrs.i("keepdims", 1) != 0;
  HostTensor y;
  std::vector<int64_t> kept(static_cast<size_t>(rank), 0);
  for (int64_t d = 0; d < rank; ++d) {
    kept[d] = reduced[d] ? 1 : x.shape[d];
    if (!reduced[d] || keep)
      y.shape.push_back(kept[d]);
  }
  y.data.assign(size_t(numElements(kept)), 0.0f);
  std::vector<double> sums(y.data.size(), 0.0);
  std::vector<int64_t> index(size_t(rank), 0);
  for (float v : x.data) {
    int64_t at = 0;
    for (int64_t d = 0; d < rank; ++d)
      at = at * kept[d] + (reduced[d] ? 0 : index[d]);
    sums[size_t(at)] += v;
    for (int64_t d = rank - 1; d >= 0 && ++index[d] == x.shape[d]; --d)
      index[d] = 0;
  }
  for (size_t i = 0; i < sums.size(); ++i)
    y.data[i] = float(sums[i]);
  c.outputs = {std::move(y)};
  return true;
}

/// Lower or upper case of ASCII letters; other bytes (UTF-8 sequences among them) stay.
std::string changeCase(std::string s, bool upper) {
  for (char &ch : s)
    ch = char(upper ? std::toupper(static_cast<unsigned char>(ch))
                    : std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

/// StringNormalizer: stopwords removed (compared ignoring ASCII case unless is_case_sensitive),
/// the rest's case changed; all removed leaves one empty string, as ONNX says.
bool stringNormalizer(Context &c) {
  const HostTensor &x = *c.in(0);
  if (x.shape.empty() || x.shape.size() > 2 || (x.shape.size() == 2 && x.shape[0] != 1))
    return c.fail("takes strings of shape [C] or [1, C]");
  std::string action = c.attrs.s("case_change_action", "NONE");
  if (action != "NONE" && action != "LOWER" && action != "UPPER")
    return c.fail("unknown case_change_action '" + action + "'");
  bool caseSensitive = c.attrs.i("is_case_sensitive", 0) != 0;
  std::vector<std::string> stopwords;
  if (const ttb::HostAttribute *a = c.attrs.find("stopwords"); a && a->strings())
    for (const flatbuffers::String *w : *a->strings())
      stopwords.push_back(caseSensitive ? w->str() : changeCase(w->str(), false));
  HostTensor y;
  for (const std::string &s : x.strings) {
    std::string key = caseSensitive ? s : changeCase(s, false);
    if (std::find(stopwords.begin(), stopwords.end(), key) != stopwords.end())
      continue;
    y.strings.push_back(action == "NONE" ? s : changeCase(s, action == "UPPER"));
  }
  if (y.strings.empty())
    y.strings.push_back("");
  int64_t n = int64_t(y.strings.size());
  y.shape = x.shape.size() == 2 ? std::vector<int64_t>{1, n} : std::vector<int64_t>{n};
  c.outputs = {std::move(y)};
  return true;
}

/// The shortest text that reads back as `v`, as numpy prints a float32: positional from 1e-4 to
/// 1e16 (with ".0" when whole), scientific beyond.
std::string floatText(float v) {
  if (std::isnan(v))
    return "nan";
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  char buf[64];
  float mag = std::fabs(v);
  bool positional = mag == 0 || (mag >= 1e-4f && mag < 1e16f);
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v,
                                 positional ? std::chars_format::fixed
                                            : std::chars_format::scientific);
  std::string s(buf, ec == std::errc() ? end : buf);
  if (positional && s.find('.') == std::string::npos)
    s += ".0";
  return s;
}

/// Cast to or from strings (to = 8), and between numbers on the host: integers truncate toward
/// zero, bools are nonzero.
bool cast(Context &c) {
  const HostTensor &x = *c.in(0);
  int64_t to = c.attrs.i("to", 0);
  constexpr int64_t kString = 8, kBool = 9, kFloat = 1, kFloat16 = 10, kDouble = 11,
                    kBFloat16 = 16;
  HostTensor y;
  y.shape = x.shape;
  size_t n = size_t(numElements(x.shape));
  bool fromText = !x.strings.empty() || (n == 0 && x.data.empty());
  if (to == kString) {
    for (size_t i = 0; i < n; ++i)
      y.strings.push_back(fromText ? x.strings[i] : floatText(x.data[i]));
    c.outputs = {std::move(y)};
    return true;
  }
  for (size_t i = 0; i < n; ++i) {
    double v = fromText ? 0.0 : double(x.data[i]);
    if (fromText) {
      const std::string &s = x.strings[i];
      char *end = nullptr;
      v = std::strtod(s.c_str(), &end);
      if (s.empty() || *end)
        return c.fail("'" + s + "' is not a number");
    }
    bool isFloat = to == kFloat || to == kFloat16 || to == kDouble || to == kBFloat16;
    y.data.push_back(to == kBool ? float(v != 0) : isFloat ? float(v) : float(std::trunc(v)));
  }
  c.outputs = {std::move(y)};
  return true;
}

/// If whose branches the chip computed (both: they have no effects) and whose output's shape
/// depends on the branch: the condition picks the branch's value.
bool ifBranch(Context &c) {
  const HostTensor &cond = *c.in(0);
  if (cond.data.size() != 1)
    return c.fail("the condition must hold one value");
  c.outputs = {*c.in(cond.data[0] != 0 ? 1 : 2)};
  return true;
}

/// What an op's inputs hold: numbers only, or strings where the op reads text; a sequence first
/// (then numbers or strings after it); or anything (Identity, the optional ops, If).
enum class Values { Numbers, Strings, Either, Sequence, Any };

struct HostOpImpl {
  const char *name;
  size_t requiredInputs;
  bool (*run)(Context &);
  Values values = Values::Numbers;
};

const HostOpImpl kHostOps[] = {
    {"NonZero", 1, nonZero},
    {"Dropout", 1, dropout},
    {"Compress", 2, compress},
    {"Unique", 1, unique},
    {"NonMaxSuppression", 2, nonMaxSuppression},
    {"TfIdfVectorizer", 1, tfIdfVectorizer},
    {"Range", 3, range},
    {"Det", 1, det},
    {"Multinomial", 1, multinomial},
    {"MaxRoiPool", 2, maxRoiPool},
    {"RoiAlign", 3, roiAlign},
    {"ReduceSum", 1, reduceSum},
    {"StringNormalizer", 1, stringNormalizer, Values::Strings},
    {"Cast", 1, cast, Values::Either},
    {"If", 3, ifBranch, Values::Any},
    {"Identity", 1, identity, Values::Any},
    {"SequenceInsert", 2, sequenceInsert, Values::Sequence},
    {"SequenceErase", 1, sequenceErase, Values::Sequence},
    {"SequenceAt", 2, sequenceAt, Values::Sequence},
    {"SequenceLength", 1, sequenceLength, Values::Sequence},
    {"ConcatFromSequence", 1, concatFromSequence, Values::Sequence},
    {"SequenceConstruct", 1, sequenceConstruct, Values::Either},
    {"SequenceEmpty", 0, sequenceConstruct, Values::Either},
    {"SplitToSequence", 1, splitToSequence, Values::Either},
    {"Optional", 0, optional, Values::Any},
    {"OptionalHasElement", 1, optionalHasElement, Values::Any},
    {"OptionalGetElement", 1, optionalGetElement, Values::Any},
    {"Shape", 1, shape, Values::Either},
    {"Reshape", 2, reshape, Values::Either},
    {"Flatten", 1, flatten, Values::Either},
    {"Squeeze", 1, squeeze, Values::Either},
    {"Unsqueeze", 1, unsqueeze, Values::Either},
    {"Transpose", 1, transpose, Values::Either},
    {"Slice", 3, slice, Values::Either},
    {"Gather", 2, gather, Values::Either},
    {"Concat", 1, concat, Values::Either},
};

const HostOpImpl *findHostOp(const std::string &op) {
  for (const HostOpImpl &impl : kHostOps)
    if (op == impl.name)
      return &impl;
  // The elementwise ops share one implementation; each takes one input at least.
  static const HostOpImpl kElementwise{"elementwise", 1, elementwise};
  return isHostElementwise(op) ? &kElementwise : nullptr;
}

} // namespace

// A Loop or SequenceMap runs its body's host ops (runHostOpList), not an implementation of its
// own.
bool isHostOp(const std::string &op) {
  return op == "Loop" || op == "SequenceMap" || findHostOp(op) != nullptr;
}

std::string hostOpLabel(const ttb::HostOp &op) {
  return "host op '" + (op.name() ? op.name()->str() : "") + "' (" +
         (op.op() ? op.op()->str() : "") + "): ";
}

bool runHostOp(const ttb::HostOp &op, const std::vector<const HostTensor *> &inputs,
               std::vector<HostTensor> &outputs, std::string &error) {
  std::string type = op.op() ? op.op()->str() : "";
  std::string label = hostOpLabel(op);
  const HostOpImpl *impl = findHostOp(type);
  if (!impl) {
    error = label + "not an op the runtime runs on the host";
    return false;
  }
  for (size_t i = 0; i < impl->requiredInputs; ++i)
    if (i >= inputs.size() || !inputs[i]) {
      error = label + "input " + std::to_string(i) + " is missing";
      return false;
    }
  for (size_t i = 0; i < inputs.size(); ++i) {
    const HostTensor *in = inputs[i];
    if (!in)
      continue;
    bool sequenceHere = impl->values == Values::Sequence && i == 0;
    if (impl->values != Values::Any && (in->isSequence != sequenceHere || in->isOptional)) {
      error = label + (sequenceHere ? "takes a sequence first"
                                    : "takes tensors, not a sequence or an optional");
      return false;
    }
    if (in->isSequence || in->isOptional)
      continue;
    int64_t n = numElements(in->shape);
    bool numbers = int64_t(in->data.size()) == n && in->strings.empty();
    bool strings = int64_t(in->strings.size()) == n && in->data.empty();
    if (!numbers && !strings) {
      error = label + "an input's values do not match its shape";
      return false;
    }
    if ((impl->values == Values::Numbers && !numbers) ||
        (impl->values == Values::Strings && !strings)) {
      error = label + "takes " + (impl->values == Values::Strings ? "strings" : "numbers");
      return false;
    }
  }
  Context c{op, inputs, outputs, error, Attributes(op)};
  if (!impl->run(c)) {
    error = label + error;
    return false;
  }
  size_t wanted = op.outputs() ? op.outputs()->size() : 0;
  if (outputs.size() < wanted) {
    error = label + "lists " + std::to_string(wanted) + " outputs, the op has " +
            std::to_string(outputs.size());
    return false;
  }
  outputs.resize(wanted);
  return true;
}

} // namespace tessel::rt
