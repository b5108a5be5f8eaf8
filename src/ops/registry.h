// The table of operations by (type, version), filled once in registry.cpp: adding an op is its
// own file plus one line there (STYLE.md, avoid #4).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ops/op.h"

namespace openarc::ops {

using OpFactory = std::function<std::unique_ptr<Op>(const Attributes&)>;

class OpRegistry {
 public:
  static const OpRegistry& instance();

  // Registers `factory` for `type` under each of `versions` ("opset1", "opset8" ...).
  OpRegistry& add(const std::string& type, std::initializer_list<std::string> versions, OpFactory factory);

  bool contains(const std::string& type, const std::string& version) const;
  // Creates the op, parsing its attributes. Throws Error for an unknown type or version (naming
  // the versions that exist) or a bad attribute.
  std::unique_ptr<Op> create(const std::string& type, const std::string& version, const Attributes& attrs) const;
  std::vector<std::string> versions(const std::string& type) const;
  std::vector<std::pair<std::string, std::string>> all() const;  // (type, version), sorted

 private:
  std::map<std::pair<std::string, std::string>, OpFactory> table_;
};

}  // namespace openarc::ops
