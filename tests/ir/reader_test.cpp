// The reader on small hand-written models: ports, names, rt_info, order, constants, errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>

#include "core/error.h"
#include "ir/reader.h"
#include "ir/tensor_names.h"
#include "ir_test_util.h"

namespace openarc::ir {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::ScratchDir;
using testing::write_text;

// Layer ids deliberately not topological: the Const (id 0) feeds Add (id 1), whose other input
// is the Parameter (id 5); the Result has id 2.
const char* kTiny = R"(<?xml version="1.0"?>
<net name="tiny" version="11">
  <layers>
    <layer id="2" name="out" type="Result" version="opset1" output_names="y">
      <input><port id="0" precision="FP32"><dim>-1</dim><dim>3</dim></port></input>
    </layer>
    <layer id="5" name="x" type="Parameter" version="opset1">
      <data shape="?,3" element_type="f32"/>
      <output><port id="0" precision="FP32" names="x,in\,put"><dim>-1</dim><dim>3</dim></port></output>
    </layer>
    <layer id="0" name="w" type="Const" version="opset1">
      <data element_type="f32" shape="3" offset="4" size="12"/>
      <output><port id="0" precision="FP32"><dim>3</dim></port></output>
    </layer>
    <layer id="1" name="add" type="Add" version="opset1">
      <data auto_broadcast="numpy"/>
      <rt_info><attribute name="decompression" version="0"/></rt_info>
      <input>
        <port id="0" precision="FP32"><dim>-1</dim><dim>3</dim></port>
        <port id="1" precision="FP32"><dim>3</dim></port>
      </input>
      <output>
        <port id="2" precision="FP32" names="y">
          <dim>-1</dim><dim>3</dim>
          <rt_info><attribute name="layout" version="0" layout="[N,C]"/></rt_info>
        </port>
      </output>
    </layer>
  </layers>
  <edges>
    <edge from-layer="1" from-port="2" to-layer="2" to-port="0"/>
    <edge from-layer="0" from-port="0" to-layer="1" to-port="1"/>
    <edge from-layer="5" from-port="0" to-layer="1" to-port="0"/>
  </edges>
  <rt_info>
    <Runtime_version value="2026.1.0"/>
    <nncf><weight_compression><mode value="int4_asym"/></weight_compression></nncf>
  </rt_info>
</net>)";

TEST(TensorNames, SplitsOnCommasAndUnescapes) {
  EXPECT_THAT(split_tensor_names("a,b\\,c,,d"), ElementsAre("a", "b,c", "d"));
  EXPECT_THAT(split_tensor_names(""), ElementsAre());
  EXPECT_EQ(join_tensor_names({"a", "b,c"}), "a,b\\,c");
  EXPECT_THAT(split_tensor_names(join_tensor_names({"x,y", "z"})), ElementsAre("x,y", "z"));
}

TEST(Reader, ReadsStructureInTopologicalOrder) {
  Model m = read_model_from_string(kTiny, nullptr, "tiny.xml");
  EXPECT_EQ(m.name, "tiny");
  EXPECT_EQ(m.ir_version, 11);
  ASSERT_EQ(m.nodes.size(), 4u);
  // Parameter first; the Const before the Add it feeds; the Result last.
  EXPECT_EQ(m.nodes[0].name, "x");
  EXPECT_EQ(m.nodes[1].name, "w");
  EXPECT_EQ(m.nodes[2].name, "add");
  EXPECT_EQ(m.nodes[3].name, "out");
  const Node& add = m.nodes[2];
  EXPECT_EQ(add.id, 1);
  EXPECT_EQ(add.version, "opset1");
  EXPECT_EQ(add.attrs.str("auto_broadcast"), "numpy");
  ASSERT_EQ(add.inputs.size(), 2u);
  EXPECT_EQ(add.inputs[0], (OutputRef{0, 0}));  // port 0 <- x
  EXPECT_EQ(add.inputs[1], (OutputRef{1, 0}));  // port 1 <- w
  ASSERT_EQ(add.output_ports.size(), 1u);
  EXPECT_EQ(add.output_ports[0].id, 2);
  EXPECT_EQ(add.output_ports[0].precision, ElementType::f32);
  EXPECT_EQ(add.output_ports[0].shape, PartialShape({-1, 3}));
  ASSERT_EQ(add.output_ports[0].rt_info.size(), 1u);
  EXPECT_EQ(add.output_ports[0].rt_info[0].attrs.str("layout"), "[N,C]");
  ASSERT_EQ(add.rt_info.size(), 1u);
  EXPECT_EQ(add.rt_info[0].tag, "attribute");
  EXPECT_EQ(add.rt_info[0].attrs.str("name"), "decompression");
  EXPECT_THAT(m.nodes[0].output_ports[0].names, ElementsAre("x", "in,put"));
  EXPECT_EQ(m.nodes[3].layer_attrs.str("output_names"), "y");
  EXPECT_EQ(m.nodes[3].inputs[0], (OutputRef{2, 0}));
  // No weights: the Const has no data.
  EXPECT_FALSE(m.nodes[1].constant.valid());
  // Model rt_info keeps its nesting.
  ASSERT_EQ(m.rt_info.size(), 2u);
  EXPECT_EQ(m.rt_info[0].tag, "Runtime_version");
  EXPECT_EQ(m.rt_info[1].tag, "nncf");
  ASSERT_EQ(m.rt_info[1].children.size(), 1u);
  ASSERT_EQ(m.rt_info[1].children[0].children.size(), 1u);
  EXPECT_EQ(m.rt_info[1].children[0].children[0].attrs.str("value"), "int4_asym");
  EXPECT_THAT(m.parameters(), ElementsAre(0u));
  EXPECT_THAT(m.results(), ElementsAre(3u));
}

