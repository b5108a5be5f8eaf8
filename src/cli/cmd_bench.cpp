// `openarc bench --model DIR [-p 128,512] [-n 64] [-d 0,4096] [-r 5] [-t N,...] [--json]`:
// prompt-processing and generation speed as llama-bench measures it, so the two can be compared
// side by side. For each thread count and each -d depth (tokens of context already in the KV
// state), each -p value is a pp test and each -n value a tg test (throughput_test.h); each runs
// once to warm up, then -r times, reported as mean ± sd tokens/s. A tg test also reports
// the weight bytes one token streams (decode_traffic.h), the GB/s that makes, and its fraction of
// this machine's read bandwidth, measured before the model loads.
//
// `openarc bench --bandwidth [-t N,...] [--json]` measures only the read bandwidth, longer.
//
// Output: a markdown table like llama-bench's, or with --json one JSON object per test with
// llama-bench's field names plus ours. Progress goes to stderr.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli/bandwidth.h"
#include "cli/commands.h"
#include "cli/resident_memory.h"
#include "core/error.h"
#include "ir/reader.h"
#include "kernels/cpu_info.h"
#include "llm/decode_traffic.h"
#include "llm/pipeline.h"
#include "llm/throughput_test.h"
#include "ops/kv_cache.h"
#include "tokenizer/tokenizer.h"

