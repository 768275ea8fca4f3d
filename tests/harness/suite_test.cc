// Tests suite files: the shipped suites, every kind of bad file with its
// exact message, defaults, command-line overrides and finding suites.
#include "harness/suite.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

namespace fs = std::filesystem;
using lapbench::harness::ApplyOverrides;
using lapbench::harness::DidYouMean;
using lapbench::harness::FindSuiteFile;
using lapbench::harness::kAllThreads;
using lapbench::harness::LoadSuite;
using lapbench::harness::ParseSuite;
using lapbench::harness::Suite;
using lapbench::harness::SuiteError;
using lapbench::harness::SuiteOverrides;

namespace {

const fs::path kFixtures = fs::path(LAPBENCH_FIXTURES_DIR) / "suites";
const fs::path kShipped =
    fs::path(LAPBENCH_FIXTURES_DIR) / ".." / ".." / "configs" / "suites";

std::string Fixture(const std::string& name) {
  return (kFixtures / name).string();
}

// The message LoadSuite throws for fixture `name`.
std::string LoadError(const std::string& name) {
  try {
    LoadSuite(Fixture(name));
  } catch (const SuiteError& e) {
    return e.what();
  }
  return "no error";
}

Suite TinySuite() {
  return ParseSuite("[sweep]\nmodels = [\"tiny-llama\"]\n", "tiny.toml");
}

}  // namespace

TEST_CASE("every shipped suite parses", "[harness][suite]") {
  for (const char* name :
       {"quick", "standard", "full", "throttle", "ci", "ci-bench"}) {
    INFO(name);
    Suite suite = LoadSuite(kShipped / (std::string(name) + ".toml"));
    CHECK(suite.name == name);
    CHECK_FALSE(suite.description.empty());
  }
}

TEST_CASE("the quick suite is Llama 3.2 1B in q4_0 and q8_0 on all threads",
          "[harness][suite]") {
  Suite quick = LoadSuite(kShipped / "quick.toml");
  CHECK(quick.sweep.models == std::vector<std::string>{"llama3.2-1b"});
  CHECK(quick.sweep.formats == std::vector<std::string>{"q4_0", "q8_0"});
  CHECK(quick.sweep.variants == std::vector<std::string>{"best"});
  CHECK(quick.sweep.threads == std::vector<int>{kAllThreads});
  CHECK(quick.policy.time_budget_s == 120);
}

TEST_CASE("the throttle suite names a sustained decode span",
          "[harness][suite]") {
  CHECK(LoadSuite(kShipped / "throttle.toml").policy.sustained_decode_s == 600);
}

TEST_CASE("a suite with only models gets the documented defaults",
          "[harness][suite]") {
  Suite suite = TinySuite();
  CHECK(suite.name == "tiny");
  CHECK(suite.sweep.formats == std::vector<std::string>{"q4_0"});
  CHECK(suite.sweep.variants == std::vector<std::string>{"best"});
  CHECK(suite.sweep.threads == std::vector<int>{kAllThreads});
  CHECK(suite.sweep.placements == std::vector<std::string>{"all"});
  CHECK(suite.sweep.kv_types == std::vector<std::string>{"f16"});
  CHECK(suite.sweep.prompt_tokens == std::vector<int64_t>{128});
  CHECK(suite.sweep.gen_tokens == std::vector<int64_t>{64});
  CHECK(suite.policy.warmup_runs == 1);
  CHECK(suite.policy.min_reps == 3);
  CHECK(suite.policy.max_reps == 10);
  CHECK(suite.policy.target_rel_ci == 0.05);
  CHECK(suite.policy.time_budget_s == 0);
  CHECK(suite.policy.sustained_decode_s == 0);
  CHECK(suite.policy.accuracy == false);
  CHECK(suite.policy.accuracy_tokens == 128);
}

