// `openarc tokenize --model DIR [--decode]`: the model's tokenizer over JSON lines on stdin.
//   encode: {"text": "...", "add_special_tokens": true}          -> {"ids": [...]}
//   decode: {"ids": [...], "skip_special_tokens": false}         -> {"text": "..."}
// add_special_tokens defaults to true, skip_special_tokens to false; a decode line may also set
// "clean_up_tokenization_spaces" (default: tokenizer_config.json's). A bad line gets
// {"error": "..."} and the next line is still served.
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "core/error.h"
#include "tokenizer/tokenizer.h"

namespace openarc::cli {
namespace {

using tokenizer::TokenId;
using tokenizer::Tokenizer;

bool flag(const nlohmann::json& request, const char* key, bool def) {
  auto it = request.find(key);
  if (it == request.end() || it->is_null()) return def;
  if (!it->is_boolean()) fail("\"", key, "\" must be true or false");
  return it->get<bool>();
}

nlohmann::json encode_line(const Tokenizer& tok, const nlohmann::json& request) {
  auto it = request.find("text");
  if (it == request.end() || !it->is_string()) fail("\"text\" must be a string");
  return {{"ids", tok.encode(it->get_ref<const std::string&>(), flag(request, "add_special_tokens", true))}};
}

nlohmann::json decode_line(const Tokenizer& tok, const nlohmann::json& request) {
  auto it = request.find("ids");
  if (it == request.end() || !it->is_array()) fail("\"ids\" must be an array of token ids");
  std::vector<TokenId> ids;
  ids.reserve(it->size());
  for (size_t i = 0; i < it->size(); ++i) {
    const auto& v = (*it)[i];
    if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > INT32_MAX)
      fail("\"ids\"[", i, "] must be a token id (a non-negative integer)");
    ids.push_back(static_cast<TokenId>(v.get<int64_t>()));
  }
  std::optional<bool> clean;
  if (request.contains("clean_up_tokenization_spaces") && !request["clean_up_tokenization_spaces"].is_null())
    clean = flag(request, "clean_up_tokenization_spaces", false);
  return {{"text", tok.decode(ids, flag(request, "skip_special_tokens", false), clean)}};
}

void run(const std::string& model_dir, bool decode) {
  Tokenizer tok = Tokenizer::load(model_dir);
  std::string line;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    nlohmann::json reply;
    try {
      nlohmann::json request = nlohmann::json::parse(line);
      if (!request.is_object()) fail("each line must be a JSON object");
      reply = decode ? decode_line(tok, request) : encode_line(tok, request);
    } catch (const nlohmann::json::exception& e) {
      reply = {{"error", cat("invalid JSON: ", e.what())}};
    } catch (const Error& e) {
      reply = {{"error", e.what()}};
    }
    std::cout << reply.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n" << std::flush;
  }
}

}  // namespace

void add_tokenize_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("tokenize", "Encode text or decode ids with a model's tokenizer (JSON lines on stdin)");
  auto model = std::make_shared<std::string>();
  auto decode = std::make_shared<bool>(false);
  cmd->add_option("--model", *model, "Model folder with tokenizer.json (and tokenizer_config.json)")->required();
  cmd->add_flag("--decode", *decode, "Read {\"ids\": [...]} lines and write {\"text\": ...}");
  cmd->callback([model, decode]() { run(*model, *decode); });
}

}  // namespace openarc::cli
