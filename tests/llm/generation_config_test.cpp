#include "llm/generation_config.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "llm/generation_config_json.h"

namespace openarc::llm {
namespace {

using nlohmann::json;

// Runs validate() and returns the error (setting, message), or empty strings when it passes.
std::pair<std::string, std::string> validation_error(const GenerationConfig& c, int64_t vocab = 0) {
  try {
    c.validate(vocab);
  } catch (const SettingError& e) {
    return {e.setting(), e.what()};
  }
  return {};
}

TEST(GenerationConfig, DefaultsAreValid) {
  GenerationConfig c;
  EXPECT_EQ(validation_error(c).first, "");
  EXPECT_FALSE(c.greedy());
  c.temperature = 0;
  EXPECT_TRUE(c.greedy());
  c.temperature = 0.7;
  c.do_sample = false;
  EXPECT_TRUE(c.greedy());
}

TEST(GenerationConfig, ValidationNamesSettingAndRange) {
  const auto expect = [](auto mutate, std::string setting, std::string message) {
    GenerationConfig c;
    mutate(c);
    const auto [got_setting, got_message] = validation_error(c, 100);
    EXPECT_EQ(got_setting, setting);
    EXPECT_EQ(got_message, message);
  };
  expect([](auto& c) { c.temperature = -0.5; }, "temperature", "temperature must be >= 0, got -0.5");
  expect([](auto& c) { c.top_p = 0; }, "top_p", "top_p must be in (0, 1], got 0");
  expect([](auto& c) { c.top_p = 1.5; }, "top_p", "top_p must be in (0, 1], got 1.5");
  expect([](auto& c) { c.top_k = -1; }, "top_k", "top_k must be >= 0, got -1");
  expect([](auto& c) { c.min_p = 2; }, "min_p", "min_p must be in [0, 1], got 2");
  expect([](auto& c) { c.n = 0; }, "n", "n must be in [1, 128], got 0");
  expect([](auto& c) { c.logprobs = true, c.top_logprobs = 21; }, "top_logprobs",
         "top_logprobs must be in [0, 20], got 21");
  expect([](auto& c) { c.repetition_penalty = 0; }, "repetition_penalty", "repetition_penalty must be > 0, got 0");
  expect([](auto& c) { c.presence_penalty = 2.5; }, "presence_penalty", "presence_penalty must be in [-2, 2], got 2.5");
  expect([](auto& c) { c.frequency_penalty = -3; }, "frequency_penalty",
         "frequency_penalty must be in [-2, 2], got -3");
  expect([](auto& c) { c.max_new_tokens = -2; }, "max_new_tokens", "max_new_tokens must be >= -1, got -2");
  expect([](auto& c) { c.max_new_tokens = 0; }, "max_new_tokens",
         "max_new_tokens must be >= 1, or -1 for no limit, got 0");
  expect([](auto& c) { c.min_new_tokens = 5, c.max_new_tokens = 3; }, "min_new_tokens",
         "min_new_tokens (5) exceeds max_new_tokens (3)");
  expect([](auto& c) { c.top_logprobs = 2; }, "top_logprobs", "top_logprobs needs logprobs to be true");
  expect([](auto& c) { c.temperature = std::nan(""); }, "temperature", "temperature must be a finite number");
  expect([](auto& c) { c.stop = {"ok", ""}; }, "stop", "stop string 1 is empty");
  expect([](auto& c) { c.stop = {"\xC3"}; }, "stop", "stop string 0 is not valid UTF-8");
  expect([](auto& c) { c.stop = {std::string(300, 'a')}; }, "stop",
         "stop string 0 has 300 bytes; at most 256 are allowed");
  expect([](auto& c) { c.stop_token_ids = {5, 100}; }, "stop_token_ids",
         "stop_token_ids has token id 100, beyond the vocabulary of 100 tokens");
  expect([](auto& c) { c.eos_token_ids = {-1}; }, "eos_token_ids", "eos_token_ids has a negative token id -1");
  expect([](auto& c) { c.logit_bias = {{3, 101}}; }, "logit_bias", "logit_bias for token 3 must be in [-100, 100], got 101");
}

TEST(GenerationConfig, SettingsAreDeclaredOnce) {
  std::set<std::string_view> names;
  std::vector<std::string_view> order;
  GenerationConfig c;
  GenerationConfig::for_each_setting(c, [&](auto& field, const SettingInfo& info) {
    EXPECT_TRUE(names.insert(info.name).second) << info.name;
    for (auto alias : info.aliases) {
      if (!alias.empty()) {
        EXPECT_TRUE(names.insert(alias).second) << alias;
      }
    }
    EXPECT_FALSE(info.help.empty()) << info.name;
    EXPECT_FALSE(setting_type_name<std::decay_t<decltype(field)>>().empty());
    order.push_back(info.name);
  });
  // Every setting issue 5 names.
  for (std::string_view s : {"max_new_tokens", "min_new_tokens", "temperature", "top_k", "top_p", "min_p",
                             "repetition_penalty", "presence_penalty", "frequency_penalty", "seed", "stop",
                             "include_stop_str_in_output", "stop_token_ids", "eos_token_ids", "ignore_eos", "n",
                             "logprobs", "top_logprobs", "do_sample"})
    EXPECT_TRUE(names.count(s)) << s;
  // OpenAI's and llama.cpp's request names map to ours.
  for (std::string_view s : {"max_tokens", "max_completion_tokens", "n_predict", "repeat_penalty",
                             "num_return_sequences", "eos_token_id"})
    EXPECT_TRUE(names.count(s)) << s;
  EXPECT_EQ(order.front(), "max_new_tokens");
  EXPECT_EQ(cli_flag("max_new_tokens"), "--max-new-tokens");
  EXPECT_EQ(cli_flag("top_k"), "--top-k");
  EXPECT_EQ(describe(SettingRange{0, 1, true, false}), "(0, 1]");
  EXPECT_EQ(describe(SettingRange{}), "any");
}

TEST(GenerationConfig, SetFromText) {
  GenerationConfig c;
  set_setting(c, "--max-new-tokens", "12");
  set_setting(c, "top-p", "0.5");
  set_setting(c, "temperature", " 0.25 ");
  set_setting(c, "stop", "###");
  set_setting(c, "stop_token_ids", "2, 32000");
  set_setting(c, "ignore_eos", "yes");
  set_setting(c, "seed", "42");
  set_setting(c, "logit_bias", "5=-1.5,7=2");
  set_setting(c, "max_tokens", "20");  // an alias
  EXPECT_EQ(c.max_new_tokens, 20);
  EXPECT_EQ(c.top_p, 0.5);
  EXPECT_EQ(c.temperature, 0.25);
  EXPECT_EQ(c.stop, (std::vector<std::string>{"###"}));
  EXPECT_EQ(c.stop_token_ids, (std::vector<int64_t>{2, 32000}));
  EXPECT_TRUE(c.ignore_eos);
  EXPECT_EQ(c.seed, 42u);
  EXPECT_EQ(c.logit_bias, (std::map<int64_t, double>{{5, -1.5}, {7, 2.0}}));
  set_setting(c, "seed", "random");
  EXPECT_FALSE(c.seed);
  set_setting(c, "stop", "");
  EXPECT_TRUE(c.stop.empty());

  const auto error_of = [&](std::string_view name, std::string_view value) -> std::string {
    try {
      set_setting(c, name, value);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_EQ(error_of("temperature", "hot"), "temperature: expected a finite number, got 'hot'");
  EXPECT_EQ(error_of("top_k", "2.5"), "top_k: expected an integer, got '2.5'");
  EXPECT_EQ(error_of("logprobs", "maybe"), "logprobs: expected true or false, got 'maybe'");
  EXPECT_EQ(error_of("seed", "-5"), "seed: expected a non-negative integer or 'random', got '-5'");
  EXPECT_EQ(error_of("logit_bias", "5"), "logit_bias: expected id=bias, got '5'");
  EXPECT_EQ(error_of("warmth", "1"), "unknown generation setting 'warmth'");
  EXPECT_EQ(error_of("--", "1"), "unknown generation setting '--'");
}

TEST(GenerationConfig, NewTokenLimit) {
  const auto error_of = [](const GenerationConfig& c, int64_t prompt, int64_t ctx) -> std::string {
    try {
      c.new_token_limit(prompt, ctx);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  };
  GenerationConfig c;
  EXPECT_EQ(c.new_token_limit(10, 100), 90);  // unset: what the context leaves
  EXPECT_EQ(c.new_token_limit(10, 0), std::numeric_limits<int64_t>::max());
  c.max_new_tokens = 50;
  EXPECT_EQ(c.new_token_limit(10, 100), 50);
  EXPECT_EQ(c.new_token_limit(50, 100), 50);
  EXPECT_EQ(error_of(c, 51, 100),
            "the prompt (51 tokens) + max_new_tokens (50) = 101 tokens exceeds the context window of 100 tokens");
  EXPECT_EQ(error_of(c, 100, 100), "the prompt has 100 tokens, which fills the context window of 100 tokens");
  GenerationConfig l;
  l.max_length = 30;
  EXPECT_EQ(l.new_token_limit(10, 100), 20);
  EXPECT_EQ(l.new_token_limit(10, 25), 15);  // the context is smaller
  EXPECT_EQ(error_of(l, 30, 100),
            "the prompt has 30 tokens and max_length is 30, which leaves no room for output; set max_new_tokens");
  l.max_new_tokens = 40;  // max_new_tokens wins over max_length
  EXPECT_EQ(l.new_token_limit(30, 100), 40);
}

TEST(GenerationConfigJson, ModelDefaults) {
  GenerationConfig c;
  apply_model_generation_config(c, json::parse(R"({
      "bos_token_id": 1, "eos_token_id": [151645, 151643], "pad_token_id": 151643,
      "do_sample": true, "temperature": 0.6, "top_k": 20, "top_p": 0.95, "repetition_penalty": 1.05,
      "max_length": 4096, "min_p": null, "transformers_version": "4.51.0"})"),
                                "generation_config.json");
  EXPECT_EQ(c.eos_token_ids, (std::vector<int64_t>{151645, 151643}));
  EXPECT_TRUE(c.do_sample);
  EXPECT_EQ(c.temperature, 0.6);
  EXPECT_EQ(c.top_k, 20);
  EXPECT_EQ(c.top_p, 0.95);
  EXPECT_EQ(c.repetition_penalty, 1.05);
  EXPECT_EQ(c.max_length, 4096);
  EXPECT_EQ(c.min_p, 0.0);

  GenerationConfig one;
  apply_model_generation_config(one, json::parse(R"({"eos_token_id": 2, "do_sample": false})"), "g");
  EXPECT_EQ(one.eos_token_ids, (std::vector<int64_t>{2}));
  EXPECT_TRUE(one.greedy());

  try {
    apply_model_generation_config(one, json::parse(R"({"temperature": "hot"})"), "m/generation_config.json");
    FAIL();
  } catch (const SettingError& e) {
    EXPECT_EQ(std::string(e.what()), "m/generation_config.json: temperature: expected a number, got string \"hot\"");
  }
  EXPECT_THROW(apply_model_generation_config(one, json::array(), "g"), Error);
}

TEST(GenerationConfigJson, ReadsModelFolder) {
  const auto dir = std::filesystem::temp_directory_path() / "openarc_llm_genconfig_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  EXPECT_TRUE(read_generation_config(dir).eos_token_ids.empty());  // nothing there: built-in defaults
  std::ofstream(dir / "config.json") << R"({"eos_token_id": 7, "vocab_size": 10})";
  EXPECT_EQ(read_generation_config(dir).eos_token_ids, (std::vector<int64_t>{7}));
  std::ofstream(dir / "generation_config.json") << R"({"eos_token_id": [1, 2], "top_k": 3})";
  const auto c = read_generation_config(dir);
  EXPECT_EQ(c.eos_token_ids, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(c.top_k, 3);
  std::ofstream(dir / "generation_config.json") << R"({"top_p": 0})";
  try {
    read_generation_config(dir);
    FAIL();
  } catch (const SettingError& e) {
    EXPECT_EQ(e.setting(), "top_p");
    EXPECT_EQ(std::string(e.what()), (dir / "generation_config.json").string() + ": top_p must be in (0, 1], got 0");
  }
  std::ofstream(dir / "generation_config.json") << R"({"eos_token_id": [1, 2)";
  try {
    read_generation_config(dir);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("generation_config.json: not valid JSON"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}

TEST(GenerationConfigJson, DemoModel) {
  const std::filesystem::path dir = std::filesystem::path(OPENARC_SHARED_DIR) / "models/stories260K";
  if (!std::filesystem::exists(dir / "generation_config.json")) GTEST_SKIP() << "no " << dir.string();
  const auto c = read_generation_config(dir);
  EXPECT_FALSE(c.eos_token_ids.empty());
  c.validate();
}

TEST(GenerationConfigJson, RequestOverridesByAnyName) {
  GenerationConfig c;
  apply_request_json(c, json::parse(R"({
      "model": "x", "messages": [], "max_tokens": 50, "temperature": 0, "stop": "\n", "seed": 7,
      "n": 2, "repeat_penalty": 1.2, "logit_bias": {"5": -100}, "top_k": 40.0, "unknown": true,
      "presence_penalty": null})"));
  EXPECT_EQ(c.max_new_tokens, 50);
  EXPECT_EQ(c.temperature, 0.0);
  EXPECT_EQ(c.stop, (std::vector<std::string>{"\n"}));
  EXPECT_EQ(c.seed, 7u);
  EXPECT_EQ(c.n, 2);
  EXPECT_EQ(c.repetition_penalty, 1.2);
  EXPECT_EQ(c.logit_bias, (std::map<int64_t, double>{{5, -100.0}}));
  EXPECT_EQ(c.top_k, 40);
  EXPECT_EQ(c.presence_penalty, 0.0);

  GenerationConfig d;
  apply_request_json(d, json::parse(R"({"max_tokens": 10, "max_completion_tokens": 20, "stop": ["a", "b"],
                                         "seed": -1, "num_return_sequences": 3})"));
  EXPECT_EQ(d.max_new_tokens, 20);  // the newer OpenAI name wins
  EXPECT_EQ(d.stop, (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(d.seed);
  EXPECT_EQ(d.n, 3);

  const auto error_of = [](const char* body) -> std::pair<std::string, std::string> {
    GenerationConfig e;
    try {
      apply_request_json(e, json::parse(body));
    } catch (const SettingError& err) {
      return {err.setting(), err.what()};
    }
    return {};
  };
  EXPECT_EQ(error_of(R"({"top_k": 1.5})"), std::make_pair(std::string("top_k"), std::string("top_k: expected an integer, got number 1.5")));
  EXPECT_EQ(error_of(R"({"max_tokens": "many"})").first, "max_new_tokens");
  EXPECT_EQ(error_of(R"({"max_tokens": "many"})").second, "max_tokens: expected an integer, got string \"many\"");
  EXPECT_EQ(error_of(R"({"stop": [1]})").second, "stop: expected strings in the array, got number 1");
  EXPECT_EQ(error_of(R"({"logit_bias": {"x": 1}})").second, "logit_bias: key 'x' is not a token id");
  EXPECT_EQ(error_of(R"({"seed": -3})").second, "seed: expected a non-negative integer or -1 for random, got number -3");
  EXPECT_EQ(error_of(R"({"ignore_eos": 1})").second, "ignore_eos: expected true or false, got number 1");
  EXPECT_EQ(error_of(R"({"seed": 18446744073709551615})").first, "");  // the whole uint64 range
  EXPECT_THROW(apply_request_json(d, json::array()), Error);
}

TEST(GenerationConfigJson, SpeculativeObjectSetsThePromptLookupSettings) {
  GenerationConfig off;
  apply_request_json(off, json::parse(R"({"max_tokens": 5, "speculative": null})"));
  EXPECT_EQ(off.speculative_draft, 0) << "off by default";
  GenerationConfig on;
  apply_request_json(on, json::parse(R"({"speculative": {"type": "prompt_lookup"}})"));
  EXPECT_EQ(on.speculative_draft, kDefaultDraftTokens);
  EXPECT_EQ(on.speculative_max_ngram, 3);
  EXPECT_EQ(on.speculative_min_ngram, 2);
  GenerationConfig unigram;  // a max_ngram below the default min_ngram lowers it
  apply_request_json(unigram, json::parse(R"({"speculative": {"max_ngram": 1}})"));
  EXPECT_EQ(unigram.speculative_min_ngram, 1);
  GenerationConfig all;
  apply_request_json(all, json::parse(R"({"speculative": {"type": "prompt_lookup", "num_draft_tokens": 2,
                                            "max_ngram": 5, "min_ngram": 2}})"));
  EXPECT_EQ(all.speculative_draft, 2);
  EXPECT_EQ(all.speculative_max_ngram, 5);
  EXPECT_EQ(all.speculative_min_ngram, 2);
  GenerationConfig flat;  // the settings by name, and llama.cpp's name
  apply_request_json(flat, json::parse(R"({"speculative.n_max": 1, "speculative_max_ngram": 4})"));
  EXPECT_EQ(flat.speculative_draft, 1);
  EXPECT_EQ(flat.speculative_max_ngram, 4);

  const auto error_of = [](const char* body) -> std::pair<std::string, std::string> {
    GenerationConfig e;
    try {
      apply_request_json(e, json::parse(body));
      e.validate();
    } catch (const SettingError& err) {
      return {err.setting(), err.what()};
    }
    return {};
  };
  EXPECT_EQ(error_of(R"({"speculative": {"num_draft_tokens": 4}})"),
            std::make_pair(std::string("speculative.num_draft_tokens"),
                           std::string("speculative.num_draft_tokens must be in [0, 3], got 4")));
  EXPECT_EQ(error_of(R"({"speculative": {"num_draft_tokens": "3"}})").second,
            "speculative.num_draft_tokens: expected an integer, got string \"3\"");
  EXPECT_EQ(error_of(R"({"speculative": {"max_ngram": 0}})").second, "speculative.max_ngram must be in [1, 16], got 0");
  EXPECT_EQ(error_of(R"({"speculative": {"max_ngram": 2, "min_ngram": 3}})"),
            std::make_pair(std::string("speculative.min_ngram"),
                           std::string("speculative.min_ngram (3) exceeds speculative.max_ngram (2)")));
  EXPECT_EQ(error_of(R"({"speculative": {"type": "draft_model"}})").first, "speculative.type");
  EXPECT_EQ(error_of(R"({"speculative": {"type": "prompt_lookup", "num_draft": 2}})"),
            std::make_pair(std::string("speculative.num_draft"),
                           std::string("speculative: unknown member \"num_draft\" (type, num_draft_tokens, max_ngram, "
                                       "min_ngram)")));
  EXPECT_EQ(error_of(R"({"speculative": 3})").first, "speculative");
  EXPECT_EQ(error_of(R"({"speculative_draft": 9})").second, "speculative_draft must be in [0, 3], got 9");
  EXPECT_EQ(error_of(R"({"speculative_max_ngram": 2, "speculative_min_ngram": 3})").first, "speculative_min_ngram");
}

TEST(GenerationConfigJson, ToJsonRoundTrips) {
  GenerationConfig c;
  c.max_new_tokens = 9;
  c.temperature = 0.3;
  c.seed = 11;
  c.stop = {"x", "y"};
  c.eos_token_ids = {2};
  c.logit_bias = {{4, 1.5}};
  c.logprobs = true;
  c.top_logprobs = 3;
  const json j = to_json(c);
  EXPECT_EQ(j.at("max_new_tokens"), 9);
  EXPECT_EQ(j.at("seed"), 11);
  EXPECT_EQ(j.at("logit_bias").at("4"), 1.5);
  GenerationConfig back;
  apply_request_json(back, j);
  EXPECT_EQ(to_json(back), j);
  EXPECT_TRUE(to_json(GenerationConfig{}).at("seed").is_null());
}

}  // namespace
}  // namespace openarc::llm
