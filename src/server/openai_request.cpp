#include "server/openai_request.h"

#include "core/error.h"
#include "llm/generation_config_json.h"
#include "llm/tool_parser.h"
#include "server/api_error.h"

namespace openarc::server {
namespace {

using nlohmann::json;

bool bool_field(const json& body, const char* key, bool def) {
  const json* v = request_field(body, key);
  if (!v) return def;
  if (!v->is_boolean()) throw bad_request(std::string("'") + key + "' must be a boolean", key);
  return v->get<bool>();
}

// Settings: model defaults, then what the body names; SettingError becomes a 400 naming it.
llm::GenerationConfig settings(const json& body, const llm::GenerationConfig& defaults, const RequestLimits& limits) {
  llm::GenerationConfig c = defaults;
  try {
    llm::apply_request_json(c, body);
    // An OpenAI client asking for a temperature means sampling, even when the model's
    // generation_config.json says do_sample false.
    if (!body.contains("do_sample") && body.contains("temperature") && body["temperature"].is_number() &&
        body["temperature"].get<double>() > 0)
      c.do_sample = true;
    c.validate();
  } catch (const llm::SettingError& e) {
    throw bad_request(e.what(), e.setting());
  }
  if (limits.max_tokens > 0 && c.max_new_tokens > limits.max_tokens)
    throw bad_request("max_tokens is " + std::to_string(c.max_new_tokens) + ", the server's limit is " +
                          std::to_string(limits.max_tokens),
                      "max_tokens");
  return c;
}

// response_format, grammar and json_schema are read by apply_structured_output (structured_output.h).
void check_unsupported(const json& body) {
  if (const json* s = request_field(body, "suffix"); s && !(s->is_string() && s->get<std::string>().empty()))
    throw bad_request("suffix is not supported", "suffix");
  if (const json* b = request_field(body, "best_of"); b && !(b->is_number_integer() && b->get<int64_t>() == 1))
    throw bad_request("best_of other than 1 is not supported", "best_of");
}

struct ToolChoice {
  std::string mode;  // auto, none, required, function
  std::string name;  // function
};

// tool_choice: "auto" (the default with tools), "none", "required" or a named function; the last
// two are enforced by a grammar of the model's call format (llm/tool_call_grammar.h).
ToolChoice tool_choice(const json& body, const nlohmann::ordered_json& tools) {
  const json* tc = request_field(body, "tool_choice");
  const bool has_tools = !tools.is_null();
  if (!tc) return {has_tools ? "auto" : "none", ""};
  if (tc->is_string()) {
    std::string v = *tc;
    if (v == "auto" || v == "none") return {v, ""};
    if (v == "required") {
      if (!has_tools) throw bad_request("tool_choice \"required\" needs tools", "tool_choice");
      return {v, ""};
    }
    throw bad_request("tool_choice '" + v + "' is not one of \"auto\", \"none\", \"required\" or a named function",
                      "tool_choice");
  }
  if (tc->is_object()) {
    const json* fn = request_field(*tc, "function");
    std::string type = tc->contains("type") && (*tc)["type"].is_string() ? (*tc)["type"].get<std::string>() : "";
    if (type != "function" || !fn || !fn->is_object() || !fn->contains("name") || !(*fn)["name"].is_string())
      throw bad_request("tool_choice must be \"auto\", \"none\", \"required\" or {\"type\": \"function\", "
                        "\"function\": {\"name\": ...}}",
                        "tool_choice");
    const std::string name = (*fn)["name"];
    bool declared = false;
    if (has_tools)
      for (const auto& t : tools) declared = declared || (t.contains("function") && t["function"].value("name", "") == name);
    if (!declared) throw bad_request("tool_choice names the function '" + name + "', which is not in tools", "tool_choice");
    return {"function", name};
  }
  throw bad_request("tool_choice must be a string or an object", "tool_choice");
}

// A message's content as the chat templates expect it: a string (text parts joined), or null.
json normalize_content(const json& content, size_t index) {
  std::string where = "messages[" + std::to_string(index) + "].content";
  if (content.is_null() || content.is_string()) return content;
  if (!content.is_array()) throw bad_request(where + " must be a string or an array of content parts", where);
  std::string text;
  for (size_t k = 0; k < content.size(); ++k) {
    const json& part = content[k];
    std::string p = where + "[" + std::to_string(k) + "]";
    if (!part.is_object() || !part.contains("type") || !part["type"].is_string())
      throw bad_request(p + " must be an object with a \"type\"", p);
    std::string type = part["type"];
    if (type != "text" && type != "input_text")
      throw bad_request(p + " has type '" + type + "'; this server takes text parts only", p);
    if (!part.contains("text") || !part["text"].is_string()) throw bad_request(p + ".text must be a string", p);
    text += part["text"].get<std::string>();
  }
  return text;
}

nlohmann::ordered_json parse_messages(const json& messages, const RequestLimits& limits, const char* key) {
  if (!messages.is_array()) throw bad_request(std::string("'") + key + "' must be an array of messages", key);
  if (messages.empty()) throw bad_request(std::string("'") + key + "' must hold at least one message", key);
  if (limits.max_messages > 0 && static_cast<int64_t>(messages.size()) > limits.max_messages)
    throw bad_request(std::string("'") + key + "' holds " + std::to_string(messages.size()) +
                          " messages, the limit is " + std::to_string(limits.max_messages),
                      key);
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (size_t i = 0; i < messages.size(); ++i) {
    const json& m = messages[i];
    std::string where = std::string(key) + "[" + std::to_string(i) + "]";
    if (!m.is_object()) throw bad_request(where + " must be an object", where);
    if (!m.contains("role") || !m["role"].is_string() || m["role"].get<std::string>().empty())
      throw bad_request(where + ".role must be a non-empty string", where + ".role");
    std::string role = m["role"];
    static const char* kRoles[] = {"system", "developer", "user", "assistant", "tool", "function", "ipython"};
    bool known = false;
    for (const char* r : kRoles) known = known || role == r;
    if (!known)
      throw bad_request(where + ".role '" + role + "' is not one of system, developer, user, assistant, tool",
                        where + ".role");
    nlohmann::ordered_json msg = nlohmann::ordered_json::parse(m.dump());
    if (m.contains("content")) msg["content"] = normalize_content(m["content"], i);
    else if (role != "assistant") throw bad_request(where + ".content is required", where + ".content");
    else msg["content"] = nullptr;
    // Tool-call arguments arrive as JSON text; templates expect a mapping (and print it with tojson).
    if (msg.contains("tool_calls") && msg["tool_calls"].is_array()) {
      for (auto& call : msg["tool_calls"]) {
        if (call.is_object() && call.contains("function") && call["function"].is_object() &&
            call["function"].contains("arguments") && call["function"]["arguments"].is_string()) {
          auto parsed = nlohmann::ordered_json::parse(call["function"]["arguments"].get<std::string>(), nullptr, false);
          if (!parsed.is_discarded() && parsed.is_object()) call["function"]["arguments"] = parsed;
        }
      }
    }
    out.push_back(std::move(msg));
  }
  return out;
}

void parse_common(const json& body, ParsedRequest& r) {
  r.model = model_field(body);
  r.stream = bool_field(body, "stream", false);
  if (const json* so = request_field(body, "stream_options")) {
    if (!so->is_object()) throw bad_request("'stream_options' must be an object", "stream_options");
    r.include_usage = bool_field(*so, "include_usage", false);
  }
}

}  // namespace

json parse_body(const std::string& body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded()) throw bad_request("the request body is not valid JSON");
  if (!j.is_object()) throw bad_request("the request body must be a JSON object");
  return j;
}

