#include "convert/converter.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "convert/architecture.h"
#include "convert/graph_context.h"
#include "convert/progress.h"
#include "core/error.h"
#include "ir/writer.h"

namespace openarc::convert {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Files beside the weights that a runtime needs, copied when present.
const char* const kCopied[] = {"config.json",           "generation_config.json", "tokenizer.json",
                               "tokenizer_config.json", "special_tokens_map.json", "tokenizer.model",
                               "vocab.json",            "merges.txt",              "added_tokens.json",
                               "chat_template.jinja",   "chat_template.json"};

void validate(const ModelConfig& cfg, const Checkpoint& ckpt, const std::vector<TensorSpec>& specs) {
  for (const TensorSpec& s : specs) {
    check(ckpt.has(s.name), "tensor '", s.name, "' is missing from the checkpoint (", cfg.architecture,
          " with this config.json needs it)");
    const SafetensorsEntry& e = ckpt.entry(s.name);
    check(e.shape == s.shape, "tensor '", s.name, "' has shape ", openarc::to_string(e.shape), " but config.json implies ",
          openarc::to_string(s.shape));
    check(e.type == ElementType::f32 || e.type == ElementType::f16 || e.type == ElementType::bf16, "tensor '", s.name,
          "' has dtype ", e.dtype, "; weights must be F32, F16 or BF16");
  }
}

void write_json(const fs::path& p, const json& j) {
  std::ofstream out(p);
  out << j.dump(2) << "\n";
  check(static_cast<bool>(out), "cannot write ", p.string());
}

json openvino_config(const CompressionOptions& opt, const ConvertSummary& s) {
  json j;
  j["dtype"] = to_string(opt.format);
  j["converted_by"] = "openarc convert";
  if (opt.format == WeightFormat::int8 || opt.format == WeightFormat::int4) {
    bool int4 = opt.format == WeightFormat::int4;
    j["quantization_config"] = {{"bits", int4 ? 4 : 8},
                                {"sym", int4 && opt.sym},
                                {"group_size", int4 ? opt.group_size : -1},
                                {"ratio", int4 ? opt.ratio : 1.0},
                                {"backup_precision", "int8_asym"},
                                {"all_layers", false},
                                {"sensitivity_metric", "weight_quantization_error"}};
  }
  j["weight_precisions"] = s.by_precision;
  if (!s.notes.empty()) j["backup_reasons"] = s.notes;
  return j;
}

void check_options(const CompressionOptions& opt) {
  check(opt.format != WeightFormat::int4 || opt.group_size == -1 || opt.group_size > 0,
        "--group-size must be positive or -1 (per channel), not ", opt.group_size);
  check(opt.ratio > 0 && opt.ratio <= 1, "--ratio must be in (0, 1], not ", opt.ratio);
}

void check_folder(const fs::path& in) {
  check(fs::is_directory(in), "input folder ", in.string(), " does not exist");
  check(fs::exists(in / "config.json"), in.string(), ": no config.json (not a Hugging Face model folder)");
}

}  // namespace

ir::Model build_model(const ModelConfig& cfg, const Checkpoint& ckpt, const CompressionOptions& opt,
                      ConvertSummary* summary, const std::function<void(const std::string&, size_t)>& done) {
  check_options(opt);
  std::vector<TensorSpec> specs = expected_tensors(cfg);
  validate(cfg, ckpt, specs);
  auto load = [&](const std::string& name) { return to_f32(ckpt.view(name), name); };
  std::vector<WeightUse> uses;
  for (const TensorSpec& s : specs)
    if (s.role != TensorRole::vector) uses.push_back({s.name, s.shape, s.role == TensorRole::embedding});

  ir::GraphBuilder b("Model0");
  GraphContext ctx{b, cfg, load, plan_compression(uses, opt, load), done};
  build_decoder(ctx);
  if (opt.format == WeightFormat::int8 || opt.format == WeightFormat::int4) b.add_model_rt_info(compression_rt_info(opt));
  b.add_model_rt_info({"conversion_parameters", {}, {{"framework", {{"value", "openarc"}}, {}}}});
  if (summary) {
    summary->tensors = specs.size();
    for (const auto& [name, p] : ctx.plan.precision) ++summary->by_precision[to_string(p)];
    summary->notes = ctx.plan.note;
  }
  return b.build();
}