namespace openarc::cli {
namespace {

using nlohmann::ordered_json;

constexpr size_t kMiB = size_t{1} << 20;
constexpr uint64_t kTokenSeed = 42;  // the same token ids in every run and every invocation

struct BenchArgs {
  std::string model;
  std::vector<int64_t> n_prompt{128, 512};
  std::vector<int64_t> n_gen{64};
  std::vector<int64_t> n_depth{0};
  int repetitions = 5;
  std::vector<int> threads;  // empty: every core
  std::string kv_cache_precision = "f32";  // KV_CACHE_PRECISION's names (llama-bench's -ctk/-ctv)
  bool bandwidth_only = false;
  bool json = false;
  bool perf_count = false;
};

// The last run's time per op type (PERF_COUNT), in ms per token of the test, largest first.
std::vector<std::pair<std::string, double>> time_per_op_type(const llm::Pipeline& pipe, int64_t tokens) {
  std::map<std::string, int64_t> ns;
  for (const runtime::ProfilingInfo& p : pipe.profiling_info()) ns[p.node_type] += p.real_time_ns;
  std::vector<std::pair<std::string, double>> out;
  for (const auto& [type, t] : ns) out.emplace_back(type, static_cast<double>(t) / 1e6 / static_cast<double>(tokens));
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

std::string format(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

// llama-bench's "size" column: MiB below a GiB, else GiB.
std::string size_label(int64_t bytes) {
  double mib = static_cast<double>(bytes) / kMiB;
  return mib < 1024 ? format("%.2f MiB", mib) : format("%.2f GiB", mib / 1024);
}

// llama-bench's "params" column: 1.10 B, 260.10 K.
std::string params_label(int64_t n) {
  double v = static_cast<double>(n);
  if (v >= 1e9) return format("%.2f B", v / 1e9);
  if (v >= 1e6) return format("%.2f M", v / 1e6);
  return format("%.2f K", v / 1e3);
}

struct Stats {
  double mean = 0, sd = 0;  // sd: the sample standard deviation, 0 for one sample
};

Stats stats(const std::vector<double>& xs) {
  Stats s;
  for (double x : xs) s.mean += x;
  s.mean /= static_cast<double>(xs.size());
  if (xs.size() > 1) {
    double ss = 0;
    for (double x : xs) ss += (x - s.mean) * (x - s.mean);
    s.sd = std::sqrt(ss / static_cast<double>(xs.size() - 1));
  }
  return s;
}

// The progress line on stderr: rewritten in place on a terminal, one line per test otherwise (a
// log file then reads as a list of what ran).
class Progress {
 public:
  Progress() : tty_(isatty(STDERR_FILENO) == 1) {}
  ~Progress() { clear(); }
  void test_started(const std::string& what) {
    if (!tty_) std::cerr << "bench: " << what << "\n" << std::flush;
  }
  void update(const std::string& what) {
    if (tty_) std::cerr << "\r\033[Kbench: " << what << std::flush;
  }
  void clear() {
    if (tty_) std::cerr << "\r\033[K" << std::flush;
  }

 private:
  bool tty_;
};

// Characters as a terminal shows them: UTF-8 continuation bytes take no column ("±" is two bytes).
size_t display_width(const std::string& s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// A markdown table whose rows print as they are ready, like llama-bench's.
class Table {
 public:
  struct Column {
    std::string title;
    size_t width;
    bool left = false;
  };
  explicit Table(std::vector<Column> columns) : columns_(std::move(columns)) {
    for (Column& c : columns_) c.width = std::max(c.width, c.title.size());
  }
  void header() const {
    std::vector<std::string> titles;
    for (const Column& c : columns_) titles.push_back(c.title);
    row(titles);
    std::string line = "|";  // markdown alignment: "---:" right, ":---" left
    for (const Column& c : columns_)
      line += c.left ? " :" + std::string(c.width - 1, '-') + " |" : " " + std::string(c.width - 1, '-') + ": |";
    std::cout << line << "\n";
  }
  void row(const std::vector<std::string>& cells) const {
    std::string line = "|";
    for (size_t i = 0; i < columns_.size(); ++i) {
      const std::string& cell = cells.at(i);
      const size_t w = display_width(cell);
      std::string pad(columns_[i].width > w ? columns_[i].width - w : 0, ' ');
      line += " " + (columns_[i].left ? cell + pad : pad + cell) + " |";
    }
    std::cout << line << "\n" << std::flush;
  }

 private:
  std::vector<Column> columns_;
};

std::vector<int> thread_counts(const BenchArgs& args) {
  if (!args.threads.empty()) return args.threads;
  return {static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))};
}

std::string threads_label(int n) { return std::to_string(n) + (n == 1 ? " thread" : " threads"); }

// GB/s per thread count, with `passes` passes over a buffer of `bytes`.
std::map<int, double> measure_bandwidth(const std::vector<int>& threads, size_t bytes, int passes, Progress& progress) {
  progress.update("bandwidth: filling " + std::to_string(bytes / kMiB) + " MiB");
  BandwidthProbe probe(bytes);
  std::map<int, double> gbps;
  for (int t : threads) {
    if (gbps.count(t)) continue;
    progress.update("bandwidth: " + threads_label(t));
    gbps[t] = probe.read_gbps(t, passes);
  }
  progress.clear();
  return gbps;
}

void run_bandwidth(const BenchArgs& args) {
  const std::vector<int> threads = thread_counts(args);
  const int64_t llc = BandwidthProbe::last_level_cache_bytes();
  // 1 GiB, or 16 times the last-level cache when that is larger: the cache serves a negligible part.
  const size_t bytes = std::max<size_t>(1024 * kMiB, static_cast<size_t>(16 * llc));
  constexpr int kPasses = 8;
  Progress progress;
  std::map<int, double> gbps = measure_bandwidth(threads, bytes, kPasses, progress);
  const std::string isa = kernels::to_string(kernels::isa_level());
  if (args.json) {
    for (int t : threads) {
      ordered_json j{{"n_threads", t},  {"bandwidth_gbps", gbps[t]}, {"buffer_bytes", bytes},
                     {"passes", kPasses}, {"llc_bytes", llc},        {"isa", isa}};
      std::cout << j.dump() << "\n";
    }
    return;
  }
  std::cout << "read bandwidth: best of " << kPasses << " passes over " << bytes / kMiB << " MiB (last-level cache "
            << (llc > 0 ? std::to_string(llc / 1024) + " KiB" : "size unknown") << "), isa " << isa << "\n\n";
  Table table({{"threads", 7}, {"GB/s", 8}});
  table.header();
  for (int t : threads) table.row({std::to_string(t), format("%.2f", gbps[t])});
}

// What the table and the JSON say about the model, read once before the tests.
struct ModelSummary {
  std::string type;  // "LlamaForCausalLM 1.10B int4"
  int64_t size_bytes = 0, parameters = 0;
  llm::DecodeTraffic traffic;
  int64_t vocab = 0;
};

void run_bench(const BenchArgs& args) {
  namespace fs = std::filesystem;
  check(!args.model.empty(), "bench needs --model DIR (or --bandwidth to measure only the memory bandwidth)");
  check(fs::is_directory(args.model), "--model: model folder '", args.model, "' does not exist");
  std::vector<llm::ThroughputTest> tests;  // llama-bench's order: per depth, the pp tests, then the tg tests
  for (int64_t d : args.n_depth) {
    for (int64_t p : args.n_prompt)
      if (p > 0) tests.push_back({.n_prompt = p, .n_depth = d});
    for (int64_t n : args.n_gen)
      if (n > 0) tests.push_back({.n_gen = n, .n_depth = d});
  }
  check(!tests.empty(), "nothing to run: every -p and -n value is 0");
  const std::vector<int> threads = thread_counts(args);
  const std::string isa = kernels::to_string(kernels::isa_level());
  Progress progress;

  // The bound first, while the model holds no memory: a short probe, 3 passes over 256 MiB or 8
  // times the last-level cache; 512 MiB when the cache size is unknown (a VM may hide a large one).
  const int64_t llc = BandwidthProbe::last_level_cache_bytes();
  const size_t probe_bytes = llc > 0 ? std::max<size_t>(256 * kMiB, static_cast<size_t>(8 * llc)) : 512 * kMiB;
  std::map<int, double> bandwidth = measure_bandwidth(threads, probe_bytes, 3, progress);

  ModelSummary model;
  {
    // The traffic is counted on the model as written: compilation may repack constants.
    progress.update("reading " + args.model);
    ir::Model ir = ir::read_model(ir::resolve_model_xml(args.model));
    model.traffic = llm::decode_traffic(ir);
  }

  std::optional<Table> table;  // made once the model type, its first column, is known
  std::vector<std::string> notes;  // per thread count: load time and memory, printed under the table
  bool first = true;
  for (int t : threads) {
    progress.update("loading " + args.model + " (" + threads_label(t) + ")");
    llm::PipelineOptions options;
    options.compile.num_threads = t;
    options.kv_cache_precision = args.kv_cache_precision;
    options.compile.perf_count = args.perf_count;
    options.compile.kv_cache_precision = ops::parse_kv_cache_precision(args.kv_cache_precision);
    // Each run resets the state, then prefills its depth, which the timed part then reuses.
    options.prefix_reuse = true;
    auto pipe = llm::Pipeline::open(args.model, options);
    const int64_t rss_load = resident_set_bytes();
    progress.clear();  // a table line may follow on the same terminal
    const llm::ModelInfo& info = pipe->info();
    if (first) {
      model.size_bytes = model.traffic.constant_bytes;  // as written: the pipeline's count follows compilation
      model.parameters = info.parameters;
      model.type = (info.architecture.empty() ? "model" : info.architecture) + " " + params_label(info.parameters) +
                   (info.weight_format.empty() ? "" : " " + info.weight_format);
      // Token ids must be valid both for the embedding table and for the tokenizer's vocabulary.
      model.vocab = static_cast<int64_t>(pipe->tokenizer().vocab_size());
      if (model.traffic.embedding_rows > 0) model.vocab = std::min(model.vocab, model.traffic.embedding_rows);
      if (!args.json) {
        table.emplace(std::vector<Table::Column>{{"model", model.type.size(), true},
                       {"size", 10},
                       {"params", 8},
                       {"threads", 7},
                       {"test", 13},
                       {"t/s", 20},
                       {"GB/s", 6},
                       {"bound", 5}});
        table->header();
      }
      first = false;
    }

    for (const llm::ThroughputTest& test : tests) {
      const bool pp = test.n_prompt > 0;
      const std::string name = test.name();
      const std::string what = name + ", " + threads_label(t);
      progress.test_started(what + ": 1 warm-up + " + std::to_string(args.repetitions) + " runs");
      progress.update(what + ": warm-up");
      llm::run_throughput_test(*pipe, test, model.vocab, kTokenSeed);
      std::vector<double> samples_ns, samples_ts;
      for (int r = 0; r < args.repetitions; ++r) {
        progress.update(what + ": run " + std::to_string(r + 1) + "/" + std::to_string(args.repetitions));
        int64_t ns = llm::run_throughput_test(*pipe, test, model.vocab, kTokenSeed);
        samples_ns.push_back(static_cast<double>(ns));
        samples_ts.push_back(static_cast<double>(test.tokens()) * 1e9 / static_cast<double>(std::max<int64_t>(ns, 1)));
      }
      progress.clear();
      const Stats ts = stats(samples_ts), ns = stats(samples_ns);
      const int64_t rss = resident_set_bytes();
      // Decode streams the weights once per token; prefill reuses them across its tokens.
      const double gbps = static_cast<double>(model.traffic.bytes_per_token) * ts.mean / 1e9;
      const double bound = bandwidth[t] > 0 ? gbps / bandwidth[t] : 0;
      const auto per_op = args.perf_count ? time_per_op_type(*pipe, test.tokens()) : decltype(time_per_op_type(*pipe, 1)){};

      if (args.json) {
        ordered_json j;
        j["model_filename"] = args.model;
        j["model_type"] = model.type;
        j["model_size"] = model.size_bytes;
        j["model_n_params"] = model.parameters;
        j["n_threads"] = t;
        j["n_prompt"] = test.n_prompt;
        j["n_gen"] = test.n_gen;
        j["n_depth"] = test.n_depth;
        j["type_k"] = j["type_v"] = args.kv_cache_precision;
        j["avg_ns"] = static_cast<int64_t>(std::llround(ns.mean));
        j["stddev_ns"] = static_cast<int64_t>(std::llround(ns.sd));
        j["avg_ts"] = ts.mean;
        j["stddev_ts"] = ts.sd;
        j["samples_ns"] = samples_ns;
        j["samples_ts"] = samples_ts;
        j["bytes_per_token"] = model.traffic.bytes_per_token;
        j["gbps"] = pp ? ordered_json(nullptr) : ordered_json(gbps);
        j["bound_fraction"] = pp ? ordered_json(nullptr) : ordered_json(bound);
        j["bandwidth_gbps"] = bandwidth[t];
        j["load_ms"] = info.load_ms;
        j["rss_load_bytes"] = rss_load;
        j["rss_bytes"] = rss;
        j["isa"] = isa;
        j["weight_format"] = info.weight_format;
        if (args.perf_count) {
          ordered_json ops = ordered_json::object();
          for (const auto& [type, ms] : per_op) ops[type] = ms;
          j["ms_per_token_by_op"] = ops;
        }
        std::cout << j.dump() << "\n" << std::flush;
      } else {
        table->row({model.type, size_label(model.size_bytes), params_label(model.parameters), std::to_string(t), name,
                   format("%.2f", ts.mean) + " ± " + format("%.2f", ts.sd), pp ? "" : format("%.2f", gbps),
                   pp ? "" : format("%.2f", bound)});
        if (args.perf_count) {
          std::string line = what + ", ms per token by op (last run):";
          for (size_t k = 0; k < per_op.size() && k < 8; ++k)
            line += " " + per_op[k].first + " " + format("%.2f", per_op[k].second);
          notes.push_back(line);
        }
      }
    }
    notes.push_back(threads_label(t) + ": load " + format("%.0f", info.load_ms) + " ms, RSS " +
                    size_label(rss_load) + " after load, " + size_label(resident_set_bytes()) +
                    " after the runs; read bandwidth " + format("%.2f", bandwidth[t]) + " GB/s");
  }
  if (!args.json) {
    std::cout << "\n" << args.model << ": " << size_label(model.traffic.bytes_per_token)
              << " of weights read per decoded token (GB/s = that x t/s; bound = GB/s / read bandwidth), isa "
              << isa << "\n";
    for (const std::string& n : notes) std::cout << n << "\n";
  }
}

// A whole number in [lo, hi], checked per comma-separated value, with a message that says so
// (CLI11's numeric validators print the range's bounds as doubles).
CLI::Validator whole_number(int64_t lo, int64_t hi) {
  return CLI::Validator(
      [lo, hi](std::string& value) -> std::string {
        int64_t v = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
        if (ec == std::errc() && end == value.data() + value.size() && v >= lo && v <= hi) return "";
        return "expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) + ", got '" +
               value + "'";
      },
      std::to_string(lo) + ".." + std::to_string(hi));
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("bench", "Measure prompt-processing and generation speed as llama-bench does");
  auto args = std::make_shared<BenchArgs>();
  cmd->add_option("-m,--model", args->model, "Model folder (IR + tokenizer + config)");
  cmd->add_option("-p,--n-prompt", args->n_prompt, "Prompt lengths to prefill, comma-separated (0: no pp test)")
      ->delimiter(',')
      ->capture_default_str()
      ->check(whole_number(0, 1 << 20));
  cmd->add_option("-n,--n-gen", args->n_gen, "Token counts to generate, comma-separated (0: no tg test)")
      ->delimiter(',')
      ->capture_default_str()
      ->check(whole_number(0, 1 << 20));
  cmd->add_option("-d,--n-depth", args->n_depth,
                  "Tokens of context in the KV state before each test, comma-separated (llama-bench's -d)")
      ->delimiter(',')
      ->capture_default_str()
      ->check(whole_number(0, 1 << 20));
  cmd->add_option("-r,--repetitions", args->repetitions, "Timed runs of each test, after one warm-up")
      ->capture_default_str()
      ->check(whole_number(1, 100000));
  cmd->add_option("-t,--threads", args->threads, "Thread counts, comma-separated (default: every core)")
      ->delimiter(',')
      ->check(whole_number(1, 1024));
  cmd->add_option("--kv-cache-precision", args->kv_cache_precision,
                  "Element type of the KV cache (KV_CACHE_PRECISION: f32 or f16)")
      ->capture_default_str()
      ->check(CLI::IsMember({"f32", "f16"}));
  cmd->add_flag("--perf-count", args->perf_count,
                "Time every node (OpenVINO's PERF_COUNT) and print each test's ms per token by op type");
  cmd->add_flag("--bandwidth", args->bandwidth_only, "Measure only this machine's memory read bandwidth");
  cmd->add_flag("--json", args->json, "Print one JSON object per test (llama-bench's field names)");
  cmd->callback([args] {
    if (args->bandwidth_only) {
      check(args->model.empty(), "--bandwidth measures the machine, not a model: drop --model");
      run_bandwidth(*args);
    } else {
      run_bench(*args);
    }
  });
}

}  // namespace openarc::cli
