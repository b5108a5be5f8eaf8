#include "tokenizer/tokenizer.h"

#include <fstream>
#include <sstream>

#include "core/error.h"
#include "tokenizer/decoder.h"
#include "tokenizer/json_reader.h"
#include "tokenizer/normalizer.h"
#include "tokenizer/post_processor.h"
#include "tokenizer/pre_tokenizer.h"
#include "tokenizer/utf8.h"

namespace openarc::tokenizer {

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot open ", path.string());
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) fail("cannot read ", path.string());
  return s.str();
}

nlohmann::json parse(std::string_view text, const std::string& name) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    fail(name, ": invalid JSON at byte ", e.byte, ": ", e.what());
  }
}

// bos_token and friends are strings or AddedToken objects {"content": ...}.
std::optional<std::string> token_string(const JsonAt& config, std::string_view key) {
  if (!config.has(key)) return std::nullopt;
  JsonAt v = config[key];
  if (v.is_string()) return v.str();
  if (v.is_object()) return v["content"].str();
  v.fail("expected a string or an AddedToken object");
}

TokenizerConfig parse_config(const nlohmann::json& json, const std::string& name) {
  JsonAt c(json, name);
  c.object();
  TokenizerConfig config;
  config.bos_token = token_string(c, "bos_token");
  config.eos_token = token_string(c, "eos_token");
  config.unk_token = token_string(c, "unk_token");
  config.pad_token = token_string(c, "pad_token");
  if (c.has("add_bos_token")) config.add_bos_token = c["add_bos_token"].boolean();
  if (c.has("add_eos_token")) config.add_eos_token = c["add_eos_token"].boolean();
  // transformers' default is true; real configs state it.
  config.clean_up_tokenization_spaces = c.bool_or("clean_up_tokenization_spaces", true);
  config.tokenizer_class = c.str_or("tokenizer_class", "");
  return config;
}

