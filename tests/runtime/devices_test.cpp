#include "runtime/devices.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/error.h"

namespace openarc::runtime {
namespace {

std::string error_of(const std::string& device) {
  try {
    resolve_device(device);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Devices, ResolvesOpenVinoNamesToTheCpu) {
  EXPECT_EQ(resolve_device("CPU"), "CPU");
  EXPECT_EQ(resolve_device("cpu"), "CPU");
  EXPECT_EQ(resolve_device("AUTO"), "CPU");
  EXPECT_EQ(resolve_device("AUTO:GPU,CPU"), "CPU");
  EXPECT_EQ(resolve_device("HETERO:GPU.1,CPU"), "CPU");
}

TEST(Devices, RefusesWhatThisBuildCannotDriveAndListsWhatItCan) {
  EXPECT_NE(error_of("GPU").find("not available in this build (available devices: CPU)"), std::string::npos);
  EXPECT_NE(error_of("NPU").find("available devices: CPU"), std::string::npos);
  EXPECT_NE(error_of("GPU.1").find("GPU.1"), std::string::npos);
  EXPECT_NE(error_of("TPU").find("unknown device 'TPU'"), std::string::npos);
  EXPECT_NE(error_of("AUTO:GPU").find("none of the devices"), std::string::npos);
  EXPECT_NE(error_of("HETERO").find("needs a device list"), std::string::npos);
  EXPECT_NE(error_of("").find("empty"), std::string::npos);
}

TEST(Devices, ReportUsesOpenVinoPropertyNames) {
  nlohmann::json r = devices_report();
  ASSERT_EQ(r["devices"].size(), 1u);
  const nlohmann::json& cpu = r["devices"][0];
  EXPECT_EQ(cpu["device"], "CPU");
  EXPECT_FALSE(cpu["FULL_DEVICE_NAME"].get<std::string>().empty());
  EXPECT_TRUE(cpu["OPTIMIZATION_CAPABILITIES"].is_array());
  EXPECT_TRUE(cpu["isa"].contains("AVX2"));
  EXPECT_GE(cpu["logical_cores"].get<int>(), 1);
  EXPECT_TRUE(cpu["kernels"].contains("isa_level"));
}

}  // namespace
}  // namespace openarc::runtime
