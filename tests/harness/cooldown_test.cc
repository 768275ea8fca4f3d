// Tests of --cooldown's waiting on a copy of the laptop sysfs tree whose
// CPU temperature the injected sleep lowers: instant, no real waiting.
#include "harness/cooldown.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace lapbench::harness {
namespace {

namespace fs = std::filesystem;

// A copy of the intel-laptop tree whose coretemp sensors the test sets.
class WarmLaptop {
 public:
  WarmLaptop()
      : root_(fs::temp_directory_path() /
              ("lapbench-cooldown-" + std::to_string(getpid()))) {
    fs::remove_all(root_);
    fs::copy(fs::path(LAPBENCH_FIXTURES_DIR) / "sysfs" / "intel-laptop", root_,
             fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  }
  ~WarmLaptop() { fs::remove_all(root_); }

  // Sets every coretemp reading (package and cores) to `c`.
  void SetC(double c) {
    const fs::path chip = root_ / "sys/class/hwmon/hwmon6";
    for (const fs::directory_entry& e : fs::directory_iterator(chip)) {
      const std::string name = e.path().filename().string();
      if (name.starts_with("temp") && name.ends_with("_input")) {
        std::ofstream(e.path()) << static_cast<long>(c * 1000) << "\n";
      }
    }
    c_ = c;
  }
  double c() const { return c_; }
  probes::FsRoot root() const { return probes::FsRoot(root_); }

 private:
  fs::path root_;
  double c_ = 0;
};

// Options whose clock moves only when the injected sleep runs, which
// cools the laptop by `cool_per_s` degrees per second slept.
CooldownOptions FakeTime(WarmLaptop& laptop, double& now_s, int& sleeps,
                         double cool_per_s) {
  CooldownOptions options;
  options.root = laptop.root();
  options.now_s = [&now_s] { return now_s; };
  options.sleep_s = [&, cool_per_s](double s) {
    now_s += s;
    ++sleeps;
    laptop.SetC(laptop.c() - cool_per_s * s);
  };
  return options;
}

TEST_CASE("cooldown waits until the CPU is within 5 C of idle",
          "[harness][cooldown]") {
  WarmLaptop laptop;
  laptop.SetC(60);
  double now_s = 100;
  int sleeps = 0;
  Cooldown cooldown(FakeTime(laptop, now_s, sleeps, 4));
  REQUIRE(cooldown.available());
  CHECK(cooldown.idle_c() == 60.0);
  CHECK(cooldown.target_c() == 65.0);
  laptop.SetC(80);
  std::vector<std::string> lines;
  const CooldownWait wait =
      cooldown.Wait([&lines](const std::string& l) { lines.push_back(l); });
  CHECK(wait.outcome == CooldownOutcome::kCool);
  CHECK(sleeps == 4);  // 80, 76, 72, 68 are too warm; 64 is not
  CHECK(wait.waited_s == 4.0);
  CHECK(wait.temp_c == 64.0);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] ==
        "cooling down: 80.0 C, waiting for 65.0 C (idle 60.0 C + 5.0 C), 0 s "
        "of at most 120 s");
}

TEST_CASE("a CPU already cool enough does not wait", "[harness][cooldown]") {
  WarmLaptop laptop;
  laptop.SetC(50);
  double now_s = 0;
  int sleeps = 0;
  Cooldown cooldown(FakeTime(laptop, now_s, sleeps, 1));
  laptop.SetC(54.5);
  CHECK(cooldown.Wait().outcome == CooldownOutcome::kCool);
  CHECK(sleeps == 0);
}

TEST_CASE("cooldown gives up after its timeout and says so",
          "[harness][cooldown]") {
  WarmLaptop laptop;
  laptop.SetC(50);
  double now_s = 0;
  int sleeps = 0;
  CooldownOptions options = FakeTime(laptop, now_s, sleeps, 0);
  options.timeout_s = 10;  // each read parses the whole tree: keep it short
  Cooldown cooldown(std::move(options));
  laptop.SetC(90);
  std::vector<std::string> lines;
  const CooldownWait wait =
      cooldown.Wait([&lines](const std::string& l) { lines.push_back(l); });
  CHECK(wait.outcome == CooldownOutcome::kTimedOut);
  CHECK(sleeps == 10);
  CHECK(wait.waited_s == 10.0);
  CHECK(lines.size() == 11);  // one per sleep, then the outcome
  CHECK(lines.back() ==
        "cooldown: still 90.0 C after 10 s (target 55.0 C); going on");
}

TEST_CASE("cooldown stops waiting on a stop request", "[harness][cooldown]") {
  WarmLaptop laptop;
  laptop.SetC(50);
  double now_s = 0;
  int sleeps = 0;
  CooldownOptions options = FakeTime(laptop, now_s, sleeps, 1);
  options.stop = [&sleeps] { return sleeps == 2; };
  Cooldown cooldown(std::move(options));
  laptop.SetC(90);
  CHECK(cooldown.Wait().outcome == CooldownOutcome::kStopped);
  CHECK(sleeps == 2);
}

TEST_CASE("without a CPU sensor cooldown says why and never waits",
          "[harness][cooldown]") {
  CooldownOptions options;
  options.root =
      probes::FsRoot(std::string(LAPBENCH_FIXTURES_DIR) + "/sysfs/empty");
  int sleeps = 0;
  options.sleep_s = [&sleeps](double) { ++sleeps; };
  Cooldown cooldown(std::move(options));
  CHECK_FALSE(cooldown.available());
  CHECK_FALSE(cooldown.unavailable_reason().empty());
  CHECK(cooldown.Wait().outcome == CooldownOutcome::kNoSensor);
  CHECK(sleeps == 0);
}

}  // namespace
}  // namespace lapbench::harness
