// The load, unload and status routes of both OpenArc dialects, without a model: every refusal a
// load can get before anything loads is a 400 naming the field and what it may be; unload and
// status answer with the fields 1.0's and 2.x's clients read. (tests/e2e/openarc_dialects
// replays the accepted bodies against the real server with the demo model.)
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/version.h"
#include "route_fixture.h"

namespace openarc::server {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::body_of;
using testing::RouteServer;
using testing::status_of;
using testing::TempFolder;

class LoadDialects : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::add_demo_folders(models_.path());
    std::ofstream(models_.path() / "ir-model" / "openvino_config.json") << R"({"dtype": "int4"})";
    std::ofstream(models_.path() / "ir-model" / "openarc.json") << R"({"model_name": "tiny", "model_type": "llm"})";
    ServeOptions o;
    o.models_dir = models_.path().string();
    server_ = std::make_unique<RouteServer>(o);
  }

  // A refused load: its 400 error's param, and the message must mention `mention`.
  std::string load_refusal(const std::string& route, const json& body, const std::string& mention) {
    std::string r = server_->post(route, body.dump());
    EXPECT_EQ(status_of(r), 400) << body.dump() << "\n" << r;
    json err = json::parse(body_of(r))["error"];
    EXPECT_NE(err["message"].get<std::string>().find(mention), std::string::npos) << err.dump();
    return err["param"].is_string() ? err["param"].get<std::string>() : "";
  }
  json v1(json load_config, json ov = json::object()) {
    if (!load_config.contains("id_model")) load_config["id_model"] = "ir-model";
    return {{"load_config", load_config}, {"ov_config", ov}};
  }
  json v2(json fields) {
    json b = {{"model_path", "ir-model"}, {"model_name", "m"}, {"model_type", "llm"}, {"engine", "ovgenai"},
              {"device", "CPU"}, {"runtime_config", json::object()}};
    b.update(fields);
    return b;
  }

  TempFolder models_;
  std::unique_ptr<RouteServer> server_;
};

TEST_F(LoadDialects, OpenArc10RefusalsNameTheFieldAndWhy) {
  const std::string r = "/optimum/model/load";
  EXPECT_EQ(load_refusal(r, v1({{"use_cache", false}}), "only true is allowed"), "load_config.use_cache");
  EXPECT_EQ(load_refusal(r, v1({{"dynamic_shapes", "false"}}), "only true is allowed"), "load_config.dynamic_shapes");
  EXPECT_EQ(load_refusal(r, v1({{"export_model", "perhaps"}}), "true or false"), "load_config.export_model");
  EXPECT_EQ(load_refusal(r, v1({{"eos_token_id", "two"}}), "token id"), "load_config.eos_token_id");
  EXPECT_EQ(load_refusal(r, v1({{"bos_token_id", -1}}), "between 0"), "load_config.bos_token_id");
  EXPECT_EQ(load_refusal(r, v1({{"pad_token_id", 1.5}}), "integer"), "load_config.pad_token_id");
  EXPECT_EQ(load_refusal(r, v1({{"device", "NPU"}}), "available devices: CPU"), "load_config.device");
  EXPECT_EQ(load_refusal(r, v1({{"id_model", "stories-hf"}}), "export_model"), "load_config.id_model");
  EXPECT_EQ(load_refusal(r, v1({{"id_model", 7}}), "must be a string"), "load_config.id_model");
  EXPECT_EQ(load_refusal(r, {{"load_config", json::object()}}, "is required"), "load_config.id_model");
  EXPECT_EQ(load_refusal(r, v1({}, {{"PRECISION_HINT", "int8"}}), "f32, bf16, f16"), "ov_config.PRECISION_HINT");
  EXPECT_EQ(load_refusal(r, {{"load_config", "ir-model"}}, "must be an object"), "load_config");
}

