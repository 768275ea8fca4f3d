// Accuracy beside speed in `lapbench run`: each (model, format) of a plan
// measured once against the model's reference format over the fixed token
// sequence of harness/accuracy.h, whatever the variant, threads or
// placement of its cases, and attached to every case of that model and
// format.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/model_files.h"
#include "harness/plan.h"
#include "reports/report.h"

namespace lapbench::harness {

// A case's accuracy, or the note saying why it has none.
struct FormatAccuracy {
  std::optional<reports::CaseAccuracy> accuracy;
  std::string note;  // empty when measured
};

// The reference formats tried, most precise first.
inline constexpr const char* kReferenceFormats[] = {"f32", "f16"};

// What choosing a model's reference needs to know about the machine.
struct ReferenceRoom {
  std::optional<uint64_t> available_bytes;  // RAM; nullopt: unknown
  std::optional<uint64_t> free_disk_bytes;  // on the model cache's disk
  int n_threads = 1;
  int64_t n_tokens = 128;
};

// The reference a preset's accuracy is measured against: the first of
// kReferenceFormats whose pass fits in RAM (weights, a KV cache and
// scratch for n_tokens, and two [n_tokens][n_vocab] logits arrays; not
// checked when RAM is unknown) and whose file fits on the cache's disk
// (or is already in the cache, `cached` says). Empty with `why` set when
// none fits.
std::string ChooseReference(
    const std::string& preset, const ReferenceRoom& room,
    const std::function<bool(const std::string&)>& cached, std::string& why);

// The logits of one accuracy pass and their row length.
struct PassLogits {
  std::vector<float> logits;  // [n_tokens][n_vocab]
  int64_t n_vocab = 0;
};

// How a run measures accuracy.
struct RunAccuracyOptions {
  bool enabled = false;  // the suite's policy.accuracy
  int64_t n_tokens = 128;
  std::optional<uint64_t> available_bytes;
  int n_threads = 1;
  // Asked before each file is made and each chunk of each pass.
  std::function<bool()> stop;
  // One line per step ("accuracy: llama3.2-1b f32 reference ...").
  std::function<void(const std::string&)> note;
};

// Measures and remembers the accuracy of a run's (model, format) pairs.
class RunAccuracy {
 public:
  RunAccuracy(const Plan& plan, RunAccuracyOptions options);

  // The accuracy of `planned`'s model and format. The first runnable case
  // of a model measures all of that model's formats in the plan at once
  // (the reference pass runs once, its logits kept), making the files it
  // needs through `files`. A skipped case, a .gguf model, the reference
  // format itself, a reference that does not fit, a pass that failed or
  // was stopped: no accuracy, and the note says which.
  FormatAccuracy For(const PlannedCase& planned, ModelFiles& files);

 private:
  void MeasureModel(const std::string& model, ModelFiles& files);
  // One format's pass compared with the reference's, or why it failed.
  FormatAccuracy CompareFormat(const std::string& model,
                               const std::string& format,
                               const std::string& ref,
                               const PassLogits& reference, ModelFiles& files);
  void NoteAll(const std::string& model, const std::string& note);
  void Say(const std::string& line) const;  // to options_.note

  RunAccuracyOptions options_;
  // Formats of each model's runnable cases, in plan order.
  std::map<std::string, std::vector<std::string>> formats_;
  std::map<std::string, FormatAccuracy> known_;  // by "model|format"
};

}  // namespace lapbench::harness
