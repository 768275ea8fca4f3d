// The suite and plan in a report, and the replay plan made from one.
#include "harness/suite_json.h"

#include <fmt/format.h>

#include "harness/case_runner.h"

namespace lapbench::harness {

using nlohmann::json;

namespace {

json ThreadsJson(int threads) {
  return threads == kAllThreads ? json("all") : json(threads);
}

json SweepJson(const SuiteSweep& s) {
  json threads = json::array();
  for (int t : s.threads) threads.push_back(ThreadsJson(t));
  return {{"models", s.models},
          {"formats", s.formats},
          {"variants", s.variants},
          {"threads", threads},
          {"placements", s.placements},
          {"kv_types", s.kv_types},
          {"prompt_tokens", s.prompt_tokens},
          {"gen_tokens", s.gen_tokens}};
}

json PolicyJson(const MeasurePolicy& p) {
  return {{"warmup_runs", p.warmup_runs},
          {"min_reps", p.min_reps},
          {"max_reps", p.max_reps},
          {"target_rel_ci", p.target_rel_ci},
          {"time_budget_s", p.time_budget_s},
          {"sustained_decode_s", p.sustained_decode_s},
          {"accuracy", p.accuracy},
          {"accuracy_tokens", p.accuracy_tokens}};
}

json PlannedJson(const PlannedCase& p) {
  const Case& c = p.spec;
  return {{"id", c.id},
          {"model", c.model},
          {"format", c.format},
          {"variant", c.variant},
          {"threads", ThreadsJson(c.threads)},
          {"placement", c.placement},
          {"kv_type", c.kv_type},
          {"prompt_tokens", c.prompt_tokens},
          {"gen_tokens", c.gen_tokens},
          {"runnable", p.runnable},
          {"skip_reason", p.skip_reason},
          {"resolved", reports::ToJson(SpecOf(p))}};
}

// `json.at(key)` as T; a missing or mistyped field throws SuiteError.
template <typename T>
T Field(const json& object, const std::string& path, const char* key) {
  try {
    return object.at(key).get<T>();
  } catch (const json::exception& e) {
    throw SuiteError(
        fmt::format("replay: report field '{}.{}' is missing or "
                    "mistyped ({})",
                    path, key, e.what()));
  }
}

MeasurePolicy PolicyFrom(const json& p) {
  MeasurePolicy policy;
  policy.warmup_runs = Field<int>(p, "suite.policy", "warmup_runs");
  policy.min_reps = Field<int>(p, "suite.policy", "min_reps");
  policy.max_reps = Field<int>(p, "suite.policy", "max_reps");
  policy.target_rel_ci = Field<double>(p, "suite.policy", "target_rel_ci");
  policy.time_budget_s = Field<double>(p, "suite.policy", "time_budget_s");
  policy.sustained_decode_s =
      Field<double>(p, "suite.policy", "sustained_decode_s");
  // Reports written before accuracy was measured have neither key.
  if (p.contains("accuracy")) {
    policy.accuracy = Field<bool>(p, "suite.policy", "accuracy");
    policy.accuracy_tokens =
        Field<int64_t>(p, "suite.policy", "accuracy_tokens");
  }
  return policy;
}

SuiteSweep SweepFrom(const json& s) {
  using Strings = std::vector<std::string>;
  using Lengths = std::vector<int64_t>;
  const char* path = "suite.sweep";
  SuiteSweep sweep;
  sweep.models = Field<Strings>(s, path, "models");
  sweep.formats = Field<Strings>(s, path, "formats");
  sweep.variants = Field<Strings>(s, path, "variants");
  for (const json& t : Field<json>(s, path, "threads")) {
    sweep.threads.push_back(t.is_string() ? kAllThreads : t.get<int>());
  }
  sweep.placements = Field<Strings>(s, path, "placements");
  sweep.kv_types = Field<Strings>(s, path, "kv_types");
  sweep.prompt_tokens = Field<Lengths>(s, path, "prompt_tokens");
  sweep.gen_tokens = Field<Lengths>(s, path, "gen_tokens");
  return sweep;
}

// The one-case suite that re-plans case `c` as the report resolved it.
Suite OneCaseSuite(const json& c, const std::string& path) {
  const json resolved = Field<json>(c, path, "resolved");
  const std::string rpath = path + ".resolved";
  Suite one;
  SuiteSweep& s = one.sweep;
  s.models = {Field<std::string>(c, path, "model")};
  const std::string format = Field<std::string>(c, path, "format");
  s.formats = {format == kFileFormatMark
                   ? Field<std::string>(resolved, rpath, "format")
                   : format};
  s.variants = {Field<std::string>(resolved, rpath, "variant")};
  s.threads = {Field<int>(resolved, rpath, "threads")};
  s.placements = {Field<std::string>(c, path, "placement")};
  s.kv_types = {Field<std::string>(c, path, "kv_type")};
  s.prompt_tokens = {Field<int64_t>(c, path, "prompt_tokens")};
  s.gen_tokens = {Field<int64_t>(c, path, "gen_tokens")};
  return one;
}

// The case as the suite asked for it ("best", "all" and the file mark
// included).
Case CaseFrom(const json& c, const std::string& path) {
  Case spec;
  spec.id = Field<int>(c, path, "id");
  spec.model = Field<std::string>(c, path, "model");
  spec.format = Field<std::string>(c, path, "format");
  spec.variant = Field<std::string>(c, path, "variant");
  const json threads = Field<json>(c, path, "threads");
  spec.threads =
      threads.is_string() ? kAllThreads : Field<int>(c, path, "threads");
  spec.placement = Field<std::string>(c, path, "placement");
  spec.kv_type = Field<std::string>(c, path, "kv_type");
  spec.prompt_tokens = Field<int64_t>(c, path, "prompt_tokens");
  spec.gen_tokens = Field<int64_t>(c, path, "gen_tokens");
  return spec;
}

PlannedCase ReplayCase(const json& c, const std::string& path,
                       const MeasurePolicy& policy, const Machine& machine) {
  PlannedCase planned;
  if (Field<bool>(c, path, "runnable")) {
    Suite one = OneCaseSuite(c, path);
    one.policy = policy;
    planned = PlanSuite(one, machine).cases.at(0);
  } else {
    const json resolved = Field<json>(c, path, "resolved");
    const std::string rpath = path + ".resolved";
    planned.format = Field<std::string>(resolved, rpath, "format");
    planned.variant = Field<std::string>(resolved, rpath, "variant");
    planned.n_threads = Field<int>(resolved, rpath, "threads");
    planned.cpus = Field<std::vector<int>>(resolved, rpath, "cpus");
    planned.skip_reason = Field<std::string>(c, path, "skip_reason");
  }
  planned.spec = CaseFrom(c, path);
  return planned;
}

}  // namespace

json SuiteJson(const Suite& suite, const Plan& plan) {
  json cases = json::array();
  for (const PlannedCase& p : plan.cases) cases.push_back(PlannedJson(p));
  return {{"name", suite.name},
          {"description", suite.description},
          {"path", suite.path},
          {"sweep", SweepJson(suite.sweep)},
          {"policy", PolicyJson(suite.policy)},
          {"cases", cases}};
}

std::pair<Suite, Plan> ReplayPlan(const json& suite_json,
                                  const Machine& machine) {
  Suite suite;
  suite.name = Field<std::string>(suite_json, "suite", "name");
  suite.description = Field<std::string>(suite_json, "suite", "description");
  suite.path = Field<std::string>(suite_json, "suite", "path");
  suite.policy = PolicyFrom(Field<json>(suite_json, "suite", "policy"));
  suite.sweep = SweepFrom(Field<json>(suite_json, "suite", "sweep"));
  Plan plan;
  plan.suite_name = suite.name;
  const json cases = Field<json>(suite_json, "suite", "cases");
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::string path = fmt::format("suite.cases[{}]", i);
    plan.cases.push_back(ReplayCase(cases[i], path, suite.policy, machine));
    PlannedCase& p = plan.cases.back();
    (p.runnable ? plan.n_runnable : plan.n_skipped) += 1;
    plan.total_min_s += p.estimate.min_s;
    plan.total_max_s += p.estimate.max_s;
  }
  return {suite, plan};
}

}  // namespace lapbench::harness
