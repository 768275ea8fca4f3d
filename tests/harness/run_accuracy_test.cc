// Tests of how a run picks a model's accuracy reference: F32 when it fits
// in RAM and on disk, else F16, else none with the reasons.
#include "harness/run_accuracy.h"

#include <catch2/catch.hpp>
#include <string>

namespace lapbench::harness {
namespace {

bool NothingCached(const std::string&) { return false; }

TEST_CASE("the reference is f32 when RAM and disk are unknown",
          "[harness][accuracy]") {
  std::string why;
  CHECK(ChooseReference("tiny-llama", ReferenceRoom{}, NothingCached, why) ==
        "f32");
  CHECK(why.empty());
}

TEST_CASE("no reference fits in no RAM, and the note says why",
          "[harness][accuracy]") {
  ReferenceRoom room;
  room.available_bytes = 0;
  std::string why;
  CHECK(ChooseReference("tiny-llama", room, NothingCached, why).empty());
  CHECK(
      why.starts_with("no reference fits: f32 does not fit in RAM: model "
                      "needs "));
  CHECK(why.find("; f16 does not fit in RAM: ") != std::string::npos);
}

TEST_CASE("a reference file the disk cannot hold is used only when cached",
          "[harness][accuracy]") {
  ReferenceRoom room;
  room.free_disk_bytes = 1;
  std::string why;
  CHECK(ChooseReference("tiny-llama", room, NothingCached, why).empty());
  CHECK(why.starts_with("no reference fits: the f32 file needs "));
  CHECK(why.find("but the model cache's disk has 0.0 MiB free") !=
        std::string::npos);
  why.clear();
  const auto f32_cached = [](const std::string& f) { return f == "f32"; };
  CHECK(ChooseReference("tiny-llama", room, f32_cached, why) == "f32");
}

}  // namespace
}  // namespace lapbench::harness
