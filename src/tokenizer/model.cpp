#include "tokenizer/model.h"

#include "core/error.h"
#include "tokenizer/bpe.h"
#include "tokenizer/json_reader.h"

namespace openarc::tokenizer {

namespace {

std::optional<std::string> optional_string(const JsonAt& j, std::string_view key) {
  if (!j.has(key)) return std::nullopt;
  return j[key].str();
}

std::unique_ptr<Model> make_bpe(const JsonAt& j) {
  JsonAt vocab_json = j["vocab"];
  Vocab vocab;
  vocab.reserve(vocab_json.object().size());
  for (const auto& [token, id] : vocab_json.object().items()) {
    if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() > INT32_MAX)
      vocab_json[token].fail("expected a token id (a non-negative integer)");
    vocab.emplace(token, static_cast<TokenId>(id.get<int64_t>()));
  }
  JsonAt merges_json = j["merges"];
  std::vector<std::pair<std::string, std::string>> merges;
  merges.reserve(merges_json.size());
  for (size_t i = 0; i < merges_json.size(); ++i) {
    const nlohmann::json& m = merges_json.value()[i];
    if (m.is_string()) {
      // "a b": exactly one space separates the two parts.
      const std::string& s = m.get_ref<const std::string&>();
      size_t sp = s.find(' ');
      if (sp == std::string::npos || s.find(' ', sp + 1) != std::string::npos)
        merges_json[i].fail("expected a merge \"left right\" with exactly one space");
      merges.emplace_back(s.substr(0, sp), s.substr(sp + 1));
    } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
      merges.emplace_back(m[0].get<std::string>(), m[1].get<std::string>());
    } else {
      merges_json[i].fail("expected a merge as \"left right\" or [\"left\", \"right\"]");
    }
  }
  BpeOptions options;
  options.unk_token = optional_string(j, "unk_token");
  options.continuing_subword_prefix = optional_string(j, "continuing_subword_prefix");
  options.end_of_word_suffix = optional_string(j, "end_of_word_suffix");
  // An empty prefix/suffix is the same as none.
  if (options.continuing_subword_prefix && options.continuing_subword_prefix->empty()) options.continuing_subword_prefix.reset();
  if (options.end_of_word_suffix && options.end_of_word_suffix->empty()) options.end_of_word_suffix.reset();
  options.fuse_unk = j.bool_or("fuse_unk", false);
  options.byte_fallback = j.bool_or("byte_fallback", false);
  options.ignore_merges = j.bool_or("ignore_merges", false);
  // dropout only randomizes training; inference is deterministic BPE, so it is ignored.
  try {
    return std::make_unique<Bpe>(std::move(vocab), merges, std::move(options));
  } catch (const Error& e) {
    j.fail(e.what());
  }
}

}  // namespace

std::unique_ptr<Model> make_model(const JsonAt& j) {
  // Old files have no "type"; a BPE model is recognised by its merges.
  std::string type = j.has("type") ? j["type"].str() : (j.has("merges") ? "BPE" : "");
  if (type == "BPE") return make_bpe(j);
  if (type.empty()) j.fail("the model has no \"type\"");
  j["type"].fail(cat("unsupported model \"", type, "\" (supported: BPE)"));
}

}  // namespace openarc::tokenizer