std::string model_field(const json& body, const char* key) {
  const json* m = request_field(body, key);
  if (!m) return "";
  if (!m->is_string()) throw bad_request(std::string("'") + key + "' must be a string", key);
  return m->get<std::string>();
}

ParsedRequest parse_chat_request(const json& body, const llm::GenerationConfig& defaults, const RequestLimits& limits) {
  ParsedRequest r;
  parse_common(body, r);
  check_unsupported(body);
  const json* messages = request_field(body, "messages");
  if (!messages) throw bad_request("'messages' is required", "messages");
  llm::GenerationRequest g;
  g.messages = parse_messages(*messages, limits, "messages");
  if (const json* tools = request_field(body, "tools")) {
    if (!tools->is_array()) throw bad_request("'tools' must be an array", "tools");
    if (!tools->empty()) g.tools = nlohmann::ordered_json::parse(tools->dump());
    try {
      llm::ToolSet check(g.tools.is_null() ? nlohmann::ordered_json::array() : g.tools);
    } catch (const Error& e) {
      throw bad_request(e.what(), "tools");
    }
  }
  const ToolChoice choice = tool_choice(body, g.tools);
  if (choice.mode == "none") g.tools = nullptr;
  r.parse_tool_calls = !g.tools.is_null();
  g.keep_tool_markers = r.parse_tool_calls;
  r.parallel_tool_calls = bool_field(body, "parallel_tool_calls", true);
  g.parallel_tool_calls = r.parallel_tool_calls;
  if (choice.mode == "required" || choice.mode == "function") {
    g.forced_tool_call = llm::ForcedToolCall{choice.name, r.parallel_tool_calls && choice.mode == "required"};
    r.named_tool_choice = choice.mode == "function";
  }
  if (const json* kw = request_field(body, "chat_template_kwargs")) {
    if (!kw->is_object()) throw bad_request("'chat_template_kwargs' must be an object", "chat_template_kwargs");
    g.template_kwargs = nlohmann::ordered_json::parse(kw->dump());
  }
  if (const json* rf = request_field(body, "reasoning_effort"); rf && rf->is_string())
    g.template_kwargs["reasoning_effort"] = rf->get<std::string>();
  g.add_generation_prompt = bool_field(body, "add_generation_prompt", true);
  g.config = settings(body, defaults, limits);
  // OpenAI's logprobs is a boolean here; top_logprobs needs it.
  if (g.config.top_logprobs > 0 && !g.config.logprobs)
    throw bad_request("top_logprobs needs logprobs set to true", "top_logprobs");
  r.prompts.push_back(std::move(g));
  return r;
}

