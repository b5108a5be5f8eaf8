#include "server/response_format.h"

#include <chrono>
#include <random>

#include "llm/tool_stream.h"
#include "tokenizer/tokenizer.h"

namespace openarc::server {
namespace {

using nlohmann::json;

std::string random_id(const char* prefix) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char* kChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string id = prefix;
  for (int i = 0; i < 24; ++i) id += kChars[rng() % 62];
  return id;
}

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// OpenAI has no "cancelled": a cancelled generation has no client left to read it anyway.
std::string finish_name(llm::FinishReason r) {
  return r == llm::FinishReason::length ? "length" : r == llm::FinishReason::none ? "" : "stop";
}

json token_bytes(const std::string& s) {
  json b = json::array();
  for (unsigned char c : s) b.push_back(static_cast<int>(c));
  return b;
}

class Base : public ResponseFormat {
 public:
  Base(const ParsedRequest& r, std::string model, const tokenizer::Tokenizer& tok)
      : request_(r), model_(std::move(model)), tokenizer_(tok), id_(random_id("chatcmpl-")), created_(now_seconds()) {}

 protected:
  std::string piece(int64_t id) const { return tokenizer_.decode(std::vector<tokenizer::TokenId>{static_cast<tokenizer::TokenId>(id)}, false, false); }

  json usage(const std::vector<llm::GenerationResult>& results) const {
    return combined_metrics(results).usage_json();
  }
  json timings(const std::vector<llm::GenerationResult>& results) const {
    return combined_metrics(results).timings_json();
  }

  // The last chunks of a stream: `last` (finish reasons) with timings, then, when the client
  // asked for usage, `usage_chunk` (no choices) with usage and timings.
  std::vector<json> closing(json last, json usage_chunk, const std::vector<llm::GenerationResult>& results) const {
    last["timings"] = timings(results);
    std::vector<json> out{std::move(last)};
    if (request_.include_usage) {
      usage_chunk["usage"] = usage(results);
      usage_chunk["timings"] = timings(results);
      out.push_back(std::move(usage_chunk));
    }
    return out;
  }

  const ParsedRequest& request_;
  std::string model_;
  const tokenizer::Tokenizer& tokenizer_;
  std::string id_;
  int64_t created_;
};

class ChatFormat : public Base {
 public:
  using Base::Base;

  json chunk(json choices) const {
    json c = {{"id", id_}, {"object", "chat.completion.chunk"}, {"created", created_}, {"model", model_},
              {"system_fingerprint", "openarc"}, {"choices", std::move(choices)}};
    if (request_.include_usage) c["usage"] = nullptr;
    return c;
  }

  json logprobs_entry(const llm::SampledToken& t) const {
    json top = json::array();
    for (const llm::TokenLogprob& alt : t.top_logprobs) {
      std::string p = piece(alt.token);
      top.push_back({{"token", p}, {"logprob", alt.logprob}, {"bytes", token_bytes(p)}});
    }
    std::string p = piece(t.token);
    return {{"token", p}, {"logprob", t.logprob}, {"bytes", token_bytes(p)}, {"top_logprobs", top}};
  }

  std::vector<json> start(int64_t n) override {
    std::vector<json> out;
    json choices = json::array();
    for (int64_t i = 0; i < n; ++i)
      choices.push_back({{"index", i}, {"delta", {{"role", "assistant"}, {"content", ""}}}, {"logprobs", nullptr},
                         {"finish_reason", nullptr}});
    out.push_back(chunk(choices));
    return out;
  }

  void set_tool_parser(const llm::ToolParser* parser) {
    if (!parser || !request_.parse_tool_calls) return;
    parser_ = parser;
    tools_ = llm::ToolSet(request_.prompts[0].tools);
  }

  // Streamed: the content of the events goes through a ToolStream per choice (arguments streamed
  // as generated); the result is one chunk, several (an opening tool-call delta is sent with
  // empty arguments, its first fragment in a chunk of its own, as OpenAI does), or null.
  json event(size_t, const llm::StreamEvent& ev) override {
    bool want_logprobs = ev.token && request_.prompts[0].config.logprobs;
    if (!parser_) {
      json delta = json::object();
      if (!ev.reasoning.empty()) delta["reasoning_content"] = ev.reasoning;
      if (!ev.text.empty()) delta["content"] = ev.text;
      if (delta.empty() && !want_logprobs) return nullptr;
      json choice = {{"index", ev.index}, {"delta", delta}, {"logprobs", nullptr}, {"finish_reason", nullptr}};
      if (want_logprobs) choice["logprobs"] = {{"content", json::array({logprobs_entry(*ev.token)})}};
      return chunk(json::array({choice}));
    }
    llm::MessageDelta d = ev.text.empty() ? llm::MessageDelta() : stream_of(ev.index).feed(ev.text);
    d.reasoning_content = ev.reasoning;
    json logprobs = want_logprobs ? json{{"content", json::array({logprobs_entry(*ev.token)})}} : json(nullptr);
    json out = delta_chunks(ev.index, std::move(d), std::move(logprobs));
    if (out.empty()) return nullptr;
    return out.size() == 1 ? out[0] : out;
  }

