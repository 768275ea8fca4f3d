// Parses raw CPUID dumps (AIDA64 text, libcpuid's two text formats).
#include "probes/cpuid_dump.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <optional>
#include <sstream>

#include "probes/probe_error.h"

namespace lapbench::probes {
namespace {

constexpr uint32_t kExtBase = 0x80000000u;
// libcpuid's text format stores 32 basic and 32 extended leaves.
constexpr uint32_t kLibcpuidLeafCount = 32;

// A libcpuid text key and the CPUID leaf its index counts.
struct LibcpuidKey {
  std::string_view name;
  uint32_t leaf;
  bool index_is_subleaf;  // else the index is added to `leaf`
};
constexpr LibcpuidKey kLibcpuidKeys[] = {
    {"basic_cpuid", 0, false},
    {"ext_cpuid", kExtBase, false},
    {"intel_fn4", 4, true},
    {"intel_fn11", 0xB, true},
    {"intel_fn12h", 0x12, true},
    {"intel_fn14h", 0x14, true},
    {"amd_fn8000001dh", 0x8000001Du, true},
};

// Where the parser is in the file, for error messages.
struct Cursor {
  const std::string& name;
  size_t line_no = 0;
  std::string_view line;
};

[[noreturn]] void Fail(const Cursor& at, std::string_view what,
                       std::string_view expected) {
  std::string value(at.line.substr(0, 80));
  throw ProbeError(fmt::format("CPUID dump {}:{}: {}: '{}' (expected {})",
                               at.name, at.line_no, what, value, expected));
}

std::optional<uint32_t> Hex32(std::string_view text) {
  if (text.size() != 8) return std::nullopt;
  uint32_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + 8, value, 16);
  if (ec != std::errc() || end != text.data() + 8) return std::nullopt;
  return value;
}

// Splits "A<sep>B<sep>C<sep>D" of four 8-digit hex words.
std::optional<CpuidRegs> FourWords(std::string_view text, char sep) {
  if (text.size() != 35 || text[8] != sep || text[17] != sep ||
      text[26] != sep) {
    return std::nullopt;
  }
  auto a = Hex32(text.substr(0, 8)), b = Hex32(text.substr(9, 8));
  auto c = Hex32(text.substr(18, 8)), d = Hex32(text.substr(27, 8));
  if (!a || !b || !c || !d) return std::nullopt;
  return CpuidRegs{*a, *b, *c, *d};
}

// "------[ CPUID Registers / Logical CPU #3 ]------" (or without
// "CPUID Registers / ") and "_____ Logical CPU #3 _____": the format, or
// nullopt when the line is no section header.
std::optional<CpuidDumpFormat> SectionHeader(std::string_view line) {
  if (line.find("Logical CPU #") == std::string_view::npos) {
    return std::nullopt;
  }
  if (line.rfind("------[", 0) == 0) return CpuidDumpFormat::kAida64;
  if (line.rfind("____", 0) == 0) return CpuidDumpFormat::kLibcpuidMulti;
  return std::nullopt;
}

constexpr std::string_view kAidaExpected =
    "'CPUID LLLLLLLL: EAX-EBX-ECX-EDX' with 8 hex digits each, optionally "
    "followed by ' [SL nn]'";

// "CPUID 00000007: 00000002-239C27EB-994007AC-FC18C410 [SL 01] [...]".
void ParseAidaLine(const Cursor& at, CpuidLeaves& cpu) {
  std::string_view line = at.line;
  auto leaf = Hex32(line.substr(6, 8));
  std::optional<CpuidRegs> regs;
  if (line.size() >= 51 && line.substr(14, 2) == ": ") {
    regs = FourWords(line.substr(16, 35), '-');
  }
  if (!leaf || !regs) Fail(at, "malformed CPUID line", kAidaExpected);
  uint32_t subleaf = 0;
  std::string_view rest = line.substr(51);
  if (rest.rfind(" [SL ", 0) == 0) {
    size_t close = rest.find(']');
    uint32_t value = 0;
    std::string_view digits = rest.substr(5, close - 5);
    auto [end, ec] = std::from_chars(digits.data(),
                                     digits.data() + digits.size(), value, 16);
    if (close == std::string_view::npos || digits.empty() ||
        ec != std::errc() || end != digits.data() + digits.size()) {
      Fail(at, "malformed subleaf", "' [SL nn]' with hex digits");
    }
    subleaf = value;
  }
  cpu.Set(*leaf, subleaf, *regs);
}

constexpr std::string_view kLibcpuidExpected =
    "'NAME[i]=eax ebx ecx edx' with NAME one of basic_cpuid, ext_cpuid, "
    "intel_fn4, intel_fn11, intel_fn12h, intel_fn14h, amd_fn8000001dh";

// "basic_cpuid[7]=00000000 029c67af 00000000 9c000000".
void ParseLibcpuidLine(const Cursor& at, CpuidLeaves& cpu) {
  std::string_view line = at.line;
  size_t open = line.find('['), close = line.find("]=");
  if (open == std::string_view::npos || close == std::string_view::npos ||
      close < open) {
    Fail(at, "malformed libcpuid line", kLibcpuidExpected);
  }
  std::string_view name = line.substr(0, open);
  auto key = std::find_if(std::begin(kLibcpuidKeys), std::end(kLibcpuidKeys),
                          [&](const LibcpuidKey& k) { return k.name == name; });
  uint32_t index = 0;
  std::string_view digits = line.substr(open + 1, close - open - 1);
  auto [end, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), index);
  auto regs = FourWords(line.substr(close + 2), ' ');
  if (key == std::end(kLibcpuidKeys) || digits.empty() || ec != std::errc() ||
      end != digits.data() + digits.size() || index >= 256 || !regs) {
    Fail(at, "malformed libcpuid line", kLibcpuidExpected);
  }
  if (key->index_is_subleaf) {
    cpu.Set(key->leaf, index, *regs);
  } else {
    cpu.Set(key->leaf + index, 0, *regs);
  }
}

