// The safetensors reader against hand-made files: the byte layout is written here by hand, from
// the format's definition, not by the writer under test.
#include "convert/safetensors.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

#include "core/error.h"
#include "test_dir.h"

namespace openarc::convert {
namespace {

using test::TempDir;
using ::testing::HasSubstr;

// 8-byte little-endian header length, header JSON, data bytes.
std::string file_bytes(const std::string& header, const std::string& data) {
  std::string out(8, '\0');
  uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  return out + header + data;
}

std::string f32_bytes(std::initializer_list<float> v) {
  std::string s;
  for (float f : v) s.append(reinterpret_cast<const char*>(&f), 4);
  return s;
}

std::string safetensors_error(const std::string& path) {
  try {
    SafetensorsFile::open(path);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Safetensors, ReadsTypesShapesAndValues) {
  TempDir dir;
  // F32 [2,3] at 0..24, F16 [2] at 24..28 (1.0 = 0x3c00, -2.0 = 0xc000), BF16 [1] at 28..30 (1.0 = 0x3f80).
  std::string data = f32_bytes({1, 2, 3, 4, 5, 6}) + std::string("\x00\x3c\x00\xc0", 4) + std::string("\x80\x3f", 2);
  std::string header = R"({"__metadata__":{"format":"pt"},)"
                       R"("a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
                       R"("h":{"dtype":"F16","shape":[2],"data_offsets":[24,28]},)"
                       R"("b":{"dtype":"BF16","shape":[1],"data_offsets":[28,30]}})";
  test::write_text(dir.file("m.safetensors"), file_bytes(header, data));
  auto f = SafetensorsFile::open(dir.file("m.safetensors"));
  EXPECT_EQ(f->metadata().at("format"), "pt");
  ASSERT_EQ(f->entries().size(), 3u);
  EXPECT_EQ(f->view("a").type(), ElementType::f32);
  Tensor a = to_f32(f->view("a"), "a");  // the data may be unaligned: the header is not padded
  EXPECT_EQ(a.shape(), (Shape{2, 3}));
  EXPECT_EQ(a.get_f64(5), 6.0);
  Tensor h = to_f32(f->view("h"), "h");
  EXPECT_EQ(h.to_f32_vector(), (std::vector<float>{1.0f, -2.0f}));
  EXPECT_EQ(to_f32(f->view("b"), "b").to_f32_vector(), (std::vector<float>{1.0f}));
  EXPECT_THAT([&] { f->view("missing"); }, ::testing::Throws<Error>());
}

TEST(Safetensors, RefusesTruncatedAndCorruptFiles) {
  TempDir dir;
  std::string header = R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})";
  std::string good = file_bytes(header, f32_bytes({1, 2, 3, 4}));

  test::write_text(dir.file("short.st"), good.substr(0, good.size() - 3));
  EXPECT_THAT(safetensors_error(dir.file("short.st")), HasSubstr("outside the data section"));

  test::write_text(dir.file("tiny.st"), std::string("\x10\x00\x00", 3));
  EXPECT_THAT(safetensors_error(dir.file("tiny.st")), HasSubstr("truncated"));

  test::write_text(dir.file("cut_header.st"), good.substr(0, 20));
  EXPECT_THAT(safetensors_error(dir.file("cut_header.st")), HasSubstr("truncated"));

  test::write_text(dir.file("json.st"), file_bytes("{\"a\":", ""));
  EXPECT_THAT(safetensors_error(dir.file("json.st")), HasSubstr("malformed safetensors header"));

