// A load's overrides of the model's own settings (PipelineOptions: OpenArc 1.0's eos/bos/pad
// token ids, 2.x's num_assistant_tokens): they reach the requests' defaults and the prompt, and a
// token id outside the vocabulary is refused naming it.
#include <gtest/gtest.h>

#include "demo_model.h"
#include "llm/pipeline.h"
#include "tokenizer/tokenizer.h"

namespace openarc::llm {
namespace {

GenerationRequest override_prompt(const Pipeline& pipe, const std::string& text) {
  GenerationRequest req;
  req.prompt = text;
  req.config = pipe.default_config();
  req.config.max_new_tokens = 4;
  return req;
}

TEST(PipelineOverrides, BosReplacesTheTokenizersBosAndEosTheModelsEnds) {
  auto plain = Pipeline::open(test::demo_model());
  std::vector<int64_t> ids = plain->prepare(override_prompt(*plain, "Once upon a time")).ids;
  ASSERT_TRUE(plain->tokenizer().bos_id());
  ASSERT_EQ(ids.front(), *plain->tokenizer().bos_id());

  PipelineOptions o;
  o.bos_token_id = 7;
  o.eos_token_id = 13;
  o.pad_token_id = 0;
  o.speculative_draft = 2;
  auto pipe = Pipeline::open(test::demo_model(), o);
  std::vector<int64_t> over = pipe->prepare(override_prompt(*pipe, "Once upon a time")).ids;
  ASSERT_EQ(over.size(), ids.size());
  EXPECT_EQ(over.front(), 7);
  EXPECT_TRUE(std::equal(over.begin() + 1, over.end(), ids.begin() + 1));
  EXPECT_EQ(pipe->default_config().eos_token_ids, std::vector<int64_t>{13});
  EXPECT_EQ(pipe->default_config().speculative_draft, 2);
  EXPECT_EQ(plain->default_config().speculative_draft, 0);

  // Token ids given as such are the caller's: no BOS is swapped in them.
  GenerationRequest by_ids = override_prompt(*pipe, "");
  by_ids.prompt.reset();
  by_ids.prompt_ids = ids;
  EXPECT_EQ(pipe->prepare(by_ids).ids, ids);
}

TEST(PipelineOverrides, TokenIdsOutsideTheVocabularyAreRefusedByName) {
  for (const char* which : {"eos_token_id", "bos_token_id", "pad_token_id"}) {
    PipelineOptions o;
    (std::string(which) == "eos_token_id"   ? o.eos_token_id
     : std::string(which) == "bos_token_id" ? o.bos_token_id
                                            : o.pad_token_id) = 1 << 20;
    try {
      Pipeline::open(test::demo_model(), o);
      ADD_FAILURE() << which << " accepted";
    } catch (const SettingError& e) {
      EXPECT_EQ(e.setting(), which);
      EXPECT_NE(std::string(e.what()).find("outside the vocabulary"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace openarc::llm
