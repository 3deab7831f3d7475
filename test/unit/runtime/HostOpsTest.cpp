// The ops the runtime runs on the host, against ONNX's semantics in the cases the backend suite's
// node tests leave out: weighted TfIdf modes, NMS's thresholds at their boundaries, Unique in
// order of appearance along an axis, and the errors a malformed binary meets.
#include "HostOps.h"

#include <gtest/gtest.h>

#include <limits>

#include <variant>

using namespace tessel;
using namespace tessel::rt;

namespace {

using AttrValue = std::variant<int64_t, std::vector<int64_t>, std::vector<float>, std::string>;

/// A host op built as the serializer writes it; `root()` stays valid while the builder lives.
class HostOpBuilder {
public:
  HostOpBuilder(const std::string &op, size_t outputs,
                const std::vector<std::pair<std::string, AttrValue>> &attrs = {}) {
    std::vector<flatbuffers::Offset<ttb::HostAttribute>> list;
    for (const auto &[name, value] : attrs) {
      auto n = fbb.CreateString(name);
      if (auto *i = std::get_if<int64_t>(&value))
        list.push_back(ttb::CreateHostAttribute(fbb, n, true, fbb.CreateVector(std::vector{*i})));
      else if (auto *is = std::get_if<std::vector<int64_t>>(&value))
        list.push_back(ttb::CreateHostAttribute(fbb, n, false, fbb.CreateVector(*is)));
      else if (auto *fs = std::get_if<std::vector<float>>(&value))
        list.push_back(ttb::CreateHostAttribute(fbb, n, false, 0, fbb.CreateVector(*fs)));
      else
        list.push_back(ttb::CreateHostAttribute(
            fbb, n, true, 0, 0,
            fbb.CreateVectorOfStrings(std::vector{std::get<std::string>(value)})));
    }
    std::vector<std::string> outs;
    for (size_t i = 0; i < outputs; ++i)
      outs.push_back("out" + std::to_string(i));
    auto node = ttb::CreateHostOp(fbb, fbb.CreateString("node"), fbb.CreateString(op),
                                  fbb.CreateVectorOfStrings(std::vector<std::string>{}),
                                  fbb.CreateVectorOfStrings(outs), fbb.CreateVector(list));
    fbb.Finish(node);
  }
  const ttb::HostOp &root() const {
    return *flatbuffers::GetRoot<ttb::HostOp>(fbb.GetBufferPointer());
  }

private:
  flatbuffers::FlatBufferBuilder fbb;
};

HostTensor tensor(std::vector<int64_t> shape, std::vector<float> data) {
  return {"", std::move(shape), std::move(data)};
}

std::vector<HostTensor> run(const HostOpBuilder &op, const std::vector<const HostTensor *> &in) {
  std::vector<HostTensor> out;
  std::string error;
  EXPECT_TRUE(runHostOp(op.root(), in, out, error)) << error;
  return out;
}

std::string failure(const HostOpBuilder &op, const std::vector<const HostTensor *> &in) {
  std::vector<HostTensor> out;
  std::string error;
  EXPECT_FALSE(runHostOp(op.root(), in, out, error));
  return error;
}

TEST(HostOps, TfIdfWeightsByMode) {
  // Pool: unigrams 1, 2; bigram (1, 2). Input row [1, 2, 1, 2]: 1 twice, 2 twice, (1,2) twice.
  // Two n-grams at one position add up.
  std::vector<std::pair<std::string, AttrValue>> attrs = {
      {"min_gram_length", int64_t(1)}, {"max_gram_length", int64_t(2)},
      {"max_skip_count", int64_t(0)}, {"ngram_counts", std::vector<int64_t>{0, 2}},
      {"ngram_indexes", std::vector<int64_t>{2, 0, 1}},
      {"pool_int64s", std::vector<int64_t>{1, 2, 1, 2}},
      {"weights", std::vector<float>{0.5f, 2.0f, 3.0f}}};
  HostTensor x = tensor({4}, {1, 2, 1, 2});
  auto withMode = [&](const std::string &mode) {
    auto a = attrs;
    a.push_back({"mode", mode});
    return HostOpBuilder("TfIdfVectorizer", 1, a);
  };
  // Output position = ngram_indexes[g]: unigram 1 -> 2, unigram 2 -> 0, bigram -> 1; the
  // weights are by output position, as in ONNX's reference.
  EXPECT_EQ(run(withMode("TF"), {&x})[0].data, (std::vector<float>{2, 2, 2}));
  EXPECT_EQ(run(withMode("IDF"), {&x})[0].data, (std::vector<float>{0.5f, 2, 3}));
  EXPECT_EQ(run(withMode("TFIDF"), {&x})[0].data, (std::vector<float>{1, 4, 6}));
  EXPECT_NE(failure(withMode("BM25"), {&x}).find("unknown mode 'BM25'"), std::string::npos);
}

TEST(HostOps, TfIdfNgramsSharingAPositionAddUp) {
  HostOpBuilder op("TfIdfVectorizer", 1,
                   {{"min_gram_length", int64_t(1)}, {"max_gram_length", int64_t(1)},
                    {"mode", std::string("TF")}, {"ngram_counts", std::vector<int64_t>{0}},
                    {"ngram_indexes", std::vector<int64_t>{1, 1}},
                    {"pool_int64s", std::vector<int64_t>{4, 7}}});
  HostTensor x = tensor({3}, {4, 7, 7});
  EXPECT_EQ(run(op, {&x})[0].data, (std::vector<float>{0, 3}));
}

TEST(HostOps, TfIdfSkipsCountUnigramsOnce) {
  // Bigrams one item apart in [5, 9, 5, 9, 6]: (5,5) at skip 1, (9,9) at skip 1; unigrams once.
  HostOpBuilder op("TfIdfVectorizer", 1,
                   {{"min_gram_length", int64_t(1)}, {"max_gram_length", int64_t(2)},
                    {"max_skip_count", int64_t(2)}, {"mode", std::string("TF")},
                    {"ngram_counts", std::vector<int64_t>{0, 1}},
                    {"ngram_indexes", std::vector<int64_t>{0, 1, 2}},
                    {"pool_int64s", std::vector<int64_t>{5, 5, 5, 9, 9}}});
  HostTensor x = tensor({1, 5}, {5, 9, 5, 9, 6});
  std::vector<HostTensor> y = run(op, {&x});
  EXPECT_EQ(y[0].shape, (std::vector<int64_t>{1, 3}));
  // unigram 5: 2; (5,5): skip 1 once; (9,9): skip 1 once.
  EXPECT_EQ(y[0].data, (std::vector<float>{2, 1, 1}));
}

TEST(HostOps, NmsThresholdsAreStrict) {
  // Two unit squares overlapping by half (IoU 1/3) and a far one; center-point boxes.
  HostTensor boxes = tensor({1, 3, 4}, {0.5f, 0.5f, 1, 1, 1.0f, 0.5f, 1, 1, 9, 9, 1, 1});
  HostTensor scores = tensor({1, 1, 3}, {0.9f, 0.8f, 0.7f});
  HostTensor maxBoxes = tensor({1}, {5});
  HostOpBuilder op("NonMaxSuppression", 1, {{"center_point_box", int64_t(1)}});
  // IoU equal to the threshold keeps the box; above it suppresses.
  HostTensor third = tensor({1}, {1.0f / 3.0f}), quarter = tensor({1}, {0.25f});
  EXPECT_EQ(run(op, {&boxes, &scores, &maxBoxes, &third})[0].data,
            (std::vector<float>{0, 0, 0, 0, 0, 1, 0, 0, 2}));
  EXPECT_EQ(run(op, {&boxes, &scores, &maxBoxes, &quarter})[0].data,
            (std::vector<float>{0, 0, 0, 0, 0, 2}));
  // A score equal to the score threshold is dropped.
  HostTensor minScore = tensor({1}, {0.8f});
  std::vector<HostTensor> y = run(op, {&boxes, &scores, &maxBoxes, &quarter, &minScore});
  EXPECT_EQ(y[0].shape, (std::vector<int64_t>{1, 3}));
  // No max_output_boxes_per_class: nothing is selected.
  y = run(op, {&boxes, &scores});
  EXPECT_EQ(y[0].shape, (std::vector<int64_t>{0, 3}));
}

TEST(HostOps, UniqueAlongAnAxisInOrderOfAppearance) {
  HostOpBuilder op("Unique", 4, {{"axis", int64_t(-1)}, {"sorted", int64_t(0)}});
  // Columns: (3,1), (1,2), (3,1), (0,0).
  HostTensor x = tensor({2, 4}, {3, 1, 3, 0, 1, 2, 1, 0});
  std::vector<HostTensor> y = run(op, {&x});
  EXPECT_EQ(y[0].shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(y[0].data, (std::vector<float>{3, 1, 0, 1, 2, 0}));
  EXPECT_EQ(y[1].data, (std::vector<float>{0, 1, 3}));
  EXPECT_EQ(y[2].data, (std::vector<float>{0, 1, 0, 2}));
  EXPECT_EQ(y[3].data, (std::vector<float>{2, 1, 1}));
}

TEST(HostOps, NonZeroOfAScalarIndexesItAsOneElement) {
  HostOpBuilder op("NonZero", 1);
  HostTensor x = tensor({}, {4});
  std::vector<HostTensor> y = run(op, {&x});
  EXPECT_EQ(y[0].shape, (std::vector<int64_t>{1, 1}));
}

TEST(HostOps, DetPivotsAndFindsSingularMatrices) {
  HostOpBuilder op("Det", 1);
  // A zero pivot swaps rows (the sign flips); the second matrix is singular.
  HostTensor x = tensor({2, 3, 3}, {0, 2, 1, 1, 1, 1, 3, 0, 2, 1, 2, 3, 2, 4, 6, 0, 1, 5});
  std::vector<HostTensor> y = run(op, {&x});
  EXPECT_EQ(y[0].shape, (std::vector<int64_t>{2}));
  EXPECT_FLOAT_EQ(y[0].data[0], -1.0f);
  EXPECT_FLOAT_EQ(y[0].data[1], 0.0f);
}

TEST(HostOps, RangeCountsDown) {
  HostTensor start = tensor({}, {10}), limit = tensor({}, {4}), delta = tensor({}, {-3});
  EXPECT_EQ(run(HostOpBuilder("Range", 1), {&start, &limit, &delta})[0].data,
            (std::vector<float>{10, 7}));
  HostTensor zero = tensor({}, {0});
  EXPECT_EQ(failure(HostOpBuilder("Range", 1), {&start, &limit, &zero}),
            "host op 'node' (Range): delta is 0");
}

TEST(HostOps, RoiAlignMaxTakesTheLargestWeightedCorner) {
  // A 2x2 plane, one region over all of it, one bin sampled once at its centre (0.5, 0.5) with
  // output_half_pixel: the corners weigh 1/4 each.
  HostTensor x = tensor({1, 1, 2, 2}, {1, 2, 3, 8}), rois = tensor({1, 4}, {0, 0, 1, 1}),
             batch = tensor({1}, {0});
  auto roiAlign = [](const std::string &mode) {
    return HostOpBuilder("RoiAlign", 1,
                         {{"mode", mode}, {"sampling_ratio", int64_t(1)},
                          {"coordinate_transformation_mode", std::string("output_half_pixel")}});
  };
  EXPECT_FLOAT_EQ(run(roiAlign("avg"), {&x, &rois, &batch})[0].data[0], 3.5f);
  EXPECT_FLOAT_EQ(run(roiAlign("max"), {&x, &rois, &batch})[0].data[0], 2.0f);
  HostTensor farBatch = tensor({1}, {3});
  EXPECT_EQ(failure(roiAlign("avg"), {&x, &rois, &farBatch}),
            "host op 'node' (RoiAlign): batch index 3 is out of range");
}

TEST(HostOps, RoiAlignSamplesNothingAtNaNAndBoundsItsWork) {
  HostTensor x = tensor({1, 1, 2, 2}, {1, 2, 3, 8}), rois = tensor({1, 4}, {0, 0, 1, 1}),
             batch = tensor({1}, {0});
  // An infinite scale puts every sample at NaN or infinity: outside the plane, so zero.
  const float inf = std::numeric_limits<float>::infinity();
  HostOpBuilder infinite("RoiAlign", 1,
                         {{"spatial_scale", std::vector<float>{inf}},
                          {"output_height", int64_t(2)}, {"output_width", int64_t(2)}});
  EXPECT_EQ(run(infinite, {&x, &rois, &batch})[0].data, (std::vector<float>{0, 0, 0, 0}));
  HostOpBuilder dense("RoiAlign", 1, {{"sampling_ratio", int64_t(1) << 15}});
  EXPECT_EQ(failure(dense, {&x, &rois, &batch}),
            "host op 'node' (RoiAlign): region 0 would take more than 2^28 samples");
  HostTensor nanBatch = tensor({1}, {std::numeric_limits<float>::quiet_NaN()});
  EXPECT_EQ(failure(HostOpBuilder("RoiAlign", 1), {&x, &rois, &nanBatch}),
            "host op 'node' (RoiAlign): batch index nan is out of range");
}

TEST(HostOps, MaxRoiPoolOfRegionsFarOutsideOrNaNHasNoPixels) {
  HostTensor x = tensor({1, 1, 2, 2}, {1, 2, 3, 8});
  HostOpBuilder op("MaxRoiPool", 1, {{"pooled_shape", std::vector<int64_t>{1, 2}}});
  const float big = 3e38f, nan = std::numeric_limits<float>::quiet_NaN();
  // The whole plane in two bins of a column each; a region past any int64 has no pixel; a NaN
  // corner reads as 0 (so the region reaches from 0 to its other corner).
  HostTensor whole = tensor({1, 5}, {0, 0, 0, 1, 1}), far = tensor({1, 5}, {0, big, big, big, big}),
             nanCorner = tensor({1, 5}, {0, nan, nan, 0, 1});
  EXPECT_EQ(run(op, {&x, &whole})[0].data, (std::vector<float>{3, 8}));
  EXPECT_EQ(run(op, {&x, &far})[0].data, (std::vector<float>{0, 0}));
  EXPECT_EQ(run(op, {&x, &nanCorner})[0].data, (std::vector<float>{3, 3}));
  HostTensor badBatch = tensor({1, 5}, {nan, 0, 0, 1, 1});
  EXPECT_EQ(failure(op, {&x, &badBatch}),
            "host op 'node' (MaxRoiPool): batch index nan is out of range");
}

HostTensor strings(std::vector<int64_t> shape, std::vector<std::string> values) {
  return {"", std::move(shape), {}, std::move(values)};
}

TEST(HostOps, StringNormalizerLeavesOneEmptyStringWhenAllAreStopwords) {
  HostOpBuilder op("StringNormalizer", 1,
                   {{"case_change_action", std::string("LOWER")},
                    {"stopwords", std::string("MONDAY")}});
  HostTensor x = strings({1, 3}, {"monday", "Monday", "Tuesday"});
  std::vector<HostTensor> y = run(op, {&x});
  EXPECT_EQ(y[0].shape, (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(y[0].strings, (std::vector<std::string>{"tuesday"}));
  HostTensor gone = strings({1, 2}, {"MONDAY", "monday"});
  y = run(op, {&gone});
  EXPECT_EQ(y[0].shape, (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(y[0].strings, (std::vector<std::string>{""}));
  HostTensor numbers = tensor({2}, {1, 2});
  EXPECT_EQ(failure(op, {&numbers}), "host op 'node' (StringNormalizer): takes strings");
}

TEST(HostOps, CastBetweenStringsAndNumbers) {
  HostTensor x = tensor({4}, {0.039187793f, 3, -2.5f, 1e-5f});
  std::vector<HostTensor> y = run(HostOpBuilder("Cast", 1, {{"to", int64_t(8)}}), {&x});
  EXPECT_EQ(y[0].strings, (std::vector<std::string>{"0.039187793", "3.0", "-2.5", "1e-05"}));
  HostTensor text = strings({3}, {"2.75", "-1.5", "7"});
  EXPECT_EQ(run(HostOpBuilder("Cast", 1, {{"to", int64_t(7)}}), {&text})[0].data,
            (std::vector<float>{2, -1, 7}));
  HostTensor bad = strings({1}, {"seven"});
  EXPECT_EQ(failure(HostOpBuilder("Cast", 1, {{"to", int64_t(1)}}), {&bad}),
            "host op 'node' (Cast): 'seven' is not a number");
}

TEST(HostOps, ReduceSumOverAxesGivenAtRunTime) {
  HostTensor x = tensor({2, 3}, {1, 2, 3, 4, 5, 6}), last = tensor({1}, {-1}),
             none = tensor({0}, {});
  std::vector<HostTensor> y = run(HostOpBuilder("ReduceSum", 1, {{"keepdims", int64_t(0)}}),
                                  {&x, &last});
  EXPECT_EQ(y[0].shape, (std::vector<int64_t>{2}));
  EXPECT_EQ(y[0].data, (std::vector<float>{6, 15}));
  y = run(HostOpBuilder("ReduceSum", 1), {&x, &none});
  EXPECT_EQ(y[0].shape, (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(y[0].data, (std::vector<float>{21}));
  y = run(HostOpBuilder("ReduceSum", 1, {{"noop_with_empty_axes", int64_t(1)}}), {&x, &none});
  EXPECT_EQ(y[0].data, x.data);
}

TEST(HostOps, DataMovementFollowsOnnx) {
  HostTensor x = tensor({2, 3}, {0, 1, 2, 3, 4, 5});
  // Slice backwards with a step of -2 along the last axis, starts and ends clamped.
  HostTensor starts = tensor({1}, {10}), ends = tensor({1}, {-10}), axes = tensor({1}, {-1}),
             steps = tensor({1}, {-2});
  std::vector<HostTensor> y = run(HostOpBuilder("Slice", 1), {&x, &starts, &ends, &axes, &steps});
  EXPECT_EQ(y[0].shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(y[0].data, (std::vector<float>{2, 0, 5, 3}));
  y = run(HostOpBuilder("Transpose", 1), {&x});
  EXPECT_EQ(y[0].data, (std::vector<float>{0, 3, 1, 4, 2, 5}));
  HostTensor last = tensor({2}, {-1, 0});
  y = run(HostOpBuilder("Gather", 1, {{"axis", int64_t(1)}}), {&x, &last});
  EXPECT_EQ(y[0].data, (std::vector<float>{2, 0, 5, 3}));
  HostTensor target = tensor({2}, {0, -1});
  y = run(HostOpBuilder("Reshape", 1), {&x, &target});
  EXPECT_EQ(y[0].shape, (std::vector<int64_t>{2, 3}));
  HostTensor words = strings({2}, {"a", "b"}), more = strings({1}, {"c"});
  y = run(HostOpBuilder("Concat", 1, {{"axis", int64_t(0)}}), {&words, &more});
  EXPECT_EQ(y[0].strings, (std::vector<std::string>{"a", "b", "c"}));
  HostTensor one = tensor({1}, {0});
  EXPECT_EQ(failure(HostOpBuilder("Squeeze", 1), {&x, &one}),
            "host op 'node' (Squeeze): dim 0 is 2, not 1");
}

TEST(HostOps, SequencesSplitInsertEraseAndJoin) {
  HostTensor x = tensor({5, 2}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}), two = tensor({}, {2});
  // A scalar split: chunks of 2 rows, the last one shorter.
  std::vector<HostTensor> y = run(HostOpBuilder("SplitToSequence", 1), {&x, &two});
  ASSERT_TRUE(y[0].isSequence);
  ASSERT_EQ(y[0].elements.size(), 3u);
  EXPECT_EQ(y[0].elements[2].shape, (std::vector<int64_t>{1, 2}));
  // No split and keepdims 0: one element per row, the axis dropped.
  y = run(HostOpBuilder("SplitToSequence", 1, {{"keepdims", int64_t(0)}}), {&x});
  ASSERT_EQ(y[0].elements.size(), 5u);
  EXPECT_EQ(y[0].elements[4].shape, (std::vector<int64_t>{2}));
  HostTensor seq = y[0], last = tensor({}, {-1});
  y = run(HostOpBuilder("SequenceErase", 1), {&seq, &last});
  EXPECT_EQ(y[0].elements.size(), 4u);
  y = run(HostOpBuilder("ConcatFromSequence", 1, {{"axis", int64_t(0)}, {"new_axis", int64_t(1)}}),
          {&y[0]});
  EXPECT_EQ(y[0].shape, (std::vector<int64_t>{4, 2}));
  EXPECT_EQ(y[0].data, (std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7}));
  HostTensor far = tensor({}, {9});
  EXPECT_EQ(failure(HostOpBuilder("SequenceAt", 1), {&seq, &far}),
            "host op 'node' (SequenceAt): position 9 is out of range for a sequence of 5");
  EXPECT_EQ(failure(HostOpBuilder("NonZero", 1), {&seq}),
            "host op 'node' (NonZero): takes tensors, not a sequence or an optional");
}

TEST(HostOps, ElementwiseBroadcastsAndKeepsIntegerSemantics) {
  HostTensor col = tensor({2, 1}, {-7, 7}), row = tensor({3}, {2, -2, 4});
  std::vector<HostTensor> y = run(HostOpBuilder("Div", 1, {{"integer", int64_t(1)}}), {&col, &row});
  EXPECT_EQ(y[0].shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(y[0].data, (std::vector<float>{-3, 3, -1, 3, -3, 1}));
  // Mod takes the divisor's sign unless fmod.
  y = run(HostOpBuilder("Mod", 1), {&col, &row});
  EXPECT_EQ(y[0].data, (std::vector<float>{1, -1, 1, 1, -1, 3}));
  HostTensor cond = tensor({3}, {1, 0, 1}), other = tensor({}, {0});
  y = run(HostOpBuilder("Where", 1), {&cond, &row, &other});
  EXPECT_EQ(y[0].data, (std::vector<float>{2, 0, 4}));
  HostTensor wide = tensor({4}, {1, 2, 3, 4});
  EXPECT_EQ(failure(HostOpBuilder("Add", 1), {&row, &wide}),
            "host op 'node' (Add): shapes do not broadcast");
}

TEST(HostOps, ErrorsNameTheOpAndTheProblem) {
  HostTensor x = tensor({2, 3}, {1, 2, 3, 4, 5, 6}), cond = tensor({3}, {1, 0, 1});
  EXPECT_EQ(failure(HostOpBuilder("Compress", 1, {{"axis", int64_t(0)}}), {&x, &cond}),
            "host op 'node' (Compress): the condition has 3 values for an axis of 2");
  EXPECT_EQ(failure(HostOpBuilder("Compress", 1, {{"axis", int64_t(2)}}), {&x, &cond}),
            "host op 'node' (Compress): axis 2 is out of range for rank 2");
  EXPECT_EQ(failure(HostOpBuilder("Compress", 1), {&x}),
            "host op 'node' (Compress): input 1 is missing");
  EXPECT_EQ(failure(HostOpBuilder("Conv", 1), {&x}),
            "host op 'node' (Conv): not an op the runtime runs on the host");
  EXPECT_EQ(failure(HostOpBuilder("Unique", 5), {&x}),
            "host op 'node' (Unique): lists 5 outputs, the op has 4");
  HostTensor boxes = tensor({1, 2, 3}, {0, 0, 0, 0, 0, 0});
  EXPECT_EQ(failure(HostOpBuilder("NonMaxSuppression", 1), {&boxes, &x}),
            "host op 'node' (NonMaxSuppression): boxes must be [batches, boxes, 4]");
}

} // namespace
