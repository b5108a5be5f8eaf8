// POST /openarc/bench {"model", "prompt" | "input_ids", "max_tokens", sampling settings}: one
// generation measured as OpenArc 2.x's `openarc bench` reads it (ttft, tpot, prefill and decode
// throughput, token counts, under 2.x's metric names), with our timings beside them. The model's
// KV state is reset first, so the whole prompt is prefilled every time: a benchmark that reused
// the previous run's prefix would time nothing.
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "server/api_error.h"
#include "server/handlers.h"

namespace openarc::server {
namespace {

using nlohmann::json;

constexpr int64_t kBenchDefaultMaxTokens = 512;  // OpenArcBenchRequest's default

// The bench body as a /v1/completions body, so its settings are checked by the same rules.
json bench_completion_body(const json& body, bool& by_ids) {
  const json* ids = request_field(body, "input_ids");
  const json* prompt = request_field(body, "prompt");
  bool ids_given = ids && !(ids->is_array() && ids->empty());
  bool prompt_given = prompt && !(prompt->is_string() && prompt->get<std::string>().empty());
  if (ids_given == prompt_given)
    throw bad_request("give exactly one of 'input_ids' (a non-empty array of token ids) or 'prompt' (a non-empty string)",
                      ids_given ? "prompt" : "input_ids");
  by_ids = ids_given;
  json c = {{"model", body.value("model", "")}, {"stream", false}, {"ignore_eos", true}};
  if (by_ids) {
    if (!ids->is_array()) throw bad_request("'input_ids' must be an array of token ids", "input_ids");
    for (const json& id : *ids)
      if (!id.is_number_integer()) throw bad_request("'input_ids' must hold integers, not " + id.dump(), "input_ids");
    c["prompt"] = *ids;
  } else {
    if (!prompt->is_string()) throw bad_request("'prompt' must be a string", "prompt");
    c["prompt"] = *prompt;
  }
  c["max_tokens"] = kBenchDefaultMaxTokens;
  if (const json* n = request_field(body, "max_tokens"); n && !(n->is_number_integer() && n->get<int64_t>() >= 1))
    throw bad_request("'max_tokens' must be a positive integer (the tokens to generate), not " + n->dump(), "max_tokens");
  // ignore_eos (default true here) makes every run produce max_tokens tokens, so runs compare.
  for (const char* key : {"max_tokens", "temperature", "top_p", "top_k", "repetition_penalty", "seed", "ignore_eos"})
    if (const json* v = request_field(body, key)) c[key] = *v;
  return c;
}

// The field of the bench body a completion-parsing error is about: the pipeline says
// max_new_tokens for max_tokens, and the completion's prompt is input_ids or prompt here.
std::string bench_param(const std::string& param, const char* prompt_param) {
  if (param == "max_new_tokens") return "max_tokens";
  if (param == "prompt") return prompt_param;
  return param;
}

json bench_metrics_json(const llm::PerfMetrics& m) {
  const double ttft_s = m.ttft_ms / 1000;
  json out = {{"load_time (s)", m.load_ms / 1000},
              {"ttft (s)", ttft_s},
              {"tpot (ms)", m.tpot_mean_ms()},
              // 2.x divides the prompt by the time to the first token; prefill_tokens_per_second is ours.
              {"prefill_throughput (tokens/s)", ttft_s > 0 ? static_cast<double>(m.input_tokens) / ttft_s : 0.0},
              {"decode_throughput (tokens/s)", m.decode_tokens_per_second()},
              {"decode_duration (s)", m.generation_ms / 1000},
              {"input_token", m.input_tokens},
              {"new_token", m.output_tokens},
              {"total_token", m.input_tokens + m.output_tokens},
              {"stream", false}};
  const json ours = m.performance_metrics_json();  // kept: items() does not extend a temporary's life
  for (const auto& [k, v] : ours.items()) out[k] = v;
  return out;
}

}  // namespace

HttpResponse openarc_bench(ServerContext& ctx, HttpRequest& req) {
  json body = parse_body(req.body);
  auto model = ctx.registry.get(model_field(body));
  bool by_ids = false;
  json c = bench_completion_body(body, by_ids);
  c["model"] = model->name;
  const char* prompt_param = by_ids ? "input_ids" : "prompt";
  ParsedRequest parsed;
  try {
    parsed = parse_completion_request(c, model->pipeline->default_config(), ctx.options.limits);
  } catch (ApiError& e) {
    e.param = bench_param(e.param, prompt_param);
    throw;
  }
  llm::Pipeline& pipeline = *model->pipeline;
  const llm::GenerationRequest& g = parsed.prompts.front();
  llm::PreparedPrompt prepared;
  try {
    prepared = pipeline.prepare(g);
  } catch (const llm::SettingError& e) {
    throw bad_request(e.what(), bench_param(e.setting(), prompt_param));
  } catch (const Error& e) {
    throw bad_request(e.what(), prompt_param);
  }
  req.usage->model = model->name;
  auto ticket = ModelEntry::enqueue(model, ctx.options.max_queue);
  ModelEntry::Turn turn = ticket->wait(req.client_gone);
  if (!turn) throw ApiError(499, "client_closed", "the client closed the connection");
  pipeline.reset_cache();
  llm::CancellationToken cancel;
  auto watch = [&](const llm::StreamEvent&) {
    if ((req.client_gone && req.client_gone()) || ctx.stopping.load()) cancel.cancel();
  };
  llm::GenerationResult result = pipeline.generate(prepared, g.config, watch, cancel);
  ctx.metrics.generation(model->name, result.metrics);
  req.usage->prompt_tokens += result.metrics.input_tokens;
  req.usage->completion_tokens += result.metrics.output_tokens;
  ++model->requests_served;
  return json_response({{"metrics", bench_metrics_json(result.metrics)},
                        {"model", model->name},
                        {"timings", result.metrics.timings_json()}});
}

}  // namespace openarc::server