TEST_F(LoadDialects, OpenArc2xRefusalsNameTheFieldAndTheAllowedValues) {
  const std::string r = "/openarc/load";
  EXPECT_EQ(load_refusal(r, v2({{"model_type", "vlm"}}), "supported: llm"), "model_type");
  EXPECT_EQ(load_refusal(r, v2({{"model_type", "diffusion"}}), "supported: llm"), "model_type");
  EXPECT_EQ(load_refusal(r, v2({{"engine", "tensorrt"}}), "ovgenai, optimum, openvino"), "engine");
  EXPECT_EQ(load_refusal(r, v2({{"model_path", nullptr}}), "is required"), "model_path");
  EXPECT_EQ(load_refusal(r, v2({{"model_path", "stories-hf"}}), "Hugging Face folder"), "model_path");
  EXPECT_EQ(load_refusal(r, v2({{"model_path", "nowhere"}}), "nowhere"), "model_path");
  EXPECT_EQ(load_refusal(r, v2({{"draft_model_path", "ir-model"}}), "draft model is not supported"), "draft_model_path");
  EXPECT_EQ(load_refusal(r, v2({{"num_assistant_tokens", 9}}), "between 0 and 3"), "num_assistant_tokens");
  EXPECT_EQ(load_refusal(r, v2({{"assistant_confidence_threshold", 0.4}}), "not supported"),
            "assistant_confidence_threshold");
  EXPECT_EQ(load_refusal(r, v2({{"runtime_config", {{"TURBO", true}}}}), "unknown runtime_config key"),
            "runtime_config.TURBO");
  EXPECT_EQ(load_refusal(r, v2({{"runtime_config", {{"draft_model_path", "x"}}}}), "draft model is not supported"),
            "runtime_config.draft_model_path");
  EXPECT_EQ(load_refusal(r, v2({{"runtime_config", "LATENCY"}}), "must be an object"), "runtime_config");
  EXPECT_EQ(load_refusal(r, v2({{"model_name", ""}}), "must not be empty"), "model_name");
}

TEST_F(LoadDialects, UnloadAndStatusWithNothingLoaded) {
  std::string r = server_->post("/optimum/model/unload", "");
  EXPECT_EQ(status_of(r), 200);
  EXPECT_EQ(json::parse(body_of(r))["message"], "No model was loaded");
  EXPECT_EQ(status_of(server_->post("/openarc/unload", json{{"model_name", "m"}}.dump())), 404);
  json s = json::parse(body_of(server_->get("/openarc/status")));
  EXPECT_EQ(s["status"], "no_model");
  EXPECT_TRUE(s["id_model"].is_null());
  EXPECT_EQ(s["total_loaded_models"], 0);
  EXPECT_EQ(s["openai_model_names"], json::array());
  EXPECT_EQ(s["models"], json::array());
}

TEST_F(LoadDialects, ModelsVersionAndMetrics) {
  json models = json::parse(body_of(server_->get("/openarc/models")))["models"];
  ASSERT_EQ(models.size(), 2u) << models.dump();
  EXPECT_EQ(models[0]["id"], "ir-model");
  EXPECT_EQ(models[0]["model_name"], "tiny");  // from its openarc.json
  EXPECT_EQ(models[0]["weight_format"], "int4");
  EXPECT_EQ(models[0]["has_config"], true);
  EXPECT_EQ(models[0]["config"]["model_type"], "llm");
  EXPECT_EQ(models[1]["id"], "stories-hf");
  EXPECT_EQ(models[1]["kind"], "hf");
  EXPECT_EQ(models[1]["architecture"], "LlamaForCausalLM");
  EXPECT_EQ(models[1]["weight_format"], "fp32");
  EXPECT_EQ(models[1]["has_config"], false);
  EXPECT_GT(models[1]["bytes"].get<int64_t>(), 1000);

  EXPECT_EQ(json::parse(body_of(server_->get("/openarc/version")))["version"], kVersion);
  json m = json::parse(body_of(server_->get("/openarc/metrics")));
  EXPECT_GT(m["total_ram"].get<int64_t>(), 0);
  EXPECT_GE(m["total_ram"].get<int64_t>(), m["used_ram"].get<int64_t>());
  EXPECT_GE(m["cpus"][0]["threads"].get<int64_t>(), 1);
  double usage = m["cpus"][0]["usage"];
  EXPECT_TRUE(usage >= 0 && usage <= 100) << usage;
}

}  // namespace
}  // namespace openarc::server
