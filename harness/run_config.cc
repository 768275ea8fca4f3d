// Run configuration files: suites with one value per sweep key, read with
// the suite parser and written as TOML a person can edit.
#include "harness/run_config.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <fstream>
#include <sstream>

namespace lapbench::harness {
namespace {

// Fails on the first [sweep] key holding more than one value; the text has
// already been parsed and validated as a suite.
void CheckSingleValues(std::string_view toml_text, const std::string& path) {
  const toml::table root = toml::parse(toml_text, path);
  const toml::table* sweep = root["sweep"].as_table();
  if (sweep == nullptr) return;
  for (auto&& [key, node] : *sweep) {
    const toml::array* array = node.as_array();
    if (array == nullptr || array->size() <= 1) continue;
    std::ostringstream value;
    value << *array;
    throw SuiteError(fmt::format(
        "{}:{}: sweep.{}: '{}' (expected a single value: a config file "
        "names one configuration)",
        path, node.source().begin.line, key.str(), value.str()));
  }
}

// A TOML basic string: quoted, with backslash, quote and control
// characters escaped.
std::string TomlQuoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

bool ConfigNamesGguf(std::string_view model) {
  return model.size() > 5 && model.substr(model.size() - 5) == ".gguf";
}

}  // namespace

Suite ParseRunConfig(std::string_view toml_text, const std::string& path) {
  Suite suite = ParseSuite(toml_text, path);
  CheckSingleValues(toml_text, path);
  return suite;
}

Suite LoadRunConfig(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw SuiteError(fmt::format(
        "cannot read config file: '{}' (expected a readable TOML file)",
        path.string()));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return ParseRunConfig(text.str(), path.string());
}

RunConfig RunConfigOf(const Suite& suite) {
  const SuiteSweep& s = suite.sweep;
  return {s.models.front(),        s.formats.front(),    s.variants.front(),
          s.threads.front(),       s.placements.front(), s.kv_types.front(),
          s.prompt_tokens.front(), s.gen_tokens.front()};
}

std::string RunConfigToml(const RunConfig& c, const std::string& name,
                          const std::string& description,
                          const std::vector<std::string>& comment) {
  std::string out;
  for (const std::string& line : comment) out += "# " + line + "\n";
  out += fmt::format("name = {}\ndescription = {}\n\n[sweep]\n",
                     TomlQuoted(name), TomlQuoted(description));
  out += fmt::format("models = [{}]\n", TomlQuoted(c.model));
  if (!ConfigNamesGguf(c.model)) {
    out += fmt::format("formats = [{}]\n", TomlQuoted(c.format));
  }
  out += fmt::format("variants = [{}]\n", TomlQuoted(c.variant));
  out += fmt::format("threads = [{}]\n", c.threads == kAllThreads
                                             ? std::string("\"all\"")
                                             : std::to_string(c.threads));
  out += fmt::format("placements = [{}]\n", TomlQuoted(c.placement));
  out += fmt::format("kv_types = [{}]\n", TomlQuoted(c.kv_type));
  out += fmt::format("prompt_tokens = [{}]\ngen_tokens = [{}]\n",
                     c.prompt_tokens, c.gen_tokens);
  return out;
}

}  // namespace lapbench::harness