  std::vector<json> finish(const std::vector<llm::GenerationResult>& results) override {
    const llm::GenerationResult& r = results.front();
    std::vector<json> out;
    json choices = json::array();
    for (size_t i = 0; i < r.sequences.size(); ++i) {
      std::string reason = finish_name(r.sequences[i].finish_reason);
      if (parser_) {
        for (json& c : delta_chunks(static_cast<int64_t>(i), stream_of(static_cast<int64_t>(i)).finish(), nullptr))
          out.push_back(std::move(c));
        if (called_[i] && reason == "stop" && !request_.named_tool_choice) reason = "tool_calls";
      }
      choices.push_back({{"index", i}, {"delta", json::object()}, {"logprobs", nullptr}, {"finish_reason", reason}});
    }
    for (json& c : closing(chunk(choices), chunk(json::array()), results)) out.push_back(std::move(c));
    return out;
  }

  json body(const std::vector<llm::GenerationResult>& results) override {
    const llm::GenerationResult& r = results.front();
    json choices = json::array();
    for (size_t i = 0; i < r.sequences.size(); ++i) {
      const llm::SequenceResult& s = r.sequences[i];
      json message = {{"role", "assistant"}, {"content", s.text}};
      if (!s.reasoning.empty()) message["reasoning_content"] = s.reasoning;
      std::string reason = finish_name(s.finish_reason);
      if (parser_) {
        // Not streamed: calls are taken whole (a call that breaks late stays content).
        llm::ToolStream stream(*parser_, tools_, llm::ToolCallIds(), llm::CallStreaming::whole_calls);
        llm::ParsedMessage parsed;
        llm::accumulate(parsed, stream.feed(s.text));
        llm::accumulate(parsed, stream.finish());
        if (!request_.parallel_tool_calls && parsed.tool_calls.size() > 1) parsed.tool_calls.resize(1);
        if (!parsed.tool_calls.empty()) {
          json calls = json::array();
          for (const llm::ToolCall& c : parsed.tool_calls)
            calls.push_back({{"id", c.id}, {"type", "function"}, {"function", {{"name", c.name}, {"arguments", c.arguments}}}});
          message["content"] = parsed.content.empty() ? json(nullptr) : json(parsed.content);
          message["tool_calls"] = calls;
          // A named tool_choice finishes with "stop", as OpenAI's does.
          if (reason == "stop" && !request_.named_tool_choice) reason = "tool_calls";
        } else {
          message["content"] = parsed.content;
        }
      }
      json logprobs = nullptr;
      if (request_.prompts[0].config.logprobs) {
        json content = json::array();
        for (const llm::SampledToken& t : s.logprobs) content.push_back(logprobs_entry(t));
        logprobs = {{"content", content}};
      }
      choices.push_back({{"index", i}, {"message", message}, {"logprobs", logprobs}, {"finish_reason", reason}});
    }
    return {{"id", id_},        {"object", "chat.completion"}, {"created", created_},         {"model", model_},
            {"choices", choices}, {"usage", usage(results)},      {"timings", timings(results)}, {"system_fingerprint", "openarc"}};
  }

 private:
  llm::ToolStream& stream_of(int64_t index) {
    size_t i = static_cast<size_t>(index);
    while (streams_.size() <= i) {
      streams_.push_back(std::make_unique<llm::ToolStream>(*parser_, tools_, llm::ToolCallIds(ids_.next_seed()),
                                                           llm::CallStreaming::arguments));
      called_.push_back(false);
    }
    return *streams_[i];
  }

