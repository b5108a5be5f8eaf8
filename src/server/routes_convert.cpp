// POST /openarc/convert: a Hugging Face folder under --models-dir to IR beside it, with
// `openarc convert`'s weight formats, progress streamed as server-sent events. Everything that
// can be checked before a byte is written is (the folder, its config.json and tensors, the
// options: 4xx naming the field); the converter writes into a hidden temporary folder renamed at
// the end, so a failure or a cancellation (POST /openarc/convert/cancel, the client leaving, the
// server stopping) leaves nothing behind. GET /openarc/convert lists the running conversion.
#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "graph/bind.h"
#include "server/api_error.h"
#include "server/handlers.h"
#include "server/models_dir.h"

namespace openarc::server {
namespace fs = std::filesystem;
namespace {

using nlohmann::json;

std::string sse(const json& event) {
  return "data: " + event.dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n";
}

struct ConvertRequest {
  std::string source_path, source_name, output_path, output_name, format = "fp32";
  convert::ConvertOptions options;
};

ConvertRequest parse_convert_request(const ServerContext& ctx, const json& body) {
  auto str = [&](const char* key, const std::string& def) {
    const json* v = request_field(body, key);
    if (!v) return def;
    if (!v->is_string()) throw bad_request(std::string("'") + key + "' must be a string", key);
    return v->get<std::string>();
  };
  auto boolean = [&](const char* key) {
    const json* v = request_field(body, key);
    if (!v) return false;
    if (!v->is_boolean()) throw bad_request(std::string("'") + key + "' must be true or false", key);
    return v->get<bool>();
  };
  ConvertRequest r;
  if (ctx.options.models_dir.empty())
    throw bad_request("conversion needs the server started with --models-dir (it reads and writes model folders there)",
                      "source", "no_models_dir");
  std::string source = str("source", "");
  if (source.empty()) throw bad_request("'source' (a Hugging Face folder in the models folder) is required", "source");
  r.source_path = resolve_model_path(ctx, source, "source");
  r.source_name = fs::path(r.source_path).filename().string();
  std::string kind = folder_kind(r.source_path);
  if (kind != "hf")
    throw bad_request("'" + source + "' is not a Hugging Face model folder (config.json and *.safetensors)" +
                          (kind == "ir" ? std::string("; it is already OpenVINO IR") : std::string()),
                      "source", "not_hf_folder");

  r.format = str("weight_format", "fp32");
  convert::CompressionOptions& c = r.options.compression;
  try {
    c.format = convert::parse_weight_format(r.format);
  } catch (const Error& e) {
    throw bad_request(std::string("'weight_format': ") + e.what(), "weight_format");
  }
  bool int4 = c.format == convert::WeightFormat::int4;
  c.sym = boolean("sym");
  if (c.sym && !int4) throw bad_request("'sym' applies to weight_format int4 only", "sym");
  if (const json* g = request_field(body, "group_size")) {
    if (!g->is_number_integer()) throw bad_request("'group_size' must be an integer (-1: per channel)", "group_size");
    c.group_size = g->get<int64_t>();
    if (c.group_size != -1 && c.group_size <= 0)
      throw bad_request("'group_size' must be positive or -1 (per channel), not " + std::to_string(c.group_size), "group_size");
    if (!int4 && c.group_size != 128) throw bad_request("'group_size' applies to weight_format int4 only", "group_size");
  }
  if (const json* q = request_field(body, "ratio")) {
    if (!q->is_number()) throw bad_request("'ratio' must be a number in (0, 1]", "ratio");
    c.ratio = q->get<double>();
    if (!(c.ratio > 0 && c.ratio <= 1)) throw bad_request("'ratio' must be in (0, 1], not " + q->dump(), "ratio");
    if (!int4 && c.ratio != 1.0) throw bad_request("'ratio' applies to weight_format int4 only", "ratio");
  }

  r.output_name = str("output", r.source_name + "-" + r.format);
  r.output_path = output_folder(ctx, r.output_name, "output");
  r.options.overwrite = boolean("overwrite");
  std::error_code ec;
  if (fs::exists(r.output_path, ec)) {
    if (!r.options.overwrite)
      throw ApiError(409, "conflict", "the models folder already holds '" + r.output_name + "'; choose another name or pass \"overwrite\": true",
                     "output", "output_exists");
    if (folder_kind(r.output_path) != "ir")
      throw ApiError(409, "conflict", "'" + r.output_name + "' exists and is not an IR folder; refusing to overwrite it",
                     "output", "output_exists");
  }
  if (fs::equivalent(r.source_path, r.output_path, ec)) throw bad_request("'output' is the source folder", "output");
  try {
    convert::check_input(r.source_path, c);
  } catch (const Error& e) {
    throw bad_request(std::string("cannot convert '") + source + "': " + e.what(), "source", "bad_checkpoint");
  }
  r.options.quiet = true;
  // As `openarc convert` does: bound, so the written ports carry their shapes, and an
  // inconsistent graph is refused before anything is written.
  r.options.prepare = [](ir::Model& m) { graph::bind(m); };
  return r;
}

}  // namespace

HttpResponse convert_model(ServerContext& ctx, HttpRequest& req) {
  json body = parse_body(req.body);
  auto request = std::make_shared<ConvertRequest>(parse_convert_request(ctx, body));
  std::shared_ptr<Conversions::Lease> lease = ctx.conversions.start(request->source_name, request->output_name, request->format);
  HttpResponse r;
  r.content_type = "text/event-stream";
  r.stream = [&ctx, request, lease](StreamWriter& w) {
    Conversions::Job& job = lease->job();
    bool client_left = false;
    auto send = [&](const json& e) {
      if (!client_left && !w.write(sse(e))) client_left = true;
    };
    convert::ConvertOptions opt = request->options;
    bool started = false;
    opt.on_progress = [&](const convert::ConvertProgress& p) {
      lease->update(p);
      json e = progress_json(p);
      e["event"] = started ? "progress" : "started";
      if (!started) {
        e["id"] = job.id;
        e["source"] = request->source_name;
        e["output"] = request->output_name;
        e["weight_format"] = request->format;
      }
      started = true;
      send(e);
    };
    opt.stop_requested = [&] {
      return job.cancel.load() || client_left || w.client_gone() || w.server_stopping() || ctx.stopping.load();
    };
    auto t0 = std::chrono::steady_clock::now();
    try {
      convert::ConvertSummary s = convert::convert_folder(request->source_path, request->output_path, opt);
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::fprintf(stderr, "openarc: converted %s to %s (%s) in %.1f s\n", request->source_name.c_str(),
                   request->output_name.c_str(), request->format.c_str(), secs);
      send({{"event", "done"},          {"id", job.id},
            {"output", request->output_name}, {"path", request->output_path},
            {"weight_format", request->format}, {"weights", s.by_precision},
            {"notes", s.notes},         {"seconds", secs}});
    } catch (const convert::Cancelled&) {
      send({{"event", "cancelled"}, {"id", job.id}, {"output", request->output_name}});
    } catch (const std::exception& e) {
      // Headers are sent: the error goes in the stream, in the API's error shape.
      send({{"event", "error"},
            {"id", job.id},
            {"error", {{"message", e.what()}, {"type", "invalid_request_error"}, {"param", nullptr}, {"code", "convert_failed"}}}});
    }
    if (!client_left) w.write("data: [DONE]\n\n");
  };
  return r;
}

HttpResponse cancel_conversion(ServerContext& ctx, HttpRequest& req) {
  json body = req.body.empty() ? json::object() : parse_body(req.body);
  std::string id;
  if (const json* v = request_field(body, "id")) {
    if (!v->is_string()) throw bad_request("'id' must be a string", "id");
    id = v->get<std::string>();
  }
  std::string cancelled = ctx.conversions.cancel(id);
  if (cancelled.empty())
    throw not_found(id.empty() ? "no conversion is running" : "no conversion '" + id + "' is running", "id",
                    "conversion_not_found");
  return json_response({{"status", "cancelling"}, {"id", cancelled}});
}

HttpResponse list_conversions(ServerContext& ctx, HttpRequest&) { return json_response(ctx.conversions.list()); }

}  // namespace openarc::server
