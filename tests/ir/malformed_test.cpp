// The malformed-model corpus: every tests/ir/malformed/*.xml is refused, by read_model or by
// graph::bind, with its own message. expected.txt maps each file to a fragment of that message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "core/error.h"
#include "graph/bind.h"
#include "ir/reader.h"

namespace openarc::ir {
namespace {

namespace fs = std::filesystem;

const fs::path kDir = fs::path(OPENARC_SOURCE_DIR) / "tests/ir/malformed";

// "file.xml | fragment" per line; '#' starts a comment line.
std::map<std::string, std::string> expected_fragments() {
  std::map<std::string, std::string> out;
  std::ifstream in(kDir / "expected.txt");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t bar = line.find(" | ");
    if (bar == std::string::npos) continue;
    out[line.substr(0, bar)] = line.substr(bar + 3);
  }
  return out;
}

// The message the model is refused with, or "" when it loads and binds.
std::string refusal(const fs::path& xml) {
  try {
    fs::path bin = fs::path(xml).replace_extension(".bin");
    Model m = read_model(xml.string(), "", ReadOptions{.require_weights = fs::exists(bin)});
    graph::bind(m);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(MalformedCorpus, EveryFileIsListed) {
  std::map<std::string, std::string> expected = expected_fragments();
  ASSERT_GE(expected.size(), 20u);
  std::set<std::string> files;
  for (const fs::directory_entry& e : fs::directory_iterator(kDir))
    if (e.path().extension() == ".xml") files.insert(e.path().filename().string());
  for (const std::string& f : files) EXPECT_TRUE(expected.count(f)) << f << " has no line in expected.txt";
  for (const auto& [f, frag] : expected) EXPECT_TRUE(files.count(f)) << "expected.txt names a missing " << f;
}

TEST(MalformedCorpus, EachIsRefusedWithItsMessage) {
  for (const auto& [file, fragment] : expected_fragments()) {
    SCOPED_TRACE(file);
    std::string message = refusal(kDir / file);
    ASSERT_FALSE(message.empty()) << file << " was accepted";
    EXPECT_THAT(message, ::testing::HasSubstr(fragment));
    // Every message says which file it is about.
    EXPECT_THAT(message, ::testing::HasSubstr(file));
  }
}

}  // namespace
}  // namespace openarc::ir
