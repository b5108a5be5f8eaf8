#include "server/model_export.h"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <random>

#include "core/error.h"
#include "graph/bind.h"
#include "server/api_error.h"

namespace openarc::server {
namespace fs = std::filesystem;
namespace {

// A plain, hidden, unique folder name: list_model_folders leaves dot-folders out.
std::string export_folder_name(const std::string& model_name) {
  std::string safe;
  for (char c : model_name) safe += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
  static std::mt19937_64 rng{std::random_device{}()};
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  char suffix[17];
  std::snprintf(suffix, sizeof suffix, "%016llx", static_cast<unsigned long long>(rng()));
  return ".openarc-export-" + safe.substr(0, 64) + "-" + suffix;
}

}  // namespace

std::string export_for_load(ServerContext& ctx, const std::string& source, const std::string& model_name,
                            const std::string& param) {
  convert::ConvertOptions opt;
  opt.compression.format = convert::WeightFormat::fp32;
  try {
    convert::check_input(source, opt.compression);
  } catch (const Error& e) {
    throw bad_request(std::string("export_model: cannot convert '") + source + "': " + e.what(), param, "bad_checkpoint");
  }
  fs::path base = ctx.options.models_dir.empty() ? fs::temp_directory_path() : fs::canonical(ctx.options.models_dir);
  fs::path target = base / export_folder_name(model_name);
  std::string source_name = fs::path(source).filename().string();
  auto lease = ctx.conversions.start(source_name, target.filename().string(), "fp32");  // 409 while one runs
  opt.quiet = true;
  opt.prepare = [](ir::Model& m) { graph::bind(m); };  // as `openarc convert`: shapes on the written ports
  opt.on_progress = [&lease](const convert::ConvertProgress& p) { lease->update(p); };
  opt.stop_requested = [&ctx, &lease] { return ctx.stopping.load() || lease->job().cancel.load(); };
  auto t0 = std::chrono::steady_clock::now();
  try {
    convert::convert_folder(source, target.string(), opt);
  } catch (const convert::Cancelled&) {
    throw ApiError(409, "conflict", "export_model: the conversion of '" + source_name + "' was cancelled", param,
                   "conversion_cancelled");
  } catch (const std::exception& e) {
    throw bad_request(std::string("export_model: converting '") + source + "' failed: " + e.what(), param,
                      "convert_failed");
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(stderr, "openarc: export_model converted %s in %.1f s\n", source.c_str(), secs);
  return target.string();
}

}  // namespace openarc::server
