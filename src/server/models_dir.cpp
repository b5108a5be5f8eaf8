#include "server/models_dir.h"

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "server/api_error.h"

namespace openarc::server {
namespace fs = std::filesystem;

std::string resolve_model_path(const ServerContext& ctx, const std::string& requested, const std::string& param) {
  if (requested.empty()) throw bad_request("'" + param + "' (the model's folder) is required", param);
  const std::string& root = ctx.options.models_dir;
  std::error_code ec;
  if (root.empty()) {
    if (!fs::is_directory(requested, ec)) throw bad_request("model folder '" + requested + "' does not exist", param);
    return fs::canonical(requested).string();
  }
  fs::path base = fs::canonical(root);
  fs::path candidate = fs::path(requested).is_absolute() ? fs::path(requested) : base / requested;
  fs::path real = fs::canonical(candidate, ec);
  if (ec) throw bad_request("model '" + requested + "' does not exist in the models folder", param);
  auto rel = real.lexically_relative(base);
  if (rel.empty() || *rel.begin() == "..")
    throw ApiError(403, "permission_error", "model path '" + requested + "' is outside the models folder", param,
                   "path_not_allowed");
  if (!fs::is_directory(real, ec)) throw bad_request("model '" + requested + "' is not a folder", param);
  return real.string();
}

std::string output_folder(const ServerContext& ctx, const std::string& name, const std::string& param) {
  if (ctx.options.models_dir.empty())
    throw bad_request("writing a model folder needs the server started with --models-dir", param, "no_models_dir");
  if (name.empty()) throw bad_request("'" + param + "' (the new folder's name) is required", param);
  if (name.find('/') != std::string::npos || name.find('\\') != std::string::npos || name.front() == '.' ||
      name.find('\0') != std::string::npos || name.size() > 200)
    throw bad_request("'" + param + "' must be a plain folder name inside the models folder (no '/', not starting with '.'), not '" +
                          name + "'",
                      param);
  return (fs::canonical(ctx.options.models_dir) / name).string();
}

std::string folder_kind(const std::string& path) {
  std::error_code ec;
  fs::path p(path);
  if (fs::exists(p / "openvino_model.xml", ec)) return "ir";
  if (!fs::exists(p / "config.json", ec)) return "other";
  for (fs::directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".safetensors") return "hf";
  return "other";
}

nlohmann::json list_model_folders(const ServerContext& ctx) {
  nlohmann::json folders = nlohmann::json::array();
  const std::string& root = ctx.options.models_dir;
  if (root.empty()) return {{"models_dir", nullptr}, {"folders", folders}};
  std::error_code ec;
  fs::path base = fs::canonical(root, ec);
  if (ec) return {{"models_dir", root}, {"folders", folders}, {"error", "the models folder cannot be read"}};
  std::vector<fs::path> dirs;
  for (fs::directory_iterator it(base, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    std::error_code e2;
    if (name.empty() || name.front() == '.' || !it->is_directory(e2)) continue;
    dirs.push_back(it->path());
  }
  std::sort(dirs.begin(), dirs.end());
  for (const fs::path& d : dirs) {
    uintmax_t bytes = 0;
    std::error_code e2;
    for (fs::directory_iterator f(d, e2), end; !e2 && f != end; f.increment(e2)) {
      std::error_code e3;
      if (f->is_regular_file(e3)) bytes += f->file_size(e3);
    }
    folders.push_back({{"name", d.filename().string()}, {"path", d.string()}, {"kind", folder_kind(d.string())}, {"bytes", bytes}});
  }
  return {{"models_dir", base.string()}, {"folders", folders}};
}

}  // namespace openarc::server
