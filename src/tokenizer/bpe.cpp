#include "tokenizer/bpe.h"

#include <queue>

#include "core/error.h"
#include "tokenizer/utf8.h"

namespace openarc::tokenizer {

struct Bpe::MergeTable {
  struct Slot {
    uint64_t key = kEmpty;
    uint32_t rank = 0;
    TokenId merged = 0;
  };
  static constexpr uint64_t kEmpty = ~uint64_t{0};
  std::vector<Slot> slots;
  uint64_t mask = 0;

  explicit MergeTable(size_t n) {
    size_t cap = 16;
    while (cap < n * 2) cap <<= 1;
    slots.resize(cap);
    mask = cap - 1;
  }
  static uint64_t key(TokenId a, TokenId b) { return (uint64_t(uint32_t(a)) << 32) | uint32_t(b); }
  static uint64_t hash(uint64_t x) {  // splitmix64 finalizer
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }
  // A later duplicate overwrites an earlier one, as building a map from the list does.
  void insert(uint64_t k, uint32_t rank, TokenId merged) {
    for (uint64_t i = hash(k) & mask;; i = (i + 1) & mask) {
      if (slots[i].key == kEmpty || slots[i].key == k) {
        slots[i] = {k, rank, merged};
        return;
      }
    }
  }
  const Slot* find(TokenId a, TokenId b) const {
    uint64_t k = key(a, b);
    for (uint64_t i = hash(k) & mask;; i = (i + 1) & mask) {
      if (slots[i].key == k) return &slots[i];
      if (slots[i].key == kEmpty) return nullptr;
    }
  }
};

Bpe::Bpe(Vocab vocab, const std::vector<std::pair<std::string, std::string>>& merges, BpeOptions options)
    : vocab_(std::move(vocab)), options_(std::move(options)) {
  TokenId max_id = -1;
  for (const auto& [token, id] : vocab_) {
    if (id < 0) fail("vocab token \"", token, "\" has a negative id ", id);
    max_id = std::max(max_id, id);
  }
  id_to_token_.resize(static_cast<size_t>(max_id + 1));
  has_id_.assign(id_to_token_.size(), false);
  for (const auto& [token, id] : vocab_) {
    id_to_token_[id] = token;
    has_id_[id] = true;
  }
  size_t prefix_len = options_.continuing_subword_prefix ? options_.continuing_subword_prefix->size() : 0;
  auto table = std::make_shared<MergeTable>(merges.size());
  for (size_t rank = 0; rank < merges.size(); ++rank) {
    const auto& [a, b] = merges[rank];
    auto ia = vocab_.find(a), ib = vocab_.find(b);
    if (ia == vocab_.end()) fail("merges[", rank, "]: token \"", a, "\" is not in the vocab");
    if (ib == vocab_.end()) fail("merges[", rank, "]: token \"", b, "\" is not in the vocab");
    // The merged token drops the right part's continuing_subword_prefix.
    std::string merged = a + (prefix_len && b.compare(0, prefix_len, *options_.continuing_subword_prefix) == 0
                                  ? b.substr(prefix_len) : b);
    auto im = vocab_.find(merged);
    if (im == vocab_.end()) fail("merges[", rank, "]: merged token \"", merged, "\" is not in the vocab");
    table->insert(MergeTable::key(ia->second, ib->second), static_cast<uint32_t>(rank), im->second);
  }
  merges_ = std::move(table);
  if (options_.unk_token) {
    auto it = vocab_.find(*options_.unk_token);
    if (it != vocab_.end()) unk_id_ = it->second;
  }
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof(name), "<0x%02X>", b);
    auto it = vocab_.find(std::string_view(name));
    byte_ids_[b] = it == vocab_.end() ? -1 : it->second;
  }
  char_ids_.assign(0x10000, -1);
  for (const auto& [token, id] : vocab_) {
    if (token.empty() || token.size() > 3 || !is_valid_utf8(token)) continue;
    size_t i = 0;
    char32_t c = next_code_point(token, i);
    if (i == token.size() && c < 0x10000) char_ids_[c] = id;
  }
}

std::optional<TokenId> Bpe::token_to_id(std::string_view token) const {
  auto it = vocab_.find(token);
  if (it == vocab_.end()) return std::nullopt;
  return it->second;
}

const std::string* Bpe::id_to_token(TokenId id) const {
  if (id < 0 || static_cast<size_t>(id) >= id_to_token_.size() || !has_id_[id]) return nullptr;
  return &id_to_token_[id];
}

