// `openarc infer` on the demo model: inputs from .npy and JSON, logits written as .npy whose
// argmax is the reference's first greedy token.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <filesystem>
#include <fstream>

#include "core/npy.h"

namespace openarc {
namespace {
namespace fs = std::filesystem;

TEST(CliInfer, RunsTheDemoModelFromNpyAndJsonInputs) {
  fs::path model = fs::path(OPENARC_BINARY).parent_path() / "models" / "stories260K";
  if (!fs::exists(model / "openvino_model.xml")) GTEST_SKIP() << "demo model not converted at " << model;
  fs::path dir = fs::temp_directory_path() / ("openarc_infer_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  // "Once upon a time" with BOS, as the reference's prompt_ids give it.
  std::vector<int64_t> ids = {1, 403, 407, 261, 378};
  Tensor input_ids(ElementType::i64, {1, 5});
  std::copy(ids.begin(), ids.end(), input_ids.data<int64_t>());
  write_npy(input_ids, (dir / "ids.npy").string());
  std::string cmd = std::string(OPENARC_BINARY) + " infer --model " + model.string() + " --input input_ids=" +
                    (dir / "ids.npy").string() + " --input attention_mask='[[1,1,1,1,1]]'" +
                    " --input position_ids='[[0,1,2,3,4]]' --input beam_idx='[0]' --output-dir " + dir.string() +
                    " > " + (dir / "out.txt").string() + " 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << std::ifstream(dir / "out.txt").rdbuf();
  Tensor logits = read_npy((dir / "logits.npy").string());
  ASSERT_EQ(logits.shape(), (Shape{1, 5, 512}));
  const float* last = logits.data<float>() + 4 * 512;
  int best = static_cast<int>(std::max_element(last, last + 512) - last);
  EXPECT_EQ(best, 432);  // the first greedy token after this prompt in stories260K-greedy.json

  // A missing input and a wrong type are refused with the input's name.
  std::string bad = std::string(OPENARC_BINARY) + " infer --model " + model.string() + " --input input_ids=" +
                    (dir / "ids.npy").string() + " > " + (dir / "err.txt").string() + " 2>&1";
  EXPECT_NE(std::system(bad.c_str()), 0);
  std::stringstream err;
  err << std::ifstream(dir / "err.txt").rdbuf();
  EXPECT_NE(err.str().find("attention_mask"), std::string::npos) << err.str();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace openarc
