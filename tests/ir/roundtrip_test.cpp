// builder -> bind -> write -> read gives the same model, and the same results when run.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <map>

#include "core/error.h"
#include "core/mapped_file.h"
#include "graph/bind.h"
#include "ir/builder.h"
#include "ir/reader.h"
#include "ir/writer.h"
#include "ir_test_util.h"
#include "ops/registry.h"
#include "runtime/compiled_model.h"

namespace openarc::ir {
namespace {

using ::testing::HasSubstr;
using testing::ScratchDir;

bool same_bytes(const Tensor& a, const Tensor& b) {
  return a.type() == b.type() && a.shape() == b.shape() && a.byte_size() == b.byte_size() &&
         (a.byte_size() == 0 || std::memcmp(a.data(), b.data(), a.byte_size()) == 0);
}

// Everything the IR says about a node, minus what the writer fills in (a Const's offset/size).
// Nodes are matched by id: the reader orders them its own way (DFS from the sinks), so the
// builder's order need not survive; edges are compared as (producer id, output index).
void expect_same_nodes(const Model& a, const Model& b) {
  ASSERT_EQ(a.nodes.size(), b.nodes.size());
  std::map<int64_t, const Node*> b_by_id;
  for (const Node& n : b.nodes) b_by_id[n.id] = &n;
  auto edges = [](const Model& m, const Node& n) {
    std::vector<std::pair<int64_t, size_t>> out;
    for (const OutputRef& r : n.inputs) out.emplace_back(m.nodes[r.node].id, r.port);
    return out;
  };
  for (const Node& x : a.nodes) {
    SCOPED_TRACE("node " + std::to_string(x.id) + " '" + x.name + "'");
    ASSERT_TRUE(b_by_id.count(x.id));
    const Node& y = *b_by_id[x.id];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.type, y.type);
    EXPECT_EQ(x.version, y.version);
    Attributes xa, ya;
    for (const auto& [k, v] : x.attrs.items())
      if (x.type != "Const" || (k != "offset" && k != "size")) xa.set(k, v);
    for (const auto& [k, v] : y.attrs.items())
      if (y.type != "Const" || (k != "offset" && k != "size")) ya.set(k, v);
    EXPECT_EQ(xa.items(), ya.items());
    EXPECT_EQ(x.layer_attrs.items(), y.layer_attrs.items());
    EXPECT_EQ(edges(a, x), edges(b, y));
    EXPECT_EQ(x.rt_info, y.rt_info);
    ASSERT_EQ(x.output_ports.size(), y.output_ports.size());
    for (size_t k = 0; k < x.output_ports.size(); ++k) {
      EXPECT_EQ(x.output_ports[k].id, y.output_ports[k].id);
      EXPECT_EQ(x.output_ports[k].names, y.output_ports[k].names);
      EXPECT_EQ(x.output_ports[k].rt_info, y.output_ports[k].rt_info);
    }
    EXPECT_EQ(x.constant.valid(), y.constant.valid());
    if (x.constant.valid() && y.constant.valid()) {
      EXPECT_TRUE(same_bytes(x.constant, y.constant));
    }
  }
  EXPECT_EQ(a.rt_info, b.rt_info);
  EXPECT_EQ(a.name, b.name);
}

const Node& by_name(const Model& m, const std::string& name) {
  const Node* n = m.find(name);
  if (!n) throw Error("no node " + name);
  return *n;
}

// y = (x * w + b), plus a variable that accumulates x: state' = state + x.
Model small_graph() {
  GraphBuilder g("round,trip <model>");
  OutputRef x = g.parameter("x", ElementType::f32, PartialShape({-1, 3}));
  OutputRef w = g.constant(Tensor::from<float>({3}, {1.5f, -2.0f, 0.25f}), "w");
  OutputRef b = g.constant(Tensor::from<float>({3}, {1.5f, -2.0f, 0.25f}), "b");  // same bytes as w
  OutputRef xw = g.op("Multiply", "opset1", {x, w}, {{"auto_broadcast", "numpy"}}, "mul");
  OutputRef y = g.op("Add", "opset1", {xw, b}, {{"auto_broadcast", "numpy"}});
  g.add_rt_info(xw, RtInfo{"attribute", {{"name", "decompression"}, {"version", "0"}}, {}});
  g.add_names(y, {"sum,with comma", "alias"});
  g.result(y, "y");

  OutputRef init = g.constant(Tensor::from<float>({1, 3}, {0, 0, 0}), "zeros");
  OutputRef state = g.op("ReadValue", "opset6", {init},
                         {{"variable_id", "acc"}, {"variable_type", "f32"}, {"variable_shape", "?,3"}});
  OutputRef next = g.op("Add", "opset1", {state, x}, {{"auto_broadcast", "numpy"}});
  g.op("Assign", "opset6", {next}, {{"variable_id", "acc"}});
  g.result(next, "acc_out");

  Model m = g.build();
  // Unusual but legal attribute text must survive: quotes, markup, a newline, a round-trip float.
  m.nodes[3].attrs.set("note", "a \"quoted\" <tag> & line\nbreak, eps=9.9999997473787516e-06");
  m.rt_info.push_back(RtInfo{"Runtime_version", {{"value", "test"}}, {}});
  m.rt_info.push_back(RtInfo{"nncf", {}, {RtInfo{"weight_compression", {}, {RtInfo{"mode", {{"value", "int4_asym"}}, {}}}}}});
  return m;
}

bool have_arithmetic() {
  const ops::OpRegistry& r = ops::OpRegistry::instance();
  return r.contains("Add", "opset1") && r.contains("Multiply", "opset1");
}

TEST(RoundTrip, BuilderBindWriteReadGivesTheSameModel) {
  if (!have_arithmetic()) GTEST_SKIP() << "Add/Multiply are not registered yet";
  ScratchDir dir;
  Model m = small_graph();
  m.nodes[3].attrs = Attributes{{"auto_broadcast", "numpy"}};  // Multiply parses only known attributes
  graph::bind(m);
  write_model(m, dir.file("m.xml"));
  Model r = read_model(dir.file("m.xml"));
  expect_same_nodes(m, r);
  // The ports carry the bound types and shapes.
  EXPECT_EQ(by_name(r, "mul").output_ports[0].shape, PartialShape({-1, 3}));
  EXPECT_EQ(by_name(r, "mul").output_ports[0].precision, ElementType::f32);
  // w and b have the same bytes: stored once (3 floats), plus the 3 zeros of the initializer.
  EXPECT_EQ(by_name(r, "w").attrs.str("offset"), by_name(r, "b").attrs.str("offset"));
  EXPECT_EQ(r.weights->size(), 6 * sizeof(float));
  // Binding the read model infers the same types and shapes.
  graph::bind(r);
  for (const Node& n : m.nodes) {
    EXPECT_EQ(n.output_types, by_name(r, n.name).output_types) << n.name;
    EXPECT_EQ(n.output_shapes, by_name(r, n.name).output_shapes) << n.name;
  }
  // Reading and writing again is a fixed point: the same files (the reader's order is stable).
  write_model(r, dir.file("again.xml"));
  Model r2 = read_model(dir.file("again.xml"));
  expect_same_nodes(r, r2);
  write_model(r2, dir.file("again2.xml"));
  EXPECT_EQ(read_file(dir.file("again.xml")), read_file(dir.file("again2.xml")));
  EXPECT_EQ(read_file(dir.file("again.bin")), read_file(dir.file("again2.bin")));
}

TEST(RoundTrip, AttributeTextSurvivesExactly) {
  ScratchDir dir;
  Model m = small_graph();  // unbound: ports are written from the declarations
  write_model(m, dir.file("m.xml"));
  Model r = read_model(dir.file("m.xml"));
  expect_same_nodes(m, r);
  EXPECT_EQ(by_name(r, "mul").attrs.str("note"), "a \"quoted\" <tag> & line\nbreak, eps=9.9999997473787516e-06");
  // An undeclared output shape stays "any rank" rather than turning into a scalar.
  EXPECT_TRUE(by_name(r, "mul").output_ports[0].shape.rank_is_dynamic());
  EXPECT_EQ(by_name(r, "x").output_ports[0].shape, PartialShape({-1, 3}));
}

TEST(RoundTrip, SubByteConstantsKeepTheirPackedBytes) {
  ScratchDir dir;
  GraphBuilder g;
  Tensor q(ElementType::u4, {5});  // 5 nibbles -> 3 bytes, element 0 in the low nibble
  for (int i = 0; i < 5; ++i) q.set_i64(i, 15 - i);
  OutputRef c = g.constant(q, "q");
  OutputRef s = g.constant(Tensor::from<int64_t>({}, {7}), "scalar");
  g.result(c, "q_out");
  g.result(s, "s_out");
  Model m = g.build();
  write_model(m, dir.file("q.xml"));
  Model r = read_model(dir.file("q.xml"));
  const Tensor& back = by_name(r, "q").constant;
  ASSERT_TRUE(back.valid());
  EXPECT_EQ(back.byte_size(), 3u);
  EXPECT_EQ(by_name(r, "q").attrs.str("size"), "3");
  for (int i = 0; i < 5; ++i) EXPECT_EQ(back.get_i64(i), 15 - i);
  EXPECT_EQ(static_cast<const uint8_t*>(back.data())[0], 0xEF);  // 15 low, 14 high
  EXPECT_EQ(by_name(r, "scalar").constant.shape(), Shape{});
  EXPECT_EQ(by_name(r, "scalar").constant.get_i64(0), 7);
}

TEST(RoundTrip, RunsTheSameBeforeAndAfter) {
  if (!have_arithmetic()) GTEST_SKIP() << "Add/Multiply are not registered yet";
  ScratchDir dir;
  auto built = std::make_shared<Model>(small_graph());
  built->nodes[3].attrs = Attributes{{"auto_broadcast", "numpy"}};
  write_model(*built, dir.file("m.xml"));
  auto loaded = std::make_shared<Model>(read_model(dir.file("m.xml")));

  auto run = [](std::shared_ptr<Model> model) {
    auto cm = runtime::CompiledModel::compile(model);
    runtime::InferRequest req = cm->create_infer_request();
    std::vector<std::vector<float>> outs;
    for (float step : {1.0f, 10.0f}) {
      req.set_input("x", Tensor::from<float>({1, 3}, {step, 2 * step, -step}));
      req.infer();
      outs.push_back(req.output("y").to_f32_vector());
      outs.push_back(req.output("acc_out").to_f32_vector());
    }
    return outs;
  };
  std::vector<std::vector<float>> a = run(built), b = run(loaded);
  EXPECT_EQ(a, b);
  // Worked out by hand: y = x * w + w with w = [1.5, -2, 0.25]; acc accumulates x.
  ASSERT_EQ(a.size(), 4u);
  EXPECT_EQ(a[0], (std::vector<float>{3.0f, -6.0f, 0.0f}));
  EXPECT_EQ(a[1], (std::vector<float>{1.0f, 2.0f, -1.0f}));
  EXPECT_EQ(a[2], (std::vector<float>{16.5f, -42.0f, -2.25f}));
  EXPECT_EQ(a[3], (std::vector<float>{11.0f, 22.0f, -11.0f}));
}

TEST(RoundTrip, StateOnlyGraphRuns) {
  // ReadValue/Assign/Parameter/Result only: needs no arithmetic op.
  ScratchDir dir;
  GraphBuilder g("state");
  OutputRef x = g.parameter("x", ElementType::i64, PartialShape({2}));
  OutputRef v = g.op("ReadValue", "opset6", {x}, {{"variable_id", "v"}, {"variable_type", "i64"}, {"variable_shape", "2"}});
  g.op("Assign", "opset6", {x}, {{"variable_id", "v"}});
  g.result(v, "previous");
  Model m = g.build();
  write_model(m, dir.file("s.xml"));
  auto loaded = std::make_shared<Model>(read_model(dir.file("s.xml")));
  expect_same_nodes(m, *loaded);
  auto cm = runtime::CompiledModel::compile(loaded);
  runtime::InferRequest req = cm->create_infer_request();
  req.set_input("x", Tensor::from<int64_t>({2}, {4, 5}));
  req.infer();
  EXPECT_EQ(req.output("previous").to_i64_vector(), (std::vector<int64_t>{4, 5}));  // the initializer
  req.set_input("x", Tensor::from<int64_t>({2}, {6, 7}));
  req.infer();
  EXPECT_EQ(req.output("previous").to_i64_vector(), (std::vector<int64_t>{4, 5}));  // what was assigned
}

TEST(Writer, RefusesAConstWithoutData) {
  ScratchDir dir;
  Model m = read_model_from_string(R"(<net name="n" version="11"><layers>
    <layer id="0" name="c" type="Const" version="opset1"><data element_type="f32" shape="1" offset="0" size="4"/>
      <output><port id="0" precision="FP32"><dim>1</dim></port></output></layer></layers></net>)",
                                   nullptr, "n.xml");
  try {
    write_model(m, dir.file("n.xml"));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("layer 0 'c' (Const) has no data"));
  }
}

}  // namespace
}  // namespace openarc::ir