TEST(Reader, Version10IgnoresLayerAndPortRtInfo) {
  std::string xml = kTiny;
  xml.replace(xml.find("version=\"11\""), 12, "version=\"10\"");
  Model m = read_model_from_string(xml, nullptr, "v10.xml");
  EXPECT_EQ(m.ir_version, 10);
  EXPECT_TRUE(m.nodes[2].rt_info.empty());
  EXPECT_TRUE(m.nodes[2].output_ports[0].rt_info.empty());
  EXPECT_EQ(m.rt_info.size(), 2u);
}

TEST(Reader, ConstantsViewTheMappedWeights) {
  ScratchDir dir;
  // 4 bytes of padding, then 1.5, -2, 3 as little-endian f32.
  std::string bin(16, '\0');
  float w[3] = {1.5f, -2.0f, 3.0f};
  std::memcpy(bin.data() + 4, w, sizeof w);
  write_text(dir.file("tiny.xml"), kTiny);
  write_text(dir.file("tiny.bin"), bin);
  Model m = read_model(dir.file("tiny.xml"));
  ASSERT_TRUE(m.weights);
  EXPECT_EQ(m.bin_path, dir.file("tiny.bin"));
  const Tensor& c = m.nodes[1].constant;
  ASSERT_TRUE(c.valid());
  EXPECT_EQ(c.type(), ElementType::f32);
  EXPECT_EQ(c.shape(), (Shape{3}));
  EXPECT_EQ(c.data(), m.weights->data() + 4);  // a view, not a copy
  EXPECT_EQ(c.get_f64(0), 1.5);
  EXPECT_EQ(c.get_f64(1), -2.0);
  EXPECT_EQ(c.get_f64(2), 3.0);
  // The view keeps the mapping alive after the model is gone.
  Tensor keep = c;
  m = Model();
  EXPECT_EQ(keep.get_f64(2), 3.0);
}

TEST(Reader, MisalignedConstantsAreCopiedToAlignedMemory) {
  // Exports put constants at odd offsets; an f32 at offset 1 cannot be read in place.
  ScratchDir dir;
  std::string xml = kTiny;
  xml.replace(xml.find("offset=\"4\""), 10, "offset=\"1\"");
  std::string bin(16, '\0');
  float w[3] = {1.5f, -2.0f, 3.0f};
  std::memcpy(bin.data() + 1, w, sizeof w);
  write_text(dir.file("tiny.xml"), xml);
  write_text(dir.file("tiny.bin"), bin);
  Model m = read_model(dir.file("tiny.xml"));
  const Tensor& c = m.nodes[1].constant;
  ASSERT_TRUE(c.valid());
  EXPECT_EQ(reinterpret_cast<uintptr_t>(c.data()) % alignof(float), 0u);
  EXPECT_EQ(c.get_f64(0), 1.5);
  EXPECT_EQ(c.get_f64(2), 3.0);
}

TEST(Reader, MissingBinIsAnErrorOnlyWhenWeightsAreRequired) {
  ScratchDir dir;
  write_text(dir.file("tiny.xml"), kTiny);
  try {
    read_model(dir.file("tiny.xml"));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("tiny.bin does not exist"));
  }
  Model m = read_model(dir.file("tiny.xml"), "", ReadOptions{.require_weights = false});
  EXPECT_FALSE(m.weights);
  EXPECT_EQ(m.bin_path, "");
  EXPECT_FALSE(m.nodes[1].constant.valid());
}

