#include "convert/graph_context.h"

#include "core/error.h"

namespace openarc::convert {

OutputRef GraphContext::i64s(const std::vector<int64_t>& v) {
  auto it = i64s_.find(v);
  if (it != i64s_.end()) return it->second;
  Tensor t(ElementType::i64, {static_cast<int64_t>(v.size())});
  for (size_t i = 0; i < v.size(); ++i) t.data<int64_t>()[i] = v[i];
  return i64s_[v] = b.constant(std::move(t));
}

OutputRef GraphContext::i64(int64_t v) {
  auto it = i64_.find(v);
  if (it != i64_.end()) return it->second;
  return i64_[v] = b.constant(Tensor::scalar<int64_t>(v));
}

OutputRef GraphContext::i32s(const std::vector<int32_t>& v) {
  std::vector<int64_t> key(v.begin(), v.end());
  auto it = i32s_.find(key);
  if (it != i32s_.end()) return it->second;
  Tensor t(ElementType::i32, {static_cast<int64_t>(v.size())});
  for (size_t i = 0; i < v.size(); ++i) t.data<int32_t>()[i] = v[i];
  return i32s_[key] = b.constant(std::move(t));
}

OutputRef GraphContext::i32(int32_t v) {
  auto it = i32_.find(v);
  if (it != i32_.end()) return it->second;
  return i32_[v] = b.constant(Tensor::scalar<int32_t>(v));
}

OutputRef GraphContext::f32(float v, Shape shape) {
  Tensor t(ElementType::f32, std::move(shape));
  for (int64_t i = 0; i < t.size(); ++i) t.data<float>()[i] = v;
  return b.constant(std::move(t));
}

OutputRef GraphContext::binary(const std::string& type, OutputRef a, OutputRef c, const std::string& name) {
  Attributes attrs{{"auto_broadcast", "numpy"}};
  if (type == "Divide") attrs.set("m_pythondiv", "true");
  return b.op(type, "opset1", {a, c}, std::move(attrs), name);
}

OutputRef GraphContext::weight(const std::string& hf_name, const std::string& module, bool embedding) {
  auto it = plan.precision.find(hf_name);
  check(it != plan.precision.end(), "internal: no precision planned for ", hf_name);
  Tensor w = load(hf_name);
  OutputRef out = decompressed_weight(b, w, it->second, plan.group_size, "self." + hf_name, module, embedding);
  if (done) done(hf_name, w.byte_size());
  return out;
}

OutputRef GraphContext::f32_weight(const std::string& hf_name, Shape shape, const std::function<float(float)>& map) {
  Tensor w = load(hf_name);
  check(w.size() == shape_size(shape), "internal: ", hf_name, " has ", w.size(), " elements, not ", openarc::to_string(shape));
  Tensor t(ElementType::f32, std::move(shape));
  for (int64_t i = 0; i < t.size(); ++i) t.data<float>()[i] = map ? map(w.data<float>()[i]) : w.data<float>()[i];
  if (done) done(hf_name, w.byte_size());
  return b.constant(std::move(t));
}

}  // namespace openarc::convert
