// Reads a suite TOML file into a Suite, naming file, line and key of any
// mistake (toml++ keeps the source region of every key and value).
#include "harness/suite.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "harness/suite_values.h"

namespace lapbench::harness {
namespace {

const std::vector<std::string_view> kTopKeys = {"name", "description", "sweep",
                                                "policy"};
const std::vector<std::string_view> kSweepKeys = {
    "models",     "formats",  "variants",      "threads",
    "placements", "kv_types", "prompt_tokens", "gen_tokens"};
const std::vector<std::string_view> kPolicyKeys = {
    "warmup_runs",   "min_reps",           "max_reps", "target_rel_ci",
    "time_budget_s", "sustained_decode_s", "accuracy", "accuracy_tokens"};

// Values longer than this are cut in messages.
constexpr size_t kMaxValueChars = 40;

// A node as the message quotes it: strings bare, the rest as TOML.
std::string ValueText(const toml::node& node) {
  if (const auto* s = node.as_string()) return s->get();
  std::ostringstream out;
  node.visit([&out](auto&& value) { out << value; });
  std::string text = out.str();
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  if (text.size() > kMaxValueChars) {
    text = text.substr(0, kMaxValueChars - 3) + "...";
  }
  return text;
}

// One suite file being read; every check fails with the file's name.
class SuiteReader {
 public:
  explicit SuiteReader(const std::string& path) : path_(path) {}

  Suite Read(const toml::table& root);

 private:
  [[noreturn]] void Fail(const toml::source_region& where, std::string_view key,
                         std::string_view value,
                         std::string_view expected) const {
    throw SuiteError(fmt::format("{}:{}: {}: '{}' (expected {})", path_,
                                 where.begin.line, key, value, expected));
  }
  void CheckKeys(const toml::table& table, std::string_view prefix,
                 const std::vector<std::string_view>& allowed) const;
  const toml::table* SubTable(const toml::table& root,
                              std::string_view key) const;
  std::vector<const toml::node*> Items(const toml::node& node,
                                       const std::string& key) const;
  std::vector<std::string> Names(const toml::table* table, std::string_view key,
                                 NameKind kind,
                                 std::vector<std::string> fallback) const;
  std::vector<int64_t> Counts(const toml::table* table, std::string_view key,
                              CountKind kind,
                              std::vector<int64_t> fallback) const;
  int64_t Int(const toml::table* table, std::string_view key, int64_t lo,
              int64_t hi, int64_t fallback) const;
  double Seconds(const toml::table* table, std::string_view key, double hi,
                 double fallback) const;
  double Fraction(const toml::table* table, std::string_view key,
                  double fallback) const;
  bool Bool(const toml::table* table, std::string_view key,
            bool fallback) const;
  std::string Text(const toml::table& table, std::string_view key,
                   std::string fallback) const;
  SuiteSweep ReadSweep(const toml::table& root) const;
  MeasurePolicy ReadPolicy(const toml::table& root) const;

