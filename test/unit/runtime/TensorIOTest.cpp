//===- TensorIOTest.cpp - .npy and inline tensors -------------------------===//
#include "tessel/runtime/TensorIO.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace tessel::rt;

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
  HostTensor big{"b", {2000}, std::vector<float>(2000, 0.0f)};
  std::string text = formatTensor(big);
  EXPECT_NE(text.find("..."), std::string::npos);
  EXPECT_LT(text.size(), 100u);
}
