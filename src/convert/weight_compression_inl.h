// Template part of weight_compression.h.
#pragma once

#include <algorithm>
#include <numeric>

namespace openarc::convert {

template <typename Loader>
CompressionPlan plan_compression(const std::vector<WeightUse>& uses, const CompressionOptions& opt, Loader&& load) {
  CompressionPlan plan;
  plan.group_size = opt.group_size;
  switch (opt.format) {
    case WeightFormat::fp32:
    case WeightFormat::fp16:
    case WeightFormat::int8: {
      Precision p = opt.format == WeightFormat::fp32   ? Precision::f32
                    : opt.format == WeightFormat::fp16 ? Precision::f16
                                                       : Precision::int8_asym;
      for (const auto& u : uses) plan.precision[u.name] = p;
      return plan;
    }
    case WeightFormat::int4:
      break;
  }
  Precision primary = opt.sym ? Precision::int4_sym : Precision::int4_asym;
  std::vector<const WeightUse*> eligible;
  for (const auto& u : uses) {
    plan.precision[u.name] = Precision::int8_asym;
    int64_t k = u.shape.back();
    if (u.backup_only) {
      plan.note[u.name] = "embedding / lm_head: backup precision";
    } else if (opt.group_size > 0 && k % opt.group_size != 0) {
      plan.note[u.name] = "in-features " + std::to_string(k) + " not divisible by group size " +
                          std::to_string(opt.group_size) + ": backup precision";
    } else {
      eligible.push_back(&u);
    }
  }
  if (opt.ratio >= 1.0) {
    for (const WeightUse* u : eligible) plan.precision[u->name] = primary;
    return plan;
  }
  // The ratio counts parameters over every weight that could be int4 (NNCF's ratio-defining set).
  std::vector<double> score(eligible.size());
  int64_t total = 0;
  for (size_t i = 0; i < eligible.size(); ++i) {
    score[i] = quantization_error(load(eligible[i]->name), primary, opt.group_size);
    total += shape_size(eligible[i]->shape);
  }
  std::vector<size_t> order(eligible.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return score[a] < score[b]; });
  // Lowest error first; once the next weight would pass the ratio, the rest stay in backup.
  int64_t in4 = 0;
  bool full = false;
  for (size_t i : order) {
    int64_t n = shape_size(eligible[i]->shape);
    full = full || static_cast<double>(in4 + n) > opt.ratio * static_cast<double>(total);
    if (full) {
      plan.note[eligible[i]->name] = "ratio: backup precision";
      continue;
    }
    plan.precision[eligible[i]->name] = primary;
    in4 += n;
  }
  return plan;
}

}  // namespace openarc::convert
