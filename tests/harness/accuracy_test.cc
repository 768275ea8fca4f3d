// A tiny synthetic model measured in q8_0 and q4_0 against its f32 self:
// seeded weights and tokens make the figures deterministic.
#include "harness/accuracy.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

namespace lapbench::harness {
namespace {

// A cache directory removed when the test ends.
class TempCacheDir {
 public:
  TempCacheDir()
      : path_(std::filesystem::temp_directory_path() /
              ("lapbench-accuracy-test-" + std::to_string(::getpid()))) {}
  ~TempCacheDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

AccuracyRequest TinyRequest(const std::string& format,
                            const std::string& cache_dir) {
  AccuracyRequest request;
  request.model = "tiny-llama";
  request.format = format;
  request.n_tokens = 40;
  request.n_batch = 16;  // three chunks: 16, 16, 8
  request.variant = "ref";
  request.cache_dir = cache_dir;
  request.seed = 1;
  return request;
}

TEST_CASE("The fixed token sequence depends only on its length and vocab",
          "[harness][accuracy]") {
  const std::vector<int32_t> a = AccuracyTokens(64, 512);
  CHECK(a == AccuracyTokens(64, 512));
  CHECK(std::vector<int32_t>(a.begin(), a.begin() + 10) ==
        AccuracyTokens(10, 512));
  for (const int32_t t : a) CHECK((t >= 0 && t < 512));
  CHECK(a != AccuracyTokens(64, 512, kAccuracyTokenSeed + 1));
}

TEST_CASE("A tiny model in q8_0 stays close to f32 and q4_0 drifts further",
          "[harness][accuracy]") {
  TempCacheDir cache;
  const AccuracyResult q8 = MeasureAccuracy(TinyRequest("q8_0", cache.str()));
  const AccuracyResult q4 = MeasureAccuracy(TinyRequest("q4_0", cache.str()));
  CHECK(q8.figures.n_positions == 40);
  CHECK(q8.figures.mean_kl > 0.0);
  CHECK(q8.figures.mean_kl < 1e-3);  // measured 4.76e-4
  CHECK(q8.figures.top1_agreement >= 0.9);
  CHECK(q4.figures.n_positions == 40);
  CHECK(q4.figures.mean_kl > q8.figures.mean_kl);
  CHECK(q4.figures.max_kl > q8.figures.max_kl);
}

TEST_CASE("The f32 model measured against itself gives KL 0",
          "[harness][accuracy]") {
  TempCacheDir cache;
  const AccuracyResult same = MeasureAccuracy(TinyRequest("f32", cache.str()));
  CHECK(same.model_path == same.reference_path);
  CHECK(same.figures.mean_kl == 0.0);
  CHECK(same.figures.top1_agreement == 1.0);
}

TEST_CASE("An accuracy request without tokens is refused",
          "[harness][accuracy]") {
  AccuracyRequest request = TinyRequest("q8_0", "/nonexistent");
  request.n_tokens = 0;
  CHECK_THROWS_AS(MeasureAccuracy(request), std::invalid_argument);
}

}  // namespace
}  // namespace lapbench::harness