namespace {

ConvertSummary convert_folder_impl(const std::string& input, const std::string& output, const ConvertOptions& opt) {
  fs::path in(input), out(output);
  check_folder(in);
  if (fs::exists(out)) {
    check(opt.overwrite, "output folder ", output, " exists (use --overwrite to replace it)");
    check(fs::is_directory(out), output, " exists and is not a folder");
    check(!fs::exists(out / "config.json") || fs::exists(out / "openvino_model.xml") || fs::is_empty(out), output,
          " holds a Hugging Face model, not an IR folder; refusing to overwrite it");
  }
  ModelConfig cfg = load_hf_config((in / "config.json").string());
  Checkpoint ckpt = Checkpoint::open(input);

  fs::path parent = out.has_parent_path() ? out.parent_path() : fs::path(".");
  fs::create_directories(parent);
  // The process id and a counter keep two conversions of one process apart.
  static std::atomic<uint64_t> serial{0};
  fs::path tmp = parent / cat(".", out.filename().string(), ".openarc-tmp-", ::getpid(), "-", serial++);
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  try {
    std::vector<TensorSpec> specs = expected_tensors(cfg);
    validate(cfg, ckpt, specs);
    size_t bytes = 0;
    for (const TensorSpec& s : specs) bytes += ckpt.entry(s.name).size;
    Progress progress(specs.size(), bytes, opt.quiet);
    ConvertProgress state{0, specs.size(), 0, bytes, ""};
    auto stop_point = [&] {
      if (opt.stop_requested && opt.stop_requested()) throw Cancelled();
    };
    if (opt.on_progress) opt.on_progress(state);
    stop_point();
    ConvertSummary summary;
    ir::Model model = build_model(cfg, ckpt, opt.compression, &summary, [&](const std::string& name, size_t) {
      size_t size = ckpt.entry(name).size;
      progress.step(name, size);
      ++state.done_tensors;
      state.done_bytes += size;
      state.tensor = name;
      if (opt.on_progress) opt.on_progress(state);
      stop_point();
    });
    if (opt.prepare) opt.prepare(model);
    stop_point();
    ir::write_model(model, (tmp / "openvino_model.xml").string(), (tmp / "openvino_model.bin").string());
    for (const char* f : kCopied)
      if (fs::exists(in / f)) fs::copy_file(in / f, tmp / f, fs::copy_options::overwrite_existing);
    if (!fs::exists(in / "generation_config.json")) {
      json g = json::object();
      if (cfg.bos_token_id >= 0) g["bos_token_id"] = cfg.bos_token_id;
      if (cfg.eos_token_id >= 0) g["eos_token_id"] = cfg.eos_token_id;
      write_json(tmp / "generation_config.json", g);
    }
    write_json(tmp / "openvino_config.json", openvino_config(opt.compression, summary));
    stop_point();
    if (fs::exists(out)) fs::remove_all(out);
    fs::rename(tmp, out);
    std::string counts;
    for (const auto& [p, n] : summary.by_precision) counts += cat(counts.empty() ? "" : ", ", n, " ", p);
    progress.finish(cat("converted ", cfg.architecture, " to ", output, " (weights: ", counts, ")"));
    return summary;
  } catch (...) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    throw;
  }
}

}  // namespace

void check_input(const std::string& input, const CompressionOptions& opt) {
  check_options(opt);
  try {
    fs::path in(input);
    check_folder(in);
    ModelConfig cfg = load_hf_config((in / "config.json").string());
    Checkpoint ckpt = Checkpoint::open(input);
    validate(cfg, ckpt, expected_tensors(cfg));
  } catch (const fs::filesystem_error& e) {
    fail("convert: ", e.what());
  }
}

ConvertSummary convert_folder(const std::string& input, const std::string& output, const ConvertOptions& opt) {
  try {
    return convert_folder_impl(input, output, opt);
  } catch (const fs::filesystem_error& e) {
    fail("convert: ", e.what());  // a file system problem is the user's to fix, not a crash
  }
}

}  // namespace openarc::convert