  const std::string& path_;
};

void SuiteReader::CheckKeys(
    const toml::table& table, std::string_view prefix,
    const std::vector<std::string_view>& allowed) const {
  for (auto&& [key, value] : table) {
    std::string_view name = key.str();
    if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) {
      continue;
    }
    std::string full =
        prefix.empty() ? std::string(name) : fmt::format("{}.{}", prefix, name);
    std::string where =
        prefix.empty() ? "at the top" : fmt::format("in [{}]", prefix);
    std::string expected =
        fmt::format("a key {}: {}", where, fmt::join(allowed, ", "));
    std::string close = DidYouMean(name, allowed);
    if (!close.empty()) expected += fmt::format("; did you mean '{}'?", close);
    throw SuiteError(fmt::format("{}:{}: unknown key: '{}' (expected {})",
                                 path_, key.source().begin.line, full,
                                 expected));
  }
}

const toml::table* SuiteReader::SubTable(const toml::table& root,
                                         std::string_view key) const {
  const toml::node* node = root.get(key);
  if (node == nullptr) return nullptr;
  if (!node->is_table()) {
    Fail(node->source(), key, ValueText(*node),
         fmt::format("a table [{}]", key));
  }
  return node->as_table();
}

// The elements of a list value; a single value counts as a list of one.
std::vector<const toml::node*> SuiteReader::Items(
    const toml::node& node, const std::string& key) const {
  std::vector<const toml::node*> items;
  if (const auto* array = node.as_array()) {
    if (array->empty()) Fail(node.source(), key, "[]", "a non-empty list");
    for (const toml::node& item : *array) items.push_back(&item);
  } else {
    items.push_back(&node);
  }
  return items;
}

std::vector<std::string> SuiteReader::Names(
    const toml::table* table, std::string_view key, NameKind kind,
    std::vector<std::string> fallback) const {
  const toml::node* node = table ? table->get(key) : nullptr;
  if (node == nullptr) return fallback;
  std::vector<std::string> names;
  std::vector<const toml::node*> items =
      Items(*node, fmt::format("sweep.{}", key));
  for (size_t i = 0; i < items.size(); ++i) {
    std::string item_key = fmt::format("sweep.{}[{}]", key, i);
    std::optional<std::string> name;
    if (const auto* s = items[i]->as_string()) name = CanonicalName(kind, **s);
    if (!name) {
      std::string value = ValueText(*items[i]);
      std::string expected = ExpectedName(kind);
      std::string close = DidYouMean(value, KnownNames(kind));
      if (!close.empty())
        expected += fmt::format("; did you mean '{}'?", close);
      Fail(items[i]->source(), item_key, value, expected);
    }
    if (std::find(names.begin(), names.end(), *name) != names.end()) {
      Fail(items[i]->source(), item_key, *name, "no value listed twice");
    }
    names.push_back(*name);
  }
  return names;
}

std::vector<int64_t> SuiteReader::Counts(const toml::table* table,
                                         std::string_view key, CountKind kind,
                                         std::vector<int64_t> fallback) const {
  const toml::node* node = table ? table->get(key) : nullptr;
  if (node == nullptr) return fallback;
  std::vector<int64_t> counts;
  std::vector<const toml::node*> items =
      Items(*node, fmt::format("sweep.{}", key));
  for (size_t i = 0; i < items.size(); ++i) {
    std::string item_key = fmt::format("sweep.{}[{}]", key, i);
    std::optional<int64_t> count;
    if (const auto* n = items[i]->as_integer()) {
      if (CountAllowed(kind, **n)) count = **n;
    } else if (const auto* s = items[i]->as_string()) {
      if (kind == CountKind::kThreads && **s == "all") count = kAllThreads;
    }
    if (!count) {
      Fail(items[i]->source(), item_key, ValueText(*items[i]),
           ExpectedCount(kind));
    }
    if (std::find(counts.begin(), counts.end(), *count) != counts.end()) {
      Fail(items[i]->source(), item_key, ValueText(*items[i]),
           "no value listed twice");
    }
    counts.push_back(*count);
  }
  return counts;
}

int64_t SuiteReader::Int(const toml::table* table, std::string_view key,
                         int64_t lo, int64_t hi, int64_t fallback) const {
  const toml::node* node = table ? table->get(key) : nullptr;
  if (node == nullptr) return fallback;
  const auto* n = node->as_integer();
  if (n == nullptr || **n < lo || **n > hi) {
    Fail(node->source(), fmt::format("policy.{}", key), ValueText(*node),
         fmt::format("a whole number from {} to {}", lo, hi));
  }
  return **n;
}

// A number (integer or float) from a node, or nullopt.
std::optional<double> Number(const toml::node& node) {
  if (const auto* n = node.as_integer()) return static_cast<double>(**n);
  if (const auto* f = node.as_floating_point()) return **f;
  return std::nullopt;
}

double SuiteReader::Seconds(const toml::table* table, std::string_view key,
                            double hi, double fallback) const {
  const toml::node* node = table ? table->get(key) : nullptr;
  if (node == nullptr) return fallback;
  std::optional<double> s = Number(*node);
  if (!s || !(*s >= 0 && *s <= hi)) {
    Fail(node->source(), fmt::format("policy.{}", key), ValueText(*node),
         fmt::format("seconds from 0 to {:g}", hi));
  }
  return *s;
}

double SuiteReader::Fraction(const toml::table* table, std::string_view key,
                             double fallback) const {
  const toml::node* node = table ? table->get(key) : nullptr;
  if (node == nullptr) return fallback;
  std::optional<double> f = Number(*node);
  if (!f || !(*f > 0 && *f < 1)) {
    Fail(node->source(), fmt::format("policy.{}", key), ValueText(*node),
         "a number above 0 and below 1");
  }
  return *f;
}

bool SuiteReader::Bool(const toml::table* table, std::string_view key,
                       bool fallback) const {
  const toml::node* node = table ? table->get(key) : nullptr;
  if (node == nullptr) return fallback;
  const auto* b = node->as_boolean();
  if (b == nullptr) {
    Fail(node->source(), fmt::format("policy.{}", key), ValueText(*node),
         "true or false");
  }
  return **b;
}

std::string SuiteReader::Text(const toml::table& table, std::string_view key,
                              std::string fallback) const {
  const toml::node* node = table.get(key);
  if (node == nullptr) return fallback;
  const auto* s = node->as_string();
  if (s == nullptr) Fail(node->source(), key, ValueText(*node), "a string");
  return s->get();
}

SuiteSweep SuiteReader::ReadSweep(const toml::table& root) const {
  const toml::table* table = SubTable(root, "sweep");
  if (table == nullptr || table->get("models") == nullptr) {
    toml::source_region where = table ? table->source() : root.source();
    throw SuiteError(fmt::format(
        "{}:{}: missing key: 'sweep.models' (expected a list of presets or "
        ".gguf paths)",
        path_, std::max<uint32_t>(where.begin.line, 1)));
  }
  CheckKeys(*table, "sweep", kSweepKeys);
  SuiteSweep sweep;
  sweep.models = Names(table, "models", NameKind::kModel, {});
  sweep.formats = Names(table, "formats", NameKind::kFormat, {"q4_0"});
  sweep.variants =
      Names(table, "variants", NameKind::kVariant, {std::string(kBestVariant)});
  for (int64_t t :
       Counts(table, "threads", CountKind::kThreads, {kAllThreads})) {
    sweep.threads.push_back(static_cast<int>(t));
  }
  sweep.placements = Names(table, "placements", NameKind::kPlacement, {"all"});
  sweep.kv_types = Names(table, "kv_types", NameKind::kKvType, {"f16"});
  sweep.prompt_tokens =
      Counts(table, "prompt_tokens", CountKind::kPromptTokens, {128});
  sweep.gen_tokens = Counts(table, "gen_tokens", CountKind::kGenTokens, {64});
  return sweep;
}

MeasurePolicy SuiteReader::ReadPolicy(const toml::table& root) const {
  const toml::table* table = SubTable(root, "policy");
  if (table != nullptr) CheckKeys(*table, "policy", kPolicyKeys);
  MeasurePolicy p;
  p.warmup_runs = static_cast<int>(Int(table, "warmup_runs", 0, 100, 1));
  p.min_reps = static_cast<int>(Int(table, "min_reps", 1, 10000, 3));
  p.max_reps = static_cast<int>(
      Int(table, "max_reps", 1, 10000, std::max(10, p.min_reps)));
  if (p.max_reps < p.min_reps) {
    const toml::node* node = table->get("max_reps");
    Fail(node->source(), "policy.max_reps", ValueText(*node),
         fmt::format("at least policy.min_reps, {}", p.min_reps));
  }
  p.target_rel_ci = Fraction(table, "target_rel_ci", 0.05);
  p.time_budget_s = Seconds(table, "time_budget_s", 1e7, 0);
  p.sustained_decode_s = Seconds(table, "sustained_decode_s", 86400, 0);
  p.accuracy = Bool(table, "accuracy", false);
  p.accuracy_tokens =
      Int(table, "accuracy_tokens", 1, kMaxAccuracyTokens, p.accuracy_tokens);
  return p;
}

Suite SuiteReader::Read(const toml::table& root) {
  CheckKeys(root, "", kTopKeys);
  Suite suite;
  suite.path = path_;
  suite.name = Text(root, "name", std::filesystem::path(path_).stem().string());
  suite.description = Text(root, "description", "");
  suite.sweep = ReadSweep(root);
  suite.policy = ReadPolicy(root);
  return suite;
}

// Levenshtein distance, for did-you-mean.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string DidYouMean(std::string_view word,
                       const std::vector<std::string_view>& candidates) {
  std::string best;
  size_t best_distance = 3;  // at most 2 edits
  for (std::string_view candidate : candidates) {
    size_t d = EditDistance(word, candidate);
    if (d < best_distance && 2 * d < word.size()) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

Suite ParseSuite(std::string_view toml_text, const std::string& path) {
  toml::table root;
  try {
    root = toml::parse(toml_text, path);
  } catch (const toml::parse_error& e) {
    throw SuiteError(
        fmt::format("{}:{}: invalid TOML: '{}' (expected TOML "
                    "1.0; see configs/README.md)",
                    path, e.source().begin.line, e.description()));
  }
  return SuiteReader(path).Read(root);
}

Suite LoadSuite(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw SuiteError(fmt::format(
        "cannot read suite file: '{}' (expected a readable TOML file)",
        path.string()));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return ParseSuite(text.str(), path.string());
}

}  // namespace lapbench::harness
