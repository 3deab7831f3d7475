//===- TensorIOTest.cpp - .npy, inline and ONNX protobuf tensors ----------===//
#include "TestBinaries.h"

#include "tessel/runtime/TensorIO.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

using namespace tessel::rt;
using tessel::rt::test::readTensorFile;

TEST(TensorIO, NpyRoundTrip) {
  HostTensor t{"t", {2, 3}, {1, 2, 3, 4, 5, 6.5f}};
  std::string bytes = npyBytes(t);
  EXPECT_EQ((bytes.size() - 6 * 4) % 64, 0u);
  HostTensor back;
  std::string error;
  ASSERT_TRUE(parseNpy(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size(), back, error))
      << error;
  EXPECT_EQ(back.shape, t.shape);
  EXPECT_EQ(back.data, t.data);
  HostTensor scalar{"s", {}, {3}}, vec{"v", {4}, {1, 2, 3, 4}};
  for (const HostTensor &x : {scalar, vec}) {
    bytes = npyBytes(x);
    ASSERT_TRUE(parseNpy(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size(), back, error));
    EXPECT_EQ(back.shape, x.shape);
  }
}

TEST(TensorIO, NpyConvertsIntegersAndRejectsOthers) {
  std::string header = "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }";
  std::string bytes = std::string("\x93NUMPY\x01\x00", 8);
  bytes += char(header.size());
  bytes += char(0);
  bytes += header;
  int64_t values[2] = {-3, 7};
  bytes.append(reinterpret_cast<const char *>(values), 16);
  HostTensor t;
  std::string error;
  ASSERT_TRUE(parseNpy(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size(), t, error))
      << error;
  EXPECT_EQ(t.data, (std::vector<float>{-3, 7}));
  std::string complex = bytes;
  complex.replace(complex.find("<i8"), 3, "<c8");
  EXPECT_FALSE(parseNpy(reinterpret_cast<const uint8_t *>(complex.data()), complex.size(), t, error));
  EXPECT_NE(error.find("'<c8'"), std::string::npos) << error;
  EXPECT_FALSE(parseNpy(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size() - 1, t, error));
}

