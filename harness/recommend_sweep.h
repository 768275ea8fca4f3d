// The focused sweep `lapbench recommend` runs when it is given no report:
// one model over two formats and two thread counts on this machine.
#pragma once

#include <filesystem>
#include <string>

#include "harness/suite.h"
#include "reports/report.h"

namespace lapbench::harness {

// The suite of the sweep: `model` (a preset, or a .gguf file in its own
// format) in q4_0 and q8_0, the best variant, 1 thread and every thread
// on all CPUs, f16 KV cache, a 64-token prompt and 32 generated tokens;
// one warm-up, then 3 to 5 runs until the decode interval is within 5%.
// Throws SuiteError when `model` is neither a preset nor a .gguf path.
Suite FocusedSweepSuite(const std::string& model);

// Probes this machine (without measuring bandwidth), plans `suite`,
// prints the plan's size and estimate to stderr, runs it into `out_dir`
// (report.json and cases.jsonl) with models made in `model_cache`, and
// returns the report. Throws what planning and running throw.
reports::Report RunFocusedSweep(const Suite& suite,
                                const std::filesystem::path& out_dir,
                                const std::filesystem::path& model_cache);

}  // namespace lapbench::harness
