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

// A plan of one runnable case of `model` in `format` (not checked
// against a machine: For never runs a model for the notes tested here).
Plan OneCase(const std::string& model, const std::string& format) {
  PlannedCase p;
  p.spec.id = 1;
  p.spec.model = model;
  p.spec.format = format;
  p.format = format == kFileFormatMark ? "q4_0" : format;
  p.runnable = true;
  Plan plan;
  plan.cases.push_back(p);
  return plan;
}

TEST_CASE("without the policy key no case gets accuracy, and says why",
          "[harness][accuracy]") {
  const Plan plan = OneCase("tiny-llama", "q4_0");
  RunAccuracy accuracy(plan, RunAccuracyOptions{});
  ModelFiles files("/nonexistent-model-cache");
  const FormatAccuracy a = accuracy.For(plan.cases[0], files);
  CHECK(!a.accuracy);
  CHECK(a.note == "not measured: accuracy is off in the suite's policy");
}

TEST_CASE("a .gguf model gets a note instead of accuracy",
          "[harness][accuracy]") {
  const Plan plan = OneCase("/models/some.gguf", std::string(kFileFormatMark));
  RunAccuracyOptions options;
  options.enabled = true;
  RunAccuracy accuracy(plan, options);
  ModelFiles files("/nonexistent-model-cache");
  const FormatAccuracy a = accuracy.For(plan.cases[0], files);
  CHECK(!a.accuracy);
  CHECK(a.note ==
        "not measured: a .gguf model runs in its own format only, with no F32 "
        "version of its weights to compare against");
}

TEST_CASE("a model whose reference fits nowhere notes it on every format",
          "[harness][accuracy]") {
  const Plan plan = OneCase("tiny-llama", "q8_0");
  RunAccuracyOptions options;
  options.enabled = true;
  options.available_bytes = 0;
  RunAccuracy accuracy(plan, options);
  ModelFiles files("/nonexistent-model-cache");
  const FormatAccuracy a = accuracy.For(plan.cases[0], files);
  CHECK(!a.accuracy);
  CHECK(a.note.starts_with(
      "not measured: no reference fits: f32 does not fit in RAM: "));
}

}  // namespace
}  // namespace lapbench::harness
