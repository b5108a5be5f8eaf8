#include "ops/registry.h"

#include "ops/all_ops.h"

namespace openarc::ops {

void check_input_count(const std::vector<InputInfo>& in, size_t min, size_t max) {
  if (in.size() < min || in.size() > max) {
    if (min == max) fail("expects ", min, " input", min == 1 ? "" : "s", ", got ", in.size());
    fail("expects ", min, " to ", max, " inputs, got ", in.size());
  }
}

const OpRegistry& OpRegistry::instance() {
  static const OpRegistry registry = [] {
    OpRegistry r;
    register_all_ops(r);
    return r;
  }();
  return registry;
}

OpRegistry& OpRegistry::add(const std::string& type, std::initializer_list<std::string> versions, OpFactory factory) {
  for (const std::string& v : versions) table_[{type, v}] = factory;
  return *this;
}

bool OpRegistry::contains(const std::string& type, const std::string& version) const {
  return table_.count({type, version}) != 0;
}

std::vector<std::string> OpRegistry::versions(const std::string& type) const {
  std::vector<std::string> out;
  for (const auto& [key, f] : table_)
    if (key.first == type) out.push_back(key.second);
  return out;
}

std::vector<std::pair<std::string, std::string>> OpRegistry::all() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, f] : table_) out.push_back(key);
  return out;
}

std::unique_ptr<Op> OpRegistry::create(const std::string& type, const std::string& version,
                                       const Attributes& attrs) const {
  auto it = table_.find({type, version});
  if (it == table_.end()) {
    std::vector<std::string> known = versions(type);
    if (known.empty()) fail("unsupported operation type '", type, "'");
    std::string list;
    for (const std::string& v : known) list += (list.empty() ? "" : ", ") + v;
    fail("unsupported version '", version, "' of operation ", type, " (supported: ", list, ")");
  }
  return it->second(attrs);
}

}  // namespace openarc::ops
