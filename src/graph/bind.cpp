#include "graph/bind.h"

#include "core/error.h"
#include "ops/registry.h"

namespace openarc::graph {
namespace {

// Values worth computing at load: small results of constant inputs (shape vectors, axes), so
// ops downstream see them and infer static shapes.
constexpr int64_t kFoldLimit = 4096;

bool foldable(const ir::Node& n) {
  return n.type != "Parameter" && n.type != "ReadValue" && n.type != "Assign" && n.type != "Result" &&
         n.type != "Const";
}

}  // namespace

void bind(ir::Model& model) {
  const ops::OpRegistry& registry = ops::OpRegistry::instance();
  std::vector<std::vector<Tensor>> values(model.nodes.size());  // known output values
  for (size_t i = 0; i < model.nodes.size(); ++i) {
    ir::Node& n = model.nodes[i];
    try {
      n.op = registry.create(n.type, n.version, n.attrs);
      std::vector<ops::InputInfo> in;
      bool all_known = true;
      for (size_t k = 0; k < n.inputs.size(); ++k) {
        const ir::OutputRef& r = n.inputs[k];
        check(r.node < i, "input ", k, " comes from a later layer (the graph is not topologically ordered)");
        const ir::Node& src = model.nodes[r.node];
        check(r.port < src.output_types.size(), "input ", k, " refers to output ", r.port, " of layer ", src.id,
              " '", src.name, "', which has ", src.output_types.size(), " outputs");
        const Tensor* v = r.port < values[r.node].size() && values[r.node][r.port].valid() ? &values[r.node][r.port]
                                                                                          : nullptr;
        all_known = all_known && v != nullptr;
        in.push_back({src.output_types[r.port], src.output_shapes[r.port], v});
      }
      std::vector<ops::OutputInfo> out = n.op->infer(in);
      if (!n.output_ports.empty() || n.type != "Result") {
        check(n.output_ports.empty() || n.output_ports.size() == out.size(), "declares ", n.output_ports.size(),
              " outputs but the operation has ", out.size());
      }
      n.output_types.clear();
      n.output_shapes.clear();
      for (size_t k = 0; k < out.size(); ++k) {
        if (k < n.output_ports.size()) {
          const ir::PortDecl& decl = n.output_ports[k];
          check(decl.shape.compatible(out[k].shape), "output ", k, " is declared ", decl.shape.to_string(),
                " but the inputs give ", out[k].shape.to_string());
        }
        n.output_types.push_back(out[k].type);
        n.output_shapes.push_back(out[k].shape);
      }

      if (n.type == "Const") {
        values[i] = {n.constant};
      } else if (all_known && foldable(n) && !out.empty()) {
        bool small = true;
        for (const ops::OutputInfo& o : out) small = small && o.shape.is_static() && shape_size(o.shape.dims()) <= kFoldLimit;
        if (small) {
          std::vector<Tensor> args;
          for (const ops::InputInfo& x : in) args.push_back(*x.value);
          std::vector<Tensor> res;
          for (const ops::OutputInfo& o : out) res.emplace_back(o.type, o.shape.to_shape());
          n.op->evaluate(args, res);
          values[i] = std::move(res);
        }
      }
    } catch (const Error& e) {
      fail(model.xml_path.empty() ? std::string("model") : model.xml_path, ": layer ", n.id, " '", n.name, "' (",
           n.type, "-", n.version, "): ", e.what());
    }
  }
}

}  // namespace openarc::graph