std::vector<AddedToken> parse_added_tokens(const JsonAt& list) {
  std::vector<AddedToken> out;
  for (size_t i = 0; i < list.size(); ++i) {
    JsonAt t = list[i];
    AddedToken a;
    a.content = t["content"].str();
    if (!is_valid_utf8(a.content)) t["content"].fail("not valid UTF-8");
    int64_t id = t["id"].integer();
    if (id < 0 || id > INT32_MAX) t["id"].fail("token id out of range");
    a.id = static_cast<TokenId>(id);
    a.special = t.bool_or("special", false);
    a.lstrip = t.bool_or("lstrip", false);
    a.rstrip = t.bool_or("rstrip", false);
    a.single_word = t.bool_or("single_word", false);
    a.normalized = t.bool_or("normalized", !a.special);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace

Tokenizer::Tokenizer() = default;
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

Tokenizer Tokenizer::load(const std::filesystem::path& dir) {
  std::filesystem::path json_path = dir / "tokenizer.json";
  if (!std::filesystem::exists(json_path)) fail("no tokenizer.json in ", dir.string());
  std::string json = read_file(json_path);
  std::string config;
  std::filesystem::path config_path = dir / "tokenizer_config.json";
  if (std::filesystem::exists(config_path)) config = read_file(config_path);
  return from_json(json, config, json_path.string());
}

Tokenizer Tokenizer::from_json(std::string_view tokenizer_json, std::string_view config_json, std::string_view name) {
  std::string file(name);
  nlohmann::json json = parse(tokenizer_json, file);
  JsonAt root(json, file);
  root.object();
  Tokenizer t;
  if (root.has("truncation")) root["truncation"].fail("truncation is not supported (encode returns every token)");
  if (root.has("padding")) root["padding"].fail("padding is not supported (encode returns every token)");
  t.normalizer_ = root.has("normalizer") ? make_normalizer(root["normalizer"]) : nullptr;
  t.pre_tokenizer_ = root.has("pre_tokenizer") ? make_pre_tokenizer(root["pre_tokenizer"]) : nullptr;
  t.model_ = make_model(root["model"]);
  t.post_processor_ = root.has("post_processor") ? make_post_processor(root["post_processor"]) : nullptr;
  t.decoder_ = root.has("decoder") ? make_decoder(root["decoder"]) : nullptr;
  std::vector<AddedToken> added;
  if (root.has("added_tokens")) added = parse_added_tokens(root["added_tokens"]);
  t.added_ = AddedVocabulary(std::move(added), *t.model_, t.normalizer_.get());
  if (!config_json.empty()) {
    std::filesystem::path config_name = std::filesystem::path(file).parent_path() / "tokenizer_config.json";
    t.config_ = parse_config(parse(config_json, config_name.string()), config_name.string());
  } else {
    t.config_.clean_up_tokenization_spaces = false;  // no config: the Rust library's behaviour
  }
  return t;
}

void Tokenizer::encode_into(std::string_view text, std::vector<TokenId>& out) const {
  std::vector<Piece> pieces;
  for (const Segment& seg : added_.split_raw(text)) {
    if (seg.token) {
      out.push_back(*seg.token);
      continue;
    }
    if (seg.begin == seg.end) continue;
    std::string normalized(text.substr(seg.begin, seg.end - seg.begin));
    if (normalizer_) normalizer_->normalize(normalized);
    for (const Segment& sub : added_.split_normalized(normalized)) {
      if (sub.token) {
        out.push_back(*sub.token);
        continue;
      }
      if (sub.begin == sub.end) continue;
      pieces.clear();
      pieces.push_back({normalized.substr(sub.begin, sub.end - sub.begin), seg.begin == 0 && sub.begin == 0});
      if (pre_tokenizer_) pre_tokenizer_->pre_tokenize(pieces);
      for (const Piece& p : pieces) model_->tokenize(p.text, out);
    }
  }
}

std::vector<TokenId> Tokenizer::encode(std::string_view text, bool add_special_tokens) const {
  std::string repaired;
  if (!is_valid_utf8(text)) {
    repaired = utf8_lossy(text);
    text = repaired;
  }
  std::vector<TokenId> ids;
  encode_into(text, ids);
  if (post_processor_) return post_processor_->process(std::move(ids), nullptr, add_special_tokens);
  return ids;
}

std::vector<TokenId> Tokenizer::encode_pair(std::string_view a, std::string_view b, bool add_special_tokens) const {
  std::string ra = is_valid_utf8(a) ? std::string(a) : utf8_lossy(a);
  std::string rb = is_valid_utf8(b) ? std::string(b) : utf8_lossy(b);
  std::vector<TokenId> ia, ib;
  encode_into(ra, ia);
  encode_into(rb, ib);
  if (post_processor_) return post_processor_->process(std::move(ia), &ib, add_special_tokens);
  ia.insert(ia.end(), ib.begin(), ib.end());
  return ia;
}

std::string Tokenizer::decode_raw(std::span<const TokenId> ids, bool skip_special_tokens, bool at_start) const {
  std::vector<std::string> tokens;
  tokens.reserve(ids.size());
  for (TokenId id : ids) {
    const std::string* t = added_.id_to_token(id);
    if (!t) t = model_->id_to_token(id);
    if (!t) continue;  // the Rust library drops ids it does not know
    if (skip_special_tokens && added_.is_special(*t)) continue;
    tokens.push_back(*t);
  }
  if (!decoder_) {
    std::string out;
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (i || !at_start) out += ' ';
      out += tokens[i];
    }
    return out;
  }
  decoder_->decode_chain(tokens, at_start);
  std::string out;
  for (const std::string& t : tokens) out += t;
  return out;
}

std::string Tokenizer::token_bytes(TokenId id) const {
  const std::string* t = id_to_token(id);
  if (!t) return {};
  if (!decoder_) return " " + *t;  // decode_raw joins a continuation's tokens with spaces
  std::vector<std::string> tokens{*t};
  decoder_->decode_chain_bytes(tokens, false);
  std::string out;
  for (const std::string& piece : tokens) out += piece;
  return out;
}

std::string Tokenizer::decode(std::span<const TokenId> ids, bool skip_special_tokens, std::optional<bool> clean_up) const {
  std::string text = decode_raw(ids, skip_special_tokens, true);
  if (clean_up.value_or(config_.clean_up_tokenization_spaces)) text = clean_up_tokenization(std::move(text));
  return text;
}

bool Tokenizer::streamable_decoder() const { return !decoder_ || decoder_->streamable(); }
bool Tokenizer::joins_byte_runs() const { return decoder_ && decoder_->joins_byte_runs(); }

std::optional<TokenId> Tokenizer::token_to_id(std::string_view token) const {
  if (auto id = added_.token_to_id(token)) return id;
  return model_->token_to_id(token);
}

const std::string* Tokenizer::id_to_token(TokenId id) const {
  if (const std::string* t = added_.id_to_token(id)) return t;
  return model_->id_to_token(id);
}

bool Tokenizer::is_special(TokenId id) const {
  const std::string* t = added_.id_to_token(id);
  return t && added_.is_special(*t);
}

size_t Tokenizer::vocab_size() const {
  size_t n = model_->vocab_size();
  for (const AddedToken& t : added_.tokens()) n = std::max(n, static_cast<size_t>(t.id) + 1);
  return n;
}

std::optional<TokenId> Tokenizer::bos_id() const {
  return config_.bos_token ? token_to_id(*config_.bos_token) : std::nullopt;
}

std::optional<TokenId> Tokenizer::eos_id() const {
  return config_.eos_token ? token_to_id(*config_.eos_token) : std::nullopt;
}

}  // namespace openarc::tokenizer
