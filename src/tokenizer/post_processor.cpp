#include "tokenizer/post_processor.h"

#include <map>
#include <string>

#include "core/error.h"
#include "tokenizer/json_reader.h"

namespace openarc::tokenizer {

namespace {

std::vector<TokenId> concat(std::vector<TokenId> a, const std::vector<TokenId>* pair) {
  if (pair) a.insert(a.end(), pair->begin(), pair->end());
  return a;
}

class IdentityProcessor final : public PostProcessor {
 public:
  bool is_identity() const override { return true; }
  std::vector<TokenId> process(std::vector<TokenId> a, const std::vector<TokenId>* pair, bool) const override {
    return concat(std::move(a), pair);
  }
};

// TemplateProcessing: "$A"/"$B" pieces and special tokens (each may stand for several ids).
class TemplateProcessor final : public PostProcessor {
 public:
  struct Item {
    bool is_sequence;
    bool is_b;                    // sequence B (else A)
    std::vector<TokenId> ids;     // for a special token
  };
  TemplateProcessor(std::vector<Item> single, std::vector<Item> pair) : single_(std::move(single)), pair_(std::move(pair)) {}
  std::vector<TokenId> process(std::vector<TokenId> a, const std::vector<TokenId>* b, bool add) const override {
    std::vector<TokenId> out;
    for (const Item& item : b ? pair_ : single_) {
      if (item.is_sequence) {
        const std::vector<TokenId>& seq = item.is_b ? *b : a;
        out.insert(out.end(), seq.begin(), seq.end());
      } else if (add) {
        out.insert(out.end(), item.ids.begin(), item.ids.end());
      }
    }
    return out;
  }

 private:
  std::vector<Item> single_, pair_;
};

// BertProcessing ([CLS] A [SEP] B [SEP]) and RobertaProcessing (<s> A </s></s> B </s>).
class ClsSepProcessor final : public PostProcessor {
 public:
  ClsSepProcessor(TokenId cls, TokenId sep, bool double_sep) : cls_(cls), sep_(sep), double_sep_(double_sep) {}
  std::vector<TokenId> process(std::vector<TokenId> a, const std::vector<TokenId>* b, bool add) const override {
    if (!add) return concat(std::move(a), b);
    std::vector<TokenId> out{cls_};
    out.insert(out.end(), a.begin(), a.end());
    out.push_back(sep_);
    if (b) {
      if (double_sep_) out.push_back(sep_);
      out.insert(out.end(), b->begin(), b->end());
      out.push_back(sep_);
    }
    return out;
  }

 private:
  TokenId cls_, sep_;
  bool double_sep_;
};

class SequenceProcessor final : public PostProcessor {
 public:
  // Identity members (ByteLevel) are dropped so that a pair reaches the template intact.
  explicit SequenceProcessor(std::vector<std::unique_ptr<PostProcessor>> parts) {
    for (auto& p : parts)
      if (!p->is_identity()) parts_.push_back(std::move(p));
  }
  std::vector<TokenId> process(std::vector<TokenId> a, const std::vector<TokenId>* b, bool add) const override {
    // Only the first processor sees a pair; the next ones get the merged result.
    for (size_t i = 0; i < parts_.size(); ++i) {
      a = parts_[i]->process(std::move(a), i == 0 ? b : nullptr, add);
    }
    if (parts_.empty()) return concat(std::move(a), b);
    return a;
  }

 private:
  std::vector<std::unique_ptr<PostProcessor>> parts_;
};

TokenId token_id_of(const JsonAt& pair) {  // ["[CLS]", 101]
  if (pair.size() != 2) pair.fail("expected [token, id]");
  pair[0].str();
  int64_t id = pair[1].integer();
  if (id < 0 || id > INT32_MAX) pair[1].fail("token id out of range");
  return static_cast<TokenId>(id);
}

std::vector<TemplateProcessor::Item> parse_template(const JsonAt& list, const JsonAt& specials) {
  std::vector<TemplateProcessor::Item> items;
  for (size_t i = 0; i < list.size(); ++i) {
    JsonAt piece = list[i];
    if (piece.has("Sequence")) {
      std::string id = piece["Sequence"]["id"].str();
      if (id != "A" && id != "B") piece["Sequence"]["id"].fail("expected \"A\" or \"B\"");
      items.push_back({true, id == "B", {}});
    } else if (piece.has("SpecialToken")) {
      std::string id = piece["SpecialToken"]["id"].str();
      if (!specials.has(id)) piece["SpecialToken"]["id"].fail(cat("\"", id, "\" is not in special_tokens"));
      JsonAt ids = specials[id]["ids"];
      TemplateProcessor::Item item{false, false, {}};
      for (size_t k = 0; k < ids.size(); ++k) {
        int64_t v = ids[k].integer();
        if (v < 0 || v > INT32_MAX) ids[k].fail("token id out of range");
        item.ids.push_back(static_cast<TokenId>(v));
      }
      items.push_back(std::move(item));
    } else {
      piece.fail("expected {\"Sequence\": ...} or {\"SpecialToken\": ...}");
    }
  }
  return items;
}

}  // namespace

std::unique_ptr<PostProcessor> make_post_processor(const JsonAt& j) {
  if (j.is_null()) return nullptr;
  std::string type = j["type"].str();
  if (type == "ByteLevel") return std::make_unique<IdentityProcessor>();
  if (type == "TemplateProcessing") {
    JsonAt specials = j["special_tokens"];
    specials.object();
    return std::make_unique<TemplateProcessor>(parse_template(j["single"], specials), parse_template(j["pair"], specials));
  }
  if (type == "BertProcessing" || type == "RobertaProcessing")
    return std::make_unique<ClsSepProcessor>(token_id_of(j["cls"]), token_id_of(j["sep"]), type == "RobertaProcessing");
  if (type == "Sequence") {
    j.check_depth();
    JsonAt list = j["processors"];
    std::vector<std::unique_ptr<PostProcessor>> parts;
    for (size_t i = 0; i < list.size(); ++i) {
      auto p = make_post_processor(list[i]);
      if (p) parts.push_back(std::move(p));
    }
    return std::make_unique<SequenceProcessor>(std::move(parts));
  }
  j["type"].fail(cat("unsupported post_processor \"", type, "\""));
}

}  // namespace openarc::tokenizer