  // The chunks of one choice's delta. Without parallel_tool_calls only the call of index 0 is kept.
  std::vector<json> delta_chunks(int64_t index, llm::MessageDelta d, json logprobs) {
    std::vector<json> out;
    auto choice = [&](json delta) {
      return json{{"index", index}, {"delta", std::move(delta)}, {"logprobs", nullptr}, {"finish_reason", nullptr}};
    };
    json delta = json::object();
    if (!d.reasoning_content.empty()) delta["reasoning_content"] = d.reasoning_content;
    if (!d.content.empty()) delta["content"] = d.content;
    if (!delta.empty() || !logprobs.is_null()) {
      json c = choice(std::move(delta));
      c["logprobs"] = std::move(logprobs);
      out.push_back(chunk(json::array({std::move(c)})));
    }
    for (const llm::ToolCallDelta& t : d.tool_calls) {
      if (!request_.parallel_tool_calls && t.index > 0) continue;
      if (t.opens()) {
        called_[static_cast<size_t>(index)] = true;
        json call = {{"index", t.index}, {"id", t.id}, {"type", "function"}, {"function", {{"name", t.name}, {"arguments", ""}}}};
        out.push_back(chunk(json::array({choice({{"tool_calls", json::array({call})}})})));
      }
      if (!t.arguments.empty()) {
        json call = {{"index", t.index}, {"function", {{"arguments", t.arguments}}}};
        out.push_back(chunk(json::array({choice({{"tool_calls", json::array({call})}})})));
      }
    }
    return out;
  }

  const llm::ToolParser* parser_ = nullptr;
  llm::ToolSet tools_;
  llm::ToolCallIds ids_;
  std::vector<std::unique_ptr<llm::ToolStream>> streams_;
  std::vector<bool> called_;
};

class CompletionFormat : public Base {
 public:
  CompletionFormat(const ParsedRequest& r, std::string model, const tokenizer::Tokenizer& tok) : Base(r, std::move(model), tok) {
    id_ = random_id("cmpl-");
  }

  // Choice index over all prompts: prompt i's sample k is choice i * n + k.
  int64_t choice_index(size_t prompt, int64_t sample) const { return static_cast<int64_t>(prompt) * request_.prompts[0].config.n + sample; }

  json chunk(json choices) const {
    json c = {{"id", id_}, {"object", "text_completion"}, {"created", created_}, {"model", model_},
              {"system_fingerprint", "openarc"}, {"choices", std::move(choices)}};
    if (request_.include_usage) c["usage"] = nullptr;
    return c;
  }

  json logprobs_of(const std::vector<llm::SampledToken>& tokens, size_t text_offset) const {
    json toks = json::array(), lps = json::array(), tops = json::array(), offsets = json::array();
    for (const llm::SampledToken& t : tokens) {
      std::string p = piece(t.token);
      toks.push_back(p);
      lps.push_back(t.logprob);
      json top = json::object();
      for (const llm::TokenLogprob& alt : t.top_logprobs) top[piece(alt.token)] = alt.logprob;
      tops.push_back(top);
      offsets.push_back(text_offset);
      text_offset += p.size();
    }
    return {{"tokens", toks}, {"token_logprobs", lps}, {"top_logprobs", tops}, {"text_offset", offsets}};
  }

  std::vector<json> start(int64_t) override {
    std::vector<json> out;
    if (request_.echo) {
      for (size_t i = 0; i < prompt_texts_.size(); ++i)
        out.push_back(chunk(json::array({{{"index", choice_index(i, 0)}, {"text", prompt_texts_[i]}, {"logprobs", nullptr}, {"finish_reason", nullptr}}})));
    }
    return out;
  }
  void set_prompt_texts(std::vector<std::string> t) { prompt_texts_ = std::move(t); }

  json event(size_t prompt_index, const llm::StreamEvent& ev) override {
    bool want_logprobs = ev.token && request_.prompts[0].config.logprobs;
    if (ev.text.empty() && !want_logprobs) return nullptr;
    json lp = want_logprobs ? logprobs_of({*ev.token}, 0) : json(nullptr);
    return chunk(json::array({{{"index", choice_index(prompt_index, ev.index)}, {"text", ev.text}, {"logprobs", lp}, {"finish_reason", nullptr}}}));
  }

  std::vector<json> finish(const std::vector<llm::GenerationResult>& results) override {
    json choices = json::array();
    for (size_t p = 0; p < results.size(); ++p)
      for (size_t i = 0; i < results[p].sequences.size(); ++i)
        choices.push_back({{"index", choice_index(p, static_cast<int64_t>(i))}, {"text", ""}, {"logprobs", nullptr},
                           {"finish_reason", finish_name(results[p].sequences[i].finish_reason)}});
    return closing(chunk(choices), chunk(json::array()), results);
  }

