// KvAttention, formed by graph/fuse_kv_attention.cpp from the stateful attention block of every
// export (ir-inventory.md 3.7):
//   past = ReadValue(var) [-> Gather(., beam_idx, 0)];  k_all = Concat(past, k_new, axis -2);
//   Assign(k_all, var);  [GQA: Reshape(Broadcast(Unsqueeze(k_all, 2)))];  the same for v;
//   out = ScaledDotProductAttention(q, k, v, mask[, scale])
// as one op that appends k_new / v_new to KV caches kept in place (ops/kv_cache.h) and attends
// from q's H heads to the caches' Hkv heads directly (head h reads kv head h / (H / Hkv)), so
// neither the Concat nor the GQA repeat copies the cache on each step.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ops/kv_cache.h"
#include "ops/op.h"

namespace openarc::ops {

class KvAttention : public Op {
 public:
  // Inputs: q [B,H,S,D], k_new [B,Hkv,S,D], v_new [B,Hkv,S,Dv], then beam_idx [B] when has_beam,
  // then the mask (float: added; boolean: true attends) broadcastable to [B,H,S,T] when has_mask,
  // then the scale (scalar) when has_scale (else 1/sqrt(D)). causal: SDPA's attribute.
  KvAttention(std::string key_variable, std::string value_variable, bool has_beam, bool has_mask, bool has_scale,
              bool causal);

  const std::string& key_variable() const { return key_var_; }
  const std::string& value_variable() const { return value_var_; }

  std::vector<OutputInfo> infer(const std::vector<InputInfo>& in) const override;
  bool fills_output() const override { return true; }
  // Needs the caches: the runtime calls run() instead.
  void evaluate(const std::vector<Tensor>& in, std::vector<Tensor>& out) const override;
  void run(const std::vector<Tensor>& in, Tensor& out, KvCache& keys, KvCache& values) const;

 private:
  std::string key_var_, value_var_;
  bool has_beam_, has_mask_, has_scale_, causal_;
};

}  // namespace openarc::ops
