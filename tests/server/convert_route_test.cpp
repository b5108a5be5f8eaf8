// POST /openarc/convert: every bad request is a 4xx naming what is wrong, before anything is
// written; a good one streams progress and leaves exactly the finished folder; the server keeps
// serving. GET /openarc/folders lists what the models folder holds.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "route_fixture.h"

namespace openarc::server {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::body_of;
using testing::RouteServer;
using testing::status_of;
using testing::TempFolder;

const fs::path kDemo = fs::path(OPENARC_SOURCE_DIR) / "models" / "stories260K";

json error_member(const std::string& response) { return json::parse(body_of(response))["error"]; }

class ConvertRoute : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::add_demo_folders(models_.path());
    fs::create_directories(models_.path() / "empty");
    ServeOptions o;
    o.models_dir = models_.path().string();
    server_ = std::make_unique<RouteServer>(o);
  }
  void TearDown() override { server_.reset(); }

  // The status and error of a convert request that must fail.
  std::pair<int, json> refused(const json& body) {
    std::string r = server_->post("/openarc/convert", body.dump());
    return {status_of(r), status_of(r) == 200 ? json() : error_member(r)};
  }
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(models_.path())) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  TempFolder models_;
  std::unique_ptr<RouteServer> server_;
};

TEST_F(ConvertRoute, RefusesBadRequestsNamingTheField) {
  struct Case {
    json body;
    int status;
    std::string param, message_part;
  };
  std::vector<Case> cases = {
      {json::object(), 400, "source", "required"},
      {{{"source", 7}}, 400, "source", "must be a string"},
      {{{"source", "missing"}}, 400, "source", "does not exist"},
      {{{"source", "/etc"}}, 403, "source", "outside the models folder"},
      {{{"source", "../"}}, 403, "source", "outside the models folder"},
      {{{"source", "ir-model"}}, 400, "source", "already OpenVINO IR"},
      {{{"source", "empty"}}, 400, "source", "not a Hugging Face model folder"},
      {{{"source", "stories-hf"}, {"weight_format", "int3"}}, 400, "weight_format", "int3"},
      {{{"source", "stories-hf"}, {"weight_format", "int8"}, {"sym", true}}, 400, "sym", "int4 only"},
      {{{"source", "stories-hf"}, {"weight_format", "int4"}, {"sym", "yes"}}, 400, "sym", "true or false"},
      {{{"source", "stories-hf"}, {"weight_format", "int4"}, {"group_size", 0}}, 400, "group_size", "positive or -1"},
      {{{"source", "stories-hf"}, {"weight_format", "int4"}, {"group_size", 1.5}}, 400, "group_size", "integer"},
      {{{"source", "stories-hf"}, {"weight_format", "int4"}, {"ratio", 1.5}}, 400, "ratio", "(0, 1]"},
      {{{"source", "stories-hf"}, {"weight_format", "fp16"}, {"ratio", 0.5}}, 400, "ratio", "int4 only"},
      {{{"source", "stories-hf"}, {"output", "a/b"}}, 400, "output", "plain folder name"},
      {{{"source", "stories-hf"}, {"output", ".hidden"}}, 400, "output", "plain folder name"},
      {{{"source", "stories-hf"}, {"output", "ir-model"}}, 409, "output", "already holds"},
      {{{"source", "stories-hf"}, {"output", "empty"}, {"overwrite", true}}, 409, "output", "not an IR folder"},
  };
  for (const Case& c : cases) {
    auto [status, error] = refused(c.body);
    EXPECT_EQ(status, c.status) << c.body.dump();
    if (status == 200) continue;
    EXPECT_EQ(error["param"], c.param) << c.body.dump();
    EXPECT_NE(error["message"].get<std::string>().find(c.message_part), std::string::npos)
        << c.body.dump() << ": " << error["message"];
  }
  std::string r = server_->post("/openarc/convert", "{not json");
  EXPECT_EQ(status_of(r), 400);
  EXPECT_EQ(entries(), (std::vector<std::string>{"empty", "ir-model", "stories-hf"})) << "nothing written";
  EXPECT_EQ(status_of(server_->get("/health")), 200);
}

