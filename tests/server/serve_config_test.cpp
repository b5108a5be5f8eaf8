// `serve --config FILE`: every entry (the short form, 2.x's ModelLoadConfig, 1.0's load body) is
// checked by the load routes' rules before the server binds; a bad one is an error naming the
// file, the entry and the field.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "route_fixture.h"
#include "server/serve_config.h"

namespace openarc::server {
namespace {

namespace fs = std::filesystem;
using testing::TempFolder;

TEST(ServeConfig, ChecksEveryEntryBeforeServing) {
  TempFolder models;
  testing::add_demo_folders(models.path());
  ServeOptions o;
  o.models_dir = models.path().string();
  ServerContext ctx(o);
  auto write = [&](const std::string& text) {
    fs::path p = models.path() / "deploy.json";
    std::ofstream(p) << text;
    return p.string();
  };
  std::vector<ParsedLoad> ok = read_serve_config(
      ctx, write(R"({"models": [
        {"path": "ir-model", "name": "short", "ov_config": {"PRECISION_HINT": "f32"}},
        {"model_path": "ir-model", "model_name": "v2", "model_type": "llm", "engine": "ovgenai", "device": "CPU",
         "runtime_config": {"num_assistant_tokens": 2}},
        {"load_config": {"id_model": "ir-model", "model_name": "v1", "eos_token_id": 2}, "ov_config": {"NUM_STREAMS": "1"}},
        {"load_config": {"id_model": "stories-hf", "model_name": "exported", "export_model": true}}]})"));
  ASSERT_EQ(ok.size(), 4u);
  EXPECT_EQ(ok[0].request.name, "short");
  EXPECT_EQ(ok[1].request.options.speculative_draft, 2);
  EXPECT_EQ(ok[2].request.options.eos_token_id, 2);
  EXPECT_FALSE(ok[3].export_source.empty());
  auto refusal = [&](const std::string& text) {
    try {
      read_serve_config(ctx, write(text));
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(refusal(R"({"models": [{"path": "ir-model"}, {"path": "ir-model", "name": "b", "runtime_config": {"TURBO": 1}}]})")
                .find("models[1].runtime_config.TURBO"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"models": [{"path": "ir-model"}, {"path": "ir-model"}]})").find("a second model named 'ir-model'"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"model": []})").find("\"models\" array"), std::string::npos);
  EXPECT_NE(refusal("{nope").find("not JSON"), std::string::npos);
}

}  // namespace
}  // namespace openarc::server