  json body(const std::vector<llm::GenerationResult>& results) override {
    json choices = json::array();
    for (size_t p = 0; p < results.size(); ++p) {
      for (size_t i = 0; i < results[p].sequences.size(); ++i) {
        const llm::SequenceResult& s = results[p].sequences[i];
        std::string prefix = request_.echo ? results[p].prompt_text : "";
        json lp = request_.prompts[0].config.logprobs ? logprobs_of(s.logprobs, prefix.size()) : json(nullptr);
        choices.push_back({{"index", choice_index(p, static_cast<int64_t>(i))}, {"text", prefix + s.raw_text},
                           {"logprobs", lp}, {"finish_reason", finish_name(s.finish_reason)}});
      }
    }
    return {{"id", id_}, {"object", "text_completion"}, {"created", created_}, {"model", model_},
            {"choices", choices}, {"usage", usage(results)}, {"timings", timings(results)}, {"system_fingerprint", "openarc"}};
  }

 private:
  std::vector<std::string> prompt_texts_;
};

class OptimumFormat : public Base {
 public:
  using Base::Base;
  std::vector<json> start(int64_t) override { return {}; }
  json event(size_t, const llm::StreamEvent& ev) override {
    if (ev.text.empty() && ev.reasoning.empty()) return nullptr;
    json c = {{"text", ev.text}};
    if (!ev.reasoning.empty()) c["reasoning"] = ev.reasoning;
    if (ev.index) c["index"] = ev.index;
    return c;
  }
  std::vector<json> finish(const std::vector<llm::GenerationResult>& results) override {
    json last = body(results);
    last["done"] = true;
    return {last};
  }
  json body(const std::vector<llm::GenerationResult>& results) override {
    const llm::GenerationResult& r = results.front();
    const llm::SequenceResult& s = r.sequences.front();
    json out = {{"model", model_},
                {"generated_text", s.text},
                {"reasoning_text", s.reasoning.empty() ? json(nullptr) : json(s.reasoning)},
                {"finish_reason", finish_name(s.finish_reason)},
                {"performance_metrics", r.metrics.performance_metrics_json()}};
    if (r.sequences.size() > 1) {
      json all = json::array();
      for (const auto& seq : r.sequences) all.push_back(seq.text);
      out["generated_texts"] = all;
    }
    return out;
  }
};

}  // namespace

llm::PerfMetrics combined_metrics(const std::vector<llm::GenerationResult>& results) {
  llm::PerfMetrics m = results.front().metrics;
  for (size_t i = 1; i < results.size(); ++i) {
    const llm::PerfMetrics& o = results[i].metrics;
    m.input_tokens += o.input_tokens;
    m.cached_tokens += o.cached_tokens;
    m.output_tokens += o.output_tokens;
    m.prefill_ms += o.prefill_ms;
    m.generation_ms += o.generation_ms;
    m.tokenize_ms += o.tokenize_ms;
    m.speculative = m.speculative || o.speculative;
    m.draft_tokens += o.draft_tokens;
    m.draft_accepted_tokens += o.draft_accepted_tokens;
    // Merge the interval statistics (Chan et al.'s parallel update).
    llm::RunningStats& a = m.token_interval_ms;
    const llm::RunningStats& b = o.token_interval_ms;
    if (b.count) {
      int64_t n = a.count + b.count;
      double delta = b.mean - a.mean;
      a.m2 += b.m2 + delta * delta * static_cast<double>(a.count) * static_cast<double>(b.count) / static_cast<double>(n);
      a.mean += delta * static_cast<double>(b.count) / static_cast<double>(n);
      a.count = n;
    }
  }
  return m;
}

std::unique_ptr<ResponseFormat> make_response_format(ApiKind kind, const ParsedRequest& request,
                                                     const std::string& model_name,
                                                     const tokenizer::Tokenizer& tokenizer,
                                                     const llm::ToolParser* tool_parser) {
  switch (kind) {
    case ApiKind::chat: {
      auto f = std::make_unique<ChatFormat>(request, model_name, tokenizer);
      f->set_tool_parser(tool_parser);
      return f;
    }
    case ApiKind::completion: {
      auto f = std::make_unique<CompletionFormat>(request, model_name, tokenizer);
      std::vector<std::string> texts;
      for (const auto& p : request.prompts) texts.push_back(p.prompt.value_or(""));
      f->set_prompt_texts(texts);
      return f;
    }
    case ApiKind::optimum: return std::make_unique<OptimumFormat>(request, model_name, tokenizer);
  }
  return nullptr;
}

}  // namespace openarc::server
