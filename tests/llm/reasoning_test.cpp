#include "llm/reasoning.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace openarc::llm {
namespace {

const ReasoningMarkers kThink{"<think>", "</think>"};

// Feeds all pieces and the flush; returns the (reasoning, content) released at each step.
std::vector<std::pair<std::string, std::string>> run(ReasoningParser& p, const std::vector<std::string>& pieces) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& piece : pieces) {
    auto d = p.feed(piece);
    out.emplace_back(d.reasoning, d.content);
  }
  auto d = p.flush();
  out.emplace_back(d.reasoning, d.content);
  return out;
}

using Steps = std::vector<std::pair<std::string, std::string>>;

TEST(Reasoning, WholeBlockInOnePiece) {
  ReasoningParser p(kThink, false);
  run(p, {"<think>\nabc\n</think>\n\nanswer"});
  EXPECT_EQ(p.reasoning(), "abc");
  EXPECT_EQ(p.content(), "answer");
  EXPECT_EQ(p.raw(), "<think>\nabc\n</think>\n\nanswer");
}

TEST(Reasoning, MarkersSplitAcrossPieces) {
  ReasoningParser p(kThink, false);
  const auto steps = run(p, {"<th", "ink>\nLet me", " think.\n</th", "ink>\n\nThe answer", " is 4."});
  EXPECT_EQ(steps, (Steps{{"", ""},  // "<th" may open the block
                          {"Let me", ""},
                          {" think.", ""},  // "\n</th" held: it may close it
                          {"", "The answer"},
                          {"", " is 4."},
                          {"", ""}}));
  EXPECT_EQ(p.reasoning(), "Let me think.");
  EXPECT_EQ(p.content(), "The answer is 4.");
  EXPECT_EQ(p.raw(), "<think>\nLet me think.\n</think>\n\nThe answer is 4.");
}

TEST(Reasoning, OneCharacterAtATime) {
  const std::string text = "  <think>a < b, </thin is not it</think> so: <think> stays";
  ReasoningParser p(kThink, false);
  std::vector<std::string> pieces;
  for (char c : text) pieces.emplace_back(1, c);
  run(p, pieces);
  EXPECT_EQ(p.reasoning(), "a < b, </thin is not it");
  EXPECT_EQ(p.content(), "so: <think> stays");  // after the block, markers are text
  EXPECT_EQ(p.raw(), text);
}

TEST(Reasoning, HeldWhitespaceIsReleasedWithTheNextText) {
  ReasoningParser p(kThink, true);
  const auto steps = run(p, {"abc \n", "more", "</think>ok"});
  EXPECT_EQ(steps, (Steps{{"abc", ""}, {" \nmore", ""}, {"", "ok"}, {"", ""}}));
}

TEST(Reasoning, PromptOpenedTheBlock) {
  ReasoningParser p(kThink, true);
  run(p, {"\nI think", " so</thi", "nk>\n\nHi"});
  EXPECT_EQ(p.reasoning(), "I think so");
  EXPECT_EQ(p.content(), "Hi");
}

TEST(Reasoning, NoMarkersMeansContent) {
  ReasoningParser p(kThink, false);
  const auto steps = run(p, {"<", "b>bold"});
  EXPECT_EQ(steps, (Steps{{"", ""}, {"", "<b>bold"}, {"", ""}}));
  ReasoningParser q(kThink, false);
  run(q, {"<thi"});  // ends while it could still have been the marker
  EXPECT_EQ(q.content(), "<thi");
  EXPECT_EQ(q.reasoning(), "");
}

TEST(Reasoning, UnclosedBlockIsReasoning) {
  ReasoningParser p(kThink, false);
  run(p, {"<think>step 1", "\nstep 2\n</thi"});
  EXPECT_EQ(p.reasoning(), "step 1\nstep 2\n</thi");
  EXPECT_EQ(p.content(), "");
}

TEST(Reasoning, OtherMarkers) {
  ReasoningParser p({"[THINK]", "[/THINK]"}, false);
  run(p, {"[THI", "NK]x[/TH", "INK]y"});
  EXPECT_EQ(p.reasoning(), "x");
  EXPECT_EQ(p.content(), "y");
}

TEST(Reasoning, PromptOpensReasoning) {
  EXPECT_TRUE(prompt_opens_reasoning("<|im_start|>assistant\n<think>\n", kThink));
  EXPECT_FALSE(prompt_opens_reasoning("<|im_start|>assistant\n<think>\n\n</think>\n\n", kThink));
  EXPECT_FALSE(prompt_opens_reasoning("<|im_start|>assistant\n", kThink));
  EXPECT_TRUE(prompt_opens_reasoning("<think>old</think> user <think>", kThink));
}

TEST(Reasoning, DetectMarkersFromTemplate) {
  auto m = detect_reasoning_markers("{% if x %}<think>\n{{ r }}\n</think>{% endif %}");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->open, "<think>");
  EXPECT_EQ(m->close, "</think>");
  auto s = detect_reasoning_markers("<seed:think>{{ c }}</seed:think>");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->open, "<seed:think>");
  EXPECT_FALSE(detect_reasoning_markers("{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}"));
  EXPECT_FALSE(detect_reasoning_markers("only <think> opens"));
}

TEST(Reasoning, EmptyMarkersRejected) { EXPECT_THROW(ReasoningParser({"", "</think>"}, false), Error); }

}  // namespace
}  // namespace openarc::llm