TEST_F(ConvertRoute, RefusesACheckpointThatDoesNotMatchItsConfig) {
  fs::copy(kDemo, models_.path() / "broken");
  json cfg = json::parse(std::ifstream(models_.path() / "broken" / "config.json"));
  cfg["num_hidden_layers"] = 6;  // the checkpoint has 5
  std::ofstream(models_.path() / "broken" / "config.json") << cfg.dump();
  auto [status, error] = refused({{"source", "broken"}});
  EXPECT_EQ(status, 400);
  EXPECT_EQ(error["code"], "bad_checkpoint");
  EXPECT_NE(error["message"].get<std::string>().find("missing from the checkpoint"), std::string::npos) << error;
  EXPECT_FALSE(fs::exists(models_.path() / "broken-fp32"));
}

TEST_F(ConvertRoute, StreamsProgressAndLeavesOnlyTheFinishedFolder) {
  std::string r = server_->post("/openarc/convert", json{{"source", "stories-hf"}, {"weight_format", "int8"}}.dump());
  ASSERT_EQ(status_of(r), 200) << r;
  EXPECT_NE(r.find("Content-Type: text/event-stream"), std::string::npos);
  EXPECT_NE(r.find("\"event\":\"started\""), std::string::npos);
  EXPECT_NE(r.find("\"event\":\"progress\""), std::string::npos);
  EXPECT_NE(r.find("\"event\":\"done\""), std::string::npos) << r;
  EXPECT_NE(r.find("data: [DONE]"), std::string::npos);
  EXPECT_TRUE(fs::exists(models_.path() / "stories-hf-int8" / "openvino_model.xml"));
  EXPECT_TRUE(fs::exists(models_.path() / "stories-hf-int8" / "tokenizer.json"));
  EXPECT_EQ(entries(), (std::vector<std::string>{"empty", "ir-model", "stories-hf", "stories-hf-int8"})) << "no temporary folder left";

  json folders = json::parse(body_of(server_->get("/openarc/folders")));
  std::map<std::string, std::string> kinds;
  for (const json& f : folders["folders"]) kinds[f["name"]] = f["kind"];
  EXPECT_EQ(kinds, (std::map<std::string, std::string>{
                       {"empty", "other"}, {"ir-model", "ir"}, {"stories-hf", "hf"}, {"stories-hf-int8", "ir"}}));

  // The same output again: 409 unless overwrite.
  EXPECT_EQ(refused({{"source", "stories-hf"}, {"weight_format", "int8"}}).first, 409);
  r = server_->post("/openarc/convert", json{{"source", "stories-hf"}, {"weight_format", "int8"}, {"overwrite", true}}.dump());
  EXPECT_NE(r.find("\"event\":\"done\""), std::string::npos);
  EXPECT_EQ(json::parse(body_of(server_->get("/openarc/convert")))["conversions"].size(), 0u);
}

TEST_F(ConvertRoute, CancelNamesTheConversionItCannotFind) {
  std::string r = server_->post("/openarc/convert/cancel", "{}");
  EXPECT_EQ(status_of(r), 404);
  EXPECT_EQ(error_member(r)["code"], "conversion_not_found");
  r = server_->post("/openarc/convert/cancel", R"({"id": "conv-9"})");
  EXPECT_EQ(status_of(r), 404);
  EXPECT_NE(error_member(r)["message"].get<std::string>().find("conv-9"), std::string::npos);
  EXPECT_EQ(status_of(server_->post("/openarc/convert/cancel", R"({"id": 3})")), 400);
}

TEST(ConvertRouteWithoutModelsDir, SaysItNeedsOne) {
  RouteServer server({});
  std::string r = server.post("/openarc/convert", json{{"source", kDemo.string()}}.dump());
  EXPECT_EQ(status_of(r), 400);
  EXPECT_EQ(error_member(r)["code"], "no_models_dir");
  json folders = json::parse(body_of(server.get("/openarc/folders")));
  EXPECT_TRUE(folders["models_dir"].is_null());
  EXPECT_TRUE(folders["folders"].empty());
}

TEST(OvConfigKeys, ListEveryKeyALoadAccepts) {
  RouteServer server({});
  json keys = json::parse(body_of(server.get("/openarc/ov-config")))["keys"];
  std::set<std::string> names;
  for (const json& k : keys) names.insert(k["key"]);
  for (const char* k : {"INFERENCE_NUM_THREADS", "KV_CACHE_PRECISION", "PERFORMANCE_HINT", "NUM_STREAMS",
                        "INFERENCE_PRECISION_HINT", "CACHE_DIR", "ENABLE_HYPER_THREADING", "ENABLE_CPU_PINNING",
                        "CONTEXT_LENGTH"})
    EXPECT_TRUE(names.count(k)) << k;
  EXPECT_EQ(keys[1]["values"], json({"f32", "f16", "bf16", "u8"}));
}

}  // namespace
}  // namespace openarc::server