// A section is complete when it holds leaves 0 and 1 and the highest basic
// and extended leaves it announces; libcpuid's formats always store 32 of
// each. That catches a file cut off in the middle of a CPU.
void CheckComplete(const Cursor& at, const CpuidLeaves& cpu,
                   CpuidDumpFormat format, size_t index) {
  uint32_t last_basic = cpu.MaxLeaf(false);
  uint32_t last_ext = std::max(cpu.MaxLeaf(true), kExtBase);
  if (format != CpuidDumpFormat::kAida64) {
    last_basic = kLibcpuidLeafCount - 1;
    last_ext = kExtBase + kLibcpuidLeafCount - 1;
  }
  const bool needs_ext =
      format != CpuidDumpFormat::kAida64 || cpu.Recorded(kExtBase);
  bool ok = cpu.Recorded(0) && cpu.Recorded(1) && cpu.Recorded(last_basic) &&
            (!needs_ext || cpu.Recorded(last_ext));
  if (!ok) {
    Fail(at,
         fmt::format("logical CPU #{} is incomplete (truncated dump?)", index),
         fmt::format("leaves 0, 1, {:#x} and {:#x} in every CPU section",
                     last_basic, last_ext));
  }
}

// Feeds the lines of a dump one by one into per-CPU leaf maps.
class DumpParser {
 public:
  explicit DumpParser(const std::string& name) : at_{name, 0, {}} {
    dump_.source = name;
    dump_.format = CpuidDumpFormat::kLibcpuidSingle;
  }

