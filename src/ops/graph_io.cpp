// The ops that give a graph its edges to the outside: Parameter, Result, Const, ReadValue and
// Assign. Their values come from the runtime (inputs, the .bin, variable states), so their
// kernels only cover what the spec defines for them as plain ops.
#include "ops/all_ops.h"
#include "ops/registry.h"

#include <cstring>

namespace openarc::ops {
namespace {

ElementType parse_type_attr(const Attributes& a, const std::string& key) {
  std::string name = a.str(key);
  ElementType t = parse_element_type(name);
  check(t != ElementType::undefined, "attribute '", key, "': unknown element type \"", name, "\"");
  return t;
}

// Parameter-1: a model input of a declared type and (partial) shape.
class Parameter : public Op {
 public:
  explicit Parameter(const Attributes& a)
      : type_(parse_type_attr(a, "element_type")), shape_(parse_partial_shape(a.str("shape", ""))) {}
  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 0, 0);
    return {{type_, shape_}};
  }
  void evaluate(const std::vector<Tensor>&, std::vector<Tensor>&) const override {
    fail("a Parameter's value is set by the caller, not computed");
  }

 private:
  ElementType type_;
  PartialShape shape_;
};

// Result-1: marks a model output; it passes its input through.
class Result : public Op {
 public:
  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 1, 1);
    return {};
  }
  void evaluate(const std::vector<Tensor>&, std::vector<Tensor>&) const override {}
};

// Constant-1: data from the weights file, of element_type and shape; offset and size locate it.
class Constant : public Op {
 public:
  explicit Constant(const Attributes& a)
      : type_(parse_type_attr(a, "element_type")), shape_(parse_partial_shape(a.str("shape", ""))) {
    check(shape_.is_static(), "attribute 'shape': a constant's shape must be static, got ", shape_.to_string());
  }
  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 0, 0);
    return {{type_, shape_}};
  }
  void evaluate(const std::vector<Tensor>&, std::vector<Tensor>&) const override {
    fail("a Constant's value comes from the weights file, not computed");
  }

 private:
  ElementType type_;
  PartialShape shape_;
};

// ReadValue-3/6: the current value of a variable; the input (optional in opset6) initialises it.
// Evaluated as a plain op it yields the initial value: what a fresh or reset state reads.
class ReadValue : public Op {
 public:
  explicit ReadValue(const Attributes& a) : variable_id_(a.str("variable_id")) {
    if (a.has("variable_type")) type_ = parse_type_attr(a, "variable_type");
    if (a.has("variable_shape")) shape_ = parse_partial_shape(a.str("variable_shape"));
    else shape_ = PartialShape::dynamic_rank();
  }
  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 0, 1);
    if (in.empty()) {
      check(type_ != ElementType::undefined && shape_.is_static(),
            "variable '", variable_id_, "' has no initializer, so its type and shape must be static");
      return {{type_, shape_}};
    }
    check(type_ == ElementType::undefined || in[0].type == type_, "variable '", variable_id_, "' is ",
          to_string(type_), " but its initializer is ", to_string(in[0].type));
    check(shape_.compatible(in[0].shape), "variable '", variable_id_, "' has shape ", shape_.to_string(),
          " but its initializer has shape ", in[0].shape.to_string());
    return {{in[0].type, shape_.rank_is_dynamic() ? in[0].shape : shape_}};
  }
  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    if (!in.empty() && in[0].byte_size()) std::memcpy(out[0].data(), in[0].data(), in[0].byte_size());
  }
  const std::string& variable_id() const { return variable_id_; }

 private:
  std::string variable_id_;
  ElementType type_ = ElementType::undefined;
  PartialShape shape_;
};

// Assign-3/6: writes its input into the variable; its one output passes the input through.
class Assign : public Op {
 public:
  explicit Assign(const Attributes& a) : variable_id_(a.str("variable_id")) {}
  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override {
    check_input_count(in, 1, 1);
    return {{in[0].type, in[0].shape}};
  }
  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override {
    if (in[0].byte_size()) std::memcpy(out[0].data(), in[0].data(), in[0].byte_size());
  }

 private:
  std::string variable_id_;
};

}  // namespace

void register_graph_ops(OpRegistry& r) {
  r.add("Parameter", {"opset1"}, [](const Attributes& a) { return std::make_unique<Parameter>(a); });
  r.add("Result", {"opset1"}, [](const Attributes&) { return std::make_unique<Result>(); });
  r.add("Const", {"opset1"}, [](const Attributes& a) { return std::make_unique<Constant>(a); });
  r.add("ReadValue", {"opset3", "opset6"}, [](const Attributes& a) { return std::make_unique<ReadValue>(a); });
  r.add("Assign", {"opset3", "opset6"}, [](const Attributes& a) { return std::make_unique<Assign>(a); });
}

}  // namespace openarc::ops
