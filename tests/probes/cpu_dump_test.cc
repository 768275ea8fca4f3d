// CPUID dump parsing: the three formats, malformed files, XCR0 and the OS.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "probes/cpu.h"
#include "probes/cpu_decode.h"
#include "probes/cpuid_dump.h"
#include "probes/probe_error.h"

namespace lapbench::probes {
namespace {

namespace fs = std::filesystem;

const std::string kCpuidDir = std::string(LAPBENCH_FIXTURES_DIR) + "/cpuid/";

std::string ReadFixture(const std::string& name) {
  std::ifstream in(kCpuidDir + name, std::ios::binary);
  REQUIRE(in);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The first `n_lines` lines of `text`, each with its newline.
std::string FirstLines(const std::string& text, int n_lines) {
  size_t end = 0;
  for (int i = 0; i < n_lines; ++i) end = text.find('\n', end) + 1;
  return text.substr(0, end);
}

// A file in a fresh temporary directory, removed with it.
class TempFile {
 public:
  TempFile(const std::string& name, const std::string& text) {
    dir_ = fs::temp_directory_path() /
           ("lapbench-cpu-test-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    path_ = dir_ / name;
    std::ofstream(path_, std::ios::binary) << text;
  }
  ~TempFile() { fs::remove_all(dir_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path dir_, path_;
};

// The ProbeError message of parsing `text` as "x.raw".
std::string ParseError(const std::string& text) {
  try {
    ParseCpuidDump(text, "x.raw");
  } catch (const ProbeError& e) {
    return e.what();
  }
  return "no error";
}

bool HasWarning(const CpuInfo& cpu, const std::string& part) {
  for (const std::string& w : cpu.warnings) {
    if (w.find(part) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("Each dump format is recognised with its CPU sections",
          "[probes][cpu]") {
  CpuidDump aida = ReadCpuidDump(kCpuidDir + "amd-zen2-renoir-r5-4500u.raw");
  CHECK(aida.format == CpuidDumpFormat::kAida64);
  CHECK(aida.cpus.size() == 6);
  CpuidDump multi =
      ReadCpuidDump(kCpuidDir + "amd-zen4-hawkpoint-r7-8845hs.raw");
  CHECK(multi.format == CpuidDumpFormat::kLibcpuidMulti);
  CHECK(multi.cpus.size() == 16);
  CpuidDump single = ReadCpuidDump(kCpuidDir + "intel-kabylake-u-i7-7500u.raw");
  CHECK(single.format == CpuidDumpFormat::kLibcpuidSingle);
  CHECK(single.cpus.size() == 1);
}

TEST_CASE("Leaves above the announced maximum are ignored", "[probes][cpu]") {
  // The 7500U's maximum basic leaf is 0x16; libcpuid's format still stores
  // leaves up to 31, copies of 0x16.
  CpuidDump dump = ReadCpuidDump(kCpuidDir + "intel-kabylake-u-i7-7500u.raw");
  REQUIRE(dump.cpus[0].Find(0x16) != nullptr);
  CHECK(dump.cpus[0].Find(0x17) == nullptr);
  CHECK(dump.cpus[0].Get(0x1A).eax == 0);
}

TEST_CASE("A missing dump file is a ProbeError naming it", "[probes][cpu]") {
  const std::string path = kCpuidDir + "no-such-dump.raw";
  CHECK_THROWS_WITH(
      ProbeCpu(FsRoot("/"), path),
      Catch::Contains(path) && Catch::Contains("expected a readable file"));
}

TEST_CASE("A garbage line is a ProbeError naming the file and line",
          "[probes][cpu]") {
  std::string text = ReadFixture("intel-tigerlake-i7-1165g7.raw");
  text.insert(FirstLines(text, 4).size(), "hello world\n");
  TempFile file("garbage.raw", text);
  CHECK_THROWS_WITH(ProbeCpu(FsRoot("/"), file.path()),
                    Catch::Contains(file.path().string() + ":5:") &&
                        Catch::Contains("'hello world'") &&
                        Catch::Contains("expected"));
}

TEST_CASE("A dump cut in the middle of a line names that line",
          "[probes][cpu]") {
  const std::string text = ReadFixture("intel-tigerlake-i7-1165g7.raw");
  const std::string cut = FirstLines(text, 100) + "CPUID 00000007: 0000";
  CHECK_THAT(ParseError(cut), Catch::Contains("x.raw:101:") &&
                                  Catch::Contains("malformed CPUID line"));
}

TEST_CASE("A dump cut between lines reports the incomplete CPU",
          "[probes][cpu]") {
  const std::string text = ReadFixture("intel-tigerlake-i7-1165g7.raw");
  CHECK_THAT(ParseError(FirstLines(text, 100)),
             Catch::Contains("x.raw:100:") &&
                 Catch::Contains("is incomplete (truncated dump?)"));
  const std::string libcpuid = ReadFixture("amd-zen4-hawkpoint-r7-8845hs.raw");
  CHECK_THAT(ParseError(FirstLines(libcpuid, 30)),
             Catch::Contains("x.raw:30:") && Catch::Contains("#0"));
}

TEST_CASE("Malformed registers, headers and empty files are rejected",
          "[probes][cpu]") {
  CHECK_THAT(ParseError(""), Catch::Contains("no CPUID data"));
  CHECK_THAT(ParseError("CPUID 00000000: 00000001-0-0-0\n"),
             Catch::Contains("x.raw:1:"));
  CHECK_THAT(ParseError("basic_cpuid[0]=0000000g 00000000 00000000 00000000"),
             Catch::Contains("malformed libcpuid line"));
  CHECK_THAT(ParseError("bogus_fn[0]=00000000 00000000 00000000 00000000"),
             Catch::Contains("basic_cpuid, ext_cpuid"));
  CHECK_THAT(
      ParseError("------[ CPUID Registers / Logical CPU #0 ]------\n"
                 "------[ CPUID Registers / Logical CPU #1 ]------\n"),
      Catch::Contains("x.raw:2:") && Catch::Contains("#0 is incomplete"));
}

TEST_CASE("Hawk Point's dump cannot say whether AVX-VNNI or BF16 exist",
          "[probes][cpu]") {
  const CpuInfo cpu =
      ProbeCpu(FsRoot("/"), kCpuidDir + "amd-zen4-hawkpoint-r7-8845hs.raw");
  CHECK(cpu.features_unknown ==
        std::vector<CpuFeature>{CpuFeature::kAvxVnni, CpuFeature::kAvx512Bf16});
  const nlohmann::json json = ToJson(cpu);
  CHECK(json["features"]["avx512_bf16"].is_null());
  CHECK_THAT(json["features"]["avx512_bf16_reason"].get<std::string>(),
             Catch::Contains("libcpuid-multi format does not record"));
}

TEST_CASE("A feature whose state the OS leaves off is reported unusable",
          "[probes][cpu]") {
  // Tiger Lake supports XCR0 0x2E7; an OS enabling only x87/SSE/AVX (0x7)
  // leaves AVX-512 off although CPUID advertises it.
  std::string text = ReadFixture("intel-tigerlake-i7-1165g7.raw");
  const std::string from = "CPUID 0000000D: 000002E7-";
  const std::string to = "CPUID 0000000D: 00000007-";
  int replaced = 0;
  for (size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at)) {
    text.replace(at, from.size(), to);
    ++replaced;
  }
  REQUIRE(replaced == 8);
  TempFile file("no-zmm.raw", text);
  const CpuInfo cpu = ProbeCpu(FsRoot("/"), file.path());
  CHECK(cpu.features.CpuHas(CpuFeature::kAvx512F));
  CHECK_FALSE(cpu.features.Usable(CpuFeature::kAvx512F));
  CHECK(cpu.features.Usable(CpuFeature::kAvx2));
  CHECK(HasWarning(cpu, "has avx512f but the OS has not enabled"));
  const nlohmann::json json = ToJson(cpu);
  CHECK(json["features_os_disabled"][0] == "avx512f");
  CHECK(json["xcr0"] == "0x7");
}

TEST_CASE("A dump with a matching /proc/cpuinfo agrees with the OS",
          "[probes][cpu]") {
  const CpuInfo cpu = ProbeCpu(FsRoot(kCpuidDir + "os/phoenix-agrees"),
                               kCpuidDir + "amd-zen4-phoenix-r9-7940h.raw");
  REQUIRE(cpu.os_cross_check.has_value());
  CHECK(*cpu.os_cross_check == "agrees with /proc/cpuinfo");
}

TEST_CASE("OS disagreements on counts and features become warnings",
          "[probes][cpu]") {
  // The OS runs with SMT off and AVX-512 hidden (clearcpuid).
  const CpuInfo cpu =
      ProbeCpu(FsRoot(kCpuidDir + "os/phoenix-smt-off-no-avx512"),
               kCpuidDir + "amd-zen4-phoenix-r9-7940h.raw");
  REQUIRE(cpu.os_cross_check.has_value());
  // 1 count + avx512 f, bw, vl, dq, vnni, bf16.
  CHECK(*cpu.os_cross_check ==
        "7 disagreement(s) with /proc/cpuinfo "
        "(see warnings)");
  CHECK(HasWarning(cpu, "number of logical CPUs: '8' (CPUID says '16')"));
  CHECK(HasWarning(cpu, "does not list 'avx512f'"));
}

TEST_CASE("A dump against the live root skips the OS cross-check",
          "[probes][cpu]") {
  const CpuInfo cpu =
      ProbeCpu(FsRoot("/"), kCpuidDir + "amd-zen4-phoenix-r9-7940h.raw");
  CHECK_FALSE(cpu.os_cross_check.has_value());
  CHECK_FALSE(cpu.base_mhz.has_value());
  const nlohmann::json json = ToJson(cpu);
  CHECK(json["base_mhz"].is_null());
  CHECK_THAT(json["base_mhz_reason"].get<std::string>(),
             Catch::Contains("no cpufreq"));
}

TEST_CASE("Clocks come from leaf 0x16, which wins over the brand string",
          "[probes][cpu]") {
  const CpuInfo mtl =
      ProbeCpu(FsRoot("/"), kCpuidDir + "intel-meteorlake-h-ultra7-155h.raw");
  CHECK(mtl.base_mhz.value_or(0) == 3000);
  CHECK(mtl.max_mhz.value_or(0) == 4800);
  CHECK(mtl.base_mhz_source == "CPUID leaf 0x16");
  // The 1065G7's brand says "@ 1.30GHz"; leaf 0x16 says 1500 MHz, the base
  // this laptop was configured for (configurable TDP-up).
  const CpuInfo icl =
      ProbeCpu(FsRoot("/"), kCpuidDir + "intel-icelake-i7-1065g7.raw");
  CHECK(icl.base_mhz.value_or(0) == 1500);
  CHECK(icl.max_mhz.value_or(0) == 3900);
  CHECK(HasWarning(icl, "brand string says 1300 MHz"));
}

TEST_CASE("The brand string's clock is read in GHz or MHz after an '@'",
          "[probes][cpu]") {
  CHECK(BrandClockMhz("Intel(R) Core(TM) i7-8550U CPU @ 1.80GHz") == 1800);
  CHECK(BrandClockMhz("Intel(R) Pentium(R) III CPU @ 866MHz") == 866);
  CHECK(BrandClockMhz("Some CPU @2.2 GHz") == 2200);
  CHECK(BrandClockMhz("Weird @ name CPU @ 3.05GHz") == 3050);
  CHECK(BrandClockMhz("AMD Ryzen 7 7840U w/ Radeon 780M Graphics") == 0);
  CHECK(BrandClockMhz("CPU @ 2.80") == 0);
  CHECK(BrandClockMhz("CPU @ GHz") == 0);
  CHECK(BrandClockMhz("") == 0);
}

}  // namespace lapbench::probes
