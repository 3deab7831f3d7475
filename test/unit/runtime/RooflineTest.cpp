//===- RooflineTest.cpp - The roofline SVG parses and shows every dispatch ===//
#include "TestBinaries.h"

#include "tessel/runtime/Formats.h"
#include "tessel/runtime/Roofline.h"
#include "tessel/runtime/Simulator.h"

#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <cstring>

using namespace tessel::rt;
using namespace tessel::rt::test;
namespace ttb = tessel::ttb;

namespace {
int countDispatchPoints(xmlNode *node) {
  int n = 0;
  for (; node; node = node->next) {
    if (node->type == XML_ELEMENT_NODE && !std::strcmp((const char *)node->name, "circle")) {
      xmlChar *cls = xmlGetProp(node, (const xmlChar *)"class");
      n += cls && !std::strcmp((const char *)cls, "dispatch");
      xmlFree(cls);
    }
    n += countDispatchPoints(node->children);
  }
  return n;
}
} // namespace

TEST(Roofline, WellFormedSvgWithOnePointPerDispatch) {
  BinarySpec spec = matmulSpec(64, 64, 64, DataFormat::BFloat16, DataFormat::Float32,
                               ttb::MathFidelity::HiFi4);
  // Add dispatches that land on the same spot and one without any work.
  spec.dispatches.push_back(spec.dispatches[0]);
  spec.dispatches.push_back(spec.dispatches[0]);
  spec.dispatches[2].name = "a <name> & more";
  DispatchSpec idle;
  idle.name = "idle";
  spec.dispatches.push_back(idle);
  LoadedBinary bin;
  std::string error;
  ASSERT_TRUE(loadBinaryFromBytes(buildBinary(spec), testChip(), bin, error)) << error;
  HostTensor a{"a", {64, 64}, std::vector<float>(64 * 64, 1.0f)}, b = a;
  b.name = "b";
  RunResult r;
  ASSERT_TRUE(runBinary(bin, {a, b}, SimOptions(), r, error)) << error;
  std::string svg = rooflineSvg(r.perf);
  xmlDoc *doc = xmlReadMemory(svg.data(), int(svg.size()), "roofline.svg", nullptr,
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  ASSERT_NE(doc, nullptr) << svg;
  xmlNode *root = xmlDocGetRootElement(doc);
  EXPECT_STREQ((const char *)root->name, "svg");
  EXPECT_EQ(countDispatchPoints(root), 4);
  xmlFreeDoc(doc);
  EXPECT_NE(svg.find("a &lt;name&gt; &amp; more"), std::string::npos);
}
