#include "server/serve_config.h"

#include <fstream>
#include <set>
#include <sstream>

#include "core/error.h"
#include "server/api_error.h"

namespace openarc::server {

using nlohmann::json;

std::vector<ParsedLoad> read_serve_config(const ServerContext& ctx, const std::string& file) {
  std::ifstream in(file);
  if (!in) throw Error("--config " + file + ": cannot be read");
  json doc;
  try {
    doc = json::parse(in);
  } catch (const json::exception& e) {
    throw Error("--config " + file + ": not JSON: " + e.what());
  }
  if (!doc.is_object() || !doc.contains("models") || !doc["models"].is_array())
    throw Error("--config " + file + ": must be an object with a \"models\" array");
  std::vector<ParsedLoad> out;
  std::set<std::string> names;
  for (size_t i = 0; i < doc["models"].size(); ++i) {
    json entry = doc["models"][i];
    const std::string where = "--config " + file + ": models[" + std::to_string(i) + "]";
    if (!entry.is_object()) throw Error(where + " must be an object");
    // The short form's names, as the dialects spell them.
    if (entry.contains("path") && !entry.contains("model_path") && !entry.contains("id_model"))
      entry["model_path"] = entry["path"];
    if (entry.contains("name") && !entry.contains("model_name")) entry["model_name"] = entry["name"];
    entry.erase("path");
    entry.erase("name");
    try {
      out.push_back(parse_any_load(ctx, entry));
    } catch (const ApiError& e) {
      throw Error(where + (e.param.empty() ? "" : "." + e.param) + ": " + e.what());
    }
    if (!names.insert(out.back().request.name).second)
      throw Error(where + ": a second model named '" + out.back().request.name + "'");
  }
  return out;
}

}  // namespace openarc::server