void Bpe::initial_symbols(std::string_view w, std::vector<Symbol>& symbols) const {
  const bool plain = !options_.continuing_subword_prefix && !options_.end_of_word_suffix;
  bool unk = false;  // a pending (possibly fused) unknown of unk_len bytes
  uint32_t unk_len = 0;
  auto add = [&](TokenId id, uint32_t len) {
    int32_t n = static_cast<int32_t>(symbols.size());
    symbols.push_back({id, n - 1, n + 1, len});
  };
  std::string s;
  for (size_t i = 0; i < w.size();) {
    size_t begin = i;
    unsigned char lead = static_cast<unsigned char>(w[i]);
    i += std::min(utf8_length(lead), w.size() - i);
    uint32_t byte_len = static_cast<uint32_t>(i - begin);
    std::string_view ch = w.substr(begin, byte_len);
    TokenId id = -1;
    if (plain && byte_len < 4) {
      size_t k = begin;
      id = char_ids_[next_code_point(w, k)];
      s.assign(ch);
    } else {
      s.clear();
      if (begin != 0 && options_.continuing_subword_prefix) s += *options_.continuing_subword_prefix;
      s += ch;
      if (i == w.size() && options_.end_of_word_suffix) s += *options_.end_of_word_suffix;
      auto it = vocab_.find(std::string_view(s));
      if (it != vocab_.end()) id = it->second;
    }
    if (id >= 0) {
      if (unk) {
        add(*unk_id_, unk_len);
        unk = false;
      }
      add(id, byte_len);
      continue;
    }
    if (options_.byte_fallback) {
      bool all = true;
      for (unsigned char b : s) all &= byte_ids_[b] >= 0;
      if (all) {
        // As in the Rust library, a pending unknown is not flushed before the byte tokens.
        for (unsigned char b : s) add(byte_ids_[b], 1);
        continue;
      }
    }
    if (options_.unk_token) {
      if (!unk_id_) fail("the unk_token \"", *options_.unk_token, "\" is not in the vocab");
      if (unk && options_.fuse_unk) {
        unk_len += byte_len;
      } else {
        if (unk) add(*unk_id_, unk_len);
        unk = true;
        unk_len = byte_len;
      }
    }
  }
  if (unk) add(*unk_id_, unk_len);
  if (!symbols.empty()) symbols.back().next = -1;
}

void Bpe::merge(std::vector<Symbol>& symbols) const {
  struct Candidate {
    uint32_t rank;
    int32_t pos;
    TokenId merged;
    bool operator<(const Candidate& o) const {  // the top of the heap: lowest rank, then leftmost
      return rank != o.rank ? rank > o.rank : pos > o.pos;
    }
  };
  const MergeTable& table = *merges_;
  std::vector<Candidate> heap_storage;
  heap_storage.reserve(symbols.size());
  std::priority_queue<Candidate> queue(std::less<Candidate>(), std::move(heap_storage));
  for (size_t i = 0; i + 1 < symbols.size(); ++i) {
    if (const auto* m = table.find(symbols[i].id, symbols[i + 1].id))
      queue.push({m->rank, static_cast<int32_t>(i), m->merged});
  }
  while (!queue.empty()) {
    Candidate top = queue.top();
    queue.pop();
    Symbol& cur = symbols[top.pos];
    if (cur.len == 0 || cur.next == -1) continue;
    Symbol right = symbols[cur.next];
    // Skip entries made stale by earlier merges.
    const auto* m = table.find(cur.id, right.id);
    if (!m || m->merged != top.merged) continue;
    int32_t right_pos = cur.next;
    cur.id = top.merged;
    cur.len += right.len;
    cur.next = right.next;
    symbols[right_pos].len = 0;
    if (right.next >= 0) symbols[right.next].prev = top.pos;
    if (cur.prev >= 0) {
      if (const auto* p = table.find(symbols[cur.prev].id, cur.id)) queue.push({p->rank, cur.prev, p->merged});
    }
    if (cur.next >= 0) {
      if (const auto* n = table.find(cur.id, symbols[cur.next].id)) queue.push({n->rank, top.pos, n->merged});
    }
  }
}

void Bpe::tokenize(std::string_view piece, std::vector<TokenId>& out) const {
  if (piece.empty()) return;
  if (options_.ignore_merges) {
    auto it = vocab_.find(piece);
    if (it != vocab_.end()) {
      out.push_back(it->second);
      return;
    }
  }
  CacheShard* shard = nullptr;
  if (piece.size() <= kCacheMaxPiece) {
    shard = &cache_[std::hash<std::string_view>{}(piece) % kCacheShards];
    std::lock_guard<std::mutex> lock(shard->mutex);
    auto it = shard->map.find(piece);
    if (it != shard->map.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  thread_local std::vector<Symbol> symbols;
  symbols.clear();
  initial_symbols(piece, symbols);
  if (symbols.size() > 1) merge(symbols);
  size_t first = out.size();
  for (const Symbol& s : symbols)
    if (s.len != 0) out.push_back(s.id);
  if (shard) {
    std::lock_guard<std::mutex> lock(shard->mutex);
    if (shard->map.size() < kCacheShardCapacity)
      shard->map.emplace(std::string(piece), std::vector<TokenId>(out.begin() + first, out.end()));
  }
}

}  // namespace openarc::tokenizer