ParsedRequest parse_completion_request(const json& body, const llm::GenerationConfig& defaults,
                                       const RequestLimits& limits) {
  ParsedRequest r;
  parse_common(body, r);
  check_unsupported(body);
  r.echo = bool_field(body, "echo", false);
  // Completions' logprobs is an integer: how many alternatives per token (0 = just the token).
  json settings_body = body;
  if (const json* lp = request_field(body, "logprobs")) {
    if (lp->is_number_integer()) {
      r.logprobs_top = lp->get<int64_t>();
      if (r.logprobs_top < 0 || r.logprobs_top > 20) throw bad_request("'logprobs' must be between 0 and 20", "logprobs");
      settings_body["logprobs"] = true;
      settings_body["top_logprobs"] = r.logprobs_top;
    } else if (!lp->is_boolean()) {
      throw bad_request("'logprobs' must be an integer", "logprobs");
    }
  }
  llm::GenerationConfig config = settings(settings_body, defaults, limits);
  const json* prompt = request_field(body, "prompt");
  if (!prompt) throw bad_request("'prompt' is required", "prompt");
  auto add_text = [&](const std::string& text) {
    llm::GenerationRequest g;
    g.prompt = text;
    g.config = config;
    r.prompts.push_back(std::move(g));
  };
  auto ids_of = [&](const json& arr) {
    std::vector<int64_t> ids;
    for (const json& v : arr) {
      if (!v.is_number_integer()) throw bad_request("'prompt' token arrays must hold integers", "prompt");
      ids.push_back(v.get<int64_t>());
    }
    llm::GenerationRequest g;
    g.prompt_ids = ids;
    g.config = config;
    r.prompts.push_back(std::move(g));
  };
  if (prompt->is_string()) {
    add_text(prompt->get<std::string>());
  } else if (prompt->is_array() && !prompt->empty() && (*prompt)[0].is_number_integer()) {
    ids_of(*prompt);
  } else if (prompt->is_array() && !prompt->empty()) {
    for (const json& p : *prompt) {
      if (p.is_string()) add_text(p.get<std::string>());
      else if (p.is_array()) ids_of(p);
      else throw bad_request("'prompt' must be a string, an array of strings or of token ids", "prompt");
    }
  } else {
    throw bad_request("'prompt' must be a non-empty string, array of strings or array of token ids", "prompt");
  }
  if (limits.max_messages > 0 && static_cast<int64_t>(r.prompts.size()) > limits.max_messages)
    throw bad_request("too many prompts in one request", "prompt");
  return r;
}

ParsedRequest parse_generate_request(const json& body, const llm::GenerationConfig& defaults,
                                     const RequestLimits& limits) {
  ParsedRequest r;
  parse_common(body, r);
  llm::GenerationRequest g;
  const json* conversation = request_field(body, "conversation");
  if (!conversation) conversation = request_field(body, "messages");
  const json* prompt = request_field(body, "prompt");
  if ((conversation != nullptr) == (prompt != nullptr))
    throw bad_request("give exactly one of 'conversation' and 'prompt'", conversation ? "prompt" : "conversation");
  if (conversation) {
    g.messages = parse_messages(*conversation, limits, "conversation");
  } else {
    if (!prompt->is_string()) throw bad_request("'prompt' must be a string", "prompt");
    g.prompt = prompt->get<std::string>();
  }
  if (const json* tools = request_field(body, "tools"); tools && tools->is_array() && !tools->empty())
    g.tools = nlohmann::ordered_json::parse(tools->dump());
  g.config = settings(body, defaults, limits);
  r.prompts.push_back(std::move(g));
  return r;
}

}  // namespace openarc::server
