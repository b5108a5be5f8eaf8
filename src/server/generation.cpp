// The path every generation route shares: prepare (400 before anything is queued), take a place
// in the model's queue (503 when full), wait for the turn while watching the client, generate
// with a cancellation token the client's disconnect trips, and answer as one body or a stream.
#include <nlohmann/json.hpp>

#include "server/api_error.h"
#include "server/handlers.h"
#include "server/structured_output.h"

namespace openarc::server {
namespace {

using nlohmann::json;

std::string sse(const json& chunk) {
  return "data: " + chunk.dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n";
}

struct Job {
  std::shared_ptr<ModelEntry> model;
  ParsedRequest parsed;
  std::vector<llm::PreparedPrompt> prompts;
  std::shared_ptr<ModelEntry::Ticket> ticket;
  std::unique_ptr<ResponseFormat> format;
  ApiKind kind;
  std::shared_ptr<HttpRequest::Usage> usage;  // the request's, for the access log
};

// Runs every prompt of the job; `send` gets each streamed chunk (may be null for non-streamed).
std::vector<llm::GenerationResult> generate_all(ServerContext& ctx, Job& job, const llm::CancellationToken& cancel,
                                                const std::function<bool()>& client_gone,
                                                const std::function<void(const json&)>& send) {
  std::vector<llm::GenerationResult> results;
  llm::Pipeline& pipeline = *job.model->pipeline;
  for (size_t i = 0; i < job.prompts.size(); ++i) {
    auto on_event = [&](const llm::StreamEvent& ev) {
      if (client_gone() || ctx.stopping.load()) cancel.cancel();
      if (!send) return;
      json chunk = job.format->event(i, ev);
      if (chunk.is_array()) {
        for (const json& c : chunk) send(c);
      } else if (!chunk.is_null()) {
        send(chunk);
      }
    };
    results.push_back(pipeline.generate(job.prompts[i], job.parsed.prompts[i].config, on_event, cancel));
    ctx.metrics.generation(job.model->name, results.back().metrics);
    job.usage->prompt_tokens += results.back().metrics.input_tokens;
    job.usage->completion_tokens += results.back().metrics.output_tokens;
    if (cancel.cancelled()) break;
  }
  ++job.model->requests_served;
  return results;
}

}  // namespace

HttpResponse json_response(const json& body, int status) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

HttpResponse generation_route(ServerContext& ctx, HttpRequest& req, ApiKind kind, RequestParser parse) {
  json body = parse_body(req.body);
  auto model = ctx.registry.get(model_field(body));
  ParsedRequest parsed = parse(body, model->pipeline->default_config(), ctx.options.limits);
  apply_structured_output(nlohmann::ordered_json::parse(req.body), parsed);
  return run_generation(ctx, req, kind, std::move(parsed), model);
}

HttpResponse run_generation(ServerContext& ctx, HttpRequest& req, ApiKind kind, ParsedRequest parsed,
                            std::shared_ptr<ModelEntry> model) {
  auto job = std::make_shared<Job>();
  job->model = model;
  job->kind = kind;
  job->usage = req.usage;
  req.usage->model = model->name;
  llm::Pipeline& pipeline = *model->pipeline;
  if (kind != ApiKind::completion && !pipeline.has_chat_template() && parsed.prompts[0].messages)
    throw bad_request("model '" + model->name +
                          "' has no chat template (no chat_template in tokenizer_config.json and no "
                          "chat_template.jinja); use /v1/completions",
                      "messages", "no_chat_template");
  for (const llm::GenerationRequest& g : parsed.prompts) {
    try {
      job->prompts.push_back(pipeline.prepare(g));
    } catch (const llm::SettingError& e) {
      throw bad_request(e.what(), e.setting());
    } catch (const Error& e) {
      throw bad_request(e.what(), g.messages ? "messages" : "prompt");
    }
  }
  job->parsed = std::move(parsed);
  job->format = make_response_format(kind, job->parsed, model->name, pipeline.tokenizer(), &pipeline.tool_parser());
  job->ticket = ModelEntry::enqueue(model, ctx.options.max_queue);

  if (!job->parsed.stream) {
    auto client_gone = req.client_gone;
    ModelEntry::Turn turn = job->ticket->wait(client_gone);
    if (!turn) throw ApiError(499, "client_closed", "the client closed the connection");
    llm::CancellationToken cancel;
    std::vector<llm::GenerationResult> results = generate_all(ctx, *job, cancel, client_gone, nullptr);
    return json_response(job->format->body(results));
  }

  HttpResponse r;
  r.content_type = "text/event-stream";
  r.stream = [&ctx, job](StreamWriter& w) {
    auto gone = [&w] { return w.client_gone(); };
    ModelEntry::Turn turn = job->ticket->wait(gone);
    if (!turn) return;
    llm::CancellationToken cancel;
    auto send = [&](const json& chunk) {
      if (!w.write(sse(chunk))) cancel.cancel();
    };
    try {
      for (const json& c : job->format->start(job->parsed.prompts[0].config.n)) send(c);
      std::vector<llm::GenerationResult> results = generate_all(ctx, *job, cancel, gone, send);
      if (!cancel.cancelled() || ctx.stopping.load())
        for (const json& c : job->format->finish(results)) send(c);
    } catch (const std::exception& e) {
      // Headers are sent: report the error in the stream, as llama.cpp's server does.
      send(json{{"error", {{"message", e.what()}, {"type", "server_error"}, {"param", nullptr}, {"code", nullptr}}}});
    }
    w.write("data: [DONE]\n\n");
  };
  return r;
}

}  // namespace openarc::server