  std::string huge(8, '\xff');
  test::write_text(dir.file("huge.st"), huge + "{}");
  EXPECT_THAT(safetensors_error(dir.file("huge.st")), HasSubstr("implausible"));
}

TEST(Safetensors, RefusesInconsistentEntries) {
  TempDir dir;
  auto err = [&](const std::string& header, const std::string& data) {
    test::write_text(dir.file("x.st"), file_bytes(header, data));
    return safetensors_error(dir.file("x.st"));
  };
  std::string d16 = f32_bytes({1, 2, 3, 4});
  EXPECT_THAT(err(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}})", d16), HasSubstr("needs 12"));
  EXPECT_THAT(err(R"({"a":{"dtype":"Q4","shape":[4],"data_offsets":[0,16]}})", d16), HasSubstr("unknown dtype 'Q4'"));
  EXPECT_THAT(err(R"({"a":{"dtype":"F32","shape":[-4],"data_offsets":[0,16]}})", d16), HasSubstr("non-negative"));
  EXPECT_THAT(err(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[8,0]}})", d16), HasSubstr("outside"));
  EXPECT_THAT(err(R"({"a":{"dtype":"F32","shape":[4]}})", d16), HasSubstr("data_offsets"));
  EXPECT_THAT(err(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                  R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                  d16),
              HasSubstr("overlap"));
  EXPECT_THAT(err(R"([1,2])", ""), HasSubstr("not a JSON object"));
}

TEST(Safetensors, WidensOnlyFloatTypes) {
  Tensor i = Tensor::from<int64_t>({2}, {1, 2});
  EXPECT_THAT([&] { to_f32(i, "w"); }, ::testing::ThrowsMessage<Error>(HasSubstr("not a floating-point")));
}

TEST(Safetensors, WriterRoundTrips) {
  TempDir dir;
  Tensor a = Tensor::from<float>({2, 2}, {1.5f, -2, 3, 4});
  write_safetensors(dir.file("w.safetensors"), {{"x.weight", a}}, {{"format", "pt"}});
  auto f = SafetensorsFile::open(dir.file("w.safetensors"));
  EXPECT_EQ(to_f32(f->view("x.weight"), "x").to_f32_vector(), a.to_f32_vector());
  EXPECT_EQ(f->metadata().at("format"), "pt");
}

TEST(Checkpoint, SingleFileAndShards) {
  TempDir dir;
  EXPECT_THAT([&] { Checkpoint::open(dir.path().string()); },
              ::testing::ThrowsMessage<Error>(HasSubstr("no model.safetensors")));

  write_safetensors(dir.file("model-00001-of-00002.safetensors"), {{"a", Tensor::from<float>({1}, {1})}});
  write_safetensors(dir.file("model-00002-of-00002.safetensors"), {{"b", Tensor::from<float>({2}, {2, 3})}});
  test::write_text(dir.file("model.safetensors.index.json"),
                   R"({"metadata":{},"weight_map":{"a":"model-00001-of-00002.safetensors",)"
                   R"("b":"model-00002-of-00002.safetensors"}})");
  Checkpoint c = Checkpoint::open(dir.path().string());
  EXPECT_EQ(c.names(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c.view("b").to_f32_vector(), (std::vector<float>{2, 3}));
  EXPECT_EQ(c.total_bytes(), 12u);
  EXPECT_THAT([&] { c.entry("c"); }, ::testing::ThrowsMessage<Error>(HasSubstr("no tensor 'c'")));

  test::write_text(dir.file("model.safetensors.index.json"),
                   R"({"weight_map":{"a":"model-00001-of-00002.safetensors","b":"model-00003.safetensors"}})");
  EXPECT_THAT([&] { Checkpoint::open(dir.path().string()); },
              ::testing::ThrowsMessage<Error>(HasSubstr("shard 'model-00003.safetensors'")));

  test::write_text(dir.file("model.safetensors.index.json"),
                   R"({"weight_map":{"b":"model-00001-of-00002.safetensors"}})");
  EXPECT_THAT([&] { Checkpoint::open(dir.path().string()); },
              ::testing::ThrowsMessage<Error>(HasSubstr("does not contain it")));

  test::write_text(dir.file("model.safetensors.index.json"), R"({"weight_map":{"a":"../x"}})");
  EXPECT_THAT([&] { Checkpoint::open(dir.path().string()); },
              ::testing::ThrowsMessage<Error>(HasSubstr("plain file name")));
}

}  // namespace
}  // namespace openarc::convert