TEST_CASE("the accuracy policy keys are read and checked", "[harness][suite]") {
  const std::string head = "[sweep]\nmodels = \"tiny-llama\"\n[policy]\n";
  const Suite suite =
      ParseSuite(head + "accuracy = true\naccuracy_tokens = 32\n", "acc.toml");
  CHECK(suite.policy.accuracy == true);
  CHECK(suite.policy.accuracy_tokens == 32);
  const auto error = [&head](const std::string& policy) {
    try {
      ParseSuite(head + policy, "acc.toml");
    } catch (const SuiteError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error("accuracy = \"yes\"\n") ==
        "acc.toml:4: policy.accuracy: 'yes' (expected true or false)");
  CHECK(error("accuracy_tokens = 0\n") ==
        "acc.toml:4: policy.accuracy_tokens: '0' (expected a whole number "
        "from 1 to 4096)");
}

TEST_CASE("single values count as lists and names take canonical spelling",
          "[harness][suite]") {
  Suite suite = ParseSuite(
      "[sweep]\nmodels = \"tiny-llama\"\nformats = [\"Q4_K\", \"q8_0\"]\n"
      "threads = 2\n[policy]\ntime_budget_s = 30\n",
      "one.toml");
  CHECK(suite.sweep.models == std::vector<std::string>{"tiny-llama"});
  CHECK(suite.sweep.formats == std::vector<std::string>{"q4_k_m", "q8_0"});
  CHECK(suite.sweep.threads == std::vector<int>{2});
  CHECK(suite.policy.time_budget_s == 30.0);
}

TEST_CASE("bad suite files are refused naming file, line, key and value",
          "[harness][suite]") {
  struct Bad {
    const char* file;
    const char* message;  // after the fixture path
  };
  const Bad kBad[] = {
      {"unknown-key.toml",
       ":5: unknown key: 'sweep.thred' (expected a key in [sweep]: models, "
       "formats, variants, threads, placements, kv_types, prompt_tokens, "
       "gen_tokens; did you mean 'threads'?)"},
      {"unknown-top-key.toml",
       ":2: unknown key: 'sweeps' (expected a key at the top: name, "
       "description, sweep, policy; did you mean 'sweep'?)"},
      {"wrong-type.toml",
       ":3: sweep.threads[1]: 'two' (expected a whole number from 1 to 1024 "
       "or 'all')"},
      {"zero-threads.toml",
       ":3: sweep.threads[0]: '0' (expected a whole number from 1 to 1024 or "
       "'all')"},
      {"empty-list.toml",
       ":3: sweep.formats: '[]' (expected a non-empty list)"},
      {"negative-gen.toml",
       ":3: sweep.gen_tokens[1]: '-1' (expected a whole number of tokens "
       "from 0 to 1048576)"},
      {"reps-order.toml",
       ":6: policy.max_reps: '2' (expected at least policy.min_reps, 5)"},
      {"unknown-format.toml",
       ":3: sweep.formats[1]: 'q5_1' (expected one of f32, f16, bf16, q8_0, "
       "q6_k, q4_k_m, q4_0; q4_k means q4_k_m)"},
      {"unknown-variant.toml",
       ":3: sweep.variants[0]: 'avx3' (expected one of best, avx512, avx2, "
       "onednn, ref; did you mean 'avx2'?)"},
      {"unknown-placement.toml",
       ":3: sweep.placements[0]: 'e-cores' (expected one of all, physical, "
       "performance, efficiency, low-power)"},
      {"unknown-kv-type.toml",
       ":3: sweep.kv_types[0]: 'q8_0' (expected one of f16, f32)"},
      {"unknown-preset.toml",
       ":2: sweep.models[0]: 'llama3-1b' (expected a preset (gemma4-12b, "
       "gemma4-31b, gemma3-1b, gemma3-4b, gemma3-12b, llama3.2-1b, "
       "llama3.2-3b, llama3.1-8b, tiny-llama, tiny-gemma3, tiny-gemma4) or a "
       "path ending in .gguf; did you mean 'llama3.2-1b'?)"},
      {"syntax-error.toml",
       ":2: invalid TOML: 'Error while parsing array: encountered "
       "end-of-file' (expected TOML 1.0; see configs/README.md)"},
      {"missing-models.toml",
       ":3: missing key: 'sweep.models' (expected a list of presets or .gguf "
       "paths)"},
      {"ci-type.toml",
       ":5: policy.target_rel_ci: '5%' (expected a number above 0 and below "
       "1)"},
      {"repeated-model.toml",
       ":2: sweep.models[1]: 'tiny-llama' (expected no value listed twice)"},
      {"sweep-not-table.toml", ":1: sweep: 'all' (expected a table [sweep])"},
  };
  for (const Bad& bad : kBad) {
    INFO(bad.file);
    CHECK(LoadError(bad.file) == Fixture(bad.file) + bad.message);
  }
}

TEST_CASE("a suite file that cannot be read is named", "[harness][suite]") {
  CHECK(LoadError("absent.toml") == "cannot read suite file: '" +
                                        Fixture("absent.toml") +
                                        "' (expected a readable TOML file)");
}

TEST_CASE("overrides replace only the dimensions given", "[harness][suite]") {
  Suite suite = TinySuite();
  SuiteOverrides o;
  o.threads = {{"1", "all"}};
  o.formats = {{"q4_k", "Q8_0"}};
  o.models = {{"models/a.gguf"}};
  ApplyOverrides(suite, o);
  CHECK(suite.sweep.threads == std::vector<int>{1, kAllThreads});
  CHECK(suite.sweep.formats == std::vector<std::string>{"q4_k_m", "q8_0"});
  CHECK(suite.sweep.models == std::vector<std::string>{"models/a.gguf"});
  CHECK(suite.sweep.variants == std::vector<std::string>{"best"});
  CHECK(suite.sweep.prompt_tokens == std::vector<int64_t>{128});
}

TEST_CASE("bad overrides name the flag and the value", "[harness][suite]") {
  auto error = [](SuiteOverrides o) -> std::string {
    Suite suite = TinySuite();
    try {
      ApplyOverrides(suite, o);
    } catch (const SuiteError& e) {
      return e.what();
    }
    return "no error";
  };
  SuiteOverrides threads;
  threads.threads = {{"2", "0"}};
  CHECK(error(threads) ==
        "--threads: '0' (expected a whole number from 1 to 1024 or 'all')");
  SuiteOverrides repeat;
  repeat.threads = {{"2", "2"}};
  CHECK(error(repeat) == "--threads: '2' (expected no value listed twice)");
  SuiteOverrides variants;
  variants.variants = {{"avx521"}};
  CHECK(error(variants) ==
        "--variants: 'avx521' (expected one of best, avx512, avx2, onednn, "
        "ref; did you mean 'avx512'?)");
  SuiteOverrides prompt;
  prompt.prompt_tokens = {{"12x"}};
  CHECK(error(prompt) ==
        "--prompt-tokens: '12x' (expected a whole number of tokens from 1 "
        "to 1048576)");
  SuiteOverrides empty;
  empty.placements = std::vector<std::string>{};
  CHECK(error(empty) == "--placements: '' (expected a non-empty list)");
}

TEST_CASE("suites are found by name or path", "[harness][suite]") {
  CHECK(FindSuiteFile("ci", {kFixtures, kShipped}) == kShipped / "ci.toml");
  CHECK(FindSuiteFile("x/y.toml", {kShipped}) == fs::path("x/y.toml"));
  CHECK(FindSuiteFile("other.toml", {}) == fs::path("other.toml"));
  CHECK_THROWS_WITH(
      FindSuiteFile("quik", {kShipped}),
      "unknown suite: 'quik' (expected one of ci, ci-bench, full, quick, "
      "standard, throttle, or a path to a .toml file)");
}

TEST_CASE("did-you-mean offers only close names", "[harness][suite]") {
  CHECK(DidYouMean("thread", {"threads", "formats"}) == "threads");
  CHECK(DidYouMean("zzz", {"threads", "formats"}).empty());
  CHECK(DidYouMean("ab", {"abc"}).empty());  // 1 edit is half of 2 letters
}
