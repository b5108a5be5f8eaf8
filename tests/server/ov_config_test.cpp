// ov_config (1.0) and runtime_config (2.x): every key OpenArc's clients send, with values as they
// send them (numeric strings, YES/NO, any case), is taken; every bad key or value is a 400 naming
// the field and what it may be.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "server/api_error.h"
#include "server/ov_config.h"

namespace openarc::server {
namespace {

using nlohmann::json;

llm::PipelineOptions ov_parse(const json& ov, const std::string& field = "ov_config") {
  return pipeline_options(ov, 0, 0, field);
}

// The refusal of `ov`: its param, and its message must mention `mention`.
std::string ov_refusal_param(const json& ov, const std::string& mention, const std::string& field = "ov_config") {
  try {
    ov_parse(ov, field);
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status, 400);
    EXPECT_NE(std::string(e.what()).find(mention), std::string::npos) << e.what();
    return e.param;
  }
  ADD_FAILURE() << "accepted " << ov.dump();
  return "";
}

TEST(OvConfig, TakesOpenArc10sOvConfigAsItsClientsSendIt) {
  // OV_Config's keys, with NUM_STREAMS a string as the pydantic model declares it.
  llm::PipelineOptions o = ov_parse({{"NUM_STREAMS", "1"}, {"PERFORMANCE_HINT", "LATENCY"}, {"PRECISION_HINT", "f32"},
                                     {"ENABLE_HYPER_THREADING", false}, {"INFERENCE_NUM_THREADS", 2},
                                     {"SCHEDULING_CORE_TYPE", "ANY_CORE"}});
  EXPECT_EQ(o.num_streams, 1);
  EXPECT_EQ(o.performance_hint, "LATENCY");
  EXPECT_EQ(o.inference_precision, "f32");
  EXPECT_EQ(o.compile.num_threads, 2);
  EXPECT_EQ(ov_parse({{"PRECISION_HINT", "fp16"}}).inference_precision, "f16");
  EXPECT_EQ(ov_parse({{"PRECISION_HINT", "auto"}}).inference_precision, "f32");
  EXPECT_EQ(ov_parse({{"INFERENCE_PRECISION_HINT", "BF16"}}).inference_precision, "bf16");
  EXPECT_EQ(ov_parse({{"INFERENCE_NUM_THREADS", "3"}}).compile.num_threads, 3);
  EXPECT_EQ(ov_parse({{"INFERENCE_NUM_THREADS", 3.0}}).compile.num_threads, 3);
  EXPECT_EQ(ov_parse({{"NUM_STREAMS", "AUTO"}}).num_streams, 0);
  for (json v : {json(true), json("YES"), json("no"), json("True"), json(1), json("0")}) {
    EXPECT_NO_THROW(ov_parse({{"ENABLE_HYPERTHREADING", v}})) << v;  // the dashboard's spelling
    EXPECT_NO_THROW(ov_parse({{"ENABLE_HYPER_THREADING", v}})) << v;
  }
  EXPECT_NO_THROW(ov_parse({{"SCHEDULING_CORE_TYPE", "pcore_only"}}));
  EXPECT_NO_THROW(ov_parse({{"PERFORMANCE_HINT", nullptr}}));  // unset, as pydantic sends it
}

TEST(OvConfig, RefusesBadValuesNamingTheFieldAndTheChoices) {
  EXPECT_EQ(ov_refusal_param({{"PRECISION_HINT", "int8"}}, "f32, bf16, f16"), "ov_config.PRECISION_HINT");
  EXPECT_EQ(ov_refusal_param({{"SCHEDULING_CORE_TYPE", "BIG"}}, "ANY_CORE, PCORE_ONLY, ECORE_ONLY"),
            "ov_config.SCHEDULING_CORE_TYPE");
  EXPECT_EQ(ov_refusal_param({{"ENABLE_HYPERTHREADING", "maybe"}}, "true or false"), "ov_config.ENABLE_HYPERTHREADING");
  EXPECT_EQ(ov_refusal_param({{"INFERENCE_NUM_THREADS", 2.5}}, "between 0 and 1024"), "ov_config.INFERENCE_NUM_THREADS");
  EXPECT_EQ(ov_refusal_param({{"INFERENCE_NUM_THREADS", "-1"}}, "between 0 and 1024"), "ov_config.INFERENCE_NUM_THREADS");
  EXPECT_EQ(ov_refusal_param({{"NUM_STREAMS", 0}}, "between 1 and 64"), "ov_config.NUM_STREAMS");
  EXPECT_EQ(ov_refusal_param({{"PERFORMANCE_HINT", 3}}, "LATENCY, THROUGHPUT"), "ov_config.PERFORMANCE_HINT");
  EXPECT_EQ(ov_refusal_param({{"TURBO", 1}}, "PRECISION_HINT"), "ov_config.TURBO");
  EXPECT_EQ(ov_refusal_param(json::array(), "must be an object"), "ov_config");
}

TEST(OvConfig, RuntimeConfigTakesTheKeysOf2x) {
  llm::PipelineOptions o = ov_parse({{"KV_CACHE_PRECISION", "u8"}, {"DYNAMIC_QUANTIZATION_GROUP_SIZE", "32"},
                                     {"EXECUTION_MODE_HINT", "ACCURACY"}, {"ATTENTION_BACKEND", "PA"},
                                     {"cache_dir", "/tmp/ov-cache"}, {"num_assistant_tokens", 2}},
                                    "runtime_config");
  EXPECT_EQ(o.compile.kv_cache_precision, ElementType::f16);
  EXPECT_EQ(o.cache_dir, "/tmp/ov-cache");
  EXPECT_EQ(o.speculative_draft, 2);
  EXPECT_EQ(ov_parse(json::object()).speculative_draft, -1);
  EXPECT_EQ(ov_refusal_param({{"num_assistant_tokens", 4}}, "between 0 and 3", "runtime_config"),
            "runtime_config.num_assistant_tokens");
  EXPECT_EQ(ov_refusal_param({{"draft_model_path", "/models/draft"}}, "draft model is not supported", "runtime_config"),
            "runtime_config.draft_model_path");
  EXPECT_NO_THROW(ov_parse({{"draft_model_path", nullptr}}, "runtime_config"));
  EXPECT_EQ(ov_refusal_param({{"ATTENTION_BACKEND", "FLASH"}}, "SDPA, PA", "runtime_config"),
            "runtime_config.ATTENTION_BACKEND");
  EXPECT_EQ(ov_refusal_param({{"EXECUTION_MODE_HINT", "FAST"}}, "PERFORMANCE, ACCURACY", "runtime_config"),
            "runtime_config.EXECUTION_MODE_HINT");
  EXPECT_EQ(ov_refusal_param({{"SPEED", "max"}}, "unknown runtime_config key", "runtime_config"), "runtime_config.SPEED");
}

TEST(OvConfig, KeyListNamesTheOlderSpellings) {
  json keys = ov_config_keys();
  bool found = false;
  for (const json& k : keys)
    if (k["key"] == "INFERENCE_PRECISION_HINT") {
      found = true;
      EXPECT_EQ(k["aliases"], json({"PRECISION_HINT"}));
    }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace openarc::server