TEST(TensorIO, InlineTensors) {
  HostTensor t;
  std::string error;
  ASSERT_TRUE(parseInlineTensor("2x3xf32=1,2,3,4,5,6", t, error)) << error;
  EXPECT_EQ(t.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(t.data[5], 6.0f);
  ASSERT_TRUE(parseInlineTensor("f32=2.5", t, error)) << error;
  EXPECT_TRUE(t.shape.empty());
  EXPECT_FALSE(parseInlineTensor("2x2xf32=1,2,3", t, error));
  EXPECT_NE(error.find("needs 4 values, got 3"), std::string::npos) << error;
  EXPECT_FALSE(parseInlineTensor("2xq8=1,2", t, error));
  EXPECT_FALSE(parseInlineTensor("2xf32=1,x", t, error));
  EXPECT_FALSE(parseInlineTensor("2xf32", t, error));
}

TEST(TensorIO, FormatElidesBigTensors) {
  HostTensor small{"s", {2, 2}, {1, 2, 3, 4.5f}};
  EXPECT_EQ(formatTensor(small), "[[1., 2.],\n [3., 4.5]]");
  // Integers print whole, beyond %g's six digits too; bools as numpy's.
  HostTensor ints{"i", {3}, {1099511627776.0f, -3.0f, 0.0f}};
  EXPECT_EQ(formatTensor(ints, ValueKind::Integer), "[1099511627776, -3, 0]");
  EXPECT_EQ(formatTensor(ints, ValueKind::Bool), "[True, True, False]");
  HostTensor big{"b", {2000}, std::vector<float>(2000, 0.0f)};
  std::string text = formatTensor(big);
  EXPECT_NE(text.find("..."), std::string::npos);
  EXPECT_LT(text.size(), 100u);
}

namespace {
// A .npy of `count` values of numpy kind `descr` whose bytes are `data`.
std::string npyOf(const std::string &descr, size_t count, const void *data, size_t size) {
  std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" +
                       std::to_string(count) + ",), }";
  std::string bytes = std::string("\x93NUMPY\x01\x00", 8);
  bytes += char(header.size());
  bytes += char(0);
  bytes += header;
  bytes.append(static_cast<const char *>(data), size);
  return bytes;
}

template <typename T>
bool parseValues(const std::string &descr, std::vector<T> values, HostTensor &t,
                 std::string &error) {
  std::string bytes = npyOf(descr, values.size(), values.data(), values.size() * sizeof(T));
  return parseNpy(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size(), t, error);
}
} // namespace

TEST(TensorIO, NpyTakesEveryBoolIntegerAndFloatType) {
  HostTensor t;
  std::string error;
  ASSERT_TRUE(parseValues<uint8_t>("|b1", {0, 1, 1}, t, error)) << error;
  EXPECT_EQ(t.data, (std::vector<float>{0, 1, 1}));
  ASSERT_TRUE(parseValues<int8_t>("|i1", {-128, 0, 127}, t, error)) << error;
  EXPECT_EQ(t.data, (std::vector<float>{-128, 0, 127}));
  ASSERT_TRUE(parseValues<uint8_t>("|u1", {0, 200, 255}, t, error)) << error;
  EXPECT_EQ(t.data, (std::vector<float>{0, 200, 255}));
  ASSERT_TRUE(parseValues<int16_t>("<i2", {-32768, 5, 32767}, t, error)) << error;
  EXPECT_EQ(t.data, (std::vector<float>{-32768, 5, 32767}));
  ASSERT_TRUE(parseValues<uint16_t>("<u2", {0, 65535}, t, error)) << error;
  EXPECT_EQ(t.data, (std::vector<float>{0, 65535}));
  ASSERT_TRUE(parseValues<uint32_t>("<u4", {7, 16777216}, t, error)) << error;
  EXPECT_EQ(t.data, (std::vector<float>{7, 16777216}));
  ASSERT_TRUE(parseValues<uint64_t>("<u8", {9, 2147483647}, t, error)) << error;
  EXPECT_EQ(t.data, (std::vector<float>{9, 2147483648.0f}));
  ASSERT_TRUE(parseValues<double>("<f8", {0.5, -1e300}, t, error)) << error;
  EXPECT_EQ(t.data[0], 0.5f);
  EXPECT_TRUE(std::isinf(t.data[1]));
  // float16: 1, -2, the smallest subnormal (2^-24), infinity, 65504 (the largest).
  ASSERT_TRUE(parseValues<uint16_t>("<f2", {0x3c00, 0xc000, 0x0001, 0x7c00, 0x7bff}, t, error))
      << error;
  EXPECT_EQ(t.data, (std::vector<float>{1, -2, std::ldexp(1.0f, -24),
                                        std::numeric_limits<float>::infinity(), 65504}));
}

TEST(TensorIO, IntegersBeyondInt32AreRefusedWithTheirPlace) {
  HostTensor t;
  std::string error;
  EXPECT_FALSE(parseValues<int64_t>("<i8", {1, 2, int64_t(1) << 31}, t, error));
  EXPECT_NE(error.find("2147483648 (element 2) is beyond the int32 range"), std::string::npos)
      << error;
  EXPECT_FALSE(parseValues<uint32_t>("<u4", {4000000000u}, t, error));
  EXPECT_NE(error.find("beyond the int32 range"), std::string::npos) << error;
  EXPECT_TRUE(parseValues<int64_t>("<i8", {-(int64_t(1) << 31)}, t, error)) << error;
  EXPECT_FALSE(parseInlineTensor("2xi64=1,3000000000", t, error));
  EXPECT_NE(error.find("(element 1) is beyond the int32 range"), std::string::npos) << error;
}

TEST(TensorIO, InlineTensorsOfEveryType) {
  HostTensor t;
  std::string error;
  for (const char *type : {"i8", "u8", "i16", "u16", "i32", "u32", "i64", "u64", "f16", "bf16",
                           "f32", "f64"}) {
    ASSERT_TRUE(parseInlineTensor(std::string("2x") + type + "=3,4", t, error)) << type << error;
    EXPECT_EQ(t.data, (std::vector<float>{3, 4})) << type;
  }
  ASSERT_TRUE(parseInlineTensor("3xbool=1,0,1", t, error)) << error;
  EXPECT_EQ(t.data, (std::vector<float>{1, 0, 1}));
  EXPECT_FALSE(parseInlineTensor("1xbool=2", t, error));
  EXPECT_FALSE(parseInlineTensor("1xi8=1.5", t, error));
  EXPECT_NE(error.find("not an integer"), std::string::npos) << error;
}

TEST(TensorIO, NpyStringsRoundTripAsUnicode) {
  HostTensor t{"s", {2, 2}, {}, {"a", "", "ünï", "\xF0\x9F\x99\x82"}};
  std::string bytes = npyBytes(t, "string");
  // numpy's unicode array, as wide as the longest string (3 code points).
  EXPECT_NE(bytes.find("'descr': '<U3'"), std::string::npos);
  HostTensor back;
  std::string error;
  ASSERT_TRUE(parseNpy(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size(), back,
                       error))
      << error;
  EXPECT_EQ(back.shape, t.shape);
  EXPECT_TRUE(back.data.empty());
  EXPECT_EQ(back.strings, t.strings);
  EXPECT_EQ(formatTensor(back, ValueKind::String), "[['a', ''],\n ['ünï', '\xF0\x9F\x99\x82']]");
}

namespace {
std::string hex(const std::string &bytes) {
  std::string s;
  for (unsigned char c : bytes) {
    static const char *digits = "0123456789abcdef";
    s += digits[c >> 4];
    s += digits[c & 15];
  }
  return s;
}

std::string unhex(const char *text) {
  std::string s;
  for (const char *p = text; p[0] && p[1]; p += 2)
    s += char(std::stoi(std::string(p, 2), nullptr, 16));
  return s;
}
} // namespace

TEST(TensorIO, OnnxTensorsAreWrittenAsProtobufWritesThem) {
  // python3 -c "import numpy as np; from onnx import numpy_helper; print(numpy_helper.from_array(
  //   np.array([1.0, 2.0], np.float32), 'x').SerializeToString().hex())"
  EXPECT_EQ(hex(onnxBytes(HostTensor{"x", {2}, {1, 2}}, "f32")),
            "080210014201784a080000803f00000040");
  HostTensor s{"s", {2}, {}};
  s.strings = {"ab", "c"};
  EXPECT_EQ(hex(onnxBytes(s, "string")), "0802100832026162320163420173");
}

TEST(TensorIO, OnnxTensorsReadBackWhateverTheirEncoding) {
  HostTensor t;
  std::string error;
  // Packed typed floats (helper.make_tensor's encoding).
  ASSERT_TRUE(readTensorFile(unhex("0802100122080000803f00000040420179"), readOnnxTensor, t, error))
      << error;
  EXPECT_EQ(t.name, "y");
  EXPECT_EQ(t.shape, (std::vector<int64_t>{2}));
  EXPECT_EQ(t.data, (std::vector<float>{1, 2}));
  // Four unpacked floats, packed dims 2 x 2, a doc string, a segment and an unknown
  // field 99, which a reader skips, and data_type given twice: the last one holds.
  ASSERT_TRUE(readTensorFile(unhex("0a020202" "1007" "1001" "250000803f" "2500000040" "2500004040"
                              "250000803f" "62026869" "1a0408011002" "98060f" "420179"),
                        readOnnxTensor, t, error))
      << error;
  EXPECT_EQ(t.shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(t.data, (std::vector<float>{1, 2, 3, 1}));
  // int64 data of -1 and 5, as ten-byte and one-byte varints; the dims given field by field.
  ASSERT_TRUE(readTensorFile(unhex("0802" "1007" "3a0bffffffffffffffffff0105"), readOnnxTensor, t,
                        error))
      << error;
  EXPECT_EQ(t.data, (std::vector<float>{-1, 5}));
  // A known field of the wrong wire type is skipped, as protobuf skips it: here dims as a
  // fixed32 word, so the tensor is a scalar.
  ASSERT_TRUE(readTensorFile(unhex("0d01000000" "1001" "4a040000803f"), readOnnxTensor, t, error))
      << error;
  EXPECT_TRUE(t.shape.empty());
  EXPECT_EQ(t.data, (std::vector<float>{1}));
}

TEST(TensorIO, MalformedOnnxTensorsAreRefused) {
  HostTensor t;
  std::string error;
  for (const char *bad : {"0a05", "08", "4a0a0000", "0b", "00", "08ffffffffffffffffffff01"}) {
    EXPECT_FALSE(readTensorFile(unhex(bad), readOnnxTensor, t, error)) << bad;
    EXPECT_NE(error.find("not a serialized ONNX TensorProto"), std::string::npos) << error;
  }
  // Well-formed, but its data does not fill its dimensions.
  EXPECT_FALSE(readTensorFile(unhex("0803" "1001" "4a040000803f"), readOnnxTensor, t, error));
  EXPECT_NE(error.find("does not match the dimensions"), std::string::npos) << error;
  // Data elsewhere (data_location EXTERNAL).
  EXPECT_FALSE(readTensorFile(unhex("0801" "1001" "7001"), readOnnxTensor, t, error));
  EXPECT_NE(error.find("external data"), std::string::npos) << error;
}

TEST(TensorIO, OnnxSequencesAndOptionalsRoundTrip) {
  HostTensor seq;
  seq.name = "q";
  seq.isSequence = true;
  seq.elements = {HostTensor{"", {2}, {1, 2}}, HostTensor{"", {1}, {3}}};
  HostTensor back;
  std::string error;
  ASSERT_TRUE(readTensorFile(onnxBytes(seq, "seq(f32)"), readOnnxSequence, back, error, "f32"))
      << error;
  EXPECT_EQ(back.name, "q");
  ASSERT_EQ(back.elements.size(), 2u);
  EXPECT_EQ(back.elements[1].data, (std::vector<float>{3}));

  HostTensor opt;
  opt.isOptional = true;
  opt.name = "o";
  opt.elements = {seq};
  ASSERT_TRUE(readTensorFile(onnxBytes(opt, "opt(seq(f32))"), readOnnxOptional, back, error,
                        "seq(f32)"))
      << error;
  ASSERT_EQ(back.elements.size(), 1u);
  EXPECT_TRUE(back.elements[0].isSequence);
  EXPECT_EQ(back.elements[0].elements[0].data, (std::vector<float>{1, 2}));
  opt.elements.clear();
  ASSERT_TRUE(readTensorFile(onnxBytes(opt, "opt(f32)"), readOnnxOptional, back, error, "f32"))
      << error;
  EXPECT_TRUE(back.isOptional);
  EXPECT_TRUE(back.elements.empty());
}