TEST(Reader, AssignComesAfterTheReadValueOfItsVariable) {
  // The Assign's input does not depend on the ReadValue, and the walk from the Result reaches the
  // Assign first; the implicit read-before-write dependency still puts the ReadValue before it.
  const char* xml = R"(<net name="s" version="11"><layers>
    <layer id="0" name="init" type="Parameter" version="opset1"><data shape="2" element_type="f32"/>
      <output><port id="0" precision="FP32"><dim>2</dim></port></output></layer>
    <layer id="1" name="assign" type="Assign" version="opset6"><data variable_id="v"/>
      <input><port id="0"><dim>2</dim></port></input><output><port id="1"><dim>2</dim></port></output></layer>
    <layer id="2" name="read" type="ReadValue" version="opset6"><data variable_id="v"/>
      <input><port id="0"><dim>2</dim></port></input><output><port id="1"><dim>2</dim></port></output></layer>
    <layer id="3" name="r" type="Result" version="opset1"><input><port id="0"><dim>2</dim></port></input></layer>
  </layers><edges>
    <edge from-layer="0" from-port="0" to-layer="1" to-port="0"/>
    <edge from-layer="0" from-port="0" to-layer="2" to-port="0"/>
    <edge from-layer="1" from-port="1" to-layer="3" to-port="0"/>
  </edges></net>)";
  Model m = read_model_from_string(xml, nullptr, "s.xml");
  std::vector<std::string> order;
  for (const Node& n : m.nodes) order.push_back(n.name);
  EXPECT_THAT(order, ElementsAre("init", "read", "assign", "r"));
}

TEST(Reader, UnreachableNodesAreKeptAfterTheirInputs) {
  const char* xml = R"(<net name="u" version="11"><layers>
    <layer id="9" name="dead" type="Negative" version="opset1">
      <input><port id="0"><dim>2</dim></port></input><output><port id="1"><dim>2</dim></port></output></layer>
    <layer id="4" name="p" type="Parameter" version="opset1"><data shape="2" element_type="f32"/>
      <output><port id="0"><dim>2</dim></port></output></layer>
    <layer id="7" name="c" type="Const" version="opset1"><data element_type="f32" shape="2" offset="0" size="8"/>
      <output><port id="0"><dim>2</dim></port></output></layer>
    <layer id="1" name="r" type="Result" version="opset1"><input><port id="0"><dim>2</dim></port></input></layer>
  </layers><edges>
    <edge from-layer="7" from-port="0" to-layer="9" to-port="0"/>
    <edge from-layer="4" from-port="0" to-layer="1" to-port="0"/>
  </edges></net>)";
  Model m = read_model_from_string(xml, nullptr, "u.xml");
  std::vector<std::string> order;
  for (const Node& n : m.nodes) order.push_back(n.name);
  EXPECT_THAT(order, ElementsAre("p", "r", "c", "dead"));
}

TEST(ResolveModelXml, AcceptsFoldersAndXmlFiles) {
  ScratchDir dir;
  std::filesystem::create_directories(dir.path() / "std");
  write_text(dir.file("std/openvino_model.xml"), "x");
  write_text(dir.file("std/other.xml"), "x");
  EXPECT_EQ(resolve_model_xml(dir.file("std")), dir.file("std/openvino_model.xml"));
  std::filesystem::create_directories(dir.path() / "single");
  write_text(dir.file("single/lm.xml"), "x");
  EXPECT_EQ(resolve_model_xml(dir.file("single")), dir.file("single/lm.xml"));
  EXPECT_EQ(resolve_model_xml(dir.file("std/other.xml")), dir.file("std/other.xml"));

  std::filesystem::create_directories(dir.path() / "two");
  write_text(dir.file("two/a.xml"), "x");
  write_text(dir.file("two/b.xml"), "x");
  std::filesystem::create_directories(dir.path() / "none");
  write_text(dir.file("none/model.bin"), "x");
  auto error_of = [](const std::string& p) {
    try {
      resolve_model_xml(p);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_THAT(error_of(dir.file("two")), HasSubstr("several .xml files (a.xml, b.xml)"));
  EXPECT_THAT(error_of(dir.file("none")), HasSubstr("has no openvino_model.xml"));
  EXPECT_THAT(error_of(dir.file("missing")), HasSubstr("does not exist"));
  EXPECT_THAT(error_of(dir.file("none/model.bin")), HasSubstr("neither an OpenVINO IR .xml file nor a folder"));
}

}  // namespace
}  // namespace openarc::ir
