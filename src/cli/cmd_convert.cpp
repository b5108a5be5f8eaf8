// `openarc convert MODEL_DIR OUT [--weight-format fp32|fp16|int8|int4] [--sym] [--group-size N]
// [--ratio R] [--overwrite] [--quiet]`: a Hugging Face folder to an OpenVINO IR folder, with the
// flags spelled as optimum-cli spells them.
// `openarc convert --synthetic CONFIG.json OUT [--seed N] [--hf]`: a model of that config with
// seeded random weights, as IR (default) or as a Hugging Face folder (--hf).
#include <CLI/CLI.hpp>

#include <filesystem>
#include <memory>
#include <unistd.h>

#include "cli/commands.h"
#include "convert/converter.h"
#include "convert/synthetic.h"
#include "core/error.h"
#include "graph/bind.h"

namespace openarc::cli {

namespace {

struct ConvertArgs {
  std::string input, output, synthetic, format = "fp32";
  bool sym = false, overwrite = false, quiet = false, hf = false;
  int64_t group_size = 128;
  double ratio = 1.0;
  uint64_t seed = 0;
};

void run_convert(const ConvertArgs& a) {
  convert::ConvertOptions opt;
  opt.compression.format = convert::parse_weight_format(a.format);
  check(opt.compression.format == convert::WeightFormat::int4 || (!a.sym && a.group_size == 128 && a.ratio == 1.0),
        "--sym, --group-size and --ratio apply to --weight-format int4 only");
  opt.compression.sym = a.sym;
  opt.compression.group_size = a.group_size;
  opt.compression.ratio = a.ratio;
  opt.overwrite = a.overwrite;
  opt.quiet = a.quiet;
  // Binding infers every port's shape (written into the XML) and refuses an inconsistent graph.
  opt.prepare = [](ir::Model& m) { graph::bind(m); };

  if (a.synthetic.empty()) {
    check(!a.input.empty() && !a.output.empty(), "convert needs MODEL_DIR and OUT (or --synthetic CONFIG.json OUT)");
    convert::convert_folder(a.input, a.output, opt);
    return;
  }
  // --synthetic CONFIG OUT: the one positional argument is the output.
  std::string out = a.output.empty() ? a.input : a.output;
  check(!out.empty() && (a.output.empty() || a.input.empty()), "convert --synthetic CONFIG.json takes one OUT folder");
  if (a.hf) {
    convert::write_synthetic_checkpoint(a.synthetic, out, a.seed, a.overwrite);
    return;
  }
  namespace fs = std::filesystem;
  fs::path tmp = fs::path(out).parent_path() / cat(".", fs::path(out).filename().string(), ".hf-", ::getpid());
  try {
    convert::write_synthetic_checkpoint(a.synthetic, tmp.string(), a.seed, true);
    convert::convert_folder(tmp.string(), out, opt);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    throw;
  }
  std::error_code ec;
  fs::remove_all(tmp, ec);
}

}  // namespace

void add_convert_command(CLI::App& app) {
  auto args = std::make_shared<ConvertArgs>();
  CLI::App* cmd = app.add_subcommand("convert", "Convert a Hugging Face model folder to OpenVINO IR");
  cmd->add_option("MODEL_DIR", args->input, "Hugging Face folder: config.json + safetensors (+ tokenizer files)");
  cmd->add_option("OUT", args->output, "Output IR folder");
  cmd->add_option("--synthetic", args->synthetic, "Write a model with seeded random weights for this config.json");
  cmd->add_option("--seed", args->seed, "Seed of the synthetic weights")->capture_default_str();
  cmd->add_flag("--hf", args->hf, "With --synthetic: write a Hugging Face folder instead of IR");
  cmd->add_option("--weight-format", args->format, "fp32, fp16, int8 (u8 asymmetric per channel) or int4")
      ->capture_default_str();
  cmd->add_flag("--sym", args->sym, "int4: symmetric i4 instead of asymmetric u4");
  cmd->add_option("--group-size", args->group_size, "int4: group size along the input features; -1 = per channel")
      ->capture_default_str();
  cmd->add_option("--ratio", args->ratio, "int4: share of the weights in int4, the rest in int8_asym")
      ->capture_default_str();
  cmd->add_flag("--overwrite", args->overwrite, "Replace an existing output folder");
  cmd->add_flag("--quiet", args->quiet, "No progress bar");
  cmd->callback([args] { run_convert(*args); });
}

}  // namespace openarc::cli