  void Feed(std::string_view line) {
    ++at_.line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    at_.line = line;
    if (line.find_first_not_of(" \t") == std::string_view::npos) return;
    if (auto format = SectionHeader(line)) return StartSection(*format);
    const bool aida = line.rfind("CPUID ", 0) == 0;
    if (dump_.cpus.empty()) {
      if (aida) Fail(at_, "CPUID line before any CPU section", "a header");
      dump_.cpus.emplace_back();  // the old format's only CPU
    }
    if (aida != (dump_.format == CpuidDumpFormat::kAida64)) {
      Fail(at_, "unrecognised line", aida ? kLibcpuidExpected : kAidaExpected);
    }
    if (aida) return ParseAidaLine(at_, dump_.cpus.back());
    ParseLibcpuidLine(at_, dump_.cpus.back());
  }

  CpuidDump Finish() {
    if (dump_.cpus.empty()) {
      at_.line = "";
      Fail(at_, "no CPUID data in the file", "AIDA64 or libcpuid CPUID text");
    }
    CheckLast();
    for (size_t i = 0; i < dump_.cpus.size(); ++i) {
      dump_.os_cpu_ids.push_back(static_cast<int>(i));
    }
    return std::move(dump_);
  }

 private:
  void StartSection(CpuidDumpFormat format) {
    if (!dump_.cpus.empty()) {
      if (dump_.format != format || !has_sections_) {
        Fail(at_, "section header of another format", "one dump format");
      }
      CheckLast();
    }
    has_sections_ = true;
    dump_.format = format;
    dump_.cpus.emplace_back();
  }

  void CheckLast() {
    CheckComplete(at_, dump_.cpus.back(), dump_.format, dump_.cpus.size() - 1);
  }

  Cursor at_;
  CpuidDump dump_;
  bool has_sections_ = false;
};

}  // namespace

CpuidDump ParseCpuidDump(std::string_view text, const std::string& name) {
  DumpParser parser(name);
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    parser.Feed(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return parser.Finish();
}

CpuidDump ReadCpuidDump(const std::filesystem::path& path) {
  std::error_code ec;
  const bool is_dir = std::filesystem::is_directory(path, ec);
  std::ifstream in(path, std::ios::binary);
  if (!in || is_dir) {
    throw ProbeError(
        fmt::format("cannot open CPUID dump: '{}' (expected a readable file)",
                    path.string()));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    throw ProbeError(
        fmt::format("cannot read CPUID dump: '{}' (expected a readable file)",
                    path.string()));
  }
  return ParseCpuidDump(text.str(), path.string());
}

void CpuidLeaves::Set(uint32_t leaf, uint32_t subleaf, const CpuidRegs& regs) {
  regs_[{leaf, subleaf}] = regs;
}

uint32_t CpuidLeaves::MaxLeaf(bool extended) const {
  auto it = regs_.find({extended ? kExtBase : 0u, 0u});
  return it == regs_.end() ? 0 : it->second.eax;
}

const CpuidRegs* CpuidLeaves::Find(uint32_t leaf, uint32_t subleaf) const {
  const bool extended = leaf >= kExtBase;
  if (leaf != (extended ? kExtBase : 0u) && leaf > MaxLeaf(extended)) {
    return nullptr;
  }
  auto it = regs_.find({leaf, subleaf});
  return it == regs_.end() ? nullptr : &it->second;
}

CpuidRegs CpuidLeaves::Get(uint32_t leaf, uint32_t subleaf) const {
  const CpuidRegs* regs = Find(leaf, subleaf);
  return regs ? *regs : CpuidRegs{};
}

std::string_view CpuidDumpFormatName(CpuidDumpFormat format) {
  switch (format) {
    case CpuidDumpFormat::kAida64:
      return "aida64";
    case CpuidDumpFormat::kLibcpuidMulti:
      return "libcpuid-multi";
    case CpuidDumpFormat::kLibcpuidSingle:
      return "libcpuid-single";
    case CpuidDumpFormat::kLive:
      return "live";
  }
  return "unknown";
}

}  // namespace lapbench::probes
